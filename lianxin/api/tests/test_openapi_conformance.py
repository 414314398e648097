"""The published OpenAPI document tells the truth: schemathesis sends every operation generated
requests (anonymous and with a staff token) through the WSGI application, on the demo world,
and checks that nothing answers 500, every status is declared and every body matches its
declared schema. A handful of examples per operation, derandomized, so the run is quick and
the same each time. In negative mode (requests that break the document) each must also be
refused with a 4xx; the one class left out is named where it is (`_exercise`)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from lianxin.api.auth import issue_token

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES = hypothesis_settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def wsgi_app():
    """The application as a server runs it, inside the test's transaction: the test client's
    way, without closing the connection at the end of each request."""
    from lianxin.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_document_names_each_schema_once_and_declares_the_errors(wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    document = schema.raw_schema
    region = document["components"]["schemas"]["RegionRef"]
    assert "full_name" in region["required"]  # the liaison API's, not the case list's
    case_row = document["components"]["schemas"]["CaseRow"]["properties"]["region"]
    assert "#/components/schemas/CaseRegion" in str(case_row)
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "409", "422", "429"):
                body = operation["responses"][status]["content"]["application/json"]["schema"]
                assert body == error or error in body.get("anyOf", []), (method, path, status)


@pytest.mark.parametrize("caller", ["anonymous", "staff"])
def test_every_operation_answers_as_documented(wsgi_app, users, caller):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    headers = {}
    if caller == "staff":
        headers["Authorization"] = f"Bearer {issue_token(users['jz_staff'])}"
    failures: dict[str, str] = {}
    count = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        count += 1
        _exercise(operation, headers, failures)
    assert count > 100
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())


NEGATIVE_CHECKS = [*CHECKS, negative_data_rejection]
NEGATIVE_EXAMPLES = hypothesis_settings(EXAMPLES, max_examples=3)


@pytest.mark.parametrize("caller", ["anonymous", "staff"])
def test_every_operation_refuses_invalid_input_with_a_declared_error(wsgi_app, users, caller):
    """Negative mode: bodies, queries and path parameters that break the document (a wrong
    type, a missing required property, a string too long…). Each is refused with a 4xx
    `Error` the operation declares, never accepted and never a 500."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    headers = {}
    if caller == "staff":
        headers["Authorization"] = f"Bearer {issue_token(users['jz_staff'])}"
    failures: dict[str, str] = {}
    sent = 0
    for result in schema.get_all_operations():
        sent += _exercise(
            result.ok(),
            headers,
            failures,
            mode=GenerationMode.NEGATIVE,
            checks=NEGATIVE_CHECKS,
            examples=NEGATIVE_EXAMPLES,
        )
    assert sent > 100  # most operations take some input that can be wrong
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())


def _negated(case, location) -> bool:
    meta = case.meta
    component = meta.components.get(location) if meta is not None else None
    return component is not None and component.mode == GenerationMode.NEGATIVE


def _exercise(
    operation,
    headers: dict,
    failures: dict[str, str],
    *,
    mode=GenerationMode.POSITIVE,
    checks=CHECKS,
    examples=EXAMPLES,
) -> int:
    """Send the operation its examples; note its first failure, if any. Returns how many
    requests were sent."""
    label = operation.label
    sent = []

    @examples
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        if label in failures:
            return
        if headers and _negated(case, ParameterLocation.HEADER):
            # The caller's token replaces the negated Authorization header: what is sent is no
            # longer the invalid request schemathesis made. The anonymous run sends those.
            return
        sent.append(1)
        try:
            case.call_and_validate(headers=headers, checks=checks)
        except (Failure, FailureGroup) as exc:  # every operation's failure is reported together
            failures[label] = f"{case.method} {case.formatted_path}: {str(exc)[:1500]}"

    try:
        run()
    except Unsatisfiable:
        # An operation without parameters or body (GET /api/v1/me…) has nothing to get wrong.
        if mode != GenerationMode.NEGATIVE:
            raise
    return len(sent)
