"""Who sees and acts on suggestions and motions (registered with lianxin.accounts.access)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lianxin.accounts.access import (
    Grants,
    rule,
    visibility,
    visible_rows,
)
from lianxin.casework.kinds import declare
from lianxin.casework.rules import (
    case_office,
    case_signer,
    case_units,
)

# --- suggestions (deputies' suggestions and motions) -------------------------------------------
# A suggestion's draft is the deputy's own: nobody else sees it but the deputies invited to
# co-sign it.
# Co-sponsors see the suggestions they were invited to; authors evaluate the replies; the office
# of the congress reviews, assigns, supervises and assesses; the lead unit replies after its
# signer (another officer of the unit, holding the signing role) signs off; co-handling units send their opinions to the lead unit. The presidium's
# decision on a motion is recorded by the office.

_SUGGESTION_KINDS = ("suggestion", "motion")


def _cosponsored_case_ids(g: Grants) -> QuerySet:
    from lianxin.casework.models import CoSponsor

    return CoSponsor.objects.filter(deputy_id__in=g.deputy_ids).values("case_id")


def _suggestion_cases(g: Grants) -> tuple[Q, Q | None]:
    """A suggestion's draft is seen only by its deputies; deputies also see the suggestions
    they were invited to co-sign."""
    shown = None
    if g.deputy_ids:
        shown = Q(raised_by_deputy_id__in=g.deputy_ids) | Q(pk__in=_cosponsored_case_ids(g))
    return Q(state="draft"), shown


def _motion_cases(g: Grants) -> tuple[None, Q | None]:
    """A motion's draft is seen by the office, which collects the co-sponsors' signatures
    during the session; co-sponsors see the motions they were invited to."""
    return None, (Q(pk__in=_cosponsored_case_ids(g)) if g.deputy_ids else None)


def _attach(g: Grants, case) -> bool | None:
    """Supporting material of a suggestion or motion: its lead sponsor (or the office), while it
    may still be edited (a draft, or returned for revision); afterwards the general rule."""
    if case.state in ("draft", "returned"):
        return case.raised_by_deputy_id in g.deputy_ids or case_office(g, case)
    return None


# Kind-specific rules come through the kinds' declarations.
declare("suggestion", visibility=_suggestion_cases, attach=_attach)
declare("motion", visibility=_motion_cases, attach=_attach)


def _is_lead_sponsor(g: Grants, case) -> bool:
    return case.raised_by_deputy_id is not None and case.raised_by_deputy_id in g.deputy_ids


def _author_seats(g: Grants, case) -> set[int]:
    """The caller's seats among the case's authors: the lead sponsor and confirmed co-sponsors."""
    from lianxin.casework.models import CoSponsor

    if not g.deputy_ids:
        return set()
    seats = {case.raised_by_deputy_id} & set(g.deputy_ids)
    seats |= set(
        CoSponsor.objects.filter(
            case_id=case.pk, deputy_id__in=g.deputy_ids, status=CoSponsor.Status.CONFIRMED
        ).values_list("deputy_id", flat=True)
    )
    return seats


@rule("suggestion.create")
def _suggestion_create(g: Grants, seat) -> bool:
    """Write a suggestion or a motion on one's own serving seat (`seat` a Deputy)."""
    return seat is not None and seat.pk in g.deputy_ids


@rule("suggestion.submit")
def _suggestion_submit(g: Grants, case) -> bool:
    """Submit, edit a draft, invite co-sponsors, withdraw: the lead sponsor."""
    return _is_lead_sponsor(g, case)


@rule("suggestion.cosign")
def _suggestion_cosign(g: Grants, case) -> bool:
    """Confirm or decline an invitation: the invited deputy; or the office of the congress,
    recording a co-sponsor's signature given on paper."""
    from lianxin.casework.models import CoSponsor

    if case.kind == "motion" and case.congress_id in g.staff_congresses:
        return True
    return (
        bool(g.deputy_ids)
        and CoSponsor.objects.filter(
            case_id=case.pk, deputy_id__in=g.deputy_ids, status=CoSponsor.Status.INVITED
        ).exists()
    )


@rule("suggestion.review")
def _suggestion_review(g: Grants, case) -> bool:
    return case_office(g, case)


@rule("suggestion.resubmit")
def _suggestion_resubmit(g: Grants, case) -> bool:
    return _is_lead_sponsor(g, case)


@rule("suggestion.co_opinion")
def _suggestion_co_opinion(g: Grants, case) -> bool:
    return "co" in case_units(g, case).values()


@rule("suggestion.reply")
def _suggestion_reply(g: Grants, case) -> bool:
    """Only the lead unit replies to a deputy's suggestion."""
    return "lead" in case_units(g, case).values()


@rule("suggestion.sign_off")
def _suggestion_sign_off(g: Grants, case) -> bool:
    """The lead unit's reply leaves it signed off by another of its officers, one who holds the
    signing role (签发人); never by the officer who wrote it."""
    return "lead" in case_units(g, case).values() and case_signer(g, case)


@rule("suggestion.evaluate")
def _suggestion_evaluate(g: Grants, case) -> bool:
    """The suggestion's own deputies, each once per round of handling."""
    from lianxin.casework.models import Evaluation

    seats = _author_seats(g, case)
    if not seats:
        return False
    done = Evaluation.objects.filter(case_id=case.pk, round=case.round).filter(
        Q(by_deputy_id__in=seats) | Q(recorded_by__person_id=g.person_id)
    )
    return not done.exists()


@rule("suggestion.supervise")
def _suggestion_supervise(g: Grants, case) -> bool:
    """Key supervision, and opening and closing its satisfaction survey: the office."""
    return case_office(g, case)


@rule("suggestion.request_extension")
def _suggestion_request_extension(g: Grants, case) -> bool:
    """Ask for more time: the lead unit (the office decides, under `case.assign`)."""
    return "lead" in case_units(g, case).values()


@rule("suggestion.survey_answer")
def _suggestion_survey_answer(g: Grants, case) -> bool:
    """Answer the open satisfaction survey of a key suggestion: the deputies it asked."""
    from lianxin.casework.models import SurveyAnswer

    return (
        bool(g.deputy_ids)
        and SurveyAnswer.objects.filter(
            round__case_id=case.pk, round__closed_at__isnull=True, deputy_id__in=g.deputy_ids
        ).exists()
    )


@rule("suggestion.assess")
def _suggestion_assess(g: Grants, case) -> bool:
    return case_office(g, case)


@rule("suggestion.conclude")
def _suggestion_conclude(g: Grants, case) -> bool:
    return case_office(g, case)


@rule("motion.decide")
def _motion_decide(g: Grants, case) -> bool:
    """The presidium's decision, recorded by the office of the congress."""
    return case_office(g, case)


@rule("suggestion.assign_batch")
def _suggestion_assign_batch(g: Grants, congress) -> bool:
    """Central assignment after a session (`congress` the congress whose suggestions)."""
    return congress is not None and congress.pk in g.staff_congresses


@rule("suggestion.report")
def _suggestion_report(g: Grants, congress) -> bool:
    """The special report of a congress's suggestions: its office, leaders of its region, and
    the offices above it (read-only roll-up)."""
    if congress is None:
        return False
    if g.is_admin:
        return True
    return any(congress.region.code.startswith(code) for code in g.congress_read_regions)


@visibility("suggestions.session")
def _suggestion_sessions(g: Grants) -> Q | None:
    """Sessions of the congresses one may see (their dates are public anyway)."""
    if g.is_admin:
        return None
    return Q(congress__in=visible_rows(g, "org.congress").values("pk"))
