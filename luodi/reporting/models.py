from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luodi.core.models import TimeStampedModel
from luodi.divisions.choices import Level, is_above
from luodi.divisions.models import Division
from luodi.plan.models import Indicator

from .choices import Frequency, ParentCheck, ReportStatus


class Period(TimeStampedModel):
    """A reporting period: a month, a quarter or a year."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["starts_on", "frequency"]
        constraints = [
            models.UniqueConstraint(fields=["frequency", "starts_on"], name="period_unique_start")
        ]

    def __str__(self) -> str:
        return self.code


class Assignment(TimeStampedModel):
    """Which divisions report an indicator (those at `level`), how often, and
    the rules its values must pass. With a parent check, every division above
    that level also enters its own total, which is held against the sum of its
    children's figures; totals of the tree are always made from the figures at
    `level`, so the parents' own totals are never counted twice."""

    indicator = models.OneToOneField(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="assignment",
    )
    level = models.CharField(_("reported by divisions at"), max_length=20, choices=Level.choices)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    closes_after_days = models.PositiveSmallIntegerField(
        _("entry closes days after the period ends"), default=10
    )
    minimum = models.DecimalField(
        _("lowest value (base unit)"),
        max_digits=24,
        decimal_places=6,
        null=True,
        blank=True,
        default=Decimal(0),
    )
    maximum = models.DecimalField(
        _("highest value (base unit)"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    comment_above_target_factor = models.DecimalField(
        _("a value above this many times the target needs a comment"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal(2),
        validators=[MinValueValidator(Decimal(1))],
    )
    parent_check = models.CharField(
        _("parent's total against its children's sum"),
        max_length=10,
        choices=ParentCheck.choices,
        default=ParentCheck.OFF,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting assignment")
        verbose_name_plural = _("reporting assignments")

    def __str__(self) -> str:
        return (
            f"{self.indicator.name} · {self.get_level_display()} · {self.get_frequency_display()}"
        )

    def reported_at(self, level: str) -> bool:
        """Whether divisions at `level` enter this indicator: those at the
        reporting level, and those above it when their own totals are checked
        against their children's."""
        return level == self.level or (
            self.parent_check != ParentCheck.OFF and is_above(level, self.level)
        )


class Report(TimeStampedModel):
    """One division's figures for one period, submitted and approved as a whole."""

    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["period", "division__code"]
        constraints = [models.UniqueConstraint(fields=["division", "period"], name="report_unique")]

    def __str__(self) -> str:
        return f"{self.division.name} · {self.period}"


class DataValue(TimeStampedModel):
    """One figure in a report, kept in the indicator's base unit. `version`
    rises with every change, so a save made from a stale copy is refused."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.PROTECT, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    value = models.DecimalField(_("value (base unit)"), max_digits=24, decimal_places=6)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="value_unique")]

    def __str__(self) -> str:
        return f"{self.report} · {self.indicator.name}"
