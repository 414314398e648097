"""One page of an API list and the total it belongs to."""

from __future__ import annotations

from django.db.models import QuerySet


def page_of(
    ordered: QuerySet, *, limit: int, offset: int, most: int = 200, total: QuerySet | None = None
) -> tuple[list, int]:
    """The rows of one page of `ordered` (limit clamped to 1..`most`, offset to ≥ 0) and how
    many there are in all. The total is counted on `total` (by default `ordered`), and only
    when the page does not show it already: a short first page is the whole list."""
    limit = max(1, min(limit, most))
    offset = max(0, offset)
    rows = list(ordered[offset : offset + limit])
    if len(rows) == limit or offset:
        return rows, (total if total is not None else ordered).count()
    return rows, len(rows)
