#!/usr/bin/env python3
import os
import sys

if __name__ == "__main__":
    from lianxin.core.permissions import private_umask

    private_umask()  # the database, uploads and backups are the server's account's only
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianxin.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
