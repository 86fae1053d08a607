from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luodi.bundles.services import BundleError, bundle_import, bundle_read


def write_report(stdout, report) -> None:
    for section, counts in report.sections.items():
        stdout.write(
            _("  %(section)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
            % {
                "section": section,
                "created": counts.created,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
            }
        )


class Command(BaseCommand):
    help = "Import a plan bundle (JSON; see docs/bundle-format.md). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="check the bundle and report, save nothing"
        )
        parser.add_argument("--user", help="user name recorded as the author of the changes")

    def handle(self, *args, path: Path, dry_run: bool, user: str | None, **options):
        acting_user = None
        if user:
            acting_user = get_user_model().objects.filter(username=user).first()
            if acting_user is None:
                raise CommandError(_("--user: no user is called “%(user)s”.") % {"user": user})
        try:
            report = bundle_import(data=bundle_read(path), acting_user=acting_user, dry_run=dry_run)
        except BundleError as error:
            raise CommandError(
                _("Nothing was imported. Fix these and try again:") + "\n" + str(error)
            ) from error
        if dry_run:
            self.stdout.write(_("Checked %(path)s; nothing saved (dry run).") % {"path": path})
        else:
            self.stdout.write(_("Imported %(path)s.") % {"path": path})
        write_report(self.stdout, report)
