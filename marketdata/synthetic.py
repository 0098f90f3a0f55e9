"""A large synthetic market for benchmarks: fast bulk loading (COPY on PostgreSQL) of believable rows.

Every generated record's key starts with `bench-`, so a benchmark can find, reuse or remove its data.
"""

from __future__ import annotations

import datetime
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone

from common.credit_code import make_credit_code
from marketdata.demo.catalogue import SUPPLIER_BRANDS, VARIANTS, areas
from marketplace.choices import Maturity, OrganizationKind
from marketplace.models import Capability, Organization, Product, Region, Sector
from scenarios.choices import CooperationMode, ScenarioState
from scenarios.models import Scenario

PREFIX = "bench-"
BATCH = 5000
STATE_MIX = (
    [ScenarioState.PUBLISHED] * 14
    + [ScenarioState.SIGNED] * 3
    + [ScenarioState.IN_COOPERATION] * 2
    + [ScenarioState.DRAFT, ScenarioState.SUBMITTED, ScenarioState.APPROVED, ScenarioState.CLOSED]
)


def _values(model: type[models.Model], row: dict, now) -> list:
    out = []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.attname in row:
            out.append(row[f.attname])
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            out.append(now)
        else:
            out.append(f.get_default())
    return out


def copy_rows(model: type[models.Model], rows: Iterable[dict]) -> int:
    """Insert rows fast: COPY on PostgreSQL, batched bulk_create elsewhere. Missing fields take defaults."""
    now = timezone.now()
    if connection.vendor != "postgresql":
        n, batch = 0, []
        for row in rows:
            batch.append(model(**row))
            if len(batch) >= BATCH:
                n += len(model.objects.bulk_create(batch))
                batch = []
        return n + len(model.objects.bulk_create(batch))
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    n = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(_values(model, row, now))
            n += 1
    return n


@dataclass
class SyntheticMarket:
    providers: int
    suppliers: int
    scenarios: int
    products: int
    published: int


def existing() -> SyntheticMarket:
    return SyntheticMarket(
        providers=Organization.objects.filter(key__startswith=f"{PREFIX}prov-").count(),
        suppliers=Organization.objects.filter(key__startswith=f"{PREFIX}sup-").count(),
        scenarios=Scenario.objects.filter(key__startswith=PREFIX).count(),
        products=Product.objects.filter(key__startswith=PREFIX).count(),
        published=Scenario.objects.filter(key__startswith=PREFIX, state=ScenarioState.PUBLISHED).count(),
    )


def remove() -> None:
    with transaction.atomic():
        Product.sectors.through.objects.filter(product__key__startswith=PREFIX).delete()
        Product.capabilities.through.objects.filter(product__key__startswith=PREFIX).delete()
        # Records that protect a scenario (a benchmark may have added them), then the scenarios.
        from scenarios.models import Agreement, ProgressReport, Proposal

        for model in (Proposal, ProgressReport, Agreement):
            model.objects.filter(scenario__key__startswith=PREFIX).delete()
        Scenario.objects.filter(key__startswith=PREFIX).delete()
        Product.objects.filter(key__startswith=PREFIX).delete()
        get_user_model().objects.filter(member__organization__key__startswith=PREFIX).delete()
        Organization.objects.filter(key__startswith=PREFIX).delete()


def generate(*, scenarios: int, products: int, published: int | None = None, seed: int = 7) -> SyntheticMarket:
    """Create the synthetic market, unless one of this shape is already there. `published` fixes how many
    scenarios are open (published); by default the state mix of a market a few years old."""
    have = existing()
    if (
        have.scenarios == scenarios
        and have.products == products
        and (published is None or have.published == min(published, scenarios))
    ):
        analyze()
        return have
    remove()
    rng = random.Random(seed)
    text = _Texts(areas(), rng)
    regions = list(Region.objects.order_by("sort_order").values_list("pk", "code"))
    sectors = dict(Sector.objects.values_list("code", "pk"))
    n_providers, n_suppliers = max(10, scenarios // 50), max(10, products // 100)
    with transaction.atomic():
        providers = _organizations(rng, "prov", n_providers, regions, OrganizationKind.ENTERPRISE)
        suppliers = _organizations(rng, "sup", n_suppliers, regions, OrganizationKind.SUPPLIER)
        copy_rows(Product, _products(rng, products, suppliers, text))
        _product_links(text, sectors)
        copy_rows(Scenario, _scenarios(rng, scenarios, published, providers, text, sectors))
    analyze()
    return existing()


def analyze() -> None:
    """VACUUM ANALYZE the market's tables, as autovacuum would have: freshly copied (or migrated) tables have
    no visibility map or statistics, so the first queries pay for both and the planner guesses. Benchmarks
    call it before they measure, whether they generated the market or found it."""
    if connection.vendor != "postgresql" or not connection.get_autocommit():
        return
    with connection.cursor() as cursor:
        for table in (
            "marketplace_product",
            "marketplace_product_sectors",
            "marketplace_product_capabilities",
            "scenarios_scenario",
            "matching_publicscenariosearch",
            "matching_publicscenariosearchterm",
            "marketplace_organization",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


class _Texts:
    """Varied, believable texts: each record takes its sub-area's wording plus phrases borrowed from other
    areas (as real descriptions wander), so that rankings are not a tie between copies. Segmentation is
    cached per phrase: jieba splits at the punctuation joining them, so the stored tokens are the same as
    segmenting the whole text, at a fraction of the cost."""

    def __init__(self, catalogue: list[dict], rng: random.Random):
        from matching.analysis import FIELD_BREAK, get_analyzer

        self.catalogue = catalogue
        self.rng = rng
        self._analyzer = get_analyzer()
        self._break = FIELD_BREAK
        self._segmented: dict[str, list[str]] = {}
        self.phrases = sorted(
            {
                p
                for a in catalogue
                for field in ("purpose", "requirements", "product_description")
                for p in re.split("[，、；]", a[field])
                if len(p) >= 4
            }
        )
        self.tags = sorted({t for a in catalogue for t in a["capabilities"]})
        self.product_tags: list[list[str]] = []  # per product, in the order written

    def area(self, i: int) -> dict:
        return self.catalogue[i % len(self.catalogue)]

    def borrowed(self, n: int) -> list[str]:
        return self.rng.sample(self.phrases, n)

    def tokens(self, title: str, *body: str) -> str:
        words = [*self._words(title), self._break]
        for part in body:
            for phrase in re.split("[，。；、]", part):
                words.extend(self._words(phrase))
        return " ".join(words)

    def _words(self, phrase: str) -> list[str]:
        found = self._segmented.get(phrase)
        if found is None:
            found = self._segmented[phrase] = self._analyzer.segment(phrase)
        return found


def _organizations(rng, kind_key, n, regions, kind) -> list[tuple[int, int]]:
    """(id, region id) of n new organisations; 成都 weighs most, as in the real market."""
    weights = [12 if code == "510100" else 1 for _pk, code in regions]
    rows = []
    for i in range(n):
        region_id, code = rng.choices(regions, weights)[0]
        brand = SUPPLIER_BRANDS[i % len(SUPPLIER_BRANDS)]
        rows.append(
            Organization(
                key=f"{PREFIX}{kind_key}-{i:06d}",
                name=f"{brand}{kind_key}{i:06d}",
                kind=kind,
                region_id=region_id,
                credit_code=make_credit_code(code, 900_000_000 + i * 2 + (kind_key == "sup")),
            )
        )
    Organization.objects.bulk_create(rows, batch_size=BATCH)
    return list(Organization.objects.filter(key__startswith=f"{PREFIX}{kind_key}-").values_list("pk", "region_id"))


def _products(rng, n, suppliers, text: _Texts) -> Iterator[dict]:
    maturities = Maturity.values
    for i in range(n):
        area = text.area(i)
        supplier_id, _region = suppliers[rng.randrange(len(suppliers))]
        low = rng.choice([10, 20, 50, 80, 100, 200])
        base = f"{area['product']}{VARIANTS[i % len(VARIANTS)]}"
        name = f"{base} {i}"  # the number is not a word: the tokens are those of the base
        description = "，".join([area["product_description"], *text.borrowed(rng.randint(1, 3))])
        own = rng.sample(area["capabilities"], rng.randint(1, len(area["capabilities"])))
        text.product_tags.append(own + rng.sample(text.tags, rng.randint(0, 2)))
        yield {
            "key": f"{PREFIX}p-{i:07d}",
            "supplier_id": supplier_id,
            "name": name,
            "description": description,
            "maturity": maturities[rng.randrange(len(maturities))],
            "price_min": low,
            "price_max": low * rng.choice([2, 3, 5]),
            "reference_deployments": "",
            "search_tokens": text.tokens(base, description),
        }


def _product_links(text: _Texts, sectors) -> None:
    """Each product serves its area's sector (a fifth also the top-level sector) and carries its tags."""
    catalogue = text.catalogue
    # Read first: a COPY holds the connection, so rows cannot be streamed from it at the same time.
    ids = list(Product.objects.filter(key__startswith=PREFIX).values_list("pk", "key"))
    parent = dict(Sector.objects.filter(parent__isnull=False).values_list("pk", "parent_id"))

    def sector_rows():
        for pk, key in ids:
            sector_id = sectors[catalogue[int(key[-7:]) % len(catalogue)]["code"]]
            yield {"product_id": pk, "sector_id": sector_id}
            if int(key[-7:]) % 5 == 0 and sector_id in parent:
                yield {"product_id": pk, "sector_id": parent[sector_id]}

    copy_rows(Product.sectors.through, sector_rows())
    Capability.objects.bulk_create([Capability(name=t) for t in text.tags], ignore_conflicts=True)
    capability = dict(Capability.objects.filter(name__in=text.tags).values_list("name", "pk"))
    copy_rows(
        Product.capabilities.through,
        (
            {"product_id": pk, "capability_id": capability[t]}
            for pk, key in ids
            for t in dict.fromkeys(text.product_tags[int(key[-7:])])
        ),
    )


def _scenarios(rng, n, published, providers, text: _Texts, sectors) -> Iterator[dict]:
    start = datetime.date(2025, 1, 1)
    closed_mix = [s for s in STATE_MIX if s != ScenarioState.PUBLISHED]
    for i in range(n):
        area = text.area(i)
        provider_id, region_id = providers[rng.randrange(len(providers))]
        if published is None:
            state = STATE_MIX[i % len(STATE_MIX)]
        else:
            state = ScenarioState.PUBLISHED if i < published else closed_mix[i % len(closed_mix)]
        dated = state in (
            ScenarioState.PUBLISHED,
            ScenarioState.SIGNED,
            ScenarioState.IN_COOPERATION,
            ScenarioState.CLOSED,
        )
        low = rng.choice([20, 50, 100, 200, 500])
        title = f"{area['subject']} {i}"
        purpose = "，".join([area["purpose"], *text.borrowed(rng.randint(0, 2))])
        yield {
            "key": f"{PREFIX}s-{i:07d}",
            "title": title,
            "provider_id": provider_id,
            "region_id": region_id,
            "category": "industry" if i % 5 else "government",
            "sector_id": sectors[area["code"]],
            "purpose": purpose,
            "requirements": area["requirements"],
            "cooperation_mode": CooperationMode.values[i % len(CooperationMode.values)],
            "budget_min": low,
            "budget_max": low * 2,
            "state": state,
            "published_at": start + datetime.timedelta(days=i % 680) if dated else None,
            "closed_reason": "未成交" if state == ScenarioState.CLOSED else "",
            "contact_name": "联系人",
            "search_tokens": text.tokens(area["subject"], purpose, area["requirements"]),
        }
