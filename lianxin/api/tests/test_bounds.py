"""Input far outside what the platform handles gets a clear 4xx, never a 500: an offset of
2**63 on every list of the API, a date in year 1 or 9999 on the public schedules and the
figures page, a JSON body nested thousands of levels deep."""

from __future__ import annotations

import pytest
from django.test import Client

from lianxin.casework.tests.helpers import client_for, station
from lianxin.core import dates
from lianxin.core.errors import ValidationFailed
from lianxin.core.middleware import MAX_JSON_DEPTH, json_too_deep

pytestmark = pytest.mark.django_db

HUGE = str(2**63)
FAR_DATES = ["0001-01-01", "9999-12-31"]


def list_endpoints() -> dict[str, bool]:
    """Every GET list of the OpenAPI document (it takes an offset): whether it is public."""
    schema = Client().get("/api/v1/openapi.json").json()
    return {
        path: not ops["get"].get("security")
        for path, ops in schema["paths"].items()
        if "get" in ops
        and "{" not in path
        and any(p["name"] == "offset" for p in ops["get"].get("parameters", []))
    }


def test_every_list_of_the_api_refuses_an_offset_of_two_to_the_63(api):
    paths = list_endpoints()
    assert len(paths) >= 8, paths
    for who in ("admin", "yc_staff"):
        client = api.as_user(who)
        for path in paths:
            r = client.get(path, {"offset": HUGE})
            if r.status_code == 403:  # a list this account may never read (CPPCC for a county)
                assert who != "admin" and client.get(path).status_code == 403, (who, path)
                continue
            assert r.status_code == 422, (who, path, r.status_code, r.content[:300])
            body = r.json()
            assert body["code"] == "invalid" and "offset" in body["message"], (path, body)
    public = [p for p, is_public in paths.items() if is_public]
    assert len(public) >= 2, public
    for path in public:
        r = api.anon().get(path, {"offset": HUGE})
        assert r.status_code == 422 and r.json()["code"] == "invalid", (path, r.content[:300])
    # An offset within the bound is still served (an empty page past the end).
    r = api.as_user("yc_staff").get("/api/v1/cases", {"offset": 10_000_000})
    assert r.status_code == 200 and r.json()["items"] == []


def test_the_one_date_reader_bounds_the_year():
    assert dates.parse_day("2026-12-15", field="d").year == 2026
    assert dates.parse_day("", field="d") is None
    for value in [*FAR_DATES, "1899-12-31", "2200-01-01"]:
        with pytest.raises(ValidationFailed) as refused:
            dates.parse_day(value, field="d")
        assert refused.value.field == "d" and "年" in refused.value.message
    with pytest.raises(ValidationFailed, match="截止日期格式有误"):
        dates.parse_day("2026-13-01", field="d", label="截止日期")


def test_far_dates_on_the_public_schedules_are_refused_in_chinese(api):
    s = station()
    region = s.region.code[:6]
    for day in FAR_DATES:
        for key in ("from", "to"):
            for path in (
                f"/api/v1/stations/{s.pk}/schedule",
                f"/api/v1/stations/{s.pk}/notice.pdf",
            ):
                r = api.anon().get(path, {key: day})
                assert r.status_code == 422, (path, key, day, r.status_code)
                assert r.json()["code"] == "invalid" and "年" in r.json()["message"]
            for path in (
                f"/public/stations/{s.pk}/schedule/",
                f"/public/r/{region}/schedule/",
                f"/public/r/{region}/notice.pdf",
            ):
                r = Client().get(path, {key: day})
                assert r.status_code == 422, (path, key, day, r.status_code)
                assert "日期应在" in r.content.decode(), path


def test_far_dates_on_the_figures_page_are_refused_in_chinese():
    client = client_for("yc_staff")
    for day in FAR_DATES:
        for key in ("from", "to"):
            r = client.get("/cases/figures/", {key: day})
            assert r.status_code == 422 and "日期应在" in r.content.decode(), (key, day)
    r = client.get("/cases/figures/", {"from": "2026-04-31"})
    assert r.status_code == 422 and "日期格式应为" in r.content.decode()


def test_a_deeply_nested_json_body_is_refused_before_it_is_parsed(api):
    deep = "[" * 5000 + "]" * 5000
    for body in (deep, '{"content": ' + deep + "}"):
        r = api.anon().post("/api/v1/opinions", raw=body)
        assert r.status_code == 400, r.content[:300]
        assert r.json()["code"] == "bad_request" and "嵌套" in r.json()["message"]
    # The same on any JSON endpoint, signed in or not.
    r = api.as_user("yc_staff").post("/api/v1/cases/1/actions/accept", raw=deep)
    assert r.status_code == 400 and r.json()["code"] == "bad_request"
    # A body within the bound reaches the API, which validates it as usual.
    shallow = '{"content": ' + "[" * 20 + "]" * 20 + "}"
    r = api.anon().post("/api/v1/opinions", raw=shallow)
    assert r.status_code == 422 and r.json()["code"] != "bad_request"


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = '{"content": "' + "[" * 5000 + '"}'
    assert not json_too_deep(text.encode())
    assert json_too_deep(("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)).encode())
    assert not json_too_deep(("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH).encode())
    assert not json_too_deep(("[1]," * 100).encode())
