"""gunicorn's settings for Lianxin (read from the working directory; `make run` and the browser
tests start gunicorn from the repository root). Options given on the command line win."""

import sys
from pathlib import Path

# `gunicorn` run as a script does not have the repository on its path when it reads this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))


def on_starting(server):
    """Once, in the master, before any worker: under production settings refuse to start
    while an active account still has the demo password (lianxin.accounts.production) or
    without the keys of the personal data (lianxin.core.crypto); take group and world access
    off the database file and the data folders (lianxin.core.permissions)."""
    import os

    import django

    from lianxin.core.permissions import private_umask

    private_umask()  # inherited by every worker: new files 0600, folders 0700
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianxin.settings")

    django.setup()
    from django.core.exceptions import ImproperlyConfigured

    from lianxin.accounts.production import refuse_known_passwords
    from lianxin.core.crypto import check_keys
    from lianxin.core.permissions import tighten

    tighten(recursive=False)
    try:
        check_keys()  # production settings without the personal-data keys: no start
        refuse_known_passwords()
    except ImproperlyConfigured as exc:
        server.log.error(str(exc))
        raise SystemExit(1) from None


# Stopping: SIGTERM (systemd, deploy/cluster.sh, Ctrl-C under `make run`) lets each worker finish
# the requests in hand for up to this many seconds before it is killed; a load balancer has
# stopped sending new ones once /readyz fails or the port closes.
graceful_timeout = 30


def post_fork(server, worker):
    """In each worker: end with the master. The kernel sends the worker SIGTERM (a graceful
    stop: the request in hand is finished) the moment its master dies, even by SIGKILL, so no
    orphaned worker goes on serving (gunicorn's own check of its parent runs only every
    timeout/2 seconds)."""
    import ctypes
    import os
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: gunicorn's own parent check remains
        return
    if os.getppid() != server.pid:  # the master died before the line above
        os.kill(os.getpid(), signal.SIGTERM)


def child_exit(server, worker):
    """prometheus-client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR, core.prometheus): a dead
    worker's live gauges are dropped (its counters stay in the sums)."""
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def _masking_logger():
    """gunicorn's logger, with every line of its access and error logs through
    lianxin.core.logmask (no full phone number, no tracking code)."""
    import os

    from gunicorn.glogging import Logger

    from lianxin.core.logmask import JsonFormatter, MaskFilter

    class MaskingLogger(Logger):
        def setup(self, cfg):
            super().setup(cfg)
            json_lines = os.environ.get("LIANXIN_LOG_FORMAT", "").strip() == "json"
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.addFilter(MaskFilter())
                    if json_lines:  # LIANXIN_LOG_FORMAT=json, as Django's log (core.logmask)
                        handler.setFormatter(JsonFormatter())

    return MaskingLogger


logger_class = _masking_logger()
