from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("Integrity complaint (诚信建设投诉)")
    CREDIT_REPAIR = "credit_repair", _("Credit-repair application (信用修复)")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused: waiting for the applicant's materials")
    DECIDED = "decided", _("Decided")


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    ANSWERED = "answered", _("Answered")
