"""BM25 over passage texts: the lexical half of a hybrid ranking.

Dense embeddings find the topic; shared rare words (TikTok, Mongols, BTS,
quotas) find the specific claim. An inverted index keeps a query's cost to
the postings of its own words, so large corpora stay fast.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

import numpy as np

_TOKEN = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be been being it its this that these "
    "those i you he she we they me him her us them my your his our their not no so do does did have has had will would "
    "can could should just than then there here what which who whom why how all any some more most very too also only "
    "about into over after before again up down out off own same such s t don doesn isn aren wasn weren".split()
)


def tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOP and len(t) > 1]


class BM25:
    def __init__(self, texts: list[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.size = len(texts)
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths = np.zeros(len(texts))
        for row, text in enumerate(texts):
            counts = Counter(tokens(text))
            lengths[row] = sum(counts.values())
            for term, count in counts.items():
                self.postings[term].append((row, count))
        self.norm = k1 * (1 - b + b * lengths / max(lengths.mean(), 1.0))
        self.idf = {
            term: math.log(1 + (self.size - len(rows) + 0.5) / (len(rows) + 0.5)) for term, rows in self.postings.items()
        }

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(self.size)
        for term in set(tokens(query)):
            idf = self.idf.get(term)
            if idf is None:
                continue
            for row, count in self.postings[term]:
                out[row] += idf * count * (self.k1 + 1) / (count + self.norm[row])
        return out
