"""API list totals: small ones are counted every time, large ones are kept for a while per
query (core.paging.count_of), so a city office turning pages of 100,000 cases does not pay
for the exact count on every page."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from lianxin.api.auth import issue_token
from lianxin.casework.models import Case
from lianxin.casework.tests.helpers import new_opinion, user
from lianxin.core.paging import count_of

pytestmark = pytest.mark.django_db


def _api_count(username: str) -> int:
    headers = {"Authorization": f"Bearer {issue_token(user(username))}"}
    r = Client().get("/api/v1/cases", {"limit": 1}, headers=headers)
    assert r.status_code == 200
    return r.json()["count"]


def test_a_total_below_the_threshold_is_counted_every_time(settings):
    settings.LIANXIN_COUNT_CACHE_FROM = 10_000
    before = _api_count("yc_staff")
    new_opinion()
    assert _api_count("yc_staff") == before + 1


def test_a_large_total_is_kept_for_the_same_query_until_it_expires(settings):
    settings.LIANXIN_COUNT_CACHE_FROM = 1  # every total counts as large here
    settings.LIANXIN_COUNT_CACHE_SECONDS = 30
    before = _api_count("yc_staff")
    other_scope = _api_count("tg_staff")
    new_opinion()
    assert _api_count("yc_staff") == before  # kept: the same query within 30 s
    # Another scope is another query, counted on its own.
    assert _api_count("tg_staff") == other_scope
    settings.LIANXIN_COUNT_CACHE_SECONDS = 0
    cache.clear()
    assert _api_count("yc_staff") == before + 1  # counted afresh once forgotten
    new_opinion()
    assert _api_count("yc_staff") == before + 2  # nothing kept when it expires at once


def test_an_empty_query_counts_zero_and_the_threshold_zero_always_counts(settings):
    settings.LIANXIN_COUNT_CACHE_FROM = 1
    assert count_of(Case.objects.none()) == 0
    settings.LIANXIN_COUNT_CACHE_FROM = 0
    n = count_of(Case.objects.all())
    new_opinion()
    assert count_of(Case.objects.all()) == n + 1
