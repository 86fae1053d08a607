from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from luodi.core.backups import BackupError, database_restore


class Command(BaseCommand):
    help = (
        "Load a backup made by `luodi backup` into an empty database; a database that "
        "has any table is refused and left as it is."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the backup file")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database alias")

    def handle(self, *args, path: Path, database: str, **options):
        try:
            summary = database_restore(path=path, database=connections[database])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Restored %(tables)d tables from %(path)s (%(size)s).")
            % {
                "tables": summary.tables,
                "path": summary.path,
                "size": filesizeformat(summary.size),
            }
        )
