from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "lianxin.org"
    label = "org"
    verbose_name = _("组织")

    def ready(self) -> None:
        from . import rules  # noqa: F401 - registers this app's access rules
