"""Every matplotlib picture of backproplab in one namespace: training, evaluation, decision boundary.

matplotlib is an optional extra (``pip install "backproplab[plot]"``); importing
this module without it raises an ImportError that says so. Each function returns
a `matplotlib.figure.Figure` made without pyplot, so nothing leaks between calls:
save it with ``fig.savefig("name.png")`` or show it in a notebook cell.

Example:
    >>> from viz.plots import plot_confusion_matrix
    >>> fig = plot_confusion_matrix([0, 1, 1], [0, 1, 0])
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['1', '0', '1', '1']
"""

from .plots_boundary import plot_decision_boundary
from .plots_evaluation import plot_confusion_matrix, plot_precision_recall, plot_roc
from .plots_training import plot_gradient_flow, plot_history

__all__ = [
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_gradient_flow",
    "plot_history",
    "plot_precision_recall",
    "plot_roc",
]
