"""The rules `diagnose` applies to a training `History`: loss trend, overfitting and gradient health.

Every threshold is a module constant; `autograd.diagnostics` tabulates them.
Epochs in messages and evidence count from 1, as a progress bar does.

Example:
    >>> from types import SimpleNamespace
    >>> h = SimpleNamespace(train_loss=[0.7, 0.5, 0.3, 0.2], val_loss=[])
    >>> [f.code for f in history_findings(h)]
    ['loss_decreasing']
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Sequence

import numpy as np

from .report import Finding

__all__ = [
    "DEAD_RELU_FRACTION",
    "EXPLODING_NORM",
    "EXPLODING_RATIO",
    "LOSS_FLOOR",
    "LOSS_JUMP",
    "LOSS_JUMP_SHARE",
    "LOSS_MIN_DROP",
    "LOSS_NOISE",
    "LOSS_SPIKE",
    "METRIC_MAX_DROP",
    "METRIC_MIN_GAIN",
    "MIN_EPOCHS",
    "OVERFIT_VAL_RISE",
    "SATURATION_FRACTION",
    "VANISHING_RATIO",
    "history_findings",
]

MIN_EPOCHS = 3             # fewer epochs say nothing about a trend
LOSS_MIN_DROP = 0.10       # "decreasing": the last epochs' loss is >= 10% below the first epoch's
LOSS_FLOOR = 1e-3          # a loss this low is already learnt: it can't be "stuck high"
LOSS_NOISE = 0.05          # rises smaller than 5% of the first epoch's loss are wiggles, not jumps
LOSS_JUMP = 0.10           # a rise of more than 10% over the previous epoch is a jump ...
LOSS_JUMP_SHARE = 0.20     # ... and jumps in >= 20% of epoch-to-epoch steps make the loss unstable
LOSS_SPIKE = 2.0           # so does a single epoch that more than doubles the loss
OVERFIT_VAL_RISE = 0.10    # val loss ends >= 10% above its best while the train loss kept falling
METRIC_MIN_GAIN = 0.02     # a metric "improved" when it rose by at least 2 points ...
METRIC_MAX_DROP = 0.05     # ... and none of the others fell by 5 points or more
VANISHING_RATIO = 1e-2     # first-layer / last-layer gradient norm below 1/100
EXPLODING_RATIO = 1e2      # ... or above 100
EXPLODING_NORM = 1e3       # any layer's gradient norm above this (or not finite) is exploding
DEAD_RELU_FRACTION = 0.5   # a ReLU layer with >= half its parameter gradients exactly 0
SATURATION_FRACTION = 0.5  # a tanh/sigmoid layer with >= half its units at the asymptotes

_FN = "diagnose"
_NAN_FIX = ("Lower the learning rate, check the inputs for NaN/inf, clip the gradients, and use "
            "binary_cross_entropy_with_logits rather than log(sigmoid(x)).")


def _numbers(values: Any, where: str) -> list[float]:
    """A list of numbers as floats (NaN kept: a NaN loss is a finding, not bad input)."""
    if values is None:
        return []
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise TypeError(f"{_FN}: {where} must be a list of numbers, got {values!r}")
    out = []
    for v in values:
        if not isinstance(v, (numbers.Real, np.number)) or isinstance(v, (bool, np.bool_)):
            raise TypeError(f"{_FN}: {where} must hold numbers, got {v!r}")
        out.append(float(v))
    return out


def _series(history: Any, name: str) -> list[float]:
    return _numbers(getattr(history, name, None), f"history.{name}")


def _table(history: Any, name: str) -> dict[str, list[float]]:
    """A per-layer (or per-metric) dict of lists from the history, checked."""
    table = getattr(history, name, None) or {}
    if not isinstance(table, dict):
        raise TypeError(f"{_FN}: history.{name} must be a dict of name -> list of numbers, got {table!r}")
    return {str(k): _numbers(v, f"history.{name}[{k!r}]") for k, v in table.items()}


def _first_bad(values: list[float]) -> int | None:
    return next((i for i, v in enumerate(values) if not math.isfinite(v)), None)


def _tail(values: list[float]) -> list[float]:
    # The last fifth of training (at least one epoch) stands for "where it ended".
    return values[-max(1, len(values) // 5):]


def _loss_findings(loss: list[float]) -> list[Finding]:
    n, start = len(loss), loss[0]
    tail = _tail(loss)
    end = float(np.mean(tail))
    drop = (start - end) / abs(start) if start else 0.0
    ending = f"{end:.4g} at epoch {n}" if len(tail) == 1 else f"{end:.4g} (the mean of the last {len(tail)} epochs)"
    noise = LOSS_NOISE * abs(start)
    jumps = [i for i in range(1, n) if loss[i] - loss[i - 1] > max(LOSS_JUMP * abs(loss[i - 1]), noise)]
    spikes = [i for i in range(1, n) if loss[i] > LOSS_SPIKE * loss[i - 1] and loss[i] - loss[i - 1] > noise]
    share = len(jumps) / (n - 1)
    found = []
    unstable = share >= LOSS_JUMP_SHARE or bool(spikes)
    if unstable:
        worst = max(range(1, n), key=lambda i: loss[i] / loss[i - 1] if loss[i - 1] > 0 else math.inf)
        found.append(Finding(
            "loss_unstable", "warning",
            f"Training loss fluctuates wildly: it jumped up in {len(jumps)} of {n - 1} epochs "
            f"(worst: {loss[worst - 1]:.4g} -> {loss[worst]:.4g} at epoch {worst + 1}).",
            "Lower the learning rate (try 3-10x smaller), use larger batches, or clip the gradients.",
            {"jumps": len(jumps), "steps": n - 1, "jump_share": share, "worst_epoch": worst + 1,
             "worst_from": loss[worst - 1], "worst_to": loss[worst]},
        ))
    evidence = {"first_loss": start, "final_loss": end, "relative_drop": drop, "epochs": n}
    if drop < LOSS_MIN_DROP and end > LOSS_FLOOR:
        found.append(Finding(
            "loss_not_decreasing", "warning",
            f"Training loss stays high: {start:.4g} at epoch 1 and {ending} at the end "
            f"({drop:.1%} lower; a learning model drops at least {LOSS_MIN_DROP:.0%}).",
            "Raise the learning rate or train longer; scale the inputs; check the labels suit the loss "
            "(0/1 for cross-entropy, -1/+1 for hinge) and that gradients reach the first layer.",
            evidence,
        ))
    elif drop >= LOSS_MIN_DROP and not unstable:
        found.append(Finding(
            "loss_decreasing", "info",
            f"Training loss decreased steadily from {start:.4g} at epoch 1 to {ending}, {drop:.0%} lower.",
            "", evidence,
        ))
    return found


def _overfitting(train: list[float], val: list[float]) -> list[Finding]:
    best = int(np.argmin(val))
    rise = val[-1] - val[best]
    if rise < OVERFIT_VAL_RISE * abs(val[best]) or rise <= LOSS_NOISE * abs(val[0]) or train[-1] >= train[best]:
        return []
    epoch = best + 1
    return [Finding(
        "overfitting", "warning",
        f"Overfitting from epoch {epoch}: validation loss bottomed at {val[best]:.4g} there and rose to "
        f"{val[-1]:.4g}, while training loss kept falling ({train[best]:.4g} -> {train[-1]:.4g}).",
        f"Stop near epoch {epoch} (keep the best weights), get more training data, "
        "or use a smaller network.",
        {"parted_at_epoch": epoch, "best_val_loss": val[best], "final_val_loss": val[-1],
         "train_loss_at_part": train[best], "final_train_loss": train[-1]},
    )]


def _metrics_improving(metrics: dict[str, list[float]], split: str, threshold: float | None) -> list[Finding]:
    changes = {}
    for name in ("accuracy", "precision", "recall", "f1"):
        values = [v for v in metrics.get(name, []) if math.isfinite(v)]
        if len(values) >= MIN_EPOCHS:
            changes[name] = (values[0], values[-1])
    improved = [k for k, (a, b) in changes.items() if b - a >= METRIC_MIN_GAIN]
    fell = [k for k, (a, b) in changes.items() if a - b >= METRIC_MAX_DROP]
    # Accuracy rising while recall collapses is the accuracy paradox, not progress.
    if not improved or fell:
        return []
    listed = ", ".join(f"{k} {changes[k][0]:.2f} -> {changes[k][1]:.2f}" for k in improved)
    # fit records its metrics at probability 0.5; beside predictions at a tuned threshold, say so.
    note = ("" if threshold is None or threshold == 0.5 else
            f" (recorded during training at threshold 0.5, not the {threshold:.4g} the predictions use)")
    return [Finding(
        "metrics_improving", "info", f"{split.capitalize()} metrics improved: {listed}{note}.", "",
        {f"{k}_{end}": v for k, (a, b) in changes.items() for end, v in (("first", a), ("last", b))}
        | {"split": split},
    )]


def _median(values: list[float]) -> float:
    finite = [v for v in values if math.isfinite(v)]
    return float(np.median(finite)) if finite else math.nan


def _gradient_findings(history: Any) -> list[Finding]:
    norms = _table(history, "grad_norm")
    layers = [str(x) for x in (getattr(history, "layers", None) or norms.keys())]
    activations = list(getattr(history, "activations", None) or [])
    act = {layer: (activations[i] if i < len(activations) else None) for i, layer in enumerate(layers)}
    found = []
    ratio, evidence = math.nan, {}
    if len(layers) >= 2 and layers[0] in norms and layers[-1] in norms:
        first, last = layers[0], layers[-1]
        a, b = norms[first], norms[last]
        ratio = _median([x / y for x, y in zip(a, b) if math.isfinite(x) and math.isfinite(y) and y > 0])
        evidence = {"first_layer": first, "last_layer": last, "first_norm": _median(a),
                    "last_norm": _median(b), "ratio": ratio}
    if ratio < VANISHING_RATIO:
        found.append(Finding(
            "vanishing_gradients", "warning",
            f"Gradients vanish on the way back: the first layer ({evidence['first_layer']}) gets a median "
            f"gradient norm of {evidence['first_norm']:.2g}, {ratio:.2g} times the last layer's "
            f"({evidence['last_norm']:.2g}), so the early layers barely learn.",
            "Use ReLU hidden layers instead of sigmoid (sigmoid's slope is at most 0.25, so every layer "
            "shrinks the gradient), He or Xavier init, or fewer layers.",
            evidence | {"activations": activations},
        ))
    # `not x <= limit` also catches NaN.
    big = {layer: next(x for x in v if not x <= EXPLODING_NORM)
           for layer, v in norms.items() if any(not x <= EXPLODING_NORM for x in v)}
    if ratio > EXPLODING_RATIO or big:
        layer = next(iter(big), None)
        worst = f"{layer} reached {big[layer]:.3g}" if big else f"first/last layer ratio {ratio:.3g}"
        found.append(Finding(
            "exploding_gradients", "critical" if any(not math.isfinite(v) for v in big.values()) else "warning",
            f"Gradients explode: {worst} (limits: norm {EXPLODING_NORM:g}, ratio {EXPLODING_RATIO:g}).",
            "Lower the learning rate, clip the gradients, scale the inputs, or use a smaller init.",
            evidence | {"too_large": big},
        ))
    found += _unit_findings(history, act)
    return found


def _unit_findings(history: Any, act: dict[str, str | None]) -> list[Finding]:
    # Dead and saturated units are states training ends in: judge the last quarter of epochs.
    def recent(values: list[float]) -> float:
        return _median(values[-max(1, len(values) // 4):])

    found = []
    zero = _table(history, "zero_grad_fraction")
    dead = {k: recent(v) for k, v in zero.items() if v and act.get(k) in ("relu", None)}
    dead = {k: v for k, v in dead.items() if v >= DEAD_RELU_FRACTION}
    if dead:
        listed = ", ".join(f"{k} {v:.0%}" for k, v in dead.items())
        found.append(Finding(
            "dead_relu", "warning",
            f"Dead ReLU units: share of parameter gradients that are exactly 0 in {listed}; "
            "those units output 0 for every input and have stopped learning.",
            "Lower the learning rate, use He init (init=\"he\"), or use tanh; re-initialise the model.",
            {"zero_grad_fraction": dead},
        ))
    sat = _table(history, "saturation")
    saturated = {k: recent(v) for k, v in sat.items() if v and act.get(k) in ("tanh", "sigmoid", None)}
    saturated = {k: v for k, v in saturated.items() if v >= SATURATION_FRACTION}
    if saturated:
        listed = ", ".join(f"{k} {v:.0%}" for k, v in saturated.items())
        found.append(Finding(
            "saturated_units", "warning",
            f"Saturated tanh/sigmoid units: share of outputs stuck near the asymptotes in {listed}; "
            "their slope is almost 0, so little gradient passes through.",
            "Scale the inputs to mean 0 and std 1, use Xavier init, lower the learning rate, "
            "or use ReLU hidden layers.",
            {"saturation": saturated},
        ))
    return found


def history_findings(history: Any, threshold: float | None = None) -> list[Finding]:
    """Apply every history rule to a `History` (or any object with its attributes).

    Args:
        history: has ``train_loss`` and optionally ``val_loss``, ``train_metrics``,
            ``val_metrics``, ``layers``, ``activations`` and the per-layer gradient tables.
        threshold: the probability threshold the evaluated predictions use, when
            tuned; the history's metrics were recorded at 0.5, and the message says so.

    Returns:
        The findings, in rule order.

    Example:
        >>> from types import SimpleNamespace
        >>> h = SimpleNamespace(train_loss=[0.7, float("nan")])
        >>> history_findings(h)[0].code
        'non_finite_loss'
    """
    if not hasattr(history, "train_loss"):
        raise TypeError(f"{_FN}: history must be a History (with train_loss), got {type(history).__name__}")
    train, val = _series(history, "train_loss"), _series(history, "val_loss")
    if val and len(val) != len(train):
        raise ValueError(f"{_FN}: history.val_loss has {len(val)} epochs but train_loss has {len(train)}")
    found = []
    finite = {}
    for split, loss in (("training", train), ("validation", val)):
        bad = _first_bad(loss)
        finite[split] = bad is None
        if bad is not None:
            found.append(Finding(
                "non_finite_loss", "critical",
                f"The {split} loss became {loss[bad]} at epoch {bad + 1}: the weights or the inputs hold "
                "NaN or infinity, and everything after is meaningless.",
                _NAN_FIX,
                {"split": split, "epoch": bad + 1, "value": loss[bad]},
            ))
    reason = getattr(history, "stop_reason", None)
    if all(finite.values()) and isinstance(reason, str) and "non-finite" in reason.lower():
        # fit stops before a NaN reaches the lists; its stop_reason says where.
        found.append(Finding(
            "non_finite_loss", "critical",
            f"Training stopped on a NaN or infinite value ({reason}).",
            _NAN_FIX,
            {"split": "training", "epoch": len(train) + 1, "stop_reason": reason},
        ))
    if len(train) >= MIN_EPOCHS and finite["training"]:
        found += _loss_findings(train)
        # After EarlyStopping restored the best weights, the epochs past them
        # no longer describe the model: judge overfitting up to that epoch.
        restored = getattr(history, "restored_epoch", None)
        kept = len(train) if restored is None else restored + 1
        if kept >= MIN_EPOCHS and len(val) >= MIN_EPOCHS and finite["validation"]:
            found += _overfitting(train[:kept], val[:kept])
    val_metrics = _table(history, "val_metrics")
    metrics, split = (val_metrics, "validation") if val_metrics else (_table(history, "train_metrics"), "training")
    found += _metrics_improving(metrics, split, threshold)
    found += _gradient_findings(history)
    return found
