from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luodi.bundles.management.commands.import_bundle import write_report
from luodi.bundles.services import BundleError
from luodi.demo.services import DEMO_BUNDLE, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Load the Inner Mongolia 2024 demo data and demo users (safe to run again)."

    def handle(self, *args, **options):
        try:
            report = demo_load()
        except BundleError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("Loaded the demo from %(path)s.") % {"path": DEMO_BUNDLE.name})
        write_report(self.stdout, report)
        self.stdout.write("")
        self.stdout.write(_("Demo users (user name / password):"))
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<10} {user.password:<16} {user.description}")
