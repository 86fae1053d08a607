from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luodi.divisions.permissions import visible_divisions
from luodi.reporting.dhis2 import (
    FORMATS,
    as_csv,
    as_json,
    data_values_export,
    iso_period,
    luodi_period,
)
from luodi.reporting.models import Period


class Command(BaseCommand):
    help = (
        "Export stored figures as a DHIS2 data value set (JSON or CSV), limited to the "
        "divisions the user may see."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--user", required=True, help="the user name whose visible divisions are exported"
        )
        parser.add_argument(
            "--division", help="a division code: that division and those below it (default: all)"
        )
        parser.add_argument(
            "--period",
            nargs="+",
            default=[],
            help="DHIS2 periods such as 202403, 2024Q1, 2024 (default: all)",
        )
        parser.add_argument(
            "--format", choices=FORMATS, help="json or csv (default: from --output, else json)"
        )
        parser.add_argument("--output", type=Path, help="the file to write (default: stdout)")

    def handle(self, *args, user, division, period, format, output, **options):
        acting_user = get_user_model().objects.filter(username=user).first()
        if acting_user is None:
            raise CommandError(_("--user: no user is called “%(user)s”.") % {"user": user})
        divisions = visible_divisions(acting_user)
        if division:
            # Out of sight reads as unknown, as everywhere else.
            chosen = divisions.filter(code=division, is_active=True).first()
            if chosen is None:
                raise CommandError(
                    _("--division: no division you may see has the code “%(code)s”.")
                    % {"code": division}
                )
            divisions = divisions.filter(path__startswith=chosen.path)
        periods = Period.objects.all()
        if period:
            try:
                codes = [luodi_period(iso) for iso in period]
            except ValueError as error:
                raise CommandError(f"--period: {error}") from error
            periods = Period.objects.filter(code__in=codes)
            missing = sorted(set(codes) - set(periods.values_list("code", flat=True)))
            if missing:
                raise CommandError(
                    _("--period: no period %(codes)s.")
                    % {"codes": ", ".join(iso_period(code) for code in missing)}
                )
        if format is None:
            suffix = output.suffix.lower().lstrip(".") if output else ""
            format = suffix if suffix in FORMATS else "json"
        values = data_values_export(divisions=divisions, periods=periods)
        content = as_csv(values) if format == "csv" else as_json(values)
        if output is None:
            self.stdout.write(content.decode(), ending="")
        else:
            output.write_bytes(content)
            self.stderr.write(
                _("%(count)d data values written to %(path)s.")
                % {"count": len(values), "path": output}
            )
