"""The one error body of the API, and its declaration on every operation of the document.

Every refusal leaves as JSON `{"code", "message"}` (lianxin.api.api's handlers; some add
`field` or `fields`), whatever the operation: a bad body (400, 422), no or a bad token (401),
not allowed (403), not found or not yours (404), a conflict (409), too large (413), locked out
or too many requests (429). `declare_errors` writes those answers into the document once, for
every operation (the action operations of lianxin.casework.kinds included), so that a new
operation is documented with them without saying so."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict

ERROR_STATUSES = {
    400: "请求格式有误",
    401: "未登录或令牌无效",
    403: "无权进行此操作",
    404: "未找到（或不属于您可见的范围）",
    409: "与当前状态冲突",
    413: "提交的内容过大",
    422: "内容校验未通过",
    429: "尝试过多，已被暂时锁定或限流",
}
REF = {"$ref": "#/components/schemas/Error"}


class Error(Schema):
    """An error: a stable machine code and a message for people; some errors add `field` (the
    field at fault) or `fields` (every field at fault)."""

    model_config = ConfigDict(extra="allow")

    code: str
    message: str


def declare_errors(openapi: dict) -> dict:
    """Add the `Error` answers to every operation of `openapi`. An operation that declares a
    status with a body of its own (the import report's 422) answers either."""
    components = openapi.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", Error.model_json_schema(ref_template="{model}"))
    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, description in ERROR_STATUSES.items():
                declared = responses.pop(status, None) or responses.get(str(status))
                if declared is None:
                    responses[str(status)] = {
                        "description": description,
                        "content": {"application/json": {"schema": REF}},
                    }
                    continue
                content = declared.setdefault("content", {}).setdefault("application/json", {})
                schema = content.get("schema")
                if schema is None:
                    content["schema"] = REF
                elif schema != REF and REF not in schema.get("anyOf", []):
                    content["schema"] = {"anyOf": [schema, REF]}
                responses[str(status)] = declared
    return openapi
