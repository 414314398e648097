"""Every action of every app writes exactly one trail event, names its actor and seat, and
queues only the notifications its rules name (issue 10, Deliver 2).

The actions are found by `inspect` (public `do_*` functions of the apps' modules, plus the few
named otherwise), so a new action without a scenario fails `test_every_action_has_a_scenario`."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from lianxin.casework.tests.helpers import advance, category, demo_seat, new_opinion, unit, user
from lianxin.core import dates
from lianxin.core.models import TrailEvent

pytestmark = pytest.mark.django_db

APPS = ["casework", "opinions", "suggestions", "liaison", "accounts"]
NAMED = [
    "accounts.actions.grant_role",
    "liaison.actions.raise_opinion_from_record",
    "liaison.excel.check_and_import",
    "casework.lineage.derive",
]
SKIP_PARTS = {"tests", "migrations", "management", "api", "views", "admin", "templatetags"}

# Functions named do_* that change nothing (none today); each with its reason.
EXEMPT: dict[str, str] = {}


def enumerate_actions() -> set[str]:
    found: set[str] = set()
    for app in APPS:
        package = importlib.import_module(f"lianxin.{app}")
        names = [f"lianxin.{app}"] + [
            m.name
            for m in pkgutil.walk_packages(package.__path__, f"lianxin.{app}.")
            if not SKIP_PARTS & set(m.name.split("."))
        ]
        for name in names:
            module = importlib.import_module(name)
            for fname, fn in inspect.getmembers(module, inspect.isfunction):
                if fname.startswith("do_") and fn.__module__ == name:
                    found.add(f"{name.removeprefix('lianxin.')}.{fname}")
    return found | set(NAMED)


@dataclass
class Act:
    call: Callable[[], object]
    actor: object = None  # a User, or None for trusted code
    seat: str = ""  # for trusted code: "system" or "citizen"


@dataclass
class Scenario:
    trail: str
    setup: Callable[[], Act]
    chained: tuple[str, ...] = ()


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str, trail: str, chained: tuple[str, ...] = ()):
    def register(fn):
        SCENARIOS[name] = Scenario(trail, fn, chained)
        return fn

    return register


# Notifications sent directly through suggestions/actions/base.py `_notify`, not from the
# trail by rule (the second path issue 10 wants removed): scenario → verbs.
# Notifications an action sends outside the rules of its events (none left).
KNOWN_DIRECT: dict[str, set[str]] = {}


def staff():
    return user("yc_staff")


def officer():
    return user("unit_demo")


# --- casework ------------------------------------------------------------------------------------


@scenario("casework.actions.do_register_case", "casework.register")
def _():
    from lianxin.casework import actions

    s = demo_seat()
    return Act(
        lambda: actions.do_register_case(
            kind="opinion",
            content="顺城街下水道堵塞。",
            channel="deputy",
            scope_code=s.congress.region.code,
            congress=s.congress,
            deputy=s,
            acting_user=user("deputy_demo"),
        ),
        user("deputy_demo"),
    )


def _case_action(name, state, verb, call, actor, chained=()):
    @scenario(f"casework.actions.do_{name}", f"casework.{verb}", chained)
    def _():
        case = advance(new_opinion(), state) if state != "registered" else new_opinion()
        return Act(lambda: call(case), actor())


def _loop():
    from lianxin.casework import actions

    return actions


_case_action(
    "triage_case",
    "registered",
    "triage",
    lambda c: _loop().do_triage_case(c, category=category(), acting_user=staff()),
    staff,
)


def _batch():
    from lianxin.casework import batch

    return batch


@scenario("casework.batch.do_triage_cases", "casework.triage")
def _():
    case = new_opinion()
    return Act(
        lambda: _batch().do_triage_cases([case], category=category(), acting_user=staff()),
        staff(),
    )


@scenario("casework.batch.do_assign_cases", "casework.assign")
def _():
    case = advance(new_opinion(), "triaged")
    return Act(
        lambda: _batch().do_assign_cases([case], lead_unit=unit(), acting_user=staff()), staff()
    )


_case_action(
    "decline_case",
    "registered",
    "decline",
    lambda c: _loop().do_decline_case(c, reason="不属于受理范围。", acting_user=staff()),
    staff,
)
_case_action(
    "assign_case",
    "triaged",
    "assign",
    lambda c: _loop().do_assign_case(c, lead_unit=unit(), acting_user=staff()),
    staff,
)
_case_action(
    "return_case",
    "handling",
    "return",
    lambda c: _loop().do_return_case(c, reason="不属于本单位职责。", acting_user=officer()),
    officer,
)
_case_action(
    "consult_case",
    "handling",
    "consult",
    lambda c: _loop().do_consult_case(
        c, stage="before", form="phone", summary="电话沟通维修时间。", acting_user=officer()
    ),
    officer,
)
_case_action(
    "reply_case",
    "handling",
    "reply",
    lambda c: _loop().do_reply_case(c, content="已安排维修。", acting_user=officer()),
    officer,
)
_case_action(
    "feedback_case",
    "replied",
    "feedback",
    lambda c: _loop().do_feedback_case(c, content="已修复，请评价。", acting_user=staff()),
    staff,
)
_case_action(
    "rehandle_case",
    "evaluated",
    "rehandle",
    lambda c: _loop().do_rehandle_case(c, reason="群众不满意。", acting_user=staff()),
    staff,
)
_case_action(
    "supervise_case",
    "handling",
    "supervise",
    lambda c: _loop().do_supervise_case(c, note="请加快办理。", acting_user=staff()),
    staff,
)
_case_action(
    "remind_case",
    "handling",
    "remind",
    lambda c: _loop().do_remind_case(c, note="请及时答复。", acting_user=staff()),
    staff,
)


@scenario("casework.actions.do_evaluate_case", "casework.evaluate")
def _():
    from lianxin.casework import actions

    case = advance(new_opinion(), "fed_back")
    return Act(
        lambda: actions.do_evaluate_case(case, rating="dissatisfied", as_citizen=True),
        None,
        "citizen",
    )


@scenario("casework.actions.do_conclude_case", "casework.conclude")
def _():
    from lianxin.casework import actions

    case = advance(new_opinion(), "evaluated", rating="satisfied")
    return Act(lambda: actions.do_conclude_case(case, acting_user=staff()), staff())


@scenario("casework.actions.do_merge_case", "casework.merge", chained=("casework.merged_in",))
def _():
    from lianxin.casework import actions

    into = new_opinion("顺城街路灯不亮。")
    case = new_opinion("顺城街路灯坏了。", contact_phone="13812340000")
    return Act(lambda: actions.do_merge_case(case, into=into, acting_user=staff()), staff())


@scenario(
    "casework.actions.do_unmerge_case", "casework.unmerge", chained=("casework.unmerged_out",)
)
def _():
    from lianxin.casework import actions

    into = new_opinion("顺城街路灯不亮。")
    case = new_opinion("顺城街路灯坏了。", contact_phone="13812340001")
    actions.do_merge_case(case, into=into, acting_user=staff())
    return Act(lambda: actions.do_unmerge_case(case, acting_user=staff()), staff())


@scenario("casework.actions.do_mark_overdue_case", "casework.overdue")
def _():
    import time_machine

    from lianxin.casework import actions

    case = advance(new_opinion(), "handling")
    due = case.due_date

    def call():
        with time_machine.travel(dt.datetime.combine(due + dt.timedelta(days=2), dt.time(12))):
            assert actions.do_mark_overdue_case(case)

    return Act(call, None, "system")


@scenario("casework.attachments.do_attach_case", "casework.attach")
def _():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lianxin.casework.attachments import do_attach_case
    from lianxin.testing.files import pdf_bytes

    case = advance(new_opinion(), "handling")
    upload = SimpleUploadedFile("情况说明.pdf", pdf_bytes("verify"), "application/pdf")
    return Act(lambda: do_attach_case(case, upload=upload, acting_user=staff()), staff())


# --- opinions -------------------------------------------------------------------------------------


@scenario("opinions.actions.do_register_opinion", "casework.register")
def _():
    return Act(lambda: new_opinion("顺城街人行道破损。"), None, "citizen")


def _record():
    from lianxin.casework.tests.helpers import station
    from lianxin.liaison import actions
    from lianxin.org.models import Deputy

    s = station()
    deputy = Deputy.objects.filter(station_membership__station=s).first()
    return actions.do_record_reception(
        s,
        date=dates.today(),
        subject="小区加装电梯",
        content="六层住宅无电梯，老人上下楼困难。",
        deputy_ids=[deputy.pk],
        visitor_name="王大爷",
        visitor_phone="13800001111",
        acting_user=user("yc_station"),
    )


@scenario("opinions.actions.do_register_opinion_from_reception", "casework.register")
def _():
    from lianxin.opinions.actions import do_register_opinion_from_reception

    record = _record()
    station_user = user("yc_station")
    return Act(
        lambda: do_register_opinion_from_reception(record, acting_user=station_user),
        station_user,
    )


# --- liaison --------------------------------------------------------------------------------------


def _liaison():
    from lianxin.liaison import actions

    return actions


def _bgjd():
    from lianxin.casework.tests.helpers import station

    return station()


def _yc():
    from lianxin.org.models import Congress

    return Congress.objects.select_related("region").get(region__code="140702", level="county")


STATION_FIELDS = {
    "name": "核验联络站",
    "region": "140702104",
    "kind": "ordinary",
    "address": "北田镇人民政府院内",
}


@scenario("liaison.actions.do_create_station", "liaison.create_station")
def _():
    return Act(
        lambda: _liaison().do_create_station(
            congress=_yc(), code="YC-VERIFY", data=dict(STATION_FIELDS), acting_user=staff()
        ),
        staff(),
    )


@scenario("liaison.actions.do_update_station", "liaison.update_station")
def _():
    s = _bgjd()
    return Act(
        lambda: _liaison().do_update_station(
            s, data={"address": "顺城街 2 号"}, acting_user=staff()
        ),
        staff(),
    )


@scenario("liaison.actions.do_set_station_active", "liaison.set_station_active")
def _():
    s = _bgjd()
    return Act(
        lambda: _liaison().do_set_station_active(s, active=False, acting_user=staff()), staff()
    )


@scenario("liaison.actions.do_add_point", "liaison.add_point")
def _():
    s = _bgjd()
    return Act(
        lambda: _liaison().do_add_point(
            s, data={"name": "核验联络点", "address": "顺城街 1 号"}, acting_user=staff()
        ),
        staff(),
    )


def _point():
    return _liaison().do_add_point(
        _bgjd(), data={"name": "核验联络点", "address": "顺城街 1 号"}, acting_user=staff()
    )


@scenario("liaison.actions.do_update_point", "liaison.update_point")
def _():
    p = _point()
    return Act(
        lambda: _liaison().do_update_point(p, data={"address": "顺城街 3 号"}, acting_user=staff()),
        staff(),
    )


@scenario("liaison.actions.do_remove_point", "liaison.remove_point")
def _():
    p = _point()
    return Act(lambda: _liaison().do_remove_point(p, acting_user=staff()), staff())


def _township_deputy():
    from lianxin.org.models import Deputy

    return (
        Deputy.objects.filter(congress__region__code="140702100", status="serving")
        .select_related("person", "congress__region")
        .first()
    )


@scenario("liaison.actions.do_assign_deputy", "liaison.assign_deputy")
def _():
    d = _township_deputy()
    s = _bgjd()
    return Act(lambda: _liaison().do_assign_deputy(s, d, acting_user=staff()), staff())


@scenario("liaison.actions.do_unassign_deputy", "liaison.unassign_deputy")
def _():
    d = _township_deputy()
    _liaison().do_assign_deputy(_bgjd(), d, acting_user=staff())
    return Act(lambda: _liaison().do_unassign_deputy(d, acting_user=staff()), staff())


def _rule():
    return _liaison().do_add_reception_rule(
        _bgjd(),
        frequency="weekly",
        weekday=1,
        start_time="14:30",
        end_time="17:00",
        acting_user=user("yc_station"),
    )


@scenario("liaison.actions.do_add_reception_rule", "liaison.add_reception_rule")
def _():
    return Act(_rule, user("yc_station"))


@scenario("liaison.actions.do_end_reception_rule", "liaison.end_reception_rule")
def _():
    rule = _rule()
    return Act(
        lambda: _liaison().do_end_reception_rule(rule, acting_user=user("yc_station")),
        user("yc_station"),
    )


@scenario("liaison.actions.do_schedule_reception_day", "liaison.schedule_reception_day")
def _():

    return Act(
        lambda: _liaison().do_schedule_reception_day(
            _bgjd(),
            date=dates.today() + dt.timedelta(days=3),
            start_time="09:00",
            end_time="11:00",
            acting_user=user("yc_station"),
        ),
        user("yc_station"),
    )


@scenario("liaison.actions.do_cancel_reception_date", "liaison.cancel_reception_date")
def _():

    day = _liaison().do_schedule_reception_day(
        _bgjd(),
        date=dates.today() + dt.timedelta(days=3),
        start_time="09:00",
        end_time="11:00",
        acting_user=user("yc_station"),
    )
    key = f"d{day.pk}"
    return Act(
        lambda: _liaison().do_cancel_reception_date(
            _bgjd(), key=key, acting_user=user("yc_station")
        ),
        user("yc_station"),
    )


@scenario("liaison.actions.do_record_reception", "liaison.record_reception")
def _():
    return Act(_record, user("yc_station"))


@scenario(
    "liaison.actions.raise_opinion_from_record",
    "liaison.raise_opinion",
    chained=("casework.register",),
)
def _():
    record = _record()
    u = user("yc_station")
    return Act(lambda: _liaison().raise_opinion_from_record(record, acting_user=u), u)


@scenario(
    "casework.lineage.derive", "casework.derive", chained=("casework.register", "casework.origins")
)
def _():
    from lianxin.casework import lineage

    u = user("deputy_demo")
    opinion = new_opinion("顺城街公交站没有站牌。", deputy=demo_seat("city"))
    return Act(
        lambda: lineage.derive(
            lineage.resolve_origins(u, [opinion.pk]), kind="suggestion", acting_user=u
        ),
        u,
    )


@scenario(
    "casework.hot.do_convert_hot_issue",
    "hot.converted",
    chained=("casework.register", "casework.origins", "casework.derive"),
)
def _():
    from lianxin.casework import hot
    from lianxin.casework.models import HotIssue
    from lianxin.casework.tests.helpers import station

    cases = [
        new_opinion(text, contact_phone=f"1390000{i:04d}", deputy=None, station=station())
        for i, text in enumerate(
            [
                "榆次区顺城街路灯不亮，晚上出行很不安全，请尽快维修路灯。",
                "顺城街一带路灯坏了好几天，夜里一片漆黑，路灯需要维修。",
                "反映顺城街路灯不亮的问题，晚上走路看不清，希望修好路灯。",
            ]
        )
    ]
    hot.compute()
    issue = HotIssue.objects.get(members__case=cases[0])
    u = user("deputy_demo")
    return Act(
        lambda: hot.do_convert_hot_issue(
            issue,
            acting_user=u,
            seat_id=demo_seat("city").pk,
            **hot.prefill(issue),
        ),
        u,
    )


@scenario("liaison.actions.do_add_commitment", "liaison.add_commitment")
def _():
    d = demo_seat()
    u = user("deputy_demo")
    return Act(
        lambda: _liaison().do_add_commitment(
            d, year=2026, content="每月接待群众一次。", acting_user=u
        ),
        u,
    )


@scenario("liaison.actions.do_remove_commitment", "liaison.remove_commitment")
def _():
    u = user("deputy_demo")
    c = _liaison().do_add_commitment(
        demo_seat(), year=2026, content="每月接待群众一次。", acting_user=u
    )
    return Act(lambda: _liaison().do_remove_commitment(c, acting_user=u), u)


@scenario(
    "liaison.excel.check_and_import",
    "liaison.import",
    chained=("liaison.create_station", "liaison.add_point"),
)
def _():
    from lianxin.liaison import excel
    from lianxin.liaison.tests.test_excel import POINT_HEAD, STATION_HEAD, xlsx

    data = xlsx(
        {
            "联络站": [
                STATION_HEAD,
                ["YC-NEW9", "东阳镇核验联络站", "代表联络站", 140702101, "东阳村", "", "", ""],
            ],
            "联络点": [POINT_HEAD, ["YC-NEW9", "东阳村核验点", "代表联络点", "东阳村", ""]],
        }
    )

    def call():
        report = excel.check_and_import(data, congress=_yc(), acting_user=staff())
        assert report.imported, [i.text() for i in report.issues]

    return Act(call, staff())


# --- accounts -------------------------------------------------------------------------------------


@scenario("accounts.actions.grant_role", "accounts.grant_role")
def _():
    from lianxin.accounts.actions import grant_role
    from lianxin.accounts.models import Role

    return Act(lambda: grant_role(officer(), Role.STATION_MANAGER, _bgjd()), None, "system")


@scenario("accounts.actions.do_create_account", "accounts.create_account")
def _():
    from lianxin.accounts.actions import do_create_account
    from lianxin.accounts.models import Role

    return Act(
        lambda: do_create_account(
            username="verify_station",
            password="a-long-enough-password-1",
            role=Role.STATION_MANAGER,
            scope=_bgjd().pk,
            acting_user=staff(),
        ),
        staff(),
    )


@scenario("accounts.otp.do_enrol_second_factor", "accounts.enrol_second_factor")
def _():
    from django_otp.oath import TOTP

    from lianxin.accounts.otp import do_enrol_second_factor, enrolment_device

    account = officer()
    device = enrolment_device(account)
    code = f"{TOTP(device.bin_key).token():06d}"
    return Act(lambda: do_enrol_second_factor(account, code=code), account)


@scenario("accounts.otp.do_reset_second_factor", "accounts.reset_second_factor")
def _():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lianxin.accounts.models import User
    from lianxin.accounts.otp import do_reset_second_factor

    account, admin = officer(), User.objects.get(username="admin")
    TOTPDevice.objects.create(user=account, name="verify", confirmed=True)
    return Act(lambda: do_reset_second_factor(account, acting_user=admin), admin)


# --- suggestions ----------------------------------------------------------------------------------


def _sug():
    from lianxin.suggestions import actions

    return actions


def _sh():
    from lianxin.suggestions.tests import helpers

    return helpers


def _sug_action(name, state, verb, call, actor, *, module="suggestions", chained=(), co=()):
    @scenario(f"suggestions.actions.{module}.do_{name}", verb, chained)
    def _():
        h = _sh()
        case = h.new_suggestion(f"核验用建议 {name}", co=co)
        if state != "draft":
            case = h.advance(case, state)
        return Act(lambda: call(h.fresh(case)), h.user(actor))


def _u(name):
    return _sh().user(name)


# Inviting co-sponsors is an entry of its own on the draft's timeline, whose rule tells them.
@scenario(
    "suggestions.actions.suggestions.do_create_suggestion",
    "casework.register",
    chained=("casework.invite",),
)
def _():
    return Act(lambda: _sh().new_suggestion("核验用新建议", co=("deputy_b",)), _u("deputy_demo"))


_sug_action(
    "update_draft",
    "draft",
    "casework.update_draft",
    lambda c: _sug().do_update_draft(
        c, title="核验用建议（改）", content=c.content, acting_user=_u("deputy_demo")
    ),
    "deputy_demo",
)
_sug_action(
    "submit_suggestion",
    "draft",
    "casework.submit",
    lambda c: _sug().do_submit_suggestion(c, acting_user=_u("deputy_demo")),
    "deputy_demo",
)
_sug_action(
    "cosign",
    "draft",
    "casework.cosign",
    lambda c: _sug().do_cosign(c, acting_user=_u("deputy_b")),
    "deputy_b",
    co=("deputy_b",),
)
_sug_action(
    "withdraw",
    "submitted",
    "casework.withdraw",
    lambda c: _sug().do_withdraw(c, reason="撤回修改。", acting_user=_u("deputy_demo")),
    "deputy_demo",
)
_sug_action(
    "review_suggestion",
    "submitted",
    "casework.review",
    lambda c: _sug().do_review_suggestion(c, decision="accept", acting_user=_u("jz_staff")),
    "jz_staff",
)
_sug_action(
    "resubmit_suggestion",
    "returned",
    "casework.resubmit",
    lambda c: _sug().do_resubmit_suggestion(
        c, content=c.content + "补充站点位置。", acting_user=_u("deputy_demo")
    ),
    "deputy_demo",
)
_sug_action(
    "assign_suggestion",
    "accepted",
    "casework.assign",
    lambda c: _sug().do_assign_suggestion(c, lead_unit=unit(), acting_user=_u("jz_staff")),
    "jz_staff",
)
_sug_action(
    "assign_suggestions",
    "accepted",
    "casework.assign",
    lambda c: _sug().do_assign_suggestions(
        [_sug().AssignItem(case_id=c.pk, lead_unit=unit())], acting_user=_u("jz_staff")
    ),
    "jz_staff",
    module="central",
)
_sug_action(
    "return_suggestion",
    "assigned",
    "casework.return",
    lambda c: _sug().do_return_suggestion(
        c, reason="不属于本单位职责。", acting_user=_u("unit_demo")
    ),
    "unit_demo",
)
_sug_action(
    "co_opinion",
    "assigned",
    "casework.co_opinion",
    lambda c: _sug().do_co_opinion(c, content="同意。", acting_user=_u("unit_other")),
    "unit_other",
)
_sug_action(
    "reply_suggestion",
    "handling",
    "casework.reply",
    lambda c: _sug().do_reply_suggestion(
        c, content="年内完成建设。", category="A", acting_user=_u("unit_demo")
    ),
    "unit_demo",
)
_sug_action(
    "sign_off_reply",
    "reply_pending_signoff",
    "casework.sign_off",
    lambda c: _sug().do_sign_off_reply(c, approve=True, acting_user=_u("unit_signer")),
    "unit_signer",
)
_sug_action(
    "evaluate_suggestion",
    "replied",
    "casework.evaluate",
    lambda c: _sug().do_evaluate_suggestion(c, rating="satisfied", acting_user=_u("deputy_demo")),
    "deputy_demo",
)
_sug_action(
    "rehandle_suggestion",
    "evaluated",
    "casework.rehandle",
    lambda c: _sug().do_rehandle_suggestion(c, reason="请重新研究。", acting_user=_u("jz_staff")),
    "jz_staff",
)
_sug_action(
    "key_supervise",
    "handling",
    "casework.supervise",
    lambda c: _sug().do_key_supervise(
        c, note="列为重点督办。", leader="王副主任", acting_user=_u("jz_staff")
    ),
    "jz_staff",
)


@scenario("suggestions.actions.suggestions.do_record_supervision", "casework.supervision_progress")
def _():
    h = _sh()
    case = h.advance(h.new_suggestion("核验用重点督办建议"), "handling")
    _sug().do_key_supervise(
        case, note="列为重点督办。", leader="王副主任", acting_user=_u("jz_staff")
    )
    return Act(
        lambda: _sug().do_record_supervision(
            h.fresh(case), note="已实地督办。", acting_user=_u("jz_staff")
        ),
        _u("jz_staff"),
    )


_sug_action(
    "assess_quality",
    "accepted",
    "casework.assess",
    lambda c: _sug().do_assess_quality(c, quality="good", acting_user=_u("jz_staff")),
    "jz_staff",
)
_sug_action(
    "determine_outcome",
    "evaluated",
    "casework.determine",
    lambda c: _sug().do_determine_outcome(
        c, handling_rating="good", outcome="being_solved", acting_user=_u("jz_staff")
    ),
    "jz_staff",
)
_sug_action(
    "request_extension",
    "handling",
    "casework.request_extension",
    lambda c: _sug().do_request_extension(
        c,
        reason="需协调资金。",
        due_date=(c.due_date + dt.timedelta(days=30)).isoformat(),
        acting_user=_u("unit_demo"),
    ),
    "unit_demo",
    module="deadlines",
)


@scenario("suggestions.actions.suggestions.do_conclude_suggestion", "casework.conclude")
def _():
    h = _sh()
    case = h.advance(h.new_suggestion("核验用办结建议"), "evaluated", rating="satisfied")
    _sug().do_determine_outcome(
        case, handling_rating="good", outcome="being_solved", acting_user=_u("jz_staff")
    )
    return Act(
        lambda: _sug().do_conclude_suggestion(h.fresh(case), acting_user=_u("jz_staff")),
        _u("jz_staff"),
    )


@scenario("casework.shared.do_close_commitment", "casework.commitment_kept")
def _():
    from lianxin.casework.models import Commitment

    h = _sh()
    case = h.advance(h.new_suggestion("核验用承诺建议"), "replied")
    commitment = Commitment.objects.get(case=case)
    return Act(
        lambda: _sug().do_close_commitment(
            commitment, kept=True, note="已建成。", acting_user=_u("unit_demo")
        ),
        _u("unit_demo"),
    )


@scenario("suggestions.actions.deadlines.do_decide_extension", "casework.decide_extension")
def _():
    h = _sh()
    case = h.advance(h.new_suggestion("核验用延期建议"), "handling")
    _sug().do_request_extension(
        case,
        reason="需协调资金。",
        due_date=(case.due_date + dt.timedelta(days=30)).isoformat(),
        acting_user=_u("unit_demo"),
    )
    return Act(
        lambda: _sug().do_decide_extension(
            h.fresh(case), decision="approve", note="同意。", acting_user=_u("jz_staff")
        ),
        _u("jz_staff"),
    )


def _key_case(title):
    h = _sh()
    case = h.advance(h.new_suggestion(title, co=("deputy_b",)), "handling")
    _sug().do_key_supervise(
        case, note="列为重点督办。", leader="王副主任", acting_user=_u("jz_staff")
    )
    return h.fresh(case)


@scenario("suggestions.actions.surveys.do_open_survey", "casework.open_survey")
def _():
    case = _key_case("核验用测评建议")
    return Act(
        lambda: _sug().do_open_survey(case, note="请评价。", acting_user=_u("jz_staff")),
        _u("jz_staff"),
    )


@scenario("suggestions.actions.surveys.do_answer_survey", "casework.answer_survey")
def _():
    case = _key_case("核验用测评建议")
    _sug().do_open_survey(case, note="请评价。", acting_user=_u("jz_staff"))
    return Act(
        lambda: _sug().do_answer_survey(
            _sh().fresh(case), rating="satisfied", acting_user=_u("deputy_b")
        ),
        _u("deputy_b"),
    )


@scenario("suggestions.actions.surveys.do_close_survey", "casework.close_survey")
def _():
    case = _key_case("核验用测评建议")
    _sug().do_open_survey(case, note="请评价。", acting_user=_u("jz_staff"))
    return Act(
        lambda: _sug().do_close_survey(_sh().fresh(case), acting_user=_u("jz_staff")),
        _u("jz_staff"),
    )


def _motion(submit: bool = False):
    from lianxin.suggestions.models import MotionPolicy

    h = _sh()
    h.open_session()
    # The policy an administrator sets: two co-sponsors are enough in this world.
    MotionPolicy.objects.update_or_create(congress=h.city(), defaults={"min_cosponsors": 2})
    case = _sug().do_create_motion(
        author=h.seat("deputy_demo"),
        title="核验用议案",
        content="关于制定停车管理条例的议案。",
        co_sponsors=[h.seat(u) for u in ("deputy_b", "deputy_c")],
        acting_user=_u("deputy_demo"),
    )
    if submit:
        for u in ("deputy_b", "deputy_c"):
            _sug().do_cosign(h.fresh(case), acting_user=_u(u))
        _sug().do_submit_motion(h.fresh(case), acting_user=_u("deputy_demo"))
    return h.fresh(case)


@scenario(
    "suggestions.actions.motions.do_create_motion",
    "casework.register",
    chained=("casework.invite",),
)
def _():
    return Act(_motion, _u("deputy_demo"))


@scenario("suggestions.actions.motions.do_submit_motion", "casework.submit")
def _():
    case = _motion()
    for u in ("deputy_b", "deputy_c"):
        _sug().do_cosign(_sh().fresh(case), acting_user=_u(u))
    return Act(
        lambda: _sug().do_submit_motion(_sh().fresh(case), acting_user=_u("deputy_demo")),
        _u("deputy_demo"),
    )


# Converting a motion into a suggestion registers the suggestion, which records its origin.
@scenario(
    "suggestions.actions.motions.do_decide_motion",
    "casework.decide",
    chained=("casework.register", "casework.from_motion"),
)
def _():
    case = _motion(submit=True)
    return Act(
        lambda: _sug().do_decide_motion(case, decision="convert", acting_user=_u("jz_staff")),
        _u("jz_staff"),
    )


@scenario("suggestions.actions.deadlines.do_mark_co_opinion_overdue", "casework.co_opinion_overdue")
def _():
    import time_machine

    from lianxin.suggestions.models import CoOpinionDeadline

    h = _sh()
    case = h.advance(h.new_suggestion("核验用会办建议"), "assigned")
    row = CoOpinionDeadline.objects.get(case=case)
    when = dt.datetime.combine(row.due_on + dt.timedelta(days=2), dt.time(12))

    def call():
        with time_machine.travel(when):
            assert _sug().do_mark_co_opinion_overdue(row)

    return Act(call, None, "system")


# --- the tests ------------------------------------------------------------------------------------


def test_every_action_has_a_scenario():
    found = enumerate_actions()
    covered = set(SCENARIOS) | set(EXEMPT)
    missing = sorted(found - covered)
    stale = sorted(covered - found)
    assert not missing, f"actions without a scenario in SCENARIOS (or EXEMPT): {missing}"
    assert not stale, f"scenarios for functions that no longer exist: {stale}"
    assert not set(SCENARIOS) & set(EXEMPT)


def _last(model) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_action_writes_one_event_and_notifies_by_rule(name, django_capture_on_commit_callbacks):
    from lianxin.casework.models import CaseEvent
    from lianxin.casework.notify import audience, rule_for, split
    from lianxin.notifications.models import DigestItem, Notification

    sc = SCENARIOS[name]
    act = sc.setup()
    trail_start, note_start = _last(TrailEvent), _last(Notification)
    item_start = _last(DigestItem)
    with django_capture_on_commit_callbacks(execute=True):
        act.call()
    events = list(TrailEvent.objects.filter(pk__gt=trail_start).order_by("pk"))
    own = [e for e in events if e.action == sc.trail]
    others = sorted({e.action for e in events} - {sc.trail} - set(sc.chained))
    assert len(own) == 1, f"{name}: {len(own)} {sc.trail} events ({[e.action for e in events]})"
    assert not others, f"{name}: events not declared as chained: {others}"
    event = own[0]
    if act.actor is not None:
        assert event.actor_id == act.actor.pk, f"{name}: the event names another actor"
    else:
        assert event.actor_id is None and event.seat_type == act.seat, name
    assert event.seat_type and event.object_type, name

    # Notifications: those of case events go where the kind's rule says, no others.
    # News held for a daily digest counts as told (issue 13, defect 8).
    notes = list(Notification.objects.filter(pk__gt=note_start))
    notes += list(DigestItem.objects.filter(pk__gt=item_start))
    allowed: dict[str, set[int]] = {}
    for ce in CaseEvent.objects.filter(trail__in=events).select_related("case"):
        rule = rule_for(ce.case.kind, ce.action)
        people = audience(ce.case, ce, rule) if rule is not None else []
        if rule is not None:
            # Who can act on an item of a work list is not notified: the list counts it.
            acting, told = split(ce.case, rule, people)
            people = acting + told
        verb = (rule.verb if rule is not None else "") or ce.action
        allowed.setdefault(verb, set()).update(p.pk for p in people)
    direct = KNOWN_DIRECT.get(name, set())
    # The rules' audiences are told (so the checks below are not vacuous).
    for verb, people in allowed.items():
        if verb in direct:
            continue
        told = {n.recipient_id for n in notes if n.verb == verb}
        assert told == people, (
            f"{name}: {verb!r} told {sorted(told)}, its rule names {sorted(people)}"
        )
    for n in notes:
        if n.verb in direct:
            continue
        assert n.verb in allowed, f"{name}: notification {n.verb!r} named by no rule"
        assert n.recipient_id in allowed[n.verb], (
            f"{name}: {n.verb!r} sent to user {n.recipient_id}, outside its rule's audience"
        )
