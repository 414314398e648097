"""The foundation API through HTTP: tokens, regions, deputies, units, accounts, errors."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_issues_a_token_for_a_right_password_and_refuses_a_wrong_one(api):
    ok = api.post("/api/v1/auth/token", {"username": "yc_staff", "password": "lianxin-demo"})
    assert ok.status_code == 200
    token = ok.json()["token"]
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "yc_staff"
    assert me.json()["roles"][0]["role"] == "deputy_affairs_staff"
    assert me.json()["roles"][0]["scope_name"] == "榆次区人民代表大会"

    bad = api.post("/api/v1/auth/token", {"username": "yc_staff", "password": "wrong"})
    assert bad.status_code == 401
    assert bad.json()["code"] == "invalid_credentials"


def test_it_locks_an_account_after_five_failures(api):
    for _ in range(5):
        api.post("/api/v1/auth/token", {"username": "tg_staff", "password": "nope"})
    locked = api.post("/api/v1/auth/token", {"username": "tg_staff", "password": "lianxin-demo"})
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert "锁定" in locked.json()["message"]


def test_it_answers_a_non_json_body_with_400(api):
    r = api.post("/api/v1/auth/token", raw="username=admin")
    assert r.status_code == 400
    assert r.json() == {"code": "invalid_json", "message": "请求内容不是有效的 JSON。"}


def test_it_names_the_missing_field(api):
    r = api.post("/api/v1/auth/token", {"username": "admin"})
    assert r.status_code == 422
    assert r.json()["code"] == "invalid"
    assert "password" in r.json()["message"]


def test_it_lists_the_eleven_divisions_of_jinzhong_with_official_codes(api):
    r = api.get("/api/v1/regions", {"parent": "1407"})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 11
    codes = {item["code"]: item["name"] for item in body["items"]}
    assert codes["140702"] == "榆次区"
    assert codes["140703"] == "太谷区"
    assert codes["140781"] == "介休市"


@pytest.mark.parametrize("parent", ["9999", "abc", "1407'--", "1" * 40])
def test_it_refuses_an_unknown_parent_region_with_422(api, parent):
    r = api.get("/api/v1/regions", {"parent": parent})
    assert r.status_code == 422
    assert r.json()["field"] == "parent"


def test_scoped_endpoints_need_a_token(api):
    r = api.anon().get("/api/v1/deputies")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"
    assert (
        api.anon().get("/api/v1/deputies", headers={"Authorization": "Bearer forged"}).status_code
        == 401
    )


def test_yc_staff_sees_yuci_deputies_and_nothing_of_taigu(api):
    client = api.as_user("yc_staff")
    everything = client.get("/api/v1/deputies", {"limit": 200}).json()
    assert everything["count"] > 0
    assert all(item["region"].startswith("140702") for item in everything["items"])
    taigu = client.get("/api/v1/deputies", {"region": "140703"}).json()
    assert taigu == {"items": [], "count": 0}


def test_tg_staff_sees_taigu_and_nothing_of_yuci(api):
    from lianxin.org.models import Deputy

    client = api.as_user("tg_staff")
    items = client.get("/api/v1/deputies", {"limit": 200}).json()["items"]
    assert items and all(item["region"].startswith("140703") for item in items)
    yuci_deputy = Deputy.objects.filter(congress__region__code="140702").first()
    assert client.get(f"/api/v1/deputies/{yuci_deputy.pk}").status_code == 404
    assert client.get("/api/v1/deputies/999999999").status_code == 404


def test_city_staff_reads_the_counties_roll_up(api):
    items = (
        api.as_user("jz_staff").get("/api/v1/deputies", {"level": "county", "limit": 200}).json()
    )
    regions = {item["region"] for item in items["items"]}
    assert {"140702", "140703"} <= regions


def test_deputy_items_carry_what_the_issue_lists(api):
    body = api.as_user("yc_staff").get("/api/v1/deputies", {"q": "连心代表"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["level"] == "county"
    assert item["congress"]["name"] == "榆次区人民代表大会"
    assert item["region"] == "140702"
    assert item["station"]["code"] == "YC-BGJD"
    assert set(item["expertise"]) == {"社会保障", "城乡建设"}
    assert item["phone"] == "139****0001"
    assert item["scan_url"].startswith("http://testserver/s/")


def test_one_person_holds_seats_at_two_levels(api):
    me = api.as_user("deputy_demo").get("/api/v1/me").json()
    assert len(me["deputy_ids"]) == 2
    levels = {
        api.as_user("jz_staff").get(f"/api/v1/deputies/{i}").json()["level"]
        for i in me["deputy_ids"]
        if True
    }
    assert "city" in levels


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "000000"}, "region"),
        ({"level": "galaxy"}, "level"),
        ({"expertise": "炼金术"}, "expertise"),
        ({"limit": "many"}, "limit"),
    ],
)
def test_unknown_filters_answer_422_naming_the_field(api, params, field):
    r = api.as_user("jz_staff").get("/api/v1/deputies", params)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid"
    assert field in body["message"] or body.get("field") == field


def test_the_expertise_filter_finds_deputies_of_that_field(api):
    body = (
        api.as_user("yc_staff")
        .get("/api/v1/deputies", {"expertise": "社会保障", "limit": 200})
        .json()
    )
    assert body["count"] >= 1
    assert all("社会保障" in item["expertise"] for item in body["items"])


def test_revealing_a_phone_is_logged_and_limited_to_the_deputys_office(api):
    from lianxin.core.models import AuditLog
    from lianxin.org.models import Deputy

    seat = Deputy.objects.get(person__name="连心代表", congress__region__code="140702")
    r = api.as_user("yc_staff").post(f"/api/v1/deputies/{seat.pk}/reveal-phone")
    assert r.status_code == 200
    assert r.json()["phone"] == "13900000001"
    assert AuditLog.objects.filter(
        kind="personal_data_viewed", username="yc_staff", target=f"deputy:{seat.pk}"
    ).exists()
    # The city's staff read the county roll-up but may not reveal a county deputy's phone.
    assert (
        api.as_user("jz_staff").post(f"/api/v1/deputies/{seat.pk}/reveal-phone").status_code == 403
    )
    assert (
        api.as_user("tg_staff").post(f"/api/v1/deputies/{seat.pk}/reveal-phone").status_code == 404
    )


def test_units_list_carries_the_parent_body(api):
    body = api.as_user("jz_staff").get("/api/v1/units", {"q": "交通运输局"}).json()
    names = {item["name"]: item for item in body["items"]}
    assert names["晋中市交通运输局"]["parent"]["name"] == "晋中市人民政府"
    assert names["晋中市交通运输局"]["code"] == "JZ-JTYSJ"
    assert api.as_user("jz_staff").get("/api/v1/units", {"region": "77"}).status_code == 422


def test_healthz_answers_ok(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_openapi_document_describes_the_endpoints(client):
    doc = client.get("/api/v1/openapi.json").json()
    for path in [
        "/api/v1/auth/token",
        "/api/v1/regions",
        "/api/v1/deputies",
        "/api/v1/deputies/{deputy_id}",
        "/api/v1/units",
        "/api/v1/users",
    ]:
        assert path in doc["paths"], path
