"""Changes the matcher makes: a scenario's ranking replaced as one set, recorded full re-matches split into
chunks that any worker may run (done chunks are skipped, so a killed job is simply run again), and the
parties' feedback."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial

import numpy as np
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.errors import DomainError, NotFound, PermissionDenied, full_clean_or_refuse
from marketplace.models import Product
from marketplace.selectors import actor_for
from outbox import services as outbox
from scenarios.models import Agreement, Scenario
from scenarios.policies import is_insider, scenario_is_visible_to

from .analysis import checked_analyzer, dictionary_stamp_sql, get_analyzer
from .choices import FeedbackVerdict, RunKind, RunStatus
from .engine import COMPONENTS, Precedents, ProductIndex, Ranked, rank
from .market import counted_marks, load_index, load_precedents, matchable_scenarios, scenario_docs
from .models import Match, MatchFeedback, MatchRun, MatchRunChunk, Synonym

_index_lock = threading.Lock()
_index: tuple[tuple, ProductIndex] | None = None


def engine_version() -> str:
    return settings.MATCHING["ENGINE_VERSION"]


# --- the product index, kept warm per worker process ---------------------------------------------------
_precedents: tuple[tuple, Precedents] | None = None


def _stamps() -> tuple[tuple, tuple]:
    """What the index and the precedents were built from, in one query of index lookups and small counts: the
    latest product change (a product service always saves the product, also when only its tags or sectors
    changed), the newest product and the newest agreement (suppliers' records), and the dictionary; for the
    precedents also the marks and the agreements' scenarios. A deleted product is caught when writing."""
    product, agreement, scenario, feedback = (m._meta.db_table for m in (Product, Agreement, Scenario, MatchFeedback))
    parts = [
        f"(SELECT MAX(updated_at) FROM {product})",
        f"(SELECT MAX(id) FROM {product})",
        f"(SELECT MAX(id) FROM {agreement})",
        f"(SELECT COUNT(*) FROM {agreement})",
        f"(SELECT MAX(s.updated_at) FROM {agreement} a JOIN {scenario} s ON s.id = a.scenario_id)",
        f"(SELECT COUNT(*) FROM {feedback})",
        f"(SELECT MAX(created_at) FROM {feedback})",
        *dictionary_stamp_sql(),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    analyzer = get_analyzer(stamp=row[7:])
    index_stamp = (row[0], row[1], row[2], analyzer.version)
    return index_stamp, (*index_stamp, *row[3:7])


def _current(*, precedents: bool) -> tuple[ProductIndex, Precedents | None]:
    global _index, _precedents
    index_stamp, precedent_stamp = _stamps()
    with _index_lock:
        if _index is None or _index[0] != index_stamp:
            _index = (index_stamp, load_index())
        index = _index[1]
        if not precedents:
            return index, None
        key = (precedent_stamp, id(index))
        if _precedents is None or _precedents[0] != key:
            _precedents = (key, load_precedents(index))
        return index, _precedents[1]


def current_index() -> ProductIndex:
    """The index of all active products, rebuilt only when a product or the dictionary changed."""
    return _current(precedents=False)[0]


def current_market() -> tuple[ProductIndex, Precedents]:
    """The index and what every scenario's outcomes say (the precedents rebuilt only when a mark or an
    agreement changed)."""
    return _current(precedents=True)


def forget_index() -> None:
    global _index, _precedents
    with _index_lock:
        _index = _precedents = None


# --- writing results -------------------------------------------------------------------------------------
def feedback_for(scenario_ids: list[int], precedents: Precedents | None = None) -> dict[int, dict[int, float]]:
    """The counted marks of these scenarios (from the warm precedents when given)."""
    if precedents is not None:
        return {sid: precedents.marks[sid] for sid in scenario_ids if sid in precedents.marks}
    return counted_marks(scenario_ids)


# Components as JSON text straight from their floats (a json.dumps per match costs more than ranking it).
_COMPONENTS_JSON = "{" + ", ".join(f'"{name}": %r' for name in COMPONENTS) + "}"


def _rows(index: ProductIndex, ranked: list[Ranked], run_id: int | None, now) -> Iterator[tuple]:
    version = engine_version()
    for r in ranked:
        product_ids = index.product_ids[r.positions].tolist()
        supplier_ids = index.supplier_ids[r.positions].tolist()
        for n, (pid, sid, score, components, terms) in enumerate(
            zip(product_ids, supplier_ids, r.scores, r.components, r.terms, strict=True)
        ):
            yield (
                r.scenario_id,
                pid,
                sid,
                n + 1,
                score,
                _COMPONENTS_JSON % tuple(components),
                json.dumps(terms, ensure_ascii=False),
                version,
                run_id,
                now,
            )


COLUMNS = [
    "scenario_id",
    "product_id",
    "supplier_id",
    "rank",
    "score",
    "components",
    "terms",
    "engine_version",
    "run_id",
    "computed_at",
]


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(rows: Iterator[tuple]) -> Iterator[str]:
    """COPY's text format. Every column is a number, a timestamp or the engine version except the terms,
    whose JSON is escaped for COPY (the analyser's words never need it, but a reader should not have to
    know that)."""
    texts: dict = {}  # the run id, version and time repeat on every row: render them once
    for scenario_id, pid, sid, n, score, components, terms, *same in rows:
        key = tuple(same)
        tail = texts.get(key)
        if tail is None:
            tail = texts[key] = "\t".join("\\N" if v is None else str(v) for v in same) + "\n"
        if "\\" in terms or "\t" in terms or "\n" in terms or "\r" in terms:
            terms = terms.translate(_COPY_ESCAPES)
        yield f"{scenario_id}\t{pid}\t{sid}\t{n}\t{score!r}\t{components}\t{terms}\t{tail}"


def write_results(index: ProductIndex, ranked: list[Ranked], run_id: int | None = None) -> int:
    """Replace the rankings of these scenarios. Call inside a transaction: readers see the old set or the
    new one, never a mixture."""
    scenario_ids = [int(r.scenario_id) for r in ranked]
    rows = _rows(index, ranked, run_id, timezone.now())
    if connection.vendor != "postgresql":
        Match.objects.filter(scenario_id__in=scenario_ids).delete()
        matches = [
            Match(
                **{c: (json.loads(v) if c in ("components", "terms") else v) for c, v in zip(COLUMNS, row, strict=True)}
            )
            for row in rows
        ]
        Match.objects.bulk_create(matches, batch_size=1000)
        connection.check_constraints(table_names=[Match._meta.db_table])  # as PostgreSQL's immediate check below
        return len(matches)
    written = 0
    if not scenario_ids:
        return 0
    with connection.cursor() as cursor:
        # Checked as the rows go in, not at commit: a product deleted since the index was built then fails
        # this statement, inside the caller's transaction or savepoint, which can retry with a fresh index.
        # One round trip with the delete (the ids are integers, written in; no parameters, so both statements
        # go as one simple query).
        listed = ", ".join(str(i) for i in scenario_ids)
        cursor.execute(
            f"SET CONSTRAINTS ALL IMMEDIATE; DELETE FROM {Match._meta.db_table} WHERE scenario_id IN ({listed})"
        )
    copy_sql = f"COPY matching_match ({', '.join(COLUMNS)}) FROM STDIN"
    # COPY goes to psycopg directly; Django's wrapper turns its errors into django.db ones (IntegrityError).
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
        buffer = []
        for line in _copy_text(rows):
            buffer.append(line)
            if len(buffer) == 5000:
                copy.write("".join(buffer))
                written += len(buffer)
                buffer = []
        copy.write("".join(buffer))
        written += len(buffer)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are all initially deferred
    return written


def _retry_with_fresh_index(work: Callable[[ProductIndex, Precedents], int | None]) -> int | None:
    """Run `work` with the warm index and precedents; when the database refuses its rows because a product or
    scenario was deleted since the index was built (a foreign key), drop the index and do the work once more."""
    try:
        return work(*current_market())
    except IntegrityError:
        forget_index()
        return work(*current_market())


def rematch_scenarios(scenario_ids: list[int], *, run: MatchRun | None = None) -> int:
    """Re-rank these scenarios now (those no longer open lose their matches)."""

    def work(index: ProductIndex, precedents: Precedents) -> int:
        # The dictionary was checked with the market's stamps a moment ago.
        docs = scenario_docs(matchable_scenarios().filter(pk__in=scenario_ids), checked_analyzer())
        open_ids = [d.id for d in docs]
        ranked = rank(index, docs, feedback=feedback_for(open_ids, precedents), precedents=precedents)
        with transaction.atomic():
            Match.objects.filter(scenario_id__in=set(scenario_ids) - set(open_ids)).delete()
            return write_results(index, ranked, run.pk if run else None)

    return _retry_with_fresh_index(work)


def scenarios_for_product(product_id: int) -> list[int]:
    """The open scenarios whose ranking a change to this product may alter: those it shares searchable
    terms with, and those it is ranked in now."""
    index = current_index()
    already = set(Match.objects.filter(product_id=product_id).values_list("scenario_id", flat=True))
    position = int(np.searchsorted(index.product_ids, product_id))  # the index is in id order
    if position >= len(index.product_ids) or index.product_ids[position] != product_id:
        return sorted(already)
    docs = scenario_docs(matchable_scenarios())
    if not docs:
        return sorted(already)
    column = index.weights_t[:, position].T  # the product's term weights as one row
    hits = (index.query_vectors(docs) @ column.T).toarray().ravel()
    return sorted(already | {docs[n].id for n in hits.nonzero()[0]})


# --- recorded jobs -----------------------------------------------------------------------------------------
def full_rematch_start(*, chunk_size: int | None = None, enqueue: bool = True) -> MatchRun:
    """Record a full re-match and its chunks; the chunks are enqueued once this is committed."""
    size = chunk_size or settings.MATCHING["CHUNK_SCENARIOS"]
    ids = list(matchable_scenarios().order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        run = MatchRun.objects.create(
            kind=RunKind.FULL, engine_version=engine_version(), scenarios_total=len(ids), chunks_total=0
        )
        chunks = [
            MatchRunChunk(run=run, number=n, first_scenario_id=part[0], last_scenario_id=part[-1])
            for n, part in enumerate(ids[i : i + size] for i in range(0, len(ids), size))
        ]
        MatchRunChunk.objects.bulk_create(chunks)
        MatchRun.objects.filter(pk=run.pk).update(chunks_total=len(chunks))
        if not chunks:
            _finish(run.pk)
        elif enqueue:
            outbox.enqueue("matching.tasks.enqueue_chunks", run.pk)
    run.refresh_from_db()
    return run


def run_chunk(run_id: int, number: int) -> int:
    """Rank one chunk and store it with the chunk's completion, in one transaction. A done chunk is skipped."""
    chunk = MatchRunChunk.objects.filter(run_id=run_id, number=number, done_at__isnull=True).first()
    if chunk is None:
        return 0
    MatchRun.objects.filter(pk=run_id, started_at__isnull=True).update(
        started_at=timezone.now(), status=RunStatus.RUNNING
    )
    written = _retry_with_fresh_index(partial(_rank_chunk, chunk))
    if written is None:  # another worker finished it meanwhile
        return 0
    if not MatchRunChunk.objects.filter(run_id=run_id, done_at__isnull=True).exists():
        _finish(run_id)
    return written


def _compute_chunk(chunk: MatchRunChunk, index: ProductIndex, precedents: Precedents) -> tuple[list, list, float]:
    started = time.perf_counter()
    scenarios = matchable_scenarios().filter(pk__range=(chunk.first_scenario_id, chunk.last_scenario_id))
    docs = scenario_docs(scenarios)
    ranked = rank(index, docs, feedback=feedback_for([d.id for d in docs], precedents), precedents=precedents)
    return docs, ranked, time.perf_counter() - started


def _store_chunk(chunk: MatchRunChunk, index: ProductIndex, docs, ranked, compute_s: float) -> int | None:
    """Write a chunk's rankings with its completion, in one transaction (None: another worker did it)."""
    started = time.perf_counter()
    with transaction.atomic():
        locked = MatchRunChunk.objects.select_for_update().filter(pk=chunk.pk, done_at__isnull=True).first()
        if locked is None:
            return None
        written = write_results(index, ranked, chunk.run_id)
        locked.done_at = timezone.now()
        locked.save(update_fields=["done_at"])
        MatchRun.objects.filter(pk=chunk.run_id).update(
            chunks_done=F("chunks_done") + 1,
            scenarios_done=F("scenarios_done") + len(docs),
            matches_written=F("matches_written") + written,
            compute_s=F("compute_s") + compute_s,
            write_s=F("write_s") + (time.perf_counter() - started),
        )
    return written


def _rank_chunk(chunk: MatchRunChunk, index: ProductIndex, precedents: Precedents) -> int | None:
    return _store_chunk(chunk, index, *_compute_chunk(chunk, index, precedents))


def run_chunks_overlapped(run_id: int, numbers: list[int]) -> int:
    """Run these chunks in one process with the ranking of the next chunk overlapping the writing of this one
    (a second thread, its own database connection): the database indexes one chunk's rows while Python ranks
    the next. Each chunk is still stored with its completion in one transaction, so a killed run resumes as
    before. Inside a transaction (tests) the other thread could not see the caller's rows: one after another."""
    from concurrent.futures import ThreadPoolExecutor

    if connection.in_atomic_block or connection.vendor != "postgresql":
        return sum(run_chunk(run_id, n) for n in numbers)
    chunks = {c.number: c for c in MatchRunChunk.objects.filter(run_id=run_id, number__in=numbers, done_at=None)}
    order = [n for n in numbers if n in chunks]
    if not order:
        return 0
    MatchRun.objects.filter(pk=run_id, started_at__isnull=True).update(
        started_at=timezone.now(), status=RunStatus.RUNNING
    )
    index, precedents = current_market()

    def compute(number):
        try:
            return _compute_chunk(chunks[number], index, precedents)
        finally:
            connection.close()  # this thread's own connection

    written = 0
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(compute, order[0])
        for at, number in enumerate(order):
            docs, ranked, compute_s = pending.result()
            if at + 1 < len(order):
                pending = pool.submit(compute, order[at + 1])
            try:
                written += _store_chunk(chunks[number], index, docs, ranked, compute_s) or 0
            except IntegrityError:  # a product deleted since the index was built: this chunk afresh
                forget_index()
                written += run_chunk(run_id, number)
    if not MatchRunChunk.objects.filter(run_id=run_id, done_at__isnull=True).exists():
        _finish(run_id)
    return written


def _finish(run_id: int) -> None:
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        if run.status == RunStatus.DONE:
            return
        # Scenarios that closed or were signed since keep no recommendations.
        Match.objects.exclude(scenario__in=matchable_scenarios()).delete()
        now = timezone.now()
        run.status, run.finished_at = RunStatus.DONE, now
        run.started_at = run.started_at or now
        run.save(update_fields=["status", "finished_at", "started_at"])


def pending_chunks(run_id: int) -> list[int]:
    return list(
        MatchRunChunk.objects.filter(run_id=run_id, done_at__isnull=True)
        .order_by("number")
        .values_list("number", flat=True)
    )


# --- feedback ---------------------------------------------------------------------------------------------------
def feedback_record(*, actor_user, scenario_id: int, product_id: int, verdict: str, comment: str = "") -> MatchFeedback:
    """The scenario's provider or the product's supplier marks a recommendation (once; marking again
    replaces the mark)."""
    actor = actor_for(actor_user)
    scenario = Scenario.objects.filter(pk=scenario_id).first()
    if scenario is None or not scenario_is_visible_to(actor, scenario):
        raise NotFound("not_found", _("场景不存在。"))
    match = Match.objects.filter(scenario_id=scenario_id, product_id=product_id).first()
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        raise NotFound("not_found", _("产品不存在。"))
    counts = is_insider(actor, scenario)  # the provider, its city staff, the link office: their marks rank
    if not (counts or actor.organization_id == product.supplier_id):
        raise PermissionDenied("not_allowed", _("只有场景提供方、所在市州、链长办和产品提供方可以评价推荐结果。"))
    if verdict not in FeedbackVerdict.values:
        raise DomainError("invalid", _("评价无效。"), fields={"verdict": [_("评价无效。")]})
    with transaction.atomic():
        feedback, _created = MatchFeedback.objects.update_or_create(
            scenario_id=scenario_id,
            product_id=product_id,
            organization_id=actor.organization_id,
            defaults={
                "verdict": verdict,
                "comment": comment,
                "author": actor_user,
                "rank_seen": match.rank if match else None,
            },
        )
        audit_record(
            action="matching.feedback.recorded",
            actor_user=actor_user,
            obj=feedback,
            changes={"verdict": [None, verdict]},
            region_id=scenario.region_id,
        )
        if counts:
            # Re-ranked once this commits: "not useful" takes the product off the list now, not tonight.
            outbox.enqueue("matching.tasks.match_scenario", scenario_id)
    return feedback


# --- synonyms -----------------------------------------------------------------------------------------------------
def synonym_save(*, actor_user, term: str, canonical: str, synonym_id: int | None = None) -> Synonym:
    """The link office adds a term to a synonym group, or moves it to another (the analyser picks the change
    up on its next use: the market's stamp includes the synonyms)."""
    if not actor_for(actor_user).is_link_office:
        raise PermissionDenied("not_allowed", _("只有链长办可以维护同义词。"))
    with transaction.atomic():
        synonym = Synonym.objects.select_for_update().filter(pk=synonym_id).first() if synonym_id else Synonym()
        if synonym is None:
            raise NotFound("not_found", _("同义词不存在。"))
        before = {"term": synonym.term, "canonical": synonym.canonical}
        synonym.term, synonym.canonical = term.strip(), canonical.strip()
        full_clean_or_refuse(synonym)
        synonym.save()
        audit_record(
            action="matching.synonym.saved",
            actor_user=actor_user,
            obj=synonym,
            changes={k: [before[k] or None, getattr(synonym, k)] for k in before if before[k] != getattr(synonym, k)},
        )
    return synonym


# --- the concept lexicon --------------------------------------------------------------------------------------------
def concept_save(*, actor_user, name: str, words: str, sector_id: int | None = None, concept_id: int | None = None):
    """The link office adds a concept to the lexicon or changes its words (picked up, like the synonyms, on the
    analyser's next use: the dictionary's stamp includes the lexicon, and the index is rebuilt with it)."""
    from .models import Concept, split_words

    if not actor_for(actor_user).is_link_office:
        raise PermissionDenied("not_allowed", _("只有链长办可以维护概念词表。"))
    with transaction.atomic():
        concept = Concept.objects.select_for_update().filter(pk=concept_id).first() if concept_id else Concept()
        if concept is None:
            raise NotFound("not_found", _("概念不存在。"))
        before = {"name": concept.name, "words": concept.words, "sector_id": concept.sector_id}
        concept.name, concept.sector_id = name.strip(), sector_id
        concept.words = " ".join(split_words(words))
        full_clean_or_refuse(concept)
        concept.save()
        audit_record(
            action="matching.concept.saved",
            actor_user=actor_user,
            obj=concept,
            changes={k: [before[k] or None, getattr(concept, k)] for k in before if before[k] != getattr(concept, k)},
        )
    return concept
