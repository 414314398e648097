"""The admin of the hotline's sources (their column and state mappings are edited here) and,
read only, of the imports."""

from __future__ import annotations

from django.contrib import admin

from .models import Delivery, ImportJob, PullRun, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "congress", "default_region", "created_at")
    search_fields = ("name",)
    autocomplete_fields = ()
    raw_id_fields = ("congress", "default_region")
    # The pull's auth header and the webhook's secret are set on the source's page, which
    # never shows them back in full.
    exclude = ("pull_auth_header", "webhook_secret")


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("file_name", "source", "status", "total", "created_count", "created_at")
    list_filter = ("status",)
    exclude = ("content",)
    readonly_fields = [f.name for f in ImportJob._meta.fields if f.name not in ("content",)]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PullRun)
class PullRunAdmin(_ReadOnly):
    list_display = ("source", "started_at", "status", "total", "created_count", "error")
    list_filter = ("status",)


@admin.register(Delivery)
class DeliveryAdmin(_ReadOnly):
    list_display = ("key", "source", "event", "status", "attempts", "last_status_code")
    list_filter = ("status", "event")
    search_fields = ("key",)
