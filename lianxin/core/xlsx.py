"""Every Excel file the platform writes leaves through `workbook_bytes`.

A cell whose text begins with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
spreadsheets skip before looking) is read by Excel and WPS as a formula: a citizen's opinion
that starts with `=HYPERLINK(…)` would run on the desk of whoever opens the log. openpyxl itself
stores any string that starts with `=` as a formula. `workbook_bytes` walks every sheet before
saving and writes such cells as plain text (type `s`) with Excel's quote prefix, so the text is
shown as written and stays text when someone edits the cell. The platform writes no formulas of
its own; a workbook that needs one would set it after this guard, or not use it."""

from __future__ import annotations

import io

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value) -> bool:
    """Whether a spreadsheet would read this text as a formula."""
    return isinstance(value, str) and value.startswith(RISKY_STARTS)


def as_text(cell) -> None:
    """Make one cell plain text if its value would otherwise be read as a formula."""
    if is_risky(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def guard(wb) -> None:
    """Every risky cell of every sheet of `wb` as text (see the module's note)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                as_text(cell)


def workbook_bytes(wb) -> bytes:
    """The .xlsx file of `wb`, with every cell that would be read as a formula kept as text."""
    guard(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
