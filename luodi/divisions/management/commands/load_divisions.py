from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luodi.divisions.choices import Level
from luodi.divisions.services import divisions_load


class Command(BaseCommand):
    help = "Load or refresh one province's divisions (GB/T 2260) down to county level."

    def add_arguments(self, parser):
        parser.add_argument("province_code", help="6-digit province code, e.g. 150000")

    def handle(self, *args, province_code: str, **options):
        try:
            report = divisions_load(province_code=province_code)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(
            _(
                "%(code)s from %(source)s: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged."
            )
            % {
                "code": report.province_code,
                "source": report.source,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            }
        )
        for level in Level:
            if level.value in report.by_level:
                self.stdout.write(f"  {level.label}: {report.by_level[level.value]}")
