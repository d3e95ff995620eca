"""The embedder: bundled model, normalised vectors, span vectors from one pass."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.e2e


def test_vectors_are_normalised_and_deterministic(real_embedder):
    texts = ["Soft power is real.", "Hard power is all that matters.", ""]
    first = real_embedder.encode(texts)
    assert first.shape == (3, 384) and first.dtype == np.float32
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert np.allclose(first, real_embedder.encode(texts), atol=1e-6)


def test_span_vectors_come_from_the_same_forward_pass(real_embedder):
    text = "Soft power comes from hard power. It is a facade! Only armies count."
    spans = [(0, 33), (34, 49), (50, len(text))]
    vectors, span_vectors = real_embedder.encode_with_spans([text, "One more."], [spans, []])
    assert np.allclose(vectors, real_embedder.encode([text, "One more."]), atol=1e-5)
    assert span_vectors[0].shape == (3, 384) and span_vectors[1].shape == (0, 384)
    assert np.allclose(np.linalg.norm(span_vectors[0], axis=1), 1.0, atol=1e-5)
    alone = real_embedder.encode([text[s:e] for s, e in spans])
    # Each sentence read in its passage is nearest to itself read alone (context
    # shifts short sentences most: "It is a facade!" keeps only 0.56).
    similarity = alone @ span_vectors[0].T
    assert (similarity.argmax(axis=0) == np.arange(3)).all()


def test_a_span_past_the_token_limit_is_encoded_alone(real_embedder):
    text = "word " * 400 + "The last sentence is far beyond the limit."
    start = text.index("The last")
    _, span_vectors = real_embedder.encode_with_spans([text], [[(start, len(text))]])
    alone = real_embedder.encode([text[start:]])[0]
    assert np.allclose(span_vectors[0][0], alone, atol=1e-5)
