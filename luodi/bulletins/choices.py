from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    ZH = "zh", _("Chinese")
    EN = "en", _("English")


class Format(models.TextChoices):
    TXT = "txt", _("Plain text")
    DOCX = "docx", _("Word")
    XLSX = "xlsx", _("Excel")
    PDF = "pdf", _("PDF")


class Wording(models.TextChoices):
    """The sentences a bulletin is made of; each has its own placeholders."""

    TITLE = "title", _("Title")
    DATELINE = "dateline", _("Date line")
    POLICIES = "policies", _("Supporting policies")
    PROJECTS = "projects", _("Major projects")
    TARGETS = "targets", _("This year's targets")
    PROGRESS = "progress", _("Reported progress")
    EVENTS = "events", _("Recent work")


# The placeholders each sentence may use.
PLACEHOLDERS = {
    Wording.TITLE: ["campaign"],
    Wording.DATELINE: ["date"],
    Wording.POLICIES: ["date", "ministries", "total", "issued", "planned"],
    Wording.PROJECTS: ["date", "total", "started", "waiting", "expected"],
    Wording.TARGETS: ["targets"],
    Wording.PROGRESS: ["date", "progress"],
    Wording.EVENTS: ["events"],
}

MEDIA_TYPES = {
    Format.TXT: "text/plain; charset=utf-8",
    Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.PDF: "application/pdf",
}
