from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luodi.core.models import TimeStampedModel


class CalendarDay(TimeStampedModel):
    """A day whose status the office sets itself: a holiday or make-up working
    day (调休) that the official-calendar package does not know yet, or a
    correction to it. It wins over the package."""

    day = models.DateField(_("day"), unique=True)
    is_working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self) -> str:
        return self.day.isoformat()


class CalendarYear(TimeStampedModel):
    """A year the office has entered completely (its holidays and make-up
    working days as calendar days): for years the package does not cover,
    luodi counts working days only once the year is declared here."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"), max_length=300, help_text=_("The State Council notice the days come from.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar year entered by the office")
        verbose_name_plural = _("calendar years entered by the office")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)
