"""The actions of a report's life: each writes its trail row (`sentiment.<verb>`, crediting the
author, sector and co-authors), the authors hear of each step, and every refusal is a clear
Chinese message with nothing half-saved."""

from __future__ import annotations

import pytest

from lianxin.core.errors import Conflict, Forbidden, ValidationFailed
from lianxin.core.models import TrailEvent
from lianxin.notifications.models import Notification

from .. import actions
from ..models import Instruction, ReportState, SentimentIssue
from .helpers import advance, compile_issue, fresh, new_report, seat_key, user

pytestmark = pytest.mark.django_db


def trail_of(report) -> list[str]:
    return list(
        TrailEvent.objects.filter(object_type="sentiment.sentimentreport", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_report_from_draft_to_instruction_writes_the_trail_and_tells_the_author(
    django_capture_on_commit_callbacks,
):
    report = new_report(co_authors=[seat_key("member_b")[7:]])
    assert report.state == ReportState.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        report = advance(report, "instructed")
    assert report.state == ReportState.INSTRUCTED
    assert report.issue.label.endswith("期") and report.position == 1
    assert report.adopted_by == "山西省政协" and report.get_adoption_manner_display() == "采用"
    # The original is kept beside the edited text.
    assert (
        report.content.startswith("多个小区居民反映")
        and report.edited_title == "城区夜间施工噪音扰民"
    )
    assert trail_of(report) == [
        "sentiment.create",
        "sentiment.submit",
        "sentiment.edit",
        "sentiment.compile",
        "sentiment.send",
        "sentiment.adopt",
        "sentiment.instruct",
    ]
    instruct = TrailEvent.objects.filter(
        action="sentiment.instruct", object_id=str(report.pk)
    ).get()
    credit = instruct.change["credit"]
    assert credit["member"] == report.author_member_id
    assert credit["co_authors"] == [int(seat_key("member_b")[7:])]
    assert instruct.seat_type == "cppcc_staff" and instruct.change["level"] == "city"
    submit = TrailEvent.objects.get(action="sentiment.submit", object_id=str(report.pk))
    assert submit.seat_type == "member" and submit.change["state"] == ["draft", "submitted"]
    # The author and the co-author hear of the issue, the sending, the adoption, the instruction.
    for username in ("member_demo", "member_b"):
        verbs = set(
            Notification.objects.filter(
                recipient=user(username), url=report.get_absolute_url()
            ).values_list("verb", flat=True)
        )
        assert {
            "sentiment_compiled",
            "sentiment_sent",
            "sentiment_adopted",
            "sentiment_instructed",
        } <= verbs, username
    told = Notification.objects.filter(
        recipient=user("member_demo"), verb="sentiment_instructed"
    ).latest("id")
    assert "晋中市副市长" in told.title and told.body == "请市住建局研究落实。"
    # The staff hear of a new submission.
    assert Notification.objects.filter(
        recipient=user("cppcc_staff"), verb="sentiment_submitted", url=report.get_absolute_url()
    ).exists()


def test_returned_reports_go_back_to_the_author_who_revises_and_submits_again(
    django_capture_on_commit_callbacks,
):
    report = advance(new_report(), "submitted")
    with pytest.raises(ValidationFailed) as exc:
        actions.do_return_report(report, reason="  ", acting_user=user("cppcc_staff"))
    assert exc.value.message == "请填写退回理由。"
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_return_report(
            report, reason="请补充发生的小区名称。", acting_user=user("cppcc_staff")
        )
    report = fresh(report)
    assert report.state == ReportState.RETURNED and report.return_reason == "请补充发生的小区名称。"
    told = Notification.objects.get(recipient=user("member_demo"), verb="sentiment_returned")
    assert told.body == "请补充发生的小区名称。"
    actions.do_update_report(
        report,
        title="关于榆次区锦纶小区夜间施工噪音扰民的情况反映",
        content="锦纶小区居民反映夜间施工。",
        acting_user=user("member_demo"),
    )
    actions.do_submit_report(report, acting_user=user("member_demo"))
    report = fresh(report)
    assert report.state == ReportState.SUBMITTED and report.return_reason == ""
    assert report.title.startswith("关于榆次区锦纶小区")


def test_an_instruction_on_a_report_not_yet_sent_is_refused():
    report = advance(new_report(), "compiled")
    with pytest.raises(Conflict) as exc:
        actions.do_instruct_report(
            report, leader="市长", level="city", text="阅。", acting_user=user("cppcc_staff")
        )
    assert exc.value.code == "not_sent"
    assert "只有已报送上级的信息才能登记领导批示" in exc.value.message
    assert not Instruction.objects.filter(report=report).exists()
    assert fresh(report).state == ReportState.COMPILED


def test_compiling_a_draft_is_refused_and_makes_no_issue():
    # The staff's own draft (another's draft is not theirs to see: 404, see test_api).
    draft = actions.do_create_report(
        author=f"cppcc:{user('cppcc_staff').roles.get().cppcc_id}",
        title="关于机关调研发现问题的情况反映",
        content="调研中发现的问题。",
        acting_user=user("cppcc_staff"),
    )
    edited = advance(new_report("关于公园健身器材损坏未修的情况反映"), "edited")
    before = SentimentIssue.objects.count()
    with pytest.raises(Conflict) as exc:
        compile_issue(edited, draft)
    assert exc.value.code == "invalid_transition"
    assert "只有已编辑的信息才能编入期刊" in exc.value.message and "草稿" in exc.value.message
    assert SentimentIssue.objects.count() == before
    assert fresh(edited).state == ReportState.EDITED and fresh(edited).issue is None


def test_adopting_twice_is_refused():
    report = advance(new_report(), "adopted")
    with pytest.raises(Conflict) as exc:
        actions.do_adopt_report(
            report,
            adopted_by="中共晋中市委办公室",
            level="city",
            manner="forwarded",
            acting_user=user("cppcc_staff"),
        )
    assert exc.value.code == "already_adopted"
    assert exc.value.message == "该信息已登记为山西省政协采用，不能重复登记。"
    assert fresh(report).adopted_by == "山西省政协"


def test_bad_input_is_refused_with_a_message_naming_the_field():
    staff = user("cppcc_staff")
    with pytest.raises(ValidationFailed) as exc:
        new_report(title="")
    assert exc.value.field == "title" and exc.value.message == "请填写标题。"
    with pytest.raises(ValidationFailed) as exc:
        actions.do_create_report(
            author="cppcc:999999", title="x", content="y", acting_user=user("member_demo")
        )
    assert exc.value.field == "author"
    report = advance(new_report(), "sent")
    for kwargs, field in [
        ({"level": "national"}, "level"),
        ({"manner": "keep"}, "manner"),
        ({"adopted_by": ""}, "adopted_by"),
        ({"adopted_on": "2999-01-01"}, "adopted_on"),
        ({"adopted_on": "昨天"}, "adopted_on"),
    ]:
        body = {"adopted_by": "山西省政协", "level": "province", "manner": "adopted", **kwargs}
        with pytest.raises(ValidationFailed) as exc:
            actions.do_adopt_report(report, acting_user=staff, **body)
        assert exc.value.field == field, kwargs
    with pytest.raises(ValidationFailed) as exc:
        actions.do_send_issue(fresh(report).issue, recipients=["mayor"], acting_user=staff)
    assert exc.value.field == "recipients"
    assert fresh(report).state == ReportState.SENT


def test_only_the_cppccs_own_staff_act_and_only_authors_submit():
    report = new_report()
    with pytest.raises(Forbidden):
        actions.do_submit_report(report, acting_user=user("member_b"))
    advance(report, "submitted")
    with pytest.raises(Forbidden):
        actions.do_edit_report(
            report, edited_title="x", edited_content="y", acting_user=user("member_demo")
        )
    with pytest.raises(Conflict):
        actions.do_submit_report(report, acting_user=user("member_demo"))


def test_issues_are_numbered_per_year_in_the_order_given():
    a = advance(new_report("关于甲的情况反映"), "edited")
    b = advance(new_report("关于乙的情况反映"), "edited")
    first = compile_issue(b, a)
    c = advance(new_report("关于丙的情况反映"), "edited")
    second = compile_issue(c)
    assert second.year == first.year and second.number == first.number + 1
    assert second.label == f"{second.year}年第{second.number}期"
    assert [r.pk for r in first.reports.order_by("position")] == [b.pk, a.pk]


def test_a_sector_report_is_seen_and_credited_to_the_sector():
    member = user("member_demo")
    sector_key = next(k for k, _l in actions.author_choices(member) if k.startswith("sector:"))
    report = new_report(as_key=sector_key)
    assert report.author_member is None and report.author_sector_id == int(sector_key[7:])
    assert report.author_label.endswith("界别")
    event = TrailEvent.objects.get(action="sentiment.create", object_id=str(report.pk))
    assert event.change["credit"]["sector"] == report.author_sector_id


def test_the_demo_has_reports_in_several_states_and_a_sent_issue():
    from ..models import SentimentReport

    states = set(SentimentReport.objects.values_list("state", flat=True))
    assert {"draft", "submitted", "returned", "edited", "sent", "instructed"} <= states
    issue = SentimentIssue.objects.get(title="民生领域社情民意专辑")
    assert issue.sent_on is not None and issue.reports.count() == 2
    assert Instruction.objects.filter(report__issue=issue, leader="晋中市副市长").exists()
