"""Hostile text in every text field: Chinese, emoji, right-to-left marks, control characters
(NUL among them), lone surrogates where the transport carries them, a 100,000-character string
and markup, fed to every text field of every form page (as the users who may use the page) and
to every string property of every API request body. Nothing may answer 500, and markup that was
stored is never sent back as markup: every page a fuzzed value may appear on is read again at
the end and must hold none of it unescaped.

The form pages are found by walking the URL configuration (every route without parameters is
an entry, as each persona of the demo world) and following the links of those pages one step,
one concrete page per route: that reaches the pages of one case, one station, one activity….
The API operations come from /api/v1/openapi.json. Each field gets the fixed hostile values
below and a few that hypothesis draws (derandomized, so the run is the same each time); the
whole run takes under a minute on an idle machine."""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import re
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

# Who walks the pages: the personas of the demo world (lianxin/org/demo.py) that hold the
# forms between them (the leader, the station and the administrator have none of their own),
# and nobody.
PERSONAS = [None, "jz_staff", "yc_staff", "deputy_demo", "unit_demo", "member_demo", "cppcc_staff"]
# Who reads everything back at the end.
READERS = [None, "yc_staff", "cppcc_staff"]

# What a stored value must never come back as (the values below carry these).
MARKUP = [
    '<script>fz("s")</script>',
    '"><img src=x onerror=fz("i")>',
    "'><svg onload=fz('v')>",
    "<a href=\"javascript:fz('a')\">链接</a>",
]
# Escaped, these are text (`&lt;img src=x onerror=…`); only the raw tag would run.
RAW = re.compile(r"<script>fz\(|<img src=x onerror=fz\(|<svg onload=fz\(|<a href=\"javascript:fz\(")

FIXED = [
    # Stored as given: Chinese, emoji (outside the BMP), RTL marks, markup.
    "群众意见：路灯不亮😀👨‍👩‍👧\u202e倒序\u200f\u200e" + MARKUP[0] + MARKUP[1],
    "测试" + MARKUP[2] + MARKUP[3] + "\u2066\u2069\ufeff",
    # Control characters: PostgreSQL refuses NUL in text.
    "前\x00中\x01\x07\x08\x0b\x0c\x1b\x7f\x85后\r\n\t",
    # A lone surrogate (JSON carries it; a form's UTF-8 can only carry its bytes).
    "孤\ud800立\udfff",
    # Very long.
    "长" * 100_000,
]
GENERATED = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()),
    min_size=1,
    max_size=60,
)
EXAMPLES = hypothesis_settings(
    max_examples=1,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)

# Pages not walked: the sign-out form (it ends the session being fuzzed), files and exports
# (not forms, and slow to render), the administration site (Django's own).
SKIP_PATH = re.compile(
    r"^/(api/|admin/|static/|media/|metrics|healthz|readyz|logout)"
    r"|\.(pdf|xlsx|csv|png|jpg|svg|zip)$|/(export|download|print|cards|pdf|qr)(/|\.|$)"
)
TEXT_TYPES = {"text", "search", "email", "url", "tel", "password", ""}


class Form:
    def __init__(self, page: str, attrs: dict):
        self.page = page
        self.method = (attrs.get("method") or "get").lower()
        self.action = urljoin(page, attrs.get("action") or page)
        self.multipart = "multipart" in (attrs.get("enctype") or "")
        self.fields: list[dict] = []  # {"tag", "type", "name", "value", "options", "checked"}

    def key(self) -> tuple:
        page = _page_key(urlsplit(self.action).path) or self.action
        return (self.method, page, tuple(sorted(f["name"] for f in self.fields)))

    def text_fields(self) -> list[str]:
        names = []
        for f in self.fields:
            textual = f["tag"] == "textarea" or (f["tag"] == "input" and f["type"] in TEXT_TYPES)
            if textual and f["name"] not in names:
                names.append(f["name"])
        return names

    def defaults(self) -> list[tuple[str, str]]:
        """What a person would send: the values on the page, a plausible value in an empty
        field, the first choice of a list, the checked boxes."""
        out: list[tuple[str, str]] = []
        radios: set[str] = set()
        for f in self.fields:
            kind, name, value = f["type"], f["name"], f.get("value") or ""
            if f["tag"] == "select":
                options = [v for v in f["options"] if v]
                chosen = f.get("selected") or (options[0] if options else "")
                out.append((name, chosen))
            elif kind == "file" or kind in ("submit", "button", "reset", "image"):
                continue
            elif kind == "checkbox":
                if f.get("checked"):
                    out.append((name, value or "on"))
            elif kind == "radio":
                if name not in radios and (f.get("checked") or True):
                    radios.add(name)
                    out.append((name, value))
            elif value:
                out.append((name, value))
            elif kind == "tel":
                out.append((name, "13800138000"))
            elif kind == "email":
                out.append((name, "test@example.cn"))
            elif kind == "url":
                out.append((name, "https://example.cn/"))
            elif kind == "date":
                out.append((name, (dt.date.today() + dt.timedelta(days=3)).isoformat()))
            elif kind == "datetime-local":
                out.append(
                    (name, (dt.datetime.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"))
                )
            elif kind == "time":
                out.append((name, "09:30"))
            elif kind == "number":
                out.append((name, f.get("min") or "1"))
            elif kind == "hidden":
                out.append((name, ""))
            else:
                out.append((name, "测试内容"))
        return out


class FormParser(html.parser.HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page, a["href"]))
        elif tag == "form":
            self._form = Form(self.page, a)
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        elif tag == "input":
            self._form.fields.append(
                {
                    "tag": "input",
                    "type": (a.get("type") or "").lower(),
                    "name": a["name"],
                    "value": a.get("value", ""),
                    "checked": "checked" in a,
                    "min": a.get("min"),
                }
            )
        elif tag == "textarea":
            self._textarea = {"tag": "textarea", "type": "", "name": a["name"], "value": ""}
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = {"tag": "select", "type": "", "name": a["name"], "options": []}
            self._form.fields.append(self._select)

    def _option(self, a):
        value = a.get("value", "")
        self._select["options"].append(value)
        if "selected" in a:
            self._select["selected"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _routes() -> list[str]:
    """Every route of the URL configuration that takes no parameter."""
    out: list[str] = []

    def walk(patterns, prefix):
        for p in patterns:
            pattern = str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + pattern)
            elif isinstance(p, URLPattern) and "<" not in pattern and "(" not in pattern:
                path = "/" + (prefix + pattern).lstrip("^").rstrip("$")
                if not SKIP_PATH.search(path) and path not in out:
                    out.append(path)

    walk(get_resolver().url_patterns, "")
    return out


def _client(username: str | None) -> Client:
    from lianxin.accounts.models import User

    client = Client(raise_request_exception=False)
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def _page_key(path: str) -> tuple | None:
    """One concrete page per route; a route's word parameters (the action of
    /cases/<pk>/actions/<action>/) make pages of their own."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    words = tuple(
        sorted(
            (k, v)
            for k, v in match.kwargs.items()
            if isinstance(v, str) and re.fullmatch(r"[a-z_]+", v)
        )
    )
    return (match.route, words)


def _extra_entries() -> list[str]:
    """Pages no list links to: the scan page of a station and of a deputy, the writing page of
    a suggestion for each seat, and one case of each kind in each state (their action forms
    differ by state)."""
    from lianxin.casework.models import Case
    from lianxin.liaison.models import Station
    from lianxin.org.models import Deputy

    out = []
    station = Station.objects.exclude(scan_code="").order_by("pk").first()
    if station is not None:
        out.append(f"/s/{station.scan_code}")
    deputy = Deputy.objects.exclude(scan_code="").order_by("pk").first()
    if deputy is not None:
        out.append(f"/s/{deputy.scan_code}")
    # The suggestion's writing page of each seat of a deputy who holds two (the seat is chosen
    # by its congress first).
    for congress_id in (
        Deputy.objects.filter(person__user__username="deputy_demo")
        .order_by("pk")
        .values_list("congress_id", flat=True)
    ):
        out.append(f"/suggestions/new/?congress={congress_id}")
    seen = set()
    for pk, kind, state in Case.objects.order_by("pk").values_list("pk", "kind", "state"):
        if (kind, state) not in seen:
            seen.add((kind, state))
            out.append(f"/cases/{pk}/")
    return out


def _discover() -> list[tuple[str | None, Form]]:
    """(persona, form) for each distinct form found, the first persona that reached it."""
    found: dict[tuple, tuple[str | None, Form]] = {}
    routes, extra = _routes(), _extra_entries()
    for persona in PERSONAS:
        client = _client(persona)
        seen: set[tuple] = set()
        queue = [(path, 0) for path in routes] + [(path, -1) for path in extra]
        while queue:
            path, depth = queue.pop(0)
            key = _page_key(urlsplit(path).path) if depth >= 0 else ("entry", path)
            if key is None or key in seen:
                continue
            seen.add(key)
            response = client.get(path)
            assert response.status_code < 500, (persona, path, response.status_code)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = FormParser(path)
            parser.feed(response.content.decode())
            for form in parser.forms:
                if not form.fields or SKIP_PATH.search(urlsplit(form.action).path):
                    continue
                found.setdefault(form.key(), (persona, form))
            for link in parser.links:
                parts = urlsplit(link)
                if parts.netloc not in ("", "testserver") or SKIP_PATH.search(parts.path):
                    continue
                # One step from the entries; two towards a case's action pages.
                if depth <= 0 or "/actions/" in parts.path:
                    queue.append((parts.path + (f"?{parts.query}" if parts.query else ""), 1))
    return list(found.values())


def _encode(pairs: list[tuple[str, str]]) -> str:
    """A form body as a browser sends it; a lone surrogate goes as its (invalid) UTF-8 bytes."""
    return "&".join(
        quote(k.encode("utf-8", "surrogatepass"), safe="")
        + "="
        + quote(v.encode("utf-8", "surrogatepass"), safe="")
        for k, v in pairs
    )


def _no_surrogates(value: str) -> str:
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _send(client: Client, form: Form, pairs: list[tuple[str, str]]):
    if form.method == "get":
        return client.get(form.action.split("?")[0] + "?" + _encode(pairs))
    if form.multipart:
        data: dict[str, list[str]] = {}
        for k, v in pairs:
            data.setdefault(k, []).append(_no_surrogates(v))
        return client.post(form.action, data)
    return client.post(
        form.action, _encode(pairs), content_type="application/x-www-form-urlencoded"
    )


def _check(response, where: str, problems: list[str]) -> None:
    if response.status_code >= 500:
        problems.append(f"{where}: {response.status_code}")
        return
    body = response.content.decode("utf-8", "replace")
    if "html" in response.get("Content-Type", "") and RAW.search(body):
        problems.append(f"{where}: markup sent back unescaped: {RAW.search(body)[0]}")


def _fuzz_field(client, form, field, problems, where):
    base = form.defaults()

    def one(value: str):
        pairs = [(k, value if k == field else v) for k, v in base]
        if field not in {k for k, _ in base}:
            pairs.append((field, value))
        response = _send(client, form, pairs)
        _check(response, f"{where} {field}={value[:30]!r}", problems)
        stored = value in FIXED[:2]  # the markup: where a saved form leads must show it as text
        redirect = response.status_code in (301, 302, 303)
        if stored and redirect and response.get("Location", "").startswith("/"):
            _check(client.get(response["Location"]), f"{where} → {response['Location']}", problems)

    for value in FIXED:
        one(value)

    @EXAMPLES
    @given(value=GENERATED)
    def generated(value):
        one(value)

    generated()


def test_every_text_field_of_every_form_page_takes_hostile_text_without_a_500():
    forms = _discover()
    assert len(forms) > 40, [f.key() for _, f in forms]
    problems: list[str] = []
    fields = 0
    for persona, form in forms:
        client = _client(persona)
        for field in form.text_fields():
            fields += 1
            _fuzz_field(client, form, field, problems, f"{persona} {form.method} {form.action}")
    assert fields >= 70
    # Whatever was stored is read again on the pages that show it, as each persona.
    for persona in READERS:
        client = _client(persona)
        for path in _routes():
            _check(client.get(path), f"{persona} GET {path}", problems)
    assert not problems, "\n".join(problems[:60])


# --- The API ---------------------------------------------------------------------------------

# Who calls an operation: its path's first word decides (the persona whose work it is).
CALLERS = {
    "opinions": None,
    "auth": None,
    "suggestions": "deputy_demo",
    "motions": "deputy_demo",
    "commitments": "jz_staff",
    "proposals": "member_demo",
    "sentiment": "cppcc_staff",
    "duty": "yc_staff",
    "stations": "jz_staff",
    "users": "jz_staff",
    "me": "unit_demo",
    "cases": "yc_staff",
    "work-orders": "jz_staff",
    "consultations": "yc_staff",
    "consultation-opinions": "yc_staff",
    "bulletins": "yc_staff",
}
API_FIXED = [FIXED[0], FIXED[2], FIXED[3], FIXED[4]]  # markup, control characters, surrogate, long


def _path_ids() -> dict[str, str]:
    """A real object for each path parameter, so that a body reaches the code behind it."""
    from lianxin.casework.models import Attachment, Case, Commitment
    from lianxin.duty.models import Activity, DutyPost, Invitation
    from lianxin.liaison.models import Station
    from lianxin.org.models import Deputy
    from lianxin.sentiment.models import SentimentIssue, SentimentReport

    def first(model, **filters):
        obj = model.objects.filter(**filters).order_by("pk").first()
        return str(obj.pk) if obj else "1"

    opinion = Case.objects.filter(kind="opinion").exclude(tracking_code="").order_by("pk").first()
    return {
        "case_id": first(Case, kind="opinion"),
        "issue_id": first(SentimentIssue),
        "commitment_id": first(Commitment),
        "activity_id": first(Activity),
        "invitation_id": first(Invitation),
        "post_id": first(DutyPost),
        "report_id": first(SentimentReport),
        "station_id": first(Station),
        "deputy_id": first(Deputy),
        "attachment_id": first(Attachment),
        "token_id": "1",
        "kind": "opinion",
        "code": opinion.tracking_code if opinion else "X",
        "tracking_code": opinion.tracking_code if opinion else "X",
    }


def _resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            choices = [c for c in schema[key] if c.get("type") != "null"]
            return _resolve(choices[0], document) if choices else {"type": "null"}
    return schema


def _sample(schema: dict, document: dict, name: str = ""):
    """A plausible value of `schema`."""
    schema = _resolve(schema, document)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {
            k: _sample(v, document, k) for k, v in props.items() if k in schema.get("required", [])
        }
    if kind == "array":
        n = schema.get("minItems", 0)
        return [_sample(schema.get("items", {}), document, name) for _ in range(n)]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return (dt.date.today() + dt.timedelta(days=3)).isoformat()
        if fmt == "date-time":
            return (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()
        if fmt == "binary":
            return None
        if "phone" in name:
            return "13800138000"
        return "测试内容"
    return None


def _string_paths(schema: dict, document: dict, at=(), depth=0) -> list[tuple]:
    """Where in a body a string goes: ("title",), ("items", 0, "note")…"""
    schema = _resolve(schema, document)
    if depth > 3:
        return []
    if (
        schema.get("type") == "string"
        and "enum" not in schema
        and schema.get("format")
        not in (
            "binary",
            "date",
            "date-time",
        )
    ):
        return [at]
    out = []
    for k, v in schema.get("properties", {}).items():
        out += _string_paths(v, document, (*at, k), depth + 1)
    if schema.get("type") == "array":
        out += _string_paths(schema.get("items", {}), document, (*at, 0), depth + 1)
    return out


def _put(body, at: tuple, value, schema, document):
    """`body` with `value` at `at`, the objects and lists on the way made as needed."""
    node = body
    sub = _resolve(schema, document)
    for i, step in enumerate(at):
        last = i == len(at) - 1
        if isinstance(step, int):
            item_schema = sub.get("items", {})
            while len(node) <= step:
                node.append(_sample(item_schema, document))
            if last:
                node[step] = value
            else:
                if not isinstance(node[step], dict | list):
                    node[step] = _sample(item_schema, document) or {}
                node, sub = node[step], _resolve(item_schema, document)
        else:
            prop = sub.get("properties", {}).get(step, {})
            if last:
                node[step] = value
            else:
                if not isinstance(node.get(step), dict | list):
                    node[step] = _sample(prop, document, step)
                    if node[step] is None:
                        node[step] = {}
                node, sub = node[step], _resolve(prop, document)
    return body


def _api_client(persona: str | None) -> Client:
    from lianxin.accounts.models import User
    from lianxin.api.auth import issue_token

    if persona is None:
        return Client(raise_request_exception=False)
    token = issue_token(User.objects.get(username=persona))
    return Client(raise_request_exception=False, headers={"Authorization": f"Bearer {token}"})


class Operation:
    def __init__(self, client, method, path, schema, json_body, document):
        self.client, self.method, self.path = client, method, path
        self.schema, self.json_body, self.document = schema, json_body, document

    def send(self, at: tuple, value: str):
        data = _sample(self.schema, self.document) or {}
        data = _put(data, at, value, self.schema, self.document)
        if self.json_body:
            raw = json.dumps(data)  # a lone surrogate stays an escape: valid JSON text
            return getattr(self.client, self.method)(
                self.path, raw, content_type="application/json"
            )
        fields = {
            k: _no_surrogates(v) if isinstance(v, str) else json.dumps(v)
            for k, v in data.items()
            if v is not None
        }
        return self.client.post(self.path, fields)

    def fuzz(self, at: tuple, values: list[str], problems: list[str]) -> None:
        def one(value):
            response = self.send(at, value)
            if response.status_code >= 500:
                problems.append(
                    f"{self.method.upper()} {self.path} {'.'.join(map(str, at))}"
                    f"={value[:30]!r}: {response.status_code}"
                )

        for value in values:
            one(value)

        @EXAMPLES
        @given(value=GENERATED)
        def generated(value):
            one(value)

        generated()


def test_every_string_of_every_api_body_takes_hostile_text_without_a_500():
    document = Client().get("/api/v1/openapi.json").json()
    ids = _path_ids()
    clients: dict = {}
    problems: list[str] = []
    strings = 0
    for template, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody")
            if not body:
                continue
            path = re.sub(r"\{(\w+)\}", lambda m: quote(ids.get(m[1], "1")), template)
            word = template.removeprefix("/api/v1/").split("/")[0]
            persona = CALLERS.get(word, "yc_staff")
            client = clients.setdefault(persona, _api_client(persona))
            json_body = "application/json" in body["content"]
            schema = body["content"]["application/json" if json_body else "multipart/form-data"]
            schema = schema["schema"]
            targets = _string_paths(schema, document)
            values = API_FIXED if "/actions/" not in template else API_FIXED[:3]
            operation = Operation(client, method, path, schema, json_body, document)
            for at in targets:
                strings += 1
                operation.fuzz(at, values, problems)
    assert strings > 100
    # Whatever the API stored is read again on the pages that show it.
    for persona in READERS:
        page_client = _client(persona)
        for path in _routes():
            _check(page_client.get(path), f"{persona} GET {path}", problems)
    assert not problems, "\n".join(problems[:60])


def test_a_nul_or_a_lone_surrogate_in_a_json_body_is_a_400_and_an_escaped_backslash_is_text():
    client = Client()
    for text in ("意见\x00", "孤\ud800"):
        response = client.post(
            "/api/v1/auth/token",
            json.dumps({"username": text, "password": "x"}),
            content_type="application/json",
        )
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_characters" and response.json()["message"]
    # A backslash followed by "u0000" is six characters of text, not a NUL.
    response = client.post(
        "/api/v1/auth/token",
        json.dumps({"username": "\\u0000", "password": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 401


def test_a_nul_in_the_query_string_is_taken_out_before_a_view_reads_it(users):
    client = _client("jz_staff")
    plain = client.get("/suggestions/", {"q": "交通"})
    nul = client.get("/suggestions/?q=%E4%BA%A4%00%E9%80%9A")
    assert nul.status_code == plain.status_code == 200
    assert nul.context["filters"]["q"] == "交通"


def test_a_user_name_longer_than_any_account_is_refused_like_a_wrong_password():
    response = Client().post(
        "/api/v1/auth/token",
        json.dumps({"username": "长" * 100_000, "password": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 401 and response.json()["code"] == "invalid_credentials"
