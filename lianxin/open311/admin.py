"""The administrator issues and revokes the keys of posting clients here. A key is shown once,
when issued; only its hash is kept."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .actions import issue_key, revoke_key
from .models import Open311Client, Open311Request


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "key_prefix", "contact", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = [
        "key_prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    fields = ["name", "contact", *readonly_fields]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "key_prefix"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name", "contact"])
            return
        issued, key = issue_key(
            name=obj.name, contact=obj.contact, acting_user=request.user, request=request
        )
        obj.pk = issued.pk
        obj.key_prefix, obj.key_hash, obj.created_at = (
            issued.key_prefix,
            issued.key_hash,
            issued.created_at,
        )
        self.message_user(
            request,
            _("已签发密钥，请立即复制交给对方，此后不再显示：%(key)s") % {"key": key},
            messages.WARNING,
        )

    @admin.action(description=_("撤销所选客户端的密钥"))
    def revoke(self, request, queryset):
        n = 0
        for client in queryset.filter(revoked_at__isnull=True):
            revoke_key(client, acting_user=request.user, request=request)
            n += 1
        self.message_user(request, _("已撤销 %(n)d 个密钥。") % {"n": n}, messages.SUCCESS)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    list_display = ["id", "service_code", "client", "address", "lat", "long", "created_at"]
    list_filter = ["client", "service_code"]
    readonly_fields = [f.name for f in Open311Request._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
