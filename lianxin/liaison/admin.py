"""Django admin of the liaison network (system administrators only)."""

from django.contrib import admin

from .models import Point, Station, StationMembership


class PointInline(admin.TabularInline):
    model = Point
    fields = ["name", "region", "address"]
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
