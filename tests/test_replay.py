"""Replaying one recorded graph over a batch equals building one graph per sample."""

import random

import numpy as np
import pytest

from autograd import Value, add_n
from autograd.replay import Replay


def _random_model(seed: int, sizes=(2, 5, 4, 2), activations=("tanh", "relu", "sigmoid")):
    rng = random.Random(seed)
    weights = [
        [[Value(rng.uniform(-1, 1), label=f"w{l}{j}{i}") for i in range(sizes[l] + 1)]
         for j in range(sizes[l + 1])]
        for l in range(len(sizes) - 1)
    ]

    def model(x):
        for layer, act in zip(weights, activations):
            x = [getattr(add_n([n[-1]] + [w * xi for w, xi in zip(n[:-1], x)]), act)() for n in layer]
        return x

    params = [p for layer in weights for n in layer for p in n]
    return model, params


def _per_sample(model, params, X, output_weights):
    for p in params:
        p.grad = 0.0
    total = add_n([
        add_n([o * float(c) for o, c in zip(model(list(row)), coefs)])
        for row, coefs in zip(X, output_weights)
    ])
    total.backward()
    return [p.grad for p in params]


@pytest.mark.parametrize("seed", range(5))
def test_replay_matches_one_graph_per_sample(seed):
    model, params = _random_model(seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(7, 2))
    output_weights = rng.normal(size=(7, 2))
    placeholders = [Value(0.0), Value(0.0)]
    replay = Replay(model(placeholders), inputs=placeholders)

    for p in params:
        p.grad = 0.0
    out = replay.forward(X)
    replay.backward(output_weights)
    batched = [p.grad for p in params]

    expected_out = np.array([[o.data for o in model(list(row))] for row in X])
    np.testing.assert_allclose(out, expected_out, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(batched, _per_sample(model, params, X, output_weights), rtol=1e-10, atol=1e-13)


def test_replay_follows_parameter_updates():
    w, x = Value(1.0), Value(0.0)
    replay = Replay([w * x], inputs=[x])
    assert replay.forward(np.array([[3.0]])).tolist() == [[3.0]]
    w.data = 2.0
    assert replay.forward(np.array([[3.0]])).tolist() == [[6.0]]


def test_every_rule_replays_like_the_scalar_engine():
    a, b = Value(0.0), Value(0.0)
    c = Value(1.5)
    exprs = [a + b, a - b, a * b, a / (b * b + 1), -a, (a * a + 1) ** 1.5, (a * a + 1) ** b,
             abs(a), a.exp(), (a * a + 1).log(), (a * a + 1).sqrt(), a.tanh(), a.sigmoid(),
             a.relu(), add_n([a, b, a, c])]
    replay = Replay(exprs, inputs=[a, b])
    X = np.array([[0.3, -0.7], [-1.2, 0.4], [2.0, 1.0]])
    out = replay.forward(X)
    for row, got in zip(X, out):
        # rebuild the same expressions on the scalar engine at this sample
        ra, rb = Value(row[0]), Value(row[1])
        want = [ra + rb, ra - rb, ra * rb, ra / (rb * rb + 1), -ra, (ra * ra + 1) ** 1.5,
                (ra * ra + 1) ** rb, abs(ra), ra.exp(), (ra * ra + 1).log(), (ra * ra + 1).sqrt(),
                ra.tanh(), ra.sigmoid(), ra.relu(), add_n([ra, rb, ra, 1.5])]
        np.testing.assert_allclose(got, [v.data for v in want], rtol=1e-13)


def test_domain_error_names_operation_and_sample():
    x = Value(1.0)
    replay = Replay([x.log()], inputs=[x])
    with pytest.raises(ValueError, match=r"log\(-2\.0\) in sample 1: log is only defined for x > 0"):
        replay.forward(np.array([[1.0], [-2.0]]))
    with pytest.raises(OverflowError, match=r"exp\(1000\.0\) in sample 0: the result is too large for a float"):
        Replay([x.exp()], inputs=[x]).forward(np.array([[1000.0]]))


def test_infinite_local_derivative_raises_in_backward():
    x, w = Value(1.0), Value(1.0, label="w")
    replay = Replay([(w * x).sqrt()], inputs=[x])
    out = replay.forward(np.array([[0.0], [1.0]]))
    with pytest.raises(OverflowError, match="gradient of w is not finite"):
        replay.backward(np.ones_like(out))


def test_bad_arguments():
    x = Value(1.0)
    with pytest.raises(ValueError, match="at least one output"):
        Replay([], inputs=[x])
    with pytest.raises(TypeError, match=r"inputs\[0\] must be a Value, got float"):
        Replay([x * 2], inputs=[1.0])
    with pytest.raises(ValueError, match=r"inputs\[0\] must be a leaf"):
        Replay([x * 2], inputs=[x * 3])
    replay = Replay([x * 2], inputs=[x])
    with pytest.raises(RuntimeError, match="call forward first"):
        replay.backward(np.ones((1, 1)))
    with pytest.raises(ValueError, match=r"shape \(n_samples, 1\), got \(2, 2\)"):
        replay.forward(np.ones((2, 2)))
    with pytest.raises(ValueError, match="no rows"):
        replay.forward(np.ones((0, 1)))
    replay.forward(np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"shape \(3, 1\), got \(2, 1\)"):
        replay.backward(np.ones((2, 1)))


def test_custom_ops_written_with_math_replay_per_sample():
    import math

    from autograd import custom_op

    sin = custom_op("sin", lambda x: math.sin(x), lambda x: (math.cos(x),))
    hypot = custom_op("hypot", math.hypot, lambda x, y: (x / math.hypot(x, y), y / math.hypot(x, y)))
    w, x = Value(0.5, label="w"), Value(0.0)
    replay = Replay([sin(w * x), hypot(w, x)], inputs=[x])
    X = np.array([[1.0], [2.0], [-3.0]])
    out = replay.forward(X)
    np.testing.assert_allclose(out[:, 0], np.sin(0.5 * X[:, 0]))
    np.testing.assert_allclose(out[:, 1], np.hypot(0.5, X[:, 0]))
    replay.backward(np.ones_like(out))
    expected = np.sum(X[:, 0] * np.cos(0.5 * X[:, 0]) + 0.5 / np.hypot(0.5, X[:, 0]))
    assert w.grad == pytest.approx(expected, rel=1e-12)
