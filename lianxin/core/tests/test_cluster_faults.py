"""The cluster under a fault (docs/deploy.md, "Failover"): on the one-machine cluster of
deploy/cluster.sh, when it is up. The Patroni primary is killed during a short load; every
acknowledged submission is stored once (synchronous replication), the app servers read
through the replica, and the killed node is started again afterwards. Skipped, saying why,
when `deploy/cluster.sh status` does not report the whole cluster running (start it with
`deploy/cluster.sh up`, or run `deploy/faults.sh`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from lianxin.testing.browser import ROOT

CLUSTER = ROOT / "deploy" / "cluster.sh"


def _run(*args: str, timeout: float = 300, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        list(args),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def cluster_env():
    status = _run(str(CLUSTER), "status", timeout=60)
    if status.returncode != 0:
        pytest.skip("集群未运行（deploy/cluster.sh status 报告未完全运行），跳过故障测试")
    env = dict(os.environ)
    for line in _run(str(CLUSTER), "env").stdout.splitlines():
        name, _, value = line.partition("=")
        env[name] = value
    return env


def _replica_transactions(env) -> int:
    """Transactions committed so far in the application's database on the nodes that are
    replicas (pg_stat_database, read from the `postgres` database so as not to count itself)."""
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(env["LIANXIN_DATABASE_REPLICA_URL"])
    total = 0
    for port in (5441, 5442, 5443):
        try:
            with psycopg.connect(
                host="127.0.0.1",
                port=port,
                user=db["USER"],
                password=db["PASSWORD"],
                dbname="postgres",
                connect_timeout=3,
            ) as conn:
                standby, commits = conn.execute(
                    "SELECT pg_is_in_recovery(), xact_commit FROM pg_stat_database"
                    " WHERE datname = %s",
                    [db["NAME"]],
                ).fetchone()
        except psycopg.OperationalError:
            continue
        if standby:
            total += commits
    return total


def test_the_app_servers_answer_and_read_through_the_replica(cluster_env):
    before = _replica_transactions(cluster_env)
    for port in (8101, 8102):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=10) as r:
            assert r.status == 200
        # /public/ reads the replica (core.dbrouter): it answers from there.
        for _ in range(3):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/public/", timeout=30) as r:
                assert r.status == 200
    # The replicas' statistics count the reads (they are flushed about once a second).
    deadline = time.monotonic() + 15
    while _replica_transactions(cluster_env) < before + 6:
        assert time.monotonic() < deadline, "the public pages did not read the replicas"
        time.sleep(0.5)


def test_a_primary_killed_under_load_loses_no_acknowledged_submission(cluster_env):
    env = {**cluster_env, "LIANXIN_PYTHON": sys.executable}
    try:
        out = _run(
            sys.executable,
            str(ROOT / "deploy" / "faults.py"),
            "--seconds",
            "15",
            "--kill-after",
            "4",
            "--clients",
            "3",
            timeout=400,
            env=env,
        )
        line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
        found = re.fullmatch(
            r"acknowledged (\d+), stored (\d+), missing (\d+), duplicated (\d+)", line
        )
        assert found, out.stdout[-2000:] + out.stderr[-2000:]
        acknowledged, stored, missing, duplicated = map(int, found.groups())
        assert acknowledged > 0
        assert (stored, missing, duplicated) == (acknowledged, 0, 0)
        assert out.returncode == 0
    finally:
        # The killed node starts again and rejoins as a replica.
        up = _run(str(CLUSTER), "up", timeout=400, env=env)
        assert up.returncode == 0, up.stdout[-2000:] + up.stderr[-2000:]
