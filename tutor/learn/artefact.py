"""A learned model on disk: weights in safetensors beside a JSON manifest.

The manifest records what the weights were made from (base weights sha256,
training data sha256, seed, library versions), how to rebuild the module
(layers, classes) and what was measured (metrics, temperature, thresholds).
Loading checks the weights against the manifest's sha256 and the base model
against the one in use. No pickle anywhere.
"""

from __future__ import annotations

import json
import os
import platform
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Generic, TypeVar

from tutor.errors import ModelError
from tutor.files import atomic_writer, sha256_file, write_json_atomic

Model = TypeVar("Model")
FORMAT = "tutor-learned-model"
FORMAT_VERSION = 1
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Artefact:
    """A loaded manifest and the path of its weights (read lazily)."""

    manifest: dict[str, Any]
    weights_path: Path

    @property
    def name(self) -> str:
        return str(self.manifest.get("name", "model"))

    def weights(self) -> dict:
        from safetensors.torch import load_file

        try:
            return load_file(str(self.weights_path))
        except Exception as exc:  # safetensors raises its own types on a damaged file
            raise ModelError(f"the {self.name} model's weights at {self.weights_path} are damaged: {exc}".splitlines()[0],
                             f"retrain it: tutor train {self.name}") from None


def library_versions() -> dict[str, str]:
    import safetensors
    import tokenizers
    import torch

    return {"python": platform.python_version(), "torch": torch.__version__,
            "safetensors": safetensors.__version__, "tokenizers": tokenizers.__version__}


def compact_state(model) -> dict:
    """A fine-tuned model's weights to save: layer matrices in float16 (half the size, no
    measurable change), the head and the norms in float32."""
    return {k: (v.half() if v.dim() > 1 and not k.startswith("head") else v) for k, v in model.state_dict().items()}


def save(directory: Path, name: str, tensors: dict, manifest: dict[str, Any]) -> Path:
    """Write `name.safetensors` and `name.json` atomically (weights first, manifest last)."""
    from safetensors.torch import save

    blob = save({k: v.detach().contiguous() for k, v in tensors.items()})
    if len(blob) > MAX_BYTES:
        raise ModelError(f"the {name} weights are {len(blob) / 1e6:.1f} MB, over the 20 MB budget",
                         "train fewer layers")
    directory.mkdir(parents=True, exist_ok=True)
    weights_path = directory / f"{name}.safetensors"
    with atomic_writer(weights_path, "wb") as handle:
        handle.write(blob)
    full = {"format": FORMAT, "format_version": FORMAT_VERSION, "name": name,
            "weights_file": weights_path.name, "weights_sha256": sha256_file(weights_path),
            "libraries": library_versions(), **manifest}
    write_json_atomic(directory / f"{name}.json", full)
    return weights_path


def load(directory: Path, name: str, base_sha256: str) -> Artefact:
    """The artefact `name` in `directory`, checked; ModelError says what is wrong and what to do."""
    manifest_path = directory / f"{name}.json"
    retrain = f"retrain it: tutor train {name}"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"the {name} model is missing ({manifest_path})", retrain) from None
    except (OSError, ValueError) as exc:
        raise ModelError(f"the {name} model's manifest {manifest_path} is unreadable: {exc}", retrain) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelError(f"{manifest_path} is not a tutor model manifest", retrain)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ModelError(f"{manifest_path} has format version {manifest.get('format_version')!r}, "
                         f"this tutor reads {FORMAT_VERSION}", retrain)
    weights_path = directory / str(manifest.get("weights_file", f"{name}.safetensors"))
    if not weights_path.is_file():
        raise ModelError(f"the {name} model's weights {weights_path} are missing", retrain)
    if sha256_file(weights_path) != manifest.get("weights_sha256"):
        raise ModelError(f"the {name} model's weights {weights_path} do not match their manifest (damaged or replaced)",
                         retrain)
    if manifest.get("base_weights_sha256") != base_sha256:
        raise ModelError(f"the {name} model was fine-tuned from another base model "
                         f"({str(manifest.get('base_weights_sha256'))[:12]}…, not {base_sha256[:12]}…)",
                         "use the bundled all-MiniLM-L6-v2, or retrain on this model")
    return Artefact(manifest, weights_path)


class OncePerDirectory(Generic[Model]):
    """Loads a learned model once per process and directory: the directory asked for,
    else the one named by the environment variable `env` (e.g. from `tutor train NAME
    --out DIR`), else the shipped one."""

    def __init__(self, make: Callable[[Path], Model], env: str, shipped: Path) -> None:
        self.make, self.env, self.shipped = make, env, shipped
        self._loaded: dict[str, Model] = {}
        self._lock = threading.Lock()

    def __call__(self, directory: Path | None = None) -> Model:
        directory = Path(directory or os.environ.get(self.env) or self.shipped)
        with self._lock:
            if str(directory) not in self._loaded:
                self._loaded[str(directory)] = self.make(directory)
            return self._loaded[str(directory)]
