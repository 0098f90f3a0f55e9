"""Import a labelled market into a transaction that is rolled back, rank it four ways and print the table."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from marketdata.interchange.importer import ImportFailed, import_market
from marketplace.models import Product
from matching import plain
from matching.engine import Precedents, Settings, rank
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
        parser.add_argument(
            "--replay",
            action="store_true",
            help="also feed half the scenarios' grades in as the providers' feedback and score the other half "
            "before and after",
        )

    def handle(self, *args, file, labels, json: bool, replay: bool = False, **options):
        graded = load_labels(labels)
        results = {}
        try:
            with transaction.atomic():
                try:
                    import_market(file)
                except ImportFailed as failed:
                    raise CommandError("\n".join([str(failed), *failed.errors])) from failed
                results = self._evaluate(file, graded, replay=replay)
                raise _Rollback
        except _Rollback:
            pass
        self._print(results, as_json=json)

    def _evaluate(self, file, graded, *, replay=False):
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

        results = {
            "engine": score(by_key(engine_rankings(full, scenarios)), graded),
            "text_only": score(by_key(engine_rankings(text_only, scenarios)), graded),
            "sector_only": score(by_key(sector_rankings(full, scenarios)), graded),
            "plain_bm25": score(by_key(plain.rank(*plain.from_market(scenario_rows, products))), graded),
        }
        if replay:
            results.update(feedback_replay(full, scenarios, graded, key_of_scenario, key_of_product))
        return results

    def _print(self, results, *, as_json):
        if as_json:
            self.stdout.write(json.dumps(results))
            return
        results = dict(results)
        replayed = {k: results.pop(k) for k in list(results) if k.startswith("replay")}
        self.stdout.write(f"{'ranker':<12} {'nDCG@10':>8} {'P@5':>7} {'MRR':>7}  scenarios")
        for name, m in results.items():
            self.stdout.write(f"{name:<12} {m['ndcg@10']:>8.4f} {m['p@5']:>7.4f} {m['mrr']:>7.4f}  {m['scenarios']}")
        if replayed:
            self.stdout.write("feedback replay: half the scenarios' grades given as feedback")
            for name, m in replayed.items():
                line = f"{m['ndcg@10']:>8.4f} {m['p@5']:>7.4f} {m['mrr']:>7.4f}  {m['scenarios']}"
                self.stdout.write(f"  {name:<24} {line}")


def feedback_replay(index, scenarios, graded, key_of_scenario, key_of_product) -> dict[str, dict]:
    """Feed the grades of every other judged scenario (in key order) in as what their providers said: grade 2
    or 3 "useful", an ungraded product in the engine's top ten "not useful". Score the other half before and
    after, when those marks reach it only through alike scenarios (precedents), and the marked half itself
    with its own marks (feedback)."""
    keys = sorted(k for k in graded if any(g >= 2 for g in graded[k].values()))
    given, held = set(keys[0::2]), set(keys[1::2])
    product_of_key = {k: pk for pk, k in key_of_product.items()}
    before = engine_rankings(index, scenarios, top=50)
    outcomes: dict[int, dict[int, float]] = {}
    for doc in scenarios:
        key = key_of_scenario[doc.id]
        if key not in given:
            continue
        marks = {product_of_key[p]: 1.0 for p, g in graded[key].items() if g >= 2 and p in product_of_key}
        for pid in before.get(doc.id, [])[:10]:
            if graded[key].get(key_of_product[pid], 0) == 0:
                marks[pid] = -1.0
        outcomes[doc.id] = marks
    precedents = Precedents.build(index, scenarios, outcomes)
    after = {
        r.scenario_id: index.product_ids[r.positions].tolist()
        for r in rank(index, scenarios, feedback=outcomes, precedents=precedents, top_k=50)
    }

    def on(rankings, half):
        chosen = {key_of_scenario[s]: [key_of_product[p] for p in ps] for s, ps in rankings.items()}
        return score(chosen, {k: v for k, v in graded.items() if k in half})

    return {
        "replay_held_before": on(before, held),
        "replay_held_after": on(after, held),
        "replay_marked_before": on(before, given),
        "replay_marked_after": on(after, given),
    }


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
