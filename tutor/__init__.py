"""tutor: a terminal debate tutor.

Kept import-light on purpose: `tutor --help` and the TUI's first paint must not
pay for torch, sentence-transformers or faiss.
"""

__version__ = "0.1.0"
