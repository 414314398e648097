"""Policy data of suggestions and motions is edited here by administrators: the sessions of
each congress, the review tiers, the co-sponsor threshold of motions. The suggestions
themselves change only through their actions: their co-handling opinion deadlines are only
read here (extension requests and survey rounds, shared by every kind, in casework's admin)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lianxin.casework.admin import RecordAdmin

from .models import CoOpinionDeadline, MotionPolicy, ReviewTier, Session


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
