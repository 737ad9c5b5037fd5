"""Health endpoints for load balancers and orchestrators.

/healthz answers as long as the process runs; /readyz only when the database
and the cache answer and every migration is applied. Neither needs a login
or says more than "ok" or what is not ready.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _problems() -> list[str]:
    problems = []
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            problems.append("migrations")
    except Exception:  # any database failure means: not ready
        problems.append("database")
    try:
        # A key of its own per probe, so two workers probing at once do not
        # read each other's value; a generous expiry, because on SQLite the
        # database cache may wait for a busy writer longer than a few seconds
        # before it stores the value (the expiry is fixed before that wait).
        key = f"readyz:{secrets.token_hex(8)}"
        cache.set(key, key, timeout=120)
        if cache.get(key) != key:
            problems.append("cache")
        cache.delete(key)
    except Exception:  # any cache failure means: not ready
        problems.append("cache")
    return problems


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    problems = _problems()
    if problems:
        return JsonResponse({"status": "not ready", "failing": problems}, status=503)
    return JsonResponse({"status": "ok"})
