"""Every PDF the platform prints goes through `render_pdf`: one WeasyPrint set-up per process
and thread, and tables whose column widths come from their content.

Where the time went (measured, bench/printing_pdf.py): a table laid out `auto` with
`word-break: break-all` makes WeasyPrint find the min-content width of every cell, character by
character, again for every page: 5 s for a 50-row contact log, whose columns then came out one
character wide. Tables are laid out `fixed` with the widths `table_layout` measures here (short
fields such as names, phones, dates and tracking codes at their own width and never wrapped, the
text columns sharing the rest), and landscape when the columns need it. The fonts were not the
cost: WeasyPrint builds a Fontconfig configuration and a Pango font map for every document it
is not handed one (10–30 ms with Fontconfig's cache warm); one is kept here for the life of the
process, one per thread (Pango's font map is not shared across threads).

Resources: nothing is fetched over the network. Relative URLs resolve against the public base
address, and `/static/…` is read from the static files on disk; `data:` URLs are served; every
other URL is refused (WeasyPrint leaves that resource out and logs a warning).
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string

FONT_FAMILY = "Noto Sans CJK SC"
PDF_TYPE = "application/pdf"

_local = threading.local()


def _font_config():
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config


def _fetcher():
    fetcher = getattr(_local, "fetcher", None)
    if fetcher is None:
        fetcher = _local.fetcher = _local_fetcher_class()(timeout=1)
    return fetcher


def _local_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        """`data:` URLs, and the site's own static files read from disk; nothing else."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file(url)
            if path is None:
                raise ValueError(f"not fetched while printing: {url}")
            return URLFetcherResponse(path.as_uri(), path.read_bytes())

    return LocalFetcher


def static_file(url: str) -> Path | None:
    """The file on disk behind one of the site's static URLs (`/static/…` of the public base
    address), or None."""
    from django.contrib.staticfiles import finders

    parts = urlsplit(url)
    base = urlsplit(settings.LIANXIN_PUBLIC_BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    if not parts.path.startswith(settings.STATIC_URL):
        return None
    name = unquote(parts.path[len(settings.STATIC_URL) :])
    if ".." in Path(name).parts:
        return None
    found = finders.find(name)
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / name
    return collected if collected.is_file() else None


def render_pdf(template: str, context: dict) -> bytes:
    """The PDF of `template` rendered with `context` (and `font_family`)."""
    return html_to_pdf(render_to_string(template, {"font_family": FONT_FAMILY, **context}))


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    document = HTML(
        string=html, base_url=settings.LIANXIN_PUBLIC_BASE_URL + "/", url_fetcher=_fetcher()
    )
    return document.write_pdf(font_config=_font_config())


# --- Tables ------------------------------------------------------------------------------------

MM_PER_PT = 25.4 / 72
A4_MM = (210.0, 297.0)


# Advances of the printable ASCII characters (space to "~") in Noto Sans CJK SC Bold, in em:
# the bold face is the wider, so a heading fits too. Read from the font's hmtx table.
_ASCII_EM = (
    0.227, 0.37, 0.574, 0.59, 0.59, 0.963, 0.74, 0.325, 0.378, 0.378, 0.507, 0.59, 0.325, 0.37,
    0.325, 0.387, 0.59, 0.59, 0.59, 0.59, 0.59, 0.59, 0.59, 0.59, 0.59, 0.59, 0.325, 0.325, 0.59,
    0.59, 0.59, 0.514, 1.007, 0.641, 0.681, 0.656, 0.714, 0.615, 0.585, 0.717, 0.757, 0.33, 0.568,
    0.686, 0.578, 0.853, 0.749, 0.77, 0.667, 0.77, 0.682, 0.624, 0.625, 0.748, 0.619, 0.915, 0.627,
    0.58, 0.613, 0.378, 0.387, 0.378, 0.59, 0.567, 0.626, 0.591, 0.644, 0.527, 0.644, 0.581, 0.372,
    0.597, 0.64, 0.304, 0.306, 0.604, 0.315, 0.964, 0.641, 0.626, 0.644, 0.644, 0.436, 0.495, 0.421,
    0.637, 0.576, 0.863, 0.562, 0.574, 0.511, 0.378, 0.296, 0.378, 0.59,
)  # fmt: skip


def text_width(text: object) -> float:
    """The width of `text` on one line, in em of Noto Sans CJK SC: CJK, full-width and
    ambiguous-width characters one em, ASCII its bold advance, anything else 0.65."""
    width = 0.0
    for ch in str(text):
        code = ord(ch)
        if 32 <= code < 127:
            width += _ASCII_EM[code - 32]
        elif unicodedata.east_asian_width(ch) in ("W", "F", "A"):
            width += 1.0
        else:
            width += 0.65
    return width


@dataclass(frozen=True)
class Column:
    label: str
    width: float  # percent of the table's width
    nowrap: bool


@dataclass(frozen=True)
class TableLayout:
    """A table's columns as printed: `<col style="width: {{ c.width }}%">` in a table laid
    out `fixed`, the short columns `white-space: nowrap`; on a landscape page if `landscape`."""

    columns: list[Column]
    landscape: bool

    def cells(self, rows: list[list]) -> list[list[tuple[object, bool]]]:
        """Each row's cells with whether that column is kept on one line."""
        return [
            [(cell, col.nowrap) for cell, col in zip(row, self.columns, strict=False)]
            for row in rows
        ]


def table_layout(
    columns: list[str],
    rows: list[list],
    *,
    font_pt: float = 9.0,
    margin_mm: float = 12.0,
    padding_mm: float = 3.6,
    short_em: float = 12.0,
    text_min_em: float = 10.0,
    landscape: bool | None = None,
) -> TableLayout:
    """Column widths from the content. A column whose longest cell (or heading) fits in
    `short_em` is short: exactly that wide and never wrapped. The other columns (text) share
    what is left, each in proportion to its average cell and at least `text_min_em` (or its
    longest cell, when shorter). The page is landscape when the short columns and the text
    columns' minimum do not fit across a portrait A4 page (unless `landscape` is given); when
    they do not fit even across a landscape page, the widest short columns wrap too.
    `padding_mm` is a cell's left and right padding and borders together, as the template
    prints them (1.7 mm each side and a 0.6 pt border)."""
    em_mm = font_pt * MM_PER_PT
    pad = padding_mm / em_mm + 0.25
    longest, mean = [], []
    for i, label in enumerate(columns):
        widths = [text_width(row[i]) for row in rows if i < len(row)]
        longest.append(max([text_width(label), *widths]))
        mean.append(max(1.0, sum(widths) / len(widths)) if widths else text_width(label))
    short = [w <= short_em for w in longest]

    def minimum(i: int) -> float:
        if short[i]:
            return longest[i] + pad
        return max(text_width(columns[i]), min(text_min_em, longest[i])) + pad

    def page_em(wide: bool) -> float:
        return (A4_MM[1 if wide else 0] - 2 * margin_mm) / em_mm

    if landscape is None:
        landscape = sum(minimum(i) for i in range(len(columns))) > page_em(False)
    available = page_em(landscape)
    # Too many short columns for the page: the widest of them wrap after all.
    while sum(minimum(i) for i in range(len(columns))) > available and any(short):
        widest = max((i for i in range(len(columns)) if short[i]), key=lambda i: longest[i])
        short[widest] = False
    widths = [minimum(i) for i in range(len(columns))]
    text = [i for i in range(len(columns)) if not short[i]]
    spare = available - sum(widths)
    if text and spare > 0:
        # Share the spare width by average length, never beyond a column's longest cell
        # while another column could still use it.
        open_ = set(text)
        while spare > 1e-6 and open_:
            total = sum(mean[i] for i in open_)
            given = 0.0
            for i in sorted(open_):
                room = longest[i] + pad - widths[i]
                add = min(spare * mean[i] / total, room)
                widths[i] += add
                given += add
                if room - add <= 1e-6:
                    open_.discard(i)
            spare -= given
            if given <= 1e-6:
                break
    total = sum(widths) or 1.0
    return TableLayout(
        columns=[
            Column(label=str(label), width=round(100 * w / total, 2), nowrap=short[i])
            for i, (label, w) in enumerate(zip(columns, widths, strict=True))
        ],
        landscape=landscape,
    )
