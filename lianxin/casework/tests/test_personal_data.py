"""Citizens' names and phones sealed at rest (core.crypto), found by a keyed hash, re-sealed by
`rotate_data_key` and anonymised years after the case was concluded
(`anonymise_personal_data`). Read back from the database's own columns, not through the ORM."""

from __future__ import annotations

import base64
import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from lianxin.casework.anonymise import ANONYMISED, pending
from lianxin.casework.models import Case
from lianxin.core import crypto
from lianxin.core.fields import seal_columns
from lianxin.core.models import AuditLog
from lianxin.core.retention import years_before
from lianxin.liaison import actions as liaison_actions
from lianxin.liaison.models import ReceptionRecord, Station
from lianxin.notifications.models import OutboundMessage
from lianxin.org.models import Deputy

from .helpers import SHANGHAI, advance, new_opinion, user

pytestmark = pytest.mark.django_db

PHONE = "13966661234"
NAME = "钱淑芬"
LOOKUP = base64.b64encode(b"L" * 32).decode()


def key(letter: str) -> str:
    return base64.b64encode(letter.encode() * 32).decode()


def raw(table: str, pk: int, *columns: str) -> tuple:
    with connection.cursor() as cursor:
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        cursor.execute(f"SELECT {cols} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def found_on_the_list(client: Client, q: str, case: Case) -> bool:
    return f'href="/cases/{case.pk}/"' in client.get("/cases/", {"q": q}).content.decode()


def test_the_database_holds_ciphertext_and_the_orm_gives_back_the_text():
    case = new_opinion("顺城街井盖缺失。", contact_name=NAME, contact_phone=PHONE)
    name, phone, name_hash, phone_hash = raw(
        "casework_case", case.pk, "contact_name", "contact_phone", "contact_name_hash",
        "contact_phone_hash",
    )  # fmt: skip
    for stored in (name, phone):
        assert stored.startswith("sm4$demo$") and NAME not in stored and PHONE not in stored
    assert phone != crypto.encrypt(PHONE)  # a fresh IV for every value
    assert PHONE not in phone_hash and phone_hash == crypto.lookup_hash(PHONE, kind="phone")
    assert name_hash == crypto.lookup_hash(NAME, kind="name") and len(phone_hash) == 64
    again = Case.objects.get(pk=case.pk)
    assert (again.contact_name, again.contact_phone) == (NAME, PHONE)
    # A lookup that would compare ciphertext is refused, not silently empty.
    with pytest.raises(FieldError, match="encrypted"):
        list(Case.objects.filter(contact_phone=PHONE))
    with pytest.raises(FieldError):
        list(Case.objects.filter(contact_name__contains="淑芬"))
    assert Case.objects.filter(pk=case.pk).exclude(contact_phone="").exists()


def test_a_reception_record_s_visitor_is_sealed_too():
    station = Station.objects.get(code="YC-BGJD")
    deputy = Deputy.objects.filter(station_membership__station=station).first()
    record = liaison_actions.do_record_reception(
        station,
        date=timezone.localdate(),
        subject="小区停车",
        content="小区车位不足。",
        deputy_ids=[deputy.pk],
        visitor_name=NAME,
        visitor_phone=PHONE,
        acting_user=user("yc_station"),
    )
    name, phone = raw("liaison_receptionrecord", record.pk, "visitor_name", "visitor_phone")
    assert name.startswith("sm4$") and phone.startswith("sm4$") and PHONE not in phone
    record = ReceptionRecord.objects.get(pk=record.pk)
    assert (record.visitor_name, record.visitor_phone) == (NAME, PHONE)


def test_an_sms_in_the_outbox_holds_the_number_sealed_and_the_daily_cap_still_counts_it():
    from lianxin.notifications.services import send_sms

    with override_settings(LIANXIN_SMS_PER_NUMBER_PER_DAY=2):
        sent = [send_sms(PHONE, f"第 {i} 条") for i in range(3)]
    assert [m is not None for m in sent] == [True, True, False]
    to, to_hash = raw("notifications_outboundmessage", sent[0].pk, "to", "to_hash")
    assert to.startswith("sm4$") and PHONE not in to
    assert to_hash == crypto.lookup_hash(PHONE, kind="recipient")
    assert OutboundMessage.objects.get(pk=sent[0].pk).to == PHONE


def test_lists_and_the_api_still_show_the_phone_masked_and_find_it_by_its_whole_number(api):
    case = new_opinion("顺城街井盖缺失。", contact_name=NAME, contact_phone=PHONE)
    staff = signed_in("yc_staff")
    page = staff.get("/cases/", {"q": "139 6666 1234"}).content.decode()
    assert f'href="/cases/{case.pk}/"' in page and "139****1234" in page and PHONE not in page
    assert found_on_the_list(staff, NAME, case)
    r = api.as_user("yc_staff").get("/api/v1/cases", {"q": PHONE})
    items = {c["id"]: c for c in r.json()["items"]}
    assert items[case.pk]["contact_phone"] == "139****1234"


def test_the_data_migration_seals_rows_written_in_plain_and_its_reverse_opens_them():
    case = new_opinion("顺城街井盖缺失。", contact_name="", contact_phone="")
    with connection.cursor() as cursor:  # as the column held it before the migration
        cursor.execute(
            "UPDATE casework_case SET contact_name = %s, contact_phone = %s,"
            " contact_name_hash = '', contact_phone_hash = '' WHERE id = %s",
            [NAME, PHONE, case.pk],
        )
    columns = [
        ("contact_name", "contact_name_hash", "name"),
        ("contact_phone", "contact_phone_hash", "phone"),
    ]
    assert seal_columns(connection, "casework_case", columns) >= 1
    name, phone, phone_hash = raw(
        "casework_case", case.pk, "contact_name", "contact_phone", "contact_phone_hash"
    )
    assert crypto.decrypt(name) == NAME and crypto.decrypt(phone) == PHONE
    assert phone_hash == crypto.lookup_hash(PHONE, kind="phone")
    assert seal_columns(connection, "casework_case", columns) == 0  # sealed once only
    seal_columns(connection, "casework_case", columns, open_=True)
    assert raw("casework_case", case.pk, "contact_name", "contact_phone") == (NAME, PHONE)
    seal_columns(connection, "casework_case", columns)


def test_a_wrong_key_a_changed_byte_or_an_unknown_key_fails_clearly():
    with override_settings(LIANXIN_DATA_KEYS=f"k1:{key('A')}", LIANXIN_LOOKUP_KEY=LOOKUP):
        case = new_opinion("顺城街井盖缺失。", contact_name=NAME, contact_phone=PHONE)
        (stored,) = raw("casework_case", case.pk, "contact_phone")
        assert stored.startswith("sm4$k1$")
        body = base64.b64decode(stored.split("$")[2])
        changed = bytearray(body)
        changed[20] ^= 1
        tampered = "sm4$k1$" + base64.b64encode(bytes(changed)).decode()
        with pytest.raises(crypto.DecryptionFailed, match="完整性校验失败"):
            crypto.decrypt(tampered)
        with pytest.raises(crypto.DecryptionFailed, match="不是加密的值"):
            crypto.decrypt(PHONE)
    with override_settings(LIANXIN_DATA_KEYS=f"k1:{key('B')}", LIANXIN_LOOKUP_KEY=LOOKUP):
        with pytest.raises(crypto.DecryptionFailed, match="完整性校验失败"):
            Case.objects.get(pk=case.pk)
    with override_settings(LIANXIN_DATA_KEYS=f"k2:{key('A')}", LIANXIN_LOOKUP_KEY=LOOKUP):
        with pytest.raises(crypto.DecryptionFailed, match="不在密钥环中"):
            Case.objects.get(pk=case.pk)
    with override_settings(LIANXIN_DATA_KEYS=f"k1:{key('A')}", LIANXIN_LOOKUP_KEY=LOOKUP):
        assert Case.objects.get(pk=case.pk).contact_phone == PHONE


def test_production_settings_without_keys_refuse_to_start():
    with override_settings(DEBUG=False, LIANXIN_DEMO=False, LIANXIN_DATA_KEYS=""):
        with pytest.raises(ImproperlyConfigured, match="LIANXIN_DATA_KEYS"):
            crypto.check_keys()
        assert [e.id for e in crypto.data_key_check()] == ["lianxin.E002"]
    with override_settings(
        DEBUG=False, LIANXIN_DEMO=False, LIANXIN_DATA_KEYS=f"k1:{key('A')}", LIANXIN_LOOKUP_KEY=""
    ):
        assert [e.id for e in crypto.data_key_check()] == ["lianxin.E002"]
    with override_settings(
        DEBUG=False,
        LIANXIN_DEMO=False,
        LIANXIN_DATA_KEYS=f"k1:{key('A')}",
        LIANXIN_LOOKUP_KEY=LOOKUP,
    ):
        assert crypto.data_key_check() == [] and crypto.current_key_id() == "k1"
    with override_settings(LIANXIN_DATA_KEYS="k1:short"):
        with pytest.raises(ImproperlyConfigured):
            crypto.check_keys()


def test_rotation_re_seals_every_value_with_the_newest_key_in_batches_and_resumes():
    # The demo's own cases and records are sealed with the demo key: keep it in the ring.
    demo = crypto._derive("demo", crypto._demo_master("data"))
    assert demo in crypto.keys()
    staff = signed_in("yc_staff")
    cases = [
        new_opinion(f"顺城街井盖缺失 {i}。", contact_name=NAME, contact_phone=f"1396666{i:04d}")
        for i in range(3)
    ]
    old = [raw("casework_case", c.pk, "contact_phone")[0] for c in cases]
    assert all(v.startswith("sm4$demo$") for v in old)

    ring = f"k2:{key('C')}"
    with override_settings(LIANXIN_DATA_KEYS=ring):
        # A ring without the demo key cannot open the demo's rows: rotation needs both.
        with pytest.raises(crypto.DecryptionFailed):
            Case.objects.get(pk=cases[0].pk)
    # The key a demo instance derives, written out, first; the new key last.
    demo_b64 = base64.b64encode(crypto._demo_master("data")).decode()
    lookup_b64 = base64.b64encode(crypto._demo_master("lookup")).decode()
    both = {"LIANXIN_DATA_KEYS": f"demo:{demo_b64},{ring}", "LIANXIN_LOOKUP_KEY": lookup_b64}
    with override_settings(**both):
        assert Case.objects.get(pk=cases[0].pk).contact_phone == "13966660000"
        out = io.StringIO()
        call_command("rotate_data_key", batch_size=2, stdout=out)
        text = out.getvalue()
        assert "casework.Case：已重新加密 2 行" in text  # the first batch
        assert "均使用密钥 k2" in text
        new = [raw("casework_case", c.pk, "contact_phone")[0] for c in cases]
        assert all(v.startswith("sm4$k2$") for v in new) and new != old
        entry = AuditLog.objects.filter(kind="data_key_rotated").latest("pk")
        assert entry.target == "k2" and entry.detail["rows"]["casework.Case"] >= 3
        # Nothing left under the old key: a second run changes nothing.
        out = io.StringIO()
        call_command("rotate_data_key", stdout=out)
        assert "casework.Case：共重新加密 0 行" in out.getvalue()
        assert "liaison.ReceptionRecord：共重新加密 0 行" in out.getvalue()
    with override_settings(LIANXIN_DATA_KEYS=ring, LIANXIN_LOOKUP_KEY=lookup_b64):
        # The old key can go: every row opens with the new one, and the phone is still found.
        assert [Case.objects.get(pk=c.pk).contact_phone for c in cases] == [
            "13966660000",
            "13966660001",
            "13966660002",
        ]
        assert ReceptionRecord.objects.exclude(visitor_phone="").exists()
        assert all(r.visitor_phone for r in ReceptionRecord.objects.exclude(visitor_phone=""))
        assert found_on_the_list(staff, "13966660001", cases[1])
        assert not found_on_the_list(staff, "13966660001", cases[0])
    # And back to the demo key: rotation goes to whichever key is last.
    with override_settings(**{**both, "LIANXIN_DATA_KEYS": f"k2:{key('C')},demo:{demo_b64}"}):
        call_command("rotate_data_key", stdout=io.StringIO())
    assert all(
        raw("casework_case", c.pk, "contact_phone")[0].startswith("sm4$demo$") for c in cases
    )


def _old_world(years_ago: int):
    """A case concluded, a reception recorded and an SMS queued `years_ago` years ago."""
    then = years_before(timezone.now(), years_ago)
    with time_machine.travel(then.astimezone(SHANGHAI), tick=False):
        case = advance(
            new_opinion("旧城区路灯不亮。", contact_name=NAME, contact_phone=PHONE), "concluded"
        )
        station = Station.objects.get(code="YC-BGJD")
        deputy = Deputy.objects.filter(station_membership__station=station).first()
        record = liaison_actions.do_record_reception(
            station,
            date=timezone.localdate(),
            subject="旧事",
            content="多年前的接待。",
            deputy_ids=[deputy.pk],
            visitor_name="孙来访",
            visitor_phone="13700001111",
            acting_user=user("yc_station"),
        )
        sms = OutboundMessage.objects.create(
            channel=OutboundMessage.Channel.SMS,
            to=PHONE,
            body="您的意见已办结。",
            status=OutboundMessage.Status.SENT,
        )
    return case, record, sms


def test_anonymising_first_counts_then_replaces_the_personal_data_of_old_cases():
    old_case, old_record, old_sms = _old_world(4)
    recent = advance(
        new_opinion("新城区路灯不亮。", contact_name="李近期", contact_phone="13955550000"),
        "concluded",
    )
    open_old = None
    with time_machine.travel(years_before(timezone.now(), 5).astimezone(SHANGHAI), tick=False):
        open_old = new_opinion("五年前的意见还在办理。", contact_name="周未结", contact_phone=PHONE)
    staff = signed_in("yc_staff")
    assert found_on_the_list(staff, PHONE, old_case)
    cutoff = years_before(timezone.now(), 3)
    cases, records, messages = pending(cutoff)
    counts = (cases.count(), records.count(), messages.count())
    assert old_case.pk in set(cases.values_list("pk", flat=True)) and counts[0] >= 1
    assert recent.pk not in set(cases.values_list("pk", flat=True))
    assert open_old.pk not in set(cases.values_list("pk", flat=True))  # not concluded
    before_rows = raw("casework_case", old_case.pk, "contact_name", "contact_phone")
    trail = AuditLog.objects.filter(kind="personal_data_anonymised").count()

    out = io.StringIO()
    call_command("anonymise_personal_data", "--older-than-years", "3", "--dry-run", stdout=out)
    assert (
        f"案件 {counts[0]} 件、接待记录 {counts[1]} 条、短信 {counts[2]} 条" in out.getvalue()
        and "未做任何修改" in out.getvalue()
    )
    assert raw("casework_case", old_case.pk, "contact_name", "contact_phone") == before_rows
    assert AuditLog.objects.filter(kind="personal_data_anonymised").count() == trail

    out = io.StringIO()
    call_command("anonymise_personal_data", "--older-than-years", "3", stdout=out)
    assert f"案件 {counts[0]} 件、接待记录 {counts[1]} 条、短信 {counts[2]} 条" in out.getvalue()
    case = Case.objects.get(pk=old_case.pk)
    assert (case.contact_name, case.contact_phone) == (ANONYMISED, "")
    assert (case.contact_name_hash, case.contact_phone_hash) == ("", "")
    assert case.anonymised_at is not None and case.content == "旧城区路灯不亮。"
    assert case.state == "concluded"
    name, phone = raw("casework_case", old_case.pk, "contact_name", "contact_phone")
    assert name.startswith("sm4$") and phone == ""
    record = ReceptionRecord.objects.get(pk=old_record.pk)
    assert (record.visitor_name, record.visitor_phone) == (ANONYMISED, "")
    assert OutboundMessage.objects.get(pk=old_sms.pk).to == ""
    # What is recent, or not concluded, keeps its data.
    assert Case.objects.get(pk=recent.pk).contact_phone == "13955550000"
    assert Case.objects.get(pk=open_old.pk).contact_name == "周未结"
    # Not found by the phone any more; the open case with the same number still is.
    assert not found_on_the_list(staff, PHONE, old_case)
    assert found_on_the_list(staff, PHONE, open_old)
    entry = AuditLog.objects.filter(kind="personal_data_anonymised").latest("pk")
    assert AuditLog.objects.filter(kind="personal_data_anonymised").count() == trail + 1
    assert entry.detail["cases"] == counts[0] and entry.detail["years"] == 3
    assert entry.detail["reception_records"] == counts[1] and entry.detail["sms"] == counts[2]
    # Done is done: a second run finds nothing.
    out = io.StringIO()
    call_command("anonymise_personal_data", "--older-than-years", "3", "--dry-run", stdout=out)
    assert "案件 0 件、接待记录 0 条、短信 0 条" in out.getvalue()


def test_anonymising_takes_the_setting_and_refuses_less_than_a_year():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="至少为1年"):
        call_command("anonymise_personal_data", "--older-than-years", "0", stdout=io.StringIO())
    with override_settings(LIANXIN_PERSONAL_DATA_YEARS=50):
        out = io.StringIO()
        call_command("anonymise_personal_data", "--dry-run", stdout=out)
        before = (timezone.localdate() - dt.timedelta(days=365 * 50)).year
        assert f"{before}-" in out.getvalue()


def test_the_algorithms_are_sm4_and_sm3_by_their_standards_test_vectors():
    # GB/T 32907-2016 appendix A: one block, key = plaintext = 0123456789abcdeffedcba9876543210.
    block = bytes.fromhex("0123456789abcdeffedcba9876543210")
    sealed = crypto._sm4(block, bytes(16), block, encrypt=True)  # CBC, IV 0: the first block
    assert sealed[:16].hex() == "681edf34d206965e86b3e94f536e4246"
    assert crypto._sm4(block, bytes(16), sealed, encrypt=False) == block
    # GB/T 32905-2016 appendix A: SM3("abc").
    assert crypto.hash_of(b"abc") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
