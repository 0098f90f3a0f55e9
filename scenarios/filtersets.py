from __future__ import annotations

import django_filters as filters

from marketplace.filtersets import sector_ids

from .choices import CooperationMode, ProposalKind, ProposalStatus, ScenarioCategory, ScenarioState
from .models import Proposal, Scenario


class ScenarioFilter(filters.FilterSet):
    region = filters.CharFilter(field_name="region__code", help_text="region code, e.g. 510100")
    sector = filters.CharFilter(
        method="filter_sector", help_text="sector code; a top-level sector includes its sub-areas"
    )
    category = filters.ChoiceFilter(choices=ScenarioCategory.choices)
    state = filters.MultipleChoiceFilter(choices=ScenarioState.choices)
    cooperation_mode = filters.ChoiceFilter(choices=CooperationMode.choices)
    budget_min = filters.NumberFilter(
        method="filter_budget_min", help_text="scenarios whose budget reaches at least this (万元)"
    )
    budget_max = filters.NumberFilter(
        method="filter_budget_max", help_text="scenarios whose budget starts at most at this (万元)"
    )
    release_event = filters.NumberFilter(field_name="release_event_id")
    provider = filters.NumberFilter(field_name="provider_id")
    published_after = filters.DateFilter(field_name="published_at", lookup_expr="gte")
    published_before = filters.DateFilter(field_name="published_at", lookup_expr="lte")

    class Meta:
        model = Scenario
        fields = ["region", "sector", "category", "state", "cooperation_mode", "release_event", "provider"]

    def filter_sector(self, queryset, name, value):
        return queryset.filter(sector_id__in=sector_ids(value))

    def filter_budget_min(self, queryset, name, value):
        return queryset.filter(budget_max__gte=value)

    def filter_budget_max(self, queryset, name, value):
        return queryset.filter(budget_min__lte=value)


class ProposalFilter(filters.FilterSet):
    scenario = filters.NumberFilter(field_name="scenario_id")
    status = filters.ChoiceFilter(choices=ProposalStatus.choices)
    kind = filters.ChoiceFilter(choices=ProposalKind.choices)

    class Meta:
        model = Proposal
        fields = ["scenario", "status", "kind"]
