"""Prometheus metrics at /metrics, behind a bearer token.

Labels carry only what cannot name a person or an organisation: the URL
*name* of the view (`complaints:case`, never the path with its slug or uid),
the HTTP method and the status code. The product gauges are totals over the
whole instance, read from the database when Prometheus scrapes.

Under gunicorn every worker counts for itself; prometheus_client's
multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set by gunicorn_conf.py) adds
them up at scrape time, whichever worker answers.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import os
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from hoeksteen.core import clock

logger = logging.getLogger(__name__)

REQUESTS = Counter(
    "hoeksteen_http_requests",
    "HTTP requests answered, by view name, method and status code.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "hoeksteen_http_request_duration_seconds",
    "Time to answer an HTTP request, by view name.",
    ["view"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)

_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# A path that matches no URL pattern is counted under this name, so that
# probes for random paths cannot create new label values.
UNRESOLVED = "<unresolved>"
TICK_SUCCESS_KEY = "hoeksteen:tick:last-success"


def _view_label(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None or not match.view_name:
        return UNRESOLVED
    # Django names the admin's views after the model (admin:people_user_change):
    # that is a model, not a person, so it may stay.
    return str(match.view_name)


class RequestMetricsMiddleware:
    """Count every request under its view name, method and status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        view = _view_label(request)
        method = request.method if request.method in _METHODS else "other"
        REQUESTS.labels(view=view, method=method, status=str(response.status_code)).inc()
        LATENCY.labels(view=view).observe(time.perf_counter() - started)
        return response


def record_tick_success(*, now: dt.datetime) -> None:
    """Remember when the tick last ran every job without an error.

    Kept in the cache, which every process shares; a cache that lost it only
    makes the gauge absent until the next tick."""
    try:
        cache.set(TICK_SUCCESS_KEY, now.timestamp(), timeout=None)
    except Exception:  # the tick's work is done; a missing gauge must not undo it
        logger.warning("could not record the tick's success in the cache")


class ProductCollector(Collector):
    """Gauges an administrator watches, read from the database per scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        # A scrape during a database outage still answers: /readyz names the
        # cause, and the request counters remain worth having.
        try:
            gauges = list(self._gauges())
        except Exception:
            logger.warning("could not read the product metrics", exc_info=True)
            gauges = []
        yield from gauges
        yield GaugeMetricFamily(
            "hoeksteen_product_metrics_up",
            "1 when the product gauges below could be read from the database.",
            value=1 if gauges else 0,
        )

    def _gauges(self) -> Iterator[GaugeMetricFamily]:
        from hoeksteen.audit.models import AuditChainHead
        from hoeksteen.outbox.models import OutboxMessage, OutboxStatus

        outbox = GaugeMetricFamily(
            "hoeksteen_outbox_messages", "Outgoing e-mails by status.", labels=["status"]
        )
        counts = dict(
            OutboxMessage.objects.values_list("status").annotate(n=Count("id")).order_by()
        )
        for status in OutboxStatus.values:
            outbox.add_metric([status], counts.get(status, 0))
        yield outbox

        oldest = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).aggregate(
            oldest=Min("created_at")
        )["oldest"]
        age = (clock.now() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "hoeksteen_outbox_oldest_pending_age_seconds",
            "Age of the oldest e-mail still waiting to be sent; 0 when none waits.",
            value=max(age, 0.0),
        )

        chains = AuditChainHead.objects.aggregate(chains=Count("id"), entries=Sum("seq"))
        yield GaugeMetricFamily(
            "hoeksteen_audit_chains", "Audit chains (one per organisation).", chains["chains"]
        )
        yield GaugeMetricFamily(
            "hoeksteen_audit_entries", "Entries in all audit chains.", chains["entries"] or 0
        )

        try:
            last_tick = cache.get(TICK_SUCCESS_KEY)
        except Exception:  # the cache has its own readiness check
            last_tick = None
        if last_tick is not None:
            yield GaugeMetricFamily(
                "hoeksteen_tick_last_success_timestamp_seconds",
                "When the tick last ran every job without an error (Unix time).",
                value=float(last_tick),
            )


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    return registry


def _authorised(request: HttpRequest, token: str) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus's text format, for whoever holds the token.

    Without HOEKSTEEN_METRICS_TOKEN the page does not exist (404)."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    if not _authorised(request, token):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    registry = _registry()
    product = CollectorRegistry()
    product.register(ProductCollector())
    body = generate_latest(registry) + generate_latest(product)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
