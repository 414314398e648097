"""The satisfaction survey of key-supervision suggestions: the office opens a round, the lead
sponsor and the confirmed co-sponsors each answer (and may change it until it closes), the
office closes it, and the result is in the special report's key-supervision part (page, Excel,
PDF, read back)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from lianxin.casework.models import SurveyAnswer, SurveyRound
from lianxin.casework.tests.helpers import client_for
from lianxin.core.errors import Conflict, Forbidden, ValidationFailed
from lianxin.notifications.models import Notification

from .. import actions
from .helpers import advance, city, fresh, new_suggestion, user

pytestmark = pytest.mark.django_db


def key_suggestion(title: str = "重点督办测评用建议", state: str = "handling"):
    case = advance(new_suggestion(title, co=("deputy_b",)), state)
    actions.do_key_supervise(
        case, note="列为重点督办。", leader="王副主任", acting_user=user("jz_staff")
    )
    return fresh(case)


def test_a_round_asks_the_deputies_concerned_who_answer_once_each_until_it_closes(
    django_capture_on_commit_callbacks,
):
    case = key_suggestion()
    staff, demo, b = user("jz_staff"), user("deputy_demo"), user("deputy_b")
    with django_capture_on_commit_callbacks(execute=True):
        survey = actions.do_open_survey(case, note="请评价办理进展。", acting_user=staff)
    asked = set(survey.answers.values_list("deputy__person__name", flat=True))
    assert asked == {"连心代表", "晋联代表"}
    told = set(
        Notification.objects.filter(verb="survey").values_list("recipient__username", flat=True)
    )
    assert told == {"deputy_demo", "deputy_b"}
    assert Notification.objects.filter(verb="survey").first().url == (
        f"/suggestions/{case.pk}/do/answer_survey/"
    )
    with pytest.raises(Conflict):  # one open round at a time
        actions.do_open_survey(fresh(case), acting_user=staff)

    actions.do_answer_survey(fresh(case), rating="satisfied", comment="进展快。", acting_user=b)
    actions.do_answer_survey(fresh(case), rating="basically_satisfied", acting_user=demo)
    actions.do_answer_survey(fresh(case), rating="dissatisfied", comment="改主意", acting_user=demo)
    answers = {a.deputy.person.name: a for a in SurveyAnswer.objects.filter(round=survey)}
    assert answers["连心代表"].rating == "dissatisfied"
    assert answers["连心代表"].comment == "改主意"
    assert SurveyAnswer.objects.filter(round=survey).count() == 2
    for outsider in ("deputy_c", "unit_demo", "jz_staff"):
        with pytest.raises((Forbidden, Conflict)):
            actions.do_answer_survey(fresh(case), rating="satisfied", acting_user=user(outsider))
    with pytest.raises(ValidationFailed) as exc:
        actions.do_answer_survey(fresh(case), rating="good", acting_user=demo)
    assert exc.value.field == "rating"
    with pytest.raises(Forbidden):  # a deputy does not close the round
        actions.do_close_survey(fresh(case), acting_user=demo)

    actions.do_close_survey(fresh(case), acting_user=staff)
    closed = fresh(case).events.get(action="close_survey")
    assert closed.data == {
        "round": 1,
        "asked": 2,
        "answered": 2,
        "satisfied": 1,
        "basically_satisfied": 0,
        "dissatisfied": 1,
    }
    with pytest.raises(Conflict) as exc:
        actions.do_answer_survey(fresh(case), rating="satisfied", acting_user=b)
    assert exc.value.code == "invalid_transition"
    assert actions.do_open_survey(fresh(case), acting_user=staff).number == 2


def test_only_key_supervision_suggestions_are_surveyed():
    case = advance(new_suggestion("非重点督办建议"), "handling")
    with pytest.raises(Conflict) as exc:
        actions.do_open_survey(case, acting_user=user("jz_staff"))
    assert exc.value.code == "invalid_transition"
    assert not SurveyRound.objects.filter(case=case).exists()


def test_the_survey_over_the_api(api):
    case = key_suggestion()
    staff, demo, b = api.as_user("jz_staff"), api.as_user("deputy_demo"), api.as_user("deputy_b")
    path = f"/api/v1/cases/{case.pk}/actions"
    assert "open_survey" in {
        a["action"] for a in staff.get(f"/api/v1/suggestions/{case.pk}").json()["available_actions"]
    }
    assert b.post(f"{path}/answer_survey", {"rating": "satisfied"}).json()["code"] == (
        "invalid_transition"
    )
    r = staff.post(f"{path}/open_survey", {"note": "请评价。"})
    assert r.status_code == 200, r.json()
    assert r.json()["surveys"][0]["asked"] == 2
    detail = b.get(f"/api/v1/suggestions/{case.pk}").json()
    assert "answer_survey" in {a["action"] for a in detail["available_actions"]}

    r = b.post(f"{path}/answer_survey", {"rating": "很好"})
    assert r.status_code == 422 and r.json()["message"] == "请选择满意、基本满意或不满意。"
    assert not SurveyAnswer.objects.filter(round__case=case).exclude(rating="").exists()
    assert (
        api.as_user("deputy_c").post(f"{path}/answer_survey", {"rating": "satisfied"}).status_code
        == 404
    )
    assert (
        api.as_user("unit_demo").post(f"{path}/answer_survey", {"rating": "satisfied"}).status_code
        == 403
    )

    r = b.post(f"{path}/answer_survey", {"rating": "satisfied", "comment": "满意。"})
    assert r.status_code == 200, r.json()
    mine = r.json()["surveys"][0]
    assert (mine["answered"], mine["satisfied"]) == (1, 1)
    # A deputy sees their own answer, not another's; the office sees every one.
    assert [a["deputy"] for a in mine["answers"]] == ["晋联代表"]
    r = demo.post(
        f"/api/v1/suggestions/{case.pk}/actions/answer_survey", {"rating": "basically_satisfied"}
    )
    assert r.status_code == 200
    office = staff.get(f"/api/v1/suggestions/{case.pk}").json()["surveys"][0]
    assert {a["deputy"]: a["rating"] for a in office["answers"]} == {
        "连心代表": "basically_satisfied",
        "晋联代表": "satisfied",
    }
    assert b.post(f"{path}/close_survey", {}).status_code == 403
    r = staff.post(f"{path}/close_survey", {})
    assert r.status_code == 200 and r.json()["surveys"][0]["is_open"] is False
    r = b.post(f"{path}/answer_survey", {"rating": "dissatisfied"})
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"


def test_deputies_answer_on_the_page_and_the_report_circulates_the_result():
    case = key_suggestion("重点督办测评报告用建议")
    staff = client_for("jz_staff")
    r = staff.post(
        f"/suggestions/{case.pk}/do/open_survey/",
        {"note": "请评价。", "version": fresh(case).version},
    )
    assert r.status_code == 302
    b = client_for("deputy_b")
    workbench = b.get("/workbench/").content.decode()
    block = workbench[workbench.index('id="worklist-surveys"') :][:1500]
    assert "重点督办测评报告用建议" in block
    assert (
        client_for("deputy_c").get(f"/suggestions/{case.pk}/do/answer_survey/").status_code == 404
    )
    assert (
        client_for("unit_demo").get(f"/suggestions/{case.pk}/do/answer_survey/").status_code == 403
    )
    r = b.post(
        f"/suggestions/{case.pk}/do/answer_survey/",
        {"comment": "无评价", "version": fresh(case).version},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 422
    assert not SurveyAnswer.objects.filter(round__case=case).exclude(rating="").exists()
    r = b.post(
        f"/suggestions/{case.pk}/do/answer_survey/",
        {"rating": "satisfied", "comment": "落实到位。", "version": fresh(case).version},
    )
    assert r.status_code == 302
    form = b.get(f"/suggestions/{case.pk}/do/answer_survey/").content.decode()
    assert re.search(r'value="satisfied"[^>]*checked', form)
    assert not re.search(r'value="dissatisfied"[^>]*checked', form)
    assert "您已填写，测评结束前可以修改" in form
    workbench = b.get("/workbench/").content.decode()
    block = workbench[workbench.index('id="worklist-surveys"') :][:1500]
    assert "重点督办测评报告用建议" not in block
    page = staff.get(f"/suggestions/{case.pk}/").content.decode()
    assert "已填写 1 人，应填写 2 人" in page
    assert "满意 1，基本满意 0，不满意 0" in page

    url = f"/suggestions/report/?congress={city().pk}"
    report_page = staff.get(url).content.decode()
    assert "满意度测评（已填/应填）" in report_page and "1/2（进行中）" in report_page
    staff.post(f"/suggestions/{case.pk}/do/close_survey/", {"version": fresh(case).version})
    assert not SurveyRound.objects.get(case=case).is_open

    xlsx = staff.get(url + "&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content))["重点督办建议"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    row = next(r for r in rows[1:] if r[0] == "重点督办测评报告用建议")
    cells = dict(zip(header, row, strict=True))
    assert cells["督办领导或委员会"] == "王副主任"
    assert cells["满意度测评（已填/应填）"] == "1/2"
    assert (cells["满意"], cells["基本满意"], cells["不满意"]) == (1, 0, 0)

    pdf = staff.get(url + "&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    text = "".join(p.extract_text() for p in pages)
    assert "满意度测评" in text
    # The nine-column table prints across a landscape page, its headings each on one line;
    # the report itself stays portrait.
    first, wide = pages[0], [p for p in pages if "督办领导或委员会" in p.extract_text()]
    assert first.mediabox.width < first.mediabox.height
    assert wide and all(p.mediabox.width > p.mediabox.height for p in wide)
    lines = wide[0].extract_text().splitlines()
    assert any("满意度测评（已填/应填）" in line for line in lines)
    assert any("督办领导或委员会" in line for line in lines)
    assert "重点督办测评报告用建议" in text.replace("\n", "")
    assert "1/2" in text
