from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XieshangConfig(AppConfig):
    name = "lianxin.xieshang"
    label = "xieshang"
    verbose_name = _("协商议政")

    def ready(self) -> None:
        from . import rules  # noqa: F401 - registers the rules
