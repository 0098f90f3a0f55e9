"""Re-match everything as a recorded job (chunks run here, or by the workers with --queue), or one scenario."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from matching import services, tasks
from matching.market import reanalyze_all
from matching.models import MatchRun
from scenarios.models import Scenario


class Command(BaseCommand):
    help = "Re-match all open scenarios (a recorded job) or one scenario; --resume RUN finishes a killed job."

    def add_arguments(self, parser):
        parser.add_argument("--scenario", help="one scenario, by id or key")
        parser.add_argument("--queue", action="store_true", help="hand the chunks to the Celery workers")
        parser.add_argument("--resume", type=int, metavar="RUN", help="run the chunks a job left undone")
        parser.add_argument("--reanalyze", action="store_true", help="segment every text again first")
        parser.add_argument("--chunk-size", type=int)

    def handle(self, *args, scenario, queue, resume, reanalyze, chunk_size, **options):
        started = time.perf_counter()
        if reanalyze:
            reanalyze_all()
            services.forget_index()
        if scenario:
            found = Scenario.objects.filter(key=scenario).first() or (
                Scenario.objects.filter(pk=scenario).first() if scenario.isdigit() else None
            )
            if found is None:
                raise CommandError(f"no scenario {scenario}")
            written = services.rematch_scenarios([found.pk])
            self.stdout.write(json.dumps({"scenario": found.key, "matches": written}))
            return
        run = (
            MatchRun.objects.get(pk=resume)
            if resume
            else services.full_rematch_start(chunk_size=chunk_size, enqueue=False)
        )
        if queue:
            tasks.enqueue_chunks.delay(run.pk)
            self.stdout.write(json.dumps({"run": run.pk, "queued_chunks": run.chunks_total - run.chunks_done}))
            return
        services.run_chunks_overlapped(run.pk, services.pending_chunks(run.pk))
        run.refresh_from_db()
        self.stdout.write(
            json.dumps(
                {
                    "run": run.pk,
                    "status": run.status,
                    "scenarios": run.scenarios_done,
                    "matches": run.matches_written,
                    "compute_s": round(run.compute_s, 2),
                    "write_s": round(run.write_s, 2),
                    "elapsed_s": round(time.perf_counter() - started, 2),
                }
            )
        )
