"""The admin site (system administrators only), the error pages and the login page."""

import pytest
from django.test import Client, RequestFactory

from lianxin.accounts.models import Role, RoleAssignment
from lianxin.core.models import AuditLog
from lianxin.org.models import Congress, Level
from lianxin.web import views

from .helpers import client_for, text

pytestmark = pytest.mark.django_db

NON_ADMINS = [
    "jz_staff",
    "yc_staff",
    "tg_staff",
    "yc_station",
    "deputy_demo",
    "unit_demo",
    "cppcc_staff",
    "member_demo",
    "leader_demo",
]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/org/deputy/",
        "/admin/org/region/?q=榆次",
        "/admin/liaison/station/",
        "/admin/accounts/roleassignment/",
        "/admin/core/auditlog/",
        "/admin/org/person/add/",
        "/admin/accounts/user/add/",
        "/admin/liaison/stationmembership/",
        "/admin/accounts/apitoken/",
    ],
)
def test_the_system_administrator_uses_the_admin_site(users, path):
    response = client_for(users, "admin").get(path)
    assert response.status_code == 200


def test_every_section_of_the_admin_is_named_in_chinese(users):
    page = text(client_for(users, "admin").get("/admin/"))
    for name in ("登录防护", "登录失败计数与锁定", "后台任务", "后台任务执行结果", "账号与权限"):
        assert name in page
    for english in ("Axes", "Tasks Database Backend", "Task Results", "access attempts"):
        assert english not in page
    # Roles decide who may do what; Django's groups are not offered at all.
    assert client_for(users, "admin").get("/admin/auth/group/").status_code == 404


@pytest.mark.parametrize("username", NON_ADMINS)
def test_everyone_else_is_refused_the_admin_site(users, username):
    client = client_for(users, username)
    for path in ("/admin/", "/admin/accounts/user/", "/admin/org/person/"):
        response = client.get(path, follow=True)
        assert response.status_code == 403, path
        assert "无权访问" in text(response)


def test_the_administrator_opens_an_account_page_with_its_roles(users):
    response = client_for(users, "admin").get(
        f"/admin/accounts/user/{users['yc_staff'].pk}/change/"
    )
    assert response.status_code == 200
    assert "人大代表工作人员" in response.content.decode()
    city = Congress.objects.get(region__code="1407", level=Level.CITY)
    congress_page = client_for(users, "admin").get(f"/admin/org/congress/{city.pk}/change/")
    assert congress_page.status_code == 200
    assert "晋中市人大常委会" in congress_page.content.decode()  # its bodies, inline


def test_a_staff_flag_set_by_mistake_opens_nothing(users):
    user = users["yc_staff"]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    response = client_for(users, "yc_staff").get("/admin/", follow=True)
    assert response.status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_one_login_page(client):
    response = client.get("/admin/accounts/user/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/?next=")
    assert "登录" in text(response)


def test_granting_a_role_in_the_admin_is_written_to_the_security_trail(users):
    client = client_for(users, "admin")
    congress = Congress.objects.get(region__code="140703", level=Level.COUNTY)
    target = users["unit_other"]
    response = client.post(
        "/admin/accounts/roleassignment/add/",
        {"user": target.pk, "role": Role.DEPUTY_AFFAIRS_STAFF, "congress": congress.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RoleAssignment.objects.filter(user=target, congress=congress).exists()
    log = AuditLog.objects.filter(kind=AuditLog.Kind.ROLE_GRANTED).order_by("-pk").first()
    assert log.username == "admin" and log.target == "unit_other"
    assert log.detail["role"] == Role.DEPUTY_AFFAIRS_STAFF


# --- Error pages ---------------------------------------------------------------------------


def test_an_unknown_address_gets_the_chinese_not_found_page(users):
    response = client_for(users, "yc_staff").get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in text(response)
    assert "您要找的页面或记录不存在，或您无权查看。" in text(response)


@pytest.mark.parametrize(
    "handler, status, title",
    [
        (views.bad_request, 400, "请求有误"),
        (views.forbidden, 403, "无权访问"),
        (views.not_found, 404, "页面不存在"),
    ],
)
def test_the_error_handlers_answer_in_chinese(handler, status, title):
    request = RequestFactory().get("/x")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = handler(request, Exception("x"))
    assert response.status_code == status
    assert title in response.content.decode()


def test_the_server_error_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/x")
    with django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    assert "系统繁忙" in response.content.decode()
    assert "Traceback" not in response.content.decode()


# --- Login ---------------------------------------------------------------------------------


def test_the_login_page_is_in_chinese(client):
    response = client.get("/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    for phrase in ("连心履职平台", "账号", "密码", "登录"):
        assert phrase in text(response)


def test_a_wrong_password_gets_a_clear_message(client):
    response = client.post("/login/", {"username": "yc_staff", "password": "wrong-password"})
    assert response.status_code == 200
    assert "账号或密码不正确，请重新输入。" in text(response)
    assert 'value="yc_staff"' in response.content.decode()


def test_an_empty_form_asks_for_both_fields(client):
    response = client.post("/login/", {"username": "", "password": ""})
    assert "请输入账号和密码。" in text(response)


def test_five_failures_lock_the_account_with_a_message(client):
    for _ in range(5):
        client.post("/login/", {"username": "tg_staff", "password": "nope-nope"})
    response = client.post("/login/", {"username": "tg_staff", "password": "lianxin-demo"})
    assert response.status_code == 429
    assert "账号已暂时锁定" in text(response)


def test_logging_in_leads_to_the_workbench_and_out_again(users):
    client = Client()
    response = client.post(
        "/login/", {"username": "yc_staff", "password": "lianxin-demo"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/workbench/"
    assert "榆次区人民代表大会常务委员会" in text(response)
    out = client.post("/logout/", follow=True)
    assert "您已安全退出。" in text(out)
