"""The proposals' pages: the member's form, the list, one proposal with its actions, and the
blind two-way evaluation as each side reads it on the page."""

from __future__ import annotations

import pytest
from django.test import Client

from lianxin.casework.models import Case, CoSponsor

from .helpers import advance, new_proposal, other_cppcc, seat, user


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


@pytest.mark.django_db
def test_a_member_writes_a_joint_proposal_on_the_page_and_the_co_sponsor_confirms():
    member = signed_in("member_demo")
    assert member.get("/proposals/new/").status_code == 200
    r = member.post(
        "/proposals/new/",
        {
            "title": "关于发展社区托育服务的提案",
            "content": "建议在新建小区配建托育设施。",
            "in_session": "0",
            "co_sponsors": [seat("member_b").pk],
            "respond_by": "2099-01-01",
        },
    )
    assert r.status_code == 302
    case = Case.objects.get(title="关于发展社区托育服务的提案")
    assert CoSponsor.objects.get(case=case).status == "invited"
    other = signed_in("member_b")
    page = other.get(f"/proposals/{case.pk}/").content.decode()
    assert 'data-action="cosign"' in page
    r = other.post(
        f"/proposals/{case.pk}/actions/cosign/", {"accept": "1", "version": case.version}
    )
    assert r.status_code == 302
    assert CoSponsor.objects.get(case=case).status == "confirmed"
    assert "我的提案" in other.get("/workbench/").content.decode()


@pytest.mark.django_db
def test_an_empty_title_is_refused_in_chinese_and_nothing_is_saved():
    before = Case.objects.count()
    r = signed_in("member_demo").post(
        "/proposals/new/", {"title": "", "content": "", "in_session": "0"}
    )
    assert r.status_code == 422 and "这个字段是必填项" in r.content.decode()
    assert Case.objects.count() == before


@pytest.mark.django_db
def test_staff_register_on_the_page_and_a_second_registration_is_409():
    case = advance(new_proposal(), "submitted", co=())
    staff = signed_in("cppcc_staff")
    assert "待立案审查的提案" in staff.get("/workbench/").content.decode()
    r = staff.post(f"/proposals/{case.pk}/actions/register/", {"decision": "register"})
    assert r.status_code == 302
    r = staff.post(f"/proposals/{case.pk}/actions/register/", {"decision": "register"})
    assert r.status_code == 409 and "已立案" in r.content.decode()


@pytest.mark.django_db
def test_the_page_shows_the_units_quality_rating_only_after_the_member_rated():
    case = advance(new_proposal(), "replied", co=())
    signed_in("unit_demo").post(
        f"/proposals/{case.pk}/actions/rate_submission/",
        {"quality": "excellent", "comment": "有见地"},
    )
    member = signed_in("member_demo")
    assert "有见地" not in member.get(f"/proposals/{case.pk}/").content.decode()
    member.post(f"/proposals/{case.pk}/actions/evaluate/", {"rating": "satisfied"})
    page = member.get(f"/proposals/{case.pk}/").content.decode()
    assert "优秀：有见地" in page


@pytest.mark.django_db
def test_another_cppccs_staff_and_an_outsider_get_404_on_the_pages():
    other_cppcc()
    case = advance(new_proposal(), "submitted", co=())
    for username in ("yc_cppcc_staff", "unit_demo", "deputy_demo"):
        client = signed_in(username)
        assert client.get(f"/proposals/{case.pk}/").status_code == 404
        assert (
            client.post(
                f"/proposals/{case.pk}/actions/register/", {"decision": "register"}
            ).status_code
            == 404
        )
