import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from luodi.core.commands import as_of_option
from luodi.divisions.models import Division
from luodi.extraction.choices import Kind
from luodi.extraction.documents import report_text
from luodi.extraction.reader import Extracted, read_text
from luodi.extraction.selectors import catalogue_for


def _as_dict(extracted: Extracted) -> dict:
    quantity = extracted.quantity
    check = extracted.parts_check
    return {
        "number": extracted.index + 1,
        "written": quantity.written,
        "value": str(quantity.value),
        "upper": str(quantity.upper) if quantity.upper is not None else None,
        "unit": quantity.unit,
        "dimension": quantity.dimension,
        "approximate": quantity.approximate,
        "kind": extracted.kind,
        "indicator": extracted.indicator.code if extracted.indicator else None,
        "indicator_name": extracted.indicator.name if extracted.indicator else None,
        "division": extracted.division.code if extracted.division else None,
        "division_name": extracted.division.name if extracted.division else None,
        "as_of": extracted.period or None,
        "part_of": extracted.part_of + 1 if extracted.part_of is not None else None,
        "parts_add_up": check.adds_up if check else None,
        "parts_total": str(check.parts) if check else None,
        "subject": extracted.subject,
        "sentence": extracted.sentence,
    }


def _grouped(value: str) -> str:
    whole, _dot, fraction = value.partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


class Command(BaseCommand):
    help = (
        "Print the figures luodi proposes from a report (.txt or .docx): value in base "
        "units, unit, kind, indicator, division, date and sentence. Writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--as-of", help="the report's date, YYYY-MM-DD; today if omitted")
        parser.add_argument(
            "--division", help="the code of the division the report is from; the top one if omitted"
        )
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args, **options):
        as_of = as_of_option(options["as_of"])
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        try:
            text = report_text(name=path.name, content=content)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        try:
            division = self._division(options["division"])
            catalogue = catalogue_for(division, None)
        except DatabaseError as error:
            raise CommandError(
                _("The database cannot be read (%(error)s); run “luodi migrate” first.")
                % {"error": error}
            ) from error
        found = read_text(text, catalogue=catalogue, as_of=as_of, reporting=division.code)
        if options["json"]:
            self.stdout.write(
                json.dumps([_as_dict(e) for e in found], ensure_ascii=False, indent=2)
            )
            return
        for extracted in found:
            self.stdout.write(self._line(extracted))
            self.stdout.write(f"    {extracted.sentence}")
        self.stdout.write(_("%(count)s figures proposed.") % {"count": len(found)})

    def _division(self, code: str | None) -> Division:
        divisions = Division.objects.active()
        division = (
            divisions.filter(code=code).first()
            if code
            else divisions.filter(parent__isnull=True).order_by("code").first()
        )
        if division is None:
            if code:
                raise CommandError(
                    _("--division: no division with the code %(code)s.") % {"code": code}
                )
            raise CommandError(_("No divisions are loaded yet: run load_divisions first."))
        return division

    def _line(self, extracted: Extracted) -> str:
        item = _as_dict(extracted)
        value = _grouped(item["value"]) + (f"–{_grouped(item['upper'])}" if item["upper"] else "")
        parts = []
        if item["part_of"]:
            parts.append(_("part of #%(number)s") % {"number": item["part_of"]})
        if extracted.parts_check:
            check = extracted.parts_check
            parts.append(
                _("parts add up")
                if check.adds_up
                else _("parts add up to %(parts)s, %(difference)s short")
                % {
                    "parts": _grouped(str(check.parts)),
                    "difference": _grouped(str(check.difference)),
                }
            )
        indicator = f"{item['indicator_name']} [{item['indicator']}]" if item["indicator"] else "—"
        division = f"{item['division_name']} {item['division']}" if item["division"] else "—"
        return (
            f"{item['number']:>3}. {value} {item['unit']} ({item['written']})"
            f"{' ≈' if item['approximate'] else ''} · {Kind(extracted.kind).label} · {indicator}"
            f" · {division}"
            f" · {item['as_of'] or '—'}" + (f" · {'; '.join(parts)}" if parts else "")
        )
