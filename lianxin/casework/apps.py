from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "lianxin.casework"
    label = "casework"
    verbose_name = _("办理闭环")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from lianxin.core import trail

        from . import (
            deadlines,
            duplicates,
            lineage,  # noqa: F401 - follows a derived case's reply to its origins
            rules,  # noqa: F401 - registers this app's access rules
            search,
        )
        from .models import Case, DeadlinePolicy, WorkdayOverride

        # The search index follows every case action in its own transaction.
        trail.on_record(search.on_trail, prefix="casework.")
        # So do the duplicate detector's stored terms.
        trail.on_record(duplicates.on_trail, prefix="casework.")
        post_delete.connect(search.on_delete, sender=Case, dispatch_uid="search-case-deleted")

        for model in (DeadlinePolicy, WorkdayOverride):
            post_save.connect(deadlines.clear_cache, sender=model, dispatch_uid=f"dl-{model}")
            post_delete.connect(deadlines.clear_cache, sender=model, dispatch_uid=f"dl-d-{model}")
