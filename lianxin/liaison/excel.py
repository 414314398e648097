"""Stations, points and deputy assignments in Excel: the template, the export, and the import
with a row-by-row validation report.

An import is checked in full before anything is written. A file with errors imports nothing,
unless the user asks to import the rows without errors; either way the writes happen in one
transaction through the actions, so a failure half-way leaves nothing behind.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from lianxin.accounts.access import can, visible_to
from lianxin.core import audit, documents, trail
from lianxin.core.errors import Forbidden, LianxinError, ValidationFailed
from lianxin.core.models import AuditLog
from lianxin.core.validators import clean_phone
from lianxin.core.xlsx import workbook_bytes
from lianxin.org.models import Congress, Deputy, Region, SeatStatus

from . import actions
from .models import Point, Station, StationMembership

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    note: str = ""
    ignored: bool = False  # exported for reading, not imported


STATIONS = gettext_lazy("联络站")
POINTS = gettext_lazy("联络点")
MEMBERS = gettext_lazy("代表进站")
GUIDE = gettext_lazy("填写说明")

STATION_COLUMNS = [
    Column("code", "站点编码", True, "2 至 32 位字母、数字、-、_，全市唯一，例如 YC-BGJD"),
    Column("name", "名称", True),
    Column(
        "kind", "类别", False, "代表联络站 / 专业联络站 / 代表联络中心 / 基层立法联系点 / 融合站点"
    ),
    Column("fused_kinds", "融合类别", False, "仅融合站点填写，多个用顿号分隔"),
    Column("specialty", "专业领域", False, "专业联络站填写，例如 司法、经济"),
    Column("region", "区划代码", True, "统计用区划代码，例如 140702001"),
    Column("address", "地址"),
    Column("host_org", "依托单位"),
    Column("longitude", "经度", False, "例如 112.736"),
    Column("latitude", "纬度", False, "例如 37.699"),
    Column("opening_hours", "开放时间"),
    Column("contact_name", "联系人"),
    Column("contact_phone", "联系电话"),
    Column("introduction", "简介"),
]
POINT_COLUMNS = [
    Column("station", "所属站点编码", True),
    Column("name", "联络点名称", True),
    Column("kind", "类别", False, "代表联络点 / 专业联络点 / 基层立法联系点"),
    Column("region", "区划代码", False, "不填则与所属站点相同"),
    Column("place", "村（社区）"),
    Column("address", "地址"),
    Column("host_org", "依托单位"),
    Column("longitude", "经度"),
    Column("latitude", "纬度"),
    Column("opening_hours", "开放时间"),
    Column("contact_name", "联系人"),
    Column("contact_phone", "联系电话"),
]
MEMBER_COLUMNS = [
    Column("station", "站点编码", True),
    Column("deputy_id", "代表编号", False, "系统中的代表编号（导出文件中有）；同名代表时必填"),
    Column("name", "代表姓名", True),
    Column(
        "congress_region", "所属人大区划代码", True, "代表所在人大的区划代码，例如 1407、140702"
    ),
    Column("congress_name", "所属人大", False, "仅供阅读，导入时不读取", ignored=True),
]
SHEETS = [
    (STATIONS, STATION_COLUMNS),
    (POINTS, POINT_COLUMNS),
    (MEMBERS, MEMBER_COLUMNS),
]
FIELD_COLUMN = {"latitude": "latitude", "longitude": "longitude"}


# --- The report ------------------------------------------------------------------------------------
@dataclass
class Issue:
    sheet: str
    row: int | None
    column: str | None  # letter
    label: str | None
    message: str

    def text(self) -> str:
        if self.row is None:
            return _("工作表“%(sheet)s”：%(msg)s") % {"sheet": self.sheet, "msg": self.message}
        where = _("第 %(row)d 行") % {"row": self.row}
        if self.column:
            where += _(" %(col)s 列（%(label)s）") % {"col": self.column, "label": self.label}
        return _("工作表“%(sheet)s”%(where)s：%(msg)s") % {
            "sheet": self.sheet,
            "where": where,
            "msg": self.message,
        }

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "label": self.label,
            "message": self.message,
            "text": self.text(),
        }


@dataclass
class SheetResult:
    name: str
    rows: int = 0
    valid: int = 0
    created: int = 0
    updated: int = 0


@dataclass
class ImportReport:
    file_errors: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    sheets: dict[str, SheetResult] = field(default_factory=dict)
    imported: bool = False
    valid_rows_only: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.issues

    @property
    def bad_rows(self) -> int:
        return len({(i.sheet, i.row) for i in self.issues if i.row is not None})

    def summary(self) -> str:
        if self.file_errors:
            return _("文件有误，未导入任何数据。")
        parts = [
            _("%(sheet)s %(valid)d/%(rows)d 行无误")
            % {"sheet": s.name, "valid": s.valid, "rows": s.rows}
            for s in self.sheets.values()
        ]
        head = "；".join(parts)
        if self.imported:
            done = "；".join(
                _("%(sheet)s新增 %(c)d、更新 %(u)d")
                % {"sheet": s.name, "c": s.created, "u": s.updated}
                for s in self.sheets.values()
            )
            return _("已导入。%(head)s。%(done)s。") % {"head": head, "done": done}
        if self.issues:
            return _("发现 %(n)d 处错误（%(rows)d 行），未导入任何数据。%(head)s。") % {
                "n": len(self.issues),
                "rows": self.bad_rows,
                "head": head,
            }
        return _("检查通过，尚未导入。%(head)s。") % {"head": head}

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "imported": self.imported,
            "valid_rows_only": self.valid_rows_only,
            "summary": self.summary(),
            "file_errors": self.file_errors,
            "errors": [i.as_dict() for i in self.issues],
            "sheets": [
                {
                    "name": s.name,
                    "rows": s.rows,
                    "valid": s.valid,
                    "created": s.created,
                    "updated": s.updated,
                }
                for s in self.sheets.values()
            ],
        }


# --- Reading -------------------------------------------------------------------------------------
def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_label(value) -> str:
    return _cell_text(value).replace("*", "").replace("（必填）", "").strip()


@dataclass
class Row:
    number: int
    values: dict[str, str]
    raw: dict[str, object]
    letters: dict[str, str]  # column key → its letter in this file


def _read_sheet(ws, columns: list[Column], report: ImportReport, sheet: str) -> list[Row] | None:
    rows_iter = ws.iter_rows(values_only=True)
    try:
        header = next(rows_iter)
    except StopIteration:
        report.file_errors.append(_("工作表“%(sheet)s”是空的，第一行应为列名。") % {"sheet": sheet})
        return None
    by_label = {c.label: c for c in columns}
    positions: dict[int, Column] = {}
    unknown = []
    for idx, value in enumerate(header):
        label = _header_label(value)
        if not label:
            continue
        column = by_label.get(label)
        if column is None:
            unknown.append(f"{label}（{get_column_letter(idx + 1)} 列）")
        elif column in positions.values():
            report.file_errors.append(
                _("工作表“%(sheet)s”中“%(label)s”列出现了两次。") % {"sheet": sheet, "label": label}
            )
        else:
            positions[idx] = column
    missing = [c.label for c in columns if c.required and c not in positions.values()]
    if missing:
        report.file_errors.append(
            _("工作表“%(sheet)s”缺少必填列：%(cols)s。请使用下载的模板。")
            % {"sheet": sheet, "cols": "、".join(missing)}
        )
    if unknown:
        report.file_errors.append(
            _("工作表“%(sheet)s”有无法识别的列：%(cols)s。可用的列：%(known)s。")
            % {
                "sheet": sheet,
                "cols": "、".join(unknown),
                "known": "、".join(c.label for c in columns),
            }
        )
    if missing or unknown:
        return None
    letters = {col.key: get_column_letter(i + 1) for i, col in positions.items()}
    rows = []
    for number, values in enumerate(rows_iter, start=2):
        raw = {positions[i].key: v for i, v in enumerate(values) if i in positions}
        texts = {k: _cell_text(v) for k, v in raw.items()}
        if not any(texts.values()):
            continue
        if len(rows) >= MAX_ROWS:
            report.file_errors.append(
                _("工作表“%(sheet)s”超过 %(n)d 行，请分批导入。") % {"sheet": sheet, "n": MAX_ROWS}
            )
            return None
        rows.append(Row(number, texts, raw, letters))
    return rows


def open_workbook(data: bytes):
    if not data:
        raise ValidationFailed(_("上传的文件是空的。"), field="file")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed(_("文件超过 10 MB，请分批导入。"), field="file")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ValidationFailed(
            _("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再导入。"), field="file"
        )
    if documents.zip_problem(data) == documents.UNSAFE_ARCHIVE:
        raise ValidationFailed(
            _("文件解压后过大或包含的文件过多，可能是恶意文件，不能导入。"), field="file"
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise ValidationFailed(
            _("文件不是有效的 Excel 文件（.xlsx），请使用下载的模板填写。"), field="file"
        ) from None


# --- Checking ------------------------------------------------------------------------------------
class _Checker:
    def __init__(self, congress: Congress, user, report: ImportReport):
        self.congress = congress
        self.user = user
        self.report = report
        self.station_rows: dict[str, int] = {}  # code → row number of a valid station row
        self.bad_station_rows: dict[str, int] = {}
        self.stations: dict[str, dict] = {}  # code → cleaned fields
        self.existing = {
            s.code: s
            for s in Station.objects.select_related("congress__region", "region").filter(
                congress=congress
            )
        }

    def issue(self, sheet, row: Row, columns: list[Column], key: str | None, message: str):
        col = next((c for c in columns if c.key == key), None) if key else None
        self.report.issues.append(
            Issue(
                str(sheet),
                row.number,
                row.letters.get(key) if key else None,
                col.label if col else None,
                message,
            )
        )

    def _clean(self, sheet, row, columns, key, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs), True
        except ValidationFailed as exc:
            self.issue(
                sheet, row, columns, exc.field if exc.field in row.values else key, exc.message
            )
            return None, False

    def _phone(self, sheet, row, columns):
        """The contact phone of a station or point row, by the one phone rule."""
        return self._clean(
            sheet,
            row,
            columns,
            "contact_phone",
            clean_phone,
            row.raw.get("contact_phone"),
            field="contact_phone",
            label=_("联系电话"),
        )

    def station(self, row: Row) -> tuple[dict, str] | None:
        sheet, cols = STATIONS, STATION_COLUMNS
        v = row.values
        ok = True
        code, good = self._clean(sheet, row, cols, "code", actions.clean_code, v.get("code"))
        ok &= good
        if good:
            if code in self.station_rows or code in self.bad_station_rows:
                first = self.station_rows.get(code) or self.bad_station_rows.get(code)
                self.issue(
                    sheet,
                    row,
                    cols,
                    "code",
                    _("站点编码 %(code)s 与第 %(row)d 行重复。") % {"code": code, "row": first},
                )
                ok = False
            elif code not in self.existing and Station.objects.filter(code=code).exists():
                self.issue(
                    sheet,
                    row,
                    cols,
                    "code",
                    _("站点编码 %(code)s 已被其他人大的联络站使用。") % {"code": code},
                )
                ok = False
        fields: dict = {}
        for key in (
            "name",
            "specialty",
            "address",
            "host_org",
            "opening_hours",
            "contact_name",
            "introduction",
        ):
            if key not in v:
                continue
            label, max_length = actions.STATION_TEXT[key]
            value, good = self._clean(
                sheet,
                row,
                cols,
                key,
                actions.clean_text,
                v.get(key),
                field=key,
                label=str(label),
                max_length=max_length,
                required=key == "name",
            )
            ok &= good
            fields[key] = value
        if "kind" in v:
            fields["kind"], good = self._clean(
                sheet, row, cols, "kind", actions.clean_kind, v["kind"]
            )
            ok &= good
        if "fused_kinds" in v:
            fields["fused_kinds"], good = self._clean(
                sheet, row, cols, "fused_kinds", actions.clean_fused_kinds, v["fused_kinds"]
            )
            ok &= good
            if good and fields["fused_kinds"] and fields.get("kind") != Station.Kind.FUSION:
                self.issue(sheet, row, cols, "fused_kinds", _("只有融合站点才能填写融合类别。"))
                ok = False
        fields["region"], good = self._clean(
            sheet,
            row,
            cols,
            "region",
            actions.clean_region,
            v.get("region"),
            within=self.congress.region,
        )
        ok &= good
        if "contact_phone" in v:
            fields["contact_phone"], good = self._phone(sheet, row, cols)
            ok &= good
        if "latitude" in v or "longitude" in v:
            coords, good = self._clean(
                sheet,
                row,
                cols,
                "latitude",
                actions.clean_coordinates,
                v.get("latitude"),
                v.get("longitude"),
            )
            ok &= good
            if good:
                fields["latitude"], fields["longitude"] = coords
        if code:
            (self.station_rows if ok else self.bad_station_rows)[code] = row.number
            if ok:
                self.stations[code] = fields
        return (fields, code) if ok else None

    def _station_for(self, code: str, sheet, row, cols, key="station"):
        """The station a point or assignment row names: in this file or already ours."""
        if code in self.bad_station_rows and code not in self.station_rows:
            self.issue(
                sheet,
                row,
                cols,
                key,
                _("所属站点 %(code)s 在“联络站”表第 %(n)d 行有误，本行无法导入。")
                % {"code": code, "n": self.bad_station_rows[code]},
            )
            return None
        if code in self.stations:
            fields = self.stations[code]
            existing = self.existing.get(code)
            if existing is not None:
                return existing
            return Station(code=code, congress=self.congress, region=fields["region"])
        if code in self.existing:
            return self.existing[code]
        message = (
            _("站点 %(code)s 属于其他人大，不能在此导入。")
            if Station.objects.filter(code=code).exists()
            else _("站点编码 %(code)s 不存在（既不在本文件“联络站”表中，也不在系统中）。")
        )
        self.issue(sheet, row, cols, key, message % {"code": code})
        return None

    def point(self, row: Row, seen: dict[tuple[str, str], int]):
        sheet, cols = POINTS, POINT_COLUMNS
        v = row.values
        ok = True
        code, good = self._clean(sheet, row, cols, "station", actions.clean_code, v.get("station"))
        station = self._station_for(code, sheet, row, cols) if good else None
        ok &= station is not None
        fields: dict = {}
        for key in ("name", "place", "address", "host_org", "opening_hours", "contact_name"):
            if key not in v:
                continue
            label, max_length = actions.POINT_TEXT[key]
            fields[key], good = self._clean(
                sheet,
                row,
                cols,
                key,
                actions.clean_text,
                v.get(key),
                field=key,
                label=str(label),
                max_length=max_length,
                required=key == "name",
            )
            ok &= good
        if "kind" in v:
            fields["kind"], good = self._clean(
                sheet, row, cols, "kind", actions.clean_kind, v["kind"], choices=Point.Kind
            )
            ok &= good
        if v.get("region"):
            fields["region"], good = self._clean(
                sheet,
                row,
                cols,
                "region",
                actions.clean_region,
                v["region"],
                within=self.congress.region,
            )
            ok &= good
        elif station is not None:
            fields["region"] = station.region
        if "contact_phone" in v:
            fields["contact_phone"], good = self._phone(sheet, row, cols)
            ok &= good
        if "latitude" in v or "longitude" in v:
            coords, good = self._clean(
                sheet,
                row,
                cols,
                "latitude",
                actions.clean_coordinates,
                v.get("latitude"),
                v.get("longitude"),
            )
            ok &= good
            if good:
                fields["latitude"], fields["longitude"] = coords
        if ok and fields.get("name"):
            key = (code, fields["name"])
            if key in seen:
                self.issue(
                    sheet,
                    row,
                    cols,
                    "name",
                    _("联络点“%(name)s”与第 %(n)d 行重复。")
                    % {"name": fields["name"], "n": seen[key]},
                )
                return None
            seen[key] = row.number
        return (code, fields) if ok else None

    def member(self, row: Row, seen: dict[int, int]):
        sheet, cols = MEMBERS, MEMBER_COLUMNS
        v = row.values
        code, good = self._clean(sheet, row, cols, "station", actions.clean_code, v.get("station"))
        station = self._station_for(code, sheet, row, cols) if good else None
        name = v.get("name", "")
        region_code = v.get("congress_region", "")
        deputy = None
        # Deputies the user may see, and those already in this congress's stations (a county's
        # stations hold city deputies too, whom the county's office did not place there).
        visible = Deputy.objects.filter(
            Q(pk__in=visible_to(self.user, Deputy).values("pk"))
            | Q(station_membership__station__congress=self.congress)
        ).select_related("person", "congress__region")
        if not name:
            self.issue(sheet, row, cols, "name", _("代表姓名不能为空。"))
        elif not region_code:
            self.issue(sheet, row, cols, "congress_region", _("所属人大区划代码不能为空。"))
        elif not Region.objects.filter(code=region_code).exists():
            self.issue(
                sheet,
                row,
                cols,
                "congress_region",
                _("区划代码 %(code)s 不存在。") % {"code": region_code[:20]},
            )
        elif v.get("deputy_id"):
            try:
                deputy_id = int(v["deputy_id"])
            except ValueError:
                self.issue(sheet, row, cols, "deputy_id", _("代表编号应为整数。"))
            else:
                deputy = visible.filter(pk=deputy_id).first()
                if deputy is None:
                    self.issue(
                        sheet,
                        row,
                        cols,
                        "deputy_id",
                        _("找不到编号为 %(id)s 的代表。") % {"id": deputy_id},
                    )
                elif deputy.person.name != name or deputy.congress.region.code != region_code:
                    self.issue(
                        sheet,
                        row,
                        cols,
                        "deputy_id",
                        _("代表编号 %(id)s 是%(congress)s代表%(real)s，与本行姓名或所属人大不符。")
                        % {
                            "id": deputy_id,
                            "congress": deputy.congress.name,
                            "real": deputy.person.name,
                        },
                    )
                    deputy = None
        else:
            matches = list(
                visible.filter(
                    person__name=name, congress__region__code=region_code, status=SeatStatus.SERVING
                )[:3]
            )
            if not matches:
                self.issue(
                    sheet,
                    row,
                    cols,
                    "name",
                    _("找不到区划 %(code)s 人大的在任代表“%(name)s”。")
                    % {"code": region_code, "name": name},
                )
            elif len(matches) > 1:
                self.issue(
                    sheet,
                    row,
                    cols,
                    "deputy_id",
                    _("%(code)s 人大有多位名为“%(name)s”的代表，请填写代表编号。")
                    % {"code": region_code, "name": name},
                )
            else:
                deputy = matches[0]
        if deputy is not None and deputy.status != SeatStatus.SERVING:
            self.issue(sheet, row, cols, "name", _("%(name)s 已不在任。") % {"name": name})
            deputy = None
        if deputy is not None and deputy.pk in seen:
            self.issue(
                sheet,
                row,
                cols,
                "name",
                _("代表%(name)s 已在第 %(n)d 行安排进站，每位代表只能进一个站。")
                % {"name": name, "n": seen[deputy.pk]},
            )
            return None
        if deputy is not None and station is not None:
            current = (
                StationMembership.objects.filter(deputy=deputy)
                .values_list("station__code", flat=True)
                .first()
            )
            if current == code:
                seen[deputy.pk] = row.number
                return code, deputy  # already there: nothing to change
            if not can(self.user, "station.assign", (station, deputy)):
                self.issue(
                    sheet,
                    row,
                    cols,
                    "name",
                    _("您无权将%(congress)s代表%(name)s安排到该站。")
                    % {"congress": deputy.congress.name, "name": name},
                )
                return None
            seen[deputy.pk] = row.number
            return code, deputy
        return None


def check_and_import(
    data: bytes,
    *,
    congress: Congress,
    acting_user,
    import_valid_rows: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Check the whole file; import when it is clean (or only its good rows, if asked)."""
    if not can(acting_user, "station.import", congress):
        raise Forbidden(_("只有%(c)s的代表工作机构可以导入其联络站。") % {"c": congress.name})
    report = ImportReport(valid_rows_only=import_valid_rows)
    wb = open_workbook(data)
    try:
        present = [(name, cols) for name, cols in SHEETS if str(name) in wb.sheetnames]
        if not present:
            report.file_errors.append(
                _("文件中没有可导入的工作表，应至少有“%(names)s”之一（现有：%(have)s）。")
                % {
                    "names": "”“".join(str(n) for n, _c in SHEETS),
                    "have": "、".join(wb.sheetnames) or "—",
                }
            )
            return report
        rows_by_sheet = {}
        for name, cols in present:
            rows = _read_sheet(wb[str(name)], cols, report, str(name))
            if rows is not None:
                rows_by_sheet[str(name)] = rows
                report.sheets[str(name)] = SheetResult(str(name), rows=len(rows))
    finally:
        wb.close()
    if report.file_errors:
        return report

    checker = _Checker(congress, acting_user, report)
    good_stations = []
    for row in rows_by_sheet.get(str(STATIONS), []):
        result = checker.station(row)
        if result:
            good_stations.append(result)
    good_points = []
    seen_points: dict = {}
    for row in rows_by_sheet.get(str(POINTS), []):
        result = checker.point(row, seen_points)
        if result:
            good_points.append(result)
    good_members = []
    seen_members: dict = {}
    for row in rows_by_sheet.get(str(MEMBERS), []):
        result = checker.member(row, seen_members)
        if result:
            good_members.append(result)
    for name, count in (
        (str(STATIONS), len(good_stations)),
        (str(POINTS), len(good_points)),
        (str(MEMBERS), len(good_members)),
    ):
        if name in report.sheets:
            report.sheets[name].valid = count

    if dry_run or (report.issues and not import_valid_rows):
        return report
    try:
        with transaction.atomic():
            _apply(report, congress, acting_user, good_stations, good_points, good_members)
            # Each row wrote its own action's event; this one records the import as a whole.
            trail.record(
                "liaison.import",
                actor=acting_user,
                obj=congress,
                context={"congress_id": congress.pk},
                change={
                    name: {"created": sheet.created, "updated": sheet.updated}
                    for name, sheet in report.sheets.items()
                },
            )
            # The security trail's entry of the import (account, seat, address, time).
            audit.record(
                AuditLog.Kind.IMPORTED,
                user=acting_user,
                target=f"congress:{congress.pk}",
                context={"congress_id": congress.pk},
                what="stations",
                sheets={
                    name: {"created": sheet.created, "updated": sheet.updated}
                    for name, sheet in report.sheets.items()
                },
            )
    except LianxinError as exc:
        for sheet in report.sheets.values():
            sheet.created = sheet.updated = 0
        report.file_errors.append(
            _("导入时出错，已全部撤销，未导入任何数据：%(msg)s") % {"msg": exc.message}
        )
        return report
    report.imported = True
    return report


def _apply(report, congress, user, stations, points, members) -> None:
    sheets = report.sheets
    by_code: dict[str, Station] = {}
    for fields, code in stations:
        existing = Station.objects.filter(code=code, congress=congress).first()
        if existing is None:
            by_code[code] = actions.do_create_station(
                congress=congress, code=code, data=fields, acting_user=user
            )
            sheets[str(STATIONS)].created += 1
        else:
            by_code[code] = actions.do_update_station(existing, data=fields, acting_user=user)
            sheets[str(STATIONS)].updated += 1
    for code, fields in points:
        station = by_code.get(code) or Station.objects.select_related("congress__region").get(
            code=code, congress=congress
        )
        existing = Point.objects.filter(station=station, name=fields["name"]).first()
        if existing is None:
            actions.do_add_point(station, data=fields, acting_user=user)
            sheets[str(POINTS)].created += 1
        else:
            actions.do_update_point(existing, data=fields, acting_user=user)
            sheets[str(POINTS)].updated += 1
    for code, deputy in members:
        station = by_code.get(code) or Station.objects.select_related(
            "congress__region", "region"
        ).get(code=code, congress=congress)
        before = (
            StationMembership.objects.filter(deputy=deputy)
            .values_list("station_id", flat=True)
            .first()
        )
        if before == station.pk:
            continue
        actions.do_assign_deputy(station, deputy, acting_user=user)
        if before is None:
            sheets[str(MEMBERS)].created += 1
        elif before != station.pk:
            sheets[str(MEMBERS)].updated += 1


# --- Writing -------------------------------------------------------------------------------------
HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")


def _sheet(wb: Workbook, title, columns: list[Column], *, first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = str(title)
    for idx, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=idx, value=col.label)
        cell.font = REQUIRED_FONT if col.required else HEADER_FONT
        cell.fill = HEADER_FILL
        if col.note or col.required:
            note = (_("必填。") if col.required else "") + col.note
            cell.comment = Comment(note, "连心")
        ws.column_dimensions[get_column_letter(idx)].width = max(
            10, min(40, len(col.label) * 3 + 4)
        )
    ws.freeze_panes = "A2"
    return ws


def _kind_validation(ws, columns: list[Column], choices) -> None:
    idx = next(i for i, c in enumerate(columns, start=1) if c.key == "kind")
    labels = ",".join(str(label) for _c, label in choices.choices)
    dv = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
    dv.error = _("请从下拉列表中选择类别。")
    letter = get_column_letter(idx)
    dv.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    ws.add_data_validation(dv)


def _save(wb: Workbook) -> bytes:
    return workbook_bytes(wb)


def template() -> bytes:
    wb = Workbook()
    ws = _sheet(wb, STATIONS, STATION_COLUMNS, first=True)
    _kind_validation(ws, STATION_COLUMNS, Station.Kind)
    ws = _sheet(wb, POINTS, POINT_COLUMNS)
    _kind_validation(ws, POINT_COLUMNS, Point.Kind)
    _sheet(wb, MEMBERS, MEMBER_COLUMNS)
    guide = wb.create_sheet(str(GUIDE))
    lines = [
        _("联络站、联络点和代表进站导入模板"),
        "",
        _("1. 红色列名为必填列；列名请勿修改，不需要的工作表可以删除。"),
        _("2. “联络站”表按站点编码新增或更新；已存在的站点只更新文件中有的列。"),
        _(
            "3. “联络点”表按“所属站点编码 + 联络点名称”新增或更新；所属站点可以是本文件中新增的站点。"
        ),
        _("4. “代表进站”表将代表安排到站点；每位代表只能进一个站，已进其他站的将调整到新站。"),
        _("5. 区划代码使用国家统计局统计用区划代码，例如 北关街道 140702001。"),
        _("6. 经纬度使用十进制度数，例如 经度 112.736、纬度 37.699。"),
        _(
            "7. 导入前系统逐行检查；有错误时不导入任何数据，可修改后重新上传，或选择只导入无误的行。"
        ),
        "",
        _(
            "示例（联络站）：YC-BGJD | 北关街道代表联络站 | 代表联络站 | | | 140702001 | 榆次区北关街道办事处一层 | 北关街道办事处 | 112.736 | 37.699 | 周一至周五 9:00—12:00 | 张主任 | 0354-3012345"
        ),
        _("示例（联络点）：YC-BGJD | 顺城街社区联络点 | 代表联络点 | 140702001 | 顺城街社区 | …"),
        _("示例（代表进站）：YC-BGJD | 123 | 张三 | 140702"),
    ]
    for i, line in enumerate(lines, start=1):
        guide.cell(row=i, column=1, value=line)
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 120
    return _save(wb)


def export(stations) -> bytes:
    """The stations given (a queryset the caller may see), with their points and deputies."""
    stations = list(stations.select_related("region").order_by("region__code", "code"))
    wb = Workbook()
    ws = _sheet(wb, STATIONS, STATION_COLUMNS, first=True)
    for s in stations:
        ws.append(
            [
                s.code,
                s.name,
                str(s.get_kind_display()),
                "、".join(
                    str(Station.Kind(k).label)
                    for k in s.fused_kind_list
                    if k in Station.Kind.values
                ),
                s.specialty,
                s.region.code,
                s.address,
                s.host_org,
                float(s.longitude) if s.longitude is not None else None,
                float(s.latitude) if s.latitude is not None else None,
                s.opening_hours,
                s.contact_name,
                s.contact_phone,
                s.introduction,
            ]
        )
    ws = _sheet(wb, POINTS, POINT_COLUMNS)
    ids = [s.pk for s in stations]
    code_of = {s.pk: s.code for s in stations}
    for p in (
        Point.objects.filter(station_id__in=ids)
        .select_related("region")
        .order_by("station__code", "name")
    ):
        ws.append(
            [
                code_of[p.station_id],
                p.name,
                str(p.get_kind_display()),
                p.region.code,
                p.place,
                p.address,
                p.host_org,
                float(p.longitude) if p.longitude is not None else None,
                float(p.latitude) if p.latitude is not None else None,
                p.opening_hours,
                p.contact_name,
                p.contact_phone,
            ]
        )
    ws = _sheet(wb, MEMBERS, MEMBER_COLUMNS)
    for m in (
        StationMembership.objects.filter(station_id__in=ids)
        .select_related("deputy__person", "deputy__congress__region")
        .order_by("station__code", "deputy__congress__region__code", "deputy__person__name")
    ):
        ws.append(
            [
                code_of[m.station_id],
                m.deputy_id,
                m.deputy.person.name,
                m.deputy.congress.region.code,
                m.deputy.congress.name,
            ]
        )
    return _save(wb)
