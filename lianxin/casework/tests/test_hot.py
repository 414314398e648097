"""Hot issues (casework.hot): real citizen messages (TipDM 2020 C, development part) loaded as
opinions of 榆次区; a burst of reports of one problem becomes the county's hottest issue, other
problems of the same street stay apart, the push reaches the deputies of 榆次区's stations and
no one else, and a deputy's suggestion made from it carries its reply to every citizen."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from lianxin.accounts.actions import grant_role
from lianxin.accounts.models import Role, User
from lianxin.casework import hot
from lianxin.casework.models import Case, CaseOrigin, HotIssue
from lianxin.core.models import TrailEvent
from lianxin.liaison.models import Station, StationMembership
from lianxin.notifications.models import Notification
from lianxin.org.models import Congress, Region
from lianxin.suggestions.tests import helpers as sg
from lianxin.testing import same_issue

from .helpers import client_for, fresh, new_opinion, station, user

pytestmark = pytest.mark.django_db

BURST = "281902"  # the 40 reports of the concrete plant beside 丽发新城
needs_data = pytest.mark.skipif(not same_issue.available(), reason="共享数据不在")


def yuci():
    return Congress.objects.get(region__code="140702", level="county")


def load_board(*, old_days: int = 20):
    """Every development message as an opinion of 榆次区: the burst raised now, the rest
    `old_days` ago (with each its own phone number). Message id → case id."""
    board = same_issue.read()
    ids = same_issue.load(board, congress=yuci())
    burst = {m for m, c in board.cluster.items() if c == BURST}
    old = timezone.now() - dt.timedelta(days=old_days)
    Case.objects.filter(pk__in=[ids[m] for m in ids if m not in burst]).update(created_at=old)
    for m, pk in ids.items():
        Case.objects.filter(pk=pk).update(contact_phone=f"139{int(m) % 100000000:08d}")
    return board, ids, burst


@needs_data
def test_a_burst_of_real_reports_becomes_the_top_hot_issue_of_the_county(
    django_capture_on_commit_callbacks,
):
    board, ids, burst = load_board()
    with django_capture_on_commit_callbacks(execute=True):
        result = hot.compute()
    assert result.issues >= 2
    [first, *rest] = hot.top(HotIssue.objects.filter(region__code="140702"))
    members = set(first.members.values_list("case_id", flat=True))
    burst_ids = {ids[m] for m in burst}
    assert len(members & burst_ids) >= 0.8 * len(burst_ids), (first.title, len(members))
    # Nothing of another labelled issue is in it.
    message = {pk: m for m, pk in ids.items()}
    others = [message[pk] for pk in members - burst_ids]
    assert not [m for m in others if m in board.cluster], others
    assert "搅拌" in first.title or "搅拌站" in first.words, (first.title, first.words)
    assert first.heat > max(i.heat for i in rest)
    assert first.raisers == first.case_count  # one phone number each
    # The 35 reports of 伊景园滨河苑 (older) form their own issue, lower down.
    parking = {ids[m] for m, c in board.cluster.items() if c == "244528"}
    found = [
        i for i in rest if len(set(i.members.values_list("case_id", flat=True)) & parking) > 20
    ]
    assert found and not (set(found[0].members.values_list("case_id", flat=True)) & burst_ids)
    # Computed again, every issue keeps its id.
    before = {
        i.pk: set(i.members.values_list("case_id", flat=True)) for i in HotIssue.objects.all()
    }
    again = hot.compute()
    assert again.created == 0
    after = {i.pk: set(i.members.values_list("case_id", flat=True)) for i in HotIssue.objects.all()}
    assert after == before


@needs_data
def test_the_week_list_ranks_by_what_was_raised_that_week():
    _board, ids, burst = load_board()
    hot.compute(push_issues=False)
    visible = HotIssue.objects.filter(region__code="140702")
    this_week = hot.top(visible, week=timezone.localdate())
    assert this_week and this_week[0].week_count >= 0.8 * len(burst)
    far = hot.top(visible, week=timezone.localdate() - dt.timedelta(days=70))
    assert far == []


def test_different_problems_in_the_same_street_are_not_merged():
    lights = [
        "榆次区顺城街路灯不亮，晚上出行很不安全，请尽快维修路灯。",
        "顺城街一带路灯坏了好几天，夜里一片漆黑，路灯需要维修。",
        "反映顺城街路灯不亮的问题，晚上走路看不清，希望修好路灯。",
    ]
    covers = [
        "顺城街人行道井盖缺失，有行人掉进去受伤，请补上井盖。",
        "顺城街路口的井盖丢了，很危险，希望有关部门补装井盖。",
        "顺城街的窨井盖缺失一直没人管，孩子上学路过很危险，请补井盖。",
    ]
    cases = []
    for i, text in enumerate(lights + covers):
        cases.append(new_opinion(text, contact_phone=f"1380000{i:04d}"))
    hot.compute(push_issues=False)
    groups = [
        set(i.members.values_list("case_id", flat=True))
        for i in HotIssue.objects.filter(members__case__in=cases).distinct()
    ]
    light_ids = {c.pk for c in cases[:3]}
    cover_ids = {c.pk for c in cases[3:]}
    # (The demo world's own report of 顺城街's lights may join the first: the same issue.)
    [lights_group] = [g for g in groups if g & light_ids]
    [covers_group] = [g for g in groups if g & cover_ids]
    assert light_ids <= lights_group and not lights_group & cover_ids, groups
    assert covers_group == cover_ids, groups


def burst_of_opinions(n: int = 4) -> list[Case]:
    """A street's broken lights reported by `n` citizens (each a phone of their own)."""
    texts = [
        "榆次区顺城街路灯不亮，晚上出行很不安全，请尽快维修路灯。",
        "顺城街一带路灯坏了好几天，夜里一片漆黑，路灯需要维修。",
        "反映顺城街路灯不亮的问题，晚上走路看不清，希望修好路灯。",
        "顺城街的路灯一到晚上就不亮，老人孩子出门不方便，请维修路灯。",
        "顺城街路灯长期不亮无人维修，请相关部门尽快修复路灯。",
    ]
    return [
        new_opinion(
            texts[i % len(texts)], contact_phone=f"1390000{i:04d}", deputy=None, station=station()
        )
        for i in range(n)
    ]


def taigu_deputy_login() -> User:
    """A deputy of a station of 太谷区, with a login."""
    membership = (
        StationMembership.objects.filter(station__region__code__startswith="140703")
        .select_related("deputy__person")
        .first()
    )
    person = membership.deputy.person
    account = getattr(person, "user", None) or User.objects.create_user(
        username="taigu_deputy", password="x", display_name=person.name, person=person
    )
    grant_role(account, Role.DEPUTY, acting_user=None)
    return account


def test_the_push_reaches_the_deputies_of_the_countys_stations_and_no_one_else(
    django_capture_on_commit_callbacks,
):
    cases = burst_of_opinions()
    with django_capture_on_commit_callbacks(execute=True):
        result = hot.compute()
    issue = HotIssue.objects.get(members__case=cases[0])
    assert {c.pk for c in cases} <= set(issue.members.values_list("case_id", flat=True))
    assert result.pushed >= 1
    yuci_stations = Station.objects.filter(region__code__startswith="140702")
    expected = set(
        StationMembership.objects.filter(
            station__in=yuci_stations, deputy__status="serving"
        ).values_list("deputy_id", flat=True)
    )
    assert set(issue.pushed_deputies.values_list("pk", flat=True)) == expected
    assert not issue.pushed_deputies.exclude(
        station_membership__station__region__code__startswith="140702"
    ).exists()
    note = Notification.objects.get(recipient=user("deputy_demo"), verb="hot_issue")
    assert note.title.startswith("民意诉求：") and note.url == issue.get_absolute_url()
    assert Notification.objects.filter(recipient=user("deputy_b"), verb="hot_issue").exists()
    assert not Notification.objects.filter(recipient=user("deputy_c"), verb="hot_issue").exists()
    assert TrailEvent.objects.filter(action="hot.pushed", object_id=str(issue.pk)).exists()
    # Computed again without growth: no second notice.
    with django_capture_on_commit_callbacks(execute=True):
        hot.compute()
    assert Notification.objects.filter(recipient=user("deputy_demo"), verb="hot_issue").count() == 1


def test_the_pages_show_it_to_its_deputies_and_staff_and_404_elsewhere():
    cases = burst_of_opinions()
    hot.compute()
    issue = HotIssue.objects.get(members__case=cases[0])
    page = client_for("deputy_demo").get("/cases/hot/")
    assert page.status_code == 200
    body = page.content.decode()
    assert issue.title in body and str(hot.FORMULA) in body
    detail = client_for("deputy_demo").get(f"/cases/hot/{issue.pk}/").content.decode()
    assert "转为建议" in detail and cases[0].tracking_code in detail
    assert client_for("yc_staff").get(f"/cases/hot/{issue.pk}/").status_code == 200
    assert client_for("leader_demo").get(f"/cases/hot/{issue.pk}/").status_code == 200
    staff_page = client_for("yc_staff").get(f"/cases/hot/{issue.pk}/").content.decode()
    assert "hot-suggest" not in staff_page  # staff see it; a deputy turns it
    outsider = taigu_deputy_login()
    c = client_for(outsider.username)
    assert c.get(f"/cases/hot/{issue.pk}/").status_code == 404
    assert c.get(f"/cases/hot/{issue.pk}/suggest/").status_code == 404
    assert c.get(f"/cases/hot/{issue.pk + 10_000}/").status_code == 404
    assert issue.title not in c.get("/cases/hot/").content.decode()
    assert client_for("tg_staff").get(f"/cases/hot/{issue.pk}/").status_code == 404
    bad = client_for("yc_staff").get("/cases/hot/?week=2026-13-40")
    assert bad.status_code == 422 and "日期" in bad.content.decode()


def test_a_deputy_turns_it_into_a_suggestion_whose_reply_reaches_every_citizen(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_SMS_BACKEND = "lianxin.notifications.sms.FileBackend"
    settings.NOTIFICATIONS_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    cases = burst_of_opinions()
    hot.compute()
    issue = HotIssue.objects.get(members__case=cases[0])
    c = client_for("deputy_demo")
    form = c.get(f"/cases/hot/{issue.pk}/suggest/").content.decode()
    assert cases[0].tracking_code in form  # prefilled from the cluster
    prefill = hot.prefill(issue)
    city_seat = sg.seat("deputy_demo")
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            f"/cases/hot/{issue.pk}/suggest/",
            {"seat": city_seat.pk, **prefill},
        )
    assert r.status_code == 302, r.content.decode()[:2000]
    draft = Case.objects.get(kind="suggestion", origin_links__origin=cases[0])
    assert r["Location"] == draft.get_absolute_url()
    assert draft.raised_by_deputy == city_seat
    assert {x.pk for x in cases} <= set(
        CaseOrigin.objects.filter(case=draft).values_list("origin_id", flat=True)
    )
    issue.refresh_from_db()
    assert issue.state == "converted" and issue.converted_case == draft
    assert TrailEvent.objects.filter(action="hot.converted", object_id=str(issue.pk)).exists()
    for x in cases:
        assert fresh(x).state == "converted"
        assert fresh(x).events.get(action="derive").actor == user("deputy_demo")
    # A second time is refused in plain words, nothing made.
    again = c.post(f"/cases/hot/{issue.pk}/suggest/", {"seat": city_seat.pk, **prefill})
    assert again.status_code == 422 and "已转化" in again.content.decode()
    assert Case.objects.filter(kind="suggestion", origin_links__origin=cases[0]).count() == 1
    # The suggestion goes its way; its reply, once signed off, reaches every citizen.
    sg.open_session()
    suggestion = sg.advance(draft, "reply_pending_signoff")
    assert all(fresh(x).state == "converted" for x in cases)
    with django_capture_on_commit_callbacks(execute=True):
        sg.advance(suggestion, "replied")
    sent = [json.loads(x) for x in (tmp_path / "sms.jsonl").read_text().splitlines()]
    by_phone = Counter(m["to"] for m in sent if "已有答复" in m["body"])
    for x in cases:
        x = fresh(x)
        assert x.state == "fed_back"
        assert x.replies.get().content == "经研究，将于年内完成两处站台遮雨棚建设。"
        assert by_phone[x.contact_phone] == 1
        page = c.get(f"/t/{x.tracking_code}")  # the citizen's tracking page
        assert "经研究，将于年内完成两处站台遮雨棚建设。" in page.content.decode()


def test_only_a_deputy_it_was_pushed_to_may_turn_it():
    cases = burst_of_opinions()
    hot.compute()
    issue = HotIssue.objects.get(members__case=cases[0])
    staff = client_for("yc_staff")
    r = staff.post(f"/cases/hot/{issue.pk}/suggest/", hot.prefill(issue))
    assert r.status_code == 403
    assert not Case.objects.filter(kind="suggestion", origin_links__origin=cases[0]).exists()
    assert fresh(cases[0]).state == "registered"


def test_the_command_and_the_scan_compute_them():
    cases = burst_of_opinions()
    call_command("hot_issues", "--no-push", stdout=open("/dev/null", "w"))  # noqa: SIM115
    issue = HotIssue.objects.get(members__case=cases[0])
    assert issue.pushed_at is None
    HotIssue.objects.update(computed_at=timezone.now() - dt.timedelta(hours=2))
    out = hot.scan_step(timezone.localdate())
    assert out["hot_issues"] >= 1 and out["hot_pushed"] >= 1
    assert hot.scan_step(timezone.localdate()) == {}  # at most hourly
    assert Region.objects.get(code="140702") == HotIssue.objects.get(pk=issue.pk).region


def test_counties_shared_among_worker_processes_give_the_same_groups():
    cases = burst_of_opinions()
    taigu = Station.objects.filter(region__code__startswith="140703", is_active=True).first()
    for i, text in enumerate(["太谷区鼓楼街井盖缺失，很危险，请补上井盖。"] * 3):
        new_opinion(text, contact_phone=f"1370000{i:04d}", deputy=None, station=taigu)
    now = timezone.now()
    items = hot.candidates(now)
    assert len({i.county for i in items}) > 1
    one = [sorted(g.pks) for g in hot.cluster(items, now=now, repeats={}, workers=1)]
    two = [sorted(g.pks) for g in hot.cluster(items, now=now, repeats={}, workers=2)]
    assert one == two
    assert any({c.pk for c in cases} <= set(g) for g in one)


def test_members_of_the_field_are_told_and_see_it_others_do_not(
    django_capture_on_commit_callbacks,
):
    from lianxin.org.models import Expertise, Member

    from .helpers import category

    member = Member.objects.get(person__user__username="member_demo")
    member.person.expertise.add(Expertise.objects.get_or_create(name="交通")[0])
    Member.objects.get(person__user__username="member_b").person.expertise.clear()
    cases = [
        new_opinion(
            text,
            contact_phone=f"1360000{i:04d}",
            deputy=None,
            station=station(),
            category=category("transport"),
        )
        for i, text in enumerate(
            [
                "顺城街公交站没有站牌，外地人找不到车站，请增设公交站牌。",
                "顺城街北口公交站没有站牌，候车不知道是哪一路车，请设站牌。",
                "反映顺城街公交站缺少站牌的问题，希望尽快增设公交站牌。",
            ]
        )
    ]
    with django_capture_on_commit_callbacks(execute=True):
        hot.compute()
    issue = HotIssue.objects.get(members__case=cases[0])
    assert issue.category.code == "transport"
    assert member in issue.pushed_members.all()
    assert Notification.objects.filter(recipient=user("member_demo"), verb="hot_issue").exists()
    assert not Notification.objects.filter(recipient=user("member_b"), verb="hot_issue").exists()
    assert client_for("member_demo").get(f"/cases/hot/{issue.pk}/").status_code == 200
    assert client_for("member_b").get(f"/cases/hot/{issue.pk}/").status_code == 404
