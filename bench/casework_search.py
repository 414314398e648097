"""Full-text search at 100,000 cases (issue 14, item 3): building the index and the top-20
query.

Figures, each against a bare baseline in the same process:
- index build: cases indexed per second by `casework.search.rebuild` (segmentation, replies,
  batched writes) into an empty index, then again over the full one (what `rebuild_search`
  meets on a database in use), against reading the same rows' text bare (`values_list` of
  every case);
- query: median / p95 of `search.search(yc_staff, word)` (one page of 20 hits with snippets,
  within what the user may see) over common words, against the first page of the same user's
  case list (`queries.cases_for`, newest first).
Texts are citizens' messages recombined (two messages' sentences and another place each), read
at run time from the TipDM data beside the repository when it is there (never copied into it),
else made from phrases; 30 % of the cases have a reply, dates spread over six years.
Run: .venv/bin/python bench/casework_search.py  (BENCH_CASES=…, DATABASE_URL=postgres://…)
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import re
import sys
import time

from common import drop_database, report, setup_django, summary, timeit

CASES = int(os.environ.get("BENCH_CASES", "100000"))
BATCH = 1000
WORDS = ["路灯", "垃圾", "停车", "噪音", "物业", "积水", "供暖", "学校", "公交", "拆迁 补偿"]
PLACES = ["顺城街", "北关街道", "锦纶小区", "安宁小区", "迎宾路", "中都路", "汇通路", "蕴华街"]
PROBLEMS = [
    "路灯不亮，夜间出行不便",
    "道路破损，雨天积水严重",
    "垃圾清运不及时，气味难闻",
    "夜间施工噪音扰民",
    "公交站台没有遮雨棚",
    "下水道堵塞，污水外溢",
    "小区供暖温度不达标",
    "违章停车堵塞消防通道",
    "物业服务收费不透明",
    "学校门口接送车辆拥堵",
]
ASKS = ["请有关部门尽快处理。", "希望早日解决。", "恳请领导重视。", "请予以答复。", ""]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？；])", " ".join(text.split())) if s.strip()]


def corpus(rng: random.Random) -> tuple[list[list[str]], list[str]]:
    """Sentences of real messages and real replies, when the shared data is there."""
    from lianxin.testing.data import shared_data

    messages, replies = [], []
    path = shared_data("tipdm2020c_smartgov", "messages_labeled_full_dev.csv")
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if s := _sentences(row.get("detail", "")):
                    messages.append([row.get("title", "")[:60], *s])
    path = shared_data("tipdm2020c_smartgov", "messages_replies.csv")
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            replies = [
                " ".join(r["答复意见"].split())[:1500]
                for r in csv.DictReader(fh)
                if r.get("答复意见", "").strip()
            ]
    return messages, replies


def text(rng: random.Random, messages: list[list[str]]) -> tuple[str, str]:
    place = rng.choice(PLACES)
    if messages:
        a, b = rng.choice(messages), rng.choice(messages)
        body = a[1 : 1 + rng.randint(1, 4)] + b[1 : 1 + rng.randint(0, 3)]
        return a[0], place + "".join(body)[:1800]
    problems = rng.sample(PROBLEMS, rng.randint(1, 3))
    body = "，".join(f"{rng.choice(PLACES)}{p}" for p in problems)
    return (
        f"关于{place}{problems[0][:6]}的问题",
        f"{body}，已有{rng.randint(2, 30)}天。{rng.choice(ASKS)}",
    )


def load(rng: random.Random) -> None:
    import time_machine

    from lianxin.casework.models import Case, Reply
    from lianxin.org.models import Congress

    messages, replies = corpus(rng)
    yc = Congress.objects.select_related("region").get(region__code="140702")
    now = dt.datetime.now(dt.UTC)
    kinds = ["opinion"] * 6 + ["suggestion"] * 3 + ["motion"]
    todo = CASES - Case.objects.count()
    while todo > 0:
        n = min(BATCH, todo)
        with time_machine.travel(now - dt.timedelta(days=rng.randint(0, 6 * 365)), tick=False):
            rows = []
            for _i in range(n):
                title, content = text(rng, messages)
                rows.append(
                    Case(
                        kind=rng.choice(kinds),
                        state=rng.choice(("registered", "handling", "concluded")),
                        title=title,
                        content=content,
                        channel="scan",
                        congress=yc,
                        scope_code=yc.region.code,
                    )
                )
            cases = Case.objects.bulk_create(rows)
            Reply.objects.bulk_create(
                Reply(
                    case=c,
                    content=rng.choice(replies) if replies else "经核实，已安排维修，近期完成。",
                )
                for c in cases
                if rng.random() < 0.3
            )
        todo -= n


def main() -> None:
    label = setup_django("search")
    from django.core.management import call_command
    from django.db import connection

    from lianxin.accounts.models import User
    from lianxin.casework import queries, search
    from lianxin.casework.models import Case

    call_command("load_demo", scale="test", stdout=open(os.devnull, "w"))  # noqa: SIM115
    rng = random.Random(14)
    load(rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    total = Case.objects.count()

    start = time.perf_counter()
    read = sum(
        1 for _ in Case.objects.order_by("pk").values_list("pk", "title", "content").iterator(5000)
    )
    bare = read / (time.perf_counter() - start)
    start, cpu = time.perf_counter(), time.process_time()
    indexed = search.rebuild()
    build = indexed / (time.perf_counter() - start)
    # This process's CPU time (segmentation and SQLite's own writing, not PostgreSQL's): the
    # rate on a machine that other work does not share.
    build_cpu = indexed / (time.process_time() - cpu)
    # Again over the full index (what `rebuild_search` meets on a database in use).
    start, cpu = time.perf_counter(), time.process_time()
    search.rebuild()
    again = indexed / (time.perf_counter() - start)
    again_cpu = indexed / (time.process_time() - cpu)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE casework_search")

    staff = User.objects.get(username="yc_staff")
    words = iter(WORDS * 100)

    def bare_list():
        list(queries.for_list(queries.cases_for(staff))[:20])

    found = []

    def top20():
        r = search.search(staff, next(words))
        found.append(r.total)

    base = summary(timeit(bare_list, repeat=50, warmup=5))
    hits = summary(timeit(top20, repeat=50, warmup=5))
    report(
        f"full-text search ({label}, {total} cases, {indexed} indexed)",
        [
            ("bare read of every case's text", f"{bare:,.0f} cases/s"),
            ("index build (rebuild)", f"{build:,.0f} cases/s ({bare / build:.1f}× the bare read)"),
            ("index build per CPU second of this process", f"{build_cpu:,.0f} cases/s"),
            (
                "rebuild over the full index",
                f"{again:,.0f} cases/s ({bare / again:.1f}× the bare read), "
                f"{again_cpu:,.0f} per CPU second",
            ),
            (
                "case list first page median / p95",
                f"{base['median_ms']:.1f} / {base['p95_ms']:.1f} ms",
            ),
            (
                "search top 20 median / p95",
                f"{hits['median_ms']:.1f} / {hits['p95_ms']:.1f} ms "
                f"(hits per word {min(found)}–{max(found)})",
            ),
            ("ratio search / list (p95)", f"{hits['p95_ms'] / base['p95_ms']:.1f}×"),
        ],
    )
    drop_database()


if __name__ == "__main__":
    sys.exit(main())
