"""The one metrics layer (MISSION M5, M16; issue 14): every figure the platform shows —
collected, registered, assigned, replied, fed back, feedback rate, satisfaction, overdue,
average handling time, reply classes, consultation, key supervision — defined once here, each
with the definition shown beside it, and counted by kind, region, station, deputy, unit,
category and month.

The counts live in two tables (`casework.models`): `CaseFact`, one row per case with its
dimensions and its 0/1 counts, and `MetricCell`, the sum of the facts that share every
dimension. A case action's trail row (`core.trail.on_record`, prefix `casework.`) recounts
its case inside the action's transaction and moves the difference into the cells, so the
dashboards read a few hundred cells instead of scanning the cases; `manage.py
rebuild_metrics` counts every case again from the cases and their timeline (`rebuild`).

Figures read cells through `table` (grouped rows and a total) and turn counts into values
through `Figure.value`: the figures page, the dashboards and the suggestions' special report
all take their definition of a rate from here."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import deadlines
from .models import (
    METRIC_COUNTS,
    METRIC_DIMENSIONS,
    Assignment,
    Case,
    CaseEvent,
    CaseFact,
    Consultation,
    MetricCell,
    Rating,
    Reply,
)

BATCH = 2000
# States in which a case is not counted at all (not yet sent, taken back) …
UNCOUNTED = frozenset({"draft", "withdrawn"})
# … and those before it is taken on (立案/受理) or in which it never is.
UNREGISTERED = frozenset(
    {"submitted", "in_review", "returned", "declined", "merged", "on_agenda", "converted"}
)
# An opinion's "registered" is 待梳理 (logged, not yet taken on).
UNREGISTERED_BY_KIND = {"opinion": frozenset({"registered"})}
SATISFIED = (Rating.SATISFIED, Rating.BASICALLY_SATISFIED)
FACE_TO_FACE = (Consultation.Form.VISIT, Consultation.Form.MEETING)


# --- Figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A figure: a count (`numerator` alone), a percentage (`numerator` / `denominator`) or an
    average (`per` = "average": numerator / denominator, one decimal)."""

    key: str
    label: object
    definition: object
    numerator: str
    denominator: str = ""
    per: str = "count"  # count | percent | average

    def value(self, counts: dict) -> int | float | None:
        n = counts.get(self.numerator) or 0
        if not self.denominator:
            return n
        d = counts.get(self.denominator) or 0
        if not d:
            return None
        return round(100 * n / d, 1) if self.per == "percent" else round(n / d, 1)

    def display(self, counts: dict) -> str:
        v = self.value(counts)
        if v is None:
            return "—"
        return f"{v}%" if self.per == "percent" else str(v)


_f = Figure
FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        _f(
            "collected",
            gettext_lazy("收集"),
            gettext_lazy("期间内提出或收集的件数，不含草稿、撤回和并入他件的。"),
            "collected",
        ),
        _f(
            "registered",
            gettext_lazy("立案受理"),
            gettext_lazy("经审查或梳理后进入办理的件数，不含不予受理、合并和待审查的。"),
            "registered",
        ),
        _f(
            "assigned",
            gettext_lazy("已交办"),
            gettext_lazy("已交承办单位办理（未被退回）的件数。"),
            "assigned",
        ),
        _f(
            "replied",
            gettext_lazy("已答复"),
            gettext_lazy("承办单位或代表已作出答复的件数。"),
            "replied",
        ),
        _f(
            "fed_back",
            gettext_lazy("已反馈"),
            gettext_lazy("已将办理结果反馈提出人的件数。"),
            "fed_back",
        ),
        _f(
            "feedback_rate",
            gettext_lazy("反馈率"),
            gettext_lazy("已反馈件数占收集件数的百分比。"),
            "fed_back",
            "collected",
            "percent",
        ),
        _f(
            "rated",
            gettext_lazy("已评价"),
            gettext_lazy("提出人已作出满意度评价的件数。"),
            "rated",
        ),
        _f(
            "satisfaction",
            gettext_lazy("满意率"),
            gettext_lazy("评价为满意或基本满意的件数占已评价件数的百分比。"),
            "satisfied",
            "rated",
            "percent",
        ),
        _f(
            "overdue",
            gettext_lazy("逾期"),
            gettext_lazy("当前逾期或曾经逾期的件数。"),
            "overdue",
        ),
        _f(
            "overdue_rate",
            gettext_lazy("逾期率"),
            gettext_lazy("逾期件数占立案受理件数的百分比。"),
            "overdue",
            "registered",
            "percent",
        ),
        _f(
            "handling_days",
            gettext_lazy("平均办理时长（工作日）"),
            gettext_lazy("从收集到答复经过的工作日数，按已答复件平均。"),
            "handling_days",
            "replied",
            "average",
        ),
    )
}
# Figures a kind shows only when it declares them (`casework.kinds.declare(figures=(…, keys))`).
EXTRA_FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        _f(
            "reply_a",
            gettext_lazy("A 类答复"),
            gettext_lazy("最终答复为 A 类（已解决或采纳）的件数。"),
            "reply_a",
        ),
        _f(
            "reply_b",
            gettext_lazy("B 类答复"),
            gettext_lazy("最终答复为 B 类（正在解决或列入计划）的件数。"),
            "reply_b",
        ),
        _f(
            "reply_c",
            gettext_lazy("C 类答复"),
            gettext_lazy("最终答复为 C 类（留作参考）的件数。"),
            "reply_c",
        ),
        _f(
            "consultation_rate",
            gettext_lazy("面商率"),
            gettext_lazy("承办单位以走访或座谈会方式当面沟通过的件数占已交办件数的百分比。"),
            "consulted",
            "assigned",
            "percent",
        ),
        _f(
            "key_supervision",
            gettext_lazy("重点督办"),
            gettext_lazy("列为重点督办的件数。"),
            "key_supervision",
        ),
    )
}
ALL_FIGURES = {**FIGURES, **EXTRA_FIGURES}


def figures_for(kind: str) -> list[Figure]:
    """The loop's figures and those the kind declares."""
    from . import kinds

    spec = kinds.kind_spec(kind)
    extra = spec.extra_figures if spec else ()
    return [*FIGURES.values(), *(EXTRA_FIGURES[k] for k in extra if k in EXTRA_FIGURES)]


def satisfaction(counts: dict) -> float | None:
    """The one definition of satisfaction: rated satisfied or basically satisfied / rated."""
    return FIGURES["satisfaction"].value(counts)


def counts_of(cases) -> dict:
    """The counts of these cases (a queryset of cases or of their ids), summed from their
    facts in one query: for a report whose own filter the cells do not have (a session)."""
    return _counts(CaseFact.objects.filter(case__in=cases).aggregate(**_sums()))


# --- Counting one case ------------------------------------------------------------------------


def _month(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date().replace(day=1)


def _facts(case_ids: list[int], *, overdue_ids: set[int]) -> dict[int, dict]:
    """The fact of each case (its dimensions and counts), by a fixed number of queries."""
    cases = list(
        Case.objects.filter(pk__in=case_ids).values(
            "pk",
            "kind",
            "state",
            "region__code",
            "scope_code",
            "station_id",
            "deputy_id",
            "raised_by_deputy_id",
            "category_id",
            "created_at",
            "replied_at",
            "fed_back_at",
            "rating",
            "is_overdue",
            "is_key_supervision",
            "merged_into_id",
        )
    )
    lead: dict[int, int] = {}
    assigned: set[int] = set()
    for case_id, unit_id, role in (
        Assignment.objects.filter(case__in=case_ids)
        .exclude(status=Assignment.Status.RETURNED)
        .order_by("case_id", "assigned_at", "pk")
        .values_list("case_id", "unit_id", "role")
    ):
        assigned.add(case_id)
        if role == Assignment.Role.LEAD:
            lead.setdefault(case_id, unit_id)
    # The reply that counts is the last one not refused at sign-off.
    reply_class: dict[int, str] = {}
    for case_id, code in (
        Reply.objects.filter(case__in=case_ids, category__isnull=False)
        .exclude(signoff__approved=False)
        .order_by("case_id", "round", "created_at", "pk")
        .values_list("case_id", "category__code")
    ):
        reply_class[case_id] = code
    consulted = set(
        Consultation.objects.filter(case__in=case_ids, form__in=FACE_TO_FACE).values_list(
            "case_id", flat=True
        )
    )
    out = {}
    for c in cases:
        pk = c["pk"]
        counted = c["state"] not in UNCOUNTED and c["merged_into_id"] is None
        unregistered = UNREGISTERED | UNREGISTERED_BY_KIND.get(c["kind"], frozenset())
        ever_overdue = pk in overdue_ids or c["is_overdue"]
        replied = c["replied_at"] is not None
        days = 0
        if replied:
            days = deadlines.workdays_between(
                timezone.localtime(c["created_at"]).date(),
                timezone.localtime(c["replied_at"]).date(),
            )
        code = reply_class.get(pk, "") if replied else ""
        counts = {
            "collected": 1,
            "registered": int(c["state"] not in unregistered),
            "assigned": int(pk in assigned),
            "replied": int(replied),
            "fed_back": int(c["fed_back_at"] is not None),
            "rated": int(bool(c["rating"])),
            "satisfied": int(c["rating"] in SATISFIED),
            "overdue": int(ever_overdue),
            "handling_days": days,
            "reply_a": int(code == "A"),
            "reply_b": int(code == "B"),
            "reply_c": int(code == "C"),
            "consulted": int(pk in consulted and pk in assigned),
            "key_supervision": int(c["is_key_supervision"]),
        }
        if not counted:
            counts = dict.fromkeys(METRIC_COUNTS, 0)
        out[pk] = {
            "kind": c["kind"],
            "region_code": c["region__code"] or c["scope_code"] or "",
            "station_id": c["station_id"] or 0,
            "deputy_id": c["deputy_id"] or c["raised_by_deputy_id"] or 0,
            "unit_id": lead.get(pk, 0),
            "category_id": c["category_id"] or 0,
            "month": _month(c["created_at"]),
            "ever_overdue": ever_overdue,
            **counts,
        }
    return out


def _key(fact: dict) -> tuple:
    return tuple(fact[d] for d in METRIC_DIMENSIONS)


def _add_to_cells(deltas: dict[tuple, Counter], *, single: bool = False) -> None:
    """Add the deltas to their cells in three statements whatever their number: the missing
    cells inserted empty (a conflict with a concurrent insert is no error), every cell locked
    in one order (so concurrent actions queue instead of losing an update), then written."""
    changes = {
        key: {name: n for name, n in delta.items() if n}
        for key, delta in deltas.items()
        if any(delta.values())
    }
    if not changes:
        return
    keys = sorted(changes)
    if single:  # one case: at most two cells, each moved by one atomic UPDATE
        for key in keys:
            where = dict(zip(METRIC_DIMENSIONS, key, strict=True))
            add = {name: F(name) + n for name, n in changes[key].items()}
            if not MetricCell.objects.filter(**where).update(**add):
                MetricCell.objects.bulk_create([MetricCell(**where)], ignore_conflicts=True)
                MetricCell.objects.filter(**where).update(**add)
        return
    MetricCell.objects.bulk_create(
        [MetricCell(**dict(zip(METRIC_DIMENSIONS, key, strict=True))) for key in keys],
        batch_size=500,
        ignore_conflicts=True,
    )
    match = Q(pk__in=[])
    for key in keys:
        match |= Q(**dict(zip(METRIC_DIMENSIONS, key, strict=True)))
    cells = list(MetricCell.objects.select_for_update().filter(match).order_by(*METRIC_DIMENSIONS))
    for cell in cells:
        for name, n in changes.get(_key(cell.__dict__), {}).items():
            setattr(cell, name, getattr(cell, name) + n)
    MetricCell.objects.bulk_update(cells, list(METRIC_COUNTS), batch_size=500)


def refresh(case_ids: Iterable[int], *, overdue_ids: Iterable[int] = ()) -> None:
    """Count these cases again and move the difference into the cells. Runs inside the
    transaction of the action that changed them; a bulk action's cases by BATCH."""
    ids = sorted(set(case_ids))
    overdue = set(overdue_ids)
    for start in range(0, len(ids), BATCH):
        _refresh(ids[start : start + BATCH], overdue)


def _refresh(ids: list[int], overdue_ids: set[int]) -> None:
    old = {f.pk: f for f in CaseFact.objects.filter(pk__in=ids)}
    sticky = {pk for pk, f in old.items() if f.ever_overdue} | overdue_ids
    new = _facts(ids, overdue_ids=sticky)
    deltas: dict[tuple, Counter] = defaultdict(Counter)
    created, changed, gone = [], [], []
    for pk in ids:
        before, after = old.get(pk), new.get(pk)
        if before is not None:
            fact = {d: getattr(before, d) for d in (*METRIC_DIMENSIONS, *METRIC_COUNTS)}
            deltas[_key(fact)].subtract({c: fact[c] for c in METRIC_COUNTS})
        if after is not None:
            deltas[_key(after)].update({c: after[c] for c in METRIC_COUNTS})
            if before is None:
                created.append(CaseFact(case_id=pk, **after))
            elif any(getattr(before, name) != value for name, value in after.items()):
                for name, value in after.items():
                    setattr(before, name, value)
                changed.append(before)
        elif before is not None:
            gone.append(pk)
    CaseFact.objects.bulk_create(created, batch_size=500)
    if len(ids) == 1 and changed:
        fact = changed[0]
        CaseFact.objects.filter(pk=fact.pk).update(
            **{name: getattr(fact, name) for name in new[fact.pk]}
        )
    elif changed:
        CaseFact.objects.bulk_update(
            changed, [*METRIC_DIMENSIONS, *METRIC_COUNTS, "ever_overdue"], batch_size=500
        )
    if gone:
        CaseFact.objects.filter(pk__in=gone).delete()
    _add_to_cells(deltas, single=len(ids) == 1)


def on_trail(events) -> None:
    """The trail's reader (`on_record_batch`, prefix `casework.`): recount the cases of the
    events of one action (one case, or a bulk action's many) in its transaction."""
    ids = [
        int(e.object_id)
        for e in events
        if e.object_type == "casework.case" and e.object_id.isdigit()
    ]
    overdue = [int(e.object_id) for e in events if e.action == "casework.overdue"]
    refresh(ids, overdue_ids=[i for i in overdue if i in set(ids)])


def on_delete(sender, instance, **kwargs) -> None:
    """A case deleted (retention never deletes cases; tests and the admin may): its counts go."""
    fact = CaseFact.objects.filter(pk=instance.pk).first()
    if fact is None:
        return
    values = {d: getattr(fact, d) for d in (*METRIC_DIMENSIONS, *METRIC_COUNTS)}
    _add_to_cells({_key(values): Counter({c: -values[c] for c in METRIC_COUNTS})})


def rebuild(progress: Callable[[int, int], None] | None = None, *, batch: int = BATCH) -> int:
    """Count every case again from the cases and their timeline: facts in batches, then the
    cells summed from the facts. Returns the number of cases counted."""
    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        MetricCell.objects.all().delete()
        CaseFact.objects.all().delete()
    done = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        overdue = set(
            CaseEvent.objects.filter(case__in=chunk, action="overdue").values_list(
                "case_id", flat=True
            )
        )
        with transaction.atomic():
            facts = _facts(chunk, overdue_ids=overdue)
            CaseFact.objects.bulk_create(
                [CaseFact(case_id=pk, **fact) for pk, fact in facts.items()], batch_size=500
            )
        done += len(chunk)
        if progress:
            progress(done, len(ids))
    with transaction.atomic():
        sums = CaseFact.objects.values(*METRIC_DIMENSIONS).annotate(
            **{f"n_{c}": Sum(c) for c in METRIC_COUNTS}
        )
        MetricCell.objects.bulk_create(
            [
                MetricCell(
                    **{d: row[d] for d in METRIC_DIMENSIONS},
                    **{c: row[f"n_{c}"] for c in METRIC_COUNTS},
                )
                for row in sums.order_by()
            ],
            batch_size=500,
        )
    if progress and not ids:
        progress(0, 0)
    return len(ids)


def needs_rebuild() -> bool:
    """Cases exist but none has been counted (a database from before the metrics layer)."""
    return Case.objects.exists() and not CaseFact.objects.exists()


# --- Reading the cells ------------------------------------------------------------------------

REGION_LEVELS = {2: 4, 4: 6, 6: 9, 9: 12}  # a region code's length → its children's


@dataclass
class Row:
    key: str
    label: str
    counts: dict = field(default_factory=dict)

    def value(self, figure: str):
        return ALL_FIGURES[figure].value(self.counts)

    def display(self, figure: str) -> str:
        return ALL_FIGURES[figure].display(self.counts)


def _sums() -> dict:
    return {f"n_{c}": Sum(c) for c in METRIC_COUNTS}


def _counts(row: dict) -> dict:
    return {c: row.get(f"n_{c}") or 0 for c in METRIC_COUNTS}


def cells(
    scope: Q | None,
    *,
    kinds: Iterable[str],
    region: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    where: dict | None = None,
):
    """The cells of these kinds within `scope` (a Q over cells, None: all), the region subtree
    and the months from `start`'s to `end`'s."""
    qs = MetricCell.objects.filter(kind__in=list(kinds))
    if scope is not None:
        qs = qs.filter(scope)
    if region:
        qs = qs.filter(region_code__startswith=region)
    if start:
        qs = qs.filter(month__gte=start.replace(day=1))
    if end:
        qs = qs.filter(month__lte=end.replace(day=1))
    return qs.filter(**(where or {}))


def total(qs) -> Row:
    return Row("", _("合计"), _counts(qs.aggregate(**_sums())))


def grouped(qs, by: str, *, region: str = "") -> list[Row]:
    """Rows of `qs` summed by one dimension: "region" (the children of `region`, or the
    cities), "station", "deputy", "unit", "category" or "month"; labelled in one more query."""
    if by == "region":
        length = REGION_LEVELS.get(len(region), 4) if region else 4
        rows = qs.annotate(g=Substr("region_code", 1, length)).values("g").annotate(**_sums())
    elif by == "month":
        rows = qs.annotate(g=F("month")).values("g").annotate(**_sums())
    else:
        rows = qs.annotate(g=F(f"{by}_id")).values("g").annotate(**_sums())
    rows = list(rows.order_by("g"))
    labels = _labels(by, [r["g"] for r in rows])
    out = [
        Row(
            key=f"{r['g']:%Y-%m}" if by == "month" else str(r["g"] or ""),
            label=labels.get(r["g"]) or (f"{r['g']:%Y-%m}" if by == "month" else _("未指定")),
            counts=_counts(r),
        )
        for r in rows
    ]
    if by != "month":
        out.sort(key=lambda row: (-row.counts["collected"], row.key))
    return out


def _labels(by: str, keys: list) -> dict:
    from django.apps import apps

    keys = [k for k in keys if k]
    if not keys or by == "month":
        return {}
    if by == "region":
        model, field_name, name = apps.get_model("org", "Region"), "code", "name"
    elif by == "station":
        model, field_name, name = apps.get_model("liaison", "Station"), "pk", "name"
    elif by == "deputy":
        model, field_name, name = apps.get_model("org", "Deputy"), "pk", "person__name"
    elif by == "unit":
        model, field_name, name = apps.get_model("org", "HandlingUnit"), "pk", "name"
    else:
        model, field_name, name = apps.get_model("casework", "Category"), "pk", "name"
    return dict(model.objects.filter(**{f"{field_name}__in": keys}).values_list(field_name, name))


GROUPS = {
    "region": gettext_lazy("区划"),
    "station": gettext_lazy("联络站"),
    "deputy": gettext_lazy("代表"),
    "unit": gettext_lazy("承办单位"),
    "category": gettext_lazy("类别"),
    "month": gettext_lazy("月份"),
}
