"""Classifier speed: ms per 4-5 KB posting in process, postings/s in batch (--jobs 1 and 2),
and cost against lexicon size (×1, ×10, ×100: the extra phrases are cut from the
benchmark's own postings, so they do match). Run by hand: python bench/classify_speed.py

Postings are synthesised from tests/samples (padded or cut to 4-5 KB) so the figures do not
depend on any external data.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cxcs.engine.classify import classify, lexicon_for
from cxcs.engine.compiled import compiled_matcher
from cxcs.engine.lexicon import compile_lexicon
from cxcs.knowledge.load import load_knowledge

ROOT = Path(__file__).resolve().parents[1]
BATCH_ROWS = 4000


def postings() -> list[str]:
    """Sample postings made 4-5 KB long."""
    texts = []
    for path in sorted((ROOT / "tests" / "samples").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                text = json.loads(line)["description"]
                while len(text) < 4000:
                    text += "\n\n" + text
                texts.append(text[:5000])
    return texts


def padding_phrases(texts: list[str], limit: int) -> list[str]:
    """Up to ``limit`` two- to four-word phrases cut from the postings themselves, so every
    one of them matches somewhere in the benchmark's text (they count for nothing)."""
    phrases: dict[str, None] = {}
    for text in texts:
        words = text.split()
        for n in (2, 3, 4):
            for i in range(len(words) - n + 1):
                phrases.setdefault(" ".join(words[i : i + n]), None)
                if len(phrases) >= limit:
                    return list(phrases)
    return list(phrases)


def per_posting_ms(kb: object, texts: list[str], lexicon: object = None, rounds: int = 7) -> float:
    """Mean CPU ms per posting, the best of ``rounds`` passes (the least disturbed by other
    processes on a shared machine), after one warm-up pass."""
    for text in texts:
        classify(kb, text, None, lexicon=lexicon)  # type: ignore[arg-type]
    times = []
    for _ in range(rounds):
        start = time.process_time()
        for text in texts:
            classify(kb, text, None, lexicon=lexicon)  # type: ignore[arg-type]
        times.append((time.process_time() - start) * 1000 / len(texts))
    return min(times)


def batch_rate(texts: list[str], jobs: int) -> float:
    """Postings per second through ``cxcs classify --batch`` (whole process, start-up included)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for i in range(BATCH_ROWS):
                handle.write(json.dumps({"id": i, "text": texts[i % len(texts)]}) + "\n")
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "cxcs",
                "classify",
                "--batch",
                str(source),
                "--jobs",
                str(jobs),
                "--output",
                str(Path(tmp) / "out.jsonl"),
            ],
            check=True,
            capture_output=True,
        )
        return BATCH_ROWS / (time.perf_counter() - start)


def main() -> None:
    kb = load_knowledge()
    assert kb.signals is not None
    texts = postings()
    lexicon_for(kb)
    classify(kb, texts[0], None)
    ms = per_posting_ms(kb, texts)
    mean_kb = statistics.mean(len(t.encode()) for t in texts) / 1024
    matcher = "compiled" if lexicon_for(kb).compiled is not None else "pure Python"
    print(
        f"in process ({matcher} matcher): {ms:.3f} ms per posting (mean {mean_kb:.1f} KB)  "
        f"target <= 1 ms: {'PASS' if ms <= 1 else 'MISS'}"
    )
    base = None
    for scale in (1, 10, 100):
        base_size = len(lexicon_for(kb))
        padding = padding_phrases(texts, (scale - 1) * base_size)
        lexicon = compile_lexicon(kb, kb.signals, padding)
        lexicon.compiled = compiled_matcher(lexicon)  # the same matcher as the x1 run
        cost = per_posting_ms(kb, texts, lexicon)
        base = base or cost
        print(
            f"lexicon x{scale:<3d} ({len(lexicon):6d} phrases): {cost:.3f} ms per posting, "
            f"{cost / base:.2f}x the x1 cost"
        )
    for jobs in (1, 2):
        rate = batch_rate(texts, jobs)
        target = (
            "  target >= 3000/s on 2 cores: " + ("PASS" if rate >= 3000 else "MISS")
            if jobs == 2
            else ""
        )
        print(f"batch --jobs {jobs}: {rate:,.0f} postings/s ({BATCH_ROWS} postings){target}")


if __name__ == "__main__":
    main()
