from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luodi.bulletins.choices import Format, Language
from luodi.bulletins.services import bulletin_generate
from luodi.core.commands import as_of_option
from luodi.divisions.models import Division


class Command(BaseCommand):
    help = "Write the bulletin as of a date (and keep it): text, Word, Excel or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD; today if omitted")
        parser.add_argument("--programme", help="one programme's code; all if omitted")
        parser.add_argument("--division", help="a division code; the top division if omitted")
        parser.add_argument("--lang", choices=Language.values, default=Language.ZH)
        parser.add_argument("--format", choices=Format.values, default=Format.TXT)
        parser.add_argument("--user", help="the user name it is generated as (their scope applies)")
        parser.add_argument(
            "-o", "--output", type=Path, help="file to write; standard output if omitted"
        )

    def handle(self, *args, **options):
        as_of = as_of_option(options["as_of"])
        if options["division"]:
            division = Division.objects.filter(code=options["division"], is_active=True).first()
            if division is None:
                raise CommandError(
                    _("--division: no division with the code %(codes)s.")
                    % {"codes": options["division"]}
                )
        else:
            division = Division.objects.filter(parent__isnull=True, is_active=True).first()
            if division is None:
                raise CommandError(_("No divisions are loaded yet: run load_divisions first."))
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(
                    _("--user: no user is called “%(user)s”.") % {"user": options["user"]}
                )
        try:
            bulletin = bulletin_generate(
                division=division,
                as_of=as_of,
                language=options["lang"],
                file_format=options["format"],
                programme_code=options["programme"],
                acting_user=user,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        content = bytes(bulletin.content)
        if options["output"]:
            options["output"].write_bytes(content)
            self.stderr.write(
                _("%(path)s: %(size)d bytes, SHA-256 %(hash)s")
                % {"path": options["output"], "size": len(content), "hash": bulletin.sha256}
            )
        elif options["format"] == Format.TXT:
            self.stdout.write(content.decode("utf-8"), ending="")
        else:
            raise CommandError(
                _("-o: a %(format)s file needs a file name.") % {"format": options["format"]}
            )
