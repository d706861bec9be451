# Vendored verbatim from the project's shared/eval/score.py (the reference scorer), so that the
# validation notebook and `python -m helpers score` give the same numbers without shared/ beside
# the project. tests/test_validation.py checks that it still matches the shared copy when present.
#!/usr/bin/env python3
"""Score an export of the project (see CODEBOOK.md, section 7) against a gold file.

    python3 score.py EXPORT_DIR GOLD.jsonl [--json OUT.json]

Standard library only. Gold sentences are aligned with the exported sentences of
the same document in order: the two word sequences are matched (difflib), and a
gold sentence takes the labels of the exported sentences that hold at least 30 %
of its words. A gold sentence of which less than half the words are found counts
as predicted `none` with no frames (and, if it is body text, as lost). Prints one
table per layer and, last, one summary line.
"""
import argparse
import csv
import difflib
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

FRAMES = ["innovation", "access", "transparency", "community", "economy",
          "geopolitics", "security", "regulation", "ethics", "competition"]
STANCES = ["pro", "con", "none"]
TYPES = {"PER", "ORG", "LOC", "PRODUCT"}  # other predicted types are not scored
FOUND = 0.5   # share of a gold sentence's words that must be found in the export
HOLD = 0.3    # share of its words an exported sentence must hold to lend it its labels


def fold(text):
    """Lower case, no accents, apostrophes and dashes unified."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower().replace("’", "'").replace("–", "-").strip()


def words(text):
    return re.findall(r"\w+", fold(text))


def read_csv(path):
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def base(doc_id):
    return Path(str(doc_id)).name


def load_export(out):
    sents = defaultdict(list)  # doc -> [(sent_id, words)] in export order
    for r in read_csv(out / "sentences.csv"):
        sents[base(r["doc_id"])].append((str(r["sent_id"]), words(r["text"])))
    stance = defaultdict(lambda: defaultdict(list))  # doc -> sent_id -> [stance]
    for r in read_csv(out / "arguments.csv"):
        s = (r.get("stance") or "").strip()
        if s in ("pro", "con"):
            stance[base(r["doc_id"])][str(r["sent_id"])].append(s)
    frames = defaultdict(lambda: defaultdict(set))
    for r in read_csv(out / "frames.csv"):
        f = (r.get("frame") or "").strip()
        if f:
            frames[base(r["doc_id"])][str(r["sent_id"])].add(f)
    ents = defaultdict(dict)  # doc -> folded canonical -> (canonical, type, surfaces)
    for r in read_csv(out / "entities.csv"):
        key = fold(r.get("canonical") or r.get("text") or "")
        if not key or (r.get("type") or "").upper() not in TYPES:
            continue
        d = ents[base(r["doc_id"])]
        canon, typ, surf = d.get(key, (r.get("canonical") or r.get("text"), r.get("type", ""), set()))
        surf.add(fold(r.get("text") or ""))
        d[key] = (canon, typ, surf)
    return sents, stance, frames, ents


def align(gold_sents, doc_sents):
    """For each gold sentence, the exported sentence ids that carry its words (empty: not found)."""
    gw, gi = [], []
    for k, s in enumerate(gold_sents):
        ws = words(s["text"])
        gw += ws
        gi += [k] * len(ws)
    pw, pi = [], []
    for sid, ws in doc_sents:
        pw += ws
        pi += [sid] * len(ws)
    owner = [defaultdict(int) for _ in gold_sents]
    for a, b, n in difflib.SequenceMatcher(None, gw, pw, autojunk=False).get_matching_blocks():
        for j in range(n):
            owner[gi[a + j]][pi[b + j]] += 1
    hits = []
    for k, s in enumerate(gold_sents):
        n = len(words(s["text"]))
        found = sum(owner[k].values())
        if not n or found < FOUND * n:
            hits.append([])
        else:
            hits.append([sid for sid, c in owner[k].items() if c >= HOLD * n])
    return hits


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def kappa(pairs, labels):
    n = len(pairs)
    if not n:
        return 0.0
    po = sum(a == b for a, b in pairs) / n
    pe = sum((sum(a == lab for a, _ in pairs) / n) * (sum(b == lab for _, b in pairs) / n)
             for lab in labels)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def score(out, gold_path):
    sents, stance, frames, ents = load_export(out)
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    res = {"docs": len(gold), "docs_missing": []}
    st_pairs, fr_counts = [], defaultdict(lambda: [0, 0, 0])
    kept = lost = bp_total = bp_removed = 0
    e_tp = e_fp = e_fn = 0
    type_ok = type_n = 0
    for g in gold:
        doc = base(g["doc"])
        if doc not in sents:
            res["docs_missing"].append(doc)
        aligned = align(g["sentences"], sents.get(doc, []))
        for s, hits in zip(g["sentences"], aligned):
            if not words(s["text"]):
                continue  # punctuation only: nothing to find
            if s.get("boilerplate"):
                bp_total += 1
                bp_removed += not hits
                continue
            kept += bool(hits)
            lost += not hits
            got = [x for h in hits for x in stance[doc].get(h, [])]
            pred = "none"
            if got:
                pred = max(("pro", "con"), key=lambda lab: (got.count(lab), lab == got[0]))
            st_pairs.append((s.get("stance", "none"), pred))
            pf = set().union(*(frames[doc].get(h, set()) for h in hits)) if hits else set()
            gf = set(s.get("frames", []))
            for f in set(FRAMES) | pf | gf:
                c = fr_counts[f]
                c[0] += f in pf and f in gf
                c[1] += f in pf and f not in gf
                c[2] += f in gf and f not in pf
        # entities, article level
        gold_ents = g.get("entities", [])
        pred = ents.get(doc, {})
        matched_pred = set()
        for ge in gold_ents:
            names = {fold(ge["name"])} | {fold(a) for a in ge.get("aliases", [])}
            hit = next((k for k, (_, _, surf) in pred.items() if k in names or surf & names), None)
            if hit is None:
                e_fn += 1
            else:
                e_tp += 1
                matched_pred.add(hit)
                type_n += 1
                type_ok += (pred[hit][1] or "").upper() == ge["type"].upper()
        e_fp += len(set(pred) - matched_pred)
    # stance
    st = {}
    for lab in ("pro", "con"):
        tp = sum(1 for g, p in st_pairs if g == lab and p == lab)
        fp = sum(1 for g, p in st_pairs if g != lab and p == lab)
        fn = sum(1 for g, p in st_pairs if g == lab and p != lab)
        st[lab] = dict(zip(("p", "r", "f1"), prf(tp, fp, fn)), support=tp + fn)
    res["stance"] = st
    res["stance_macro_f1"] = (st["pro"]["f1"] + st["con"]["f1"]) / 2
    res["stance_accuracy"] = sum(g == p for g, p in st_pairs) / len(st_pairs) if st_pairs else 0.0
    res["stance_kappa"] = kappa(st_pairs, STANCES)
    res["stance_confusion"] = {g: {p: sum(1 for a, b in st_pairs if a == g and b == p) for p in STANCES} for g in STANCES}
    # frames
    tp = sum(fr_counts[f][0] for f in fr_counts)
    fp = sum(fr_counts[f][1] for f in fr_counts)
    fn = sum(fr_counts[f][2] for f in fr_counts)
    res["frames_micro"] = dict(zip(("p", "r", "f1"), prf(tp, fp, fn)))
    res["frames"] = {f: dict(zip(("p", "r", "f1"), prf(*fr_counts[f])), support=fr_counts[f][0] + fr_counts[f][2])
                     for f in sorted(fr_counts)}
    # entities
    res["entities"] = dict(zip(("p", "r", "f1"), prf(e_tp, e_fp, e_fn)), tp=e_tp, fp=e_fp, fn=e_fn)
    res["entity_type_accuracy"] = type_ok / type_n if type_n else 0.0
    # cleaning
    res["body_sentences_kept"] = kept / (kept + lost) if kept + lost else 0.0
    res["boilerplate_removed"] = bp_removed / bp_total if bp_total else 1.0
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("export_dir", type=Path)
    ap.add_argument("gold", type=Path)
    ap.add_argument("--json", type=Path, help="also write the full result here")
    a = ap.parse_args()
    if not (a.export_dir / "sentences.csv").exists():
        sys.exit(f"score: no sentences.csv in {a.export_dir}")
    r = score(a.export_dir, a.gold)
    if a.json:
        a.json.write_text(json.dumps(r, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"documents: {r['docs']}  missing from export: {len(r['docs_missing'])} {r['docs_missing'][:5]}")
    print(f"cleaning: body sentences kept {r['body_sentences_kept']:.3f}  boilerplate removed {r['boilerplate_removed']:.3f}")
    e = r["entities"]
    print(f"entities (article level): P {e['p']:.3f}  R {e['r']:.3f}  F1 {e['f1']:.3f}  "
          f"(tp {e['tp']} fp {e['fp']} fn {e['fn']})  type accuracy {r['entity_type_accuracy']:.3f}")
    print("stance:", "  ".join(f"{k} P {v['p']:.3f} R {v['r']:.3f} F1 {v['f1']:.3f} (n={v['support']})"
                                 for k, v in r["stance"].items()))
    print(f"stance confusion (gold -> predicted): {r['stance_confusion']}")
    print("frames:", "  ".join(f"{k} {v['f1']:.2f}(n={v['support']})" for k, v in r["frames"].items()))
    m = r["frames_micro"]
    print(f"SUMMARY entity_f1={e['f1']:.3f} stance_macro_f1={r['stance_macro_f1']:.3f} "
          f"stance_kappa={r['stance_kappa']:.3f} frames_micro_f1={m['f1']:.3f} "
          f"boilerplate_removed={r['boilerplate_removed']:.3f} body_kept={r['body_sentences_kept']:.3f}")


if __name__ == "__main__":
    main()
