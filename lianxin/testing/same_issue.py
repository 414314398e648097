"""The duplicate detector measured as it is used: a real message board's messages (TipDM 2020 C,
development part, read from the shared folder beside the repository, never copied into it)
loaded as open cases of one county, and each message of a same-issue cluster asked for its
duplicates. Used by `casework/tests/test_duplicates.py` and `bench/casework_same_issue.py`.

Clusters: the connected groups of the pairs labelled "same issue" in
`same_issue_pairs_dev.csv`, plus the messages whose title and text are those of a cluster's
message (posted twice). A first offer outside every cluster is "unjudged": the clusters are
incomplete (see the data's SOURCE.md) and such an offer is often a true duplicate nobody
labelled; it is counted apart, never as right."""

from __future__ import annotations

import csv
import random
import statistics
import time
from dataclasses import dataclass, field

from .data import shared_data

TIPDM = shared_data("tipdm2020c_smartgov")
MESSAGES = TIPDM / "messages_votes.csv"
PAIRS = TIPDM / "same_issue_pairs_dev.csv"
# Another estate, street and school for "the same complaint somewhere else".
ELSEWHERE = ("金桂花园", "迎宾西路", "实验中学")


def available() -> bool:
    return MESSAGES.exists() and PAIRS.exists()


def _squash(text: str) -> str:
    return "".join(text.split())


@dataclass
class Board:
    messages: dict[str, tuple[str, str]]  # id -> (title, text)
    cluster: dict[str, str]  # id -> cluster
    labelled: set[str]  # ids in a labelled pair (the queries)
    wrong: set[tuple[str, str]] = field(default_factory=set)  # labelled "different issue"


def read(limit: int | None = None, seed: int = 7) -> Board:
    """The board's messages (all, or the cluster's and `limit` others drawn with `seed`)."""
    with MESSAGES.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with PAIRS.open(encoding="utf-8") as fh:
        pairs = list(csv.DictReader(fh))
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    wrong = set()
    for p in pairs:
        if p["label"] == "1":
            parent[find(p["id_a"])] = find(p["id_b"])
        else:
            wrong |= {(p["id_a"], p["id_b"]), (p["id_b"], p["id_a"])}
    labelled = set(parent)
    cluster = {x: find(x) for x in labelled}
    same_text: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        key = (_squash(r["留言主题"]), _squash(r["留言详情"]))
        same_text.setdefault(key, []).append(r["留言编号"])
    for ids in same_text.values():
        found = {cluster[i] for i in ids if i in cluster}
        if len(found) == 1:
            c = found.pop()
            for i in ids:
                cluster.setdefault(i, c)
    if limit is not None:
        others = sorted(r["留言编号"] for r in rows if r["留言编号"] not in cluster)
        keep = set(cluster) | set(random.Random(seed).sample(others, min(limit, len(others))))
        rows = [r for r in rows if r["留言编号"] in keep]
    messages = {
        r["留言编号"]: (r["留言主题"].strip()[:200], " ".join(r["留言详情"].split())) for r in rows
    }
    return Board(messages, cluster, labelled, wrong)


def load(board: Board, *, congress, station=None, kind: str = "opinion") -> dict[str, int]:
    """The board's messages as open (registered) cases of `congress`, written at once, with
    their duplicate terms; message id -> case id."""
    from lianxin.casework import duplicates
    from lianxin.casework.models import Case
    from lianxin.core import bulk

    ids = list(board.messages)
    cases = bulk.insert(
        [
            Case(
                kind=kind,
                state="registered",
                title=board.messages[m][0][:200],
                content=board.messages[m][1],
                channel="scan",
                congress=congress,
                scope_code=congress.region.code,
                region=congress.region,
                station=station,
            )
            for m in ids
        ]
    )
    duplicates.index_cases([c.pk for c in cases])
    duplicates.clear_counts()
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum does after a bulk load
            cursor.execute("ANALYZE casework_case")
            cursor.execute("ANALYZE casework_caseterm")
    return {m: c.pk for m, c in zip(ids, cases, strict=True)}


@dataclass
class Figures:
    queries: int = 0
    first_right: int = 0
    first_unjudged: int = 0
    offered: int = 0
    offered_right: int = 0
    offered_wrong: int = 0  # in another cluster, or labelled "different issue"
    offered_unjudged: int = 0
    times_ms: list[float] = field(default_factory=list)
    unjudged_firsts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def first_accuracy(self) -> float:
        return self.first_right / max(self.queries, 1)

    @property
    def judged_first_accuracy(self) -> float:
        return self.first_right / max(self.queries - self.first_unjudged, 1)

    @property
    def precision(self) -> float:
        """Of the offers whose issue is known, the share in the same issue."""
        return self.offered_right / max(self.offered_right + self.offered_wrong, 1)

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.times_ms, n=20)[-1] if len(self.times_ms) > 1 else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else 0.0

    def lines(self) -> list[tuple[str, str]]:
        return [
            (
                "first offer in the same issue",
                f"{self.first_right}/{self.queries} = {self.first_accuracy:.1%}",
            ),
            (
                "first offer judged (labelled message) and right",
                f"{self.first_right}/{self.queries - self.first_unjudged} = "
                f"{self.judged_first_accuracy:.1%} ({self.first_unjudged} unjudged)",
            ),
            (
                "precision of labelled offers",
                f"{self.offered_right}/{self.offered_right + self.offered_wrong} = "
                f"{self.precision:.1%} ({self.offered_unjudged} of {self.offered} unjudged)",
            ),
            ("lookup median / p95", f"{self.median_ms:.1f} / {self.p95_ms:.1f} ms"),
        ]


def measure(board: Board, case_ids: dict[str, int], user, lookup) -> Figures:
    """Ask `lookup(user, case)` (the detector's public function) for each labelled message."""
    from lianxin.casework.models import Case

    message = {pk: m for m, pk in case_ids.items()}
    cases = Case.objects.in_bulk([case_ids[m] for m in board.labelled if m in case_ids])
    figures = Figures()
    for m in sorted(board.labelled):
        if m not in case_ids:
            continue
        case = cases[case_ids[m]]
        started = time.perf_counter()
        found = lookup(user, case)
        figures.times_ms.append((time.perf_counter() - started) * 1000)
        offered = [message.get(f.case.pk) for f in found]
        figures.queries += 1
        mine = board.cluster[m]
        for i, other in enumerate(offered):
            figures.offered += 1
            if other in board.cluster:
                right = board.cluster[other] == mine and (m, other) not in board.wrong
                figures.offered_right += right
                figures.offered_wrong += not right
                figures.first_right += i == 0 and right
            else:
                figures.offered_unjudged += 1
                if i == 0:
                    figures.first_unjudged += 1
                    figures.unjudged_firsts.append((m, other or ""))
    return figures
