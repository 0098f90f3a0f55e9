"""Run the follow-up sweep by hand, as of a given day (to preview, or to travel in time). One JSON line."""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from scenarios.services import followup_sweep


class Command(BaseCommand):
    help = "Raise, repeat, escalate and resolve follow-up reminders as of a day (default: today)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD")

    def handle(self, *args, as_of, **options):
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else None
        except ValueError as exc:
            raise CommandError(f"--as-of must be a date, YYYY-MM-DD: {as_of}") from exc
        report = followup_sweep(as_of=day)
        from django.utils import timezone

        self.stdout.write(json.dumps({"as_of": (day or timezone.localdate()).isoformat(), "rules": report}))
