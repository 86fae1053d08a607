from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luodi.core.models import TimeStampedModel
from luodi.divisions.models import Department
from luodi.plan.models import Programme, code_field

from .choices import PolicyStatus


class Policy(TimeStampedModel):
    """A supporting policy in the ledger: planned (拟出台) until it is issued (已出台)."""

    code = code_field()
    title = models.CharField(_("title"), max_length=300)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issuing_departments = models.ManyToManyField(
        Department, verbose_name=_("issuing departments"), related_name="policies"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="policies"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.PLANNED
    )
    planned_on = models.DateField(_("planned on"))
    due_on = models.DateField(
        _("to be issued by"),
        null=True,
        blank=True,
        help_text=_("The planned issue date; the policy's light turns amber once it has passed."),
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    is_sample = models.BooleanField(
        _("sample record"), default=False, help_text=_("Demo data whose title is made up.")
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(m2m_fields=[issuing_departments])

    class Meta:
        verbose_name = _("supporting policy")
        verbose_name_plural = _("supporting policies")
        ordering = ["programme", "code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status=PolicyStatus.PLANNED, issued_on__isnull=True)
                    | models.Q(status=PolicyStatus.ISSUED, issued_on__isnull=False)
                ),
                name="policy_issued_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(issued_on__isnull=True)
                | models.Q(issued_on__gte=models.F("planned_on")),
                name="policy_issued_after_planned",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.status == PolicyStatus.ISSUED and self.issued_on is None:
            errors["issued_on"] = _("An issued policy needs the date it was issued.")
        if self.status == PolicyStatus.PLANNED and self.issued_on is not None:
            errors["issued_on"] = _("A planned policy has no issue date yet.")
        if self.issued_on and self.planned_on and self.issued_on < self.planned_on:
            errors["issued_on"] = _(
                "Issued on %(issued)s, before it was planned on %(planned)s."
            ) % {"issued": self.issued_on, "planned": self.planned_on}
        if errors:
            raise ValidationError(errors)
