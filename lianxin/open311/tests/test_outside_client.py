"""An outside GeoReport v2 client against a real server: `georeport` (PyPI, 0.3.1, the one
maintained Python client) lists the services, reads a service definition and reads a request
back, in JSON and XML. It has no way to create a request (its documentation says so), and the
other Python clients on PyPI (`open311` 1.1 of 2011, `three` 0.8.0 of 2013) are Python 2 code,
so the request is submitted with a plain form POST (`requests`), as SPEC-NOTES.md advises.

The server is the suite's live server (gunicorn on its own database with the demo loaded, as the
browser tests use): the client talks to it over HTTP, and the key is issued in that database by
the administrator's action, run there."""

from __future__ import annotations

import subprocess
import sys

import requests
from georeport import GeoReport

from lianxin.testing.browser import ROOT

from .helpers import validate


def _on_live(app, code: str) -> str:
    """Run Python (with Django set up) against the live server's database; its printed output."""
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=app.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1]


def test_an_outside_client_lists_submits_and_reads_back(live_server_app):
    key = _on_live(
        live_server_app,
        """
from lianxin.accounts.models import User
from lianxin.open311.actions import issue_key
_client, key = issue_key(name="外部客户端测试", acting_user=User.objects.get(username="admin"))
print(key)
""",
    )
    root = f"{live_server_app.url}/open311/v2"
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
    # The request is a case of the county chosen (read in the live server's own database).
    assert (
        _on_live(
            live_server_app,
            f"""
from lianxin.open311.models import Open311Request
print(Open311Request.objects.get(pk={int(request_id)}).case.region.code)
""",
        )
        == county
    )

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
