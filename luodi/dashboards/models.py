from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luodi.core.models import TimeStampedModel
from luodi.divisions.models import Division
from luodi.plan.models import Campaign, Programme

from .choices import Light, Subject

NOT_NEGATIVE = [MinValueValidator(Decimal(0))]


class LightRule(TimeStampedModel):
    """When a status light turns amber or red. One rule per campaign (no
    programme) sets the defaults; a programme may have its own."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="light_rules"
    )
    programme = models.OneToOneField(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="light_rule",
        help_text=_("Empty for the campaign's default rule."),
    )
    indicator_amber_points = models.DecimalField(
        _("indicator amber from (points behind the trajectory)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(10),
        validators=NOT_NEGATIVE,
    )
    indicator_red_points = models.DecimalField(
        _("indicator red beyond (points behind the trajectory)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(30),
        validators=NOT_NEGATIVE,
    )
    project_amber_months = models.PositiveSmallIntegerField(
        _("project amber this many months after its planned start month"), default=0
    )
    project_red_months = models.PositiveSmallIntegerField(
        _("project red this many months after its planned start month"), default=3
    )
    item_amber_working_days = models.PositiveSmallIntegerField(
        _("action item amber this many working days before it is due"), default=3
    )
    policy_amber_days = models.PositiveSmallIntegerField(
        _("policy amber this many days after its planned issue date"), default=0
    )
    policy_red_days = models.PositiveSmallIntegerField(
        _("policy red this many days after its planned issue date"),
        null=True,
        blank=True,
        help_text=_("Empty: an overdue policy stays amber."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("light rule")
        verbose_name_plural = _("light rules")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign"],
                condition=models.Q(programme__isnull=True),
                name="light_rule_one_default_per_campaign",
            )
        ]

    def __str__(self) -> str:
        return str(self.programme or self.campaign)

    def clean(self) -> None:
        errors = {}
        if self.programme is not None and self.programme.campaign_id != self.campaign_id:
            errors["programme"] = _("The programme belongs to another campaign.")
        if self.indicator_red_points < self.indicator_amber_points:
            errors["indicator_red_points"] = _("Red cannot start before amber.")
        if self.project_red_months < self.project_amber_months:
            errors["project_red_months"] = _("Red cannot start before amber.")
        if self.policy_red_days is not None and self.policy_red_days < self.policy_amber_days:
            errors["policy_red_days"] = _("Red cannot start before amber.")
        if errors:
            raise ValidationError(errors)


class LightChange(models.Model):
    """A light that changed colour, as recorded on a day: the lights' history.
    Rows are only ever added, so a light that turns green again keeps its past."""

    subject = models.CharField(_("what"), max_length=10, choices=Subject.choices)
    subject_id = models.PositiveBigIntegerField(_("record"))
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For an indicator: the division whose progress it is."),
    )
    light = models.CharField(_("light"), max_length=10, choices=Light.choices)
    reason = models.CharField(_("why"), max_length=300)
    observed_on = models.DateField(_("as of"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("light change")
        verbose_name_plural = _("light changes")
        ordering = ["subject", "subject_id", "division", "observed_on", "id"]
        indexes = [models.Index(fields=["subject", "subject_id", "division", "observed_on"])]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} {self.subject_id} · {self.light} · {self.observed_on}"
