"""What the audit covers beyond the chain: imports, the 403s, and the assessor's export (the
command and the administrator's page), read back from the real Excel file."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from lianxin.core import trail
from lianxin.core.audit import record
from lianxin.core.models import AuditLog
from lianxin.liaison.tests.test_excel import good_file, run, township_deputy, yc  # noqa: F401

pytestmark = pytest.mark.django_db


def test_an_import_leaves_its_audit_entry(yc, users, township_deputy):  # noqa: F811
    report = run(good_file(township_deputy), yc, users["yc_staff"])
    assert report.imported
    entry = AuditLog.objects.filter(kind=AuditLog.Kind.IMPORTED).latest("pk")
    assert entry.username == "yc_staff" and entry.target == f"congress:{yc.pk}"
    assert entry.seat  # the seat the office acted in
    assert entry.detail["sheets"]["联络站"]["created"] == 2


def test_a_dry_run_is_not_an_import(yc, users, township_deputy):  # noqa: F811
    before = AuditLog.objects.filter(kind=AuditLog.Kind.IMPORTED).count()
    run(good_file(township_deputy), yc, users["yc_staff"], dry_run=True)
    assert AuditLog.objects.filter(kind=AuditLog.Kind.IMPORTED).count() == before


def test_a_403_is_one_refusal_entry(api):
    before = AuditLog.objects.filter(kind=AuditLog.Kind.ACCESS_REFUSED).count()
    assert api.as_user("deputy_demo").get("/api/v1/users").status_code == 403
    rows = AuditLog.objects.filter(kind=AuditLog.Kind.ACCESS_REFUSED).order_by("pk")
    assert rows.count() == before + 1
    entry = rows.last()
    assert entry.username == "deputy_demo" and entry.ip == "127.0.0.1"
    assert entry.detail["status"] == 403 and entry.detail["path"] == "/api/v1/users"
    assert entry.seat


def _sheet_rows(data: bytes, title: str) -> list[tuple]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return list(wb[title].iter_rows(values_only=True))


def _seed() -> None:
    from django.db import transaction

    record(AuditLog.Kind.LOGIN, username="=cmd|' /C calc'!A0")
    with transaction.atomic():
        trail.record("test.export", actor=None, object_type="test", object_id=1)


def test_the_command_writes_the_period_as_excel(tmp_path, users):
    _seed()
    today = dt.date.today()
    out = tmp_path / "audit.xlsx"
    call_command(
        "export_audit",
        "--from",
        str(today - dt.timedelta(days=1)),
        "--to",
        str(today + dt.timedelta(days=2)),
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    data = out.read_bytes()
    audit = _sheet_rows(data, "安全审计记录")
    assert audit[0][:4] == ("编号", "时间", "类别", "账号")
    names = [row[3] for row in audit[1:]]
    assert "=cmd|' /C calc'!A0" in names  # written as text, not a formula
    row = next(r for r in audit[1:] if r[3] == "=cmd|' /C calc'!A0")
    assert row[9] == AuditLog.objects.get(pk=row[0]).row_hash
    events = _sheet_rows(data, "操作记录")
    assert any(r[2] == "test.export" for r in events[1:])
    assert AuditLog.objects.filter(kind=AuditLog.Kind.AUDIT_EXPORTED).exists()


def test_the_administrator_exports_from_the_admin(users):
    _seed()
    admin = Client()
    admin.force_login(users["admin"])
    page = admin.get("/admin/core/auditlog/export/")
    assert page.status_code == 200 and "导出" in page.content.decode()
    today = dt.date.today()
    bad = admin.post("/admin/core/auditlog/export/", {"start": str(today), "end": str(today)})
    assert bad.status_code == 200 and "截止日期应晚于起始日期" in bad.content.decode()
    r = admin.post(
        "/admin/core/auditlog/export/",
        {"start": str(today - dt.timedelta(days=1)), "end": str(today + dt.timedelta(days=2))},
    )
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _sheet_rows(r.content, "安全审计记录")
    assert any(row[3] == "=cmd|' /C calc'!A0" for row in rows[1:])
    entry = AuditLog.objects.filter(kind=AuditLog.Kind.AUDIT_EXPORTED).latest("pk")
    assert entry.username == "admin" and entry.ip == "127.0.0.1"
