from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SentimentConfig(AppConfig):
    name = "lianxin.sentiment"
    label = "sentiment"
    verbose_name = _("社情民意信息")

    def ready(self) -> None:
        from lianxin.casework import conversions as case_conversions

        from . import conversion, figures, rules, worklists  # noqa: F401 - registers rules and lists

        worklists.register()
        figures.register()
        # A proposal declined with the disposition `sentiment` becomes a report (proposals.actions).
        case_conversions.register("sentiment", conversion.from_proposal, link=conversion.link)
