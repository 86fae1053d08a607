from django.core.management.base import BaseCommand, CommandError

from luodi.extraction.evaluation import evaluate, misses_report, score_table


class Command(BaseCommand):
    help = (
        "Measure the report reader against its evaluation set (luodi/extraction/tests/eval): "
        "precision and recall of number and unit, and how often indicator, division, kind, "
        "date and part-of are right. Exits 1 when a goal is missed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--misses", action="store_true", help="list every fact not read right")

    def handle(self, *args, **options):
        score = evaluate()
        self.stdout.write(score_table(score))
        if options["misses"]:
            self.stdout.write("")
            self.stdout.write(misses_report(score))
        if not score.meets_goals():
            raise CommandError("a goal is missed")
