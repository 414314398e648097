"""The metrics layer (casework.metrics) and the dashboards (/dashboard/): cells kept current by
the trail and equal to a rebuild, constant queries, exports equal to the page, bad input."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from lianxin.casework.models import METRIC_COUNTS, METRIC_DIMENSIONS, MetricCell
from lianxin.casework.scan import scan_deadlines

from .helpers import advance, client_for, fresh, new_opinion

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def cell_sum(name: str, **where) -> int:
    return MetricCell.objects.filter(**where).aggregate(n=Sum(name))["n"] or 0


def snapshot() -> dict:
    """Every non-empty cell, by its dimensions."""
    out = {}
    for row in MetricCell.objects.values(*METRIC_DIMENSIONS, *METRIC_COUNTS):
        counts = tuple(row[c] for c in METRIC_COUNTS)
        if any(counts):
            out[tuple(row[d] for d in METRIC_DIMENSIONS)] = counts
    return out


def table_of(html: str, table_id: str) -> list[list[str]]:
    """The cells of one table of a page, as text, row by row."""
    block = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", block, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


def test_a_reply_adds_one_to_the_replied_count_of_its_region_and_month_at_once():
    with time_machine.travel(dt.datetime(2026, 4, 1, 10, tzinfo=SHANGHAI), tick=False):
        case = advance(new_opinion("路灯不亮"), "handling")
        where = {
            "kind": "opinion",
            "region_code": case.region.code,
            "month": dt.date(2026, 4, 1),
        }
        before = cell_sum("replied", **where)
        collected = cell_sum("collected", **where)
        advance(case, "replied")
    assert cell_sum("replied", **where) == before + 1
    assert cell_sum("collected", **where) == collected
    assert cell_sum("assigned", unit_id=fresh(case).assignments.get().unit_id, **where) >= 1


def test_the_cells_kept_by_the_trail_equal_a_rebuild():
    with time_machine.travel(dt.datetime(2026, 4, 1, 10, tzinfo=SHANGHAI), tick=False):
        advance(new_opinion("甲"), "evaluated", rating="satisfied")
        advance(new_opinion("乙"), "concluded", rating="dissatisfied")
        advance(new_opinion("丙"), "handling")
    with time_machine.travel(dt.datetime(2026, 5, 6, 10, tzinfo=SHANGHAI), tick=False):
        scan_deadlines()  # 丙 falls overdue: its cell counts it at once
    kept = snapshot()
    assert cell_sum("overdue", kind="opinion", month=dt.date(2026, 4, 1)) >= 1
    out = io.StringIO()
    call_command("rebuild_metrics", stdout=out)
    assert "已统计" in out.getvalue() and "件/秒" in out.getvalue()
    assert snapshot() == kept


def test_the_dashboard_reads_a_constant_number_of_queries():
    client = client_for("jz_staff")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            for by in ("region", "unit", "month"):
                r = client.get("/dashboard/", {"kind": "opinion", "by": by, "region": "1407"})
                assert r.status_code == 200
        return len(ctx.captured_queries)

    client.get("/dashboard/")
    few = count()
    for i in range(30):
        advance(new_opinion(f"大量{i}"), "replied" if i % 2 else "triaged")
    assert count() == few


def test_the_excel_file_is_the_table_on_the_page_cell_for_cell():
    client = client_for("leader_demo")
    params = {"kind": "opinion", "region": "140702", "figure": "satisfaction"}
    page = client.get("/dashboard/", params).content.decode()
    shown = table_of(page, "dashboard-table")
    assert len(shown) > 2 and shown[0][0] == "区划"
    r = client.get("/dashboard/", {**params, "format": "xlsx"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    rows = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
    assert rows[2:] == shown
    pdf = client.get("/dashboard/", {**params, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_special_report_and_the_dashboard_agree_on_satisfaction():
    from lianxin.org.models import Congress
    from lianxin.suggestions import report

    congress = Congress.objects.get(region__code="1407")
    shown = report.build(congress).figure("满意率（含基本满意）")
    client = client_for("jz_staff")
    page = client.get("/dashboard/", {"kind": "suggestion", "region": "1407"}).content.decode()
    total = table_of(page, "dashboard-table")[-1]
    header = table_of(page, "dashboard-table")[0]
    assert shown not in ("", None, "—")
    assert total[header.index("满意率")] == shown


def test_bad_input_gets_a_message_or_a_404_never_a_500():
    client = client_for("leader_demo")
    for params, message in [
        ({"weather": "fine"}, "不支持的筛选条件"),
        ({"from": "2026-05-01", "to": "2026-04-01"}, "截止日期不能早于起始日期"),
        ({"from": "1999-12-31"}, "不能早于 2000 年"),
        ({"from": "2026-02-30"}, "日期格式"),
        ({"by": "weather"}, "分组方式有误"),
        ({"figure": "weather"}, "指标有误"),
        ({"kind": "weather"}, "统计类别有误"),
        ({"format": "doc"}, "格式应为"),
    ]:
        r = client.get("/dashboard/", params)
        assert r.status_code == 422 and message in r.content.decode(), params
    for region in ("1401", "14", "140702999999999", "abc", "9999"):
        assert client.get("/dashboard/", {"region": region}).status_code == 404, region
    assert client_for("deputy_demo").get("/dashboard/").status_code == 403


def test_units_see_their_league_table_and_leaders_a_wall_display():
    page = client_for("unit_demo").get("/dashboard/", {"kind": "opinion"}).content.decode()
    league = table_of(page, "unit-league")
    assert league[0][:3] == ["名次", "承办单位", "已交办"]
    assert any("本单位" in row[1] for row in league[1:])
    wall = client_for("leader_demo").get("/dashboard/", {"wall": "1"}).content.decode()
    assert 'id="wall-refresh"' in wall and 'class="wall' in wall
    network = client_for("leader_demo").get("/dashboard/", {"kind": "network"})
    assert network.status_code == 200 and "接待记录" in network.content.decode()


def test_each_role_sees_only_its_own_cells():
    station = client_for("yc_station").get("/dashboard/", {"kind": "opinion", "by": "station"})
    rows = table_of(station.content.decode(), "dashboard-table")
    assert [r[0] for r in rows[1:-1]] == ["北关街道代表联络站"]
    assert "联络站网络" not in station.content.decode()
    assert client_for("yc_station").get("/dashboard/", {"kind": "network"}).status_code == 422
    assert client_for("tg_staff").get("/dashboard/", {"region": "140702"}).status_code == 404
    mine = client_for("yc_staff").get("/dashboard/", {"kind": "opinion", "region": "140702"})
    assert mine.status_code == 200
    county = table_of(mine.content.decode(), "dashboard-table")
    city = table_of(
        client_for("jz_staff")
        .get("/dashboard/", {"kind": "opinion", "region": "140702"})
        .content.decode(),
        "dashboard-table",
    )
    assert county == city  # the same figures for the county, whoever reads them
