from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "lianxin.bulletins"
    label = "bulletins"
    verbose_name = _("政情通报和学习资料")

    def ready(self) -> None:
        from . import rules  # noqa: F401 - registers this app's rules
