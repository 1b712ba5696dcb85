"""Metrics of scores: ROC and precision-recall curves, their areas, and log loss (as scikit-learn).

Example:
    >>> from autograd.metrics.curves import roc_auc_score
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
"""

from __future__ import annotations

import warnings
from itertools import combinations
from typing import Any, Sequence

import numpy as np

from .inputs import (
    UndefinedMetricWarning,
    as_labels,
    as_scores,
    as_weights,
    check_labels_arg,
    check_option,
    index_of,
    is_text,
)

__all__ = [
    "auc",
    "average_precision_score",
    "log_loss",
    "precision_recall_curve",
    "roc_auc_score",
    "roc_curve",
]

Labels = Sequence[Any] | np.ndarray


def _binary_truth(y_true: Any, pos_label: Any, fname: str) -> np.ndarray:
    """y_true == pos_label; pos_label may be left out only for labels in {0, 1} or {-1, 1}."""
    t = as_labels(y_true, fname, "y_true")
    classes = np.unique(t)
    if pos_label is None:
        if is_text(t) or not (np.isin(classes, [0, 1]).all() or np.isin(classes, [-1, 1]).all()):
            raise ValueError(
                f"{fname}: y_true holds {classes.tolist()}; pass pos_label= to say which class is "
                "positive (it may be left out only for labels in {0, 1} or {-1, 1})"
            )
        pos_label = 1
    positive = index_of(np.asarray([pos_label]), t)[1]
    if classes.size >= 2 and not positive.any():
        raise ValueError(f"{fname}: pos_label={pos_label!r} is not in y_true {classes.tolist()}")
    return positive


def _scores_and_weights(pos, y_score, sample_weight, fname):
    s = as_scores(y_score, fname, "y_score")
    if s.size != pos.size:
        raise ValueError(f"{fname}: y_true and y_score have different lengths ({pos.size} and {s.size})")
    return s, as_weights(sample_weight, s.size, fname)


def _clf_curve(pos: np.ndarray, s: np.ndarray, w: np.ndarray | None):
    """False and true positive (weighted) counts at each distinct score, highest first."""
    order = np.argsort(s, kind="mergesort")[::-1]
    s, y = s[order], pos[order].astype(float)
    weight = 1.0 if w is None else w[order].astype(float)
    last = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]   # last sample of each tie group
    tps = np.cumsum(y * weight)[last]
    fps = np.cumsum((1 - y) * weight)[last]
    return fps, tps, s[last]


def roc_curve(y_true: Labels, y_score: Sequence[float], *, pos_label: Any = None,
              sample_weight: Sequence[float] | None = None, drop_intermediate: bool = True):
    """False and true positive rates as the threshold falls; sample i is positive when score >= threshold.

    Returns:
        (fpr, tpr, thresholds), thresholds decreasing from inf (nothing flagged).
        A rate is nan (with an `UndefinedMetricWarning`) when its class is absent.

    Example:
        >>> fpr, tpr, thr = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> fpr.tolist(), tpr.tolist(), thr.tolist()
        ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0], [inf, 0.8, 0.4, 0.35, 0.1])
    """
    fname = "roc_curve"
    pos = _binary_truth(y_true, pos_label, fname)
    s, w = _scores_and_weights(pos, y_score, sample_weight, fname)
    fps, tps, thresholds = _clf_curve(pos, s, w)
    if drop_intermediate and fps.size > 2:
        # Keep only corners: collinear middle points never change the curve or its area.
        corner = np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True]
        fps, tps, thresholds = fps[corner], tps[corner], thresholds[corner]
    fps, tps, thresholds = np.r_[0.0, fps], np.r_[0.0, tps], np.r_[np.inf, thresholds]
    rates = []
    for counts, kind in ((fps, "negative"), (tps, "positive")):
        if counts[-1] <= 0:
            warnings.warn(f"{fname}: no {kind} samples in y_true; that rate is undefined (nan)",
                          UndefinedMetricWarning, stacklevel=2)
            rates.append(np.full(counts.shape, np.nan))
        else:
            rates.append(counts / counts[-1])
    return rates[0], rates[1], thresholds


def auc(x: Sequence[float], y: Sequence[float]) -> float:
    """Area under a curve through the points (x, y) by the trapezoid rule; x must be monotonic.

    Example:
        >>> auc([0, 0.5, 1], [0, 1, 1])
        0.75
    """
    x, y = as_scores(x, "auc", "x"), as_scores(y, "auc", "y")
    if x.size != y.size or x.size < 2:
        raise ValueError(f"auc: need two or more points with as many x as y, got {x.size} and {y.size}")
    dx = np.diff(x)
    if np.any(dx < 0) and np.any(dx > 0):
        raise ValueError(f"auc: x is neither increasing nor decreasing: {x.tolist()}")
    return float(abs(np.sum(dx * (y[1:] + y[:-1]) / 2)))


def _binary_auc(pos: np.ndarray, s: np.ndarray, w: np.ndarray | None, max_fpr: float | None = None) -> float:
    if pos.all() or not pos.any():
        warnings.warn("roc_auc_score: only one class is present in y_true; ROC AUC is undefined (nan)",
                      UndefinedMetricWarning, stacklevel=3)
        return float("nan")
    fps, tps, _ = _clf_curve(pos, s, w)
    fpr, tpr = np.r_[0.0, fps] / fps[-1], np.r_[0.0, tps] / tps[-1]
    if max_fpr is None or max_fpr == 1:
        return auc(fpr, tpr)
    # Partial area up to max_fpr, standardised by McClish: 0.5 for chance, 1 for perfect.
    stop = np.searchsorted(fpr, max_fpr, "right")
    tpr = np.append(tpr[:stop], np.interp(max_fpr, fpr[stop - 1:stop + 1], tpr[stop - 1:stop + 1]))
    fpr = np.append(fpr[:stop], max_fpr)
    min_area, max_area = 0.5 * max_fpr**2, max_fpr
    return 0.5 * (1 + (auc(fpr, tpr) - min_area) / (max_area - min_area))


def _average_columns(metric, onehot, s, w, average):
    """A binary metric per class column, averaged as scikit-learn's `_average_binary_score`."""
    if average == "micro":
        return metric(onehot.ravel(), s.ravel(), None if w is None else np.repeat(w, onehot.shape[1]))
    scores = np.array([metric(onehot[:, c], s[:, c], w) for c in range(onehot.shape[1])])
    if average is None:
        return scores
    if average == "weighted":
        support = onehot.T @ (np.ones(len(s)) if w is None else w.astype(float))
        scores[support == 0] = 0   # an absent class's nan must not poison the average
        return float(np.average(scores, weights=support)) if support.sum() > 0 else 0.0
    return float(np.mean(scores))


def _classes_for_columns(t, labels, n_columns, fname):
    if labels is None:
        classes = np.unique(t)
        if classes.size != n_columns:
            raise ValueError(f"{fname}: y_true has {classes.size} classes but y_score has {n_columns} columns")
        return classes
    classes = check_labels_arg(labels, t, fname)
    if not np.array_equal(classes, np.sort(classes)):
        raise ValueError(f"{fname}: labels must be sorted (one per y_score column), got {classes.tolist()}")
    if classes.size != n_columns:
        raise ValueError(f"{fname}: {classes.size} labels for {n_columns} columns of y_score")
    if not index_of(classes, t)[1].all():
        raise ValueError(f"{fname}: y_true contains labels not in labels={classes.tolist()}")
    return classes


def roc_auc_score(y_true: Labels, y_score: Any, *, average: str | None = "macro",
                  sample_weight: Sequence[float] | None = None, max_fpr: float | None = None,
                  multi_class: str = "raise", labels: Labels | None = None) -> Any:
    """Area under the ROC curve: the chance a random positive outscores a random negative.

    Binary: y_score is the score of the greater label. Multiclass: y_score has one
    probability column per class (rows sum to 1) and multi_class='ovr' (each class
    against the rest; average None/'micro'/'macro'/'weighted') or 'ovo' (Hand & Till;
    'macro'/'weighted'). max_fpr gives the standardised partial AUC (binary only).

    Example:
        >>> roc_auc_score([0, 1, 2], [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.3, 0.3, 0.4]], multi_class="ovr")
        1.0
    """
    fname = "roc_auc_score"
    check_option(average, (None, "micro", "macro", "weighted"), fname, "average")
    check_option(multi_class, ("raise", "ovr", "ovo"), fname, "multi_class")
    t = as_labels(y_true, fname, "y_true")
    s = as_scores(y_score, fname, "y_score", ndims=(1, 2))
    if s.shape[0] != t.size:
        raise ValueError(f"{fname}: y_true and y_score have different lengths ({t.size} and {s.shape[0]})")
    w = as_weights(sample_weight, t.size, fname)
    if max_fpr is not None and not (isinstance(max_fpr, (int, float)) and 0 < max_fpr <= 1):
        raise ValueError(f"{fname}: max_fpr must be in (0, 1], got {max_fpr!r}")
    classes = np.unique(t)
    if s.ndim == 1:
        if classes.size > 2:
            raise ValueError(f"{fname}: y_true has {classes.size} classes; y_score needs one column per class")
        return _binary_auc(t == classes[-1], s, w, max_fpr)
    if max_fpr not in (None, 1):
        raise ValueError(f"{fname}: max_fpr={max_fpr!r} (partial AUC) is only for binary y_true")
    if multi_class == "raise":
        raise ValueError(f"{fname}: y_true is multiclass; pass multi_class='ovr' or 'ovo'")
    if not np.allclose(s.sum(axis=1), 1):
        raise ValueError(f"{fname}: multiclass y_score rows must be probabilities summing to 1")
    classes = _classes_for_columns(t, labels, s.shape[1], fname)
    index = index_of(classes, t)[0]
    if multi_class == "ovr":
        onehot = (index[:, None] == np.arange(classes.size)).astype(float)
        return _average_columns(_binary_auc, onehot, s, w, average)
    check_option(average, ("macro", "weighted"), fname, "average (for multi_class='ovo')")
    if w is not None:
        raise ValueError(f"{fname}: sample_weight is not supported for multi_class='ovo'")
    pairs, prevalence = [], []
    for a, b in combinations(np.unique(index), 2):
        in_pair = (index == a) | (index == b)
        is_a = index[in_pair] == a
        pairs.append((_binary_auc(is_a, s[in_pair, a], None) + _binary_auc(~is_a, s[in_pair, b], None)) / 2)
        prevalence.append(in_pair.mean())
    return float(np.average(pairs, weights=prevalence if average == "weighted" else None))


def precision_recall_curve(y_true: Labels, y_score: Sequence[float], *, pos_label: Any = None,
                           sample_weight: Sequence[float] | None = None, drop_intermediate: bool = False):
    """Precision and recall at each distinct score used as threshold (positive when score >= it).

    Returns:
        (precision, recall, thresholds): thresholds increasing; precision and recall have one
        more entry, the final point (precision 1, recall 0) that has no threshold.

    Example:
        >>> p, r, thr = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> p.round(3).tolist(), r.tolist(), thr.tolist()
        ([0.5, 0.667, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0], [0.1, 0.35, 0.4, 0.8])
    """
    fname = "precision_recall_curve"
    pos = _binary_truth(y_true, pos_label, fname)
    s, w = _scores_and_weights(pos, y_score, sample_weight, fname)
    fps, tps, thresholds = _clf_curve(pos, s, w)
    if drop_intermediate and fps.size > 2:
        # Points of equal recall lie on one vertical segment: keep its two ends.
        ends = np.r_[True, np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:])), True]
        fps, tps, thresholds = fps[ends], tps[ends], thresholds[ends]
    flagged = tps + fps
    precision = np.divide(tps, flagged, out=np.zeros_like(tps), where=flagged != 0)
    if tps[-1] == 0:
        warnings.warn(f"{fname}: no positive class in y_true; recall is set to 1 for all thresholds",
                      UndefinedMetricWarning, stacklevel=2)
        recall = np.ones_like(tps)
    else:
        recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1]


def _binary_ap(pos: np.ndarray, s: np.ndarray, w: np.ndarray | None) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        precision, recall, _ = precision_recall_curve(pos, s, pos_label=True, sample_weight=w)
    if not pos.any():
        warnings.warn("average_precision_score: no positive samples in y_true; AP is 0",
                      UndefinedMetricWarning, stacklevel=3)
    return float(max(0.0, -np.sum(np.diff(recall) * precision[:-1])))   # step integral, no interpolation


def average_precision_score(y_true: Labels, y_score: Any, *, average: str | None = "macro", pos_label: Any = 1,
                            sample_weight: Sequence[float] | None = None) -> Any:
    """Average precision: mean of the precisions at each recall step, weighted by the step.

    Multiclass y_true needs one score column per class (sorted labels) and an average
    (None, 'micro', 'macro', 'weighted'); pos_label then stays 1.

    Example:
        >>> round(average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
        0.8333
    """
    fname = "average_precision_score"
    check_option(average, (None, "micro", "macro", "weighted"), fname, "average")
    t = as_labels(y_true, fname, "y_true")
    s = as_scores(y_score, fname, "y_score", ndims=(1, 2))
    if s.shape[0] != t.size:
        raise ValueError(f"{fname}: y_true and y_score have different lengths ({t.size} and {s.shape[0]})")
    w = as_weights(sample_weight, t.size, fname)
    classes = np.unique(t)
    if classes.size <= 2 and s.ndim == 1:
        if classes.size == 2 and pos_label not in classes.tolist():
            raise ValueError(f"{fname}: pos_label={pos_label!r} is not a valid label; it should be one of {classes.tolist()}")
        return _binary_ap(index_of(np.asarray([pos_label]), t)[1], s, w)
    if pos_label != 1:
        raise ValueError(f"{fname}: pos_label is fixed to 1 for multiclass y_true, got {pos_label!r}")
    if s.ndim != 2 or s.shape[1] != classes.size:
        raise ValueError(f"{fname}: y_score must have shape ({t.size}, {classes.size}) for y_true's classes, got {s.shape}")
    onehot = (t[:, None] == classes).astype(float)
    return _average_columns(_binary_ap, onehot, s, w, average)


def log_loss(y_true: Labels, y_proba: Any, *, normalize: bool = True,
             sample_weight: Sequence[float] | None = None, labels: Labels | None = None) -> float:
    """Cross-entropy of predicted probabilities, -mean(log p[true class]); p is clipped to [eps, 1-eps].

    y_proba is (n_samples, n_classes) with columns in sorted class order, or 1-D: the
    probability of the greater of two classes.

    Example:
        >>> round(log_loss(["spam", "ham", "ham"], [0.9, 0.2, 0.3]), 4)   # P(spam); classes sorted
        0.2284
    """
    fname = "log_loss"
    if not isinstance(normalize, (bool, np.bool_)):
        raise ValueError(f"{fname}: normalize must be True or False, got {normalize!r}")
    t = as_labels(y_true, fname, "y_true")
    p = as_scores(y_proba, fname, "y_proba", ndims=(1, 2))
    if p.shape[0] != t.size:
        raise ValueError(f"{fname}: y_true and y_proba have different lengths ({t.size} and {p.shape[0]})")
    if p.min() < 0 or p.max() > 1:
        raise ValueError(f"{fname}: y_proba must be probabilities in [0, 1], got values in [{p.min()}, {p.max()}]")
    w = as_weights(sample_weight, t.size, fname)
    classes = np.unique(t if labels is None else check_labels_arg(labels, t, fname))
    if classes.size < 2:
        raise ValueError(f"{fname}: need two or more classes, got {classes.tolist()}; pass labels= with all classes")
    index, known = index_of(classes, t)
    if not known.all():
        raise ValueError(f"{fname}: y_true contains {t[~known][0].item()!r}, which is not in labels={classes.tolist()}")
    if p.ndim == 1 or p.shape[1] == 1:
        p = np.column_stack([1 - p.ravel(), p.ravel()])
    if p.shape[1] != classes.size:
        raise ValueError(f"{fname}: y_proba has {p.shape[1]} columns for {classes.size} classes {classes.tolist()}")
    if not np.allclose(p.sum(axis=1), 1, rtol=np.sqrt(np.finfo(float).eps)):
        raise ValueError(f"{fname}: each row of y_proba must sum to 1")
    eps = np.finfo(float).eps
    loss = -np.log(np.clip(p[np.arange(t.size), index], eps, 1 - eps))
    total = loss.sum() if w is None else loss @ w
    return float(total / (t.size if w is None else w.sum())) if normalize else float(total)
