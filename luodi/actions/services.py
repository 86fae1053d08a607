"""Writes to meetings and events."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction

from luodi.core.services import record_save
from luodi.divisions.models import Department, Division
from luodi.plan.models import Programme

from .models import Event


@transaction.atomic
def event_save(
    *,
    event: Event | None = None,
    code: str,
    kind: str,
    title: str,
    starts_on: date,
    ends_on: date | None = None,
    date_is_approximate: bool = False,
    programme: Programme | None = None,
    divisions: Iterable[Division] = (),
    departments: Iterable[Department] = (),
    summary: str = "",
    acting_user: Any,
) -> tuple[Event, dict]:
    return record_save(
        instance=event or Event(),
        fields={
            "code": code,
            "kind": kind,
            "title": title,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "date_is_approximate": date_is_approximate,
            "programme": programme,
            "summary": summary,
        },
        m2m={"divisions": divisions, "departments": departments},
        acting_user=acting_user,
        action_prefix="actions.event",
    )
