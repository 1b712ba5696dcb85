"""Pictures of backpropagation: computation graphs, the backward pass step by step, and training plots.

The graph drawings need Graphviz's ``dot`` program; the plots need matplotlib
(``pip install "backproplab[plot]"``) and are imported only when first used.

Example:
    >>> from autograd import Value
    >>> from viz import draw_graph
    >>> x = Value(2.0, label="x")
    >>> y = x * x
    >>> y.backward()
    >>> "x" in draw_graph(y).source
    True
"""

from __future__ import annotations

from typing import Any

from .graph import GraphDrawing, GraphvizNotFoundError, draw_graph
from .steps import BackwardSteps, backward_steps

_PLOTS = (
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_gradient_flow",
    "plot_history",
    "plot_precision_recall",
    "plot_roc",
)

__all__ = ["BackwardSteps", "GraphDrawing", "GraphvizNotFoundError", "backward_steps", "draw_graph", *_PLOTS]


def __getattr__(name: str) -> Any:
    # matplotlib is optional: import the plots only when one is asked for.
    if name in _PLOTS:
        from . import plots

        return getattr(plots, name)
    raise AttributeError(f"module 'viz' has no attribute {name!r}")
