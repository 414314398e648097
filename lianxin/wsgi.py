import os

from django.core.wsgi import get_wsgi_application

from lianxin.core.permissions import private_umask

private_umask()  # new files 0600, folders 0700 (lianxin/core/permissions.py)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianxin.settings")
application = get_wsgi_application()
