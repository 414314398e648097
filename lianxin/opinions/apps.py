from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "lianxin.opinions"
    label = "opinions"
    verbose_name = _("群众意见")

    def ready(self) -> None:
        from . import workflow  # noqa: F401 - registers the opinion workflow with casework
