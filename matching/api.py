"""The matcher over HTTP: a scenario's ranking, a supplier's recommended scenarios, feedback, and jobs."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from common.api import StrictCharField, StrictSerializer, errors
from marketplace.selectors import actor_for

from . import selectors, services
from .choices import FeedbackVerdict
from .explain import explain
from .models import Match, MatchFeedback, MatchRun


class MatchProduct(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()


class MatchSupplier(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField(source="region.code", default=None, allow_null=True)


class MatchComponents(serializers.Serializer):
    text = serializers.FloatField()
    sector = serializers.FloatField()
    region = serializers.FloatField()
    maturity = serializers.FloatField()
    budget = serializers.FloatField()
    record = serializers.FloatField()
    feedback = serializers.FloatField()
    coverage = serializers.FloatField(default=0.0, help_text="share of the scenario's key terms the product answers")
    breadth = serializers.FloatField(default=1.0, help_text="1 for a focused product; lower as it claims more")
    history = serializers.FloatField(default=0.5, help_text="what alike scenarios' outcomes say; 0.5 when nothing")


class SignalSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="the component's key, as in `components`")
    label = serializers.CharField(help_text="its name in the reader's language")
    value = serializers.FloatField()


class ExplanationSerializer(serializers.Serializer):
    """A match in words: one sentence (e.g. "同属机器视觉与检测；共同关键词：缺陷检测、表面；本地企业"), the
    sector fit (2 same sub-area, 1 same sector, 0 another), the shared key terms (whole words of the
    scenario's text only), whether the company is local, and the strength 0–100."""

    sentence = serializers.CharField()
    sector_fit = serializers.IntegerField()
    terms = serializers.ListField(child=serializers.CharField())
    local = serializers.BooleanField()
    strength = serializers.IntegerField()
    signals = SignalSerializer(many=True)


class Explained(serializers.Serializer):
    """Adds `explanation` (`matching.explain`, which remembers each scenario's words)."""

    @extend_schema_field(ExplanationSerializer)
    def get_explanation(self, match) -> dict:
        e = explain(match)
        return {
            "sentence": e.sentence,
            "sector_fit": e.sector_fit,
            "terms": e.terms,
            "local": e.local,
            "strength": e.strength,
            "signals": [{"name": x.name, "label": x.label, "value": x.value} for x in e.signals],
        }


class MatchSerializer(Explained, serializers.ModelSerializer):
    product = MatchProduct()
    supplier = MatchSupplier()
    components = MatchComponents()
    terms = serializers.ListField(child=serializers.CharField())
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = Match
        fields = [
            "rank",
            "score",
            "product",
            "supplier",
            "components",
            "terms",
            "explanation",
            "engine_version",
            "computed_at",
        ]


class MatchScenario(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    title = serializers.CharField()
    region = serializers.CharField(source="region.code")
    sector = serializers.CharField(source="sector.code")
    budget_min = serializers.FloatField(allow_null=True)
    budget_max = serializers.FloatField(allow_null=True)


class RecommendationSerializer(Explained, serializers.ModelSerializer):
    scenario = MatchScenario()
    product = MatchProduct()
    components = MatchComponents()
    terms = serializers.ListField(child=serializers.CharField())
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = Match
        fields = ["scenario", "product", "rank", "score", "components", "terms", "explanation"]


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatchFeedback
        fields = ["id", "scenario", "product", "verdict", "comment", "rank_seen", "created_at"]
        read_only_fields = fields


class FeedbackWriteSerializer(StrictSerializer):
    scenario = serializers.IntegerField(min_value=1)
    product = serializers.IntegerField(min_value=1)
    verdict = serializers.ChoiceField(choices=FeedbackVerdict.choices)
    comment = StrictCharField(max_length=500, required=False, allow_blank=True)


class MatchRunSerializer(serializers.ModelSerializer):
    elapsed_s = serializers.FloatField(allow_null=True)

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "kind",
            "status",
            "engine_version",
            "chunks_total",
            "chunks_done",
            "scenarios_total",
            "scenarios_done",
            "matches_written",
            "compute_s",
            "write_s",
            "elapsed_s",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]


class ScenarioMatchesView(ListAPIView):
    """The ranked, explained products for a scenario: for its provider, its city staff and the link office."""

    serializer_class = MatchSerializer
    pagination_class = None
    filter_backends = []
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MatchSerializer(many=True), **errors(401, 403, 404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return (
            selectors.matches_for_scenario(actor_for(self.request.user), self.kwargs["pk"])
            .select_related("scenario__sector__parent")
            .prefetch_related("product__sectors")
            .order_by("rank")
        )


class RecommendationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Open scenarios where the requesting supplier's products rank, best first."""

    serializer_class = RecommendationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    @extend_schema(responses={200: RecommendationSerializer(many=True), **errors(401, 403)})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return (
            selectors.recommendations_for(actor_for(self.request.user))
            .select_related("supplier", "scenario__sector__parent")
            .prefetch_related("product__sectors")
        )


class MatchFeedbackViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Marks on recommendations (useful / not useful / contacted) by the scenario's provider or the
    product's supplier; one per organisation and pair, marking again replaces it."""

    serializer_class = FeedbackSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        return selectors.feedback_of(actor_for(self.request.user))

    @extend_schema(request=FeedbackWriteSerializer, responses={201: FeedbackSerializer, **errors(400, 401, 403, 404)})
    def create(self, request, *args, **kwargs):
        data = FeedbackWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        feedback = services.feedback_record(
            actor_user=request.user,
            scenario_id=v["scenario"],
            product_id=v["product"],
            verdict=v["verdict"],
            comment=v.get("comment", ""),
        )
        return Response(FeedbackSerializer(feedback).data, status=201)


class MatchRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Recorded re-match jobs (the link office)."""

    serializer_class = MatchRunSerializer
    queryset = MatchRun.objects.all()  # narrowed per user in get_queryset; typed here for the schema
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        return selectors.runs_for(actor_for(self.request.user))

    @extend_schema(request=None, responses={201: MatchRunSerializer, **errors(401, 403)})
    def create(self, request, *args, **kwargs):
        selectors.runs_for(actor_for(request.user))  # refuses everyone but the link office
        return Response(MatchRunSerializer(services.full_rematch_start()).data, status=201)


class SimilarScenarioSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="scenario.pk")
    key = serializers.CharField(source="scenario.key")
    title = serializers.CharField(source="scenario.title")
    provider = serializers.CharField(source="scenario.provider.name")
    region = serializers.CharField(source="scenario.region.name")
    similarity = serializers.FloatField()
    shared_terms = serializers.ListField(child=serializers.CharField())


class SimilarScenariosView(ListAPIView):
    """The published scenarios closest to this one (who may see it may ask), with the words they share: what
    a provider drafting a scenario checks so that the same list is not published twice."""

    serializer_class = SimilarScenarioSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(responses={200: SimilarScenarioSerializer(many=True), **errors(404)})
    def get(self, request, *args, **kwargs):
        from common.errors import NotFound
        from scenarios.selectors import scenario_list_for

        scenario = scenario_list_for(actor_for(request.user)).select_related("sector").filter(pk=kwargs["pk"]).first()
        if scenario is None:
            raise NotFound("not_found", _("场景不存在。"))
        rows = [
            {"scenario": other, "similarity": round(score, 4), "shared_terms": shared}
            for other, score, shared in selectors.similar_with_terms(scenario, limit=10, threshold=0.15)
        ]
        return Response(SimilarScenarioSerializer(rows, many=True).data)
