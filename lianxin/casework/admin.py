"""Policy data is edited here by administrators; cases are only read here (their state changes
through the actions, never through a form that writes the row)."""

from django.contrib import admin

from .models import (
    Assignment,
    Case,
    CaseEvent,
    Category,
    DeadlinePolicy,
    ReplyCategory,
    WorkdayOverride,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name", "code"]


@admin.register(ReplyCategory)
class ReplyCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "description"]

    def get_readonly_fields(self, request, obj=None):
        # The codes A/B/C are what the data and the figures refer to; the wording is free.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["kind", "step", "amount", "unit", "note"]
    list_editable = ["amount", "unit"]
    list_filter = ["kind"]


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    date_hierarchy = "date"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = [
        "unit",
        "role",
        "status",
        "assigned_at",
        "due_date",
        "return_deadline",
        "return_reason",
    ]
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "action", "from_state", "to_state", "actor_label", "note"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "tracking_code",
        "kind",
        "state",
        "display_title",
        "congress",
        "due_date",
        "is_overdue",
        "created_at",
    ]
    list_filter = ["kind", "state", "is_overdue", "is_key_supervision", "channel"]
    search_fields = ["tracking_code", "title"]
    list_select_related = ["congress"]
    inlines = [AssignmentInline, EventInline]
    exclude = ["contact_phone"]  # personal data is revealed on the case page, with a log entry

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
