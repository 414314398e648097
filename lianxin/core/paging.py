"""One page of an API list and the total it belongs to."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .errors import ValidationFailed

# The furthest row a list may start from: far past any list of the platform, and far enough
# below the databases' 64-bit limit that `offset + limit` never overflows it.
MAX_OFFSET = 10_000_000


def page_of(
    ordered: QuerySet, *, limit: int, offset: int, most: int = 200, total: QuerySet | None = None
) -> tuple[list, int]:
    """The rows of one page of `ordered` (limit clamped to 1..`most`, offset to ≥ 0) and how
    many there are in all. The total is counted on `total` (by default `ordered`), and only
    when the page does not show it already: a short first page is the whole list. An offset
    past MAX_OFFSET is refused (see `bounds`)."""
    limit, offset = bounds(limit, offset, most=most)
    rows = list(ordered[offset : offset + limit])
    if len(rows) == limit or offset:
        return rows, count_of(total if total is not None else ordered)
    return rows, len(rows)


def bounds(limit: int, offset: int, *, most: int = 200) -> tuple[int, int]:
    """`limit` clamped to 1..`most` and `offset` to ≥ 0, for every list that pages: an offset
    past MAX_OFFSET is refused (ValidationFailed on `offset`, a 422 from the API) rather than
    sent to the database, which fails on one of 2**63 or more."""
    if offset > MAX_OFFSET:
        raise ValidationFailed(
            _("翻页位置（offset）不能超过 %(n)d。") % {"n": MAX_OFFSET}, field="offset"
        )
    return max(1, min(limit, most)), max(0, offset)


def count_of(qs: QuerySet) -> int:
    """How many rows `qs` has. A large total (`LIANXIN_COUNT_CACHE_FROM`, 10,000 rows, or
    more) is kept for `LIANXIN_COUNT_CACHE_SECONDS` (30) per query in Django's cache: the same
    filters in the same scope are the same SQL, and counting 100,000 rows exactly costs
    15–30 ms on PostgreSQL on every page a city office turns, while a total that large read
    half a minute late misleads nobody. Smaller totals are counted afresh every time."""
    big = getattr(settings, "LIANXIN_COUNT_CACHE_FROM", 10_000)
    if not big:
        return qs.count()
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:
        return 0
    digest = hashlib.sha256(repr((qs.db, sql, tuple(map(repr, params)))).encode()).hexdigest()
    key = f"lianxin:count:v1:{digest}"
    n = cache.get(key)
    if n is None:
        n = qs.count()
        if n >= big:
            cache.set(key, n, getattr(settings, "LIANXIN_COUNT_CACHE_SECONDS", 30))
    return n
