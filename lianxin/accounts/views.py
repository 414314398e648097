from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

LOCKED_MESSAGE = gettext_lazy(
    "登录失败次数过多，账号已暂时锁定，请 15 分钟后再试。如需帮助，请联系系统管理员。"
)


class LoginForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("账号"), max_length=150)
    password = forms.CharField(
        label=gettext_lazy("密码"), widget=forms.PasswordInput, max_length=200
    )


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes calls this for a locked account: JSON for the API, a page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": str(LOCKED_MESSAGE)}, status=429)
    form = LoginForm(initial={"username": (credentials or {}).get("username", "")})
    return render(
        request, "accounts/login.html", {"form": form, "error": LOCKED_MESSAGE}, status=429
    )


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or "workbench")
    error = None
    form = LoginForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = authenticate(
                request,
                username=form.cleaned_data["username"].strip(),
                password=form.cleaned_data["password"],
            )
            if getattr(request, "axes_locked_out", False):
                return locked_out(request, {"username": form.cleaned_data["username"]})
            if user is not None and user.is_active:
                login(request, user)
                return redirect(next_url or "workbench")
            error = _("账号或密码不正确，请重新输入。连续失败 5 次，账号将被锁定 15 分钟。")
        else:
            error = _("请输入账号和密码。")
    return render(request, "accounts/login.html", {"form": form, "error": error, "next": next_url})


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("login")
