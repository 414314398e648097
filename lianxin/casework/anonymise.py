"""PIPL retention of citizens' personal data: years after a case was concluded, the name and
phone of whoever raised it are replaced (`manage.py anonymise_personal_data`).

The case, its text, timeline, replies and figures stay; what identifies the citizen goes: the
name becomes the marker «已匿名», the phone is emptied, both lookup hashes are cleared (the case
is no longer found by them) and `anonymised_at` says when. The same for the visitors of
reception records made that many years ago (their date), and for the number of SMS sent (or failed)
that long ago. One audit entry per run with the counts; a dry run only counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.core.audit import record
from lianxin.core.errors import ValidationFailed
from lianxin.core.models import AuditLog
from lianxin.core.retention import years_before
from lianxin.liaison.models import ReceptionRecord
from lianxin.notifications.models import OutboundMessage

from .models import Case

# Not translated: a stored value, the same whatever the language of the page that shows it.
ANONYMISED = "已匿名"


@dataclass
class Outcome:
    cutoff: dt.datetime
    cases: int
    records: int
    messages: int


def pending(cutoff: dt.datetime):
    """The rows still holding personal data that the rule reaches at `cutoff`."""
    cases = Case.objects.filter(concluded_at__lt=cutoff, anonymised_at__isnull=True).filter(
        ~(Q(contact_name="") & Q(contact_phone=""))
    )
    records = ReceptionRecord.objects.filter(
        date__lt=timezone.localtime(cutoff).date(), anonymised_at__isnull=True
    ).filter(~(Q(visitor_name="") & Q(visitor_phone="")))
    messages = OutboundMessage.objects.filter(
        channel=OutboundMessage.Channel.SMS,
        status__in=[OutboundMessage.Status.SENT, OutboundMessage.Status.FAILED],
        created_at__lt=cutoff,
    ).exclude(to="")
    return cases, records, messages


def anonymise_personal_data(
    *, years: int, dry_run: bool = False, acting_user=None, now: dt.datetime | None = None
) -> Outcome:
    if years < 1:
        raise ValidationFailed(
            _("个人信息保存年限至少为1年。"), field="older_than_years", code="too_short"
        )
    now = now or timezone.now()
    cutoff = years_before(now, years)
    cases, records, messages = pending(cutoff)
    if dry_run:
        return Outcome(cutoff, cases.count(), records.count(), messages.count())
    with transaction.atomic(durable=True):
        n_cases = cases.update(
            contact_name=ANONYMISED,
            contact_phone="",
            contact_name_hash="",
            contact_phone_hash="",
            anonymised_at=now,
        )
        n_records = records.update(visitor_name=ANONYMISED, visitor_phone="", anonymised_at=now)
        n_messages = messages.update(to="", to_hash="")
        record(
            AuditLog.Kind.PERSONAL_DATA_ANONYMISED,
            user=acting_user,
            username="" if acting_user else "manage.py anonymise_personal_data",
            target=f"concluded before {cutoff:%Y-%m-%d}",
            years=years,
            cutoff=cutoff.isoformat(),
            cases=n_cases,
            reception_records=n_records,
            sms=n_messages,
        )
    return Outcome(cutoff, n_cases, n_records, n_messages)
