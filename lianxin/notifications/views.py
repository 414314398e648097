from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .digest import VERB as DIGEST
from .forms import NoticeModeForm
from .queries import inbox, unread_count


def _list_context(request, form=None) -> dict:
    page = Paginator(inbox(request.user), 50).get_page(request.GET.get("page"))
    return {
        "page": page,
        "unread": unread_count(request.user),
        "mode_form": form or NoticeModeForm(instance=request.user),
    }


@login_required
def notification_list(request):
    return render(request, "notifications/list.html", _list_context(request))


@login_required
@require_POST
def mark_read(request, pk: int):
    """Mark one notification read and go where it points (or back to the list)."""
    item = inbox(request.user).filter(pk=pk).first()
    if item is not None and item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
    target = item.url if item is not None and item.url else None
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notification_list")


@login_required
@require_POST
def mark_all_read(request):
    """Every unread notification of the user read at once; an htmx request gets the list
    again in place, any other a redirect to it."""
    n = inbox(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    message = _("已将 %(n)s 条通知标为已读。") % {"n": n}
    if request.htmx:
        return render(
            request,
            "notifications/_list.html",
            {**_list_context(request), "done": message},
        )
    messages.success(request, message)
    return redirect("notification_list")


@login_required
@require_POST
def notice_mode(request):
    """The user's choice: informational notices one by one, or in a daily digest."""
    form = NoticeModeForm(request.POST, instance=request.user)
    if not form.is_valid():
        return render(request, "notifications/list.html", _list_context(request, form), status=422)
    form.save()
    messages.success(request, _("通知方式已保存。"))
    return redirect("notification_list")


@login_required
def digest_detail(request, pk: int):
    """One daily digest: each item it gathered, with its link."""
    digest = inbox(request.user).filter(pk=pk, verb=DIGEST).first()
    if digest is None:
        raise Http404
    if digest.read_at is None:
        digest.read_at = timezone.now()
        digest.save(update_fields=["read_at"])
    return render(
        request,
        "notifications/digest.html",
        {"digest": digest, "items": list(digest.digest_items.all())},
    )
