from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from luodi.actions.digests import digests_send
from luodi.core.commands import as_of_option


class Command(BaseCommand):
    help = "Mail each person the action items due soon or overdue for them (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD; today if omitted")

    def handle(self, *args, **options):
        day = as_of_option(options["as_of"])
        sent = digests_send(as_of=day)
        self.stdout.write(_("%(day)s: %(sent)d digests sent.") % {"day": day, "sent": sent})
