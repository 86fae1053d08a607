import json
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luodi.core.commands import as_of_option
from luodi.divisions.models import Division
from luodi.divisions.selectors import division_by_code

from ...models import Project
from ...oc4ids import DEFAULT_PREFIX, project_package


class Command(BaseCommand):
    help = "Write the major projects as an OC4IDS project package (JSON)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--division", help="a division code: its projects and those below it (default: all)"
        )
        parser.add_argument("--as-of", help="YYYY-MM-DD; today if omitted")
        parser.add_argument("--output", type=Path, help="the file to write (default: stdout)")
        parser.add_argument(
            "--publisher",
            help="the publishing office's name (default: the LUODI_OC4IDS_PUBLISHER setting)",
        )
        parser.add_argument(
            "--prefix",
            help="the registered OC4IDS project identifier prefix "
            f"(default: the LUODI_OC4IDS_PREFIX setting, else “{DEFAULT_PREFIX}”)",
        )
        parser.add_argument(
            "--uri", help="the package's URI (default: a new urn:uuid: that names it uniquely)"
        )

    def handle(self, *args, division, as_of, output, publisher, prefix, uri, **options):
        day = as_of_option(as_of)
        publisher = publisher or settings.LUODI_OC4IDS_PUBLISHER
        if not publisher:
            raise CommandError(
                _("Name the publisher with --publisher or the LUODI_OC4IDS_PUBLISHER setting.")
            )
        projects = Project.objects.all()
        if division:
            try:
                root = division_by_code(division)
            except ValidationError as error:
                raise CommandError(
                    _("--division: %(reason)s") % {"reason": "; ".join(error.messages)}
                ) from error
            projects = projects.filter(divisions__in=Division.objects.subtree_of([root]))
        package = project_package(
            projects=projects,
            as_of=day,
            uri=uri or uuid.uuid4().urn,
            publisher_name=publisher,
            prefix=prefix or settings.LUODI_OC4IDS_PREFIX,
        )
        text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
        if output:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(
                _("%(count)d projects written to %(file)s.")
                % {"count": len(package["projects"]), "file": output}
            )
        else:
            self.stdout.write(text, ending="")
