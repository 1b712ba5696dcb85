"""The training loop: `fit` a model with a loss and an optimizer, then `predict` and `evaluate`.

Turning a model's outputs into classes: several outputs -> the argmax; one
output -> positive when the score is above a threshold. `fit` and `evaluate`
take the threshold from the loss (its ``decision_threshold`` attribute: 0.5 for
`mse_loss` and `binary_cross_entropy` on probabilities, 0 for the logit and
hinge losses); `predict` without a loss uses 0.5 when the model's last layer is
a sigmoid (its output is a probability) and 0 otherwise (a score or logit).

Example:
    >>> from autograd.nn import MLP
    >>> from autograd.optim import SGD
    >>> from autograd.losses import hinge_loss
    >>> X, y = [[0.0, 1.0], [1.0, 0.0], [0.0, 0.9], [0.9, 0.0]], [1, 0, 1, 0]
    >>> model = MLP(2, [4, 1], seed=2)
    >>> history = fit(model, X, y, loss=hinge_loss, optimizer=SGD(model.parameters(), lr=0.1),
    ...               epochs=20, progress=False)
    >>> history.train_metrics["accuracy"][-1], predict(model, X).tolist()
    (1.0, [1, 0, 1, 0])
"""

from __future__ import annotations

import inspect
import math
import numbers
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
from tqdm.auto import tqdm

from . import losses as _losses
from .callbacks import Callback
from .engine import Value, no_grad, topological_order
from .history import History

__all__ = ["METRICS", "evaluate", "fit", "predict", "predict_proba"]

METRICS = ("accuracy", "precision", "recall", "f1")
_SATURATING = ("tanh", "sigmoid")
_SATURATION_MARGIN = 0.01  # "saturated": within this of an asymptote


def fit(
    model: Any,
    X: Any,
    y: Any,
    *,
    loss: Callable[..., Value],
    optimizer: Any,
    epochs: int,
    batch_size: int | None = None,
    validation_data: tuple[Any, Any] | None = None,
    metrics: Sequence[str] = ("accuracy", "precision", "recall"),
    class_weight: dict[int, float] | str | None = None,
    callbacks: Sequence[Callback | Callable[..., Any]] = (),
    seed: int | None = None,
    progress: bool = True,
    l2: float = 0.0,
    schedule: Callable[[int], float] | None = None,
    stop_on_nonfinite: bool = True,
) -> History:
    """Train `model` on (X, y) and return the `History` of the run.

    Args:
        model: an `autograd.nn.MLP` (or anything with ``__call__``, ``parameters()``,
            ``zero_grad()`` and ``layers``).
        X, y: features (n_samples, n_features) and targets (n_samples,).
        loss: a function of `autograd.losses`, or any ``loss(predictions, targets, **kw) -> Value``.
        optimizer: an optimizer built on ``model.parameters()``.
        epochs: number of passes over the data.
        batch_size: samples per step; None for the full batch (one step per epoch).
        validation_data: (X_val, y_val), evaluated after every epoch (without class weights).
        metrics: names from `METRICS`; binary precision/recall/f1 are for class 1,
            multiclass ones are macro averages. An undefined score (no predicted
            positive) counts as 0.
        class_weight: a dict class -> weight, or "balanced" (computed once from the whole y).
        callbacks: `Callback` objects or functions ``fn(epoch, history, model)``.
        seed: seeds the shuffling of mini-batches; the same seed (and the same
            model initialisation) gives the same History, bit for bit.
        progress: show a progress bar (tqdm; a widget in Jupyter).
        l2: adds ``l2_penalty(model.parameters(), l2)`` to every step's loss.
        schedule: ``schedule(epoch) -> lr``, set on the optimizer before each epoch
            (e.g. `autograd.optim.LinearDecay`).
        stop_on_nonfinite: when an operation overflows or gives NaN (the engine
            raises, naming it), stop, warn, and return the History with
            ``stop_reason`` naming the epoch and the operation; the model keeps its
            last finite weights. False re-raises the error instead.

    Raises:
        TypeError, ValueError: bad arguments, before any training.
    """
    model_n_out = _check_model(model, "fit")
    X = _as_features(X, model, "fit", "X")
    y = _as_targets(y, len(X), "fit", "y")
    epochs = _positive_int(epochs, "fit", "epochs")
    batch_size = len(X) if batch_size is None else min(_positive_int(batch_size, "fit", "batch_size"), len(X))
    metrics = _check_metrics(metrics, "fit")
    if not callable(loss):
        raise TypeError(f"fit: loss must be a loss function such as autograd.losses.hinge_loss, got {loss!r:.60}")
    for method in ("step", "zero_grad"):
        if not callable(getattr(optimizer, method, None)):
            raise TypeError(f"fit: optimizer must have {method}() (e.g. autograd.optim.SGD), got {optimizer!r:.60}")
    if not (isinstance(l2, numbers.Real) and not isinstance(l2, bool) and math.isfinite(l2) and l2 >= 0):
        raise ValueError(f"fit: l2 must be a finite number >= 0, got {l2!r}")
    if schedule is not None and not callable(schedule):
        raise TypeError(f"fit: schedule must be a function of the epoch, got {schedule!r:.60}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"fit: seed must be an int or None, got {seed!r}")
    callbacks = list(callbacks)
    for cb in callbacks:
        if not (isinstance(cb, Callback) or callable(cb)):
            raise TypeError(f"fit: each callback must be a Callback or a function, got {cb!r:.60}")
        if validation_data is None and str(getattr(cb, "monitor", "")).startswith("val_"):
            raise ValueError(f"fit: {type(cb).__name__} monitors {cb.monitor!r} but no validation_data was given")
    loss_kw: dict[str, Any] = {}
    if class_weight is not None:
        if not _accepts(loss, "class_weight"):
            raise TypeError(f"fit: class_weight was given but {_name(loss)} takes no class_weight argument")
        loss_kw["class_weight"] = _losses.balanced_class_weight(y) if class_weight == "balanced" else class_weight
    if loss is _losses.binary_cross_entropy and _last_activation(model) != "sigmoid":
        raise ValueError(
            f"fit: binary_cross_entropy takes probabilities, but the model's last layer is "
            f"{_last_activation(model)!r}; use output_activation='sigmoid' or binary_cross_entropy_with_logits"
        )
    _dry_run(loss, y, model_n_out, loss_kw, "y")
    if validation_data is not None:
        if not (isinstance(validation_data, (tuple, list)) and len(validation_data) == 2):
            raise TypeError("fit: validation_data must be a pair (X_val, y_val)")
        X_val = _as_features(validation_data[0], model, "fit", "X_val")
        y_val = _as_targets(validation_data[1], len(X_val), "fit", "y_val")
        _dry_run(loss, y_val, model_n_out, {}, "y_val")

    threshold = _threshold(model, loss)
    params = model.parameters()
    layers = list(getattr(model, "layers", []))
    history = History(
        train_metrics={m: [] for m in metrics},
        val_metrics={m: [] for m in metrics} if validation_data is not None else {},
        layers=[layer.name for layer in layers],
        activations=[layer.activation for layer in layers],
        **{key: {layer.name: [] for layer in layers} for key in
           ("grad_norm", "mean_abs_grad", "zero_grad_fraction", "update_ratio", "saturation")},
    )
    rng = np.random.default_rng(seed)
    for cb in callbacks:
        if isinstance(cb, Callback):
            cb.on_train_begin(history, model)

    bar = tqdm(range(epochs), desc="fit", unit="epoch", disable=not progress)
    for epoch in bar:
        if schedule is not None:
            optimizer.lr = schedule(epoch)
        order = rng.permutation(len(X)) if batch_size < len(X) else np.arange(len(X))
        stats = _EpochStats(layers)
        try:
            for start in range(0, len(X), batch_size):
                idx = order[start:start + batch_size]
                batch = _batch_loss_and_grads(model, X[idx], y[idx], loss, loss_kw, l2, layers)
                stats.add_batch(batch, len(idx), y[idx])
                before = [p.data for p in params]
                optimizer.step()
                _check_finite_step(params, before, optimizer)
                stats.add_update(before)
            if validation_data is not None:
                val = evaluate(model, X_val, y_val, loss=loss, metrics=metrics, threshold=threshold)
        except (ArithmeticError, ValueError) as error:
            if not stop_on_nonfinite:
                raise type(error)(f"fit: epoch {epoch + 1}: {error}") from error
            model.zero_grad()
            history.stopped_epoch = epoch
            history.stop_reason = f"non-finite value at epoch {epoch + 1}: {error}"
            warnings.warn(f"fit: training stopped: {history.stop_reason}", RuntimeWarning, stacklevel=2)
            break

        history.learning_rate.append(float(optimizer.lr))
        stats.record(history, metrics, threshold)
        if validation_data is not None:
            history.val_loss.append(val.pop("loss"))
            for m in metrics:
                history.val_metrics[m].append(val[m])
        bar.set_postfix(_postfix(history), refresh=False)
        if _any_stops(callbacks, epoch, history, model):
            break

    bar.close()
    history.best_epoch = _default_best_epoch(history)
    for cb in callbacks:
        if isinstance(cb, Callback):
            cb.on_train_end(history, model)
    return history


def predict(model: Any, X: Any, threshold: float | None = None) -> np.ndarray:
    """Class predictions: argmax for several outputs, ``score > threshold`` (0/1) for one.

    `threshold` defaults to 0.5 if the model's last layer is a sigmoid, else 0.

    Example:
        >>> from autograd.nn import MLP
        >>> model = MLP(1, [1], seed=0)       # y = w x with w = 0.6888...
        >>> predict(model, [[-1.0], [2.0]]).tolist()
        [0, 1]
    """
    _check_model(model, "predict")
    scores = _outputs(model, _as_features(X, model, "predict", "X"))
    if threshold is None:
        threshold = 0.5 if _last_activation(model) == "sigmoid" else 0.0
    elif isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not math.isfinite(threshold):
        raise ValueError(f"predict: threshold must be a finite number, got {threshold!r}")
    return _classes(scores, threshold)


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
    _check_model(model, "predict_proba")
    scores = _outputs(model, _as_features(X, model, "predict_proba", "X"))
    if scores.ndim == 2:
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)
    if _last_activation(model) == "sigmoid":
        return scores
    e = np.exp(-np.abs(scores))  # never overflows: the argument is <= 0
    return np.where(scores >= 0, 1 / (1 + e), e / (1 + e))


def evaluate(
    model: Any,
    X: Any,
    y: Any,
    *,
    loss: Callable[..., Value] | None = None,
    metrics: Sequence[str] = ("accuracy", "precision", "recall"),
    threshold: float | None = None,
) -> dict[str, float]:
    """The loss (if given) and metrics of `model` on (X, y), as a dict; no gradients.

    Example:
        >>> from autograd.nn import MLP
        >>> from autograd.losses import hinge_loss
        >>> model = MLP(1, [1], seed=0)
        >>> result = evaluate(model, [[-1.0], [2.0]], [0, 1], loss=hinge_loss, metrics=["accuracy"])
        >>> {name: round(value, 4) for name, value in result.items()}
        {'loss': 0.1556, 'accuracy': 1.0}
    """
    _check_model(model, "evaluate")
    X = _as_features(X, model, "evaluate", "X")
    y = _as_targets(y, len(X), "evaluate", "y")
    metrics = _check_metrics(metrics, "evaluate")
    if threshold is None:
        threshold = _threshold(model, loss)
    result: dict[str, float] = {}
    with no_grad():
        outputs = [model(row) for row in X.tolist()]
        if loss is not None:
            result["loss"] = float(loss(outputs, y).data)
    scores = np.array([[v.data for v in out] if isinstance(out, list) else out.data for out in outputs])
    result.update(_metric_values(metrics, y, _classes(scores, threshold), binary=scores.ndim == 1))
    return result


# --- one step ---------------------------------------------------------------------


@dataclass
class _Batch:
    """What one forward/backward pass gives the epoch's bookkeeping."""

    loss: float                          # the data loss, without the L2 penalty
    scores: np.ndarray                   # the model's outputs, (n,) or (n, n_classes)
    saturated: dict[str, tuple[int, int]]  # layer -> (saturated outputs, all outputs)


def _batch_loss_and_grads(
    model: Any, Xb: np.ndarray, yb: np.ndarray, loss: Callable[..., Value],
    loss_kw: dict[str, Any], l2: float, layers: list[Any],
) -> _Batch:
    """Forward the batch sample by sample, backpropagate; leaves the gradients in the parameters.

    Kept as one function so that a batched implementation can replace it.
    """
    model.zero_grad()
    outputs = [model(row) for row in Xb.tolist()]
    data_loss = loss(outputs, yb, **loss_kw)
    total = data_loss + _losses.l2_penalty(model, l2) if l2 > 0 else data_loss
    total.backward()
    scores = np.array([[v.data for v in out] if isinstance(out, list) else out.data for out in outputs])
    return _Batch(float(data_loss.data), scores, _saturation_counts(total, layers))


def _saturation_counts(root: Value, layers: list[Any]) -> dict[str, tuple[int, int]]:
    watched = [layer for layer in layers if layer.activation in _SATURATING]
    counts = {layer.name: [0, 0] for layer in watched}
    if not watched:
        return {}  # skip the graph walk: nothing can saturate
    for node in topological_order(root):
        if node.op is None or node.op.name not in _SATURATING or node.module is None:
            continue
        for layer in watched:
            if node.op.name == layer.activation and (node.module + ".").startswith(layer.name + "."):
                low = -1.0 if layer.activation == "tanh" else 0.0
                counts[layer.name][0] += not (low + _SATURATION_MARGIN < node.data < 1.0 - _SATURATION_MARGIN)
                counts[layer.name][1] += 1
    return {name: (c[0], c[1]) for name, c in counts.items()}


def _check_finite_step(params: list[Value], before: list[float], optimizer: Any) -> None:
    for i, p in enumerate(params):
        if not math.isfinite(p.data):
            bad = p.data
            for q, old in zip(params, before):  # keep the last finite weights
                q.data = old
            raise OverflowError(
                f"{type(optimizer).__name__}.step: the update of {p.label or f'parameter {i}'} gave {bad!r} "
                f"(from {before[i]!r}, gradient {p.grad!r}, lr {optimizer.lr!r})"
            )


class _EpochStats:
    """Accumulates one epoch's losses, predictions and per-layer gradient statistics."""

    def __init__(self, layers: list[Any]) -> None:
        self.layers = [(layer.name, layer.parameters()) for layer in layers]
        self.loss_sum = 0.0
        self.count = 0
        self.steps = 0
        self.scores: list[np.ndarray] = []
        self.targets: list[np.ndarray] = []
        zero = {name: 0.0 for name, _ in self.layers}
        self.sums = {key: dict(zero) for key in ("grad_norm", "mean_abs_grad", "zero_grad_fraction",
                                                 "update_ratio")}
        self.saturated = {name: [0, 0] for name, _ in self.layers}

    def add_batch(self, batch: _Batch, n: int, yb: np.ndarray) -> None:
        self.loss_sum += batch.loss * n
        self.count += n
        self.steps += 1
        self.scores.append(batch.scores)
        self.targets.append(yb)
        for name, params in self.layers:
            g = np.array([p.grad for p in params])
            self.sums["grad_norm"][name] += math.hypot(*g)  # hypot: no overflow in the squares
            self.sums["mean_abs_grad"][name] += float(np.abs(g).mean())
            self.sums["zero_grad_fraction"][name] += float((g == 0).mean())
        for name, (k, total) in batch.saturated.items():
            self.saturated[name][0] += k
            self.saturated[name][1] += total

    def add_update(self, before: list[float]) -> None:
        """The update ratio of the step just taken (`before`: all parameters before it)."""
        old = iter(before)
        for name, params in self.layers:
            was = np.array([next(old) for _ in params])
            delta = np.array([p.data for p in params]) - was
            norm = math.hypot(*was)
            self.sums["update_ratio"][name] += math.hypot(*delta) / norm if norm > 0 else 0.0

    def record(self, history: History, metrics: tuple[str, ...], threshold: float) -> None:
        history.train_loss.append(self.loss_sum / self.count)
        for key, per_layer in self.sums.items():
            for name, total in per_layer.items():
                getattr(history, key)[name].append(total / self.steps)
        for name, (k, total) in self.saturated.items():
            history.saturation[name].append(k / total if total else 0.0)
        y, scores = np.concatenate(self.targets), np.concatenate(self.scores)
        predicted = _classes(scores, threshold)
        for m, value in _metric_values(metrics, y, predicted, binary=scores.ndim == 1).items():
            history.train_metrics[m].append(value)


# --- predictions and metrics ---------------------------------------------------------


def _outputs(model: Any, X: np.ndarray) -> np.ndarray:
    with no_grad():
        outputs = [model(row) for row in X.tolist()]
    return np.array([[v.data for v in out] if isinstance(out, list) else out.data for out in outputs])


def _classes(scores: np.ndarray, threshold: float) -> np.ndarray:
    if scores.ndim == 2:
        return scores.argmax(axis=1)
    return (scores > threshold).astype(int)


def _metric_values(metrics: Sequence[str], y: np.ndarray, predicted: np.ndarray, *,
                   binary: bool) -> dict[str, float]:
    """Accuracy, and precision/recall/f1 (binary: of class 1; multiclass: macro), 0 when undefined."""
    # Binary targets may be 0/1 or -1/+1 (hinge): either way, class 1 is y > 0.5.
    truth = (y > 0.5).astype(int) if binary else y.astype(int)
    out = {}
    if "accuracy" in metrics:
        out["accuracy"] = float((truth == predicted).mean())
    classes = [1] if binary else sorted(set(truth.tolist()) | set(predicted.tolist()))
    precision, recall, f1 = [], [], []
    for c in classes:
        tp = int(((predicted == c) & (truth == c)).sum())
        fp = int(((predicted == c) & (truth != c)).sum())
        fn = int(((predicted != c) & (truth == c)).sum())
        precision.append(tp / (tp + fp) if tp + fp else 0.0)
        recall.append(tp / (tp + fn) if tp + fn else 0.0)
        f1.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    for name, values in (("precision", precision), ("recall", recall), ("f1", f1)):
        if name in metrics:
            out[name] = float(np.mean(values))
    return {m: out[m] for m in metrics}


def _threshold(model: Any, loss: Any) -> float:
    from_loss = getattr(loss, "decision_threshold", None)
    if from_loss is not None:
        return float(from_loss)
    return 0.5 if _last_activation(model) == "sigmoid" else 0.0


# --- the epoch's end ----------------------------------------------------------------------


def _any_stops(callbacks: list[Any], epoch: int, history: History, model: Any) -> bool:
    for cb in callbacks:
        hook = cb.on_epoch_end if isinstance(cb, Callback) else cb
        if hook(epoch, history, model):
            history.stopped_epoch = epoch
            history.stop_reason = getattr(cb, "stop_reason", None) or \
                f"callback {_name(cb)} stopped training at epoch {epoch + 1}"
            return True
    return False


def _default_best_epoch(history: History) -> int | None:
    losses = history.val_loss or history.train_loss
    return int(np.argmin(losses)) if losses else None


def _postfix(history: History) -> dict[str, str]:
    shown = {"loss": history.train_loss[-1]}
    if history.val_loss:
        shown["val_loss"] = history.val_loss[-1]
    for m, values in history.val_metrics.items():
        shown[f"val_{m}"] = values[-1]
    return {k: f"{v:.4g}" for k, v in shown.items()}


# --- checking inputs -----------------------------------------------------------------------


def _check_model(model: Any, where: str) -> int:
    """The model's number of outputs (after checking it looks like a model)."""
    if not (callable(model) and callable(getattr(model, "parameters", None))):
        raise TypeError(f"{where}: model must be an autograd.nn.MLP (callable, with parameters()), "
                        f"got {type(model).__name__}")
    nouts = getattr(model, "nouts", None)
    return int(nouts[-1]) if nouts else 1


def _last_activation(model: Any) -> str | None:
    layers = getattr(model, "layers", None)
    return layers[-1].activation if layers else None


def _as_features(X: Any, model: Any, where: str, name: str) -> np.ndarray:
    if isinstance(X, (str, bytes)) or not hasattr(X, "__len__"):
        raise TypeError(f"{where}: {name} must be a 2-D array or a list of rows, got {type(X).__name__}")
    try:
        arr = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: {name} must hold numbers in rows of equal length ({error})") from None
    if arr.size == 0:
        raise ValueError(f"{where}: {name} is empty")
    if arr.ndim != 2:
        raise ValueError(f"{where}: {name} must be 2-D (n_samples, n_features), got shape {arr.shape}")
    nin = getattr(model, "nin", None)
    if nin is not None and arr.shape[1] != nin:
        raise ValueError(f"{where}: {name} has {arr.shape[1]} features per row but the model takes {nin}")
    bad = np.argwhere(~np.isfinite(arr))
    if bad.size:
        row, col = bad[0]
        raise ValueError(f"{where}: {name}[{row}, {col}] is {float(arr[row, col])!r}; features must be finite")
    return arr


def _as_targets(y: Any, n: int, where: str, name: str) -> np.ndarray:
    if isinstance(y, (str, bytes)) or not hasattr(y, "__len__"):
        raise TypeError(f"{where}: {name} must be a 1-D array or list of targets, got {type(y).__name__}")
    try:
        arr = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: {name} must hold numbers ({error})") from None
    if arr.ndim != 1:
        raise ValueError(f"{where}: {name} must be 1-D (one target per sample), got shape {arr.shape}")
    if len(arr) != n:
        raise ValueError(f"{where}: X has {n} rows but {name} has {len(arr)} targets")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise ValueError(f"{where}: {name}[{bad[0]}] is {float(arr[bad[0]])!r}; targets must be finite")
    return arr


def _positive_int(x: Any, where: str, name: str) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral) or x < 1:
        raise ValueError(f"{where}: {name} must be an int >= 1, got {x!r}")
    return int(x)


def _check_metrics(metrics: Any, where: str) -> tuple[str, ...]:
    if isinstance(metrics, str):
        raise TypeError(f"{where}: metrics must be a list of names, got the string {metrics!r}; "
                        f"write [{metrics!r}]")
    metrics = tuple(metrics)
    for m in metrics:
        if m not in METRICS:
            raise ValueError(f"{where}: unknown metric {m!r}; choose from {list(METRICS)}")
    return metrics


def _dry_run(loss: Callable[..., Value], y: np.ndarray, n_out: int, loss_kw: dict[str, Any], name: str) -> None:
    """Let the loss check the targets (labels, class weights) before any training."""
    neutral: list[Any] = [[0.0] * n_out for _ in y] if n_out > 1 else [0.5] * len(y)
    try:
        with no_grad():
            loss(neutral, y, **loss_kw)
    except (TypeError, ValueError) as error:
        raise type(error)(f"fit: {name} does not suit the loss and the model's {n_out} output(s): {error}") from None


def _accepts(fn: Callable[..., Any], keyword: str) -> bool:
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == keyword or p.kind is p.VAR_KEYWORD for p in parameters)


def _name(fn: Any) -> str:
    return getattr(fn, "__name__", type(fn).__name__)
