"""The CPPCC's figures of a year: every figure checked against the cases themselves after the
real actions moved proposals through registration, decline, reply and both evaluations, and a
sentiment report through adoption and instruction; the page, the Excel file (read back) and the
PDF agree; another CPPCC's staff and a unit cannot open it."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from lianxin.casework import metrics
from lianxin.casework.models import Case, Evaluation, Kind
from lianxin.sentiment.models import ReportState, SentimentReport
from lianxin.sentiment.tests import helpers as sentiment_helpers

from .. import figures
from .helpers import advance, new_proposal, other_cppcc, seat, user

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    c = Client()
    c.force_login(user(username))
    return c


@pytest.fixture
def world():
    from .. import actions

    done = advance(new_proposal("关于完善城区慢行交通系统的提案", co=("member_b",)), "concluded")
    actions.do_rate_proposal(done, quality="excellent", acting_user=user("unit_demo"))
    advance(new_proposal("关于加强老旧小区电梯加装的提案"), "replied", co=())
    advance(new_proposal("关于规范校外培训机构的提案"), "registered", co=())
    report = sentiment_helpers.advance(sentiment_helpers.new_report(), "instructed")
    cppcc = seat("member_demo").cppcc
    return cppcc, report


def test_every_figure_agrees_with_the_cases(world):
    cppcc, report = world
    year = timezone.localdate().year
    data = figures.build(cppcc, year)
    cases = Case.objects.filter(kind=Kind.PROPOSAL, cppcc=cppcc, created_at__year=year).exclude(
        state__in=["draft", "withdrawn"]
    )
    states = list(cases.values_list("state", flat=True))
    assert data.figure("提交提案") == len(states) >= 3
    registered = [s for s in states if s not in ("submitted", "declined", "merged")]
    assert data.figure("立案") == len(registered)
    answered = [s for s in states if s in ("replied", "evaluated", "concluded")]
    assert data.figure("已答复") == len(answered) >= 2
    assert data.figure("已办结") == states.count("concluded") >= 1
    # Satisfaction is the metrics layer's: rated satisfied or basically / rated.
    rated = cases.exclude(rating="")
    good = rated.filter(rating__in=metrics.SATISFIED).count()
    expected = f"{round(100 * good / rated.count(), 1)}%" if rated.count() else "—"
    assert data.figure("满意率") == expected
    # The units' quality ratings of the proposals (the other direction of 双向评议).
    quality = {row[0]: row[1] for row in data.section("quality").rows}
    given = Evaluation.objects.filter(case__in=cases, direction="submission")
    assert sum(quality.values()) == given.values("case").distinct().count() >= 1
    # The sentiment reports of the year, contributed by lianxin.sentiment.
    reports = SentimentReport.objects.filter(cppcc=cppcc, submitted_at__year=year).exclude(
        state="draft"
    )
    assert data.figure("报送社情民意信息") == reports.count() >= 1
    assert (
        data.figure("被采用")
        == reports.filter(state__in=[ReportState.ADOPTED, ReportState.INSTRUCTED]).count()
        >= 1
    )
    assert data.figure("获领导批示") >= 1
    # By sector: the sums are the totals.
    sectors = data.section("sector").rows
    assert sum(r[1] for r in sectors) == data.figure("提交提案")


def test_the_page_the_excel_and_the_pdf_show_the_same_figures(world):
    cppcc, _report = world
    staff = _client("cppcc_staff")
    page = staff.get("/proposals/figures/")
    assert page.status_code == 200
    body = page.content.decode()
    data = figures.build(cppcc, timezone.localdate().year)
    for label, value in data.figures:
        assert f"<b>{value}</b><span>{label}</span>" in body
    xlsx = staff.get("/proposals/figures/", {"cppcc": cppcc.pk, "format": "xlsx"})
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    rows = {r[0]: r[1] for r in wb["总体情况"].iter_rows(min_row=6, values_only=True) if r[0]}
    assert rows == {label: value for label, value in data.figures}
    assert "按界别" in wb.sheetnames and "社情民意信息（按界别）" in wb.sheetnames
    pdf = staff.get("/proposals/figures/", {"cppcc": cppcc.pk, "format": "pdf"})
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "提交提案" in text and "报送社情民意信息" in text
    # The page lists the figures for the staff; a member, a unit and another CPPCC cannot.
    assert "提案统计" in staff.get("/proposals/").content.decode()
    for username in ("member_demo", "unit_demo"):
        assert _client(username).get("/proposals/figures/").status_code == 403
    other_cppcc()
    yc = _client("yc_cppcc_staff")
    r = yc.get("/proposals/figures/", {"cppcc": cppcc.pk})
    # Another CPPCC's staff get their own CPPCC's figures, never the city's.
    assert r.status_code == 200 and "晋中市榆次区委员会" in r.content.decode()
    assert data.title not in r.content.decode()


def test_results_carried_out_and_excellent_proposals(world):
    """The office records the reply's adoption into the livelihood projects with its document,
    selects the proposal as excellent, and both show on the proposal and in the figures; a
    member cannot do either, and a proposal not yet replied cannot."""
    import datetime as dt

    from lianxin.core.errors import Forbidden, ValidationFailed

    from .. import actions
    from ..models import ProposalResult

    cppcc, _report = world
    replied = Case.objects.get(title="关于加强老旧小区电梯加装的提案")
    staff = user("cppcc_staff")
    with pytest.raises(ValidationFailed):
        actions.do_record_result_proposal(
            replied, kind="livelihood", document="", issued_on="2026-03-01", acting_user=staff
        )
    with pytest.raises(ValidationFailed):
        actions.do_record_result_proposal(
            replied,
            kind="livelihood",
            document="x",
            issued_on=timezone.localdate() + dt.timedelta(days=3),
            acting_user=staff,
        )
    with pytest.raises(Forbidden):
        actions.do_record_result_proposal(
            replied,
            kind="plan",
            document="x",
            issued_on="2026-03-01",
            acting_user=user("member_demo"),
        )
    assert not ProposalResult.objects.exists()
    # Through the page, as the office does it.
    page = _client("cppcc_staff")
    r = page.post(
        f"/proposals/{replied.pk}/actions/record_result/",
        {
            "kind": "livelihood",
            "document": "晋中市2026年民生实事项目清单",
            "number": "市政办发〔2026〕3号",
            "issued_on": "2026-02-20",
            "version": replied.version,
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    replied.refresh_from_db()
    # Through the API, the excellent selection.
    from lianxin.conftest import ApiClient

    api = ApiClient().as_user("cppcc_staff")
    r = api.post(
        f"/api/v1/cases/{replied.pk}/actions/select_excellent",
        {"excellent": True, "note": "建议具体可行，已纳入民生实事", "version": replied.version},
    )
    assert r.status_code == 200, r.content
    assert r.json()["excellent_year"] == timezone.localdate().year
    assert r.json()["results"][0]["document"] == "晋中市2026年民生实事项目清单"
    again = api.post(
        f"/api/v1/cases/{replied.pk}/actions/select_excellent",
        {"excellent": True, "version": r.json()["version"]},
    )
    assert again.status_code == 422 and again.json()["code"] == "already_excellent"
    body = _client("member_demo").get(f"/proposals/{replied.pk}/").content.decode()
    assert "晋中市2026年民生实事项目清单" in body and "市政办发〔2026〕3号" in body
    assert f"{timezone.localdate().year} 年度优秀提案" in body
    data = figures.build(cppcc, timezone.localdate().year)
    assert data.figure("成果转化") == 1 and data.figure("优秀提案") == 1
    # Not before the reply.
    registered = Case.objects.get(title="关于规范校外培训机构的提案")
    r = api.post(
        f"/api/v1/cases/{registered.pk}/actions/record_result",
        {"kind": "plan", "document": "x", "issued_on": "2026-01-01", "version": registered.version},
    )
    assert r.status_code == 409
