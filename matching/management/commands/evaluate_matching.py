"""Import a labelled market into a transaction that is rolled back, rank it four ways and print the table."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from marketdata.interchange.importer import ImportFailed, import_market
from marketplace.models import Product
from matching import plain
from matching.engine import Settings
from matching.evaluation import engine_rankings, load_labels, score, sector_rankings
from matching.market import load_index, scenario_docs
from scenarios.models import Scenario


def text_only_settings() -> Settings:
    """The engine's BM25F alone: no coverage, no sector gate, breadth, maturity or bonus."""
    return Settings.from_django(
        weights={}, coverage=0.0, sector_floor=1.0, breadth={"sectors": 1, "tags": 1, "power": 0.0}, maturity_gate=False
    )


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "nDCG@10, P@5 and MRR of the engine against text-only, sector-only and plain BM25 baselines."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a market file (ai-scenario-market/1)")
        parser.add_argument("labels", help="graded relevance 0–3 per scenario and product key")
        parser.add_argument("--json", action="store_true", help="print one JSON line instead of a table")

    def handle(self, *args, file, labels, json: bool, **options):
        graded = load_labels(labels)
        results = {}
        try:
            with transaction.atomic():
                try:
                    import_market(file)
                except ImportFailed as failed:
                    raise CommandError("\n".join([str(failed), *failed.errors])) from failed
                results = self._evaluate(file, graded)
                raise _Rollback
        except _Rollback:
            pass
        self._print(results, as_json=json)

    def _evaluate(self, file, graded):
        keys = _keys(file)
        products = Product.objects.filter(key__in=keys["products"])
        scenario_rows = Scenario.objects.filter(key__in=keys["scenarios"])
        scenarios = scenario_docs(scenario_rows)
        key_of_scenario = dict(Scenario.objects.filter(key__in=keys["scenarios"]).values_list("pk", "key"))
        key_of_product = dict(products.values_list("pk", "key"))
        full = load_index(products)
        text_only = load_index(products, text_only_settings())

        def by_key(rankings):
            return {key_of_scenario[s]: [key_of_product[p] for p in ps] for s, ps in rankings.items()}

        return {
            "engine": score(by_key(engine_rankings(full, scenarios)), graded),
            "text_only": score(by_key(engine_rankings(text_only, scenarios)), graded),
            "sector_only": score(by_key(sector_rankings(full, scenarios)), graded),
            "plain_bm25": score(by_key(plain.rank(*plain.from_market(scenario_rows, products))), graded),
        }

    def _print(self, results, *, as_json):
        if as_json:
            self.stdout.write(json.dumps(results))
            return
        self.stdout.write(f"{'ranker':<12} {'nDCG@10':>8} {'P@5':>7} {'MRR':>7}  scenarios")
        for name, m in results.items():
            self.stdout.write(f"{name:<12} {m['ndcg@10']:>8.4f} {m['p@5']:>7.4f} {m['mrr']:>7.4f}  {m['scenarios']}")


def _keys(file) -> dict[str, set[str]]:
    """The product and scenario keys of the file (streamed: the file may be large)."""
    import ijson

    keys = {"products": set(), "scenarios": set()}
    with open(file, "rb") as fh:
        for prefix, event, value in ijson.parse(fh):
            for section in keys:
                if prefix == f"{section}.item.key" and event == "string":
                    keys[section].add(value)
    return keys
