from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Province / region")
    PREFECTURE = "prefecture", _("Prefecture / league / city")
    COUNTY = "county", _("County / banner / district")
    TOWNSHIP = "township", _("Township / sumu")


class DepartmentKind(models.TextChoices):
    NATIONAL_MINISTRY = "national_ministry", _("National ministry")
    REGIONAL_DEPARTMENT = "regional_department", _("Regional department")
    LOCAL_DEPARTMENT = "local_department", _("Local department")
    OTHER = "other", _("Other body")


class Role(models.TextChoices):
    TASK_FORCE = "task_force", _("Task-force administrator")
    REPORTER = "reporter", _("Reporter")
    APPROVER = "approver", _("Approver")
    VIEWER = "viewer", _("Viewer (leaders)")


EDITING_ROLES = frozenset({Role.TASK_FORCE, Role.REPORTER, Role.APPROVER})


# From the top of the tree down.
LEVEL_ORDER = [Level.PROVINCE, Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP]


def is_above(level: str, other: str) -> bool:
    """Whether divisions at `level` sit higher in the tree than those at `other`."""
    return LEVEL_ORDER.index(Level(level)) < LEVEL_ORDER.index(Level(other))


def levels_below(level: str) -> list[Level]:
    return LEVEL_ORDER[LEVEL_ORDER.index(Level(level)) + 1 :]
