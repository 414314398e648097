from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from lianxin.core.errors import ValidationFailed

from . import otp
from .actions import password_changed, revoke_tokens
from .models import ApiToken, User
from .passwords import password_expired
from .sessions import idle_seconds

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
                if otp.confirmed_device(user) is not None:
                    # Signed in only once the code is right too (the second step).
                    otp.start_pending(request, user, next_url)
                    return redirect("login_code")
                login(request, user)
                return redirect(next_url or "workbench")
            error = _("账号或密码不正确，请重新输入。连续失败 5 次，账号将被锁定 15 分钟。")
        else:
            error = _("请输入账号和密码。")
    return render(request, "accounts/login.html", {"form": form, "error": error, "next": next_url})


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("动态验证码"), max_length=12)


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login_code(request):
    """The second step of a sign-in with a second factor: the code from the authenticator app."""
    data = otp.pending(request)
    user = User.objects.filter(pk=data["user"], is_active=True).first() if data else None
    if user is None:
        otp.end_pending(request)
        messages.info(request, _("请重新输入账号和密码。"))
        return redirect("login")
    error = None
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if AxesProxyHandler.is_locked(request, {"username": user.username}):
            otp.end_pending(request)
            return locked_out(request, {"username": user.username})
        device = otp.check_code(user, request.POST.get("code", ""), request=request)
        if device is not None:
            otp.end_pending(request)
            login(request, user, backend=data["backend"])
            otp.mark_verified(request, device)
            return redirect(data.get("next") or "workbench")
        if getattr(request, "axes_locked_out", False):
            otp.end_pending(request)
            return locked_out(request, {"username": user.username})
        error = _("动态验证码不正确或已使用，请输入验证器应用中当前显示的 6 位数字。")
    return render(request, "accounts/login_code.html", {"form": form, "error": error})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """The signed-in user's own second factor: scan the QR code (or type the key) into an
    authenticator app, confirm with its first code."""
    device = otp.confirmed_device(request.user)
    if device is not None and otp.session_verified(request, device):
        return render(request, "accounts/otp_setup.html", {"enrolled": True})
    if device is not None:  # a device, but this session has not shown its code
        logout(request)
        return redirect("login")
    error = None
    pending = otp.enrolment_device(request.user)
    if request.method == "POST":
        try:
            otp.do_enrol_second_factor(
                request.user, code=request.POST.get("code", ""), request=request
            )
        except ValidationFailed as exc:
            error = exc.message
        else:
            messages.success(request, _("动态验证码已启用，今后登录时须输入验证器应用中的验证码。"))
            return redirect("workbench")
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "enrolled": False,
            "required": otp.required(request.user),
            "qr": otp.qr_svg(pending),
            "key": otp.manual_key(pending),
            "error": error,
        },
    )


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("login")


class OwnPasswordChangeView(PasswordChangeView):
    """The user's own password: Django's form and validators, our page. Clears the flag of a
    password set by staff and revokes the user's API tokens; this session stays signed in."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("workbench")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(self.request.user, request=self.request)
        messages.success(self.request, _("密码已修改，请使用新密码登录其他设备。"))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["must_change"] = self.request.user.must_change_password
        context["expired"] = password_expired(self.request.user)
        context["max_age"] = settings.LIANXIN_PASSWORD_MAX_AGE_DAYS
        return context


@never_cache
@login_required
@require_http_methods(["GET"])
def token_list(request):
    """The user's own API tokens: when each was issued, last used and ends; each can be revoked."""
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"tokens": tokens})


@login_required
@require_POST
def token_revoke(request, token_id: int):
    if not revoke_tokens(request.user, reason="revoked", token_id=token_id, request=request):
        raise Http404
    messages.success(request, _("接口令牌已撤销，使用它的设备须重新登录。"))
    return redirect("token_list")


@require_POST
def session_ping(request):
    """The 继续 button of the idle warning: any signed-in request counts as activity."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {"code": "signed_out", "message": _("您已退出，请重新登录。")}, status=401
        )
    return JsonResponse({"remaining": idle_seconds()})
