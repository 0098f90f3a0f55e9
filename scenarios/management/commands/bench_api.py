"""Load a large market and time the main scenario endpoints in-process. Prints one JSON line."""

from __future__ import annotations

import json
import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import override_settings
from rest_framework.test import APIClient

from common.benchmarks import percentile, refuse_unless_benchmark_database
from common.credit_code import make_credit_code
from marketdata import synthetic
from marketplace.choices import OrganizationKind
from marketplace.models import Member, Organization, Region
from scenarios.api.views import ScenarioViewSet
from scenarios.models import Scenario

LIST_QUERIES = [
    "?state=published&region=510100&sector=manufacturing&page=2",
    "?state=published&sector=emergency.01&ordering=-published_at",
    "?region=510700&category=government",
    "?budget_min=100&budget_max=300&state=published&page=5",
    "?published_after=2025-06-01&published_before=2025-12-31&region=510100",
    "?sector=city_governance&cooperation_mode=pilot&page=3",
    "",
]


class Command(BaseCommand):
    help = "Time the scenario list (filtered, paginated) and detail endpoints over a large market."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even on a database holding a real market")
        parser.add_argument("--scenarios", type=int, default=100_000)
        parser.add_argument("--products", type=int, default=300_000)
        parser.add_argument("--requests", type=int, default=300)
        parser.add_argument("--remove", action="store_true", help="remove the synthetic market afterwards")

    def handle(self, *args, scenarios, products, requests, remove, **options):
        refuse_unless_benchmark_database(force=options["force"])
        if connection.vendor != "postgresql":
            self.stderr.write("bench_api measures PostgreSQL: set DATABASE_URL=postgres://…")
        started = time.perf_counter()
        market = synthetic.generate(scenarios=scenarios, products=products)
        load_s = time.perf_counter() - started
        list_ms, detail_ms, by_role = self._measure(requests)
        print(
            json.dumps(
                {
                    "database": connection.vendor,
                    "scenarios": market.scenarios,
                    "products": market.products,
                    "load_s": round(load_s, 1),
                    "requests": requests,
                    "list_p50_ms": round(statistics.median(list_ms), 2),
                    "list_p95_ms": round(percentile(list_ms, 95), 2),
                    "detail_p50_ms": round(statistics.median(detail_ms), 2),
                    "detail_p95_ms": round(percentile(detail_ms, 95), 2),
                    **{f"list_p95_ms_{role}": round(percentile(ms, 95), 2) for role, ms in by_role.items()},
                }
            )
        )
        if remove:
            synthetic.remove()

    def _measure(self, requests: int) -> tuple[list[float], list[float], dict[str, list[float]]]:
        """Requests alternate between the public, city staff (their drafts widen the visible set) and the
        link office (everything), as the list is used."""
        rng = random.Random(11)
        ids = list(
            Scenario.objects.filter(key__startswith=synthetic.PREFIX, state="published").values_list("pk", flat=True)[
                :20_000
            ]
        )
        clients = {"public": APIClient(), "city": APIClient(), "office": APIClient()}
        clients["city"].force_authenticate(_bench_user("city", OrganizationKind.CITY_OFFICE, "510100"))
        clients["office"].force_authenticate(_bench_user("office", OrganizationKind.LINK_OFFICE, None))
        roles = list(clients)
        by_role: dict[str, list[float]] = {r: [] for r in roles}
        list_ms, detail_ms = [], []
        throttles, ScenarioViewSet.throttle_classes = ScenarioViewSet.throttle_classes, []
        try:
            with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
                for n in range(30):  # warm up connections and caches
                    self._get(clients[roles[n % 3]], "/api/v1/scenarios/" + rng.choice(LIST_QUERIES))
                for n in range(requests):
                    role = roles[n % 3]
                    elapsed = self._get(clients[role], "/api/v1/scenarios/" + rng.choice(LIST_QUERIES))
                    list_ms.append(elapsed)
                    by_role[role].append(elapsed)
                for n in range(requests):
                    detail_ms.append(self._get(clients[roles[n % 3]], f"/api/v1/scenarios/{rng.choice(ids)}/"))
        finally:
            ScenarioViewSet.throttle_classes = throttles
        return list_ms, detail_ms, by_role

    def _get(self, client, url: str) -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
        return elapsed


def _bench_user(name: str, kind: str, region_code: str | None):
    """A member of a bench organisation of this kind (kept with the synthetic market, `bench-` keys)."""
    region = Region.objects.get(code=region_code) if region_code else None
    org, _created = Organization.objects.get_or_create(
        key=f"{synthetic.PREFIX}{name}",
        defaults={
            "name": f"基准测试{name}",
            "kind": kind,
            "region": region,
            "credit_code": make_credit_code(region_code or "510000", 800_000_000 + len(name)),
        },
    )
    user, _created = get_user_model().objects.get_or_create(username=f"{synthetic.PREFIX}{name}")
    Member.objects.get_or_create(user=user, defaults={"organization": org})
    return user
