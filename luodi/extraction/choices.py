from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    TARGET = "target", _("Target")
    COMPLETED = "completed", _("Completed")
    PLAN = "plan", _("Plan")
    COUNT = "count", _("Count of items")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class WriteAs(models.TextChoices):
    FIGURE = "figure", _("A draft figure in the division's report")
    TARGET = "target", _("The division's target for the year")
