"""The in-process full re-match ranks the next chunk while the database stores this one; it must store
exactly what one chunk after another stores, and finish the run."""

import pytest

from matching import services
from matching.choices import RunStatus
from matching.models import Match, MatchRun
from tests.conftest import requires_postgres
from tests.matching.test_distributed import market, stored

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_overlapped_run_stores_what_chunks_one_after_another_store():
    market()
    one_by_one = services.full_rematch_start(chunk_size=4, enqueue=False)
    for number in services.pending_chunks(one_by_one.pk):
        services.run_chunk(one_by_one.pk, number)
    expected = stored()
    Match.objects.all().delete()

    run = services.full_rematch_start(chunk_size=4, enqueue=False)
    written = services.run_chunks_overlapped(run.pk, services.pending_chunks(run.pk))
    run = MatchRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.DONE and run.chunks_done == run.chunks_total == 7
    assert written == run.matches_written == len(expected) and stored() == expected
    # A resumed run with nothing left to do writes nothing.
    assert services.run_chunks_overlapped(run.pk, services.pending_chunks(run.pk)) == 0
