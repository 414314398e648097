"""/api/v1/sentiment: the same actions and rules as the pages, bodies in the OpenAPI document,
refusals as {"code", "message"} 4xx with nothing saved."""

from __future__ import annotations

import pytest

from lianxin.proposals.tests.helpers import other_cppcc

from ..models import SentimentReport
from .helpers import seat_key

pytestmark = pytest.mark.django_db
ROOT = "/api/v1/sentiment"


def test_a_report_round_the_whole_way_through_the_api(api):
    member, staff = api.as_user("member_demo"), api.as_user("cppcc_staff")
    r = member.post(
        f"{ROOT}/reports",
        {
            "author": seat_key("member_demo"),
            "title": "关于城区共享单车乱停放的情况反映",
            "content": "多条主干道人行道被单车占用。建议划定停放区并加强调度。",
            "category": "transport",
        },
    )
    assert r.status_code == 201, r.content
    report = r.json()
    rid = report["id"]
    assert report["state"] == "draft" and report["category"] == "transport"
    assert (
        member.post(f"{ROOT}/reports/{rid}/submit", {"version": report["version"]}).json()["state"]
        == "submitted"
    )
    r = staff.post(
        f"{ROOT}/reports/{rid}/edit",
        {"edited_title": "共享单车乱停放", "edited_content": "人行道被单车占用，建议划定停放区。"},
    )
    assert r.status_code == 200 and r.json()["state"] == "edited"
    # The author reads the edited text only; the staff read both.
    mine = member.get(f"{ROOT}/reports/{rid}").json()
    assert mine["content"] is None and mine["edited_content"].startswith("人行道")
    assert staff.get(f"{ROOT}/reports/{rid}").json()["content"].startswith("多条主干道")
    r = staff.post(f"{ROOT}/issues", {"title": "城市管理专辑", "reports": [rid]})
    assert r.status_code == 201, r.content
    issue = r.json()
    assert issue["label"] == f"{issue['year']}年第{issue['number']}期"
    assert issue["reports"] == [{"id": rid, "title": "共享单车乱停放", "position": 1}]
    r = staff.post(
        f"{ROOT}/issues/{issue['id']}/send",
        {"recipients": ["party_committee", "higher_cppcc"], "sent_on": "2026-01-05"},
    )
    assert r.status_code == 200, r.content
    assert r.json()["recipients"] == ["higher_cppcc", "party_committee"]
    r = staff.post(
        f"{ROOT}/reports/{rid}/adopt",
        {"adopted_by": "中共晋中市委办公室", "level": "city", "manner": "forwarded"},
    )
    assert r.status_code == 200 and r.json()["adoption"]["manner"] == "forwarded"
    r = staff.post(
        f"{ROOT}/reports/{rid}/instruct",
        {"leader": "晋中市副市长", "level": "city", "text": "请市交通局牵头整治。"},
    )
    assert r.status_code == 201 and r.json()["leader"] == "晋中市副市长"
    out = member.get(f"{ROOT}/reports/{rid}").json()
    assert out["state"] == "instructed" and out["instructions"][0]["text"] == "请市交通局牵头整治。"
    listed = member.get(f"{ROOT}/reports", {"mine": "true", "state": "instructed"}).json()
    assert rid in [i["id"] for i in listed["items"]]
    assert {i["state"] for i in listed["items"]} == {"instructed"}
    pdf = staff.get(f"{ROOT}/issues/{issue['id']}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_refusals_are_json_4xx_and_save_nothing(api):
    member, staff = api.as_user("member_demo"), api.as_user("cppcc_staff")
    before = SentimentReport.objects.count()
    r = member.post(
        f"{ROOT}/reports", {"author": seat_key("member_demo"), "title": "", "content": "x"}
    )
    assert r.status_code == 422 and r.json() == {
        "code": "invalid",
        "message": "请填写标题。",
        "field": "title",
    }
    r = member.post(f"{ROOT}/reports", {"title": "x"})
    assert r.status_code == 422 and r.json()["code"] == "invalid"
    r = member.post(f"{ROOT}/reports", raw="{oops")
    assert r.status_code == 400 and r.json()["code"] == "invalid_json"
    assert SentimentReport.objects.count() == before
    rid = member.post(
        f"{ROOT}/reports", {"author": seat_key("member_demo"), "title": "t", "content": "c"}
    ).json()["id"]
    # Compiling a draft, an instruction before sending, a stale version.
    r = staff.post(f"{ROOT}/issues", {"title": "专辑", "reports": [rid]})
    assert r.status_code == 404  # a draft is not the staff's to see
    member.post(f"{ROOT}/reports/{rid}/submit", {})
    r = staff.post(f"{ROOT}/issues", {"title": "专辑", "reports": [rid]})
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    r = staff.post(
        f"{ROOT}/reports/{rid}/instruct", {"leader": "市长", "level": "city", "text": "阅"}
    )
    assert r.status_code == 409 and r.json()["code"] == "not_sent"
    r = staff.post(f"{ROOT}/reports/{rid}/return", {"reason": "请补充。", "version": 1})
    assert r.status_code == 409 and r.json()["code"] == "stale_version"
    r = member.post(f"{ROOT}/reports/{rid}/return", {"reason": "请补充。"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    # Another CPPCC's staff and an unrelated member: 404, as for a report that does not exist.
    other_cppcc()
    for who in ("yc_cppcc_staff", "member_b"):
        r = api.as_user(who).get(f"{ROOT}/reports/{rid}")
        assert r.status_code == 404 and r.json()["code"] == "not_found", who
    assert api.as_user("member_b").get(f"{ROOT}/reports/999999").json()["code"] == "not_found"


def test_the_openapi_document_has_the_bodies(api):
    doc = api.as_user("cppcc_staff").get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    for path in (
        "/api/v1/sentiment/reports",
        "/api/v1/sentiment/reports/{report_id}",
        "/api/v1/sentiment/reports/{report_id}/submit",
        "/api/v1/sentiment/reports/{report_id}/return",
        "/api/v1/sentiment/reports/{report_id}/edit",
        "/api/v1/sentiment/reports/{report_id}/adopt",
        "/api/v1/sentiment/reports/{report_id}/instruct",
        "/api/v1/sentiment/issues",
        "/api/v1/sentiment/issues/{issue_id}/send",
    ):
        assert path in paths, path
    schemas = doc["components"]["schemas"]
    assert {"ReportIn", "AdoptIn", "InstructIn", "IssueIn", "SendIn", "ReportOut"} <= set(schemas)
    assert "manner" in schemas["AdoptIn"]["properties"]
