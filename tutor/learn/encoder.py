"""The bundled MiniLM as a transformer we can split: a frozen bottom, fine-tuned top layers.

The learned models (fallacy checker, argument relation) fine-tune only the top
layers of all-MiniLM-L6-v2 plus a small head. The bottom layers stay exactly
the base model's, so training reads them once (the states are cached) and the
artefact holds only what changed. This module is a plain-torch BERT encoder
(about forty lines of maths) rather than transformers' BertModel so that the
split, the masks and the weight names do not depend on a transformers release;
a test checks that its mean-pooled output equals sentence-transformers' own.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from tutor import runtime
from tutor.errors import ModelError

MAX_TOKENS = 256  # the bundled model's max_seq_length


@dataclass(frozen=True)
class EncoderConfig:
    hidden: int
    heads: int
    intermediate: int
    layers: int
    eps: float
    max_positions: int

    @classmethod
    def read(cls, model_dir: Path) -> "EncoderConfig":
        try:
            raw = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
            if raw.get("model_type") != "bert" or raw.get("hidden_act") != "gelu":
                raise ModelError(f"{model_dir} is not a BERT model with gelu", "the learned models need a BERT-style base")
            return cls(int(raw["hidden_size"]), int(raw["num_attention_heads"]), int(raw["intermediate_size"]),
                       int(raw["num_hidden_layers"]), float(raw.get("layer_norm_eps", 1e-12)),
                       int(raw.get("max_position_embeddings", 512)))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"cannot read {model_dir / 'config.json'}: {exc}", "check the model directory") from None


def _torch():
    runtime.configure()
    import torch

    runtime.cap_torch_threads()
    return torch


def build_layer(config: EncoderConfig):
    """One transformer layer; parameter names follow BERT's so weights load by name."""
    torch = _torch()
    nn = torch.nn
    functional = torch.nn.functional

    class Layer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            h = config.hidden
            self.query, self.key, self.value = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)
            self.attention_out = nn.Linear(h, h)
            self.attention_norm = nn.LayerNorm(h, eps=config.eps)
            self.intermediate = nn.Linear(h, config.intermediate)
            self.output = nn.Linear(config.intermediate, h)
            self.output_norm = nn.LayerNorm(h, eps=config.eps)

        def forward(self, x, bias):
            batch, length, hidden = x.shape
            heads = config.heads

            def split(t):
                return t.view(batch, length, heads, hidden // heads).transpose(1, 2)

            q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
            scores = q @ k.transpose(-1, -2) / math.sqrt(hidden // heads) + bias
            mixed = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, length, hidden)
            x = self.attention_norm(x + self.attention_out(mixed))
            return self.output_norm(x + self.output(functional.gelu(self.intermediate(x))))

    return Layer()


# BERT checkpoint name -> our name, inside one layer.
_LAYER_NAMES = {
    "attention.self.query": "query", "attention.self.key": "key", "attention.self.value": "value",
    "attention.output.dense": "attention_out", "attention.output.LayerNorm": "attention_norm",
    "intermediate.dense": "intermediate", "output.dense": "output", "output.LayerNorm": "output_norm",
}


def layer_state(weights: dict, index: int) -> dict:
    """The weights of layer `index` of a BERT checkpoint, under our names."""
    prefix = f"encoder.layer.{index}."
    state = {}
    for theirs, ours in _LAYER_NAMES.items():
        for part in ("weight", "bias"):
            key = prefix + theirs + "." + part
            if key not in weights:
                key = "bert." + key
            state[f"{ours}.{part}"] = weights[key]
    return state


class BaseEncoder:
    """The frozen base: tokenizer, embeddings and all layers of the bundled model.

    `bottom(ids, mask, upto)` runs the embeddings and the first `upto` layers;
    learned models run their own fine-tuned copies of the layers above.
    One instance per process (see `load_base`); inference only, no gradients.
    """

    def __init__(self, model_dir: Path, weights_path: Path, weights_sha256: str) -> None:
        torch = _torch()
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        self.model_dir = model_dir
        self.weights_sha256 = weights_sha256
        self.config = EncoderConfig.read(model_dir)
        try:
            weights = load_file(str(weights_path))
            self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        except Exception as exc:  # safetensors and tokenizers raise their own types
            raise ModelError(f"cannot load the base model at {model_dir}: {exc}".splitlines()[0],
                             "reinstall the model package") from None
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.cls_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_id = self.tokenizer.token_to_id("[SEP]")
        get = lambda name: weights.get(name, weights.get("bert." + name))  # noqa: E731
        nn = torch.nn
        self.word = nn.Embedding.from_pretrained(get("embeddings.word_embeddings.weight"))
        self.position = nn.Embedding.from_pretrained(get("embeddings.position_embeddings.weight"))
        self.token_type = get("embeddings.token_type_embeddings.weight")[0]
        self.embedding_norm = nn.LayerNorm(self.config.hidden, eps=self.config.eps)
        self.embedding_norm.load_state_dict({"weight": get("embeddings.LayerNorm.weight"),
                                             "bias": get("embeddings.LayerNorm.bias")})
        self.layers = []
        for index in range(self.config.layers):
            layer = build_layer(self.config)
            layer.load_state_dict(layer_state(weights, index))
            layer.eval()
            for p in layer.parameters():
                p.requires_grad_(False)
            self.layers.append(layer)
        self.lock = threading.Lock()

    def layer_weights(self, index: int) -> dict:
        """A copy of layer `index`'s weights: the starting point of a fine-tuned layer."""
        return {k: v.detach().clone() for k, v in self.layers[index].state_dict().items()}

    def encode_tokens(self, texts: Sequence[str]) -> list[tuple[list[int], list[tuple[int, int]]]]:
        """Word-piece ids and character offsets of each text, without special tokens."""
        return [(e.ids[1:-1], e.offsets[1:-1]) for e in self.tokenizer.encode_batch(list(texts))]

    def bottom(self, ids, mask, upto: int):
        """Hidden states after the embeddings and layers [0, upto). ids, mask: LongTensor (B, T)."""
        torch = _torch()
        with torch.inference_mode():
            positions = torch.arange(ids.shape[1]).unsqueeze(0)
            x = self.embedding_norm(self.word(ids) + self.position(positions) + self.token_type)
            bias = attention_bias(mask)
            for layer in self.layers[:upto]:
                x = layer(x, bias)
        return x.clone()


def attention_bias(mask):
    """Additive attention bias (B, 1, 1, T): 0 where a token is real, a large negative where padding."""
    torch = _torch()
    return (1.0 - mask[:, None, None, :].to(torch.float32)) * -1e9


def pad(rows: Sequence[Sequence[int]]):
    """Pad id lists into (ids, mask) LongTensors."""
    torch = _torch()
    length = max(len(r) for r in rows)
    ids = torch.zeros((len(rows), length), dtype=torch.long)
    mask = torch.zeros((len(rows), length), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
        mask[i, : len(row)] = 1
    return ids, mask


_base: dict[str, BaseEncoder] = {}
_base_lock = threading.Lock()


def load_base(model: str | Path | None = None) -> BaseEncoder:
    """The base encoder of `model` (default: the bundled MiniLM), loaded and hash-checked once."""
    from tutor.embedding import resolve_model, weights_hash

    spec = resolve_model(model)
    with _base_lock:
        if str(spec.path) not in _base:
            _base[str(spec.path)] = BaseEncoder(spec.path, spec.weights, weights_hash(spec))
        return _base[str(spec.path)]
