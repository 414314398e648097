"""What is cached (deadline policy, scan-code routing, large list totals) lives in Django's
cache: in this process's memory by default, in Redis when REDIS_URL is set, so that several
app servers agree on it."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.test import override_settings

from lianxin.casework import deadlines
from lianxin.casework.models import DeadlinePolicy
from lianxin.core.errors import ValidationFailed
from lianxin.opinions import lookups
from lianxin.org.models import Deputy, SeatStatus

pytestmark = pytest.mark.django_db

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis 不可用（{REDIS_TEST_URL}：{exc}），跳过多服务器缓存测试")


def _policy_row() -> DeadlinePolicy:
    return DeadlinePolicy.objects.get(kind="opinion", step=DeadlinePolicy.Step.HANDLE)


def test_the_default_cache_is_local_memory_and_saving_a_policy_forgets_it():
    assert caches["default"].__class__.__name__ == "LocMemCache"
    row = _policy_row()
    assert deadlines.policy("opinion", row.step) == (row.amount, row.unit)
    assert cache.get(deadlines.TABLES_KEY) is not None
    row.amount += 5
    row.save()
    assert cache.get(deadlines.TABLES_KEY) is None  # forgotten at once, not in a minute
    assert deadlines.policy("opinion", row.step) == (row.amount, row.unit)


def test_a_routing_lookup_is_forgotten_when_the_seat_changes():
    seat = Deputy.objects.filter(status=SeatStatus.SERVING).exclude(scan_code="").first()
    assert lookups.deputy_by_code(seat.scan_code).pk == seat.pk
    seat.status = SeatStatus.ENDED
    seat.save()
    with pytest.raises(ValidationFailed) as exc:
        lookups.deputy_by_code(seat.scan_code)
    assert exc.value.code == "unknown_deputy"


def test_two_app_servers_sharing_redis_agree_on_the_policy_at_once():
    """Two cache objects on the same Redis stand for two app servers: what one keeps the
    other reads, and a change saved through one is forgotten for both."""
    _redis_or_skip()
    shared = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_TEST_URL,
        "KEY_PREFIX": "lianxin-test",
    }
    with override_settings(CACHES={"default": shared, "other_server": shared}):
        here, there = caches["default"], caches["other_server"]
        assert here is not there and here.__class__.__name__ == "RedisCache"
        here.clear()
        try:
            row = _policy_row()
            assert deadlines.policy("opinion", row.step) == (row.amount, row.unit)
            seen = there.get(deadlines.TABLES_KEY)
            assert seen["policies"][("opinion", row.step)] == (row.amount, row.unit)
            row.amount += 7
            row.save()
            assert there.get(deadlines.TABLES_KEY) is None
            assert deadlines.policy("opinion", row.step) == (row.amount, row.unit)
            seen = there.get(deadlines.TABLES_KEY)
            assert seen["policies"][("opinion", row.step)] == (row.amount, row.unit)
            # The scan-code routing: one server forgetting forgets for the other.
            generation = there.get(lookups.GENERATION_KEY)
            lookups.clear_cache()
            assert there.get(lookups.GENERATION_KEY) not in (None, generation)
        finally:
            here.clear()
