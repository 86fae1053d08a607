"""A data set loaded once per test process and copied into each test that asks
for it, instead of being loaded through the services again.

Loading the demo through the bundle import, the reporting import and the light
recorder takes 2.5-3 s (4-5 s on PostgreSQL); copying the 3,200 rows it adds
takes about 0.3 s. A test that asks for the demo still gets exactly the rows the
services wrote, ids included: the copy is taken from a real load in the same
test database.

The rows are kept relative to the database they were taken from: the rows
the migrations wrote (content types, permissions, standard units, wording).
A test that starts from a different base gets the data set loaded through the
services again, and the copy is retaken. Live-server tests flush the database
after each test, and the migrations' rows then come back under new ids or not
at all; for them the base is put back as it was first, ids included.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model

from luodi.demo.services import demo_load

Rows = dict[object, tuple]


def _models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def table_rows(model: type[Model]) -> Rows:
    """Every row of the model's table by primary key, as field values."""
    names = [field.attname for field in model._meta.concrete_fields]
    pk = model._meta.pk.attname
    return {row[names.index(pk)]: row for row in model._base_manager.values_list(*names)}


def _tables() -> dict[type[Model], Rows]:
    return {model: table_rows(model) for model in _models()}


@dataclass(frozen=True)
class Snapshot:
    """The rows a load added, and the rows that were there before it."""

    base: dict[type[Model], Rows]
    added: dict[type[Model], list[tuple]]

    @classmethod
    def take(cls, load: Callable[[], object]) -> "Snapshot":
        """Runs `load` and keeps what it added; it must change no row that was
        there before (a copy could not repeat that)."""
        before = _tables()
        load()
        after = _tables()
        changed = [
            model._meta.label
            for model, rows in before.items()
            if any(after[model].get(pk) != row for pk, row in rows.items())
        ]
        if changed:
            raise AssertionError(
                "The load changed or removed rows that were there before it, in "
                + ", ".join(changed)
                + "; a snapshot can only add rows."
            )
        # Empty tables are part of the base: a row a test wrote before asking
        # for the data set makes the copy unfit rather than mixed in.
        base = before
        added = {
            model: [row for pk, row in after[model].items() if pk not in before[model]]
            for model in after
        }
        return cls(base=base, added={model: rows for model, rows in added.items() if rows})

    def fits(self) -> bool:
        """Whether the database holds exactly the base the rows were taken over."""
        return all(
            table_rows(model) == rows if rows else not model._base_manager.exists()
            for model, rows in self.base.items()
        )

    def restore_base(self) -> None:
        """Puts the base back as it was, ids included: for a database whose only
        rows are the ones the migrations' signals wrote after a flush."""
        with transaction.atomic():
            with connection.cursor() as cursor:
                for model in self.base:
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (a model's own table)
            self._insert(self.base_rows())
        ContentType.objects.clear_cache()

    def base_rows(self) -> dict[type[Model], list[tuple]]:
        return {model: list(rows.values()) for model, rows in self.base.items() if rows}

    @staticmethod
    def _insert(tables: dict[type[Model], list[tuple]]) -> None:
        """Writes the rows as they were read: plain INSERTs, since a model save
        or bulk_create would stamp auto_now fields with the time of the copy."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model, rows in tables.items():
                fields = model._meta.concrete_fields
                columns = ", ".join(quote(field.column) for field in fields)
                slots = ", ".join(["%s"] * len(fields))
                table = quote(model._meta.db_table)
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({slots})",  # noqa: S608
                    [
                        [
                            field.get_db_prep_save(value, connection)
                            for field, value in zip(fields, row, strict=True)
                        ]
                        for row in rows
                    ],
                )
            for statement in connection.ops.sequence_reset_sql(no_style(), list(tables)):
                cursor.execute(statement)

    def restore(self) -> None:
        """Adds the kept rows, ids included, and moves id sequences past them."""
        with transaction.atomic():
            self._insert(self.added)


class KeptLoad:
    """A load done once per test process and copied after that, retaken when
    the database under it has changed."""

    def __init__(self, load: Callable[[], object]):
        self.load = load
        self.snapshot: Snapshot | None = None

    def __call__(self, *, after_flush: bool = False) -> None:
        """Loads or copies the data set; `after_flush` for a database that a
        live-server test has flushed, whose base is put back first."""
        if self.snapshot is not None:
            if after_flush and not self.snapshot.fits():
                self.snapshot.restore_base()
            if self.snapshot.fits():
                self.snapshot.restore()
                return
        with transaction.atomic():
            self.snapshot = Snapshot.take(self.load)


# The Inner Mongolia 2024 demo, for the `demo` and `served_demo` fixtures.
kept_demo = KeptLoad(demo_load)
