#!/usr/bin/env bash
# The whole Lianxin cluster on ONE machine, for trying the province setup (docs/deploy.md):
#   etcd (1 member)  →  3 Patroni-managed PostgreSQL 15 nodes (streaming replication,
#   synchronous_mode)  →  HAProxy (primary on 6432, replicas on 6433)  →  Redis (cache, 6380)
#   →  2 gunicorn app servers (8101, 8102)  →  the loops, two of each (run_tasks,
#   complete_intake, scan_deadlines), as on two machines.
# Everything lives under var/cluster/ (data, configs, logs, pid files) on its own ports; the
# system PostgreSQL (5432) and Redis (6379) are not touched.
#
#   deploy/cluster.sh up       install what is missing (apt), start everything, wait for /readyz
#   deploy/cluster.sh status   the Patroni members (primary, replicas) and each service; exit 0
#                              only when everything is up
#   deploy/cluster.sh down     stop everything this script started (data stays)
#   deploy/cluster.sh destroy  down, then remove var/cluster/
#   deploy/cluster.sh env      the environment a manage.py command needs to use the cluster
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CL="${LIANXIN_CLUSTER_DIR:-$ROOT/var/cluster}"
PY="${LIANXIN_PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"
GUNICORN="$(dirname "$PY")/gunicorn"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
SCOPE=lianxin
ETCD_CLIENT=2479
ETCD_PEER=2480
PG_PORTS=(5441 5442 5443)
REST_PORTS=(8011 8012 8013)
HAPROXY_PRIMARY=6432
HAPROXY_REPLICA=6433
HAPROXY_STATS=7001
REDIS_PORT=6380
APP_PORTS=(8101 8102)
LOOPS=("run_tasks --every 2" "complete_intake --every 1" "scan_deadlines --every 60")
SYNCHRONOUS_MODE="${LIANXIN_SYNCHRONOUS_MODE:-true}"

say() { printf '%s\n' "$*"; }
die() { printf '错误：%s\n' "$*" >&2; exit 1; }

secret() { # a password generated once and kept in var/cluster/secrets/
  local f="$CL/secrets/$1"
  if [ ! -s "$f" ]; then
    mkdir -p "$CL/secrets" && chmod 700 "$CL/secrets"
    "$PY" -c 'import secrets; print(secrets.token_urlsafe(24))' > "$f"
    chmod 600 "$f"
  fi
  cat "$f"
}

db_url() { # db_url PORT
  printf 'postgres://lianxin:%s@127.0.0.1:%s/lianxin' "$(secret lianxin)" "$1"
}

app_env() { # the environment of the app servers and loops
  cat <<EOF
DJANGO_SETTINGS_MODULE=lianxin.settings
DATABASE_URL=$(db_url $HAPROXY_PRIMARY)
LIANXIN_DATABASE_REPLICA_URL=$(db_url $HAPROXY_REPLICA)
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
SECRET_KEY=$(secret django)
LIANXIN_DATA_KEYS=k1:$(secret data-key-k1)
LIANXIN_LOOKUP_KEY=$(secret lookup-key)
LIANXIN_DEMO=${LIANXIN_DEMO:-1}
LIANXIN_VAR_DIR=$CL/app
LIANXIN_MEDIA_ROOT=$CL/app/media
LIANXIN_SMS_BACKEND=lianxin.notifications.sms.FileBackend
LIANXIN_LOG_FORMAT=json
LIANXIN_METRICS_TOKEN=$(secret metrics)
PROMETHEUS_MULTIPROC_DIR=$CL/app/metrics
PYTHONUNBUFFERED=1
EOF
}

# --- what the machine needs ------------------------------------------------------------------
ensure_packages() {
  local missing=()
  command -v etcd > /dev/null || missing+=(etcd-server)
  command -v etcdctl > /dev/null || missing+=(etcd-client)
  command -v patroni > /dev/null || missing+=(patroni)
  command -v haproxy > /dev/null || missing+=(haproxy)
  command -v redis-server > /dev/null || missing+=(redis-server)
  command -v envsubst > /dev/null || missing+=(gettext-base)
  command -v curl > /dev/null || missing+=(curl)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
      say "安装缺少的软件包：${missing[*]}"
      DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" > "$CL/apt.log" 2>&1 \
        || die "apt-get install ${missing[*]} 失败，见 $CL/apt.log"
    else
      die "缺少软件包：${missing[*]}（请以 root 运行 apt-get install -y ${missing[*]}）"
    fi
  fi
  [ -x "$PG_BIN/postgres" ] || die "缺少 PostgreSQL 15：$PG_BIN/postgres（apt-get install -y postgresql-15）"
  id postgres > /dev/null 2>&1 || die "缺少系统用户 postgres（随 postgresql-15 软件包创建）"
  [ -x "$GUNICORN" ] || die "缺少 $GUNICORN（先运行 make install）"
}

# --- processes -------------------------------------------------------------------------------
# Each service runs in its own session (setsid) with its pid in var/cluster/pids/NAME.pid;
# `down` signals that process group, nothing else.
pidfile() { printf '%s/pids/%s.pid' "$CL" "$1"; }
running() { local f; f="$(pidfile "$1")"; [ -s "$f" ] && kill -0 "$(cat "$f")" 2> /dev/null; }

start() { # start NAME USER COMMAND...  (USER: root or postgres)
  local name=$1 user=$2; shift 2
  running "$name" && return 0
  mkdir -p "$CL/pids" "$CL/logs"
  if [ "$user" = postgres ]; then
    setsid runuser -u postgres -- "$@" >> "$CL/logs/$name.log" 2>&1 < /dev/null &
  else
    setsid "$@" >> "$CL/logs/$name.log" 2>&1 < /dev/null &
  fi
  echo $! > "$(pidfile "$name")"
}

stop() { # stop NAME [SECONDS]: SIGTERM to its process group, SIGKILL after SECONDS (30)
  local name=$1 wait=${2:-30} pid
  running "$name" || { rm -f "$(pidfile "$name")"; return 0; }
  pid="$(cat "$(pidfile "$name")")"
  kill -TERM -- "-$pid" 2> /dev/null || kill -TERM "$pid" 2> /dev/null || true
  for _ in $(seq $((wait * 5))); do kill -0 "$pid" 2> /dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2> /dev/null && kill -KILL -- "-$pid" 2> /dev/null || true
  rm -f "$(pidfile "$name")"
}

wait_for() { # wait_for SECONDS WHAT COMMAND...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq $((seconds * 2))); do "$@" > /dev/null 2>&1 && return 0; sleep 0.5; done
  die "等待超时（${seconds} 秒）：$what；日志见 $CL/logs/"
}

# --- configuration ---------------------------------------------------------------------------
render() { # render TEMPLATE OUT  (variables from the environment)
  envsubst < "$ROOT/deploy/$1" > "$2"
}

configure() {
  mkdir -p "$CL"/{etcd,redis,haproxy,app/media,app/metrics,logs,pids}
  local servers_p="" servers_r="" i
  for i in 0 1 2; do
    local n=$((i + 1))
    local dir="$CL/pg$n"
    mkdir -p "$dir"
    chown postgres:postgres "$dir"
    chmod 700 "$dir"
    CLUSTER_SCOPE=$SCOPE NODE_NAME="pg$n" \
      REST_LISTEN="127.0.0.1:${REST_PORTS[$i]}" REST_CONNECT="127.0.0.1:${REST_PORTS[$i]}" \
      ETCD_HOSTS="127.0.0.1:$ETCD_CLIENT" SYNCHRONOUS_MODE="$SYNCHRONOUS_MODE" \
      PEER_NETWORK=127.0.0.1/32 \
      PG_LISTEN="127.0.0.1:${PG_PORTS[$i]}" PG_CONNECT="127.0.0.1:${PG_PORTS[$i]}" \
      PG_DATA="$dir/data" PG_BIN="$PG_BIN" PG_PGPASS="$dir/pgpass" PG_SOCKET_DIR="$dir" \
      PG_SUPERUSER_PASSWORD="$(secret postgres)" PG_REPLICATION_PASSWORD="$(secret replication)" \
      render patroni/patroni.yml.tmpl "$dir/patroni.yml"
    chown postgres:postgres "$dir/patroni.yml"
    chmod 600 "$dir/patroni.yml"
    servers_p+="    server pg$n 127.0.0.1:${PG_PORTS[$i]} check port ${REST_PORTS[$i]}"$'\n'
    servers_r+="    server pg$n 127.0.0.1:${PG_PORTS[$i]} check port ${REST_PORTS[$i]}"$'\n'
  done
  HAPROXY_BIND=127.0.0.1 PRIMARY_PORT=$HAPROXY_PRIMARY REPLICA_PORT=$HAPROXY_REPLICA \
    STATS_PORT=$HAPROXY_STATS PRIMARY_SERVERS="$servers_p" REPLICA_SERVERS="$servers_r" \
    render haproxy/haproxy.cfg.tmpl "$CL/haproxy/haproxy.cfg"
  REDIS_PORT=$REDIS_PORT REDIS_BIND=127.0.0.1 REDIS_DIR="$CL/redis" \
    render redis/redis.conf.tmpl "$CL/redis/redis.conf"
  app_env > "$CL/app/env"
  chmod 600 "$CL/app/env"
  # etcd and the Patroni nodes run as postgres; the folders must let it in.
  chown postgres:postgres "$CL/etcd"
}

with_app_env() { env $(grep -v '^#' "$CL/app/env" | xargs) "$@"; }

psql_primary() { # SQL as the superuser through HAProxy's primary port
  PGPASSWORD="$(secret postgres)" "$PG_BIN/psql" -X -q -h 127.0.0.1 -p $HAPROXY_PRIMARY \
    -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}

# --- up / down / status ----------------------------------------------------------------------
up() {
  mkdir -p "$CL"
  ensure_packages
  configure
  start etcd postgres etcd --name lianxin-etcd --data-dir "$CL/etcd/data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
    --initial-cluster "lianxin-etcd=http://127.0.0.1:$ETCD_PEER"
  wait_for 30 etcd curl -fsS "http://127.0.0.1:$ETCD_CLIENT/health"
  say "etcd 已就绪（127.0.0.1:$ETCD_CLIENT）"
  for n in 1 2 3; do start "patroni$n" postgres patroni "$CL/pg$n/patroni.yml"; done
  wait_for 90 "PostgreSQL 主库" curl -fsS "http://127.0.0.1:${REST_PORTS[0]}/cluster"
  start haproxy root haproxy -db -f "$CL/haproxy/haproxy.cfg"
  start redis root redis-server "$CL/redis/redis.conf"
  wait_for 90 "经 HAProxy 连接主库" psql_primary -c "select 1"
  say "PostgreSQL 主库可经 HAProxy 连接（127.0.0.1:$HAPROXY_PRIMARY）"
  if ! psql_primary -tAc "select 1 from pg_roles where rolname='lianxin'" | grep -q 1; then
    psql_primary -c "create role lianxin login password '$(secret lianxin)'"
    psql_primary -c "create database lianxin owner lianxin"
  fi
  (cd "$ROOT" && with_app_env "$PY" manage.py migrate --noinput > "$CL/logs/migrate.log" 2>&1) \
    || die "迁移失败，见 $CL/logs/migrate.log"
  if [ "${LIANXIN_DEMO:-1}" = 1 ]; then
    (cd "$ROOT" && with_app_env "$PY" manage.py load_demo --if-empty > "$CL/logs/demo.log" 2>&1) \
      || die "加载演示数据失败，见 $CL/logs/demo.log"
  fi
  (cd "$ROOT" && with_app_env "$PY" manage.py collectstatic --noinput --verbosity 0) \
    || die "collectstatic 失败"
  rm -rf "$CL/app/metrics" && mkdir -p "$CL/app/metrics"
  for i in 0 1; do
    (cd "$ROOT" && start "app$((i + 1))" root env $(grep -v '^#' "$CL/app/env" | xargs) \
      LIANXIN_BIND="127.0.0.1:${APP_PORTS[$i]}" \
      "$GUNICORN" lianxin.wsgi:application --bind "127.0.0.1:${APP_PORTS[$i]}" --workers 2 \
      --access-logfile -)
  done
  local l
  for m in 1 2; do
    for l in "${LOOPS[@]}"; do
      # shellcheck disable=SC2086 # the loop's command and options
      (cd "$ROOT" && start "${l%% *}$m" root env $(grep -v '^#' "$CL/app/env" | xargs) \
        "$ROOT/scripts/supervise.sh" "$PY" manage.py $l)
    done
  done
  for p in "${APP_PORTS[@]}"; do
    wait_for 120 "127.0.0.1:$p/readyz" curl -fsS "http://127.0.0.1:$p/readyz"
  done
  status
}

down() {
  local l
  for m in 1 2; do for l in "${LOOPS[@]}"; do stop "${l%% *}$m"; done; done
  stop app1; stop app2
  stop redis 10; stop haproxy 10
  for n in 3 2 1; do stop "patroni$n" 60; done
  stop etcd 10
  say "集群已停止（数据保留在 $CL）"
}

status() {
  local ok=0
  say "== Patroni（$SCOPE）"
  if running etcd && curl -fsS "http://127.0.0.1:${REST_PORTS[0]}/cluster" > "$CL/cluster.json" 2> /dev/null \
    || curl -fsS "http://127.0.0.1:${REST_PORTS[1]}/cluster" > "$CL/cluster.json" 2> /dev/null \
    || curl -fsS "http://127.0.0.1:${REST_PORTS[2]}/cluster" > "$CL/cluster.json" 2> /dev/null; then
    "$PY" - "$CL/cluster.json" << 'EOF' || ok=1
import json, sys
members = json.load(open(sys.argv[1]))["members"]
roles = {"leader": "primary", "sync_standby": "replica (sync)", "replica": "replica"}
leaders = 0
for m in members:
    role = roles.get(m["role"], m["role"])
    leaders += m["role"] == "leader"
    lag = m.get("lag", "")
    print(f"  {m['name']}: {role:15} {m['state']:10} {m['host']}:{m['port']}"
          + (f"  lag {lag}" if m["role"] != "leader" else ""))
sys.exit(0 if leaders == 1 and len(members) >= 2 else 1)
EOF
  else
    say "  不可用"
    ok=1
  fi
  say "== 服务"
  local name
  for name in etcd patroni1 patroni2 patroni3 haproxy redis app1 app2; do
    if running "$name"; then say "  $name: 运行中 (pid $(cat "$(pidfile "$name")"))"; else say "  $name: 未运行"; ok=1; fi
  done
  for m in 1 2; do for l in "${LOOPS[@]}"; do
    name="${l%% *}$m"
    if running "$name"; then say "  $name: 运行中"; else say "  $name: 未运行"; ok=1; fi
  done; done
  say "== 应用服务器 /readyz"
  for p in "${APP_PORTS[@]}"; do
    local code
    code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/readyz" || true)"
    say "  127.0.0.1:$p/readyz → $code"
    [ "$code" = 200 ] || ok=1
  done
  if [ $ok = 0 ]; then say "集群运行正常"; else say "集群未完全运行"; fi
  return $ok
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  destroy) down; rm -rf "$CL"; say "已删除 $CL" ;;
  env) [ -s "$CL/app/env" ] || die "集群尚未配置（先运行 deploy/cluster.sh up）"; cat "$CL/app/env" ;;
  *) say "用法：deploy/cluster.sh up|down|status|destroy|env"; exit 2 ;;
esac
