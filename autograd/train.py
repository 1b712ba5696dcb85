"""The training loop: `fit` a model with a loss and an optimizer (`predict` and `evaluate` re-exported).

Each step replays the model's graph over the whole batch with numpy
(`autograd.replay.Replay`: recorded once per `fit`, it follows the parameters
as the optimizer changes them), builds the loss with the scalar engine on the
batch's outputs, and backpropagates through both. The parameters' gradients
equal those of one scalar graph per sample, to rounding.

Turning a model's outputs into classes: several outputs -> the argmax; one
output -> positive when ``score >= threshold``. `fit` and `evaluate` take the
threshold from the loss (its ``decision_threshold`` attribute: 0.5 for
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

import importlib.util
import math
import numbers
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from . import losses as _losses
from .callbacks import Callback
from .engine import Value, is_grad_enabled
from .history import History
from .predict import (
    classes,
    decision_threshold,
    evaluate,
    metric_values,
    predict,
    predict_proba,
    record,
    replay_scores,
    scores_and_metrics,
)
from .train_inputs import (
    METRICS,
    accepts,
    as_features,
    as_targets,
    check_metrics,
    check_model,
    dry_run,
    last_activation,
    name_of,
    positive_int,
)

__all__ = ["METRICS", "evaluate", "fit", "predict", "predict_proba"]

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
            ``zero_grad()`` and ``layers``) whose graph has the same shape for every
            input, as an MLP's has: it is recorded once and replayed on each batch.
        X, y: features (n_samples, n_features) and targets (n_samples,).
        loss: a function of `autograd.losses`, or any ``loss(predictions, targets, **kw) -> Value``.
        optimizer: an optimizer built on ``model.parameters()``.
        epochs: number of passes over the data.
        batch_size: samples per step; None for the full batch (one step per epoch).
        validation_data: (X_val, y_val), evaluated after every epoch (without class weights).
        metrics: names from `METRICS`, computed with `autograd.metrics`; binary
            precision/recall/f1 are for class 1, multiclass ones are macro averages. An undefined score (no predicted
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
        RuntimeError: called inside ``no_grad()``.
    """
    model_n_out = check_model(model, "fit")
    X = as_features(X, model, "fit", "X")
    y = as_targets(y, len(X), "fit", "y")
    epochs = positive_int(epochs, "fit", "epochs")
    batch_size = len(X) if batch_size is None else min(positive_int(batch_size, "fit", "batch_size"), len(X))
    metrics = check_metrics(metrics, "fit")
    if not callable(loss):
        raise TypeError(f"fit: loss must be a loss function such as autograd.losses.hinge_loss, got {loss!r:.60}")
    for method in ("step", "zero_grad"):
        if not callable(getattr(optimizer, method, None)):
            raise TypeError(f"fit: optimizer must have {method}() (e.g. autograd.optim.SGD), got {optimizer!r:.60}")
    if not hasattr(optimizer, "lr"):  # History records it, schedules set it
        raise TypeError(f"fit: optimizer must have an lr attribute (e.g. autograd.optim.SGD), got {optimizer!r:.60}")
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
        if not accepts(loss, "class_weight"):
            raise TypeError(f"fit: class_weight was given but {name_of(loss)} takes no class_weight argument")
        loss_kw["class_weight"] = _losses.balanced_class_weight(y) if class_weight == "balanced" else class_weight
    if loss is _losses.binary_cross_entropy and last_activation(model) != "sigmoid":
        raise ValueError(
            f"fit: binary_cross_entropy takes probabilities, but the model's last layer is "
            f"{last_activation(model)!r}; use output_activation='sigmoid' or binary_cross_entropy_with_logits"
        )
    if loss in (_losses.binary_cross_entropy_with_logits, _losses.hinge_loss) and last_activation(model) == "sigmoid":
        # A sigmoid squashes the score into (0, 1): the loss would see no negative
        # logits, and its decision threshold of 0 would call every sample positive.
        raise ValueError(
            f"fit: {name_of(loss)} takes raw scores (logits), but the model's last layer is a sigmoid; "
            f"use output_activation='linear', or binary_cross_entropy on the sigmoid's probabilities"
        )
    dry_run(loss, y, model_n_out, loss_kw, "y")
    if validation_data is not None:
        if not (isinstance(validation_data, (tuple, list)) and len(validation_data) == 2):
            raise TypeError("fit: validation_data must be a pair (X_val, y_val)")
        X_val = as_features(validation_data[0], model, "fit", "X_val")
        y_val = as_targets(validation_data[1], len(X_val), "fit", "y_val")
        dry_run(loss, y_val, model_n_out, {}, "y_val")

    if not is_grad_enabled():
        raise RuntimeError("fit: called inside no_grad(), where no graph is recorded; call it outside")

    threshold = decision_threshold(model, loss)
    params = model.parameters()
    layers = list(getattr(model, "layers", []))
    step = _BatchStep(model, X.shape[1], layers, loss, loss_kw, l2)  # the model's graph, recorded once
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

    bar = _progress_bar(epochs, progress)
    for epoch in bar:
        if schedule is not None:
            optimizer.lr = schedule(epoch)
        order = rng.permutation(len(X)) if batch_size < len(X) else np.arange(len(X))
        stats = _EpochStats(layers)
        try:
            for start in range(0, len(X), batch_size):
                idx = order[start:start + batch_size]
                batch = step(X[idx], y[idx])
                stats.add_batch(batch, len(idx), y[idx])
                before = [p.data for p in params]
                optimizer.step()  # ours refuse a step that would make a weight inf or NaN
                stats.add_update(before)
            if validation_data is not None:
                val = scores_and_metrics(step.scores(X_val), y_val, loss, metrics, threshold)
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


# --- one step ---------------------------------------------------------------------


@dataclass
class _Batch:
    """What one forward/backward pass gives the epoch's bookkeeping."""

    loss: float                          # the data loss, without the L2 penalty
    scores: np.ndarray                   # the model's outputs, (n,) or (n, n_classes)
    saturated: dict[str, tuple[int, int]]  # layer -> (saturated outputs, all outputs)


class _BatchStep:
    """One step's forward and backward: the model's graph replayed over the batch, the loss built on its outputs."""

    def __init__(self, model: Any, n_inputs: int, layers: list[Any], loss: Callable[..., Value],
                 loss_kw: dict[str, Any], l2: float) -> None:
        self.model, self.loss, self.loss_kw, self.l2 = model, loss, loss_kw, l2
        self.replay, self.single = record(model, n_inputs)
        # layer -> (lower asymptote, positions in replay.nodes of the layer's tanh/sigmoid outputs)
        self.watched = {
            layer.name: (-1.0 if layer.activation == "tanh" else 0.0,
                         [i for i, node in enumerate(self.replay.nodes) if _computed_by(node, layer)])
            for layer in layers if layer.activation in _SATURATING
        }

    def scores(self, X: np.ndarray) -> np.ndarray:
        """The model's outputs for every row of X, (n,) or (n, n_outputs)."""
        return replay_scores(self.replay, self.single, X)

    def __call__(self, Xb: np.ndarray, yb: np.ndarray) -> _Batch:
        """Leave d(loss)/d(parameter), summed over the batch, in the parameters' ``.grad``."""
        self.model.zero_grad()
        out = self.replay.forward(Xb)                               # (n, n_outputs)
        # The loss is built on fresh leaves holding the real outputs: a few nodes per
        # sample, and each loss's per-sample branches (softplus's sign, clipping, the
        # largest logit) are taken exactly as on one scalar graph per sample.
        leaves = [[Value(s) for s in row] for row in out.tolist()]
        data_loss = self.loss([row[0] for row in leaves] if self.single else leaves, yb, **self.loss_kw)
        data_loss.backward()
        self.replay.backward(np.array([[v.grad for v in row] for row in leaves]))
        if self.l2 > 0:  # no per-sample data in the penalty: the scalar engine on the parameters
            _losses.l2_penalty(self.model, self.l2).backward()
        return _Batch(float(data_loss.data), out[:, 0] if self.single else out, self._saturated(len(Xb)))

    def _saturated(self, n: int) -> dict[str, tuple[int, int]]:
        counts: dict[str, tuple[int, int]] = {}
        for name, (low, positions) in self.watched.items():
            if not positions:
                continue
            # A node that does not depend on the inputs holds one number for the whole batch.
            v = np.stack([np.broadcast_to(self.replay.values[i], (n,)) for i in positions])
            inside = (v > low + _SATURATION_MARGIN) & (v < 1.0 - _SATURATION_MARGIN)
            counts[name] = (int(v.size - np.count_nonzero(inside)), int(v.size))
        return counts


def _computed_by(node: Value, layer: Any) -> bool:
    """Whether `node` is the layer's activation, computed inside the layer's scope."""
    return (node.op is not None and node.op.name == layer.activation and node.module is not None
            and (node.module + ".").startswith(layer.name + "."))


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
        predicted = classes(scores, threshold)
        for m, value in metric_values(metrics, y, predicted, binary=scores.ndim == 1).items():
            history.train_metrics[m].append(value)


# --- the epoch's end ----------------------------------------------------------------------


def _any_stops(callbacks: list[Any], epoch: int, history: History, model: Any) -> bool:
    for cb in callbacks:
        hook = cb.on_epoch_end if isinstance(cb, Callback) else cb
        if hook(epoch, history, model):
            history.stopped_epoch = epoch
            history.stop_reason = getattr(cb, "stop_reason", None) or \
                f"callback {name_of(cb)} stopped training at epoch {epoch + 1}"
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


def _progress_bar(epochs: int, enabled: bool) -> Any:
    """tqdm over the epochs: a widget in Jupyter when ipywidgets is installed, text otherwise."""
    if importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm
    else:  # tqdm.auto would warn "IProgress not found" in Jupyter, then print text anyway
        from tqdm.std import tqdm
    return tqdm(range(epochs), desc="fit", unit="epoch", disable=not enabled)
