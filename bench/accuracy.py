"""Accuracy of ``cxcs classify`` on a labelled JSONL file (fields: title, label, description).

Usage: python bench/accuracy.py PATH.jsonl [--no-title] [--blank-names]
       python bench/accuracy.py --dev [--no-title] [--blank-names]

``--dev`` reads the development postings from ../shared/eval with their duty labels
(dev-adjudication.tsv applied; a posting with two defensible labels counts as right for
either, and under its first label). The shipped weights were fitted on those postings, so
``--dev`` figures are in-sample: the honest ones are the cross-validated figures of
scripts/train_classifier.py.

Prints top-1 and top-2 accuracy, balanced accuracy (mean per-label recall, with counts), a
confusion matrix, and coverage and precision of the ``confident`` decision. ``--no-title``
withholds the title; ``--blank-names`` also blanks the five function names out of the text,
so only the duties can carry the answer.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from cxcs import classify, load_knowledge
from devset import NAMES, load_dev

LABELS = ["cx", "success", "service", "support", "ux", "none"]


def predicted(result: object) -> str:
    """The label a classification stands for, 'none' when it is not customer-facing."""
    label = getattr(result, "label", None)
    return label or "none"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--dev", action="store_true", help="the dev set, duty labels")
    parser.add_argument("--no-title", action="store_true", help="withhold the title")
    parser.add_argument("--blank-names", action="store_true", help="blank function names")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    kb = load_knowledge()
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    top2 = total = confident = confident_right = 0
    bands: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows: list[dict[str, object]] = []
    for path in args.paths:
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                row = json.loads(line)
                row["labels"] = [row["label"]]
                rows.append(row)
    if args.dev:
        for posting in load_dev():
            rows.append(
                {
                    "id": posting.id,
                    "title": posting.title,
                    "description": posting.text,
                    "label": posting.label,
                    "labels": list(posting.labels),
                }
            )
    for row in rows:
        if True:
            text = str(row["description"])
            title = None if args.no_title or args.blank_names else str(row.get("title") or "")
            if args.blank_names:
                text = NAMES.sub("_____", text)
            result = classify(kb, text, title=title, detect_title=False)
            guess = predicted(result)
            labels = list(row["labels"])  # type: ignore[call-overload]
            truth = str(row["label"])  # the first defensible label; right if any is guessed
            confusion[truth][truth if guess in labels else guess] += 1
            total += 1
            ranked = [s.function for s in sorted(result.scores, key=lambda s: -s.score)]
            ranked_with_none = [*ranked[:2]]
            if result.decision == "not_customer_facing":
                ranked_with_none = ["none", ranked[0]]
            top2 += any(label in ranked_with_none for label in labels) or guess == truth
            if result.confidence is not None:  # None: insufficient, no answer
                low = min(int(result.confidence * 5), 4) / 5
                band = f"{low:.1f}-{low + 0.2:.1f}"
                bands[band][0] += 1
                bands[band][1] += guess in labels
            if result.decision in {"confident", "not_customer_facing"}:
                confident += 1
                confident_right += guess in labels
            if args.show_errors and guess not in labels:
                shown = "—" if result.confidence is None else f"{result.confidence:.2f}"
                print(
                    f"  miss {row.get('id')}: {truth} -> {guess} ({result.decision}, "
                    f"{shown}) {str(row.get('title', ''))[:60]}"
                )
    right = sum(confusion[label][label] for label in confusion)
    recalls = {
        label: confusion[label][label] / sum(confusion[label].values())
        for label in LABELS
        if sum(confusion[label].values())
    }
    print(f"postings: {total}")
    print(f"top-1 accuracy: {right / total:.3f}   top-2: {top2 / total:.3f}")
    print(f"balanced accuracy (mean per-label recall): {sum(recalls.values()) / len(recalls):.3f}")
    for label, recall in recalls.items():
        print(f"  {label:8s} recall {recall:.3f}  (n={sum(confusion[label].values())})")
    print(
        f"coverage of decided answers (confident or not_customer_facing): "
        f"{confident / total:.3f}; precision there: "
        f"{(confident_right / confident) if confident else 0:.3f}"
    )
    print("\nconfusion (rows = truth, columns = predicted):")
    print("          " + " ".join(f"{p:>8s}" for p in LABELS))
    for truth in LABELS:
        if sum(confusion[truth].values()):
            print(f"{truth:9s} " + " ".join(f"{confusion[truth][p]:8d}" for p in LABELS))
    print("\nreliability (accuracy per confidence band):")
    for band in sorted(bands):
        n, ok = bands[band]
        print(f"  {band}: {ok}/{n} = {ok / n:.2f}")


if __name__ == "__main__":
    main()
