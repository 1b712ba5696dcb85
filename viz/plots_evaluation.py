"""Pictures of a classifier's results: the confusion matrix, precision-recall and ROC curves.

The numbers come from ``autograd.metrics`` (scikit-learn's definitions); these
functions only check their inputs, draw and label. A sample is predicted positive
when its score is >= the threshold.

Example:
    >>> fig = plot_roc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['model (AUC = 0.750)', 'chance (AUC = 0.5)']
"""

from __future__ import annotations

import numbers
from typing import Any, Sequence

import numpy as np

from autograd.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from autograd.metrics.inputs import (
    as_labels,
    as_scores,
    check_labels_arg,
    check_pair,
    class_labels,
    is_text,
)

from ._plot_common import Figure, check_choice, new_figure

__all__ = ["plot_confusion_matrix", "plot_precision_recall", "plot_roc"]

_NORMALIZE_TITLE = {
    None: "counts",
    "true": "each row sums to 1",
    "pred": "each column sums to 1",
    "all": "all cells sum to 1",
}


def _names(class_names: Sequence[str] | None, classes: np.ndarray, fname: str) -> list[str]:
    if class_names is None:
        return [str(c) for c in classes.tolist()]
    if isinstance(class_names, str) or len(class_names) != classes.size:
        raise ValueError(
            f"{fname}: class_names must name each of the {classes.size} classes "
            f"{classes.tolist()} in order, got {class_names!r}"
        )
    return [str(name) for name in class_names]


def plot_confusion_matrix(
    y_true: Sequence[Any],
    y_pred: Sequence[Any],
    *,
    labels: Sequence[Any] | None = None,
    class_names: Sequence[str] | None = None,
    normalize: str | None = None,
    fp_name: str | None = None,
    fn_name: str | None = None,
    title: str | None = None,
) -> Figure:
    """The confusion matrix as a grid: each cell shows its count (and its share when normalised).

    Rows are the true classes and columns the predictions, in the order of `labels`.
    For two classes the second is the positive one, so the top-right cell holds the
    false positives and the bottom-left the false negatives; `fp_name` and `fn_name`
    write the domain's words for them into those cells ("false alarm", "missed fraud").

    Args:
        y_true, y_pred: the true and predicted class of each sample.
        labels: the classes in row/column order; default the sorted classes (0 and 1 for 0/1 labels).
        class_names: display names for `labels`, in the same order.
        normalize: None (colour by count), "true" (by row), "pred" (by column) or "all".
        fp_name, fn_name: names of the false positive and false negative cells (two classes only).
        title: the axes title; default "Confusion matrix" and what the colour shows.

    Returns:
        A matplotlib Figure; the cell texts are in ``fig.axes[0].texts``, row by row.

    Example:
        >>> fig = plot_confusion_matrix([0, 0, 0, 1, 1], [0, 1, 0, 1, 0],
        ...     class_names=("legit", "fraud"), fp_name="false alarm", fn_name="missed fraud")
        >>> [t.get_text() for t in fig.axes[0].texts]
        ['2', '1\\nfalse alarm', '1\\nmissed fraud', '1']
    """
    fname = "plot_confusion_matrix"
    check_choice(normalize, tuple(_NORMALIZE_TITLE), fname, "normalize")
    t, p = check_pair(y_true, y_pred, fname)
    classes = class_labels(t, p) if labels is None else check_labels_arg(labels, t, fname)
    if not np.isin(t, classes).any():
        raise ValueError(f"{fname}: none of labels {classes.tolist()} occurs in y_true")
    names = _names(class_names, classes, fname)
    for arg, value in (("fp_name", fp_name), ("fn_name", fn_name)):
        if value is not None and (not isinstance(value, str) or classes.size != 2):
            raise ValueError(f"{fname}: {arg} must be a string and needs exactly two classes, "
                             f"got {value!r} with classes {classes.tolist()}")
    counts = confusion_matrix(t, p, labels=classes)
    shares = None if normalize is None else confusion_matrix(t, p, labels=classes, normalize=normalize)
    shown = counts if shares is None else shares

    k = classes.size
    fig = new_figure((max(4.2, 1.6 + 1.1 * k), 1.2 + 1.0 * k))
    ax = fig.subplots()
    vmax = 1.0 if shares is not None else max(1, int(counts.max()))
    image = ax.imshow(shown, cmap="Blues", vmin=0, vmax=vmax)
    fig.colorbar(image, ax=ax, label="count" if shares is None else "share")
    cell_names = {(0, 1): fp_name, (1, 0): fn_name} if k == 2 else {}
    for i in range(k):
        for j in range(k):
            lines = [str(counts[i, j])]
            if shares is not None:
                lines.append(f"{shares[i, j]:.1%}")
            if cell_names.get((i, j)):
                lines.append(cell_names[(i, j)])
            # Dark text on light cells and light text on dark ones.
            color = "white" if shown[i, j] > vmax / 2 else "black"
            ax.text(j, i, "\n".join(lines), ha="center", va="center", color=color)
    ax.set_xticks(range(k), names)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title if title is not None else f"Confusion matrix ({_NORMALIZE_TITLE[normalize]})")
    return fig


def _positives(y_true: Any, pos_label: Any, fname: str) -> np.ndarray:
    """y_true == pos_label as booleans; both classes must occur for a curve to exist."""
    t = as_labels(y_true, fname, "y_true")
    classes = np.unique(t)
    if classes.size != 2:
        raise ValueError(f"{fname}: y_true must hold exactly two classes for a curve, got {classes.tolist()}")
    if pos_label is None:
        if is_text(t) or not (np.isin(classes, [0, 1]).all() or np.isin(classes, [-1, 1]).all()):
            raise ValueError(f"{fname}: y_true holds {classes.tolist()}; pass pos_label= to say which is positive")
        pos_label = 1
    if pos_label not in classes.tolist():
        raise ValueError(f"{fname}: pos_label={pos_label!r} is not one of y_true's classes {classes.tolist()}")
    return t == pos_label


def _scores(y_score: Any, n: int, fname: str) -> np.ndarray:
    s = as_scores(y_score, fname, "y_score")
    if s.size != n:
        raise ValueError(f"{fname}: y_true and y_score have different lengths ({n} and {s.size})")
    return s


def _threshold_counts(threshold: Any, pos: np.ndarray, s: np.ndarray, fname: str) -> tuple[float, int, int, int, int]:
    """The threshold (a number or a ThresholdChoice) and tp, fp, fn, tn it gives."""
    value = getattr(threshold, "threshold", threshold)  # a ThresholdChoice from tune_threshold
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{fname}: threshold must be a finite number or a ThresholdChoice, got {threshold!r}")
    flagged = s >= value
    tp, fp = int(np.sum(flagged & pos)), int(np.sum(flagged & ~pos))
    fn, tn = int(np.sum(~flagged & pos)), int(np.sum(~flagged & ~pos))
    return float(value), tp, fp, fn, tn


def plot_precision_recall(
    y_true: Sequence[Any],
    y_score: Sequence[float],
    *,
    pos_label: Any = None,
    threshold: Any = None,
    title: str | None = None,
) -> Figure:
    """The precision-recall curve, with the chance level (the prevalence) and the AP in the legend.

    Precision first (a spam filter must not bin good mail) means working at the left,
    high-precision end; recall first (cancer screening must not miss a case) at the right.

    Args:
        y_true: the true class of each sample (two classes).
        y_score: a score per sample, higher meaning more likely positive.
        pos_label: the positive class; may be left out for labels in {0, 1} or {-1, 1}.
        threshold: a number or a ``ThresholdChoice`` from ``tune_threshold``; its
            (recall, precision) point is marked and written in the legend.
        title: the axes title; default "Precision-recall curve".

    Returns:
        A matplotlib Figure.

    Example:
        >>> fig = plot_precision_recall([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], threshold=0.35)
        >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        ['model (AP = 0.833)', 'chance (prevalence = 0.50)', 'threshold 0.35: precision 0.67, recall 1.00']
    """
    fname = "plot_precision_recall"
    pos = _positives(y_true, pos_label, fname)
    s = _scores(y_score, pos.size, fname)
    precision, recall, _ = precision_recall_curve(pos, s, pos_label=True)
    ap = average_precision_score(pos, s, pos_label=True)
    prevalence = float(pos.mean())

    fig = new_figure((5.0, 4.2))
    ax = fig.subplots()
    # Steps, not straight segments: AP is the area under this step function.
    ax.plot(recall, precision, drawstyle="steps-post", color="C0", label=f"model (AP = {ap:.3f})")
    ax.axhline(prevalence, color="grey", linestyle="--", label=f"chance (prevalence = {prevalence:.2f})")
    if threshold is not None:
        value, tp, fp, fn, _ = _threshold_counts(threshold, pos, s, fname)
        if tp + fp == 0:
            raise ValueError(f"{fname}: threshold {value!r} is above every score; no sample is predicted "
                             "positive, so precision is undefined")
        p, r = tp / (tp + fp), tp / (tp + fn)
        ax.plot([r], [p], linestyle="none", marker="o", markersize=9, color="C3",
                label=f"threshold {value:.3g}: precision {p:.2f}, recall {r:.2f}")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("recall (share of positives found)")
    ax.set_ylabel("precision (share of flagged that are positive)")
    ax.set_title(title if title is not None else "Precision-recall curve")
    ax.legend(loc="lower left", fontsize="small")
    return fig


def plot_roc(
    y_true: Sequence[Any],
    y_score: Sequence[float],
    *,
    pos_label: Any = None,
    threshold: Any = None,
    title: str | None = None,
) -> Figure:
    """The ROC curve (true positive rate against false positive rate), the chance diagonal and the AUC.

    Args:
        y_true: the true class of each sample (two classes).
        y_score: a score per sample, higher meaning more likely positive.
        pos_label: the positive class; may be left out for labels in {0, 1} or {-1, 1}.
        threshold: a number or a ``ThresholdChoice``; its (FPR, TPR) point is marked.
        title: the axes title; default "ROC curve".

    Returns:
        A matplotlib Figure.

    Example:
        >>> fig = plot_roc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], threshold=0.8)
        >>> fig.axes[0].lines[-1].get_label()
        'threshold 0.8: FPR 0.00, TPR 0.50'
    """
    fname = "plot_roc"
    pos = _positives(y_true, pos_label, fname)
    s = _scores(y_score, pos.size, fname)
    fpr, tpr, _ = roc_curve(pos, s, pos_label=True)
    area = roc_auc_score(pos, s)

    fig = new_figure((5.0, 4.2))
    ax = fig.subplots()
    ax.plot(fpr, tpr, color="C0", label=f"model (AUC = {area:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="chance (AUC = 0.5)")
    if threshold is not None:
        value, tp, fp, fn, tn = _threshold_counts(threshold, pos, s, fname)
        f, t = fp / (fp + tn), tp / (tp + fn)
        ax.plot([f], [t], linestyle="none", marker="o", markersize=9, color="C3",
                label=f"threshold {value:.3g}: FPR {f:.2f}, TPR {t:.2f}")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel("false positive rate (share of negatives flagged)")
    ax.set_ylabel("true positive rate (recall)")
    ax.set_title(title if title is not None else "ROC curve")
    ax.legend(loc="lower right", fontsize="small")
    return fig
