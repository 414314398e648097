"""Who may see and do what — decided here and nowhere else.

Every page and every API endpoint fetches objects through `visible_to(user, Model)` (or
`get_visible_or_404`) and asks `can(user, action, obj)` before acting. "Not found" and
"not yours" are the same 404, so nobody can probe for records outside their scope.

The rules, in the words of a standing committee's office:
- deputy-affairs staff act on their own congress; they read (never act on) the congresses
  below them in their region (a city's staff see a roll-up of its counties and townships);
- a leader reads everything in a region subtree and acts on nothing;
- a station manager sees the station's deputies and manages the station;
- a handling-unit officer sees the unit's work (filled in by the casework rules);
- a deputy or CPPCC member sees their own seats and their fellow deputies/members by name;
- CPPCC staff act on their own CPPCC and read the CPPCCs below them;
- the system administrator manages accounts and settings and may read everything.
Regions are public reference data (the public site drills down through them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .models import Role


@dataclass(frozen=True)
class Grants:
    """What one user holds, read once per request."""

    is_admin: bool = False
    staff_congresses: dict[int, str] = field(default_factory=dict)  # congress id → region code
    cppcc_staff: dict[int, str] = field(default_factory=dict)  # cppcc id → region code
    leader_regions: tuple[str, ...] = ()
    station_ids: frozenset[int] = frozenset()
    station_congress_ids: frozenset[int] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    person_id: int | None = None
    is_deputy: bool = False
    is_member: bool = False
    deputy_ids: frozenset[int] = frozenset()  # the user's own seats
    deputy_congress_ids: frozenset[int] = frozenset()
    member_ids: frozenset[int] = frozenset()
    member_cppcc_ids: frozenset[int] = frozenset()
    roles: frozenset[str] = frozenset()

    @property
    def congress_read_regions(self) -> tuple[str, ...]:
        """Region subtrees whose congress records this user may read."""
        return tuple(self.staff_congresses.values()) + self.leader_regions

    @property
    def cppcc_read_regions(self) -> tuple[str, ...]:
        return tuple(self.cppcc_staff.values()) + self.leader_regions

    @property
    def is_anyone(self) -> bool:
        return bool(self.roles)


NO_GRANTS = Grants()


def grants(user) -> Grants:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_GRANTS
    cached = getattr(user, "_lianxin_grants", None)
    if cached is not None:
        return cached
    from lianxin.org.models import Deputy, Member, SeatStatus

    staff, cppcc_staff, leaders = {}, {}, []
    stations, station_congresses, units = set(), set(), set()
    roles = set()
    rows = user.roles.select_related("congress__region", "cppcc__region", "region", "station")
    for ra in rows:
        roles.add(ra.role)
        if ra.role == Role.DEPUTY_AFFAIRS_STAFF and ra.congress_id:
            staff[ra.congress_id] = ra.congress.region.code
        elif ra.role == Role.CPPCC_STAFF and ra.cppcc_id:
            cppcc_staff[ra.cppcc_id] = ra.cppcc.region.code
        elif ra.role == Role.LEADER and ra.region_id:
            leaders.append(ra.region.code)
        elif ra.role == Role.STATION_MANAGER and ra.station_id:
            stations.add(ra.station_id)
            station_congresses.add(ra.station.congress_id)
        elif ra.role == Role.UNIT_OFFICER and ra.unit_id:
            units.add(ra.unit_id)
    deputy_ids, deputy_congresses, member_ids, member_cppccs = set(), set(), set(), set()
    if user.person_id and Role.DEPUTY in roles:
        for seat_id, congress_id in Deputy.objects.filter(
            person_id=user.person_id, status=SeatStatus.SERVING
        ).values_list("id", "congress_id"):
            deputy_ids.add(seat_id)
            deputy_congresses.add(congress_id)
    if user.person_id and Role.MEMBER in roles:
        for seat_id, cppcc_id in Member.objects.filter(
            person_id=user.person_id, status=SeatStatus.SERVING
        ).values_list("id", "cppcc_id"):
            member_ids.add(seat_id)
            member_cppccs.add(cppcc_id)
    result = Grants(
        is_admin=user.is_superuser or Role.SYSTEM_ADMIN in roles,
        staff_congresses=staff,
        cppcc_staff=cppcc_staff,
        leader_regions=tuple(leaders),
        station_ids=frozenset(stations),
        station_congress_ids=frozenset(station_congresses),
        unit_ids=frozenset(units),
        person_id=user.person_id,
        is_deputy=bool(deputy_ids),
        is_member=bool(member_ids),
        deputy_ids=frozenset(deputy_ids),
        deputy_congress_ids=frozenset(deputy_congresses),
        member_ids=frozenset(member_ids),
        member_cppcc_ids=frozenset(member_cppccs),
        roles=frozenset(roles),
    )
    user._lianxin_grants = result
    return result


def forget_grants(user) -> None:
    """Call after changing a user's roles within the same request."""
    if hasattr(user, "_lianxin_grants"):
        del user._lianxin_grants


def _prefix_q(lookup: str, codes: tuple[str, ...] | list[str]) -> Q:
    """Q for "the region code at `lookup` lies in one of these subtrees"."""
    return reduce(or_, (Q(**{f"{lookup}__startswith": code}) for code in codes), Q(pk__in=[]))


def _any(*parts: tuple[str, object]) -> Q:
    """OR of the lookups whose value is non-empty; empty ones would only add joins."""
    q = Q(pk__in=[])
    for lookup, value in parts:
        if value:
            q |= Q(**{lookup: value})
    return q


NOTHING = Q(pk__in=[])

# --- Visibility: one function per model --------------------------------------------------------
VisibilityRule = Callable[[Grants], Q | None]  # None means "everything"
_VISIBILITY: dict[str, VisibilityRule] = {}
# Rules that follow a to-many relation could return a row twice; those are wrapped in pk__in.
_TO_MANY: set[str] = {"accounts.user", "org.person", "liaison.station"}


def visibility(label: str, *, to_many: bool = False):
    """Register the visibility rule of a model. `to_many=True` when the rule follows a to-many
    relation (it could match a row twice); such rules are applied through `pk__in`."""

    def register(fn: VisibilityRule) -> VisibilityRule:
        _VISIBILITY[label] = fn
        if to_many:
            _TO_MANY.add(label)
        return fn

    return register


@visibility("org.region")
def _regions(g: Grants) -> Q | None:
    return None


@visibility("org.handlingunit")
def _units(g: Grants) -> Q | None:
    # The directory of handling units is needed by anyone who assigns or consults.
    return None if g.is_anyone else NOTHING


@visibility("org.congress")
def _congresses(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    q = _prefix_q("region__code", g.congress_read_regions)
    q |= Q(pk__in=g.deputy_congress_ids) | Q(pk__in=g.station_congress_ids)
    return q


@visibility("org.cppcc")
def _cppccs(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return _prefix_q("region__code", g.cppcc_read_regions) | Q(pk__in=g.member_cppcc_ids)


@visibility("org.deputy")
def _deputies(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    # Congresses are few: pick their ids first, so the deputies are found by the congress index.
    from lianxin.org.models import Congress

    readable = Congress.objects.filter(_prefix_q("region__code", g.congress_read_regions)).values(
        "pk"
    )
    q = Q(congress_id__in=readable) if g.congress_read_regions else NOTHING
    # fellow deputies of one's own congresses, for joint suggestions
    return q | _any(
        ("station_membership__station_id__in", g.station_ids),
        ("congress_id__in", g.deputy_congress_ids),
    )


@visibility("org.member")
def _members(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return _prefix_q("cppcc__region__code", g.cppcc_read_regions) | Q(
        cppcc_id__in=g.member_cppcc_ids
    )


@visibility("org.person")
def _people(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    deputies = _deputies(g)
    members = _members(g)
    q = Q(pk=g.person_id) if g.person_id else NOTHING
    q |= Q(deputy_seats__in=_apply("org.deputy", deputies)) | Q(
        member_seats__in=_apply("org.member", members)
    )
    return q


@visibility("liaison.station")
def _stations(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return (
        _prefix_q("region__code", g.congress_read_regions)
        | Q(pk__in=g.station_ids)
        | Q(memberships__deputy_id__in=g.deputy_ids)
    )


@visibility("accounts.user")
def _users(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    congresses = list(g.staff_congresses)
    if not congresses:
        return NOTHING
    regions = tuple(g.staff_congresses.values())
    return (
        Q(roles__congress_id__in=congresses)
        | Q(roles__station__congress_id__in=congresses)
        | Q(
            roles__role=Role.UNIT_OFFICER,
            roles__unit__region__code__in=_region_codes_exact(regions),
        )
        | Q(person__deputy_seats__congress_id__in=congresses)
    )


def _region_codes_exact(codes: tuple[str, ...]) -> list[str]:
    return list(codes)


def _apply(label: str, q: Q | None) -> QuerySet:
    from django.apps import apps

    model = apps.get_model(label)
    return model.objects.all() if q is None else model.objects.filter(q)


def visible_to(user, model_or_qs: type[Model] | QuerySet) -> QuerySet:
    """The rows of this model (or queryset) that `user` may see."""
    qs = (
        model_or_qs.all()
        if isinstance(model_or_qs, QuerySet)
        else model_or_qs._default_manager.all()
    )
    label = qs.model._meta.label_lower
    rule = _VISIBILITY.get(label)
    if rule is None:
        raise LookupError(f"no visibility rule for {label}")
    q = rule(grants(user))
    if q is None:
        return qs
    if label in _TO_MANY:
        return qs.filter(pk__in=qs.model._default_manager.filter(q).values("pk"))
    return qs.filter(q)


def get_visible_or_404(user, model_or_qs, **lookup):
    """Fetch one object the user may see; anything else is the same 404."""
    try:
        return visible_to(user, model_or_qs).get(**lookup)
    except (ValueError, TypeError) as exc:  # a malformed id is "not found" too
        raise Http404 from exc
    except Exception as exc:
        if exc.__class__.__name__ in {"DoesNotExist", "ValidationError"}:
            raise Http404 from exc
        raise


def is_visible(user, obj: Model) -> bool:
    return visible_to(user, obj.__class__).filter(pk=obj.pk).exists()


# --- Actions: one predicate per action ---------------------------------------------------------
ActionRule = Callable[[Grants, object], bool]
_ACTIONS: dict[str, ActionRule] = {}


def rule(action: str):
    def register(fn: ActionRule) -> ActionRule:
        _ACTIONS[action] = fn
        return fn

    return register


def forget_rule(action: str) -> None:
    """Take a rule away (a kind or an app that is removed)."""
    _ACTIONS.pop(action, None)


def actions() -> list[str]:
    return sorted(_ACTIONS)


def can(user, action: str, obj=None) -> bool:
    """May `user` take `action` on `obj` now? Unknown actions are refused, loudly in tests."""
    fn = _ACTIONS.get(action)
    if fn is None:
        raise LookupError(f"unknown action {action!r}")
    return bool(fn(grants(user), obj))


def _visible_rule(label: str) -> ActionRule:
    """A ".view" action is exactly membership in `visible_to`, so the two can never disagree."""

    def check(g: Grants, obj) -> bool:
        q = _VISIBILITY[label](g)
        if q is None:
            return True
        return obj.__class__._default_manager.filter(q, pk=obj.pk).exists()

    return check


for _label, _action in [
    ("org.congress", "congress.view"),
    ("org.cppcc", "cppcc.view"),
    ("org.deputy", "deputy.view"),
    ("org.member", "member.view"),
    ("org.handlingunit", "unit.view"),
    ("liaison.station", "station.view"),
]:
    _ACTIONS[_action] = _visible_rule(_label)


@rule("congress.manage")
def _congress_manage(g: Grants, congress) -> bool:
    """Business actions of a congress's office: only its own staff, never a roll-up reader."""
    return congress.pk in g.staff_congresses


@rule("deputy.change")
def _deputy_change(g: Grants, deputy) -> bool:
    return deputy.congress_id in g.staff_congresses


@rule("deputy.view_personal")
def _deputy_personal(g: Grants, deputy) -> bool:
    """Full phone number: the deputy's own office, the deputy, and the administrator."""
    return g.is_admin or deputy.congress_id in g.staff_congresses or deputy.pk in g.deputy_ids


@rule("member.change")
def _member_change(g: Grants, member) -> bool:
    return member.cppcc_id in g.cppcc_staff


@rule("member.view_personal")
def _member_personal(g: Grants, member) -> bool:
    return g.is_admin or member.cppcc_id in g.cppcc_staff or member.pk in g.member_ids


@rule("station.manage")
def _station_manage(g: Grants, station) -> bool:
    return station.pk in g.station_ids or station.congress_id in g.staff_congresses


# --- liaison: stations, points, reception days and records, public commitments ----------------
# What the public sees of a station (name, place, hours, public phone, points, deputies on duty,
# reception days) is read through lianxin.liaison.queries.public_*: it is public by definition.
# Everything below is the internal view: staff of the congress (and readers of its region), the
# station's own manager, and deputies for their own station and records.


def _station_subquery(g: Grants) -> QuerySet:
    return _apply("liaison.station", _stations(g)).values("pk")


@visibility("liaison.point")
def _points(g: Grants) -> Q | None:
    return None if g.is_admin else Q(station__in=_station_subquery(g))


@visibility("liaison.stationmembership")
def _memberships(g: Grants) -> Q | None:
    return None if g.is_admin else Q(station__in=_station_subquery(g))


@visibility("liaison.receptionrule")
def _reception_rules(g: Grants) -> Q | None:
    return None if g.is_admin else Q(station__in=_station_subquery(g))


@visibility("liaison.receptionday")
def _reception_days(g: Grants) -> Q | None:
    return None if g.is_admin else Q(station__in=_station_subquery(g))


@visibility("liaison.receptionrecord")
def _reception_records(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return Q(station__in=_station_subquery(g)) | Q(deputies__in=list(g.deputy_ids))


@visibility("liaison.commitment")
def _commitments(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    return Q(deputy__in=_apply("org.deputy", _deputies(g)).values("pk"))


@rule("station.create")
def _station_create(g: Grants, congress) -> bool:
    """Stations are opened by the deputy-affairs office of the congress that runs them."""
    return congress is not None and congress.pk in g.staff_congresses


@rule("station.import")
def _station_import(g: Grants, congress) -> bool:
    return congress is not None and congress.pk in g.staff_congresses


@rule("station.export")
def _station_export(g: Grants, _obj) -> bool:
    return g.is_admin or bool(g.congress_read_regions) or bool(g.station_ids)


@rule("station.grid")
def _station_grid(g: Grants, _obj) -> bool:
    """The grid with its counts by county and township: staff, leaders, the administrator."""
    return g.is_admin or bool(g.congress_read_regions)


@rule("station.assign")
def _station_assign(g: Grants, target) -> bool:
    """`target` is (station, deputy). Mixed-level grouping: the office that runs the station
    places any deputy of its own region (its own and the township congresses below it); a
    city's office places its own deputies into any station within the city."""
    station, deputy = target
    congress = station.congress
    if congress.pk in g.staff_congresses and deputy.congress.region.code.startswith(
        congress.region.code
    ):
        return True
    return deputy.congress_id in g.staff_congresses and station.region.code.startswith(
        deputy.congress.region.code
    )


@rule("reception.leaders")
def _reception_leaders(g: Grants, _obj) -> bool:
    return g.is_admin or bool(g.congress_read_regions)


@rule("reception.record")
def _reception_record(g: Grants, station) -> bool:
    return station.pk in g.station_ids or station.congress_id in g.staff_congresses


@rule("deputy.manage_commitments")
def _deputy_commitments(g: Grants, deputy) -> bool:
    return deputy.congress_id in g.staff_congresses or deputy.pk in g.deputy_ids


@rule("user.list")
def _user_list(g: Grants, _obj) -> bool:
    return g.is_admin or bool(g.staff_congresses)


@rule("user.create")
def _user_create(g: Grants, target) -> bool:
    """`target` is (role, scope object): may this user open such an account?

    The administrator opens any account. Deputy-affairs staff open accounts within their own
    congress only: the congress's deputies, its own staff, managers of its stations and
    officers of handling units in its region.
    """
    role, scope = target
    if g.is_admin:
        return True
    if not g.staff_congresses:
        return False
    from lianxin.liaison.models import Station
    from lianxin.org.models import Congress, Deputy, HandlingUnit

    if role == Role.DEPUTY and isinstance(scope, Deputy):
        return scope.congress_id in g.staff_congresses
    if role == Role.DEPUTY_AFFAIRS_STAFF and isinstance(scope, Congress):
        return scope.pk in g.staff_congresses
    if role == Role.STATION_MANAGER and isinstance(scope, Station):
        return scope.congress_id in g.staff_congresses
    if role == Role.UNIT_OFFICER and isinstance(scope, HandlingUnit):
        return scope.region.code in g.staff_congresses.values()
    return False


@rule("admin.site")
def _admin_site(g: Grants, _obj) -> bool:
    return g.is_admin


def mask_phone(phone: str | None) -> str:
    """138****5678: lists and exports never show a full number."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) >= 7:
        return (
            digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
            if len(digits) > 7
            else digits[:3] + "****"
        )
    return "*" * len(digits)


# --- casework (the closed loop) and opinions ---------------------------------------------------
# Who sees a case: the staff of its congress (act) and of the congresses above it (read), leaders
# of its region subtree (read), the station it came through, the deputy it is addressed to or
# who raised it, the member who raised it, and the officers of each unit it is assigned to
# (never a unit it was returned from). Who acts on it: see the `case.*` rules below; the
# workflow of each kind names the rule each transition needs.


def _congress_case_q(codes: tuple[str, ...]) -> Q:
    return Q(congress__isnull=False) & _prefix_q("scope_code", codes) if codes else NOTHING


def _cppcc_case_q(codes: tuple[str, ...]) -> Q:
    return Q(cppcc__isnull=False) & _prefix_q("scope_code", codes) if codes else NOTHING


@visibility("casework.case")
def _cases(g: Grants) -> Q | None:
    if g.is_admin:
        return None
    q = _congress_case_q(g.congress_read_regions) | _cppcc_case_q(g.cppcc_read_regions)
    q |= _any(
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
    return _suggestion_cases(g, q)


def _case_office(g: Grants, case) -> bool:
    """Staff of the body that owns the case (its congress, or its CPPCC)."""
    return (case.congress_id is not None and case.congress_id in g.staff_congresses) or (
        case.cppcc_id is not None and case.cppcc_id in g.cppcc_staff
    )


def _case_station(g: Grants, case) -> bool:
    return case.station_id is not None and case.station_id in g.station_ids


def _case_deputy(g: Grants, case) -> bool:
    return case.deputy_id is not None and case.deputy_id in g.deputy_ids


def _case_units(g: Grants, case) -> dict[int, str]:
    """The caller's units among the case's active assignments: unit id → lead/co."""
    if not g.unit_ids:
        return {}
    from lianxin.casework.queries import active_assignments

    return {a.unit_id: a.role for a in active_assignments(case) if a.unit_id in g.unit_ids}


def _case_has_lead(case) -> bool:
    from lianxin.casework.queries import active_assignments

    return any(a.role == "lead" for a in active_assignments(case))


def _case_leader(g: Grants, case) -> bool:
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
    return _case_office(g, case)


@rule("case.triage")
def _case_triage(g: Grants, case) -> bool:
    """Sort an opinion, merge a duplicate, decline: the office, or the station it came to."""
    return _case_office(g, case) or _case_station(g, case)


@rule("case.assign")
def _case_assign(g: Grants, case) -> bool:
    return _case_office(g, case)


@rule("case.return")
def _case_return(g: Grants, case) -> bool:
    """A unit asks to return a wrong assignment (its own assignment only)."""
    return bool(_case_units(g, case))


@rule("case.consult")
def _case_consult(g: Grants, case) -> bool:
    return (
        _case_office(g, case)
        or _case_station(g, case)
        or _case_deputy(g, case)
        or bool(_case_units(g, case))
    )


@rule("case.reply")
def _case_reply(g: Grants, case) -> bool:
    """The lead unit replies; without a lead unit the deputy answers directly, or the office
    records the answer given."""
    if "lead" in _case_units(g, case).values():
        return True
    if _case_has_lead(case):
        return False
    return _case_deputy(g, case) or _case_office(g, case)


@rule("case.attach")
def _case_attach(g: Grants, case) -> bool:
    """Add a file to a case still being handled (a reply letter, a photo of the work done): the
    units handling it (lead or co), the office that owns it, and the deputy who may answer it
    directly; to a suggestion or motion being written or revised, its lead sponsor. Nobody
    adds files once it is concluded."""
    if case.is_closed:
        return False
    if case.kind in ("suggestion", "motion") and case.state in ("draft", "returned"):
        # Supporting material of a suggestion or motion: its lead sponsor, while it may still
        # be edited (a draft, or returned for revision).
        return case.raised_by_deputy_id in g.deputy_ids or _case_office(g, case)
    return bool(_case_units(g, case)) or _case_office(g, case) or _case_reply(g, case)


@rule("case.feedback")
def _case_feedback(g: Grants, case) -> bool:
    return _case_office(g, case) or _case_station(g, case) or _case_deputy(g, case)


@rule("case.evaluate")
def _case_evaluate(g: Grants, case) -> bool:
    """Recording the citizen's rating taken on a return call (the citizen rates online with the
    tracking code and needs no account)."""
    return _case_office(g, case) or _case_station(g, case)


@rule("case.rehandle")
def _case_rehandle(g: Grants, case) -> bool:
    return _case_office(g, case)


@rule("case.supervise")
def _case_supervise(g: Grants, case) -> bool:
    return _case_office(g, case) or _case_leader(g, case)


@rule("case.remind")
def _case_remind(g: Grants, case) -> bool:
    return _case_office(g, case) or _case_leader(g, case)


@rule("case.conclude")
def _case_conclude(g: Grants, case) -> bool:
    return _case_office(g, case) or _case_station(g, case)


@rule("case.view_contact")
def _case_view_contact(g: Grants, case) -> bool:
    """The full phone number of whoever raised the case (a logged, deliberate action)."""
    return _case_office(g, case) or _case_station(g, case) or _case_deputy(g, case)


@rule("opinion.intake")
def _opinion_intake(g: Grants, target) -> bool:
    """Enter an opinion received at a station (`target` a Station) or by a deputy (`target` a
    Deputy seat)."""
    from lianxin.liaison.models import Station
    from lianxin.org.models import Deputy

    if isinstance(target, Station):
        return target.pk in g.station_ids or target.congress_id in g.staff_congresses
    if isinstance(target, Deputy):
        return target.pk in g.deputy_ids or target.congress_id in g.staff_congresses
    return False


@rule("logs.view")
def _logs_view(g: Grants, target) -> bool:
    """The three logs of a deputy, a station or a region (`target` one of them)."""
    from lianxin.liaison.models import Station
    from lianxin.org.models import Deputy, Region

    if g.is_admin:
        return True
    if isinstance(target, Deputy):
        return target.pk in g.deputy_ids or any(
            target.congress.region.code.startswith(c) for c in g.congress_read_regions
        )
    if isinstance(target, Station):
        return target.pk in g.station_ids or any(
            target.region.code.startswith(c) for c in g.congress_read_regions
        )
    if isinstance(target, Region):
        return any(target.code.startswith(c) for c in g.congress_read_regions)
    return False


# --- suggestions (deputies' suggestions and motions) -------------------------------------------
# A suggestion's draft is the deputy's own: nobody else sees it but the deputies invited to
# co-sign it.
# Co-sponsors see the suggestions they were invited to; authors evaluate the replies; the office
# of the congress reviews, assigns, supervises and assesses; the lead unit replies after its
# head signs off; co-handling units send their opinions to the lead unit. The presidium's
# decision on a motion is recorded by the office.

_SUGGESTION_KINDS = ("suggestion", "motion")


def _cosponsored_case_ids(g: Grants) -> QuerySet:
    from lianxin.suggestions.models import CoSponsor

    return CoSponsor.objects.filter(deputy_id__in=g.deputy_ids).values("case_id")


def _suggestion_cases(g: Grants, q: Q) -> Q:
    """Called by the case visibility rule: hide drafts of suggestions from everyone but their
    deputies, and show co-sponsors what they were invited to. (A motion's draft is seen by the
    office, which collects the co-sponsors' signatures during the session.)"""
    q &= ~Q(kind="suggestion", state="draft")
    if g.deputy_ids:
        q |= Q(raised_by_deputy_id__in=g.deputy_ids)
        q |= Q(kind__in=_SUGGESTION_KINDS, pk__in=_cosponsored_case_ids(g))
    return q


def _is_lead_sponsor(g: Grants, case) -> bool:
    return case.raised_by_deputy_id is not None and case.raised_by_deputy_id in g.deputy_ids


def _author_seats(g: Grants, case) -> set[int]:
    """The caller's seats among the case's authors: the lead sponsor and confirmed co-sponsors."""
    from lianxin.suggestions.models import CoSponsor

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
    from lianxin.suggestions.models import CoSponsor

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
    return _case_office(g, case)


@rule("suggestion.resubmit")
def _suggestion_resubmit(g: Grants, case) -> bool:
    return _is_lead_sponsor(g, case)


@rule("suggestion.co_opinion")
def _suggestion_co_opinion(g: Grants, case) -> bool:
    return "co" in _case_units(g, case).values()


@rule("suggestion.reply")
def _suggestion_reply(g: Grants, case) -> bool:
    """Only the lead unit replies to a deputy's suggestion."""
    return "lead" in _case_units(g, case).values()


@rule("suggestion.sign_off")
def _suggestion_sign_off(g: Grants, case) -> bool:
    return "lead" in _case_units(g, case).values()


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
    return _case_office(g, case)


@rule("suggestion.request_extension")
def _suggestion_request_extension(g: Grants, case) -> bool:
    """Ask for more time: the lead unit (the office decides, under `case.assign`)."""
    return "lead" in _case_units(g, case).values()


@rule("suggestion.survey_answer")
def _suggestion_survey_answer(g: Grants, case) -> bool:
    """Answer the open satisfaction survey of a key suggestion: the deputies it asked."""
    from lianxin.suggestions.models import SurveyAnswer

    return (
        bool(g.deputy_ids)
        and SurveyAnswer.objects.filter(
            round__case_id=case.pk, round__closed_at__isnull=True, deputy_id__in=g.deputy_ids
        ).exists()
    )


@rule("suggestion.assess")
def _suggestion_assess(g: Grants, case) -> bool:
    return _case_office(g, case)


@rule("suggestion.conclude")
def _suggestion_conclude(g: Grants, case) -> bool:
    return _case_office(g, case)


@rule("motion.decide")
def _motion_decide(g: Grants, case) -> bool:
    """The presidium's decision, recorded by the office of the congress."""
    return _case_office(g, case)


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


@rule("commitment.close")
def _commitment_close(g: Grants, commitment) -> bool:
    """Mark a commitment kept or not kept: the office of the congress; the unit that made it may
    report it kept."""
    return commitment.case.congress_id in g.staff_congresses or commitment.unit_id in g.unit_ids


@rule("commitment.mark_not_kept")
def _commitment_not_kept(g: Grants, commitment) -> bool:
    return commitment.case.congress_id in g.staff_congresses


@visibility("suggestions.commitment")
def _suggestion_commitments(g: Grants) -> Q | None:
    """Commitments of the cases one may see; a unit sees every commitment it made."""
    if g.is_admin:
        return None
    q = Q(case__in=_apply("casework.case", _cases(g)).filter(kind="suggestion").values("pk"))
    if g.unit_ids:
        q |= Q(unit_id__in=g.unit_ids)
    return q


@visibility("suggestions.session")
def _suggestion_sessions(g: Grants) -> Q | None:
    """Sessions of the congresses one may see (their dates are public anyway)."""
    if g.is_admin:
        return None
    return Q(congress__in=_apply("org.congress", _congresses(g)).values("pk"))
