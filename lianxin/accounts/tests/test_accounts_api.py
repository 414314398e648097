"""Opening and listing accounts through the API."""

import pytest

from lianxin.accounts.models import User
from lianxin.core.models import AuditLog
from lianxin.liaison.models import Station
from lianxin.org.models import Congress, Deputy, HandlingUnit

pytestmark = pytest.mark.django_db

STRONG = "Jinzhong-2026-safe"


def yc_deputy_without_account():
    return Deputy.objects.filter(congress__region__code="140702", person__user__isnull=True).first()


def test_yc_staff_opens_a_login_for_a_deputy_of_their_congress(api):
    deputy = yc_deputy_without_account()
    r = api.as_user("yc_staff").post(
        "/api/v1/users", {"username": "yc_new_deputy", "password": STRONG, "deputy": deputy.pk}
    )
    assert r.status_code == 201, r.json()
    assert r.json()["roles"][0]["role"] == "deputy"
    assert deputy.pk in r.json()["deputy_ids"]
    user = User.objects.get(username="yc_new_deputy")
    assert user.person_id == deputy.person_id
    assert user.check_password(STRONG)
    assert AuditLog.objects.filter(
        kind="user_created", username="yc_staff", target="yc_new_deputy"
    ).exists()
    # The new deputy signs in, must first choose a password of their own, then sees their seat.
    token = api.post(
        "/api/v1/auth/token", {"username": "yc_new_deputy", "password": STRONG}
    ).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    first = api.get(f"/api/v1/deputies/{deputy.pk}", headers=auth)
    assert first.status_code == 403
    assert first.json()["code"] == "password_change_required"
    changed = api.post(
        "/api/v1/me/password",
        {"old_password": STRONG, "new_password": "Yuci-own-choice-2026"},
        headers=auth,
    )
    assert changed.status_code == 200, changed.json()
    seat = api.get(f"/api/v1/deputies/{deputy.pk}", headers=auth)
    assert seat.status_code == 200


def test_staff_accounts_need_a_scope_of_the_callers_own_congress(api):
    client = api.as_user("yc_staff")
    yc = Congress.objects.get(region__code="140702")
    tg = Congress.objects.get(region__code="140703")
    ok = client.post(
        "/api/v1/users",
        {
            "username": "yc_clerk2",
            "password": STRONG,
            "role": "deputy_affairs_staff",
            "scope": yc.pk,
        },
    )
    assert ok.status_code == 201
    refused = client.post(
        "/api/v1/users",
        {
            "username": "tg_clerk2",
            "password": STRONG,
            "role": "deputy_affairs_staff",
            "scope": tg.pk,
        },
    )
    assert refused.status_code == 403
    assert not User.objects.filter(username="tg_clerk2").exists()
    station = Station.objects.get(code="YC-BGJD")
    assert (
        client.post(
            "/api/v1/users",
            {
                "username": "bg_mgr2",
                "password": STRONG,
                "role": "station_manager",
                "scope": station.pk,
            },
        ).status_code
        == 201
    )
    unit = HandlingUnit.objects.get(code="YC-JTYSJ")
    assert (
        client.post(
            "/api/v1/users",
            {"username": "yc_jt", "password": STRONG, "role": "unit_officer", "scope": unit.pk},
        ).status_code
        == 201
    )
    leader = client.post(
        "/api/v1/users",
        {"username": "yc_lead", "password": STRONG, "role": "leader", "scope": "140702"},
    )
    assert leader.status_code == 403


def test_a_deputy_of_another_county_is_not_found(api):
    deputy = Deputy.objects.filter(congress__region__code="140703").first()
    r = api.as_user("yc_staff").post(
        "/api/v1/users", {"username": "x_dep", "password": STRONG, "deputy": deputy.pk}
    )
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"username": "weakling", "password": "123456"}, 422, "password"),
        ({"username": "weakling", "password": "weakling1"}, 422, "password"),
        ({"username": "a", "password": STRONG}, 422, "username"),
        ({"username": "含中文", "password": STRONG}, 422, "username"),
        ({"username": "yc_staff", "password": STRONG}, 409, None),
        ({"username": "nobody1", "password": STRONG, "role": "emperor", "scope": 1}, 422, "role"),
        ({"username": "nobody2", "password": STRONG, "role": "deputy_affairs_staff"}, 422, "scope"),
        (
            {
                "username": "nobody3",
                "password": STRONG,
                "role": "deputy_affairs_staff",
                "scope": 987654,
            },
            422,
            "scope",
        ),
        ({"username": "nobody4", "password": STRONG}, 422, "role"),
    ],
)
def test_bad_account_requests_get_a_clear_refusal_and_store_nothing(api, payload, status, field):
    body = dict(payload)
    if "deputy" not in body and "role" not in body and field != "role":
        body["deputy"] = yc_deputy_without_account().pk
    before = User.objects.count()
    r = api.as_user("yc_staff").post("/api/v1/users", body)
    assert r.status_code == status, r.json()
    assert r.json()["message"]
    if field:
        assert r.json().get("field") == field
    assert User.objects.count() == before


def test_a_person_gets_one_login_only(api):
    deputy = yc_deputy_without_account()
    client = api.as_user("yc_staff")
    assert (
        client.post(
            "/api/v1/users", {"username": "first_login", "password": STRONG, "deputy": deputy.pk}
        ).status_code
        == 201
    )
    again = client.post(
        "/api/v1/users", {"username": "second_login", "password": STRONG, "deputy": deputy.pk}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "person_has_account"


def test_others_may_not_open_accounts(api):
    deputy = yc_deputy_without_account()
    for persona in ["deputy_demo", "unit_demo", "leader_demo", "member_demo", "yc_station"]:
        r = api.as_user(persona).post(
            "/api/v1/users", {"username": f"by_{persona}", "password": STRONG, "deputy": deputy.pk}
        )
        assert r.status_code in (403, 404), persona
    assert not User.objects.filter(username__startswith="by_").exists()


def test_the_account_list_is_scoped(api):
    yc = {
        u["username"]
        for u in api.as_user("yc_staff").get("/api/v1/users", {"limit": 200}).json()["items"]
    }
    assert {"yc_staff", "yc_station", "deputy_demo"} <= yc
    assert not yc & {"tg_staff", "jz_staff", "unit_demo", "admin", "cppcc_staff"}
    everyone = api.as_user("admin").get("/api/v1/users", {"limit": 200}).json()
    assert everyone["count"] >= 13
    assert api.as_user("deputy_demo").get("/api/v1/users").status_code == 403


def test_staff_open_a_unit_signers_account_and_only_a_unit_officer_may_sign(api):
    from lianxin.accounts.access import grants

    client = api.as_user("yc_staff")
    unit = HandlingUnit.objects.get(code="YC-JTYSJ")
    r = client.post(
        "/api/v1/users",
        {
            "username": "yc_jt_signer",
            "password": STRONG,
            "role": "unit_officer",
            "scope": unit.pk,
            "can_sign": True,
        },
    )
    assert r.status_code == 201, r.json()
    assert [(ro["role"], ro["can_sign"]) for ro in r.json()["roles"]] == [("unit_officer", True)]
    assert grants(User.objects.get(username="yc_jt_signer")).signing_unit_ids == {unit.pk}
    granted = AuditLog.objects.filter(kind=AuditLog.Kind.ROLE_GRANTED, target="yc_jt_signer")
    assert granted.get().detail["can_sign"] is True

    yc = Congress.objects.get(region__code="140702", level="county")
    r = client.post(
        "/api/v1/users",
        {
            "username": "yc_staff_signer",
            "password": STRONG,
            "role": "deputy_affairs_staff",
            "scope": yc.pk,
            "can_sign": True,
        },
    )
    assert r.status_code == 422
    assert r.json()["field"] == "can_sign"
    assert r.json()["message"] == "只有承办单位经办人可以设为签发人。"
    assert not User.objects.filter(username="yc_staff_signer").exists()
