"""The one training loop both learned models use: cached bottom states, fine-tuned top, CPU.

Deterministic: a fixed seed drives batch order and dropout, torch runs its
deterministic kernels on a fixed number of threads, so the same data, seed and
machine give the same weights. The bottom layers' states are computed once
(inference only) and reused every epoch, which is what makes fine-tuning fit
in minutes on two cores.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from tutor.learn.encoder import BaseEncoder, _torch, pad

TRAIN_THREADS = 2  # fixed, so that a 2-core CI machine and a laptop give the same weights
Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 13
    layers: int = 2
    epochs: int = 4
    learning_rate: float = 5e-5
    head_learning_rate: float = 1e-3
    batch_size: int = 32
    weight_decay: float = 0.01

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def seed_everything(seed: int) -> None:
    torch = _torch()
    torch.set_num_threads(TRAIN_THREADS)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


def cache_bottom(base: BaseEncoder, sequences: Sequence[Sequence[int]], upto: int,
                 progress: Progress | None = None, batch_size: int = 64) -> list:
    """The frozen bottom's states for each token sequence, as float16 (T, H) tensors."""
    torch = _torch()
    order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
    states: list = [None] * len(sequences)
    started = time.monotonic()
    for n, first in enumerate(range(0, len(order), batch_size)):
        chosen = order[first : first + batch_size]
        ids, mask = pad([sequences[i] for i in chosen])
        out = base.bottom(ids, mask, upto)
        for row, i in enumerate(chosen):
            states[i] = out[row, : len(sequences[i])].to(torch.float16)
        if progress and n % 20 == 0:
            progress(f"bottom layers: {min(first + batch_size, len(order))}/{len(order)} "
                     f"({time.monotonic() - started:.0f} s)")
    return states


def stack(states: Sequence) -> tuple:
    """Pad cached (T, H) states into (B, T, H) float32 and a (B, T) mask."""
    torch = _torch()
    length = max(s.shape[0] for s in states)
    x = torch.zeros((len(states), length, states[0].shape[1]), dtype=torch.float32)
    mask = torch.zeros((len(states), length), dtype=torch.long)
    for i, s in enumerate(states):
        x[i, : s.shape[0]] = s.to(torch.float32)
        mask[i, : s.shape[0]] = 1
    return x, mask


def length_batches(lengths: Sequence[int], batch_size: int, rng: np.random.Generator) -> list[list[int]]:
    """Batches of similar length (little padding), in a shuffled order."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], rng.random()))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


def fit(model, lengths: Sequence[int], batch_loss: Callable[[object, list[int]], object],
        dev_score: Callable[[object], float], config: TrainConfig, progress: Progress | None = None) -> dict:
    """Train `model`; keep the weights of the epoch with the best dev score. Returns the history."""
    torch = _torch()
    seed_everything(config.seed)
    rng = np.random.default_rng(config.seed)
    head = [p for n, p in model.named_parameters() if n.startswith("head")]
    body = [p for n, p in model.named_parameters() if not n.startswith("head")]
    optimiser = torch.optim.AdamW([{"params": body, "lr": config.learning_rate},
                                   {"params": head, "lr": config.head_learning_rate}],
                                  weight_decay=config.weight_decay)
    steps = config.epochs * -(-len(lengths) // config.batch_size)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup))))
    best_score, best_state, history = -float("inf"), None, []
    started = time.monotonic()
    for epoch in range(config.epochs):
        model.train()
        total, batches = 0.0, length_batches(lengths, config.batch_size, rng)
        for n, batch in enumerate(batches):
            loss = batch_loss(model, batch)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            total += float(loss.detach())
            if progress and n % 25 == 0:
                progress(f"epoch {epoch + 1}/{config.epochs}: batch {n + 1}/{len(batches)}, "
                         f"loss {total / (n + 1):.3f} ({time.monotonic() - started:.0f} s)")
        model.eval()
        score = dev_score(model)
        history.append({"epoch": epoch + 1, "train_loss": round(total / len(batches), 4), "dev_score": round(score, 4)})
        if progress:
            progress(f"epoch {epoch + 1}: train loss {total / len(batches):.3f}, dev {score:.3f}")
        if score > best_score:
            best_score = score
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    model.eval()
    return {"history": history, "best_dev_score": round(best_score, 4), "seconds": round(time.monotonic() - started, 1)}


def run_command(train_with_progress: Callable[[Progress], object]) -> int:
    """Run a training command: progress on stderr, a one-line error and exit status on failure."""
    import sys

    from tutor.errors import TutorError

    try:
        train_with_progress(lambda message: print(message, file=sys.stderr, flush=True))
    except TutorError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: interrupted; the previous model is unchanged", file=sys.stderr)
        return 130
    return 0
