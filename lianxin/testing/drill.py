"""A kind that exists only in tests: 演练件 ("drill"), declared here and nowhere else.

It follows docs/architecture.md "How to add a kind": a workflow with its states, one action of
its own (`inspect`) with its body, one of the loop's actions (`reply`) with a richer body than
the loop's, an access rule, and a work list on the office's workbench. `install()` declares it
and `uninstall()` takes every piece away again; the contract tests
(lianxin/casework/tests/test_kinds.py) check that the generic mechanism serves it and forgets it.
"""

from __future__ import annotations

from django.db import models, transaction
from ninja import Field, Schema

from lianxin.accounts import access
from lianxin.casework import actions as loop
from lianxin.casework import kinds, workflow, worklists
from lianxin.casework.models import Case
from lianxin.casework.notify import NotifyRule

KIND = "drill"


class DrillState(models.TextChoices):
    OPEN = "open", "待检查"
    INSPECTED = "inspected", "已检查"
    REPLIED = "replied", "已答复"


class InspectIn(Schema):
    version: int | None = None
    finding: str = Field(..., min_length=1, description="检查发现")


class DrillReplyIn(Schema):
    version: int | None = None
    content: str = Field(..., min_length=1)
    score: int = Field(..., ge=1, le=5, description="自评分 1–5")


def do_open_drill(congress, *, title: str, acting_user) -> Case:
    with transaction.atomic():
        case = Case.objects.create(
            kind=KIND,
            state=DrillState.OPEN,
            congress=congress,
            scope_code=congress.region.code,
            title=title,
            content=title,
        )
        loop.finish(case, None, acting_user, action="open")
    return case


def do_inspect(case, *, finding: str, acting_user, version=None) -> None:
    with transaction.atomic():
        locked, t = loop.begin(case, "inspect", acting_user, version=version)
        locked.supervision_note = finding
        loop.finish(locked, t, acting_user, fields=["supervision_note"], note=finding)


def do_reply_drill(case, *, content: str, score: int, acting_user, version=None) -> None:
    with transaction.atomic():
        locked, t = loop.begin(case, "reply", acting_user, version=version)
        loop.finish(locked, t, acting_user, note=content, data={"score": score})


def _office(g, case) -> bool:
    return case.congress_id in g.staff_congresses


WORKFLOW = workflow.Workflow(
    kind=KIND,
    label="演练件",
    states=DrillState,
    initial=DrillState.OPEN,
    final=frozenset({DrillState.REPLIED}),
    transitions=[
        workflow.Transition(
            "inspect", (DrillState.OPEN,), DrillState.INSPECTED, "drill.inspect", "检查"
        ),
        workflow.Transition(
            "reply", (DrillState.INSPECTED,), DrillState.REPLIED, "drill.inspect", "答复"
        ),
    ],
    event_labels={"open": "开立"},
)

ACTIONS = [
    kinds.ActionSpec(
        "inspect",
        InspectIn,
        lambda request, case, body: do_inspect(
            case, finding=body.finding, acting_user=request.auth, version=body.version
        ),
        "演练件检查",
    ),
    kinds.ActionSpec(
        "reply",
        DrillReplyIn,
        lambda request, case, body: do_reply_drill(
            case,
            content=body.content,
            score=body.score,
            acting_user=request.auth,
            version=body.version,
        ),
        "演练件答复（带自评分）",
    ),
]


def _worklist(user):
    qs = access.visible_to(user, Case).filter(kind=KIND, state=DrillState.OPEN)
    return list(qs.order_by("-id")[:10]), qs.count(), ""


def install() -> None:
    workflow.register(WORKFLOW)
    kinds.declare(
        KIND,
        label="演练件",
        actions=ACTIONS,
        # The office hears of each inspection; the reply goes by the loop's own rule.
        notify={"inspect": NotifyRule(("office",))},
    )
    access.rule("drill.inspect")(_office)
    worklists.register("staff", "drills", "待检查的演练件", _worklist)


def uninstall() -> None:
    workflow.unregister(KIND)
    kinds.forget(KIND)
    access.forget_rule("drill.inspect")
    worklists.unregister("drills")
