import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luodi.reporting.dhis2 import FORMATS, data_values_import


class Command(BaseCommand):
    help = (
        "Import a DHIS2 data value set (.json or .csv; codes as identifiers, values in "
        "each indicator's display unit). All or nothing; prints DHIS2's import summary."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--user",
            required=True,
            help="the user name the figures are entered as (their scope applies)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would change, save nothing"
        )

    def handle(self, *args, path: Path, user: str, dry_run: bool, **options):
        acting_user = get_user_model().objects.filter(username=user).first()
        if acting_user is None:
            raise CommandError(_("--user: no user is called “%(user)s”.") % {"user": user})
        format = path.suffix.lower().lstrip(".")
        if format not in FORMATS:
            raise CommandError(_("%(path)s: name a .json or .csv file.") % {"path": path})
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        summary = data_values_import(
            content=content, format=format, acting_user=acting_user, dry_run=dry_run
        )
        self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
        if summary["status"] != "SUCCESS":
            raise CommandError(summary["description"])
