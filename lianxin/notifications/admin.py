from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import Notification, OutboundMessage


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "verb", "title", "read_at"]
    list_filter = ["verb"]
    search_fields = ["title", "recipient__username"]
    raw_id_fields = ["recipient"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "to", "subject", "status", "attempts"]
    list_filter = ["channel", "status"]
    readonly_fields = ["created_at", "sent_at", "attempts", "error"]
    actions = ["send_again", "mark_sent"]

    @admin.action(description=_("核对网关记录未发出，重新发送所选待核对消息"))
    def send_again(self, request, queryset):
        from .restore import release

        n = release(queryset, send=True)
        self.message_user(request, _("已重新排队发送 %(n)d 条消息。") % {"n": n}, messages.SUCCESS)

    @admin.action(description=_("核对网关记录已发出，将所选待核对消息标为已发送"))
    def mark_sent(self, request, queryset):
        from .restore import release

        n = release(queryset, send=False)
        self.message_user(request, _("已将 %(n)d 条消息标为已发送。") % {"n": n}, messages.SUCCESS)
