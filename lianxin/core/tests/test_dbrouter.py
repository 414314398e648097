"""Reads where they belong (core.dbrouter): which database each read goes to, with and without
a replica. The decisions are read from the settings; a replica alias is named in them (the
same database as `default`), and no query is sent to it here — the cluster's fault test
(lianxin/core/tests/test_cluster_faults.py) reads through a real one."""

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from lianxin.core import dbrouter
from lianxin.core.dbrouter import PIN_COOKIE, ReadRoutingMiddleware, ReplicaRouter

# The replica alias is added to settings.DATABASES only for the routing decisions.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


def _with_replica():
    from django.conf import settings

    return override_settings(
        DATABASES={**settings.DATABASES, "replica": {**settings.DATABASES["default"]}},
        LIANXIN_READ_PIN_SECONDS=7,
    )


def _through_middleware(request):
    """The middleware's answer to `request`, and where a read inside the view would go."""
    seen = {}

    def view(req):
        seen["read"] = ReplicaRouter().db_for_read(None)
        return HttpResponse("ok")

    response = ReadRoutingMiddleware(view)(request)
    return response, seen["read"]


def test_without_a_replica_everything_reads_the_primary_and_no_cookie_is_set():
    rf = RequestFactory()
    assert not dbrouter.reads_replica("GET", "/public/", {})
    response, read = _through_middleware(rf.get("/public/"))
    assert read == "default"
    response, read = _through_middleware(rf.post("/opinions/new/"))
    assert read == "default"
    assert PIN_COOKIE not in response.cookies


def test_with_a_replica_public_pages_dashboard_search_and_exports_read_it():
    rf = RequestFactory()
    with _with_replica():
        for path in (
            "/",
            "/public/",
            "/public/r/110000/",
            "/search/",
            "/search/export.xlsx",
            "/cases/export.xlsx",
            "/logs/export/",
            "/suggestions/report/",
        ):
            response, read = _through_middleware(rf.get(path))
            assert read == "replica", path
            assert PIN_COOKIE not in response.cookies
        # Everything else reads the primary: a case, the tracking page, the API, a form.
        for path in ("/cases/12/", "/t/ABCDEFGHJK", "/api/v1/opinions", "/opinions/new/"):
            _response, read = _through_middleware(rf.get(path))
            assert read == "default", path


def test_a_write_pins_the_browser_to_the_primary_for_a_while():
    rf = RequestFactory()
    with _with_replica():
        response, read = _through_middleware(rf.post("/public/"))
        assert read == "default"
        cookie = response.cookies[PIN_COOKIE]
        assert cookie["max-age"] == 7
        assert cookie["httponly"]
        # The same browser's next page reads its own write from the primary.
        pinned = rf.get("/public/")
        pinned.COOKIES[PIN_COOKIE] = "1"
        _response, read = _through_middleware(pinned)
        assert read == "default"


def test_reads_outside_a_transaction_may_use_the_replica():
    with _with_replica(), dbrouter.use_replica(True):
        assert ReplicaRouter().db_for_read(None) == "replica"
    assert ReplicaRouter().db_for_read(None) == "default"


@pytest.mark.django_db
def test_reads_inside_a_transaction_go_to_the_primary():
    # The test runs inside a transaction on `default`, as a view under atomic() does.
    with _with_replica(), dbrouter.use_replica(True), transaction.atomic():
        assert ReplicaRouter().db_for_read(None) == "default"


def test_writes_and_migrations_go_to_the_primary():
    router = ReplicaRouter()
    with _with_replica(), dbrouter.use_replica(True):
        assert router.db_for_write(None) == "default"
        assert router.allow_migrate("default", "casework")
        assert not router.allow_migrate("replica", "casework")
