"""Reporting refused input: how a long list of errors is shown."""

from django.utils.translation import gettext as _

ERRORS_LISTED = 50


def at_most_listed(errors: list[str], limit: int = ERRORS_LISTED) -> list[str]:
    """The first `limit` errors and a line counting the rest, so a file with
    thousands of bad rows still gives a readable answer."""
    if len(errors) <= limit:
        return list(errors)
    return [*errors[:limit], _("… and %(count)d more errors.") % {"count": len(errors) - limit}]
