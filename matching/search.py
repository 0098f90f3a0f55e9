"""Chinese search with the matcher's analysis.

The query is segmented (precise mode: 缺陷检测 stays one word) and each word widened to its synonym group;
a row must answer every word, in any of its forms (瑕疵识别 finds 缺陷检测). When no row answers them all, the
search falls back to rows answering any word or any part of one, so that a long query still finds the
closest scenarios. Rows are ranked by relevance, a word in the title counting twice as much as one in the
body, as in the matcher's field weights.

PostgreSQL keeps a stored `simple` tsvector of the segmented words (title weighted A, body D) with a GIN
index (migration matching 0005), so ranking reads it instead of parsing every hit again; elsewhere a plainer
containment count stands in."""

from __future__ import annotations

from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import Case, FloatField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from .analysis import get_analyzer

# ts_rank's weights for D, C, B, A: body words are D, title words A.
RANK_WEIGHTS = [0.5, 0.5, 0.5, 1.0]


def query_groups(query: str) -> tuple[list[list[str]], list[str]]:
    """The query's words, each as its group of interchangeable forms, and every form of every word and
    part (for the fallback)."""
    analyzer = get_analyzer()
    forms: dict[str, set[str]] = {}
    for term, canonical in analyzer.synonyms.items():
        forms.setdefault(canonical, set()).add(term)

    def group(word: str) -> list[str]:
        canonical = analyzer.canonical(word)
        return sorted({word, canonical} | forms.get(canonical, set()))

    text = query[:200]
    groups = [group(w) for w in dict.fromkeys(analyzer.words(text))]
    loose = sorted({form for w in analyzer.segment(text) for form in group(w)} | {f for g in groups for f in g})
    return groups, loose


def search(queryset: QuerySet, query: str, title_field: str) -> QuerySet:
    """Rows answering the query, annotated with `relevance` (higher is better)."""
    groups, loose = query_groups(query)
    if not groups:
        # Still annotated: the relevance ordering applies to an empty answer too.
        return queryset.annotate(relevance=Value(0.0, output_field=FloatField())).none()
    if connection.vendor == "postgresql":
        return _search_postgres(queryset, groups, loose)
    return _search_portable(queryset, groups, loose, title_field)


def _tsquery(words: list[str]) -> str:
    return " | ".join("'{}'".format(w.replace("'", "''").replace("\\", "")) for w in words)


def _search_postgres(queryset: QuerySet, groups: list[list[str]], loose: list[str]) -> QuerySet:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField

    vector = RawSQL(f'"{queryset.model._meta.db_table}"."search_vector"', [], output_field=SearchVectorField())
    strict = SearchQuery(" & ".join(f"({_tsquery(g)})" for g in groups), search_type="raw", config="simple")
    hits = queryset.annotate(search=vector).filter(search=strict)
    tsquery = strict
    if len(groups) > 1 and not hits.exists():
        tsquery = SearchQuery(_tsquery(loose), search_type="raw", config="simple")
        hits = queryset.annotate(search=vector).filter(search=tsquery)
    return hits.annotate(relevance=SearchRank(vector, tsquery, weights=RANK_WEIGHTS))


def _search_portable(queryset: QuerySet, groups: list[list[str]], loose: list[str], title_field: str) -> QuerySet:
    def any_of(words, field="search_tokens"):
        return reduce(or_, (Q(**{f"{field}__contains": w}) for w in words))

    def one_if(condition):
        return Case(When(condition, then=Value(1.0)), default=Value(0.0), output_field=FloatField())

    hits = queryset.filter(reduce(and_, (any_of(g) for g in groups)))
    used = groups
    if len(groups) > 1 and not hits.exists():
        used = [[w] for w in loose]
        hits = queryset.filter(any_of(loose))
    # A word in the title counts twice.
    relevance = sum(one_if(any_of(g)) + one_if(any_of(g, title_field)) for g in used)
    return hits.annotate(relevance=relevance)
