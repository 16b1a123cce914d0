"""Okapi BM25 between a problem description and short documents (past jobs' descriptions).

Hand-written (a few dozen lines, no index to keep): the corpus is the candidates' recent
completed jobs, a few hundred short texts at most, scored per request.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence

K1 = 1.2
B = 0.75
WORD = re.compile(r"[^\W_]+")
_STOP = """a an and are as at be but by customer for from has have in is it its my of on or our
please the their there this to was were will with not no does doesn won isn"""
STOPWORDS = frozenset(_STOP.split())


def stem(word: str) -> str:
    """A light English stemmer: enough to match "leaks", "leaking" and "leaked"."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    words = (w.lower() for w in WORD.findall(text))
    return [stem(w) for w in words if w not in STOPWORDS and len(w) > 1]


def bm25_scores(query: str, documents: Mapping[int, str]) -> dict[int, float]:
    """BM25 score of `query` against each document (by id); 0 for no shared term."""
    docs = {doc_id: Counter(terms(text)) for doc_id, text in documents.items()}
    if not docs:
        return {}
    average = sum(sum(c.values()) for c in docs.values()) / len(docs) or 1.0
    n = len(docs)
    scores: dict[int, float] = {}
    wanted = set(terms(query))
    frequency = {t: sum(1 for c in docs.values() if t in c) for t in wanted}
    for doc_id, counts in docs.items():
        length = sum(counts.values())
        score = 0.0
        for t in wanted:
            tf = counts.get(t, 0)
            if not tf:
                continue
            idf = math.log(1 + (n - frequency[t] + 0.5) / (frequency[t] + 0.5))
            score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
        scores[doc_id] = score
    return scores


def relevance_by_owner(
    query: str, owned: Mapping[int, Sequence[tuple[int, str]]], top: int = 10
) -> dict[int, tuple[float, tuple[int, ...]]]:
    """Per owner (technician): the mean of their `top` best BM25 scores among their documents
    (past jobs), scaled so the best owner has 1, and the ids of those documents (best first).
    Owners with no matching document are left out."""
    documents = {doc_id: text for docs in owned.values() for doc_id, text in docs}
    scores = bm25_scores(query, documents)
    raw: dict[int, tuple[float, tuple[int, ...]]] = {}
    for owner, docs in owned.items():
        ranked = sorted(((scores.get(d, 0.0), d) for d, _ in docs), key=lambda x: (-x[0], x[1]))
        best = [(s, d) for s, d in ranked[:top] if s > 0]
        if best:
            raw[owner] = (sum(s for s, _ in best) / top, tuple(d for _, d in best))
    peak = max((s for s, _ in raw.values()), default=0.0)
    if peak <= 0:
        return {}
    return {owner: (round(s / peak, 3), ids) for owner, (s, ids) in raw.items()}
