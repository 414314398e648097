"""Bodies in the two formats of GeoReport v2. JSON is the mechanical mapping of the XML: the
XML root wrapper disappears, lists are bare arrays. XML carries a declaration, UTF-8."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# (root wrapper, element of one item) for each list body; XML lists inside an item are named
# by their plural key with one element per value.
WRAPPERS = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}
ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, data: dict) -> None:
    for key, value in data.items():
        child = ET.SubElement(element, key)
        if isinstance(value, dict):
            _fill(child, value)
        elif isinstance(value, list):
            name = ITEM_NAMES.get(key, "item")
            for item in value:
                sub = ET.SubElement(child, name)
                if isinstance(item, dict):
                    _fill(sub, item)
                else:
                    sub.text = _text(item)
        else:
            child.text = _text(value)


def to_xml(body, shape: str) -> bytes:
    if shape in WRAPPERS:
        root_name, item_name = WRAPPERS[shape]
        root = ET.Element(root_name)
        for item in body:
            _fill(ET.SubElement(root, item_name), item)
    else:  # one object: "service_definition", "discovery"
        root = ET.Element(shape)
        _fill(root, body)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def respond(body, shape: str, fmt: str, *, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        content = to_xml(body, shape)
    else:
        fmt = "json"
        content = json.dumps(body, ensure_ascii=False).encode()
    return HttpResponse(content, status=status, content_type=FORMATS[fmt])


def error(status: int, description: str, fmt: str, *, retry_after: int | None = None):
    response = respond([{"code": status, "description": description}], "errors", fmt, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
