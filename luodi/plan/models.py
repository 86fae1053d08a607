from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luodi.core.models import TimeStampedModel
from luodi.divisions.models import Department, Division

from .choices import AcrossDivisions, Dimension, OverTime

code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_.-]*$", _("Use lower-case letters, digits, “-”, “_” or “.”.")
)


def code_field():
    return models.CharField(_("code"), max_length=60, unique=True, validators=[code_validator])


class Campaign(TimeStampedModel):
    """A campaign a government runs, e.g. "focus on five tasks, push six programmes"."""

    code = code_field()
    name = models.CharField(_("name"), max_length=200)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="campaigns"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    decided_by = models.CharField(_("decided by"), max_length=300, blank=True)
    decided_from = models.DateField(_("decided from"), null=True, blank=True)
    decided_until = models.DateField(_("decided until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.name


class StrategicTask(TimeStampedModel):
    code = code_field()
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="tasks"
    )
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategic task")
        verbose_name_plural = _("strategic tasks")
        ordering = ["campaign", "order", "code"]

    def __str__(self) -> str:
        return self.name


class Programme(TimeStampedModel):
    code = code_field()
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    strategic_tasks = models.ManyToManyField(
        StrategicTask, verbose_name=_("strategic tasks"), blank=True, related_name="programmes"
    )
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_programmes",
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords(m2m_fields=[strategic_tasks])

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["campaign", "order", "code"]

    def __str__(self) -> str:
        return self.name


class Workstream(TimeStampedModel):
    code = code_field()
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="workstreams"
    )
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_workstreams",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("workstream")
        verbose_name_plural = _("workstreams")
        ordering = ["programme", "order", "code"]

    def __str__(self) -> str:
        return self.name


class Unit(TimeStampedModel):
    """A unit of measure. Values are stored in the base unit of the dimension
    (the unit whose factor is 1): 1500 万亩 is kept as 15,000,000 亩."""

    symbol = models.CharField(_("symbol"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    factor = models.DecimalField(
        _("base units in one"),
        max_digits=24,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0.000001"))],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["dimension", "factor"]

    def __str__(self) -> str:
        return self.symbol


class Indicator(TimeStampedModel):
    code = code_field()
    name = models.CharField(_("name"), max_length=200)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="indicators"
    )
    workstream = models.ForeignKey(
        Workstream,
        verbose_name=_("workstream"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("display unit"),
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    across_divisions = models.CharField(
        _("combined across divisions by"),
        max_length=10,
        choices=AcrossDivisions.choices,
        default=AcrossDivisions.SUM,
    )
    over_time = models.CharField(
        _("combined over time as"),
        max_length=12,
        choices=OverTime.choices,
        default=OverTime.CUMULATIVE,
    )
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    description = models.TextField(_("description"), blank=True)
    aliases = models.CharField(
        _("other names"),
        max_length=300,
        blank=True,
        help_text=_("What reports call it besides its name, separated by 、: 防沙治沙、治沙."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["programme", "code"]

    def __str__(self) -> str:
        return f"{self.name} · {self.unit}"


class Target(TimeStampedModel):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="targets"
    )
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(
        _("target (base unit)"),
        max_digits=24,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(0))],
    )
    change_percent = models.DecimalField(
        _("change on previous year (%)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    trajectory = models.JSONField(
        _("monthly trajectory (%)"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: twelve numbers, the share of the target due by the end of each "
            "month, e.g. [5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100]. Without it, "
            "the share of the year elapsed is the trajectory."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year", "division__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "division", "year"], name="target_unique_per_year"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} · {self.division.name} · {self.year}"

    def clean(self) -> None:
        if self.trajectory is None:
            return
        shares = self.trajectory
        valid = (
            isinstance(shares, list)
            and len(shares) == 12
            and all(isinstance(s, int | float) and not isinstance(s, bool) for s in shares)
            and all(0 <= s <= 100 for s in shares)
            and all(a <= b for a, b in zip(shares, shares[1:], strict=False))
        )
        if not valid:
            raise ValidationError(
                {
                    "trajectory": _(
                        "Give twelve numbers from 0 to 100 that never fall, one for the end "
                        "of each month."
                    )
                }
            )
