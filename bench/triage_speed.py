"""Learned triage (casework/triage.py): how fast it classifies, as ratios to a bare baseline.

Trains on a stratified 80 % of the real development messages (tipdm2020c_smartgov, read from
/work/shared/data, never copied) and classifies the unseen 20 %: messages per second for one
batch and the latency of one message at a time, each against `str.split` over the same
messages in the same process (the bare baseline: reading the text once), and the macro-F1.
One process, one thread (BLAS pinned to one core). Wall and CPU time are both printed, since the
machine is often shared.
Run: .venv/bin/python bench/triage_speed.py
"""

from __future__ import annotations

import csv
import os
import sys
import time

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

from common import report, summary, timeit  # noqa: E402 (after the thread pins)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianxin.settings")


def main() -> None:
    import django

    django.setup()
    from lianxin.casework import triage
    from lianxin.testing.data import shared_data

    path = shared_data("tipdm2020c_smartgov", "messages_labeled_full_dev.csv")
    if not path.exists():
        print(f"共享数据不在：{path}，跳过。")
        return
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    texts = [r["text_seg"] for r in rows]
    labels = [r["label"] for r in rows]
    train_t, train_y, test_t, test_y = triage.split(texts, labels)
    started = time.perf_counter()
    model = triage.train(train_t, {"category": train_y}, segmented=True)
    trained = time.perf_counter() - started

    def batch():
        return model.predict("category", test_t, segmented=True)

    def bare():
        return [t.split() for t in test_t]

    wall, cpu = time.perf_counter(), time.process_time()
    predicted, _conf = batch()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    bare_s = min(timeit(bare, repeat=5, warmup=1))
    batch_s = min(timeit(batch, repeat=3, warmup=0))
    one = test_t[:300]
    per = summary(timeit(lambda: model.predict("category", [one[0]], segmented=True), repeat=300))
    singles = [
        min(timeit(lambda t=t: model.predict("category", [t], segmented=True), repeat=1, warmup=0))
        for t in one
    ]
    bare_one = [min(timeit(lambda t=t: t.split(), repeat=5, warmup=0)) for t in one]
    from sklearn.metrics import f1_score

    raw = [r["text_raw"] for r in rows if r["text_raw"]][:500]
    raw_s = min(timeit(lambda: model.predict("category", raw), repeat=2, warmup=0))
    report(
        f"learned triage, {len(train_t)} training / {len(test_t)} unseen messages",
        [
            ("macro-F1 (unseen 20 %)", f"{f1_score(test_y, predicted, average='macro'):.4f}"),
            ("training", f"{trained:.1f} s"),
            ("batch, messages/s (best of 3)", f"{len(test_t) / batch_s:,.0f}"),
            ("first batch: wall / CPU", f"{wall:.2f} s / {cpu:.2f} s"),
            ("batch / bare str.split", f"{batch_s / bare_s:.0f}×"),
            ("one message, median / p95", f"{per['median_ms']:.2f} / {per['p95_ms']:.2f} ms"),
            (
                "one message at a time / bare split",
                f"{sum(singles) / sum(bare_one):.0f}× ({len(one) / sum(singles):,.0f} messages/s)",
            ),
            ("raw text (rjieba cuts it), messages/s", f"{len(raw) / raw_s:,.0f}"),
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
