"""The official GeoReport v2 JSON Schemas (../shared/data/open311/schemas, unmodified), with
format checking on, and our own checks of what they do not say (SPEC-NOTES.md, errata)."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from lianxin.testing.data import shared_data

SCHEMAS = shared_data("open311", "schemas")
BASE = "https://schemas.open311.test/georeport-v2/"
ZONED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def _load(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def _validator(name: str):
    registry = Registry().with_resources(
        (BASE + n, Resource.from_contents(_load(n), default_specification=DRAFT4))
        for n in ("request.json", "requests.json", "service.json", "services.json")
    )
    schema = {**_load(name), "id": BASE + name}
    return jsonschema.Draft4Validator(
        schema, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def validate(body, name: str) -> None:
    """Raise unless `body` validates against the official schema `name` (and our errata)."""
    _validator(name).validate(body)
    items = body if isinstance(body, list) else [body]
    for item in items:
        assert isinstance(item, dict)
        for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
            if item.get(key) is not None:
                assert ZONED.match(item[key]), (key, item[key])


def validate_error(body, status: int) -> None:
    assert isinstance(body, list) and body, body
    for item in body:
        assert set(item) == {"code", "description"}
        assert item["code"] == status and isinstance(item["description"], str)
        assert item["description"].strip()


def xml_root(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(response.content)
