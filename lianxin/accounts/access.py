"""Who may see and do what — decided here and nowhere else.

Every page and every API endpoint fetches objects through `visible_to(user, Model)` (or
`get_visible_or_404`) and asks `can(user, action, obj)` before acting. "Not found" and
"not yours" are the same 404, so nobody can probe for records outside their scope.

The rules, in the words of a standing committee's office:
- deputy-affairs staff act on their own congress; they read (never act on) the congresses
  below them in their region (a city's staff see a roll-up of its counties and townships);
- a leader reads everything in a region subtree and acts on nothing;
- a station manager sees the station's deputies and manages the station;
- a handling-unit officer sees the unit's work (filled in by the casework rules); those of its
  officers who hold the signing role (签发人) sign its replies off, never their own;
- a deputy or CPPCC member sees their own seats and their fellow deputies/members by name;
- CPPCC staff act on their own CPPCC and read the CPPCCs below them;
- the system administrator manages accounts and settings and may read everything.
Regions are public reference data (the public site drills down through them).

This module is the engine: the grants, the registries and the checks. Each app registers its
own models' visibility rules and its actions' predicates in its `rules.py` (imported from its
AppConfig.ready()): lianxin/org/rules.py, liaison/rules.py, casework/rules.py,
opinions/rules.py, suggestions/rules.py. Only the accounts' own rules live here. The engine
imports no other lianxin app; the Grants loader reaches the seat models through the login's
person (accounts.models.seat_model).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.apps import apps
from django.db.models import F, Model, Q, QuerySet
from django.http import Http404

from lianxin.core import audit

from .models import Role, User, seat_model


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
    signing_unit_ids: frozenset[int] = frozenset()  # the units whose replies the user signs off
    user_id: int | None = None
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
    Deputy = seat_model("deputy_seats")  # noqa: N806 - a model class
    Member = seat_model("member_seats")  # noqa: N806 - a model class
    serving = "serving"  # org.models.SeatStatus.SERVING

    staff, cppcc_staff, leaders = {}, {}, []
    stations, station_congresses, units, signing_units = set(), set(), set(), set()
    roles = set()
    deputy_limits: set[int | None] = set()  # the congresses of the deputy role (None: every seat)
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
            if ra.can_sign:
                signing_units.add(ra.unit_id)
        elif ra.role == Role.DEPUTY:
            deputy_limits.add(ra.congress_id)
    deputy_ids, deputy_congresses, member_ids, member_cppccs = set(), set(), set(), set()
    if user.person_id and Role.DEPUTY in roles:
        seats = Deputy.objects.filter(person_id=user.person_id, status=serving)
        if None not in deputy_limits:  # the login holds the seats of these congresses only
            seats = seats.filter(congress_id__in=deputy_limits)
        for seat_id, congress_id in seats.values_list("id", "congress_id"):
            deputy_ids.add(seat_id)
            deputy_congresses.add(congress_id)
    if user.person_id and Role.MEMBER in roles:
        for seat_id, cppcc_id in Member.objects.filter(
            person_id=user.person_id, status=serving
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
        signing_unit_ids=frozenset(signing_units),
        user_id=user.pk,
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


def prefix_q(lookup: str, codes: tuple[str, ...] | list[str]) -> Q:
    """Q for "the region code at `lookup` lies in one of these subtrees"."""
    return reduce(or_, (Q(**{f"{lookup}__startswith": code}) for code in codes), Q(pk__in=[]))


def any_of(*parts: tuple[str, object]) -> Q:
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
_TO_MANY: set[str] = set()


def visibility(label: str, *, to_many: bool = False):
    """Register the visibility rule of a model. `to_many=True` when the rule follows a to-many
    relation (it could match a row twice); such rules are applied through `pk__in`."""

    def register(fn: VisibilityRule) -> VisibilityRule:
        _VISIBILITY[label] = fn
        if to_many:
            _TO_MANY.add(label)
        return fn

    return register


@visibility("accounts.user", to_many=True)
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
            roles__unit__region__code__in=list(regions),
        )
        | Q(
            roles__role=Role.DEPUTY,
            roles__congress__isnull=True,
            person__deputy_seats__congress_id__in=congresses,
        )
    )


def deputy_seat_holders(seat_ids) -> QuerySet:
    """The active logins that hold one of these deputy seats: the person's login, when its
    deputy role covers every seat of the person or the seat's congress. Who is told of what
    happens to a seat asks this, never the person alone."""
    seat_ids = list(seat_ids)
    if not seat_ids:
        return User.objects.none()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(roles__role=Role.DEPUTY, roles__congress__isnull=True)
            | Q(roles__role=Role.DEPUTY, roles__congress_id=F("person__deputy_seats__congress_id")),
            person__deputy_seats__pk__in=seat_ids,
        )
        .distinct()
    )


def apply_rule(label: str, q: Q | None) -> QuerySet:
    """The rows of model `label` matching a rule's result (None: every row)."""
    model = apps.get_model(label)
    return model.objects.all() if q is None else model.objects.filter(q)


def visible_rows(g: Grants, label: str) -> QuerySet:
    """The rows of model `label` that the holder of `g` may see (for rules that follow a
    relation into another model's visibility)."""
    return apply_rule(label, _VISIBILITY[label](g))


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
    """Fetch one object the user may see; anything else is the same 404. When the object exists
    but is not the user's, the refusal goes into the security trail (core.audit.refused, one
    entry per request); the answer is the same."""
    try:
        return visible_to(user, model_or_qs).get(**lookup)
    except (ValueError, TypeError) as exc:  # a malformed id is "not found" too
        raise Http404 from exc
    except Exception as exc:
        if exc.__class__.__name__ in {"DoesNotExist", "ValidationError"}:
            _note_not_yours(user, model_or_qs, lookup)
            raise Http404 from exc
        raise


def _note_not_yours(user, model_or_qs, lookup: dict) -> None:
    model = model_or_qs if isinstance(model_or_qs, type) else model_or_qs.model
    try:
        exists = model._default_manager.filter(**lookup).exists()
    except (ValueError, TypeError):
        return
    except Exception as exc:
        if exc.__class__.__name__ == "ValidationError":
            return
        raise
    if exists:
        ref = ",".join(f"{k}={v}" for k, v in sorted(lookup.items()))
        audit.refused("not_yours", target=f"{model._meta.label_lower}:{ref}"[:200], user=user)


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
    return allowed(grants(user), action, obj)


def allowed(g: Grants, action: str, obj=None) -> bool:
    """`can` for grants already read (the menus of one page ask several questions)."""
    fn = _ACTIONS.get(action)
    if fn is None:
        raise LookupError(f"unknown action {action!r}")
    return bool(fn(g, obj))


def view_action(action: str, label: str) -> None:
    """Register `action` (a ".view") as exactly membership in `visible_to` of model `label`, so
    the two can never disagree."""

    def check(g: Grants, obj) -> bool:
        q = _VISIBILITY[label](g)
        if q is None:
            return True
        return obj.__class__._default_manager.filter(q, pk=obj.pk).exists()

    _ACTIONS[action] = check


def _is(obj, label: str) -> bool:
    """Is `obj` an instance of model `label` ("app.model")?"""
    return isinstance(obj, Model) and obj._meta.label_lower == label


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
    if role == Role.DEPUTY and _is(scope, "org.deputy"):
        return scope.congress_id in g.staff_congresses
    if role == Role.DEPUTY_AFFAIRS_STAFF and _is(scope, "org.congress"):
        return scope.pk in g.staff_congresses
    if role == Role.STATION_MANAGER and _is(scope, "liaison.station"):
        return scope.congress_id in g.staff_congresses
    if role == Role.UNIT_OFFICER and _is(scope, "org.handlingunit"):
        return scope.region.code in g.staff_congresses.values()
    return False


@rule("account.needs_second_factor")
def _needs_second_factor(g: Grants, _obj) -> bool:
    """Who cannot work without a second factor (TOTP) when `LIANXIN_OTP_REQUIRED` is on
    (lianxin.accounts.otp): the administrator, and everyone who acts for an office over other
    people's records, and so may reveal their personal data or export them: deputy-affairs and
    CPPCC staff, leaders, station managers (the station's cases, its export) and handling
    units' officers (the phone of a citizen whose case the unit handles). A deputy or a CPPCC
    member alone sees only their own seats and the cases addressed to them: for them the second
    factor is offered, not required."""
    return bool(
        g.is_admin
        or g.staff_congresses
        or g.cppcc_staff
        or g.leader_regions
        or g.station_ids
        or g.unit_ids
    )


def duties_conflict(roles, *, is_superuser: bool = False) -> bool:
    """Separation of duties: an administrator's account (the system administrator's role or the
    superuser flag) holds no business role; administration and casework are different
    people's logins."""
    roles = set(roles)
    return (is_superuser or Role.SYSTEM_ADMIN in roles) and bool(roles - {Role.SYSTEM_ADMIN})


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
