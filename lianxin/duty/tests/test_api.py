"""The API runs the same actions as the pages, through the same rules."""

import datetime as dt

import pytest
from django.utils import timezone

from lianxin.duty.models import Activity, Invitation
from lianxin.org.models import Expertise

pytestmark = pytest.mark.django_db


def test_an_activity_from_creation_to_sign_in_through_the_api(api, users, seat_of, yuci):
    staff = api.as_user("yc_staff")
    starts = timezone.now() + dt.timedelta(minutes=20)
    r = staff.post(
        "/api/v1/duty/activities",
        {
            "title": "养老服务条例执法检查",
            "kind": "law_enforcement_check",
            "topic": "养老",
            "expertise": [Expertise.objects.get(name="养老服务").pk],
            "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
            "place": "榆次区",
            "congress_id": yuci.pk,
        },
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "published" and "/duty/checkin/" in body["checkin_url"]
    activity_id = body["id"]
    ranked = staff.get(f"/api/v1/duty/activities/{activity_id}/proposals").json()
    seat = seat_of(users["deputy_e"])
    mine = next(p for p in ranked if p["deputy_id"] == seat.pk)
    assert mine["reason"] == "专业领域：养老服务" and mine["score"] == 3
    r = staff.post(f"/api/v1/duty/activities/{activity_id}/invitations", {"deputies": [seat.pk]})
    assert r.status_code == 201
    [inv] = r.json()
    assert inv["match_reason"] == "专业领域：养老服务"
    deputy = api.as_user("deputy_e")
    assert inv["id"] in [i["id"] for i in deputy.get("/api/v1/duty/invitations").json()]
    r = deputy.post(f"/api/v1/duty/invitations/{inv['id']}/answer", {"accept": True})
    assert r.json()["answer"] == "accepted"
    # The deputy may not sign in on the office's list, nor see the checkin address.
    r = deputy.post(f"/api/v1/duty/invitations/{inv['id']}/sign-in")
    assert r.status_code == 403
    assert deputy.get(f"/api/v1/duty/activities/{activity_id}").json()["checkin_url"] is None
    r = staff.post(f"/api/v1/duty/invitations/{inv['id']}/sign-in")
    assert r.status_code == 200 and r.json()["attendance"] == "present"
    assert Invitation.objects.get(pk=inv["id"]).signed_in_by == "list"
    r = staff.post(f"/api/v1/duty/invitations/{inv['id']}/sign-in")
    assert r.status_code == 409 and "无需重复签到" in r.json()["message"]


def test_a_unit_proposes_and_the_city_office_approves(api, users):
    unit = users["unit_demo"].roles.get(role="unit_officer").unit
    starts = timezone.now() + dt.timedelta(days=5)
    r = api.as_user("unit_demo").post(
        "/api/v1/duty/activities",
        {
            "title": "法院开放日",
            "kind": "state_organs",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
            "place": "晋中市",
            "unit_id": unit.pk,
        },
    )
    assert r.status_code == 201 and r.json()["status"] == "proposed"
    assert r.json()["organiser"] == unit.name
    activity_id = r.json()["id"]
    r = api.as_user("yc_staff").post(
        f"/api/v1/duty/activities/{activity_id}/decide", {"approve": True}
    )
    assert r.status_code == 404  # a county office does not see the city's proposals
    r = api.as_user("jz_staff").post(
        f"/api/v1/duty/activities/{activity_id}/decide", {"approve": False}
    )
    assert r.status_code == 422 and r.json()["message"] == "请填写原因。"
    r = api.as_user("jz_staff").post(
        f"/api/v1/duty/activities/{activity_id}/decide", {"approve": True}
    )
    assert r.json()["status"] == "published"
    assert Activity.objects.get(pk=activity_id).status == Activity.Status.PUBLISHED
    r = api.as_user("unit_other").post(
        "/api/v1/duty/activities",
        {
            "title": "x",
            "kind": "state_organs",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=2)).isoformat(),
            "place": "x",
            "unit_id": unit.pk,
        },
    )
    assert r.status_code == 403


def test_the_openapi_document_lists_the_duty_endpoints(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/duty/activities",
        "/api/v1/duty/checkin/{code}",
        "/api/v1/duty/invitations/{invitation_id}/answer",
    ):
        assert path in paths
