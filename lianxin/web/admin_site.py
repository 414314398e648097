"""The Django admin, for system administrators only.

Django lets in anyone with `is_staff`; Lianxin decides with its own rule ("admin.site" in
lianxin.accounts.access), so a staff flag set by mistake on an account opens nothing.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from lianxin.accounts import access
from lianxin.liaison.printing import card_address

# Third-party apps name themselves in English only: their sections and tables in our words.
APP_NAMES = {
    "axes": _("登录防护"),
    "django_tasks_database": _("后台任务"),
}
MODEL_NAMES = {
    ("axes", "AccessAttempt"): _("登录失败计数与锁定"),
    ("axes", "AccessLog"): _("登录记录"),
    ("axes", "AccessFailureLog"): _("登录失败记录"),
    ("django_tasks_database", "DBTaskResult"): _("后台任务执行结果"),
}


class LianxinAdminSite(admin.AdminSite):
    site_header = _("连心履职平台 · 系统管理")
    site_title = _("连心系统管理")
    index_title = _("系统管理")
    index_template = "web/admin_index.html"

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and access.can(user, "admin.site"))

    def index(self, request, extra_context=None):
        """The index also says which address printed QR codes will carry (and warns when it
        opens only on the server), since that is set here, in the environment, not on a page."""
        return super().index(request, {"card_address": card_address(), **(extra_context or {})})

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = str(APP_NAMES.get(app["app_label"], app["name"]))
            for model in app["models"]:
                name = MODEL_NAMES.get((app["app_label"], model["object_name"]))
                if name is not None:
                    model["name"] = str(name)
        return apps

    def login(self, request, extra_context=None):
        """One login page for everyone (with its lock-out); the admin has no form of its own.

        A signed-in user without the right gets the plain refusal, not a second login form.
        """
        next_url = request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url, login_url=reverse("login"))
        if not self.has_permission(request):
            from lianxin.web.views import forbidden

            return forbidden(request)
        return redirect(next_url)
