"""Argument checks shared by `fit`, `predict` and `evaluate`: models, features, targets, options.

Every check raises before any work is done, with a message that starts with the
calling function's name and says what to pass instead.

Example:
    >>> from autograd.train_inputs import as_targets
    >>> as_targets([1, 0, 1], 3, "fit", "y").tolist()
    [1.0, 0.0, 1.0]
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from .checks import whole_number
from .engine import Value, no_grad

__all__ = [
    "METRICS",
    "accepts",
    "as_features",
    "as_targets",
    "check_metrics",
    "check_model",
    "dry_run",
    "last_activation",
    "name_of",
    "positive_int",
]

METRICS = ("accuracy", "precision", "recall", "f1")


def check_model(model: Any, where: str) -> int:
    """The model's number of outputs (after checking it looks like a model)."""
    if not (callable(model) and callable(getattr(model, "parameters", None))):
        raise TypeError(f"{where}: model must be an autograd.nn.MLP (callable, with parameters()), "
                        f"got {type(model).__name__}")
    nouts = getattr(model, "nouts", None)
    return int(nouts[-1]) if nouts else 1


def last_activation(model: Any) -> str | None:
    """The activation of the model's last layer, or None for a model without layers."""
    layers = getattr(model, "layers", None)
    return layers[-1].activation if layers else None


def as_features(X: Any, model: Any, where: str, name: str) -> np.ndarray:
    """`X` as a finite float array (n_samples, n_features) with the model's number of inputs."""
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


def as_targets(y: Any, n: int, where: str, name: str) -> np.ndarray:
    """`y` as a finite 1-D float array of `n` targets."""
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


def positive_int(x: Any, where: str, name: str) -> int:
    """`x` as an int >= 1 (bools and floats refused)."""
    return whole_number(x, f"{where}: {name}", minimum=1)


def check_metrics(metrics: Any, where: str) -> tuple[str, ...]:
    """The metric names as a tuple, each one of `METRICS`."""
    if isinstance(metrics, str):
        raise TypeError(f"{where}: metrics must be a list of names, got the string {metrics!r}; "
                        f"write [{metrics!r}]")
    try:
        metrics = tuple(metrics)
    except TypeError:
        raise TypeError(f"{where}: metrics must be a list of names such as ['accuracy'], got {metrics!r:.60}") from None
    for m in metrics:
        if m not in METRICS:
            raise ValueError(f"{where}: unknown metric {m!r}; choose from {list(METRICS)}")
    if len(set(metrics)) != len(metrics):
        raise ValueError(f"{where}: metrics lists a name twice: {list(metrics)}")
    return metrics


def dry_run(loss: Callable[..., Value], y: np.ndarray, n_out: int, loss_kw: dict[str, Any], name: str) -> None:
    """Let the loss check the targets (labels, class weights) before any training."""
    neutral: list[Any] = [[0.0] * n_out for _ in y] if n_out > 1 else [0.5] * len(y)
    try:
        with no_grad():
            loss(neutral, y, **loss_kw)
    except (TypeError, ValueError) as error:
        raise type(error)(f"fit: {name} does not suit the loss and the model's {n_out} output(s): {error}") from None


def accepts(fn: Callable[..., Any], keyword: str) -> bool:
    """Whether `fn` takes the keyword argument `keyword` (True when its signature is unknown)."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == keyword or p.kind is p.VAR_KEYWORD for p in parameters)


def name_of(fn: Any) -> str:
    """A function's name, or its type's name for other callables."""
    return getattr(fn, "__name__", type(fn).__name__)
