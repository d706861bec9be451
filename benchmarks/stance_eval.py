"""Score helpers.stance alone against the gold and list its errors.

    .venv/bin/python benchmarks/stance_eval.py [CORPUS_DIR] [GOLD] [--errors]

Writes sentences.csv and arguments.csv to a temporary folder, runs the project's scorer
(shared/eval/score.py, or $SCORE_PY) on it, and with --errors prints each gold sentence whose
stance differs, with the cues and rules that decided the prediction. Nothing is trained: the
lexicon and rules are fixed, so the score on the seeds is not an in-sample fit of parameters
(the lexicon was, however, written and revised while reading the seed articles; see the notebook).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from helpers.paths import GOLD_FILE, PROJECT_ROOT, RAW_DIR
from helpers.pipeline import build_corpus
from helpers.stance import arguments_table, stance_table

SCORER = Path(os.environ.get("SCORE_PY", PROJECT_ROOT.parent / "shared" / "eval" / "score.py"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus_dir", nargs="?", default=str(RAW_DIR))
    ap.add_argument("gold", nargs="?", default=str(GOLD_FILE))
    ap.add_argument("--errors", action="store_true")
    a = ap.parse_args()
    corpus = build_corpus(a.corpus_dir, progress=False)
    frames = None
    try:
        frames = corpus.frames
    except Exception as exc:  # noqa: BLE001 - framing may not exist yet
        print(f"(no frames: {exc})", file=sys.stderr)
    st = stance_table(corpus.docs, frames=frames)
    out = Path(tempfile.mkdtemp(prefix="stance-eval-"))
    corpus.sentences[["doc_id", "sent_id", "text"]].to_csv(out / "sentences.csv", index=False)
    arguments_table(st).to_csv(out / "arguments.csv", index=False)
    subprocess.run([sys.executable, str(SCORER), str(out), a.gold], check=True)
    if not a.errors:
        return
    sys.path.insert(0, str(SCORER.parent))
    import score as scorer  # type: ignore

    sents, *_ = scorer.load_export(out)
    pred = {(r.doc_id, str(r.sent_id)): r for r in st.itertuples()}
    for line in Path(a.gold).read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        hits = scorer.align(g["sentences"], sents.get(g["doc"], []))
        for s, h in zip(g["sentences"], hits):
            if s.get("boilerplate") or not h:
                continue
            r = pred.get((g["doc"], h[0]))
            if r is None or r.stance == s["stance"]:
                continue
            print(f"{g['doc'][:3]}#{h[0]:>3} gold {s['stance']:4} pred {r.stance:4} score {r.score:+.2f} "
                  f"target {r.target or '-':7} cues [{r.cues}] rules [{r.rules}]\n      {s['text']}")


if __name__ == "__main__":
    main()
