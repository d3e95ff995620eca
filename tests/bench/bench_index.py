"""Benchmark: `tutor index build` against a bare `model.encode` of the same corpus.

    python tests/bench/bench_index.py [--corpus DIR] [--repeat 3]
    python tests/bench/bench_index.py --synthetic 100000   # memory on a large corpus

Each measurement runs in a fresh subprocess, so peak memory (max RSS) is the
build's own. Both sides load the model first and time only the work after it.
Prints the figures and the ratio build/encode (target: at most 1.2). The
bare encode covers every text the index embeds: the passages and, where the
corpus has an argument map (claims.toml), its sentences.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

ENCODE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from tutor.corpus import open_corpus
from tutor.embedding import load_embedder
embedder = load_embedder()
passages = list(open_corpus({corpus!r}).iter_passages())
texts = [p.text for p in passages]
sentences = [s for p in passages for s in p.map_sentences()]  # the argument map, embedded too
embedder.encode(texts[:8])  # warm
def encode_all():
    t0 = time.perf_counter()
    for batch in (texts, sentences):
        if batch:
            embedder._model.encode(batch, batch_size=64, normalize_embeddings=True)
    return time.perf_counter() - t0
best = min(encode_all() for _ in range({repeat}))
print(json.dumps({{"seconds": best, "passages": len(texts), "map_sentences": len(sentences), "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

BUILD = """
import json, resource, sys, tempfile, time
sys.path.insert(0, {root!r})
from tutor.embedding import load_embedder
from tutor.api import build_index_with_findings
from tutor.index import build_index
embedder = load_embedder()
embedder.encode(["warm up"])
times = []
for _ in range({repeat}):
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        if {findings}:
            build_index_with_findings({corpus!r}, out)
        else:
            build_index({corpus!r}, out, embedder=embedder)
        times.append(time.perf_counter() - t0)
print(json.dumps({{"seconds": min(times), "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

SYNTHETIC = """
import json, resource, sys, tempfile, time
sys.path.insert(0, {root!r}); sys.path.insert(0, {tests!r})
from conftest import FakeEmbedder
from tutor.index import build_index
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
with tempfile.TemporaryDirectory() as out:
    t0 = time.perf_counter()
    result = build_index({corpus!r}, out, embedder=FakeEmbedder())
    seconds = time.perf_counter() - t0
print(json.dumps({{"seconds": seconds, "passages": result.manifest.passage_count, "base_rss_mb": base,
                   "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def synthetic(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            for i in range(n):
                text = (f"Argument {i}: public transport fares in city {i % 977} should fall because ridership "
                        f"rises by {i % 40} percent when prices drop, as surveys from {1990 + i % 30} show.")
                handle.write(json.dumps({"id": f"p{i}", "text": text}) + "\n")
        text_mb = path.stat().st_size / 2**20
        r = _run(SYNTHETIC.format(root=str(ROOT), tests=str(ROOT / "tests"), corpus=str(path)))
        vectors_mb = r["passages"] * 64 * 4 / 2**20
        print(f"synthetic corpus: {r['passages']:,} passages, {text_mb:.1f} MiB of JSONL, fake 64-d embedder")
        print(f"build: {r['seconds']:.1f} s; peak RSS {r['max_rss_mb']:.0f} MiB "
              f"(interpreter + imports {r['base_rss_mb']:.0f} MiB; all vectors once = {vectors_mb:.1f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--synthetic", type=int, default=0, help="build a synthetic N-passage corpus instead")
    args = parser.parse_args()
    if args.synthetic:
        synthetic(args.synthetic)
        return
    encode = _run(ENCODE.format(root=str(ROOT), corpus=args.corpus, repeat=args.repeat))
    build = _run(BUILD.format(root=str(ROOT), corpus=args.corpus, repeat=args.repeat, findings=False))
    full = _run(BUILD.format(root=str(ROOT), corpus=args.corpus, repeat=args.repeat, findings=True))
    print(f"corpus: {args.corpus} ({encode['passages']} passages, {encode['map_sentences']} argument-map sentences), "
          f"best of {args.repeat}, warm model")
    print(f"bare model.encode of both:      {encode['seconds']:.3f} s   peak RSS {encode['max_rss_mb']:.0f} MiB")
    print(f"index build (embed + index):    {build['seconds']:.3f} s   peak RSS {build['max_rss_mb']:.0f} MiB"
          f"   ratio {build['seconds'] / encode['seconds']:.2f}x (target <= 1.2x)")
    print(f"index build with fallacy check: {full['seconds']:.3f} s   peak RSS {full['max_rss_mb']:.0f} MiB"
          f"   ratio {full['seconds'] / encode['seconds']:.2f}x")


if __name__ == "__main__":
    main()
