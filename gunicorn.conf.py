"""gunicorn's settings for Lianxin (read from the working directory; `make run` and the browser
tests start gunicorn from the repository root). Options given on the command line win."""

import sys
from pathlib import Path

# `gunicorn` run as a script does not have the repository on its path when it reads this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))


def on_starting(server):
    """Once, in the master, before any worker: under production settings refuse to start
    while an active account still has the demo password (lianxin.accounts.production)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianxin.settings")

    django.setup()
    from django.core.exceptions import ImproperlyConfigured

    from lianxin.accounts.production import refuse_known_passwords

    try:
        refuse_known_passwords()
    except ImproperlyConfigured as exc:
        server.log.error(str(exc))
        raise SystemExit(1) from None


def _masking_logger():
    """gunicorn's logger, with every line of its access and error logs through
    lianxin.core.logmask (no full phone number, no tracking code)."""
    from gunicorn.glogging import Logger

    from lianxin.core.logmask import MaskFilter

    class MaskingLogger(Logger):
        def setup(self, cfg):
            super().setup(cfg)
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.addFilter(MaskFilter())

    return MaskingLogger


logger_class = _masking_logger()
