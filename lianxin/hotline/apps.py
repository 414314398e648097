from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "lianxin.hotline"
    label = "hotline"
    verbose_name = _("12345 热线工单")

    def ready(self) -> None:
        from . import (
            push,
            rules,  # noqa: F401 - registers this app's access rules
            workflow,  # noqa: F401 - registers the work order workflow
            worklists,
        )

        worklists.register()
        push.register()
