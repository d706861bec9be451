"""Check a coder's labels file against its batch: every article and sentence, valid codes."""
import json
import sys

FRAMES = {"innovation", "access", "transparency", "community", "economy", "geopolitics",
          "security", "regulation", "ethics", "competition"}
DEVICES = {"cuisine", "jardin", "combat", "analogie", "nature"}
REL = {"on_topic", "ai_general", "off_topic"}
TYPES = {"PER", "ORG", "LOC", "PRODUCT"}


def main() -> int:
    batch = [json.loads(x) for x in open(sys.argv[1], encoding="utf-8") if x.strip()]
    labels = {}
    errs = []
    for n, line in enumerate(open(sys.argv[2], encoding="utf-8"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            errs.append(f"line {n}: not JSON ({e})")
            continue
        labels[obj.get("doc")] = obj
    for art in batch:
        d = art["doc"]
        lab = labels.get(d)
        if lab is None:
            errs.append(f"{d}: no labels")
            continue
        if lab.get("relevance") not in REL:
            errs.append(f"{d}: relevance {lab.get('relevance')!r}")
        got = {s.get("i"): s for s in lab.get("sentences", [])}
        for s in art["sentences"]:
            x = got.get(s["i"])
            if x is None:
                errs.append(f"{d} i={s['i']}: missing")
                continue
            if x.get("b") not in (0, 1) or x.get("s") not in ("p", "c", "n"):
                errs.append(f"{d} i={s['i']}: bad b/s {x}")
            bad = set(x.get("f", [])) - FRAMES
            if bad:
                errs.append(f"{d} i={s['i']}: unknown frames {bad}")
            if set(x.get("d", [])) - DEVICES:
                errs.append(f"{d} i={s['i']}: unknown devices")
            if (x.get("b") == 1 or lab.get("relevance") != "on_topic") and (x.get("s") != "n" or x.get("f")):
                errs.append(f"{d} i={s['i']}: boilerplate/off-topic sentence must be s=n, f=[]")
        extra = set(got) - {s["i"] for s in art["sentences"]}
        if extra:
            errs.append(f"{d}: unknown sentence numbers {sorted(extra)[:5]}")
        for e in lab.get("entities", []):
            if e.get("type") not in TYPES or not e.get("name"):
                errs.append(f"{d}: bad entity {e}")
    for e in errs[:60]:
        print(e)
    if errs:
        print(f"{len(errs)} problems")
        return 1
    print(f"OK: {len(batch)} articles, {sum(len(a['sentences']) for a in batch)} sentences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
