"""Pictures of a training run: loss and metrics per epoch, and gradient flow per layer.

Both take a `History` from ``autograd.train.fit`` (or any object with the same
attributes). Epochs count from 1 on every axis and label, as in the progress bar
and the diagnosis; the History's ``best_epoch`` is a 0-based index into its
lists, so epoch number = index + 1.

Example:
    >>> from autograd.history import History
    >>> fig = plot_history(History(train_loss=[0.9, 0.5, 0.4], val_loss=[1.0, 0.6, 0.7]))
    >>> [ax.get_title() for ax in fig.axes]
    ['loss']
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]  # best: least val loss
    ['train', 'validation', 'best epoch (2)']
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Sequence

import numpy as np

from ._plot_common import Figure, check_choice, check_series, new_figure

__all__ = ["plot_gradient_flow", "plot_history"]

# The usual order of the metrics in a History; others follow alphabetically.
_METRIC_ORDER = ("accuracy", "precision", "recall", "f1")

# Per-layer statistics that are magnitudes, so a log scale shows them well.
# (zero_grad_fraction and saturation are fractions in [0, 1]: not log-scale pictures.)
GRADIENT_STATS = {
    "grad_norm": "gradient L2 norm",
    "mean_abs_grad": "mean |gradient|",
    "update_ratio": "|update| / |weight|",
}


def _attr(history: Any, name: str, fname: str) -> Any:
    try:
        return getattr(history, name)
    except AttributeError:
        raise TypeError(
            f"{fname}: expected a History from autograd.train.fit (or an object with its "
            f"attributes), got {type(history).__name__} without .{name}"
        ) from None


def _epochs(history: Any, fname: str) -> np.ndarray:
    """The checked training loss; its length is the number of epochs."""
    train_loss = check_series(_attr(history, "train_loss", fname), fname, "history.train_loss",
                              allow_nonfinite=True)
    if train_loss.size == 0:
        raise ValueError(f"{fname}: history has no epochs (train_loss is empty); train for at least one epoch")
    return train_loss


def _series_dict(history: Any, name: str, n: int, fname: str, allow_empty: bool) -> dict[str, np.ndarray]:
    raw = _attr(history, name, fname)
    if not isinstance(raw, dict):
        raise TypeError(f"{fname}: history.{name} must be a dict of per-epoch lists, got {type(raw).__name__}")
    out = {}
    for key, values in raw.items():
        arr = check_series(values, fname, f"history.{name}[{key!r}]", allow_nonfinite=True)
        if arr.size or not allow_empty:  # validation metrics may be absent altogether
            out[key] = check_series(arr, fname, f"history.{name}[{key!r}]", n, allow_nonfinite=True)
    return out


def _best_epoch(history: Any, train_loss: np.ndarray, val_loss: np.ndarray, fname: str) -> int:
    """The 0-based index of the best epoch (History.best_epoch is an index, not an epoch number)."""
    best = getattr(history, "best_epoch", None)
    if best is None:
        # The History's own rule: least validation loss, or least training loss without validation.
        chosen = val_loss if val_loss.size and not np.all(np.isnan(val_loss)) else train_loss
        if np.all(np.isnan(chosen)):
            raise ValueError(f"{fname}: no epoch has a finite loss: there is nothing to plot")
        return int(np.nanargmin(chosen))
    if isinstance(best, bool) or not isinstance(best, numbers.Integral) or not 0 <= best < train_loss.size:
        raise ValueError(f"{fname}: history.best_epoch must be an epoch index in [0, {train_loss.size}), got {best!r}")
    return int(best)


def plot_history(history: Any, *, metrics: Sequence[str] | None = None, title: str | None = None) -> Figure:
    """Training and validation loss and metrics per epoch, with the best epoch marked.

    One panel for the loss and one per metric; training is solid, validation dashed,
    and a dotted vertical line marks ``history.best_epoch`` (by default the epoch of
    least validation loss, or of least training loss without a validation set).
    A diverged run is drawn too: NaN and infinite values leave a gap, and a
    magenta line marks the first epoch whose loss is not finite.

    Args:
        history: a `History` from ``autograd.train.fit``, or any object with its
            ``train_loss``, ``val_loss``, ``train_metrics``, ``val_metrics`` and
            ``best_epoch`` attributes.
        metrics: the metric panels to draw, in order; default all recorded metrics.
        title: the figure title; default "Training history" and the stop reason.

    Returns:
        A matplotlib Figure (save it with ``fig.savefig``).

    Example:
        >>> from autograd.history import History
        >>> fig = plot_history(History(train_loss=[0.7, 0.4], train_metrics={"accuracy": [0.6, 0.9]}))
        >>> [ax.get_title() for ax in fig.axes]
        ['loss', 'accuracy']
        >>> fig.axes[1].lines[0].get_ydata().tolist()
        [0.6, 0.9]
    """
    fname = "plot_history"
    train_loss = _epochs(history, fname)
    n = train_loss.size
    val_loss = check_series(_attr(history, "val_loss", fname), fname, "history.val_loss", allow_nonfinite=True)
    if val_loss.size:
        val_loss = check_series(val_loss, fname, "history.val_loss", n, allow_nonfinite=True)
    # A diverged run: the first epoch whose loss is NaN or infinite (drawn as a gap).
    broken = np.flatnonzero(np.isnan(train_loss) | (np.isnan(val_loss) if val_loss.size else False))
    diverged = int(broken[0]) if broken.size else None
    train_m = _series_dict(history, "train_metrics", n, fname, allow_empty=False)
    val_m = _series_dict(history, "val_metrics", n, fname, allow_empty=True)
    best = _best_epoch(history, train_loss, val_loss, fname)

    known = len(_METRIC_ORDER)
    recorded = sorted(set(train_m) | set(val_m),
                      key=lambda k: (_METRIC_ORDER.index(k) if k in _METRIC_ORDER else known, k))
    if metrics is None:
        metrics = recorded
    else:
        if isinstance(metrics, str):
            raise TypeError(f"{fname}: metrics must be a list of names, got the string {metrics!r}")
        for m in metrics:
            if m not in recorded:
                raise ValueError(f"{fname}: metric {m!r} is not in the history; it has {recorded}")
        metrics = list(metrics)

    panels = [("loss", train_loss, val_loss)]
    empty = np.empty(0)
    panels += [(m, train_m.get(m, empty), val_m.get(m, empty)) for m in metrics]
    ncols = min(3, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    fig = new_figure((4.0 * ncols, 3.2 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[len(panels):]:
        fig.delaxes(ax)

    x = np.arange(1, n + 1)  # epoch numbers: index + 1
    shown_best = best + 1
    for ax, (name, train, val) in zip(axes, panels):
        if train.size:
            ax.plot(x, train, color="C0", marker="." if n < 30 else None, label="train")
        if val.size:
            ax.plot(x, val, color="C1", linestyle="--", marker="." if n < 30 else None, label="validation")
        if name == "loss":
            chosen = val if val.size else train
            ax.plot([shown_best], [chosen[best]], linestyle="none", marker="o", markersize=9,
                    markerfacecolor="none", markeredgecolor="C3")
        else:
            ax.set_ylim(-0.02, 1.02)  # metrics are rates: the same scale in every panel
        if diverged is not None:
            ax.axvline(x[diverged], color="m", linewidth=2, label=f"non-finite loss (epoch {diverged + 1})")
        # Last, so that ax.lines[-1] is the marker in every panel.
        ax.axvline(shown_best, color="C3", linestyle=":", label=f"best epoch ({shown_best})")
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize="small")

    if title is None:
        title = "Training history"
        reason = getattr(history, "stop_reason", None)
        if reason:
            title += f" (stopped: {reason})"
    fig.suptitle(title)
    return fig


def _layer_label(layer: str, i: int, activations: Sequence[str]) -> str:
    return f"{layer} ({activations[i]})" if i < len(activations) else layer


def plot_gradient_flow(
    history: Any,
    *,
    stat: str = "grad_norm",
    kind: str = "lines",
    epochs: Sequence[int] | None = None,
    title: str | None = None,
) -> Figure:
    """Per-layer gradient magnitude over training on a log scale: the picture of vanishing gradients.

    With ``kind="lines"`` each layer is one line over the epochs; with ``kind="bars"``
    each chosen epoch is one group of bars, a bar per layer. Layers whose gradient is
    orders of magnitude below the others' are where learning stalls. Zeros (a dead
    layer) fall off the bottom of a log scale.

    Args:
        history: a `History` (or object with ``layers``, ``activations`` and the stat dict).
        stat: "grad_norm" (per-layer L2 norm), "mean_abs_grad" or "update_ratio".
        kind: "lines" or "bars".
        epochs: for bars, the epochs to show, counting from 1 as on the axes;
            default first, middle and last.
        title: the axes title; default "Gradient flow".

    Returns:
        A matplotlib Figure.

    Example:
        >>> from autograd.history import History
        >>> h = History(train_loss=[0.7, 0.6], layers=["layers.0", "layers.1"],
        ...     activations=["tanh", "linear"],
        ...     grad_norm={"layers.0": [1e-3, 1e-4], "layers.1": [0.5, 0.4]})
        >>> ax = plot_gradient_flow(h).axes[0]
        >>> [line.get_label() for line in ax.lines], ax.get_yscale()
        (['layers.0 (tanh)', 'layers.1 (linear)'], 'log')
    """
    fname = "plot_gradient_flow"
    check_choice(stat, tuple(GRADIENT_STATS), fname, "stat")
    check_choice(kind, ("lines", "bars"), fname, "kind")
    n = _epochs(history, fname).size
    values = _series_dict(history, stat, n, fname, allow_empty=False)
    layers = list(getattr(history, "layers", None) or values)
    missing = [layer for layer in layers if layer not in values]
    if missing or not layers:
        raise ValueError(f"{fname}: history.{stat} has no values for layers {missing or 'at all'}")
    for layer, v in values.items():
        if np.any(v < 0):
            raise ValueError(f"{fname}: history.{stat}[{layer!r}] has the negative value {float(v[v < 0][0])!r}")
    activations = list(getattr(history, "activations", None) or [])

    fig = new_figure((6.4, 4.0))
    ax = fig.subplots()
    if kind == "lines":
        x = np.arange(1, n + 1)
        for i, layer in enumerate(layers):
            ax.plot(x, values[layer], marker="." if n < 30 else None, label=_layer_label(layer, i, activations))
        ax.set_xlabel("epoch")
        ax.xaxis.get_major_locator().set_params(integer=True)
    else:
        chosen = sorted({1, (n + 1) // 2, n}) if epochs is None else list(epochs)
        if not chosen:
            raise ValueError(f"{fname}: epochs is empty; give at least one epoch number")
        for e in chosen:
            if isinstance(e, bool) or not isinstance(e, numbers.Integral) or not 1 <= e <= n:
                raise ValueError(f"{fname}: epochs must hold epoch numbers from 1 to {n}, got {e!r}")
        width = 0.8 / len(chosen)
        pos = np.arange(len(layers))
        for j, e in enumerate(chosen):
            heights = [values[layer][e - 1] for layer in layers]
            ax.bar(pos + (j - (len(chosen) - 1) / 2) * width, heights, width, label=f"epoch {e}")
        ax.set_xticks(pos, [_layer_label(layer, i, activations) for i, layer in enumerate(layers)])
        ax.set_xlabel("layer (input side first)")
    ax.set_yscale("log")
    ax.set_ylabel(GRADIENT_STATS[stat])
    ax.set_title(title if title is not None else "Gradient flow")
    ax.legend(fontsize="small")
    return fig
