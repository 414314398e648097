from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "lianxin.liaison"
    label = "liaison"
    verbose_name = _("联络站点")

    def ready(self) -> None:
        from . import rules  # noqa: F401 - registers this app's access rules
