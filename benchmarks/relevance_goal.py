"""The relevance goal, measured on articles the relevance model did not train on.

    python benchmarks/relevance_goal.py [--press ../shared/press] [--update-card] [--final-test]

Goal (issue 10): on the off-topic press corpus (gilets jaunes), at most 1 % of sentences with a frame
and 0.1 % with a stance after gating; on coded on-topic articles, no loss of recall (share of the
gold sentences with a stance or frames whose article stays on topic, so that they keep their
labels). Prints, for the press corpus, the shares before gating, after gating with out-of-fold
relevance labels (each article judged by a model trained without it: the honest figure) and with
the shipped model (in-sample for these articles); for the gold, the out-of-fold on-topic recall.
The press corpus's frames and stances (rule detectors, ungated) are computed once and cached in
data/processed/press_eval/.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers import relevance as R
from helpers import relevance_train as RT
from helpers.training_data import gold_articles, offtopic_dir

CACHE = paths.PROCESSED_DIR / "press_eval"


def press_tables(press: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(sentences, frames, stances) of the press corpus, ungated, from the cache or computed."""
    files = [CACHE / f"{n}.parquet" for n in ("sentences", "frames", "stances")]
    if all(f.exists() for f in files):
        return tuple(pd.read_parquet(f) for f in files)  # type: ignore[return-value]
    from helpers.pipeline import build_corpus

    c = build_corpus(press, relevance="all", progress=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    out = (c.sentences, c.frames_ungated, c.stances)
    for f, df in zip(files, out, strict=True):
        df.to_parquet(f, index=False)
    return out


def shares(sentences: pd.DataFrame, frames: pd.DataFrame, stances: pd.DataFrame,
           labels: dict[str, str] | None) -> dict[str, float]:
    """Share of sentences with at least one frame / a pro or con stance, after gating with labels (None: ungated)."""
    if labels is None:
        f, s = frames, stances
    else:
        rel = pd.DataFrame({"doc_id": list(labels), "relevance": list(labels.values())})
        f, s = R.gate(frames, stances, R.sentence_targets(sentences, rel))
    n = len(sentences)
    with_frame = len(f[["doc_id", "sent_id"]].drop_duplicates())
    with_stance = int(s["stance"].isin(["pro", "con"]).sum())
    return {"sentences": n, "with_frame": with_frame, "with_stance": with_stance,
            "share_frame": round(with_frame / n, 5), "share_stance": round(with_stance / n, 5),
            "articles_on_topic": sum(v == "on_topic" for v in (labels or {}).values()) if labels else None}


def gold_recall(arts, pred: dict[str, str]) -> dict[str, float]:
    """Among on-topic gold articles' sentences with a stance or frames: the share whose article is kept on topic."""
    n = kept = n_art = kept_art = 0
    lost = []
    for a in arts:
        if a.relevance != "on_topic":
            continue
        coded = [s for s in a.sentences if not s.get("boilerplate") and
                 (s.get("stance", "none") != "none" or s.get("frames"))]
        on = pred.get(a.group) == "on_topic"
        n += len(coded)
        kept += len(coded) * on
        n_art += 1
        kept_art += on
        if not on:
            lost.append(a.group)
    return {"sentences": n, "kept": kept, "recall": round(kept / n, 4) if n else None, "articles": n_art,
            "articles_kept": kept_art, "lost_articles": lost}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--press", type=Path, default=None)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--update-card", action="store_true", help="write the figures into relevance_card.json")
    ap.add_argument("--final-test", action="store_true", help="also the shipped model on the final_test split")
    a = ap.parse_args(argv)
    press = a.press or offtopic_dir()
    if press is None:
        print("error: no off-topic press corpus (give --press)", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    sentences, frames, stances = press_tables(press)
    exs = RT.examples()
    oof = RT.cross_val_predictions(exs, n_splits=a.folds)
    oof["group"] = oof["source"] + ":" + oof["doc"]
    press_oof = {r.doc: r.pred for r in oof.itertuples() if r.source == "offtopic_press"}
    bundle = R.load_model()
    texts = {e.doc: e.text for e in exs if e.source == "offtopic_press"}
    shipped = dict(zip(texts, R.relevance_table(texts)["relevance"], strict=True)) if bundle else None
    res = {
        "press_corpus": str(press),
        "ungated": shares(sentences, frames, stances, None),
        "gated_out_of_fold": shares(sentences, frames, stances, press_oof),
        "gated_shipped_model_in_sample": shares(sentences, frames, stances, shipped) if shipped else None,
        "gold_on_topic_recall_out_of_fold": gold_recall(gold_articles(), dict(zip(oof["group"], oof["pred"],
                                                                               strict=True))),
        "goal": "press: share_frame <= 0.01 and share_stance <= 0.001; gold on-topic recall 1.0",
    }
    if a.final_test and bundle:
        test = gold_articles(sources=("press",), splits=("final_test",))
        from helpers.clean import clean_text

        tt = {t.group: clean_text(t.body).text for t in test}
        pred = dict(zip(tt, R.relevance_table(tt)["relevance"], strict=True)) if tt else {}
        res["final_test_shipped"] = {"on_topic_recall": gold_recall(test, pred),
                                     "labels": {g: {"gold": t.relevance, "pred": pred.get(t.group)}
                                                for g, t in zip(tt, test, strict=True)}}
    res["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(res, indent=2, ensure_ascii=False))
    g, o = res["ungated"], res["gated_out_of_fold"]
    print(f"press: frames {g['share_frame']:.2%} -> {o['share_frame']:.3%} of {o['sentences']} sentences, "
          f"stance {g['share_stance']:.2%} -> {o['share_stance']:.3%} (out of fold); gold on-topic recall "
          f"{res['gold_on_topic_recall_out_of_fold']['recall']}")
    if a.update_card and R.CARD_PATH.exists():
        card = json.loads(R.CARD_PATH.read_text(encoding="utf-8"))
        card["press_goal"] = res
        R.CARD_PATH.write_text(json.dumps(card, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
