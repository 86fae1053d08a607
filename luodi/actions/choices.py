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


class ItemStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTED_DONE = "reported_done", _("Reported done")
    CLOSED = "closed", _("Verified and closed")
    RETURNED = "returned", _("Returned for rework")


class UpdateKind(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    PROGRESS = "progress", _("Progress")
    REPORTED_DONE = "reported_done", _("Reported done")
    CLOSED = "closed", _("Verified and closed")
    RETURNED = "returned", _("Returned for rework")


# What may follow each status.
NEXT_STATUSES = {
    ItemStatus.ASSIGNED: {ItemStatus.ACKNOWLEDGED},
    ItemStatus.ACKNOWLEDGED: {ItemStatus.IN_PROGRESS, ItemStatus.REPORTED_DONE},
    ItemStatus.IN_PROGRESS: {ItemStatus.IN_PROGRESS, ItemStatus.REPORTED_DONE},
    ItemStatus.RETURNED: {ItemStatus.IN_PROGRESS, ItemStatus.REPORTED_DONE},
    ItemStatus.REPORTED_DONE: {ItemStatus.CLOSED, ItemStatus.RETURNED},
    ItemStatus.CLOSED: set(),
}
