"""Reports in every state, made by calling the real actions (never by writing rows).

The test world: member_demo (晋中市政协 member, with a sector) and member_b (the same CPPCC, no
sector) write; cppcc_staff (晋中市政协) edits, compiles, sends and records adoption and
instructions; `lianxin.proposals.tests.helpers.other_cppcc()` adds 榆次区政协 below it with its
own staff (yc_cppcc_staff) and member (yc_member)."""

from __future__ import annotations

from lianxin.accounts.models import User
from lianxin.org.models import Member

from .. import actions
from ..models import SentimentIssue, SentimentReport

STATES = ["draft", "submitted", "edited", "compiled", "sent", "adopted", "instructed"]
TITLE = "关于城区夜间施工噪音扰民的情况反映"


def user(username: str) -> User:
    return User.objects.get(username=username)


def seat_key(username: str) -> str:
    seat = Member.objects.get(person__user__username=username)
    return f"member:{seat.pk}"


def fresh(report: SentimentReport) -> SentimentReport:
    return SentimentReport.objects.get(pk=report.pk)


def new_report(title: str = TITLE, *, author: str = "member_demo", **kwargs) -> SentimentReport:
    return actions.do_create_report(
        author=kwargs.pop("as_key", None) or seat_key(author),
        title=title,
        content="多个小区居民反映，夜间十点后仍有渣土车和施工作业，影响休息。建议加强夜间施工审批和巡查。",
        category=kwargs.pop("category", "urban_construction"),
        acting_user=user(author),
        **kwargs,
    )


def compile_issue(*reports: SentimentReport, title: str = "城市管理专辑") -> SentimentIssue:
    staff = user("cppcc_staff")
    return actions.do_compile_issue(
        reports[0].cppcc, title=title, reports=[r.pk for r in reports], acting_user=staff
    )


def advance(report: SentimentReport, state: str, *, author: str = "member_demo"):
    """Take a fresh draft along until it is in `state`; returns the report (and makes its
    issue on the way when asked for compiled or later)."""
    staff = user("cppcc_staff")
    path = STATES[: STATES.index(state) + 1]
    if "submitted" in path:
        actions.do_submit_report(report, acting_user=user(author))
    if "edited" in path:
        actions.do_edit_report(
            report,
            edited_title="城区夜间施工噪音扰民",
            edited_content="居民反映夜间施工扰民。建议加强审批和巡查。",
            acting_user=staff,
        )
    if "compiled" in path:
        compile_issue(fresh(report))
    if "sent" in path:
        actions.do_send_issue(
            fresh(report).issue, recipients=["higher_cppcc", "government"], acting_user=staff
        )
    if "adopted" in path:
        actions.do_adopt_report(
            report, adopted_by="山西省政协", level="province", manner="adopted", acting_user=staff
        )
    if "instructed" in path:
        actions.do_instruct_report(
            report,
            leader="晋中市副市长",
            level="city",
            text="请市住建局研究落实。",
            acting_user=staff,
        )
    return fresh(report)
