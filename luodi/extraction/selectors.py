"""Reads for reading reports: the catalogue a text is read against, and the
readings a user may see."""

from django.db.models import QuerySet

from luodi.divisions.models import Division
from luodi.divisions.permissions import visible_divisions
from luodi.plan.models import Indicator
from luodi.plan.selectors import indicators_seen

from .catalogue import Catalogue, division_entry, indicator_entry
from .models import Proposal, Reading


def province_divisions(division: Division) -> QuerySet[Division]:
    """The active divisions of `division`'s province: a report may name any."""
    province_path = "/" + division.path.strip("/").split("/")[0] + "/"
    return Division.objects.active().filter(path__startswith=province_path).order_by("path")


def catalogue_for(division: Division, user) -> Catalogue:
    """What a report from `division` is read against: the indicators of the
    user's campaigns (all of them for the command line, where `user` is None),
    and the divisions of the division's province."""
    held = indicators_seen(user) if user is not None else Indicator.objects.select_related("unit")
    indicators = [
        indicator_entry(code=i.code, name=i.name, unit=i.unit.symbol, aliases=i.aliases, pk=i.pk)
        for i in held.order_by("pk")
    ]
    divisions = [
        division_entry(code=d.code, name=d.name, level=d.level, pk=d.pk)
        for d in province_divisions(division).only("pk", "code", "name", "level")
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
