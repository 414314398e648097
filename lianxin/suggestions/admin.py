"""Policy data of suggestions and motions is edited here by administrators: the sessions of
each congress, the review tiers, the co-sponsor threshold of motions. The suggestions
themselves change only through their actions: their extension requests, co-handling opinion
deadlines and survey rounds are only read here."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from lianxin.casework.admin import ReadOnlyInline

from .models import (
    CoOpinionDeadline,
    ExtensionRequest,
    MotionPolicy,
    ReviewTier,
    Session,
    SurveyAnswer,
    SurveyRound,
)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "congress",
        "opens_on",
        "closes_on",
        "suggestion_deadline",
        "motion_deadline",
    ]
    list_filter = ["congress__level"]
    search_fields = ["name", "congress__name"]
    autocomplete_fields = ["congress"]


@admin.register(ReviewTier)
class ReviewTierAdmin(admin.ModelAdmin):
    list_display = ["congress", "order", "name", "body", "in_session", "in_recess", "is_active"]
    list_editable = ["in_session", "in_recess", "is_active"]
    list_filter = ["body"]
    search_fields = ["congress__name", "name"]
    autocomplete_fields = ["congress"]


@admin.register(MotionPolicy)
class MotionPolicyAdmin(admin.ModelAdmin):
    list_display = ["congress", "min_cosponsors"]
    search_fields = ["congress__name"]
    autocomplete_fields = ["congress"]


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


@admin.register(CoOpinionDeadline)
class CoOpinionDeadlineAdmin(RecordAdmin):
    list_display = ["case", "unit", "due_on", "opinion_sent", "is_overdue", "assignment_status"]
    list_filter = ["is_overdue", "assignment__status", "case__congress__level"]
    search_fields = ["case__tracking_code", "case__title", "unit__name"]
    list_select_related = ["case", "unit", "assignment"]
    date_hierarchy = "due_on"

    @admin.display(description=_("已提出会办意见"), boolean=True)
    def opinion_sent(self, obj) -> bool:
        return obj.opinion_id is not None

    @admin.display(description=_("交办状态"), ordering="assignment__status")
    def assignment_status(self, obj) -> str:
        return obj.assignment.get_status_display()


class SurveyAnswerInline(ReadOnlyInline):
    model = SurveyAnswer
    fields = ["deputy", "rating", "comment", "answered_at"]
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
    list_display = ["survey_case", "round_number", "deputy", "rating", "answered_at"]
    list_filter = ["rating"]
    search_fields = ["deputy__person__name", "round__case__tracking_code", "round__case__title"]
    list_select_related = ["round__case", "deputy__person", "deputy__congress"]

    @admin.display(description=_("建议"), ordering="round__case")
    def survey_case(self, obj) -> str:
        return str(obj.round.case)

    @admin.display(description=_("轮次"), ordering="round__number")
    def round_number(self, obj) -> int:
        return obj.round.number
