"""Measure the reply-quality check on real message/reply pairs: `manage.py reply_quality_eval
--csv messages_replies.csv` (the 问政 message board's replies; the columns are named by options).

Every reply is checked against its own message and against another message (the pairs shifted
by a fixed offset: a real reply to another matter); it prints the distribution of each criterion
on both, how well relevance alone tells them apart (AUC, and accuracy at the check's cut-off),
and the share of replies the check calls good."""

from __future__ import annotations

import csv
import math
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from lianxin.casework import reply_quality as rq


def read_pairs(path: str, title: str, message: str, reply: str, limit: int = 0) -> list[tuple]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {path}: {exc}") from None
    if rows and any(c not in rows[0] for c in (title, message, reply)):
        raise CommandError(f"columns {title}, {message}, {reply} not all in {path}")
    pairs = [
        (r[title].strip(), r[message].strip(), r[reply].strip())
        for r in rows
        if r[reply].strip() and (r[title].strip() or r[message].strip())
    ]
    return pairs[:limit] if limit else pairs


def corpus_idf(terms: list[rq.MessageTerms]):
    """Document frequencies over the messages themselves (what the stored terms give in use)."""
    df: Counter = Counter()
    for t in terms:
        df.update(t.words.keys())
    n = len(terms)

    def idf(words):
        return {w: math.log((n + 1) / (df[w] + 1)) + 1 for w in words}

    return idf


def auc(pos: list[float], neg: list[float]) -> float:
    """The chance a matched pair scores above a mismatched one (ties count half)."""
    ranked = sorted([(s, 1) for s in pos] + [(s, 0) for s in neg])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        avg = (i + j + 1) / 2
        rank_sum += avg * sum(1 for k in range(i, j) if ranked[k][1])
        i = j
    n1, n0 = len(pos), len(neg)
    return (rank_sum - n1 * (n1 + 1) / 2) / (n1 * n0) if n1 and n0 else float("nan")


def evaluate(pairs: list[tuple], offset: int = 7) -> dict:
    terms = [rq.terms_of_text(t, m) for t, m, _ in pairs]
    idf = corpus_idf(terms)
    matched, mismatched = [], []
    start = time.perf_counter()
    for i, (t, m, r) in enumerate(pairs):
        matched.append(rq.check_texts(t, m, r, terms=terms[i], idf=idf))
        j = (i + offset) % len(pairs)
        tj, mj, _ = pairs[j]
        mismatched.append(rq.check_texts(tj, mj, r, terms=terms[j], idf=idf))
    seconds = time.perf_counter() - start
    pos = [x.relevance.score for x in matched]
    neg = [x.relevance.score for x in mismatched]
    wins = sum(p > n for p, n in zip(pos, neg, strict=True))
    cut = rq.GOOD_RELEVANCE
    acc = (sum(p >= cut for p in pos) + sum(n < cut for n in neg)) / (len(pos) + len(neg))
    return {
        "pairs": len(pairs),
        "matched": matched,
        "mismatched": mismatched,
        "auc": auc(pos, neg),
        "pairwise": wins / len(pairs) if pairs else float("nan"),
        "accuracy": acc,
        "ms_per_check": 1000 * seconds / (2 * len(pairs)) if pairs else 0.0,
    }


def quantiles(xs: list[float]) -> str:
    xs = sorted(xs)
    if not xs:
        return "-"
    q = [xs[min(len(xs) - 1, int(p * len(xs)))] for p in (0.1, 0.25, 0.5, 0.75, 0.9)]
    return " ".join(f"{v:.2f}" for v in q) + f"  mean {sum(xs) / len(xs):.3f}"


class Command(BaseCommand):
    help = "Measure the reply-quality check on real message/reply pairs (and mismatched ones)."

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True)
        parser.add_argument("--title", default="留言主题")
        parser.add_argument("--message", default="留言详情")
        parser.add_argument("--reply", default="答复意见")
        parser.add_argument("--limit", type=int, default=0)
        parser.add_argument("--offset", type=int, default=7)

    def handle(self, *args, **o):
        pairs = read_pairs(o["csv"], o["title"], o["message"], o["reply"], o["limit"])
        if len(pairs) < 2:
            raise CommandError("need at least two message/reply pairs")
        r = evaluate(pairs, o["offset"])
        w = self.stdout.write
        w(f"pairs: {r['pairs']}  ({r['ms_per_check']:.1f} ms per check)")
        w("quantiles p10 p25 p50 p75 p90:")
        for key in ("relevance", "completeness", "clarity"):
            w(f"  {key:13s} matched    {quantiles([getattr(x, key).score for x in r['matched']])}")
            w(
                f"  {key:13s} mismatched "
                f"{quantiles([getattr(x, key).score for x in r['mismatched']])}"
            )
        w(f"relevance alone, matched vs mismatched: AUC {r['auc']:.3f}")
        w(f"  matched above its mismatched pair: {r['pairwise']:.1%}")
        w(f"  accuracy at the cut-off {rq.GOOD_RELEVANCE}: {r['accuracy']:.1%}")
        for label, rs in (("matched", r["matched"]), ("mismatched", r["mismatched"])):
            n = len(rs)
            w(
                f"{label}: good {sum(x.good for x in rs) / n:.1%}; criterion met — "
                + ", ".join(
                    f"{k} {sum(getattr(x, k).ok for x in rs) / n:.1%}"
                    for k in ("relevance", "completeness", "clarity")
                )
            )
        boiler = sum(len(rq.substance(x[2])) < rq.MIN_SUBSTANCE_CHARS for x in pairs)
        w(f"formulae only (no substance): {boiler} of {len(pairs)}")
