"""A large synthetic market for benchmarks: fast bulk loading (COPY on PostgreSQL) of believable rows.

Every generated record's key starts with `bench-`, so a benchmark can find, reuse or remove its data.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone

from common.credit_code import make_credit_code
from marketplace.choices import Maturity, OrganizationKind
from marketplace.demo.catalogue import SUPPLIER_BRANDS, areas
from marketplace.models import Organization, Product, Region, Sector
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


def existing() -> SyntheticMarket:
    return SyntheticMarket(
        providers=Organization.objects.filter(key__startswith=f"{PREFIX}prov-").count(),
        suppliers=Organization.objects.filter(key__startswith=f"{PREFIX}sup-").count(),
        scenarios=Scenario.objects.filter(key__startswith=PREFIX).count(),
        products=Product.objects.filter(key__startswith=PREFIX).count(),
    )


def remove() -> None:
    with transaction.atomic():
        Product.sectors.through.objects.filter(product__key__startswith=PREFIX).delete()
        Product.capabilities.through.objects.filter(product__key__startswith=PREFIX).delete()
        Scenario.objects.filter(key__startswith=PREFIX).delete()
        Product.objects.filter(key__startswith=PREFIX).delete()
        get_user_model().objects.filter(member__organization__key__startswith=PREFIX).delete()
        Organization.objects.filter(key__startswith=PREFIX).delete()


def generate(*, scenarios: int, products: int, seed: int = 7) -> SyntheticMarket:
    """Create the synthetic market, unless one of at least this size is already there."""
    have = existing()
    if have.scenarios >= scenarios and have.products >= products:
        return have
    remove()
    rng = random.Random(seed)
    catalogue = areas()
    regions = list(Region.objects.order_by("sort_order").values_list("pk", "code"))
    sectors = dict(Sector.objects.values_list("code", "pk"))
    n_providers, n_suppliers = max(10, scenarios // 50), max(10, products // 100)
    with transaction.atomic():
        providers = _organizations(rng, "prov", n_providers, regions, OrganizationKind.ENTERPRISE)
        suppliers = _organizations(rng, "sup", n_suppliers, regions, OrganizationKind.SUPPLIER)
        copy_rows(Product, _products(rng, products, suppliers, catalogue))
        _product_sectors(catalogue, sectors)
        copy_rows(Scenario, _scenarios(rng, scenarios, providers, catalogue, sectors))
    if connection.vendor == "postgresql" and connection.get_autocommit():
        # Freshly copied tables have no visibility map or statistics yet: without this, the first
        # queries pay for both and the planner guesses.
        with connection.cursor() as cursor:
            for table in (
                "marketplace_product",
                "marketplace_product_sectors",
                "scenarios_scenario",
                "marketplace_organization",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
    return existing()


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


def _products(rng, n, suppliers, catalogue) -> Iterator[dict]:
    maturities = Maturity.values
    for i in range(n):
        area = catalogue[i % len(catalogue)]
        supplier_id, _region = suppliers[rng.randrange(len(suppliers))]
        low = rng.choice([10, 20, 50, 80, 100])
        yield {
            "key": f"{PREFIX}p-{i:07d}",
            "supplier_id": supplier_id,
            "name": f"{area['product']} {i}",
            "description": area["product_description"],
            "maturity": maturities[i % len(maturities)],
            "price_min": low,
            "price_max": low * 3,
            "reference_deployments": "",
        }


def _product_sectors(catalogue, sectors) -> None:
    through = Product.sectors.through
    # Read first: a COPY holds the connection, so rows cannot be streamed from it at the same time.
    ids = list(Product.objects.filter(key__startswith=PREFIX).values_list("pk", "key"))
    copy_rows(
        through,
        (
            {"product_id": pk, "sector_id": sectors[catalogue[int(key[-7:]) % len(catalogue)]["code"]]}
            for pk, key in ids
        ),
    )


def _scenarios(rng, n, providers, catalogue, sectors) -> Iterator[dict]:
    start = datetime.date(2025, 1, 1)
    for i in range(n):
        area = catalogue[i % len(catalogue)]
        provider_id, region_id = providers[rng.randrange(len(providers))]
        state = STATE_MIX[i % len(STATE_MIX)]
        published = state in (
            ScenarioState.PUBLISHED,
            ScenarioState.SIGNED,
            ScenarioState.IN_COOPERATION,
            ScenarioState.CLOSED,
        )
        low = rng.choice([20, 50, 100, 200, 500])
        yield {
            "key": f"{PREFIX}s-{i:07d}",
            "title": f"{area['subject']} {i}",
            "provider_id": provider_id,
            "region_id": region_id,
            "category": "industry" if i % 5 else "government",
            "sector_id": sectors[area["code"]],
            "purpose": area["purpose"],
            "requirements": area["requirements"],
            "cooperation_mode": CooperationMode.values[i % len(CooperationMode.values)],
            "budget_min": low,
            "budget_max": low * 2,
            "state": state,
            "published_at": start + datetime.timedelta(days=i % 680) if published else None,
            "closed_reason": "未成交" if state == ScenarioState.CLOSED else "",
            "contact_name": "联系人",
        }
