"""Reading a hotline's file and importing its work orders (`import_work_orders`, the import
page and `POST /api/v1/work-orders/imports` all come here).

- **Formats.** Excel (.xlsx, read with openpyxl in read-only mode, the first sheet, its first
  row the headers; the zip is checked by `core.documents.zip_problem` before it is opened), CSV
  (UTF-8, with or without a byte-order mark, or GBK/GB18030 as offices' exports are: a file
  that is not valid UTF-8 is read as GB18030, GBK's superset) and JSON (a list of objects, or
  `{"rows": [...]}`, each object keyed by the column headers).
- **The mapping is the source's** (`Source.mapping`: our field → its header; a field not
  mapped is looked for under its Chinese label), and so is the state mapping
  (`Source.state_mapping`: its state name → ours; our own state values and labels are
  understood as well).
- **The check** lists every problem by row and cell, never guesses: a mapped column missing
  from the file, a required cell empty, a category, unit, region or state that is not known
  (named as written), a date that cannot be read, a phone number that is not one, a hotline
  number twice in the file. Rows already imported (same source and number) are listed apart:
  they are not errors and are never imported again.
- **The write** is one transaction: with any error nothing is written, unless the caller chose
  to import the valid rows only. Rows are written in batches (cases, work orders, timeline
  entries, dispatches) and the import leaves one trail entry naming the file and counts; the
  search and same-issue indexes of the new cases are written afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.casework import deadlines, metrics
from lianxin.casework.models import (
    Assignment,
    Case,
    CaseEvent,
    Category,
    Channel,
    Kind,
)
from lianxin.core import documents, trail
from lianxin.core.errors import ValidationFailed
from lianxin.core.validators import clean_phone
from lianxin.org.models import HandlingUnit, Region

from .models import ImportJob, Source, WorkOrder
from .workflow import ORDER, WORK_ORDER_WORKFLOW, W

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
PREVIEW_ROWS = 10
BATCH = 500
# The report lists at most this many problems (the counts are always complete).
MAX_LISTED = 1000

# Our fields: name → (label, required). The label is also the header looked for when the
# source's mapping does not name one.
FIELDS: dict[str, tuple[object, bool]] = {
    "number": (gettext_lazy("工单编号"), True),
    "received_at": (gettext_lazy("受理时间"), True),
    "content": (gettext_lazy("诉求内容"), True),
    "title": (gettext_lazy("标题"), False),
    "channel": (gettext_lazy("受理渠道"), False),
    "category": (gettext_lazy("类别"), False),
    "unit": (gettext_lazy("承办单位"), False),
    "state": (gettext_lazy("工单状态"), False),
    "region": (gettext_lazy("区划"), False),
    "place": (gettext_lazy("地点"), False),
    "contact_name": (gettext_lazy("来电人"), False),
    "contact_phone": (gettext_lazy("联系电话"), False),
}

DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y年%m月%d日",
)


@dataclass
class Issue:
    row: int  # the row's number in the file (the header is row 1)
    column: str  # the file's header ("" for the whole row)
    field: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class Checked:
    """A file read and checked against a source."""

    file_format: str
    encoding: str
    headers: list[str]
    columns: dict[str, str]  # our field → the file's header
    file_errors: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # valid rows, cleaned, new
    issues: list[Issue] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)
    existing: list[dict] = field(default_factory=list)  # {"row", "number"}
    total: int = 0
    preview: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.issues

    def report(self) -> dict:
        return {
            "file_format": self.file_format,
            "encoding": self.encoding,
            "headers": self.headers,
            "columns": self.columns,
            "file_errors": self.file_errors,
            "total": self.total,
            "valid": len(self.rows),
            "error_rows": len(self.bad_rows),
            "existing": len(self.existing),
            "existing_rows": self.existing[:MAX_LISTED],
            "issues": [i.as_dict() for i in self.issues[:MAX_LISTED]],
            "issue_count": len(self.issues),
            "preview": self.preview,
        }


# --- Reading -------------------------------------------------------------------------------------


def _cell(value) -> str | dt.datetime:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def sniff(data: bytes, name: str) -> str:
    lower = name.lower()
    if data[:4] == b"PK\x03\x04" or lower.endswith(".xlsx"):
        return "xlsx"
    if lower.endswith(".json") or data.lstrip()[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def read_table(data: bytes, name: str) -> tuple[str, str, list[str], Iterator[list]]:
    """(format, encoding, headers, rows) of a file; rows are lists of cells in header order.
    An unreadable file is 422 with the reason."""
    if not data:
        raise ValidationFailed(_("文件为空。"), field="file")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed(
            _("文件超过 %(mb)s MB，请分批导入。") % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
            field="file",
            code="file_too_large",
        )
    kind = sniff(data, name)
    if kind == "xlsx":
        return ("xlsx", "", *_read_xlsx(data, name))
    if kind == "json":
        return ("json", "utf-8", *_read_json(data))
    encoding, text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    headers = next(reader, None)
    if not headers:
        raise ValidationFailed(_("文件没有标题行。"), field="file", code="no_header")
    return "csv", encoding, [h.strip() for h in headers], reader


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else GB18030 (GBK's superset,
    what offices' spreadsheets save as "CSV")."""
    try:
        return "utf-8", data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return "gb18030", data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValidationFailed(
            _("无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV 文件。"),
            field="file",
            code="unknown_encoding",
        ) from None


def _read_xlsx(data: bytes, name: str):
    problem = documents.zip_problem(data)
    if problem is not None:
        raise ValidationFailed(
            _("“%(name)s”不是可以读取的 Excel 文件（.xlsx）。") % {"name": name},
            field="file",
            code=problem,
        )
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ValidationFailed(
            _("“%(name)s”不是可以读取的 Excel 文件（.xlsx）。") % {"name": name},
            field="file",
            code="invalid_xlsx",
        ) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    headers = next(rows, None)
    if not headers:
        raise ValidationFailed(_("文件没有标题行。"), field="file", code="no_header")
    return [str(h).strip() if h is not None else "" for h in headers], rows


def _read_json(data: bytes):
    try:
        body = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationFailed(
            _("JSON 文件格式有误。"), field="file", code="invalid_json"
        ) from None
    if isinstance(body, dict):
        body = body.get("rows")
    if not isinstance(body, list) or not all(isinstance(r, dict) for r in body):
        raise ValidationFailed(
            _('JSON 文件应为对象的数组，或 {"rows": [...]}。'), field="file", code="invalid_json"
        )
    headers = list(dict.fromkeys(k for r in body for k in r))
    return headers, ([r.get(h) for h in headers] for r in body)


# --- Checking ------------------------------------------------------------------------------------


def column_map(source: Source, headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """Our field → the file's header, and the file-level errors (a mapped or required column
    missing)."""
    columns, errors = {}, []
    present = set(headers)
    for name, (label, required) in FIELDS.items():
        wanted = (source.mapping or {}).get(name) or str(label)
        if wanted in present:
            columns[name] = wanted
        elif required or (source.mapping or {}).get(name):
            errors.append(
                _("缺少列“%(column)s”（%(field)s）。") % {"column": wanted, "field": label}
            )
    return columns, errors


def parse_datetime(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value).strip()
        moment = None
        for fmt in DATE_FORMATS:
            try:
                moment = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if moment is None:
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Lookups:
    """The categories, units, regions and states a source's rows may name."""

    def __init__(self, source: Source):
        self.categories = {}
        for c in Category.objects.filter(is_active=True):
            self.categories[c.name] = c
            self.categories[c.code] = c
        code = source.congress.region.code
        prefixes = [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]
        self.units = {}
        for u in HandlingUnit.objects.filter(is_active=True).filter(
            region__code__in=prefixes
        ) | HandlingUnit.objects.filter(is_active=True, region__code__startswith=code):
            self.units[u.name] = u
            self.units[u.code] = u
        self.regions = {}
        for r in Region.objects.filter(code__startswith=code):
            self.regions[r.code] = r
            self.regions.setdefault(r.name, r)
        self.states = {}
        for value, label in W.choices:
            self.states[value] = value
            self.states[str(label)] = value
        for theirs, ours in (source.state_mapping or {}).items():
            if ours in ORDER:
                self.states[str(theirs).strip()] = ours


def check(source: Source, data: bytes, name: str, *, progress: Callable | None = None) -> Checked:
    """Read the file and check every row against the source (no writes)."""
    file_format, encoding, headers, rows = read_table(data, name)
    columns, file_errors = column_map(source, headers)
    result = Checked(file_format, encoding, headers, columns, file_errors=file_errors)
    if file_errors:
        return result
    index = {h: i for i, h in enumerate(headers)}
    picks = {name: index[col] for name, col in columns.items()}
    lookups = Lookups(source)
    known = set(WorkOrder.objects.filter(source=source).values_list("number", flat=True).iterator())
    first_seen: dict[str, int] = {}
    for offset, raw in enumerate(rows):
        line = offset + 2
        cells = {n: _cell(raw[i]) if i < len(raw) else "" for n, i in picks.items()}
        if not any(v for v in cells.values()):
            continue  # a blank line
        result.total += 1
        if result.total > MAX_ROWS:
            result.file_errors.append(_("文件超过 %(n)s 行，请分批导入。") % {"n": MAX_ROWS})
            return result
        if len(result.preview) < PREVIEW_ROWS:
            result.preview.append({"row": line, **{k: str(v) for k, v in cells.items()}})
        row, issues = _clean_row(cells, columns, line, lookups)
        number = row.get("number", "")
        if number:
            if number in first_seen:
                issues.append(
                    Issue(
                        line,
                        columns["number"],
                        "number",
                        number,
                        _("工单编号与第 %(row)s 行重复。") % {"row": first_seen[number]},
                    )
                )
            else:
                first_seen[number] = line
        if issues:
            result.issues.extend(issues)
            result.bad_rows.add(line)
        elif number in known:
            result.existing.append({"row": line, "number": number})
        else:
            row["line"] = line
            result.rows.append(row)
        if progress is not None and result.total % 1000 == 0:
            progress(result.total)
    if not result.total:
        result.file_errors.append(_("文件中没有工单。"))
    return result


def _clean_row(cells: dict, columns: dict, line: int, lookups: Lookups):
    issues: list[Issue] = []
    row: dict = {}

    def bad(name, message):
        issues.append(Issue(line, columns.get(name, ""), name, str(cells.get(name, "")), message))

    for name, (label, required) in FIELDS.items():
        if required and not cells.get(name):
            bad(name, _("“%(field)s”不能为空。") % {"field": label})
    number = str(cells.get("number", ""))
    if number:
        if len(number) > 64:
            bad("number", _("工单编号不能超过 64 个字符。"))
        row["number"] = number
    if cells.get("received_at"):
        moment = parse_datetime(cells["received_at"])
        if moment is None:
            bad("received_at", _("无法识别的日期，应为 2024-05-01 或 2024-05-01 09:30:00。"))
        row["received_at"] = moment
    row["content"] = str(cells.get("content", ""))[:5000]
    row["title"] = str(cells.get("title", ""))[:200]
    row["channel"] = str(cells.get("channel", ""))[:32]
    row["place"] = str(cells.get("place", ""))[:200]
    row["contact_name"] = str(cells.get("contact_name", ""))[:32]
    for name, table, message in (
        ("category", lookups.categories, _("未知的类别“%(value)s”。")),
        ("unit", lookups.units, _("未知的承办单位“%(value)s”。")),
        ("region", lookups.regions, _("未知的区划“%(value)s”。")),
    ):
        value = cells.get(name)
        row[name] = None
        if value:
            found = table.get(str(value))
            if found is None:
                bad(name, message % {"value": value})
            row[name] = found
    state = cells.get("state")
    row["hotline_state"] = str(state or "")[:32]
    row["state"] = W.RECEIVED.value
    if state:
        ours = lookups.states.get(str(state))
        if ours is None:
            bad(
                "state",
                _("未知的工单状态“%(value)s”，请在来源的状态对应关系中设置。") % {"value": state},
            )
        else:
            row["state"] = ours
    if ORDER.index(row["state"]) >= ORDER.index(W.TRIAGED) and not row["category"]:
        if not any(i.field == "category" for i in issues):
            bad("category", _("工单状态为“已分类”及以后的，须有类别。"))
    if ORDER.index(row["state"]) >= ORDER.index(W.DISPATCHED) and not row["unit"]:
        if not any(i.field == "unit" for i in issues):
            bad("unit", _("工单状态为“已派单”及以后的，须有承办单位。"))
    phone = cells.get("contact_phone")
    row["contact_phone"] = ""
    if phone:
        try:
            row["contact_phone"] = clean_phone(
                str(phone), field="contact_phone", label=_("联系电话")
            )
        except ValidationFailed as exc:
            bad("contact_phone", str(exc.message))
    return row, issues


# --- Writing -------------------------------------------------------------------------------------


def write(job: ImportJob, checked: Checked, *, acting_user, progress: Callable | None = None):
    """Write the checked file's new rows in one transaction (all of them: the caller decides
    beforehand whether a file with errors is imported at all). Returns the new cases' ids."""
    source = job.source
    congress = source.congress
    now = timezone.now()
    actor = (
        (getattr(acting_user, "display_name", "") or acting_user.get_username())[:100]
        if (acting_user is not None)
        else _("系统")
    )
    steps = WORK_ORDER_WORKFLOW.deadline_steps
    dues = {s: deadlines.due(Kind.WORK_ORDER, steps[s]) for s in steps}
    handle_due = deadlines.due(Kind.WORK_ORDER, "handle")
    return_deadline = deadlines.due(Kind.WORK_ORDER, "return_window")
    ids: list[int] = []
    with transaction.atomic():
        for start in range(0, len(checked.rows), BATCH):
            chunk = checked.rows[start : start + BATCH]
            cases = []
            for r in chunk:
                state = r["state"]
                after = ORDER.index(state)
                cases.append(
                    Case(
                        kind=Kind.WORK_ORDER,
                        state=state,
                        title=r["title"],
                        content=r["content"],
                        category=r["category"],
                        region=r["region"] or source.default_region,
                        place=r["place"],
                        channel=Channel.HOTLINE,
                        contact_name=r["contact_name"],
                        contact_phone=r["contact_phone"],
                        entered_by=acting_user,
                        congress=congress,
                        scope_code=congress.region.code,
                        due_date=dues.get(state),
                        replied_at=r["received_at"] if after >= ORDER.index(W.REPLIED) else None,
                        concluded_at=now if state == W.CONCLUDED else None,
                    )
                )
            Case.objects.bulk_create(cases)
            if cases and cases[0].pk is None:  # a backend that returns no ids
                raise RuntimeError("bulk_create returned no primary keys")
            WorkOrder.objects.bulk_create(
                WorkOrder(
                    case=c,
                    source=source,
                    number=r["number"],
                    channel=r["channel"],
                    received_at=r["received_at"],
                    hotline_state=r["hotline_state"],
                    job=job,
                )
                for c, r in zip(cases, chunk, strict=True)
            )
            CaseEvent.objects.bulk_create(
                CaseEvent(
                    case=c,
                    at=now,
                    action="import",
                    to_state=c.state,
                    actor=acting_user,
                    actor_label=actor,
                    data={
                        "source": source.name,
                        "number": r["number"],
                        "hotline_state": r["hotline_state"],
                        "job": job.pk,
                        "line": r["line"],
                    },
                    is_public=True,
                )
                for c, r in zip(cases, chunk, strict=True)
            )
            Assignment.objects.bulk_create(
                Assignment(
                    case=c,
                    unit=r["unit"],
                    role=Assignment.Role.LEAD,
                    assigned_by=acting_user,
                    due_date=handle_due,
                    return_deadline=return_deadline,
                )
                for c, r in zip(cases, chunk, strict=True)
                if r["unit"] is not None and ORDER.index(c.state) >= ORDER.index(W.DISPATCHED)
            )
            ids.extend(c.pk for c in cases)
            if progress is not None:
                progress(start + len(chunk))
        # The figures count the new cases in the same transaction (the cells are kept by the
        # cases' trail rows, and a bulk import writes one row for the file).
        metrics.refresh(ids)
        trail.record(
            "hotline.import",
            actor=acting_user,
            obj=job,
            change={
                "source": source.name,
                "file": job.file_name,
                "created": len(ids),
                "existing": len(checked.existing),
                "skipped_rows": sorted(checked.bad_rows)[:MAX_LISTED],
            },
        )
    return ids


def index(ids: list[int]) -> None:
    """The search and same-issue entries of cases written in bulk (docs/casework.md)."""
    from lianxin.casework import duplicates, search

    for start in range(0, len(ids), 2000):
        part = ids[start : start + 2000]
        search.index_cases(part)
        duplicates.index_cases(part)
