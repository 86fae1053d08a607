from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from luodi.core.backups import BackupError, database_backup


class Command(BaseCommand):
    help = (
        "Copy the database to PATH (a new file, or a folder for a dated file) while luodi "
        "keeps running: SQLite through its backup API, PostgreSQL with pg_dump -Fc."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a new file, or a folder")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database alias")

    def handle(self, *args, path: Path, database: str, **options):
        try:
            summary = database_backup(path=path, database=connections[database])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Backed up %(tables)d tables to %(path)s (%(size)s).")
            % {
                "tables": summary.tables,
                "path": summary.path,
                "size": filesizeformat(summary.size),
            }
        )
