"""Figures of records that are not cases, in the one metrics layer (issue 14): receptions at the
liaison stations, the people received, leading cadres' receptions, deputies' duty points.

A *source* (`register_source`) says what each of its objects adds to the cells: a list of
`Share`s, each a figure, its dimensions (region, station, congress, delegation, month), the
deputies it is counted for and a number. The facts (`TallyFact`) keep each object's rows, so a
change moves only the difference into the cells (`TallyCell`); the dashboards read the cells.

- Reception records (liaison, below casework) are a source of casework's own: the trail's
  `liaison.record_reception` recounts the record in its transaction (`on_reception`).
- Duty points (duty, above casework) are registered by duty (`DutyConfig.ready`): duty's
  scoring (`scoring.recompute`, run by the duty record inside the trail's transaction and by a
  rule change) calls `refresh("duty_points", …)` for the seats and years it rewrote.
- `rebuild()` (run by `manage.py rebuild_metrics`) counts every object of every source again.

Each figure is defined once (`FIGURES`: label and definition, shown on the page)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy

from .models import TALLY_DIMENSIONS, TallyCell, TallyFact

BATCH = 2000


@dataclass(frozen=True)
class Share:
    figure: str
    n: int
    month: dt.date
    region_code: str = ""
    station_id: int = 0
    congress_id: int = 0
    delegation_id: int = 0
    deputies: tuple[int, ...] = ()

    def keys(self) -> list[tuple]:
        """The cells this share adds to: the whole (no deputy) and each deputy's."""
        base = [
            self.figure,
            self.region_code,
            self.station_id,
            0,
            self.congress_id,
            self.delegation_id,
            self.month.replace(day=1).isoformat(),
        ]
        out = [tuple(base)]
        for d in sorted(set(self.deputies)):
            out.append(tuple(base[:3] + [d] + base[4:]))
        return out


@dataclass(frozen=True)
class TallyFigure:
    key: str
    label: object
    definition: object


@dataclass(frozen=True)
class Source:
    key: str
    shares: Callable[[list[str]], dict[str, list[Share]]]  # object ids → their shares
    all_ids: Callable[[], Iterable[str]]


FIGURES: dict[str, TallyFigure] = {}
SOURCES: dict[str, Source] = {}


def register_figure(key: str, label, definition) -> None:
    FIGURES[key] = TallyFigure(key, label, definition)


def register_source(key: str, *, shares, all_ids) -> None:
    """A source of figures; an app above casework registers its own from its `ready`."""
    SOURCES[key] = Source(key, shares, all_ids)


# --- Keeping the cells ------------------------------------------------------------------------


def _rows(shares: Iterable[Share]) -> list[list]:
    counter: Counter = Counter()
    for share in shares:
        if share.n:
            for key in share.keys():
                counter[key] += share.n
    return [[*key, n] for key, n in sorted(counter.items()) if n]


def _move(deltas: Counter) -> None:
    """Add the deltas to their cells, one atomic UPDATE each (a missing cell created empty
    first; a concurrent insert is no error), in one order so concurrent actions queue."""
    for key in sorted(k for k, n in deltas.items() if n):
        where = dict(zip(TALLY_DIMENSIONS, key, strict=True))
        where["month"] = dt.date.fromisoformat(where["month"])
        if not TallyCell.objects.filter(**where).update(n=F("n") + deltas[key]):
            TallyCell.objects.bulk_create([TallyCell(**where)], ignore_conflicts=True)
            TallyCell.objects.filter(**where).update(n=F("n") + deltas[key])


def refresh(source: str, object_ids: Iterable) -> None:
    """Count these objects of `source` again and move the difference into the cells (inside
    the caller's transaction)."""
    ids = sorted({str(i) for i in object_ids})
    if not ids:
        return
    spec = SOURCES[source]
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            old = {
                f.object_id: f for f in TallyFact.objects.filter(source=source, object_id__in=chunk)
            }
            new = spec.shares(chunk)
            deltas: Counter = Counter()
            created, gone = [], []
            for object_id in chunk:
                before = old.get(object_id)
                after = _rows(new.get(object_id, ()))
                if before is not None:
                    if before.rows == after:
                        continue
                    for *key, n in before.rows:
                        deltas[tuple(key)] -= n
                for *key, n in after:
                    deltas[tuple(key)] += n
                if before is not None and after:
                    before.rows = after
                    before.save(update_fields=["rows"])
                elif after:
                    created.append(TallyFact(source=source, object_id=object_id, rows=after))
                elif before is not None:
                    gone.append(before.pk)
            TallyFact.objects.bulk_create(created, batch_size=500)
            if gone:
                TallyFact.objects.filter(pk__in=gone).delete()
            _move(deltas)


def rebuild(progress: Callable[[int, int], None] | None = None, *, batch: int = BATCH) -> int:
    """Count every object of every source again; the cells summed from the facts."""
    with transaction.atomic():
        TallyCell.objects.all().delete()
        TallyFact.objects.all().delete()
    sums: Counter = Counter()
    done = 0
    for source, spec in SOURCES.items():
        ids = [str(i) for i in spec.all_ids()]
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            facts = []
            for object_id, shares in spec.shares(chunk).items():
                rows = _rows(shares)
                if rows:
                    facts.append(TallyFact(source=source, object_id=object_id, rows=rows))
                    for *key, n in rows:
                        sums[tuple(key)] += n
            with transaction.atomic():
                TallyFact.objects.bulk_create(facts, batch_size=500)
            done += len(chunk)
            if progress:
                progress(done, done + len(ids) - start - len(chunk))
    with transaction.atomic():
        cells = []
        for key, n in sums.items():
            where = dict(zip(TALLY_DIMENSIONS, key, strict=True))
            where["month"] = dt.date.fromisoformat(where["month"])
            cells.append(TallyCell(**where, n=n))
        TallyCell.objects.bulk_create(cells, batch_size=500)
    return done


def needs_rebuild() -> bool:
    """Some source has objects but nothing has been counted (records loaded in bulk, or a
    database from before the tallies)."""
    return any(
        not TallyFact.objects.filter(source=key).exists()
        and next(iter(spec.all_ids()), None) is not None
        for key, spec in SOURCES.items()
    )


# --- Reading the cells ------------------------------------------------------------------------

GROUPS = ("region", "station", "deputy", "congress", "delegation", "month", "quarter")


def cells(
    figures: Iterable[str],
    *,
    region: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    by_deputy: bool = False,
    where: dict | None = None,
):
    """The cells of these figures in the region's subtree and the months from `start`'s to
    `end`'s: the wholes, or (`by_deputy`) the deputies' shares."""
    qs = TallyCell.objects.filter(figure__in=list(figures))
    qs = qs.exclude(deputy_id=0) if by_deputy else qs.filter(deputy_id=0)
    if region:
        qs = qs.filter(region_code__startswith=region)
    if start:
        qs = qs.filter(month__gte=start.replace(day=1))
    if end:
        qs = qs.filter(month__lte=end.replace(day=1))
    return qs.filter(**(where or {}))


def totals(qs) -> dict[str, int]:
    """Each figure's sum over the cells."""
    return {
        row["figure"]: row["n"] or 0 for row in qs.values("figure").annotate(n=Sum("n")).order_by()
    }


def grouped(qs, by: str, *, length: int = 4) -> dict[object, dict[str, int]]:
    """{group: {figure: sum}}: by the first `length` characters of the region code, a station,
    a deputy, a congress, a delegation, a month or a quarter ("2026-Q2")."""
    if by == "region":
        rows = qs.annotate(g=Substr("region_code", 1, length))
    elif by in ("month", "quarter"):
        rows = qs.annotate(g=F("month"))
    else:
        rows = qs.annotate(g=F(f"{by}_id"))
    out: dict[object, dict[str, int]] = defaultdict(dict)
    for row in rows.values("g", "figure").annotate(n=Sum("n")).order_by():
        g = row["g"]
        if by == "quarter":
            g = f"{g.year}-Q{(g.month - 1) // 3 + 1}"
        bucket = out[g]
        bucket[row["figure"]] = bucket.get(row["figure"], 0) + (row["n"] or 0)
    return dict(out)


# --- Reception records (liaison, below casework) -------------------------------------------------


def _reception_shares(ids: list[str]) -> dict[str, list[Share]]:
    from django.apps import apps

    Record = apps.get_model("liaison", "ReceptionRecord")
    pks = [int(i) for i in ids if i.isdigit()]
    records = list(
        Record.objects.filter(pk__in=pks).values(
            "pk", "station_id", "station__region__code", "date", "visitor_count"
        )
    )
    deputies: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for record_id, deputy_id, leader in Record.deputies.through.objects.filter(
        receptionrecord_id__in=pks
    ).values_list("receptionrecord_id", "deputy_id", "deputy__person__is_leading_cadre"):
        deputies[record_id].append((deputy_id, leader))
    out: dict[str, list[Share]] = {}
    for r in records:
        seats = deputies.get(r["pk"], [])
        common = {
            "month": r["date"],
            "region_code": r["station__region__code"] or "",
            "station_id": r["station_id"],
        }
        everyone = tuple(d for d, _leader in seats)
        leaders = tuple(d for d, leader in seats if leader)
        shares = [
            Share("receptions", 1, deputies=everyone, **common),
            Share("received", r["visitor_count"] or 0, deputies=everyone, **common),
        ]
        if leaders:
            shares.append(Share("leader_receptions", 1, deputies=leaders, **common))
        out[str(r["pk"])] = shares
    return out


def _reception_ids() -> Iterable[str]:
    from django.apps import apps

    return (
        str(pk)
        for pk in apps.get_model("liaison", "ReceptionRecord")
        .objects.order_by("pk")
        .values_list("pk", flat=True)
    )


def on_reception(event) -> None:
    """The trail's reader (`liaison.record_reception`): count the record in its transaction."""
    if event.object_id.isdigit():
        refresh("reception", [event.object_id])


def on_reception_delete(sender, instance, **kwargs) -> None:
    refresh_gone("reception", [instance.pk])


def refresh_gone(source: str, object_ids: Iterable) -> None:
    """Objects deleted: their rows leave the cells."""
    ids = [str(i) for i in object_ids]
    facts = list(TallyFact.objects.filter(source=source, object_id__in=ids))
    deltas: Counter = Counter()
    for fact in facts:
        for *key, n in fact.rows:
            deltas[tuple(key)] -= n
    TallyFact.objects.filter(pk__in=[f.pk for f in facts]).delete()
    _move(deltas)


register_figure(
    "receptions",
    gettext_lazy("接待记录"),
    gettext_lazy(
        "期间内各联络站登记的接待、走访群众记录条数；按代表统计时，每位接待代表各计一条。"
    ),
)
register_figure(
    "received",
    gettext_lazy("接待群众人次"),
    gettext_lazy("接待、走访记录登记的来访群众人数之和。"),
)
register_figure(
    "leader_receptions",
    gettext_lazy("领导干部接待"),
    gettext_lazy(
        "有身为领导干部的代表参加接待的记录条数（按季度统计即领导干部季度接待）；"
        "按代表统计时只计领导干部代表。"
    ),
)
register_source("reception", shares=_reception_shares, all_ids=_reception_ids)
