"""The pages: the office's form and activity page, the sheet PDF, the deputy's answer and the
scan sign-in, with their refusals."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lianxin.duty import actions
from lianxin.duty.models import Activity, Invitation
from lianxin.duty.printing import checkin_url
from lianxin.liaison.tests.helpers import decode_qr, needs_poppler, pdf_text
from lianxin.org.models import Expertise

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_the_office_creates_an_activity_on_its_page(users):
    staff = client_of(users["yc_staff"])
    assert staff.get(reverse("duty_activity_create")).status_code == 200
    starts = timezone.now() + timezone.timedelta(days=2)
    data = {
        "title": "养老机构消防安全视察",
        "kind": "inspection",
        "topic": "养老",
        "expertise": [Expertise.objects.get(name="养老服务").pk],
        "starts_at": _local(starts),
        "ends_at": _local(starts + timezone.timedelta(hours=2)),
        "place": "榆次区",
    }
    bad = staff.post(reverse("duty_activity_create"), {**data, "ends_at": data["starts_at"]})
    assert bad.status_code == 422
    assert "结束时间应晚于开始时间。" in bad.content.decode()
    assert not Activity.objects.filter(title="养老机构消防安全视察").exists()
    r = staff.post(reverse("duty_activity_create"), data)
    activity = Activity.objects.get(title="养老机构消防安全视察")
    assert r.status_code == 302 and r.url == activity.get_absolute_url()
    page = staff.get(activity.get_absolute_url()).content.decode()
    assert "专业领域：养老服务；曾参加 1 次同类视察" in page


def test_another_county_office_gets_404_on_the_page(make_activity, users):
    activity = make_activity()
    assert client_of(users["tg_staff"]).get(activity.get_absolute_url()).status_code == 404
    assert client_of(users["jz_staff"]).get(activity.get_absolute_url()).status_code == 200
    r = client_of(users["jz_staff"]).post(reverse("duty_activity_invite", args=[activity.pk]))
    assert r.status_code == 403


@needs_poppler
def test_the_sheet_carries_the_invited_and_the_scan_address(make_activity, users, seat_of):
    activity = make_activity()
    actions.do_send_invitations(
        activity, [seat_of(users["deputy_d"]).pk], acting_user=users["yc_staff"]
    )
    r = client_of(users["yc_staff"]).get(reverse("duty_sign_in_sheet", args=[activity.pk]))
    assert r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "全区养老服务工作视察" in text and users["deputy_d"].person.name in text
    assert decode_qr(r.content) == [checkin_url(activity)]


def test_a_deputy_answers_and_scans_in_on_the_page(make_activity, users, seat_of):
    activity = make_activity()
    inv = actions.do_send_invitations(
        activity, [seat_of(users["deputy_d"]).pk], acting_user=users["yc_staff"]
    )[0]
    deputy = client_of(users["deputy_d"])
    assert "全区养老服务工作视察" in deputy.get(reverse("workbench")).content.decode()
    bad = deputy.post(inv.get_absolute_url(), {"answer": "decline", "reason": ""})
    assert bad.status_code == 422 and "请填写请假事由。" in bad.content.decode()
    deputy.post(inv.get_absolute_url(), {"answer": "accept"})
    inv.refresh_from_db()
    assert inv.answer == Invitation.Answer.ACCEPTED
    url = reverse("duty_checkin", args=[activity.checkin_code])
    assert deputy.post(url).status_code == 302
    again = deputy.post(url)
    assert again.status_code == 409 and "无需重复签到" in again.content.decode()
    outsider = client_of(users["deputy_e"]).get(url)
    assert outsider.status_code == 403
    assert "不在“全区养老服务工作视察”的邀请名单中" in outsider.content.decode()
    assert Client().get(url).status_code == 302  # to the login page first


def test_the_staff_workbench_lists_activities_and_proposals_to_approve(users):
    city = client_of(users["jz_staff"]).get(reverse("workbench")).content.decode()
    assert "待审批的活动申请" in city and "交通运输局开放日" in city
    county = client_of(users["yc_staff"]).get(reverse("workbench")).content.decode()
    assert "近期履职活动" in county and "优化营商环境代表座谈会" in county
    assert "交通运输局开放日" not in county
