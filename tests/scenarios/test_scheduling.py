"""Docking meetings: no one double-booked, caps and tables respected, requested meetings first, and the
optimiser's total never below the greedy schedule's — on random inputs — and above it where greedy errs."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios.scheduling import (
    Candidate,
    Limits,
    schedule_greedy,
    schedule_optimal,
    total_value,
    violations,
)


@st.composite
def instances(draw):
    providers = draw(st.integers(1, 7))
    suppliers = draw(st.integers(1, 9))
    limits = Limits(
        slots=draw(st.integers(1, 5)),
        tables=draw(st.integers(1, 6)),
        per_supplier=draw(st.integers(1, 4)),
        per_provider=draw(st.integers(1, 5)),
    )
    candidates = draw(
        st.lists(
            st.builds(
                Candidate,
                provider=st.integers(1, providers),
                supplier=st.integers(100, 100 + suppliers),
                scenario=st.integers(1000, 1000 + 2 * providers),
                score=st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 4)),
                requested=st.booleans(),
            ),
            max_size=40,
        )
    )
    return candidates, limits


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(instances())
def test_both_schedules_respect_every_constraint_and_the_optimiser_is_never_worse(instance):
    candidates, limits = instance
    optimal, greedy = schedule_optimal(candidates, limits), schedule_greedy(candidates, limits)
    assert violations(optimal, limits) == []
    assert violations(greedy, limits) == []
    offered = {(c.provider, c.supplier, c.scenario) for c in candidates}
    assert all((m.provider, m.supplier, m.scenario) in offered for m in optimal)
    assert total_value(optimal, limits) >= total_value(greedy, limits) - 1e-9


def test_the_optimiser_beats_greedy_where_greedy_grabs_the_best_pair_first():
    # One slot, two tables: greedy takes A–X (0.9) and is left with B–Y (0.1); the optimum pairs A–Y and B–X.
    limits = Limits(slots=1, tables=2, per_supplier=1, per_provider=1)
    candidates = [
        Candidate(provider=1, supplier=10, scenario=100, score=0.9),
        Candidate(provider=1, supplier=11, scenario=100, score=0.8),
        Candidate(provider=2, supplier=10, scenario=200, score=0.7),
        Candidate(provider=2, supplier=11, scenario=200, score=0.1),
    ]
    assert total_value(schedule_greedy(candidates, limits), limits) == 1.0
    assert total_value(schedule_optimal(candidates, limits), limits) == 1.5


def test_requested_meetings_come_before_better_scored_recommendations():
    limits = Limits(slots=1, tables=1, per_supplier=1, per_provider=1)
    candidates = [
        Candidate(provider=1, supplier=10, scenario=100, score=0.95),
        Candidate(provider=2, supplier=11, scenario=200, score=0.2, requested=True),
    ]
    (meeting,) = schedule_optimal(candidates, limits)
    assert meeting.requested and meeting.supplier == 11


def test_every_slot_is_used_when_tables_are_scarce():
    # Six meetings among three providers and three suppliers, two slots of three tables: all fit.
    limits = Limits(slots=2, tables=3, per_supplier=2, per_provider=2)
    candidates = [Candidate(p, s, p * 10, 0.5) for p in (1, 2, 3) for s in (7, 8, 9)]
    optimal = schedule_optimal(candidates, limits)
    assert len(optimal) == 6 and violations(optimal, limits) == []


def test_a_provider_keeps_its_table_across_slots_where_it_can():
    limits = Limits(slots=3, tables=3, per_supplier=3, per_provider=3)
    candidates = [Candidate(1, s, 100, 0.5) for s in (7, 8, 9)]
    assert {m.table for m in schedule_optimal(candidates, limits)} == {1}
