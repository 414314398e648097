"""Which seat a user acts in: the resolver the trail (core.trail) uses.

A person may hold a deputy seat in a city and another in a county, or work as staff of one
congress and be a deputy of another. The seat is chosen from what the object says about itself:
its deputy or member seat, the handling units assigned to it, its station, its congress or
CPPCC, its region."""

from __future__ import annotations

from collections.abc import Iterable

from lianxin.core.trail import Seat

from .access import grants
from .models import Role, seat_model


def _seat_body(model: str, pk: int, field: str) -> str:
    seats = seat_model("deputy_seats" if model == "Deputy" else "member_seats")
    body = seats.objects.filter(pk=pk).values_list(f"{field}_id", flat=True)
    return f"{field}:{body.first()}"


def _deputy_in(g, congress_id: int) -> int | None:
    Deputy = seat_model("deputy_seats")  # noqa: N806 - a model class
    return (
        Deputy.objects.filter(pk__in=g.deputy_ids, congress_id=congress_id)
        .values_list("pk", flat=True)
        .first()
    )


def _member_in(g, cppcc_id: int) -> int | None:
    Member = seat_model("member_seats")  # noqa: N806 - a model class
    return (
        Member.objects.filter(pk__in=g.member_ids, cppcc_id=cppcc_id)
        .values_list("pk", flat=True)
        .first()
    )


def acting_seat(
    user,
    *,
    deputy_id: int | None = None,
    member_id: int | None = None,
    congress_id: int | None = None,
    cppcc_id: int | None = None,
    station_id: int | None = None,
    unit_ids: Iterable[int] = (),
    region_code: str = "",
    **_ignored,
) -> Seat:
    g = grants(user)
    congress = f"congress:{congress_id}" if congress_id else ""
    cppcc = f"cppcc:{cppcc_id}" if cppcc_id else ""
    # A seat belongs to its own congress or CPPCC (a city deputy's opinion may be handled by
    # the county where the deputy's station is).
    if deputy_id and deputy_id in g.deputy_ids:
        own = _seat_body("Deputy", deputy_id, "congress")
        return Seat("deputy", deputy_id, str(Role.DEPUTY.label), own)
    if member_id and member_id in g.member_ids:
        return Seat(
            "member", member_id, str(Role.MEMBER.label), _seat_body("Member", member_id, "cppcc")
        )
    units = sorted(g.unit_ids & set(unit_ids))
    if units:
        return Seat(
            Role.UNIT_OFFICER.value, units[0], str(Role.UNIT_OFFICER.label), f"unit:{units[0]}"
        )
    if station_id and station_id in g.station_ids:
        label = str(Role.STATION_MANAGER.label)
        return Seat(Role.STATION_MANAGER.value, station_id, label, f"station:{station_id}")
    if congress_id and congress_id in g.staff_congresses:
        label = str(Role.DEPUTY_AFFAIRS_STAFF.label)
        return Seat(Role.DEPUTY_AFFAIRS_STAFF.value, congress_id, label, congress)
    if cppcc_id and cppcc_id in g.cppcc_staff:
        return Seat(Role.CPPCC_STAFF.value, cppcc_id, str(Role.CPPCC_STAFF.label), cppcc)
    if congress_id and congress_id in g.deputy_congress_ids:
        seat = _deputy_in(g, congress_id)
        if seat:
            return Seat("deputy", seat, str(Role.DEPUTY.label), congress)
    if cppcc_id and cppcc_id in g.member_cppcc_ids:
        seat = _member_in(g, cppcc_id)
        if seat:
            return Seat("member", seat, str(Role.MEMBER.label), cppcc)
    if region_code:
        for code in g.leader_regions:
            if region_code.startswith(code):
                return Seat(Role.LEADER.value, None, str(Role.LEADER.label), f"region:{code}")
    if g.is_admin:
        return Seat(Role.SYSTEM_ADMIN.value, None, str(Role.SYSTEM_ADMIN.label))
    # Nothing about the object names one of the user's seats: the one seat they hold, if one.
    seats = (
        [Seat("deputy", s, str(Role.DEPUTY.label)) for s in g.deputy_ids]
        + [Seat("member", s, str(Role.MEMBER.label)) for s in g.member_ids]
        + [
            Seat(Role.UNIT_OFFICER.value, u, str(Role.UNIT_OFFICER.label), f"unit:{u}")
            for u in g.unit_ids
        ]
        + [
            Seat(Role.STATION_MANAGER.value, s, str(Role.STATION_MANAGER.label), f"station:{s}")
            for s in g.station_ids
        ]
        + [
            Seat(
                Role.DEPUTY_AFFAIRS_STAFF.value,
                c,
                str(Role.DEPUTY_AFFAIRS_STAFF.label),
                f"congress:{c}",
            )
            for c in g.staff_congresses
        ]
        + [
            Seat(Role.CPPCC_STAFF.value, c, str(Role.CPPCC_STAFF.label), f"cppcc:{c}")
            for c in g.cppcc_staff
        ]
    )
    if len(seats) == 1:
        return seats[0]
    return Seat("account")
