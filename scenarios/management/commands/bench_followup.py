"""Time the follow-up sweep over a large market (PostgreSQL). Prints one JSON line.

The synthetic market (marketdata.synthetic) gets a believable follow-up history first: submission and
signing times spread over the past months, proposals on a third of the published scenarios, agreements on the
signed ones and progress reports on half of them, city staff in every region, the link office and members
for a share of the providers. Then: `sweep_s`, the first sweep (every stalled scenario raised at once, the
worst case), and `sweep_next_day_s`, the next day's (repeats and resolutions only).
"""

from __future__ import annotations

import datetime
import json
import time
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models.functions import Mod
from django.test.utils import override_settings
from django.utils import timezone

from common.benchmarks import refuse_unless_benchmark_database
from common.credit_code import make_credit_code
from marketdata import synthetic
from marketplace import services as market_services
from marketplace import tasks as market_tasks
from marketplace.choices import OrganizationKind
from marketplace.models import Member, Organization, Region
from marketplace.selectors import users_with_mail_waiting
from scenarios.choices import ScenarioState
from scenarios.models import Agreement, ProgressReport, Proposal, Reminder, Scenario
from scenarios.services import followup_sweep

BUCKETS = 30


class Command(BaseCommand):
    help = "Time the follow-up sweep over a large synthetic market."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even on a database holding a real market")
        parser.add_argument("--scenarios", type=int, default=100_000)
        parser.add_argument("--products", type=int, default=2_000)
        parser.add_argument("--as-of", default=None, help="the day swept (default today)")

    def handle(self, *args, scenarios, products, as_of, **options):
        refuse_unless_benchmark_database(force=options["force"])
        if connection.vendor != "postgresql":
            self.stderr.write("bench_followup measures PostgreSQL: set DATABASE_URL=postgres://…")
        day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
        started = time.perf_counter()
        market = synthetic.generate(scenarios=scenarios, products=products)
        _history(day)
        people = _people()
        load_s = time.perf_counter() - started
        # A first sweep from nothing: the previous run's reminders on the synthetic scenarios go.
        Reminder.objects.filter(
            content_type=ContentType.objects.get_for_model(Scenario),
            object_id__in=Scenario.objects.filter(key__startswith=synthetic.PREFIX).values("pk"),
        ).delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in (
                    "scenarios_scenario",
                    "scenarios_proposal",
                    "scenarios_agreement",
                    "scenarios_agreement_suppliers",
                    "scenarios_progressreport",
                    "scenarios_reminder",
                ):
                    cursor.execute(f"VACUUM ANALYZE {table}")  # as autovacuum would have, after a bulk load
        # The sweep alone: its e-mail digests go to the workers after commit; here they are held back and
        # timed on their own (rendered and handed to an in-memory mail backend).
        held: list[str] = []
        with mock.patch.object(market_tasks.send_digests, "delay", held.append):
            t = time.perf_counter()
            first = followup_sweep(as_of=day)
            sweep_s = time.perf_counter() - t
            t = time.perf_counter()
            followup_sweep(as_of=day + datetime.timedelta(days=1))
            next_day_s = time.perf_counter() - t
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            t = time.perf_counter()
            digests = sum(market_services.digest_send(user_id=u, day=day) for u in users_with_mail_waiting())
            digest_s = time.perf_counter() - t
        print(
            json.dumps(
                {
                    "database": connection.vendor,
                    "scenarios": market.scenarios,
                    "people": people,
                    "load_s": round(load_s, 1),
                    "sweep_s": round(sweep_s, 2),
                    "sweep_next_day_s": round(next_day_s, 2),
                    "digests": digests,
                    "digest_s": round(digest_s, 2),
                    "raised": {rule: c["raised"] for rule, c in first.items()},
                    "reminders": Reminder.objects.count(),
                }
            )
        )


def _history(day: datetime.date) -> None:
    """Dates and records a follow-up sweep reads, written set-based; kept once written."""
    bench = Scenario.objects.filter(key__startswith=synthetic.PREFIX)
    if not bench.filter(state=ScenarioState.SUBMITTED, submitted_at__isnull=True).exists():
        return
    now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    with transaction.atomic():
        bucketed = bench.annotate(bucket=Mod("id", BUCKETS))
        for b in range(BUCKETS):
            days = datetime.timedelta(days=b * 12 + 1)
            bucketed.filter(bucket=b, state=ScenarioState.SUBMITTED).update(submitted_at=now - days / 6)
            bucketed.filter(bucket=b, state__in=[ScenarioState.SIGNED, ScenarioState.IN_COOPERATION]).update(
                signed_at=now - days, state_changed_at=now - days
            )
        suppliers = list(
            Organization.objects.filter(key__startswith=f"{synthetic.PREFIX}sup-").values_list("pk", flat=True)
        )
        # Read before each COPY: a COPY holds the connection, so rows cannot be streamed from it meanwhile.
        published = bench.filter(state=ScenarioState.PUBLISHED).annotate(bucket=Mod("id", 3)).filter(bucket=0)
        wooed = list(published.values_list("pk", flat=True))
        synthetic.copy_rows(
            Proposal,
            (
                {
                    "scenario_id": pk,
                    "supplier_id": suppliers[pk % len(suppliers)],
                    "submitted_at": now,
                    "status": "submitted",
                }
                for pk in wooed
            ),
        )
        signed = list(
            bench.filter(state__in=[ScenarioState.SIGNED, ScenarioState.IN_COOPERATION]).values_list("pk", "signed_at")
        )
        synthetic.copy_rows(Agreement, ({"scenario_id": pk, "signed_on": at.date()} for pk, at in signed))
        through = Agreement.suppliers.through
        agreements = list(
            Agreement.objects.filter(scenario__key__startswith=synthetic.PREFIX).values_list("pk", "scenario_id")
        )
        synthetic.copy_rows(
            through,
            ({"agreement_id": a, "organization_id": suppliers[s % len(suppliers)]} for a, s in agreements),
        )
        synthetic.copy_rows(
            ProgressReport,
            (
                {"scenario_id": pk, "reported_on": (at + datetime.timedelta(days=20)).date(), "summary": "进展"}
                for pk, at in signed[::2]
            ),
        )


def _people() -> int:
    """City staff in every region, the link office, and members for every tenth provider (with e-mail)."""
    users = get_user_model().objects
    made = 0
    regions = list(Region.objects.values_list("pk", "code"))
    for n, (pk, code) in enumerate(regions):
        made += _member(f"{synthetic.PREFIX}city-{code}", OrganizationKind.CITY_OFFICE, pk, code, n)
    made += _member(f"{synthetic.PREFIX}office", OrganizationKind.LINK_OFFICE, None, "510000", len(regions))
    providers = Organization.objects.filter(key__startswith=f"{synthetic.PREFIX}prov-", members__isnull=True)
    for org in providers.annotate(tenth=Mod("id", 10)).filter(tenth=0):
        user = users.create(username=f"{synthetic.PREFIX}u-{org.pk}", email=f"p{org.pk}@example.cn")
        Member.objects.create(user=user, organization=org)
        made += 1
    return Member.objects.filter(organization__key__startswith=synthetic.PREFIX).count() or made


def _member(key: str, kind: str, region_id: int | None, code: str, serial: int) -> int:
    org, created = Organization.objects.get_or_create(
        key=key,
        defaults={
            "name": f"基准{key[-6:]}",
            "kind": kind,
            "region_id": region_id,
            "credit_code": make_credit_code(code, 700_000_000 + serial),
        },
    )
    if not created:
        return 0
    user = get_user_model().objects.create(username=key, email=f"{key}@example.cn")
    Member.objects.create(user=user, organization=org)
    return 1
