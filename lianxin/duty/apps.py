from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "lianxin.duty"
    label = "duty"
    verbose_name = _("代表履职活动")

    def ready(self) -> None:
        from lianxin.casework import scan

        from . import figures, record, rules, texts, worklists  # noqa: F401 - registers rules, lists
        from .reminders import remind_invitations

        worklists.register()
        record.register()
        figures.register()
        texts.register()
        scan.register(remind_invitations, {"duty_reminders": _("活动提醒")})
