"""Points and rankings (M11): the congress's scoring rules of the year applied to its deputies'
duty records, the grade bands, the scoreboard of a quarter or the year, and the preview of a
rule change (how many deputies would change band) before it is saved."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from lianxin.org.models import Deputy, SeatStatus

from .models import DutyEntry, GradeBand, Outcome, Period, ScoringRule


# --- Validation (the admin's forms and the actions) ------------------------------------------
def check_rule(rule: ScoringRule) -> None:
    """Two rules for one duty (and outcome) in one congress's year are refused, as is a cap
    below the points of one duty."""
    if not (rule.congress_id and rule.year and rule.kind):
        return
    same = ScoringRule.objects.filter(
        congress_id=rule.congress_id, year=rule.year, kind=rule.kind, outcome=rule.outcome or ""
    ).exclude(pk=rule.pk)
    if same.exists():
        raise ValidationError(
            _("%(year)s 年度已有“%(duty)s”的积分规则，同一履职事项在同一周期只能有一条规则。")
            % {"year": rule.year, "duty": _rule_name(rule)},
            code="duplicate_rule",
        )
    if rule.cap is not None and rule.points is not None and rule.cap < rule.points:
        raise ValidationError(
            {"cap": ValidationError(_("积分上限不能低于每次积分。"), code="cap_below_points")}
        )
    if rule.outcome == Outcome.ABSENT:
        raise ValidationError(
            {
                "outcome": ValidationError(
                    _("无故缺席的扣分请填写在该类履职规则的“无故缺席扣分”中。"),
                    code="absence_rule",
                )
            }
        )


def _rule_name(rule: ScoringRule) -> str:
    name = str(rule.get_kind_display())
    return f"{name}（{rule.get_outcome_display()}）" if rule.outcome else name


def check_band(band: GradeBand) -> None:
    """A band's range [min, max) must not overlap another band of the same congress and year."""
    if band.max_points is not None and band.min_points is not None:
        if band.max_points <= band.min_points:
            raise ValidationError(
                {"max_points": ValidationError(_("最高积分应大于最低积分。"), code="empty_band")}
            )
    if not (band.congress_id and band.year) or band.min_points is None:
        return
    others = GradeBand.objects.filter(congress_id=band.congress_id, year=band.year).exclude(
        pk=band.pk
    )
    for other in others:
        if _overlap(band.min_points, band.max_points, other.min_points, other.max_points):
            raise ValidationError(
                _("“%(grade)s”的积分区间与“%(other)s”（%(range)s）重叠，请调整分数线。")
                % {
                    "grade": band.get_grade_display(),
                    "other": other.get_grade_display(),
                    "range": band_range(other),
                },
                code="overlapping_bands",
            )


def _overlap(lo1: int, hi1: int | None, lo2: int, hi2: int | None) -> bool:
    return (hi2 is None or lo1 < hi2) and (hi1 is None or lo2 < hi1)


def band_range(band: GradeBand) -> str:
    if band.max_points is None:
        return _("%(min)s 分及以上") % {"min": band.min_points}
    return _("%(min)s 至 %(max)s 分（不含）") % {"min": band.min_points, "max": band.max_points}


# --- Applying the rules -----------------------------------------------------------------------
def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_range(year: int, quarter: int | None) -> tuple[dt.date, dt.date]:
    if not quarter:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


def rules_of(congress_id: int, year: int) -> dict[tuple[str, str], ScoringRule]:
    return {
        (r.kind, r.outcome): r
        for r in ScoringRule.objects.filter(congress_id=congress_id, year=year)
    }


def _rule_for(rules: dict, kind: str, outcome: str) -> ScoringRule | None:
    if outcome == Outcome.ABSENT:
        return rules.get((kind, Outcome.ATTENDED)) or rules.get((kind, ""))
    return rules.get((kind, outcome)) or rules.get((kind, ""))


def apply_rules(entries: Iterable, rules: dict) -> list[int]:
    """The points of each entry (in the order given: by date, then id), each rule's cap counted
    per seat and per quarter or year; an absence without leave costs the rule's deduction."""
    used: dict[tuple, int] = defaultdict(int)
    result = []
    for e in entries:
        rule = _rule_for(rules, e.kind, e.outcome)
        if rule is None:
            result.append(0)
            continue
        if e.outcome == Outcome.ABSENT:
            result.append(-rule.absence_deduction)
            continue
        points = rule.points
        if rule.cap is not None:
            period = quarter_of(e.date) if rule.cap_period == Period.QUARTER else 0
            key = (e.deputy_id, rule.kind, rule.outcome, period)
            points = max(0, min(points, rule.cap - used[key]))
            used[key] += points
        result.append(points)
    return result


def _entries(congress_id: int, year: int, deputy_ids=None):
    qs = DutyEntry.objects.filter(deputy__congress_id=congress_id, date__year=year)
    if deputy_ids is not None:
        qs = qs.filter(deputy_id__in=list(deputy_ids))
    return qs.only("id", "deputy_id", "kind", "outcome", "date", "points").order_by("date", "id")


def recompute(congress_id: int, year: int, deputy_ids: Iterable[int] | None = None) -> int:
    """Write the points of a congress's entries of one year (or of some seats only) from its
    rules; returns how many entries changed."""
    rows = list(
        _entries(congress_id, year, deputy_ids).values_list(
            "id", "deputy_id", "kind", "outcome", "date", "points", named=True
        )
    )
    # Few distinct values: one UPDATE … WHERE id IN (…) per value and batch, far cheaper than
    # a CASE per row (bulk_update).
    by_points: dict[int, list[int]] = defaultdict(list)
    for row, points in zip(rows, apply_rules(rows, rules_of(congress_id, year)), strict=True):
        if row.points != points:
            by_points[points].append(row.id)
    for points, ids in by_points.items():
        for i in range(0, len(ids), 900):
            DutyEntry.objects.filter(pk__in=ids[i : i + 900]).update(points=points)
    # The figure of the metrics layer (casework.tallies) follows the points.
    from . import figures

    figures.refresh(congress_id, year, deputy_ids)
    return sum(len(ids) for ids in by_points.values())


def recompute_for(entries: Iterable[DutyEntry]) -> None:
    """Recompute the seats and years touched by new entries (the record reader calls this)."""
    touched: dict[tuple[int, int], set[int]] = defaultdict(set)
    congress_of = dict(
        Deputy.objects.filter(pk__in={e.deputy_id for e in entries}).values_list(
            "pk", "congress_id"
        )
    )
    for e in entries:
        touched[(congress_of[e.deputy_id], e.date.year)].add(e.deputy_id)
    for (congress_id, year), seats in touched.items():
        recompute(congress_id, year, seats)


# --- Bands, scoreboard, preview ---------------------------------------------------------------
def bands_of(congress_id: int, year: int) -> list[GradeBand]:
    return list(GradeBand.objects.filter(congress_id=congress_id, year=year))


def band_for(points: int, bands: list[GradeBand]) -> GradeBand | None:
    for band in bands:
        if points >= band.min_points and (band.max_points is None or points < band.max_points):
            return band
    return None


@dataclass
class Row:
    deputy_id: int
    name: str
    delegation: str
    station: str
    points: int
    rank: int = 0
    grade: str = ""
    grade_label: str = ""


@dataclass
class Board:
    year: int
    quarter: int | None
    rows: list[Row] = field(default_factory=list)

    def of(self, deputy_id: int) -> Row | None:
        return next((r for r in self.rows if r.deputy_id == deputy_id), None)


def scoreboard(
    congress_id: int,
    year: int,
    quarter: int | None = None,
    *,
    delegation_id: int | None = None,
    station_id: int | None = None,
) -> Board:
    """The serving deputies of a congress with their points in the period, best first; ties
    share a rank (1, 2, 2, 4). The grade is of the year's points."""
    start, end = quarter_range(year, quarter)
    seats = Deputy.objects.filter(congress_id=congress_id, status=SeatStatus.SERVING)
    if delegation_id:
        seats = seats.filter(delegation_id=delegation_id)
    if station_id:
        seats = seats.filter(station_membership__station_id=station_id)
    in_period = Q(duty_entries__date__gte=start, duty_entries__date__lte=end)
    rows = seats.annotate(
        total=Coalesce(Sum("duty_entries__points", filter=in_period), 0)
    ).values_list(
        "pk",
        "person__name",
        "delegation__name",
        "station_membership__station__name",
        "total",
    )
    board = Board(year, quarter)
    board.rows = [Row(pk, name, d or "", s or "", total) for pk, name, d, s, total in rows]
    board.rows.sort(key=lambda r: (-r.points, r.name, r.deputy_id))
    previous, rank = None, 0
    for i, row in enumerate(board.rows, start=1):
        if row.points != previous:
            rank, previous = i, row.points
        row.rank = rank
    bands = bands_of(congress_id, year)
    if quarter:
        totals = year_totals(congress_id, year, [r.deputy_id for r in board.rows])
    else:
        totals = {r.deputy_id: r.points for r in board.rows}
    for row in board.rows:
        band = band_for(totals.get(row.deputy_id, 0), bands)
        if band is not None:
            row.grade, row.grade_label = band.grade, str(band.get_grade_display())
    return board


def year_totals(congress_id: int, year: int, deputy_ids=None) -> dict[int, int]:
    qs = DutyEntry.objects.filter(deputy__congress_id=congress_id, date__year=year)
    if deputy_ids is not None:
        qs = qs.filter(deputy_id__in=list(deputy_ids))
    return dict(qs.values("deputy_id").annotate(t=Sum("points")).values_list("deputy_id", "t"))


@dataclass
class Preview:
    changed: int
    moves: list[tuple[str, str, str]]  # name, grade before, grade after

    def message(self) -> str:
        if not self.changed:
            return _("按修改后的规则重新计分，没有代表的等次发生变化。")
        shown = "；".join(f"{n}：{a or '—'} → {b or '—'}" for n, a, b in self.moves[:10])
        return _("按修改后的规则重新计分，将有 %(n)s 位代表的等次发生变化（%(who)s）。") % {
            "n": self.changed,
            "who": shown,
        }


def preview_rules(congress_id: int, year: int, rules: Iterable[ScoringRule]) -> Preview:
    """How many deputies change grade if the year's rules became `rules` (unsaved rows that
    replace the saved ones of the same duty and outcome). Nothing is written."""
    current = rules_of(congress_id, year)
    proposed = dict(current)
    for r in rules:
        proposed = {k: v for k, v in proposed.items() if v.pk is None or v.pk != r.pk}
        proposed[(r.kind, r.outcome or "")] = r
    rows = list(_entries(congress_id, year))
    before: dict[int, int] = defaultdict(int)
    after: dict[int, int] = defaultdict(int)
    for row, old, new in zip(
        rows, apply_rules(rows, current), apply_rules(rows, proposed), strict=True
    ):
        before[row.deputy_id] += old
        after[row.deputy_id] += new
    bands = bands_of(congress_id, year)
    names = dict(
        Deputy.objects.filter(congress_id=congress_id, status=SeatStatus.SERVING).values_list(
            "pk", "person__name"
        )
    )
    moves = []
    for pk, name in sorted(names.items(), key=lambda kv: kv[1]):
        a, b = band_for(before[pk], bands), band_for(after[pk], bands)
        if (a and a.grade) != (b and b.grade):
            moves.append(
                (
                    name,
                    str(a.get_grade_display()) if a else "",
                    str(b.get_grade_display()) if b else "",
                )
            )
    return Preview(len(moves), moves)
