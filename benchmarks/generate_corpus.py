"""Generate a scale corpus: N synthetic articles made of shuffled paragraphs of a source corpus.

    python benchmarks/generate_corpus.py N OUT_DIR [--source data/raw] [--seed 0]

Each article mixes paragraphs drawn from different source articles (so that near-duplicate detection
does not fold them) and keeps realistic boilerplate lines; the texts are for timing, not for analysis.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path


def paragraphs(source: Path) -> list[str]:
    """Non-empty lines of every .txt file of the source folder."""
    out: list[str] = []
    for p in sorted(source.rglob("*.txt")):
        out += [line for line in p.read_text(encoding="utf-8", errors="replace").splitlines() if len(line) > 40]
    return out


def generate(n: int, out_dir: Path, source: Path, seed: int = 0, paras: int = 12) -> list[Path]:
    """Write n articles to out_dir; returns their paths."""
    rng = random.Random(seed)
    pool = paragraphs(source)
    if not pool:
        raise SystemExit(f"no paragraph found in {source}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(n):
        body = [rng.choice(pool) for _ in range(paras)]
        text = (f"TITLE: Article synthétique {i}\nDATE: 2025-{1 + i % 12:02d}-{1 + i % 28:02d}\n"
                f"SOURCE: Source {i % 7}\n\n" + "\n".join(body) + f"\nLire aussi : un autre article {i}\n")
        path = out_dir / f"synthetic_{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


ROOT = Path(__file__).resolve().parents[1]
# ../shared/press beside the project (a worktree one level deeper also finds it); read in place, never copied
PRESS = next((p for p in (ROOT.parent / "shared" / "press", ROOT.parent.parent / "shared" / "press") if p.is_dir()),
             ROOT.parent / "shared" / "press")


def first_articles(corpus_dir: str | None, limit: int, tmp: Path) -> tuple[Path, str]:
    """A folder with the first `limit` .txt articles of `corpus_dir` (default: the press corpus), and its label.

    The articles are symlinked into `tmp`, so nothing is copied; without such a folder, `limit` articles are
    generated from data/raw.
    """
    folder = Path(corpus_dir) if corpus_dir else PRESS
    if not folder.is_dir():
        out = tmp / "generated"
        generate(limit, out, ROOT / "data" / "raw", seed=0)
        return out, f"generated from data/raw ({limit} articles)"
    sub = tmp / "subset"
    sub.mkdir()
    for p in sorted(x for x in folder.iterdir() if x.suffix == ".txt")[:limit]:
        (sub / p.name).symlink_to(p.resolve())
    return sub, str(folder)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--source", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "raw")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    print(f"wrote {len(generate(a.n, a.out_dir, a.source, a.seed))} articles to {a.out_dir}")


if __name__ == "__main__":
    main()
