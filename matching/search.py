"""Chinese search with the matcher's analysis.

The query is segmented (precise mode: 缺陷检测 stays one word) and each word widened to its synonym group;
a row must answer every word, in any of its forms (瑕疵识别 finds 缺陷检测), as a search box is expected to
narrow with each word; a compound word may be answered by its parts. Rows are ranked by relevance, a word
in the title counting twice as much as one in the body, as in the matcher's field weights.

PostgreSQL keeps a stored `simple` tsvector of the segmented words (title weighted A, body D) with a GIN
index (migration matching 0005), so ranking reads it instead of parsing every hit again; elsewhere a plainer
containment count stands in. A plain public search ranks on the public search tables instead
(`public_scenario_ranking`, models PublicScenarioSearch and PublicScenarioSearchTerm)."""

from __future__ import annotations

from functools import reduce
from operator import and_, or_

from django.conf import settings
from django.db import connection
from django.db.models import Case, FloatField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.expressions import RawSQL

from .analysis import get_analyzer

# ts_rank's weights for D, C, B, A: body words are D, title words A.
RANK_WEIGHTS = [0.5, 0.5, 0.5, 1.0]


Group = list[str]  # interchangeable forms of one word (a synonym group)
Clause = list[list[Group]]  # what answers one query word: alternatives, each all of its groups


def query_clauses(query: str) -> list[Clause]:
    """What the query asks for, one clause per word. A compound may also be answered by its parts:
    跌倒检测 is found as 跌倒检测, or as 跌倒 (摔倒, 倒地 …) together with 检测."""
    # The dictionary as checked at most this long ago: one query fewer per search (README).
    analyzer = get_analyzer(max_age=settings.MATCHING["SEARCH_DICTIONARY_AGE"])
    forms = analyzer.forms

    def group(word: str) -> Group:
        canonical = analyzer.canonical(word)
        return sorted({word, canonical} | forms.get(canonical, frozenset()))

    clauses = []
    for word in dict.fromkeys(analyzer.words(query[:200])):
        parts = _parts(word, analyzer.segment(word))
        whole = group(word)
        by_parts = [group(p) for p in parts]
        # When a part is itself a form of the whole word (无人飞行器 → 无人 + 飞行器), the parts ask for more
        # than the whole does: that alternative adds no hit, only cost to every ranked row.
        clauses.append([[whole], by_parts] if len(parts) >= 2 and whole not in by_parts else [[whole]])
    return clauses


def _parts(word: str, pieces: list[str]) -> list[str]:
    """The word spelt out by its shorter pieces, end to end (交通信号 → 交通 + 信号), or nothing when they do
    not cover it: search mode also yields overlapping pieces (无人机 → 无人, 人机) that a text saying the
    compound need not contain."""
    shorter = {p for p in pieces if len(p) < len(word)}
    parts, at = [], 0
    while at < len(word):
        piece = max((p for p in shorter if word.startswith(p, at)), key=len, default=None)
        if piece is None:
            return []
        parts.append(piece)
        at += len(piece)
    return parts


def search(queryset: QuerySet, query: str, title_field: str) -> QuerySet:
    """Rows answering the query, annotated with `relevance` (higher is better)."""
    clauses = query_clauses(query)
    if not clauses:
        # Still annotated: the relevance ordering applies to an empty answer too.
        return queryset.annotate(relevance=Value(0.0, output_field=FloatField())).none()
    if connection.vendor == "postgresql":
        return _search_postgres(queryset, clauses)
    return _search_portable(queryset, clauses, title_field)


def public_scenario_ranking(query: str) -> QuerySet | None:
    """The public scenarios answering the query, ranked as `search` ranks them (relevance, then newest),
    from the public search tables (PostgreSQL), or None where they are not kept or the query has no
    searchable word. Each row names its scenario as `scenario_id`.

    One word and its synonyms (no compound split) is an OR of words, whose ts_rank is the sum of each
    word's own rank over their count: summed from PublicScenarioSearchTerm, read from a covering index.
    Anything else is ranked on PublicScenarioSearch's vectors."""
    if connection.vendor != "postgresql":
        return None
    clauses = query_clauses(query)
    if not clauses:
        return None
    from .models import PublicScenarioSearch, PublicScenarioSearchTerm

    if len(clauses) == 1 and len(clauses[0]) == 1 and len(clauses[0][0]) == 1:
        (forms,) = clauses[0][0]
        return (
            PublicScenarioSearchTerm.objects.filter(term__in=forms)
            .values("scenario_id")
            .annotate(relevance=Sum("rank"), newest=Max("published_at"))
            .order_by("-relevance", "-newest", "-scenario_id")
        )
    ranked = _search_postgres(PublicScenarioSearch.objects.all(), clauses)
    return ranked.order_by("-relevance", "-published_at", "-scenario_id")


def _search_postgres(queryset: QuerySet, clauses: list[Clause]) -> QuerySet:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField

    def either(items):
        return "(" + " | ".join(items) + ")"

    def every(items):
        return "(" + " & ".join(items) + ")"

    # The words are the analyser's ([CJK a-z0-9+#.-]): nothing in them needs quoting beyond the quotes.
    text = every(either(every(either(f"'{w}'" for w in g) for g in alt) for alt in clause) for clause in clauses)
    tsquery = SearchQuery(text, search_type="raw", config="simple")
    vector = RawSQL(f'"{queryset.model._meta.db_table}"."search_vector"', [], output_field=SearchVectorField())
    hits = queryset.annotate(search=vector).filter(search=tsquery)
    return hits.annotate(relevance=SearchRank(vector, tsquery, weights=RANK_WEIGHTS))


def _search_portable(queryset: QuerySet, clauses: list[Clause], title_field: str) -> QuerySet:
    def any_of(words, field="search_tokens"):
        return reduce(or_, (Q(**{f"{field}__contains": w}) for w in words))

    def answers(clause, field="search_tokens"):
        return reduce(or_, (reduce(and_, (any_of(g, field) for g in alt)) for alt in clause))

    def one_if(condition):
        return Case(When(condition, then=Value(1.0)), default=Value(0.0), output_field=FloatField())

    hits = queryset.filter(reduce(and_, (answers(c) for c in clauses)))
    # A word in the title counts twice.
    return hits.annotate(relevance=sum(one_if(answers(c)) + one_if(answers(c, title_field)) for c in clauses))


# A plain search: `?q=` with nothing narrowing or reordering it (paging aside).
PLAIN_SEARCH_PARAMS = frozenset({"q", "page", "page_size", "format"})


def plain_public_ranking(actor, params) -> QuerySet | None:
    """The public search table's ranking for a plain search by someone who sees public scenarios only
    (the API's list and the public site's), or None when the full filters apply."""
    from scenarios.policies import sees_only_public

    if not (params.get("q") and set(params) <= PLAIN_SEARCH_PARAMS and sees_only_public(actor)):
        return None
    return public_scenario_ranking(params["q"])
