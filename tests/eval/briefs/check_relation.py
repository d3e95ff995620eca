"""Schema check and counts for a relation writer's JSONL file (one topic a line)."""
import collections, json, sys
REL = {"attacks", "supports", "unrelated"}
KINDS = {"rebuts", "undercuts", "counterexample"}
NOTES = {"same_words_other_claim", "quoted_back", "rude_no_argument", "same_topic", "same_side_attack", None}
path = sys.argv[1]
errors, counts, kinds, notes = [], collections.Counter(), collections.Counter(), collections.Counter()
topics = passages = arguments = pairs = 0
for n, line in enumerate(open(path, encoding="utf-8"), 1):
    if not line.strip():
        continue
    try:
        t = json.loads(line)
    except json.JSONDecodeError as exc:
        errors.append(f"line {n}: bad JSON: {exc}"); continue
    topics += 1
    pids = [p["id"] for p in t.get("passages", [])]
    passages += len(pids)
    if len(set(pids)) != len(pids):
        errors.append(f"line {n}: duplicate passage ids")
    for p in t.get("passages", []):
        if p.get("stance") not in {"pro", "con", "neutral"}:
            errors.append(f"line {n} {p.get('id')}: stance {p.get('stance')!r}")
        if len(p.get("text", "").split()) > 70:
            errors.append(f"line {n} {p.get('id')}: {len(p['text'].split())} words")
    sides = set()
    for a in t.get("arguments", []):
        arguments += 1
        sides.add(a.get("side"))
        got = a.get("pairs", {})
        missing = set(pids) - set(got)
        extra = set(got) - set(pids)
        if missing or extra:
            errors.append(f"line {n} {a.get('id')}: missing pairs {sorted(missing)} extra {sorted(extra)}")
        attacks = 0
        supports = 0
        for pid, v in got.items():
            if not (isinstance(v, list) and len(v) == 4):
                errors.append(f"line {n} {a.get('id')} {pid}: want [relation, kind, grade, note]"); continue
            rel, kind, grade, note = v
            pairs += 1
            counts[rel] += 1
            notes[note] += 1
            if rel not in REL: errors.append(f"line {n} {a.get('id')} {pid}: relation {rel!r}")
            if rel == "attacks":
                attacks += 1
                kinds[kind] += 1
                if kind not in KINDS: errors.append(f"line {n} {a.get('id')} {pid}: kind {kind!r}")
                if grade not in (1, 2): errors.append(f"line {n} {a.get('id')} {pid}: attack grade {grade!r}")
            else:
                supports += rel == "supports"
                if kind is not None or grade != 0: errors.append(f"line {n} {a.get('id')} {pid}: non-attack needs kind null, grade 0")
            if note not in NOTES: errors.append(f"line {n} {a.get('id')} {pid}: note {note!r}")
        if attacks < 2 or supports < 1:
            errors.append(f"line {n} {a.get('id')}: {attacks} attacks, {supports} supports (want >=2, >=1)")
    if not {"pro", "con"} <= sides:
        errors.append(f"line {n}: arguments need a pro and a con")
print(f"topics {topics}, passages {passages}, arguments {arguments}, labelled pairs {pairs}")
print("relations:", dict(counts)); print("attack kinds:", dict(kinds)); print("notes:", {str(k): v for k, v in notes.items()})
for e in errors[:40]: print("ERROR", e)
print(f"{len(errors)} errors")
