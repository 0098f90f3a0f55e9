"""Follow-up over HTTP: the city's board, reminders, the rules the link office tunes, and the serializers of a
scenario's timeline and check-ins (their actions live on the scenario viewset)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import QuerySerializer, StrictBooleanField, StrictSerializer, actor, errors
from common.errors import DomainError
from marketplace.models import Region

from .. import services
from ..choices import DeclineReason, FollowupStatus, ReminderRuleCode
from ..filtersets import ReminderFilter
from ..models import Reminder, ReminderRule
from ..selectors import followup_board, reminder_list_for


class BoardScenarioSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    provider = serializers.CharField(source="provider.name")
    published_at = serializers.DateField(allow_null=True)
    last_action_at = serializers.DateTimeField()
    days_since_last_action = serializers.IntegerField()
    open_reminders = serializers.IntegerField()


class BoardGroupSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FollowupStatus.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()
    scenarios = BoardScenarioSerializer(many=True)


class BoardSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    region = serializers.CharField(allow_null=True)
    groups = BoardGroupSerializer(many=True)


class BoardQuerySerializer(QuerySerializer):
    region = serializers.CharField(required=False, max_length=12, help_text="region code (link office only)")
    as_of = serializers.DateField(required=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)


class FollowupBoardView(APIView):
    """The city follow-up board: every followed scenario of the region grouped by follow-up status, with
    days since the last action and open reminders, the most stalled first. City staff see their own
    region; the link office any region (`?region=`) or the whole province."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[BoardQuerySerializer],
        responses={200: BoardSerializer, **errors(400, 401, 403)},
    )
    def get(self, request):
        who = actor(request)
        query = BoardQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        region = _board_region(who, query.validated_data.get("region"))
        as_of = query.validated_data.get("as_of") or timezone.localdate()
        groups = followup_board(
            region_id=region.pk if region else None, as_of=as_of, limit=query.validated_data["limit"]
        )
        body = {"as_of": as_of, "region": region.code if region else None, "groups": groups}
        return Response(BoardSerializer(body).data)


def _board_region(who, code: str | None) -> Region | None:
    if who.is_city_staff:
        if code and code != who.organization.region.code:
            raise DomainError("not_allowed", _("市州只能查看本地区的跟踪看板。"), status=403)
        return who.organization.region
    if not who.is_link_office:
        raise DomainError("not_allowed", _("跟踪看板仅供市州和链长办使用。"), status=403)
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise DomainError("invalid", _("地区不存在。"), fields={"region": [_("地区不存在。")]})
    return region


class ReminderSerializer(serializers.ModelSerializer):
    rule_label = serializers.CharField(source="get_rule_display", read_only=True)
    object_type = serializers.CharField(source="content_type.model", read_only=True)
    region = serializers.CharField(source="region.code", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Reminder
        fields = [
            "id",
            "rule",
            "rule_label",
            "object_type",
            "object_id",
            "period",
            "status",
            "region",
            "message",
            "times_notified",
            "raised_on",
            "last_notified_on",
            "next_notify_on",
            "escalated_on",
            "resolved_on",
        ]
        read_only_fields = fields


class ReminderViewSet(viewsets.ReadOnlyModelViewSet):
    """Follow-up reminders: city staff see their region's, providers their own, the link office all."""

    serializer_class = ReminderSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = ReminderFilter
    ordering_fields = ["raised_on", "next_notify_on", "id"]
    ordering = ["-raised_on", "-id"]
    queryset = Reminder.objects.none()  # typed for the schema; get_queryset gives what the user may see

    def get_queryset(self):
        return reminder_list_for(actor(self.request))


class ReminderRuleSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_code_display", read_only=True)

    class Meta:
        model = ReminderRule
        fields = ["code", "label", *ReminderRule.SETTINGS, "updated_at"]
        read_only_fields = fields


class ReminderRuleWriteSerializer(StrictSerializer):
    enabled = StrictBooleanField(required=False)
    threshold_days = serializers.IntegerField(required=False, min_value=0, max_value=3650)
    repeat_days = serializers.IntegerField(required=False, min_value=1, max_value=365)
    escalate_after = serializers.IntegerField(required=False, min_value=1, max_value=50)
    notify_city_staff = StrictBooleanField(required=False)
    notify_link_office = StrictBooleanField(required=False)
    notify_provider = StrictBooleanField(required=False)


class ReminderRuleViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The follow-up rules: read by city staff and the link office, tuned by the link office."""

    serializer_class = ReminderRuleSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = ReminderRule.objects.order_by("id")
    lookup_field = "code"
    lookup_value_regex = "|".join(ReminderRuleCode.values)
    pagination_class = None
    http_method_names = ["get", "patch", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        who = actor(request)
        if not (who.is_link_office or who.is_city_staff):
            raise DomainError("not_allowed", _("提醒规则仅供市州和链长办查看。"), status=403)

    @extend_schema(
        request=ReminderRuleWriteSerializer, responses={200: ReminderRuleSerializer, **errors(400, 401, 403, 404)}
    )
    def partial_update(self, request, *args, **kwargs):
        rule = self.get_object()
        data = ReminderRuleWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = services.reminder_rule_update(code=rule.code, actor_user=request.user, **data.validated_data)
        return Response(ReminderRuleSerializer(rule).data)


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(
        choices=[
            "transition",
            "proposal",
            "proposal_decided",
            "agreement",
            "progress_report",
            "check_in",
            "reminder",
            "reminder_escalated",
            "reminder_resolved",
        ]
    )
    title = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    actor = serializers.CharField(allow_blank=True)


class CheckInWriteSerializer(StrictSerializer):
    running = StrictBooleanField(help_text="is the cooperation still running?")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CheckInSerializer(serializers.Serializer):
    scenario = serializers.IntegerField(source="scenario_id")
    organization = serializers.CharField(source="organization.name")
    period = serializers.IntegerField()
    running = serializers.BooleanField()
    comment = serializers.CharField(allow_blank=True)
    answered_at = serializers.DateTimeField()


class DeclineSerializer(StrictSerializer):
    code = serializers.ChoiceField(choices=DeclineReason.choices, required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
