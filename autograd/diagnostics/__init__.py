"""`diagnose`: read a training run, a model and its data, and say what is wrong and what to try.

Give it whatever you have; each rule runs when its inputs are there. Every
finding has a stable code, a severity, a message with the numbers, and a fix.

=========================  ========  ============================================================
code                       severity  fires when (constants from history_rules / data_rules)
=========================  ========  ============================================================
non_finite_loss            critical  a training or validation loss is NaN or infinite, or fit
                                     stopped on a non-finite value (History.stop_reason)
loss_not_decreasing        warning   mean loss of the last fifth of epochs is < LOSS_MIN_DROP=0.10
                                     below epoch 1's, and above LOSS_FLOOR=0.001
loss_unstable              warning   loss rises > LOSS_JUMP=0.10 over the previous epoch in
                                     >= LOSS_JUMP_SHARE=0.20 of steps, or > LOSS_SPIKE=2.0 times
                                     in one (rises < LOSS_NOISE=0.05 of epoch 1's loss ignored)
loss_decreasing            info      the drop is >= LOSS_MIN_DROP and the loss is not unstable
overfitting                warning   val loss ends >= OVERFIT_VAL_RISE=0.10 above its minimum
                                     while train loss kept falling; names the parting epoch
metrics_improving          info      a val (else train) metric rose >= METRIC_MIN_GAIN=0.02 from
                                     epoch 1 and none fell >= METRIC_MAX_DROP=0.05; lists the
                                     metrics that rose
vanishing_gradients        warning   median first/last layer gradient norm < VANISHING_RATIO=0.01
exploding_gradients        warning   that ratio > EXPLODING_RATIO=100, or a layer's norm is
                                     > EXPLODING_NORM=1000 (critical if not finite)
dead_relu                  warning   a ReLU layer's zero-gradient share >= DEAD_RELU_FRACTION=0.5
saturated_units            warning   a tanh/sigmoid layer's saturation >= SATURATION_FRACTION=0.5
class_imbalance            warning   the rarest class is <= IMBALANCE_SHARE=0.20 of the labels
                                     (critical: a single class)
accuracy_paradox           critical  the rarest class is <= IMBALANCE_SHARE and its recall is
                                     < PARADOX_RECALL=0.5 (most of it is missed; accuracy hides it)
confusion_matrix_errors    warning   precision or recall < MANY_ERRORS=0.5
confusion_matrix_healthy   info      precision, recall and specificity all >= HEALTHY_MIN=0.8
                                     (and no_better_than_baseline did not fire)
no_better_than_baseline    warning   accuracy <= the majority baseline (always predicting the
                                     most frequent class) + BASELINE_MARGIN=0.01; any number of
                                     classes (not repeated when accuracy_paradox fired)
data_leakage               critical  >= LEAK_CRITICAL_SHARE=0.05 of test rows are in training
                                     (warning below that, or when the model's test balanced
                                     accuracy beats training's by >= SUSPICIOUS_GAP=0.05 plus
                                     2 standard errors, on >= MIN_SAMPLES=30 test rows)
target_leakage             info      one feature alone has AUC >= TARGET_LEAK_AUC=0.99
                                     (warning when data_leakage fired too)
=========================  ========  ============================================================

The loss-trend rules need MIN_EPOCHS=3 epochs or more. Rows are duplicates when every feature is within NEAR_DUPLICATE_TOL=1e-4 of the
training set's standard deviation (exact copies are counted separately). The
gradient rules judge medians: over all epochs for the layer-norm ratio, over the
last quarter for dead and saturated units. Epochs in messages count from 1.

Predictions from a model come from ``autograd.train.predict``. Scores passed as
`y_score` are read as probabilities (threshold 0.5) when all lie in [0, 1], else
as logits (threshold 0). For -1/+1 labels the negative prediction is -1.

Example:
    >>> from autograd.history import History
    >>> h = History(train_loss=[0.69, 0.5, 0.35, 0.3, 0.28], val_loss=[0.7, 0.52, 0.4, 0.36, 0.35])
    >>> report = diagnose(h, y_true=[1] * 80 + [0] * 100, y_pred=[1] * 80 + [0] * 90 + [1] * 10)
    >>> report.headline, report.codes
    ('Looks healthy', ['loss_decreasing', 'confusion_matrix_healthy'])
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Callable

import numpy as np

from ..metrics import balanced_accuracy_score
from ..metrics.inputs import as_labels
from ..predict import predict
from . import data_rules as _data
from . import history_rules as _hist
from .data_rules import imbalance_findings, leakage_findings, prediction_findings
from .history_rules import history_findings
from .report import SEVERITIES, Finding, Report

__all__ = ["SEVERITIES", "THRESHOLDS", "Finding", "Report", "diagnose"]

# Every rule's threshold by name, for the docs table above and for programs.
THRESHOLDS: dict[str, float] = {
    name: getattr(module, name)
    for module in (_hist, _data)
    for name in module.__all__
    if name.isupper()
}

_FN = "diagnose"


def _features(X: Any, name: str) -> np.ndarray | None:
    """A 2-D finite float array (one row per sample), or None."""
    if X is None:
        return None
    try:
        arr = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{_FN}: {name} must be a 2-D array of numbers ({err})") from None
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"{_FN}: {name} must be a non-empty 2-D array (rows x features), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        row = int(np.argwhere(~np.isfinite(arr))[0][0])
        raise ValueError(f"{_FN}: {name} row {row} holds {arr[row].tolist()}; features must be finite")
    return arr


def _labels(y: Any, name: str, n: int | None = None, other: str = "") -> np.ndarray | None:
    if y is None:
        return None
    arr = as_labels(y, _FN, name)
    if n is not None and arr.size != n:
        raise ValueError(f"{_FN}: {name} has {arr.size} labels but {other} has {n}")
    return arr


def _scores(y_score: Any, n: int) -> np.ndarray:
    arr = np.asarray(y_score, dtype=float) if not isinstance(y_score, (str, bytes)) else np.array([])
    if arr.ndim != 1 or arr.size != n:
        raise ValueError(f"{_FN}: y_score must be one score per label ({n}), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{_FN}: y_score contains {float(arr[~np.isfinite(arr)][0])!r}; scores must be finite")
    return arr


def _binary(positive: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Boolean calls as labels in the vocabulary of y (0/1, -1/+1, or True/False)."""
    if y.dtype == bool:
        return positive
    negative = -1 if y.dtype.kind in "iuf" and np.any(y == -1) else 0
    return np.where(positive, 1, negative)


def _predictor(model: Any) -> Callable[[np.ndarray], np.ndarray]:
    if not (callable(model) and callable(getattr(model, "parameters", None))):
        raise TypeError(f"{_FN}: model must be an autograd model such as MLP (callable, with parameters()), "
                        f"got {model!r:.80}")
    return lambda X: np.asarray(predict(model, X))


def _balanced_accuracy(y: np.ndarray, pred: np.ndarray) -> float:
    # A model may predict a class this split lacks; that is a finding, not a warning on stderr.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*y_pred contains classes not in y_true")
        return balanced_accuracy_score(y, pred)


def _class_names(names: Any) -> Mapping[Any, str] | None:
    """Label -> display name: a mapping as given, or a sequence naming labels 0, 1, ..."""
    if names is None or isinstance(names, Mapping):
        return names
    if isinstance(names, (str, bytes)) or not isinstance(names, Sequence):
        raise TypeError(f"{_FN}: class_names must be a mapping label -> name or a list naming labels 0, 1, ...; "
                        f"got {names!r:.80}")
    return dict(enumerate(names))


def _as_calls(pred: np.ndarray, y: np.ndarray) -> np.ndarray:
    # 0/1 (or True/False) calls take y's label names, so -1/+1 hinge labels compare right.
    if pred.dtype == bool or (pred.dtype.kind in "iu" and set(np.unique(pred).tolist()) <= {0, 1}):
        return _binary(pred.astype(bool), y)
    return pred


def diagnose(
    history: Any = None,
    *,
    model: Any = None,
    X_train: Any = None,
    y_train: Any = None,
    X_test: Any = None,
    y_test: Any = None,
    y_true: Any = None,
    y_pred: Any = None,
    y_score: Any = None,
    source: str | None = None,
    feature_names: Sequence[str] | None = None,
    class_names: Mapping[Any, str] | Sequence[str] | None = None,
    threshold: float | None = None,
) -> Report:
    """Check a training run and its results against every rule; return a `Report`.

    Args:
        history: a `History` from ``fit`` (or any object with its attributes).
        model: a trained model; with `X_test`/`X_train` it supplies the predictions.
        X_train, y_train, X_test, y_test: the data sets (rows x features, labels).
        y_true, y_pred: labels and predictions you already have (y_true defaults to y_test).
        y_score: scores for y_true (probabilities or logits); give them instead of
            or beside y_pred.
        source: what y_true and y_pred are, for the messages (e.g. "the test set");
            default "the test set" or "the training set" for a model's own
            predictions, else "the given predictions".
        feature_names: the columns' names, for the messages (default: their index).
        class_names: the labels' names for the messages: a mapping label -> name, or
            a list naming labels 0, 1, ... (class indices); evidence keeps the labels.
        threshold: the probability threshold behind y_pred when it was tuned; the
            history's metrics were recorded at 0.5, and metrics_improving says so.

    Returns:
        A `Report`; ``report.ok`` is False when anything is a warning or critical.

    Raises:
        ValueError: nothing to diagnose, mismatched lengths, empty or non-finite data.
        TypeError: a history without ``train_loss``, or a model that is not an autograd model.

    Example:
        >>> r = diagnose(y_true=[0] * 98 + [1] * 2, y_pred=[0] * 100)
        >>> r.headline, r.codes
        ('NOT READY: 1 critical problem and 1 warning', ['accuracy_paradox', 'class_imbalance'])
        >>> r = diagnose(y_true=[0] * 7 + [1] * 3, y_pred=[0] * 10, source="the March data",
        ...              class_names=["legit", "fraud"])
        >>> print(r.get("no_better_than_baseline").message)  # doctest: +NORMALIZE_WHITESPACE
        Accuracy 70.0% on the March data is no better than always predicting the majority class 'legit',
        which scores 70.0%; balanced accuracy is 50.0% (chance: 50%).
    """
    if all(v is None for v in (history, model, X_train, y_train, X_test, y_test, y_true, y_pred, y_score)):
        raise ValueError(f"{_FN}: nothing to diagnose; pass a History, a model with data, or y_true with y_pred")
    Xtr, Xte = _features(X_train, "X_train"), _features(X_test, "X_test")
    ytr = _labels(y_train, "y_train", None if Xtr is None else len(Xtr), "X_train")
    yte = _labels(y_test, "y_test", None if Xte is None else len(Xte), "X_test")
    if Xtr is not None and Xte is not None and Xtr.shape[1] != Xte.shape[1]:
        raise ValueError(f"{_FN}: X_train has {Xtr.shape[1]} features but X_test has {Xte.shape[1]}")
    n_features = next((X.shape[1] for X in (Xtr, Xte) if X is not None), None)
    if feature_names is not None and n_features is not None and (
            isinstance(feature_names, str) or len(feature_names) != n_features):
        raise ValueError(f"{_FN}: feature_names must name the {n_features} columns of X_train/X_test, "
                         f"got {feature_names!r:.80}")
    names = _class_names(class_names)
    yt = _labels(y_true, "y_true") if y_true is not None else yte
    if y_pred is not None and yt is None:
        raise ValueError(f"{_FN}: y_pred needs y_true (or y_test) to compare with")
    yp = _labels(y_pred, "y_pred", None if yt is None else yt.size, "y_true")
    if y_score is not None and yt is None:
        raise ValueError(f"{_FN}: y_score needs y_true (or y_test) to compare with")
    ys = None if y_score is None else _scores(y_score, yt.size)

    findings: list[Finding] = []
    if history is not None:
        findings += history_findings(history, threshold)

    train_acc = test_acc = None
    given = "the given predictions"
    if model is not None:
        if Xtr is None and Xte is None:
            raise ValueError(f"{_FN}: a model needs X_test or X_train (with labels) to be judged on")
        run = _predictor(model)
        if Xtr is not None and ytr is not None:
            ptr = _as_calls(run(Xtr), ytr)
            train_acc = _balanced_accuracy(ytr, ptr)
        if Xte is not None and yte is not None:
            pte = _as_calls(run(Xte), yte)
            test_acc = _balanced_accuracy(yte, pte)
        if yp is None and ys is None:
            if test_acc is not None:
                yt, yp, given = yte, pte, "the test set"
            elif train_acc is not None:
                yt, yp, given = ytr, ptr, "the training set"
    if yp is None and ys is not None:
        cut = 0.5 if ys.min() >= 0 and ys.max() <= 1 else 0.0
        yp = _binary(ys > cut, yt)
        given = f"the given scores (threshold {cut:g})"

    for y, name in ((ytr, "y_train"), (yt, "y_true"), (yte, "y_test")):
        if y is not None:
            findings += imbalance_findings(y, name, names)
            break
    if yt is not None and yp is not None:
        findings += prediction_findings(yt, yp, ys, source or given, names)
    findings += leakage_findings(Xtr, ytr, Xte, yte, train_acc, test_acc, feature_names)
    return Report(findings)
