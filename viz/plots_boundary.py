"""The decision boundary of a model on 2-D data: each region shaded by the class the model predicts.

Example:
    >>> import numpy as np
    >>> X = np.array([[-1.0, 0.0], [1.0, 0.0]])
    >>> fig = plot_decision_boundary(lambda P: P[:, 0], X, [0, 1], resolution=20)
    >>> fig.axes[0].get_title()
    'Decision boundary (accuracy on these points: 100.0%)'
"""

from __future__ import annotations

import numbers
from typing import Any, Callable, Sequence

import numpy as np

from autograd import Value, is_grad_enabled, no_grad
from autograd.metrics.inputs import as_labels
from autograd.nn import Module
from autograd.replay import Replay

from ._plot_common import Figure, new_figure

__all__ = ["plot_decision_boundary"]

# How far the grid reaches beyond the data, as a share of the data's span.
_MARGIN = 0.1


def _points(X: Any, fname: str) -> np.ndarray:
    arr = np.asarray(X)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"{fname}: X must be numbers, got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
        raise ValueError(f"{fname}: X must have shape (n_samples, 2) with n_samples >= 1, got {arr.shape}")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{fname}: X contains {float(arr[~np.isfinite(arr)][0])!r}; points must be finite")
    return arr


def _classes(labels: Sequence[Any] | None, y: np.ndarray, fname: str) -> np.ndarray:
    """The classes in model-output order: `labels` (checked to cover y), else y's sorted classes."""
    if labels is None:
        return np.unique(y)
    classes = as_labels(labels, fname, "labels")
    if np.unique(classes).size != classes.size:
        raise ValueError(f"{fname}: labels must be distinct, got {classes.tolist()}")
    unknown = np.setdiff1d(y, classes)
    if unknown.size:
        raise ValueError(f"{fname}: y holds {unknown.tolist()}, which labels {classes.tolist()} does not list")
    return classes


def _autograd_scores(model: Module, P: np.ndarray, batched: bool) -> np.ndarray:
    """The model's outputs for each row of P, shape (n, n_outputs)."""
    # Under the caller's no_grad no graph would be recorded, so go point by point.
    if batched and is_grad_enabled():
        # An MLP's graph is the same for every input: record it once on placeholder
        # inputs and replay it with numpy over all rows (exact, and ~300x faster).
        inputs = [Value(0.0), Value(0.0)]
        out = model(inputs)
        return Replay(out if isinstance(out, list) else [out], inputs).forward(P)
    rows = []
    with no_grad():
        for point in P.tolist():
            out = model(point)
            rows.append([v.data for v in out] if isinstance(out, list) else [out.data])
    return np.array(rows)


def _scores(model: Any, P: np.ndarray, batched: bool, fname: str) -> np.ndarray:
    if isinstance(model, Module):
        return _autograd_scores(model, P, batched)
    if not callable(model):
        raise TypeError(f"{fname}: model must be an autograd model or a callable, got {type(model).__name__}")
    out = np.asarray(model(P))
    if out.dtype == object or out.dtype.kind not in "biuf" or out.ndim not in (1, 2) or out.shape[0] != len(P):
        raise ValueError(f"{fname}: model(X) must return {len(P)} scores (shape ({len(P)},) or "
                         f"({len(P)}, n_classes)) for an ({len(P)}, 2) array, got {out!r:.80}")
    out = out.astype(float).reshape(len(P), -1)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{fname}: model returned {float(out[~np.isfinite(out)][0])!r} for some grid point")
    return out


def _default_threshold(model: Any) -> float:
    layers = getattr(model, "layers", None)
    last = getattr(layers[-1], "activation", None) if layers else None
    return 0.5 if last == "sigmoid" else 0.0  # a probability, else a logit or margin


def plot_decision_boundary(
    model: Module | Callable[[np.ndarray], Any],
    X: Any,
    y: Sequence[Any],
    *,
    threshold: float | None = None,
    resolution: int = 60,
    labels: Sequence[Any] | None = None,
    class_names: Sequence[str] | None = None,
    feature_names: Sequence[str] | None = None,
    batched: bool = True,
    title: str | None = None,
) -> Figure:
    """Shade a grid over 2-D data by the model's predicted class and scatter the points on top.

    One output is a score: the second class where score >= `threshold`, with the
    boundary drawn as a black line. Several outputs are one score per class and the
    largest wins. The classes are `labels` in that order, by default the sorted
    classes of y.

    Args:
        model: an autograd model such as ``MLP(2, [...])``, or any callable mapping an
            (n, 2) array to n scores or an (n, n_classes) array.
        X: the points, shape (n_samples, 2); y: their classes.
        threshold: the score cut for one output; default 0.5 if the model's last
            layer is sigmoid, else 0.0 (pass 0.5 for a callable returning probabilities).
        resolution: grid points per axis (the model is evaluated resolution**2 times).
        labels: every class the model can predict, in the order of its outputs; give
            it when X may lack a class (a small test split), default ``sorted(set(y))``.
        class_names: display names of the classes, in the order of `labels`.
        feature_names: the two axis labels; default "x[0]" and "x[1]".
        batched: for autograd models, replay one recorded graph over the whole grid;
            False calls ``model(point)`` under ``no_grad`` point by point (slow, but
            right even for a model whose graph depends on its input).
        title: the axes title; default "Decision boundary" with the accuracy on X.

    Returns:
        A matplotlib Figure; the shaded regions are ``fig.axes[0].images[0]``.

    Example:
        >>> from autograd.nn import MLP
        >>> fig = plot_decision_boundary(MLP(2, [4, 1], seed=0), [[0, 0], [1, 1]], [0, 1], resolution=10)
        >>> fig.axes[0].images[0].get_array().shape
        (10, 10, 3)
    """
    fname = "plot_decision_boundary"
    points = _points(X, fname)
    y_labels = as_labels(y, fname, "y")
    if y_labels.size != len(points):
        raise ValueError(f"{fname}: X and y have different lengths ({len(points)} and {y_labels.size})")
    classes = _classes(labels, y_labels, fname)
    if isinstance(resolution, bool) or not isinstance(resolution, numbers.Integral) or not 2 <= resolution <= 1000:
        raise ValueError(f"{fname}: resolution must be an int in [2, 1000], got {resolution!r}")
    if threshold is None:
        threshold = _default_threshold(model)
    elif isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not np.isfinite(threshold):
        raise ValueError(f"{fname}: threshold must be a finite number, got {threshold!r}")
    if class_names is None:
        class_names = [str(c) for c in classes.tolist()]
    elif isinstance(class_names, str) or len(class_names) != classes.size:
        raise ValueError(f"{fname}: class_names must name each of the classes {classes.tolist()}, got {class_names!r}")
    if feature_names is None:
        feature_names = ["x[0]", "x[1]"]
    elif isinstance(feature_names, str) or len(feature_names) != 2:
        raise ValueError(f"{fname}: feature_names must name the 2 features, got {feature_names!r}")

    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = np.where(hi > lo, (hi - lo) * _MARGIN, 1.0)  # a single point still gets a square around it
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    # One evaluation for the grid and the data points together.
    scores = _scores(model, np.vstack([grid, points]), batched, fname)
    if scores.shape[1] == 1:
        if classes.size != 2:
            raise ValueError(f"{fname}: a model with one output needs two classes, got {classes.tolist()}")
        predicted = (scores[:, 0] >= threshold).astype(int)
    elif scores.shape[1] == classes.size:
        predicted = np.argmax(scores, axis=1)
    else:
        raise ValueError(f"{fname}: the model gives {scores.shape[1]} scores per point but there are "
                         f"{classes.size} classes {classes.tolist()} (pass labels= to list them all)")
    on_grid, on_points = predicted[: len(grid)], predicted[len(grid):]
    accuracy = float(np.mean(classes[on_points] == y_labels))

    from matplotlib.colors import (
        to_rgb,  # matplotlib is present: _plot_common imported it
    )

    colors = np.array([to_rgb(f"C{i % 10}") for i in range(classes.size)])
    light = 0.65 + 0.35 * colors  # pale versions, so the points stand out on their region
    fig = new_figure((5.2, 4.4))
    ax = fig.subplots()
    ax.imshow(light[on_grid.reshape(resolution, resolution)], origin="lower", aspect="auto",
              interpolation="nearest", extent=(xs[0], xs[-1], ys[0], ys[-1]))
    field = scores[: len(grid), 0].reshape(resolution, resolution)
    if scores.shape[1] == 1 and field.min() < threshold < field.max():
        ax.contour(gx, gy, field, levels=[threshold], colors="black", linewidths=1.2)
    for i, name in enumerate(class_names):
        mine = y_labels == classes[i]
        ax.scatter(points[mine, 0], points[mine, 1], color=colors[i], edgecolors="black",
                   linewidths=0.5, s=25, label=str(name))
    ax.set_xlabel(str(feature_names[0]))
    ax.set_ylabel(str(feature_names[1]))
    ax.set_title(title if title is not None else f"Decision boundary (accuracy on these points: {accuracy:.1%})")
    ax.legend(loc="best", fontsize="small")
    return fig
