from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luodi.reporting.services import ValuesImportRefused, values_import
from luodi.reporting.spreadsheets import SpreadsheetError, read_figures


class Command(BaseCommand):
    help = "Import reported figures from a filled template (.xlsx) or a .csv. All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--user",
            required=True,
            help="the user name the figures are entered as (their scope applies)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")

    def handle(self, *args, path: Path, user: str, dry_run: bool, **options):
        acting_user = get_user_model().objects.filter(username=user).first()
        if acting_user is None:
            raise CommandError(_("--user: no user is called “%(user)s”.") % {"user": user})
        try:
            figures = read_figures(name=path.name, content=path.read_bytes())
            report = values_import(figures=figures, acting_user=acting_user, dry_run=dry_run)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        except SpreadsheetError as error:
            raise CommandError(f"{path}: {error}") from error
        except ValuesImportRefused as error:
            raise CommandError(
                _("Nothing was imported. Fix these and try again:") + "\n" + str(error)
            ) from error
        self.stdout.write(
            _("%(path)s: %(saved)d figures saved, %(unchanged)d unchanged%(dry)s.")
            % {
                "path": path,
                "saved": report.saved,
                "unchanged": report.unchanged,
                "dry": _(" (dry run: nothing kept)") if dry_run else "",
            }
        )
