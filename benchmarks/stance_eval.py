"""Score helpers.stance alone against the gold and list its errors.

    .venv/bin/python benchmarks/stance_eval.py [CORPUS_DIR] [GOLD] [--errors]

Writes sentences.csv and arguments.csv to a temporary folder, runs the project's scorer
(shared/eval/score.py, or $SCORE_PY) on it, and with --errors prints each gold sentence whose
stance differs, with the cues and rules that decided the prediction. Nothing is trained: the
lexicon and rules are fixed, so the score on the seeds is not an in-sample fit of parameters
(the lexicon was, however, first written while reading the seed articles, then broadened from the
codebook and a development set, data/annotations/dev/, which is in-sample for it too).
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
    ap.add_argument("--loao", action="store_true",
                    help="leave-one-article-out choice of threshold and context factor")
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
    sys.path.insert(0, str(SCORER.parent))
    import score as scorer  # type: ignore

    if a.loao:
        loao(corpus, a.gold, scorer)
    if not a.errors:
        return

    sents, *_ = scorer.load_export(out)
    pred = {(r.doc_id, str(r.sent_id)): r for r in st.itertuples()}
    for line in Path(a.gold).read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        hits = scorer.align(g["sentences"], sents.get(g["doc"], []))
        for s, h in zip(g["sentences"], hits, strict=True):
            if s.get("boilerplate") or not h:
                continue
            r = pred.get((g["doc"], h[0]))
            if r is None or r.stance == s["stance"]:
                continue
            print(f"{g['doc'][:3]}#{h[0]:>3} gold {s['stance']:4} pred {r.stance:4} score {r.score:+.2f} "
                  f"target {r.target or '-':7} cues [{r.cues}] rules [{r.rules}]\n      {s['text']}")


GRID_THRESHOLD = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
GRID_CONTEXT = (0.5, 0.75, 1.0)


def _pairs(st, gold_docs, scorer, sents) -> dict[str, list[tuple[str, str]]]:
    """Per article: (gold, predicted) stance pairs aligned as score.py does."""
    pred = {(r.doc_id, str(r.sent_id)): r.stance for r in st.itertuples()}
    out: dict[str, list[tuple[str, str]]] = {}
    for g in gold_docs:
        hits = scorer.align(g["sentences"], sents.get(g["doc"], []))
        pairs = []
        for s, h in zip(g["sentences"], hits, strict=True):
            if s.get("boilerplate") or not scorer.words(s["text"]):
                continue
            got = [pred.get((g["doc"], x), "none") for x in h]
            got = [x for x in got if x != "none"]
            p = max(("pro", "con"), key=lambda lab: (got.count(lab), lab == got[0])) if got else "none"
            pairs.append((s.get("stance", "none"), p))
        out[g["doc"]] = pairs
    return out


def _macro(pairs: list[tuple[str, str]]) -> float:
    f = []
    for lab in ("pro", "con"):
        tp = sum(g == lab and p == lab for g, p in pairs)
        fp = sum(g != lab and p == lab for g, p in pairs)
        fn = sum(g == lab and p != lab for g, p in pairs)
        f.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f) / 2


def loao(corpus, gold_path: str, scorer) -> None:
    """Choose (threshold, context_factor) on all articles but one, score that one; pool the held-out folds."""
    import dataclasses

    from helpers.stance import load_lexicon

    base = load_lexicon()
    gold_docs = [json.loads(x) for x in Path(gold_path).read_text(encoding="utf-8").splitlines() if x.strip()]
    sents = {d: [(str(r.sent_id), scorer.words(r.text)) for r in grp.itertuples()]
             for d, grp in corpus.sentences.groupby("doc_id")}
    by_setting = {}
    for t in GRID_THRESHOLD:
        for c in GRID_CONTEXT:
            lex = dataclasses.replace(base, settings={**base.settings, "threshold": t, "context_factor": c})
            by_setting[(t, c)] = _pairs(stance_table(corpus.docs, lexicon=lex), gold_docs, scorer, sents)
    docs = [g["doc"] for g in gold_docs]
    pooled = []
    for held in docs:
        train = [d for d in docs if d != held]
        best = max(by_setting, key=lambda k: (_macro([p for d in train for p in by_setting[k][d]]),
                                              k == (base.settings["threshold"], base.settings["context_factor"])))
        pooled += by_setting[best][held]
        acc = sum(g == p for g, p in by_setting[best][held]) / max(1, len(by_setting[best][held]))
        print(f"held out {held}: chosen threshold={best[0]} context_factor={best[1]}  held-out accuracy {acc:.3f}")
    fixed = [p for d in docs for p in by_setting[(base.settings["threshold"], base.settings["context_factor"])][d]]
    print(f"LOAO pooled macro-F1 (settings chosen without the scored article): {_macro(pooled):.3f}")
    print(f"fixed settings of stance.yml, all articles: {_macro(fixed):.3f}")
    print("grid (macro-F1 on all articles):", {k: round(_macro([p for d in docs for p in v[d]]), 3)
                                          for k, v in by_setting.items()})


if __name__ == "__main__":
    main()
