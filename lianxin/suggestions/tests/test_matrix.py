"""Who may do what, in which state: every persona × every action × every state of a suggestion.

The suggestion is deputy_demo's (city seat), co-signed by deputy_b (invited in the draft,
confirmed from submission on), assigned from `assigned` on to 晋中市交通运输局 (unit_demo,
lead, who writes the reply; unit_signer, the same unit's 签发人, who signs it off) and
晋中市住房和城乡建设局 (unit_other, co-handling; unit_other_signer, its 签发人); jz_staff is the
city's office."""

from __future__ import annotations

import pytest

from lianxin.accounts.access import is_visible
from lianxin.core.errors import Conflict, Forbidden

from ..workflow import SUGGESTION_WORKFLOW
from .helpers import STATES, advance, fresh, new_suggestion, user

HIDDEN = None
NONE: set[str] = set()
OFFICE_HANDLING = {"consult", "supervise", "remind", "assess"}

EXPECTED: dict[str, dict[str, set[str] | None]] = {
    "deputy_demo": {
        "draft": {"withdraw"},  # submit waits for deputy_b's answer
        "submitted": {"withdraw"},
        "in_review": NONE,
        "returned": {"withdraw", "resubmit"},
        "accepted": NONE,
        "assigned": NONE,
        "handling": NONE,
        "reply_pending_signoff": NONE,
        "replied": {"evaluate"},
        "evaluated": NONE,  # rated already this round
        "concluded": NONE,
    },
    "deputy_b": {
        "draft": {"cosign"},
        **dict.fromkeys(STATES[1:], NONE),
        "replied": {"evaluate"},
        "evaluated": {"evaluate"},  # a co-author who has not rated yet
    },
    "jz_staff": {
        "draft": HIDDEN,  # a draft is the deputies' own
        "submitted": {"review"},
        "in_review": {"review"},
        "returned": NONE,
        "accepted": {"assign", "supervise", "assess"},
        "assigned": OFFICE_HANDLING,
        "handling": OFFICE_HANDLING,
        "reply_pending_signoff": OFFICE_HANDLING,
        "replied": {"consult", "supervise", "assess"},
        "evaluated": {"consult", "rehandle", "supervise", "assess", "determine"},
        "concluded": {"assess"},
    },
    "unit_demo": {
        **dict.fromkeys(STATES[:5], HIDDEN),
        "assigned": {"return", "consult", "reply", "request_extension"},
        "handling": {"return", "consult", "reply", "request_extension"},
        "reply_pending_signoff": {"consult"},  # he wrote the reply, and holds no signing role
        "replied": {"consult"},
        "evaluated": {"consult"},
        "concluded": NONE,
    },
    "unit_signer": {
        **dict.fromkeys(STATES[:5], HIDDEN),
        "assigned": {"return", "consult", "reply", "request_extension"},
        "handling": {"return", "consult", "reply", "request_extension"},
        "reply_pending_signoff": {"consult", "sign_off"},
        "replied": {"consult"},
        "evaluated": {"consult"},
        "concluded": NONE,
    },
    "unit_other": {
        **dict.fromkeys(STATES[:5], HIDDEN),
        "assigned": {"return", "consult", "co_opinion"},
        "handling": {"return", "consult", "co_opinion"},
        "reply_pending_signoff": {"consult"},
        "replied": {"consult"},
        "evaluated": {"consult"},
        "concluded": NONE,
    },
    "unit_other_signer": {  # signs the replies of a unit that only co-handles this one
        **dict.fromkeys(STATES[:5], HIDDEN),
        "assigned": {"return", "consult", "co_opinion"},
        "handling": {"return", "consult", "co_opinion"},
        "reply_pending_signoff": {"consult"},
        "replied": {"consult"},
        "evaluated": {"consult"},
        "concluded": NONE,
    },
    "leader_demo": {
        "draft": HIDDEN,
        **dict.fromkeys(STATES[1:], NONE),
        "assigned": {"remind"},
        "handling": {"remind"},
        "reply_pending_signoff": {"remind"},
    },
    "admin": dict.fromkeys(STATES, NONE),  # reads everything, no business actions
    "deputy_c": dict.fromkeys(STATES, HIDDEN),
    "yc_staff": dict.fromkeys(STATES, HIDDEN),
    "tg_staff": dict.fromkeys(STATES, HIDDEN),
    "member_demo": dict.fromkeys(STATES, HIDDEN),
    "cppcc_staff": dict.fromkeys(STATES, HIDDEN),
}


@pytest.fixture
def by_state(db):
    return {
        state: advance(new_suggestion(f"第{i}件：顺城街公交站台遮雨棚", co=("deputy_b",)), state)
        for i, state in enumerate(STATES)
    }


@pytest.mark.django_db
def test_each_persona_sees_exactly_the_actions_the_rules_give_in_each_state(by_state):
    problems = []
    for username, states in EXPECTED.items():
        person = user(username)
        for state, expected in states.items():
            case = fresh(by_state[state])
            assert case.state == state
            visible = is_visible(person, case)
            if expected is HIDDEN:
                if visible:
                    problems.append(f"{username} sees the {state} suggestion")
                continue
            if not visible:
                problems.append(f"{username} does not see the {state} suggestion")
                continue
            got = {t.action for t in SUGGESTION_WORKFLOW.available(case, person)}
            if got != expected:
                problems.append(
                    f"{username}/{state}: expected {sorted(expected)}, got {sorted(got)}"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_every_action_outside_the_table_is_refused_and_changes_nothing(by_state):
    wf = SUGGESTION_WORKFLOW
    for username, states in EXPECTED.items():
        person = user(username)
        for state, expected in states.items():
            if expected is HIDDEN:
                continue
            case = fresh(by_state[state])
            for action in wf.actions:
                if action in expected:
                    continue
                with pytest.raises((Conflict, Forbidden)) as refused:
                    wf.check(case, action, person)
                if wf.transition(action, state) is None:
                    assert refused.value.code == "invalid_transition", (username, state, action)
            assert fresh(case).version == case.version


@pytest.mark.django_db
def test_the_api_offers_each_caller_the_same_actions_as_the_table(api, by_state):
    for username in (
        "deputy_demo",
        "deputy_b",
        "jz_staff",
        "unit_demo",
        "unit_signer",
        "unit_other",
    ):
        client = api.as_user(username)
        for state, expected in EXPECTED[username].items():
            r = client.get(f"/api/v1/suggestions/{by_state[state].pk}")
            if expected is HIDDEN:
                assert r.status_code == 404, (username, state)
                continue
            got = {a["action"] for a in r.json()["available_actions"]}
            assert got == expected, (username, state, got)
