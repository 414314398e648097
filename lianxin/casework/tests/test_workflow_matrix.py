"""Who may do what, in which state: every persona × every state of the opinion loop.

The case is a 榆次区 opinion addressed to deputy_demo's county seat at 北关街道代表联络站,
assigned (from `handling` on) to 晋中市交通运输局 (unit_demo's unit)."""

from __future__ import annotations

import pytest

from lianxin.accounts.access import is_visible
from lianxin.casework import actions
from lianxin.casework.models import Case
from lianxin.core.errors import Conflict, Forbidden, NotFound

from .helpers import STATES, advance, category, fresh, new_opinion, unit, user

HIDDEN = None  # the persona does not see the case at all

EXPECTED: dict[str, dict[str, set[str] | None]] = {
    "yc_staff": {
        "registered": {"triage", "merge", "decline", "supervise", "remind", "derive"},
        "triaged": {
            "merge",
            "decline",
            "assign",
            "consult",
            "reply",
            "supervise",
            "remind",
            "derive",
        },
        "handling": {"consult", "supervise", "remind"},
        "replied": {"consult", "feedback", "supervise", "remind"},
        "fed_back": {"consult", "evaluate", "supervise"},
        "evaluated": {"rehandle", "supervise"},
        "concluded": set(),
    },
    "yc_station": {
        "registered": {"triage", "merge", "decline"},
        "triaged": {"merge", "decline", "consult"},
        "handling": {"consult"},
        "replied": {"consult", "feedback"},
        "fed_back": {"consult", "evaluate"},
        "evaluated": set(),
        "concluded": set(),
    },
    "deputy_demo": {
        # The opinion's deputy (or the office) may turn it into a suggestion (casework.lineage).
        "registered": {"derive"},
        "triaged": {"consult", "reply", "derive"},
        "handling": {"consult"},
        "replied": {"consult", "feedback"},
        "fed_back": {"consult"},
        "evaluated": set(),
        "concluded": set(),
    },
    "unit_demo": {
        "registered": HIDDEN,
        "triaged": HIDDEN,
        "handling": {"return", "consult", "reply"},
        "replied": {"consult"},
        "fed_back": {"consult"},
        "evaluated": set(),
        "concluded": set(),
    },
    "unit_other": dict.fromkeys(STATES, HIDDEN),
    "tg_staff": dict.fromkeys(STATES, HIDDEN),
    "jz_staff": dict.fromkeys(STATES, set()),  # reads the county's cases, acts on none
    "leader_demo": {
        "registered": {"supervise", "remind"},
        "triaged": {"supervise", "remind"},
        "handling": {"supervise", "remind"},
        "replied": {"supervise", "remind"},
        "fed_back": {"supervise"},
        "evaluated": {"supervise"},
        "concluded": set(),
    },
    "admin": dict.fromkeys(STATES, set()),  # reads everything, no business actions
    "deputy_b": dict.fromkeys(STATES, HIDDEN),
    "member_demo": dict.fromkeys(STATES, HIDDEN),
    "cppcc_staff": dict.fromkeys(STATES, HIDDEN),
}


@pytest.fixture
def cases_by_state(db) -> dict[str, Case]:
    return {
        state: advance(new_opinion(f"第{i}件：顺城街路灯不亮。"), state)
        for i, state in enumerate(STATES)
    }


@pytest.mark.django_db
def test_each_persona_sees_exactly_the_actions_the_rules_give_in_each_state(cases_by_state):
    problems = []
    for username, by_state in EXPECTED.items():
        person = user(username)
        for state, expected in by_state.items():
            case = fresh(cases_by_state[state])
            assert case.state == state
            visible = is_visible(person, case)
            if expected is HIDDEN:
                if visible:
                    problems.append(f"{username} sees the {state} case")
                continue
            if not visible:
                problems.append(f"{username} does not see the {state} case")
                continue
            got = {t.action for t in case.workflow.available(case, person)}
            if got != expected:
                problems.append(
                    f"{username}/{state}: expected {sorted(expected)}, got {sorted(got)}"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_every_action_outside_the_table_is_refused_with_409_or_403(cases_by_state):
    """Try every action of the workflow as every persona who sees the case, in every state:
    what the table does not offer is refused (409 when the state does not allow it, 403 when the
    person may not), and the case is unchanged."""
    wf = cases_by_state["registered"].workflow
    for username, by_state in EXPECTED.items():
        person = user(username)
        for state, expected in by_state.items():
            if expected is HIDDEN:
                continue
            case = fresh(cases_by_state[state])
            for action in wf.actions:
                if action in expected:
                    continue
                with pytest.raises((Conflict, Forbidden)) as refused:
                    wf.check(case, action, person)
                if wf.transition(action, state) is None:
                    assert refused.value.code == "invalid_transition", (username, state, action)
            assert fresh(case).version == case.version


@pytest.mark.django_db
def test_an_unknown_action_is_not_found():
    case = new_opinion()
    with pytest.raises(NotFound):
        case.workflow.check(case, "approve", user("yc_staff"))


@pytest.mark.django_db
def test_a_unit_cannot_reply_to_a_case_assigned_to_another_unit():
    case = new_opinion()
    staff = user("yc_staff")
    actions.do_triage_case(case, category=category(), acting_user=staff)
    actions.do_assign_case(case, lead_unit=unit("JZ-ZFCXJSJ"), co_units=[unit()], acting_user=staff)
    # unit_demo's unit is only a co-handling unit here: it consults, it does not reply.
    with pytest.raises(Forbidden):
        actions.do_reply_case(case, content="我们来答复", acting_user=user("unit_demo"))
    reply = actions.do_reply_case(case, content="住建局答复", acting_user=user("unit_other"))
    assert reply.unit.code == "JZ-ZFCXJSJ"
    assert fresh(case).state == "replied"


# Who may reveal the citizen's full phone number (a logged action), in the states they see it.
CALLS_BACK = {"yc_staff", "yc_station", "deputy_demo", "unit_demo"}


@pytest.mark.django_db
def test_who_may_reveal_the_citizens_phone_in_each_state(cases_by_state):
    from lianxin.accounts.access import can

    problems = []
    for username, by_state in EXPECTED.items():
        person = user(username)
        for state, expected in by_state.items():
            if expected is HIDDEN:
                continue
            got = can(person, "case.view_contact", fresh(cases_by_state[state]))
            if got != (username in CALLS_BACK):
                problems.append(f"{username}/{state}: {'may' if got else 'may not'} reveal")
    assert not problems, "\n".join(problems)
