"""Who may do what, in which state: every persona × every action × every state of a proposal.

The proposal is member_demo's, co-sponsored by member_b (invited in the draft, confirmed from
submission on), registered by cppcc_staff and assigned from `assigned` on to 晋中市交通运输局
(unit_demo, lead, who writes the reply; unit_signer, its 签发人) and 晋中市住房和城乡建设局
(unit_other, co-handling). yc_cppcc_staff is another CPPCC's staff."""

from __future__ import annotations

import pytest

from lianxin.accounts.access import is_visible
from lianxin.core.errors import Conflict, Forbidden

from ..workflow import PROPOSAL_WORKFLOW
from .helpers import STATES, advance, fresh, new_proposal, other_cppcc, user

HIDDEN = None
NONE: set[str] = set()
UNIT_AFTER_REPLY = {"consult", "rate_submission"}
# Once replied, the proposals committee records results carried out and selects excellent ones.
OFFICE_AFTER_REPLY = {"record_result", "select_excellent"}

EXPECTED: dict[str, dict[str, set[str] | None]] = {
    "member_demo": {
        "draft": {"withdraw"},  # submit waits for member_b's answer
        "submitted": {"withdraw"},
        **dict.fromkeys(STATES[2:6], NONE),
        "replied": {"evaluate"},
        "evaluated": NONE,  # rated already this round
        "concluded": NONE,
    },
    "member_b": {
        "draft": {"cosign"},
        **dict.fromkeys(STATES[1:6], NONE),
        "replied": {"evaluate"},
        "evaluated": {"evaluate"},  # a co-sponsor who has not rated yet
        "concluded": NONE,
    },
    "cppcc_staff": {
        "draft": HIDDEN,  # a draft is the members' own
        "submitted": {"register"},
        # Staff may mark a registered proposal as key (重点提案) until it is replied; its meetings
        # and result wait for the mark; a decision on an extension waits for a request.
        "registered": {"assign", "mark_key"},
        "assigned": {"consult", "remind", "mark_key"},
        "handling": {"consult", "remind", "mark_key"},
        "reply_pending_signoff": {"consult", "remind", "mark_key"},
        "replied": {"consult"} | OFFICE_AFTER_REPLY,
        "evaluated": {"consult", "conclude"} | OFFICE_AFTER_REPLY,
        "concluded": OFFICE_AFTER_REPLY,
    },
    "unit_demo": {
        **dict.fromkeys(STATES[:3], HIDDEN),
        "assigned": {"return", "consult", "reply", "request_extension"},
        "handling": {"return", "consult", "reply", "request_extension"},
        "reply_pending_signoff": {"consult"},  # he wrote the reply and holds no signing role
        "replied": UNIT_AFTER_REPLY,
        "evaluated": UNIT_AFTER_REPLY,
        "concluded": {"rate_submission"},
    },
    "unit_signer": {
        **dict.fromkeys(STATES[:3], HIDDEN),
        "assigned": {"return", "consult", "reply", "request_extension"},
        "handling": {"return", "consult", "reply", "request_extension"},
        "reply_pending_signoff": {"consult", "sign_off"},
        "replied": UNIT_AFTER_REPLY,
        "evaluated": UNIT_AFTER_REPLY,
        "concluded": {"rate_submission"},
    },
    "unit_other": {
        **dict.fromkeys(STATES[:3], HIDDEN),
        "assigned": {"return", "consult"},
        "handling": {"return", "consult"},
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
    "yc_cppcc_staff": dict.fromkeys(STATES, HIDDEN),
    "yc_member": dict.fromkeys(STATES, HIDDEN),
    "unit_other_signer": {**dict.fromkeys(STATES[:3], HIDDEN), **dict.fromkeys(STATES[3:], NONE)},
    "deputy_demo": dict.fromkeys(STATES, HIDDEN),
    "jz_staff": dict.fromkeys(STATES, HIDDEN),
    "yc_staff": dict.fromkeys(STATES, HIDDEN),
}
# unit_other_signer signs the replies of a unit that only co-handles this one.
EXPECTED["unit_other_signer"].update(EXPECTED["unit_other"])


@pytest.fixture
def by_state(db):
    other_cppcc()
    return {
        state: advance(new_proposal(f"第{i}件：城区慢行交通", co=("member_b",)), state)
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
                    problems.append(f"{username} sees the {state} proposal")
                continue
            if not visible:
                problems.append(f"{username} does not see the {state} proposal")
                continue
            got = {t.action for t in PROPOSAL_WORKFLOW.available(case, person)}
            if got != expected:
                problems.append(
                    f"{username}/{state}: expected {sorted(expected)}, got {sorted(got)}"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_every_action_outside_the_table_is_refused_and_changes_nothing(by_state):
    wf = PROPOSAL_WORKFLOW
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
def test_the_api_offers_each_caller_the_same_actions_as_the_table_and_404_when_hidden(
    api, by_state
):
    for username in (
        "member_demo",
        "member_b",
        "cppcc_staff",
        "unit_demo",
        "unit_signer",
        "unit_other",
        "yc_cppcc_staff",
    ):
        client = api.as_user(username)
        for state, expected in EXPECTED[username].items():
            r = client.get(f"/api/v1/proposals/{by_state[state].pk}")
            if expected is HIDDEN:
                assert r.status_code == 404, (username, state)
                continue
            assert r.status_code == 200, (username, state, r.content)
            got = {a["action"] for a in r.json()["available_actions"]}
            assert got == expected, (username, state, got)
