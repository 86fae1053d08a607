"""Reading one record of a bundle: typed fields, references by natural key,
and errors that say which field of which record is wrong."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any, Literal, TypeVar, overload

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from luodi.plan.units import parse_decimal, quantity_to_base, to_base, unit_by_symbol

T = TypeVar("T", bound=models.Model)


class FieldError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class Record:
    """One JSON object from a bundle section. Every key must be read once;
    a key nobody reads is reported, so a misspelt field never passes silently."""

    def __init__(self, data: Any):
        if not isinstance(data, dict):
            raise FieldError("", _("Each entry must be a JSON object."))
        self.data = data
        self.read: set[str] = set()

    def _raw(self, key: str, required: bool) -> Any:
        self.read.add(key)
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise FieldError(key, _("This field is required."))
            return None
        return value

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self._raw(key, required)
        if value is None:
            return default
        if not isinstance(value, str | int):
            raise FieldError(key, _("Expected text."))
        return str(value).strip()

    @overload
    def integer(self, key: str, *, required: Literal[True] = ...) -> int: ...
    @overload
    def integer(self, key: str, *, required: Literal[False]) -> int | None: ...
    def integer(self, key: str, *, required: bool = True) -> int | None:
        value = self._raw(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise FieldError(key, _("Expected a whole number."))
        try:
            return int(value)
        except ValueError as error:
            raise FieldError(key, _("Expected a whole number.")) from error

    def boolean(self, key: str, *, default: bool = False) -> bool:
        value = self._raw(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise FieldError(key, _("Expected true or false."))
        return value

    @overload
    def decimal(self, key: str, *, required: Literal[True] = ...) -> Decimal: ...
    @overload
    def decimal(self, key: str, *, required: Literal[False]) -> Decimal | None: ...
    def decimal(self, key: str, *, required: bool = True) -> Decimal | None:
        value = self._raw(key, required)
        if value is None:
            return None
        try:
            return parse_decimal(value)
        except ValidationError as error:
            raise FieldError(key, " ".join(error.messages)) from error

    @overload
    def date(self, key: str, *, required: Literal[True] = ...) -> date: ...
    @overload
    def date(self, key: str, *, required: Literal[False]) -> date | None: ...
    def date(self, key: str, *, required: bool = True) -> date | None:
        value = self._raw(key, required)
        if value is None:
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError as error:
            raise FieldError(
                key, _("“%(value)s” is not a date; write YYYY-MM-DD.") % {"value": value}
            ) from error

    def choice(
        self, key: str, choices: type[models.TextChoices], *, default: str | None = None
    ) -> str:
        value = self._raw(key, default is None)
        if value is None:
            return default or ""
        if value not in choices.values:
            raise FieldError(
                key,
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(choices.values)},
            )
        return value

    @overload
    def quantity(self, key: str, *, required: Literal[True] = ..., **kwargs: Any) -> Decimal: ...
    @overload
    def quantity(self, key: str, *, required: Literal[False], **kwargs: Any) -> Decimal | None: ...
    def quantity(self, key: str, *, required: bool = True, **kwargs: Any) -> Decimal | None:
        value = self._raw(key, required)
        if value is None:
            return None
        try:
            return quantity_to_base(value, **kwargs)
        except ValidationError as error:
            raise FieldError(key, " ".join(error.messages)) from error

    def measure(self, key: str, *, unit_key: str, expected: Any) -> Decimal:
        """A value in base units from a number and an optional unit beside it
        (`expected`, the indicator's unit, when none is given)."""
        symbol = self.text(unit_key, required=False)
        unit = expected
        if symbol:
            try:
                unit = unit_by_symbol(symbol)
                to_base(Decimal(0), unit, expected=expected)
            except ValidationError as error:
                raise FieldError(unit_key, " ".join(error.messages)) from error
        value = self.decimal(key)
        return to_base(value, unit)

    @overload
    def ref(
        self, key: str, lookup: Callable[[str], T | None], *, required: Literal[True] = ...
    ) -> T: ...
    @overload
    def ref(
        self, key: str, lookup: Callable[[str], T | None], *, required: Literal[False]
    ) -> T | None: ...
    def ref(
        self, key: str, lookup: Callable[[str], T | None], *, required: bool = True
    ) -> T | None:
        value = self._raw(key, required)
        if value is None:
            return None
        found = lookup(str(value).strip())
        if found is None:
            raise FieldError(key, _("Nothing is known by “%(value)s”.") % {"value": value})
        return found

    def refs(
        self, key: str, lookup: Callable[[str], T | None], *, required: bool = False
    ) -> list[T]:
        value = self._raw(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            raise FieldError(key, _("Expected a list."))
        found = []
        for item in value:
            match = lookup(str(item).strip())
            if match is None:
                raise FieldError(key, _("Nothing is known by “%(value)s”.") % {"value": item})
            found.append(match)
        return found

    def records(self, key: str) -> list[Record]:
        value = self._raw(key, False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise FieldError(key, _("Expected a list."))
        return [Record(item) for item in value]

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.read)
        if unknown:
            raise FieldError(unknown[0], _("Unknown field."))


def lookup_by(queryset: models.QuerySet[T], field: str) -> Callable[[str], T | None]:
    """Find one record by a natural key; found records are remembered."""
    cache: dict[str, T] = {}

    def find(value: str) -> T | None:
        if value not in cache:
            found = queryset.filter(**{field: value}).first()
            if found is None:
                return None
            cache[value] = found
        return cache[value]

    return find


def first_error(error: ValidationError) -> Iterable[tuple[str, str]]:
    """(field, message) pairs from a ValidationError, with or without fields."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                yield ("" if field == "__all__" else field), message
    else:
        for message in error.messages:
            yield "", message
