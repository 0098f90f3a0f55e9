"""GET /api/v1/audit/?model=<app_label>.<model>&object_id=<id>: the trail, as the audit policy allows."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets

from common.api import QuerySerializer, actor, errors
from common.errors import DomainError

from .models import AuditEntry
from .selectors import audit_trail_for


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    organization = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    model = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "action",
            "actor",
            "organization",
            "model",
            "object_id",
            "object_repr",
            "changes",
            "payload",
            "client_address",
        ]

    def get_model(self, entry) -> str | None:
        return entry.content_type.natural_key()[0] + "." + entry.content_type.model if entry.content_type else None


class AuditQuery(QuerySerializer):
    model = serializers.CharField(required=False, max_length=100)
    object_id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail: the link office reads all of it, city staff the entries of their region's records."""

    serializer_class = AuditEntrySerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []
    queryset = AuditEntry.objects.none()

    def get_queryset(self):
        who = actor(self.request)
        if not (who.is_link_office or who.is_city_staff):
            raise DomainError("not_allowed", _("审计记录仅链长办和市州工作人员可见。"), status=403)
        if self.action != "list":
            return audit_trail_for(who)
        query = AuditQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        label = query.validated_data.get("model")
        model = None
        if label:
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError):
                raise DomainError("invalid", _("未知的记录类型。"), fields={"model": [_("未知的记录类型。")]}) from None
        return audit_trail_for(who, model=model, object_id=query.validated_data.get("object_id"))

    @extend_schema(
        parameters=[
            OpenApiParameter("model", str, description="app_label.model, e.g. scenarios.proposal"),
            OpenApiParameter("object_id", int),
        ],
        responses={200: AuditEntrySerializer(many=True), **errors(400, 401, 403)},
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: AuditEntrySerializer, **errors(401, 403, 404)})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)
