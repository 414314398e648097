"""Scoring rules and grade bands, edited by administrators per congress and year. Each change
goes through the actions (checks, the trail, recomputed points); a rule change shows its effect
on the deputies' grades before it is saved."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from lianxin.core.errors import LianxinError

from . import actions, scoring
from .models import DutyEntry, DutyPost, GradeBand, ScoringRule


class ScoringRuleForm(forms.ModelForm):
    confirm = forms.BooleanField(
        label=gettext_lazy("已查看影响，确认保存"),
        required=False,
        help_text=gettext_lazy("首次提交时显示此项修改对代表等次的影响，确认后再次提交即保存。"),
    )

    class Meta:
        model = ScoringRule
        fields = [
            "congress",
            "year",
            "kind",
            "outcome",
            "points",
            "cap",
            "cap_period",
            "absence_deduction",
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        proposed = self.instance
        for name in self._meta.fields:
            if name in data:
                setattr(proposed, name, data[name])
        scoring.check_rule(proposed)
        if not data.get("confirm"):
            preview = scoring.preview_rules(proposed.congress_id, proposed.year, [proposed])
            raise ValidationError(preview.message(), code="preview")
        return data


class GradeBandForm(forms.ModelForm):
    class Meta:
        model = GradeBand
        fields = ["congress", "year", "grade", "min_points", "max_points"]


class _ThroughActions(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        try:
            actions.do_save_scoring_rule(obj, acting_user=request.user)
        except LianxinError as exc:  # the form checked the same: a race at most
            raise ValidationError(str(exc)) from exc

    def delete_model(self, request, obj):
        actions.do_delete_scoring_rule(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            actions.do_delete_scoring_rule(obj, acting_user=request.user)


@admin.register(ScoringRule)
class ScoringRuleAdmin(_ThroughActions):
    form = ScoringRuleForm
    list_display = [
        "congress",
        "year",
        "kind",
        "outcome",
        "points",
        "cap",
        "cap_period",
        "absence_deduction",
    ]
    list_filter = ["year", "kind", "congress"]


@admin.register(GradeBand)
class GradeBandAdmin(_ThroughActions):
    form = GradeBandForm
    list_display = ["congress", "year", "grade", "min_points", "max_points"]
    list_filter = ["year", "congress"]


@admin.register(DutyPost)
class DutyPostAdmin(admin.ModelAdmin):
    list_display = ["title", "deputy", "date", "status"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in DutyPost._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(DutyEntry)
class DutyEntryAdmin(admin.ModelAdmin):
    list_display = ["deputy", "kind", "outcome", "date", "title", "points"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
