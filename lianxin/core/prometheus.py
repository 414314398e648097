"""Metrics in Prometheus's text format at `/metrics` (docs/deploy.md, "Operability").

- `lianxin_http_requests_total{method,status,view}` and
  `lianxin_http_request_duration_seconds{method,view}` (a histogram), counted by
  `MetricsMiddleware` in every gunicorn worker; `view` is the URL pattern's name (a bounded
  set: no path, no code, no personal data in a label);
- gauges read from the database at each scrape: `lianxin_task_queue_depth` (tasks waiting),
  `lianxin_task_oldest_age_seconds`, and those apps register (`register_gauge`; casework:
  `lianxin_intake_backlog`, `lianxin_cases_overdue`).
Under gunicorn with several workers each worker writes its counters to files in
`PROMETHEUS_MULTIPROC_DIR` (prometheus-client's multiprocess mode; gunicorn.conf.py clears a
dead worker's files) and a scrape adds them up, whichever worker answers.
Who may read: with `LIANXIN_METRICS_TOKEN` set, a request carrying `Authorization: Bearer
<token>`; without it, only requests from the machine itself (127.0.0.1, ::1). Anyone else gets
404, as for a page that does not exist."""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger("lianxin.metrics")

REQUESTS = Counter("lianxin_http_requests", "HTTP requests answered", ["method", "status", "view"])
LATENCY = Histogram(
    "lianxin_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

_gauges: dict[str, tuple[str, Callable[[], float]]] = {}


def register_gauge(name: str, documentation: str, read: Callable[[], float]) -> None:
    """A gauge read from the database at each scrape (an app's `ready()`)."""
    _gauges[name] = (documentation, read)


def _task_queue() -> tuple[float, float]:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age = 0.0 if oldest is None else (timezone.now() - oldest).total_seconds()
    return float(ready.count()), max(0.0, age)


class DatabaseCollector:
    """The gauges, read when scraped (one process answers: no multiprocess files)."""

    def collect(self):
        try:
            depth, age = _task_queue()
            yield GaugeMetricFamily("lianxin_task_queue_depth", "Tasks waiting", value=depth)
            yield GaugeMetricFamily(
                "lianxin_task_oldest_age_seconds", "Wait of the oldest queued task", value=age
            )
            for name, (documentation, read) in sorted(_gauges.items()):
                yield GaugeMetricFamily(name, documentation, value=float(read()))
            up = 1.0
        except Exception as exc:  # noqa: BLE001 - the scrape still answers, with up=0
            logger.warning("metrics: database gauges unavailable: %s", exc.__class__.__name__)
            up = 0.0
        yield GaugeMetricFamily(
            "lianxin_database_up", "The gauges could be read from the database", value=up
        )


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
        if not getattr(registry, "_lianxin_db", False):
            registry.register(DatabaseCollector())
            registry._lianxin_db = True
        return registry
    registry.register(DatabaseCollector())
    return registry


def allowed(request) -> bool:
    token = settings.LIANXIN_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return request.META.get("REMOTE_ADDR") in {"127.0.0.1", "::1"}


@never_cache
def metrics(request):
    if not allowed(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Counts and times every request (outermost, so the time is the whole answer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "unmatched"
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(method, str(response.status_code), view).inc()
        LATENCY.labels(method, view).observe(time.perf_counter() - start)
        return response
