"""The dashboards (`/dashboard/`, issue 14): the figures of one kind (or of the liaison
network) for a region and a period, grouped by region (city → county → township), station,
deputy, unit, category or month; a map of the province's cities and a tile map of a city's
counties coloured by one figure; the units' league table. Everything is read from the metrics
layer (`casework.metrics`) by a fixed number of queries, and one `Dashboard` is rendered as the
page, the Excel file and the PDF, so they show the same table."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.apps import apps
from django.db.models import Count
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts.access import Grants
from lianxin.core import dates
from lianxin.core.errors import ValidationFailed

from . import kinds, metrics, rules, tallies

NETWORK = "network"
FIRST_DAY = dt.date(2000, 1, 1)
WALL_REFRESH_SECONDS = 60
MAP_FILE = Path(__file__).parent / "static" / "casework" / "shanxi_cities.json"
HEAT_CLASSES = 5
NETWORK_FIGURES = {
    "stations": (
        gettext_lazy("联络站"),
        gettext_lazy("区域内在册的代表联络站个数。"),
    ),
    "receptions": (
        gettext_lazy("接待记录"),
        gettext_lazy("期间内各联络站登记的接待群众记录条数。"),
    ),
}


@cache
def city_map() -> dict:
    """The province's city outlines, converted once from the shared division data by
    scripts/build_city_map.py."""
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


@dataclass
class Column:
    key: str
    label: str
    definition: str


@dataclass
class Dashboard:
    kind: str
    kind_label: str
    region: object  # org.Region or None (every region)
    by: str
    figure: str
    start: dt.date | None
    end: dt.date | None
    columns: list[Column]
    header: list[str]
    rows: list[list]  # what the table shows, cell for cell (the Excel file and the PDF too)
    keys: list[str]  # each row's key (a region code when grouped by region)
    total: list
    chart: dict
    trail: list = field(default_factory=list)  # the regions above, for the breadcrumb
    city_map: list = field(default_factory=list)
    map_box: str = ""
    tiles: list = field(default_factory=list)
    tiles_of: object = None
    league: list = field(default_factory=list)
    league_header: list = field(default_factory=list)
    own_units: frozenset = frozenset()
    links: list = field(default_factory=list)  # per row: the region code it drills down to

    @property
    def lines(self) -> list[tuple[str, list[tuple[str, object]]]]:
        """The table's rows for the page: the drill-down link and (column, cell) pairs."""
        links = self.links or [""] * len(self.rows)
        return [
            (link, list(zip(self.header, row, strict=True)))
            for link, row in zip(links, self.rows, strict=True)
        ]

    @property
    def title(self) -> str:
        place = self.region.name if self.region is not None else _("全部区划")
        return _("%(place)s%(kind)s统计") % {"place": place, "kind": self.kind_label}

    @property
    def period(self) -> str:
        if not (self.start or self.end):
            return _("全部期间")
        return _("%(start)s 至 %(end)s") % {
            "start": f"{self.start:%Y-%m}" if self.start else "…",
            "end": f"{self.end:%Y-%m}" if self.end else "…",
        }

    @property
    def slug(self) -> str:
        return f"{self.title}-{self.period}".replace(" ", "")


def sections(g: Grants | None = None) -> list[tuple[str, str]]:
    """The dashboard's tabs: each kind with figures, then the liaison network (for those who
    read a region: not a station manager or a unit officer alone)."""
    tabs = [(spec.kind, spec.label or spec.kind) for spec in kinds.with_figures()]
    if g is None or rules.figure_regions(g) != ():
        tabs.append((NETWORK, str(_("联络站网络"))))
    return tabs


def parse_period(start_text, end_text) -> tuple[dt.date | None, dt.date | None]:
    start = dates.parse_day(start_text, field="from")
    end = dates.parse_day(end_text, field="to")
    for day, name in ((start, "from"), (end, "to")):
        if day is not None and day < FIRST_DAY:
            raise ValidationFailed(_("统计期间不能早于 2000 年。"), field=name)
    if start and end and end < start:
        raise ValidationFailed(_("截止日期不能早于起始日期。"), field="to")
    return start, end


def _region_model():
    return apps.get_model("org", "Region")


def region_for(g: Grants, code: str):
    """The region the dashboard opens: the one asked for, if the user's figures reach it
    (else 404, as for a region that does not exist), or the widest region the user reads."""
    Region = _region_model()
    roots = rules.figure_regions(g)
    if not code:
        if roots is None:
            return Region.objects.filter(code="14").first()
        return Region.objects.filter(code=roots[0]).first() if roots else None
    if len(code) > 12 or not code.isdigit() or not rules.may_open_region(g, code):
        raise Http404
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    return region


def build(
    g: Grants,
    *,
    kind: str,
    region,
    by: str = "region",
    figure: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Dashboard:
    valid = dict(sections(g))
    if kind not in valid:
        raise ValidationFailed(_("统计类别有误。"), field="kind")
    if kind == NETWORK:
        return _network(
            g, region=region, figure=figure or "receptions", start=start, end=end, by=by
        )
    if by not in metrics.GROUPS:
        raise ValidationFailed(_("分组方式有误。"), field="by")
    figures = metrics.figures_for(kind)
    keys = [f.key for f in figures]
    figure = figure or "collected"
    if figure not in keys:
        raise ValidationFailed(_("指标有误。"), field="figure")
    code = region.code if region is not None else ""
    scope = rules.figure_scope(g)
    qs = metrics.cells(scope, kinds=[kind], region=code, start=start, end=end)
    grouped = metrics.grouped(qs, by, region=code)
    total = metrics.total(qs)
    columns = [Column(f.key, str(f.label), str(f.definition)) for f in figures]
    header = [str(metrics.GROUPS[by]), *(c.label for c in columns)]

    def cells_of(row: metrics.Row) -> list:
        return [row.label, *(_cell(row, f) for f in figures)]

    board = Dashboard(
        kind=kind,
        kind_label=valid[kind],
        region=region,
        by=by,
        figure=figure,
        start=start,
        end=end,
        columns=columns,
        header=header,
        rows=[cells_of(r) for r in grouped],
        keys=[r.key for r in grouped],
        total=cells_of(total),
        chart=_chart(metrics.ALL_FIGURES[figure].label, grouped, figure),
    )
    _place(board, g, qs_for_cities=metrics.cells(scope, kinds=[kind], start=start, end=end))
    if g.unit_ids or g.is_admin:
        _league(board, kind, start, end, g)
    return board


def _cell(row: metrics.Row, figure: metrics.Figure):
    value = figure.value(row.counts)
    if figure.per == "count":
        return value
    return figure.display(row.counts)


def _chart(label, rows: list[metrics.Row], figure: str) -> dict:
    return {
        "title": str(label),
        "labels": [r.label for r in rows],
        "values": [r.value(figure) for r in rows],
    }


def _heat(values: dict[str, float | None]) -> dict[str, str]:
    present = [v for v in values.values() if v is not None]
    top = max(present or [0]) or 1
    return {
        code: "heat-none"
        if v is None
        else f"heat-{min(HEAT_CLASSES - 1, int(HEAT_CLASSES * v / top))}"
        for code, v in values.items()
    }


def _drill(board: Dashboard, g: Grants) -> None:
    if board.by == "region":
        board.links = [
            key if key.isdigit() and len(key) < 12 and rules.may_open_region(g, key) else ""
            for key in board.keys
        ]


def _place(board: Dashboard, g: Grants, *, qs_for_cities) -> None:
    """The breadcrumb, the city map and, inside a city, its counties' tiles."""
    _drill(board, g)
    Region = _region_model()
    region = board.region
    code = region.code if region is not None else ""
    board.trail = _trail(g, code)
    # The cities of the province, coloured by the figure (the cells the user may read).
    cities = {r.key: r for r in metrics.grouped(qs_for_cities, "region", region="14")}
    values = {
        c["code"]: cities[c["code"]].value(board.figure) if c["code"] in cities else None
        for c in city_map()["cities"]
    }
    heat = _heat(values)
    board.map_box = f"0 0 {city_map()['width']} {city_map()['height']}"
    board.city_map = [
        {
            **c,
            "value": cities[c["code"]].display(board.figure) if c["code"] in cities else "—",
            "heat": heat[c["code"]],
            "open": rules.may_open_region(g, c["code"]),
            "current": code.startswith(c["code"]),
        }
        for c in city_map()["cities"]
    ]
    # Inside a city: one tile per county, in code order, coloured likewise.
    city_code = code[:4] if len(code) >= 4 else ""
    if city_code:
        counties = list(
            Region.objects.filter(parent__code=city_code).order_by("code").values("code", "name")
        )
        sums = {
            r.key: r
            for r in metrics.grouped(
                qs_for_cities.filter(region_code__startswith=city_code), "region", region=city_code
            )
        }
        values = {
            c["code"]: sums[c["code"]].value(board.figure) if c["code"] in sums else None
            for c in counties
        }
        heat = _heat(values)
        board.tiles_of = next((name for c, name in board.trail if c == city_code), None) or (
            region.name if len(code) == 4 else ""
        )
        board.tiles = [
            {
                **c,
                "value": sums[c["code"]].display(board.figure) if c["code"] in sums else "—",
                "heat": heat[c["code"]],
                "current": code.startswith(c["code"]),
                "open": rules.may_open_region(g, c["code"]),
            }
            for c in counties
        ]


def _trail(g: Grants, code: str) -> list[tuple[str, str]]:
    """The regions above `code` that the user may open, widest first (one query)."""
    above = [code[:n] for n in (2, 4, 6) if len(code) > n]
    names = dict(_region_model().objects.filter(code__in=above).values_list("code", "name"))
    return [(c, names[c]) for c in above if c in names and rules.may_open_region(g, c)]


def _league(board: Dashboard, kind: str, start, end, g: Grants) -> None:
    """Every unit's satisfaction and overdue figures for this kind, best first; a unit
    officer's own units are marked."""
    qs = metrics.cells(None, kinds=[kind], start=start, end=end).exclude(unit_id=0)
    shown = [metrics.ALL_FIGURES[k] for k in ("assigned", "satisfaction", "overdue_rate")]
    rows = metrics.grouped(qs, "unit")
    rows.sort(
        key=lambda r: (
            -(r.value("satisfaction") or -1),
            r.value("overdue_rate") or 0,
            r.label,
        )
    )
    board.league_header = [_("名次"), _("承办单位"), *(str(f.label) for f in shown)]
    board.own_units = frozenset(str(u) for u in g.unit_ids)
    board.league = [
        (r.key, [i + 1, r.label, *(_cell(r, f) for f in shown)]) for i, r in enumerate(rows)
    ]


def network_figures() -> dict[str, tuple]:
    """The network tab's figures: the stations, then the tallies of the metrics layer
    (`casework.tallies`: receptions, people received, leading cadres' receptions, and the duty
    points duty registers), each (label, definition)."""
    return {
        **NETWORK_FIGURES,
        **{k: (f.label, f.definition) for k, f in tallies.FIGURES.items()},
    }


NETWORK_GROUPS = {
    "region": gettext_lazy("区划"),
    "quarter": gettext_lazy("季度"),
}


def _network(g: Grants, *, region, figure: str, start, end, by: str = "region") -> Dashboard:
    """Stations and the network's tallies by the region's children or by quarter."""
    figures = network_figures()
    if figure not in figures:
        raise ValidationFailed(_("指标有误。"), field="figure")
    if by not in NETWORK_GROUPS:
        raise ValidationFailed(_("分组方式有误。"), field="by")
    Station = apps.get_model("liaison", "Station")
    Region = _region_model()
    code = region.code if region is not None else ""
    length = metrics.REGION_LEVELS.get(len(code), 4) if code else 4
    stations_qs = Station.objects.filter(region__code__startswith=code)
    qs = tallies.cells(list(tallies.FIGURES), region=code, start=start, end=end)
    counted = tallies.grouped(qs, by, length=length)
    total_counts = tallies.totals(qs)
    if by == "region":
        stations = dict(
            stations_qs.annotate(g=Substr("region__code", 1, length))
            .values("g")
            .annotate(n=Count("pk"))
            .values_list("g", "n")
        )
        keys = sorted(set(stations) | set(counted))
        names = dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    else:
        stations = {}
        keys = sorted(counted)
        names = {k: k for k in keys}
    station_total = stations_qs.count()
    tally_keys = list(tallies.FIGURES)
    rows = [
        [
            names.get(k, k),
            stations.get(k, "—" if by != "region" else 0),
            *(counted.get(k, {}).get(f, 0) for f in tally_keys),
        ]
        for k in keys
    ]
    column = [*figures].index(figure) + 1
    if by == "region":
        first = 2 if tally_keys else 1
        order = sorted(range(len(rows)), key=lambda i: (-rows[i][first], keys[i]))
    else:
        order = list(range(len(rows)))
    columns = [Column(k, str(label), str(text)) for k, (label, text) in figures.items()]
    board = Dashboard(
        kind=NETWORK,
        kind_label=str(_("联络站网络")),
        region=region,
        by=by,
        figure=figure,
        start=start,
        end=end,
        columns=columns,
        header=[str(NETWORK_GROUPS[by]), *(c.label for c in columns)],
        rows=[rows[i] for i in order],
        keys=[keys[i] for i in order],
        total=[_("合计"), station_total, *(total_counts.get(f, 0) for f in tally_keys)],
        chart={
            "title": str(figures[figure][0]),
            "labels": [rows[i][0] for i in order],
            "values": [v if isinstance(v := rows[i][column], int) else 0 for i in order],
        },
    )
    board.trail = _trail(g, code)
    if by == "region":
        _drill(board, g)
    return board


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_xlsx(board: Dashboard) -> bytes:
    """The table as shown: the heading, the period, the header, the rows and the total."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from lianxin.core.xlsx import workbook_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = _("统计表")
    ws.append([board.title])
    ws["A1"].font = Font(size=14, bold=True)
    ws.append([board.period])
    ws.append(board.header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in board.rows:
        ws.append(row)
    ws.append(board.total)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "B4"
    ws.column_dimensions["A"].width = 24
    if board.league:
        league = wb.create_sheet(_("承办单位排名"))
        league.append(board.league_header)
        for _key, row in board.league:
            league.append(row)
    definitions = wb.create_sheet(_("指标说明"))
    for column in board.columns:
        definitions.append([column.label, column.definition])
    return workbook_bytes(wb)


def to_pdf(board: Dashboard) -> bytes:
    from lianxin.core.pdf import render_pdf, table_layout

    rows = [*board.rows, board.total]
    layout = table_layout(board.header, rows, font_pt=10, margin_mm=14)
    return render_pdf(
        "casework/dashboard_print.html",
        {"board": board, "layout": layout, "cells": layout.cells(rows)},
    )
