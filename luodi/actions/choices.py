from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    DISPATCH_MEETING = "dispatch_meeting", _("Dispatch meeting")
    PROGRESS_MEETING = "progress_meeting", _("Progress meeting")
    INSPECTION = "inspection", _("Inspection")
    LAUNCH = "launch", _("Launch or start of works")
    SEMINAR = "seminar", _("Seminar or training")
    DECISION = "decision", _("Decision or approval")
    OTHER = "other", _("Other")
