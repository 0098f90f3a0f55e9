"""Time the public site's main pages over a large market, server side and in-process. Prints one JSON line:
p50/p95 of `/`, `/scenarios/`, `/scenarios/?q=…` and `/scenarios/<id>/`, and the queries each page ran (the
same at any market size: no query count grows with rows)."""

from __future__ import annotations

import json
import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from common.benchmarks import percentile, refuse_unless_benchmark_database
from marketdata import synthetic
from scenarios.models import Scenario

QUERIES = ["缺陷检测", "瑕疵识别", "无人机 巡检", "交通信号 优化", "大模型", "病虫害"]
LISTS = ["", "?page=3", "?sector=manufacturing", "?region=510100&category=industry", "?sort=newest&page=2"]


class Command(BaseCommand):
    help = "Time the public pages (home, scenario list, search, scenario page) over a large market."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even on a database holding a real market")
        parser.add_argument("--scenarios", type=int, default=100_000)
        parser.add_argument("--products", type=int, default=20_000)
        parser.add_argument("--requests", type=int, default=200, help="requests per page kind")

    def handle(self, *args, scenarios, products, requests, **options):
        refuse_unless_benchmark_database(force=options["force"])
        if connection.vendor != "postgresql":
            self.stderr.write("bench_site measures PostgreSQL: set DATABASE_URL=postgres://…")
        started = time.perf_counter()
        market = synthetic.generate(scenarios=scenarios, products=products)
        load_s = time.perf_counter() - started
        rng = random.Random(5)
        ids = list(
            Scenario.objects.filter(key__startswith=synthetic.PREFIX, state="published").values_list("pk", flat=True)[
                :20_000
            ]
        )
        pages = {
            "home": lambda: "/",
            "list": lambda: "/scenarios/" + rng.choice(LISTS),
            "search": lambda: "/scenarios/?q=" + rng.choice(QUERIES),
            "detail": lambda: f"/scenarios/{rng.choice(ids)}/",
        }
        client = Client()
        figures: dict[str, object] = {
            "database": connection.vendor,
            "scenarios": market.scenarios,
            "load_s": round(load_s, 1),
            "requests": requests,
        }
        with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, DEBUG=False):
            for name, url in pages.items():
                for _n in range(20):  # warm up connections and caches
                    self._get(client, url())
                times, queries = [], set()
                for _n in range(requests):
                    with CaptureQueriesContext(connection) as ctx:
                        times.append(self._get(client, url()))
                    queries.add(len(ctx.captured_queries))
                figures[f"{name}_p50_ms"] = round(statistics.median(times), 2)
                figures[f"{name}_p95_ms"] = round(percentile(times, 95), 2)
                figures[f"{name}_queries"] = sorted(queries)
        print(json.dumps(figures, ensure_ascii=False))

    def _get(self, client, url: str) -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return elapsed
