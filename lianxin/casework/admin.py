"""Policy data is edited here by administrators; cases are only read here (their state changes
through the actions, never through a form that writes the row)."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import (
    Assignment,
    Case,
    CaseEvent,
    Category,
    DeadlinePolicy,
    ExtensionRequest,
    ReplyCategory,
    SurveyAnswer,
    SurveyRound,
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


# --- Records of actions: read here, changed only through the actions ----------------------------


class RecordAdmin(admin.ModelAdmin):
    """Rows written by the actions (requests, deadlines, survey answers): administrators read
    them, nobody adds, edits or deletes them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(RecordAdmin):
    list_display = [
        "case",
        "unit",
        "status",
        "due_before",
        "requested_due",
        "approved_due",
        "requested_at",
        "decided_at",
    ]
    list_filter = ["status", "case__congress__level"]
    search_fields = ["case__tracking_code", "case__title", "unit__name", "reason"]
    list_select_related = ["case", "unit"]
    date_hierarchy = "requested_at"


class SurveyAnswerInline(ReadOnlyInline):
    model = SurveyAnswer
    fields = ["deputy", "member", "rating", "comment", "answered_at"]
    readonly_fields = fields


@admin.register(SurveyRound)
class SurveyRoundAdmin(RecordAdmin):
    list_display = ["case", "number", "opened_at", "closed_at", "answered"]
    list_filter = [("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["case__tracking_code", "case__title"]
    list_select_related = ["case"]
    inlines = [SurveyAnswerInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_asked=Count("answers"),
                n_answered=Count("answers", filter=~Q(answers__rating="")),
            )
        )

    @admin.display(description=_("已填写 / 应填写"))
    def answered(self, obj) -> str:
        return f"{obj.n_answered} / {obj.n_asked}"


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(RecordAdmin):
    list_display = ["survey_case", "round_number", "seat_name", "rating", "answered_at"]
    list_filter = ["rating"]
    search_fields = [
        "deputy__person__name",
        "member__person__name",
        "round__case__tracking_code",
        "round__case__title",
    ]
    list_select_related = ["round__case", "deputy__person", "member__person"]

    @admin.display(description=_("姓名"))
    def seat_name(self, obj) -> str:
        return obj.seat_name

    @admin.display(description=_("案件"), ordering="round__case")
    def survey_case(self, obj) -> str:
        return str(obj.round.case)

    @admin.display(description=_("轮次"), ordering="round__number")
    def round_number(self, obj) -> int:
        return obj.round.number
