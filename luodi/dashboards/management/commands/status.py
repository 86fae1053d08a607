import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luodi.core.commands import as_of_option
from luodi.divisions.models import Division
from luodi.divisions.selectors import division_by_code
from luodi.projects.choices import Phase
from luodi.projects.selectors import UNKNOWN_YEAR

from ...selectors import campaign_status


class Command(BaseCommand):
    help = "Print the campaign's status per programme as of a date."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD; today if omitted")
        parser.add_argument("--division", help="limit to the subtree of this division code")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        as_of = as_of_option(options["as_of"])
        if options["division"]:
            try:
                root = division_by_code(options["division"])
            except ValidationError as error:
                raise CommandError(
                    _("--division: %(reason)s") % {"reason": "; ".join(error.messages)}
                ) from error
            home = [root]
        else:
            home = list(Division.objects.active().filter(parent__isnull=True))
        divisions = Division.objects.subtree_of(home)
        status = campaign_status(as_of=as_of, divisions=divisions, home=home)
        if options["json"]:
            self.stdout.write(json.dumps(status, ensure_ascii=False, indent=2))
            return
        self._write_text(status)

    def _write_text(self, status: dict) -> None:
        write = self.stdout.write
        write(_("Status as of %(date)s") % {"date": status["as_of"]})
        for programme in status["programmes"]:
            write("")
            write(f"■ {programme['name']}")
            policies = programme["policies"]
            if policies["total"]:
                write(
                    "  "
                    + _(
                        "Policies: %(total)d (%(issued)d issued, %(planned)d planned) "
                        "from %(ministries)d ministries"
                    )
                    % policies
                )
            projects = programme["projects"]
            if projects["total"]:
                phases = ", ".join(
                    f"{Phase(code).label} {count}"
                    for code, count in projects["by_phase"].items()
                    if count
                )
                write(
                    "  "
                    + _("Projects: %(total)d (%(phases)s)")
                    % {"total": projects["total"], "phases": phases}
                )
                if projects["cancelled"]:
                    write(
                        "  "
                        + _("Cancelled, off the list: %(count)d") % {"count": projects["cancelled"]}
                    )
                if projects["expected_start"]:
                    years = ", ".join(
                        f"{_('not given') if year == UNKNOWN_YEAR else year}: {count}"
                        for year, count in projects["expected_start"].items()
                    )
                    write("  " + _("Expected start: %(years)s") % {"years": years})
            for target in programme["targets"]:
                line = _("Target %(year)s, %(division)s: %(name)s %(value)s %(unit)s") % {
                    "year": target["year"],
                    "division": target["division_name"],
                    "name": target["name"],
                    "value": target["value"],
                    "unit": target["unit"],
                }
                if target["change_percent"]:
                    line += " " + _("(%(change)s%% on the previous year)") % {
                        "change": target["change_percent"]
                    }
                write("  " + line)
