"""Write every picture of a trained classifier into a folder: plots (PNG), graph (SVG), step-through and report (HTML).

Matplotlib draws the plots and Graphviz's ``dot`` the graphs; without ``dot``
the graph files are skipped and the report says how to install it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autograd.engine import Value
from autograd.files import write_atomic
from autograd.losses import binary_cross_entropy_with_logits, cross_entropy
from autograd.nn import MLP
from autograd.pipeline import Evaluation, logit

from ._dot import GraphvizNotFoundError
from .graph import draw_graph
from .report import report_html
from .steps import backward_steps

__all__ = ["Outputs", "one_sample_loss", "write_outputs"]

# A 2-3-k net fits the step-through's 300-value limit for every class count the
# pipeline allows (249 values at its 20 classes), however many features the data has.
_STEP_HIDDEN, _STEP_FEATURES = 3, 2


@dataclass
class Outputs:
    """The files written, by name, and notes on what was skipped or substituted."""

    files: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def one_sample_loss(model: MLP, x: np.ndarray, y: int, feature_names: list[str], binary: bool) -> Value:
    """The loss of one sample as a graph, inputs labelled by feature name, after ``backward()``.

    The model's parameters get gradients; call ``model.zero_grad()`` afterwards if it trains on.

    Example:
        >>> loss = one_sample_loss(MLP(2, [1], seed=0), np.array([1.0, 0.0]), 1, ["a", "b"], True)
        >>> loss.label, round(loss.data, 4)
        ('loss', 0.4069)
    """
    inputs = [Value(float(v), label=name) for v, name in zip(x, feature_names)]
    out = model(inputs)
    loss = binary_cross_entropy_with_logits([out], [y]) if binary else cross_entropy([out], [y])
    loss.label = "loss"
    loss.backward()
    return loss


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _figures(ev: Evaluation) -> tuple[dict[str, bytes], list[str]]:
    from .plots import (
        plot_confusion_matrix,
        plot_decision_boundary,
        plot_gradient_flow,
        plot_history,
        plot_precision_recall,
        plot_roc,
    )

    prep, split = ev.prep, ev.eval_split
    X, y = ev.splits[split]
    names = [str(c) for c in prep.classes]
    figures, notes = {}, []
    if ev.history is not None:
        figures["history"] = _png(plot_history(ev.history))
        figures["gradient_flow"] = _png(plot_gradient_flow(ev.history))
    figures["confusion_matrix"] = _png(plot_confusion_matrix(
        y, ev.predictions[split], labels=list(range(len(names))), class_names=names,
        title=f"Confusion matrix ({split})"))
    if prep.binary and np.unique(y).size == 2:
        scores = ev.scores[split]
        title = f"Precision-recall curve ({split})"
        if prep.threshold <= scores.max():
            figures["precision_recall"] = _png(plot_precision_recall(y, scores, threshold=prep.threshold,
                                                                     title=title))
        else:  # a threshold above every score has no point on the curve: draw the curve alone
            notes.append(f"the threshold {prep.threshold:.4g} flags no {split} sample; the PR curve has no marker")
            figures["precision_recall"] = _png(plot_precision_recall(y, scores, title=title))
        figures["roc"] = _png(plot_roc(y, scores, threshold=prep.threshold, title=f"ROC curve ({split})"))
    if X.shape[1] == 2:
        threshold = logit(prep.threshold) if prep.binary else None
        # labels: the split may lack a class, but the model's outputs still name them all.
        figures["decision_boundary"] = _png(plot_decision_boundary(
            ev.model, X, y, threshold=threshold, labels=list(range(len(names))), class_names=names,
            feature_names=prep.feature_names, title=f"Decision boundary on {split} (standardized features)"))
    return figures, notes


def _steps(ev: Evaluation, loss: Value, x: np.ndarray, y: int, path: Path) -> str:
    """Save the backward step-through of one sample; return what it shows."""
    try:
        backward_steps(loss).save(path)
        return "the trained model's loss on one sample"
    except ValueError:
        pass  # too many values to step through: a small untrained net shows the same rules
    prep = ev.prep
    # Many features alone overflow the limit, so the small net reads the first two.
    k = min(_STEP_FEATURES, len(x))
    n_out = 1 if prep.binary else len(prep.classes)
    small = MLP(k, [_STEP_HIDDEN, n_out], seed=0)
    backward_steps(one_sample_loss(small, x[:k], y, prep.feature_names[:k], prep.binary)).save(path)
    return (f"the loss of one sample through a small untrained {k}-{_STEP_HIDDEN}-{n_out} net on "
            f"{', '.join(prep.feature_names[:k])} (the trained model is too large to step through)")


def write_outputs(ev: Evaluation, out: Path, title: str) -> Outputs:
    """Write the plots, graph.svg, steps.html and report.html of `ev` into folder `out`."""
    result = Outputs()
    figures, result.notes = _figures(ev)
    for name, png in figures.items():
        result.files[name] = out / f"{name}.png"
        write_atomic(result.files[name], png)

    X, y = ev.splits[ev.eval_split]
    x, label = X[0], int(y[0])
    graph_svg, graph_note = None, ""
    ev.model.zero_grad()  # so the drawings show this sample's gradients alone
    loss = one_sample_loss(ev.model, x, label, ev.prep.feature_names, ev.prep.binary)
    try:
        result.files["graph"] = draw_graph(loss).save(out / "graph.svg")
        graph_svg = draw_graph(loss, collapse=1).svg()
        graph_note = (f"The loss of the first {ev.eval_split} sample (class {ev.prep.classes[label]!r}), one box "
                      "per layer with its gradient; graph.svg beside this file draws it in more detail.")
        shows = _steps(ev, loss, x, label, out / "steps.html")
        result.files["steps"] = out / "steps.html"
        result.notes.append(f"steps.html steps through {shows}")
        graph_note += f" steps.html replays a backward pass one operation at a time: {shows}."
    except GraphvizNotFoundError:
        graph_note = ("Graphviz's dot program is not installed, so no graph was drawn "
                      "(Debian/Ubuntu: sudo apt-get install -y graphviz).")
        result.notes.append(graph_note)
    finally:
        ev.model.zero_grad()  # the drawings read the gradients; leave the model as it was

    result.files["report"] = out / "report.html"
    write_atomic(result.files["report"], report_html(ev, figures, graph_svg, title=title, graph_note=graph_note))
    return result
