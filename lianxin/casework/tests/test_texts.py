"""Other texts in the full-text search (casework.texts): duty stories, posts, published duty
reports, sentiment reports and consultation opinions, found only by those who may see them,
kept current by the trail and rebuilt by `rebuild_search`."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from lianxin.casework import texts
from lianxin.casework.models import TextEntry

from .helpers import client_for, demo_seat, user

pytestmark = pytest.mark.django_db

WORDS = "古城墙修缮"


def _story(body: str):
    from lianxin.duty.reports import do_write_story

    return do_write_story(
        demo_seat("county"), title="走访古城墙", body=body, acting_user=user("deputy_demo")
    )


def found(username: str, query: str, kinds=None) -> list[str]:
    return [h.url for h in texts.search(user(username), query, kinds).hits]


def test_a_duty_storys_words_are_found_only_by_those_who_may_see_it():
    story = _story(f"今天走访了{WORDS}工地，听取居民意见。")
    url = f"/duty/stories/{story.pk}/"
    # The trail indexed it in the action's transaction.
    assert TextEntry.objects.filter(kind="duty_story", object_id=story.pk).exists()
    assert url in found("deputy_demo", "古城墙 修缮")
    assert url in found("yc_staff", "城墙", ["duty_story"])
    # The office of another county and a unit officer do not see the seat's stories.
    assert url not in found("tg_staff", "古城墙")
    assert url not in found("unit_demo", "古城墙")
    hit = texts.search(user("yc_staff"), "古城墙").hits[0]
    assert "<mark>古城墙</mark>" in hit.snippet and hit.kind_label == "履职故事"
    # A kind filter leaves the story out.
    assert url not in found("yc_staff", "古城墙", ["duty_post"])


def test_the_search_page_shows_other_texts_as_a_kind():
    story = _story(f"{WORDS}的资金落实情况。")
    page = client_for("yc_staff").get("/search/", {"q": "古城墙", "kind": "duty_story"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/duty/stories/{story.pk}/" in html and "<mark>古城墙</mark>" in html
    other = client_for("tg_staff").get("/search/", {"q": "古城墙", "kind": "duty_story"})
    assert f"/duty/stories/{story.pk}/" not in other.content.decode()
    # The cases' own filters are refused for a text kind; a bad year too.
    bad = client_for("yc_staff").get(
        "/search/", {"q": "古城墙", "kind": "duty_story", "state": "handling"}
    )
    assert bad.status_code == 422 and "此类别只能按年份筛选" in bad.content.decode()
    year = client_for("yc_staff").get(
        "/search/", {"q": "古城墙", "kind": "duty_story", "year": "abc"}
    )
    assert year.status_code == 422
    this_year = client_for("yc_staff").get(
        "/search/", {"q": "古城墙", "kind": "duty_story", "year": str(story.created_at.year)}
    )
    assert f"/duty/stories/{story.pk}/" in this_year.content.decode()


def test_a_published_report_is_found_and_a_withdrawn_one_is_not():
    from lianxin.duty import reports

    deputy, staff = user("deputy_demo"), user("yc_staff")
    seat = demo_seat("county")
    year = dt.date.today().year - 1
    report = reports.do_draft_report(
        seat,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        acting_user=deputy,
    )
    report = reports.do_edit_report(
        report, title="年度述职报告", body=f"本年度推动{WORDS}。", acting_user=deputy
    )
    report = reports.do_submit_report(report, acting_user=deputy)
    # Not yet published: not in the search, even for its own office.
    assert found("yc_staff", WORDS, ["duty_report"]) == []
    report = reports.do_decide_report(report, approve=True, acting_user=staff)
    report = reports.do_publish_report(report, acting_user=staff)
    url = f"/duty/reports/{report.pk}/"
    assert url in found("yc_staff", WORDS, ["duty_report"])
    assert url not in found("tg_staff", WORDS, ["duty_report"])
    reports.do_publish_report(report, publish=False, acting_user=staff)
    assert found("yc_staff", WORDS, ["duty_report"]) == []


def test_rebuild_search_writes_every_kind_again_and_finds_the_same():
    story = _story(f"{WORDS}第二期。")
    before = found("yc_staff", "古城墙", ["duty_story"])
    out = io.StringIO()
    call_command("rebuild_search", stdout=out)
    assert "其他文字" in out.getvalue()
    assert found("yc_staff", "古城墙", ["duty_story"]) == before
    assert f"/duty/stories/{story.pk}/" in before
    kinds = set(TextEntry.objects.values_list("kind", flat=True))
    assert {"duty_post", "duty_story"} <= kinds
    assert set(texts.KINDS) == {
        "duty_post",
        "duty_story",
        "duty_report",
        "sentiment_report",
        "consultation_opinion",
    }


def test_operators_and_punctuation_find_nothing_and_raise_nothing():
    _story(f"{WORDS}。")
    for query in ('" * NEAR( OR', "。，！", "", "x" * 1000):
        assert texts.search(user("yc_staff"), query).hits == [] or query == "x" * 1000


def _opinion():
    """An opinion on a consultation of 榆次区, given by the demo deputy (through the actions)."""
    from django.utils import timezone

    from lianxin.consultation import actions
    from lianxin.org.models import Congress, Level

    yuci = Congress.objects.get(region__code="140702", level=Level.COUNTY)
    now = timezone.now()
    consultation = actions.do_open_consultation(
        yuci,
        {
            "kind": "draft",
            "title": "榆次区古城保护条例（草案）",
            "text": "第一条 为了保护古城，制定本条例。",
            "opens_at": now - dt.timedelta(hours=1),
            "closes_at": now + dt.timedelta(days=10),
            "audience": "all",
        },
        acting_user=user("yc_staff"),
    )
    return actions.do_submit_opinion(
        consultation,
        demo_seat("county"),
        {"content": "建议增加城墙修缮的经费保障。"},
        acting_user=user("deputy_demo"),
    )


@pytest.mark.parametrize(
    "kind", ["sentiment_report", "consultation_opinion", "duty_post", "duty_story"]
)
def test_every_kind_is_found_by_exactly_those_its_apps_rule_lets_see_it(kind):
    from django.apps import apps

    from lianxin.accounts.access import visible_to
    from lianxin.accounts.models import User

    spec = texts.KINDS[kind]
    model = apps.get_model(spec.model)
    if kind == "duty_story":
        _story("走访")
    if kind == "consultation_opinion":
        _opinion()
    row = model.objects.filter(spec.counts).order_by("pk").first()
    assert row is not None, f"the demo has a {kind}"
    field = {"sentiment_report": "content", "consultation_opinion": "content"}.get(kind)
    field = field or ("content" if kind == "duty_post" else "body")
    model.objects.filter(pk=row.pk).update(**{field: f"关于{WORDS}的情况。"})
    texts.index(kind, [row.pk])
    people = list(User.objects.filter(is_active=True).order_by("username")[:40])
    seen = 0
    for person in people:
        may = visible_to(person, model).filter(pk=row.pk).exists()
        hits = [h.url for h in texts.search(person, WORDS, [kind]).hits]
        assert (len(hits) == 1) == may, (kind, person.username)
        seen += may
    # Some may and some may not: the rule was really applied.
    assert 0 < seen < len(people), (kind, seen)
