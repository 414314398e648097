from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "lianxin.opinions"
    label = "opinions"
    verbose_name = _("群众意见")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from lianxin.liaison.actions import register_record_intake
        from lianxin.liaison.queries import register_grid_count

        from . import (  # noqa: F401 - registers the opinion workflow
            lookups,
            queries,
            rules,  # noqa: F401 - registers this app's access rules
            workflow,
        )
        from .actions import do_register_opinion_from_reception

        # A reception record raised into the loop becomes an opinion (liaison is below opinions).
        register_record_intake(do_register_opinion_from_reception)
        # The stations' grid counts the opinions raised through each station.
        register_grid_count("opinions", queries.opinions_by_station_region)

        # The routing of public submissions is cached for a minute (opinions.lookups).
        for model in (
            "org.Deputy",
            "org.Person",
            "org.Congress",
            "liaison.Station",
            "liaison.StationMembership",
        ):
            post_save.connect(lookups.clear_cache, sender=model, dispatch_uid=f"lk-{model}")
            post_delete.connect(lookups.clear_cache, sender=model, dispatch_uid=f"lk-d-{model}")
