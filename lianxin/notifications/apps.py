from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "lianxin.notifications"
    label = "notifications"
    verbose_name = _("通知")

    def ready(self):
        from lianxin.core import backup

        from . import restore

        backup.after_restore(restore.after_restore)
