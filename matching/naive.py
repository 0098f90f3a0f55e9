"""The matcher written the obvious way: every (scenario, product) pair scored one at a time in Python.

It is the yardstick of `bench_matching` (the engine's speed-up over it) and a check of the engine's
arithmetic in the tests (both must rank alike). The text score is computed pair by pair; the structured
signals, cheap next to it, come from the index as the engine's do."""

from __future__ import annotations

import math

import numpy as np

from .engine import ProductDoc, ProductIndex, ScenarioDoc


class NaiveScorer:
    def __init__(self, index: ProductIndex, docs: list[ProductDoc]):
        """`docs` are the index's products, in its order (the index keeps only its matrices)."""
        s = index.settings
        fw = s.field_weights
        self.index = index
        self.docs: list[dict[str, float]] = []
        for d in docs:
            counts: dict[str, float] = {}
            for terms, weight in (
                (d.title_terms, fw["title"]),
                (d.body_terms, fw["body"]),
                (d.capability_terms, fw["capability"]),
            ):
                for t in terms:
                    counts[t] = counts.get(t, 0.0) + weight
            self.docs.append(counts)
        n = len(self.docs)
        df: dict[str, int] = {}
        for counts in self.docs:
            for t in counts:
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log(1.0 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.searchable = {t for t, f in df.items() if f <= max(s.max_df * n, 5)}
        self.lengths = [sum(c.values()) for c in self.docs]
        self.avg = (sum(self.lengths) / n) if n else 1.0

    def _query(self, sc: ScenarioDoc) -> dict[str, float]:
        fw = self.index.settings.field_weights
        counts: dict[str, float] = {}
        for terms, weight in ((sc.title_terms, fw["title"]), (sc.body_terms, fw["body"])):
            for t in terms:
                if t in self.searchable:
                    counts[t] = counts.get(t, 0.0) + weight
        return {t: (1.0 + math.log(c) if c >= 1 else c) for t, c in counts.items()}

    def text_scores(self, sc: ScenarioDoc) -> list[float]:
        s = self.index.settings
        k1, b = s.k1, s.b
        query = self._query(sc)
        out = []
        for counts, length in zip(self.docs, self.lengths, strict=True):
            score = 0.0
            for t, q in query.items():
                tf = counts.get(t)
                if tf:
                    norm = k1 * (1 - b + b * length / (self.avg or 1.0))
                    score += q * self.idf[t] * tf * (k1 + 1) / (tf + norm)
            out.append(score)
        return out

    def rank(self, sc: ScenarioDoc, top_k: int) -> list[tuple[int, float]]:
        """(product id, score) best first, by the engine's formula."""
        index, s = self.index, self.index.settings
        raw = self.text_scores(sc)
        candidates = sorted((p for p, v in enumerate(raw) if v > 0), key=lambda p: -raw[p])[: s.candidates]
        if not candidates:
            return []
        positions = np.array(candidates)
        best = raw[candidates[0]]
        text = np.array([raw[p] / best for p in candidates])
        comps = {
            "text": text,
            "sector": index.sector_fit(sc.sector_id)[positions],
            "region": index.region_fit(sc.region_id, positions),
            "maturity": index.maturity[positions],
            "budget": index.budget_fit(sc.budget_min, sc.budget_max, positions),
            "record": index.record[positions],
            "feedback": np.full(len(positions), 0.5),
        }
        gate = np.minimum(1.0, text / s.text_gate)
        w = s.weights
        total = sum(w.get(k, 0.0) * v * (1.0 if k == "text" else gate) for k, v in comps.items()) / sum(w.values())
        scored = sorted(
            ((int(index.product_ids[p]), float(t)) for p, t in zip(positions, total, strict=True)),
            key=lambda x: (-x[1], x[0]),
        )
        return scored[:top_k]
