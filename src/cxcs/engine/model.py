"""The learned part of the classifier: weights per function × feature group, calibration and
decision thresholds, read from ``data/classifier-model.json``.

The file is written by ``scripts/train_classifier.py`` (a class-balanced, strongly
regularised linear model fitted on feature tallies, calibrated on cross-validated
predictions). Applying it needs nothing beyond the standard library.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

MODEL_FILE = "classifier-model.json"

GROUPS = (
    "duty_strong",
    "duty_medium",
    "duty_weak",
    "duty_contrast",
    "requirements",
    "low",
    "title",
)
"""Per-function feature groups: phrase tallies by tier in the duty sections (summary,
responsibilities, other), contrast rules there, the requirements section, company and
benefits text, and the title."""

SHARED = ("serve", "build", "words")
"""Features every class weighs on its own: the duty frame (serving people vs building or
operating things) and the posting's length."""

DUTY_SECTIONS = frozenset({"summary", "responsibilities", "other"})
LOW_GROUP_SECTIONS = frozenset({"company", "benefits"})


def squash(value: float) -> float:
    """Signed log1p: tallies grow sublinearly, so one long posting cannot dominate."""
    return math.copysign(math.log1p(abs(value)), value)


@dataclass(frozen=True)
class ClassWeights:
    """Bias, one weight per feature group of the class's own function, one per shared
    feature."""

    bias: float
    groups: tuple[float, ...]
    shared: tuple[float, ...]


@dataclass(frozen=True)
class Model:
    """Weights per class, calibration map and decision thresholds."""

    classes: dict[str, ClassWeights]
    default: ClassWeights
    calibration_x: tuple[float, ...]
    calibration_y: tuple[float, ...]
    confident: float
    target_precision: float
    digest: str

    def weights(self, function: str) -> ClassWeights:
        """The weights of ``function`` (the mean function's for one the model never saw,
        such as one an overlay adds)."""
        return self.classes.get(function, self.default)

    def calibrate(self, probability: float) -> float:
        """The calibrated probability that an answer with this model probability is right."""
        xs, ys = self.calibration_x, self.calibration_y
        if not xs:
            return probability
        if probability <= xs[0]:
            return ys[0]
        if probability >= xs[-1]:
            return ys[-1]
        i = bisect_right(xs, probability) - 1
        x0, x1, y0, y1 = xs[i], xs[i + 1], ys[i], ys[i + 1]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (probability - x0) / (x1 - x0)


def _weights(raw: dict[str, object]) -> ClassWeights:
    groups = raw["groups"]
    shared = raw["shared"]
    assert isinstance(groups, list) and isinstance(shared, list)
    return ClassWeights(
        float(raw["bias"]),  # type: ignore[arg-type]
        tuple(float(v) for v in groups),
        tuple(float(v) for v in shared),
    )


def parse_model(text: str) -> Model:
    """A :class:`Model` from the JSON text of a model file."""
    import hashlib

    data = json.loads(text)
    if list(data["groups"]) != list(GROUPS) or list(data["shared"]) != list(SHARED):
        raise ValueError("model file was trained on different feature groups")
    calibration = data["calibration"]
    return Model(
        classes={name: _weights(raw) for name, raw in data["classes"].items()},
        default=_weights(data["default"]),
        calibration_x=tuple(float(x) for x in calibration["x"]),
        calibration_y=tuple(float(y) for y in calibration["y"]),
        confident=float(data["thresholds"]["confident"]),
        target_precision=float(data["thresholds"]["target_precision"]),
        digest=hashlib.sha256(text.encode()).hexdigest()[:16],
    )


_MODEL: list[Model] = []


def model_path() -> Path:
    """Where the shipped model file lives (next to the shipped knowledge files)."""
    from cxcs.knowledge.load import data_dir

    return data_dir() / MODEL_FILE


def shipped_model() -> Model:
    """The shipped model (read once per process)."""
    if not _MODEL:
        _MODEL.append(parse_model(model_path().read_text(encoding="utf-8")))
    return _MODEL[0]


def set_model(model: Model | None) -> None:
    """Use ``model`` instead of the shipped one (training and tests); ``None`` resets."""
    _MODEL.clear()
    if model is not None:
        _MODEL.append(model)
