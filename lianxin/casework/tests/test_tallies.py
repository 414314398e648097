"""The figures of other records in the metrics layer (casework.tallies): receptions, people
received, leading cadres' receptions and duty points, kept current by the trail, equal to a
rebuild and to counts computed directly from the records, and shown on the network tab."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from lianxin.casework import tallies
from lianxin.casework.models import TALLY_DIMENSIONS, TallyCell
from lianxin.core import dates

from .helpers import client_for, user

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        tuple(row[d] for d in TALLY_DIMENSIONS): row["n"]
        for row in TallyCell.objects.values(*TALLY_DIMENSIONS, "n")
        if row["n"]
    }


def total(figure: str, **where) -> int:
    return tallies.totals(tallies.cells([figure], **where)).get(figure, 0)


def table_of(html: str, table_id: str) -> list[list[str]]:
    block = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", block, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


def _record(**extra):
    from lianxin.liaison.actions import do_record_reception
    from lianxin.liaison.models import Station

    staff = user("yc_station")
    station = Station.objects.get(pk=staff.roles.get().station_id)
    members = list(station.memberships.values_list("deputy_id", flat=True))
    args = {
        "date": dates.today(),
        "subject": "小区停车难",
        "content": "居民反映小区停车位不足。",
        "deputy_ids": members[:1],
        "visitor_count": 3,
        "acting_user": staff,
        **extra,
    }
    return do_record_reception(station, **args)


def test_the_cells_equal_the_records_counted_directly_and_a_rebuild():
    from lianxin.duty.models import DutyEntry
    from lianxin.liaison.models import ReceptionRecord

    call_command("rebuild_metrics", stdout=io.StringIO())
    before = snapshot()
    _record()
    _record(visitor_count=7)
    # The trail kept the cells current; a rebuild from the records gives the same cells.
    kept = snapshot()
    assert kept != before
    call_command("rebuild_metrics", stdout=io.StringIO())
    assert snapshot() == kept
    records = ReceptionRecord.objects.aggregate(n=Count("pk"), people=Sum("visitor_count"))
    assert total("receptions") == records["n"] > 0
    assert total("received") == records["people"]
    leaders = (
        ReceptionRecord.objects.filter(deputies__person__is_leading_cadre=True).distinct().count()
    )
    assert total("leader_receptions") == leaders
    assert total("duty_points") == DutyEntry.objects.aggregate(n=Sum("points"))["n"]
    # By deputy: each receiving deputy counts the record once.
    shares = tallies.grouped(tallies.cells(["receptions"], by_deputy=True), "deputy")
    direct = dict(
        ReceptionRecord.deputies.through.objects.values("deputy_id")
        .annotate(n=Count("receptionrecord_id"))
        .values_list("deputy_id", "n")
    )
    assert {d: f["receptions"] for d, f in shares.items()} == direct


def test_a_reception_moves_its_station_month_and_deputy_at_once():
    record = _record(visitor_count=4)
    deputy = record.deputies.get().pk
    month = record.date.replace(day=1)
    where = {"station_id": record.station_id, "month": month}
    before = total("received", where=where)
    deputy_before = total("receptions", by_deputy=True, where={"deputy_id": deputy, **where})
    _record(visitor_count=5)
    assert total("received", where=where) == before + 5
    assert (
        total("receptions", by_deputy=True, where={"deputy_id": deputy, **where})
        == deputy_before + 1
    )
    # A deleted record leaves the cells.
    record.delete()
    assert total("received", where=where) == before + 1


def test_a_leading_cadres_reception_is_counted_by_quarter():
    from lianxin.org.models import Deputy

    record = _record()
    seat = Deputy.objects.get(pk=record.deputies.get().pk)
    before = total("leader_receptions")
    person = seat.person
    person.is_leading_cadre = True
    person.save(update_fields=["is_leading_cadre"])
    _record()
    assert total("leader_receptions") == before + 1
    today = dates.today()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    by_quarter = tallies.grouped(tallies.cells(["leader_receptions"]), "quarter")
    assert by_quarter[quarter]["leader_receptions"] >= 1


def test_duty_points_follow_the_duty_record_through_the_trail():
    from lianxin.duty.models import DutyEntry

    record = _record()
    seat = record.deputies.get().pk
    points = DutyEntry.objects.filter(deputy_id=seat, date__year=record.date.year).aggregate(
        n=Sum("points")
    )["n"]
    assert points
    got = total("duty_points", by_deputy=True, where={"deputy_id": seat})
    assert got == DutyEntry.objects.filter(deputy_id=seat).aggregate(n=Sum("points"))["n"]
    by_congress = tallies.grouped(tallies.cells(["duty_points"]), "congress")
    direct = dict(
        DutyEntry.objects.values("deputy__congress_id")
        .annotate(n=Sum("points"))
        .values_list("deputy__congress_id", "n")
    )
    assert {k: v["duty_points"] for k, v in by_congress.items()} == {
        k: v for k, v in direct.items() if v
    }


def test_the_network_tab_shows_the_tallies_with_their_definitions():
    from lianxin.liaison.models import ReceptionRecord

    call_command("rebuild_metrics", "--if-empty", stdout=io.StringIO())
    _record(visitor_count=2)
    client = client_for("leader_demo")
    page = client.get("/dashboard/", {"kind": "network"}).content.decode()
    rows = table_of(page, "dashboard-table")
    header = rows[0]
    assert header[:6] == ["区划", "联络站", "接待记录", "接待群众人次", "领导干部接待", "履职积分"]
    totals = rows[-1]
    assert int(totals[2]) == ReceptionRecord.objects.count()
    assert int(totals[3]) == ReceptionRecord.objects.aggregate(n=Sum("visitor_count"))["n"]
    assert "来访群众人数之和" in page and "按季度统计即领导干部季度接待" in page
    quarterly = client.get(
        "/dashboard/", {"kind": "network", "by": "quarter", "figure": "leader_receptions"}
    )
    assert quarterly.status_code == 200
    rows = table_of(quarterly.content.decode(), "dashboard-table")
    assert rows[0][0] == "季度" and all(re.fullmatch(r"\d{4}-Q[1-4]", r[0]) for r in rows[1:-1])
    bad = client.get("/dashboard/", {"kind": "network", "by": "unit"})
    assert bad.status_code == 422 and "分组方式有误" in bad.content.decode()
    # The Excel file holds what the page shows.
    from openpyxl import load_workbook

    xlsx = client.get("/dashboard/", {"kind": "network", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert any(row[0] == "合计" and row[2] == int(totals[2]) for row in values)


def test_a_month_outside_the_period_is_not_counted():
    record = _record()
    start = record.date.replace(day=1) + dt.timedelta(days=40)
    assert total("receptions", start=start.replace(day=1)) == 0
