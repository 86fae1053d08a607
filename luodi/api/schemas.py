"""What the API takes and gives: explicit input and output schemas.

Quantities travel as decimal strings in the indicator's display unit (the one
people type in the forms), with the unit's symbol beside them; money in 元.
"""

from datetime import date, datetime
from typing import Annotated, Generic, TypeVar

from ninja import Field, Schema

ItemT = TypeVar("ItemT")

# Codes as luodi writes them; anything else cannot name a record.
DivisionCode = Annotated[str, Field(pattern=r"^[0-9]{6,12}$", examples=["152222"])]
RecordCode = Annotated[
    str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,59}$", examples=["sand-control-area"])
]
PeriodCode = Annotated[
    str, Field(pattern=r"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$", examples=["2024-03"])
]
IsoPeriod = Annotated[str, Field(pattern=r"^[0-9]{4}(Q[1-4]|0[1-9]|1[0-2])?$", examples=["202403"])]
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))]
Year = Annotated[int, Field(ge=2000, le=2099)]


class Page(Schema, Generic[ItemT]):
    count: int = Field(description="How many records match, on all pages.")
    page: int
    page_size: int
    items: list[ItemT]


class DivisionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None = Field(description="The parent division's code.")
    is_active: bool


class Membership(Schema):
    division: str
    division_name: str
    role: str
    department: str | None


class MeOut(Schema):
    username: str
    memberships: list[Membership]


class ProgrammeOut(Schema):
    code: str
    name: str
    campaign: str
    campaign_name: str
    year: int
    order: int
    lead_department: str | None
    description: str


class IndicatorOut(Schema):
    code: str
    name: str
    programme: str
    unit: str
    across_divisions: str
    over_time: str
    higher_is_better: bool
    reported_by_level: str | None
    frequency: str | None


class TargetOut(Schema):
    indicator: str
    division: str
    year: int
    value: str
    unit: str
    change_percent: str | None
    trajectory: list[float] | None


class ValueOut(Schema):
    indicator: str
    division: str
    period: str
    value: str
    unit: str
    comment: str
    version: int
    report_status: str
    updated_at: datetime


class ValueIn(Schema):
    value: str = Field(
        pattern=r"^-?[0-9]{1,18}(\.[0-9]{1,6})?$",
        description="In the indicator's display unit.",
        examples=["12.5"],
    )
    comment: str = Field("", max_length=500, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$")


class PolicyOut(Schema):
    code: str
    title: str
    document_number: str
    programme: str
    status: str
    planned_on: date
    due_on: date | None
    issued_on: date | None
    issuing_departments: list[str]


class ApprovalOut(Schema):
    kind: str
    granted_on: date | None


class ProjectOut(Schema):
    code: str
    name: str
    programme: str
    divisions: list[str]
    owner: str
    phase: str = Field(description="The phase on the day asked for (`as_of`).")
    total_investment: str | None = Field(description="元")
    expected_start_year: int | None
    planned_start_on: date | None
    started_on: date | None
    approvals: list[ApprovalOut]


class EventOut(Schema):
    id: int
    kind: str
    title: str
    starts_on: date
    ends_on: date | None
    programme: str | None
    divisions: list[str]


class ActionItemOut(Schema):
    id: int
    title: str
    programme: str | None
    lead_division: str
    lead_department: str | None
    assigned_on: date
    acknowledge_by: date
    due_on: date
    status: str
    light: str
    light_reason: str


class CaseOut(Schema):
    tracking_number: str
    case_type: str
    window: str
    division: str
    subject: str
    received_on: date
    status: str
    step: str | None
    due_on: date
    outcome: str
    decided_on: date | None


class BulletinOut(Schema):
    id: int
    title: str
    division: str
    campaign: str
    programme: str | None
    as_of: date
    language: str
    file_format: str
    sha256: str
    published_at: datetime | None


class DataValue(Schema):
    """One figure as DHIS2 writes it: codes as identifiers (idScheme=CODE)."""

    dataElement: str = Field(description="The indicator's code.")
    period: str = Field(description="ISO period: 202403, 2024Q1 or 2024.")
    orgUnit: str = Field(description="The division's GB/T 2260 code.")
    value: str = Field(description="In the indicator's display unit.")
    storedBy: str = ""
    lastUpdated: str | None = None
    comment: str | None = None
    followup: bool = False


class DataValueSet(Schema):
    dataValues: list[DataValue]


class ImportCount(Schema):
    imported: int
    updated: int
    ignored: int
    deleted: int


class FigureChange(Schema):
    dataElement: str
    period: str
    orgUnit: str
    unit: str
    oldValue: str | None
    newValue: str
    oldComment: str
    newComment: str


class ImportConflict(Schema):
    object: str
    value: str


class ImportSummary(Schema):
    """DHIS2's import summary, with the figures written (or, in a dry run,
    that would be written) and their old and new values."""

    responseType: str
    status: str
    dryRun: bool
    description: str
    importCount: ImportCount
    conflicts: list[ImportConflict]
    changes: list[FigureChange]
