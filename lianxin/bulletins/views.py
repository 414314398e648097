"""Pages of bulletins: the office's list and form, a bulletin's page (for the office: who has
read it and the not-yet-read list; for a deputy: the text, which marks it read)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.accounts.access import can, get_visible_or_404, grants, visible_to
from lianxin.core.forms import run_form_page
from lianxin.org.models import Congress, Deputy, SeatStatus

from . import actions
from .models import Bulletin


class BulletinForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=Bulletin.Kind.choices)
    title = forms.CharField(label=gettext_lazy("标题"), max_length=200, required=False)
    body = forms.CharField(
        label=gettext_lazy("正文"), widget=forms.Textarea(attrs={"rows": 10}), required=False
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("发送对象"),
        choices=Bulletin.Audience.choices,
        widget=forms.RadioSelect,
        initial=Bulletin.Audience.ALL,
    )
    deputies = forms.MultipleChoiceField(
        label=gettext_lazy("指定代表"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("发送对象为指定代表时选择。"),
    )

    def __init__(self, *args, congress: Congress, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].choices = [
            (str(d.pk), d.person.name)
            for d in Deputy.objects.filter(congress=congress, status=SeatStatus.SERVING)
            .select_related("person")
            .order_by("person__name", "pk")
        ]


@login_required
def bulletin_list(request):
    if not can(request.user, "bulletin.list"):
        raise PermissionDenied
    g = grants(request.user)
    rows = list(visible_to(request.user, Bulletin).select_related("congress")[:200])
    unread = set(
        Bulletin.objects.filter(
            receipts__deputy_id__in=list(g.deputy_ids), receipts__read_at__isnull=True
        ).values_list("pk", flat=True)
    )
    return render(
        request,
        "bulletins/list.html",
        {"bulletins": rows, "unread": unread, "can_send": bool(g.staff_congresses)},
    )


@login_required
def bulletin_create(request):
    g = grants(request.user)
    congress = Congress.objects.filter(pk__in=list(g.staff_congresses)).order_by("pk").first()
    if congress is None:
        raise PermissionDenied
    form = BulletinForm(request.POST or None, congress=congress)
    return run_form_page(
        request,
        form,
        lambda cd: actions.do_send_bulletin(congress, cd, acting_user=request.user),
        success=_("通报已发送。"),
        on_success=lambda b: redirect(b),
        template="bulletins/form.html",
        context={"congress": congress},
    )


@login_required
def bulletin_detail(request, bulletin_id: int):
    b = get_visible_or_404(
        request.user, Bulletin.objects.select_related("congress"), pk=bulletin_id
    )
    manage = can(request.user, "bulletin.manage", b)
    context = {"b": b, "manage": manage}
    if manage or not grants(request.user).deputy_ids:
        receipts = list(b.receipts.select_related("deputy__person"))
        context["unread"] = [r for r in receipts if r.read_at is None]
        context["read"] = sorted((r for r in receipts if r.read_at), key=lambda r: r.read_at)
        return render(request, "bulletins/detail.html", context)
    context["receipts"] = actions.do_read_bulletin(b, acting_user=request.user)
    return render(request, "bulletins/read.html", context)
