from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Division


def division_by_code(code: str) -> Division:
    """The active division with this code, or a ValidationError naming the code."""
    division = Division.objects.active().filter(code=str(code).strip()).first()
    if division is None:
        raise ValidationError(_("No division has the code “%(code)s”.") % {"code": code})
    return division
