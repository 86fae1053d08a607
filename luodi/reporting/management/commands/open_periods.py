from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luodi.reporting.services import periods_open_year


class Command(BaseCommand):
    help = "Open the reporting periods of a year: its months, quarters and the year itself."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year: int, **options):
        try:
            periods = periods_open_year(year=year, acting_user=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            _("%(count)d periods of %(year)d are open: %(first)s … %(last)s.")
            % {"count": len(periods), "year": year, "first": periods[0], "last": periods[-1]}
        )
