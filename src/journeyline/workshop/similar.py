"""Notes that say the same thing: suggestions to group or merge them, computed on the server.

Nothing leaves the machine: each note's text is weighed as TF-IDF over character 3- to
5-grams within words (so "checkout" and "check-out", "slow" and "slowly" meet), and
notes whose cosine similarity reaches `THRESHOLD` are joined; each connected set of two
or more notes is one suggestion.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

THRESHOLD = 0.5
"""The cosine similarity (0–1) from which two notes count as saying the same thing."""

MAX_NOTES = 2000
"""Notes compared at most (the newest); a workshop rarely holds a tenth of this."""


@dataclass(frozen=True)
class Suggestion:
    """Notes that say the same thing, with how alike the closest pair is and a label."""

    id: str
    notes: tuple[str, ...]
    similarity: float
    label: str

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "notes": list(self.notes),
            "similarity": round(self.similarity, 3),
            "label": self.label,
        }


def suggestion_id(note_ids: list[str] | tuple[str, ...]) -> str:
    """A stable id for a set of notes (the same set gives the same id on every read)."""
    digest = hashlib.sha256("\n".join(sorted(note_ids)).encode("utf-8")).hexdigest()
    return "sg_" + digest[:16]


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


def similar_notes(
    notes: list[tuple[str, str]],
    *,
    threshold: float = THRESHOLD,
    ignored: frozenset[str] = frozenset(),
) -> list[Suggestion]:
    """The suggestions for `notes` ((id, text) pairs), the most alike first; ids in
    `ignored` (suggestions a person ignored) are left out."""
    original = dict(notes)
    items = [(note_id, _clean(text)) for note_id, text in notes[-MAX_NOTES:] if _clean(text)]
    if len(items) < 2:
        return []
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    try:
        matrix = vectoriser.fit_transform([text for _, text in items])
    except ValueError:  # only texts too short for a 3-gram
        return []
    scores = cosine_similarity(matrix)
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    best: dict[int, float] = {}
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            score = float(scores[i, j])
            if score >= threshold:
                a, b = root(i), root(j)
                if a != b:
                    parent[b] = a
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if root(i) == root(j):
                r = root(i)
                best[r] = max(best.get(r, 0.0), float(scores[i, j]))
    clusters: dict[int, list[int]] = {}
    for i in range(len(items)):
        clusters.setdefault(root(i), []).append(i)
    out: list[Suggestion] = []
    for r, members in clusters.items():
        if len(members) < 2:
            continue
        ids = tuple(items[i][0] for i in members)
        sid = suggestion_id(ids)
        if sid in ignored:
            continue
        label = min((original[note_id].strip() for note_id in ids), key=len)
        out.append(Suggestion(sid, ids, min(1.0, best.get(r, threshold)), label[:200]))
    out.sort(key=lambda s: (-s.similarity, s.notes))
    return out
