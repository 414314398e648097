from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class WebConfig(AppConfig):
    name = "lianxin.web"
    label = "web"
    default = True


class LianxinAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with Lianxin's own site (system administrators only).

    Named in INSTALLED_APPS in place of "django.contrib.admin"."""

    default = False
    default_site = "lianxin.web.admin_site.LianxinAdminSite"
