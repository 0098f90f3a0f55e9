"""Choose the engine's settings on one labelled market and report them on another (the held-out discipline).

Both markets are imported into a transaction that is rolled back. Every combination of the grid below is
scored on the training market by nDCG@10; the best is then scored, unchanged, on the held-out market, beside
the settings in force and the plain ranker. Run it both ways (swap the pairs) and write both tables down."""

from __future__ import annotations

import itertools
import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from marketdata.interchange.importer import ImportFailed, import_market
from marketplace.models import Product
from matching import plain
from matching.engine import Settings
from matching.evaluation import engine_rankings, load_labels, score
from matching.management.commands.evaluate_matching import _keys
from matching.market import load_index, scenario_docs
from scenarios.models import Scenario

# What is tuned, and over which values. Everything else is as in settings.MATCHING.
GRID = {
    "coverage": [0.0, 0.2, 0.4, 0.6],
    "sector_floor": [0.2, 0.4, 0.6, 0.8],
    "breadth_power": [0.0, 0.5, 1.0],
    "k1": [1.2, 1.5],
}


class _Rollback(Exception):
    pass


class Market:
    def __init__(self, file, labels):
        keys = _keys(file)
        self.labels = load_labels(labels)
        self.products = Product.objects.filter(key__in=keys["products"])
        rows = Scenario.objects.filter(key__in=keys["scenarios"])
        self.scenario_rows = rows
        self.scenarios = scenario_docs(rows)
        self.key_of_scenario = dict(rows.values_list("pk", "key"))
        self.key_of_product = dict(self.products.values_list("pk", "key"))

    def by_key(self, rankings):
        ks, kp = self.key_of_scenario, self.key_of_product
        return {ks[s]: [kp[p] for p in ps] for s, ps in rankings.items()}

    def engine(self, engine_settings: Settings) -> dict:
        index = load_index(self.products, engine_settings)
        return score(self.by_key(engine_rankings(index, self.scenarios)), self.labels)

    def plain(self) -> dict:
        return score(self.by_key(plain.rank(*plain.from_market(self.scenario_rows, self.products))), self.labels)


def candidate(values: dict) -> Settings:
    base = Settings.from_django()
    breadth = {**base.breadth, "power": values["breadth_power"]}
    return Settings.from_django(
        coverage=values["coverage"], sector_floor=values["sector_floor"], breadth=breadth, k1=values["k1"]
    )


class Command(BaseCommand):
    help = "Grid-search the engine's settings on TRAIN and report the chosen settings on TEST."

    def add_arguments(self, parser):
        parser.add_argument("train_file")
        parser.add_argument("train_labels")
        parser.add_argument("test_file")
        parser.add_argument("test_labels")

    def handle(self, *args, train_file, train_labels, test_file, test_labels, **options):
        try:
            with transaction.atomic():
                try:
                    import_market(train_file)
                    import_market(test_file)
                except ImportFailed as failed:
                    raise CommandError("\n".join([str(failed), *failed.errors])) from failed
                self._tune(Market(train_file, train_labels), Market(test_file, test_labels))
                raise _Rollback
        except _Rollback:
            pass

    def _tune(self, train: Market, test: Market):
        names = list(GRID)
        results = []
        for combo in itertools.product(*GRID.values()):
            values = dict(zip(names, combo, strict=True))
            results.append((train.engine(candidate(values))["ndcg@10"], values))
        results.sort(key=lambda r: -r[0])
        best = results[0][1]
        self.stdout.write("best on the training market: " + json.dumps(best))
        self.stdout.write(f"{'':<22} {'train nDCG':>10} {'MRR':>6}   {'held-out nDCG':>13} {'MRR':>6}")
        for label, tr, te in (
            ("chosen here", train.engine(candidate(best)), test.engine(candidate(best))),
            ("settings in force", train.engine(Settings.from_django()), test.engine(Settings.from_django())),
            ("plain ranker", train.plain(), test.plain()),
        ):
            self.stdout.write(
                f"{label:<22} {tr['ndcg@10']:>10.4f} {tr['mrr']:>6.4f}   {te['ndcg@10']:>13.4f} {te['mrr']:>6.4f}"
            )
        self.stdout.write("top five on the training market:")
        for value, values in results[:5]:
            self.stdout.write(f"  {value:.4f} {json.dumps(values)}")
