"""The kinds of case on the loop, each declared by its own app.

A kind (an opinion, a suggestion, a motion, and later a proposal or a work order) plugs into
the loop by declaring, from its own app, what the loop needs to know of it:

- its actions on the one action route `POST /api/v1/cases/{id}/actions/{action}`, keyed by
  (kind, action): the Schema of the body, the function that runs it and its summary. A kind
  usually takes the loop's own actions (`casework.api.LOOP_ACTIONS`) and adds or replaces some:
  two kinds may both declare `reply`, each with its own body, and both are kept;
- how a case of the kind is shown after an action (`detail`, with its response Schema).

The route validates each body once, against the schema of the case's kind, and the OpenAPI
document lists every action with the body of each kind that has it (`document`). casework never
imports an intake app: the intake app declares from its own modules, and removing the
declaration removes the kind's actions from the route and from the document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lianxin.core.errors import NotFound


@dataclass(frozen=True)
class ActionSpec:
    """One action of one kind: `run(request, case, body)` with `body` an instance of `schema`."""

    action: str
    schema: type
    run: Callable
    summary: str


@dataclass
class KindSpec:
    kind: str
    label: str = ""
    actions: dict[str, ActionSpec] = field(default_factory=dict)
    # (request, case_id) → the case as the caller's action left it, as a dict for
    # `detail_schema`; None: the loop's own case detail.
    detail: Callable | None = None
    detail_schema: type | None = None
    # The heading of the kind's figures page (casework.stats); empty: the kind has none.
    figures: str = ""
    # Figures of casework.metrics shown for this kind besides the loop's own (reply classes…).
    extra_figures: tuple[str, ...] = ()
    # case → the text a search index keeps for it; None: its title and content.
    search_text: Callable | None = None
    # Each side of a two-way evaluation sees the other's rating only after giving its own
    # (背靠背评, casework.evaluations); False: every rating is shown to whoever sees the case.
    blind_evaluation: bool = False


_KINDS: dict[str, KindSpec] = {}


def declare(
    kind: str,
    *,
    label: str = "",
    actions: Iterable[ActionSpec] = (),
    detail: Callable | None = None,
    detail_schema: type | None = None,
    notify: dict | None = None,
    visibility: Callable | None = None,
    attach: Callable | None = None,
    figures: str | tuple = "",
    search_text: Callable | None = None,
    blind_evaluation: bool | None = None,
) -> KindSpec:
    """Declare a kind with its actions (later declarations of the same kind add to it; an
        action of the same name replaces the earlier one of that kind only). `notify` maps action
        names to `casework.notify.NotifyRule`: who hears of that action on a case of this kind, in
        place of the loop's rule. `visibility(g)` returns `(hidden, shown)`: the Q of the cases of
        this kind that the loop's rule shows but the holder of grants `g` must not see, and of those
        it does not show that they may (None for either); `attach(g, case)` answers who may add
        files to a case of this kind (True/False, or None for the loop's rule). `figures` is the
        heading of its figures page (a kind without one has no figures), or `(heading, keys)` with
    the keys of the extra figures of `casework.metrics` it shows (`EXTRA_FIGURES`); `search_text(case)` the text
        a search index keeps for a case of this kind; `blind_evaluation` hides each side's rating of
        a two-way evaluation from the other until it has given its own."""
    spec = _KINDS.get(kind)
    if spec is None:
        spec = _KINDS[kind] = KindSpec(kind=kind, label=str(label))
    elif label:
        spec.label = str(label)
    for item in actions:
        spec.actions[item.action] = item
    if detail is not None:
        spec.detail, spec.detail_schema = detail, detail_schema
    if isinstance(figures, tuple):
        figures, spec.extra_figures = figures[0], tuple(figures[1])
    if figures:
        spec.figures = str(figures)
    if search_text is not None:
        spec.search_text = search_text
    if blind_evaluation is not None:
        spec.blind_evaluation = bool(blind_evaluation)
    if visibility is not None or attach is not None:
        from . import rules

        if visibility is not None:
            rules.register_case_visibility(kind, visibility)
        if attach is not None:
            rules.register_case_attach(kind, attach)
    if notify:
        from .notify import notify_rule

        for action, rule in notify.items():
            notify_rule(action, rule, kind=kind)
    return spec


def kind_spec(kind: str) -> KindSpec | None:
    return _KINDS.get(kind)


def declared() -> list[KindSpec]:
    return list(_KINDS.values())


def with_figures() -> list[KindSpec]:
    """The kinds that have a figures page, in declaration order."""
    return [spec for spec in _KINDS.values() if spec.figures]


def search_text(case) -> str:
    """The text a search index keeps for `case`, as its kind declares it."""
    spec = _KINDS.get(case.kind)
    if spec is not None and spec.search_text is not None:
        return spec.search_text(case)
    return "\n".join(part for part in (case.title, case.content) if part)


def action_for(kind: str, action: str) -> ActionSpec:
    """The action `action` of `kind`; anything else is 404 `unknown_action`."""
    spec = _KINDS.get(kind)
    found = spec.actions.get(action) if spec else None
    if found is None:
        raise NotFound(_("没有这项办理操作。"), code="unknown_action")
    return found


def action_names() -> list[str]:
    """Every action name some kind declares, in declaration order."""
    return list(dict.fromkeys(name for spec in _KINDS.values() for name in spec.actions))


def kinds_with(action: str) -> list[KindSpec]:
    return [spec for spec in _KINDS.values() if action in spec.actions]


def forget(kind: str) -> None:
    """Take a kind's declaration away (its actions leave the route and the document, its
    notification rules go)."""
    from .notify import forget_rules
    from .rules import forget_case_rules

    _KINDS.pop(kind, None)
    forget_rules(kind)
    forget_case_rules(kind)


# --- The OpenAPI document -----------------------------------------------------------------------


def _component(components: dict, kind: str, schema: type) -> dict:
    """Put `schema` (a pydantic model) into the components under its own name (or, when another
    kind's schema already has that name, under `kind.Name`), its nested models under theirs.
    Returns the reference."""
    from ninja.schema import NinjaGenerateJsonSchema

    body = schema.model_json_schema(
        ref_template="#/components/schemas/{model}", schema_generator=NinjaGenerateJsonSchema
    )
    for nested, definition in body.pop("$defs", {}).items():
        components.setdefault(nested, definition)
    name = schema.__name__
    if components.get(name, body) != body:
        name = f"{kind}.{name}"
    components[name] = body
    return {"$ref": f"#/components/schemas/{name}"}


def document(
    openapi: dict,
    path: str,
    *,
    kinds: Iterable[str] | None = None,
    operation_prefix: str,
    tag: str,
    default_detail: str = "CaseDetail",
    security: list | None = None,
) -> None:
    """Write one operation per action name at `path` (containing `{action}`) into `openapi`,
    whose request body is, for each kind that has the action, that kind's schema (`anyOf`,
    one entry per kind, titled by the kind), and whose answer is the kind's case detail.
    `security` is the document's own requirement of authenticated operations."""
    security = security or [{"BearerOrSession": []}]
    wanted = None if kinds is None else set(kinds)
    components = openapi.setdefault("components", {}).setdefault("schemas", {})
    paths = openapi.setdefault("paths", {})
    for name in action_names():
        specs = [s for s in kinds_with(name) if wanted is None or s.kind in wanted]
        if not specs:
            continue
        by_schema: dict[type, list[KindSpec]] = {}
        for spec in specs:
            by_schema.setdefault(spec.actions[name].schema, []).append(spec)
        bodies = [
            {
                **_component(components, group[0].kind, schema),
                "title": ", ".join(s.kind for s in group),
            }
            for schema, group in by_schema.items()
        ]
        answers = list(
            dict.fromkeys(
                spec.detail_schema.__name__ if spec.detail_schema else default_detail
                for spec in specs
            )
        )
        refs = [{"$ref": f"#/components/schemas/{answer}"} for answer in answers]
        lines = [f"- `{s.kind}`（{s.label}）：{s.actions[name].summary}" for s in specs]
        summary = specs[0].actions[name].summary.split("。")[0].split("：")[0]
        operation = {
            "operationId": f"{operation_prefix}_{name}",
            "summary": summary,
            "description": "请求体按案件类别校验：\n" + "\n".join(lines),
            "tags": [tag],
            "parameters": [
                {
                    "in": "path",
                    "name": "case_id",
                    "required": True,
                    "schema": {"title": "Case Id", "type": "integer"},
                }
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": bodies[0] if len(bodies) == 1 else {"anyOf": bodies}
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {
                        "application/json": {
                            "schema": refs[0] if len(refs) == 1 else {"anyOf": refs}
                        }
                    },
                }
            },
            "security": security,
        }
        paths[path.replace("{action}", name)] = {"post": operation}


# --- Which cases may be merged into which ---------------------------------------------------------

# What citizens report, whatever the channel (scan-to-speak, a station's desk, Open311 — all
# opinions — and the 12345 hotline's work orders): the same problem from any of them is merged
# into one main case, in either direction. Every other kind (a deputy's suggestion, a motion, a
# proposal…) is merged only with a case of its own kind; a suggestion takes citizens' opinions
# in through lineage (casework.lineage), never by a merge.
CITIZEN_REPORTS = frozenset({"opinion", "work_order"})


def may_merge(kind: str, into_kind: str) -> bool:
    """Whether a case of `kind` may be merged into a case of `into_kind`."""
    return kind == into_kind or (kind in CITIZEN_REPORTS and into_kind in CITIZEN_REPORTS)
