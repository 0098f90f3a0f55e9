"""Who may see the matcher's records (DOMAIN.md §7): a scenario's ranking is for its provider, its region's
city staff and the link office; a supplier sees where its own products rank; feedback is its author's
organisation's (and the staff's); runs and synonyms are the link office's."""

from __future__ import annotations

from django.db.models import Q

from common.policy import EVERYTHING, NOTHING, Policy, register
from marketplace.choices import Role
from scenarios.policies import insider_q

from .models import Concept, Match, MatchFeedback, MatchRun, MatchRunChunk, Synonym


@register(Match)
class MatchPolicy(Policy):
    def view(self, actor):
        if actor.role == Role.SUPPLIER:
            return Q(supplier_id=actor.organization_id)
        return insider_q(actor, "scenario")


@register(MatchFeedback)
class MatchFeedbackPolicy(Policy):
    def view(self, actor):
        if actor.is_link_office:
            return EVERYTHING
        if actor.is_city_staff:
            return Q(scenario__region_id=actor.region_id)
        if actor.organization_id:
            return Q(organization_id=actor.organization_id)
        return NOTHING


class OfficeOnly(Policy):
    def view(self, actor):
        return EVERYTHING if actor.is_link_office else NOTHING

    def change(self, actor):
        return EVERYTHING if actor.is_link_office else NOTHING


for _model in (MatchRun, MatchRunChunk, Synonym, Concept):
    register(_model)(type(f"{_model.__name__}Policy", (OfficeOnly,), {}))
