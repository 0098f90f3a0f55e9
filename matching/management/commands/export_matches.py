"""Write every scenario's ranking as JSON lines, with the market format's external keys."""

from __future__ import annotations

import json
from itertools import groupby

from django.core.management.base import BaseCommand

from matching.models import Match


class Command(BaseCommand):
    help = 'One line per scenario: {"scenario": KEY, "matches": [{"product", "supplier", "score", ...}]}'

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--top", type=int, default=10, help="matches per scenario (K)")

    def handle(self, *args, file, top, **options):
        rows = (
            Match.objects.filter(rank__lte=top)
            .order_by("scenario_id", "rank")
            .values_list(
                "scenario_id", "scenario__key", "product__key", "supplier__key", "score", "components", "terms"
            )
        )
        lines = 0
        with open(file, "w", encoding="utf-8") as out:
            for (_sid, key), group in groupby(rows.iterator(chunk_size=5000), key=lambda r: (r[0], r[1])):
                matches = [
                    {"product": p, "supplier": s, "score": score, "components": comps, "terms": terms}
                    for _a, _b, p, s, score, comps, terms in group
                ]
                out.write(json.dumps({"scenario": key, "matches": matches}, ensure_ascii=False) + "\n")
                lines += 1
        self.stdout.write(f"{lines} scenarios written to {file}")
