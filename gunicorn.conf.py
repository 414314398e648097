"""gunicorn's settings for Lianxin (read from the working directory; `make run` and the browser
tests start gunicorn from the repository root). Options given on the command line win."""


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
