from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    TARGET = "target", pgettext_lazy("figure kind", "Target")
    COMPLETED = "completed", pgettext_lazy("figure kind", "Completed")
    PLAN = "plan", pgettext_lazy("figure kind", "Plan")
    COUNT = "count", pgettext_lazy("figure kind", "Count of items")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class WriteAs(models.TextChoices):
    FIGURE = "figure", _("A draft figure in the division's report")
    TARGET = "target", _("The division's target for the year")

    @classmethod
    def for_kind(cls, kind: str) -> "WriteAs":
        """What a proposal of this kind is written as unless the clerk says
        otherwise: targets and plans as a target, the rest as a figure."""
        return cls.TARGET if kind in (Kind.TARGET, Kind.PLAN) else cls.FIGURE
