from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "lianxin.suggestions"
    label = "suggestions"
    verbose_name = _("代表建议和议案")

    def ready(self) -> None:
        from . import (
            lineage,
            notices,  # noqa: F401 - registers who hears of what on a suggestion or motion
            rules,  # noqa: F401 - registers this app's access rules
            scan,
            workflow,  # noqa: F401 - registers the suggestion and motion workflows
            worklists,
        )

        # The co-handling opinions' deadlines join the loop's scan; the work lists join the
        # workbench.
        scan.register()
        worklists.register()
        # Citizens' opinions may be turned into a suggestion's draft (casework.lineage).
        lineage.register()
