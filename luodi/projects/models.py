from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luodi.core.models import TimeStampedModel
from luodi.divisions.models import Department, Division
from luodi.plan.models import Programme, code_field

from .choices import ApprovalKind, Phase

not_negative = MinValueValidator(Decimal(0))
plausible_year = [MinValueValidator(2000), MaxValueValidator(2100)]


class Project(TimeStampedModel):
    """A project on the major-project list. Amounts are kept in 元."""

    code = code_field()
    name = models.CharField(_("name"), max_length=300)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="projects"
    )
    divisions = models.ManyToManyField(
        Division, verbose_name=_("divisions"), related_name="projects"
    )
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    total_investment = models.DecimalField(
        _("total investment (元)"),
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[not_negative],
        help_text=_("Empty when the list does not give it."),
    )
    planned_investment = models.DecimalField(
        _("planned investment this year (元)"),
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[not_negative],
    )
    planned_investment_year = models.PositiveSmallIntegerField(
        _("year of planned investment"), null=True, blank=True, validators=plausible_year
    )
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.PRE_CONSTRUCTION
    )
    listed_on = models.DateField(_("listed on"))
    expected_start_year = models.PositiveSmallIntegerField(
        _("expected start year"), null=True, blank=True, validators=plausible_year
    )
    planned_start_on = models.DateField(
        _("planned start month"),
        null=True,
        blank=True,
        help_text=_("Any day of the month construction is planned to start."),
    )
    started_on = models.DateField(_("construction started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    is_sample = models.BooleanField(
        _("sample record"), default=False, help_text=_("Demo data whose name is made up.")
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(m2m_fields=[divisions])

    class Meta:
        verbose_name = _("major project")
        verbose_name_plural = _("major projects")
        ordering = ["programme", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_investment__isnull=True)
                | models.Q(total_investment__gte=0),
                name="project_investment_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_investment__isnull=True)
                | models.Q(planned_investment__gte=0),
                name="project_planned_investment_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        # A project may already be under construction when it is listed, with
        # its start date unknown: it then counts as started from `listed_on`.
        if self.phase == Phase.PRE_CONSTRUCTION and self.started_on is not None:
            errors["started_on"] = _("A project still in pre-construction has no start date.")
        if self.phase == Phase.COMPLETED and self.completed_on is None:
            errors["completed_on"] = _("A completed project needs its completion date.")
        if self.phase != Phase.COMPLETED and self.completed_on is not None:
            errors["completed_on"] = _("Only a completed project has a completion date.")
        if self.phase == Phase.CANCELLED and self.cancelled_on is None:
            errors["cancelled_on"] = _("A cancelled project needs the date it was cancelled.")
        if self.phase != Phase.CANCELLED and self.cancelled_on is not None:
            errors["cancelled_on"] = _("Only a cancelled project has a cancellation date.")
        if self.started_on and self.completed_on and self.completed_on < self.started_on:
            errors["completed_on"] = _("Completed before it started.")
        if (self.planned_investment is None) != (self.planned_investment_year is None):
            errors["planned_investment_year"] = _(
                "Give the planned investment and its year together."
            )
        if errors:
            raise ValidationError(errors)


class ProjectApproval(TimeStampedModel):
    """One pre-construction approval a project needs; open until it is granted."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="approvals"
    )
    kind = models.CharField(_("approval"), max_length=30, choices=ApprovalKind.choices)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pre-construction approval")
        verbose_name_plural = _("pre-construction approvals")
        ordering = ["project", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="approval_unique_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()}"
