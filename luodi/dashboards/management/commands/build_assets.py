from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from luodi.dashboards.assets import build_assets


class Command(BaseCommand):
    help = "Copy ECharts and build the province and prefecture maps from node_modules."

    def add_arguments(self, parser):
        parser.add_argument(
            "--provinces",
            default="150000",
            help="comma-separated province codes whose maps to build (default 150000)",
        )
        parser.add_argument("--node-modules", type=Path, default=settings.BASE_DIR / "node_modules")

    def handle(self, *args, provinces: str, node_modules: Path, **options):
        codes = [code.strip() for code in provinces.split(",") if code.strip()]
        try:
            report = build_assets(
                node_modules=node_modules, target=settings.ASSETS_DIR, provinces=codes
            )
        except FileNotFoundError as error:
            raise CommandError(str(error)) from error
        maps = ", ".join(f"{name} ({count})" for name, count in sorted(report.maps.items()))
        self.stdout.write(f"{len(report.copied)} files copied; maps: {maps}")
