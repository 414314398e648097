"""The three logs, generated from the data and read back from the Excel and PDF files."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from lianxin.casework.tests.helpers import advance, demo_seat, new_opinion, station, user
from lianxin.core.models import AuditLog

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
PERIOD = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def march_cases(db):
    with time_machine.travel(dt.datetime(2026, 3, 3, 10, tzinfo=SHANGHAI), tick=False):
        a = advance(
            new_opinion("顺城街路灯不亮。", contact_name="赵群众", contact_phone="13812345678"),
            "evaluated",
            rating="satisfied",
        )
        b = advance(
            new_opinion("北关菜市场占道。", contact_name="钱群众", contact_phone="13900001111"),
            "triaged",
        )
        c = new_opinion("匿名反映噪音扰民。", is_anonymous=True)
    return a, b, c


def log(api, username, kind, fmt="json", **params):
    query = {**PERIOD, **params, "format": fmt}
    return api.as_user(username).get(f"/api/v1/logs/{kind}", query)


def test_the_contact_log_lists_every_contact_of_the_deputy_with_phones_masked(api, march_cases):
    a, b, c = march_cases
    r = log(api, "yc_staff", "contact", deputy=demo_seat().pk)
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["title"] == "联系和接待走访群众记录簿"
    assert body["subject"] == "代表 连心代表"
    codes = [row[-1] for row in body["rows"]]
    assert {a.tracking_code, b.tracking_code, c.tracking_code} <= set(codes)
    row = next(r for r in body["rows"] if r[-1] == a.tracking_code)
    assert row[1] == "2026-03-03" and row[5] == "赵群众" and row[6] == "138****5678"
    anon = next(r for r in body["rows"] if r[-1] == c.tracking_code)
    assert anon[5] == "匿名" and anon[6] == ""
    assert "13812345678" not in str(body)


def test_the_suggestion_log_lists_what_was_taken_up_and_how_it_was_handled(api, march_cases):
    a, b, c = march_cases
    body = log(api, "yc_staff", "suggestion", station=station().pk).json()
    titles = {row[3]: row for row in body["rows"]}
    assert "顺城街路灯不亮。" in titles and "北关菜市场占道。" in titles
    assert "匿名反映噪音扰民。" not in titles  # registered only, not yet taken up
    assert titles["顺城街路灯不亮。"][5] == "交办：晋中市交通运输局主办"
    assert titles["北关菜市场占道。"][5] == "待处理"


def test_the_feedback_log_lists_each_feedback_with_result_and_rating(api, march_cases):
    a, _, _ = march_cases
    body = log(api, "yc_staff", "feedback", region="140702").json()
    row = next(r for r in body["rows"] if r[4] == a.display_title)
    assert row[2] == "赵群众" and row[3] == "138****5678"
    assert row[5] == "已安排维修，三日内修复。" and row[6] == "路灯已修复，请您评价。"
    assert row[9] == "满意"


def test_the_logs_export_to_excel_and_read_back(api, march_cases):
    a, _, _ = march_cases
    r = log(api, "yc_staff", "contact", "xlsx", deputy=demo_seat().pk)
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    # The Chinese file name arrives whole, percent-encoded as RFC 6266 says (filename*).
    disposition = r["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    name = unquote(disposition.split("''", 1)[1])
    assert name.startswith("联系和接待走访群众记录簿-") and name.endswith(".xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "联系和接待走访群众记录簿"
    assert values[2][:3] == ["序号", "日期", "方式"]
    flat = [str(v) for row in values for v in row if v is not None]
    assert a.tracking_code in flat and "赵群众" in flat and "138****5678" in flat
    assert "13812345678" not in "".join(flat)


def test_the_logs_export_to_a_pdf_with_chinese_text(api, march_cases):
    r = log(api, "yc_staff", "feedback", "pdf", deputy=demo_seat().pk)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(r.content))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    for expected in ("反馈群众意见和诉求情况记录簿", "连心代表", "赵群众", "满意", "138****5678"):
        assert expected in text, expected
    fonts = {
        str(f.get("/BaseFont"))
        for page in reader.pages
        for f in (page["/Resources"].get("/Font") or {}).values()
        for f in [f.get_object()]
    }
    assert any("NotoSansCJK" in name or "Noto" in name for name in fonts), fonts


def test_every_export_is_written_to_the_security_trail(api, march_cases):
    before = AuditLog.objects.filter(kind=AuditLog.Kind.EXPORTED).count()
    log(api, "yc_staff", "suggestion", "xlsx", deputy=demo_seat().pk)
    log(api, "yc_staff", "suggestion", "pdf", deputy=demo_seat().pk)
    log(api, "yc_staff", "suggestion", "json", deputy=demo_seat().pk)
    rows = AuditLog.objects.filter(kind=AuditLog.Kind.EXPORTED).order_by("-at", "-id")[:2]
    assert AuditLog.objects.filter(kind=AuditLog.Kind.EXPORTED).count() == before + 2
    assert {r.detail["format"] for r in rows} == {"xlsx", "pdf"}
    assert all(r.username == "yc_staff" and r.target.startswith("log:suggestion") for r in rows)


def test_the_logs_follow_the_access_rules(api, march_cases):
    deputy = demo_seat().pk
    assert log(api, "deputy_demo", "contact", deputy=deputy).status_code == 200
    assert log(api, "yc_station", "contact", station=station().pk).status_code == 200
    assert log(api, "jz_staff", "contact", region="140702").status_code == 200
    assert log(api, "tg_staff", "contact", deputy=deputy).status_code == 404
    assert log(api, "tg_staff", "contact", region="140702").status_code == 403
    assert log(api, "unit_demo", "contact", station=station().pk).status_code == 404
    # tg_staff's own region has none of these opinions.
    rows = log(api, "tg_staff", "contact", region="140703").json()["rows"]
    assert not any(r[-1] == march_cases[0].tracking_code for r in rows)


def test_bad_log_requests_are_refused(api, march_cases):
    deputy = demo_seat().pk
    assert api.as_user("yc_staff").get("/api/v1/logs/diary", {"deputy": deputy}).status_code == 404
    assert log(api, "yc_staff", "contact").status_code == 422  # no subject
    assert log(api, "yc_staff", "contact", deputy=deputy, station=station().pk).status_code == 422
    assert log(api, "yc_staff", "contact", "doc", deputy=deputy).status_code == 422
    r = api.as_user("yc_staff").get(
        "/api/v1/logs/contact", {"deputy": deputy, "from": "2026-04-01", "to": "2026-03-01"}
    )
    assert r.status_code == 422
    assert api.anon().get("/api/v1/logs/contact", {"deputy": deputy}).status_code == 401


def test_the_logs_page_shows_the_table_and_links_the_files(client, march_cases):
    client.force_login(user("yc_staff"))
    r = client.get(
        "/logs/",
        {"kind": "contact", "deputy": demo_seat().pk, "start": "2026-03-01", "end": "2026-03-31"},
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert march_cases[0].tracking_code in html and "138****5678" in html
    assert "format=xlsx" in html and "format=pdf" in html
    export = client.get(
        "/logs/export/",
        {
            "kind": "contact",
            "deputy": demo_seat().pk,
            "start": "2026-03-01",
            "end": "2026-03-31",
            "format": "xlsx",
        },
    )
    assert export.status_code == 200
    ws = load_workbook(io.BytesIO(export.getvalue())).active
    assert ws["A1"].value == "联系和接待走访群众记录簿"


def test_every_deputy_in_scope_may_be_chosen_and_one_outside_is_said_so(db):
    from django.test import Client

    from lianxin.accounts.access import visible_to
    from lianxin.org.models import Deputy

    for username in ("yc_staff", "leader_demo"):
        client = Client()
        client.force_login(user(username))
        page = client.get("/logs/").content.decode()
        # Chosen by name from a list with a filter box (lianxin.core.widgets.PickOne).
        picker = page.split('id="id_deputy_picker"', 1)[1].split('id="id_station_picker"')[0]
        assert 'class="picklist-filter"' in picker and "（不限）" in picker
        listed = set(re.findall(r'name="deputy" value="(\d+)"', picker))
        in_scope = {
            str(pk) for pk in visible_to(user(username), Deputy).values_list("pk", flat=True)
        }
        assert len(in_scope) > 5 and in_scope <= listed, username
    other = Deputy.objects.exclude(pk__in=visible_to(user("yc_staff"), Deputy).values("pk")).first()
    client = Client()
    client.force_login(user("yc_staff"))
    r = client.get("/logs/", {"kind": "contact", "deputy": other.pk})
    assert r.status_code == 422 and "不在您可查看的范围内" in r.content.decode()


PLACES = ["顺城街社区", "北关街道新华街", "锦纶路", "汇通路与蕴华街交口", "安宁小区"]
PROBLEMS = [
    "路灯已经坏了半个月，晚上出行不安全，希望尽快维修",
    "公交站台没有遮阳棚，老人等车不方便，希望增设候车亭",
    "夜间施工噪音扰民，希望加强夜间施工管理",
    "老旧小区加装电梯审批程序复杂，希望简化审批",
    "菜市场周边占道经营严重，早晚高峰车辆和行人都过不去，希望规范摊点并加强巡查",
]


@pytest.fixture
def fifty_contacts(db):
    """A deputy's month of 50 contacts, as the demo writes them: a place and a problem, a
    name, a mobile phone, by scan, at the station desk or collected by the deputy."""
    cases = []
    for i in range(50):
        with time_machine.travel(
            dt.datetime(2026, 4, 1 + i * 29 // 50, 9 + i % 8, tzinfo=SHANGHAI), tick=False
        ):
            place, problem = PLACES[i % 5], PROBLEMS[i * 3 % 5]
            cases.append(
                new_opinion(
                    f"{place}{problem}。",
                    title=f"{place}{problem[:10]}",
                    contact_name="王李张刘陈"[i % 5] + ["建国", "秀英", "海燕"][i % 3],
                    contact_phone=f"139{i:04d}{5678 + i:04d}",
                    channel=["scan", "station_desk", "deputy_upload"][i % 3],
                    station=station() if i % 3 == 1 else None,
                )
            )
    return cases


def test_the_contact_log_prints_landscape_with_whole_phones_and_codes_and_many_rows_a_page(
    api, fifty_contacts
):
    r = log(
        api,
        "yc_staff",
        "contact",
        "pdf",
        deputy=demo_seat().pk,
        **{"from": "2026-04-01"},
        to="2026-04-30",
    )
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(r.content)).pages
    # A wide table: every page is A4 landscape.
    for page in pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (842, 595)
    texts = [page.extract_text() for page in pages]
    lines = [line for text in texts for line in text.splitlines()]
    # Phones, codes, names and dates are never broken across lines.
    for case in fifty_contacts:
        phone = f"{case.contact_phone[:3]}****{case.contact_phone[-4:]}"
        assert any(phone in line for line in lines), phone
        assert any(case.tracking_code in line for line in lines), case.tracking_code
        assert any(case.contact_name in line for line in lines), case.contact_name
    assert any("2026-04-01" in line for line in lines)
    # The header row is repeated on every page, and 50 rows fit on a few pages.
    for text in texts:
        assert "序号" in text and "联系电话" in text and "查询码" in text
    per_page = [sum(c.tracking_code in text for c in fifty_contacts) for text in texts]
    assert sum(per_page) == 50
    assert len(pages) <= 4 and min(per_page[:-1] or per_page) >= 15, per_page
