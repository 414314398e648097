from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public site (M17): find my deputy and station, without an account, on a phone."""

    name = "lianxin.portal"
    label = "portal"
    verbose_name = _("公众服务")
