"""Release events over HTTP: planning the year with hosts in turn, the event's list, publishing it whole, the
scenario booklet (printable page and workbook), and the docking meetings (schedule, agenda)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from common.api import QuerySerializer, StrictBooleanField, StrictSerializer, actor, errors
from marketplace.api.serializers import RegionSerializer
from matching.docking import docking_schedule

from .. import services
from ..exports import XLSX, agenda_workbook, booklet_rows, booklet_workbook
from ..filtersets import ReleaseEventFilter
from ..models import ReleaseEvent
from ..selectors import agenda_for, event_scenarios_for, scenario_list_for
from ..services.events import host_suggestions, release_event_plan_year, release_event_set_list
from .serializers import ReleaseEventSerializer, ReleaseEventWriteSerializer, ScenarioSerializer


class YearSerializer(StrictSerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class YearQuerySerializer(QuerySerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class EventListSerializer(StrictSerializer):
    scenarios = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=2000)
    final = StrictBooleanField(required=False, default=False, help_text="the list is final (no more changes)")


class ScheduleSerializer(StrictSerializer):
    starts_at = serializers.DateTimeField(help_text="when the first slot begins")
    slot_minutes = serializers.IntegerField(min_value=5, max_value=240, default=settings.DOCKING["SLOT_MINUTES"])
    slots = serializers.IntegerField(min_value=1, max_value=64, default=settings.DOCKING["SLOTS"])
    tables = serializers.IntegerField(min_value=1, max_value=500, default=settings.DOCKING["TABLES"])
    per_supplier = serializers.IntegerField(min_value=1, max_value=64, default=settings.DOCKING["PER_SUPPLIER"])
    per_provider = serializers.IntegerField(min_value=1, max_value=64, default=settings.DOCKING["PER_PROVIDER"])


class ScheduleReportSerializer(serializers.Serializer):
    meetings = serializers.IntegerField()
    requested_met = serializers.IntegerField()
    requested_total = serializers.IntegerField()
    total_score = serializers.FloatField()
    greedy_total_score = serializers.FloatField()
    providers_without_meeting = serializers.IntegerField()
    suppliers_without_meeting = serializers.IntegerField()


class AgendaRowSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    table = serializers.IntegerField()
    provider = serializers.CharField()
    supplier = serializers.CharField()
    scenario = serializers.CharField()
    requested = serializers.BooleanField(allow_null=True)


class ReleaseEventViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Release events and docking activities (public). The link office schedules them."""

    serializer_class = ReleaseEventSerializer
    queryset = ReleaseEvent.objects.select_related("host_region")
    filterset_class = ReleaseEventFilter
    ordering = ["-date", "-id"]

    @extend_schema(
        request=ReleaseEventWriteSerializer, responses={201: ReleaseEventSerializer, **errors(400, 401, 403)}
    )
    def create(self, request, *args, **kwargs):
        data = ReleaseEventWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.release_event_create(actor_user=request.user, **data.validated_data)
        return Response(ReleaseEventSerializer(event).data, status=201)

    @extend_schema(request=None, responses={200: ScenarioSerializer(many=True), **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def publish_all(self, request, pk=None):
        event = self.get_object()
        published = services.release_event_publish_all(event_id=event.pk, actor_user=request.user)
        return Response(
            ScenarioSerializer(
                scenario_list_for(actor(request)).filter(pk__in=[s.pk for s in published]),
                many=True,
                context={"request": request},
            ).data
        )

    @extend_schema(parameters=[YearQuerySerializer], responses={200: RegionSerializer(many=True), **errors(400)})
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def host_suggestions(self, request):
        """Regions in the order they should host next (never hosted first, then longest ago)."""
        query = YearQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        return Response(RegionSerializer(host_suggestions(query.validated_data["year"]), many=True).data)

    @extend_schema(request=YearSerializer, responses={201: ReleaseEventSerializer(many=True), **errors(400, 401, 403)})
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[permissions.IsAuthenticated],
        pagination_class=None,
        filter_backends=[],
    )
    def plan_year(self, request):
        """Create the year's four quarterly provincial events not planned yet, the hosts in turn."""
        data = YearSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = release_event_plan_year(year=data.validated_data["year"], actor_user=request.user)
        return Response(ReleaseEventSerializer(created, many=True).data, status=201)

    @extend_schema(
        request=EventListSerializer, responses={200: ScenarioSerializer(many=True), **errors(400, 401, 403, 404)}
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="list",
        url_name="list-scenarios",
        permission_classes=[permissions.IsAuthenticated],
    )
    def set_list(self, request, pk=None):
        """Set the event's scenario list from approved scenarios (and make it final)."""
        event = self.get_object()
        data = EventListSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        listed = release_event_set_list(
            event_id=event.pk,
            actor_user=request.user,
            scenario_ids=data.validated_data["scenarios"],
            final=data.validated_data["final"],
        )
        return Response(
            ScenarioSerializer(
                scenario_list_for(actor(request)).filter(pk__in=[s.pk for s in listed]),
                many=True,
                context={"request": request},
            ).data
        )

    @extend_schema(responses={(200, "text/html"): OpenApiTypes.STR, **errors(404)})
    @action(detail=True, methods=["get"])
    def booklet(self, request, pk=None):
        """The event's scenario booklet (场景清单) as a printable page, grouped by sector."""
        event = self.get_object()
        sections = booklet_rows(event_scenarios_for(actor(request), event))
        html = render_to_string("scenarios/booklet.html", {"event": event, "sections": sections}, request=request)
        return HttpResponse(html, content_type="text/html; charset=utf-8")

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY, **errors(404)})
    @action(detail=True, methods=["get"], url_path="booklet/xlsx", url_name="booklet-xlsx")
    def booklet_xlsx(self, request, pk=None):
        """The booklet as an Excel workbook: one sheet per sector, with providers and contacts."""
        event = self.get_object()
        body = booklet_workbook(event, event_scenarios_for(actor(request), event))
        return _download(body, XLSX, f"{event.key}-booklet.xlsx")

    @extend_schema(
        request=ScheduleSerializer, responses={200: ScheduleReportSerializer, **errors(400, 401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def schedule(self, request, pk=None):
        """Schedule the 1:1 docking meetings (requested first, then the best matches) into slots and tables."""
        event = self.get_object()
        data = ScheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = docking_schedule(event_id=event.pk, actor_user=request.user, **data.validated_data)
        return Response(ScheduleReportSerializer(report).data)

    @extend_schema(responses={200: AgendaRowSerializer(many=True), **errors(401, 404)})
    @action(detail=True, methods=["get"], pagination_class=None, permission_classes=[permissions.IsAuthenticated])
    def meetings(self, request, pk=None):
        """Your docking meetings at the event (the link office: all; city staff: their region's)."""
        return Response(AgendaRowSerializer(agenda_for(actor(request), self.get_object()), many=True).data)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY, **errors(401, 404)})
    @action(
        detail=True,
        methods=["get"],
        url_path="meetings/xlsx",
        url_name="meetings-xlsx",
        permission_classes=[permissions.IsAuthenticated],
    )
    def meetings_xlsx(self, request, pk=None):
        event = self.get_object()
        return _download(agenda_workbook(event, agenda_for(actor(request), event)), XLSX, f"{event.key}-agenda.xlsx")


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
