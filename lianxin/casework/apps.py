from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "lianxin.casework"
    label = "casework"
    verbose_name = _("办理闭环")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_delete

        from lianxin.core import prometheus, readiness, trail

        from . import (
            deadlines,
            duplicates,
            hot,
            lineage,  # noqa: F401 - follows a derived case's reply to its origins
            metrics,
            rules,  # noqa: F401 - registers this app's access rules
            search,
            tallies,
        )
        from .models import Case, DeadlinePolicy, WorkdayOverride

        # The search index follows every case action in its own transaction.
        trail.on_record(search.on_trail, prefix="casework.")
        # So do the duplicate detector's stored terms.
        trail.on_record(duplicates.on_trail, prefix="casework.")
        post_delete.connect(search.on_delete, sender=Case, dispatch_uid="search-case-deleted")
        # So do the figures (casework.metrics): each case action recounts its case.
        trail.on_record_batch(metrics.on_trail, prefix="casework.")
        pre_delete.connect(metrics.on_delete, sender=Case, dispatch_uid="metrics-case-deleted")
        # And the figures of the liaison network (casework.tallies): a reception is counted in
        # the transaction that records it.
        trail.on_record(tallies.on_reception, prefix="liaison.record_reception")
        pre_delete.connect(
            tallies.on_reception_delete,
            sender="liaison.ReceptionRecord",
            dispatch_uid="tallies-reception-deleted",
        )

        # The deadline scan finds the hot issues again (at most hourly) and pushes them.
        from . import scan

        scan.register(
            hot.scan_step, {"hot_issues": _("热点问题"), "hot_pushed": _("热点问题推送人次")}
        )
        readiness.register("intake_backlog", intake_backlog)
        prometheus.register_gauge(
            "lianxin_intake_backlog",
            "Cases awaiting their registration entry",
            lambda: Case.objects.filter(intake_pending=True).count(),
        )
        prometheus.register_gauge(
            "lianxin_cases_overdue", "Open cases past their deadline", overdue_count
        )
        for model in (DeadlinePolicy, WorkdayOverride):
            post_save.connect(deadlines.clear_cache, sender=model, dispatch_uid=f"dl-{model}")
            post_delete.connect(deadlines.clear_cache, sender=model, dispatch_uid=f"dl-d-{model}")


def overdue_count() -> int:
    """/metrics: cases marked overdue by the deadline scan and still in a step with a deadline."""
    from .models import Case
    from .workflow import workflows

    return sum(
        Case.objects.filter(
            kind=wf.kind, state__in=list(wf.deadline_steps), is_overdue=True
        ).count()
        for wf in workflows()
    )


def intake_backlog() -> dict:
    """/readyz: cases acknowledged by the public API still awaiting their registration entry
    (the intake loop writes them within seconds; a backlog means it is not keeping up)."""
    from django.conf import settings
    from django.utils import timezone

    from .models import Case

    pending = Case.objects.filter(intake_pending=True)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    count = pending.count()
    age = None if oldest is None else (timezone.now() - oldest).total_seconds()
    return {
        "ok": count <= settings.LIANXIN_READY_MAX_INTAKE_BACKLOG
        and (age is None or age <= settings.LIANXIN_READY_MAX_TASK_AGE),
        "pending": count,
        "oldest_age_seconds": None if age is None else round(age, 1),
    }
