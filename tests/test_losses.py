"""Tests of autograd.losses: hand-computed values, finite differences, scikit-learn and PyTorch oracles."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, gradcheck
from autograd.losses import (
    balanced_class_weight,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    l2_penalty,
    mse_loss,
)


def values(xs):
    return [Value(x) for x in xs]


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


# --- hand-computed values ----------------------------------------------------------


def test_mse_value_and_gradient():
    p = values([0.5, 2.0, -1.0])
    loss = mse_loss(p, [1.0, 1.0, 1.0])
    assert loss.data == pytest.approx((0.25 + 1 + 4) / 3)
    loss.backward()
    assert [v.grad for v in p] == pytest.approx([2 * -0.5 / 3, 2 * 1.0 / 3, 2 * -2.0 / 3])


def test_mse_sum_reduction():
    assert mse_loss([0.5, 2.0], [1.0, 1.0], reduction="sum").data == pytest.approx(1.25)


def test_bce_value_and_gradient():
    p = values([0.9, 0.2])
    loss = binary_cross_entropy(p, [1, 0])
    assert loss.data == pytest.approx(-(math.log(0.9) + math.log(0.8)) / 2)
    loss.backward()
    # d/dp of -log p is -1/p; of -log(1-p) is 1/(1-p); halved by the mean.
    assert [v.grad for v in p] == pytest.approx([-1 / 0.9 / 2, 1 / 0.8 / 2])


def test_bce_soft_labels():
    loss = binary_cross_entropy([0.6], [0.3])
    assert loss.data == pytest.approx(-(0.3 * math.log(0.6) + 0.7 * math.log(0.4)))


def test_bce_pos_weight_scales_positive_term_only():
    loss = binary_cross_entropy([0.9, 0.2], [1, 0], pos_weight=4.0)
    assert loss.data == pytest.approx(-(4 * math.log(0.9) + math.log(0.8)) / 2)


def test_bce_clips_saturated_probabilities_but_keeps_a_gradient():
    p = values([0.0, 1.0])
    loss = binary_cross_entropy(p, [1, 0])
    assert loss.data == pytest.approx(-math.log(1e-12), rel=1e-9)
    loss.backward()
    # PyTorch's backward at p=0, y=1 is -1/1e-12 too; here halved by the mean.
    assert p[0].grad == pytest.approx(-0.5e12)
    assert p[1].grad == pytest.approx(0.5e12)


def test_bce_with_logits_value_and_gradient():
    z = values([2.0, -1.0, 0.0])
    loss = binary_cross_entropy_with_logits(z, [1, 0, 1])
    expected = (-math.log(sigmoid(2.0)) - math.log(1 - sigmoid(-1.0)) - math.log(0.5)) / 3
    assert loss.data == pytest.approx(expected)
    loss.backward()
    # d/dz = (sigmoid(z) - y) / n, exactly also at z = 0.
    assert [v.grad for v in z] == pytest.approx([(sigmoid(2) - 1) / 3, sigmoid(-1) / 3, -0.5 / 3])


@pytest.mark.parametrize("z, y, expected", [(1000.0, 0, 1000.0), (-1000.0, 1, 1000.0),
                                            (1000.0, 1, 0.0), (-1000.0, 0, 0.0)])
def test_bce_with_logits_is_stable_for_huge_logits(z, y, expected):
    v = Value(z)
    loss = binary_cross_entropy_with_logits([v], [y])
    loss.backward()
    assert loss.data == pytest.approx(expected, abs=1e-12)
    assert v.grad == pytest.approx(sigmoid(z) - y if abs(z) < 700 else (1.0 if z > 0 else 0.0) - y)


def test_bce_with_logits_pos_weight():
    # pos_weight multiplies -log(sigmoid(z)) for positives (PyTorch).
    loss = binary_cross_entropy_with_logits([0.5, 0.5], [1, 0], pos_weight=3.0)
    expected = (3 * -math.log(sigmoid(0.5)) - math.log(1 - sigmoid(0.5))) / 2
    assert loss.data == pytest.approx(expected)


def test_hinge_matches_micrograd_demo_formula():
    s = values([2.0, 0.5, -0.2, -3.0])
    loss = hinge_loss(s, [1, 1, -1, 1])
    assert loss.data == pytest.approx((0 + 0.5 + 0.8 + 4.0) / 4)
    loss.backward()
    assert [v.grad for v in s] == [0.0, -0.25, 0.25, -0.25]


def test_hinge_accepts_zero_one_labels():
    s = [2.0, 0.5, -0.2, -3.0]
    assert hinge_loss(s, [1, 1, 0, 1]).data == hinge_loss(s, [1, 1, -1, 1]).data


def test_cross_entropy_value_and_gradient():
    z = [values([2.0, 0.0, -1.0]), values([0.0, 0.0, 0.0])]
    loss = cross_entropy(z, [0, 2])
    soft = np.exp([2.0, 0.0, -1.0]) / np.exp([2.0, 0.0, -1.0]).sum()
    assert loss.data == pytest.approx((-math.log(soft[0]) + math.log(3)) / 2)
    loss.backward()
    assert [v.grad for v in z[0]] == pytest.approx((soft - [1, 0, 0]) / 2)
    assert [v.grad for v in z[1]] == pytest.approx((np.array([1, 1, 1]) / 3 - [0, 0, 1]) / 2)


def test_cross_entropy_is_stable_for_huge_logits():
    z = [values([1000.0, 0.0]), values([-1000.0, 1000.0])]
    loss = cross_entropy(z, [0, 0])
    assert loss.data == pytest.approx(2000.0 / 2)
    loss.backward()
    assert z[1][0].grad == pytest.approx(-0.5)


def test_l2_penalty():
    w = values([1.0, -2.0, 3.0])
    penalty = l2_penalty(w, 0.1)
    assert penalty.data == pytest.approx(1.4)
    penalty.backward()
    assert [v.grad for v in w] == pytest.approx([0.2, -0.4, 0.6])


def test_l2_penalty_takes_a_model():
    class Model:
        def parameters(self):
            return [Value(2.0)]
    assert l2_penalty(Model(), 0.5).data == 2.0


def test_loss_nodes_are_marked_as_the_loss_module():
    loss = mse_loss([Value(1.0)], [0.0])
    assert loss.module == "loss"


# --- weighting -----------------------------------------------------------------


def test_sample_weight_is_a_weighted_mean():
    p, y, w = [0.5, 2.0, 0.0], [1.0, 1.0, 1.0], [1.0, 3.0, 0.0]
    losses = [0.25, 1.0, 1.0]
    assert mse_loss(p, y, sample_weight=w).data == pytest.approx((0.25 + 3.0) / 4)
    assert mse_loss(p, y, sample_weight=w, reduction="sum").data == pytest.approx(0.25 + 3.0)
    assert mse_loss(p, y, sample_weight=[2, 2, 2]).data == pytest.approx(np.mean(losses))


def test_class_weight_dict_weights_by_label():
    s, y = [0.5, -0.5, 0.2], [1, 0, 0]   # per-sample hinge: 0.5, 0.5, 1.2
    loss = hinge_loss(s, y, class_weight={0: 1.0, 1: 4.0})
    assert loss.data == pytest.approx((4 * 0.5 + 0.5 + 1.2) / (4 + 1 + 1))


def test_class_weight_missing_class_counts_one():
    loss = binary_cross_entropy([0.5, 0.5], [1, 0], class_weight={1: 3.0})
    assert loss.data == pytest.approx(math.log(2))


def test_balanced_equals_scikit_learn():
    from sklearn.utils.class_weight import compute_class_weight

    y = np.array([0] * 7 + [1] * 2 + [2] * 1)
    ours = balanced_class_weight(y)
    theirs = compute_class_weight("balanced", classes=np.array([0, 1, 2]), y=y)
    assert [ours[k] for k in (0, 1, 2)] == pytest.approx(theirs)


def test_balanced_weights_sum_to_n_so_the_mean_is_plain():
    z, y = [1.0, -2.0, 0.3, 0.0], [1, 0, 0, 0]
    w = balanced_class_weight(y)
    per_sample = [binary_cross_entropy_with_logits([zi], [yi]).data for zi, yi in zip(z, y)]
    expected = sum(w[yi] * l for yi, l in zip(y, per_sample)) / len(y)
    assert binary_cross_entropy_with_logits(z, y, class_weight="balanced").data == pytest.approx(expected)


def test_cross_entropy_class_weight_and_sample_weight_multiply():
    z, y = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]], [0, 1, 1]
    per = [cross_entropy([r], [t]).data for r, t in zip(z, y)]
    w = [1.0 * 2.0, 3.0 * 0.5, 3.0 * 1.0]  # class_weight[y] * sample_weight
    loss = cross_entropy(z, y, class_weight={0: 1.0, 1: 3.0}, sample_weight=[2.0, 0.5, 1.0])
    assert loss.data == pytest.approx(np.dot(w, per) / sum(w))


# --- gradients against finite differences ------------------------------------------------


LOSSES_1D = [
    ("mse", lambda *p: mse_loss(list(p), [0.3, -1.0, 2.0], sample_weight=[1.0, 2.0, 0.5])),
    ("bce", lambda *p: binary_cross_entropy([q.sigmoid() for q in p], [1, 0, 0.25], pos_weight=2.0)),
    ("bce_logits", lambda *p: binary_cross_entropy_with_logits(list(p), [1, 0, 1], pos_weight=0.5,
                                                               class_weight={0: 2.0})),
    ("hinge", lambda *p: hinge_loss(list(p), [1, -1, -1], reduction="sum")),
]


@pytest.mark.parametrize("name, fn", LOSSES_1D, ids=[n for n, _ in LOSSES_1D])
def test_gradients_match_finite_differences(name, fn):
    assert gradcheck(fn, [Value(0.3), Value(-0.7), Value(1.3)])


def test_cross_entropy_gradients_match_finite_differences():
    def fn(*z):
        return cross_entropy([list(z[:3]), list(z[3:])], [2, 0], class_weight="balanced")
    assert gradcheck(fn, [Value(x) for x in (0.1, -0.4, 1.2, 2.0, 0.3, -1.1)])


def test_bce_with_logits_gradient_at_zero_is_sigmoid_minus_label():
    # The two-branch softplus: the derivative is exact at the seam too.
    assert gradcheck(lambda z: binary_cross_entropy_with_logits([z], [1]), [Value(0.0)])


def test_bce_gradient_against_sympy():
    sympy = pytest.importorskip("sympy")
    p, y = sympy.symbols("p y")
    expr = -(3 * y * sympy.log(p) + (1 - y) * sympy.log(1 - p))
    v = Value(0.35)
    binary_cross_entropy([v], [0.4], pos_weight=3.0).backward()
    assert v.grad == pytest.approx(float(sympy.diff(expr, p).subs({p: 0.35, y: 0.4})))


# --- oracles: scikit-learn and PyTorch ---------------------------------------------


def test_hinge_matches_scikit_learn():
    from sklearn.metrics import hinge_loss as sk_hinge

    s, y = [0.3, -2.0, 1.5, 0.9, -0.1], [1, 0, 1, 0, 0]
    assert hinge_loss(s, y).data == pytest.approx(sk_hinge(y, s))


def test_cross_entropy_matches_scikit_learn_log_loss():
    from sklearn.metrics import log_loss

    z = np.array([[0.2, 1.0, -0.5], [2.0, 0.1, 0.0], [0.0, 0.0, 3.0], [1.0, 1.0, 1.0]])
    y = [1, 0, 2, 1]
    proba = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    w = [1.0, 2.0, 0.5, 1.0]
    assert cross_entropy(z, y, sample_weight=w).data == pytest.approx(log_loss(y, proba, sample_weight=w))


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _leaves(xs):
    return [Value(float(x)) for x in np.ravel(xs)]


@pytest.mark.needs_torch
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_bce_with_logits_matches_torch(torch, reduction):
    F = torch.nn.functional
    z = np.array([-3.0, -0.5, 0.0, 0.7, 40.0])
    y = np.array([1.0, 0.0, 1.0, 0.0, 0.0])
    tz = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    expected = F.binary_cross_entropy_with_logits(
        tz, torch.tensor(y, dtype=torch.float64), pos_weight=torch.tensor(2.5, dtype=torch.float64),
        reduction=reduction)
    expected.backward()
    ours = _leaves(z)
    loss = binary_cross_entropy_with_logits(ours, y, pos_weight=2.5, reduction=reduction)
    loss.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-12)
    assert [v.grad for v in ours] == pytest.approx(tz.grad.tolist(), rel=1e-10, abs=1e-15)


@pytest.mark.needs_torch
def test_bce_matches_torch_with_per_sample_weight(torch):
    F = torch.nn.functional
    p = np.array([0.1, 0.5, 0.93, 0.3])
    y = np.array([0.0, 1.0, 1.0, 0.2])
    w = np.array([1.0, 2.0, 0.5, 3.0])
    tp = torch.tensor(p, dtype=torch.float64, requires_grad=True)
    # PyTorch's per-element `weight` with reduction="sum", divided by sum(w): our weighted mean.
    expected = F.binary_cross_entropy(tp, torch.tensor(y, dtype=torch.float64),
                                      weight=torch.tensor(w, dtype=torch.float64), reduction="sum") / w.sum()
    expected.backward()
    ours = _leaves(p)
    loss = binary_cross_entropy(ours, y, sample_weight=w)
    loss.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-12)
    assert [v.grad for v in ours] == pytest.approx(tp.grad.tolist(), rel=1e-10)


@pytest.mark.needs_torch
def test_bce_on_zero_probability_has_torchs_gradient(torch):
    tp = torch.tensor([0.0], dtype=torch.float64, requires_grad=True)
    torch.nn.functional.binary_cross_entropy(tp, torch.tensor([1.0], dtype=torch.float64)).backward()
    v = Value(0.0)
    binary_cross_entropy([v], [1]).backward()
    assert v.grad == pytest.approx(tp.grad.item())


@pytest.mark.needs_torch
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_matches_torch_with_class_weights(torch, reduction):
    F = torch.nn.functional
    z = np.array([[0.2, 1.0, -0.5], [2.0, 0.1, 0.0], [0.0, 0.0, 30.0], [1.0, -1.0, 1.0]])
    y = [1, 0, 2, 1]
    weight = {0: 0.5, 1: 2.0, 2: 1.5}
    tz = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    expected = F.cross_entropy(tz, torch.tensor(y), weight=torch.tensor([0.5, 2.0, 1.5], dtype=torch.float64),
                               reduction=reduction)
    expected.backward()
    ours = [_leaves(row) for row in z]
    loss = cross_entropy(ours, y, class_weight=weight, reduction=reduction)
    loss.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-12)
    assert [v.grad for row in ours for v in row] == pytest.approx(tz.grad.ravel().tolist(), rel=1e-10, abs=1e-15)


@pytest.mark.needs_torch
def test_mse_matches_torch(torch):
    p, y = np.array([0.5, -1.5, 2.0]), np.array([1.0, 0.0, 2.5])
    tp = torch.tensor(p, dtype=torch.float64, requires_grad=True)
    expected = torch.nn.functional.mse_loss(tp, torch.tensor(y, dtype=torch.float64))
    expected.backward()
    ours = _leaves(p)
    loss = mse_loss(ours, y)
    loss.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-12)
    assert [v.grad for v in ours] == pytest.approx(tp.grad.tolist(), rel=1e-12)


# --- properties ------------------------------------------------------------------


logit = st.floats(-30, 30, allow_nan=False)


# Beyond |z| ~ 15, 1 - sigmoid(z) loses digits: the reason the logit form exists.
@given(st.lists(st.tuples(st.floats(-15, 15), st.integers(0, 1)), min_size=1, max_size=8))
def test_bce_with_logits_equals_bce_of_sigmoid(batch):
    z, y = [b[0] for b in batch], [b[1] for b in batch]
    with_logits = binary_cross_entropy_with_logits(z, y).data
    via_probabilities = binary_cross_entropy([Value(v).sigmoid() for v in z], y, eps=1e-300).data
    assert with_logits == pytest.approx(via_probabilities, rel=1e-6, abs=1e-9)


@given(st.lists(st.tuples(st.lists(logit, min_size=3, max_size=3), st.integers(0, 2)), min_size=1, max_size=6))
def test_cross_entropy_equals_numpy_formula(batch):
    z = np.array([b[0] for b in batch])
    y = np.array([b[1] for b in batch])
    top = z.max(axis=1, keepdims=True)
    expected = np.mean(np.log(np.exp(z - top).sum(axis=1)) + top[:, 0] - z[np.arange(len(y)), y])
    assert cross_entropy(z, y).data == pytest.approx(expected, rel=1e-9, abs=1e-12)


# --- errors ------------------------------------------------------------------------


@pytest.mark.parametrize("call, error, message", [
    (lambda: mse_loss([1.0, 2.0], [1.0]), ValueError, r"mse_loss: 2 predictions but 1 targets"),
    (lambda: mse_loss([], []), ValueError, r"mse_loss: empty batch"),
    (lambda: mse_loss(Value(1.0), [1.0]), TypeError, r"mse_loss: .*got one Value"),
    (lambda: mse_loss([float("nan")], [1.0]), ValueError, r"mse_loss: predictions\[0\] is nan"),
    (lambda: mse_loss([1.0, "a"], [1.0, 2.0]), TypeError, r"mse_loss: predictions\[1\] must be a Value"),
    (lambda: mse_loss([1.0], [float("inf")]), ValueError, r"mse_loss: targets\[0\] is inf"),
    (lambda: mse_loss([1.0], [1.0], reduction="avg"), ValueError, r"mse_loss: unknown reduction 'avg'"),
    (lambda: mse_loss([1.0], [1.0], class_weight={0: 1}), TypeError, r"unexpected keyword"),
    (lambda: binary_cross_entropy([0.5, 1.2], [1, 0]), ValueError,
     r"binary_cross_entropy: predictions\[1\] = 1.2 is not a probability"),
    (lambda: binary_cross_entropy([0.5, 0.5], [1, 2]), ValueError,
     r"binary_cross_entropy: targets\[1\] = 2 is not a label in \{0, 1\}"),
    (lambda: binary_cross_entropy([0.5], [1], pos_weight=0), ValueError,
     r"binary_cross_entropy: pos_weight: expected a finite number in \(0.0, inf\), got 0.0"),
    (lambda: binary_cross_entropy([0.5], [1], eps=0.7), ValueError, r"eps must be"),
    (lambda: binary_cross_entropy([[0.5, 0.5]], [1]), TypeError,
     r"binary_cross_entropy: predictions\[0\] is a sequence of 2 outputs"),
    (lambda: binary_cross_entropy_with_logits([0.5, 3.0], [-1, 0]), ValueError,
     r"binary_cross_entropy_with_logits: targets\[0\] = -1"),
    (lambda: binary_cross_entropy_with_logits([0.5], [0.5], class_weight="balanced"), ValueError,
     r"class_weight needs class labels, but targets\[0\] = 0.5"),
    (lambda: binary_cross_entropy_with_logits([0.5], [1], class_weight={2: 1.0}), ValueError,
     r"class_weight has key 2, which is not a class"),
    (lambda: binary_cross_entropy_with_logits([0.5], [1], class_weight={1: -1.0}), ValueError,
     r"class_weight\[1\]: expected a finite number in \[0.0, inf\), got -1.0"),
    (lambda: binary_cross_entropy_with_logits([0.5], [1], class_weight="equal"), ValueError,
     r"unknown class_weight 'equal'"),
    (lambda: binary_cross_entropy_with_logits([0.5, 1], [1, 0], sample_weight=[1.0]), ValueError,
     r"2 targets but 1 sample weights"),
    (lambda: binary_cross_entropy_with_logits([0.5], [1], sample_weight=[-1.0]), ValueError,
     r"sample_weight\[0\] = -1.0 is negative"),
    (lambda: binary_cross_entropy_with_logits([0.5], [1], sample_weight=[0.0]), ValueError,
     r"weights sum to 0"),
    (lambda: hinge_loss([0.5, 0.5], [1, 2]), ValueError, r"hinge_loss: targets\[1\] = 2 is not a label"),
    (lambda: hinge_loss([0.5, 0.5, 0.5], [1, 0, -1]), ValueError, r"hinge_loss: targets mix 0 and -1"),
    (lambda: cross_entropy([[0.0, 1.0], [1.0, 0.0]], [0, 2]), ValueError,
     r"cross_entropy: targets\[1\] = 2 is not a class index in \[0, 2\)"),
    (lambda: cross_entropy([[0.0, 1.0]], [0.5]), ValueError, r"cross_entropy: targets\[0\] = 0.5"),
    (lambda: cross_entropy([[0.0, 1.0], [1.0]], [0, 0]), ValueError, r"logits\[1\] has 1 columns"),
    (lambda: cross_entropy([0.5, 0.1], [0, 1]), TypeError, r"cross_entropy: logits\[0\] must be a list"),
    (lambda: cross_entropy([[0.5]], [0]), ValueError, r"at least 2 classes"),
    (lambda: cross_entropy([], []), ValueError, r"cross_entropy: empty batch"),
    (lambda: l2_penalty([], 0.1), ValueError, r"l2_penalty: params is empty"),
    (lambda: l2_penalty([Value(1.0)], -0.1), ValueError, r"l2_penalty: alpha: expected a finite number in \[0.0, inf\)"),
    (lambda: l2_penalty([1.0], 0.1), TypeError, r"l2_penalty: params\[0\] must be a Value"),
    (lambda: balanced_class_weight([0.5, 1]), ValueError, r"label 0.5 is not an integer class"),
])
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_hinge_class_weight_keys_follow_either_label_convention():
    s = [Value(0.5), Value(0.5)]                      # terms: 0.5 (positive), 1.5 (negative)
    plain = hinge_loss(s, [1, 0]).data
    assert plain == 1.0
    for targets in ([1, 0], [1, -1]):
        for key in (0, -1):
            weighted = hinge_loss(s, targets, class_weight={key: 3.0}).data
            assert weighted == pytest.approx((0.5 + 3.0 * 1.5) / 4.0)   # weighted mean
    with pytest.raises(ValueError, match="keys 0 and -1, both the negative class"):
        hinge_loss(s, [1, 0], class_weight={0: 2.0, -1: 3.0})
