"""Who may do what on a CPPCC proposal (registered with lianxin.accounts.access).

Who sees a proposal is the loop's rule (the CPPCC's staff act, those of the CPPCCs above read,
the member who raised it, the units it is assigned to) refined by the kind's declaration
(`api.py`): a draft is its member's own, and a member invited to co-sponsor sees it."""

from __future__ import annotations

from lianxin.accounts.access import Grants, rule
from lianxin.casework.models import CoSponsor, Evaluation
from lianxin.casework.rules import case_office, case_signer, case_units


def is_raiser(g: Grants, case) -> bool:
    return case.raised_by_member_id is not None and case.raised_by_member_id in g.member_ids


def is_proposer(g: Grants, case) -> bool:
    """The member who raised it or a confirmed co-sponsor (merged proposals' members included)."""
    if is_raiser(g, case):
        return True
    if not g.member_ids:
        return False
    return CoSponsor.objects.filter(
        case_id=case.pk, member_id__in=g.member_ids, status=CoSponsor.Status.CONFIRMED
    ).exists()


@rule("proposal.list")
def _list(g: Grants, _obj) -> bool:
    """Who has proposals to look at: the CPPCC's staff and leaders, members, handling units."""
    return g.is_admin or bool(g.cppcc_read_regions or g.member_ids or g.unit_ids)


@rule("proposal.submit")
def _submit(g: Grants, case) -> bool:
    return is_raiser(g, case)


@rule("proposal.cosign")
def _cosign(g: Grants, case) -> bool:
    if not g.member_ids:
        return False
    return CoSponsor.objects.filter(
        case_id=case.pk, member_id__in=g.member_ids, status=CoSponsor.Status.INVITED
    ).exists()


@rule("proposal.write_for_body")
def _write_for_body(g: Grants, cppcc) -> bool:
    """The staff of a CPPCC enter a proposal of one of its bodies (party organisation, sector,
    special committee), naming the body's contact member."""
    return getattr(cppcc, "pk", cppcc) in g.cppcc_staff


@rule("proposal.register")
def _register(g: Grants, case) -> bool:
    return case_office(g, case)


@rule("proposal.reply")
def _reply(g: Grants, case) -> bool:
    return "lead" in case_units(g, case).values()


@rule("proposal.sign_off")
def _sign_off(g: Grants, case) -> bool:
    return case_signer(g, case)


@rule("proposal.evaluate")
def _evaluate(g: Grants, case) -> bool:
    """A proposer who has not rated the handling of this round yet."""
    if not is_proposer(g, case):
        return False
    return not Evaluation.objects.filter(
        case_id=case.pk,
        round=case.round,
        direction=Evaluation.Direction.HANDLING,
        by_member_id__in=g.member_ids,
    ).exists()


@rule("proposal.rate")
def _rate(g: Grants, case) -> bool:
    return "lead" in case_units(g, case).values()


@rule("proposal.conclude")
def _conclude(g: Grants, case) -> bool:
    return case_office(g, case)


@rule("proposal.figures")
def _figures(g: Grants, cppcc) -> bool:
    """A CPPCC's figures of a year: its staff, the CPPCCs above and leaders (region subtree)."""
    if g.is_admin:
        return True
    code = cppcc.region.code
    return any(code.startswith(prefix) for prefix in g.cppcc_read_regions)


@rule("proposal.record_result")
def _record_result(g: Grants, case) -> bool:
    """Results carried out are recorded by the CPPCC's proposals committee (its staff)."""
    return case_office(g, case)


@rule("proposal.select_excellent")
def _select_excellent(g: Grants, case) -> bool:
    return case_office(g, case)


@rule("proposal.answer_letter")
def _answer_letter(g: Grants, case) -> bool:
    """The unit the member's letter was forwarded to answers it."""
    from .models import MemberLetter

    return (
        bool(g.unit_ids)
        and MemberLetter.objects.filter(proposal_id=case.pk, unit_id__in=g.unit_ids).exists()
    )


@rule("proposal.key")
def _key(g: Grants, case) -> bool:
    """Key proposals (marking one, its progress meetings, the circulated result): the CPPCC's
    proposals committee (its staff), who record them for the leading chair; never a member."""
    return case_office(g, case)


@rule("proposal.request_extension")
def _request_extension(g: Grants, case) -> bool:
    """Ask for more time: the lead unit (the committee decides, under `case.assign`)."""
    return "lead" in case_units(g, case).values()
