"""Django admin of the liaison network (system administrators only)."""

from django.contrib import admin

from .models import (
    Commitment,
    Point,
    ReceptionDay,
    ReceptionRecord,
    ReceptionRule,
    Station,
    StationMembership,
)


class PointInline(admin.TabularInline):
    model = Point
    fields = ["name", "kind", "region", "place", "address", "is_active"]
    autocomplete_fields = ["region"]
    extra = 0


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region", "congress", "contact_name", "is_active"]
    list_filter = ["kind", "is_active", "congress__level"]
    search_fields = ["code", "name", "address", "host_org", "region__code", "region__name"]
    autocomplete_fields = ["region", "congress"]
    list_select_related = ["region", "congress"]
    readonly_fields = ["scan_code"]
    inlines = [PointInline]


@admin.register(Point)
class PointAdmin(admin.ModelAdmin):
    list_display = ["name", "station", "region"]
    search_fields = ["name", "station__name", "region__name"]
    autocomplete_fields = ["station", "region"]
    list_select_related = ["station", "region"]


@admin.register(StationMembership)
class StationMembershipAdmin(admin.ModelAdmin):
    list_display = ["deputy", "station"]
    search_fields = ["deputy__person__name", "station__name", "station__code"]
    autocomplete_fields = ["deputy", "station"]
    list_select_related = ["deputy__person", "deputy__congress", "station"]


@admin.register(ReceptionRule)
class ReceptionRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "station", "valid_from", "valid_until", "is_active"]
    list_filter = ["frequency", "is_active"]
    search_fields = ["station__name", "station__code"]
    autocomplete_fields = ["station", "deputies"]
    list_select_related = ["station"]


@admin.register(ReceptionDay)
class ReceptionDayAdmin(admin.ModelAdmin):
    list_display = ["date", "start_time", "end_time", "station", "status", "rule"]
    list_filter = ["status"]
    search_fields = ["station__name", "station__code"]
    autocomplete_fields = ["station", "deputies", "rule"]
    list_select_related = ["station", "rule"]
    date_hierarchy = "date"


@admin.register(ReceptionRecord)
class ReceptionRecordAdmin(admin.ModelAdmin):
    """Read-only here: records are written by the station's staff through the workbench."""

    list_display = ["date", "subject", "station", "visitor_count", "opinion_state"]
    list_filter = ["kind", "opinion_state"]
    search_fields = ["subject", "station__name", "station__code"]
    list_select_related = ["station"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["deputy", "year", "content", "is_public"]
    list_filter = ["year", "is_public"]
    search_fields = ["deputy__person__name", "content"]
    autocomplete_fields = ["deputy"]
    list_select_related = ["deputy__person", "deputy__congress"]
