"""Pages of CPPCC proposals: the list, one proposal with its actions, and the member's form
for a new one. Each action's page is the loop's (`casework.views.run_action_page`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def proposal_list(request):
    return render(request, "proposals/proposal_list.html", {})


@login_required
def proposal_new(request):
    return render(request, "proposals/proposal_new.html", {})


@login_required
def proposal_detail(request, pk: int):
    return render(request, "proposals/proposal_detail.html", {})


@login_required
def proposal_action(request, pk: int, action: str):
    return render(request, "proposals/proposal_detail.html", {})
