"""A trained model's predictions and scores on a whole array at once: `predict`, `predict_proba`, `evaluate`.

The model's graph for one sample is recorded once and replayed over all rows
with numpy (`autograd.replay.Replay`), which assumes what holds for an MLP: the
graph has the same shape for every input (no Python ``if`` on an input's value).

Turning outputs into classes: several outputs -> the argmax; one output ->
positive when ``score >= threshold``, the convention of
`autograd.metrics.tune_threshold` and the plots.

Example:
    >>> from autograd.nn import MLP
    >>> model = MLP(1, [1], seed=0)       # y = w x with w = 0.6888...
    >>> predict(model, [[-1.0], [0.0], [2.0]]).tolist()   # a score of exactly 0 is positive
    [0, 1, 1]
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Sequence

import numpy as np

from .engine import Value, is_grad_enabled, no_grad
from .metrics import accuracy_score, f1_score, precision_score, recall_score
from .replay import Replay
from .train_inputs import (
    as_features,
    as_targets,
    check_metrics,
    check_model,
    last_activation,
)

# The public three; `fit` also uses record, replay_scores, classes, metric_values,
# scores_and_metrics and decision_threshold from here.
__all__ = ["evaluate", "predict", "predict_proba"]

_SCORES = {"precision": precision_score, "recall": recall_score, "f1": f1_score}


def predict(
    model: Any,
    X: Any,
    threshold: float | None = None,
    *,
    proba_threshold: float | None = None,
    loss: Callable[..., Value] | None = None,
) -> np.ndarray:
    """Class predictions: argmax for several outputs, 0/1 for one.

    With one output, a sample is positive when ``score >= threshold`` (the
    model's raw output), or, if `proba_threshold` is given instead, when
    ``predict_proba(model, X) >= proba_threshold``: use that for a threshold
    that `autograd.metrics.tune_threshold` chose on `predict_proba` output.
    Without either, the threshold is the one `fit` used with `loss` (0.5 for
    `mse_loss` and probabilities, 0 for logits and hinge scores); without a
    loss, 0.5 after a sigmoid and 0 otherwise.

    Example:
        >>> from autograd.nn import MLP
        >>> model = MLP(1, [1], seed=0)       # y = w x with w = 0.6888...
        >>> predict(model, [[-1.0], [2.0]]).tolist()
        [0, 1]
        >>> predict(model, [[-1.0], [2.0]], proba_threshold=0.9).tolist()   # sigmoid(1.38) = 0.80
        [0, 0]
    """
    check_model(model, "predict")
    scores = _scores(model, as_features(X, model, "predict", "X"))
    if threshold is None and proba_threshold is None:
        threshold = decision_threshold(model, loss)
    return _predicted(model, scores, threshold, proba_threshold, "predict")


def predict_proba(model: Any, X: Any) -> np.ndarray:
    """Probabilities: P(class 1) per sample for one output, a softmax row for several.

    One output: the output itself if the last layer is a sigmoid, else
    sigmoid(score) (the score is read as a logit). Several outputs: the softmax
    of the outputs, shape (n_samples, n_classes).

    Example:
        >>> from autograd.nn import MLP
        >>> model = MLP(1, [2], activation="relu", seed=0)
        >>> predict_proba(model, [[0.0]]).tolist()   # zero input: equal logits
        [[0.5, 0.5]]
    """
    check_model(model, "predict_proba")
    return _probabilities(model, _scores(model, as_features(X, model, "predict_proba", "X")))


def evaluate(
    model: Any,
    X: Any,
    y: Any,
    *,
    loss: Callable[..., Value] | None = None,
    metrics: Sequence[str] = ("accuracy", "precision", "recall"),
    threshold: float | None = None,
    proba_threshold: float | None = None,
) -> dict[str, float]:
    """The loss (if given) and metrics of `model` on (X, y), as a dict; no gradients.

    `threshold` and `proba_threshold` decide the classes as in `predict`; by
    default the threshold comes from the loss (0 for logits, 0.5 for probabilities).

    Example:
        >>> from autograd.nn import MLP
        >>> from autograd.losses import hinge_loss
        >>> model = MLP(1, [1], seed=0)
        >>> result = evaluate(model, [[-1.0], [2.0]], [0, 1], loss=hinge_loss, metrics=["accuracy"])
        >>> {name: round(value, 4) for name, value in result.items()}
        {'loss': 0.1556, 'accuracy': 1.0}
    """
    check_model(model, "evaluate")
    X = as_features(X, model, "evaluate", "X")
    y = as_targets(y, len(X), "evaluate", "y")
    metrics = check_metrics(metrics, "evaluate")
    scores = _scores(model, X)
    _check_labels(y, scores, "evaluate")
    if threshold is None and proba_threshold is None:
        threshold = decision_threshold(model, loss)
    predicted = _predicted(model, scores, threshold, proba_threshold, "evaluate")
    return scores_and_metrics(scores, y, loss, metrics, predicted=predicted)


def _predicted(model: Any, scores: np.ndarray, threshold: float | None,
               proba_threshold: float | None, caller: str) -> np.ndarray:
    """Classes from scores, by a score threshold or a probability threshold (one output)."""
    if threshold is not None and proba_threshold is not None:
        raise ValueError(f"{caller}: give threshold (on the raw score) or proba_threshold "
                         f"(on predict_proba), not both")
    for name, value in (("threshold", threshold), ("proba_threshold", proba_threshold)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Real)
                                  or not math.isfinite(value)):
            raise ValueError(f"{caller}: {name} must be a finite number, got {value!r}")
    if proba_threshold is None:
        if threshold is None:
            threshold = 0.5 if last_activation(model) == "sigmoid" else 0.0
        return classes(scores, threshold)
    if scores.ndim == 2:
        raise ValueError(f"{caller}: proba_threshold needs a model with one output; "
                         f"this one has {scores.shape[1]} (its class is the argmax)")
    if not 0 <= proba_threshold <= 1:
        raise ValueError(f"{caller}: proba_threshold must be in [0, 1], got {proba_threshold!r}")
    # Compare probabilities themselves, not scores against logit(p): the sample
    # whose probability tune_threshold chose must land exactly on the threshold.
    return (_probabilities(model, scores) >= proba_threshold).astype(int)


def _check_labels(y: np.ndarray, scores: np.ndarray, caller: str) -> None:
    """Labels the model's outputs can be compared with: 0/1 (or -1/+1) for one output, 0..k-1 for k."""
    if scores.ndim == 1:
        allowed, what = {0.0, 1.0, -1.0}, "0/1 (or -1/+1) labels for a model with one output"
        bad = [i for i, v in enumerate(y.tolist()) if v not in allowed]
    else:
        k = scores.shape[1]
        allowed_range, what = range(k), f"class indices 0..{k - 1} for a model with {k} outputs"
        bad = [i for i, v in enumerate(y.tolist()) if v != int(v) or int(v) not in allowed_range]
    if bad:
        raise ValueError(f"{caller}: y[{bad[0]}] is {y[bad[0]].item()!r}; expected {what}")


def _probabilities(model: Any, scores: np.ndarray) -> np.ndarray:
    if scores.ndim == 2:
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)
    if last_activation(model) == "sigmoid":
        return scores
    e = np.exp(-np.abs(scores))  # never overflows: the argument is <= 0
    return np.where(scores >= 0, 1 / (1 + e), e / (1 + e))


# --- shared with fit -------------------------------------------------------------------


def record(model: Any, n_inputs: int) -> tuple[Replay, bool]:
    """The model's graph for one sample, ready to replay, and whether it has a single output.

    Recorded on placeholder inputs of 0 (an MLP computes anything from them
    without error); each batch's rows take their place in `Replay.forward`.
    """
    inputs = [Value(0.0, label=f"x[{j}]") for j in range(n_inputs)]
    out = model(inputs)
    single = not isinstance(out, (list, tuple))
    return Replay([out] if single else out, inputs=inputs), single


def replay_scores(replay: Replay, single: bool, X: np.ndarray) -> np.ndarray:
    """The model's outputs for every row of X: (n,) for a single output, else (n, n_outputs)."""
    out = replay.forward(X)
    return out[:, 0] if single else out


def classes(scores: np.ndarray, threshold: float) -> np.ndarray:
    """Class per sample: the argmax of a row of scores, or ``score >= threshold`` as 0/1."""
    if scores.ndim == 2:
        return scores.argmax(axis=1)
    return (scores >= threshold).astype(int)


def metric_values(metrics: Sequence[str], y: np.ndarray, predicted: np.ndarray, *,
                  binary: bool) -> dict[str, float]:
    """The named metrics of `autograd.metrics`; 0 where undefined (e.g. no predicted positive).

    Binary: precision, recall and f1 of class 1; targets may be 0/1 or -1/+1
    (hinge), either way class 1 is ``y > 0.5``. Multiclass: macro averages.
    """
    truth = (y > 0.5).astype(int) if binary else y.astype(int)
    average = "binary" if binary else "macro"
    return {
        m: float(accuracy_score(truth, predicted)) if m == "accuracy"
        else float(_SCORES[m](truth, predicted, average=average, zero_division=0))
        for m in metrics
    }


def scores_and_metrics(scores: np.ndarray, y: np.ndarray, loss: Callable[..., Value] | None,
                       metrics: Sequence[str], threshold: float = 0.0, *,
                       predicted: np.ndarray | None = None) -> dict[str, float]:
    """The loss (if given) on the model's `scores`, then the metrics of their classes.

    The classes are `predicted` if given, else ``classes(scores, threshold)``.
    """
    result: dict[str, float] = {}
    if loss is not None:
        with no_grad():  # plain numbers in, one number out: no graph needed
            result["loss"] = float(loss(scores.tolist(), y).data)
    if predicted is None:
        predicted = classes(scores, threshold)
    result.update(metric_values(metrics, y, predicted, binary=scores.ndim == 1))
    return result


def decision_threshold(model: Any, loss: Any) -> float:
    """The loss's ``decision_threshold`` if it has one; else 0.5 after a sigmoid, 0 otherwise."""
    from_loss = getattr(loss, "decision_threshold", None)
    if from_loss is not None:
        return float(from_loss)
    return 0.5 if last_activation(model) == "sigmoid" else 0.0


def _scores(model: Any, X: np.ndarray) -> np.ndarray:
    if not is_grad_enabled():  # inside the caller's no_grad no graph is recorded: one by one
        outputs = [model(row) for row in X.tolist()]
        return np.array([[v.data for v in out] if isinstance(out, (list, tuple)) else out.data
                         for out in outputs])
    replay, single = record(model, X.shape[1])
    return replay_scores(replay, single, X)
