"""The corpus: documents, their passages, and the hand-made annotations on them."""

from tutor.corpus.model import Document, Occurrence, Passage
from tutor.corpus.loader import Corpus, open_corpus

__all__ = ["Corpus", "Document", "Occurrence", "Passage", "open_corpus"]
