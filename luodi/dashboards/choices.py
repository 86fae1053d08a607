from django.db import models
from django.utils.translation import gettext_lazy as _


class Light(models.TextChoices):
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")
    NONE = "none", _("No light")


class Subject(models.TextChoices):
    INDICATOR = "indicator", _("Indicator")
    PROJECT = "project", _("Project")
    POLICY = "policy", _("Policy")
    ACTION_ITEM = "item", _("Action item")
