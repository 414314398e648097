from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .queries import inbox


@login_required
def notification_list(request):
    page = Paginator(inbox(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


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
    inbox(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notification_list")
