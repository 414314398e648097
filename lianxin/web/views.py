from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lianxin.accounts import access
from lianxin.org import queries
from lianxin.org.models import Congress, Deputy, Region


def home(request):
    if request.user.is_authenticated:
        return redirect("workbench")
    return redirect("login")


@login_required
def workbench(request):
    return render(request, "web/workbench.html", {"grants": access.grants(request.user)})


@login_required
def region_list(request):
    parent = Region.objects.filter(code=request.GET.get("parent", "")).first()
    regions = Region.objects.filter(parent=parent).order_by("code")
    return render(request, "web/region_list.html", {"parent": parent, "regions": regions})


@login_required
def congress_list(request):
    congresses = access.visible_to(request.user, Congress).select_related("region")
    return render(request, "web/congress_list.html", {"congresses": congresses})


@login_required
def deputy_list(request):
    qs = queries.deputies_for(request.user, q=request.GET.get("q"))
    deputies = queries.with_details(qs)[:50]
    return render(request, "web/deputy_list.html", {"deputies": deputies, "count": qs.count()})


@login_required
def deputy_detail(request, deputy_id: int):
    deputy = access.get_visible_or_404(
        request.user, queries.with_details(Deputy.objects.all()), pk=deputy_id
    )
    return render(request, "web/deputy_detail.html", {"deputy": deputy})


def not_found(request, exception=None):
    return render(
        request,
        "web/error.html",
        {"title": _("页面不存在"), "message": _("您要找的页面或记录不存在，或您无权查看。")},
        status=404,
    )


def forbidden(request, exception=None):
    return render(
        request,
        "web/error.html",
        {"title": _("无权访问"), "message": _("您没有权限进行此操作。")},
        status=403,
    )


def bad_request(request, exception=None):
    return render(
        request,
        "web/error.html",
        {"title": _("请求有误"), "message": _("请求内容有误，请返回重试。")},
        status=400,
    )


def server_error(request):
    return render(
        request,
        "web/error.html",
        {"title": _("系统繁忙"), "message": _("系统暂时无法处理您的请求，请稍后再试。")},
        status=500,
    )
