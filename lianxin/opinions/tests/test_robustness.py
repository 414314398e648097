"""Whatever is typed into an address or a form, the answer is never a server error."""

import pytest
from django.test import Client

from lianxin.casework.tests.helpers import demo_seat, new_opinion, user

pytestmark = pytest.mark.django_db

WEIRD = [
    "",
    " ",
    "%00",
    "'; drop table x; --",
    "<script>",
    "9" * 40,
    "中文",
    "../../etc/passwd",
    "a" * 300,
]


def test_odd_public_addresses_never_fail():
    client = Client()
    for value in WEIRD:
        safe = value.replace("\x00", "%00")
        for path in (f"/s/{safe}", f"/t/{safe}", f"/t/?code={safe}"):
            r = client.get(path)
            assert r.status_code < 500, (path, r.status_code)
        r = client.post(f"/t/{safe}/evaluate", {"rating": value})
        assert r.status_code < 500


def test_odd_staff_filters_never_fail():
    case = new_opinion()
    client = Client()
    client.force_login(user("yc_staff"))
    for value in WEIRD:
        for path, params in [
            (
                "/cases/",
                {
                    "kind": value,
                    "state": value,
                    "region": value,
                    "q": value,
                    "overdue": value,
                    "page": value,
                },
            ),
            ("/cases/figures/", {"by": value, "from": value, "to": value}),
            (
                "/dashboard/",
                {"kind": value, "by": value, "figure": value, "from": value, "to": value},
            ),
            ("/dashboard/", {"region": value, "wall": value, "format": value}),
            (
                "/logs/",
                {"kind": value, "deputy": value, "station": value, "region": value, "start": value},
            ),
            ("/logs/export/", {"kind": "contact", "deputy": value, "format": value}),
            ("/logs/export/", {"kind": "contact", "region": value, "format": "xlsx"}),
        ]:
            r = client.get(path, params)
            assert r.status_code < 500, (path, value, r.status_code)
        r = client.post(
            f"/cases/{case.pk}/actions/assign/",
            {"lead_unit": value, "due_at": value, "version": value},
        )
        assert r.status_code < 500
        r = client.post(f"/cases/{case.pk}/actions/merge/", {"merge_into": value})
        assert r.status_code < 500
        r = client.post(f"/cases/{case.pk}/actions/triage/", {"category": value, "region": value})
        assert r.status_code < 500


def test_odd_api_input_never_fails(api):
    case = new_opinion()
    staff = api.as_user("yc_staff")
    for value in WEIRD:
        assert (
            staff.get("/api/v1/cases", {"state": value, "q": value, "region": value}).status_code
            < 500
        )
        assert api.anon().get(f"/api/v1/opinions/track/{value or 'x'}").status_code < 500
        r = staff.post(
            f"/api/v1/cases/{case.pk}/actions/triage",
            {"category": value, "region": value, "station": value},
        )
        assert r.status_code < 500
        r = api.anon().post(
            "/api/v1/opinions", {"content": value or "x", "deputy": value, "region": value}
        )
        assert r.status_code < 500
        r = staff.get("/api/v1/logs/contact", {"deputy": value, "format": value})
        assert r.status_code < 500
    r = api.anon().post(
        "/api/v1/opinions", {"content": "x", "deputy": demo_seat().pk, "anonymous": "maybe"}
    )
    assert r.status_code == 422
