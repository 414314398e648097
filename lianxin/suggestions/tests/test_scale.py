"""`manage.py generate_scale` at a tiny scale: the proportions of states, timelines, replies
and evaluations, the real regions, and the same rows again from the same seed."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction

from lianxin.casework.models import Case, CaseEvent, Evaluation, Reply
from lianxin.liaison.models import Station
from lianxin.org.models import Deputy
from lianxin.suggestions.models import Suggestion

pytestmark = pytest.mark.django_db

ARGS = ["--deputies", "300", "--stations", "100", "--opinions", "2000", "--suggestions", "200"]


def generate(seed: int) -> tuple[str, list]:
    first = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    out = io.StringIO()
    call_command("generate_scale", *ARGS, "--seed", str(seed), stdout=out)
    rows = list(
        Case.objects.filter(pk__gte=first)
        .order_by("pk")
        .values_list("pk", "kind", "state", "tracking_code", "title", "content", "created_at")
    )
    return out.getvalue(), rows


def test_the_dataset_has_realistic_proportions_over_the_real_regions():
    before = Case.objects.count(), Deputy.objects.count(), Station.objects.count()
    out, rows = generate(7)
    assert "群众意见 2,000/2,000" in out and "每秒" in out and "完成：案件 2,200 件" in out
    assert (Deputy.objects.count(), Station.objects.count()) == (before[1] + 300, before[2] + 100)
    ids = [r[0] for r in rows]
    cases = Case.objects.filter(pk__in=ids)
    opinions = cases.filter(kind="opinion")
    states = Counter(opinions.values_list("state", flat=True))
    assert sum(states.values()) == 2000
    assert 0.56 < states["concluded"] / 2000 < 0.68
    assert {"registered", "handling", "replied", "declined", "merged"} <= set(states)
    # Every case has its timeline; a case past the reply has one reply, an evaluated one a rating.
    events = Counter(CaseEvent.objects.filter(case_id__in=ids).values_list("case_id", flat=True))
    assert set(events) == set(ids)
    replied = opinions.filter(state__in=["replied", "fed_back", "evaluated", "concluded"])
    assert Reply.objects.filter(case__in=replied).count() == replied.count()
    assert events[replied.filter(state="concluded").first().pk] == 7
    evaluated = opinions.exclude(rating="")
    assert Evaluation.objects.filter(case__in=evaluated).count() == evaluated.count()
    ratings = Counter(evaluated.values_list("rating", flat=True))
    assert 0.74 < ratings["satisfied"] / evaluated.count() < 0.9
    # The real regions of the demo's city, texts naming its townships, and varied.
    assert not opinions.exclude(scope_code__startswith="1407").exists()
    assert opinions.filter(region__code__startswith="1407").count() == 2000
    contents = list(opinions.values_list("content", flat=True))
    assert len(set(contents)) > 1900
    assert Suggestion.objects.filter(case__in=cases.filter(kind="suggestion")).count() == 200
    # Citizens' phones are sealed as the site seals them, and found by their hash.
    from django.db import connection

    from lianxin.core.crypto import lookup_hash

    with_phone = opinions.exclude(contact_phone="").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM casework_case WHERE id = %s", [with_phone.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("sm4$") and with_phone.contact_phone not in stored
    phone_hash = lookup_hash(with_phone.contact_phone, kind="phone")
    assert with_phone.pk in set(
        Case.objects.filter(contact_phone_hash=phone_hash).values_list("pk", flat=True)
    )
    assert len({r[3] for r in rows}) == 2200  # tracking codes, all distinct


def test_the_same_seed_gives_the_same_rows():
    with transaction.atomic():
        _out, first = generate(3)
        transaction.set_rollback(True)
    _out, again = generate(3)
    assert first == again and len(first) == 2200
    _out, other = generate(4)
    assert [r[5] for r in other] != [r[5] for r in again]
