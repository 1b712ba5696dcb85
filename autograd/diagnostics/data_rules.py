"""The rules `diagnose` applies to labels, predictions and data sets: imbalance, accuracy paradox, leakage.

Every threshold is a module constant; `autograd.diagnostics` tabulates them.

Example:
    >>> [f.code for f in prediction_findings([1] * 80 + [0] * 20 + [0] * 90 + [1] * 10,
    ...                                      [1] * 100 + [0] * 100)]
    ['confusion_matrix_healthy']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..metrics import roc_auc_score
from .report import Finding

__all__ = [
    "BASELINE_MARGIN",
    "HEALTHY_MIN",
    "IMBALANCE_SHARE",
    "LEAK_CRITICAL_SHARE",
    "MANY_ERRORS",
    "MIN_SAMPLES",
    "NEAR_DUPLICATE_TOL",
    "PARADOX_RECALL",
    "SUSPICIOUS_GAP",
    "TARGET_LEAK_AUC",
    "imbalance_findings",
    "leakage_findings",
    "prediction_findings",
]

IMBALANCE_SHARE = 0.20      # the rarest class is at most 20% of the labels
PARADOX_RECALL = 0.5        # recall on the rare class below this: it misses more than it catches
HEALTHY_MIN = 0.8           # precision, recall and specificity all >= 0.8: TP and TN dominate
MANY_ERRORS = 0.5           # precision or recall below 0.5: more mistakes than hits on the positive class
NEAR_DUPLICATE_TOL = 1e-4   # rows closer than 1e-4 training std in every feature are duplicates
LEAK_CRITICAL_SHARE = 0.05  # >= 5% of test rows found in training is critical (fewer: warning)
SUSPICIOUS_GAP = 0.05       # test balanced accuracy >= 5 points (+2 std errors) above training's ...
MIN_SAMPLES = 30            # ... on at least 30 test rows (and target leakage needs 30 rows too)
TARGET_LEAK_AUC = 0.99      # one feature alone ranks the classes with AUC >= 0.99
BASELINE_MARGIN = 0.01      # accuracy within 1 point of always predicting the majority: nothing learnt

# The same advice in the library's words and in the command line's.
_WEIGHT_FIX = 'class_weight="balanced" in fit, or --class-weight balanced on the command line'


def _positive(classes: np.ndarray, y: np.ndarray) -> Any:
    """The positive class: 1 for 0/1 and -1/+1 labels, otherwise the rarer class."""
    if classes.dtype.kind in "biuf" and set(classes.tolist()) <= {-1, 0, 1} and 1 in classes:
        return classes.dtype.type(1)
    counts = [(np.sum(y == c), c) for c in classes]
    return min(counts, key=lambda t: t[0])[1]


def _auc(positive: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC of `score` for the boolean `positive`; NaN when either class is missing."""
    positive = np.asarray(positive, dtype=bool)
    if positive.all() or not positive.any():
        return float("nan")
    return float(roc_auc_score(positive, score))


def _py(label: Any) -> Any:
    """A numpy label as the plain Python value, so messages read 1, not np.int64(1)."""
    return label.item() if isinstance(label, np.generic) else label


def _shown(label: Any, class_names: Mapping[Any, str] | None) -> str:
    """A label as messages quote it: its display name when one is given, e.g. 'fraud' for 1."""
    label = _py(label)
    return repr(class_names.get(label, label) if class_names else label)


def imbalance_findings(y: np.ndarray, source: str,
                       class_names: Mapping[Any, str] | None = None) -> list[Finding]:
    """`class_imbalance` when the rarest class is at most IMBALANCE_SHARE of `y`.

    `class_names` maps labels to the names messages show (evidence keeps the labels).

    Example:
        >>> imbalance_findings(np.array([0] * 98 + [1] * 2), "y_train")[0].evidence["minority_share"]
        0.02
    """
    classes, counts = np.unique(y, return_counts=True)
    if classes.size == 1:
        return [Finding(
            "class_imbalance", "critical",
            f"{source} holds a single class ({_shown(classes[0], class_names)}, {y.size} labels): a model can't learn to tell "
            "classes apart from it.",
            "Collect or keep examples of every class; check the split and how labels were read.",
            {"source": source, "classes": classes.tolist(), "counts": counts.tolist(), "minority_share": 0.0},
        )]
    share = float(counts.min() / counts.sum())
    if share > IMBALANCE_SHARE:
        return []
    rare = classes[np.argmin(counts)]
    return [Finding(
        "class_imbalance", "warning",
        f"Classes are imbalanced in {source}: class {_shown(rare, class_names)} is {share:.1%} of the labels "
        f"({counts.min()} of {counts.sum()}), so always predicting the majority scores {1 - share:.1%} accuracy.",
        "Judge the model by recall, precision, F1 or balanced accuracy rather than accuracy; weight the "
        f"loss by class ({_WEIGHT_FIX}) or resample the training set.",
        {"source": source, "classes": classes.tolist(), "counts": counts.tolist(), "minority_share": share},
    )]


def _baseline(t: np.ndarray, p: np.ndarray, source: str,
              class_names: Mapping[Any, str] | None) -> list[Finding]:
    """`no_better_than_baseline` when accuracy is within BASELINE_MARGIN of always predicting the majority."""
    values, sizes = np.unique(t, return_counts=True)
    majority = values[np.argmax(sizes)]
    baseline = float(sizes.max() / t.size)
    accuracy = float(np.mean(t == p))
    if accuracy > baseline + BASELINE_MARGIN:
        return []
    # Balanced accuracy tells "learnt nothing" from "traded majority hits for rare ones" (class weights).
    balanced = float(np.mean([np.mean(p[t == c] == c) for c in values]))
    return [Finding(
        "no_better_than_baseline", "warning",
        f"Accuracy {accuracy:.1%} on {source} is no better than always predicting the majority class "
        f"{_shown(majority, class_names)}, which scores {baseline:.1%}; balanced accuracy is {balanced:.1%} "
        f"(chance: {1 / values.size:.0%}).",
        "If balanced accuracy is near chance too, the model has not learnt the task: train longer or with a "
        "larger learning rate, check that the features carry signal and are scaled, and on imbalanced data "
        f"weight the classes ({_WEIGHT_FIX}). If it is well above chance, the model trades majority-class "
        "hits for rare-class ones (as class weighting does): judge it by recall, precision or balanced "
        "accuracy and choose that trade deliberately (tune_threshold; --min-recall or --min-precision).",
        {"accuracy": accuracy, "majority_baseline": baseline, "majority_class": _py(majority),
         "balanced_accuracy": balanced, "margin": BASELINE_MARGIN, "source": source},
    )]


def prediction_findings(y_true: Any, y_pred: Any, y_score: Any = None, source: str = "predictions",
                        class_names: Mapping[Any, str] | None = None) -> list[Finding]:
    """Baseline, accuracy paradox and confusion-matrix rules (the last two for binary labels only).

    Args:
        y_true, y_pred: labels, already checked to be 1-D and of one length.
        y_score: optional scores (higher means positive), for the AUC in the evidence.
        source: which data the predictions are on, for the messages.
        class_names: label -> name to show in messages (evidence keeps the labels).

    Example:
        >>> f = prediction_findings([1] * 100 + [0] * 4900, [1] * 12 + [0] * 4988)[0]
        >>> f.code, f.severity, f.evidence["misses_per_100"]
        ('accuracy_paradox', 'critical', 88)
    """
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if np.unique(t).size < 2:
        return []  # one class: class_imbalance says it, and any accuracy equals the baseline
    baseline = _baseline(t, p, source, class_names)
    classes = np.union1d(t, p)
    if classes.size > 2:
        return baseline
    pos = _py(_positive(classes, t))
    tp, fn = int(np.sum((t == pos) & (p == pos))), int(np.sum((t == pos) & (p != pos)))
    fp, tn = int(np.sum((t != pos) & (p == pos))), int(np.sum((t != pos) & (p != pos)))
    n = t.size
    accuracy = (tp + tn) / n
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall, specificity = tp / (tp + fn), tn / (tn + fp)
    counts = {"tp": tp, "fn": fn, "fp": fp, "tn": tn}
    evidence = counts | {"accuracy": accuracy, "precision": precision, "recall": recall,
                         "specificity": specificity, "positive_class": pos, "source": source}
    if y_score is not None:
        evidence["auc"] = _auc(t == pos, np.asarray(y_score, dtype=float))

    # The paradox is about the rare class, whichever label it has.
    values, sizes = np.unique(t, return_counts=True)
    rare = _py(values[np.argmin(sizes)])
    share = float(sizes.min() / n)
    rare_baseline = 1 - share
    rare_recall = float(np.sum((t == rare) & (p == rare)) / sizes.min())
    # (accuracy - baseline) / share = rare recall - FP / n_rare, so with recall < PARADOX_RECALL
    # the model wins less than half the room above the majority baseline: accuracy is misleading.
    lift = (accuracy - rare_baseline) / share
    if share <= IMBALANCE_SHARE and rare_recall < PARADOX_RECALL:
        missed = round(100 * (1 - rare_recall))
        ranking = ""
        if evidence.get("auc", 0) >= 0.8:
            ranking = f" The scores still rank cases well (AUC {evidence['auc']:.2f}), so a lower threshold should help."
        # The paradox already compares with the baseline: no separate no_better_than_baseline.
        return [Finding(
            "accuracy_paradox", "critical",
            f"Not fit for production: accuracy {accuracy:.1%} on {source} looks high, but always predicting the "
            f"majority class already scores {rare_baseline:.1%}, and recall on the rare class "
            f"{_shown(rare, class_names)} is only {rare_recall:.0%}: the model misses {missed} of every 100 "
            f"such cases.{ranking}",
            f"Weight the rare class in the loss ({_WEIGHT_FIX}; or pos_weight in "
            "binary_cross_entropy_with_logits), resample the training set, and pick the decision threshold "
            "with tune_threshold(y_true, scores, min_recall=...) on validation data (--min-recall on the "
            "command line); judge by recall, F1 or balanced accuracy, not accuracy.",
            evidence | {"rare_class": rare, "rare_share": share, "baseline_accuracy": rare_baseline,
                        "rare_recall": rare_recall, "misses_per_100": missed, "lift": lift},
        )]
    if precision < MANY_ERRORS or recall < MANY_ERRORS:
        problems = []
        if recall < MANY_ERRORS:
            problems.append(f"it misses {fn} of {tp + fn} positives (recall {recall:.2f})")
        if tp + fp == 0:
            problems.append("it never predicts the positive class")
        elif precision < MANY_ERRORS:
            problems.append(f"{fp} of its {tp + fp} positive calls are false alarms (precision {precision:.2f})")
        return baseline + [Finding(
            "confusion_matrix_errors", "warning",
            f"The confusion matrix on {source} shows many mistakes (TP={tp}, FN={fn}, FP={fp}, TN={tn}) "
            f"for the positive class {_shown(pos, class_names)}: " + " and ".join(problems) + ".",
            "Low recall: weight the positive class or lower the threshold; low precision: raise the threshold "
            "(tune_threshold picks one; --min-recall or --min-precision on the command line); if both are "
            "low the model has not learnt the task yet.",
            evidence,
        )]
    if min(precision, recall, specificity) >= HEALTHY_MIN and not baseline:
        return [Finding(
            "confusion_matrix_healthy", "info",
            f"The confusion matrix on {source} is dominated by correct answers: TP={tp}, TN={tn}, FP={fp}, "
            f"FN={fn} (precision {precision:.2f}, recall {recall:.2f}, specificity {specificity:.2f}).",
            "", evidence,
        )]
    return baseline


def _matches(X_train: np.ndarray, X_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each test row: the index of a training row within tolerance (-1 if none), and whether it is exact."""
    scale = X_train.std(axis=0)
    tol = NEAR_DUPLICATE_TOL * np.where(scale > 0, scale, 1.0)
    match = np.full(len(X_test), -1)
    exact = np.zeros(len(X_test), dtype=bool)
    # Compare in chunks so the (test, train, feature) block stays a few MB.
    step = max(1, 500_000 // max(1, X_train.size))
    for start in range(0, len(X_test), step):
        diff = np.abs(X_test[start:start + step, None, :] - X_train[None, :, :])
        near = (diff <= tol).all(axis=2)
        same = (diff == 0).all(axis=2)
        found = near.any(axis=1)
        best = np.where(same.any(axis=1), same.argmax(axis=1), near.argmax(axis=1))
        match[start:start + step] = np.where(found, best, -1)
        exact[start:start + step] = same.any(axis=1)
    return match, exact


def leakage_findings(
    X_train: np.ndarray | None,
    y_train: np.ndarray | None,
    X_test: np.ndarray | None,
    y_test: np.ndarray | None,
    train_accuracy: float | None = None,
    test_accuracy: float | None = None,
    feature_names: Sequence[str] | None = None,
) -> list[Finding]:
    """`data_leakage` (shared rows, too-good test scores) and `target_leakage` (one feature gives the label away).

    `train_accuracy` and `test_accuracy` are the model's balanced accuracies, when known;
    `feature_names` name the columns in messages (default: their index).

    Example:
        >>> X = np.arange(40.0).reshape(20, 2)
        >>> f = leakage_findings(X, None, X[:5], None)[0]
        >>> f.code, f.severity, f.evidence["exact"]
        ('data_leakage', 'critical', 5)
    """
    found = []
    reasons, evidence, severity = [], {}, "warning"
    if X_train is not None and X_test is not None:
        match, exact = _matches(X_train, X_test)
        shared = int((match >= 0).sum())
        if shared:
            share = shared / len(X_test)
            severity = "critical" if share >= LEAK_CRITICAL_SHARE else "warning"
            n_exact = int(exact.sum())
            evidence |= {"shared_rows": shared, "exact": n_exact, "near": shared - n_exact,
                         "test_rows": len(X_test), "shared_share": share,
                         "test_indices": np.flatnonzero(match >= 0)[:10].tolist()}
            reasons.append(f"{shared} of {len(X_test)} test rows ({share:.1%}) also appear in training "
                           f"({n_exact} exact, {shared - n_exact} within {NEAR_DUPLICATE_TOL:g} std)")
            if y_train is not None and y_test is not None:
                hit = match >= 0
                conflicts = int(np.sum(y_test[hit] != y_train[match[hit]]))
                evidence["conflicting_labels"] = conflicts
                if conflicts:
                    reasons.append(f"{conflicts} of those carry a different label in training (noisy labels)")
    if train_accuracy is not None and test_accuracy is not None and X_test is not None and len(X_test) >= MIN_SAMPLES:
        gap = test_accuracy - train_accuracy
        # A small test set scores above training by luck: allow 2 standard errors of its estimate.
        allowed = SUSPICIOUS_GAP + 2 * np.sqrt(train_accuracy * (1 - train_accuracy) / len(X_test))
        if gap >= allowed:
            evidence |= {"train_balanced_accuracy": train_accuracy, "test_balanced_accuracy": test_accuracy,
                         "gap": gap, "allowed_gap": float(allowed)}
            reasons.append(f"test balanced accuracy {test_accuracy:.1%} is suspiciously better than training's "
                           f"{train_accuracy:.1%}")
    if reasons:
        found.append(Finding(
            "data_leakage", severity,
            "Possible data leakage: " + "; ".join(reasons) + ". Test scores are then unrealistically good.",
            "Split the data before any preprocessing, drop test rows that duplicate training rows "
            "(deduplicate first), and re-evaluate on data the model has never seen.",
            evidence,
        ))
    found += _target_leakage(X_train, y_train, backed=bool(reasons), feature_names=feature_names)
    return found


def _target_leakage(X: np.ndarray | None, y: np.ndarray | None, backed: bool,
                    feature_names: Sequence[str] | None) -> list[Finding]:
    if X is None or y is None or len(y) < MIN_SAMPLES or np.unique(y).size != 2:
        return []
    pos = _positive(np.unique(y), y)
    aucs = [_auc(y == pos, X[:, j]) for j in range(X.shape[1])]
    strength = [max(a, 1 - a) for a in aucs]
    j = int(np.argmax(strength))
    if strength[j] < TARGET_LEAK_AUC:
        return []
    label = None if feature_names is None else str(feature_names[j])
    name = str(j) if label is None else repr(label)
    # Some data is simply easy: alone this is a note, next to other leakage evidence a warning.
    return [Finding(
        "target_leakage", "warning" if backed else "info",
        f"Feature {name} alone separates the classes almost perfectly (AUC {strength[j]:.3f}). That is either an "
        "easy problem or a feature computed from the label (or from the future).",
        f"Check how feature {name} is produced; if it is only known after the outcome, drop it and retrain.",
        {"feature": j, "feature_name": label, "auc": strength[j], "aucs": [round(a, 4) for a in strength]},
    )]
