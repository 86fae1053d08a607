from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luodi.core.models import TimeStampedModel
from luodi.divisions.models import Division

from .choices import CaseKind, CaseStatus, Outcome


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


class CaseType(TimeStampedModel):
    """A kind of case with its steps, time limit in working days and, for a
    credit-repair application, the materials to bring."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    limit_working_days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    materials = models.TextField(_("materials checklist"), blank=True, help_text=_("One per line."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case type")
        verbose_name_plural = _("case types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CaseStep(TimeStampedModel):
    """One step of a case type, in order (received, accepted, processed, decided)."""

    case_type = models.ForeignKey(
        CaseType, verbose_name=_("case type"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["case_type", "order"]
        constraints = [
            models.UniqueConstraint(fields=["case_type", "order"], name="case_step_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.case_type} · {self.order}. {self.name}"


class Window(TimeStampedModel):
    """A service window where cases are received (e.g. a 诚信建设投诉 window)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="windows"
    )
    case_types = models.ManyToManyField(
        CaseType, verbose_name=_("case types"), related_name="windows"
    )
    is_active = models.BooleanField(_("open"), default=True)

    history = HistoricalRecords(m2m_fields=[case_types])

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        ordering = ["division__code", "code"]

    def __str__(self) -> str:
        return self.name


class Case(TimeStampedModel):
    """A complaint or an application on a working-day clock. The applicant
    follows it with its tracking number and a secret, kept hashed."""

    case_type = models.ForeignKey(
        CaseType, verbose_name=_("case type"), on_delete=models.PROTECT, related_name="cases"
    )
    window = models.ForeignKey(
        Window, verbose_name=_("window"), on_delete=models.PROTECT, related_name="cases"
    )
    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    secret_hash = models.CharField(_("secret (hashed)"), max_length=200)
    applicant = models.CharField(_("applicant"), max_length=100)
    contact = models.CharField(_("contact"), max_length=100)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    attachment_name = models.CharField(_("attachment"), max_length=200, blank=True)
    attachment = models.BinaryField(_("attachment content"), null=True, blank=True)
    received_on = models.DateField(_("received on"))
    step = models.ForeignKey(
        CaseStep, verbose_name=_("step"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    paused_on = models.DateField(_("paused on"), null=True, blank=True)
    paused_working_days = models.PositiveSmallIntegerField(_("working days paused"), default=0)
    extension_working_days = models.PositiveSmallIntegerField(
        _("extension (working days)"), default=0
    )
    extension_reason = models.CharField(_("reason for the extension"), max_length=300, blank=True)
    due_on = models.DateField(_("due on"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("reasons"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["secret_hash", "attachment"])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_on", "tracking_number"]

    def __str__(self) -> str:
        return f"{self.tracking_number} · {self.subject}"
