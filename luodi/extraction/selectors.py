"""Reads for reading reports: the catalogue a text is read against, and the
readings a user may see."""

from django.db.models import QuerySet

from luodi.divisions.models import Division
from luodi.divisions.permissions import visible_divisions
from luodi.plan.models import Indicator

from .catalogue import Catalogue, division_entry, indicator_entry
from .models import Proposal, Reading


def catalogue_for(division: Division) -> Catalogue:
    """The indicators luodi holds, and the divisions of `division`'s province
    (a report may name any of them, and the region above)."""
    province_path = "/" + division.path.strip("/").split("/")[0] + "/"
    indicators = [
        indicator_entry(code=i.code, name=i.name, unit=i.unit.symbol, aliases=i.aliases, pk=i.pk)
        for i in Indicator.objects.select_related("unit").order_by("pk")
    ]
    divisions = [
        division_entry(code=d.code, name=d.name, level=d.level, pk=d.pk)
        for d in Division.objects.active()
        .filter(path__startswith=province_path)
        .order_by("path")
        .only("pk", "code", "name", "level")
    ]
    return Catalogue(indicators=indicators, divisions=divisions)


def readings_seen(user) -> QuerySet[Reading]:
    return Reading.objects.filter(division__in=visible_divisions(user)).select_related(
        "division", "read_by"
    )


def proposals_of(reading: Reading) -> QuerySet[Proposal]:
    return reading.proposals.select_related(
        "indicator__unit", "division", "decided_by", "part_of", "data_value", "target"
    )
