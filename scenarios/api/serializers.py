from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api import MoneyField, StrictBooleanField, StrictSerializer
from marketplace.models import Organization, Region, Sector
from marketplace.selectors import ANONYMOUS, actor_for

from ..choices import (
    PUBLIC_STATES,
    CooperationMode,
    DeclineReason,
    MilestoneStatus,
    ProposalKind,
    ScenarioCategory,
    SupportKind,
)
from ..lifecycle import transition_display
from ..models import (
    Agreement,
    AnnualPlan,
    AnnualTarget,
    BenchmarkCase,
    DemonstrationZone,
    ProgressReport,
    Proposal,
    ReleaseEvent,
    Scenario,
    SupportGrant,
    TransitionLog,
)
from ..selectors import CONTACT_FIELDS, contact_for


class OrgBrief(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "key", "name"]
        read_only_fields = fields


class EventBrief(serializers.ModelSerializer):
    class Meta:
        model = ReleaseEvent
        fields = ["id", "key", "name", "date"]
        read_only_fields = fields


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse("api:file-download", kwargs={"kind": self.context["kind"], "pk": obj.pk})


class UploadSerializer(StrictSerializer):
    file = serializers.FileField(allow_empty_file=True, max_length=250)


@extend_schema_field(AttachmentSerializer(many=True))
class AttachmentsField(serializers.Field):
    """A record's attachments, each with its permission-checked download URL."""

    def __init__(self, kind: str, related: str, **kwargs):
        self.kind, self.related = kind, related
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return AttachmentSerializer(getattr(obj, self.related).all(), many=True, context={"kind": self.kind}).data


class ScenarioSerializer(serializers.ModelSerializer):
    provider = OrgBrief(read_only=True)
    contact_email = serializers.CharField(read_only=True)  # may be empty: no e-mail format promised
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    sector = serializers.CharField(source="sector.code", read_only=True)
    sector_name = serializers.CharField(source="sector.name", read_only=True)
    release_event = EventBrief(read_only=True, allow_null=True)
    plan_year = serializers.IntegerField(source="plan.year", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Scenario
        fields = [
            "id",
            "key",
            "title",
            "provider",
            "region",
            "region_name",
            "category",
            "sector",
            "sector_name",
            "purpose",
            "requirements",
            "cooperation_mode",
            "budget_min",
            "budget_max",
            "expected_start",
            "duration_months",
            "contact_name",
            "contact_phone",
            "contact_email",
            "publish_contact",
            "state",
            "release_event",
            "published_at",
            "plan_year",
            "planned_quarter",
            "closed_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        reader = actor_for(request.user) if request else ANONYMOUS
        data.update(contact_for(reader, instance) or dict.fromkeys(CONTACT_FIELDS, ""))
        return data


class ScenarioDetailSerializer(ScenarioSerializer):
    attachments = AttachmentsField("scenario", "attachments")

    class Meta(ScenarioSerializer.Meta):
        fields = [*ScenarioSerializer.Meta.fields, "attachments"]
        read_only_fields = fields


class ScenarioWriteSerializer(StrictSerializer):
    provider = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(kind__in=["government", "enterprise"]),
        required=False,
        help_text="city staff and the link office draft for a provider; providers draft for themselves",
    )
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=ScenarioCategory.choices)
    sector = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all())
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), required=False)
    purpose = serializers.CharField(max_length=20_000)
    requirements = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    cooperation_mode = serializers.ChoiceField(choices=CooperationMode.choices, required=False)
    budget_min = MoneyField(required=False, allow_null=True)
    budget_max = MoneyField(required=False, allow_null=True)
    expected_start = serializers.DateField(required=False, allow_null=True)
    duration_months = serializers.IntegerField(min_value=0, max_value=600, required=False, allow_null=True)
    contact_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    publish_contact = serializers.BooleanField(required=False, help_text="publish the contact with the scenario")

    def validate(self, data):
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"budget_min": [_("预算下限不能高于上限。")]})
        return data


class TransitionSerializer(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    event = serializers.IntegerField(required=False, min_value=1, help_text="approve, publish: the release event")
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text="approve")
    quarter = serializers.IntegerField(required=False, min_value=1, max_value=4, help_text="approve")


class TransitionLogSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    actor = serializers.CharField(source="actor.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = TransitionLog
        fields = ["id", "at", "action", "transition", "label", "from_state", "to_state", "actor", "reason"]
        read_only_fields = fields

    def get_label(self, obj) -> str:
        return transition_display(obj.transition)


class ProposalSerializer(serializers.ModelSerializer):
    scenario = serializers.PrimaryKeyRelatedField(read_only=True)
    scenario_title = serializers.CharField(source="scenario.title", read_only=True)
    supplier = OrgBrief(read_only=True)
    products = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    attachments = AttachmentsField("proposal", "attachments")
    decline_code = serializers.ChoiceField(
        choices=DeclineReason.choices,
        allow_blank=True,
        read_only=True,
        help_text="Why it was declined; blank otherwise",
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "key",
            "scenario",
            "scenario_title",
            "supplier",
            "kind",
            "status",
            "products",
            "price",
            "plan",
            "submitted_at",
            "decided_at",
            "decline_code",
            "decision_reason",
            "updated_at",
            "attachments",
        ]
        read_only_fields = fields


class ProposalWriteSerializer(StrictSerializer):
    scenario = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=ProposalKind.choices, required=False)
    products = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=20)
    price = MoneyField(required=False, allow_null=True)
    plan = serializers.CharField(required=False, allow_blank=True, max_length=50_000)


class AgreementSerializer(serializers.ModelSerializer):
    scenario = serializers.PrimaryKeyRelatedField(read_only=True)
    suppliers = OrgBrief(many=True, read_only=True)
    products = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    documents = AttachmentsField("agreement", "documents")

    class Meta:
        model = Agreement
        fields = [
            "id",
            "key",
            "scenario",
            "suppliers",
            "products",
            "signed_on",
            "amount",
            "summary",
            "publish_amount",
            "created_at",
            "documents",
        ]
        read_only_fields = fields


class AgreementWriteSerializer(StrictSerializer):
    scenario = serializers.IntegerField(min_value=1)
    suppliers = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=20)
    products = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=50)
    signed_on = serializers.DateField()
    amount = MoneyField(required=False, allow_null=True)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    publish_amount = StrictBooleanField(required=False)


class ProgressReportSerializer(serializers.ModelSerializer):
    scenario = serializers.PrimaryKeyRelatedField(read_only=True)
    author = serializers.CharField(source="author.username", default=None, read_only=True, allow_null=True)
    evidence = AttachmentsField("evidence", "evidence")

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "key",
            "scenario",
            "reported_on",
            "summary",
            "milestone",
            "milestone_status",
            "progress_percent",
            "cooperation_started",
            "author",
            "created_at",
            "evidence",
        ]
        read_only_fields = fields


class ProgressReportWriteSerializer(StrictSerializer):
    scenario = serializers.IntegerField(min_value=1)
    reported_on = serializers.DateField()
    summary = serializers.CharField(max_length=20_000)
    milestone = serializers.CharField(required=False, allow_blank=True, max_length=200)
    milestone_status = serializers.ChoiceField(choices=MilestoneStatus.choices, required=False)
    progress_percent = serializers.IntegerField(min_value=0, max_value=100, required=False)
    cooperation_started = StrictBooleanField(required=False)


class SupportGrantSerializer(serializers.ModelSerializer):
    recipient = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = SupportGrant
        fields = ["kind", "recipient", "amount", "granted_on", "note"]
        read_only_fields = fields


class ReplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    state = serializers.CharField()
    published_at = serializers.DateField(allow_null=True)


class BenchmarkCaseSerializer(serializers.ModelSerializer):
    scenario = ScenarioSerializer(read_only=True)
    replications = serializers.SerializerMethodField()
    support_grants = SupportGrantSerializer(many=True, read_only=True)
    pictures = AttachmentsField("picture", "pictures")

    class Meta:
        model = BenchmarkCase
        fields = [
            "id",
            "key",
            "scenario",
            "title",
            "background",
            "solution",
            "outcomes",
            "outcome_figures",
            "recommended_national_pilot",
            "recommended_typical_case",
            "is_public",
            "support_grants",
            "pictures",
            "replications",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ReplicationSerializer(many=True))
    def get_replications(self, case) -> list:
        """The chain from the case to each published replication of it (drafts are their providers' own)."""
        replications = getattr(case, "public_replications", None)
        if replications is None:  # not prefetched (a single case just written)
            replications = case.replications.filter(state__in=PUBLIC_STATES).select_related("region")
        return ReplicationSerializer(replications, many=True).data


class SupportGrantWriteSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=SupportKind.choices)
    recipient = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    amount = MoneyField(required=False, allow_null=True)
    granted_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class OutcomeFigureSerializer(StrictSerializer):
    label = serializers.CharField(max_length=100)
    value = serializers.FloatField()
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True)


class BenchmarkCaseWriteSerializer(StrictSerializer):
    scenario = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200)
    background = serializers.CharField(max_length=20_000)
    solution = serializers.CharField(max_length=20_000)
    outcomes = serializers.CharField(max_length=20_000)
    outcome_figures = OutcomeFigureSerializer(many=True, required=False)
    recommended_national_pilot = StrictBooleanField(required=False)
    recommended_typical_case = StrictBooleanField(required=False)
    is_public = StrictBooleanField(required=False)
    support = SupportGrantWriteSerializer(many=True, required=False)


class DemonstrationZoneSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    sector = serializers.CharField(source="sector.code", read_only=True)
    sector_name = serializers.CharField(source="sector.name", read_only=True)

    class Meta:
        model = DemonstrationZone
        fields = [
            "id",
            "key",
            "name",
            "region",
            "region_name",
            "sector",
            "sector_name",
            "status",
            "score",
            "score_components",
            "designated_on",
            "national_applied_on",
            "national_designated_on",
            "description",
        ]
        read_only_fields = fields


class ReleaseEventSerializer(serializers.ModelSerializer):
    host_region = serializers.CharField(source="host_region.code", read_only=True)
    host_region_name = serializers.CharField(source="host_region.name", read_only=True)

    class Meta:
        model = ReleaseEvent
        fields = [
            "id",
            "key",
            "name",
            "kind",
            "year",
            "quarter",
            "host_region",
            "host_region_name",
            "date",
            "venue",
            "description",
            "list_final",
        ]
        read_only_fields = fields


class ReleaseEventWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=ReleaseEvent._meta.get_field("kind").choices, required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    host_region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    date = serializers.DateField()
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=20_000, required=False, allow_blank=True)


class AnnualTargetSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_metric_display", read_only=True)

    class Meta:
        model = AnnualTarget
        fields = ["metric", "label", "value"]
        read_only_fields = fields


class AnnualPlanSerializer(serializers.ModelSerializer):
    targets = AnnualTargetSerializer(many=True, read_only=True)

    class Meta:
        model = AnnualPlan
        fields = ["id", "year", "title", "notes", "targets"]
        read_only_fields = fields


class TargetWriteSerializer(StrictSerializer):
    metric = serializers.ChoiceField(choices=AnnualTarget._meta.get_field("metric").choices)
    value = serializers.IntegerField(min_value=0, max_value=1_000_000)
