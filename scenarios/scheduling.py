"""Docking meetings (对接会) at a release event: 1:1 meetings between providers and suppliers in the event's
time slots and at its tables. Free of the ORM; `matching/docking.py` loads the candidates and stores the result.

The optimiser is exact for its objective in two steps:

1. *Which pairs meet.* Each provider–supplier pair is worth its best match score, plus `requested_weight`
   when one side asked for the meeting (a proposal on one of the provider's scenarios), so requested
   meetings come first. Choosing pairs so that nobody has more meetings than slots or their cap, and no more
   meetings than tables × slots, is a maximum-weight b-matching: a network-flow problem, solved as an
   integer programme with SciPy's HiGHS (`milp`); its constraint matrix is totally unimodular, so the
   optimum is found at the root.
2. *When and where.* Any such set of pairs fits the slots: a bipartite graph whose degrees are at most T can
   be edge-coloured with T colours (Kőnig), and the colouring can be balanced so that no colour — no slot —
   holds more than ⌈meetings / T⌉ ≤ tables meetings. Colours are slots; tables are numbered per slot,
   keeping a provider at its table where it can.

So the schedule's total is the best any schedule can reach, and never below the greedy baseline's
(`schedule_greedy`: best pairs first, each in the first slot both sides and a table are free).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp


@dataclass(frozen=True)
class Candidate:
    provider: int
    supplier: int
    scenario: int
    score: float  # the matcher's score, in [0, 1]
    requested: bool = False


@dataclass(frozen=True)
class Limits:
    slots: int
    tables: int
    per_supplier: int
    per_provider: int
    requested_weight: float = 10.0


@dataclass(frozen=True)
class Meeting:
    provider: int
    supplier: int
    scenario: int
    slot: int  # 0-based
    table: int  # 1-based
    score: float
    requested: bool


def value(c: Candidate | Meeting, limits: Limits) -> float:
    return c.score + (limits.requested_weight if c.requested else 0.0)


def total_value(meetings: list[Meeting], limits: Limits) -> float:
    return round(sum(value(m, limits) for m in meetings), 6)


def best_pairs(candidates: list[Candidate], limits: Limits) -> list[Candidate]:
    """One candidate per provider–supplier pair: its most valuable scenario (a provider meets a supplier once)."""
    best: dict[tuple[int, int], Candidate] = {}
    for c in candidates:
        key = (c.provider, c.supplier)
        if key not in best or (value(c, limits), -c.scenario) > (value(best[key], limits), -best[key].scenario):
            best[key] = c
    return sorted(best.values(), key=lambda c: (c.provider, c.supplier))


# --- the optimiser ---------------------------------------------------------------------------------------


def schedule_optimal(candidates: list[Candidate], limits: Limits) -> list[Meeting]:
    pairs = best_pairs(candidates, limits)
    if not pairs or limits.slots < 1 or limits.tables < 1:
        return []
    chosen = _choose_pairs(pairs, limits)
    return _into_slots(chosen, limits)


def _choose_pairs(pairs: list[Candidate], limits: Limits) -> list[Candidate]:
    providers = {p: i for i, p in enumerate(sorted({c.provider for c in pairs}))}
    suppliers = {s: i for i, s in enumerate(sorted({c.supplier for c in pairs}))}
    n, rows = len(pairs), len(providers) + len(suppliers) + 1
    cols = np.arange(n)
    provider_rows = np.array([providers[c.provider] for c in pairs])
    supplier_rows = np.array([len(providers) + suppliers[c.supplier] for c in pairs])
    a = sparse.csr_matrix(
        (np.ones(3 * n), (np.concatenate([provider_rows, supplier_rows, np.full(n, rows - 1)]), np.tile(cols, 3))),
        shape=(rows, n),
    )
    upper = np.concatenate(
        [
            np.full(len(providers), min(limits.slots, limits.per_provider)),
            np.full(len(suppliers), min(limits.slots, limits.per_supplier)),
            [limits.slots * limits.tables],
        ]
    )
    weights = np.array([value(c, limits) for c in pairs])
    result = milp(
        -weights,
        constraints=LinearConstraint(a, -np.inf, upper),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
    )
    if result.x is None:  # pragma: no cover - the problem is always feasible (nothing chosen is)
        raise RuntimeError(f"the meeting optimiser failed: {result.message}")
    return [c for c, x in zip(pairs, result.x, strict=True) if x > 0.5]


def _into_slots(chosen: list[Candidate], limits: Limits) -> list[Meeting]:
    colour = _edge_colouring(chosen, limits.slots)
    _balance(chosen, colour, limits.slots, limits.tables)
    by_slot: dict[int, list[Candidate]] = defaultdict(list)
    for c, slot in zip(chosen, colour, strict=True):
        by_slot[slot].append(c)
    return _seat(by_slot, limits)


def _edge_colouring(edges: list[Candidate], colours: int) -> list[int]:
    """Kőnig: colour each edge with a colour free at both ends, freeing one by flipping an alternating
    path when the ends have different free colours (in a bipartite graph the path never returns)."""
    at: dict[tuple[str, int], dict[int, int]] = defaultdict(dict)  # vertex → colour → edge index
    colour = [-1] * len(edges)

    def ends(i: int) -> tuple[tuple[str, int], tuple[str, int]]:
        return ("p", edges[i].provider), ("s", edges[i].supplier)

    def free(v) -> int:
        return next(k for k in range(colours) if k not in at[v])

    for i in range(len(edges)):
        p, s = ends(i)
        alpha, beta = free(p), free(s)
        if alpha not in at[s]:
            chosen = alpha
        else:
            # Walk from s along alpha, beta, alpha … edges and swap the two colours on the path.
            path, v, k = [], s, alpha
            while k in at[v]:
                j = at[v][k]
                path.append(j)
                a, b = ends(j)
                v = b if a == v else a
                k = beta if k == alpha else alpha
            for j in path:
                for end in ends(j):
                    del at[end][colour[j]]
            for j in path:
                colour[j] = beta if colour[j] == alpha else alpha
                for end in ends(j):
                    at[end][colour[j]] = j
            chosen = alpha
        colour[i] = chosen
        at[p][chosen] = i
        at[s][chosen] = i
    return colour


def _balance(edges: list[Candidate], colour: list[int], colours: int, cap: int) -> None:
    """Move meetings from overfull slots to emptier ones, one alternating path of two colours at a time,
    until no slot holds more than `cap` (possible whenever there are at most cap × colours meetings)."""
    while True:
        sizes = np.bincount(np.array(colour, dtype=int), minlength=colours) if colour else np.zeros(colours, int)
        big, small = int(np.argmax(sizes)), int(np.argmin(sizes))
        if sizes[big] <= cap or sizes[big] - sizes[small] <= 1:
            return
        _swap_one_path(edges, colour, big, small)


def _swap_one_path(edges: list[Candidate], colour: list[int], a: int, b: int) -> None:
    incident: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, k in enumerate(colour):
        if k in (a, b):
            incident[("p", edges[i].provider)].append(i)
            incident[("s", edges[i].supplier)].append(i)
    seen: set[int] = set()
    for start in (i for i, k in enumerate(colour) if k == a):
        if start in seen:
            continue
        component, stack = [], [start]
        while stack:
            i = stack.pop()
            if i in seen:
                continue
            seen.add(i)
            component.append(i)
            for end in (("p", edges[i].provider), ("s", edges[i].supplier)):
                stack.extend(j for j in incident[end] if j not in seen)
        if sum(colour[i] == a for i in component) > sum(colour[i] == b for i in component):
            for i in component:  # a path with one more a-edge than b-edges: swapping moves one meeting
                colour[i] = b if colour[i] == a else a
            return
    raise RuntimeError("no alternating path to balance the slots")  # pragma: no cover - impossible


def _seat(by_slot: dict[int, list[Candidate]], limits: Limits) -> list[Meeting]:
    """Number the tables of each slot, a provider keeping the table it had where it is free."""
    table_of: dict[int, int] = {}
    meetings = []
    for slot in sorted(by_slot):
        taken: set[int] = set()
        here = sorted(by_slot[slot], key=lambda c: (c.provider not in table_of, c.provider, c.supplier))
        for c in here:
            table = table_of.get(c.provider)
            if table is None or table in taken:
                table = next(t for t in range(1, limits.tables + 1) if t not in taken)
            taken.add(table)
            table_of[c.provider] = table
            meetings.append(Meeting(c.provider, c.supplier, c.scenario, slot, table, c.score, c.requested))
    return meetings


# --- the greedy baseline ---------------------------------------------------------------------------------


def schedule_greedy(candidates: list[Candidate], limits: Limits) -> list[Meeting]:
    """The obvious schedule: the most valuable pairs first, each in the first slot where both sides and a
    table are free, until caps and slots run out."""
    pairs = sorted(best_pairs(candidates, limits), key=lambda c: (-value(c, limits), c.provider, c.supplier))
    busy: set[tuple[str, int, int]] = set()
    count: dict[tuple[str, int], int] = defaultdict(int)
    tables_used = [0] * limits.slots
    meetings = []
    for c in pairs:
        if count[("p", c.provider)] >= limits.per_provider or count[("s", c.supplier)] >= limits.per_supplier:
            continue
        for slot in range(limits.slots):
            if (
                tables_used[slot] < limits.tables
                and ("p", c.provider, slot) not in busy
                and ("s", c.supplier, slot) not in busy
            ):
                tables_used[slot] += 1
                busy |= {("p", c.provider, slot), ("s", c.supplier, slot)}
                count[("p", c.provider)] += 1
                count[("s", c.supplier)] += 1
                meetings.append(
                    Meeting(c.provider, c.supplier, c.scenario, slot, tables_used[slot], c.score, c.requested)
                )
                break
    return meetings


def violations(meetings: list[Meeting], limits: Limits) -> list[str]:
    """What a schedule breaks, if anything (used by the tests and checked before storing)."""
    problems = []
    seen_slot: set[tuple[str, int, int]] = set()
    tables: set[tuple[int, int]] = set()
    pairs: set[tuple[int, int]] = set()
    count: dict[tuple[str, int], int] = defaultdict(int)
    for m in meetings:
        for key in (("p", m.provider, m.slot), ("s", m.supplier, m.slot)):
            if key in seen_slot:
                problems.append(f"double-booked: {key}")
            seen_slot.add(key)
        if not (0 <= m.slot < limits.slots and 1 <= m.table <= limits.tables):
            problems.append(f"outside the event: slot {m.slot}, table {m.table}")
        if (m.slot, m.table) in tables:
            problems.append(f"table taken twice: {(m.slot, m.table)}")
        tables.add((m.slot, m.table))
        if (m.provider, m.supplier) in pairs:
            problems.append(f"pair met twice: {(m.provider, m.supplier)}")
        pairs.add((m.provider, m.supplier))
        count[("p", m.provider)] += 1
        count[("s", m.supplier)] += 1
    problems += [
        f"over cap: {k}" for k, n in count.items() if n > (limits.per_provider if k[0] == "p" else limits.per_supplier)
    ]
    return problems
