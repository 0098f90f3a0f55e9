from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from common.policy import restrict

from .models import AuditEntry


def audit_trail_for(actor, *, model: type | None = None, object_id: int | None = None) -> QuerySet[AuditEntry]:
    """The entries the actor may read, newest first, optionally of one kind of record or one record."""
    entries = restrict(AuditEntry, actor).select_related("actor", "organization", "content_type")
    if model is not None:
        entries = entries.filter(content_type=ContentType.objects.get_for_model(model))
    if object_id is not None:
        entries = entries.filter(object_id=object_id)
    return entries.order_by("-at", "-id")
