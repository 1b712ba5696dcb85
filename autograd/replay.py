"""Replay a graph recorded for one sample over a whole batch at once, with numpy.

A model's graph has the same shape for every sample; only the inputs differ. So
record it once, with placeholder input Values, and then run the same rules (the
``ARRAY`` namespace of `autograd.rules`) on arrays holding one entry per sample.
Forward gives every node's value for the whole batch; backward gives every
parameter's gradient summed over the batch, exactly as building one scalar
graph per sample and adding their gradients would (to rounding).

Example:
    >>> import numpy as np
    >>> from autograd import Value
    >>> w, b = Value(2.0, label="w"), Value(0.5, label="b")
    >>> x = Value(0.0, label="x")           # placeholder for the input
    >>> replay = Replay([(w * x + b).tanh()], inputs=[x])
    >>> out = replay.forward(np.array([[0.0], [1.0]]))   # two samples
    >>> out.round(4).tolist()
    [[0.4621], [0.9866]]
    >>> replay.backward(np.ones_like(out))   # d(sum of outputs) / d params
    >>> round(w.grad, 4), round(b.grad, 4)
    (0.0266, 0.813)
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from .engine import Value, topological_order
from .rules import ARRAY

__all__ = ["Replay"]


class Replay:
    """A recorded graph (outputs as functions of input placeholders) run on batches.

    Args:
        outputs: the Values to compute (e.g. a model's outputs for a placeholder sample).
        inputs: the placeholder leaves that take one column of the batch each.

    Every other leaf (parameters, constants) is read from its ``.data`` at each
    `forward`, so the replay follows the parameters as an optimizer changes them.
    """

    def __init__(self, outputs: Sequence[Value], inputs: Sequence[Value]) -> None:
        outputs, inputs = list(outputs), list(inputs)
        if not outputs:
            raise ValueError("Replay: needs at least one output Value")
        for name, group in (("outputs", outputs), ("inputs", inputs)):
            for i, v in enumerate(group):
                if not isinstance(v, Value):
                    raise TypeError(f"Replay: {name}[{i}] must be a Value, got {type(v).__name__}")
        for i, v in enumerate(inputs):
            if v.op is not None:
                raise ValueError(f"Replay: inputs[{i}] must be a leaf Value, got the result of {v.op.name}")

        # One order for all outputs: join them under a throwaway list, not a node.
        seen: set[Value] = set()
        self.nodes: list[Value] = []
        for out in outputs:
            for node in topological_order(out):
                if node not in seen:
                    seen.add(node)
                    self.nodes.append(node)
        self.index = {node: i for i, node in enumerate(self.nodes)}
        self.outputs = [self.index[out] for out in outputs]
        self.inputs = [self.index.get(x) for x in inputs]  # None: output ignores it
        self.parent_indices = [tuple(self.index[p] for p in node.parents) for node in self.nodes]
        self.values: list[Any] = []
        self.batch_size = 0

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Every node's value for the batch `X` (n_samples, n_inputs); returns (n_samples, n_outputs).

        Raises:
            ValueError / OverflowError: an operation leaves its domain or overflows
                for some sample; the message names the operation, the sample and
                its operands.
        """
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != len(self.inputs):
            raise ValueError(
                f"Replay.forward: X must have shape (n_samples, {len(self.inputs)}), got {X.shape}"
            )
        if X.shape[0] == 0:
            raise ValueError("Replay.forward: X has no rows")
        values: list[Any] = [None] * len(self.nodes)
        for column, i in enumerate(self.inputs):
            if i is not None:
                values[i] = X[:, column]
        # Numpy returns inf/NaN where the scalar engine raises; check each result.
        with np.errstate(all="ignore"):
            for i, node in enumerate(self.nodes):
                if values[i] is not None:
                    continue
                if node.op is None:  # parameter or constant: a scalar for every sample
                    values[i] = np.float64(node.data)
                    continue
                args = [values[p] for p in self.parent_indices[i]]
                out = node.op.forward(ARRAY, *args)
                if not np.isfinite(out).all():  # the method: np.all's wrapper costs more here
                    self._raise_forward_error(node, args, out)
                values[i] = out
        self.values = values
        self.batch_size = X.shape[0]
        columns = [np.broadcast_to(values[i], (X.shape[0],)) for i in self.outputs]
        return np.stack(columns, axis=1)

    def backward(self, output_grads: np.ndarray) -> None:
        """Add d(loss)/d(leaf), summed over the batch, to each non-input leaf's ``.grad``.

        Args:
            output_grads: d(loss)/d(output) per sample, shape (n_samples, n_outputs),
                as the last `forward` returned them.
        """
        if not self.values:
            raise RuntimeError("Replay.backward: call forward first")
        output_grads = np.asarray(output_grads, dtype=float)
        expected = (self.batch_size, len(self.outputs))
        if output_grads.shape != expected:
            raise ValueError(f"Replay.backward: output_grads must have shape {expected}, got {output_grads.shape}")
        grads: list[Any] = [None] * len(self.nodes)
        for column, i in enumerate(self.outputs):
            grads[i] = output_grads[:, column] if grads[i] is None else grads[i] + output_grads[:, column]
        values = self.values
        with np.errstate(all="ignore"):
            # The same chain rule as engine.backpropagate, one array per node.
            for i in range(len(self.nodes) - 1, -1, -1):
                node, g = self.nodes[i], grads[i]
                if node.op is None or g is None:
                    continue
                parents = self.parent_indices[i]
                local = node.op.partials(ARRAY, values[i], *[values[p] for p in parents])
                for p, d in zip(parents, local):
                    c = g * d
                    grads[p] = c if grads[p] is None else grads[p] + c
        input_set = set(self.inputs)
        totals = {i: node.grad + float(grads[i].sum()) for i, node in enumerate(self.nodes)
                  if node.op is None and i not in input_set and grads[i] is not None}
        # Check every leaf before writing any, so a failure changes no gradient.
        for i, total in totals.items():
            if not math.isfinite(total):
                raise OverflowError(
                    f"Replay.backward: the gradient of {self.nodes[i].label or 'a leaf'} is not finite "
                    f"({total!r}): a local derivative is infinite, or a gradient overflows, for some sample"
                )
        for i, total in totals.items():
            self.nodes[i].grad = total

    def _raise_forward_error(self, node: Value, args: list[Any], out: np.ndarray) -> None:
        bad = np.flatnonzero(~np.isfinite(np.broadcast_to(out, (max(np.size(out), 1),))))
        sample = int(bad[0])
        operands = [float(np.broadcast_to(a, np.shape(out))[sample]) if np.ndim(a) else float(a) for a in args]
        value = float(np.broadcast_to(out, np.shape(out))[sample]) if np.ndim(out) else float(out)
        error = OverflowError if np.isinf(value) and all(np.isfinite(operands)) else ValueError
        try:  # the scalar rule's own check gives the domain reason, if it has one
            if node.op.check is not None:
                node.op.check(*operands)
        except (ArithmeticError, ValueError) as reason:
            raise type(reason)(f"{node.op.describe(operands)} in sample {sample}: {reason}") from None
        # The scalar engine's wording, so fit's stop_reason reads the same either way.
        reason = "the result is too large for a float" if error is OverflowError else f"the result is {value!r}"
        raise error(f"{node.op.describe(operands)} in sample {sample}: {reason}")
