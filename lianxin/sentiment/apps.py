from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SentimentConfig(AppConfig):
    name = "lianxin.sentiment"
    label = "sentiment"
    verbose_name = _("社情民意信息")

    def ready(self) -> None:
        from lianxin.casework import conversions as case_conversions

        from . import conversion, figures, rules, texts, worklists  # noqa: F401 - rules, lists

        worklists.register()
        figures.register()
        texts.register()
        # A proposal declined with the disposition `sentiment` becomes a report (proposals.actions).
        case_conversions.register("sentiment", conversion.from_proposal, link=conversion.link)
