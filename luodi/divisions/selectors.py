from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Division


def division_by_code(code: str) -> Division:
    """The active division with this code, or a ValidationError naming the code."""
    division = Division.objects.active().filter(code=str(code).strip()).first()
    if division is None:
        raise ValidationError(_("No division has the code “%(code)s”.") % {"code": code})
    return division


def division_counts_by_level(root: Division) -> dict[str, int]:
    counts: dict[str, int] = {}
    for level in Division.objects.active().subtree_of([root]).values_list("level", flat=True):
        counts[level] = counts.get(level, 0) + 1
    return counts
