"""Metrics of predicted labels: the confusion matrix and the scores computed from its counts.

Names, arguments and results follow scikit-learn, with one deliberate difference:
for 0/1 (or boolean) labels the confusion matrix is always 2x2, even when a class
is absent, so ``tn, fp, fn, tp = cm.ravel()`` never breaks.

Example:
    >>> from autograd.metrics.labels import confusion_matrix, f1_score
    >>> confusion_matrix([1, 1, 1], [1, 1, 1]).tolist()   # scikit-learn gives [[3]]
    [[0, 0], [0, 3]]
    >>> round(f1_score([0, 1, 1, 0], [0, 1, 0, 0]), 4)
    0.6667
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from .inputs import (
    UndefinedMetricWarning,
    as_weights,
    check_labels_arg,
    check_option,
    check_pair,
    class_labels,
    divide,
    index_of,
    zero_division_value,
)

__all__ = [
    "accuracy_score",
    "balanced_accuracy_score",
    "confusion_matrix",
    "f1_score",
    "fbeta_score",
    "matthews_corrcoef",
    "negative_predictive_value",
    "precision_recall_fscore_support",
    "precision_score",
    "recall_score",
    "specificity_score",
]

Labels = Sequence[Any] | np.ndarray
_AVERAGES = (None, "binary", "micro", "macro", "weighted")


def confusion_matrix(
    y_true: Labels,
    y_pred: Labels,
    *,
    labels: Labels | None = None,
    sample_weight: Sequence[float] | None = None,
    normalize: str | None = None,
) -> np.ndarray:
    """Counts C[i, j] of samples of class i predicted as class j (rows: truth, columns: prediction).

    Args:
        labels: the classes, in the order of rows and columns; samples of other classes
            are left out. Default: the sorted classes present, and both 0 and 1 for 0/1 labels.
        sample_weight: a weight per sample (the matrix is then float).
        normalize: None (counts), 'true' (rows sum to 1), 'pred' (columns), 'all' (total).

    Example:
        >>> tn, fp, fn, tp = confusion_matrix([0, 0, 0], [0, 0, 1]).ravel()
        >>> int(tn), int(fp), int(fn), int(tp)
        (2, 1, 0, 0)
    """
    fname = "confusion_matrix"
    check_option(normalize, (None, "true", "pred", "all"), fname, "normalize")
    t, p = check_pair(y_true, y_pred, fname)
    w = as_weights(sample_weight, t.size, fname)
    if labels is None:
        classes = class_labels(t, p)
    else:
        classes = check_labels_arg(labels, t, fname)
        if not index_of(classes, t)[1].any():
            raise ValueError(f"{fname}: none of labels {classes.tolist()} occurs in y_true")
    (i_t, in_t), (i_p, in_p) = index_of(classes, t), index_of(classes, p)
    keep, k = in_t & in_p, classes.size
    weight = None if w is None else w[keep].astype(float)
    cm = np.bincount(i_t[keep] * k + i_p[keep], weights=weight, minlength=k * k).reshape(k, k)
    if w is not None:   # integer weights count like repeated samples; others give floats
        cm = np.rint(cm).astype(np.int64) if w.dtype.kind in "biu" else cm.astype(float)
    if normalize is None:
        return cm
    axis = {"true": 1, "pred": 0, "all": None}[normalize]
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(cm / cm.sum(axis=axis, keepdims=axis is not None))


def _counts(t: np.ndarray, p: np.ndarray, w: np.ndarray | None, labels: np.ndarray):
    """One-vs-rest tp, fp, fn, tn for each label; every sample counts, whatever its class."""
    weight = np.ones(t.size) if w is None else w.astype(float)
    (i_t, in_t), (i_p, in_p) = index_of(labels, t), index_of(labels, p)
    k = labels.size
    # bincount of nothing is int even with float weights: cast, so supports keep one dtype
    true_sum = np.bincount(i_t[in_t], weights=weight[in_t], minlength=k).astype(float)
    pred_sum = np.bincount(i_p[in_p], weights=weight[in_p], minlength=k).astype(float)
    hit = in_t & (t == p)
    tp = np.bincount(i_t[hit], weights=weight[hit], minlength=k).astype(float)
    fp, fn = pred_sum - tp, true_sum - tp
    return tp, fp, fn, weight.sum() - tp - fp - fn


def _chosen_labels(t, p, labels, pos_label, average, fname) -> np.ndarray:
    """The labels a set-wise metric scores, as scikit-learn's `_check_set_wise_labels` picks them."""
    check_option(average, _AVERAGES, fname, "average")
    present = np.union1d(t, p)
    if average == "binary":
        if present.size > 2:
            raise ValueError(
                f"{fname}: y_true and y_pred hold {present.size} classes {present.tolist()} but "
                "average='binary'; choose average=None, 'micro', 'macro' or 'weighted'"
            )
        if present.size == 2 and pos_label not in present.tolist():
            raise ValueError(f"{fname}: pos_label={pos_label!r} is not a label; it should be one of {present.tolist()}")
        return np.asarray([pos_label])
    if pos_label not in (None, 1):
        warnings.warn(
            f"{fname}: pos_label={pos_label!r} is ignored when average={average!r}; "
            "use labels=[pos_label] to score a single class",
            UserWarning,
            stacklevel=3,
        )
    return present if labels is None else check_labels_arg(labels, t, fname)


def _one_vs_rest(fname, y_true, y_pred, labels, pos_label, average, sample_weight, zero_division):
    """Per-label counts (summed over labels for 'micro') and the support of each label."""
    zero_division_value(zero_division, fname)   # reject a bad option even when nothing is 0/0
    t, p = check_pair(y_true, y_pred, fname)
    w = as_weights(sample_weight, t.size, fname)
    chosen = _chosen_labels(t, p, labels, pos_label, average, fname)
    tp, fp, fn, tn = _counts(t, p, w, chosen)
    support = tp + fn
    if w is None:   # weighted supports are float, as in scikit-learn
        support = np.rint(support).astype(np.int64)
    if average == "micro":
        tp, fp, fn, tn = (np.array([x.sum()]) for x in (tp, fp, fn, tn))
    return tp, fp, fn, tn, support


def _average(values: np.ndarray, average: str | None, support: np.ndarray) -> Any:
    """Average per-label values, skipping NaNs (zero_division=nan) as scikit-learn does."""
    if average is None:
        return values
    ok = ~np.isnan(values)
    if not ok.any():
        return float("nan")
    if average == "weighted" and support[ok].sum() > 0:
        return float(np.average(values[ok], weights=support[ok]))
    return float(values[ok].mean())


def precision_recall_fscore_support(
    y_true: Labels,
    y_pred: Labels,
    *,
    beta: float = 1.0,
    labels: Labels | None = None,
    pos_label: Any = 1,
    average: str | None = None,
    warn_for: Sequence[str] = ("precision", "recall", "f-score"),
    sample_weight: Sequence[float] | None = None,
    zero_division: Any = "warn",
) -> tuple[Any, Any, Any, Any]:
    """Precision, recall, F-beta and support for each label, or averaged over labels.

    F is computed from the counts, ``(1 + b^2) tp / ((1 + b^2) tp + b^2 fn + fp)``, so it
    is defined whenever any of tp, fp, fn is non-zero.

    Args:
        beta: weight of recall in F (beta > 1 favours recall; 0 gives precision).
        labels: the labels to score (default: all present). Ignored for 'binary'.
        pos_label: the positive class when average='binary'.
        average: None (one value per label), 'binary' (pos_label only), 'micro'
            (pool the counts), 'macro' (plain mean), 'weighted' (mean weighted by support).
        warn_for: which of "precision", "recall", "f-score" may warn when 0/0.
        zero_division: value of a 0/0 metric: 'warn' (0 and an `UndefinedMetricWarning`), 0, 1, nan.

    Returns:
        (precision, recall, fbeta, support): arrays for average=None, else floats and None.

    Example:
        >>> p, r, f, s = precision_recall_fscore_support([0, 1, 2, 2], [0, 2, 2, 1])
        >>> p.tolist(), r.tolist(), s.tolist()
        ([1.0, 0.0, 0.5], [1.0, 0.0, 0.5], [1, 1, 2])
    """
    return _prfs("precision_recall_fscore_support", y_true, y_pred, beta, labels, pos_label, average,
                 warn_for, sample_weight, zero_division)


def _prfs(fname, y_true, y_pred, beta, labels, pos_label, average, warn_for, sample_weight, zero_division):
    """precision_recall_fscore_support, with errors and warnings naming the public function `fname`."""
    if not isinstance(beta, (int, float)) or np.isnan(beta) or beta < 0:
        raise ValueError(f"{fname}: beta must be a number >= 0, got {beta!r}")
    tp, fp, fn, _, support = _one_vs_rest(fname, y_true, y_pred, labels, pos_label, average, sample_weight, zero_division)

    def quiet(metric):  # warn only for the metrics the caller asked about
        return zero_division if metric in warn_for or not isinstance(zero_division, str) else 0

    precision = divide(tp, tp + fp, quiet("precision"), "precision (no predicted samples)", fname)
    recall = divide(tp, tp + fn, quiet("recall"), "recall (no true samples)", fname)
    if np.isposinf(beta):
        fscore = recall
    elif beta == 0:
        fscore = precision
    else:
        b2 = beta**2
        fscore = divide((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp, quiet("f-score"),
                        "F-score (no true nor predicted samples)", fname)
    if average is None:
        return precision, recall, fscore, support
    return tuple(_average(x, average, support) for x in (precision, recall, fscore)) + (None,)


def fbeta_score(y_true: Labels, y_pred: Labels, *, beta: float, labels: Labels | None = None,
                pos_label: Any = 1, average: str | None = "binary",
                sample_weight: Sequence[float] | None = None, zero_division: Any = "warn") -> Any:
    """F-beta: the weighted harmonic mean of precision and recall (see `precision_recall_fscore_support`).

    Example:
        >>> round(fbeta_score([0, 1, 1, 1], [1, 1, 0, 0], beta=2), 4)
        0.3571
    """
    return _prfs("fbeta_score", y_true, y_pred, beta, labels, pos_label, average, ("f-score",),
                 sample_weight, zero_division)[2]


def f1_score(y_true: Labels, y_pred: Labels, *, labels: Labels | None = None, pos_label: Any = 1,
             average: str | None = "binary", sample_weight: Sequence[float] | None = None,
             zero_division: Any = "warn") -> Any:
    """F1 = 2 tp / (2 tp + fp + fn) (see `precision_recall_fscore_support` for the arguments).

    Example:
        >>> f1_score([0, 1, 1, 1], [1, 1, 1, 0])
        0.6666666666666666
    """
    return _prfs("f1_score", y_true, y_pred, 1.0, labels, pos_label, average, ("f-score",),
                 sample_weight, zero_division)[2]


def precision_score(y_true: Labels, y_pred: Labels, *, labels: Labels | None = None, pos_label: Any = 1,
                    average: str | None = "binary", sample_weight: Sequence[float] | None = None,
                    zero_division: Any = "warn") -> Any:
    """Precision tp / (tp + fp): how many flagged samples are right.

    Example:
        >>> precision_score([0, 1, 1, 0], [1, 1, 1, 0])
        0.6666666666666666
    """
    return _prfs("precision_score", y_true, y_pred, 1.0, labels, pos_label, average, ("precision",),
                 sample_weight, zero_division)[0]


def recall_score(y_true: Labels, y_pred: Labels, *, labels: Labels | None = None, pos_label: Any = 1,
                 average: str | None = "binary", sample_weight: Sequence[float] | None = None,
                 zero_division: Any = "warn") -> Any:
    """Recall (sensitivity) tp / (tp + fn): how many positives are found.

    Example:
        >>> recall_score([0, 1, 1, 1], [1, 1, 1, 0])
        0.6666666666666666
    """
    return _prfs("recall_score", y_true, y_pred, 1.0, labels, pos_label, average, ("recall",),
                 sample_weight, zero_division)[1]


def specificity_score(y_true: Labels, y_pred: Labels, *, labels: Labels | None = None, pos_label: Any = 1,
                      average: str | None = "binary", sample_weight: Sequence[float] | None = None,
                      zero_division: Any = "warn") -> Any:
    """Specificity tn / (tn + fp): how many negatives are left alone (one-vs-rest per label).

    Arguments as for `recall_score`; 'weighted' weights each label by its support.

    Example:
        >>> specificity_score([0, 0, 0, 1], [0, 1, 0, 1])
        0.6666666666666666
    """
    fname = "specificity_score"
    tp, fp, fn, tn, support = _one_vs_rest(fname, y_true, y_pred, labels, pos_label, average, sample_weight, zero_division)
    values = divide(tn, tn + fp, zero_division, "specificity (no negative samples)", fname)
    return _average(values, average, support)


def negative_predictive_value(y_true: Labels, y_pred: Labels, *, labels: Labels | None = None,
                              pos_label: Any = 1, average: str | None = "binary",
                              sample_weight: Sequence[float] | None = None, zero_division: Any = "warn") -> Any:
    """Negative predictive value tn / (tn + fn): how many samples cleared are truly negative.

    Example:
        >>> negative_predictive_value([0, 0, 1, 1], [0, 0, 0, 1])
        0.6666666666666666
    """
    fname = "negative_predictive_value"
    tp, fp, fn, tn, support = _one_vs_rest(fname, y_true, y_pred, labels, pos_label, average, sample_weight, zero_division)
    values = divide(tn, tn + fn, zero_division, "negative predictive value (no predicted negatives)", fname)
    return _average(values, average, support)


def accuracy_score(y_true: Labels, y_pred: Labels, *, normalize: bool = True,
                   sample_weight: Sequence[float] | None = None) -> float:
    """Fraction (or, with normalize=False, weighted count) of samples predicted right.

    Example:
        >>> accuracy_score([0, 1, 2, 2], [0, 2, 2, 2])
        0.75
    """
    fname = "accuracy_score"
    if not isinstance(normalize, (bool, np.bool_)):
        raise ValueError(f"{fname}: normalize must be True or False, got {normalize!r}")
    t, p = check_pair(y_true, y_pred, fname)
    w = as_weights(sample_weight, t.size, fname)
    right = (t == p).astype(float)
    total = right.sum() if w is None else right @ w
    return float(total / (t.size if w is None else w.sum())) if normalize else float(total)


def balanced_accuracy_score(y_true: Labels, y_pred: Labels, *,
                            sample_weight: Sequence[float] | None = None, adjusted: bool = False) -> float:
    """Mean recall over the classes present in y_true; with adjusted=True, chance scores 0.

    Example:
        >>> balanced_accuracy_score([0, 0, 0, 1], [0, 0, 0, 0])
        0.5
    """
    fname = "balanced_accuracy_score"
    t, p = check_pair(y_true, y_pred, fname)
    w = as_weights(sample_weight, t.size, fname)
    tp, _, fn, _ = _counts(t, p, w, np.union1d(t, p))
    present = tp + fn > 0
    if not present.all():
        warnings.warn(f"{fname}: y_pred contains classes not in y_true", UserWarning, stacklevel=2)
    score = float(np.mean(tp[present] / (tp + fn)[present]))
    if not adjusted:
        return score
    n = int(present.sum())
    if n == 1:
        warnings.warn(f"{fname}: adjusted score is undefined with one class in y_true; returning nan",
                      UndefinedMetricWarning, stacklevel=2)
        return float("nan")
    return (score - 1 / n) / (1 - 1 / n)


def matthews_corrcoef(y_true: Labels, y_pred: Labels, *, sample_weight: Sequence[float] | None = None) -> float:
    """Matthews correlation between truth and prediction (multiclass R_K); 0 when undefined.

    Example:
        >>> round(matthews_corrcoef([1, 1, 0, 0], [1, 0, 0, 0]), 4)
        0.5774
    """
    fname = "matthews_corrcoef"
    t, p = check_pair(y_true, y_pred, fname)
    w = as_weights(sample_weight, t.size, fname)
    tp, fp, fn, _ = _counts(t, p, w, np.union1d(t, p))
    t_sum, p_sum = tp + fn, tp + fp
    n = t_sum.sum()
    cov_tp = tp.sum() * n - t_sum @ p_sum
    cov_pp, cov_tt = n**2 - p_sum @ p_sum, n**2 - t_sum @ t_sum
    if cov_pp * cov_tt == 0:
        return 0.0
    return float(cov_tp / np.sqrt(cov_pp * cov_tt))
