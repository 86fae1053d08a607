"""What a load balancer and monitoring ask: is the process up, may it take traffic.

Neither view needs a log-in, reads the session or the user, or writes
anything. The answers are codes for machines, not sentences for people, so
they are not translated.
"""

import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def readiness_problems(using: str = DEFAULT_DB_ALIAS) -> dict:
    """What keeps this process from serving: the database cannot be reached,
    or the code has migrations the database lacks. Empty when ready.

    Reading the migration files and the applied list takes a few
    milliseconds once the modules are imported."""
    connection = connections[using]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        # The reason (host, user, message) goes to the log, not to anyone asking.
        logger.exception("readyz: the database cannot be reached")
        return {"database": "unreachable"}
    unapplied = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    if unapplied:
        return {"database": "ok", "unapplied_migrations": unapplied}
    return {}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answers."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and every migration is applied, else 503
    with what is wrong."""
    problems = readiness_problems()
    if problems:
        return JsonResponse({"status": "unavailable", **problems}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
