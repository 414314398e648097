"""Full-text search of every kind of case and of its replies.

One interface, two backends behind it:

- `index_case(case)` / `index_cases(ids)` write a case's entry (`SearchEntry`): its kind's
  search text (`kinds.search_text`) and its replies, segmented by rjieba. `words` holds the
  words, `grams` the other distinct pairs of adjacent Chinese characters: a word the segmenter
  cut otherwise in this text (路 / 灯不亮) is still found by its pairs (路灯: each pair of the
  word among the words or the pairs).
- `remove(ids)` takes entries away; `rebuild(progress)` writes the whole index again, in
  batches (`manage.py rebuild_search`).
- `search(user, query, filters, sort, page)` finds what the user may see (`queries.cases_for`,
  the case list's rule), filtered, by relevance or date, with highlighted snippets.
- `similar(user, case)` proposes cases of any kind on the same topic from the same index.

The backends: SQLite's FTS5 (a virtual table, tokenizer unicode61) and PostgreSQL's full text
(a generated `tsvector` of the `simple` configuration under a GIN index); migration 0014 makes
the one of the database in use. Both receive the same pre-segmented tokens, and a query is
segmented the same way with each word quoted, so operators a user types (`" * NEAR( OR`) are
plain text.

The index is kept current by the trail: every `casework.*` action that may change a case's
text (registration, edits, replies, merges…) re-indexes that case inside its own transaction
(`core.trail.on_record`, registered from `CaseworkConfig.ready`).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import rjieba
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lianxin.core.errors import ValidationFailed

from . import kinds
from .models import Assignment, Case, Category, Kind, Reply, ReplyCategory, SearchEntry

# A query longer than this is cut here: nobody searches with a whole letter.
MAX_QUERY_CHARS = 100
MAX_TERMS = 12
PER_PAGE = 20
MAX_PAGE = 500
# The default period: the last five years; `older` (or a year, or dates) reaches further back.
DEFAULT_YEARS = 5
SNIPPET_CHARS = 120
BATCH = 2000
# Actions that change no text a search finds: they do not re-index the case.
UNTEXTUAL = frozenset(
    "assign return remind supervise mark_overdue overdue due_soon evaluate conclude attach "
    "consult feedback cosign invite respond survey open_survey answer_survey close_survey "
    "request_extension decide_extension".split()
)
FILTERS = ("kind", "year", "since", "until", "region", "category", "unit", "state", "reply")
SORTS = ("relevance", "date")


# --- Tokens -----------------------------------------------------------------------------------


# Letters and digits (any script).
PIECE = re.compile(r"[^\W_]+")


def _pieces(text: str) -> list[str]:
    """The runs of letters and digits of segmented text, lower-cased: what both FTS5's
    unicode61 and PostgreSQL's parser keep whole, so both backends see the same tokens."""
    return PIECE.findall(text.lower())


PAIR = re.compile(r"(?=([\u3400-\u9fff\uf900-\ufaff]{2}))")


def _pairs(text: str) -> list[str]:
    """The distinct pairs of adjacent Chinese characters of a text, in order of appearance."""
    return list(dict.fromkeys(PAIR.findall(text)))


def tokens(text: str) -> tuple[str, str]:
    """(words, grams) of a text, each separated by spaces. A pair that is one of the text's
    words is left out of `grams`: a query looks for each pair among both (half the pairs of
    Chinese text are words of two characters, and the index is the smaller for it)."""
    text = text or ""
    words = _pieces(" ".join(rjieba.cut(text, False)))
    known = set(words)
    return " ".join(words), " ".join(p for p in _pairs(text) if p not in known)


def query_terms(query: str) -> list[str]:
    """The words of what a user typed, segmented as the index is (at most MAX_TERMS)."""
    text = (query or "").replace("\x00", " ")[:MAX_QUERY_CHARS]
    terms: list[str] = []
    for chunk in text.split():
        for piece in _pieces(" ".join(rjieba.cut(chunk, False))):
            if piece not in terms:
                terms.append(piece)
    # A term inside a longer one adds nothing (路灯 and 路灯不亮 both typed).
    terms = [t for t in terms if not any(t != o and t in o for o in terms)]
    return terms[:MAX_TERMS]


# --- The two backends -------------------------------------------------------------------------


class _Backend:
    """`table`: the index's table; `relation`: the name by which the indexed model reaches its
    row of it (a case's `search_entry`, a text's `search_row`)."""

    def __init__(self, table: str = "casework_search", relation: str = "search_entry"):
        self.table = table
        self.relation = relation

    def write(self, cursor, rows: Sequence[tuple[int, str, str]]) -> None:
        raise NotImplementedError

    def insert(self, cursor, rows: Sequence[tuple[int, str, str]]) -> None:
        """Rows new to the index (a rebuild's, after `clear`): no old entry to replace."""
        self.write(cursor, rows)

    def clear(self, cursor) -> None:
        cursor.execute(f"DELETE FROM {self.table}")  # nosec B608 - the index's own table

    def finish(self, cursor) -> None:
        """After a rebuild."""

    def delete(self, cursor, ids: Sequence[int]) -> None:
        cursor.execute(
            # The index's own table name and placeholders are formatted in; ids go as parameters.
            f"DELETE FROM {self.table} WHERE rowid IN ({', '.join(['%s'] * len(ids))})",  # nosec B608
            list(ids),
        )

    def expression(self, terms: Sequence[str], *, any_term: bool) -> str:
        raise NotImplementedError

    def match(self, qs: QuerySet, expression: str) -> QuerySet:
        raise NotImplementedError


# The FTS5 table as migrations 0014 and 0021 make it (`clear` makes it anew).
FTS5_TABLE = (
    "CREATE VIRTUAL TABLE {table} USING fts5("
    "words, grams, tokenize = 'unicode61 remove_diacritics 0')"
)


def _fts5_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


class _Fts5(_Backend):
    """SQLite FTS5. The entry's row id is the case's id; `rank` is bm25 (lower is better)."""

    def write(self, cursor, rows):
        self.delete(cursor, [r[0] for r in rows])
        self.insert(cursor, rows)

    def insert(self, cursor, rows):
        # The index's own table name is formatted in; the rows go as parameters.
        sql = f"INSERT INTO {self.table} (rowid, words, grams) VALUES (%s, %s, %s)"  # nosec B608
        cursor.executemany(sql, rows)

    def clear(self, cursor):
        # Dropping the table and making it anew costs nothing, where deleting every row of an
        # FTS5 table rewrites its index entry by entry (half of a rebuild's SQLite time).
        cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
        cursor.execute(FTS5_TABLE.format(table=self.table))

    def expression(self, terms, *, any_term):
        parts = []
        for term in terms:
            alternatives = [f"words : {_fts5_string(term)}"]
            if pairs := _pairs(term):
                alternatives.append(
                    " AND ".join(f"({{words grams}} : {_fts5_string(g)})" for g in pairs)
                )
            parts.append("(" + " OR ".join(f"({a})" for a in alternatives) + ")")
        return (" OR " if any_term else " AND ").join(parts)

    def match(self, qs, expression):
        t = self.table
        # The expression goes as a parameter; the SQL around it names the index's own table.
        return qs.filter(**{f"{self.relation}__isnull": False}).extra(  # nosec B610
            where=[f'"{t}" MATCH %s'],
            params=[expression],
            select={"search_rank": f'-"{t}"."rank"'},
        )


def _lexeme(token: str, weight: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "':" + weight


class _Postgres(_Backend):
    """PostgreSQL full text: `tsv` is generated from both columns (words weigh A, pairs B)."""

    def write(self, cursor, rows):
        # One statement per batch: the server's round trips, not the rows, were the cost.
        cursor.execute(
            # The index's own table name and placeholders are joined in; rows go as parameters.
            f"INSERT INTO {self.table} (rowid, words, grams) VALUES "  # nosec B608
            + ", ".join(["(%s, %s, %s)"] * len(rows))
            + " ON CONFLICT (rowid) DO UPDATE SET words = EXCLUDED.words, grams = EXCLUDED.grams",
            [value for row in rows for value in row],
        )

    def clear(self, cursor):
        # A rebuild fills the table without its GIN index and builds the index once at the end
        # (`finish`): far cheaper than keeping it current row by row.
        cursor.execute(f"TRUNCATE {self.table}")
        cursor.execute(f"DROP INDEX IF EXISTS {self.table}_tsv")

    def finish(self, cursor):
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {self.table}_tsv ON {self.table} USING gin (tsv)"
        )

    def expression(self, terms, *, any_term):
        parts = []
        for term in terms:
            alternatives = [_lexeme(term, "A")]
            if pairs := _pairs(term):
                alternatives.append("(" + " & ".join(_lexeme(g, "AB") for g in pairs) + ")")
            parts.append("(" + " | ".join(alternatives) + ")")
        return (" | " if any_term else " & ").join(parts)

    def match(self, qs, expression):
        query = "to_tsquery('simple'::regconfig, %s)"
        t = self.table
        # The expression goes as a parameter; the SQL around it names the index's own table.
        return qs.filter(**{f"{self.relation}__isnull": False}).extra(  # nosec B610
            where=[f'"{t}"."tsv" @@ {query}'],
            params=[expression],
            select={"search_rank": f'ts_rank("{t}"."tsv", {query})'},
            select_params=[expression],
        )


def backend(table: str = "casework_search", relation: str = "search_entry") -> _Backend:
    cls = _Postgres if connection.vendor == "postgresql" else _Fts5
    return cls(table, relation)


# --- Writing the index ------------------------------------------------------------------------


def _one_to_ones() -> list[str]:
    """The kinds' own rows beside the case (a suggestion's problem and measures), read with it
    so that a kind's search text costs no query of its own."""
    return [
        rel.get_accessor_name()
        for rel in Case._meta.related_objects
        if rel.one_to_one and rel.related_model is not SearchEntry
    ]


def document(case: Case, replies: Iterable[str] = ()) -> str:
    """The text kept for a case: its kind's search text and its replies."""
    return "\n".join([kinds.search_text(case), *replies])


def _rows(cases: Iterable[Case]) -> list[tuple[int, str, str]]:
    cases = list(cases)
    replies: dict[int, list[str]] = {}
    for case_id, content in (
        Reply.objects.filter(case__in=[c.pk for c in cases])
        .order_by("case_id", "created_at", "id")
        .values_list("case_id", "content")
    ):
        replies.setdefault(case_id, []).append(content)
    return [(c.pk, *tokens(document(c, replies.get(c.pk, ())))) for c in cases]


def index_cases(ids: Iterable[int]) -> int:
    """(Re)write the entries of these cases; a case that no longer exists loses its entry."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    cases = list(Case.objects.filter(pk__in=ids).select_related(*_one_to_ones()))
    rows = _rows(cases)
    gone = sorted(set(ids) - {c.pk for c in cases})
    with transaction.atomic(), connection.cursor() as cursor:
        if rows:
            backend().write(cursor, rows)
        if gone:
            backend().delete(cursor, gone)
    return len(rows)


def index_case(case: Case | int) -> None:
    index_cases([case if isinstance(case, int) else case.pk])


def remove(ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        with connection.cursor() as cursor:
            backend().delete(cursor, ids)


def rebuild(progress: Callable[[int, int], None] | None = None, *, batch: int = BATCH) -> int:
    """Write the whole index again, `batch` cases per transaction; `progress(done, total)`
    after each. Returns how many cases are indexed."""
    total = Case.objects.count()
    done, last = 0, 0
    related = _one_to_ones()
    b = backend()
    with transaction.atomic(), connection.cursor() as cursor:
        b.clear(cursor)
    try:
        while True:
            cases = list(
                Case.objects.filter(pk__gt=last).order_by("pk").select_related(*related)[:batch]
            )
            if not cases:
                break
            rows = _rows(cases)
            with transaction.atomic(), connection.cursor() as cursor:
                b.insert(cursor, rows)
            done += len(rows)
            last = cases[-1].pk
            if progress is not None:
                progress(done, max(total, done))
    finally:
        with transaction.atomic(), connection.cursor() as cursor:
            b.finish(cursor)
    return done


def on_trail(event) -> None:
    """The trail's reader: re-index the case of a case action that may change its text."""
    if event.object_type != "casework.case" or not event.object_id.isdigit():
        return
    if event.action.removeprefix("casework.") in UNTEXTUAL:
        return
    index_cases([int(event.object_id)])


def on_delete(sender, instance, **kwargs) -> None:
    remove([instance.pk])


# --- Searching --------------------------------------------------------------------------------


@dataclass
class Hit:
    case: Case
    title: SafeString
    snippet: SafeString
    score: float


@dataclass
class Results:
    query: str
    terms: list[str]
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    message: str = ""
    # The filtered cases (visible, matching), in the order of the hits: for the export.
    queryset: QuerySet | None = None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _date(value, name: str, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValidationFailed(
            _("%(label)s应为日期，例如 2026-01-31。") % {"label": label}, field=name
        ) from None


def _int(value, name: str, message: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValidationFailed(message, field=name) from None


def filtered(user, filters: dict | None = None, *, older: bool = False, request=None) -> QuerySet:
    """The cases `user` may see under the search's filters (the case list's rule and its
    filters, and a category, a year or period and a class of reply). Unknown filters and
    values are refused (422)."""
    from . import queries

    f = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    unknown = sorted(set(f) - set(FILTERS))
    if unknown:
        raise ValidationFailed(
            _("不支持的筛选条件：%(names)s。") % {"names": "、".join(unknown)[:60]},
            field=unknown[0],
        )
    unit = _int(f.get("unit"), "unit", _("承办单位参数有误。"))
    qs = queries.cases_for(
        user,
        kind=f.get("kind"),
        state=f.get("state"),
        region=f.get("region"),
        unit=unit,
        request=request,
    )
    if f.get("category"):
        category = Category.objects.filter(code=str(f["category"])[:32]).first()
        if category is None:
            raise ValidationFailed(_("问题类别不存在。"), field="category")
        qs = qs.filter(category=category)
    if f.get("reply"):
        code = str(f["reply"]).strip().upper()[:1]
        if not ReplyCategory.objects.filter(code=code).exists():
            raise ValidationFailed(_("答复类别不存在。"), field="reply")
        qs = qs.filter(pk__in=Reply.objects.filter(category__code=code).values("case_id"))
    year = _int(f.get("year"), "year", _("年份参数有误。"))
    since = _date(f.get("since"), "since", _("起始日期"))
    until = _date(f.get("until"), "until", _("截止日期"))
    if year is not None:
        if not 1949 <= year <= 2100:
            raise ValidationFailed(_("年份参数有误。"), field="year")
        since = max(since or dt.date(year, 1, 1), dt.date(year, 1, 1))
        until = min(until or dt.date(year, 12, 31), dt.date(year, 12, 31))
    if since and until and since > until:
        raise ValidationFailed(_("起始日期晚于截止日期，请调整查找时段。"), field="since")
    if since is None and not older:
        since = years_ago(timezone.localdate(), DEFAULT_YEARS)
    if since is not None:
        qs = qs.filter(created_at__gte=_start(since))
    if until is not None:
        qs = qs.filter(created_at__lt=_start(until + dt.timedelta(days=1)))
    return qs


def years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def matching(qs: QuerySet, terms: Sequence[str], *, any_term: bool = False) -> QuerySet:
    """`qs` narrowed to the cases whose entry has the terms, annotated `search_rank` (higher
    is better)."""
    b = backend()
    return b.match(qs, b.expression(terms, any_term=any_term))


def search(
    user,
    query: str,
    filters: dict | None = None,
    *,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
    older: bool = False,
    request=None,
) -> Results:
    """One page of the cases `user` may see whose text or replies have every word of `query`,
    best first (or newest first), each with its title and a snippet, the words marked. Bad
    filters are refused (422); a query without a word to look for finds nothing and says so."""
    if sort not in SORTS:
        raise ValidationFailed(_("排序方式只能是相关度或时间。"), field="sort")
    qs = filtered(user, filters, older=older, request=request)
    query = (query or "").strip()
    terms = query_terms(query)
    results = Results(query=query, terms=terms, page=max(1, page))
    if not terms:
        results.message = (
            _("请输入要查找的词语。") if not query else _("查找内容中没有可查找的文字或数字。")
        )
        return results
    if len(query) > MAX_QUERY_CHARS:
        results.message = _("查找内容较长，只按前 %(n)s 个字查找。") % {"n": MAX_QUERY_CHARS}
    hits = matching(qs, terms)
    order = (
        ("-search_rank", "-created_at", "-id") if sort == "relevance" else ("-created_at", "-id")
    )
    hits = hits.order_by(*order)
    results.queryset = hits
    results.total = hits.count()
    results.pages = math.ceil(results.total / per_page) if results.total else 0
    results.page = min(results.page, max(results.pages, 1), MAX_PAGE)
    start = (results.page - 1) * per_page
    cases = list(
        hits.select_related("region", "category", "congress", *_one_to_ones())[
            start : start + per_page
        ]
    )
    results.hits = _hits(cases, terms)
    return results


def _hits(cases: list[Case], terms: Sequence[str]) -> list[Hit]:
    replies: dict[int, list[str]] = {}
    for case_id, content in Reply.objects.filter(case__in=[c.pk for c in cases]).values_list(
        "case_id", "content"
    ):
        replies.setdefault(case_id, []).append(content)
    out = []
    for case in cases:
        title = case.title or " ".join(case.content.split())[:40]
        body = "\n".join([kinds.search_text(case), *replies.get(case.pk, ())])
        out.append(
            Hit(
                case=case,
                title=highlight(title, terms, width=len(title) + 1),
                snippet=highlight(body, terms),
                score=round(float(getattr(case, "search_rank", 0) or 0), 4),
            )
        )
    return out


def highlight(text: str, terms: Sequence[str], *, width: int = SNIPPET_CHARS) -> SafeString:
    """A window of `text` around the first word found, escaped, each word found in <mark>."""
    text = " ".join((text or "").split())
    wanted = sorted({t for t in terms if t}, key=len, reverse=True)
    if not wanted:
        return mark_safe(html.escape(text[:width]))  # nosec B308 B703
    pattern = re.compile("|".join(re.escape(t) for t in wanted), re.IGNORECASE)
    first = pattern.search(text)
    start = 0
    if first is not None and len(text) > width:
        start = max(0, min(first.start() - width // 4, len(text) - width))
    window = text[start : start + width]
    out, pos = [], 0
    for m in pattern.finditer(window):
        out.append(html.escape(window[pos : m.start()]))
        out.append("<mark>" + html.escape(m.group(0)) + "</mark>")
        pos = m.end()
    out.append(html.escape(window[pos:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    # Every piece of `text` was escaped above; only our own <mark> tags are left as markup.
    return mark_safe(prefix + "".join(out) + suffix)  # nosec B308 B703


# --- Similar cases ----------------------------------------------------------------------------

SIMILAR_KEYWORDS = 8
SIMILAR_LIMIT = 5


def similar(user, case: Case, *, limit: int = SIMILAR_LIMIT) -> list[Hit]:
    """Cases of any kind, visible to `user`, on the same topic as `case`: those whose entries
    have most of its strongest keywords (`similar.strongest`), best first, any year."""
    from . import similar as keywords_of

    text = keywords_of.case_text(case)
    words = keywords_of.keywords(text, keywords_of.MESSAGE_STOPWORDS)
    terms = _pieces(" ".join(keywords_of.strongest(words, SIMILAR_KEYWORDS)))
    if not terms:
        return []
    qs = filtered(user, older=True).exclude(pk=case.pk).exclude(merged_into=case)
    found = list(
        matching(qs, terms, any_term=True)
        .select_related(*_one_to_ones())
        .order_by("-search_rank", "-created_at", "-id")[:limit]
    )
    return _hits(found, terms)


def kind_choices() -> list[tuple[str, str]]:
    """The kinds a search can be narrowed to: the declared ones."""
    declared = {spec.kind for spec in kinds.declared()}
    return [(value, label) for value, label in Kind.choices if value in declared]


def unit_choices(user) -> list[tuple[int, str]]:
    """The units that have handled a case the user may see (for the unit filter)."""
    from lianxin.org.models import HandlingUnit

    seen = Assignment.objects.filter(case__in=filtered(user, older=True)).values("unit_id")
    return list(
        HandlingUnit.objects.filter(pk__in=seen).order_by("name").values_list("pk", "name")[:300]
    )
