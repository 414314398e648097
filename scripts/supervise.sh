#!/usr/bin/env bash
# Keep one background loop running: start the command again whenever it exits (a crash, an
# error the loop does not wait out), after SUPERVISE_DELAY seconds (2). SIGTERM or SIGINT stop
# the command (which finishes the step in hand) and then this script. Used by `make run`;
# deploy/systemd does the same with Restart=always.
delay="${SUPERVISE_DELAY:-2}"
child=""
stopping=""
stop() {
  stopping=1
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
}
trap stop TERM INT
# The command gets SIGTERM should this script die, even by SIGKILL (util-linux's setpriv): a
# loop never outlives its supervisor.
pdeathsig=()
command -v setpriv > /dev/null && pdeathsig=(setpriv --pdeathsig TERM)
while [ -z "$stopping" ]; do
  "${pdeathsig[@]}" "$@" &
  child=$!
  wait "$child"
  rc=$?
  # A trapped signal interrupts `wait`; wait again for the command to finish its step.
  while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done
  child=""
  [ -n "$stopping" ] && break
  echo "后台任务已退出（退出码 $rc），${delay} 秒后重新启动：$*" >&2
  sleep "$delay" &
  wait $!
done
exit 0
