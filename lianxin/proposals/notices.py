"""Who hears of what on a proposal: the kind's notification rules (casework.notify), decided
from the timeline events the actions write and queued in the action's transaction."""

from __future__ import annotations

from lianxin.accounts.models import Role, User
from lianxin.casework import kinds
from lianxin.casework.models import Case, CaseEvent, Kind
from lianxin.casework.notify import NotifyRule, register_audience


def member_users(seat_ids) -> list[User]:
    return list(
        User.objects.filter(
            person__member_seats__pk__in=list(seat_ids), roles__role=Role.MEMBER, is_active=True
        ).distinct()
    )


def _proposers(case: Case, _event) -> list[User]:
    from .actions import proposer_seats

    return member_users(proposer_seats(case))


def _raiser(case: Case, _event) -> list[User]:
    return member_users([case.raised_by_member_id]) if case.raised_by_member_id else []


def _invited(_case, event: CaseEvent) -> list[User]:
    return member_users((event.data or {}).get("invited", []))


register_audience("proposal_invited", _invited)
register_audience("proposal_raiser", _raiser)
register_audience("proposers", _proposers)


def _approved(_case, event) -> bool:
    return bool((event.data or {}).get("approved"))


kinds.declare(
    Kind.PROPOSAL,
    notify={
        "create": NotifyRule(
            ("proposal_invited",), when=lambda c, e: bool((e.data or {}).get("invited"))
        ),
        "cosign": NotifyRule(("proposal_raiser",)),
        "submit": NotifyRule(("office",)),
        "withdraw": NotifyRule(("office",), when=lambda c, e: e.from_state != "draft"),
        "register": NotifyRule(("proposers",)),
        # The reply letter waits for the unit's signer; the proposers hear of it once signed.
        "reply": NotifyRule(("lead_unit",)),
        "sign_off": NotifyRule(("proposers", "office"), when=_approved),
        "evaluate": NotifyRule(("office",)),
        "rate_submission": NotifyRule(("office",)),
        "conclude": NotifyRule(("proposers", "units")),
    },
)
