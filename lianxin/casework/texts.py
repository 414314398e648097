"""Full-text search of texts that are not cases (issue 14, item 3): duty posts, deputies' stories,
published duty reports, sentiment reports, consultation opinions — behind the same interface
as the cases' search (`casework.search`: the same segmentation, the same two backends, the
same quoting of what a user types).

The apps that own these texts sit above casework, so each registers its kinds (`register`, from
its `ready`): the model, what its text is (`document(obj) -> (title, body, date)`), which rows
count (a report only once published), the trail actions after which a row is read again, and
the page of a hit. What a user finds is what the app's visibility rule lets him see
(`accounts.access.visible_to`, the same rule as the app's lists), narrowed by `filter`.

- `index(kind, ids)` (re)writes entries (`TextEntry`, and its row of `casework_text_search`);
  the trail reader `on_trail` calls it inside the action's transaction.
- `rebuild(progress)` writes every registered kind again (`manage.py rebuild_search`).
- `search(user, query, kinds)` returns one page of hits (title, snippet, link), best first."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Q
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from lianxin.core import trail

from . import search as case_search
from .models import TextEntry

TABLE = "casework_text_search"
RELATION = "search_row"
BATCH = 2000


@dataclass(frozen=True)
class TextKind:
    kind: str
    label: object
    model: str  # app_label.ModelName
    document: Callable  # obj -> (title, body, date)
    url: Callable  # obj -> the page of the hit (kept with the entry)
    counts: Q = field(default_factory=Q)  # the rows indexed (published only…)
    object_type: str = ""  # the trail's object_type of the model
    actions: tuple = ()  # trail actions (or their prefixes) that may change the text
    related: tuple = ()  # select_related for `document`


KINDS: dict[str, TextKind] = {}


def register(
    kind: str,
    label,
    *,
    model: str,
    document: Callable,
    url: Callable,
    counts: Q | None = None,
    actions: Iterable[str] = (),
    related: Iterable[str] = (),
) -> None:
    """A kind of text in the search; the trail re-reads a row after any action that starts with
    one of `actions` ("sentiment." for every action of the sentiment app) on a row of it."""
    object_type = model.lower()
    spec = TextKind(
        kind,
        label,
        model,
        document,
        url,
        counts if counts is not None else Q(),
        object_type,
        tuple(actions),
        tuple(related),
    )
    KINDS[kind] = spec
    for action in spec.actions:
        trail.on_record(on_trail, prefix=action)


def _backend():
    return case_search.backend(TABLE, RELATION)


def _model(spec: TextKind):
    return apps.get_model(spec.model)


def _entries(spec: TextKind, objects) -> list[TextEntry]:
    out = []
    for obj in objects:
        title, body, date = spec.document(obj)
        if isinstance(date, dt.datetime):
            date = date.date()
        out.append(
            TextEntry(
                kind=spec.kind,
                object_id=obj.pk,
                title=(title or "")[:200],
                body=body or "",
                date=date or dt.date.today(),
                url=spec.url(obj)[:200],
            )
        )
    return out


def _write(entries: list[TextEntry], backend, *, fresh: bool = False) -> None:
    """Insert the entries and their index rows (segmentation in one pass over the batch)."""
    TextEntry.objects.bulk_create(entries, batch_size=500)
    if connection.vendor != "postgresql" or any(e.pk is None for e in entries):
        # SQLite returns the ids of a bulk insert too (3.35+); read them when it did not.
        missing = [e for e in entries if e.pk is None]
        if missing:
            ids = dict(
                TextEntry.objects.filter(
                    kind=entries[0].kind, object_id__in=[e.object_id for e in missing]
                ).values_list("object_id", "pk")
            )
            for e in missing:
                e.pk = ids[e.object_id]
    rows = [(e.pk, *case_search.tokens(f"{e.title}\n{e.body}")) for e in entries]
    if rows:
        with connection.cursor() as cursor:
            (backend.insert if fresh else backend.write)(cursor, rows)


def index(kind: str, ids: Iterable[int]) -> int:
    """(Re)write the entries of these rows of `kind`; a row gone or no longer counted (a
    report withdrawn) loses its entry."""
    spec = KINDS[kind]
    ids = sorted({int(i) for i in ids})
    if not ids:
        return 0
    b = _backend()
    objects = list(
        _model(spec).objects.filter(spec.counts, pk__in=ids).select_related(*spec.related)
    )
    with transaction.atomic():
        old = list(
            TextEntry.objects.filter(kind=kind, object_id__in=ids).values_list("pk", flat=True)
        )
        if old:
            with connection.cursor() as cursor:
                b.delete(cursor, old)
            TextEntry.objects.filter(pk__in=old).delete()
        _write(_entries(spec, objects), b)
    return len(objects)


def on_trail(event) -> None:
    """The trail's reader: re-read the row of an action of a registered kind."""
    if not event.object_id.isdigit():
        return
    for spec in KINDS.values():
        if event.object_type == spec.object_type and event.action.startswith(spec.actions):
            index(spec.kind, [int(event.object_id)])


def remove(kind: str, ids: Iterable[int]) -> None:
    old = list(
        TextEntry.objects.filter(kind=kind, object_id__in=list(ids)).values_list("pk", flat=True)
    )
    if old:
        with connection.cursor() as cursor:
            _backend().delete(cursor, old)
        TextEntry.objects.filter(pk__in=old).delete()


def rebuild(progress: Callable[[int, int], None] | None = None, *, batch: int = BATCH) -> int:
    """Write the entries of every registered kind again, `batch` rows per transaction."""
    b = _backend()
    with transaction.atomic(), connection.cursor() as cursor:
        b.clear(cursor)
        TextEntry.objects.all().delete()
    total = sum(_model(s).objects.filter(s.counts).count() for s in KINDS.values())
    done = 0
    try:
        for spec in KINDS.values():
            last = 0
            while True:
                objects = list(
                    _model(spec)
                    .objects.filter(spec.counts, pk__gt=last)
                    .order_by("pk")
                    .select_related(*spec.related)[:batch]
                )
                if not objects:
                    break
                with transaction.atomic():
                    _write(_entries(spec, objects), b, fresh=True)
                done += len(objects)
                last = objects[-1].pk
                if progress is not None:
                    progress(done, max(total, done))
    finally:
        with transaction.atomic(), connection.cursor() as cursor:
            b.finish(cursor)
    return done


# --- Searching --------------------------------------------------------------------------------


@dataclass
class TextHit:
    kind: str
    kind_label: str
    url: str
    date: dt.date
    title: SafeString
    snippet: SafeString
    score: float


@dataclass
class TextResults:
    query: str
    terms: list[str]
    hits: list[TextHit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    message: str = ""
    texts: bool = True  # the page shows no case export for these
    queryset: object = None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


# Filters a text search takes; the others are the cases' own (state, unit, reply class…).
FILTERS = ("kind", "year")


def search_filtered(user, query: str, filters: dict, *, sort: str = "relevance", page: int = 1):
    """The search page's search of one kind of text: the kind and a year as filters, the
    cases' other filters refused (422)."""
    from lianxin.core.errors import ValidationFailed

    f = {k: v for k, v in filters.items() if v not in (None, "")}
    other = sorted(set(f) - set(FILTERS))
    if other:
        raise ValidationFailed(
            _("此类别只能按年份筛选，不支持：%(names)s。") % {"names": "、".join(other)[:60]},
            field=other[0],
        )
    if sort not in case_search.SORTS:
        raise ValidationFailed(_("排序方式只能是相关度或时间。"), field="sort")
    year = None
    if f.get("year"):
        text = str(f["year"]).strip()
        if not text.isdigit() or not 1949 <= int(text) <= 2100:
            raise ValidationFailed(_("年份参数有误。"), field="year")
        year = int(text)
    results = search(user, query, [f["kind"]], page=page, sort=sort, year=year)
    if not results.terms:
        results.message = (
            _("请输入要查找的词语。")
            if not results.query
            else _("查找内容中没有可查找的文字或数字。")
        )
    return results


def visible(user, kinds: Iterable[str] | None = None):
    """The entries `user` may see: of each kind, those whose row the kind's app lets him see
    (its visibility rule, as its lists)."""
    from lianxin.accounts.access import visible_to

    wanted = [k for k in (kinds or KINDS) if k in KINDS]
    match = Q(pk__in=[])
    for kind in wanted:
        spec = KINDS[kind]
        rows = visible_to(user, _model(spec)).filter(spec.counts).values("pk")
        match |= Q(kind=kind, object_id__in=rows)
    return TextEntry.objects.filter(match)


def search(
    user,
    query: str,
    kinds: Iterable[str] | None = None,
    *,
    page: int = 1,
    per_page: int = case_search.PER_PAGE,
    sort: str = "relevance",
    year: int | None = None,
) -> TextResults:
    """One page of the texts `user` may see that have every word of `query`, best first (or
    newest first), each with its title, a snippet and its page."""
    query = (query or "").strip()
    terms = case_search.query_terms(query)
    results = TextResults(query=query, terms=terms, page=max(1, page))
    if not terms:
        return results
    b = _backend()
    entries = visible(user, kinds)
    if year is not None:
        entries = entries.filter(date__year=year)
    qs = b.match(entries, b.expression(terms, any_term=False))
    order = ("-search_rank", "-date", "-id") if sort == "relevance" else ("-date", "-id")
    qs = qs.order_by(*order)
    results.total = qs.count()
    results.pages = math.ceil(results.total / per_page) if results.total else 0
    results.page = min(results.page, max(results.pages, 1), case_search.MAX_PAGE)
    start = (results.page - 1) * per_page
    for entry in qs[start : start + per_page]:
        spec = KINDS[entry.kind]
        title = entry.title or entry.body[:40]
        results.hits.append(
            TextHit(
                kind=entry.kind,
                kind_label=str(spec.label),
                url=entry.url,
                date=entry.date,
                title=case_search.highlight(title, terms, width=len(title) + 1),
                snippet=case_search.highlight(entry.body, terms),
                score=round(float(getattr(entry, "search_rank", 0) or 0), 4),
            )
        )
    return results


def kind_choices() -> list[tuple[str, str]]:
    return [(k, str(spec.label)) for k, spec in KINDS.items()]
