import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luodi.core.models import TimeStampedModel

from .choices import DepartmentKind, Level, Role

division_code_validator = RegexValidator(
    r"^\d{6}(\d{3})?$", _("A division code has 6 digits (9 for a township).")
)


def _new_key() -> str:
    return uuid.uuid4().hex[:12]


class DivisionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def subtree_of(self, divisions):
        """Every division at or below any of `divisions`."""
        condition = models.Q(pk__in=[])
        for division in divisions:
            condition |= models.Q(path__startswith=division.path)
        return self.filter(condition)


class Division(TimeStampedModel):
    """One administrative division. The GB/T 2260 code is data, not the key:
    codes are re-assigned when divisions are merged or renamed."""

    code = models.CharField(
        _("division code"), max_length=9, validators=[division_code_validator], db_index=True
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # A key of its own that never changes, unlike the code; the path strings the
    # keys from the root down ("/<root key>/<child key>/"), so a subtree is a prefix.
    key = models.CharField(_("key"), max_length=12, unique=True, editable=False, default=_new_key)
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = DivisionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(is_active=True),
                name="division_code_unique_while_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.code}"

    def clean(self) -> None:
        if self.parent is not None and f"/{self.key}/" in self.parent.path:
            raise ValidationError({"parent": _("A division cannot be placed below itself.")})

    def is_within(self, other: "Division") -> bool:
        return self.path.startswith(other.path)


class Department(TimeStampedModel):
    """A government body that leads work or issues policies."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=DepartmentKind.choices)
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departments",
        help_text=_("Empty for national ministries."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """A user's role in a division; it reaches the whole subtree below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("The body the person works for, if any: a department of this division."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "division", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.division} · {self.get_role_display()}"
