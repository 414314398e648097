"""Who sees and acts on a case (registered with lianxin.accounts.access)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from lianxin.accounts.access import (
    NOTHING,
    Grants,
    any_of,
    prefix_q,
    rule,
    visibility,
    visible_rows,
)

# --- casework (the closed loop) and opinions ---------------------------------------------------
# Who sees a case: the staff of its congress (act) and of the congresses above it (read), leaders
# of its region subtree (read), the station it came through, the deputy it is addressed to or
# who raised it, the member who raised it, and the officers of each unit it is assigned to
# (never a unit it was returned from). Who acts on it: see the `case.*` rules below; the
# workflow of each kind names the rule each transition needs.


def _congress_case_q(codes: tuple[str, ...]) -> Q:
    return Q(congress__isnull=False) & prefix_q("scope_code", codes) if codes else NOTHING


def _cppcc_case_q(codes: tuple[str, ...]) -> Q:
    return Q(cppcc__isnull=False) & prefix_q("scope_code", codes) if codes else NOTHING


@visibility("casework.case")
def _cases(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    q = _congress_case_q(g.congress_read_regions) | _cppcc_case_q(g.cppcc_read_regions)
    q |= any_of(
        ("station_id__in", g.station_ids),
        ("deputy_id__in", g.deputy_ids),
        ("raised_by_deputy_id__in", g.deputy_ids),
        ("raised_by_member_id__in", g.member_ids),
    )
    if g.unit_ids:
        from lianxin.casework.models import Assignment

        q |= Q(
            pk__in=Assignment.objects.filter(
                unit_id__in=g.unit_ids, status=Assignment.Status.ACTIVE
            ).values("case_id")
        )
    return _refine(g, q)


# --- Figures (casework.metrics) ------------------------------------------------------------
# Figures are sums over cells of region, station, unit… (no case is read), so who sees which
# cells is decided on those dimensions: staff and leaders the region subtrees they read (the
# CPPCC's kinds for CPPCC staff, the congress's for congress staff), a station manager the
# cells of the station, a unit officer those of the unit (and the units' league table).
CPPCC_KINDS = ("proposal", "sentiment_report")


def may_see_figures(g: Grants) -> bool:
    return bool(
        g.is_admin
        or g.staff_congresses
        or g.cppcc_staff
        or g.leader_regions
        or g.station_ids
        or g.unit_ids
    )


def figure_scope(g: Grants) -> Q | None:
    """The Q of the metric cells the holder of `g` may read (None: every cell)."""
    if g.is_admin:
        return None
    q = NOTHING
    if g.congress_read_regions:
        q |= ~Q(kind__in=CPPCC_KINDS) & prefix_q("region_code", g.congress_read_regions)
    if g.cppcc_read_regions:
        q |= Q(kind__in=CPPCC_KINDS) & prefix_q("region_code", g.cppcc_read_regions)
    return q | any_of(("station_id__in", g.station_ids), ("unit_id__in", g.unit_ids))


def figure_regions(g: Grants) -> tuple[str, ...] | None:
    """The region subtrees whose figures the holder of `g` may open (None: all)."""
    if g.is_admin:
        return None
    return tuple(sorted(set(g.congress_read_regions + g.cppcc_read_regions), key=len))


def may_open_region(g: Grants, code: str) -> bool:
    roots = figure_regions(g)
    return roots is None or any(code.startswith(root) for root in roots)


# --- Kind-specific refinements, registered by the app of each kind ---------------------------
CaseAttach = Callable[[Grants, object], "bool | None"]
_CASE_VISIBILITY: dict[str | None, list[Callable]] = {}
_CASE_ATTACH: dict[str, CaseAttach] = {}


def register_case_visibility(kind: str | None, fn) -> Callable:
    """Refine who sees cases. `kind=None`: `fn(g, q)` returns the new Q for every case (it may
    hide some and show others). A kind: `fn(g)` returns `(hidden, shown)`, two Q (or None) over
    the cases of that kind: those the general rule shows that the holder of `g` must not see
    (a suggestion's draft), and those it does not show that they may (what they were invited
    to co-sign). Kept in this shape so that the query stays one filter plus a few ORs."""
    _CASE_VISIBILITY.setdefault(kind, []).append(fn)
    return fn


def forget_case_rules(kind: str) -> None:
    """Take away what a kind registered (its declaration is being removed)."""
    _CASE_VISIBILITY.pop(kind, None)
    _CASE_ATTACH.pop(kind, None)


def register_case_attach(kind: str, fn: CaseAttach) -> CaseAttach:
    """Who may add a file to a case of `kind`: `fn(g, case)` answers True/False, or None to
    leave it to the general rule."""
    _CASE_ATTACH[kind] = fn
    return fn


def _refine(g: Grants, q: Q) -> Q:
    shown = []
    for kind, fns in _CASE_VISIBILITY.items():
        if kind is None:
            continue
        for fn in fns:
            hide, show = fn(g)
            if hide is not None:
                q &= ~(Q(kind=kind) & hide)
            if show is not None:
                shown.append(Q(kind=kind) & show)
    for extra in shown:
        q |= extra
    for fn in _CASE_VISIBILITY.get(None, []):
        q = fn(g, q)
    return q


def case_office(g: Grants, case) -> bool:
    """Staff of the body that owns the case (its congress, or its CPPCC)."""
    return (case.congress_id is not None and case.congress_id in g.staff_congresses) or (
        case.cppcc_id is not None and case.cppcc_id in g.cppcc_staff
    )


def case_station(g: Grants, case) -> bool:
    return case.station_id is not None and case.station_id in g.station_ids


def case_deputy(g: Grants, case) -> bool:
    return case.deputy_id is not None and case.deputy_id in g.deputy_ids


def case_units(g: Grants, case) -> dict[int, str]:
    """The caller's units among the case's active assignments: unit id → lead/co."""
    if not g.unit_ids:
        return {}
    from lianxin.casework.queries import active_assignments

    return {a.unit_id: a.role for a in active_assignments(case) if a.unit_id in g.unit_ids}


def case_signer(g: Grants, case) -> bool:
    """May the holder of `g` sign off the case's reply awaiting sign-off (内部签发)? An officer
    holding the signing role (签发人) of the unit that wrote it, while that unit handles the
    case, and never the officer who wrote it: a reply leaves its unit seen by two people."""
    if not g.signing_unit_ids:
        return False
    from lianxin.casework.queries import pending_reply

    reply = pending_reply(case)
    return (
        reply is not None
        and reply.unit_id in g.signing_unit_ids
        and reply.unit_id in case_units(g, case)
        and (reply.author_id is None or reply.author_id != g.user_id)
    )


def sees_reply(g: Grants, case, reply) -> bool:
    """May the holder of `g`, who sees the case, read this reply letter? Once given, yes
    (casework.queries.reply_given); before (awaiting sign-off, or sent back), only the unit
    that wrote it, the office that owns the case and an administrator: not the deputies or
    members who proposed it, nor anyone else who follows the case."""
    from lianxin.casework.queries import reply_given

    if reply_given(case, reply):
        return True
    return g.is_admin or case_office(g, case) or (reply.unit_id in g.unit_ids)


def case_has_lead(case) -> bool:
    from lianxin.casework.queries import active_assignments

    return any(a.role == "lead" for a in active_assignments(case))


def case_leader(g: Grants, case) -> bool:
    return any(case.scope_code.startswith(code) for code in g.leader_regions)


@rule("case.view")
def _case_view(g: Grants, case) -> bool:
    return is_visible_with(g, case)


def is_visible_with(g: Grants, case) -> bool:
    from lianxin.casework.models import Case

    q = _cases(g)
    return q is None or Case.objects.filter(q, pk=case.pk).exists()


@rule("case.manage")
def _case_manage(g: Grants, case) -> bool:
    return case_office(g, case)


@rule("case.triage")
def _case_triage(g: Grants, case) -> bool:
    """Sort an opinion, merge a duplicate, decline: the office, or the station it came to."""
    return case_office(g, case) or case_station(g, case)


@rule("case.merge_into")
def _case_merge_into(g: Grants, case) -> bool:
    """Take a duplicate in as the main case: the office that owns it, or the station it came
    to (the same people who may merge a case of their own into it)."""
    return case_office(g, case) or case_station(g, case)


@rule("case.unmerge")
def _case_unmerge(g: Grants, case) -> bool:
    """Restore a merged case as its own: the office that owns it (and, checked by the action,
    the main case too)."""
    return case_office(g, case)


@rule("case.assign")
def _case_assign(g: Grants, case) -> bool:
    return case_office(g, case)


@rule("case.return")
def _case_return(g: Grants, case) -> bool:
    """A unit asks to return a wrong assignment (its own assignment only)."""
    return bool(case_units(g, case))


@rule("case.consult")
def _case_consult(g: Grants, case) -> bool:
    return (
        case_office(g, case)
        or case_station(g, case)
        or case_deputy(g, case)
        or bool(case_units(g, case))
    )


@rule("case.reply")
def _case_reply(g: Grants, case) -> bool:
    """The lead unit replies; without a lead unit the deputy answers directly, or the office
    records the answer given."""
    if "lead" in case_units(g, case).values():
        return True
    if case_has_lead(case):
        return False
    return case_deputy(g, case) or case_office(g, case)


@rule("case.attach")
def _case_attach(g: Grants, case) -> bool:
    """Add a file to a case still being handled (a reply letter, a photo of the work done): the
    units handling it (lead or co), the office that owns it, and the deputy who may answer it
    directly; a kind's app may answer first (register_case_attach: a suggestion being written
    or revised takes files from its lead sponsor). Nobody adds files once it is concluded."""
    if case.is_closed:
        return False
    hook = _CASE_ATTACH.get(case.kind)
    answer = hook(g, case) if hook is not None else None
    if answer is not None:
        return answer
    return bool(case_units(g, case)) or case_office(g, case) or _case_reply(g, case)


@rule("case.feedback")
def _case_feedback(g: Grants, case) -> bool:
    return case_office(g, case) or case_station(g, case) or case_deputy(g, case)


@rule("case.evaluate")
def _case_evaluate(g: Grants, case) -> bool:
    """Recording the citizen's rating taken on a return call (the citizen rates online with the
    tracking code and needs no account)."""
    return case_office(g, case) or case_station(g, case)


@rule("case.rehandle")
def _case_rehandle(g: Grants, case) -> bool:
    return case_office(g, case)


@rule("case.supervise")
def _case_supervise(g: Grants, case) -> bool:
    return case_office(g, case) or case_leader(g, case)


@rule("case.remind")
def _case_remind(g: Grants, case) -> bool:
    return case_office(g, case) or case_leader(g, case)


@rule("case.conclude")
def _case_conclude(g: Grants, case) -> bool:
    return case_office(g, case) or case_station(g, case)


@rule("case.derive")
def _case_derive(g: Grants, case) -> bool:
    """Turn a case into one of another kind (citizens' opinions into a deputy's suggestion,
    casework.lineage): the deputy it is addressed to, or the office that triages it."""
    return case_deputy(g, case) or case_office(g, case)


@rule("case.view_contact")
def _case_view_contact(g: Grants, case) -> bool:
    """The full phone number of whoever raised the case (a logged, deliberate action): the
    office, the station and the deputy it is addressed to, and the officers of each unit it is
    assigned to, so that they can call the citizen back (never a unit it was returned from)."""
    return (
        case_office(g, case)
        or case_station(g, case)
        or case_deputy(g, case)
        or bool(case_units(g, case))
    )


# --- Commitments a reply made (casework.shared) -----------------------------------------------------


@rule("commitment.close")
def _commitment_close(g: Grants, commitment) -> bool:
    """Mark a commitment kept or not kept: the office of the case; the unit that made it may
    report it kept."""
    return case_office(g, commitment.case) or commitment.unit_id in g.unit_ids


@rule("commitment.mark_not_kept")
def _commitment_not_kept(g: Grants, commitment) -> bool:
    return case_office(g, commitment.case)


@visibility("casework.commitment")
def _commitments(g: Grants) -> Q | None:
    """Commitments of the cases one may see; a unit sees every commitment it made."""
    if g.is_admin:
        return None
    q = Q(case__in=visible_rows(g, "casework.case").values("pk"))
    if g.unit_ids:
        q |= Q(unit_id__in=g.unit_ids)
    return q


# --- Hot issues (casework.hot) ----------------------------------------------------------------
# Who sees a hot issue: the staff and leaders who read its county (congress or CPPCC), and the
# deputies and members it was pushed to (the deputies of the stations in the county, the
# members of its field). Who turns it into a suggestion: a deputy it was pushed to.


@visibility("casework.hotissue")
def _hot_issues(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    from lianxin.casework.models import HotIssue

    q = prefix_q("region__code", tuple(set(g.congress_read_regions + g.cppcc_read_regions)))
    if g.deputy_ids:
        q |= Q(
            pk__in=HotIssue.pushed_deputies.through.objects.filter(
                deputy_id__in=g.deputy_ids
            ).values("hotissue_id")
        )
    if g.member_ids:
        q |= Q(
            pk__in=HotIssue.pushed_members.through.objects.filter(
                member_id__in=g.member_ids
            ).values("hotissue_id")
        )
    return q


@rule("hot.convert")
def _hot_convert(g: Grants, issue) -> bool:
    return bool(g.deputy_ids) and issue.pushed_deputies.filter(pk__in=g.deputy_ids).exists()


@rule("case.check_reply")
def _case_check_reply(g: Grants, case) -> bool:
    """See the reply-quality check of a case's reply (`casework.reply_quality`): whoever may
    write the reply (the lead unit, or without one the deputy or the office), the signer of the
    reply awaiting sign-off, the office that reviews it, an administrator."""
    return (
        g.is_admin
        or case_office(g, case)
        or "lead" in case_units(g, case).values()
        or case_signer(g, case)
        or (not case_has_lead(case) and case_deputy(g, case))
    )
