"""The ranking itself, free of the ORM: BM25 over sparse term vectors finds the candidates, structured
signals re-rank them, and every match keeps its components and the terms the two texts share.

`ProductIndex` holds the product side as parallel NumPy arrays and one CSR matrix; `rank` scores a batch of
scenarios against it with one sparse product. Loading from the database lives in `matching.market`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

COMPONENTS = ("text", "sector", "region", "maturity", "budget", "record", "feedback", "coverage", "breadth", "history")
BONUSES = ("region", "budget", "record", "feedback", "history")  # added to the core, each by its weight


@dataclass(frozen=True)
class Settings:
    weights: dict[str, float]
    k1: float
    b: float
    max_df: float
    field_weights: dict[str, float]
    sector_fit: dict[str, float]
    region_fit: dict[str, float]
    maturity: dict[str, float]
    budget_unknown: float
    top_k: int
    candidates: int
    text_gate: float
    coverage: float = 0.0  # share of relevance from requirement coverage (the rest from BM25F)
    sector_floor: float = 1.0  # what a product of another domain keeps of its relevance (1: sector no gate)
    breadth: dict[str, float] = field(default_factory=lambda: {"sectors": 1e9, "tags": 1e9, "power": 0.0})
    maturity_gate: bool = False  # maturity multiplies the core rather than being one more bonus
    precedent_min: float = 0.2  # how alike another scenario must be for its outcomes to count here

    @classmethod
    def from_django(cls, **overrides) -> Settings:
        from django.conf import settings

        m = settings.MATCHING
        values = dict(
            weights=m["WEIGHTS"],
            k1=m["BM25_K1"],
            b=m["BM25_B"],
            max_df=m["MAX_DF"],
            field_weights=m["FIELD_WEIGHTS"],
            sector_fit=m["SECTOR_FIT"],
            region_fit=m["REGION_FIT"],
            maturity=m["MATURITY"],
            budget_unknown=m["BUDGET_UNKNOWN"],
            top_k=m["TOP_K"],
            candidates=m["CANDIDATES"],
            text_gate=m["TEXT_GATE"],
            coverage=m["COVERAGE"],
            sector_floor=m["SECTOR_FLOOR"],
            breadth=m["BREADTH"],
            maturity_gate=True,
            precedent_min=m["PRECEDENT_MIN"],
        )
        values.update(overrides)
        return cls(**values)


@dataclass
class ProductDoc:
    id: int
    supplier_id: int
    region_id: int | None
    maturity: str
    price_min: float | None
    price_max: float | None
    sector_ids: list[int]
    title_terms: list[str]
    body_terms: list[str]
    capability_terms: list[str]
    record: float = 0.0
    tag_count: int = 0


@dataclass
class ScenarioDoc:
    id: int
    region_id: int | None
    sector_id: int
    budget_min: float | None
    budget_max: float | None
    title_terms: list[str]
    body_terms: list[str]


@dataclass
class Ranked:
    """A scenario's ranking, best first: parallel lists, one entry per match."""

    scenario_id: int
    text_max: float
    positions: list[int] = field(default_factory=list)  # product positions in the index
    scores: list[float] = field(default_factory=list)
    components: list[list[float]] = field(default_factory=list)  # per match, in COMPONENTS order
    terms: list[list[str]] = field(default_factory=list)


@dataclass
class Taxonomy:
    """What the structured signals need to know about places and sectors."""

    province_of_region: dict[int, str]
    parent_of_sector: dict[int, int | None]


@dataclass
class CandidateHits:
    """Where the scenario's terms fall in the candidates' texts: for each (candidate, term) pair the candidate's
    place among the candidates, the term's row among the scenario's terms and what it adds to the text score.
    Read from the candidates' own rows of `weights` (a few thousand entries), not from the terms' postings
    (a hundred thousand for common words)."""

    places: np.ndarray
    rows: np.ndarray
    contributions: np.ndarray

    @classmethod
    def of(cls, index: ProductIndex, term_ids: np.ndarray, term_weights: np.ndarray, positions: np.ndarray):
        w = index.weights
        starts = w.indptr[positions]
        lengths = w.indptr[positions + 1] - starts
        # Every entry of the candidates' rows, row after row: each row's start, plus the count within it.
        ends = np.cumsum(lengths)
        at = np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - (ends - lengths), lengths)
        terms = w.indices[at]
        rows = np.minimum(np.searchsorted(term_ids, terms), len(term_ids) - 1)  # term_ids are sorted
        on = np.flatnonzero(term_ids[rows] == terms)
        rows = rows[on]
        places = np.repeat(np.arange(len(positions)), lengths)[on]
        return cls(places, rows, w.data[at[on]] * term_weights[rows])


@dataclass
class ProductIndex:
    settings: Settings
    taxonomy: Taxonomy
    docs: list[ProductDoc]
    vocabulary: dict[str, int] = field(default_factory=dict)
    _sector_fit_cache: dict[int, np.ndarray] = field(default_factory=dict)

    def __post_init__(self):
        s = self.settings
        n = len(self.docs)
        self.product_ids = np.array([d.id for d in self.docs], dtype=np.int64)
        self.supplier_ids = np.array([d.supplier_id for d in self.docs], dtype=np.int64)
        self.region_ids = np.array([d.region_id or 0 for d in self.docs], dtype=np.int64)
        provinces = {code: i + 1 for i, code in enumerate(sorted(set(self.taxonomy.province_of_region.values())))}
        self._province_number = {r: provinces[p] for r, p in self.taxonomy.province_of_region.items()}
        self.province = np.array([self._province_number.get(d.region_id, 0) for d in self.docs], dtype=np.int64)
        self.maturity = np.array([s.maturity.get(d.maturity, 0.0) for d in self.docs], dtype=np.float64)
        self.price_min = np.array([np.nan if d.price_min is None else d.price_min for d in self.docs])
        self.price_max = np.array([np.nan if d.price_max is None else d.price_max for d in self.docs])
        self.record = np.array([d.record for d in self.docs], dtype=np.float64)
        self.breadth = self._breadth()
        self._build_text(n)
        self._build_sectors(n)
        # The documents' term lists are in the matrices now; a worker keeps the index for hours.
        self.docs = []

    # --- text ---------------------------------------------------------------------------------------
    def _build_text(self, n: int) -> None:
        fw = self.settings.field_weights
        vocab = self.vocabulary
        rows, cols, vals = [], [], []
        for i, d in enumerate(self.docs):
            counts: dict[int, float] = {}
            for terms, weight in (
                (d.title_terms, fw["title"]),
                (d.body_terms, fw["body"]),
                (d.capability_terms, fw["capability"]),
            ):
                for t in terms:
                    j = vocab.setdefault(t, len(vocab))
                    counts[j] = counts.get(j, 0.0) + weight
            rows.extend([i] * len(counts))
            cols.extend(counts)
            vals.extend(counts.values())
        tf = sparse.csr_matrix((vals, (rows, cols)), shape=(n, max(len(vocab), 1)), dtype=np.float64)
        self.terms = [None] * len(vocab)
        for t, j in vocab.items():
            self.terms[j] = t
        df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float64)
        self.df = df
        self.idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        doc_len = np.asarray(tf.sum(axis=1)).ravel()
        avg = doc_len.mean() if n else 1.0
        k1, b = self.settings.k1, self.settings.b
        norm = np.repeat(k1 * (1 - b + b * doc_len / (avg or 1.0)), np.diff(tf.indptr))
        bm25 = tf.copy()
        bm25.data = self.idf[tf.indices] * tf.data * (k1 + 1) / (tf.data + norm)
        self.weights = bm25.tocsr()
        self.weights_t = bm25.T.tocsr()
        self.searchable = df <= max(self.settings.max_df * n, 5)

    def _breadth(self) -> np.ndarray:
        """1 for a focused product, falling as it claims more sectors or tags than a focused product does: a
        platform that claims every sector and dozens of tags is weak evidence for any one of them."""
        b = self.settings.breadth
        sectors = np.array([max(len(d.sector_ids), 1) for d in self.docs], dtype=np.float64)
        tags = np.array([max(d.tag_count, 1) for d in self.docs], dtype=np.float64)
        return (np.minimum(1.0, b["sectors"] / sectors) * np.minimum(1.0, b["tags"] / tags)) ** b["power"]

    def query_vectors(self, scenarios: list[ScenarioDoc]) -> sparse.csr_matrix:
        fw = self.settings.field_weights
        rows, cols, vals = [], [], []
        for i, sc in enumerate(scenarios):
            counts: dict[int, float] = {}
            for terms, weight in ((sc.title_terms, fw["title"]), (sc.body_terms, fw["body"])):
                for t in terms:
                    j = self.vocabulary.get(t)
                    if j is not None and self.searchable[j]:
                        counts[j] = counts.get(j, 0.0) + weight
            rows.extend([i] * len(counts))
            cols.extend(counts)
            vals.extend(1.0 + math.log(c) if c >= 1 else c for c in counts.values())
        return sparse.csr_matrix((vals, (rows, cols)), shape=(len(scenarios), self.weights.shape[1]))

    def coverage(self, term_ids: np.ndarray, hits: CandidateHits, candidates: int) -> np.ndarray:
        """The share of the scenario's distinct key terms (weighted by their idf) each candidate's text answers:
        a product that names three of the scenario's concepts beats one that repeats one of them."""
        idf = self.idf[term_ids]
        total = idf.sum()
        if not total:
            return np.zeros(candidates)
        return np.bincount(hits.places, weights=idf[hits.rows], minlength=candidates) / total

    # --- structured signals -------------------------------------------------------------------------
    def _build_sectors(self, n: int) -> None:
        sector_ids = sorted({s for d in self.docs for s in d.sector_ids} | set(self.taxonomy.parent_of_sector))
        self._sector_pos = {s: i for i, s in enumerate(sector_ids)}
        rows = [i for i, d in enumerate(self.docs) for _ in d.sector_ids]
        cols = [self._sector_pos[s] for d in self.docs for s in d.sector_ids]
        self._sectors = sparse.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(n, max(len(sector_ids), 1)), dtype=np.float64
        )
        self._has_sector = np.diff(self._sectors.indptr) > 0

    def sector_fit(self, sector_id: int) -> np.ndarray:
        """Each product's best fit with the scenario's sector (cached per sector): the fit of each of its
        sectors, the largest per product, in one pass over the products' sector lists (about a millisecond
        for 100,000 products, so a scenario of a sector not asked before costs little more than one that was)."""
        cached = self._sector_fit_cache.get(sector_id)
        if cached is not None:
            return cached
        column = self._sector_column(sector_id)
        best = np.full(self._sectors.shape[0], self.settings.sector_fit["unknown"])
        if self._has_sector.any():
            starts = self._sectors.indptr[:-1][self._has_sector]  # each such row has at least one sector
            best[self._has_sector] = np.maximum.reduceat(column[self._sectors.indices], starts)
        self._sector_fit_cache[sector_id] = best
        return best

    def _sector_column(self, sector_id: int) -> np.ndarray:
        """The fit of every sector with this one."""
        fit = self.settings.sector_fit
        parent = self.taxonomy.parent_of_sector
        column = np.zeros(self._sectors.shape[1])
        for other, pos in self._sector_pos.items():
            if other == sector_id:
                column[pos] = fit["same"]
            elif parent.get(other) == sector_id or parent.get(sector_id) == other:
                column[pos] = fit["parent"]
            elif parent.get(other) is not None and parent.get(other) == parent.get(sector_id):
                column[pos] = fit["sibling"]
            else:
                column[pos] = fit["none"]
        return column

    def region_fit(self, region_id: int | None, positions: np.ndarray) -> np.ndarray:
        fit = self.settings.region_fit
        out = np.full(len(positions), fit["elsewhere"])
        if region_id is None:
            return out
        province = self._province_number.get(region_id, -1)
        out[self.province[positions] == province] = fit["same_province"]
        out[self.region_ids[positions] == region_id] = fit["same_city"]
        return out

    def budget_fit(self, low: float | None, high: float | None, positions: np.ndarray) -> np.ndarray:
        """1 when the price range meets the budget; falling with how far the cheapest price exceeds the
        budget; a little below 1 when the product is far cheaper than the budget (it may be too small)."""
        unknown = self.settings.budget_unknown
        pmin, pmax = self.price_min[positions], self.price_max[positions]
        out = np.full(len(positions), unknown)
        if low is None and high is None:
            return out
        lo = 0.0 if low is None else low
        hi = np.inf if high is None else high
        p_lo = np.where(np.isnan(pmin), pmax, pmin)
        p_hi = np.where(np.isnan(pmax), pmin, pmax)
        known = ~np.isnan(p_lo)
        with np.errstate(divide="ignore", invalid="ignore"):
            over = np.clip(hi / np.maximum(p_lo, 1e-9), 0, 1) ** 2
            under = np.clip(0.6 + 0.4 * p_hi / max(lo, 1e-9), 0, 1)
        fit = np.where(p_lo > hi, over, np.where(p_hi < lo, under, 1.0))
        out[known] = fit[known]
        return out


def rank(
    index: ProductIndex,
    scenarios: list[ScenarioDoc],
    *,
    feedback: dict[int, dict[int, float]] | None = None,
    precedents: Precedents | None = None,
    top_k: int | None = None,
) -> list[Ranked]:
    """Rank products for each scenario: BM25 candidates, re-ranked by the weighted signals."""
    s = index.settings
    top_k = top_k or s.top_k
    feedback = feedback or {}
    queries = index.query_vectors(scenarios)
    out = []
    for i, sc in enumerate(scenarios):
        start, end = queries.indptr[i], queries.indptr[i + 1]
        if start == end:
            out.append(Ranked(sc.id, 0.0))
            continue
        # One scenario at a time: its terms' postings summed into a dense score per product (a sparse
        # product of a whole batch would materialise tens of millions of scores at once).
        q_terms, q_weights = queries.indices[start:end], queries.data[start:end]
        dense = q_weights @ index.weights_t[q_terms]
        if len(dense) > s.candidates:
            positions = np.argpartition(-dense, s.candidates)[: s.candidates]
        else:
            positions = np.arange(len(dense))
        positions = positions[dense[positions] > 0]
        if not len(positions):
            out.append(Ranked(sc.id, 0.0))
            continue
        marks = feedback.get(sc.id)
        if marks:
            # What the scenario's provider or staff said is not useful leaves its list at once.
            rejected = np.isin(index.product_ids[positions], [pid for pid, v in marks.items() if v < 0])
            positions = positions[~rejected]
            if not len(positions):
                out.append(Ranked(sc.id, 0.0))
                continue
        hits = CandidateHits.of(index, q_terms, q_weights, positions)
        raw = dense[positions]
        text_max = float(raw.max())
        comps = {
            "text": raw / text_max,
            "sector": index.sector_fit(sc.sector_id)[positions],
            "region": index.region_fit(sc.region_id, positions),
            "maturity": index.maturity[positions],
            "budget": index.budget_fit(sc.budget_min, sc.budget_max, positions),
            "record": index.record[positions],
            "feedback": _feedback(feedback.get(sc.id), index.product_ids[positions]),
            "coverage": index.coverage(q_terms, hits, len(positions)),
            "breadth": index.breadth[positions],
            "history": (
                precedents.history(index, queries, i, sc.id, positions) if precedents else np.full(len(positions), 0.5)
            ),
        }
        total = _combine(s, comps)
        order = np.lexsort((index.product_ids[positions], -total))[:top_k]
        chosen = positions[order]
        terms = _shared_terms(index, q_terms, hits, len(positions), order)
        # Rounded and converted in bulk: a per-value loop over 50 matches × 7 signals costs more than ranking.
        out.append(
            Ranked(
                sc.id,
                text_max,
                positions=chosen.tolist(),
                scores=np.round(total[order], 6).tolist(),
                components=np.round(np.vstack([comps[name][order] for name in COMPONENTS]).T, 4).tolist(),
                terms=terms,
            )
        )
    return out


def _combine(s: Settings, comps: dict[str, np.ndarray]) -> np.ndarray:
    """The score in [0, 1]. The core is relevance (BM25F blended with requirement coverage), gated by the
    sector fit (a product of the wrong domain keeps only `sector_floor` of it), by the product's breadth and
    by its maturity; the bonuses (region, budget, record, feedback, history) are added by their weights and
    count fully only for products that answer the text (from TEXT_GATE of the best text score on)."""
    w = s.weights
    relevance = (1 - s.coverage) * comps["text"] + s.coverage * comps["coverage"]
    core = relevance * (s.sector_floor + (1 - s.sector_floor) * comps["sector"]) * comps["breadth"]
    if s.maturity_gate:
        core = core * comps["maturity"]
    bonus_names = [name for name in BONUSES if w.get(name)]
    if not s.maturity_gate and w.get("maturity"):
        bonus_names.append("maturity")
    if w.get("sector"):
        bonus_names.append("sector")
    bonus_weight = sum(w[name] for name in bonus_names)
    gate = np.minimum(1.0, comps["text"] / s.text_gate)
    bonus = sum(w[name] * comps[name] for name in bonus_names) * gate
    return ((1 - bonus_weight) * core + bonus) if bonus_weight < 1 else bonus


def _feedback(marks: dict[int, float] | None, product_ids: np.ndarray) -> np.ndarray:
    """0.5 when nobody said anything; towards 1 for useful/contacted, towards 0 for not useful."""
    out = np.full(len(product_ids), 0.5)
    if marks:
        for n, pid in enumerate(product_ids):
            if pid in marks:
                out[n] = 0.5 + 0.5 * marks[pid]
    return out


def _shared_terms(
    index: ProductIndex, term_ids: np.ndarray, hits: CandidateHits, candidates: int, order: np.ndarray, limit: int = 6
) -> list[list[str]]:
    """The terms that earned each chosen candidate (`order`: places among the candidates) its text score,
    strongest first."""
    contrib = np.zeros((candidates, len(term_ids)))
    contrib[hits.places, hits.rows] = hits.contributions
    contrib = contrib[order]
    best = np.argsort(-contrib, axis=1, kind="stable")[:, :limit]
    earned = (np.take_along_axis(contrib, best, axis=1) > 0).tolist()
    names = [index.terms[t] for t in term_ids.tolist()]
    return [
        [names[j] for j, ok in zip(row, oks, strict=True) if ok] for row, oks in zip(best.tolist(), earned, strict=True)
    ]


@dataclass
class Precedents:
    """What happened on other scenarios, for scenarios like them: the provider's and staff's marks on their
    recommendations (useful and contacted +1, not useful −1) and signed agreements (+1 for the supplier's
    products). A scenario borrows the outcomes of the scenarios most like it (cosine of the two texts' term
    vectors, at least `precedent_min`), each in proportion to how alike the two are."""

    scenario_ids: np.ndarray  # the precedent scenarios, one row each
    vectors: sparse.csr_matrix  # their query vectors, L2-normalised (rows)
    outcomes: sparse.csr_matrix  # rows: precedent scenarios; columns: product positions; values in [-1, 1]
    neighbours: int = 10
    marks: dict[int, dict[int, float]] = field(default_factory=dict)  # the marks alone, per scenario

    @classmethod
    def build(cls, index: ProductIndex, docs: list[ScenarioDoc], outcomes: dict[int, dict[int, float]]):
        """`outcomes`: {scenario id: {product id: value}} for the scenarios in `docs`."""
        docs = [d for d in docs if outcomes.get(d.id)]
        vectors = _normalised(index.query_vectors(docs))
        position = {int(pid): n for n, pid in enumerate(index.product_ids)}
        rows, cols, vals = [], [], []
        for r, d in enumerate(docs):
            for pid, value in outcomes[d.id].items():
                if pid in position:
                    rows.append(r)
                    cols.append(position[pid])
                    vals.append(max(-1.0, min(1.0, value)))
        matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(len(docs), len(index.product_ids)))
        return cls(np.array([d.id for d in docs], dtype=np.int64), vectors, matrix)

    def history(
        self, index: ProductIndex, queries: sparse.csr_matrix, row: int, scenario_id: int, positions: np.ndarray
    ) -> np.ndarray:
        """0.5 when no alike scenario says anything of a product; towards 1 (or 0) as alike scenarios found it
        useful or signed with its supplier (or found it not useful)."""
        out = np.full(len(positions), 0.5)
        if not len(self.scenario_ids):
            return out
        q = _normalised(queries[row])
        sims = (self.vectors @ q.T).toarray().ravel()
        sims[self.scenario_ids == scenario_id] = 0.0  # a scenario's own marks are its feedback, not history
        alike = np.nonzero(sims >= index.settings.precedent_min)[0]
        if not len(alike):
            return out
        alike = alike[np.argsort(-sims[alike])[: self.neighbours]]
        weights = sims[alike]
        said = self.outcomes[alike][:, positions]
        heard = np.asarray(abs(said).T @ weights).ravel()  # how much alike evidence each product has
        value = np.asarray(said.T @ weights).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(heard > 0, value / np.maximum(heard, 1e-12), 0.0)
        confidence = heard / (heard + 0.5)  # one very alike scenario counts for most of what it says
        return 0.5 + 0.5 * mean * confidence


def _normalised(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ matrix
