"""Counts and schema check for a fallacy writer's JSONL file."""
import collections, json, sys
TYPES = """ad_hominem appeal_to_authority appeal_to_emotion appeal_to_nature appeal_to_popularity
appeal_to_tradition burden_shifting circular_reasoning equivocation false_analogy false_cause false_dilemma
hasty_generalization loaded_question no_true_scotsman red_herring slippery_slope straw_man tu_quoque whataboutism""".split()
REGISTERS = {"forum", "essay", "speech", "textbook", "news_comment"}
path = sys.argv[1]
types, hard, topics, regs = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
sound = total = pieces = 0
errors = []
seen_ids = set()
for n, line in enumerate(open(path, encoding="utf-8"), 1):
    if not line.strip():
        continue
    try:
        piece = json.loads(line)
    except json.JSONDecodeError as exc:
        errors.append(f"line {n}: bad JSON: {exc}"); continue
    pieces += 1
    if piece.get("id") in seen_ids:
        errors.append(f"line {n}: duplicate id {piece.get('id')}")
    seen_ids.add(piece.get("id"))
    if piece.get("register") not in REGISTERS:
        errors.append(f"line {n}: register {piece.get('register')!r}")
    regs[piece.get("register")] += 1
    for s in piece.get("sentences", []):
        total += 1
        topics[piece.get("topic")] += 1
        labels = s.get("labels", [])
        bad = [l for l in labels if l not in TYPES]
        if bad:
            errors.append(f"line {n}: unknown labels {bad}")
        if labels:
            for l in labels:
                types[l] += 1
            if s.get("span") and s["span"] not in s["text"]:
                errors.append(f"line {n}: span not in text: {s['span'][:40]!r}")
        else:
            sound += 1
            if s.get("hard_negative_of"):
                if s["hard_negative_of"] not in TYPES:
                    errors.append(f"line {n}: hard_negative_of {s['hard_negative_of']!r}")
                hard[s["hard_negative_of"]] += 1
print(f"pieces {pieces}, sentences {total}, sound {sound}, hard negatives {sum(hard.values())}")
print("registers:", dict(regs))
print(f"topics used: {len(topics)}; fewest sentences on a topic: {min(topics.values()) if topics else 0}")
for t in TYPES:
    print(f"  {t:22s} fallacious {types[t]:4d}   hard negatives {hard[t]:3d}")
for e in errors[:30]:
    print("ERROR", e)
print(f"{len(errors)} errors")
