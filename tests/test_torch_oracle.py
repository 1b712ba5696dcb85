"""The random expressions of test_random_expressions.py, compared with PyTorch in float64.

Skipped when torch is not installed (it is a large, optional test oracle).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

from autograd import Value, grad

torch = pytest.importorskip("torch")

from test_random_expressions import (  # noqa: E402  (only once torch is known to exist)
    STEPS,
    Program,
    ValueBackend,
    checked_floats,
    programs,
)

pytestmark = pytest.mark.needs_torch


class TorchBackend:
    abs = staticmethod(torch.abs)
    exp = staticmethod(torch.exp)
    log = staticmethod(torch.log)
    sqrt = staticmethod(torch.sqrt)
    tanh = staticmethod(torch.tanh)
    sigmoid = staticmethod(torch.sigmoid)
    relu = staticmethod(torch.relu)

    @staticmethod
    def add_n(xs: list) -> object:
        total = xs[0]
        for x in xs[1:]:
            total = total + x
        return total


def torch_result(program: Program) -> tuple[float, list[float]]:
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in program.leaves]
    out = program.run(TorchBackend, leaves)[-1]
    grads = torch.autograd.grad(out, leaves, allow_unused=True)
    return out.item(), [0.0 if g is None else g.item() for g in grads]


def close(ours: float, theirs: float) -> bool:
    return math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-9)


def check_against_torch(program: Program) -> None:
    leaves = [Value(x) for x in program.leaves]
    out = program.run(ValueBackend, leaves)[-1]
    value, grads = torch_result(program)
    assert close(out.data, value)
    for i, (ours, theirs) in enumerate(zip(grad(out, leaves), grads)):
        assert close(ours, theirs), f"d/d leaf {i}"


@settings(max_examples=150)
@given(programs())
def test_values_and_gradients_match_torch(program: Program) -> None:
    checked_floats(program)
    check_against_torch(program)


@pytest.mark.parametrize("name", sorted(STEPS))
def test_every_step_matches_torch(name: str) -> None:
    check_against_torch(Program((0.3, -0.7, 1.1), ((name, (0, 1, 2)[: STEPS[name][0]]),)))


@pytest.mark.parametrize("name", ["abs", "relu"])
def test_kinks_at_zero_match_torch(name: str) -> None:
    # At exactly 0 both take slope 0 (the subgradient PyTorch chooses).
    check_against_torch(Program((0.0,), ((name, (0,)),)))
