"""Evaluate the counter-argument engine against its baselines, in one run.

    python tests/eval/counter_eval.py [--split dev|test|all] [--k 5] [--grades both|original|completed]
                                      [--skip-ood] [--json]

Systems: the engine (first stage + the relation model's rerank), the engine
without the reranker (the old engine: main's behaviour before the relation
model), plain nearest neighbours (cosine on the same embeddings) and BM25.

(a) Shipped corpus (counter_eval.jsonl): nDCG@5, hit@1, hit@3 and same-side
    (a passage that argues the student's side or makes the same claim) in the
    top 3, with the side given and in free mode (motion and side estimated).
    Two gradings (README.md): `original` and `completed` (second, blind judge).
    The test split is not tuned on: develop on dev.
(b) Out of domain: the blind set ood/*.jsonl (every file). Each topic's
    passages become a small user corpus (.jsonl: no stance labels, no map),
    indexed with `tutor index build` into a temp dir; each student argument is
    countered with the topic's motion as --motion-text and its side given;
    nDCG@10 against the gold grades, hit@3, and gold `supports` in the top 3.
(c) Stance toward a motion on the same blind topics: each passage through
    `analyze --motion-text` (the API's analyze) against its gold stance
    (pro / con / neutral), and the student arguments' stance against their side.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

OOD_DIR = HERE / "ood"


def load_set(split: str) -> list[dict]:
    rows = [json.loads(line) for line in (HERE / "counter_eval.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows if split == "all" else [r for r in rows if r["split"] == split]


def completed(item: dict) -> dict:
    """The item with the second judge's grades for the passages its own list leaves out."""
    same_side = set(item.get("same_side", []))
    grades = {pid: g for pid, g in item.get("second_judge", {}).items() if g > 0 and pid not in same_side}
    grades.update(item["counters"])  # the original judgement stands wherever there is one
    return {**item, "counters": grades}


def ndcg(ranked: list[str], grades: dict[str, int], k: int) -> float:
    gains = [2 ** grades.get(pid, 0) - 1 for pid in ranked[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((2 ** g - 1 for g in grades.values()), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def metrics(ranked: list[str], item: dict, k: int = 5) -> dict[str, float]:
    grades = item["counters"]
    same = set(item.get("same_side", []))
    return {
        "ndcg@5": ndcg(ranked, grades, k),
        "hit@1": float(bool(ranked[:1]) and grades.get(ranked[0], 0) > 0),
        "hit@3": float(any(grades.get(pid, 0) > 0 for pid in ranked[:3])),
        "same_side@3": float(any(pid in same for pid in ranked[:3])),
    }


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def baselines(index, embedder):
    """Plain nearest neighbours and BM25 over an index: (name, rank(text, k))."""
    from rank_bm25 import BM25Okapi

    passages = index.passages
    vectors = index.vectors()
    bm25 = BM25Okapi([tokens(p.text) for p in passages])
    return [
        ("nearest neighbours", lambda text, k: [passages[i].id for i in np.argsort(-(vectors @ embedder.encode([text])[0]))[:k]]),
        ("BM25", lambda text, k: [passages[i].id for i in np.argsort(-bm25.get_scores(tokens(text)))[:k]]),
    ]


def shipped_rankings(new, old, items: list[dict], k: int) -> dict[str, list[list[str]]]:
    """Per system, its ranking of each argument (each system ranks each argument once)."""
    def ids(result) -> list[str]:
        return [c.id for c in result.counters]

    systems = {}
    for label, tutor in (("engine", new), ("engine w/o reranker", old)):
        systems[f"{label} (side given)"] = lambda it, t=tutor: ids(t.counter(it["text"], it["motion"], it["side"], k))
        systems[f"{label} (free)"] = lambda it, t=tutor: ids(t.counter(it["text"], None, None, k))
    for name, rank in baselines(new.index, new.embedder):
        systems[name] = lambda it, r=rank: r(it["text"], k)
    return {name: [system(item) for item in items] for name, system in systems.items()}


def shipped_tables(rankings: dict[str, list[list[str]]], items: list[dict], k: int,
                   gradings: tuple[str, ...]) -> dict[str, dict[str, dict[str, float]]]:
    tables: dict[str, dict[str, dict[str, float]]] = {}
    for grading in gradings:
        graded = [completed(item) for item in items] if grading == "completed" else items
        table: dict[str, dict[str, float]] = {}
        for name, ranked in rankings.items():
            rows = [metrics(r, item, k) for r, item in zip(ranked, graded)]
            table[name] = {m: float(np.mean([row[m] for row in rows])) for m in rows[0]}
            table[name]["same_side@3 count"] = sum(row["same_side@3"] for row in rows)
        table["_n"] = {"arguments": len(items)}
        tables[grading] = table
    return tables


def ood_topics() -> list[dict]:
    topics = []
    for path in sorted(OOD_DIR.glob("*.jsonl")):
        topics += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return topics


def build_topic_index(topic: dict, folder: Path) -> Path:
    """The topic's passages as a user's corpus (.jsonl, no stance, no map), built by `tutor index build`."""
    from click.testing import CliRunner

    from tutor.cli import main as cli

    corpus = folder / f"{topic['id']}.jsonl"
    corpus.write_text("".join(json.dumps({"id": p["id"], "text": p["text"]}) + "\n" for p in topic["passages"]),
                      encoding="utf-8")
    out = folder / "idx"
    result = CliRunner().invoke(cli, ["index", "build", "--corpus", str(corpus), "--out", str(out)])
    if result.exit_code != 0:
        raise SystemExit(f"error: index build failed for {topic['id']}: {result.output.strip()}")
    return out


def ood_run(relation, topics: list[dict], k: int = 10, progress=None) -> dict:
    """(b) nDCG@10 per system and (c) stance accuracy, over the blind topics."""
    from tutor.api import Tutor
    from tutor.embedding import load_embedder
    from tutor.index import load_index

    embedder = load_embedder()
    per_system: dict[str, list[dict[str, float]]] = {}
    stance_hits = {"passages (engine)": [], "passages (w/o relation model)": [], "arguments (engine)": []}
    with tempfile.TemporaryDirectory() as tmp:
        for number, topic in enumerate(topics):
            if progress:
                progress(f"ood {number + 1}/{len(topics)} {topic['id']}")
            folder = Path(tmp) / topic["id"]
            folder.mkdir()
            index = load_index(build_topic_index(topic, folder))
            new, old = Tutor(index, embedder, relation=relation), Tutor(index, embedder, relation=None)
            systems = {
                "engine": lambda a, t=new: [c.id for c in t.counter(a["text"], side=a["side"], k=k, motion_text=topic["motion"]).counters],
                "engine w/o reranker": lambda a, t=old: [c.id for c in t.counter(a["text"], side=a["side"], k=k, motion_text=topic["motion"]).counters],
            }
            for name, rank in baselines(index, embedder):
                systems[name] = lambda a, r=rank: r(a["text"], k)
            for argument in topic["arguments"]:
                grades = {pid: int(v[2]) for pid, v in argument["pairs"].items() if v[2]}
                supports = {pid for pid, v in argument["pairs"].items() if v[0] == "supports"}
                for name, system in systems.items():
                    ranked = system(argument)
                    per_system.setdefault(name, []).append({
                        "ndcg@10": ndcg(ranked, grades, k),
                        "hit@3": float(any(grades.get(pid, 0) > 0 for pid in ranked[:3])),
                        "supports@3": float(any(pid in supports for pid in ranked[:3])),
                    })
                stance = new.analyze(argument["text"], motion_text=topic["motion"])["stance"]["stance"]
                stance_hits["arguments (engine)"].append(stance == argument["side"])
            for passage in topic["passages"]:
                stance_hits["passages (engine)"].append(
                    new.analyze(passage["text"], motion_text=topic["motion"])["stance"]["stance"] == passage["stance"])
                stance_hits["passages (w/o relation model)"].append(
                    old.analyze(passage["text"], motion_text=topic["motion"])["stance"]["stance"] == passage["stance"])
    table = {name: {m: float(np.mean([r[m] for r in rows])) for m in rows[0]} | {"supports@3 count": sum(r["supports@3"] for r in rows)}
             for name, rows in per_system.items()}
    return {"ndcg": table, "stance": {name: float(np.mean(hits)) for name, hits in stance_hits.items() if hits},
            "n": {"topics": len(topics), "arguments": len(next(iter(per_system.values()), [])),
                  "passages": len(stance_hits["passages (engine)"])}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["test", "dev", "all"], default="dev")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--grades", choices=["both", "original", "completed"], default="both")
    parser.add_argument("--skip-ood", action="store_true", help="only the shipped corpus")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from tutor.api import Tutor

    new = Tutor.open(rerank=True)
    old = Tutor(new.index, new.embedder, relation=None)
    relation = new.engine.relation
    notes = [new.engine.relation_note] if new.engine.relation_note else []
    items = load_set(args.split)
    gradings = ("original", "completed") if args.grades == "both" else (args.grades,)
    tables = shipped_tables(shipped_rankings(new, old, items, args.k), items, args.k, gradings)
    ood = None if args.skip_ood else ood_run(relation, ood_topics(),
                                             progress=lambda m: print(m, file=sys.stderr, flush=True))
    if args.json:
        print(json.dumps({"shipped": tables, "ood": ood, "notes": notes}, indent=2))
        return
    for note in notes:
        print(f"note: {note}")
    if relation is not None:
        print(f"relation model: dev macro F1 {relation.manifest.get('metrics', {}).get('dev_relation_macro_f1')}, "
              f"rerank N = {new.engine.rerank_n}\n")
    for grading, table in tables.items():
        print_table(table, args.split, grading)
    if ood:
        print_ood(ood)


def print_table(table: dict[str, dict[str, float]], split: str, grading: str) -> None:
    n = table.pop("_n")["arguments"]
    print(f"(a) shipped corpus, split={split}, {n} arguments, {grading} grades")
    print(f"{'system':<34}{'nDCG@5':>8}{'hit@1':>8}{'hit@3':>8}{'same-side@3':>14}")
    for name, row in table.items():
        print(f"{name:<34}{row['ndcg@5']:>8.3f}{row['hit@1']:>8.3f}{row['hit@3']:>8.3f}"
              f"{int(row['same_side@3 count']):>8d}/{n:<5d}")
    print()


def print_ood(ood: dict) -> None:
    n = ood["n"]
    print(f"(b) out of domain (blind set: {n['topics']} topics, {n['arguments']} arguments), side given, motion as --motion-text")
    print(f"{'system':<34}{'nDCG@10':>8}{'hit@3':>8}{'supports@3':>13}")
    for name, row in ood["ndcg"].items():
        print(f"{name:<34}{row['ndcg@10']:>8.3f}{row['hit@3']:>8.3f}{int(row['supports@3 count']):>7d}/{n['arguments']:<5d}")
    gain = ood["ndcg"]["engine"]["ndcg@10"] - ood["ndcg"]["nearest neighbours"]["ndcg@10"]
    print(f"engine - nearest neighbours: {gain:+.3f} (target >= +0.08)\n")
    print(f"(c) stance toward the motion (--motion-text), blind topics, {n['passages']} passages (pro/con/neutral)")
    for name, accuracy in ood["stance"].items():
        print(f"{name:<34}{accuracy:>8.3f}")
    print("target: passages (engine) >= 0.80")


if __name__ == "__main__":
    main()
