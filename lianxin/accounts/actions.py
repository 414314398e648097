"""The only writers of accounts and roles."""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lianxin.core import trail
from lianxin.core.audit import record
from lianxin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from lianxin.core.models import AuditLog

from . import access
from .models import SCOPE_FIELD, ApiToken, Role, RoleAssignment, User, scope_model, seat_model

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")


def resolve_scope(role: str, scope):
    """The object a role is held over, from an id (or a region code for leaders)."""
    field = SCOPE_FIELD.get(role)
    if field is None:
        return None
    if scope in (None, ""):
        raise ValidationFailed(_("该角色需要指定范围（scope）。"), field="scope")
    model = scope_model(field)  # org's Congress, Cppcc, HandlingUnit, Region; liaison's Station
    try:
        if field == "region":
            return (
                model.objects.get(code=str(scope))
                if not isinstance(scope, int)
                else model.objects.get(pk=scope)
            )
        return model.objects.get(pk=int(scope))
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise ValidationFailed(
            _("范围（scope）%(scope)s 不存在。") % {"scope": scope}, field="scope"
        ) from exc


def do_create_account(
    *,
    username: str,
    password: str,
    role: str,
    acting_user,
    display_name: str = "",
    deputy_id: int | None = None,
    scope=None,
    can_sign: bool = False,
    request=None,
) -> User:
    Deputy = seat_model("deputy_seats")  # noqa: N806 - a model class

    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise ValidationFailed(_("账号须为 3 至 150 位字母、数字或 _.@+- 符号。"), field="username")
    if role not in Role.values:
        raise ValidationFailed(_("角色 %(role)s 不存在。") % {"role": role}, field="role")
    _check_can_sign(role, can_sign)

    person = None
    seat_congress = None  # a deputy's login opened by an office holds that office's seats only
    if deputy_id is not None:
        role = Role.DEPUTY
        deputy = (
            access.visible_to(acting_user, Deputy)
            .select_related("person", "congress")
            .filter(pk=deputy_id)
            .first()
        )
        if deputy is None:
            raise NotFound(_("未找到该代表。"))
        scope_obj = deputy
        person = deputy.person
        if not access.grants(acting_user).is_admin:
            seat_congress = deputy.congress
    elif role in (Role.DEPUTY, Role.MEMBER):
        raise ValidationFailed(_("代表、委员账号须指定对应的代表（deputy）。"), field="deputy")
    else:
        scope_obj = resolve_scope(role, scope)

    if not access.can(acting_user, "user.create", (role, scope_obj)):
        raise Forbidden(_("您只能为本级人大及其代表、联络站和承办单位开设账号。"))

    probe = User(username=username, display_name=display_name)
    try:
        validate_password(password, user=probe)
    except ValidationError as exc:
        raise ValidationFailed(
            _("密码强度不够：") + "".join(exc.messages), field="password"
        ) from exc

    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise Conflict(
                _("账号 %(username)s 已存在。") % {"username": username}, code="username_taken"
            )
        if person is not None and User.objects.filter(person=person).exists():
            raise Conflict(_("该代表已有账号。"), code="person_has_account")
        try:
            user = User.objects.create_user(
                username=username,
                password=password,
                display_name=display_name or (person.name if person else ""),
                person=person,
                must_change_password=True,
            )
        except IntegrityError as exc:
            raise Conflict(
                _("账号 %(username)s 已存在。") % {"username": username}, code="username_taken"
            ) from exc
        assignment = RoleAssignment(user=user, role=role, can_sign=bool(can_sign))
        field = SCOPE_FIELD.get(role)
        if field:
            setattr(assignment, field, scope_obj)
        if seat_congress is not None:
            assignment.congress = seat_congress
        assignment.save()
        record(
            AuditLog.Kind.USER_CREATED,
            request=request,
            user=acting_user,
            target=username,
            role=role,
        )
        record(
            AuditLog.Kind.ROLE_GRANTED,
            request=request,
            user=acting_user,
            target=username,
            role=role,
            scope=str(scope_obj) if scope_obj is not None else "",
            **_signing(can_sign),
        )
        trail.record(
            "accounts.create_account",
            actor=acting_user,
            obj=user,
            object_label=username,
            context=_scope_context(scope_obj),
            change={"role": role, "scope": _scope_ref(role, scope_obj), **_signing(can_sign)},
        )
    return user


def check_duties(user: User, role: str) -> None:
    """Granting `role` to `user` must not give one account both administration and business
    (accounts.access.duties_conflict)."""
    held = set(user.roles.values_list("role", flat=True)) if user.pk else set()
    if access.duties_conflict(held | {role}, is_superuser=user.is_superuser):
        raise ValidationFailed(
            _("系统管理员账号不能同时持有业务角色，请为业务工作另设账号。"), field="role"
        )


def _check_can_sign(role: str, can_sign: bool) -> None:
    """Only a handling unit's officer signs its replies off (签发人)."""
    if can_sign and role != Role.UNIT_OFFICER:
        raise ValidationFailed(_("只有承办单位经办人可以设为签发人。"), field="can_sign")


def _signing(can_sign: bool) -> dict:
    """What the audit and the trail say of the signing role (only when it is held)."""
    return {"can_sign": True} if can_sign else {}


def _scope_ref(role: str, scope) -> str:
    field = SCOPE_FIELD.get(role)
    if scope is None:
        return ""
    if field == "region":
        return f"region:{scope.code}"
    return f"{field or scope._meta.model_name}:{scope.pk}"


def _scope_context(scope) -> dict:
    """What the scope of a role says about the seat its granter acts in."""
    name = getattr(getattr(scope, "_meta", None), "model_name", "")
    if name == "congress":
        return {"congress_id": scope.pk}
    if name == "cppcc":
        return {"cppcc_id": scope.pk}
    if name == "station":
        return {"station_id": scope.pk, "congress_id": scope.congress_id}
    if name == "deputy":
        return {"congress_id": scope.congress_id}
    if name == "handlingunit":
        return {"region_code": getattr(scope.region, "code", "") if scope.region_id else ""}
    if name == "region":
        return {"region_code": scope.code}
    return {}


@transaction.atomic
def grant_role(
    user: User, role: str, scope=None, *, can_sign: bool = False, acting_user=None
) -> RoleAssignment:
    """Used by the demo loader and administrators' tools; records the grant in the security
    audit and the trail. `acting_user` None is trusted code (the demo loader, a command).
    `can_sign`: a unit officer who signs the unit's replies off (签发人)."""
    _check_can_sign(role, can_sign)
    check_duties(user, role)
    assignment = RoleAssignment(user=user, role=role, can_sign=bool(can_sign))
    field = SCOPE_FIELD.get(role)
    if field:
        setattr(assignment, field, scope)
    assignment.save()
    record(
        AuditLog.Kind.ROLE_GRANTED,
        user=acting_user,
        target=user.username,
        role=role,
        scope=str(scope or ""),
        **_signing(can_sign),
    )
    trail.record(
        "accounts.grant_role",
        actor=acting_user,
        obj=assignment,
        object_label=f"{user.username} {assignment}",
        context=_scope_context(scope),
        change={
            "user": user.pk,
            "role": role,
            "scope": _scope_ref(role, scope),
            **_signing(can_sign),
        },
    )
    access.forget_grants(user)
    return assignment


# --- Passwords and tokens -----------------------------------------------------------------------


def revoke_tokens(
    user: User,
    *,
    reason: str,
    keep: int | None = None,
    session_key: str | None = None,
    token_id: int | None = None,
    acting_user=None,
    request=None,
) -> int:
    """Revoke (delete) the user's API tokens: all of them, all but `keep`, those asked from the
    session `session_key`, or the one `token_id`. Written to the security trail."""
    tokens = ApiToken.objects.filter(user=user)
    if keep is not None:
        tokens = tokens.exclude(pk=keep)
    if session_key is not None:
        if not session_key:
            return 0
        tokens = tokens.filter(session_key=session_key)
    if token_id is not None:
        tokens = tokens.filter(pk=token_id)
    ids = list(tokens.values_list("pk", flat=True))
    if not ids:
        return 0
    ApiToken.objects.filter(pk__in=ids).delete()
    record(
        AuditLog.Kind.TOKEN_REVOKED,
        request=request,
        user=acting_user,
        username="" if acting_user is not None else user.username,
        target=user.username,
        reason=reason,
        tokens=ids,
    )
    return len(ids)


def _check_new_password(user: User, password: str, field: str) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationFailed(_("密码强度不够：") + "".join(exc.messages), field=field) from exc


@transaction.atomic
def change_own_password(
    user: User, *, old_password: str, new_password: str, keep_token: int | None = None, request=None
) -> None:
    """The user chooses a new password: the flag set by staff is cleared and every other API
    token of the user is revoked (`keep_token`: the token the change came with)."""
    if not user.check_password(old_password or ""):
        raise ValidationFailed(_("原密码不正确。"), field="old_password")
    if new_password == old_password:
        raise ValidationFailed(_("新密码不能与原密码相同。"), field="new_password")
    _check_new_password(user, new_password, "new_password")
    user.set_password(new_password)
    password_changed(user, request=request, keep_token=keep_token)


def password_changed(user: User, *, request=None, keep_token: int | None = None) -> None:
    """After the user has set their own password (this API, or the password change page, which
    uses Django's form): clear the flag, revoke the other tokens, write the trail."""
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record(AuditLog.Kind.PASSWORD_CHANGED, request=request, user=user, target=user.username)
    revoke_tokens(
        user, reason="password_changed", keep=keep_token, acting_user=user, request=request
    )


def password_set_by_staff(user: User, *, acting_user=None, request=None) -> None:
    """Staff or the administrator chose the user's password (a reset): the user must change it
    at the next sign-in, and no token issued before stays valid."""
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record(AuditLog.Kind.PASSWORD_SET, request=request, user=acting_user, target=user.username)
    revoke_tokens(user, reason="password_set", acting_user=acting_user, request=request)
