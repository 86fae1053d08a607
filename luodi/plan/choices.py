from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    AREA = "area", _("Area")
    POWER = "power", _("Power capacity")
    MONEY = "money", _("Money")
    LENGTH = "length", _("Length")
    COUNT = "count", _("Count")
    PERCENT = "percent", _("Percentage")


class AcrossDivisions(models.TextChoices):
    SUM = "sum", _("Sum")
    MEAN = "mean", _("Average")
    MAXIMUM = "max", _("Maximum")


class OverTime(models.TextChoices):
    CUMULATIVE = "cumulative", _("Cumulative (year to date)")
    FLOW = "flow", _("Flow (per period)")
    LEVEL = "level", _("Level (latest value)")
