"""Chinese text analysis shared by matching and search: jieba segmentation with a dictionary built from the
sector taxonomy and the synonym table, stop words dropped, synonyms folded onto one canonical term."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from functools import cache, cached_property
from pathlib import Path

import jieba

DATA = Path(__file__).parent / "data"
FIELD_BREAK = "|"  # separates the title from the body in stored tokens
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}|[a-z][a-z0-9+#.-]*[a-z0-9+#]|[a-z]{2,}")
_lock = threading.Lock()
_current: Analyzer | None = None
_checked_at = 0.0  # when the dictionary was last compared with the database (time.monotonic)

jieba.setLogLevel(logging.WARNING)


@cache
def stopwords() -> frozenset[str]:
    words = set()
    for line in (DATA / "stopwords.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


CONCEPT_MARK = "~"  # a concept's token: never a word of any text, so never shown as a shared word


def default_concepts() -> list[tuple[str, str, list[str]]]:
    """The seed lexicon (matching/data/concepts.txt) as (scope, name, words); scope "*" for any sector."""
    out = []
    for line in (DATA / "concepts.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or ":" not in line:
            continue
        head, _sep, words = line.partition(":")
        scope, _space, name = head.strip().partition(" ")
        out.append((scope, name.strip() or scope, words.split()))
    return out


def concept_lexicon_of(concepts) -> dict[str, tuple[str, ...]]:
    """Each word, lower-cased, with the concept tokens it names (a word may name a technique and a domain)."""
    lexicon: dict[str, list[str]] = {}
    for name, words in concepts:
        token = f"{CONCEPT_MARK}{name}"
        for word in words:
            named = lexicon.setdefault(word.lower(), [])
            if token not in named:
                named.append(token)
    return {word: tuple(tokens) for word, tokens in lexicon.items()}


def default_synonym_groups() -> list[list[str]]:
    lines = (DATA / "synonyms.txt").read_text(encoding="utf-8").splitlines()
    return [line.split() for line in lines if line.strip() and not line.startswith("#")]


class Analyzer:
    """Segments text into the words a match or a search can share. Build one per dictionary version."""

    def __init__(self, synonyms: dict[str, str], dictionary: list[str], version: str, lexicon: dict | None = None):
        self.synonyms = synonyms
        self.lexicon = lexicon or {}
        self.version = version
        self.stamp: tuple | None = None
        self._stop = stopwords()
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        for word in sorted(set(dictionary) | set(synonyms)):
            if len(word) >= 2:
                self._tokenizer.add_word(word)

    def segment(self, text: str) -> list[str]:
        """The words of a text as stored (before synonyms are folded): search mode, so that a compound
        such as 缺陷检测 also yields 缺陷 and 检测 and a partial match still counts."""
        return self._kept(self._tokenizer.cut_for_search((text or "").lower()))

    def words(self, text: str) -> list[str]:
        """The words of a query: precise mode, so that 缺陷检测 is one word to look for, not three."""
        return self._kept(self._tokenizer.cut((text or "").lower()))

    def _kept(self, pieces) -> list[str]:
        """Pieces that are words: no stop words, no punctuation, digits or single characters."""
        return [p for p in (piece.strip() for piece in pieces) if p not in self._stop and _WORD.fullmatch(p)]

    def canonical(self, word: str) -> str:
        return self.synonyms.get(word, word)

    def concepts(self, terms) -> list[str]:
        """The concepts the terms name, each once, in the order first named."""
        lexicon = self.lexicon
        found: dict[str, None] = {}
        for term in terms:
            for token in lexicon.get(term, ()):
                found[token] = None
        return list(found)

    @cached_property
    def forms(self) -> dict[str, frozenset[str]]:
        """Every synonym group by its canonical term: what a search for any of its terms also finds."""
        groups: dict[str, set[str]] = {}
        for term, canonical in self.synonyms.items():
            groups.setdefault(canonical, set()).add(term)
        return {canonical: frozenset(terms) for canonical, terms in groups.items()}

    def terms(self, text: str) -> list[str]:
        return [self.canonical(w) for w in self.segment(text)]

    def tag_terms(self, tag: str) -> list[str]:
        """A capability tag counts whole (as the supplier wrote it) and by its parts."""
        whole = tag.strip().lower()
        parts = self.segment(whole)
        return [self.canonical(w) for w in ([whole] if whole not in parts and len(whole) >= 2 else []) + parts]


_LEGAL_FORM = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团)$")


def without_names(text: str, names) -> str:
    """The text without the organisation's own name, whole or without its legal form: a supplier called
    成都康健医疗科技 says nothing about healthcare each time its copy repeats its name ("boilerplate")."""
    for name in names:
        name = (name or "").strip()
        # The whole name before its short form: taking the short form out first would leave 有限公司 behind.
        for form in dict.fromkeys([name, _LEGAL_FORM.sub("", name)]):
            if len(form) >= 4:
                text = text.replace(form, " ")
    return text


def stored_tokens(analyzer: Analyzer, title: str, *body: str, names=()) -> str:
    """Title and body segmented for storage, the owner's name (`names`) left out of both."""
    body_text = "\n".join(b for b in body if b)
    if names:
        title, body_text = without_names(title or "", names), without_names(body_text, names)
    return " ".join([*analyzer.segment(title), FIELD_BREAK, *analyzer.segment(body_text)])


def split_stored(tokens: str | None) -> tuple[list[str], list[str]]:
    title, _sep, body = (tokens or "").partition(FIELD_BREAK)
    return title.split(), body.split()


def dictionary_stamp_sql() -> list[str]:
    """A cheap fingerprint of the dictionary's sources, as sub-selects (asked together with other stamps in one
    query): it changes when a synonym is added, edited or removed, or a sector or capability tag is added or
    removed."""
    from marketplace.models import Capability, Sector

    from .models import Concept, Synonym

    synonym, sector, capability, concept = (m._meta.db_table for m in (Synonym, Sector, Capability, Concept))
    return [
        f"(SELECT COUNT(*) FROM {concept})",
        f"(SELECT MAX(updated_at) FROM {concept})",
        f"(SELECT COUNT(*) FROM {synonym})",
        f"(SELECT MAX(updated_at) FROM {synonym})",
        f"(SELECT COUNT(*) FROM {sector})",
        f"(SELECT MAX(id) FROM {sector})",
        f"(SELECT COUNT(*) FROM {capability})",
        f"(SELECT MAX(id) FROM {capability})",
    ]


def _dictionary_stamp() -> tuple:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(dictionary_stamp_sql()))
        return tuple(cursor.fetchone())


def _lexicon() -> dict[str, tuple[str, ...]]:
    from .models import Concept

    return concept_lexicon_of((c.name, c.word_list) for c in Concept.objects.only("name", "words"))


def _dictionary() -> tuple[dict[str, str], list[str]]:
    """The synonym table, and the words jieba must know: the taxonomy's sector names (the part after
    "AI+") and the suppliers' capability tags, lower-cased as the text is."""
    from marketplace.models import Capability, Sector

    from .models import Synonym

    # Text is lower-cased before it is cut, so a synonym written LLM must be looked up as llm.
    synonyms = {term.lower(): canonical.lower() for term, canonical in Synonym.objects.values_list("term", "canonical")}
    words = [name.split("+")[-1] for name in Sector.objects.values_list("name", flat=True)]
    words += [
        tag.lower() for tag in Capability.objects.values_list("name", flat=True) if not any(c.isspace() for c in tag)
    ]
    return synonyms, words


def checked_analyzer() -> Analyzer:
    """The analyzer `get_analyzer` last checked against the database (for a caller that has just asked it, as
    the matcher's stamps do): no query."""
    return _current or get_analyzer()


def forget_checked() -> None:
    """The next `get_analyzer(max_age=…)` asks the database again (after this process changed the dictionary)."""
    global _checked_at
    _checked_at = 0.0


def get_analyzer(stamp: tuple | None = None, max_age: float = 0.0) -> Analyzer:
    """The analyzer for the dictionary as it is in the database now (rebuilt when the link office changes the
    synonyms, the taxonomy or the capability tags; the check is one small query, or none when the caller read
    `dictionary_stamp_sql` with its own)."""
    global _current, _checked_at
    if max_age and _current is not None and time.monotonic() - _checked_at < max_age:
        return _current  # a search may use a dictionary checked a moment ago (another process's edit: ≤ max_age late)
    stamp = tuple(stamp) if stamp is not None else _dictionary_stamp()
    with _lock:
        if _current is None or _current.stamp != stamp:
            synonyms, words = _dictionary()
            lexicon = _lexicon()
            digest = hashlib.sha1(
                repr((sorted(synonyms.items()), sorted(words), sorted(lexicon.items()))).encode()
            ).hexdigest()[:12]
            if _current is None or _current.version != digest:
                _current = Analyzer(synonyms, words, digest, lexicon)
            _current.stamp = stamp
        _checked_at = time.monotonic()
        return _current
