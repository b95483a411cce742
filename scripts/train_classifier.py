"""Train the classifier's weights, calibrate them, and measure by cross-validation.

Usage: python scripts/train_classifier.py [--folds 5] [--dry-run] [--show-errors]
Needs the `train` extra (numpy, scipy, scikit-learn) and ../shared/eval (see bench/devset.py).

Model: for each class c (the five functions and ``none``), score_c = bias_c + Σ_g w_cg ·
squash(tally of c's phrases in feature group g) + Σ_s u_cs · shared feature s — one weight
per function × feature group (see cxcs.engine.model). Fitted as a softmax over the classes
with class-balanced sample weights and a strong L2 penalty (``L2``, fixed before measuring).
Training rows: the dev postings with duty labels and the repository's samples, each with the
title withheld, again with the five function names blanked, and once with the title given.

Measured by k-fold cross-validation (folds stratified by label; every copy of a posting in
the same fold): per fold the weights are fitted on the other folds; the calibration (Platt
scaling) and the `confident` threshold are then fitted, per fold, on out-of-fold predictions
of the other folds (title withheld and names blanked, as for the shipped model) made by
weights that never saw this fold either (nested: an inner cross-validation over the other
folds), so no reported figure comes from a weight, calibration or threshold that saw the
posting. The shipped
model is fitted on everything, calibrated on all out-of-fold predictions, and written to
data/classifier-model.json; the figures go to bench/results/classifier-cv.json (from which
scripts/classifier_report.py writes the README section).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from cxcs.engine.classify import classify, features, shared_vector  # noqa: E402
from cxcs.engine.model import GROUPS, SHARED, ClassWeights, Model, squash  # noqa: E402
from cxcs.knowledge.load import load_knowledge  # noqa: E402
from cxcs.models.classify import Classification  # noqa: E402
from cxcs.models.knowledge import Knowledge  # noqa: E402
from devset import LABELS, Posting, blank_names, load_dev, load_samples  # noqa: E402

L2 = 3.0
"""Penalty on the weights (not the biases), per unit of total sample weight × 100: strong,
because the dev set is small and thin for cx and service."""
TARGET_PRECISION = 0.97
"""`confident` answers must be right this often (out of fold)."""
SEED = 20261125
MODEL_PATH = ROOT / "data" / "classifier-model.json"
RESULTS_PATH = ROOT / "bench" / "results" / "classifier-cv.json"
VARIANTS = ("plain", "blanked", "titled")


@dataclass
class Row:
    posting: Posting
    variant: str
    text: str
    title: str | None
    x: np.ndarray  # (classes, features)


def build_rows(kb: Knowledge, postings: list[Posting]) -> list[Row]:
    classes = list(LABELS)
    rows = []
    for posting in postings:
        for variant in VARIANTS:
            text = blank_names(posting.text) if variant == "blanked" else posting.text
            title = posting.title if variant == "titled" and posting.title else None
            if variant == "titled" and title is None:
                continue
            tallies, shared, _, _ = features(kb, text, title, detect_title=False)
            common = shared_vector(shared)
            x = np.array(
                [
                    [squash(tallies.get((c, g), 0.0)) for g in range(len(GROUPS))] + common
                    for c in classes
                ]
            )
            rows.append(Row(posting, variant, text, title, x))
    return rows


def targets(rows: list[Row]) -> tuple[np.ndarray, np.ndarray]:
    """(rows × classes) target distribution (split over defensible labels) and balanced
    sample weights."""
    y = np.zeros((len(rows), len(LABELS)))
    for i, row in enumerate(rows):
        for label in row.posting.labels:
            y[i, LABELS.index(label)] += 1 / len(row.posting.labels)
    counts = y.sum(axis=0)
    per_class = len(rows) / (len(LABELS) * np.maximum(counts, 1))
    weights = (y * per_class).sum(axis=1)
    return y, weights


def fit(rows: list[Row]) -> np.ndarray:
    """Parameters (classes × (features + 1)): weights, then the bias."""
    x = np.stack([r.x for r in rows])  # n, C, F
    y, sw = targets(rows)
    _, c, f = x.shape
    penalty = L2 * sw.sum() / 100

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta.reshape(c, f + 1)
        s = np.einsum("ncf,cf->nc", x, w[:, :f]) + w[:, f]
        s -= s.max(axis=1, keepdims=True)
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        p = np.exp(logp)
        value = -(sw[:, None] * y * logp).sum() + 0.5 * penalty * (w[:, :f] ** 2).sum()
        d = sw[:, None] * (p * y.sum(axis=1, keepdims=True) - y)  # n, c
        grad = np.zeros_like(w)
        grad[:, :f] = np.einsum("nc,ncf->cf", d, x) + penalty * w[:, :f]
        grad[:, f] = d.sum(axis=0)
        return float(value), grad.ravel()

    result = minimize(loss, np.zeros(c * (f + 1)), jac=True, method="L-BFGS-B")
    return np.asarray(result.x).reshape(c, f + 1)


def to_model(
    theta: np.ndarray, calibration: tuple[list[float], list[float]], confident: float
) -> Model:
    g = len(GROUPS)
    classes = {
        label: ClassWeights(
            float(theta[i, -1]), tuple(map(float, theta[i, :g])), tuple(map(float, theta[i, g:-1]))
        )
        for i, label in enumerate(LABELS)
    }
    functions = theta[: len(LABELS) - 1]
    mean = functions.mean(axis=0)
    default = ClassWeights(
        float(mean[-1]), tuple(map(float, mean[:g])), tuple(map(float, mean[g:-1]))
    )
    return Model(
        classes,
        default,
        tuple(calibration[0]),
        tuple(calibration[1]),
        confident,
        TARGET_PRECISION,
        "training",
    )


def predict(kb: Knowledge, model: Model, rows: list[Row]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        result = classify(kb, row.text, row.title, detect_title=False, model=model)
        guess = result.label or "none"
        out.append(
            {
                "id": row.posting.id,
                "variant": row.variant,
                "source": row.posting.source,
                "truth": row.posting.label,
                "labels": list(row.posting.labels),
                "engineer": row.posting.engineer_on_customer_team,
                "guess": guess,
                "decision": result.decision,
                "raw": top_probability(kb, result),
                "second": runner_up_probability(result),
                "right": guess in row.posting.labels,
            }
        )
    return out


def top_probability(kb: Knowledge, result: Classification) -> float:
    """The model's top probability (under the training model's identity calibration, what
    classify's confidence would be), the short-text cap applied; also for an
    ``insufficient`` result, which shows no confidence."""
    assert kb.signals is not None
    top = max(result.not_customer_facing, *(s.score for s in result.scores))
    if result.words < kb.signals.thresholds.min_words:
        top = min(top, kb.signals.thresholds.short_text_cap)
    return top


def runner_up_probability(result: Classification) -> float:
    """The second-highest of the model's probabilities (the five functions and none)."""
    return sorted([result.not_customer_facing, *(s.score for s in result.scores)])[-2]


CALIBRATION_GRID = 64
"""Points of the piecewise-linear calibration map written to the model file."""


def fit_calibration(preds: list[dict[str, Any]]) -> tuple[list[float], list[float]]:
    """Platt scaling of the model's top probability: the share of right answers modelled as
    sigmoid(a · logit(top) + b), fitted by logistic regression on out-of-fold predictions
    (title withheld and names blanked). Two parameters, so a smooth, monotone map that a
    handful of postings cannot bend (an isotonic map made steps of six postings and
    shrank them towards 1/2: underconfident at 0.8–0.9, 1.00 above). Written as
    CALIBRATION_GRID points, evenly spaced in logit, between 1/6 (the lowest top
    probability of six classes) and 0.9999; classify interpolates between them. Never above
    (n + 1) / (n + 2) for n predictions (the rule of succession): n answers all right do not
    make a certainty."""
    raw = np.clip(np.array([p["raw"] for p in preds]), 1e-6, 1 - 1e-6)
    right = np.array([float(p["right"]) for p in preds])
    z = np.log(raw / (1 - raw))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        q = 1 / (1 + np.exp(-(theta[0] * z + theta[1])))
        q = np.clip(q, 1e-12, 1 - 1e-12)
        value = -(right * np.log(q) + (1 - right) * np.log(1 - q)).sum()
        g = q - right
        return float(value), np.array([(g * z).sum(), g.sum()])

    a, b = minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B").x
    a = max(float(a), 0.0)  # never decreasing
    low, high = np.log(1 / 5), np.log(0.9999 / 0.0001)
    grid = np.linspace(low, high, CALIBRATION_GRID)
    xs = 1 / (1 + np.exp(-grid))
    ys = np.minimum(1 / (1 + np.exp(-(a * grid + b))), (len(raw) + 1) / (len(raw) + 2))
    return [float(v) for v in xs], [float(v) for v in ys]


def choose_threshold(preds: list[dict[str, Any]], model: Model) -> float:
    """The lowest calibrated confidence at which labelled answers at or above it are right
    at least TARGET_PRECISION of the time."""
    answered = sorted(
        ((model.calibrate(p["raw"]), p["right"]) for p in preds if p["guess"] != "none"),
        reverse=True,
    )
    best = 1.0
    right = 0
    for n, (confidence, ok) in enumerate(answered, start=1):
        right += ok
        if right / n >= TARGET_PRECISION:
            best = confidence
    return max(best, 0.5)


def recalibrate(preds: list[dict[str, Any]], model: Model, runner_up: float = 0.0) -> None:
    """Apply calibration and threshold to out-of-fold raw predictions (as classify would).
    ``runner_up`` > 0 measures a rule classify does not apply: ``ambiguous`` also when the
    runner-up's probability is at least that fraction of the top's."""
    for p in preds:
        p["confidence"] = model.calibrate(p["raw"])
        if p["decision"] in ("confident", "ambiguous"):
            p["decision"] = "confident" if p["confidence"] >= model.confident else "ambiguous"
            if runner_up and p["second"] >= runner_up * p["raw"]:
                p["decision"] = "ambiguous"


def summarise(preds: list[dict[str, Any]]) -> dict[str, Any]:
    by_label: dict[str, list[dict[str, Any]]] = {label: [] for label in LABELS}
    for p in preds:
        by_label[p["truth"]].append(p)
    recall = {
        label: {"n": len(ps), "right": sum(p["right"] for p in ps)}
        for label, ps in by_label.items()
        if ps
    }
    balanced = float(np.mean([r["right"] / r["n"] for r in recall.values()]))
    negatives = [p for p in preds if p["labels"] == ["none"]]
    engineers = [p for p in preds if p["engineer"]]
    facing = [p for p in preds if p["truth"] != "none"]
    confident = [p for p in preds if p["decision"] == "confident"]
    bins = []
    ece = 0.0
    shown = [p for p in preds if p["decision"] != "insufficient"]  # no answer, no confidence
    for low in np.arange(0, 1, 0.1):
        inside = [
            p
            for p in shown
            if low <= p["confidence"] < low + 0.1 or (low >= 0.9 and p["confidence"] == 1)
        ]
        if inside:
            mean_conf = float(np.mean([p["confidence"] for p in inside]))
            accuracy = float(np.mean([p["right"] for p in inside]))
            ece += len(inside) / len(shown) * abs(mean_conf - accuracy)
            bins.append(
                {
                    "band": f"{low:.1f}-{low + 0.1:.1f}",
                    "n": len(inside),
                    "right": int(sum(p["right"] for p in inside)),
                    "mean_confidence": round(mean_conf, 3),
                }
            )
    abstain = {"not_customer_facing", "insufficient"}
    return {
        "postings": len(preds),
        "balanced_accuracy": round(balanced, 4),
        "accuracy": round(float(np.mean([p["right"] for p in preds])), 4),
        "per_label": recall,
        "none_abstain": {
            "n": len(negatives),
            "abstained": sum(p["decision"] in abstain for p in negatives),
        },
        "engineers_abstain": {
            "n": len(engineers),
            "abstained": sum(p["decision"] in abstain for p in engineers),
        },
        "ece": round(ece, 4),
        "confident": {
            "n": len(confident),
            "right": sum(p["right"] for p in confident),
            "customer_facing": len(facing),
            "covered": sum(p["decision"] == "confident" for p in facing),
        },
        "reliability": bins,
        "decisions": dict(Counter(p["decision"] for p in preds)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--dry-run", action="store_true", help="measure only; write nothing")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument(
        "--runner-up-rule",
        type=float,
        default=0.0,
        metavar="RATIO",
        help="measure (with --dry-run) a rule classify does not apply: ambiguous when the "
        "runner-up's probability is at least RATIO times the top's",
    )
    args = parser.parse_args()
    if args.runner_up_rule and not args.dry_run:
        parser.error("--runner-up-rule only measures: give --dry-run too")
    kb = load_knowledge()
    dev, samples = load_dev(), load_samples()
    everyone = dev + samples
    rows = build_rows(kb, everyone)
    by_id: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_id.setdefault(row.posting.id, []).append(i)
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=SEED)
    fold_of: dict[str, int] = {}
    ids = [p.id for p in everyone]
    for k, (_, test) in enumerate(folds.split(ids, [p.label for p in everyone])):
        for j in test:
            fold_of[ids[j]] = k
    identity = ([], [])

    def out_of_fold(held: set[int], variants: tuple[str, ...]) -> list[dict[str, Any]]:
        """Raw predictions for the dev postings of each fold not in ``held``, each from weights
        fitted on the folds that are neither it nor in ``held``."""
        found: list[dict[str, Any]] = []
        for j in range(args.folds):
            if j in held:
                continue
            train = [r for r in rows if fold_of[r.posting.id] not in held | {j}]
            test = [
                r
                for r in rows
                if fold_of[r.posting.id] == j
                and r.posting.source != "samples"
                and r.variant in variants
            ]
            preds = predict(kb, to_model(fit(train), identity, 0.5), test)
            for p in preds:
                p["fold"] = j
            found.extend(preds)
        return found

    oof = out_of_fold(set(), VARIANTS)
    # Calibration and threshold per fold, nested: fitted on out-of-fold predictions of the
    # other folds made by weights that never saw this fold either.
    for k in range(args.folds):
        inner = out_of_fold({k}, ("plain", "blanked"))
        calibration = fit_calibration(inner)
        provisional = to_model(
            np.zeros((len(LABELS), 1 + len(GROUPS) + len(SHARED))), calibration, 0.5
        )
        threshold = choose_threshold(inner, provisional)
        fold_model = to_model(
            np.zeros((len(LABELS), 1 + len(GROUPS) + len(SHARED))), calibration, threshold
        )
        recalibrate([p for p in oof if p["fold"] == k], fold_model, args.runner_up_rule)
    report = {
        "folds": args.folds,
        "l2": L2,
        "target_precision": TARGET_PRECISION,
        "training_postings": {"dev": len(dev), "samples": len(samples)},
        "plain": summarise([p for p in oof if p["variant"] == "plain"]),
        "blanked": summarise([p for p in oof if p["variant"] == "blanked"]),
        "titled": summarise([p for p in oof if p["variant"] == "titled"]),
    }
    for name in ("plain", "blanked"):
        r = report[name]
        print(
            f"{name}: balanced {r['balanced_accuracy']:.3f} acc {r['accuracy']:.3f} "
            f"none-abstain {r['none_abstain']['abstained']}/{r['none_abstain']['n']} "
            f"engineers {r['engineers_abstain']['abstained']}/{r['engineers_abstain']['n']} "
            f"ECE {r['ece']:.3f} confident {r['confident']['right']}/{r['confident']['n']} "
            f"cover {r['confident']['covered']}/{r['confident']['customer_facing']}"
        )
        print(
            "   ", {k: f"{v['right']}/{v['n']}" for k, v in r["per_label"].items()}, r["decisions"]
        )
    if args.show_errors:
        for p in oof:
            if not p["right"] and p["variant"] != "titled":
                print(
                    f"  miss {p['variant']:7s} {p['labels']} -> {p['guess']} "
                    f"({p['decision']} {p['raw']:.2f}) {p['id'][:90]}"
                )
    if args.dry_run:
        return
    theta = fit(rows)
    calibration = fit_calibration([p for p in oof if p["variant"] != "titled"])
    provisional = to_model(theta, calibration, 0.5)
    threshold = choose_threshold([p for p in oof if p["variant"] != "titled"], provisional)
    write_model(theta, calibration, threshold, report)
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(
        f"wrote {MODEL_PATH.relative_to(ROOT)} (confident >= {threshold:.3f}) "
        f"and {RESULTS_PATH.relative_to(ROOT)}"
    )


def write_model(
    theta: np.ndarray,
    calibration: tuple[list[float], list[float]],
    threshold: float,
    report: dict[str, Any],
) -> None:
    g = len(GROUPS)

    def pack(row: np.ndarray) -> dict[str, Any]:
        return {
            "bias": round(float(row[-1]), 5),
            "groups": [round(float(v), 5) for v in row[:g]],
            "shared": [round(float(v), 5) for v in row[g:-1]],
        }

    data = {
        "about": "Written by scripts/train_classifier.py; do not edit.",
        "groups": list(GROUPS),
        "shared": list(SHARED),
        "classes": {label: pack(theta[i]) for i, label in enumerate(LABELS)},
        "default": pack(theta[: len(LABELS) - 1].mean(axis=0)),
        "calibration": {
            "x": [round(v, 5) for v in calibration[0]],
            "y": [round(v, 5) for v in calibration[1]],
        },
        "thresholds": {"confident": round(threshold, 5), "target_precision": TARGET_PRECISION},
        "training": {"l2": L2, "folds": report["folds"], "postings": report["training_postings"]},
    }
    MODEL_PATH.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
