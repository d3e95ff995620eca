"""Benchmark: splitting and building a corpus of one large document (cost per MB must stay flat).

    python tests/bench/bench_split.py                       # 0.5, 1, 2 and 5 MB, the bundled model
    python tests/bench/bench_split.py --fake --sizes 0.5 1  # a hashed bag-of-words embedder: no torch

Each corpus is one synthetic document of prose paragraphs in which some
paragraphs come back verbatim and some open a later paragraph, so repeat
detection has work to do. "split" is open_corpus + iter_passages (what a build
reads); "build" is build_index with the model already loaded, no fallacy
check. Figures only: seconds and seconds per MB for each size.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

WORDS = ("soft power culture state army money film music policy people country influence trade export nation "
         "brand image public opinion government market korea japan china america youth media").split()


def document(size: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    paragraphs: list[str] = []
    length = 0
    while length < size:
        if paragraphs and rng.random() < 0.02:
            paragraph = rng.choice(paragraphs)  # a paragraph quoted again
        else:
            sentences = []
            for _ in range(rng.randint(1, 5)):
                words = [rng.choice(WORDS) for _ in range(rng.randint(6, 22))]
                sentences.append(" ".join(words).capitalize() + rng.choice(".?!."))
            paragraph = " ".join(sentences)
            if paragraphs and rng.random() < 0.02:
                paragraph = rng.choice(paragraphs) + " " + paragraph  # a standfirst repeated inside
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[0.5, 1, 2, 5], help="document sizes in MB")
    parser.add_argument("--fake", action="store_true", help="use the tests' fake embedder instead of the model")
    args = parser.parse_args()

    from tutor.corpus import open_corpus
    from tutor.index import build_index

    started = time.perf_counter()
    if args.fake:
        from conftest import FakeEmbedder

        embedder = FakeEmbedder()
    else:
        from tutor.embedding import load_embedder

        embedder = load_embedder()
        embedder.encode(["warm up"])
    print(f"embedder {embedder.name}: loaded in {time.perf_counter() - started:.1f} s")
    print(f"{'MB':>5} {'passages':>9} {'split s':>8} {'split s/MB':>10} {'build s':>8} {'build s/MB':>10}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus"
            corpus.mkdir()
            text = document(int(size * 1_000_000))
            (corpus / "big.txt").write_text(text, encoding="utf-8")
            mb = len(text.encode("utf-8")) / 1_000_000
            t0 = time.perf_counter()
            count = sum(1 for _ in open_corpus(corpus).iter_passages())
            split = time.perf_counter() - t0
            t0 = time.perf_counter()
            build_index(corpus, Path(tmp) / "index", embedder=embedder)
            build = time.perf_counter() - t0
            print(f"{mb:5.2f} {count:9d} {split:8.2f} {split / mb:10.2f} {build:8.2f} {build / mb:10.2f}", flush=True)


if __name__ == "__main__":
    main()
