"""The plain ranker, a third baseline of `evaluate_matching`, exactly as issue 14 specifies it:

BM25 over jieba words (k1 1.5, b 0.75, words of at least two characters) of the scenario's title, purpose and
requirements against each product's name, description and capability tags; normalised by the scenario's best
score; plus 0.1 × sector fit (2 for the same sub-area, 1 for the same top-level sector, 0 otherwise; the best
over the product's sectors) plus 0.1 when the supplier is in the scenario's region; all times a maturity
factor (prototype 0.6, pilot 0.85, mature 1, scaled 1).

Plain jieba (its own dictionary, precise mode, no synonyms, no stop words) on purpose: it is the yardstick
of what the engine's analysis, structure and weights add. A query word counts once however often the
scenario repeats it."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

K1, B = 1.5, 0.75
MATURITY = {"prototype": 0.6, "pilot": 0.85, "mature": 1.0, "scaled": 1.0}


def words(text: str) -> list[str]:
    import jieba

    return [w for w in (piece.strip().lower() for piece in jieba.lcut(text or "")) if len(w) >= 2]


@dataclass
class PlainProduct:
    id: int
    region_id: int | None
    maturity: str
    sectors: list[tuple[int, int]]  # (sector id, its top-level sector id)
    counts: Counter
    length: int


@dataclass
class PlainScenario:
    id: int
    region_id: int | None
    sector: tuple[int, int]
    words: set[str]


def sector_fit(scenario: tuple[int, int], product: list[tuple[int, int]]) -> int:
    best = 0
    for sector, top in product:
        if sector == scenario[0]:
            return 2
        if top == scenario[1]:
            best = 1
    return best


def rank(scenarios: list[PlainScenario], products: list[PlainProduct], top: int = 50) -> dict[int, list[int]]:
    n = len(products)
    df: Counter = Counter()
    for p in products:
        df.update(p.counts.keys())
    idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}
    avg = (sum(p.length for p in products) / n) if n else 1.0
    out = {}
    for sc in scenarios:
        bm25 = []
        for p in products:
            norm = K1 * (1 - B + B * p.length / avg) if avg else K1
            bm25.append(sum(idf[w] * tf * (K1 + 1) / (tf + norm) for w in sc.words if (tf := p.counts.get(w))))
        best = max(bm25, default=0.0)
        scored = []
        for p, text in zip(products, bm25, strict=True):
            value = (text / best if best else 0.0) + 0.1 * sector_fit(sc.sector, p.sectors)
            value += 0.1 if p.region_id is not None and p.region_id == sc.region_id else 0.0
            scored.append((value * MATURITY.get(p.maturity, 1.0), p.id))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        out[sc.id] = [pid for value, pid in scored[:top] if value > 0]
    return out


def from_market(scenarios, products) -> tuple[list[PlainScenario], list[PlainProduct]]:
    """The plain ranker's view of Scenario and Product querysets."""
    plain_products = []
    for p in products.select_related("supplier").prefetch_related("capabilities", "sectors"):
        text = " ".join([p.name, p.description, *(c.name for c in p.capabilities.all())])
        counts = Counter(words(text))
        plain_products.append(
            PlainProduct(
                id=p.pk,
                region_id=p.supplier.region_id,
                maturity=p.maturity,
                sectors=[(s.pk, s.parent_id or s.pk) for s in p.sectors.all()],
                counts=counts,
                length=sum(counts.values()),
            )
        )
    plain_scenarios = [
        PlainScenario(
            id=s.pk,
            region_id=s.region_id,
            sector=(s.sector_id, s.sector.parent_id or s.sector_id),
            words=set(words(f"{s.title} {s.purpose} {s.requirements}")),
        )
        for s in scenarios.select_related("sector")
    ]
    return plain_scenarios, plain_products
