"""A full re-match split into chunks and run by real Celery workers on the real broker stores exactly what
the same job run in-process stores; running it again changes nothing."""

import time

import pytest

from marketplace.choices import OrganizationKind as K
from matching import services
from matching.choices import RunStatus
from matching.models import Match, MatchRun
from tests.conftest import requires_broker
from tests.factories import ProductFactory, ScenarioFactory, member_of, sector

pytestmark = [
    # One broker queue for the real workers: these run in one xdist worker, one after the other.
    pytest.mark.xdist_group("celery"),
    pytest.mark.integration,
    requires_broker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WORDS = ["缺陷检测", "无人机巡检", "跌倒检测", "预测性维护", "智能客服", "病虫害识别", "交通信号优化", "仓储调度"]
SECTORS = ["manufacturing.02", "emergency.03", "livelihood.02", "manufacturing.03"]


def market():
    suppliers = [member_of(K.SUPPLIER, code).organization for code in ("510100", "510700", "511500")]
    for n in range(40):
        p = ProductFactory(
            supplier=suppliers[n % 3],
            name=f"{WORDS[n % len(WORDS)]}系统{n}",
            description=f"{WORDS[n % len(WORDS)]}，{WORDS[(n * 3 + 1) % len(WORDS)]}",
            maturity=["pilot", "mature", "scaled"][n % 3],
        )
        p.sectors.set([sector(SECTORS[n % len(SECTORS)])])
    provider = member_of(K.ENTERPRISE, "510100").organization
    for n in range(25):
        ScenarioFactory(
            provider=provider,
            state="published",
            title=f"{WORDS[n % len(WORDS)]}应用{n}",
            purpose=f"开展{WORDS[(n + 2) % len(WORDS)]}与{WORDS[n % len(WORDS)]}",
            sector=sector(SECTORS[n % len(SECTORS)]),
        )


def stored():
    return sorted(Match.objects.values_list("scenario_id", "product_id", "rank", "score", "components", "terms"))


def wait_until_done(run_id, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if MatchRun.objects.get(pk=run_id).status == RunStatus.DONE:
            return True
        time.sleep(0.3)
    return False


def test_workers_store_what_the_in_process_job_stores_and_a_rerun_changes_nothing(celery_workers):
    market()
    local = services.full_rematch_start(chunk_size=4, enqueue=False)
    for number in services.pending_chunks(local.pk):
        services.run_chunk(local.pk, number)
    expected = stored()
    assert len(expected) > 25
    Match.objects.all().delete()

    workers = celery_workers(2)
    run = services.full_rematch_start(chunk_size=4)  # its chunks go to the workers after commit
    assert run.chunks_total == 7
    assert wait_until_done(run.pk), b"".join(w.stdout.read1() for w in workers if w.poll() is not None)
    run.refresh_from_db()
    assert (run.chunks_done, run.scenarios_done) == (7, 25)
    assert stored() == expected

    again = services.full_rematch_start(chunk_size=4)
    assert wait_until_done(again.pk)
    assert stored() == expected
