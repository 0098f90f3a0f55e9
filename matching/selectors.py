"""Who may read which recommendations (DOMAIN.md §7): a scenario's ranking is for its provider, the city
staff of its region and the link office; a supplier sees the open scenarios where its own products rank."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from common.errors import NotFound, PermissionDenied
from common.policy import restrict
from marketplace.choices import Role
from marketplace.selectors import Actor
from scenarios.policies import is_insider
from scenarios.selectors import scenario_list_for

from .market import MATCHED_STATES
from .models import Match, MatchFeedback, MatchRun


def matches_for_scenario(actor: Actor, scenario_id: int) -> QuerySet[Match]:
    scenario = scenario_list_for(actor).filter(pk=scenario_id).first()
    if scenario is None:
        raise NotFound("not_found", _("场景不存在。"))
    if not is_insider(actor, scenario):
        raise PermissionDenied("not_allowed", _("只有场景提供方、所在市州和链长办可以查看匹配结果。"))
    return Match.objects.filter(scenario=scenario).select_related("product", "supplier", "supplier__region")


def recommendations_for(actor: Actor) -> QuerySet[Match]:
    """Each open scenario once, with the supplier's best-ranked product for it, best first."""
    if actor.role != Role.SUPPLIER:
        raise PermissionDenied("not_allowed", _("推荐场景仅面向产品提供方。"))
    own = Match.objects.filter(supplier_id=actor.organization_id)
    best_of_scenario = own.filter(scenario_id=OuterRef("scenario_id")).order_by("rank").values("pk")[:1]
    return (
        own.filter(scenario__state__in=MATCHED_STATES, pk=Subquery(best_of_scenario))
        .select_related("scenario", "scenario__region", "scenario__sector", "product")
        .order_by("-score", "scenario_id")
    )


def feedback_of(actor: Actor) -> QuerySet[MatchFeedback]:
    return restrict(MatchFeedback, actor).order_by("-created_at", "-id")


def runs_for(actor: Actor) -> QuerySet[MatchRun]:
    if not actor.is_link_office:
        raise PermissionDenied("not_allowed", _("匹配任务仅链长办可见。"))
    return MatchRun.objects.all()


def similar_scenarios(scenario, limit: int = 4, threshold: float = 0.25) -> list[tuple[object, float]]:
    """Public scenarios much like this one, by the overlap of their analysed words (Jaccard over the stored
    tokens of title, purpose and requirements), among those of the same top-level sector: what a provider
    drafting a scenario is shown so that the province does not publish the same list twice."""
    return [(other, score) for other, score, _shared in similar_with_terms(scenario, limit, threshold)]


def similar_with_terms(scenario, limit: int = 4, threshold: float = 0.25) -> list[tuple[object, float, list[str]]]:
    """`similar_scenarios` with the shared terms of each: (scenario, score, whole words both use)."""
    from marketplace.selectors import ANONYMOUS
    from scenarios.models import Scenario

    from .analysis import get_analyzer, split_stored, stored_tokens
    from .explain import whole_words

    def words(tokens: str | None) -> set[str]:
        title, body = split_stored(tokens)
        return set(title) | set(body)

    mine = words(stored_tokens(get_analyzer(), scenario.title, scenario.purpose, scenario.requirements))
    if not mine:
        return []
    readable = whole_words(f"{scenario.title} {scenario.purpose} {scenario.requirements}")
    top = scenario.sector.parent_id or scenario.sector_id
    candidates = (
        restrict(Scenario, ANONYMOUS)
        .filter(Q(sector_id=top) | Q(sector__parent_id=top))
        .exclude(pk=scenario.pk)
        .select_related("provider", "region")
        .only("pk", "title", "provider__name", "region__name", "search_tokens", "published_at")
        .order_by("-published_at", "-id")[:2000]
    )
    scored = []
    for other in candidates:
        theirs = words(other.search_tokens)
        if theirs:
            score = len(mine & theirs) / len(mine | theirs)
            if score >= threshold:
                scored.append((other, score, sorted(mine & theirs & readable, key=len, reverse=True)[:8]))
    scored.sort(key=lambda row: -row[1])
    return scored[:limit]
