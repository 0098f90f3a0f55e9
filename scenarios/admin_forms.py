"""Forms of the scenario admin: transition inputs and service-backed adds."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.admin_base import ServiceForm

from . import services
from .lifecycle import Transition
from .models import (
    Agreement,
    AnnualTarget,
    BenchmarkCase,
    DemonstrationZone,
    ProgressReport,
    Proposal,
    ReleaseEvent,
    ReminderRule,
    Scenario,
)
from .services.records import SCENARIO_EDITABLE_FIELDS


class TransitionForm(forms.Form):
    reason = forms.CharField(label=_("原因/说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, transition: Transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.fields["reason"].required = transition.reason_required
        if transition.name in ("approve", "publish"):
            # Only events to come: a scenario is approved onto, or published at, an event not yet held (or
            # held today).
            self.fields["event"] = forms.ModelChoiceField(
                label=_("发布活动"),
                queryset=ReleaseEvent.objects.filter(date__gte=timezone.localdate()).order_by("date"),
                required=False,
                help_text=_("发布时不选则使用场景已排入的活动。") if transition.name == "publish" else "",
            )

    def service_kwargs(self) -> dict:
        kwargs = {"reason": self.cleaned_data.get("reason", "")}
        event = self.cleaned_data.get("event")
        if event is not None:
            kwargs["event_id"] = event.pk
        return kwargs


class ScenarioAdminForm(ServiceForm):
    """Drafting, and editing while the policy allows. The provider is chosen once, at creation; the region
    moves only through `scenario_update`, which checks who may move it."""

    class Meta:
        model = Scenario
        fields = ["provider", *sorted(SCENARIO_EDITABLE_FIELDS)]

    def create(self, cleaned):
        fields = {f: cleaned[f] for f in SCENARIO_EDITABLE_FIELDS if f in cleaned}
        return services.scenario_create(actor_user=self.actor_user, provider=cleaned.get("provider"), **fields)

    def update(self, cleaned, changed):
        fields = {f: cleaned[f] for f in changed if f in SCENARIO_EDITABLE_FIELDS}
        if not fields:
            return None
        return services.scenario_update(scenario_id=self.instance.pk, actor_user=self.actor_user, **fields)


class ProposalAdminForm(ServiceForm):
    class Meta:
        model = Proposal
        fields = ["scenario", "kind", "products", "price", "plan"]

    def _terms(self, cleaned):
        return {
            "kind": cleaned["kind"],
            "product_ids": [p.pk for p in cleaned["products"]],
            "price": cleaned["price"],
            "plan": cleaned["plan"],
        }

    def create(self, cleaned):
        return services.proposal_submit(
            scenario_id=cleaned["scenario"].pk, actor_user=self.actor_user, **self._terms(cleaned)
        )

    def update(self, cleaned, changed):
        return services.proposal_revise(
            proposal_id=self.instance.pk, actor_user=self.actor_user, **self._terms(cleaned)
        )


class AgreementAdminForm(ServiceForm):
    class Meta:
        model = Agreement
        fields = ["scenario", "suppliers", "products", "signed_on", "amount", "summary"]

    def create(self, cleaned):
        return services.agreement_create(
            scenario_id=cleaned["scenario"].pk,
            actor_user=self.actor_user,
            supplier_ids=[o.pk for o in cleaned["suppliers"]],
            product_ids=[p.pk for p in cleaned["products"]],
            signed_on=cleaned["signed_on"],
            amount=cleaned["amount"],
            summary=cleaned["summary"],
        )


class ProgressReportAdminForm(ServiceForm):
    class Meta:
        model = ProgressReport
        fields = [
            "scenario",
            "reported_on",
            "summary",
            "milestone",
            "milestone_status",
            "progress_percent",
            "cooperation_started",
        ]

    def create(self, cleaned):
        data = {k: v for k, v in cleaned.items() if k != "scenario"}
        return services.progress_report_create(scenario_id=cleaned["scenario"].pk, actor_user=self.actor_user, **data)


FIGURE_ROWS = 6


class OutcomeFiguresWidget(forms.MultiWidget):
    """Rows of indicator, value and unit (e.g. 检测效率 · 提升 3 · 倍) instead of a JSON text area."""

    template_name = "admin/scenarios/outcome_figures_widget.html"

    def __init__(self, attrs=None):
        placeholders = [_("指标"), _("数值"), _("单位")]
        widgets = [
            forms.TextInput(attrs={"placeholder": placeholders[i % 3], "size": 18 if i % 3 == 0 else 8})
            for i in range(FIGURE_ROWS * 3)
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        flat = []
        for figure in (value or [])[:FIGURE_ROWS]:
            flat += [figure.get("label", ""), str(figure.get("value", "")), figure.get("unit", "")]
        return flat + [""] * (FIGURE_ROWS * 3 - len(flat))


class OutcomeFiguresField(forms.MultiValueField):
    widget = OutcomeFiguresWidget

    def __init__(self, **kwargs):
        fields = [forms.CharField(max_length=64, required=False) for _i in range(FIGURE_ROWS * 3)]
        super().__init__(fields, require_all_fields=False, **{**kwargs, "required": False})

    def compress(self, data_list):
        rows = [data_list[i : i + 3] for i in range(0, len(data_list or []), 3)]
        figures = []
        for label, value, unit in rows:
            if not (label or value):
                continue
            if not (label and value):
                raise forms.ValidationError(_("每项成效须同时填写指标和数值。"))
            figures.append({"label": label.strip(), "value": value.strip(), "unit": (unit or "").strip()})
        return figures


class BenchmarkCaseAdminForm(ServiceForm):
    outcome_figures = OutcomeFiguresField(label=_("成效数据"))

    class Meta:
        model = BenchmarkCase
        fields = [
            "scenario",
            "title",
            "background",
            "solution",
            "outcomes",
            "outcome_figures",
            "recommended_national_pilot",
            "recommended_typical_case",
            "is_public",
        ]

    def create(self, cleaned):
        data = {k: v for k, v in cleaned.items() if k != "scenario"}
        return services.benchmark_case_create(scenario_id=cleaned["scenario"].pk, actor_user=self.actor_user, **data)


class ReleaseEventAdminForm(ServiceForm):
    class Meta:
        model = ReleaseEvent
        fields = ["name", "kind", "year", "quarter", "host_region", "date", "venue"]

    def create(self, cleaned):
        return services.release_event_create(actor_user=self.actor_user, **cleaned)


class DemonstrationZoneAdminForm(ServiceForm):
    class Meta:
        model = DemonstrationZone
        fields = ["name", "region", "sector"]

    def create(self, cleaned):
        return services.zone_nominate(
            region_code=cleaned["region"].code,
            sector_code=cleaned["sector"].code,
            name=cleaned.get("name") or "",
            actor_user=self.actor_user,
        )


class AnnualTargetAdminForm(ServiceForm):
    class Meta:
        model = AnnualTarget
        fields = ["value"]

    def update(self, cleaned, changed):
        return services.annual_target_set(
            year=self.instance.plan.year,
            metric=self.instance.metric,
            value=cleaned["value"],
            actor_user=self.actor_user,
        )


class ReminderRuleAdminForm(ServiceForm):
    class Meta:
        model = ReminderRule
        fields = list(ReminderRule.SETTINGS)

    def update(self, cleaned, changed):
        return services.reminder_rule_update(
            code=self.instance.code, actor_user=self.actor_user, **{f: cleaned[f] for f in changed}
        )
