"""Pages of hot issues (casework.hot): the top list per county and per week, one issue with
its cases and heat, and turning it into a deputy's suggestion."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lianxin.accounts.access import can, get_visible_or_404, visible_to
from lianxin.core import dates
from lianxin.core.errors import ValidationFailed
from lianxin.core.forms import run_form_page

from . import hot
from .models import Category, HotIssue
from .workflow import workflow_for


@login_required
def hot_list(request):
    """The hottest issues the user may see, per county; for one week when asked."""
    visible = visible_to(request.user, HotIssue)
    counties = {
        code: name
        for code, name in visible.values_list("region__code", "region__name")
        .order_by("region__code")
        .distinct()
    }
    county = request.GET.get("county", "")
    if county and county not in counties:
        county = ""
    category = request.GET.get("category", "")
    week, error = None, ""
    if request.GET.get("week"):
        try:
            week = dates.parse_day(request.GET["week"], field="week")
        except ValidationFailed as exc:
            error = exc.message
    qs = visible
    if county:
        qs = qs.filter(region__code=county)
    if category.isdigit():
        qs = qs.filter(category_id=int(category))
    shown = [(code, name) for code, name in counties.items() if not county or code == county]
    lists = []
    for code, name in shown:
        rows = hot.top(qs.filter(region__code=code), week=week)
        if rows:
            lists.append({"code": code, "name": name, "issues": rows})
    week_range = hot.week_of(week) if week else None
    return render(
        request,
        "casework/hot_list.html",
        {
            "lists": lists,
            "counties": counties,
            "county": county,
            "categories": Category.objects.filter(is_active=True),
            "category": category,
            "week": week,
            "week_end": (week_range[1].date() - dt.timedelta(days=1)) if week_range else None,
            "week_start": week_range[0].date() if week_range else None,
            "error": error,
            "formula": hot.FORMULA,
            "half_life": int(hot.HALF_LIFE_DAYS),
        },
        status=422 if error else 200,
    )


def _issue(request, pk: int) -> HotIssue:
    return get_visible_or_404(
        request.user, HotIssue.objects.select_related("region", "township", "category"), pk=pk
    )


@login_required
def hot_detail(request, pk: int):
    issue = _issue(request, pk)
    cases = hot.member_cases(issue)
    rows = [
        {
            "code": c.tracking_code,
            "title": c.display_title,
            "kind": c.get_kind_display(),
            "state": workflow_for(c.kind).state_label(c.state) if _has_wf(c.kind) else c.state,
            "at": c.created_at,
        }
        for c in cases
    ]
    converted = None
    if issue.converted_case_id:
        made = visible_to(request.user, issue.converted_case.__class__).filter(
            pk=issue.converted_case_id
        )
        converted = made.first()
    return render(
        request,
        "casework/hot_detail.html",
        {
            "issue": issue,
            "rows": rows,
            "formula": hot.FORMULA,
            "half_life": int(hot.HALF_LIFE_DAYS),
            "may_convert": issue.state != HotIssue.State.CONVERTED
            and can(request.user, "hot.convert", issue),
            "converted": converted,
        },
    )


def _has_wf(kind: str) -> bool:
    try:
        workflow_for(kind)
    except Exception:
        return False
    return True


class SuggestForm(forms.Form):
    seat = forms.TypedChoiceField(label=gettext_lazy("代表身份"), coerce=int, choices=())
    title = forms.CharField(label=gettext_lazy("建议标题"), max_length=100)
    problem = forms.CharField(label=gettext_lazy("群众反映的问题"), widget=forms.Textarea)
    content = forms.CharField(label=gettext_lazy("建议内容"), widget=forms.Textarea)

    def __init__(self, *args, seats=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].choices = [(s.pk, s.congress.name) for s in seats]


@login_required
@require_http_methods(["GET", "POST"])
def hot_suggest(request, pk: int):
    """A deputy the issue was pushed to turns it into a draft of their suggestion, prefilled
    from its cases; every opinion in it waits for the suggestion's reply."""
    issue = _issue(request, pk)
    seats = hot.seats_for(issue, request.user)
    initial = {**hot.prefill(issue), "seat": seats[0].pk if seats else None}
    form = SuggestForm(request.POST or None, initial=initial, seats=seats)
    if not can(request.user, "hot.convert", issue):
        return render(
            request,
            "casework/hot_suggest.html",
            {"issue": issue, "form": None, "refused": _("您不能将该热点问题转为代表建议。")},
            status=403,
        )

    def act(d):
        return hot.do_convert_hot_issue(
            issue,
            acting_user=request.user,
            title=d["title"],
            problem=d["problem"],
            content=d["content"],
            seat_id=d["seat"],
        )

    return run_form_page(
        request,
        form,
        act,
        success=_("已转为代表建议草稿，请完善后提交。"),
        on_success=lambda case: redirect(case.get_absolute_url()),
        template="casework/hot_suggest.html",
        context={"issue": issue, "count": len(hot.convertible(issue))},
    )
