"""What the learned boilerplate lines remove on an uncoded corpus (default: the off-topic press corpus).

    python benchmarks/boilerplate_press.py [FOLDER] [--examples 40] [--seed 0]

Prints how many lines and words the rules and the learned classifier remove, the share of words
removed per article, and a random sample of learned removals (with p) and of lines kept just under
the threshold, to read by eye: the classifier must not remove body text. No gold here: this is
a look, not a score.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

from helpers.boilerplate import load_line_model
from helpers.clean import apply_rules, clean_text, normalise_text
from helpers.training_data import offtopic_articles, offtopic_dir


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=None)
    ap.add_argument("--examples", type=int, default=40)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    model = load_line_model()
    if model is None:
        print("error: no shipped boilerplate model", file=sys.stderr)
        return 1
    folder = a.folder or offtopic_dir()
    bodies = offtopic_articles(folder)
    n_lines = n_rule = n_learned = words = words_learned = 0
    learned, near = [], []
    heavy = []
    for doc, body in bodies.items():
        lines = normalise_text(body).split("\n")
        keep, _, _ = apply_rules(lines)
        cleaned = clean_text(body)
        proba = model.proba(lines, keep)
        n_lines += sum(1 for line in lines if line)
        n_rule += sum(1 for line in lines if line) - len(keep)
        w_doc = len(re.findall(r"\w+", body))
        words += w_doc
        w_l = 0
        for r in cleaned.removed:
            if r.reason.startswith("boilerplate line (learned"):
                n_learned += 1
                w_l += len(re.findall(r"\w+", r.text))
                learned.append((doc, r.line, r.reason, r.text))
        for i, line in keep:
            if model.threshold * 0.7 <= proba[i] < model.threshold:
                near.append((doc, i, f"p={proba[i]:.2f}", line))
        words_learned += w_l
        heavy.append((w_l / max(w_doc, 1), doc))
    print(f"{folder}: {len(bodies)} articles, {n_lines} non-blank lines, {words} words; threshold {model.threshold:.3f}")
    print(f"rules removed {n_rule} lines; learned removed {n_learned} more lines "
          f"({words_learned} words, {words_learned / max(words, 1):.2%} of the words)")
    heavy.sort(reverse=True)
    print("articles with the largest share of words removed by the learned lines:",
          ", ".join(f"{d} {s:.0%}" for s, d in heavy[:8]))
    rng = random.Random(a.seed)
    print(f"\n--- {min(a.examples, len(learned))} learned removals (random) ---")
    for doc, i, reason, text in rng.sample(learned, min(a.examples, len(learned))):
        print(f"{doc}:{i} [{reason}] {text[:160]}")
    print(f"\n--- {min(a.examples // 2, len(near))} lines kept just under the threshold (random) ---")
    for doc, i, p, text in rng.sample(near, min(a.examples // 2, len(near))):
        print(f"{doc}:{i} [{p}] {text[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
