"""A report read by luodi (`Reading`) and the figures it proposes from it
(`Proposal`), each waiting for a person to accept, correct or reject it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luodi.core.models import TimeStampedModel
from luodi.divisions.models import Division
from luodi.plan.models import Indicator, Target
from luodi.reporting.models import DataValue

from .choices import Kind, ProposalStatus


class Reading(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    division = models.ForeignKey(
        Division,
        verbose_name=_("report from"),
        on_delete=models.PROTECT,
        related_name="readings",
        help_text=_("全盟, 我市 and figures that name no division are this division's."),
    )
    as_of = models.DateField(_("report date"))
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reading")
        verbose_name_plural = _("readings")

    def __str__(self) -> str:
        return self.title


class Proposal(TimeStampedModel):
    reading = models.ForeignKey(
        Reading, verbose_name=_("reading"), on_delete=models.CASCADE, related_name="proposals"
    )
    position = models.PositiveIntegerField(_("position"))
    written = models.CharField(_("as written"), max_length=100)
    value = models.DecimalField(_("value (base unit)"), max_digits=24, decimal_places=6)
    upper = models.DecimalField(
        _("upper end of a range"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    unit = models.CharField(_("base unit"), max_length=20)
    dimension = models.CharField(_("dimension"), max_length=20)
    approximate = models.BooleanField(_("approximate"), default=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    period = models.CharField(_("as of"), max_length=10, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    sentence = models.TextField(_("sentence"))
    sentence_offset = models.PositiveIntegerField(_("position in the sentence"))
    part_of = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parts",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    data_value = models.ForeignKey(
        DataValue,
        verbose_name=_("figure written"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    target = models.ForeignKey(
        Target,
        verbose_name=_("target written"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["reading", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["reading", "position"], name="extraction_proposal_position_unique"
            )
        ]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return f"{self.written} · {self.sentence[:40]}"

    @property
    def sentence_before(self) -> str:
        return self.sentence[: self.sentence_offset]

    @property
    def sentence_after(self) -> str:
        return self.sentence[self.sentence_offset + len(self.written) :]
