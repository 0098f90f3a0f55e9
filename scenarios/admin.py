from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from common.errors import DomainError
from common.policy import restrict
from marketplace.admin_base import (
    MarketAdmin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    act_on_each,
    action_form,
    report_outcomes,
    role_of,
)
from marketplace.choices import Role
from marketplace.models import Product, Region
from marketplace.selectors import actor_for

from . import services
from .admin_forms import (
    AgreementAdminForm,
    AnnualTargetAdminForm,
    BenchmarkCaseAdminForm,
    DemonstrationZoneAdminForm,
    ProgressReportAdminForm,
    ProposalAdminForm,
    ReleaseEventAdminForm,
    ReminderRuleAdminForm,
    ScenarioAdminForm,
    TransitionForm,
)
from .lifecycle import TRANSITIONS, Transition, transition_display
from .models import (
    Agreement,
    AgreementDocument,
    AnnualPlan,
    AnnualTarget,
    BenchmarkCase,
    BenchmarkPicture,
    CooperationCheckIn,
    DemonstrationZone,
    DockingMeeting,
    ProgressEvidence,
    ProgressReport,
    Proposal,
    ProposalAttachment,
    ReleaseEvent,
    Reminder,
    ReminderRule,
    Scenario,
    ScenarioAttachment,
    SupportGrant,
    TransitionLog,
)
from .opendata import figures_text
from .policies import actor_may_perform, meeting_requested, meeting_scenario_title, meeting_score
from .selectors import followup_board, plan_progress_report, work_queue
from .zones import COMPONENT_LABELS, zone_scores


@admin.display(description=gettext_lazy("流转"))
def transition_label(log: TransitionLog) -> str:
    return transition_display(log.transition)


class TransitionLogInline(ReadOnlyInline):
    model = TransitionLog
    fields = readonly_fields = ["at", transition_label, "from_state", "to_state", "actor", "reason"]
    ordering = ["at", "id"]


class DocumentInline(ReadOnlyInline):
    fields = readonly_fields = ["original_name", "content_type", "size", "uploaded_at"]


class ScenarioAttachmentInline(DocumentInline):
    model = ScenarioAttachment


def transition_action(t: Transition):
    """An admin action for one lifecycle transition, asking for a reason (and an event) first."""

    def action(modeladmin, request, queryset):
        form = TransitionForm(request.POST if "apply" in request.POST else None, transition=t)
        if "apply" not in request.POST or not form.is_valid():
            return action_form(
                modeladmin,
                request,
                queryset,
                form,
                action_name=f"do_{t.name}",
                title=t.label,
                intro=ngettext("将对以下 %(n)s 个场景执行此操作：", "将对以下 %(n)s 个场景执行此操作：", len(queryset))
                % {"n": len(queryset)},
                describe=lambda s: f"{s.title}（{s.get_state_display()}，{s.region}）",
            )
        act_on_each(
            modeladmin,
            request,
            queryset,
            lambda s: services.scenario_transition(
                name=t.name, scenario_id=s.pk, actor_user=request.user, **form.service_kwargs()
            ),
            name=lambda s: s.title,
            verb=_("已{action}").format(action=t.label),
        )
        return None

    action.__name__ = f"do_{t.name}"
    action.short_description = t.label
    action.allowed_permissions = ("view",)  # the service decides who may; the admin only offers
    return action


# Set by the lifecycle services only, never typed in.
PROGRESS_FIELDS = [
    "state",
    "plan",
    "planned_quarter",
    "release_event",
    "published_at",
    "submitted_at",
    "approved_at",
    "signed_at",
    "cooperation_started_at",
    "closed_reason",
    "created_at",
]


@admin.register(Scenario)
class ScenarioAdmin(MarketAdmin):
    form = ScenarioAdminForm
    add_roles = (Role.PROVIDER, Role.CITY_STAFF, Role.LINK_OFFICE)
    list_display = ["title", "provider", "region", "sector_name", "category", "state", "release_event", "published_at"]
    list_filter = [
        "state",
        "category",
        "cooperation_mode",
        "region",
        ("sector", admin.RelatedOnlyFieldListFilter),
        "release_event",
        "published_at",
    ]
    search_fields = ["title", "purpose", "requirements", "provider__name", "key"]
    list_select_related = ["provider", "region", "sector", "release_event"]
    date_hierarchy = "published_at"
    readonly_fields = ["key", *PROGRESS_FIELDS]
    autocomplete_fields = ["provider"]
    inlines = [ScenarioAttachmentInline, TransitionLogInline]
    actions = [transition_action(t) for t in TRANSITIONS.values()]
    change_form_template = "admin/scenarios/scenario/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The transitions this person may take now, as buttons (each opens its action's form for a reason
        or an event, and goes through the same service)."""
        obj = self.get_object(request, object_id)
        available = []
        if obj is not None:
            who = actor_for(request.user)
            available = [t for t in TRANSITIONS.values() if obj.state in t.sources and actor_may_perform(who, t, obj)]
        return super().change_view(
            request, object_id, form_url, extra_context={**(extra_context or {}), "transitions": available}
        )

    def get_urls(self):
        board = path(
            "followup-board/", self.admin_site.admin_view(self.followup_board), name="scenarios_followup_board"
        )
        return [board, *super().get_urls()]

    def followup_board(self, request):
        """The city follow-up board: the same groups as the API, for city staff (their region) and the link
        office (any region)."""
        who = actor_for(request.user)
        if not (who.is_city_staff or who.is_link_office):
            raise PermissionDenied
        regions = Region.objects.order_by("sort_order") if who.is_link_office else None
        code = request.GET.get("region") if who.is_link_office else who.organization.region.code
        region = Region.objects.filter(code=code).first() if code else None
        groups = followup_board(region_id=region.pk if region else None, as_of=timezone.localdate(), limit=50)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("跟踪看板"),
            "groups": groups,
            "region": region,
            "regions": regions,
        }
        return TemplateResponse(request, "admin/scenarios/followup_board.html", context)

    fieldsets = [
        (
            gettext_lazy("场景"),
            {"fields": ["key", "title", "provider", "region", "category", "sector", "cooperation_mode"]},
        ),
        (
            gettext_lazy("内容"),
            {"fields": ["purpose", "requirements", "budget_min", "budget_max", "expected_start", "duration_months"]},
        ),
        (gettext_lazy("联系人"), {"fields": ["contact_name", "contact_phone", "contact_email"]}),
        (gettext_lazy("进度"), {"fields": PROGRESS_FIELDS}),
    ]

    @admin.display(description=gettext_lazy("行业领域"), ordering="sector__sort_order")
    def sector_name(self, obj):
        return obj.sector.name

    def get_readonly_fields(self, request, obj=None):
        # The provider is chosen once, when staff draft a scenario for it; moving a scenario to another region
        # is a change of the staff's (scenario_update checks who may).
        fixed = ["provider"] if obj is not None else []
        if obj is not None and role_of(request) == Role.PROVIDER:
            fixed.append("region")
        return [*self.readonly_fields, *fixed]

    def get_actions(self, request):
        # Suppliers browse the published scenarios (to propose); the lifecycle is not theirs.
        return {} if role_of(request) == Role.SUPPLIER else super().get_actions(request)

    def get_fieldsets(self, request, obj=None):
        if role_of(request) != Role.PROVIDER:
            return self.fieldsets
        # A provider's scenarios are its own: the provider is not a choice for it.
        return [(name, {"fields": [f for f in opts["fields"] if f != "provider"]}) for name, opts in self.fieldsets]


class ScenarioChildAdmin(MarketAdmin):
    autocomplete_fields = ["scenario"]
    list_select_related = ["scenario", "scenario__region"]


class ProposalAttachmentInline(DocumentInline):
    model = ProposalAttachment


@admin.register(Proposal)
class ProposalAdmin(ScenarioChildAdmin):
    form = ProposalAdminForm
    add_roles = (Role.SUPPLIER,)
    list_display = ["scenario", "supplier", "kind", "status", "price", "submitted_at"]
    list_filter = ["kind", "status", "scenario__region"]
    search_fields = ["scenario__title", "supplier__name", "key"]
    readonly_fields = [
        "key",
        "scenario",
        "supplier",
        "kind",
        "products",
        "price",
        "plan",
        "submitted_by",
        "submitted_at",
    ]
    list_select_related = ["scenario", "supplier"]
    inlines = [ProposalAttachmentInline]

    editable = ["kind", "products", "price", "plan"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["key"]
        if self.has_change_permission(request, obj):  # its supplier, while it waits for an answer
            return [f for f in self.readonly_fields if f not in self.editable] + ["status", "decision_reason"]
        return [*self.readonly_fields, "status", "decided_at", "decision_reason"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["scenario", *self.editable]
        return [
            "key",
            "scenario",
            "supplier",
            "status",
            *self.editable,
            "submitted_by",
            "submitted_at",
            "decided_at",
            "decision_reason",
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "products":  # only its own products are the supplier's to offer
            kwargs["queryset"] = restrict(Product, actor_for(request.user), "change")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class AgreementDocumentInline(DocumentInline):
    model = AgreementDocument


@admin.register(Agreement)
class AgreementAdmin(ScenarioChildAdmin):
    form = AgreementAdminForm
    add_roles = (Role.PROVIDER, Role.CITY_STAFF, Role.LINK_OFFICE)
    list_display = ["scenario", "signed_on", "amount", "supplier_names"]
    list_filter = ["signed_on", "scenario__region"]
    search_fields = ["scenario__title", "suppliers__name", "key"]
    autocomplete_fields = ["scenario", "suppliers", "products"]
    date_hierarchy = "signed_on"
    inlines = [AgreementDocumentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("suppliers")

    @admin.display(description=gettext_lazy("签约产品提供方"))
    def supplier_names(self, obj):
        return "、".join(s.name for s in obj.suppliers.all())


class ProgressEvidenceInline(DocumentInline):
    model = ProgressEvidence


@admin.register(ProgressReport)
class ProgressReportAdmin(ScenarioChildAdmin):
    form = ProgressReportAdminForm
    add_roles = (Role.PROVIDER, Role.CITY_STAFF, Role.LINK_OFFICE)
    list_display = [
        "scenario",
        "reported_on",
        "milestone",
        "milestone_status",
        "progress_percent",
        "cooperation_started",
    ]
    list_filter = ["milestone_status", "cooperation_started", "scenario__region"]
    search_fields = ["scenario__title", "summary", "milestone"]
    date_hierarchy = "reported_on"
    inlines = [ProgressEvidenceInline]


class SupportGrantInline(ReadOnlyInline):
    model = SupportGrant
    fields = readonly_fields = ["kind", "recipient", "amount", "granted_on"]


class BenchmarkPictureInline(DocumentInline):
    model = BenchmarkPicture
    fields = readonly_fields = ["original_name", "caption", "size", "uploaded_at"]


@admin.register(BenchmarkCase)
class BenchmarkCaseAdmin(ScenarioChildAdmin):
    form = BenchmarkCaseAdminForm
    add_roles = (Role.CITY_STAFF, Role.LINK_OFFICE)
    list_display = ["title", "scenario", "recommended_national_pilot", "recommended_typical_case", "is_public"]
    list_filter = ["recommended_national_pilot", "recommended_typical_case", "is_public", "scenario__region"]
    search_fields = ["title", "background", "solution", "outcomes", "scenario__title"]
    inlines = [SupportGrantInline, BenchmarkPictureInline]

    @admin.display(description=gettext_lazy("成效数据"))
    def figures(self, obj):
        return figures_text(obj.outcome_figures) or "—"

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None:  # shown as words on the read-only page, never as JSON
            fields = ["figures" if f == "outcome_figures" else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "figures"] if obj is not None else readonly


@admin.register(DemonstrationZone)
class DemonstrationZoneAdmin(MarketAdmin):
    form = DemonstrationZoneAdminForm
    add_roles = (Role.LINK_OFFICE,)
    list_display = ["name", "region", "sector", "status", "score", "designated_on", "national_applied_on"]
    list_filter = ["status", "region", "sector"]
    search_fields = ["name", "region__name", "sector__name"]
    readonly_fields = [
        "status",
        "score",
        "live_score",
        "score_table",
        "designated_on",
        "national_applied_on",
        "national_designated_on",
    ]
    exclude = ["score_components"]
    actions = ["designate", "apply_national", "designate_national", "include_scenarios"]

    @admin.display(description=gettext_lazy("评分构成"))
    def score_table(self, zone):
        """Each component's value, the best region's value, the normalised value and its weight: the score is
        100 × Σ weight × normalised ÷ Σ weight."""
        rows = [
            format_html(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                COMPONENT_LABELS.get(name, name),
                f"{c['value']:g}",
                f"{c['best']:g}",
                f"{c['normalized']:.3f}",
                f"{c['weight']:g}",
            )
            for name, c in self._components(zone).items()
        ]
        if not rows:
            return "—"
        head = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            _("构成"),
            _("本区"),
            _("最高"),
            _("归一化"),
            _("权重"),
        )
        return format_html("<table>{}{}</table>", head, mark_safe("".join(rows)))

    def _live(self, zone):
        """The zone's cell of the ranking computed now (as /zones/ shows it), once per zone and request."""
        if not hasattr(zone, "_live_cell"):
            zone._live_cell = next(
                (c for c in zone_scores() if c.region.pk == zone.region_id and c.sector.pk == zone.sector_id), None
            )
        return zone._live_cell

    def _components(self, zone) -> dict:
        """The stored components of the designation, or, for a candidate, computed now."""
        if zone.score_components:
            return zone.score_components
        cell = self._live(zone)
        return cell.components if cell else {}

    @admin.display(description=gettext_lazy("当前评分"))
    def live_score(self, zone):
        cell = self._live(zone)
        return f"{cell.score:.2f}" if cell else "—"

    def _each(self, request, queryset, service, verb):
        act_on_each(
            self,
            request,
            queryset,
            lambda zone: service(zone_id=zone.pk, actor_user=request.user),
            name=lambda zone: zone.name,
            verb=verb,
        )

    @admin.action(description=gettext_lazy("认定为省级示范区"), permissions=["office"])
    def designate(self, request, queryset):
        self._each(request, queryset, services.zone_designate, _("已认定"))

    @admin.action(description=gettext_lazy("申报国家级示范区"), permissions=["office"])
    def apply_national(self, request, queryset):
        self._each(request, queryset, services.zone_apply_national, _("已申报"))

    @admin.action(description=gettext_lazy("登记国家级认定"), permissions=["office"])
    def designate_national(self, request, queryset):
        self._each(request, queryset, services.zone_designate_national, _("已登记"))

    @admin.action(description=gettext_lazy("将区内标杆案例纳入示范区"), permissions=["office"])
    def include_scenarios(self, request, queryset):
        self._each(request, queryset, services.zone_include_scenarios, _("已纳入"))


class EventScenarioInline(ReadOnlyInline):
    model = Scenario
    fk_name = "release_event"
    fields = readonly_fields = ["title", "provider", "region", "sector", "state"]
    verbose_name_plural = gettext_lazy("场景清单")


@admin.register(ReleaseEvent)
class ReleaseEventAdmin(MarketAdmin):
    form = ReleaseEventAdminForm
    add_roles = (Role.LINK_OFFICE,)
    list_display = ["name", "kind", "year", "quarter", "host_region", "date", "list_final", "scenario_count"]
    list_filter = ["kind", "year", "host_region", "list_final"]
    search_fields = ["name", "venue"]
    date_hierarchy = "date"
    inlines = [EventScenarioInline]
    actions = ["publish_all"]
    readonly_fields = ["booklet"]

    @admin.display(description=gettext_lazy("场景手册"))
    def booklet(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}" target="_blank">{}</a> · <a href="{}">{}</a>',
            reverse("web:event-booklet", args=[obj.pk]),
            _("打印版"),
            reverse("web:event-booklet-xlsx", args=[obj.pk]),
            _("Excel 工作簿"),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("host_region").annotate(n_scenarios=Count("scenarios"))

    @admin.display(description=gettext_lazy("场景数"), ordering="n_scenarios")
    def scenario_count(self, obj):
        return obj.n_scenarios

    @admin.action(description=gettext_lazy("发布活动的全部场景（全部成功或全部不发布）"), permissions=["office"])
    def publish_all(self, request, queryset):
        for event in queryset:
            try:
                published = services.release_event_publish_all(event_id=event.pk, actor_user=request.user)
                report_outcomes(self, request, [s.title for s in published], [], _("已发布"))
            except DomainError as exc:
                problems = [(k, "；".join(v)) for k, v in exc.fields.items()]
                report_outcomes(self, request, [], [(event.name, str(exc)), *problems], "")


class AnnualTargetInline(ReadOnlyInline):
    model = AnnualTarget
    fields = readonly_fields = ["metric", "value"]


@admin.register(AnnualTarget)
class AnnualTargetAdmin(MarketAdmin):
    """The link office sets a year's targets (through `annual_target_set`); everyone reads them."""

    form = AnnualTargetAdminForm
    list_display = ["plan", "metric", "value"]
    list_filter = ["plan"]
    readonly_fields = ["plan", "metric"]


@admin.register(AnnualPlan)
class AnnualPlanAdmin(MarketAdmin):
    list_display = ["year", "title", "scenario_count", "progress_link"]
    inlines = [AnnualTargetInline]

    def get_urls(self):
        progress = path(
            "<int:year>/progress/", self.admin_site.admin_view(self.progress_view), name="scenarios_annualplan_progress"
        )
        return [progress, *super().get_urls()]

    @admin.display(description=gettext_lazy("进度"))
    def progress_link(self, obj):
        url = reverse("admin:scenarios_annualplan_progress", args=[obj.year])
        return format_html('<a href="{}">{}</a>', url, _("查看进度"))

    def progress_view(self, request, year: int):
        """Each target as a bar: done so far, where the pace says it should be today, and the target."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = plan_progress_report(year, timezone.localdate())
        for t in report["targets"]:
            top = max(t["value"], t["actual"], 1)
            t["actual_pct"], t["expected_pct"] = 100 * t["actual"] / top, 100 * t["expected"] / top
            t["value_pct"] = 100 * t["value"] / top
            most = max([r["count"] for r in t["by_region"]] or [1])
            for r in t["by_region"]:
                r["pct"] = 100 * r["count"] / most
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "report": report,
            "title": _("{year}年度目标进度").format(year=year),
        }
        return TemplateResponse(request, "admin/scenarios/plan_progress.html", context)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_scenarios=Count("scenarios"))

    @admin.display(description=gettext_lazy("计划场景数"), ordering="n_scenarios")
    def scenario_count(self, obj):
        return obj.n_scenarios


def _for_reader(actor, label, answer):
    """A changelist column answered for this reader (ModelAdmin instances are shared across requests)."""

    def column(meeting):
        return answer(actor, meeting)

    column.short_description = label
    return column


@admin.register(DockingMeeting)
class DockingMeetingAdmin(ReadOnlyAdmin):
    """Each meeting tells the reader only what the policy lets it know: an unpublished scenario's title, the
    request (which reveals a proposal) and the score are the insiders'."""

    list_filter = ["event"]
    list_select_related = ["event", "scenario", "provider", "supplier"]
    search_fields = ["supplier__name", "provider__name"]

    def _columns(self, request):
        def requested(actor, m):
            value = meeting_requested(actor, m)
            return "—" if value is None else (_("是") if value else _("否"))

        def score(actor, m):
            value = meeting_score(actor, m)
            return "—" if value is None else f"{value:.3f}"

        actor = self.actor(request)
        return [
            "event",
            "starts_at",
            "table",
            _for_reader(actor, gettext_lazy("应用场景"), meeting_scenario_title),
            "provider",
            "supplier",
            _for_reader(actor, gettext_lazy("主动申请"), requested),
            _for_reader(actor, gettext_lazy("匹配得分"), score),
        ]

    def get_list_display(self, request):
        return self._columns(request)

    def get_fields(self, request, obj=None):
        return self._columns(request)

    def get_readonly_fields(self, request, obj=None):
        return self._columns(request)


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "scenario", transition_label, "from_state", "to_state", "actor", "reason"]
    list_filter = ["transition", "to_state", "at"]
    search_fields = ["scenario__title", "reason", "actor__username"]
    list_select_related = ["scenario", "actor"]
    date_hierarchy = "at"


@admin.register(ReminderRule)
class ReminderRuleAdmin(MarketAdmin):
    """The follow-up rules: city staff read them, the link office tunes them (through the service)."""

    form = ReminderRuleAdminForm
    list_display = ["code", *ReminderRule.SETTINGS, "updated_at"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        return False  # the rules are the platform's; they are switched off, not deleted

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CooperationCheckIn)
class CooperationCheckInAdmin(ReadOnlyAdmin):
    list_display = ["scenario", "period", "organization", "running", "comment", "answered_at"]
    list_filter = ["running", "period"]
    search_fields = ["scenario__title", "organization__name"]
    list_select_related = ["scenario", "organization"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["raised_on", "rule", "message", "status", "times_notified", "next_notify_on", "region"]
    list_filter = ["rule", "status", "region"]
    search_fields = ["message"]
    date_hierarchy = "raised_on"


def _index_with_queue(index_view):
    """The back office's front page starts with what waits for this person ("5 个场景等待您审核")."""

    def index(request, extra_context=None):
        queue = [item for item in work_queue(actor_for(request.user)) if item.count]
        for item in queue:
            app_label, model = item.changelist.split(".")
            item.url = reverse(f"admin:{app_label}_{model}_changelist") + (f"?{item.query}" if item.query else "")
        return index_view(request, {**(extra_context or {}), "queue": queue})

    return index


admin.site.index = _index_with_queue(admin.site.index)
