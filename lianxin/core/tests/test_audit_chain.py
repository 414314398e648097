"""The audit trails are hash-chained (core.chain), append-only in the database (core.appendonly)
and checked by `manage.py verify_audit`; refusals are audited once per request. Runs on SQLite
and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import textwrap
import threading
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.test import override_settings

from lianxin.casework.tests.helpers import advance, new_opinion
from lianxin.core import appendonly, chain, trail
from lianxin.core.audit import record
from lianxin.core.models import AuditLog, ChainAnchor, ChainHead, TrailEvent
from lianxin.core.retention import apply_retention

pytestmark = pytest.mark.django_db

PG = connection.vendor == "postgresql"


def verify() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except SystemExit as exc:
        return int(exc.code), out.getvalue()
    return 0, out.getvalue()


def write_some(n: int = 5) -> list[TrailEvent]:
    with transaction.atomic():
        for i in range(n):
            record(AuditLog.Kind.EXPORTED, username=f"u{i}", target=f"t{i}", rows=i, share=0.5)
        one = trail.record("test.one", actor=None, object_type="test", object_id=1)
        many = trail.record_many(
            [
                trail.event(
                    "test.many", actor=None, object_type="test", object_id=i, change={"n": i}
                )
                for i in range(n)
            ]
        )
    return [one, *many]


@pytest.fixture
def without_triggers():
    """Tamper as someone with the database's own rights would: the triggers off, then back."""
    appendonly.uninstall(connection)
    yield
    appendonly.install(connection)


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def test_rows_are_chained_one_after_another_and_verify():
    events = write_some()
    rows = list(TrailEvent.objects.filter(object_type="test").order_by("pk"))
    assert [r.pk for r in rows] == [e.pk for e in events]
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.prev_hash == before.row_hash
    assert all(r.row_hash.startswith("sha256:") and len(r.row_hash) == 71 for r in rows)
    assert ChainHead.objects.get(chain="trail").last_hash == rows[-1].row_hash
    code, out = verify()
    assert code == 0, out
    assert "core_auditlog: OK" in out and "core_trailevent: OK" in out


def test_the_database_refuses_updates_and_deletes():
    write_some(2)
    row = AuditLog.objects.order_by("-pk").first()
    for attempt in (
        lambda: AuditLog.objects.filter(pk=row.pk).update(target="changed"),
        lambda: AuditLog.objects.filter(pk=row.pk).delete(),
        lambda: TrailEvent.objects.filter(object_type="test").update(object_label="x"),
        lambda: TrailEvent.objects.filter(object_type="test").delete(),
        lambda: raw("UPDATE core_auditlog SET row_hash = 'x' WHERE id = %s", [row.pk]),
        lambda: raw("DELETE FROM core_trailevent"),
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            attempt()
    if PG:
        raw("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks before TRUNCATE
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            raw("TRUNCATE core_auditlog CASCADE")
    assert AuditLog.objects.get(pk=row.pk).target == row.target
    assert verify()[0] == 0


def test_deleting_an_account_keeps_its_rows_and_the_chain(users):
    from lianxin.accounts.models import User

    user = User.objects.create_user("leaving", password="x-Very-long-1")
    with transaction.atomic():
        entry = record(AuditLog.Kind.LOGIN, user=user)
        event = trail.record("test.leave", actor=user, object_type="test", object_id=9)
    user.delete()
    assert AuditLog.objects.get(pk=entry.pk).user_id is None
    assert TrailEvent.objects.get(pk=event.pk).actor_id is None
    assert AuditLog.objects.get(pk=entry.pk).username == "leaving"
    assert verify()[0] == 0


def test_verify_names_a_row_altered_in_the_database(without_triggers):
    write_some()
    victim = AuditLog.objects.filter(kind="exported").order_by("pk")[2]
    raw("UPDATE core_auditlog SET username = 'someone-else' WHERE id = %s", [victim.pk])
    appendonly.install(connection)
    code, out = verify()
    assert code == 1
    assert f"core_auditlog: BROKEN at core_auditlog id={victim.pk}: altered" in out
    assert victim.row_hash in out  # found: the stored hash; expected: the hash of what is there
    assert "core_trailevent: OK" in out


def test_verify_names_a_deleted_and_an_inserted_row(without_triggers):
    events = write_some()
    gone, after = events[2], events[3]
    raw("DELETE FROM core_trailevent WHERE id = %s", [gone.pk])
    code, out = verify()
    assert code == 1
    expected, found = events[1].row_hash, gone.row_hash
    assert f"core_trailevent id={after.pk}: link; expected {expected}, found {found}" in out
    assert "MISSING TRIGGERS" in out  # the triggers are off in this test

    # Put it back as it was: the chain verifies again; then a row slipped in breaks it.
    raw(
        "INSERT INTO core_trailevent (id, at, action, actor_label, seat_type, seat_label, body,"
        " object_type, object_id, object_label, change, prev_hash, row_hash)"
        " SELECT %s, at, action, actor_label, seat_type, seat_label, body, object_type,"
        " object_id, object_label, change, prev_hash, row_hash FROM core_trailevent WHERE id = %s",
        [gone.pk, after.pk],
    )
    code, out = verify()
    assert code == 1
    assert f"core_trailevent id={gone.pk}: link" in out  # a copy in the gap: link broken


def test_deleting_the_newest_row_is_seen_at_the_tail(without_triggers):
    events = write_some()
    raw("DELETE FROM core_trailevent WHERE id = %s", [events[-1].pk])
    appendonly.install(connection)
    code, out = verify()
    assert code == 1 and "tail" in out


def test_retention_deletes_under_its_permit_and_the_chain_still_verifies():
    old = dt.datetime(2021, 3, 10, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(old, tick=False):
        olds = [record(AuditLog.Kind.LOGIN, username=f"old{i}") for i in range(3)]
    record(AuditLog.Kind.LOGIN, username="recent")
    with time_machine.travel(old, tick=False):
        later_old = record(AuditLog.Kind.LOGIN, username="old-after-recent")
    newest = record(AuditLog.Kind.LOGIN, username="newest")
    apply_retention(audit_days=365, outbound_days=0, events_years=0, batch_size=2)
    left = set(AuditLog.objects.values_list("username", flat=True))
    assert not {o.username for o in olds} & left and "old-after-recent" not in left
    assert {"recent", "newest"} <= left
    anchors = ChainAnchor.objects.filter(chain="audit").order_by("pk")
    # Two batches over the first run of old rows, one for the run after "recent".
    assert [a.removed for a in anchors] == [2, 1, 1]
    assert anchors[0].last_hash == olds[1].row_hash and anchors[2].through_id == later_old.pk
    assert AuditLog.objects.get(pk=newest.pk).prev_hash == later_old.row_hash
    code, out = verify()
    assert code == 0, out


def test_retention_is_refused_below_180_days_by_the_command_and_the_database():
    from lianxin.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        apply_retention(audit_days=179, outbound_days=0, events_years=0)
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):
        row = record(AuditLog.Kind.LOGIN, username="young")
    # A permit whose cutoff is less than 180 days back lets nothing through.
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with appendonly.retention_permit(connection, cutoff):
            AuditLog.objects.filter(pk=row.pk).delete()
    # A permit far enough back still refuses rows newer than its cutoff.
    cutoff = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        with appendonly.retention_permit(connection, cutoff):
            AuditLog.objects.filter(pk=row.pk).delete()
    assert AuditLog.objects.filter(pk=row.pk).exists()


@override_settings(LIANXIN_AUDIT_HASH="sm3")
def test_sm3_can_be_chosen_and_older_rows_keep_their_algorithm():
    with override_settings(LIANXIN_AUDIT_HASH="sha256"):
        first = record(AuditLog.Kind.LOGIN, username="before")
    second = record(AuditLog.Kind.LOGIN, username="after")
    assert first.row_hash.startswith("sha256:") and second.row_hash.startswith("sm3:")
    assert second.prev_hash == first.row_hash
    # SM3 of "abc" (GB/T 32905-2016, example 1).
    assert chain._sm3(b"abc") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert verify()[0] == 0


def test_json_and_addresses_hash_as_the_database_gives_them_back():
    record(
        AuditLog.Kind.EXPORTED,
        username="json",
        big=1e20,
        small=1e-7,
        whole=2.0,
        keys={1: "a", None: "b"},
        text="汉字 ☃ \t<b>",
        nested=[(1, 2), {"z": None}],
    )
    with transaction.atomic():
        request_like = type("R", (), {"META": {"REMOTE_ADDR": "::ffff:10.0.0.1"}, "user": None})
        record(AuditLog.Kind.LOGIN_FAILED, request=request_like(), username="v6")
    assert verify()[0] == 0


def test_refusals_are_audited_once_per_request(api, users):
    case = advance(new_opinion(), "handling")
    before = AuditLog.objects.filter(kind=AuditLog.Kind.ACCESS_REFUSED).count()
    r = api.as_user("tg_staff").get(f"/api/v1/cases/{case.pk}")
    assert r.status_code == 404
    rows = list(AuditLog.objects.filter(kind=AuditLog.Kind.ACCESS_REFUSED, pk__gt=0))
    assert len(rows) == before + 1
    row = rows[-1]
    assert row.username == "tg_staff" and row.ip == "127.0.0.1"
    assert row.detail["reason"] == "not_yours" and row.detail["status"] == 404
    assert f"casework.case:pk={case.pk}" in row.target or str(case.pk) in row.target
    # An id that does not exist is a plain 404: nothing to audit.
    assert api.as_user("tg_staff").get("/api/v1/cases/999999999").status_code == 404
    assert AuditLog.objects.filter(kind=AuditLog.Kind.ACCESS_REFUSED).count() == before + 1


SCRIPT = textwrap.dedent(
    """
    import threading
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connections, transaction
    call_command("migrate", verbosity=0)
    from lianxin.core import chain, trail
    from lianxin.core.audit import record

    errors = []

    def writer(n):
        try:
            for i in range(25):
                with transaction.atomic():
                    record("exported", username=f"w{n}", target=str(i))
                    trail.record_many([
                        trail.event("test.c", actor=None, object_type="t", object_id=k)
                        for k in range(3)
                    ])
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(5)]
    for t in threads: t.start()
    for t in threads: t.join()
    a, t = chain.verify("audit"), chain.verify("trail")
    print(len(errors), a.rows, t.rows, a.ok and t.ok, errors[:1])
    """
)


@pytest.mark.skipif(PG, reason="the SQLite file run; PostgreSQL has its own below")
def test_concurrent_writers_keep_one_chain_on_sqlite(tmp_path: Path):
    from lianxin.testing.processes import run_on_sqlite

    stdout = run_on_sqlite(SCRIPT, tmp_path / "chain.sqlite3", tmp_path)
    errors, audit_rows, trail_rows, ok, first = stdout.strip().split(" ", 4)
    assert errors == "0", first
    assert int(audit_rows) >= 125 and int(trail_rows) >= 375
    assert ok == "True"


@pytest.mark.skipif(not PG, reason="PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain_on_postgresql():
    errors: list[str] = []
    start = threading.Barrier(6)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(25):
                with transaction.atomic():
                    record(AuditLog.Kind.EXPORTED, username=f"w{n}", target=str(i))
                    trail.record_many(
                        [
                            trail.event("test.c", actor=None, object_type="t", object_id=k)
                            for k in range(3)
                        ]
                    )
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert chain.verify("audit").ok and chain.verify("trail").ok
    assert TrailEvent.objects.filter(action="test.c").count() == 6 * 25 * 3
    # The flush that ends this transactional test runs under the flush permit.


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trails_of_a_test_database():
    write_some(2)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditLog.objects.exists() and not TrailEvent.objects.exists()
    assert appendonly.missing_triggers(connection) == []
