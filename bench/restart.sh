#!/usr/bin/env bash
# How long `make run` takes from start to answering /healthz (docs/benchmarks.md, "Restart").
#   bench/restart.sh [RUNS]   (PORT 8150 unless given; the checkout's own var/ database)
# Each run starts `make run` in its own session, waits for /healthz, then stops it with SIGTERM
# to the session (as Ctrl-C would) and waits until the port is free.
set -u
runs="${1:-3}"
port="${PORT:-8150}"
cd "$(dirname "$0")/.."
for i in $(seq "$runs"); do
  start=$(date +%s.%N)
  setsid make run PORT="$port" > "var/restart-$i.log" 2>&1 &
  pid=$!
  until curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1; do
    kill -0 "$pid" 2> /dev/null || { echo "make run ended: var/restart-$i.log"; exit 1; }
    sleep 0.1
  done
  ready=$(date +%s.%N)
  printf 'run %d: answering after %.1f s\n' "$i" "$(echo "$ready - $start" | bc)"
  kill -TERM -- "-$pid"
  wait "$pid" 2> /dev/null
  while curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1; do sleep 0.1; done
done
