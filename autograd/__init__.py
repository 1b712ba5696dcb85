"""backproplab's scalar autograd engine: `Value`, backpropagation and gradient checking.

The engine's names live here; the rest is in submodules, imported with the
package: `nn` (MLP), `losses`, `optim`, `data`, `train` (fit), `callbacks`,
`metrics`, `diagnostics` (diagnose). `MLP`, `fit` and `diagnose` are also here.

Example:
    >>> from autograd import Value
    >>> x = Value(0.5, label="x")
    >>> y = x.tanh()
    >>> y.backward()
    >>> round(x.grad, 6)  # 1 - tanh(0.5)**2
    0.786448
"""

# The engine and the layers above it: `import autograd` gives the whole toolkit.
from . import callbacks, data, diagnostics, losses, metrics, nn, optim, train
from .custom import custom_op
from .diagnostics import diagnose
from .engine import (
    Value,
    add_n,
    backpropagate,
    grad,
    is_grad_enabled,
    module_scope,
    no_grad,
    topological_order,
)
from .gradient_check import GradcheckError, gradcheck, gradgradcheck
from .history import History
from .nn import MLP
from .rules import RULES, Rule
from .train import fit

__all__ = [
    "GradcheckError",
    "History",
    "MLP",
    "RULES",
    "Rule",
    "Value",
    "add_n",
    "backpropagate",
    "custom_op",
    "diagnose",
    "fit",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "module_scope",
    "no_grad",
    "topological_order",
    # submodules
    "callbacks",
    "data",
    "diagnostics",
    "losses",
    "metrics",
    "nn",
    "optim",
    "train",
]
