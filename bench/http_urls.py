"""luodi's URLs plus the benchmark's ceilings: plain Django views that answer
the same rows with one query and a JsonResponse, without luodi's log-in,
scope, rules, history or audit. Served only by bench/http.py's server."""

import json
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as luodi_urlpatterns
from luodi.divisions.models import Division
from luodi.reporting.models import DataValue


def board_rows(request, code: str):
    """The figures of the division's subtree the dashboard is made from."""
    division = Division.objects.get(code=code, is_active=True)
    rows = DataValue.objects.filter(report__division__path__startswith=division.path).values(
        "indicator__code", "report__division__code", "report__period__code", "value", "version"
    )
    return JsonResponse({"values": list(rows)})


@csrf_exempt
def value_put(request, indicator: str, division: str, period: str):
    """One figure written with one UPDATE."""
    value = Decimal(json.loads(request.body)["value"])
    with transaction.atomic():
        DataValue.objects.filter(
            indicator__code=indicator, report__division__code=division, report__period__code=period
        ).update(value=value, version=F("version") + 1)
    return JsonResponse({"value": str(value)})


urlpatterns = [
    path("bench/ceiling/<str:code>/data.json", board_rows),
    path("bench/ceiling/values/<str:indicator>/<str:division>/<str:period>", value_put),
    *luodi_urlpatterns,
]
