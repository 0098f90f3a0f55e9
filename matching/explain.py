"""A recommendation explained in words a person reads: the sector fit, the key terms the scenario and the
product share (whole words of the scenario's own text, never a fragment of one), whether the company is
local, and the strength of the match as a share for a bar."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .analysis import get_analyzer
from .engine import COMPONENTS

# The engine's components as a person calls them (the API keeps the English keys beside these labels).
COMPONENT_LABELS = {
    "text": gettext_lazy("文本相关度"),
    "sector": gettext_lazy("行业契合度"),
    "region": gettext_lazy("地域"),
    "maturity": gettext_lazy("产品成熟度"),
    "budget": gettext_lazy("预算契合度"),
    "record": gettext_lazy("履约记录"),
    "feedback": gettext_lazy("需求方评价"),
    "coverage": gettext_lazy("需求覆盖度"),
    "breadth": gettext_lazy("专注度"),
    "history": gettext_lazy("同类场景成效"),
}


@dataclass(frozen=True)
class Signal:
    name: str
    label: str
    value: float


@dataclass(frozen=True)
class Explanation:
    sector: str  # same sub-area, same sector, or another
    sector_fit: int  # 2 same sub-area, 1 same sector, 0 another
    terms: list[str]
    local: bool
    strength: int  # 0–100, for a bar
    signals: tuple[Signal, ...] = ()  # each component, named in the reader's language

    @property
    def sentence(self) -> str:
        parts = [self.sector]
        if self.terms:
            parts.append(_("共同关键词：{terms}").format(terms="、".join(self.terms)))
        parts.append(_("本地企业") if self.local else _("外地企业"))
        return "；".join(parts)


def _sector_fit(scenario_sector, product_sectors) -> int:
    best = 0
    for s in product_sectors:
        if s.pk == scenario_sector.pk:
            return 2
        top = scenario_sector.parent_id or scenario_sector.pk
        if (s.parent_id or s.pk) == top:
            best = 1
    return best


def whole_words(text: str) -> frozenset[str]:
    """The whole words of a text (precise segmentation, synonyms folded), remembered per text and analyser (a new
    dictionary is a new analyser):
    every match of one scenario asks for the same text."""
    analyzer = get_analyzer()
    return _whole_words(text, analyzer)


@lru_cache(maxsize=2048)
def _whole_words(text: str, analyzer) -> frozenset[str]:
    return frozenset(analyzer.canonical(w) for w in analyzer.words(text))


def explain(match, scenario_words: frozenset[str] | None = None, limit: int = 6) -> Explanation:
    """Explain one `Match` (its scenario, product with sectors, and supplier loaded)."""
    scenario = match.scenario
    if scenario_words is None:
        scenario_words = whole_words(f"{scenario.title} {scenario.purpose} {scenario.requirements}")
    terms = [t for t in (match.terms or []) if isinstance(t, str) and t in scenario_words][:limit]
    fit = _sector_fit(scenario.sector, list(match.product.sectors.all()))
    label = {
        2: _("同属{sector}").format(sector=scenario.sector.name),
        1: _("同一行业（{sector}）").format(sector=(scenario.sector.parent or scenario.sector).name),
        0: _("行业不同"),
    }[fit]
    return Explanation(
        sector=label,
        sector_fit=fit,
        terms=terms,
        local=match.supplier.region_id == scenario.region_id,
        strength=max(0, min(100, round(match.score * 100))),
        signals=tuple(
            Signal(name, str(COMPONENT_LABELS[name]), float(match.components[name]))
            for name in COMPONENTS
            if isinstance(match.components, dict) and name in match.components
        ),
    )
