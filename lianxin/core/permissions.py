"""The database, uploads and backups are readable by the server's account only.

Every entry point (`manage.py`, `lianxin/wsgi.py`, gunicorn's master in `gunicorn.conf.py`)
sets the umask 077 before anything is written, so a new file is 0600 and a new folder 0700
(SQLite gives its -wal and -shm files the mode of the database file); uploads are saved 0600
in 0700 folders (`FILE_UPLOAD_PERMISSIONS`, `FILE_UPLOAD_DIRECTORY_PERMISSIONS`). `tighten()`
(run by `manage.py prepare_start`, and by gunicorn when it starts for the database file and the
top folders) takes group and world access away from what an older version or a copy left
readable. Imports nothing of Django at module level: manage.py calls it first."""

from __future__ import annotations

import os
import stat
from pathlib import Path

UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700


def private_umask() -> None:
    os.umask(UMASK)


def _private(path: Path) -> bool:
    """Group and world access off `path` (a file or folder; a link is left alone). True when
    its mode changed."""
    try:
        st = path.lstat()
    except OSError:
        return False
    if stat.S_ISLNK(st.st_mode):
        return False
    mode = stat.S_IMODE(st.st_mode)
    want = (DIR_MODE if stat.S_ISDIR(st.st_mode) else FILE_MODE) | (mode & 0o700)
    want &= ~0o077
    if mode == want:
        return False
    try:
        path.chmod(want)
    except OSError:
        return False
    return True


def private_tree(root: Path, *, recursive: bool = True) -> int:
    """`root` and (when `recursive`) everything under it made private; returns how many modes
    changed."""
    root = Path(root)
    changed = int(_private(root))
    if recursive and root.is_dir() and not root.is_symlink():
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                changed += _private(Path(folder) / name)
    return changed


def sensitive_paths() -> list[tuple[Path, bool]]:
    """(path, walk it) of what holds personal data: the SQLite database and its -wal, -shm and
    -journal files, the var folder, the uploads, the backups."""
    from django.conf import settings
    from django.db import connections

    paths: list[tuple[Path, bool]] = [(Path(settings.VAR_DIR), False)]
    db = connections["default"].settings_dict
    if db["ENGINE"].endswith("sqlite3") and str(db["NAME"]) not in ("", ":memory:"):
        name = Path(db["NAME"])
        paths.append((name.parent, False))
        paths += [(Path(f"{name}{suffix}"), False) for suffix in ("", "-wal", "-shm", "-journal")]
    paths.append((Path(settings.MEDIA_ROOT), True))
    paths.append((Path(settings.VAR_DIR) / "backups", True))
    paths.append((Path(settings.VAR_DIR) / "secret_key", False))
    return paths


def tighten(*, recursive: bool = True) -> int:
    """Make every sensitive path private (`recursive`: the uploads and backups folders' contents
    too); returns how many modes changed."""
    return sum(private_tree(p, recursive=walk and recursive) for p, walk in sensitive_paths())
