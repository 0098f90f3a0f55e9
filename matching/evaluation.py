"""Offline evaluation: graded relevance labels against the engine and two baselines on the same market.

Metrics (per scenario, averaged): nDCG@10 with gain 2^grade − 1; P@5 and MRR count a product as relevant
when its grade is ≥ 2 ("can largely deliver")."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np

from .engine import ProductIndex, ScenarioDoc, rank

RELEVANT = 2


def load_labels(path: str | Path) -> dict[str, dict[str, int]]:
    """Labels as {"labels": {scenario: {product: grade}}}, a bare {scenario: {product: grade}}, a JSON list or
    JSON lines of {"scenario", "product", "grade"|"relevance"}, or CSV with those columns."""
    text = Path(path).read_text(encoding="utf-8-sig")
    if Path(path).suffix.lower() == ".csv":
        return _from_rows(csv.DictReader(text.splitlines()))
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return _from_rows(json.loads(line) for line in text.splitlines() if line.strip())
    if isinstance(data, dict):
        data = data.get("labels", data)
        if isinstance(data, dict):
            return {s: {p: int(g) for p, g in grades.items()} for s, grades in data.items() if isinstance(grades, dict)}
    return _from_rows(data)


def _from_rows(rows) -> dict[str, dict[str, int]]:
    labels: dict[str, dict[str, int]] = {}
    for row in rows:
        grade = row.get("grade", row.get("relevance", row.get("label")))
        labels.setdefault(str(row["scenario"]), {})[str(row["product"])] = int(float(grade))
    return labels


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** grades.get(p, 0) - 1) / math.log2(i + 2) for i, p in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def precision(ranked: list[str], grades: dict[str, int], k: int = 5) -> float:
    return sum(grades.get(p, 0) >= RELEVANT for p in ranked[:k]) / k


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float:
    for i, p in enumerate(ranked):
        if grades.get(p, 0) >= RELEVANT:
            return 1 / (i + 1)
    return 0.0


def engine_rankings(index: ProductIndex, scenarios: list[ScenarioDoc], top: int = 50) -> dict[int, list[int]]:
    return {r.scenario_id: index.product_ids[r.positions].tolist() for r in rank(index, scenarios, top_k=top)}


def sector_rankings(index: ProductIndex, scenarios: list[ScenarioDoc], top: int = 50) -> dict[int, list[int]]:
    """Baseline: the products of the scenario's sector first (same sub-area, then related), by id."""
    out = {}
    for sc in scenarios:
        fit = index.sector_fit(sc.sector_id)
        order = np.lexsort((index.product_ids, -fit))[:top]
        out[sc.id] = [int(index.product_ids[i]) for i in order if fit[i] > 0]
    return out


def score(rankings: dict[str, list[str]], labels: dict[str, dict[str, int]]) -> dict[str, float]:
    judged = [s for s in labels if any(g >= RELEVANT for g in labels[s].values())]
    if not judged:
        return {"ndcg@10": 0.0, "p@5": 0.0, "mrr": 0.0, "scenarios": 0}
    return {
        "ndcg@10": round(sum(ndcg(rankings.get(s, []), labels[s]) for s in judged) / len(judged), 4),
        "p@5": round(sum(precision(rankings.get(s, []), labels[s]) for s in judged) / len(judged), 4),
        "mrr": round(sum(reciprocal_rank(rankings.get(s, []), labels[s]) for s in judged) / len(judged), 4),
        "scenarios": len(judged),
    }
