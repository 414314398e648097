from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "lianxin.proposals"
    label = "proposals"
    verbose_name = _("政协提案")

    def ready(self) -> None:
        from . import (
            notices,  # noqa: F401 - registers who hears of what on a proposal
            rules,  # noqa: F401 - registers this app's access rules
            workflow,  # noqa: F401 - registers the proposal workflow
            worklists,
        )

        worklists.register()
