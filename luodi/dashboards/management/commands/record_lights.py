from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luodi.core.commands import as_of_option
from luodi.dashboards.services import lights_record
from luodi.divisions.models import Division


class Command(BaseCommand):
    help = (
        "Record the lights the dashboards show today (or on --as-of) wherever one changed "
        "colour. Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD; today if omitted")
        parser.add_argument(
            "--division",
            action="append",
            default=[],
            help="a division code (repeatable); default: each top division and the ones below it",
        )

    def handle(self, *args, as_of: str | None, division: list[str], **options):
        day = as_of_option(as_of)
        if division:
            found = list(Division.objects.filter(code__in=division, is_active=True))
            missing = sorted(set(division) - {d.code for d in found})
            if missing:
                raise CommandError(
                    _("--division: no division with the code %(codes)s.")
                    % {"codes": ", ".join(missing)}
                )
        else:
            tops = list(Division.objects.filter(parent__isnull=True, is_active=True))
            found = tops + list(Division.objects.filter(parent__in=tops, is_active=True))
        report = lights_record(divisions=found, as_of=day, acting_user=None)
        self.stdout.write(
            _("%(day)s: %(looked)d lights looked at, %(changed)d changed.")
            % {"day": day.isoformat(), "looked": report.looked_at, "changed": report.changed}
        )
