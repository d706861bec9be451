"""Frame tables: prevalence, profiles, co-occurrence, examples, and generated commentary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc

from ..display import md_escape
from .lexicon import FRAME_COLUMNS, FRAMES, Lexicon

# --------------------------------------------------------------------------- profiles

def _doc_order(sentences: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(sentences["doc_id"])) if len(sentences) else []


def frame_prevalence(frames: pd.DataFrame, sentences: pd.DataFrame, labels: Sequence[str] = FRAMES,
                     label_col: str = "frame") -> pd.DataFrame:
    """Per frame: sentences carrying it, their share of all sentences, articles where it appears, mean score."""
    n_sent = len(sentences)
    rows = []
    for lab in labels:
        sub = frames[frames[label_col] == lab] if len(frames) else frames
        n = sub[["doc_id", "sent_id"]].drop_duplicates().shape[0] if len(sub) else 0
        rows.append({label_col: lab, "n_sentences": n, "share_sentences": n / n_sent if n_sent else 0.0,
                     "n_articles": sub["doc_id"].nunique() if len(sub) else 0,
                     "mean_score": float(sub["score"].mean()) if len(sub) else 0.0})
    return pd.DataFrame(rows).sort_values("n_sentences", ascending=False, kind="stable").reset_index(drop=True)


def frame_profile(frames: pd.DataFrame, sentences: pd.DataFrame, labels: Sequence[str] = FRAMES,
                  label_col: str = "frame") -> pd.DataFrame:
    """Per article and frame: n_sentences, share of the article's sentences, and per 1,000 tokens."""
    docs = _doc_order(sentences)
    n_sent = sentences.groupby("doc_id").size() if len(sentences) else pd.Series(dtype=int)
    n_tok = sentences.groupby("doc_id")["n_tokens"].sum() if len(sentences) else pd.Series(dtype=int)
    counts = (frames.drop_duplicates(["doc_id", "sent_id", label_col]).groupby(["doc_id", label_col]).size()
              if len(frames) else pd.Series(dtype=int))
    rows = []
    for d in docs:
        for lab in labels:
            n = int(counts.get((d, lab), 0)) if len(counts) else 0
            ns, nt = int(n_sent.get(d, 0)), int(n_tok.get(d, 0))
            rows.append({"doc_id": d, label_col: lab, "n_sentences": n, "share": n / ns if ns else 0.0,
                         "per_1000_tokens": 1000 * n / nt if nt else 0.0})
    return pd.DataFrame(rows, columns=["doc_id", label_col, "n_sentences", "share", "per_1000_tokens"])


def profile_matrix(profile: pd.DataFrame, value: str = "share", label_col: str = "frame",
                   labels: Sequence[str] = FRAMES) -> pd.DataFrame:
    """The profile as a wide table: one row per article, one column per frame."""
    if not len(profile):
        return pd.DataFrame(columns=list(labels), dtype=float)
    m = profile.pivot(index="doc_id", columns=label_col, values=value)
    return m.reindex(index=list(dict.fromkeys(profile["doc_id"])), columns=list(labels)).fillna(0.0)


def frame_cooccurrence(frames: pd.DataFrame, labels: Sequence[str] = FRAMES) -> pd.DataFrame:
    """Frames x frames: number of sentences carrying both (the diagonal: sentences carrying the frame)."""
    mat = pd.DataFrame(0, index=list(labels), columns=list(labels), dtype=int)
    if not len(frames):
        return mat
    for _, grp in frames.groupby(["doc_id", "sent_id"]):
        present = [f for f in labels if f in set(grp["frame"])]
        for a in present:
            for b in present:
                mat.loc[a, b] += 1
    return mat


def top_pairs(cooc: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The most frequent pairs of different frames in the same sentence."""
    rows = [{"frame_a": a, "frame_b": b, "n_sentences": int(cooc.loc[a, b])}
            for i, a in enumerate(cooc.index) for b in cooc.columns[i + 1:] if cooc.loc[a, b] > 0]
    df = pd.DataFrame(rows, columns=["frame_a", "frame_b", "n_sentences"])
    return df.sort_values("n_sentences", ascending=False, kind="stable").head(n).reset_index(drop=True)


def strongest_examples(table: pd.DataFrame, label: str, n: int = 3, label_col: str = "frame") -> pd.DataFrame:
    """The n sentences with the highest score for one label (ties: more cues first, then text order)."""
    if not len(table):
        return table
    sub = table[table[label_col] == label].copy()
    sub["_n"] = sub["cues"].fillna("").str.count(";") + 1
    sub = sub.sort_values(["score", "_n", "doc_id", "sent_id"], ascending=[False, False, True, True], kind="stable")
    return sub.drop(columns="_n").head(n)


def cue_frequencies(table: pd.DataFrame, label_col: str = "frame") -> pd.DataFrame:
    """How often each cue (lower-cased surface) supports each label: where to look when a label misfires."""
    if not len(table):
        return pd.DataFrame(columns=[label_col, "cue", "n_sentences"])
    rows = [(r[label_col], c.strip().lower()) for _, r in table.iterrows()
            for c in str(r["cues"]).split(";") if c.strip()]
    df = pd.DataFrame(rows, columns=[label_col, "cue"])
    out = df.groupby([label_col, "cue"]).size().rename("n_sentences").reset_index()
    return out.sort_values([label_col, "n_sentences"], ascending=[True, False], kind="stable").reset_index(drop=True)


def sentence_frames(frames: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """The sentences table with a `frames` column (frames joined with ", ", empty when none)."""
    out = sentences[["doc_id", "sent_id", "text"]].copy()
    if len(frames):
        joined = frames.groupby(["doc_id", "sent_id"])["frame"].agg(lambda s: ", ".join(s)).rename("frames")
        out = out.merge(joined.reset_index(), on=["doc_id", "sent_id"], how="left")
    else:
        out["frames"] = ""
    out["frames"] = out["frames"].fillna("")
    return out


# --------------------------------------------------------------------------- commentary

def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def describe_prevalence(prevalence: pd.DataFrame, frames: pd.DataFrame, sentences: pd.DataFrame) -> str:
    """Markdown commentary on frame prevalence, generated from the tables."""
    n_sent = len(sentences)
    if not n_sent:
        return "_The corpus has no sentences._"
    if not len(frames):
        return f"_No frame cue was found in the {n_sent} sentences of this corpus._"
    framed = frames[["doc_id", "sent_id"]].drop_duplicates().shape[0]
    n_docs = sentences["doc_id"].nunique()
    present = prevalence[prevalence["n_sentences"] > 0]
    top = present.head(3)
    parts = [f"**{r.frame}** ({r.n_sentences} sentences, {_pct(r.share_sentences)}, in {r.n_articles} of "
             f"{n_docs} article{'s' if n_docs != 1 else ''})" for r in top.itertuples()]
    text = (f"{framed} of {n_sent} sentences ({_pct(framed / n_sent)}) carry at least one frame, "
            f"{len(frames) / framed:.1f} frames on average when they carry any. "
            f"The most frequent frames are {', '.join(parts)}.")
    absent = [f for f in prevalence.loc[prevalence["n_sentences"] == 0, "frame"]]
    if absent:
        text += f" Not found at all: {', '.join(absent)}."
    return text


def describe_profiles(profile: pd.DataFrame, documents: pd.DataFrame | None = None) -> str:
    """Markdown: for each of the most distinctive frames, the article where it weighs most."""
    if not len(profile) or profile["n_sentences"].sum() == 0:
        return "_No frame to compare between articles._"
    lines = []
    docs = profile["doc_id"].nunique()
    if docs < 2:
        d = profile["doc_id"].iloc[0]
        top = profile.sort_values("share", ascending=False).head(3)
        items = ", ".join(f"{r.frame} ({_pct(r.share)})" for r in top.itertuples() if r.n_sentences)
        return f"One article ({md_escape(d)}): its main frames are {items}."
    for frame, grp in profile.groupby("frame", sort=False):
        if grp["n_sentences"].sum() == 0:
            continue
        best = grp.sort_values("share", ascending=False).iloc[0]
        mean = grp["share"].mean()
        lines.append((best["share"] - mean, f"- **{frame}** weighs most in {md_escape(best['doc_id'])} "
                      f"({_pct(best['share'])} of its sentences, corpus mean {_pct(mean)})"))
    lines.sort(key=lambda x: -x[0])
    return "Where each frame stands out most (largest gap to the mean first):\n\n" + "\n".join(x[1] for x in lines[:5])


def describe_cooccurrence(cooc: pd.DataFrame) -> str:
    """Markdown: the frame pairs that appear together most often."""
    pairs = top_pairs(cooc, 3)
    if not len(pairs):
        return "_No sentence carries two frames at once._"
    items = [f"**{r.frame_a} + {r.frame_b}** ({r.n_sentences} sentences)" for r in pairs.itertuples()]
    return "The frames most often combined in one sentence: " + ", ".join(items) + "."


def describe_devices(devices: pd.DataFrame, sentences: pd.DataFrame) -> str:
    """Markdown commentary on framing devices."""
    if not len(devices):
        return "_No metaphor or analogy cue was found in this corpus._"
    by = devices.groupby("device")
    items = [f"**{d}** ({len(g)} sentences in {g['doc_id'].nunique()} article{'s' if g['doc_id'].nunique() != 1 else ''})"
             for d, g in sorted(by, key=lambda x: -len(x[1]))]
    n_docs = sentences["doc_id"].nunique()
    with_dev = devices["doc_id"].nunique()
    return (f"{with_dev} of {n_docs} articles use at least one metaphor or analogy family. "
            f"By family: {', '.join(items)}.")





def lexicon_summary(lex: Lexicon) -> pd.DataFrame:
    """Per label: its name, and how many strong, weak, actor and exclusion entries and combination rules it has."""
    rows = []
    for lab in lex.labels:
        rows.append({"label": lab, "name": lex.info[lab]["name"],
                     "strong cues": len(lex.cues_of(lab, "strong")), "weak cues": len(lex.cues_of(lab, "weak")),
                     "actor cues": len(lex.cues_of(lab, "actor")),
                     "exclusions": len(lex.cues_of(lab, "exclude")),
                     "combination rules": len(lex.combos.get(lab, []))})
    return pd.DataFrame(rows)




def frames_table(docs: Mapping[str, Doc], lexicon_path: str | Path | None = None,
                 detector: str | None = None) -> pd.DataFrame:
    """One row per (sentence, frame): doc_id, sent_id, frame, cues ("; "), score, negated, prob, evidence, text.

    detector: "learned" (the shipped model), "rules" (the lexicon alone: the explainable baseline) or None (the
    default: learned when the model is shipped and its card shows it better than the rules on the same
    cross-validation folds with 95 % confidence, else the rules: learning.shipped.rules_preferred). With the learned detector, `prob` is the calibrated probability
    of the frame, `score` the same probability, `evidence` the features that weighed most, and `cues`/`negated`
    the rule cues of that frame when there are any; with the rules, `prob` is empty and `evidence` lists the cues.
    A custom lexicon implies the rule detector."""
    from ..learning.shipped import resolve_detector
    from .rules import rule_frames_table

    det = "rules" if lexicon_path is not None else resolve_detector(detector, "frames")
    if det == "rules":
        return rule_frames_table(docs, lexicon_path)
    from .learned import learned_frame_rows

    rows = []
    for doc_id, doc in docs.items():
        if (doc.lang_ or "fr") == "fr":
            rows += learned_frame_rows(doc_id, doc)
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)
