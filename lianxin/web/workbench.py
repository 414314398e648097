"""The workbench home: one section of "my work" per role the user holds.

Each section is a partial of web/workbench.html (django-template-partials) named after the
role, so the apps that bring cases (opinions, suggestions) fill its work lists without
touching the page around it. A section shows only lists that have a source (the CPPCC
sections have none until proposals and sentiment reports are on the loop); an empty list says
so, and every figure shown is counted from the database within the user's scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts import access
from lianxin.accounts.models import Role, RoleAssignment
from lianxin.core.models import AuditLog
from lianxin.liaison.models import Point, Station, StationMembership
from lianxin.org.models import Congress, Deputy, Level, Member, Region, SeatStatus

NO_WORK = gettext_lazy("暂无待办事项")


@dataclass
class Worklist:
    """One list of "my work". `items` are rendered by the section's own partial."""

    key: str
    title: str
    items: list[Any] = field(default_factory=list)
    empty: str = NO_WORK
    url: str | None = None
    total: int | None = None  # all matching items; `items` may show only the first few

    @property
    def count(self) -> int:
        return self.total if self.total is not None else len(self.items)


@dataclass
class Section:
    partial: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    worklists: list[Worklist] = field(default_factory=list)

    @property
    def template(self) -> str:
        return f"web/workbench.html#{self.partial}"


@dataclass(frozen=True)
class HeldRole:
    """How a role reads in the heading: 榆次区人民代表大会常务委员会 · 人大代表工作人员."""

    scope: str
    role: str


def standing_committee_name(congress: Congress) -> str:
    if congress.has_standing_committee:
        return _("%(congress)s常务委员会") % {"congress": congress.name}
    return _("%(congress)s主席团") % {"congress": congress.name}


def _assignments(user) -> list[RoleAssignment]:
    order = {value: i for i, value in enumerate(Role.values)}
    rows = list(
        user.roles.select_related(
            "congress__region", "cppcc__region", "unit__parent", "unit__region", "station__region"
        ).select_related("station__congress", "region")
    )
    rows.sort(key=lambda ra: (order.get(ra.role, 99), ra.pk))
    return rows


def held_roles(
    assignments: list[RoleAssignment], seats: list[Deputy], member_seats: list[Member]
) -> list[HeldRole]:
    result: list[HeldRole] = []
    for ra in assignments:
        label = str(ra.get_role_display())
        if ra.role == Role.DEPUTY_AFFAIRS_STAFF and ra.congress:
            result.append(HeldRole(standing_committee_name(ra.congress), label))
        elif ra.role == Role.DEPUTY:
            result.extend(HeldRole(seat.congress.name, label) for seat in seats)
        elif ra.role == Role.MEMBER:
            result.extend(HeldRole(seat.cppcc.name, label) for seat in member_seats)
        elif ra.role == Role.SYSTEM_ADMIN:
            result.append(HeldRole(_("连心履职平台"), label))
        elif ra.scope is not None:
            result.append(HeldRole(str(ra.scope), label))
        else:
            result.append(HeldRole("", label))
    # The same seat listed twice (two deputy role rows) reads once.
    return list(dict.fromkeys(result))


# --- One builder per role -----------------------------------------------------------------


def _staff_section(user, ra: RoleAssignment) -> Section:
    congress = ra.congress
    code = congress.region.code
    own = Deputy.objects.filter(congress=congress, status=SeatStatus.SERVING)
    below = access.visible_to(user, Congress).filter(region__code__startswith=code)
    below = below.exclude(pk=congress.pk)
    rollup = below.aggregate(
        congresses=Count("pk", distinct=True),
        deputies=Count("deputies", filter=Q(deputies__status=SeatStatus.SERVING), distinct=True),
    )
    bodies = congress.bodies.aggregate(
        delegations=Count("pk", filter=Q(kind="delegation")),
        electoral_units=Count("pk", filter=Q(kind="electoral_unit")),
    )
    return Section(
        partial="staff",
        title=standing_committee_name(congress),
        context={
            "congress": congress,
            "deputy_count": own.count(),
            "leading_cadre_count": own.filter(person__is_leading_cadre=True).count(),
            "station_count": Station.objects.filter(congress=congress, is_active=True).count(),
            "rollup": rollup,
            "bodies": bodies,
            "deputies_url": reverse("deputy_list") + f"?congress={congress.pk}",
            "rollup_url": reverse("deputy_list") + f"?region={code}",
        },
        worklists=[
            Worklist("triage", _("待梳理的群众意见")),
            Worklist("overdue", _("超期未办结")),
        ],
    )


def _unit_section(user, ra: RoleAssignment) -> Section:
    return Section(
        partial="unit",
        title=ra.unit.name,
        context={"unit": ra.unit},
        worklists=[
            Worklist("handle", _("待办理")),
            Worklist("reply", _("待答复")),
        ],
    )


def _deputy_section(user, seats: list[Deputy]) -> Section:
    return Section(
        partial="deputy",
        title=_("我的履职"),
        context={"seats": seats},
        worklists=[
            Worklist("suggestions", _("我的建议"), empty=_("暂无建议")),
            Worklist("station_opinions", _("本站群众意见")),
        ],
    )


def _station_section(user, ra: RoleAssignment) -> Section:
    station = ra.station
    by_level = dict(
        StationMembership.objects.filter(station=station)
        .values_list("deputy__congress__level")
        .annotate(n=Count("pk"))
    )
    levels = [
        (label, by_level.get(value, 0)) for value, label in Level.choices if value in by_level
    ]
    return Section(
        partial="station",
        title=station.name,
        context={
            "station": station,
            "deputy_count": sum(by_level.values()),
            "levels": levels,
            "point_count": Point.objects.filter(station=station).count(),
            "deputies_url": reverse("deputy_list") + f"?station={station.pk}",
        },
        worklists=[
            Worklist("register", _("本站待梳理的群众意见")),
            Worklist("feedback", _("待反馈群众")),
        ],
    )


def _leader_section(user, ra: RoleAssignment) -> Section:
    region: Region = ra.region
    congresses = access.visible_to(user, Congress).filter(region__code__startswith=region.code)
    by_level = dict(congresses.values_list("level").annotate(n=Count("pk")))
    deputies = access.visible_to(user, Deputy).filter(
        congress__region__code__startswith=region.code, status=SeatStatus.SERVING
    )
    return Section(
        partial="leader",
        title=str(region),
        context={
            "region": region,
            "congress_count": sum(by_level.values()),
            "levels": [(label, by_level[v]) for v, label in Level.choices if v in by_level],
            "deputy_count": deputies.count(),
            "station_count": access.visible_to(user, Station)
            .filter(region__code__startswith=region.code, is_active=True)
            .count(),
            "member_count": access.visible_to(user, Member)
            .filter(cppcc__region__code__startswith=region.code, status=SeatStatus.SERVING)
            .count(),
            "deputies_url": reverse("deputy_list") + f"?region={region.code}",
            "regions_url": reverse("region_list") + f"?parent={region.code}",
        },
        worklists=[Worklist("key_supervision", _("重点督办事项"))],
    )


def _cppcc_section(user, ra: RoleAssignment) -> Section:
    cppcc = ra.cppcc
    members = Member.objects.filter(cppcc=cppcc, status=SeatStatus.SERVING)
    sectors = (
        cppcc.bodies.filter(kind="sector")
        .annotate(n=Count("sector_members", filter=Q(sector_members__status=SeatStatus.SERVING)))
        .order_by("-n", "name")
    )
    return Section(
        partial="cppcc",
        title=cppcc.name,
        context={
            "cppcc": cppcc,
            "member_count": members.count(),
            "standing_count": members.filter(is_standing_member=True).count(),
            "sectors": list(sectors),
            "party_org_count": cppcc.bodies.filter(kind="party_org").count(),
        },
    )


def _member_section(user, member_seats: list[Member]) -> Section:
    return Section(
        partial="member",
        title=_("我的委员履职"),
        context={"seats": member_seats},
    )


def _admin_section(user) -> Section:
    from lianxin.accounts.models import User

    recent = list(
        AuditLog.objects.filter(
            kind__in=[
                AuditLog.Kind.LOCKED_OUT,
                AuditLog.Kind.LOGIN_FAILED,
                AuditLog.Kind.USER_CREATED,
                AuditLog.Kind.ROLE_GRANTED,
                AuditLog.Kind.ROLE_REVOKED,
            ]
        )[:8]
    )
    return Section(
        partial="admin",
        title=_("系统管理"),
        context={
            "user_count": User.objects.filter(is_active=True).count(),
            "role_count": RoleAssignment.objects.count(),
        },
        worklists=[Worklist("security", _("近期账号与安全事件"), recent, empty=_("暂无记录"))],
    )


# Work lists filled from the closed loop (lianxin.casework.queries.work_items), with the page
# that shows the whole list.
CASE_WORKLISTS = {
    "triage": "?kind=opinion&state=registered",
    "overdue": "?overdue=1",
    "handle": "?state=handling",
    "reply": "?state=handling",
    "station_opinions": "?kind=opinion",
    "suggestions": "?kind=suggestion",
    "register": "?kind=opinion&state=registered",
    "feedback": "?state=replied",
    "key_supervision": "?supervised=1",
}


def _add_registered_worklists(user, sections: list[Section]) -> None:
    """The work lists the kinds' apps registered (lianxin.casework.worklists)."""
    from lianxin.casework import worklists

    for section in sections:
        for reg in worklists.for_section(section.partial):
            if not reg.shown_to(user):
                continue
            wl = Worklist(reg.key, str(reg.title), empty=reg.empty or NO_WORK)
            wl.items, wl.total, wl.url = reg.fill(user)
            keys = [w.key for w in section.worklists]
            at = keys.index(reg.after) + 1 if reg.after in keys else len(keys)
            section.worklists.insert(at, wl)


def _fill_case_worklists(user, sections: list[Section]) -> None:
    from lianxin.casework.queries import work_items

    case_list = reverse("case_list")
    for section in sections:
        for wl in section.worklists:
            if wl.key in CASE_WORKLISTS:
                wl.items, wl.total = work_items(user, wl.key)
                wl.url = case_list + CASE_WORKLISTS[wl.key]


def build(user) -> dict[str, Any]:
    """Everything the workbench shows for this user."""
    g = access.grants(user)
    assignments = _assignments(user)
    seats = list(
        Deputy.objects.filter(pk__in=g.deputy_ids)
        .select_related(
            "congress__region", "delegation", "electoral_unit", "station_membership__station"
        )
        .order_by("congress__region__code")
    )
    member_seats = list(
        Member.objects.filter(pk__in=g.member_ids)
        .select_related("cppcc", "sector", "party_org")
        .order_by("cppcc__region__code")
    )
    sections: list[Section] = []
    for ra in assignments:
        if ra.role == Role.DEPUTY_AFFAIRS_STAFF and ra.congress:
            sections.append(_staff_section(user, ra))
        elif ra.role == Role.UNIT_OFFICER and ra.unit:
            sections.append(_unit_section(user, ra))
        elif ra.role == Role.STATION_MANAGER and ra.station:
            sections.append(_station_section(user, ra))
        elif ra.role == Role.LEADER and ra.region:
            sections.append(_leader_section(user, ra))
        elif ra.role == Role.CPPCC_STAFF and ra.cppcc:
            sections.append(_cppcc_section(user, ra))
        elif ra.role == Role.DEPUTY and seats:
            if not any(s.partial == "deputy" for s in sections):
                sections.append(_deputy_section(user, seats))
        elif ra.role == Role.MEMBER and member_seats:
            if not any(s.partial == "member" for s in sections):
                sections.append(_member_section(user, member_seats))
        elif ra.role == Role.SYSTEM_ADMIN:
            if not any(s.partial == "admin" for s in sections):
                sections.append(_admin_section(user))
    if g.is_admin and not any(s.partial == "admin" for s in sections):
        sections.append(_admin_section(user))
    _fill_case_worklists(user, sections)
    _add_registered_worklists(user, sections)
    return {
        "held_roles": held_roles(assignments, seats, member_seats),
        "sections": sections,
    }
