"""Chinese search with the matcher's analysis: the query is segmented, each word widened to its synonym
group, and rows ranked by how well their stored tokens answer it (PostgreSQL: a `simple` tsvector over the
tokens with a GIN index; elsewhere a plainer containment count)."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Case, FloatField, Q, QuerySet, Value, When

from .analysis import get_analyzer


def expand(query: str) -> list[str]:
    analyzer = get_analyzer()
    groups: dict[str, set[str]] = {}
    for term, canonical in analyzer.synonyms.items():
        groups.setdefault(canonical, set()).add(term)
    words: set[str] = set()
    for word in analyzer.segment(query[:200]):
        canonical = analyzer.canonical(word)
        words |= {word, canonical} | groups.get(canonical, set())
    return sorted(words)


def search(queryset: QuerySet, query: str, title_field: str) -> QuerySet:
    """Rows answering the query, annotated with `relevance` (higher is better)."""
    words = expand(query)
    if not words:
        # Still annotated: the relevance ordering applies to an empty answer too.
        return queryset.annotate(relevance=Value(0.0, output_field=FloatField())).none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("search_tokens", config="simple")
        tsquery = SearchQuery(" | ".join(f"'{w}'" for w in words), search_type="raw", config="simple")
        return queryset.annotate(search=vector, relevance=SearchRank(vector, tsquery)).filter(search=tsquery)
    hits = [Q(search_tokens__contains=w) for w in words]
    # A word in the title counts twice, as in the matcher's field weights.
    in_title = [Q(**{f"{title_field}__contains": w}) for w in words]
    relevance = sum(
        Case(When(hit, then=Value(1.0)), default=Value(0.0), output_field=FloatField()) for hit in hits + in_title
    )
    return queryset.filter(reduce(or_, hits)).annotate(relevance=relevance)
