"""Agreement between the two coding passes, and the list of disagreements to adjudicate.

usage: agree.py BATCH.jsonl...   (reads passA/*.labels.jsonl and passB/*.labels.jsonl)
writes agreement.json and disagreements.jsonl (one line per disagreeing sentence or article field)
"""
import glob
import json
import sys
from collections import Counter

from sklearn.metrics import cohen_kappa_score

FRAMES = ["innovation", "access", "transparency", "community", "economy", "geopolitics",
          "security", "regulation", "ethics", "competition"]


def load(pattern):
    out = {}
    for f in glob.glob(pattern):
        for line in open(f, encoding="utf-8"):
            if line.strip():
                o = json.loads(line)
                out[o["doc"]] = o
    return out


def alpha_nominal(a, b):
    """Krippendorff's alpha, nominal, two coders, no missing values."""
    pairs = Counter()
    for x, y in zip(a, b):
        pairs[(x, y)] += 1
        pairs[(y, x)] += 1
    n = 2 * len(a)
    marg = Counter()
    for (x, _), c in pairs.items():
        marg[x] += c
    do = sum(c for (x, y), c in pairs.items() if x != y) / n
    de = sum(marg[x] * marg[y] for x in marg for y in marg if x != y) / (n * (n - 1))
    return 1 - do / de if de else 1.0


def main():
    batch = {}
    for f in sys.argv[1:]:
        for line in open(f, encoding="utf-8"):
            if line.strip():
                o = json.loads(line)
                batch[o["doc"]] = o
    A, B = load("/work/coding/passA/*.labels.jsonl"), load("/work/coding/passB/*.labels.jsonl")
    docs = [d for d in batch if d in A and d in B]
    sa, sb, ba, bb, ra, rb = [], [], [], [], [], []
    tp = fp = fn = 0
    per_frame = {f: ([], []) for f in FRAMES}
    ent_tp = ent_a = ent_b = 0
    dis = []
    for d in docs:
        la = {s["i"]: s for s in A[d]["sentences"]}
        lb = {s["i"]: s for s in B[d]["sentences"]}
        ra.append(A[d]["relevance"]); rb.append(B[d]["relevance"])
        if A[d]["relevance"] != B[d]["relevance"]:
            dis.append({"doc": d, "field": "relevance", "A": A[d]["relevance"], "B": B[d]["relevance"]})
        ea = {(e["name"].lower(), e["type"]) for e in A[d].get("entities", [])}
        eb = {(e["name"].lower(), e["type"]) for e in B[d].get("entities", [])}
        ent_tp += len(ea & eb); ent_a += len(ea); ent_b += len(eb)
        if ea != eb:
            dis.append({"doc": d, "field": "entities",
                        "A_only": sorted(f"{n} ({t})" for n, t in ea - eb),
                        "B_only": sorted(f"{n} ({t})" for n, t in eb - ea)})
        for s in batch[d]["sentences"]:
            x, y = la.get(s["i"]), lb.get(s["i"])
            if x is None or y is None:
                continue
            sa.append(x["s"]); sb.append(y["s"]); ba.append(x["b"]); bb.append(y["b"])
            fa, fb = set(x.get("f", [])), set(y.get("f", []))
            tp += len(fa & fb); fp += len(fa - fb); fn += len(fb - fa)
            for f in FRAMES:
                per_frame[f][0].append(f in fa); per_frame[f][1].append(f in fb)
            if x["s"] != y["s"] or x["b"] != y["b"] or fa != fb:
                dis.append({"doc": d, "i": s["i"], "field": "sentence", "text": s["text"],
                            "A": {"b": x["b"], "s": x["s"], "f": sorted(fa), "note": x.get("note", "")},
                            "B": {"b": y["b"], "s": y["s"], "f": sorted(fb), "note": y.get("note", "")}})
    res = {
        "articles": len(docs), "sentences": len(sa),
        "stance": {"cohen_kappa": round(cohen_kappa_score(sa, sb), 3),
                   "krippendorff_alpha": round(alpha_nominal(sa, sb), 3),
                   "raw_agreement": round(sum(x == y for x, y in zip(sa, sb)) / len(sa), 3),
                   "counts_A": dict(Counter(sa)), "counts_B": dict(Counter(sb))},
        "frames": {"f1_between_passes": round(2 * tp / (2 * tp + fp + fn), 3) if tp else 0.0,
                   "per_frame_kappa": {f: round(cohen_kappa_score(*per_frame[f]), 3)
                                       if len(set(per_frame[f][0] + per_frame[f][1])) > 1 else None
                                       for f in FRAMES}},
        "boilerplate": {"cohen_kappa": round(cohen_kappa_score(ba, bb), 3), "A": sum(ba), "B": sum(bb)},
        "relevance": {"cohen_kappa": round(cohen_kappa_score(ra, rb), 3),
                      "raw_agreement": round(sum(x == y for x, y in zip(ra, rb)) / len(ra), 3)},
        "entities": {"f1_between_passes": round(2 * ent_tp / (ent_a + ent_b), 3) if ent_a + ent_b else None},
        "disagreements": Counter(x["field"] for x in dis),
    }
    json.dump(res, open("/work/coding/agreement.json", "w"), indent=1, default=dict)
    import os
    with open("/work/coding/disagreements.tmp", "w", encoding="utf-8") as fh:
        for x in dis:
            fh.write(json.dumps(x, ensure_ascii=False) + "\n")
    os.replace("/work/coding/disagreements.tmp", "/work/coding/disagreements.jsonl")
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
