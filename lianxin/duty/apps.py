from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "lianxin.duty"
    label = "duty"
    verbose_name = _("代表履职活动")

    def ready(self) -> None:
        from lianxin.casework import scan

        from . import record, rules, worklists  # noqa: F401 - registers this app's rules and lists
        from .reminders import remind_invitations

        worklists.register()
        record.register()
        scan.register(remind_invitations, {"duty_reminders": _("活动提醒")})
