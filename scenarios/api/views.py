from __future__ import annotations

from django.db.models import Prefetch
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import actor, errors
from common.errors import DomainError
from common.filters import check_filters
from common.policy import restrict
from common.uploads import CheckedMultiPartParser
from marketplace.selectors import ANONYMOUS
from matching.search import plain_public_ranking

from .. import services
from ..filtersets import (
    BenchmarkCaseFilter,
    ProgressReportFilter,
    ProposalFilter,
    ScenarioFilter,
    ScenarioRecordFilter,
    ScenarioSearchFilter,
)
from ..lifecycle import TRANSITIONS
from ..models import AnnualPlan, DemonstrationZone, Scenario
from ..policies import is_insider
from ..selectors import (
    agreement_list_for,
    benchmark_case_list_for,
    plan_progress_report,
    progress_report_list_for,
    proposal_list_for,
    questions_for,
    scenario_list_for,
    scenario_timeline,
    transition_log_for,
)
from ..zones import zone_scores
from .followup import CheckInSerializer, CheckInWriteSerializer, DeclineSerializer, TimelineEntrySerializer
from .planning import AsOfQuerySerializer, PlanProgressSerializer, ZoneNominationSerializer, ZoneScoreSerializer
from .questions import QuestionSerializer, QuestionTextSerializer
from .serializers import (
    AgreementSerializer,
    AgreementWriteSerializer,
    AnnualPlanSerializer,
    AttachmentSerializer,
    BenchmarkCaseSerializer,
    BenchmarkCaseWriteSerializer,
    DemonstrationZoneSerializer,
    ProgressReportSerializer,
    ProgressReportWriteSerializer,
    ProposalSerializer,
    ProposalWriteSerializer,
    ScenarioDetailSerializer,
    ScenarioSerializer,
    ScenarioWriteSerializer,
    TargetWriteSerializer,
    TransitionLogSerializer,
    TransitionSerializer,
    UploadSerializer,
)

READ = {200: None}


def _valid(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class UploadMixin:
    """POST …/{id}/<attachments>/ with a multipart `file`: checked, stored under a generated name."""

    upload_kind: str

    def _upload(self, request, pk):
        self.get_object()  # what the user may not see does not exist, whatever the body
        data = _valid(UploadSerializer, request.data)
        attachment = services.attachment_add(
            kind=self.upload_kind, parent_id=int(pk), actor_user=request.user, upload=data["file"]
        )
        return Response(AttachmentSerializer(attachment, context={"kind": self.upload_kind}).data, status=201)


def upload_action(name: str):
    """POST …/{id}/<name>/: one checked document (multipart field `file`) for the record."""

    def upload(self, request, pk=None):
        return self._upload(request, pk)

    upload.__name__ = name
    schema = extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: AttachmentSerializer, **errors(400, 401, 403, 404, 415)},
    )
    return schema(action(detail=True, methods=["post"], parser_classes=[CheckedMultiPartParser])(upload))


class ScenarioViewSet(UploadMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Application scenarios. Drafts exist only for their provider, the region's city staff and the link
    office; published scenarios are public. Lifecycle transitions are POST actions."""

    filterset_class = ScenarioFilter
    ordering_fields = ["published_at", "created_at", "budget_max", "title", "id"]
    ordering = ["-published_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    upload_kind = "scenario"

    def get_queryset(self):
        qs = scenario_list_for(actor(self.request))
        if self.action != "list":
            qs = qs.prefetch_related("attachments")
        return qs

    def get_serializer_class(self):
        return ScenarioSerializer if self.action == "list" else ScenarioDetailSerializer

    # A plain search (?q=, nothing else narrowing or reordering it) by someone who sees public scenarios
    # only is ranked on the public search table. The filters still check the query (and refuse it as they
    # would); the page's rows are then read through what the actor may see.
    public_ranking = None  # set by filter_queryset for a plain public search

    def filter_queryset(self, queryset):
        ranking = (
            plain_public_ranking(actor(self.request), self.request.query_params) if self.action == "list" else None
        )
        self.public_ranking = None
        if ranking is None:
            return super().filter_queryset(queryset)
        check_filters(self.request, queryset, ScenarioSearchFilter)  # (lazy: the ranking has not run yet)
        self.public_ranking = ranking
        return queryset

    def paginate_queryset(self, queryset):
        if self.public_ranking is None:
            return super().paginate_queryset(queryset)
        return self.paginator.paginate_queryset(
            self.public_ranking, self.request, view=self, rows=queryset, key="scenario_id"
        )

    @extend_schema(request=ScenarioWriteSerializer, responses={201: ScenarioDetailSerializer, **errors(400, 401, 403)})
    def create(self, request, *args, **kwargs):
        data = _valid(ScenarioWriteSerializer, request.data)
        scenario = services.scenario_create(actor_user=request.user, **data)
        return Response(
            ScenarioDetailSerializer(self.get_queryset().get(pk=scenario.pk), context={"request": request}).data,
            status=201,
        )

    @extend_schema(
        request=ScenarioWriteSerializer, responses={200: ScenarioDetailSerializer, **errors(400, 401, 403, 404)}
    )
    def partial_update(self, request, *args, **kwargs):
        scenario = self.get_object()
        data = _valid(ScenarioWriteSerializer, request.data, partial=True)
        data.pop("provider", None)
        services.scenario_update(scenario_id=scenario.pk, actor_user=request.user, **data)
        return Response(
            ScenarioDetailSerializer(self.get_queryset().get(pk=scenario.pk), context={"request": request}).data
        )

    @extend_schema(responses={200: TransitionLogSerializer(many=True), **errors(403, 404)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def transitions(self, request, pk=None):
        scenario = self.get_object()
        who = actor(request)
        if not is_insider(who, scenario):
            raise DomainError("not_allowed", _("流转记录仅对场景提供方、所在市州和链长办可见。"), status=403)
        logs = transition_log_for(who, scenario)
        return Response(TransitionLogSerializer(logs, many=True).data)

    attachments = upload_action("attachments")

    @extend_schema(responses={200: TimelineEntrySerializer(many=True), **errors(403, 404)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request, pk=None):
        """Everything that happened to the scenario, in order: transitions, proposals, agreements, progress
        reports, check-ins and reminders. For its provider, its city staff and the link office."""
        scenario = self.get_object()
        who = actor(request)
        if not is_insider(who, scenario):
            raise DomainError("not_allowed", _("跟踪时间线仅对场景提供方、所在市州和链长办可见。"), status=403)
        return Response(TimelineEntrySerializer(scenario_timeline(who, scenario), many=True).data)

    @extend_schema(
        request=CheckInWriteSerializer, responses={201: CheckInSerializer, **errors(400, 401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"], url_path="check_in", url_name="check-in")
    def check_in(self, request, pk=None):
        """The provider or a contracted supplier confirms whether the cooperation is still running."""
        scenario = self.get_object()
        data = _valid(CheckInWriteSerializer, request.data)
        check_in = services.cooperation_check_in(scenario_id=scenario.pk, actor_user=request.user, **data)
        return Response(CheckInSerializer(check_in).data, status=201)

    @extend_schema(methods=["get"], request=None, responses={200: QuestionSerializer(many=True), **errors(404)})
    @extend_schema(
        methods=["post"],
        request=QuestionTextSerializer,
        responses={201: QuestionSerializer, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def questions(self, request, pk=None):
        """GET: the scenario's questions this reader may see (answered ones for everyone, without the asker;
        the asker's own unanswered ones too). POST `{"text": …}`: a verified AI company asks about a
        published scenario."""
        scenario = self.get_object()
        if request.method == "POST":
            if not request.user.is_authenticated:
                raise NotAuthenticated()
            data = _valid(QuestionTextSerializer, request.data)
            question = services.question_ask(scenario_id=scenario.pk, actor_user=request.user, text=data["text"])
            return Response(QuestionSerializer(question, context={"request": request}).data, status=201)
        questions = questions_for(actor(request), scenario).select_related("scenario", "asker")
        return Response(QuestionSerializer(questions, many=True, context={"request": request}).data)


def _transition_endpoint(name: str):
    t = TRANSITIONS[name]

    def endpoint(self, request, pk=None):
        scenario = self.get_object()  # 404 for what the user may not see
        data = _valid(TransitionSerializer, request.data)
        params = {"reason": data.get("reason", "")}
        if name == "approve":
            params.update(year=data.get("year"), quarter=data.get("quarter"), event_id=data.get("event"))
        elif name == "publish":
            params["event_id"] = data.get("event")
        elif {"event", "year", "quarter"} & set(data):
            raise DomainError(
                "invalid",
                _("此操作不接受这些字段。"),
                fields={k: [_("未知字段。")] for k in {"event", "year", "quarter"} & set(data)},
            )
        services.scenario_transition(name=name, scenario_id=scenario.pk, actor_user=request.user, **params)
        return Response(
            ScenarioDetailSerializer(self.get_queryset().get(pk=scenario.pk), context={"request": request}).data
        )

    endpoint.__name__ = f"transition_{name}"
    endpoint.__doc__ = f"Lifecycle transition `{name}` ({t.label}): {', '.join(sorted(t.sources))} → {t.target}."
    schema = extend_schema(
        request=TransitionSerializer,
        responses={200: ScenarioDetailSerializer, **errors(400, 401, 403, 404, 409)},
        summary=f"{name}: {', '.join(sorted(t.sources))} → {t.target}",
    )
    return schema(action(detail=True, methods=["post"], url_path=name, url_name=name.replace("_", "-"))(endpoint))


for _name in TRANSITIONS:
    setattr(ScenarioViewSet, f"transition_{_name}", _transition_endpoint(_name))


class ProposalViewSet(UploadMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Proposals: seen only by their supplier, the scenario's provider, its city staff and the link office."""

    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    permission_classes = [permissions.IsAuthenticated]
    ordering_fields = ["submitted_at", "id"]
    ordering = ["-submitted_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    upload_kind = "proposal"

    def get_queryset(self):
        return proposal_list_for(actor(self.request)).prefetch_related("products", "attachments")

    @extend_schema(
        request=ProposalWriteSerializer, responses={201: ProposalSerializer, **errors(400, 401, 403, 404, 409)}
    )
    def create(self, request, *args, **kwargs):
        data = _valid(ProposalWriteSerializer, request.data)
        proposal = services.proposal_submit(
            scenario_id=data["scenario"],
            actor_user=request.user,
            kind=data.get("kind", "interest"),
            product_ids=data.get("products"),
            price=data.get("price"),
            plan=data.get("plan", ""),
        )
        return Response(ProposalSerializer(self.get_queryset().get(pk=proposal.pk)).data, status=201)

    @extend_schema(
        request=ProposalWriteSerializer, responses={200: ProposalSerializer, **errors(400, 401, 403, 404, 409)}
    )
    def partial_update(self, request, *args, **kwargs):
        """Its supplier revises a waiting proposal; each revision is kept and the provider told."""
        proposal = self.get_object()
        data = _valid(ProposalWriteSerializer, request.data, partial=True)
        if data.get("scenario", proposal.scenario_id) != proposal.scenario_id:
            raise DomainError("invalid", _("不能更换方案所属场景。"), fields={"scenario": [_("不能更换。")]})
        services.proposal_revise(
            proposal_id=proposal.pk,
            actor_user=request.user,
            kind=data.get("kind", proposal.kind),
            product_ids=data.get("products", [p.pk for p in proposal.products.all()]),
            price=data.get("price", proposal.price),
            plan=data.get("plan", proposal.plan),
        )
        return Response(ProposalSerializer(self.get_queryset().get(pk=proposal.pk)).data)

    @extend_schema(request=None, responses={200: ProposalSerializer, **errors(401, 404, 409)})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        proposal = self.get_object()
        services.proposal_withdraw(proposal_id=proposal.pk, actor_user=request.user)
        return Response(ProposalSerializer(self.get_queryset().get(pk=proposal.pk)).data)

    @extend_schema(request=DeclineSerializer, responses={200: ProposalSerializer, **errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """The scenario's provider (or its city staff, or the link office) answers no; the supplier is told."""
        proposal = self.get_object()
        data = _valid(DeclineSerializer, request.data)
        services.proposal_decline(
            proposal_id=proposal.pk, actor_user=request.user, reason=data.get("reason", ""), code=data.get("code", "")
        )
        return Response(ProposalSerializer(self.get_queryset().get(pk=proposal.pk)).data)

    attachments = upload_action("attachments")


class AgreementViewSet(UploadMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cooperation agreements, seen by the parties, the region's city staff and the link office."""

    serializer_class = AgreementSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = ScenarioRecordFilter
    ordering = ["-signed_on", "-id"]
    upload_kind = "agreement"

    def get_queryset(self):
        return agreement_list_for(actor(self.request)).prefetch_related("documents")

    @extend_schema(
        request=AgreementWriteSerializer, responses={201: AgreementSerializer, **errors(400, 401, 403, 404, 409)}
    )
    def create(self, request, *args, **kwargs):
        data = _valid(AgreementWriteSerializer, request.data)
        agreement = services.agreement_create(
            scenario_id=data["scenario"],
            actor_user=request.user,
            supplier_ids=data["suppliers"],
            product_ids=data.get("products"),
            signed_on=data["signed_on"],
            amount=data.get("amount"),
            summary=data.get("summary", ""),
            publish_amount=data.get("publish_amount", False),
        )
        return Response(AgreementSerializer(self.get_queryset().get(pk=agreement.pk)).data, status=201)

    documents = upload_action("documents")


class ProgressReportViewSet(UploadMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Follow-up reports on signed scenarios."""

    serializer_class = ProgressReportSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = ProgressReportFilter
    ordering = ["-reported_on", "-id"]
    upload_kind = "evidence"

    def get_queryset(self):
        return progress_report_list_for(actor(self.request)).prefetch_related("evidence")

    @extend_schema(
        request=ProgressReportWriteSerializer,
        responses={201: ProgressReportSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def create(self, request, *args, **kwargs):
        data = dict(_valid(ProgressReportWriteSerializer, request.data))
        report = services.progress_report_create(scenario_id=data.pop("scenario"), actor_user=request.user, **data)
        return Response(ProgressReportSerializer(self.get_queryset().get(pk=report.pk)).data, status=201)

    evidence = upload_action("evidence")


class BenchmarkCaseViewSet(UploadMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Benchmark cases: designated public cases are a public gallery; the parties see their nominations."""

    serializer_class = BenchmarkCaseSerializer
    filterset_class = BenchmarkCaseFilter
    ordering = ["-created_at", "-id"]
    upload_kind = "picture"

    def get_queryset(self):
        replications = Prefetch(
            "replications",
            queryset=restrict(Scenario, ANONYMOUS).select_related("region").order_by("published_at"),
            to_attr="public_replications",
        )
        return (
            benchmark_case_list_for(actor(self.request))
            .select_related("scenario__provider", "scenario__sector", "scenario__release_event", "scenario__plan")
            .prefetch_related("pictures", replications)
        )

    @extend_schema(request=None, responses={201: ScenarioDetailSerializer, **errors(401, 403, 404)})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def replicate(self, request, pk=None):
        """Replicate the case in my region: a draft scenario from it, its proven supplier invited."""
        case = self.get_object()
        scenario = services.benchmark_case_replicate(case_id=case.pk, actor_user=request.user)
        return Response(
            ScenarioDetailSerializer(scenario_list_for(actor(request)).get(pk=scenario.pk)).data, status=201
        )

    @extend_schema(
        request=BenchmarkCaseWriteSerializer,
        responses={201: BenchmarkCaseSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def create(self, request, *args, **kwargs):
        data = dict(_valid(BenchmarkCaseWriteSerializer, request.data))
        case = services.benchmark_case_create(scenario_id=data.pop("scenario"), actor_user=request.user, **data)
        return Response(BenchmarkCaseSerializer(self.get_queryset().get(pk=case.pk)).data, status=201)

    pictures = upload_action("pictures")


class DemonstrationZoneViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Demonstration zones (public). The link office designates candidates."""

    serializer_class = DemonstrationZoneSerializer
    queryset = DemonstrationZone.objects.select_related("region", "sector")
    filterset_fields = ["status"]
    ordering = ["region__sort_order", "sector__sort_order", "id"]

    @extend_schema(request=None, responses={200: DemonstrationZoneSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def designate(self, request, pk=None):
        return self._zone_step(services.zone_designate)

    @extend_schema(request=None, responses={200: DemonstrationZoneSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def apply_national(self, request, pk=None):
        """Record the application for national designation."""
        return self._zone_step(services.zone_apply_national)

    @extend_schema(request=None, responses={200: DemonstrationZoneSerializer, **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def designate_national(self, request, pk=None):
        """Record the national designation."""
        return self._zone_step(services.zone_designate_national)

    @extend_schema(request=None, responses={200: ScenarioSerializer(many=True), **errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def include_scenarios(self, request, pk=None):
        """Move the zone's benchmark scenarios to `demonstration` (all or none)."""
        zone = self.get_object()
        moved = services.zone_include_scenarios(zone_id=zone.pk, actor_user=request.user)
        return Response(
            ScenarioSerializer(scenario_list_for(actor(request)).filter(pk__in=[s.pk for s in moved]), many=True).data
        )

    @extend_schema(
        request=ZoneNominationSerializer, responses={201: DemonstrationZoneSerializer, **errors(400, 401, 403, 409)}
    )
    def create(self, request, *args, **kwargs):
        """Nominate a region × top-level sector as a candidate zone, with its score as it stands."""
        data = _valid(ZoneNominationSerializer, request.data)
        zone = services.zone_nominate(
            region_code=data["region"], sector_code=data["sector"], name=data.get("name", ""), actor_user=request.user
        )
        return Response(DemonstrationZoneSerializer(self.get_queryset().get(pk=zone.pk)).data, status=201)

    @extend_schema(responses={200: ZoneScoreSerializer(many=True), **errors(401, 403)})
    @action(
        detail=False,
        methods=["get"],
        pagination_class=None,
        filter_backends=[],
        permission_classes=[permissions.IsAuthenticated],
    )
    def ranking(self, request):
        """Every region × sector with records, scored from the platform's records, best first, with each
        component (value, best region's value, normalised, weight). For city staff and the link office."""
        who = actor(request)
        if not (who.is_link_office or who.is_city_staff):
            raise DomainError("not_allowed", _("示范区评分仅供市州和链长办查看。"), status=403)
        return Response(ZoneScoreSerializer(zone_scores(), many=True).data)

    def _zone_step(self, service):
        zone = self.get_object()
        service(zone_id=zone.pk, actor_user=self.request.user)
        return Response(DemonstrationZoneSerializer(self.get_queryset().get(pk=zone.pk)).data)


class AnnualPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """The annual open plans and their targets (public). The link office sets targets."""

    serializer_class = AnnualPlanSerializer
    queryset = AnnualPlan.objects.prefetch_related("targets")
    lookup_field = "year"
    lookup_value_regex = r"[0-9]{4}"
    ordering = ["-year"]

    @extend_schema(request=TargetWriteSerializer, responses={200: AnnualPlanSerializer, **errors(400, 401, 403, 404)})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def targets(self, request, year=None):
        plan = self.get_object()
        data = _valid(TargetWriteSerializer, request.data)
        services.annual_target_set(year=plan.year, actor_user=request.user, **data)
        return Response(AnnualPlanSerializer(self.get_queryset().get(pk=plan.pk)).data)

    @extend_schema(parameters=[AsOfQuerySerializer], responses={200: PlanProgressSerializer, **errors(400, 404)})
    @action(detail=True, methods=["get"])
    def progress(self, request, year=None):
        """Where the province stands on each target today, where it should stand by this date to finish on
        time, and the breakdown by region and sector (public, as the plan is)."""
        plan = self.get_object()
        query = AsOfQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        as_of = query.validated_data.get("as_of") or timezone.localdate()
        return Response(PlanProgressSerializer(plan_progress_report(plan.year, as_of)).data)


class FileDownloadView(APIView):
    """Download an attachment, if you may see the record it belongs to. Never a public URL."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind", str, OpenApiParameter.PATH, enum=["scenario", "proposal", "agreement", "evidence", "picture"]
            )
        ],
        responses={(200, "application/octet-stream"): bytes, **errors(404)},
    )
    def get(self, request, kind: str, pk: int):
        attachment = services.attachment_for_download(kind=kind, attachment_id=pk, actor_user=request.user)
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
