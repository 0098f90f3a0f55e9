"""Writing the audit trail: every service calls `audit_record` once, inside its own transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import timezone

from .context import current_client_address
from .models import AuditEntry


def plain(value: Any) -> Any:
    """A value as JSON keeps it: records by primary key, dates as ISO text, money as a number."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def snapshot(obj: Model, fields) -> dict[str, Any]:
    """The current values of `fields` (attribute names; a foreign key by its id)."""
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            out[name] = sorted(getattr(obj, name).values_list("pk", flat=True)) if obj.pk else []
        else:
            out[name] = plain(getattr(obj, field.attname))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """field → [old, new] for each value that changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _region_id(obj: Model | None) -> int | None:
    paths = (
        "region_id",
        "scenario.region_id",
        "organization.region_id",
        "supplier.region_id",
        "case.scenario.region_id",
    )
    for path in paths:
        value = obj
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        if isinstance(value, int):
            return value
    return None


def audit_record(
    *,
    action: str,
    actor_user=None,
    obj: Model | None = None,
    changes: dict | None = None,
    payload: dict | None = None,
    region_id: int | None = None,
    client_address: str | None = None,
) -> AuditEntry:
    """Append one entry. `action` is dotted (`scenarios.proposal.revised`); `changes` maps each changed field to
    [old, new]; the actor's organisation and the record's region are looked up here."""
    actor = actor_user if getattr(actor_user, "is_authenticated", False) else None
    member = getattr(actor, "member", None) if actor is not None else None
    return AuditEntry.objects.create(
        at=timezone.now(),
        action=action,
        actor=actor,
        organization_id=member.organization_id if member is not None else None,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        object_repr=str(obj)[:200] if obj is not None else "",
        region_id=region_id if region_id is not None else _region_id(obj),
        changes={k: [plain(a), plain(b)] for k, (a, b) in (changes or {}).items()},
        payload={k: plain(v) for k, v in (payload or {}).items()},
        client_address=client_address or current_client_address(),
    )
