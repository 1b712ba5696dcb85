"""Reports: scikit-learn's `classification_report`, plus the baseline and balanced scores it leaves out.

An accuracy means little without the accuracy of always predicting the majority class,
so both reports show that baseline, the class prevalence, balanced accuracy and MCC.

Example:
    >>> from autograd.metrics.report import evaluation_summary
    >>> summary = evaluation_summary([0, 0, 0, 1], [0, 0, 0, 0])
    >>> summary["accuracy"], summary["majority_baseline"], summary["balanced_accuracy"]
    (0.75, 0.75, 0.5)
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from .curves import average_precision_score, roc_auc_score
from .inputs import as_weights, check_labels_arg, check_pair, class_labels, index_of
from .labels import _counts, matthews_corrcoef, precision_recall_fscore_support

__all__ = ["classification_report", "evaluation_summary"]

Labels = Sequence[Any] | np.ndarray
_EXTRA_KEYS = ("balanced_accuracy", "matthews_corrcoef", "majority_baseline", "prevalence")


def _baseline_scores(t: np.ndarray, p: np.ndarray, w: np.ndarray | None) -> dict[str, Any]:
    """Accuracy, majority-class baseline, balanced accuracy and MCC, quietly (no warnings)."""
    classes = np.union1d(t, p)
    tp, _, fn, _ = _counts(t, p, w, classes)
    support = tp + fn
    present = support > 0
    majority = int(np.argmax(support))   # ties go to the first (smallest) label
    return {
        "accuracy": float(tp.sum() / support.sum()),
        "majority_class": classes[majority].item(),
        "majority_baseline": float(support[majority] / support.sum()),
        "balanced_accuracy": float(np.mean(tp[present] / support[present])),
        "matthews_corrcoef": matthews_corrcoef(t, p, sample_weight=w),
    }


def _prevalence(t: np.ndarray, w: np.ndarray | None, labels: np.ndarray) -> np.ndarray:
    weight = np.ones(t.size) if w is None else w.astype(float)
    index, found = index_of(labels, t)
    return np.bincount(index[found], weights=weight[found], minlength=labels.size) / weight.sum()


def classification_report(
    y_true: Labels,
    y_pred: Labels,
    *,
    labels: Labels | None = None,
    target_names: Sequence[str] | None = None,
    sample_weight: Sequence[float] | None = None,
    digits: int = 2,
    output_dict: bool = False,
    zero_division: Any = "warn",
    extras: bool = True,
) -> str | dict[str, Any]:
    """Precision, recall, F1 and support per class and averaged, as scikit-learn prints them.

    The rows and dict keys scikit-learn produces are reproduced exactly. With extras=True
    (the default) the report also gives balanced accuracy, MCC, the majority-class
    baseline (accuracy of always predicting y_true's most frequent class) and each
    class's prevalence in y_true: extra lines in the text, extra keys in the dict
    ("balanced_accuracy", "matthews_corrcoef", "majority_baseline", "prevalence").

    Example:
        >>> print(classification_report([0, 0, 0, 1], [0, 0, 1, 1]))
                      precision    recall  f1-score   support
        <BLANKLINE>
                   0       1.00      0.67      0.80         3
                   1       0.50      1.00      0.67         1
        <BLANKLINE>
            accuracy                           0.75         4
           macro avg       0.75      0.83      0.73         4
        weighted avg       0.88      0.75      0.77         4
        <BLANKLINE>
        balanced accuracy  0.83
                      MCC  0.58
        majority baseline  0.75 (always 0)
               prevalence  0 0.75, 1 0.25
        <BLANKLINE>
    """
    fname = "classification_report"
    t, p = check_pair(y_true, y_pred, fname)
    w = as_weights(sample_weight, t.size, fname)
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or digits < 0:
        raise ValueError(f"{fname}: digits must be an int >= 0, got {digits!r}")
    present = np.union1d(t, p)
    chosen = present if labels is None else check_labels_arg(labels, t, fname)
    micro_is_accuracy = labels is None or set(chosen.tolist()) >= set(present.tolist())
    if target_names is not None and len(target_names) != chosen.size:
        if labels is None:
            raise ValueError(f"{fname}: {chosen.size} classes but {len(target_names)} target_names; "
                             "pass labels= to say which classes they name")
        warnings.warn(f"{fname}: labels size, {chosen.size}, does not match size of target_names, "
                      f"{len(target_names)}", UserWarning, stacklevel=2)
    names = ["%s" % label for label in chosen] if target_names is None else list(target_names)
    headers = ["precision", "recall", "f1-score", "support"]
    prfs = dict(labels=chosen, sample_weight=w, zero_division=zero_division)
    per_class = precision_recall_fscore_support(t, p, average=None, **prfs)
    rows = list(zip(names, *per_class))
    averages = {}
    for average in ("micro", "macro", "weighted"):
        heading = "accuracy" if average == "micro" and micro_is_accuracy else f"{average} avg"
        averages[heading] = [*precision_recall_fscore_support(t, p, average=average, **prfs)[:3],
                             np.sum(per_class[3])]
    extra = _baseline_scores(t, p, w) if extras else {}
    prevalence = _prevalence(t, w, chosen)

    if output_dict:
        report: dict[str, Any] = {row[0]: dict(zip(headers, map(float, row[1:]))) for row in rows}
        for heading, values in averages.items():
            report[heading] = dict(zip(headers, map(float, values)))
        if "accuracy" in report:
            report["accuracy"] = report["accuracy"]["precision"]
        if extras:
            clash = set(_EXTRA_KEYS) & set(report)
            if clash:
                raise ValueError(f"{fname}: a class is named {sorted(clash)[0]!r}, like an extra key; pass extras=False")
            report.update({key: extra[key] for key in _EXTRA_KEYS[:3]})
            report["prevalence"] = {name: float(share) for name, share in zip(names, prevalence)}
        return report

    # The layout below is scikit-learn's, character for character.
    width = max(max(len(name) for name in names), len("weighted avg"), digits)
    text = ("{:>{width}s} " + " {:>9}" * 4).format("", *headers, width=width) + "\n\n"
    row_fmt = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
    for row in rows:
        text += row_fmt.format(*row, width=width, digits=digits)
    text += "\n"
    for heading, values in averages.items():
        if heading == "accuracy":
            fmt = "{:>{width}s} " + " {:>9.{digits}}" * 2 + " {:>9.{digits}f}" + " {:>9}\n"
            text += fmt.format(heading, "", "", *values[2:], width=width, digits=digits)
        else:
            text += row_fmt.format(heading, *values, width=width, digits=digits)
    if extras:
        shares = ", ".join(f"{name} {share:.{digits}f}" for name, share in zip(names, prevalence))
        text += (
            f"\n{'balanced accuracy':>17s}  {extra['balanced_accuracy']:.{digits}f}\n"
            f"{'MCC':>17s}  {extra['matthews_corrcoef']:.{digits}f}\n"
            f"{'majority baseline':>17s}  {extra['majority_baseline']:.{digits}f} (always {extra['majority_class']})\n"
            f"{'prevalence':>17s}  {shares}\n"
        )
    return text


def evaluation_summary(y_true: Labels, y_pred: Labels, y_score: Any = None, pos_label: Any = 1) -> dict[str, Any]:
    """The numbers to read before trusting a classifier, as one flat dict.

    Always: n_samples, accuracy, majority_class, majority_baseline (accuracy of always
    predicting it), balanced_accuracy, matthews_corrcoef. Binary problems (two classes,
    or 0/1 labels) add pos_label, prevalence (share of positives), precision, recall,
    specificity, negative_predictive_value, f1 and tp/fp/fn/tn; with y_score, roc_auc and
    average_precision. Multiclass problems add prevalence per class and macro
    precision/recall/f1; with (n, n_classes) y_score, one-vs-rest macro roc_auc.
    A metric that is 0/0 (e.g. precision with nothing flagged) is nan, not 0.

    Example:
        >>> s = evaluation_summary([1, 1, 0, 0], [1, 0, 0, 0], y_score=[0.9, 0.4, 0.3, 0.2])
        >>> s["recall"], s["specificity"], s["roc_auc"], s["tp"]
        (0.5, 1.0, 1.0, 1)
    """
    fname = "evaluation_summary"
    t, p = check_pair(y_true, y_pred, fname)
    classes = class_labels(t, p)
    summary: dict[str, Any] = {"n_samples": int(t.size), **_baseline_scores(t, p, None)}
    if classes.size > 2:
        shares = _prevalence(t, None, classes)
        summary["prevalence"] = {c.item(): float(share) for c, share in zip(classes, shares)}
        prf = precision_recall_fscore_support(t, p, average="macro", zero_division=np.nan)
        summary.update(precision=prf[0], recall=prf[1], f1=prf[2])
        if y_score is not None:
            summary["roc_auc"] = roc_auc_score(t, y_score, multi_class="ovr")
        return summary
    if classes.size == 2 and pos_label not in classes.tolist():
        raise ValueError(f"{fname}: pos_label={pos_label!r} is not a label; it should be one of {classes.tolist()}")
    tp, fp, fn, tn = (int(x[0]) for x in _counts(t, p, None, np.asarray([pos_label])))
    nan = float("nan")
    summary.update(
        pos_label=pos_label,
        prevalence=(tp + fn) / t.size,
        precision=tp / (tp + fp) if tp + fp else nan,
        recall=tp / (tp + fn) if tp + fn else nan,
        specificity=tn / (tn + fp) if tn + fp else nan,
        negative_predictive_value=tn / (tn + fn) if tn + fn else nan,
        f1=2 * tp / (2 * tp + fp + fn) if tp + fp + fn else nan,
        tp=tp, fp=fp, fn=fn, tn=tn,
    )
    if y_score is not None:
        positive = index_of(np.asarray([pos_label]), t)[1]
        with warnings.catch_warnings():   # one class only: nan says it already
            warnings.simplefilter("ignore")
            summary["roc_auc"] = roc_auc_score(positive, y_score)
            summary["average_precision"] = average_precision_score(positive, y_score, pos_label=True)
    return summary
