"""A work order through its actions: the API (triage, dispatch, sign-in, reply, return visit,
conclusion), the pages (the order's page and an action's page), the work list, and access."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lianxin.casework.models import CaseEvent, Evaluation
from lianxin.core.models import TrailEvent

from ..models import WorkOrder
from . import helpers

pytestmark = pytest.mark.django_db


def _order(api, django_capture_on_commit_callbacks) -> WorkOrder:
    src = helpers.source()
    table = helpers.rows(2, prefix="W")
    data = helpers.csv_bytes([table[1]])  # the second row: received, not dispatched
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user("jz_staff").post_multipart(
            "/api/v1/work-orders/imports",
            {"file": SimpleUploadedFile("w.csv", data), "source": src.name},
        )
    assert response.status_code == 202, response.content
    return WorkOrder.objects.select_related("case").get(source=src, number="W000002")


def _act(client, case_id, action, body):
    return client.post(f"/api/v1/cases/{case_id}/actions/{action}", body)


def test_the_loop_through_the_api(api, django_capture_on_commit_callbacks):
    order = _order(api, django_capture_on_commit_callbacks)
    pk = order.case_id
    staff, unit = api.as_user("jz_staff"), api.as_user("unit_demo")
    detail = staff.get(f"/api/v1/work-orders/{pk}").json()
    assert detail["number"] == "W000002" and detail["state"] == "received"
    assert [a["action"] for a in detail["available_actions"]] == ["triage", "merge"]

    steps = [
        (staff, "triage", {"category": "transport"}, "triaged"),
        (staff, "assign", {"lead_unit": "JZ-JTYSJ"}, "dispatched"),
        (
            unit,
            "consult",
            {"stage": "before", "form": "phone", "summary": "已与来电人电话联系"},
            "handling",
        ),
        (unit, "reply", {"content": "已安排维修，三日内完成。"}, "replied"),
        (staff, "evaluate", {"rating": "satisfied", "comment": "来电人表示满意"}, "visited"),
        (staff, "conclude", {"note": ""}, "concluded"),
    ]
    for who, action, body, state in steps:
        response = _act(who, pk, action, body)
        assert response.status_code == 200, (action, response.content)
        assert response.json()["state"] == state
        assert response.json()["number"] == "W000002"
    visit = Evaluation.objects.get(case_id=pk)
    assert visit.rating == "satisfied" and visit.comment == "来电人表示满意"
    actions = list(
        CaseEvent.objects.filter(case_id=pk).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["import", "triage", "assign", "consult", "reply", "evaluate", "conclude"]
    trail = TrailEvent.objects.filter(object_id=str(pk), action__startswith="casework.")
    assert trail.count() == 6

    # Out of turn: 409; someone else's step: 403.
    assert _act(staff, pk, "triage", {"category": "transport"}).status_code == 409


def test_dissatisfied_visit_is_handled_again(api, django_capture_on_commit_callbacks):
    order = _order(api, django_capture_on_commit_callbacks)
    pk = order.case_id
    staff, unit = api.as_user("jz_staff"), api.as_user("unit_demo")
    _act(staff, pk, "triage", {"category": "transport"})
    _act(staff, pk, "assign", {"lead_unit": "JZ-JTYSJ"})
    _act(unit, pk, "reply", {"content": "已处理。"})
    assert _act(unit, pk, "evaluate", {"rating": "satisfied"}).status_code == 403
    _act(staff, pk, "evaluate", {"rating": "dissatisfied", "comment": "问题仍未解决"})
    refused = _act(staff, pk, "conclude", {})
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    again = _act(staff, pk, "rehandle", {"reason": "回访不满意"})
    assert again.status_code == 200 and again.json()["state"] == "handling"


def test_other_countys_staff_and_strangers_get_404(api, django_capture_on_commit_callbacks):
    order = _order(api, django_capture_on_commit_callbacks)
    pk = order.case_id
    for username in ("yc_staff", "tg_staff", "unit_other"):
        client = api.as_user(username)
        assert client.get(f"/api/v1/work-orders/{pk}").status_code == 404
        response = _act(client, pk, "triage", {"category": "transport"})
        assert response.status_code == 404 and set(response.json()) >= {"code", "message"}
    page = Client()
    page.force_login(helpers_user("yc_staff"))
    assert page.get(f"/work-orders/{pk}/").status_code == 404
    assert page.get(f"/work-orders/{pk}/actions/triage/").status_code == 404


def helpers_user(username):
    from lianxin.accounts.models import User

    return User.objects.get(username=username)


def test_the_pages_take_the_steps(api, django_capture_on_commit_callbacks, users):
    order = _order(api, django_capture_on_commit_callbacks)
    pk = order.case_id
    client = Client()
    client.force_login(users["jz_staff"])
    page = client.get(f"/work-orders/{pk}/").content.decode()
    assert 'id="order-number">W000002<' in page and 'data-action="triage"' in page
    form = client.get(f"/work-orders/{pk}/actions/triage/")
    assert form.status_code == 200
    from lianxin.casework.models import Category

    done = client.post(
        f"/work-orders/{pk}/actions/triage/",
        {"category": Category.objects.get(code="transport").pk, "version": order.case.version},
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    order.case.refresh_from_db()
    assert order.case.state == "triaged"
    # The workbench lists it for the hotline staff.
    bench = client.get("/workbench/").content.decode()
    assert "待分类、派单的 12345 工单" in bench
    nav = bench[bench.index('class="top-nav"') : bench.index("</nav>")]
    assert 'href="/work-orders/"' in nav
    listing = client.get("/work-orders/?state=triaged").content.decode()
    assert "W000002" in listing


def test_the_demo_has_work_orders_imported_through_the_import():
    orders = WorkOrder.objects.filter(source__name="晋中市12345热线")
    assert orders.count() == 4
    states = set(orders.values_list("case__state", flat=True))
    assert states == {"received", "triaged", "dispatched", "handling"}


def test_the_import_is_documented(api):
    doc = api.get("/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/work-orders/imports"]["post"]
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert {"file", "source", "valid_rows_only"} <= set(
        body.get("properties")
        or doc["components"]["schemas"][body["$ref"].split("/")[-1]]["properties"]
    )
    assert "422" in operation["responses"]
    assert "/api/v1/cases/{case_id}/actions/evaluate" in doc["paths"]


def test_the_order_page_shows_the_same_issue_from_another_order(
    api, django_capture_on_commit_callbacks, users
):
    src = helpers.source()
    first, second = helpers.rows(2, prefix="D")
    second[2], second[3] = first[2], "再次反映：" + first[3]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_user("jz_staff").post_multipart(
            "/api/v1/work-orders/imports",
            {
                "file": SimpleUploadedFile("d.csv", helpers.csv_bytes([first, second])),
                "source": src.name,
            },
        )
    assert response.status_code == 202, response.content
    one = WorkOrder.objects.get(source=src, number="D000001").case_id
    two = WorkOrder.objects.get(source=src, number="D000002").case_id
    client = Client()
    client.force_login(users["jz_staff"])
    page = client.get(f"/work-orders/{two}/").content.decode()
    assert 'id="possible-duplicates"' in page and f'data-duplicate="{one}"' in page
