from django.contrib import admin

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
