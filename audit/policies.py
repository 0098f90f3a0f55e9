"""Who reads the audit trail: the link office all of it, city staff the entries of their region's records,
nobody else (a provider or supplier sees what happened to its records through their own pages)."""

from __future__ import annotations

from django.db.models import Q

from common.policy import EVERYTHING, NOTHING, Policy, register

from .models import AuditEntry


@register(AuditEntry)
class AuditEntryPolicy(Policy):
    def view(self, actor):
        if actor.is_link_office:
            return EVERYTHING
        if actor.is_city_staff:
            return Q(region_id=actor.region_id)
        return NOTHING
