"""The admin of the hotline's sources (their column and state mappings are edited here) and,
read only, of the imports."""

from __future__ import annotations

from django.contrib import admin

from .models import ImportJob, Source


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
