"""`manage.py apply_retention`: what it deletes, what it keeps, the dry run, the defaults and the
one security-trail entry each run leaves. Rows are written at past dates with time-machine."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from lianxin.casework.models import Case, CaseEvent
from lianxin.casework.tests.helpers import advance, new_opinion
from lianxin.core.audit import record
from lianxin.core.models import AuditLog
from lianxin.notifications.models import OutboundMessage

pytestmark = pytest.mark.django_db

CST = ZoneInfo("Asia/Shanghai")
OLD = dt.datetime(2021, 3, 10, 9, 0, tzinfo=CST)
RECENT = dt.datetime(2025, 3, 3, 9, 0, tzinfo=CST)
NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=CST)


def message(status: str, to: str) -> OutboundMessage:
    return OutboundMessage.objects.create(channel="sms", to=to, body="办理结果已出", status=status)


@pytest.fixture
def history(db) -> dict:
    """The same things once in March 2021 and once in March 2025 (three months before NOW)."""
    rows: dict = {}
    for when, tag in ((OLD, "old"), (RECENT, "recent")):
        with time_machine.travel(when, tick=False):
            rows[f"{tag}_audit"] = record(AuditLog.Kind.LOGIN, username=f"{tag}-login")
            rows[f"{tag}_sent"] = message("sent", f"{tag}-sent")
            rows[f"{tag}_failed"] = message("failed", f"{tag}-failed")
            rows[f"{tag}_queued"] = message("queued", f"{tag}-queued")
            rows[f"{tag}_concluded"] = advance(new_opinion(f"{tag}：路灯不亮。"), "concluded")
            rows[f"{tag}_open"] = advance(new_opinion(f"{tag}：小区积水。"), "handling")
    return rows


def run(*args: str) -> str:
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def exists(obj) -> bool:
    return obj.__class__.objects.filter(pk=obj.pk).exists()


def events(case: Case) -> int:
    return CaseEvent.objects.filter(case=case).count()


def test_it_deletes_what_is_past_its_period_and_keeps_the_rest(history):
    h = history
    assert events(h["old_concluded"]) > 5 and events(h["old_open"]) >= 3
    kept_events = events(h["recent_concluded"])
    trail_before = AuditLog.objects.filter(kind=AuditLog.Kind.RETENTION_APPLIED).count()

    output = run("--audit-days", "1095", "--outbound-days", "180", "--events-years", "3")

    # The security trail: older than three years goes, the rest stays.
    assert not exists(h["old_audit"]) and exists(h["recent_audit"])
    # Messages: sent and failed ones past 180 days go; one still queued is never deleted.
    assert not exists(h["old_sent"]) and not exists(h["old_failed"])
    assert exists(h["old_queued"])
    assert exists(h["recent_sent"]) and exists(h["recent_failed"])
    # The timeline of a case concluded more than three years ago goes; the case stays, with its
    # replies and evaluations. An open case of the same year keeps its timeline.
    old = h["old_concluded"]
    assert events(old) == 0
    assert Case.objects.filter(pk=old.pk, state="concluded").exists()
    assert old.replies.count() == 2 and old.evaluations.count() == 2
    assert events(h["old_open"]) >= 3
    assert events(h["recent_concluded"]) == kept_events

    # One entry in the security trail, saying what went.
    entries = AuditLog.objects.filter(kind=AuditLog.Kind.RETENTION_APPLIED)
    assert entries.count() == trail_before + 1
    removed = entries.order_by("-id").first().detail["removed"]
    assert removed["audit"]["table"] == "core_auditlog" and removed["audit"]["deleted"] >= 1
    assert removed["outbound"]["deleted"] >= 2
    assert removed["events"]["deleted"] >= 6 and removed["events"]["keep"] == "3 years"
    assert "core_auditlog" in output and "casework_caseevent" in output
    assert "已删除" in output


def test_a_dry_run_prints_the_counts_and_deletes_nothing(history):
    h = history
    counts = (AuditLog.objects.count(), OutboundMessage.objects.count(), CaseEvent.objects.count())
    output = run("--dry-run", "--events-years", "3")
    assert (
        AuditLog.objects.count(),
        OutboundMessage.objects.count(),
        CaseEvent.objects.count(),
    ) == counts
    assert exists(h["old_audit"]) and exists(h["old_sent"])
    lines = output.splitlines()
    for table in ("core_auditlog", "notifications_outboundmessage", "casework_caseevent"):
        line = next(line for line in lines if table in line)
        assert "将被删除" in line
    events_line = next(line for line in lines if "casework_caseevent" in line)
    assert f" {events(h['old_concluded'])} 条" in events_line
    assert "试运行" in output


def test_the_defaults_come_from_settings_and_leave_the_timeline_alone(history, settings):
    h = history
    settings.LIANXIN_RETENTION_AUDIT_DAYS = 0  # keep the trail whole
    settings.LIANXIN_RETENTION_OUTBOUND_DAYS = 30
    settings.LIANXIN_RETENTION_EVENTS_YEARS = 0
    output = run()
    assert exists(h["old_audit"])  # 0 = kept
    assert not exists(h["old_sent"]) and not exists(h["recent_sent"])  # older than 30 days
    assert events(h["old_concluded"]) > 0
    assert "casework_caseevent）：不清理" in output and "core_auditlog）：不清理" in output


def test_the_built_in_defaults_keep_three_years_of_trail_and_180_days_of_messages(history):
    from django.conf import settings

    assert settings.LIANXIN_RETENTION_AUDIT_DAYS == 1095
    assert settings.LIANXIN_RETENTION_OUTBOUND_DAYS == 180
    assert settings.LIANXIN_RETENTION_EVENTS_YEARS == 0
    run()
    assert not exists(history["old_audit"]) and exists(history["recent_audit"])
    assert events(history["old_concluded"]) > 0


def test_it_deletes_in_batches_until_nothing_is_left(db):
    with time_machine.travel(OLD, tick=False):
        old = [message("sent", f"batch-{i}") for i in range(7)]
    run("--outbound-days", "180", "--audit-days", "0", "--batch-size", "2")
    assert not any(exists(m) for m in old)


@pytest.mark.parametrize(
    ("args", "message_part"),
    [
        (["--audit-days", "30"], "至少保存 180 天"),
        (["--outbound-days", "-1"], "不能为负数"),
        (["--events-years", "-2"], "不能为负数"),
        (["--batch-size", "0"], "batch-size"),
    ],
)
def test_periods_that_make_no_sense_are_refused_before_anything_is_deleted(
    history, args, message_part
):
    before = (AuditLog.objects.count(), OutboundMessage.objects.count())
    with pytest.raises(CommandError, match=message_part):
        run(*args)
    assert (AuditLog.objects.count(), OutboundMessage.objects.count()) == before
