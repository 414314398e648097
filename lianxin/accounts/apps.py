from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lianxin.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self):
        from lianxin.core import trail

        from . import production, signals  # noqa: F401 - the deploy check, login/logout audit
        from .seats import acting_seat

        trail.set_seat_resolver(acting_seat)
