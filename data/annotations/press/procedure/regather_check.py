"""Check regathered texts of one task file against the manifest: exact / realigned / missing."""
import json, sys
sys.path.insert(0, "/work/main/src")
from pathlib import Path
from helpers.annotations import text_hash, _realign

MAN = {json.loads(l)["doc"]: json.loads(l) for l in open("/work/main/data/annotations/press/manifest.jsonl")}
DIR = Path("/work/main/data/external/press_ai")
task = json.load(open(sys.argv[1]))
counts = {}
for g in task:
    for t in g["targets"]:
        f = DIR / t["doc"]
        if not f.exists():
            st = "NOT SAVED"
        else:
            text = f.read_text(encoding="utf-8")
            e = MAN.get(t["doc"])
            if e is None:
                st = "saved (not in manifest: cannot verify)"
            elif text_hash(text) == e["sha256"]:
                st = "exact"
            elif _realign(e, text) is not None:
                st = "realigned"
            else:
                st = "MISMATCH (words differ from the coded text)"
        counts[st.split()[0]] = counts.get(st.split()[0], 0) + 1
        print(f"{t['doc']}\t{st}")
print(counts)
