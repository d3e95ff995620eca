"""Benchmark: `tutor index build` against a bare `model.encode` of the same corpus.

    python tests/bench/bench_index.py [--corpus DIR] [--repeat 5]
    python tests/bench/bench_index.py --synthetic 100000   # memory on a large corpus

Times: one subprocess loads the model once, then times the bare encode, the
build and the build with the fallacy check in paired rounds (paired.py); each
ratio is the median of the per-round ratios. Memory: each of the
three also runs once in a fresh subprocess of its own, so its peak RSS (max
RSS) is its own. Target: build/encode at most 1.2. The bare encode covers
every text the index embeds: the passages and, where the corpus has an
argument map (claims.toml), its sentences.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# Shared by the timing and the memory runs: the model loaded once, then
# `work`, a name -> callable map of the three measured jobs.
SETUP = """
import json, resource, statistics, sys, tempfile
sys.path.insert(0, {root!r}); sys.path.insert(0, {bench!r})
from tutor.api import fallacy_annotator
from tutor.corpus import open_corpus
from tutor.embedding import load_embedder
from tutor.index import build_index
embedder = load_embedder()
passages = list(open_corpus({corpus!r}).iter_passages())
texts = [p.text for p in passages]
sentences = [s for p in passages for s in p.map_sentences()]  # the argument map, embedded too
annotate, info = fallacy_annotator(embedder) if {checker} else (None, {{}})  # only what is measured
embedder.encode(texts[:8])  # warm

def encode():
    for batch in (texts, sentences):
        if batch:
            embedder._model.encode(batch, batch_size=64, normalize_embeddings=True)

def build(findings):
    with tempfile.TemporaryDirectory() as out:
        if findings:
            build_index({corpus!r}, out, embedder=embedder, annotate=annotate, annotation_info=info)
        else:
            build_index({corpus!r}, out, embedder=embedder)

work = {{"encode": encode, "build": lambda: build(False), "full": lambda: build(True)}}
"""

TIMING = SETUP + """
from paired import median_ratio, paired_rounds
names = list(work)
ms = dict(zip(names, paired_rounds([work[n] for n in names], {repeat})))
ratio = lambda name: median_ratio(ms[name], ms["encode"])
print(json.dumps({{"median_s": {{n: statistics.median(v) / 1000 for n, v in ms.items()}},
                   "ratio": {{"build": ratio("build"), "full": ratio("full")}},
                   "passages": len(texts), "map_sentences": len(sentences)}}))
"""

MEMORY = SETUP + """
work[{name!r}]()
print(json.dumps({{"max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
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
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--synthetic", type=int, default=0, help="build a synthetic N-passage corpus instead")
    args = parser.parse_args()
    if args.synthetic:
        synthetic(args.synthetic)
        return
    timing = _run(TIMING.format(root=str(ROOT), bench=str(HERE), corpus=args.corpus, repeat=args.repeat, checker=True))
    rss = {name: _run(MEMORY.format(root=str(ROOT), bench=str(HERE), corpus=args.corpus, name=name, checker=name == "full"))["max_rss_mb"]
           for name in ("encode", "build", "full")}
    median, ratio = timing["median_s"], timing["ratio"]
    print(f"corpus: {args.corpus} ({timing['passages']} passages, {timing['map_sentences']} argument-map sentences), "
          f"{args.repeat} paired rounds, warm model; ratios are medians of per-round ratios")
    print(f"bare model.encode of both:      {median['encode']:.3f} s   peak RSS {rss['encode']:.0f} MiB")
    print(f"index build (embed + index):    {median['build']:.3f} s   peak RSS {rss['build']:.0f} MiB"
          f"   ratio {ratio['build']:.2f}x (target <= 1.2x)")
    print(f"index build with fallacy check: {median['full']:.3f} s   peak RSS {rss['full']:.0f} MiB"
          f"   ratio {ratio['full']:.2f}x")


if __name__ == "__main__":
    main()
