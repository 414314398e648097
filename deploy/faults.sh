#!/usr/bin/env bash
# A failover under load on the one-machine cluster (docs/deploy.md, "Failover"): brings the
# cluster up if it is not, posts opinions with a client ledger while the Patroni primary is
# killed, retries what was not acknowledged with the same Idempotency-Key, and prints
#   acknowledged N, stored N, missing 0, duplicated 0
# Then starts the killed node again (it rejoins as a replica).
#   deploy/faults.sh [--seconds 40] [--kill-after 8] [--clients 6]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${LIANXIN_PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"
cd "$ROOT"
if ! deploy/cluster.sh status > /dev/null 2>&1; then
  echo "集群未完全运行，先启动：deploy/cluster.sh up"
  deploy/cluster.sh up > /dev/null
fi
rc=0
env $(deploy/cluster.sh env | xargs) "$PY" deploy/faults.py "$@" || rc=$?
echo "重新启动被停止的节点……"
deploy/cluster.sh up > /dev/null 2>&1 || echo "重新启动失败，见 deploy/cluster.sh status"
exit $rc
