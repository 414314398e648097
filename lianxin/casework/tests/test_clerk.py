"""A county clerk's daily tools on the case list: "mine", the Excel export of exactly the
filtered list, batch triage and assignment (all or nothing), and the printed 交办单."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

import pytest
from django.conf import settings
from openpyxl import load_workbook

from lianxin.casework.models import Assignment, Case, CaseEvent
from lianxin.core.models import AuditLog
from lianxin.liaison.tests.helpers import decode_qr, needs_poppler, pdf_text

from .helpers import advance, category, client_for, fresh, new_opinion, unit, user

pytestmark = pytest.mark.django_db


def codes_in(html: str) -> set[str]:
    return set(re.findall(r'class="muted code">([A-Z0-9]{10})<', html))


def test_mine_lists_only_the_cases_of_the_users_own_seats():
    mine = advance(new_opinion("北关街道顺城街井盖松动，盼修复。"), "handling")  # yc_staff assigns
    other = new_opinion("北关街道另一处路灯不亮，盼修复。")
    client = client_for("yc_staff")
    everything = codes_in(client.get("/cases/", {"q": "北关街道"}).content.decode())
    assert {mine.tracking_code, other.tracking_code} <= everything
    html = client.get("/cases/", {"q": "北关街道", "mine": "1"}).content.decode()
    assert mine.tracking_code in codes_in(html) and other.tracking_code not in codes_in(html)
    assert '<option value="1" selected>与我有关</option>' in html
    # The unit's officer: the cases assigned to the unit are theirs.
    html = client_for("unit_demo").get("/cases/", {"mine": "1"}).content.decode()
    assert mine.tracking_code in codes_in(html)
    # A station manager: the station's cases.
    seen = client_for("yc_station").get("/cases/", {"mine": "1", "q": "北关街道"})
    assert seen.status_code == 200


def test_the_export_holds_exactly_the_filtered_list_with_phones_masked():
    cases = [new_opinion(f"导出测试第{i}件：小区门口积水。") for i in range(3)]
    new_opinion("与导出无关的一件：公交站牌缺失。")
    client = client_for("yc_staff")
    page = client.get("/cases/", {"q": "导出测试"}).content.decode()
    assert 'href="/cases/export.xlsx?q=' in page
    listed = codes_in(page)
    assert listed == {c.tracking_code for c in cases}
    response = client.get("/cases/export.xlsx", {"q": "导出测试"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == listed and len(rows) == 3
    phone = ws.cell(row=1, column=9).value
    assert phone == "联系电话"
    assert all(r[8] == "138****5678" for r in rows)
    assert "13812345678" not in response.content.decode("latin-1")
    assert AuditLog.objects.filter(kind=AuditLog.Kind.EXPORTED, target="cases").exists()
    assert client.get("/cases/export.xlsx", {"region": "xx"}).status_code == 422


def test_batch_assignment_is_all_or_nothing_and_says_which_case_and_why():
    staff = client_for("yc_staff")
    ready = [advance(new_opinion(f"批量交办第{i}件：道路破损。"), "triaged") for i in range(3)]
    untriaged = new_opinion("批量交办：还未梳理的一件。")
    ids = [c.pk for c in [*ready, untriaged]]
    form = staff.get("/cases/batch/assign/", {"ids": ids})
    assert form.status_code == 200 and untriaged.tracking_code in form.content.decode()
    lead = unit()
    refused = staff.post("/cases/batch/assign/", {"ids": ids, "lead_unit": lead.pk})
    assert refused.status_code == 409
    text = refused.content.decode()
    assert untriaged.tracking_code in text and "本批未作任何办理" in text
    assert not Assignment.objects.filter(case_id__in=ids).exists()
    assert all(fresh(c).state == "triaged" for c in ready)

    done = staff.post(
        "/cases/batch/assign/",
        {"ids": [c.pk for c in ready], "lead_unit": lead.pk, "back": "/cases/?q=批量交办"},
    )
    assert done.status_code == 302 and unquote(done["Location"]) == "/cases/?q=批量交办"
    for c in ready:
        assert fresh(c).state == "handling"
        event = CaseEvent.objects.get(case=c, action="assign")
        assert event.trail_id is not None and event.actor == user("yc_staff")


def test_batch_triage_from_the_page_gives_each_case_its_own_event():
    staff = client_for("yc_staff")
    cases = [new_opinion(f"批量梳理第{i}件：噪音扰民。") for i in range(2)]
    response = staff.post(
        "/cases/batch/triage/", {"ids": [c.pk for c in cases], "category": category().pk}
    )
    assert response.status_code == 302
    assert CaseEvent.objects.filter(case__in=cases, action="triage").count() == 2
    # Nothing ticked, or a case the user may not see: said on the page, nothing done.
    assert staff.post("/cases/batch/triage/", {"category": category().pk}).status_code == 422
    assert staff.get("/cases/batch/burn/").status_code == 404


def test_the_batch_api_refuses_with_code_and_message_and_changes_nothing(api):
    triaged = advance(new_opinion("接口批量：已梳理。"), "triaged")
    fresh_one = new_opinion("接口批量：未梳理。")
    client = api.as_user("yc_staff")
    r = client.post(
        "/api/v1/cases/batch/assign", {"ids": [triaged.pk, fresh_one.pk], "lead_unit": "JZ-JTYSJ"}
    )
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "batch_refused" and fresh_one.tracking_code in body["message"]
    assert fresh(triaged).state == "triaged"
    r = client.post("/api/v1/cases/batch/triage", {"ids": [fresh_one.pk], "category": "transport"})
    assert r.status_code == 200 and r.json()["done"] == 1
    r = client.post("/api/v1/cases/batch/triage", {"ids": [], "category": "transport"})
    assert r.status_code == 422 and r.json()["code"] == "invalid"
    for too_big in (2**63, 2**70, -1):  # no such case, not a server error
        r = client.post("/api/v1/cases/batch/triage", {"ids": [too_big], "category": "transport"})
        assert r.status_code == 422 and "不存在" in r.json()["message"], too_big
    outsider = Case.objects.exclude(congress__region__code__startswith="140702").first()
    if outsider is not None:
        r = client.post(
            "/api/v1/cases/batch/triage", {"ids": [outsider.pk], "category": "transport"}
        )
        assert r.status_code == 422


@needs_poppler
def test_the_assignment_letter_carries_the_case_the_unit_and_its_qr_code():
    case = new_opinion("顺城街人行道砖块松动，老人易绊倒。", place="顺城街 12 号")
    staff = client_for("yc_staff")
    assert staff.get(f"/cases/{case.pk}/letter.pdf").status_code == 409
    advance(case, "handling")
    page = staff.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/letter.pdf"' in page
    from lianxin.core.models import AuditLog

    response = client_for("unit_demo").get(f"/cases/{case.pk}/letter.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    # The letter carries the citizen's name: its printing is an audited export.
    entry = AuditLog.objects.filter(kind=AuditLog.Kind.EXPORTED).latest("id")
    assert (entry.username, entry.target, entry.detail) == (
        "unit_demo",
        f"case:{case.pk}",
        {"format": "sheet"},
    )
    text = pdf_text(response.content)
    due = fresh(case).due_date
    for expected in [
        "交办单",
        case.tracking_code,
        "人行道砖块松动",
        "顺城街 12 号",
        "138****5678",
        unit().name,
        "主办",
        f"{due.year}年{due.month}月{due.day}日",
        "榆次区",
    ]:
        assert expected in text, expected
    assert "13812345678" not in text
    url = settings.LIANXIN_PUBLIC_BASE_URL + f"/cases/{case.pk}/"
    assert decode_qr(response.content) == [url]


@needs_poppler
def test_the_referral_letter_is_the_office_s_letter_with_the_case_attached():
    case = new_opinion("顺城街人行道砖块松动，老人易绊倒。", place="顺城街 12 号")
    staff = client_for("yc_staff")
    assert staff.get(f"/cases/{case.pk}/referral.pdf").status_code == 409
    advance(case, "handling")
    page = staff.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/referral.pdf"' in page
    response = client_for("unit_demo").get(f"/cases/{case.pk}/referral.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "referral-" in unquote(response["Content-Disposition"])
    text = "".join(pdf_text(response.content).split())  # lines break anywhere in a paragraph
    due = fresh(case).due_date
    for expected in [
        "转办函",
        f"{unit().name}：",
        "转你单位主办",
        f"于{due.year}年{due.month}月{due.day}日前将办理结果答复反映人",
        "附件：群众意见",
        "人行道砖块松动",
        "138****5678",
    ]:
        assert expected in text, expected
    assert "13812345678" not in text
    assert decode_qr(response.content) == [settings.LIANXIN_PUBLIC_BASE_URL + f"/cases/{case.pk}/"]
