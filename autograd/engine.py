"""`Value`, a scalar that remembers how it was computed, and backpropagation through it.

Example:
    >>> from autograd import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b + a          # c = a*b + a = -4
    >>> c.backward()           # dc/da = b + 1, dc/db = a
    >>> c.data, a.grad, b.grad
    (-4.0, -2.0, 2.0)
"""

from __future__ import annotations

import math
import numbers
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, Sequence, Union

import numpy as np

from .rules import FLOAT, RULES, VALUE, Rule

__all__ = [
    "Value",
    "add_n",
    "backpropagate",
    "grad",
    "is_grad_enabled",
    "module_scope",
    "no_grad",
    "topological_order",
]

Number = Union[int, float]
Operand = Union["Value", int, float]

_ADD, _SUB, _MUL, _DIV, _NEG = RULES["add"], RULES["sub"], RULES["mul"], RULES["div"], RULES["neg"]
_POW, _VPOW, _SUM = RULES["pow"], RULES["vpow"], RULES["sum"]
_ABS, _EXP, _LOG, _SQRT = RULES["abs"], RULES["exp"], RULES["log"], RULES["sqrt"]
_TANH, _SIGMOID, _RELU = RULES["tanh"], RULES["sigmoid"], RULES["relu"]

# Global switches, read on every operation. Single-threaded by design: a
# teaching engine keeps its state where a reader can see it.
_grad_enabled = True
_current_module: str | None = None


class Value:
    """A scalar node in a computation graph: its data, its gradient, and where it came from.

    Args:
        data: an int, float, bool or numpy scalar; stored as a Python float.
        label: a name to show in graphs and messages.

    Attributes:
        data: the value (float).
        grad: d(root)/d(this node) after ``root.backward()`` (float, starts at 0).
        label: the name given by the user (or by a module, for parameters).
        op: the `Rule` that produced this node; None for a leaf.
        parents: the operands, in the order they were written (repeats kept).
        module: qualified name of the module that computed this node, or None.

    Example:
        >>> x = Value(3.0, label="x")
        >>> y = (x ** 2).log()     # y = 2 log x, dy/dx = 2/x
        >>> y.backward()
        >>> round(x.grad, 6)
        0.666667
    """

    __slots__ = ("data", "grad", "label", "op", "parents", "module")
    __array_ufunc__ = None  # numpy scalars on the left defer to our reflected operators

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = _to_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self.op: Rule | None = None
        self.parents: tuple[Value, ...] = ()
        self.module: str | None = None

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}, grad={self.grad}{label})"

    # --- arithmetic (each builds one node; the rules live in rules.py) ------

    def __add__(self, other: Operand) -> Value:
        return _binary(_ADD, self, other)

    def __radd__(self, other: Operand) -> Value:
        return _binary(_ADD, other, self)

    def __sub__(self, other: Operand) -> Value:
        return _binary(_SUB, self, other)

    def __rsub__(self, other: Operand) -> Value:
        return _binary(_SUB, other, self)

    def __mul__(self, other: Operand) -> Value:
        return _binary(_MUL, self, other)

    def __rmul__(self, other: Operand) -> Value:
        return _binary(_MUL, other, self)

    def __truediv__(self, other: Operand) -> Value:
        return _binary(_DIV, self, other)

    def __rtruediv__(self, other: Operand) -> Value:
        return _binary(_DIV, other, self)

    def __pow__(self, exponent: Operand) -> Value:
        # A number exponent is a constant (negative bases allowed with integer
        # exponents); a Value exponent is differentiated too (needs base >= 0).
        return _binary(_VPOW if isinstance(exponent, Value) else _POW, self, exponent)

    def __rpow__(self, base: Operand) -> Value:
        return _binary(_VPOW, base, self)

    def __neg__(self) -> Value:
        return _apply(_NEG, (self,), (self.data,))

    def __abs__(self) -> Value:
        return _apply(_ABS, (self,), (self.data,))

    def exp(self) -> Value:
        """e ** self."""
        return _apply(_EXP, (self,), (self.data,))

    def log(self) -> Value:
        """Natural logarithm; raises ValueError for data <= 0."""
        return _apply(_LOG, (self,), (self.data,))

    def sqrt(self) -> Value:
        """Square root; raises ValueError for data < 0."""
        return _apply(_SQRT, (self,), (self.data,))

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return _apply(_TANH, (self,), (self.data,))

    def sigmoid(self) -> Value:
        """Logistic sigmoid 1 / (1 + e**-x), stable for any finite input."""
        return _apply(_SIGMOID, (self,), (self.data,))

    def relu(self) -> Value:
        """max(0, self)."""
        return _apply(_RELU, (self,), (self.data,))

    # --- backpropagation -----------------------------------------------------

    def backward(self) -> None:
        """Fill ``.grad`` of every node in this node's graph with d(self)/d(node).

        Leaves accumulate (a second call adds the same gradient again, as in
        PyTorch: call ``zero_grad`` between steps); every other node's gradient
        is recomputed from scratch on each call.

        Example:
            >>> x = Value(2.0)
            >>> y = x * x
            >>> y.backward(); y.backward()
            >>> x.grad     # 4 + 4: leaves accumulate
            8.0
        """
        grads = backpropagate(self)
        # Leaves accumulate: check every sum before writing any, so a failure
        # leaves all gradients as they were.
        for node, g in grads.items():
            if node.op is None and not math.isfinite(node.grad + g):
                raise OverflowError(
                    f"backward: the gradient of {_describe_node(node)} overflows when "
                    f"accumulated ({node.grad!r} + {g!r}); call zero_grad between steps"
                )
        for node, g in grads.items():
            node.grad = node.grad + g if node.op is None else g


# --- building nodes -----------------------------------------------------------


def _to_float(x: Any, where: str) -> float:
    """Check that `x` is a finite real number and return it as a float."""
    if type(x) is float:  # the common case first: an ABC isinstance check is slow
        value = x
    # bool is an int; numpy scalars register as numbers.Real (np.bool_ does not).
    elif isinstance(x, (numbers.Real, np.bool_)):
        value = float(x)
    else:
        raise TypeError(
            f"{where}: expected a real number (int, float, bool or numpy scalar), "
            f"got {type(x).__name__} {x!r:.60}"
        )
    if not math.isfinite(value):
        raise ValueError(f"{where}: expected a finite number, got {value!r}")
    return value


def _as_value(x: Operand, op_symbol: str) -> Value:
    """A Value as is; a number becomes a constant leaf (an edge in the graph, as written)."""
    if isinstance(x, Value):
        return x
    if type(x) is float and x - x == 0:  # the common case: a finite float
        value = x
    else:
        value = _to_float(x, f"Value {op_symbol} operand")
    # An unlabelled leaf: drawings show its data. (Skips __init__: `value` was just checked.)
    node = Value.__new__(Value)
    node.data, node.grad, node.label, node.op, node.parents, node.module = value, 0.0, "", None, (), None
    return node


def _binary(rule: Rule, a: Operand, b: Operand) -> Value:
    """Apply a two-operand rule; a number on either side becomes a constant leaf."""
    if not isinstance(a, Value):
        a = _as_value(a, rule.symbol)
    if not isinstance(b, Value):
        b = _as_value(b, rule.symbol)
    return _apply(rule, (a, b), (a.data, b.data))


def _apply(rule: Rule, parents: tuple[Value, ...], xs: Sequence[float]) -> Value:
    """Run `rule` forward on `xs`, the parents' data, and record the new node."""
    try:
        if rule.check is not None:
            rule.check(*xs)
        out = rule.forward(FLOAT, *xs)
    except (ArithmeticError, ValueError) as error:
        reason = "the result is too large for a float" if isinstance(error, OverflowError) else error
        raise type(error)(f"{rule.describe(xs)}: {reason}") from None
    if out - out != 0:  # inf - inf and NaN - NaN are NaN; faster than math.isfinite
        if out != out:
            raise ValueError(f"{rule.describe(xs)}: the result is NaN")
        raise OverflowError(f"{rule.describe(xs)}: the result is too large for a float")
    node = Value.__new__(Value)
    node.data, node.grad, node.label = out, 0.0, ""
    if _grad_enabled:
        node.op, node.parents, node.module = rule, parents, _current_module
    else:  # under no_grad nothing is recorded: the result is a leaf
        node.op, node.parents, node.module = None, (), None
    return node


def add_n(values: Iterable[Operand]) -> Value:
    """Sum many values as one graph node (one edge per addend, repeats kept).

    Equal, to the last bit, to adding them left to right, but backward visits one
    node instead of a chain, and a drawing shows one Σ node.

    Example:
        >>> a, b = Value(1.0), Value(2.0)
        >>> s = add_n([a, b, a, 3])
        >>> s.data, len(s.parents)
        (7.0, 4)
        >>> s.backward(); a.grad
        2.0
    """
    parents = tuple(_as_value(v, "add_n") for v in values)
    if not parents:
        raise ValueError("add_n: needs at least one value, got an empty sequence")
    return _apply(_SUM, parents, [p.data for p in parents])


# --- switches -----------------------------------------------------------------


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block, operations compute values but record no graph.

    Example:
        >>> x = Value(2.0)
        >>> with no_grad():
        ...     y = x * 3
        >>> y.data, y.parents
        (6.0, ())
    """
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


def is_grad_enabled() -> bool:
    """True unless inside `no_grad`."""
    return _grad_enabled


@contextmanager
def module_scope(name: str) -> Iterator[None]:
    """Mark every node computed inside the block as produced by module `name`.

    Scopes nest: inside ``module_scope("layers.0")``, ``module_scope("neurons.3")``
    records ``"layers.0.neurons.3"``. The graph drawer groups nodes by it.

    Example:
        >>> with module_scope("layer1"):
        ...     y = Value(1.0) + 2
        >>> y.module
        'layer1'
    """
    global _current_module
    previous = _current_module
    _current_module = name if previous is None else f"{previous}.{name}"
    try:
        yield
    finally:
        _current_module = previous


# --- the chain rule -------------------------------------------------------------


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, each after all of its parents; `root` last.

    Iterative (no recursion limit): a chain of a million nodes is fine. The order
    is deterministic: operands are visited in the order they were written.

    Example:
        >>> a = Value(1.0, label="a")
        >>> b = a * 2
        >>> [n.label or (n.op.name if n.op else n.data) for n in topological_order(b + a)]
        ['a', 2.0, 'mul', 'add']
    """
    order: list[Value] = []
    visited = {root}
    # A stack of (node, iterator over its parents). A node joins `order` once
    # its iterator is used up, that is, after all of its parents have.
    stack = [(root, iter(root.parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent not in visited:
                visited.add(parent)
                stack.append((parent, iter(parent.parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


StepHook = Callable[[Value, Sequence[Value], Sequence[Any], dict], None]


def backpropagate(
    root: Value,
    *,
    create_graph: bool = False,
    on_step: StepHook | None = None,
) -> dict[Value, Any]:
    """The chain rule: d(root)/d(node) for every node of root's graph, as a dict.

    Walks the nodes from `root` back to the leaves; each node passes its gradient
    to its parents, multiplied by its local partials (from the rule table).
    Touches no ``.grad``: `Value.backward` and `grad` are built on it.

    Args:
        root: the output to differentiate.
        create_graph: if True, gradients are Values (differentiable again).
        on_step: called after each operation node is processed as
            ``on_step(node, parents, contributions, grads_so_far)``; the
            backward stepper of the visualizer uses it.

    Raises:
        ValueError: a local derivative is infinite or undefined (sqrt at 0).
        OverflowError: a gradient overflows the float range.

    Example:
        >>> x = Value(3.0)
        >>> y = x * x
        >>> backpropagate(y)[x]
        6.0
    """
    m = VALUE if create_graph else FLOAT
    grads: dict[Value, Any] = {root: 1.0}
    grads_get = grads.get
    for node in reversed(topological_order(root)):
        rule = node.op
        if rule is None:  # a leaf: nothing further back
            continue
        g = grads[node]
        parents = node.parents
        try:
            if create_graph:
                local = rule.partials(m, node, *parents)
            elif len(parents) == 2:  # most nodes: skip building a list of data
                local = rule.partials(m, node.data, parents[0].data, parents[1].data)
            else:
                local = rule.partials(m, node.data, *[p.data for p in parents])
        except (ArithmeticError, ValueError) as error:
            raise ValueError(
                f"backward: the local derivative of {rule.describe([p.data for p in parents])} "
                f"is infinite or undefined ({error})"
            ) from None
        # The chain rule: each parent receives g * d(node)/d(parent), summed over
        # every path (a parent used twice, as in a + a, receives two terms).
        # The anomaly check: x - x is NaN for inf and NaN, 0 for any finite x.
        if len(parents) == 2 and not create_graph:
            # The same lines unrolled for the commonest node (two operands, floats):
            # this is the hottest spot of backward, and the unrolling saves ~10%.
            (a, b), (da, db) = parents, local
            ca, cb = g * da, g * db
            if ca - ca != 0 or cb - cb != 0:
                _raise_non_finite(rule, parents, g, local)
            previous = grads_get(a)
            grads[a] = ca if previous is None else previous + ca
            previous = grads_get(b)
            grads[b] = cb if previous is None else previous + cb
        else:
            for parent, d in zip(parents, local):
                c = g * d
                if not create_graph and c - c != 0:
                    _raise_non_finite(rule, parents, g, local)
                previous = grads_get(parent)
                grads[parent] = c if previous is None else previous + c
        if on_step is not None:
            on_step(node, parents, [g * d for d in local], grads)
    return grads


def _raise_non_finite(rule: Rule, parents: Sequence[Value], g: float, local: Sequence[float]) -> None:
    shown = ", ".join(repr(d) for d in local)
    raise OverflowError(
        f"backward: the gradient through {rule.describe([p.data for p in parents])} "
        f"is not finite (incoming gradient {g!r} times local derivatives {shown})"
    )


def grad(
    output: Value,
    inputs: Value | Sequence[Value],
    create_graph: bool = False,
) -> tuple[Any, ...]:
    """Gradients of `output` with respect to each of `inputs`, leaving ``.grad`` alone.

    Args:
        output: the Value to differentiate.
        inputs: a Value or a sequence of Values.
        create_graph: return Values that can be differentiated again.

    Returns:
        A tuple with one gradient per input (0 for an input `output` does not
        depend on): floats, or Values when `create_graph` is True.

    Example:
        >>> x = Value(2.0)
        >>> y = x ** 3
        >>> (dy,) = grad(y, [x], create_graph=True)     # 3 x**2
        >>> (d2y,) = grad(dy, [x], create_graph=True)   # 6 x
        >>> (d3y,) = grad(d2y, [x])                     # 6
        >>> dy.data, d2y.data, d3y
        (12.0, 12.0, 6.0)
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__}")
    targets = [inputs] if isinstance(inputs, Value) else list(inputs)
    for i, x in enumerate(targets):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{i}] must be a Value, got {type(x).__name__}")
    grads = backpropagate(output, create_graph=create_graph)
    if not create_graph:
        return tuple(float(grads.get(x, 0.0)) for x in targets)
    return tuple(_as_value(grads.get(x, 0.0), "grad") for x in targets)


def _describe_node(node: Value) -> str:
    name = repr(node.label) if node.label else "an unlabelled leaf"
    return f"{name} (data={node.data!r})"
