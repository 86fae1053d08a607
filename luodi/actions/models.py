from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luodi.core.models import TimeStampedModel
from luodi.divisions.models import Department, Division
from luodi.plan.models import Programme, code_field

from .choices import EventKind


class Event(TimeStampedModel):
    """Something that happened on a date or over a few days: a meeting, an
    inspection tour, the start of works."""

    code = code_field()
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    date_is_approximate = models.BooleanField(
        _("date is approximate"),
        default=False,
        help_text=_("The source gives no exact date; the date is when it was reported."),
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    divisions = models.ManyToManyField(
        Division, verbose_name=_("divisions"), blank=True, related_name="events"
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments"), blank=True, related_name="events"
    )
    summary = models.TextField(_("summary"), blank=True)

    history = HistoricalRecords(m2m_fields=[divisions, departments])

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("An event cannot end before it starts.")})
