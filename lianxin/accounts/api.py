"""Endpoints for tokens and accounts."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from lianxin.api.auth import bearer_unchanged, issue_token
from lianxin.api.errors import Error
from lianxin.core.audit import record
from lianxin.core.errors import Conflict, Forbidden, LianxinError, NotFound, ValidationFailed
from lianxin.core.models import AuditLog
from lianxin.core.paging import bounds

from . import access, otp
from .actions import change_own_password, do_create_account, revoke_tokens
from .models import ApiToken, Role, User

router = Router(tags=["accounts"])


USERNAME_MAX = 150
PASSWORD_MAX = 4096


class TokenIn(Schema):
    username: str
    password: str
    # The current code of the account's authenticator app, when it has a second factor.
    totp: str = ""


class TokenOut(Schema):
    token: str
    expires_in_days: int


class LockedOut(LianxinError):
    status = 429
    code = "locked_out"


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: Error, 403: Error, 429: Error})
def create_token(request, payload: TokenIn):
    """Exchange a username and password for a bearer token (public). An account with a second
    factor also gives the current code of its authenticator app as `totp` (401 `otp_code_required`
    without it, `invalid_otp_code` when wrong, counted by the lock-out); one that must have a
    second factor and has none is refused 403 `otp_required` until it enrols on the web page."""
    from django.conf import settings

    # No account has a longer name (the user model's limit), and a name past it would not fit
    # the lock-out's record: refused like a wrong password, without a hash computed.
    if len(payload.username) > USERNAME_MAX or len(payload.password) > PASSWORD_MAX:
        return Status(401, {"code": "invalid_credentials", "message": _("账号或密码不正确。")})
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        raise LockedOut(_("登录失败次数过多，账号已暂时锁定，请 15 分钟后再试。"))
    if user is None or not user.is_active:
        return Status(401, {"code": "invalid_credentials", "message": _("账号或密码不正确。")})
    if otp.confirmed_device(user) is not None:
        if not payload.totp.strip():
            return Status(
                401,
                {
                    "code": "otp_code_required",
                    "message": _(
                        "该账号已启用动态验证码，请同时提交验证器应用中的验证码（totp）。"
                    ),
                },
            )
        if otp.check_code(user, payload.totp, request=request) is None:
            if getattr(request, "axes_locked_out", False):
                raise LockedOut(_("登录失败次数过多，账号已暂时锁定，请 15 分钟后再试。"))
            return Status(
                401, {"code": "invalid_otp_code", "message": _("动态验证码不正确或已使用。")}
            )
    elif otp.required(user):
        raise otp.otp_required_error()
    # A sign-in like the page's: the failures counted from this address start again, the
    # last sign-in time and the trail are written.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    raw = issue_token(user, request)
    record(AuditLog.Kind.TOKEN_ISSUED, request=request, user=user)
    return Status(200, {"token": raw, "expires_in_days": settings.LIANXIN_API_TOKEN_DAYS})


class TokenRow(Schema):
    id: int
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    device: str
    current: bool


def _current_token_id(request) -> int | None:
    token = getattr(request.auth, "api_token", None)
    return token.pk if token is not None else None


@router.get("/auth/tokens", response=list[TokenRow])
def list_tokens(request):
    """The caller's own API tokens (never their secret); `current` is the one of this request."""
    current = _current_token_id(request)
    rows = ApiToken.objects.filter(user=request.auth).order_by("-created_at")
    return [
        {
            "id": t.pk,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "last_used_at": t.last_used_at,
            "device": t.device,
            "current": t.pk == current,
        }
        for t in rows
    ]


@router.delete("/auth/tokens/{token_id}", response={204: None})
def revoke_token(request, token_id: int):
    """Revoke one of the caller's own tokens; another's is not found."""
    if not revoke_tokens(
        request.auth, reason="revoked", token_id=token_id, acting_user=request.auth
    ):
        raise NotFound(_("未找到该令牌。"))
    return Status(204, None)


@router.post("/auth/logout", auth=bearer_unchanged, response={204: None})
def logout_token(request):
    """Sign out of the API: the token of this request is revoked."""
    current = _current_token_id(request)
    if current is not None:
        revoke_tokens(request.auth, reason="logout", token_id=current, acting_user=request.auth)
    return Status(204, None)


class PasswordIn(Schema):
    old_password: str
    new_password: str


class Done(Schema):
    code: str
    message: str


@router.post("/me/password", auth=bearer_unchanged, response=Done)
def change_password(request, payload: PasswordIn):
    """Change the caller's own password (also when it was set by staff and must be changed). The
    caller's other tokens are revoked; the one of this request stays valid."""
    change_own_password(
        request.auth,
        old_password=payload.old_password,
        new_password=payload.new_password,
        keep_token=_current_token_id(request),
        request=request,
    )
    return {"code": "password_changed", "message": _("密码已修改。")}


class RoleOut(Schema):
    role: str
    role_label: str
    scope_id: int | None
    scope_name: str | None
    can_sign: bool = False


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    is_active: bool
    deputy_ids: list[int]
    roles: list[RoleOut]


def user_out(user: User) -> dict:
    roles = []
    for ra in user.roles.all():
        scope = ra.scope
        roles.append(
            {
                "role": ra.role,
                "role_label": str(ra.get_role_display()),
                "scope_id": getattr(scope, "pk", None),
                "scope_name": str(scope) if scope is not None else None,
                "can_sign": ra.can_sign,
            }
        )
    # The seats this login holds: every seat of the person, or those of its deputy role's
    # congresses (an office's login for its own seat only).
    limits = {ra.congress_id for ra in user.roles.all() if ra.role == Role.DEPUTY}
    seats = user.person.deputy_seats.all() if user.person_id and limits else []
    deputy_ids = [s.pk for s in seats if None in limits or s.congress_id in limits]
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "is_active": user.is_active,
        "deputy_ids": deputy_ids,
        "roles": roles,
    }


@router.get("/me", response=UserOut)
def me(request):
    """The caller's account and roles."""
    return user_out(request.auth)


class UserIn(Schema):
    username: str
    password: str
    display_name: str = ""
    deputy: int | None = None
    role: str | None = None
    scope: int | str | None = None
    # A unit officer who signs the unit's replies off (签发人).
    can_sign: bool = False


class UserList(Schema):
    items: list[UserOut]
    count: int


@router.get("/users", response=UserList)
def list_users(request, q: str = "", limit: int = 50, offset: int = 0):
    """Accounts within the caller's scope (administrator, or deputy-affairs staff)."""
    if not access.can(request.auth, "user.list"):
        raise Forbidden(_("您没有权限查看账号。"))
    limit, offset = bounds(limit, offset, most=200)
    qs = access.visible_to(request.auth, User).order_by("username")
    if q.strip():
        qs = qs.filter(username__icontains=q.strip()) | qs.filter(display_name__icontains=q.strip())
    count = qs.count()
    rows = qs.prefetch_related(
        "roles__congress",
        "roles__cppcc",
        "roles__unit",
        "roles__station",
        "roles__region",
        "person__deputy_seats",
    )[offset : offset + limit]
    return {"items": [user_out(u) for u in rows], "count": count}


@router.post("/users", response={201: UserOut})
def create_user(request, payload: UserIn):
    """Open an account: `{"deputy": id}` for a deputy's own login, or `{"role", "scope"}` for staff
    (`"can_sign": true` for a handling unit's officer who signs its replies off)."""
    if payload.deputy is None and not payload.role:
        raise ValidationFailed(_("请指定代表（deputy）或角色（role）。"), field="role")
    if payload.deputy is not None and payload.role not in (None, "", Role.DEPUTY):
        raise ValidationFailed(_("代表账号的角色只能是“人大代表”。"), field="role")
    try:
        user = do_create_account(
            username=payload.username,
            password=payload.password,
            display_name=payload.display_name,
            deputy_id=payload.deputy,
            role=payload.role or Role.DEPUTY,
            scope=payload.scope,
            can_sign=payload.can_sign,
            acting_user=request.auth,
            request=request,
        )
    except (Conflict, Forbidden, NotFound, ValidationFailed, HttpError):
        raise
    return Status(201, user_out(user))
