from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "lianxin.consultation"
    label = "consultation"
    verbose_name = _("立法和议题征求意见")

    def ready(self) -> None:
        from . import rules, texts, worklists  # noqa: F401 - registers this app's rules and lists

        worklists.register()
        texts.register()
