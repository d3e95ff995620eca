"""The Textual shell of the tutor: a thin UI over `tutor.api` and `tutor.session`.

Import-light on purpose: nothing here imports torch, sentence-transformers,
faiss or `tutor.api` at module level, so the first screen paints at once; the
model and index load in a thread worker.
"""
