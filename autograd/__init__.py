"""backproplab's scalar autograd engine: `Value`, backpropagation and gradient checking.

Example:
    >>> from autograd import Value
    >>> x = Value(0.5, label="x")
    >>> y = x.tanh()
    >>> y.backward()
    >>> round(x.grad, 6)  # 1 - tanh(0.5)**2
    0.786448
"""

from .engine import (
    Value,
    add_n,
    backpropagate,
    custom_op,
    grad,
    is_grad_enabled,
    module_scope,
    no_grad,
    topological_order,
)
from .gradient_check import GradcheckError, gradcheck, gradgradcheck
from .rules import RULES, Rule

__all__ = [
    "GradcheckError",
    "RULES",
    "Rule",
    "Value",
    "add_n",
    "backpropagate",
    "custom_op",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "module_scope",
    "no_grad",
    "topological_order",
]
