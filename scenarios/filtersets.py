from __future__ import annotations

import django_filters as filters

from common.filters import IntegerFilter, StrictFilterSet
from marketplace.filtersets import sector_ids
from marketplace.models import Region
from matching.search import search

from .choices import (
    CooperationMode,
    ProposalKind,
    ProposalStatus,
    ReminderRuleCode,
    ReminderStatus,
    ScenarioCategory,
    ScenarioState,
)
from .models import Agreement, BenchmarkCase, ProgressReport, Proposal, ReleaseEvent, Reminder, Scenario


class ScenarioSearchFilter(StrictFilterSet):
    """The search alone: what a plain public search checks (scenarios/api/views.py) before it ranks."""

    q = filters.CharFilter(
        method="filter_q", max_length=200, help_text="Chinese full-text search, ranked by relevance (synonyms count)"
    )

    class Meta:
        model = Scenario
        fields = []

    def filter_q(self, queryset, name, value):
        return search(queryset, value, "title")


class ScenarioFilter(ScenarioSearchFilter):
    region = filters.CharFilter(method="filter_region", help_text="region code, e.g. 510100")
    sector = filters.CharFilter(
        method="filter_sector", help_text="sector code; a top-level sector includes its sub-areas"
    )
    category = filters.ChoiceFilter(choices=ScenarioCategory.choices)
    # No multi-valued joins here: DISTINCT (the filter's default) would only cost a sort of every column.
    state = filters.MultipleChoiceFilter(choices=ScenarioState.choices, distinct=False)
    cooperation_mode = filters.ChoiceFilter(choices=CooperationMode.choices)
    budget_min = filters.NumberFilter(
        method="filter_budget_min", help_text="scenarios whose budget reaches at least this (万元)"
    )
    budget_max = filters.NumberFilter(
        method="filter_budget_max", help_text="scenarios whose budget starts at most at this (万元)"
    )
    release_event = IntegerFilter(field_name="release_event_id")
    provider = IntegerFilter(field_name="provider_id")
    published_after = filters.DateFilter(field_name="published_at", lookup_expr="gte")
    published_before = filters.DateFilter(field_name="published_at", lookup_expr="lte")

    class Meta:
        model = Scenario
        fields = ["region", "sector", "category", "state", "cooperation_mode", "release_event", "provider"]

    def filter_sector(self, queryset, name, value):
        return queryset.filter(sector_id__in=sector_ids(value))

    def filter_region(self, queryset, name, value):
        # By id, not through a join on the code: the planner can then walk an index in list order.
        return queryset.filter(region_id=Region.objects.filter(code=value).values_list("pk", flat=True).first())

    def filter_budget_min(self, queryset, name, value):
        return queryset.filter(budget_max__gte=value)

    def filter_budget_max(self, queryset, name, value):
        return queryset.filter(budget_min__lte=value)


class ProposalFilter(StrictFilterSet):
    scenario = IntegerFilter(field_name="scenario_id")
    status = filters.ChoiceFilter(choices=ProposalStatus.choices)
    kind = filters.ChoiceFilter(choices=ProposalKind.choices)

    class Meta:
        model = Proposal
        fields = ["scenario", "status", "kind"]


class ScenarioRecordFilter(StrictFilterSet):
    scenario = IntegerFilter(field_name="scenario_id")

    class Meta:
        model = Agreement
        fields = ["scenario"]


class ProgressReportFilter(ScenarioRecordFilter):
    cooperation_started = filters.BooleanFilter()

    class Meta:
        model = ProgressReport
        fields = ["scenario", "cooperation_started"]


class ReleaseEventFilter(StrictFilterSet):
    year = IntegerFilter()
    quarter = IntegerFilter()

    class Meta:
        model = ReleaseEvent
        fields = ["year", "quarter", "kind"]


class ReminderFilter(StrictFilterSet):
    rule = filters.ChoiceFilter(choices=ReminderRuleCode.choices)
    status = filters.ChoiceFilter(choices=ReminderStatus.choices)
    object_id = IntegerFilter(help_text="the scenario (or event, or plan) it concerns")

    class Meta:
        model = Reminder
        fields = ["rule", "status", "object_id"]


class BenchmarkCaseFilter(StrictFilterSet):
    """The gallery's filters: a top-level sector includes its sub-areas, as for scenarios."""

    sector = filters.CharFilter(
        method="filter_sector", help_text="sector code; a top-level sector includes its sub-areas"
    )
    region = filters.CharFilter(field_name="scenario__region__code", help_text="region code, e.g. 510100")

    class Meta:
        model = BenchmarkCase
        fields = ["sector", "region"]

    def filter_sector(self, queryset, name, value):
        return queryset.filter(scenario__sector_id__in=sector_ids(value))
