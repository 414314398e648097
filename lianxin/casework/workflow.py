"""Workflows as data: each kind's states and transitions, with the permission each needs.

An intake app declares its `Workflow` in its own `workflow.py` and calls `register()` from its
AppConfig.ready(); casework never imports an intake app. The helper here checks a transition,
lists what a user may do now (the buttons a page shows, `available_actions` of the API) and
draws the diagram for docs/workflows/<kind>.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lianxin.core.errors import Conflict, Forbidden, NotFound

# A guard gets the (locked) case and says why the transition may not be taken now, or None.
Guard = Callable[[object], str | None]


def no_active_lead(message) -> Guard:
    """A guard for assigning: refused with `message` (the kind's own wording) while a lead unit
    is handling the case."""

    def guard(case) -> str | None:
        from .queries import active_assignments

        if any(a.role == "lead" for a in active_assignments(case)):
            return str(message)
        return None

    return guard


def has_active_assignment(message) -> Guard:
    """A guard for returning an assignment: refused with `message` when there is none."""

    def guard(case) -> str | None:
        from .queries import active_assignments

        if not active_assignments(case):
            return str(message)
        return None

    return guard


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change (consult, supervise, remind, …)
    permission: str  # a rule of lianxin.accounts.access, e.g. "case.triage"
    label: object
    guard: Guard | None = None
    # False for actions only people take; time-driven ones (auto-conclude) run as the system.
    system: bool = False
    # True: the case's contact may take it with the tracking code (no account).
    citizen: bool = False
    description: object = ""
    # A side step (merge, decline, withdraw…): never the page's primary button, which is the
    # next step of the workflow.
    secondary: bool = False
    # Asked before a step that cannot be undone (its form's button asks this first).
    confirm: object = ""

    def refusal(self, case) -> str | None:
        return self.guard(case) if self.guard else None


@dataclass
class Workflow:
    kind: str
    label: object
    states: type[models.TextChoices]
    initial: str
    final: frozenset[str]
    transitions: list[Transition] = field(default_factory=list)
    # Steps whose due date the deadline scan watches, by state.
    deadline_steps: dict[str, str] = field(default_factory=dict)
    # The public page where whoever raised a case follows it (by tracking code), if any.
    tracking_url_name: str | None = None
    # The staff page of one case of this kind (an intake app may have its own, with the
    # actions that are its own); it takes the case id.
    detail_url_name: str = "case_detail"
    # Suggestions and proposals: every reply carries its A/B/C category.
    reply_category_required: bool = False
    # Labels of the kind's own timeline entries that are not transitions (beside EVENT_LABELS,
    # which every kind shares).
    event_labels: dict[str, object] = field(default_factory=dict)

    def state_label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    @property
    def actions(self) -> list[str]:
        return list(dict.fromkeys(t.action for t in self.transitions))

    def transition(self, action: str, state: str) -> Transition | None:
        for t in self.transitions:
            if t.action == action and state in t.sources:
                return t
        return None

    def action_label(self, action: str) -> str:
        for t in self.transitions:
            if t.action == action:
                return str(t.label)
        return str(self.event_labels.get(action) or EVENT_LABELS.get(action, action))

    def check(self, case, action: str, user, *, as_citizen: bool = False) -> Transition:
        """The transition `action` from the case's state, if `user` may take it now.

        `user` None means trusted code: the deadline scan (system transitions) or the public
        tracking page, which proved the tracking code (`as_citizen`).
        Refusals: unknown action → 404, not from this state or a guard → 409
        `invalid_transition`, the caller lacks the permission → 403.
        """
        from lianxin.accounts.access import can

        if action not in self.actions:
            raise NotFound(gettext("没有这项办理操作。"), code="unknown_action")
        t = self.transition(action, case.state)
        if t is None:
            raise Conflict(
                gettext("案件当前为“%(state)s”状态，不能进行“%(action)s”。")
                % {"state": self.state_label(case.state), "action": self.action_label(action)},
                code="invalid_transition",
            )
        reason = t.refusal(case)
        if reason:
            raise Conflict(reason, code="invalid_transition")
        if user is None:
            if as_citizen and not t.citizen:
                raise Forbidden(gettext("此操作须由工作人员办理。"))
            if not as_citizen and not t.system:
                raise Forbidden(gettext("此操作须由工作人员办理。"))
            return t
        if not can(user, t.permission, case):
            raise Forbidden(gettext("您没有权限对该案件进行“%(action)s”。") % {"action": t.label})
        return t

    def available(self, case, user) -> list[Transition]:
        """The transitions `user` may take on `case` now, in table order."""
        from lianxin.accounts.access import can

        if user is None:
            return []
        result, seen = [], set()
        for t in self.transitions:
            if t.action in seen or case.state not in t.sources:
                continue
            if t.refusal(case):
                continue
            if can(user, t.permission, case):
                result.append(t)
                seen.add(t.action)
        return result

    def mermaid(self) -> str:
        """A state diagram in Mermaid: one arrow per (source, target) with the action and the
        permission it needs. Actions that keep the state (consult, supervise, remind, …) are
        listed in the table under the diagram rather than drawn as loops."""
        lines = ["stateDiagram-v2"]
        for value, label in self.states.choices:
            lines.append(f"    {value}: {value} {label}")
        lines.append(f"    [*] --> {self.initial}")
        for t in self.transitions:
            if t.target is None:
                continue
            for source in t.sources:
                target = t.target
                who = "系统/" if t.system else ""
                who += "群众/" if t.citizen else ""
                lines.append(
                    f"    {source} --> {target}: {t.action} {t.label}（{who}{t.permission}）"
                )
        for state in sorted(self.final):
            lines.append(f"    {state} --> [*]")
        return "\n".join(lines)

    def markdown(self) -> str:
        rows = [
            f"# {self.label}（`{self.kind}`）的办理流程",
            "",
            "本文件由 `manage.py workflow_docs` 根据 `workflow.py` 生成，请勿手工修改。",
            "Generated from the workflow table by `manage.py workflow_docs`; do not edit.",
            "",
            "```mermaid",
            self.mermaid(),
            "```",
            "",
            "## 状态 States",
            "",
            "| state | 名称 | 期限环节 deadline step |",
            "|---|---|---|",
        ]
        for value, label in self.states.choices:
            final = "（终态）" if value in self.final else ""
            rows.append(f"| `{value}` | {label}{final} | {self.deadline_steps.get(value, '')} |")
        rows += [
            "",
            "## 操作 Transitions",
            "",
            "| action | 名称 | from | to | permission | 说明 |",
            "|---|---|---|---|---|---|",
        ]
        for t in self.transitions:
            who = []
            if t.system:
                who.append("system")
            if t.citizen:
                who.append("citizen")
            perm = f"`{t.permission}`" + (f" ({', '.join(who)})" if who else "")
            rows.append(
                f"| `{t.action}` | {t.label} | {', '.join(f'`{s}`' for s in t.sources)} | "
                f"{'`' + t.target + '`' if t.target else '（不变）'} | {perm} | {t.description} |"
            )
        return "\n".join(rows) + "\n"


_REGISTRY: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    _REGISTRY[workflow.kind] = workflow
    return workflow


def unregister(kind: str) -> None:
    _REGISTRY.pop(kind, None)


def workflow_for(kind: str) -> Workflow:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise LookupError(f"no workflow registered for case kind {kind!r}") from None


def workflows() -> list[Workflow]:
    return list(_REGISTRY.values())


# Timeline entries that are not transitions of a workflow.
EVENT_LABELS = {
    "register": _("登记"),
    "overdue": _("逾期"),
    "due_soon": _("到期提醒"),
    "reminder": _("催办"),
    "merged_in": _("并入重复件"),
    "unmerged_out": _("移出合并件"),
    "contact_revealed": _("查看联系方式"),
    "attach": _("上传附件"),
    "origins": _("关联来源案件"),
}
