from __future__ import annotations

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from common.policy import permits
from marketplace.admin_base import ReadOnlyAdmin
from marketplace.selectors import actor_for

from .labels import action_label, changed_fields
from .models import AuditEntry
from .selectors import audit_trail_for


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The trail: the link office all of it, city staff their region's records."""

    list_display = ["at", "action", "actor", "organization", "object_repr", "changes", "client_address"]
    list_filter = ["action", "content_type"]
    search_fields = ["action", "object_repr", "actor__username"]
    list_select_related = ["actor", "organization"]
    date_hierarchy = "at"


def audit_history_view(model_admin, request, object_id, extra_context=None):
    """A record's admin history is its audit trail, shown to whom the audit policy shows it."""
    obj = model_admin.get_object(request, object_id)
    who = actor_for(request.user)
    if obj is None or not permits(who, "view", obj) or not (who.is_link_office or who.is_city_staff):
        raise PermissionDenied
    entries = list(
        audit_trail_for(who).filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)[:500]
    )
    for e in entries:
        e.label, e.rows = action_label(e.action), changed_fields(e)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("变更记录：%s") % obj,
        "object": obj,
        "entries": entries,
        "opts": model_admin.model._meta,
        **(extra_context or {}),
    }
    return TemplateResponse(request, "admin/audit/history.html", context)
