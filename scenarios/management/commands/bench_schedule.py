"""Time the docking-meeting optimiser on a large event and compare it with the greedy schedule. One JSON line.

The input is synthetic and reproducible: scenarios shared among providers, each offered its best-matching
suppliers (scores drawn as the matcher's are: a few strong, many weaker) and a few requested meetings."""

from __future__ import annotations

import json
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from scenarios.scheduling import Candidate, Limits, schedule_greedy, schedule_optimal, total_value, violations


def synthetic_candidates(*, scenarios: int, suppliers: int, per_scenario: int, seed: int = 3) -> list[Candidate]:
    rng = random.Random(seed)
    providers = max(1, scenarios // 2)
    out = []
    for s in range(scenarios):
        provider = rng.randrange(providers)
        for rank, supplier in enumerate(rng.sample(range(suppliers), per_scenario)):
            score = round(max(0.05, min(1.0, rng.gauss(0.85 - 0.02 * rank, 0.08))), 4)
            out.append(Candidate(provider, 10_000 + supplier, s, score, requested=rank < 3 and rng.random() < 0.3))
    return out


class Command(BaseCommand):
    help = "Docking meetings: the optimiser's time and total against the greedy schedule's."

    def add_arguments(self, parser):
        parser.add_argument("--scenarios", type=int, default=300)
        parser.add_argument("--suppliers", type=int, default=600)
        parser.add_argument("--slots", type=int, default=16)
        parser.add_argument("--tables", type=int, default=settings.DOCKING["TABLES"])
        parser.add_argument("--per-scenario", type=int, default=settings.DOCKING["CANDIDATES_PER_SCENARIO"])
        parser.add_argument("--per-supplier", type=int, default=settings.DOCKING["PER_SUPPLIER"])
        parser.add_argument("--per-provider", type=int, default=settings.DOCKING["PER_PROVIDER"])

    def handle(self, *args, scenarios, suppliers, slots, tables, per_scenario, per_supplier, per_provider, **options):
        candidates = synthetic_candidates(scenarios=scenarios, suppliers=suppliers, per_scenario=per_scenario)
        limits = Limits(
            slots=slots,
            tables=tables,
            per_supplier=per_supplier,
            per_provider=per_provider,
            requested_weight=settings.DOCKING["REQUESTED_WEIGHT"],
        )
        started = time.perf_counter()
        optimal = schedule_optimal(candidates, limits)
        solve_s = time.perf_counter() - started
        started = time.perf_counter()
        greedy = schedule_greedy(candidates, limits)
        greedy_s = time.perf_counter() - started
        print(
            json.dumps(
                {
                    "scenarios": scenarios,
                    "suppliers": suppliers,
                    "slots": slots,
                    "tables": tables,
                    "candidates": len(candidates),
                    "solve_s": round(solve_s, 3),
                    "meetings": len(optimal),
                    "requested_met": sum(m.requested for m in optimal),
                    "total_score": total_value(optimal, limits),
                    "greedy_total_score": total_value(greedy, limits),
                    "greedy_meetings": len(greedy),
                    "greedy_requested_met": sum(m.requested for m in greedy),
                    "greedy_s": round(greedy_s, 3),
                    "violations": len(violations(optimal, limits)),
                }
            )
        )
