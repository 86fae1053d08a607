"""What luodi's management commands share."""

from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _


def as_of_option(raw: str | None) -> date:
    """The day an --as-of option names; today when it is not given."""
    if not raw:
        return timezone.localdate()
    try:
        return date.fromisoformat(raw)
    except ValueError as error:
        raise CommandError(
            _("--as-of: “%(value)s” is not a date; write YYYY-MM-DD.") % {"value": raw}
        ) from error
