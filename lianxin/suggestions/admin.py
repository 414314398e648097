"""Policy data of suggestions and motions is edited here by administrators: the sessions of
each congress, the review tiers, the co-sponsor threshold of motions. The suggestions
themselves change only through their actions."""

from django.contrib import admin

from .models import MotionPolicy, ReviewTier, Session


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
