from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    PRE_CONSTRUCTION = "pre_construction", _("Pre-construction approvals")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ApprovalKind(models.TextChoices):
    PROJECT_APPROVAL = "project_approval", _("Project approval or filing")
    LAND = "land", _("Land use")
    PLANNING = "planning", _("Planning permit")
    ENVIRONMENT = "environment", _("Environmental impact assessment")
    ENERGY = "energy", _("Energy-saving review")
    WATER = "water", _("Water and soil conservation")
    FOREST_GRASSLAND = "forest_grassland", _("Forest and grassland use")
    CONSTRUCTION_PERMIT = "construction_permit", _("Construction permit")
    OTHER = "other", _("Other")
