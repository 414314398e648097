"""The states of a sentiment report and which action moves it from which (the one table the
actions check). Instructions may be recorded more than once; adoption once."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import ReportState as S


@dataclass(frozen=True)
class Step:
    verb: str
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change
    label: object
    rule: str


STEPS: dict[str, Step] = {
    s.verb: s
    for s in [
        Step("update", (S.DRAFT, S.RETURNED), None, _("修改"), "sentiment.submit"),
        Step("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, _("报送"), "sentiment.submit"),
        Step("return", (S.SUBMITTED, S.ACCEPTED), S.RETURNED, _("退回修改"), "sentiment.manage"),
        Step("accept", (S.SUBMITTED,), S.ACCEPTED, _("采用待编辑"), "sentiment.manage"),
        Step("edit", (S.SUBMITTED, S.ACCEPTED, S.EDITED), S.EDITED, _("编辑"), "sentiment.manage"),
        Step("compile", (S.EDITED,), S.COMPILED, _("编入期刊"), "sentiment.manage"),
        Step("send", (S.COMPILED,), S.SENT, _("报送上级"), "sentiment.manage"),
        Step("adopt", (S.SENT, S.INSTRUCTED), S.ADOPTED, _("登记采用"), "sentiment.manage"),
        Step(
            "instruct",
            (S.SENT, S.ADOPTED, S.INSTRUCTED),
            S.INSTRUCTED,
            _("登记批示"),
            "sentiment.manage",
        ),
    ]
}

# The actions a report's page offers, in the order of its buttons (compile and send are the
# issue's: the staff choose reports on the issue pages).
PAGE_ACTIONS = ("update", "submit", "accept", "edit", "return", "adopt", "instruct")

EVENT_LABELS = {
    "create": _("撰写"),
    "convert_proposal": _("由不予立案的提案转来"),
    "create_issue": _("编辑期刊"),
    "send_issue": _("报送期刊"),
    **{verb: step.label for verb, step in STEPS.items()},
}
