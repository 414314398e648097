"""Django admin of accounts and roles (system administrators only).

Granting and revoking roles here is written to the security trail like any other grant.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianxin.core.audit import record
from lianxin.core.errors import ValidationFailed
from lianxin.core.models import AuditLog

from . import access
from .actions import check_duties, password_set_by_staff, revoke_tokens
from .lockout import unlock
from .models import ApiToken, RoleAssignment, User
from .otp import do_reset_second_factor

SCOPE_FIELDS = ["congress", "cppcc", "unit", "station", "region"]

# Who may do what is decided by roles (RoleAssignment, lianxin.accounts.access), never by
# Django's groups and permissions: their pages would only mislead.
admin.site.unregister(Group)
# A TOTP device's secret is never shown or edited here: the administrator only resets a person's
# devices (the accounts' action 重置动态验证码); the person enrols again.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


def _record_grant(request, assignment: RoleAssignment, kind: str) -> None:
    record(
        kind,
        request=request,
        target=assignment.user.username,
        role=assignment.role,
        scope=str(assignment.scope or ""),
        **({"can_sign": True} if assignment.can_sign else {}),
    )
    access.forget_grants(assignment.user)


class RoleFormSet(forms.BaseInlineFormSet):
    """An administrator's account holds no business role (separation of duties)."""

    def clean(self):
        super().clean()
        removed = {
            f.instance.pk for f in self.forms if f.instance.pk and self._should_delete_form(f)
        }
        held = set()
        if self.instance.pk:  # the rows kept (shown read-only: roles are never edited in place)
            held = set(self.instance.roles.exclude(pk__in=removed).values_list("role", flat=True))
        added = {
            f.cleaned_data.get("role")
            for f in self.forms
            if not f.instance.pk and f.cleaned_data and not self._should_delete_form(f)
        }
        superuser = bool(getattr(self.instance, "is_superuser", False))
        if access.duties_conflict((held | added) - {None}, is_superuser=superuser):
            raise forms.ValidationError(
                gettext("系统管理员账号不能同时持有业务角色，请为业务工作另设账号。")
            )


class RoleInline(admin.TabularInline):
    """Roles are granted or revoked, never edited in place: a change is a revoke and a grant."""

    model = RoleAssignment
    formset = RoleFormSet
    fields = ["role", *SCOPE_FIELDS, "can_sign", "granted_at"]
    readonly_fields = ["granted_at"]
    autocomplete_fields = SCOPE_FIELDS
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False


class StaffSetPasswordForm(AdminPasswordChangeForm):
    """A password the administrator sets must be changed by the user at the next sign-in, and
    every token issued before ends."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            password_set_by_staff(user)
        return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "roles_summary", "is_active", "last_login"]
    list_filter = ["is_active", "is_superuser", "roles__role"]
    search_fields = ["username", "display_name", "person__name"]
    autocomplete_fields = ["person"]
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("display_name", "person", "email")}),
        (_("状态"), {"fields": ("is_active", "must_change_password", "is_staff", "is_superuser")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    change_password_form = StaffSetPasswordForm
    actions = ["unlock_sign_in", "reset_second_factor"]

    @admin.action(description=_("重置动态验证码"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            do_reset_second_factor(user, acting_user=request.user, request=request)
        self.message_user(
            request,
            gettext("已重置 %(count)d 个账号的动态验证码，其下次登录时须重新设置。")
            % {"count": queryset.count()},
            messages.SUCCESS,
        )

    @admin.action(description=_("解除登录锁定"))
    def unlock_sign_in(self, request, queryset):
        for user in queryset:
            unlock(user.username, acting_user=request.user, request=request)
        self.message_user(
            request,
            gettext("已解除 %(count)d 个账号的登录锁定。") % {"count": queryset.count()},
            messages.SUCCESS,
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description=_("角色"))
    def roles_summary(self, obj):
        return "、".join(str(ra.get_role_display()) for ra in obj.roles.all())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # the administrator chose the first password
        super().save_model(request, obj, form, change)
        if not change:
            record(AuditLog.Kind.USER_CREATED, request=request, target=obj.username)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for gone in formset.deleted_objects:
            _record_grant(request, gone, AuditLog.Kind.ROLE_REVOKED)
            gone.delete()
        for assignment in instances:
            if isinstance(assignment, RoleAssignment) and assignment.pk is None:
                assignment.save()
                _record_grant(request, assignment, AuditLog.Kind.ROLE_GRANTED)
            else:
                assignment.save()
        formset.save_m2m()


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "congress", "cppcc", "unit", "station", "region", "can_sign"]

    def clean(self):
        data = super().clean()
        user, role = data.get("user"), data.get("role")
        if user is not None and role:
            try:
                check_duties(user, role)
            except ValidationFailed as exc:
                raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    form = RoleAssignmentForm
    list_display = ["user", "role", "scope_display", "granted_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name"]
    autocomplete_fields = ["user", *SCOPE_FIELDS]
    list_select_related = ["user", *SCOPE_FIELDS]

    @admin.display(description=_("范围"))
    def scope_display(self, obj):
        return str(obj.scope) if obj.scope is not None else "—"

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _record_grant(request, obj, AuditLog.Kind.ROLE_GRANTED)

    def delete_model(self, request, obj):
        _record_grant(request, obj, AuditLog.Kind.ROLE_REVOKED)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            _record_grant(request, obj, AuditLog.Kind.ROLE_REVOKED)
        super().delete_queryset(request, queryset)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be seen and revoked (deleted); their secret is never stored or shown."""

    list_display = ["user", "created_at", "expires_at", "last_used_at", "device"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    fields = ["user", "created_at", "expires_at", "last_used_at", "device"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        revoke_tokens(obj.user, reason="admin", token_id=obj.pk, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for token in queryset.select_related("user"):
            revoke_tokens(token.user, reason="admin", token_id=token.pk, acting_user=request.user)
