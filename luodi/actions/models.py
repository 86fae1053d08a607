from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luodi.core.models import TimeStampedModel
from luodi.divisions.models import Department, Division
from luodi.plan.models import Programme, code_field

from .choices import EventKind, ItemStatus, UpdateKind


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


class Decision(TimeStampedModel):
    """What a meeting decided; it may become a supervised action item."""

    meeting = models.ForeignKey(
        Event, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="decisions"
    )
    text = models.TextField(_("decision"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ActionItem(TimeStampedModel):
    """A supervised item (督办事项): who leads it, by when, and where it stands."""

    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    title = models.CharField(_("title"), max_length=300)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    lead_division = models.ForeignKey(
        Division, verbose_name=_("lead division"), on_delete=models.PROTECT, related_name="+"
    )
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    helpers = models.ManyToManyField(
        Department, verbose_name=_("helping departments"), blank=True, related_name="+"
    )
    assigned_on = models.DateField(_("assigned on"))
    acknowledge_by = models.DateField(_("to be acknowledged by"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.ASSIGNED
    )
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    reported_on = models.DateField(_("reported done on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[helpers])

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ItemUpdate(TimeStampedModel):
    """A step of an action item: acknowledged, progress, reported done,
    verified, returned; with a note and, optionally, evidence."""

    item = models.ForeignKey(
        ActionItem, verbose_name=_("action item"), on_delete=models.CASCADE, related_name="updates"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UpdateKind.choices)
    note = models.TextField(_("note"), blank=True)
    attachment_name = models.CharField(_("attachment"), max_length=200, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=100, blank=True)
    attachment = models.BinaryField(_("attachment content"), null=True, blank=True)
    on = models.DateField(_("on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("action item update")
        verbose_name_plural = _("action item updates")
        ordering = ["item", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_kind_display()}"
