"""Choose a decision threshold for a goal, including goals with a precision or recall floor.

A spam filter must not flag good mail: maximise recall subject to precision >= 0.9.
A cancer screen must not miss cases: maximise precision subject to recall >= 0.95.
scikit-learn's `TunedThresholdClassifierCV` optimises one unconstrained score; this does both.

Example:
    >>> from autograd.metrics.threshold import tune_threshold
    >>> choice = tune_threshold([0, 0, 1, 1, 1], [0.1, 0.6, 0.4, 0.7, 0.9], maximize="recall", min_precision=1.0)
    >>> choice.threshold, choice.recall
    (0.7, 0.6666666666666666)
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .curves import _clf_curve
from .inputs import as_labels, as_scores, check_option, index_of

__all__ = ["GOALS", "ThresholdChoice", "tune_threshold"]

GOALS = ("f1", "recall", "precision", "accuracy", "balanced_accuracy", "specificity")


@dataclass(frozen=True)
class ThresholdChoice:
    """A decision threshold (positive when score >= threshold) and the metrics it gives."""

    threshold: float
    precision: float
    recall: float
    f1: float
    accuracy: float
    specificity: float
    balanced_accuracy: float
    tp: int
    fp: int
    fn: int
    tn: int

    def __str__(self) -> str:
        return (
            f"threshold {self.threshold:.6g}: precision {self.precision:.3f}, recall {self.recall:.3f}, "
            f"f1 {self.f1:.3f}, accuracy {self.accuracy:.3f}, specificity {self.specificity:.3f} "
            f"(tp={self.tp}, fp={self.fp}, fn={self.fn}, tn={self.tn})"
        )


def _check_floor(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise ValueError(f"tune_threshold: {name} must be None or a number in [0, 1], got {value!r}")
    return float(value)


def tune_threshold(
    y_true: Sequence[Any] | np.ndarray,
    scores: Sequence[float] | np.ndarray,
    *,
    maximize: str = "f1",
    min_precision: float | None = None,
    min_recall: float | None = None,
    pos_label: Any = 1,
) -> ThresholdChoice:
    """The threshold among the scores that maximises a metric, subject to optional floors.

    Candidates are the distinct scores; a sample is positive when its score >= the
    threshold, so every candidate flags at least one sample (predicting no positives is
    never offered, and so never meets a precision floor). Ties in the objective go to
    the higher threshold: fewer samples flagged for the same value of the goal.

    Args:
        y_true: true labels; pos_label marks the positives. Both classes must occur.
        scores: finite scores, higher meaning more likely positive.
        maximize: one of "f1", "recall", "precision", "accuracy", "balanced_accuracy", "specificity".
        min_precision, min_recall: floors the chosen threshold must meet (None: no floor).

    Returns:
        a `ThresholdChoice` with the threshold, its metrics and its confusion counts.

    Raises:
        ValueError: no candidate threshold meets the floors (the message gives the best reachable).

    Example:
        >>> y = [0, 0, 0, 1, 1, 1, 1]
        >>> s = [0.1, 0.3, 0.8, 0.4, 0.6, 0.7, 0.9]
        >>> print(tune_threshold(y, s, maximize="precision", min_recall=0.75))
        threshold 0.4: precision 0.800, recall 1.000, f1 0.889, accuracy 0.857, specificity 0.667 (tp=4, fp=1, fn=0, tn=2)
    """
    fname = "tune_threshold"
    check_option(maximize, GOALS, fname, "maximize")
    floor_p, floor_r = _check_floor(min_precision, "min_precision"), _check_floor(min_recall, "min_recall")
    t = as_labels(y_true, fname, "y_true")
    s = as_scores(scores, fname, "scores")
    if s.size != t.size:
        raise ValueError(f"{fname}: y_true and scores have different lengths ({t.size} and {s.size})")
    pos = index_of(np.asarray([pos_label]), t)[1]
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        missing = "positive" if n_pos == 0 else "negative"
        raise ValueError(f"{fname}: y_true has no {missing} samples (pos_label={pos_label!r}); both classes are needed")

    fps, tps, thresholds = _clf_curve(pos, s, None)   # one row per distinct score, highest first
    tp, fp = np.rint(tps).astype(np.int64), np.rint(fps).astype(np.int64)
    fn, tn = n_pos - tp, n_neg - fp
    precision, recall = tp / (tp + fp), tp / n_pos
    specificity = tn / n_neg
    # Integer keys where possible, so mathematically equal values tie exactly.
    objective = {
        "f1": 2 * tp / (2 * tp + fp + fn),
        "recall": tp,
        "precision": precision,
        "accuracy": tp + tn,
        "balanced_accuracy": tp * n_neg + tn * n_pos,
        "specificity": tn,
    }[maximize]

    ok = np.ones(tp.size, dtype=bool)
    if floor_p is not None:
        ok &= precision >= floor_p
    if floor_r is not None:
        ok &= recall >= floor_r
    if not ok.any():
        reach = [f"precision >= {floor_p} (best reachable {precision.max():.4g})" if floor_p is not None else "",
                 f"recall >= {floor_r} (best reachable {recall.max():.4g})" if floor_r is not None else ""]
        raise ValueError(f"{fname}: no threshold among the scores gives {' and '.join(r for r in reach if r)}")
    candidates = np.flatnonzero(ok)
    i = candidates[np.argmax(objective[candidates])]   # first maximum = highest threshold
    return ThresholdChoice(
        threshold=float(thresholds[i]),
        precision=float(precision[i]),
        recall=float(recall[i]),
        f1=float(2 * tp[i] / (2 * tp[i] + fp[i] + fn[i])),
        accuracy=float((tp[i] + tn[i]) / t.size),
        specificity=float(specificity[i]),
        balanced_accuracy=float((recall[i] + specificity[i]) / 2),
        tp=int(tp[i]), fp=int(fp[i]), fn=int(fn[i]), tn=int(tn[i]),
    )
