"""The in-process memo behind the deadline policy, scan-code routing and large list totals."""

from __future__ import annotations

from lianxin.core.memo import Memo


def test_a_value_is_kept_until_it_expires_and_misses_are_not_kept():
    loads = []

    def load(value):
        def run():
            loads.append(value)
            return value

        return run

    memo = Memo(seconds=60)
    assert memo.get("a", load(1)) == 1
    assert memo.get("a", load(2)) == 1  # kept
    assert memo.get("b", load(None)) is None
    assert memo.get("b", load(3)) == 3  # a miss (None) was not kept
    assert memo.get("c", load(4), seconds=0) == 4
    assert memo.get("c", load(5)) == 5  # expired at once
    assert memo.get("d", load(6), keep=lambda v: v > 10) == 6
    assert memo.get("d", load(7)) == 7  # not kept: the predicate said no
    assert loads == [1, None, 3, 4, 5, 6, 7]


def test_clearing_and_the_size_bound_forget_everything():
    memo = Memo(size=2)
    memo.get("a", lambda: 1)
    memo.get("b", lambda: 2)
    memo.get("c", lambda: 3)  # full: the memo starts again
    assert memo.get("a", lambda: 10) == 10
    memo.clear(sender=object, instance=None, created=True)  # as a post_save receiver
    assert memo.get("c", lambda: 30) == 30
