"""Merge the two passes and the adjudication into the press gold (seed gold format + article fields).

usage: build_gold.py BATCH.jsonl...   -> /work/coding/gold_press.jsonl
"""
import csv
import glob
import hashlib
import json
import sys
from collections import Counter

from agree import load

ST = {"p": "pro", "c": "con", "n": "none"}


def main():
    batch = {}
    for f in sys.argv[1:]:
        for line in open(f, encoding="utf-8"):
            if line.strip():
                o = json.loads(line)
                batch[o["doc"]] = o
    A, B = load("/work/coding/passA/*.labels.jsonl"), load("/work/coding/passB/*.labels.jsonl")
    adj_s, adj_rel, adj_ent = {}, {}, {}
    for f in glob.glob("/work/coding/adjudication/*.jsonl"):
        for line in open(f, encoding="utf-8"):
            if not line.strip():
                continue
            o = json.loads(line)
            if o.get("field") == "relevance":
                adj_rel[o["doc"]] = o
            elif o.get("field") == "entities":
                adj_ent[o["doc"]] = o
            else:
                adj_s[(o["doc"], o["i"])] = o
    src = {}
    for m in glob.glob("/work/gather/*/manifest.csv"):
        for row in csv.DictReader(open(m, encoding="utf-8")):
            src[row["file"]] = row
    out, problems, reasons, pending = [], [], Counter(), []
    seen = {}
    for d, art in sorted(batch.items()):
        body = " ".join(x["text"] for x in art["sentences"])
        key_t = hashlib.sha256(body.encode()).hexdigest()
        dup = seen.get(art.get("url")) or seen.get(key_t)
        if dup:
            problems.append(f"{d}: duplicate of {dup} (same URL or text), left out")
            continue
        seen[art.get("url")] = d
        seen[key_t] = d
        if d not in A or d not in B:
            problems.append(f"{d}: not coded twice")
            continue
        ra, rb = A[d]["relevance"], B[d]["relevance"]
        if ra == rb:
            rel = ra
        elif d in adj_rel:
            rel = adj_rel[d]["value"]
        else:
            problems.append(f"{d}: relevance not adjudicated")
            continue
        ea = {(e["name"].lower(), e["type"]) for e in A[d].get("entities", [])}
        eb = {(e["name"].lower(), e["type"]) for e in B[d].get("entities", [])}
        if ea == eb:
            ents = A[d].get("entities", [])
        elif d in adj_ent:
            ents = adj_ent[d]["entities"]
        else:
            problems.append(f"{d}: entities not adjudicated, article left out (pending)")
            pending.append(d)
            continue
        la = {s["i"]: s for s in A[d]["sentences"]}
        lb = {s["i"]: s for s in B[d]["sentences"]}
        sents, unsettled = [], False
        for s in art["sentences"]:
            x, y = la[s["i"]], lb[s["i"]]
            same = x["s"] == y["s"] and x["b"] == y["b"] and set(x.get("f", [])) == set(y.get("f", []))
            if same:
                lab = {"b": x["b"], "s": x["s"], "f": sorted(set(x.get("f", []))),
                       "d": sorted(set(x.get("d", [])) & set(y.get("d", [])) or set(x.get("d", [])) | set(y.get("d", [])))}
            elif (d, s["i"]) in adj_s:
                o = adj_s[(d, s["i"])]
                lab = {"b": o["b"], "s": o["s"], "f": sorted(set(o.get("f", []))), "d": o.get("d", [])}
                reasons["adjudicated"] += 1
            else:
                problems.append(f"{d} i={s['i']}: not adjudicated")
                unsettled = True
                continue
            boiler = bool(lab["b"])
            stance = ST.get(lab["s"], lab["s"])
            frames = lab["f"]
            if boiler or rel != "on_topic":
                stance, frames = "none", []
            sents.append({"i": s["i"], "start": s["start"], "end": s["end"], "text": s["text"],
                          "boilerplate": boiler, "stance": stance, "frames": frames,
                          "devices": [] if boiler else lab["d"]})
        if unsettled:
            # an article is only in the gold when every disagreement in it has been settled
            problems.append(f"{d}: sentence disagreements not adjudicated, article left out (pending)")
            pending.append(d)
            continue
        url = art.get("url", "")
        # batch d (gathered in the third session) puts 40 % of its articles in the final test, so that the
        # final test holds articles no model choice has ever been scored on
        # batch e (ninth session): 30 %, articles no model has been scored on before
        share = 40 if d.startswith("d") else 30 if d.startswith("e") else 15
        split = "final_test" if int(hashlib.sha256(url.encode()).hexdigest()[:8], 16) % 100 < share else "train"
        out.append({"doc": d, "url": url, "source": src.get(d, {}).get("url", url).split("/")[2].removeprefix("www.") if url else "",
                    "relevance": rel, "split": split, "sentences": sents, "entities": ents})
    with open("/work/coding/gold_press.jsonl", "w", encoding="utf-8") as fh:
        for o in out:
            fh.write(json.dumps(o, ensure_ascii=False) + "\n")
    st = Counter(s["stance"] for o in out for s in o["sentences"])
    print(f"{len(out)} articles, {sum(len(o['sentences']) for o in out)} sentences, stance {dict(st)}, "
          f"relevance {dict(Counter(o['relevance'] for o in out))}, split {dict(Counter(o['split'] for o in out))}, "
          f"boilerplate {sum(s['boilerplate'] for o in out for s in o['sentences'])}, {reasons['adjudicated']} adjudicated")
    for p in problems[:40]:
        print("PROBLEM", p)
    print(len(problems), "problems")
    with open("/work/coding/pending_adjudication.txt", "w", encoding="utf-8") as fh:
        fh.write("".join(f"{d}\n" for d in sorted(set(pending))))
    print(len(set(pending)), "articles left out until adjudicated: /work/coding/pending_adjudication.txt")


if __name__ == "__main__":
    main()
