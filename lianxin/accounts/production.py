"""Production settings keep the demo out: with `DEBUG=0` and `LIANXIN_DEMO=0` the demo is not
loaded (`load_demo` refuses) and the platform does not start while any active account still
signs in with the demo password (`LIANXIN_DEMO_PASSWORD`, known to everyone who read the
README). gunicorn runs `refuse_known_passwords` once when it starts (gunicorn.conf.py), and
`manage.py check --deploy` reports the same as error lianxin.E001."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError


def is_production() -> bool:
    return not settings.DEBUG and not getattr(settings, "LIANXIN_DEMO", False)


def accounts_with_demo_password() -> list[str]:
    """The usernames of the active accounts whose password is the demo password."""
    return scan_for_demo_password()[0]


def scan_for_demo_password() -> tuple[list[str], int]:
    """(the usernames of active accounts with the demo password, how many passwords were
    hashed to find out). A check costs one password hash (a second at current iterations), so
    what was found not to be the demo password is remembered in VAR_DIR by a digest of the
    stored hash and of the demo password: the next start hashes only the passwords set or
    changed since (a changed password has a new stored hash), not every account again."""
    import hashlib

    from .models import User

    known = settings.LIANXIN_DEMO_PASSWORD
    if not known:
        return [], 0
    salt = hashlib.sha256(("lianxin-demo-check|" + known).encode()).hexdigest()
    memo = settings.VAR_DIR / "demo-password-checked"
    try:
        checked = set(memo.read_text().split())
    except OSError:
        checked = set()
    found, hashed, keep = [], 0, set()
    users = User.objects.filter(is_active=True).exclude(password__startswith="!")
    for user in users.order_by("username").only("username", "password"):
        key = hashlib.sha256(f"{salt}|{user.password}".encode()).hexdigest()
        if key in checked:
            keep.add(key)
            continue
        hashed += 1
        if user.check_password(known):
            found.append(user.username)
        else:
            keep.add(key)
    if keep != checked:
        try:
            memo.write_text("\n".join(sorted(keep)) + "\n")
        except OSError:
            pass  # a read-only var directory: check them all again next time
    return found, hashed


def _refusal(names: list[str]) -> str:
    shown = "、".join(names[:10]) + ("…" if len(names) > 10 else "")
    return (
        f"生产环境（DEBUG=0、LIANXIN_DEMO=0）下有 {len(names)} 个账号仍使用演示密码：{shown}。"
        "请先修改这些账号的密码或停用账号。"
        f" ({len(names)} active account(s) still use the demo password under production settings)"
    )


def refuse_known_passwords() -> None:
    """Under production settings, ImproperlyConfigured when an active account has the demo
    password. A database not yet migrated has no accounts to refuse."""
    if not is_production():
        return
    try:
        names = accounts_with_demo_password()
    except DatabaseError:
        return
    if names:
        raise ImproperlyConfigured(_refusal(names))


@checks.register(checks.Tags.security, deploy=True)
def demo_password_check(app_configs=None, **kwargs):
    try:
        refuse_known_passwords()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="lianxin.E001")]
    return []
