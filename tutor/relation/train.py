"""Train the argument relation model: `tutor train relation` (or `python -m tutor.relation.train`).

Pairs it learns from:
- the project-written debate topics in tutor/relation/data/train/*.jsonl (one
  file per writer; brief: tests/eval/briefs/relation-writer.md): every
  (student argument, passage) pair labelled attacks / supports / unrelated,
  with the kind of attack; and (motion, passage) for stance;
- the IBM Debater(R) Claim Stance dataset's training topics (CC BY-SA 3.0),
  read from ../shared/data/ibm-claim-stance/ (never copied into the repo):
  (motion, claim) -> supports (PRO) or attacks (CON);
- the shipped argument map (corpus/claims.toml): (answered claim, passage) ->
  attacks, with its kind; (the passage's own claim, passage) -> supports.
Dev is a stable 15% of the project topics; the test topics (tests/eval/) are
never read here. Deterministic for a given data, seed and machine.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from tutor.learn import dataset
from tutor.learn.dataset import TrainingDataError, require
from tutor.relation.model import ARTEFACT_DIR, KINDS, NAME, RELATIONS

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(__file__).parent / "data" / "train"
IBM_CSV = ROOT.parent / "shared" / "data" / "ibm-claim-stance" / "claim_stance_train.csv"
MAP = ROOT / "corpus" / "claims.toml"
IBM_CREDIT = ("IBM Debater(R) Claim Stance dataset, training topics: (c) Copyright Wikipedia (claims are sentences "
              "from Wikipedia articles, April 2012 dump); (c) Copyright IBM 2014, released under CC BY-SA 3.0 "
              "(http://creativecommons.org/licenses/by-sa/3.0/). Roy Bar-Haim, Indrajit Bhattacharya, Francesco "
              "Dinuzzo, Amrita Saha and Noam Slonim. 2017. Stance Classification of Context-Dependent Claims. "
              "EACL 2017, pages 251-261.")
UNRELATED_KEPT = 0.5  # of plain unrelated pairs (hard negatives are always kept)
KIND_ALIASES = {"counterexample": "counter-example", "counter-example": "counter-example",
                "rebuts": "rebuts", "undercuts": "undercuts"}


@dataclass(frozen=True)
class Pair:
    claim: str
    passage: str
    relation: int  # index into RELATIONS
    kind: int  # index into KINDS, -1 when not an attack
    source: str  # "argument", "stance", "ibm", "map"
    topic: str
    grade: int = 0


def _topic_pairs(row: dict, where: str) -> list[Pair]:
    for key in ("id", "topic", "motion"):
        require(isinstance(row.get(key), str) and row[key].strip() != "", where, f"'{key}' must be a non-empty string")
    passages = row.get("passages")
    arguments = row.get("arguments")
    require(isinstance(passages, list) and passages, where, "'passages' must be a non-empty list")
    require(isinstance(arguments, list) and arguments, where, "'arguments' must be a non-empty list")
    texts = {}
    pairs = []
    stance_relation = {"pro": 1, "con": 0, "neutral": 2}
    for p in passages:
        require(isinstance(p, dict) and isinstance(p.get("id"), str) and isinstance(p.get("text"), str), where,
                "each passage needs an id and a text")
        require(p.get("stance") in stance_relation, f"{where} {p['id']}", "stance must be pro, con or neutral")
        texts[p["id"]] = p["text"]
        pairs.append(Pair(row["motion"], p["text"], stance_relation[p["stance"]], -1, "stance", row["topic"]))
    for a in arguments:
        at = f"{where} {a.get('id')}"
        require(isinstance(a, dict) and isinstance(a.get("text"), str) and isinstance(a.get("pairs"), dict), at,
                "each argument needs a text and pairs")
        for pid, value in a["pairs"].items():
            require(pid in texts, at, f"pairs name an unknown passage {pid!r}")
            require(isinstance(value, list) and len(value) == 4 and value[0] in RELATIONS, f"{at} {pid}",
                    "want [relation, kind, grade, note]")
            kind = KINDS.index(KIND_ALIASES[value[1]]) if value[0] == "attacks" and value[1] in KIND_ALIASES else -1
            grade = value[2] if isinstance(value[2], int) else 0
            pairs.append(Pair(a["text"], texts[pid], RELATIONS.index(value[0]), kind,
                              "argument" if value[3] in (None, "same_side_attack") else f"argument:{value[3]}",
                              row["topic"], grade))
    return pairs


def read_topics(directory: Path = DATA_DIR) -> list[Pair]:
    pairs = []
    for path in dataset.data_files(directory):
        for number, row in dataset.read_jsonl(path):
            pairs.extend(_topic_pairs(row, f"{path.name}:{number}"))
    return pairs


def read_ibm(path: Path = IBM_CSV) -> list[Pair]:
    """(motion, claim) stance pairs from the IBM training topics; [] when the file is absent."""
    if not path.is_file():
        return []
    pairs = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            relation = {"PRO": 1, "CON": 0}.get(row.get("claim_stance", ""))
            if relation is not None and row.get("claim_claimCorrectedText"):
                pairs.append(Pair(row["topicText"], row["claim_claimCorrectedText"], relation, -1, "ibm",
                                  f"ibm:{row['topicId']}"))
    return pairs


def read_map(path: Path = MAP, corpus: Path | None = None) -> list[Pair]:
    """In-domain pairs from the shipped argument map and the passages' own text."""
    if not path.is_file():
        return []
    from tutor.corpus import open_corpus

    root = corpus or path.parent
    loaded = open_corpus(root)
    pairs = []
    for passage in loaded.iter_passages():
        mapped = loaded.claims.get(passage.id, {})
        if mapped.get("claim"):
            pairs.append(Pair(mapped["claim"], passage.text, 1, -1, "map", "map"))
        for attack in mapped.get("attacks", []):
            kind = KINDS.index(KIND_ALIASES.get(attack.get("how", "rebuts"), "rebuts"))
            pairs.append(Pair(attack["claim"], passage.text, 0, kind, "map", "map"))
    return pairs


def soft_target(pair: Pair) -> np.ndarray:
    """One-hot, except a grade-1 (weak, indirect) attack: half attack, half unrelated.

    Writers differ on whether a passage that attacks the student's side on
    another point "attacks" the argument; splitting the weight keeps both
    readings and ranks such passages below direct counters.
    """
    target = np.zeros(len(RELATIONS), dtype=np.float32)
    if pair.relation == 0 and pair.source.startswith("argument") and pair.grade == 1:
        target[0] = target[2] = 0.5
    else:
        target[pair.relation] = 1.0
    return target


def keep_for_training(pair: Pair) -> bool:
    """All pairs but a stable half of the plain unrelated ones (they dominate and teach little)."""
    if pair.relation != RELATIONS.index("unrelated") or pair.source != "argument":
        return True
    digest = hashlib.sha256(f"{pair.claim}\0{pair.passage}".encode()).hexdigest()
    return int(digest[:8], 16) / 0xFFFFFFFF < UNRELATED_KEPT


def macro_f1(predicted: np.ndarray, gold: np.ndarray, classes: int) -> float:
    scores = []
    for c in range(classes):
        tp = int(((predicted == c) & (gold == c)).sum())
        fp = int(((predicted == c) & (gold != c)).sum())
        fn = int(((predicted != c) & (gold == c)).sum())
        scores.append(2 * tp / max(1, 2 * tp + fp + fn))
    return float(np.mean(scores))


def ranking_ndcg(attack_scores: np.ndarray, pairs: list[Pair], k: int = 5) -> float:
    """Mean nDCG@k over the dev arguments, ranking each argument's passages by P(attacks).

    The gain of a passage is its gold grade (2 a direct counter, 1 a weaker one):
    how the counter engine will use the model.
    """
    by_claim: dict[str, list[tuple[float, int]]] = {}
    for score, pair in zip(attack_scores, pairs):
        if pair.source.startswith("argument"):
            by_claim.setdefault(pair.claim, []).append((float(score), pair.grade if pair.relation == 0 else 0))
    values = []
    for ranked in by_claim.values():
        gains = [g for _, g in sorted(ranked, key=lambda item: -item[0])][:k]
        ideal = sorted((g for _, g in ranked), reverse=True)[:k]
        idcg = sum((2 ** g - 1) / np.log2(i + 2) for i, g in enumerate(ideal))
        if idcg:
            values.append(sum((2 ** g - 1) / np.log2(i + 2) for i, g in enumerate(gains)) / idcg)
    return float(np.mean(values)) if values else 0.0


def data_hash(directory: Path = DATA_DIR) -> str:
    files = dataset.data_files(directory) + ([MAP] if MAP.is_file() else [])
    return dataset.data_sha256(files)


def train(out: Path = ARTEFACT_DIR, data: Path = DATA_DIR, ibm: Path = IBM_CSV,
          progress: Callable[[str], None] | None = None, config=None) -> dict:
    from tutor.files import sha256_file
    from tutor.learn import artefact
    from tutor.learn.calibration import expected_calibration_error, fit_temperature, softmax
    from tutor.learn.encoder import _torch, load_base
    from tutor.learn.top import make_top_model
    from tutor.learn.training import TrainConfig, cache_bottom, fit, seed_everything
    from tutor.relation.model import claim_ids, joined_logits, passage_ids, sentence_vectors

    torch = _torch()
    say = progress or (lambda _m: None)
    # Chosen on dev (tests/eval/README.md): the top 3 layers, 4 epochs.
    config = config or TrainConfig(layers=3, epochs=4, batch_size=32, learning_rate=1e-4, head_learning_rate=1e-3)
    project = read_topics(data)
    ibm_pairs = read_ibm(ibm)
    if not ibm_pairs:
        say(f"warning: {ibm} not found; training without the IBM claim-stance pairs")
    map_pairs = read_map()
    dev = [p for p in project if dataset.is_dev(p.topic)]
    # Dev is project topics only; the IBM and map pairs always train.
    train_pairs = [p for p in project if not dataset.is_dev(p.topic) and keep_for_training(p)] + ibm_pairs + map_pairs
    require(bool(train_pairs) and bool(dev), str(data), "need pairs in both the train and the dev topics")
    say(f"pairs: {len(train_pairs)} for training ({sum(p.source == 'ibm' for p in train_pairs)} IBM, "
        f"{sum(p.source == 'map' for p in train_pairs)} map), {len(dev)} dev")
    seed_everything(config.seed)
    base = load_base(None)
    model = make_top_model(base, config.layers, len(RELATIONS) + len(KINDS), extra=4 * base.config.hidden)
    claims = sorted({p.claim for p in train_pairs + dev})
    passages = sorted({p.passage for p in train_pairs + dev})
    claim_state = dict(zip(claims, cache_bottom(base, [claim_ids(base, c) for c in claims], model.first_layer, say)))
    passage_state = dict(zip(passages, cache_bottom(base, [passage_ids(base, t) for t in passages], model.first_layer, say)))

    say("sentence vectors of every text")
    every_text = sorted(set(claims) | set(passages))
    vector = dict(zip(every_text, sentence_vectors(base, every_text)))

    def logits_of(m, pairs: list[Pair]):
        return joined_logits(m, [claim_state[p.claim] for p in pairs], [passage_state[p.passage] for p in pairs],
                             np.stack([vector[p.claim] for p in pairs]), np.stack([vector[p.passage] for p in pairs]))

    def batch_loss(m, batch: list[int]):
        chosen = [train_pairs[i] for i in batch]
        logits = logits_of(m, chosen)
        loss = -(torch.from_numpy(np.stack([soft_target(p) for p in chosen]))
                 * torch.log_softmax(logits[:, : len(RELATIONS)], dim=-1)).sum(1).mean()
        kinds = torch.tensor([p.kind for p in chosen])
        attacks = kinds >= 0
        if bool(attacks.any()):
            loss = loss + 0.5 * torch.nn.functional.cross_entropy(logits[attacks, len(RELATIONS) :], kinds[attacks])
        return loss

    def dev_logits(m) -> np.ndarray:
        with torch.inference_mode():
            return np.concatenate([logits_of(m, dev[i : i + 64]).numpy() for i in range(0, len(dev), 64)])

    gold = np.array([p.relation for p in dev])
    is_argument = np.array([p.source.startswith("argument") for p in dev])

    def dev_score(m) -> float:
        """Ranking quality: mean nDCG@5 of each dev argument's passages by P(attacks)."""
        logits = dev_logits(m)[:, : len(RELATIONS)]
        return ranking_ndcg(softmax(logits)[:, 0], dev)

    lengths = [len(claim_state[p.claim]) + len(passage_state[p.passage]) for p in train_pairs]
    history = fit(model, lengths, batch_loss, dev_score, config, say)
    logits = dev_logits(model)
    temperature = fit_temperature(logits[:, : len(RELATIONS)], gold, multilabel=False)
    probs = softmax(logits[:, : len(RELATIONS)], temperature)
    predicted = probs.argmax(1)
    stance = ~is_argument
    metrics = {
        "dev_ndcg@5_by_attack": round(ranking_ndcg(probs[:, 0], dev), 4),
        "dev_relation_macro_f1": round(macro_f1(predicted[is_argument], gold[is_argument], 3), 4),
        "dev_relation_accuracy": round(float((predicted[is_argument] == gold[is_argument]).mean()), 4),
        "dev_stance_accuracy": round(float((predicted[stance] == gold[stance]).mean()), 4) if stance.any() else None,
        "dev_ece": round(expected_calibration_error(probs.max(1), predicted == gold), 4),
        "dev_pairs": len(dev), "train_pairs": len(train_pairs),
    }
    manifest = {
        "base_model": "all-MiniLM-L6-v2", "base_weights_sha256": base.weights_sha256,
        "data_sha256": data_hash(data),
        "ibm_claim_stance_sha256": sha256_file(ibm) if ibm.is_file() else None,
        "credits": [IBM_CREDIT] if ibm_pairs else [],
        "seed": config.seed, "config": config.to_dict(), "layers": config.layers,
        "relations": list(RELATIONS), "kinds": list(KINDS), "temperature": temperature,
        "sources": {s: sum(p.source.split(":")[0] == s for p in train_pairs) for s in ("argument", "stance", "ibm", "map")},
        "training": history, "metrics": metrics,
    }
    artefact.save(out, NAME, artefact.compact_state(model), manifest)
    say(f"saved {out / (NAME + '.safetensors')}: dev relation macro F1 {metrics['dev_relation_macro_f1']:.3f}, "
        f"stance accuracy {metrics['dev_stance_accuracy']}")
    return metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tutor.relation.train", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ARTEFACT_DIR, help="where to write relation.safetensors and relation.json")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="directory of the project's topic JSONL files")
    parser.add_argument("--ibm", type=Path, default=IBM_CSV, help="the IBM claim-stance training CSV")
    args = parser.parse_args(argv)
    from tutor.learn.training import run_command

    return run_command(lambda say: train(args.out, args.data, args.ibm, say))


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["train", "read_topics", "read_ibm", "read_map", "TrainingDataError"]
