"""Coded press corpus: a text-free manifest in git, and the gold rebuilt from texts gathered again.

The gathered articles are third-party press text and are never committed. What is committed is
`data/annotations/press/manifest.jsonl`: per article its URL, source, relevance, split, the
sha256 of its file text and its entities; per sentence its character offsets, its labels and a
hash of its words. `rebuild` reads a folder of texts (however the files are named), matches them
to the manifest by sha256 (or, when a page was gathered again with small changes, by URL and
the word hashes of each sentence) and writes the full gold, texts included, in the format of
CODEBOOK.md section 6, to a git-ignored file.

    python -m helpers.annotations rebuild [--texts data/external/press_ai] [--out data/processed/press_gold.jsonl]
    python -m helpers.annotations manifest GOLD.jsonl TEXTS_DIR [--out data/annotations/press/manifest.jsonl]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from helpers import paths

MANIFEST = paths.ANNOTATIONS_DIR / "press" / "manifest.jsonl"
TEXTS_DIR = paths.DATA_DIR / "external" / "press_ai"
GOLD_OUT = paths.PROCESSED_DIR / "press_gold.jsonl"

_WORD = re.compile(r"\w+", re.UNICODE)
_SENT_KEYS = ("i", "start", "end", "boilerplate", "stance", "frames", "devices")


def words(text: str) -> list[str]:
    """The lowercased words of a text (the unit that sentence hashes are computed on)."""
    return [w.lower() for w in _WORD.findall(text)]


def words_hash(text: str) -> str:
    """sha256 of a text's words joined by spaces: identifies a sentence without storing it."""
    return hashlib.sha256(" ".join(words(text)).encode("utf-8")).hexdigest()


def text_hash(text: str) -> str:
    """sha256 of a file's text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _url_of(text: str) -> str:
    for line in text.splitlines()[:6]:
        if line.startswith("URL:"):
            return line[4:].strip()
    return ""


def make_manifest(gold: list[dict], texts_dir: Path) -> list[dict]:
    """Text-free manifest entries for gold articles whose files are in `texts_dir`."""
    out = []
    for art in gold:
        path = Path(texts_dir) / art["doc"]
        text = path.read_text(encoding="utf-8")
        sents = []
        for s in art["sentences"]:
            if text[s["start"]:s["end"]] != s["text"]:
                raise ValueError(f"{path}: sentence {s['i']} does not match its offsets")
            row = {k: s.get(k) for k in _SENT_KEYS}
            row["n_words"] = len(words(s["text"]))
            row["words_sha256"] = words_hash(s["text"])
            sents.append(row)
        body = [s for s in art["sentences"] if not s.get("boilerplate")]
        title = body[0]["text"] if body else ""
        out.append({
            "doc": art["doc"], "url": art.get("url", ""), "source": art.get("source", ""),
            "title": title if len(title) <= 200 else title[:200],
            "relevance": art.get("relevance", ""), "split": art.get("split", "train"),
            "sha256": text_hash(text), "n_chars": len(text),
            "sentences": sents, "entities": art.get("entities", []),
        })
    return out


@dataclass
class RebuildReport:
    """What `rebuild` found: articles rebuilt exactly, realigned, or missing (with the reason)."""

    exact: list[str] = field(default_factory=list)
    realigned: list[str] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    truncated: list[tuple[str, int, int]] = field(default_factory=list)  # doc, sentences kept, sentences coded

    def summary(self) -> str:
        lines = [f"{len(self.exact)} articles rebuilt from identical texts, "
                 f"{len(self.realigned)} realigned from changed texts "
                 f"({len(self.truncated)} of them cut short), {len(self.missing)} missing"]
        lines += [f"  cut short {doc}: the page now ends earlier; {k} of its {n} coded sentences kept"
                  for doc, k, n in self.truncated]
        lines += [f"  missing {doc}: {why}" for doc, why in self.missing]
        return "\n".join(lines)


def _realign(entry: dict, text: str, allow_truncated: bool = False) -> list[dict] | None:
    """Find each sentence of `entry` in a changed `text` by its word hash; None if any is lost.

    With allow_truncated, a page that now stops earlier (the stored excerpt got shorter) keeps the sentences
    found before the first lost one, if that is at least half of them; the caller reports the loss.

    A sentence without words (a lone "»" or ".") has no hash to look for: it keeps its distance to the
    nearest sentence found after it (or, at the end, before it), provided the text there still has no words.
    """
    spans = [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(text)]
    toks = [w for _, _, w in spans]
    found: list[tuple[dict, int, int]] = []
    pending: list[dict] = []  # word-less sentences waiting for the shift of the next sentence found
    pos, shift = 0, None

    def place(s: dict, delta: int) -> bool:
        a, b = s["start"] + delta, s["end"] + delta
        if a < 0 or b > len(text) or words(text[a:b]):
            return False
        found.append((s, a, b))
        return True

    for s in entry["sentences"]:
        n = s["n_words"]
        if n == 0:
            pending.append(s)
            continue
        hit = None
        for j in range(pos, len(toks) - n + 1):
            if hashlib.sha256(" ".join(toks[j:j + n]).encode("utf-8")).hexdigest() == s["words_sha256"]:
                hit = j
                break
        if hit is None:
            if allow_truncated and 2 * len(found) >= len(entry["sentences"]):
                pending = []
                break
            return None
        start, end = spans[hit][0], spans[hit + n - 1][1]
        full = start + (s["end"] - s["start"])  # keep the original span (punctuation) when it still fits
        if full >= end and words_hash(text[start:full]) == s["words_sha256"]:
            end = full
        shift = start - s["start"]
        if not all(place(w, shift) for w in pending):
            return None
        pending = []
        found.append((s, start, end))
        pos = hit + n
    if pending and (shift is None or not all(place(w, shift) for w in pending)):
        return None
    found.sort(key=lambda f: f[0]["i"])
    return [dict({k: s[k] for k in _SENT_KEYS}, start=a, end=b, text=text[a:b]) for s, a, b in found]


def rebuild(manifest: Path = MANIFEST, texts_dir: Path = TEXTS_DIR,
            out: Path = GOLD_OUT) -> RebuildReport:
    """Write the gold with texts for every manifest article found in `texts_dir`."""
    entries = [json.loads(x) for x in Path(manifest).read_text(encoding="utf-8").splitlines() if x.strip()]
    by_hash, by_url = {}, {}
    for f in sorted(Path(texts_dir).glob("*.txt")) if Path(texts_dir).is_dir() else []:
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{f}: skipped ({exc})", file=sys.stderr)
            continue
        by_hash[text_hash(text)] = (f, text)
        by_url.setdefault(_url_of(text), (f, text))
    report = RebuildReport()
    gold = []
    for e in entries:
        meta = {k: e[k] for k in ("doc", "url", "source", "relevance", "split")}
        if e["sha256"] in by_hash:
            f, text = by_hash[e["sha256"]]
            sents = [dict({k: s[k] for k in _SENT_KEYS}, text=text[s["start"]:s["end"]])
                     for s in e["sentences"]]
            report.exact.append(e["doc"])
        elif e["url"] and e["url"] in by_url:
            f, text = by_url[e["url"]]
            sents = _realign(e, text, allow_truncated=True)  # whole when nothing is lost, else the kept part
            if sents is None:
                report.missing.append((e["doc"], f"{f.name} has this URL but its text changed too much"))
                continue
            report.realigned.append(e["doc"])
            if len(sents) < len(e["sentences"]):
                report.truncated.append((e["doc"], len(sents), len(e["sentences"])))
        else:
            report.missing.append((e["doc"], f"no text with this content or URL ({e['url']})"))
            continue
        cut = {"cut_short": f"{len(sents)} of {len(e['sentences'])} sentences"} if len(sents) < len(e["sentences"]) else {}
        gold.append(dict(meta, text_file=f.name, sentences=sents, entities=e.get("entities", []), **cut))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    tmp.replace(out)
    return report


def load_press_gold(path: Path = GOLD_OUT, split: str | None = None) -> list[dict]:
    """The rebuilt press gold (empty list when it has not been rebuilt), optionally one split."""
    path = Path(path)
    if not path.exists():
        return []
    gold = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [g for g in gold if split is None or g.get("split") == split]


def main(argv: list[str] | None = None) -> int:
    """Command line: `rebuild` or `manifest`."""
    p = argparse.ArgumentParser(prog="python -m helpers.annotations", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("rebuild", help="rebuild the press gold from texts gathered again")
    r.add_argument("--manifest", type=Path, default=MANIFEST)
    r.add_argument("--texts", type=Path, default=TEXTS_DIR)
    r.add_argument("--out", type=Path, default=GOLD_OUT)
    m = sub.add_parser("manifest", help="write the text-free manifest of a gold file")
    m.add_argument("gold", type=Path)
    m.add_argument("texts", type=Path)
    m.add_argument("--out", type=Path, default=MANIFEST)
    a = p.parse_args(argv)
    if a.cmd == "rebuild":
        if not a.manifest.exists():
            print(f"{a.manifest}: no manifest", file=sys.stderr)
            return 1
        rep = rebuild(a.manifest, a.texts, a.out)
        print(rep.summary())
        print(f"-> {a.out}")
        return 0
    gold = [json.loads(x) for x in a.gold.read_text(encoding="utf-8").splitlines() if x.strip()]
    entries = make_manifest(gold, a.texts)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    print(f"{len(entries)} articles -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
