"""Process-wide settings for the numeric libraries.

torch, faiss and the tokenizers each start their own thread pools; on a
2-core classroom laptop three pools fighting for two cores is slower than one.
`configure()` must run before torch or faiss is imported, so every entry point
calls it first. It is idempotent.
"""

from __future__ import annotations

import os

_configured = False


def thread_count() -> int:
    """Threads for torch and faiss: the cores this process may use, at most 8."""
    requested = os.environ.get("TUTOR_THREADS")
    if requested and requested.isdigit() and int(requested) > 0:
        return int(requested)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def configure() -> None:
    """Set environment defaults before heavy imports; cap thread pools after."""
    global _configured
    if _configured:
        return
    _configured = True
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("OMP_NUM_THREADS", str(thread_count()))
    # Nothing may reach a model hub at run time: models load from local paths.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    # Library progress bars would scribble over the TUI and our own CLI progress.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TQDM_DISABLE", "1")


def cap_torch_threads() -> None:
    import torch

    n = thread_count()
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set once in this process
        pass


def cap_faiss_threads() -> None:
    import faiss

    faiss.omp_set_num_threads(thread_count())
