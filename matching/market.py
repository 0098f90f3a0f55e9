"""Reads the market from the database into the engine's documents, in a few set-based queries."""

from __future__ import annotations

import sys
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet

from marketplace.choices import OrganizationKind
from marketplace.models import OrganizationQualification, Product, Region, Sector
from scenarios.choices import ScenarioState
from scenarios.models import Agreement, Scenario

from .analysis import Analyzer, get_analyzer, split_stored, stored_tokens
from .choices import FeedbackVerdict
from .engine import Precedents, ProductDoc, ProductIndex, ScenarioDoc, Settings, Taxonomy
from .models import MatchFeedback

FEEDBACK_VALUE = {FeedbackVerdict.USEFUL: 1.0, FeedbackVerdict.CONTACTED: 1.0, FeedbackVerdict.NOT_USEFUL: -1.0}
MATCHED_STATES = [ScenarioState.PUBLISHED]  # open for proposals: what suppliers may be shown
RUNNING_STATES = [ScenarioState.IN_COOPERATION, ScenarioState.BENCHMARK, ScenarioState.DEMONSTRATION]
BATCH = 2000


def matchable_scenarios() -> QuerySet[Scenario]:
    return Scenario.objects.filter(state__in=MATCHED_STATES)


def analyze_missing(analyzer: Analyzer | None = None) -> int:
    """Segment the products and scenarios whose stored tokens are missing (written in bulk, imported, or
    cleared after a dictionary change). Returns how many rows were analysed."""
    analyzer = analyzer or get_analyzer()
    done = 0
    for model, owner, title, body in (
        (Product, "supplier__name", "name", ("description",)),
        (Scenario, "provider__name", "title", ("purpose", "requirements")),
    ):
        while True:
            missing = model.objects.filter(search_tokens__isnull=True)
            rows = list(missing.values_list("pk", owner, title, *body)[:BATCH])
            if not rows:
                break
            objs = [model(pk=r[0], search_tokens=stored_tokens(analyzer, r[2], *r[3:], names=[r[1]])) for r in rows]
            model.objects.bulk_update(objs, ["search_tokens"], batch_size=500)
            done += len(rows)
    return done


def reanalyze_all() -> int:
    """Segment every text again (after the dictionary changed in a way stored tokens cannot follow)."""
    with transaction.atomic():
        Product.objects.update(search_tokens=None)
        Scenario.objects.update(search_tokens=None)
    return analyze_missing()


def taxonomy() -> Taxonomy:
    return Taxonomy(
        province_of_region=dict(Region.objects.values_list("pk", "province_code")),
        parent_of_sector=dict(Sector.objects.values_list("pk", "parent_id")),
    )


def supplier_records(supplier_ids=None) -> dict[int, float]:
    """A supplier's record in [0, 1]: cooperation that is really running counts most, then signed
    agreements, benchmark cases and qualifications, each saturating so that no giant drowns the rest."""
    weights = settings.MATCHING["RECORD"]
    half = weights["half"]
    parts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    agreements = Agreement.objects.all()
    if supplier_ids is not None:
        agreements = agreements.filter(suppliers__in=supplier_ids)
    for supplier_id, state, has_case in agreements.values_list(
        "suppliers", "scenario__state", Q(scenario__benchmark_case__isnull=False)
    ).distinct():
        if supplier_id is None:
            continue
        parts[supplier_id]["signed"] += 1
        parts[supplier_id]["running"] += state in RUNNING_STATES
        parts[supplier_id]["benchmark"] += bool(has_case)
    quals = OrganizationQualification.objects.values("organization").annotate(n=Count("pk"))
    if supplier_ids is not None:
        quals = quals.filter(organization__in=supplier_ids)
    for row in quals:
        parts[row["organization"]]["qualification"] = row["n"]
    return {
        sid: sum(weights[k] * v / (v + half) for k, v in p.items() if k in weights and v) for sid, p in parts.items()
    }


def load_index(products: QuerySet[Product] | None = None, engine_settings: Settings | None = None) -> ProductIndex:
    return ProductIndex(engine_settings or Settings.from_django(), taxonomy(), product_docs(products))


def product_docs(products: QuerySet[Product] | None = None) -> list[ProductDoc]:
    """The active products as the engine reads them, in id order. Terms are interned: a hundred thousand
    products repeat a few thousand words millions of times."""
    analyzer = get_analyzer()
    analyze_missing(analyzer)
    products = (products if products is not None else Product.objects.all()).filter(is_active=True)
    rows = list(
        products.order_by("pk").values_list(
            "pk", "supplier_id", "supplier__region_id", "maturity", "price_min", "price_max", "search_tokens"
        )
    )
    ids = [r[0] for r in rows]
    capabilities, sectors = _m2m(products, ids)
    records = supplier_records()
    tag_terms: dict[str, list[str]] = {}
    canonical: dict[str, str] = {}

    def term(word: str) -> str:
        found = canonical.get(word)
        if found is None:
            found = canonical[word] = sys.intern(analyzer.canonical(word))
        return found

    docs = []
    for pk, supplier_id, region_id, maturity, pmin, pmax, tokens in rows:
        title, body = split_stored(tokens)
        caps = []
        for name in capabilities.get(pk, ()):
            if name not in tag_terms:
                tag_terms[name] = [sys.intern(t) for t in analyzer.tag_terms(name)]
            caps.extend(tag_terms[name])
        body_terms = [term(t) for t in body]
        body_terms += analyzer.concepts([*title, *body, *caps])
        docs.append(
            ProductDoc(
                id=pk,
                supplier_id=supplier_id,
                region_id=region_id,
                maturity=maturity,
                price_min=None if pmin is None else float(pmin),
                price_max=None if pmax is None else float(pmax),
                sector_ids=sectors.get(pk, []),
                title_terms=[term(t) for t in title],
                body_terms=body_terms,
                capability_terms=caps,
                record=records.get(supplier_id, 0.0),
                tag_count=len(capabilities.get(pk, ())),
            )
        )
    return docs


def _m2m(products: QuerySet[Product], ids: list[int]) -> tuple[dict[int, list[str]], dict[int, list[int]]]:
    capabilities: dict[int, list[str]] = defaultdict(list)
    sectors: dict[int, list[int]] = defaultdict(list)
    through_caps = Product.capabilities.through.objects.filter(product__in=products)
    for pid, name in through_caps.values_list("product_id", "capability__name"):
        capabilities[pid].append(name)
    for pid, sid in Product.sectors.through.objects.filter(product__in=products).values_list("product_id", "sector_id"):
        sectors[pid].append(sid)
    # In a fixed order, not the order the rows happen to come in: the order of a product's terms decides the
    # order in which scores are summed, and so which of two products tied to the last digit comes first.
    for names in capabilities.values():
        names.sort()
    for sector_ids in sectors.values():
        sector_ids.sort()
    return capabilities, sectors


def scenario_docs(scenarios: QuerySet[Scenario], analyzer: Analyzer | None = None) -> list[ScenarioDoc]:
    analyzer = analyzer or get_analyzer()
    docs = []
    rows = scenarios.order_by("pk").values_list(
        "pk",
        "region_id",
        "sector_id",
        "budget_min",
        "budget_max",
        "search_tokens",
        "title",
        "purpose",
        "requirements",
        "provider__name",
    )
    for pk, region_id, sector_id, bmin, bmax, tokens, title, purpose, requirements, provider in rows:
        if tokens is None:
            tokens = stored_tokens(analyzer, title, purpose, requirements, names=[provider])
        t, b = split_stored(tokens)
        body_terms = [analyzer.canonical(x) for x in b]
        docs.append(
            ScenarioDoc(
                id=pk,
                region_id=region_id,
                sector_id=sector_id,
                budget_min=None if bmin is None else float(bmin),
                budget_max=None if bmax is None else float(bmax),
                title_terms=[analyzer.canonical(x) for x in t],
                body_terms=body_terms + analyzer.concepts([*t, *b]),
            )
        )
    return docs


# What a signed agreement says of its suppliers' products for alike scenarios; running cooperation says more.
AGREEMENT_OUTCOME = {"signed": 0.6, "running": 1.0}


def counted_feedback() -> Q:
    """The marks that rank: only the scenario's provider and the staff speak for the scenario's needs; a
    supplier marking its own product "useful" would be ranking itself."""
    return Q(organization_id=F("scenario__provider_id")) | Q(
        organization__kind__in=[OrganizationKind.CITY_OFFICE, OrganizationKind.LINK_OFFICE]
    )


def counted_marks(scenario_ids=None) -> dict[int, dict[int, float]]:
    """The marks that rank, per scenario and product: the mean of its provider's and staff's verdicts."""
    said: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    rows = MatchFeedback.objects.filter(counted_feedback())
    if scenario_ids is not None:
        rows = rows.filter(scenario_id__in=scenario_ids)
    for sid, pid, verdict in rows.values_list("scenario_id", "product_id", "verdict"):
        said[sid][pid].append(FEEDBACK_VALUE[verdict])
    return {sid: {pid: sum(v) / len(v) for pid, v in products.items()} for sid, products in said.items()}


def precedent_outcomes(products_of_supplier, marks) -> dict[int, dict[int, float]]:
    """What happened on every scenario, as {scenario id: {product id: value in [−1, 1]}}: the marks of its
    provider and staff (useful and contacted +1, not useful −1; a supplier's marks on its own products count
    for nothing) and its agreements (their products, or when none is named the suppliers' active products:
    +0.6 signed, +1 once the cooperation runs). The strongest word on a pair wins. `products_of_supplier`
    maps a supplier to its active products; `marks` are `counted_marks()`."""
    out = {sid: dict(products) for sid, products in marks.items()}
    named = defaultdict(set)
    for agreement_id, pid in Agreement.products.through.objects.values_list("agreement_id", "product_id"):
        named[agreement_id].add(pid)
    for agreement_id, sid, state, supplier_id in Agreement.objects.values_list(
        "pk", "scenario_id", "scenario__state", "suppliers"
    ):
        value = AGREEMENT_OUTCOME["running" if state in RUNNING_STATES else "signed"]
        for pid in named[agreement_id] or (products_of_supplier.get(supplier_id, ()) if supplier_id else ()):
            marks = out.setdefault(sid, {})
            marks[pid] = max(marks.get(pid, -1.0), value)
    return out


def load_precedents(index: ProductIndex) -> Precedents:
    """What every scenario's outcomes say, against this index (`Precedents.marks` keeps the marks alone)."""
    products_of_supplier = defaultdict(list)
    for pid, supplier_id in zip(index.product_ids.tolist(), index.supplier_ids.tolist(), strict=True):
        products_of_supplier[supplier_id].append(pid)
    marks = counted_marks()
    outcomes = precedent_outcomes(products_of_supplier, marks)
    docs = scenario_docs(Scenario.objects.filter(pk__in=list(outcomes)))
    built = Precedents.build(index, docs, outcomes)
    built.marks = marks
    return built
