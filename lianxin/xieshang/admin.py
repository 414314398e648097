"""Read-only lists for the administrator: every change goes through `xieshang.actions`."""

from django.contrib import admin

from .models import ConsultationEvent, Studio


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ConsultationEvent)
class EventAdmin(ReadOnly):
    list_display = ["title", "kind", "held_on", "cppcc"]
    list_filter = ["kind"]


@admin.register(Studio)
class StudioAdmin(ReadOnly):
    list_display = ["name", "kind", "region", "cppcc", "scan_code"]
    list_filter = ["kind"]
