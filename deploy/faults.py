"""A failover under load, with a client ledger (deploy/faults.sh; docs/deploy.md, "Failover").

Clients post opinions (POST /api/v1/opinions, each with its own Idempotency-Key) to both app
servers in turn and write every answer in a ledger; meanwhile the Patroni primary is killed
(SIGKILL to its Patroni and its postmaster, as a machine that loses power). The clients go on
through the failover; afterwards every submission not acknowledged is sent again with the same
key and body until it is. Then the database is read back: every acknowledged submission must
be stored, and none twice. Prints one line:

    acknowledged N, stored N, missing 0, duplicated 0

Run with the cluster's environment (deploy/cluster.sh env) from the repository root."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = "故障演练"


def cluster(rest_ports: list[int]) -> dict | None:
    for port in rest_ports:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/cluster", timeout=2) as r:
                return json.load(r)
        except OSError:
            continue
    return None


def leader(rest_ports: list[int]) -> str | None:
    state = cluster(rest_ports) or {"members": []}
    for m in state["members"]:
        if m["role"] == "leader" and m["state"] == "running":
            return m["name"]
    return None


def kill_node(cluster_dir: Path, name: str) -> None:
    """SIGKILL the node's Patroni (its process group) and its postmaster."""
    n = name.removeprefix("pg")
    pidfile = cluster_dir / "pids" / f"patroni{n}.pid"
    postmaster = cluster_dir / f"pg{n}" / "data" / "postmaster.pid"
    pm = int(postmaster.read_text().split()[0]) if postmaster.exists() else None
    pid = int(pidfile.read_text())
    os.killpg(pid, signal.SIGKILL)
    if pm:
        try:
            os.kill(pm, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Ledger:
    def __init__(self):
        self.lock = threading.Lock()
        self.entries: dict[str, dict] = {}  # key → {"body", "acked", "attempts", "id"}

    def new(self, body: dict) -> str:
        key = uuid.uuid4().hex
        body = {**body, "content": f"{MARK} {key}：{body['content']}"}
        with self.lock:
            self.entries[key] = {"body": body, "acked": False, "attempts": 0, "id": None}
        return key

    def answer(self, key: str, ok: bool, case_id: int | None) -> None:
        with self.lock:
            e = self.entries[key]
            e["attempts"] += 1
            if ok:
                e["acked"], e["id"] = True, case_id


def post(base: str, key: str, body: dict, timeout: float) -> tuple[bool, int | None, int]:
    req = urllib.request.Request(
        base + "/api/v1/opinions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data = json.load(r)
            return r.status == 201, data.get("id"), r.status
    except urllib.error.HTTPError as exc:
        return False, None, exc.code
    except OSError:
        return False, None, 0


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--apps", default="8101,8102")
    p.add_argument("--rest", default="8011,8012,8013")
    p.add_argument("--clients", type=int, default=6)
    p.add_argument("--seconds", type=float, default=40)
    p.add_argument("--kill-after", type=float, default=8)
    p.add_argument("--cluster-dir", default=str(ROOT / "var" / "cluster"))
    args = p.parse_args()
    apps = [f"http://127.0.0.1:{x}" for x in args.apps.split(",")]
    rest = [int(x) for x in args.rest.split(",")]

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianxin.settings")
    import django

    django.setup()
    from django.db import connections

    from lianxin.casework.models import Case
    from lianxin.org.models import Deputy

    seat = (
        Deputy.objects.filter(person__user__username="deputy_demo").order_by("pk").first()
        or Deputy.objects.order_by("pk").first()
    )
    template = {"content": "顺城街路灯不亮，夜间出行不便。", "deputy": seat.scan_code}
    connections.close_all()

    ledger = Ledger()
    statuses: dict[int, int] = {}
    stop = threading.Event()

    def client(i: int) -> None:
        n = 0
        while not stop.is_set():
            key = ledger.new(template)
            ok, case_id, status = post(
                apps[(i + n) % len(apps)], key, ledger.entries[key]["body"], 10
            )
            ledger.answer(key, ok, case_id)
            with ledger.lock:
                statuses[status] = statuses.get(status, 0) + 1
            n += 1

    old = leader(rest)
    if old is None:
        print("集群没有主库（先运行 deploy/cluster.sh up）", file=sys.stderr)
        return 2
    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    stop.wait(args.kill_after)
    kill_node(Path(args.cluster_dir), old)
    killed_at = time.monotonic()
    print(f"{killed_at - started:.1f}s: 已强制停止主库 {old}", flush=True)
    new = None
    while time.monotonic() - killed_at < 90:
        new = leader([r for r in rest if f"pg{rest.index(r) + 1}" != old])
        if new and new != old:
            break
        time.sleep(0.2)
    if not new or new == old:
        stop.set()
        print("90 秒内没有完成主备切换", file=sys.stderr)
        return 1
    print(
        f"{time.monotonic() - started:.1f}s: 新主库 {new}（切换用时 {time.monotonic() - killed_at:.1f} 秒）",
        flush=True,
    )
    stop.wait(max(0.0, args.seconds - (time.monotonic() - started)))
    stop.set()
    for t in threads:
        t.join()

    # Every submission not acknowledged: again, with the same key and body, until it is.
    pending = [k for k, e in ledger.entries.items() if not e["acked"]]
    unacked_during_load = len(pending)
    deadline = time.monotonic() + 120
    from concurrent.futures import ThreadPoolExecutor

    def again(item: tuple[int, str]) -> None:
        i, key = item
        ok, case_id, _status = post(apps[i % len(apps)], key, ledger.entries[key]["body"], 10)
        ledger.answer(key, ok, case_id)

    while pending and time.monotonic() < deadline:
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(again, enumerate(pending)))
        pending = [k for k in pending if not ledger.entries[k]["acked"]]
        if pending:
            time.sleep(1)

    acked = {k for k, e in ledger.entries.items() if e["acked"]}
    stored: dict[str, int] = {}
    for content in Case.objects.filter(content__startswith=MARK).values_list("content", flat=True):
        key = content[len(MARK) + 1 :].split("：", 1)[0]
        stored[key] = stored.get(key, 0) + 1
    ours = {k: n for k, n in stored.items() if k in ledger.entries}
    missing = len(acked - set(ours))
    duplicated = sum(1 for n in ours.values() if n > 1)
    print(
        f"请求 {sum(statuses.values())} 次，应答 {dict(sorted(statuses.items()))}；"
        f"负载期间未确认 {unacked_during_load} 条，重试后仍未确认 {len(pending)} 条",
        flush=True,
    )
    print(
        f"acknowledged {len(acked)}, stored {len(ours)}, missing {missing}, duplicated {duplicated}"
    )
    return 0 if not missing and not duplicated and not pending else 1


if __name__ == "__main__":
    sys.exit(main())
