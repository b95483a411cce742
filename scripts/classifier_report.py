"""Write the README's classifier figures from the cross-validated predictions.

Usage: python scripts/classifier_report.py [--check]

Reads bench/results/classifier-cv.json (written by scripts/train_classifier.py) and the
shipped model's thresholds, checks the self-written postings (tests/holdout) with the
shipped model, and replaces the README block between the ``classifier-report`` markers.
``--check`` exits 1 when the README is out of date instead of writing it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
RESULTS = ROOT / "bench" / "results" / "classifier-cv.json"
MODEL = ROOT / "data" / "classifier-model.json"
START = "<!-- classifier-report:start (scripts/classifier_report.py writes this block) -->"
END = "<!-- classifier-report:end -->"
LABELS = ("cx", "success", "service", "support", "ux", "none")


def _pct(right: int, n: int) -> str:
    return f"{right / n:.1%} ({right}/{n})" if n else "—"


def holdout_figures() -> dict[str, dict[str, Any]]:
    """Per-label counts right on tests/holdout with the shipped model (a unit test of the
    cases we wrote, reported as counts, never as an accuracy)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from cxcs.engine.classify import classify
    from cxcs.knowledge.load import load_knowledge
    from devset import blank_names, load_holdout

    kb = load_knowledge()
    figures: dict[str, dict[str, Any]] = {}
    for setting in ("plain", "blanked"):
        per: dict[str, list[int]] = {label: [0, 0] for label in LABELS}
        confident = confident_right = 0
        for posting in load_holdout():
            text = blank_names(posting.text) if setting == "blanked" else posting.text
            result = classify(kb, text, None, detect_title=False)
            guess = result.label or "none"
            per[posting.label][0] += 1
            per[posting.label][1] += guess in posting.labels
            if result.decision == "confident":
                confident += 1
                confident_right += guess in posting.labels
        figures[setting] = {
            "per_label": per,
            "confident": (confident_right, confident),
        }
    return figures


def render(report: dict[str, Any], model: dict[str, Any], holdout: dict[str, Any]) -> str:
    plain, blanked = report["plain"], report["blanked"]
    dev = report["training_postings"]["dev"]
    lines = [
        START,
        "",
        f"**Real postings, cross-validated** ({report['folds']}-fold, {dev} development "
        "postings from `../shared/eval` labelled by their duties; each fold's weights, "
        "calibration and threshold fitted without it, the calibration and threshold on "
        "predictions of weights that never saw it either):",
        "",
        "| measure | title withheld | title withheld, names blanked |",
        "|---|---|---|",
        f"| balanced accuracy (mean per-label recall) | {plain['balanced_accuracy']:.1%} "
        f"| {blanked['balanced_accuracy']:.1%} |",
        f"| accuracy | {plain['accuracy']:.1%} | {blanked['accuracy']:.1%} |",
    ]
    for name, key in (
        ("non-customer-facing postings that abstain", "none_abstain"),
        ("engineers/analysts on customer teams that abstain", "engineers_abstain"),
    ):
        lines.append(
            f"| {name} | {_pct(plain[key]['abstained'], plain[key]['n'])} "
            f"| {_pct(blanked[key]['abstained'], blanked[key]['n'])} |"
        )
    lines += [
        f"| expected calibration error (10 bands) | {plain['ece']:.3f} | {blanked['ece']:.3f} |",
        f"| `confident` answers that are right | "
        f"{_pct(plain['confident']['right'], plain['confident']['n'])} | "
        f"{_pct(blanked['confident']['right'], blanked['confident']['n'])} |",
        f"| customer-facing postings answered `confident` | "
        f"{_pct(plain['confident']['covered'], plain['confident']['customer_facing'])} | "
        f"{_pct(blanked['confident']['covered'], blanked['confident']['customer_facing'])} |",
        "",
        "Recall per duty label (a posting with two defensible labels counts under its first "
        "and is right with either):",
        "",
        "| label | postings | title withheld | names blanked |",
        "|---|---|---|---|",
    ]
    for label in LABELS:
        p, b = plain["per_label"].get(label), blanked["per_label"].get(label)
        if p:
            lines.append(
                f"| {label} | {p['n']} | {p['right'] / p['n']:.1%} | {b['right'] / b['n']:.1%} |"
            )
    lines += [
        "",
        "Reliability — how often answers are right at each confidence (cross-validated, "
        "title withheld; answered postings only: an `insufficient` result has no confidence):",
        "",
        "| confidence | postings | right | accuracy | mean confidence |",
        "|---|---|---|---|---|",
    ]
    for band in plain["reliability"]:
        lines.append(
            f"| {band['band'].replace('-', '–')} | {band['n']} | {band['right']} "
            f"| {band['right'] / band['n']:.2f} | {band['mean_confidence']:.2f} |"
        )
    thresholds = model["thresholds"]
    lines += [
        "",
        f"`confident` means a calibrated confidence of at least {thresholds['confident']:.2f}: "
        f"the lowest threshold at which answers were right at least "
        f"{thresholds['target_precision']:.0%} of the time out of fold (never below 0.5). "
        f"Training: class-balanced, L2 penalty {model['training']['l2']}, "
        f"{report['training_postings']['dev']} development postings and "
        f"{report['training_postings']['samples']} repository samples, each with the title "
        "withheld, with the names blanked, and with the title given.",
        "",
        "**Self-written check postings** (`tests/holdout/`, 60 postings written for the "
        "tests, 10 per label, never used for training or tuning). Written by us, they are "
        "a unit test that the cases we thought of come out right, not a measure of accuracy "
        "on real postings (the cross-validated figures above are that):",
        "",
        "| setting | right | `confident` right | " + " | ".join(LABELS) + " |",
        "|---|---|---|" + "---|" * len(LABELS),
    ]
    for setting, name in (("plain", "title withheld"), ("blanked", "names blanked")):
        figures = holdout[setting]
        per = figures["per_label"]
        right, n = figures["confident"]
        total = sum(counts[0] for counts in per.values())
        correct = sum(counts[1] for counts in per.values())
        lines.append(
            f"| {name} | {correct}/{total} | {_pct(right, n)} | "
            + " | ".join(f"{per[label][1]}/{per[label][0]}" for label in LABELS)
            + " |"
        )
    lines += ["", END]
    return "\n".join(lines)


def updated_readme() -> tuple[str, str]:
    report = json.loads(RESULTS.read_text(encoding="utf-8"))
    model = json.loads(MODEL.read_text(encoding="utf-8"))
    block = render(report, model, holdout_figures())
    text = README.read_text(encoding="utf-8")
    start, end = text.index(START), text.index(END) + len(END)
    return text, text[:start] + block + text[end:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    current, wanted = updated_readme()
    if args.check:
        if current != wanted:
            print("README classifier figures are out of date: run scripts/classifier_report.py")
            raise SystemExit(1)
        return
    README.write_text(wanted, encoding="utf-8")
    print("README classifier figures written")


if __name__ == "__main__":
    main()
