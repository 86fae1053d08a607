"""The one way domain records are written: validate, save, keep history, audit."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .models import AuditEvent

ModelT = TypeVar("ModelT", bound=models.Model)


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value for the audit record."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        # A file's bytes are not copied into the log; its size is.
        return f"<{len(value)} bytes>"
    return value


def _real_user(user: Any) -> Any:
    """The user, or None for commands and anonymous callers."""
    return user if getattr(user, "is_authenticated", False) else None


def mark_history(instance: models.Model, acting_user: Any, action: str) -> None:
    """Tell django-simple-history who made the next change to `instance`, and why."""
    setattr(instance, "_history_user", _real_user(acting_user))  # noqa: B010
    setattr(instance, "_change_reason", action)  # noqa: B010


def audit_record(
    *, actor: Any, action: str, instance: models.Model, changes: Mapping[str, Any]
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=_real_user(actor),
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        changes=dict(changes),
    )


@transaction.atomic
def record_save(
    *,
    instance: ModelT,
    fields: Mapping[str, Any],
    acting_user: Any,
    action_prefix: str,
    m2m: Mapping[str, Iterable[models.Model]] | None = None,
    action: str | None = None,
) -> tuple[ModelT, dict[str, list[Any]]]:
    """Apply `fields` (and many-to-many `m2m`) to `instance`, validate and save it.

    Returns the instance and what changed, as {field: [old, new]}. Nothing is
    written when nothing changed. The audit action is `<action_prefix>.created`
    or `<action_prefix>.updated` unless `action` names it. Raises
    ValidationError, keyed by field name, before anything is written.
    """
    creating = instance._state.adding
    before = (
        None
        if creating
        else type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    )
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        old = None if before is None else getattr(before, name)
        if creating or old != value:
            changes[name] = [_plain(old), _plain(value)]
        setattr(instance, name, value)
    instance.full_clean()

    m2m_changes: dict[str, tuple[list[models.Model], list[Any]]] = {}
    for name, related in (m2m or {}).items():
        new_items = list(related)
        old_keys = [] if creating else sorted(getattr(instance, name).values_list("pk", flat=True))
        new_keys = sorted(item.pk for item in new_items)
        if old_keys != new_keys:
            old_items = [] if creating else list(getattr(instance, name).order_by("pk"))
            m2m_changes[name] = (new_items, [str(item) for item in old_items])

    if not changes and not m2m_changes:
        return instance, {}

    action = action or f"{action_prefix}.{'created' if creating else 'updated'}"
    mark_history(instance, acting_user, action)
    # Saved even when only many-to-many fields changed, so `updated_at` moves
    # and an edit made on a form loaded before this one is refused.
    instance.save()
    for name, (new_items, old_repr) in m2m_changes.items():
        getattr(instance, name).set(new_items)
        changes[name] = [old_repr, sorted(str(item) for item in new_items)]
    audit_record(actor=acting_user, action=action, instance=instance, changes=changes)
    return instance, changes


def m2m_references(instance: models.Model) -> list[models.Model]:
    """Records that point at `instance` through a many-to-many field."""
    found: list[models.Model] = []
    for relation in instance._meta.related_objects:
        accessor = relation.get_accessor_name()
        if relation.many_to_many and accessor:
            found.extend(getattr(instance, accessor).all())
    return found


@transaction.atomic
def record_delete(*, instance: models.Model, acting_user: Any, action_prefix: str) -> None:
    """Delete one record, keeping its last state in the audit record. A record
    that others still point at through a many-to-many field is not deleted."""
    referenced_by = m2m_references(instance)
    if referenced_by:
        raise ValidationError(
            _("“%(record)s” is still used by %(count)d other records, e.g. “%(example)s”.")
            % {"record": instance, "count": len(referenced_by), "example": referenced_by[0]}
        )
    snapshot = {
        field.name: [_plain(getattr(instance, field.name)), None]
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }
    for field in instance._meta.many_to_many:
        snapshot[field.name] = [
            sorted(str(item) for item in getattr(instance, field.name).all()),
            None,
        ]
    audit_record(
        actor=acting_user, action=f"{action_prefix}.deleted", instance=instance, changes=snapshot
    )
    mark_history(instance, acting_user, f"{action_prefix}.deleted")
    instance.delete()
