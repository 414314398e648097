"""An outside GeoReport v2 client against a live server: `georeport` (PyPI, 0.3.1, the one
maintained Python client) lists the services, reads a service definition and reads a request
back, in JSON and XML. It has no way to create a request (its documentation says so), and the
other Python clients on PyPI (`open311` 1.1 of 2011, `three` 0.8.0 of 2013) are Python 2 code,
so the request is submitted with a plain form POST (`requests`), as SPEC-NOTES.md advises.

pytest-django's live_server needs a transactional test, whose database is emptied afterwards;
the demo world is snapshotted before this module and put back after it."""

from __future__ import annotations

import pytest
import requests
from django.apps import apps
from django.db import connection
from georeport import GeoReport

from lianxin.open311.models import Open311Request

from .helpers import validate

_SEARCH_ROWS: list = []


@pytest.fixture(scope="module", autouse=True)
def _keep_the_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
        # serialized_rollback restores this before the test (instead of the empty database
        # serialized when it was created) ...
        connection._test_serialized_contents = snapshot
    yield
    with django_db_blocker.unblock():
        # ... and the flush after the test is undone here for the tests that follow.
        connection.creation.deserialize_db_from_string(snapshot)
        if _SEARCH_ROWS:
            with connection.cursor() as cursor:
                cursor.execute("SELECT id FROM casework_case")
                cases = {row[0] for row in cursor.fetchall()}
                cursor.executemany(
                    "INSERT INTO casework_search (rowid, words, grams) VALUES (%s, %s, %s)",
                    [row for row in _SEARCH_ROWS if row[0] in cases],
                )
            _SEARCH_ROWS.clear()
        with connection.cursor() as cursor:
            # The search entry of the case the test filed (SQLite keeps its table) goes too.
            cursor.execute(
                "DELETE FROM casework_search WHERE rowid NOT IN (SELECT id FROM casework_case)"
            )


@pytest.fixture
def _unmanaged_search_table():
    """On PostgreSQL the flush truncates the unmanaged search table (casework.search) with the
    cases it refers to (TRUNCATE … CASCADE, which `available_apps` turns on): its rows are kept
    aside here and put back after the snapshot. SQLite's FTS5 table is not flushed."""
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid, words, grams FROM casework_search")
            _SEARCH_ROWS.extend(cursor.fetchall())


@pytest.mark.django_db(
    transaction=True,
    serialized_rollback=True,
    # Every app: only so that the flush may cascade to the unmanaged search table.
    available_apps=[app.name for app in apps.get_app_configs()],
)
def test_an_outside_client_lists_submits_and_reads_back(live_server, _unmanaged_search_table):
    from lianxin.casework.tests.helpers import user
    from lianxin.open311.actions import issue_key

    _client, key = issue_key(name="外部客户端测试", acting_user=user("admin"))
    root = f"{live_server.url}/open311/v2"
    client = GeoReport(root, jurisdiction="jinzhong.gov.cn", api_key=key)

    services = client.get_service_list()
    validate(services, "services.json")
    codes = [s["service_code"] for s in services]
    assert "transport" in codes
    definition = client.get_service_definition("transport")
    validate(definition, "service-definition.json")
    region = definition["attributes"][0]
    assert region["code"] == "region"
    county = next(v["key"] for v in region["values"] if v["name"] == "榆次区")

    r = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": client.api_key,
            "jurisdiction_id": client.jurisdiction,
            "service_code": "transport",
            "lat": "37.6875",
            "long": "112.7530",
            "address_string": "榆次区迎宾街",
            "description": "迎宾街公交站牌被撞倒，候车的群众无处看线路。",
            f"attribute[{region['code']}]": county,
        },
        headers={"Idempotency-Key": "outside-client-0001"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    (created,) = r.json()
    request_id = created["service_request_id"]
    assert Open311Request.objects.get(pk=int(request_id)).case.region.code == county

    one = client.get_service_request(request_id)
    validate([one], "requests.json")
    assert one["status"] == "open" and one["service_code"] == "transport"
    assert one["address"] == "榆次区迎宾街"
    listed = client.get_service_requests(service_request_id=request_id)
    assert [x["service_request_id"] for x in listed] == [request_id]
    assert request_id in [x["service_request_id"] for x in client.get_service_requests()]

    # The same reads in XML, through the client's own XML parsing.
    xml = GeoReport(root, jurisdiction="jinzhong.gov.cn", output_format="xml")
    assert [s["service_code"] for s in xml.get_service_list()] == codes
    assert xml.get_service_definition("transport")["service_code"] == "transport"
    read = xml.get_service_request(request_id)
    assert read["service_request_id"] == request_id and read["status"] == "open"
    assert float(read["lat"]) == 37.6875 and read["address"] == "榆次区迎宾街"
