from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "lianxin.suggestions"
    label = "suggestions"
    verbose_name = _("代表建议和议案")

    def ready(self) -> None:
        from . import workflow  # noqa: F401 - registers the suggestion and motion workflows
