"""Demonstration zones (示范区): a score per region × top-level sector from the platform's own records.

Each component is counted (or summed) per cell in one grouped query, then divided by the best cell's value, so
it lies in [0, 1] and the leading cell of every component gets 1. The score is 100 × the weighted mean of the
components, with the weights of `settings.ZONE_WEIGHTS` (documented in the README). Every figure that makes a
score — the raw value, the best cell's value, the normalised value and the weight — is kept with it, so the
score can be recomputed from its components by anyone."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from marketplace.models import Region, Sector

from .choices import SIGNED_STATES, ScenarioState
from .models import Agreement, BenchmarkCase, Scenario, SupportGrant

Cell = tuple[int, int]  # (region id, top-level sector id)

COMPONENT_LABELS = {
    "agreements": _("合作协议（份）"),
    "agreement_amount": _("协议金额（万元）"),
    "published": _("发布场景（个）"),
    "signed": _("签约场景（个）"),
    "benchmark_cases": _("标杆案例（个）"),
    "replications": _("复制推广（个）"),
    "support_amount": _("政策支持（万元）"),
    "case_stories": _("公开案例（篇）"),
}


@dataclass
class ZoneScore:
    region: Region
    sector: Sector
    score: float
    components: dict[str, dict[str, float]]


def _cells(qs: QuerySet, region: str, sector: str, value) -> dict[Cell, float]:
    """A grouped aggregate per (region, top-level sector): `sector` is the path to the record's (sub-)sector."""
    top = Coalesce(F(f"{sector}__parent_id"), F(f"{sector}_id"))
    rows = (
        qs.values(cell_region=F(f"{region}_id"), cell_sector=top)
        .annotate(v=value)
        .values_list("cell_region", "cell_sector", "v")
    )
    return {(r, s): float(v or 0) for r, s, v in rows}


def raw_components() -> dict[str, dict[Cell, float]]:
    recognised = [ScenarioState.BENCHMARK, ScenarioState.DEMONSTRATION]
    return {
        "agreements": _cells(
            Agreement.objects.all(), "scenario__region", "scenario__sector", Count("pk", distinct=True)
        ),
        "agreement_amount": _cells(Agreement.objects.all(), "scenario__region", "scenario__sector", Sum("amount")),
        "published": _cells(
            Scenario.objects.filter(published_at__isnull=False), "region", "sector", Count("pk", distinct=True)
        ),
        "signed": _cells(
            Scenario.objects.filter(state__in=SIGNED_STATES), "region", "sector", Count("pk", distinct=True)
        ),
        "benchmark_cases": _cells(
            Scenario.objects.filter(state__in=recognised), "region", "sector", Count("pk", distinct=True)
        ),
        # The spread of a cell's cases: scenarios started elsewhere from one of its benchmark cases.
        "replications": _cells(
            Scenario.objects.filter(replicated_from__isnull=False).exclude(state=ScenarioState.WITHDRAWN),
            "replicated_from__scenario__region",
            "replicated_from__scenario__sector",
            Count("pk", distinct=True),
        ),
        "support_amount": _cells(
            SupportGrant.objects.all(), "case__scenario__region", "case__scenario__sector", Sum("amount")
        ),
        "case_stories": _cells(
            BenchmarkCase.objects.filter(is_public=True, scenario__state__in=recognised),
            "scenario__region",
            "scenario__sector",
            Count("pk", distinct=True),
        ),
    }


def zone_scores(*, weights: dict[str, float] | None = None) -> list[ZoneScore]:
    """Every region × top-level sector with any record, best first."""
    weights = weights or settings.ZONE_WEIGHTS
    raw = raw_components()
    best = {name: max(values.values(), default=0.0) for name, values in raw.items()}
    cells: set[Cell] = {cell for values in raw.values() for cell, v in values.items() if v}
    regions = Region.objects.in_bulk({r for r, _s in cells})
    sectors = Sector.objects.in_bulk({s for _r, s in cells})
    total_weight = sum(weights.values())
    scores = []
    for cell in cells:
        components: dict[str, dict[str, float]] = defaultdict(dict)
        weighted = 0.0
        for name, weight in weights.items():
            value, top = raw[name].get(cell, 0.0), best[name]
            normalized = round(value / top, 6) if top else 0.0
            components[name] = {"value": value, "best": top, "normalized": normalized, "weight": weight}
            weighted += weight * normalized
        scores.append(
            ZoneScore(regions[cell[0]], sectors[cell[1]], round(100 * weighted / total_weight, 2), dict(components))
        )
    return sorted(scores, key=lambda z: (-z.score, z.region.sort_order, z.sector.sort_order))


def score_from_components(components: dict[str, dict[str, float]]) -> float:
    """The score its components make (what `zone_scores` computed, recomputed from the stored figures)."""
    total = sum(c["weight"] for c in components.values())
    return round(100 * sum(c["weight"] * c["normalized"] for c in components.values()) / total, 2) if total else 0.0


def cell_q(region_id: int, sector: Sector, prefix: str = "") -> Q:
    """Records of a region in a top-level sector or any of its sub-areas."""
    return Q(**{f"{prefix}region_id": region_id}) & (
        Q(**{f"{prefix}sector_id": sector.pk}) | Q(**{f"{prefix}sector__parent_id": sector.pk})
    )
