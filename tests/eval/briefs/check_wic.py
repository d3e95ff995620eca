import collections, json, re, sys
path = sys.argv[1]; errors = []; terms = collections.Counter(); same = 0; n = 0
for i, line in enumerate(open(path, encoding="utf-8"), 1):
    if not line.strip(): continue
    try: r = json.loads(line)
    except json.JSONDecodeError as e: errors.append(f"line {i}: bad JSON {e}"); continue
    n += 1
    for k in ("id", "term", "text_a", "text_b", "sense_a", "sense_b"):
        if not isinstance(r.get(k), str) or not r[k].strip(): errors.append(f"line {i}: {k} missing")
    if not isinstance(r.get("same_sense"), bool): errors.append(f"line {i}: same_sense must be true/false")
    t = r.get("term", "")
    stem = re.escape(t.lower()[:max(3, len(t) - 2)]) if t else "x"
    for k in ("text_a", "text_b"):
        if not re.search(r"\b" + stem, r.get(k, "").lower()): errors.append(f"line {i}: term {t!r} not in {k}")
    terms[t.lower()] += 1; same += bool(r.get("same_sense"))
print(f"pairs {n}, same sense {same}, different {n - same}, terms {len(terms)}, most used {terms.most_common(3)}")
for e in errors[:30]: print("ERROR", e)
print(f"{len(errors)} errors")
