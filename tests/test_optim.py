"""Tests for autograd.optim: update rules by hand and against PyTorch, schedules, clipping, training."""

import math

import pytest

from autograd import Value
from autograd.data import make_moons
from autograd.nn import MLP
from autograd.optim import (
    SGD,
    Adam,
    AdamW,
    CosineAnnealingLR,
    ExponentialLR,
    LinearDecay,
    StepLR,
    clip_grad_norm,
)

GRADS = [0.5, -1.25, 2.0, 0.0, -0.75]   # a fixed gradient sequence for one parameter


def run(opt_class, grads=GRADS, theta=1.5, **kwargs):
    """Apply `opt_class` to one parameter with the given gradients; the parameter after each step."""
    p = Value(theta)
    opt = opt_class([p], **kwargs)
    trace = []
    for g in grads:
        p.grad = g
        opt.step()
        trace.append(p.data)
    return trace


# --- hand-computed steps ------------------------------------------------------


def test_sgd_plain():
    assert run(SGD, [1.0, -2.0], theta=1.0, lr=0.5) == [0.5, 1.5]


def test_sgd_momentum_dampening_weight_decay_by_hand():
    # t=1: g = 1 + 0.1*2 = 1.2; b = 1.2 (no dampening at the first step); θ = 2 - 0.5*1.2 = 1.4
    # t=2: g = -1 + 0.1*1.4 = -0.86; b = 0.9*1.2 + 0.5*(-0.86) = 0.65; θ = 1.4 - 0.5*0.65 = 1.075
    trace = run(SGD, [1.0, -1.0], theta=2.0, lr=0.5, momentum=0.9, dampening=0.5, weight_decay=0.1)
    assert trace == pytest.approx([1.4, 1.075], rel=1e-14)


def test_sgd_nesterov_by_hand():
    # t=1: b = 1; g = 1 + 0.9*1 = 1.9; θ = 0 - 0.1*1.9 = -0.19
    # t=2: b = 0.9*1 + 1 = 1.9; g = 1 + 0.9*1.9 = 2.71; θ = -0.19 - 0.271 = -0.461
    trace = run(SGD, [1.0, 1.0], theta=0.0, lr=0.1, momentum=0.9, nesterov=True)
    assert trace == pytest.approx([-0.19, -0.461], rel=1e-14)


def test_adam_by_hand():
    # t=1: m = 0.1*2 = 0.2, v = 0.001*4 = 0.004; m̂ = 2, v̂ = 4; θ = 1 - 0.1*2/(2 + 1e-8)
    # t=2: m = 0.9*0.2 + 0.1*(-1) = 0.08, v = 0.999*0.004 + 0.001*1 = 0.004996
    trace = run(Adam, [2.0, -1.0], theta=1.0, lr=0.1)
    t1 = 1 - 0.1 * 2 / (2 + 1e-8)
    m_hat, v_hat = 0.08 / (1 - 0.9 ** 2), 0.004996 / (1 - 0.999 ** 2)
    t2 = t1 - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    assert trace == pytest.approx([t1, t2], rel=1e-13)


def test_adam_weight_decay_is_l2_in_the_gradient():
    # zero gradient but weight decay: g = 0.5*θ = 1 at θ=2, so the first step is -lr*(1/(1+eps))
    assert run(Adam, [0.0], theta=2.0, lr=0.1, weight_decay=0.5) == pytest.approx([2 - 0.1 / (1 + 1e-8)])


def test_adamw_decouples_weight_decay():
    # θ ← θ(1 - lr·wd) = 2*(1 - 0.01) = 1.98, then the Adam step with g = 1: 1.98 - 0.1/(1+1e-8)
    assert run(AdamW, [1.0], theta=2.0, lr=0.1, weight_decay=0.1) == pytest.approx(
        [1.98 - 0.1 / (1 + 1e-8)], rel=1e-14)
    assert AdamW([Value(0.0)]).weight_decay == 1e-2


def test_amsgrad_uses_the_running_max_of_v():
    # a large then small gradient: with amsgrad the denominator keeps the large v
    plain = run(Adam, [10.0, 0.1], theta=0.0, lr=0.1)
    ams = run(Adam, [10.0, 0.1], theta=0.0, lr=0.1, amsgrad=True)
    assert plain[0] == ams[0]
    v_max = 0.001 * 100
    m = 0.9 * 1.0 + 0.1 * 0.1
    expected = ams[0] - 0.1 / (1 - 0.81) * m / (math.sqrt(v_max) / math.sqrt(1 - 0.999 ** 2) + 1e-8)
    assert ams[1] == pytest.approx(expected, rel=1e-13)
    assert abs(ams[1] - ams[0]) < abs(plain[1] - plain[0])


def test_zero_grad_and_mutable_lr():
    a, b = Value(1.0), Value(2.0)
    a.grad, b.grad = 3.0, 4.0
    opt = SGD([a, b], lr=0.1)
    opt.lr = 0.5
    opt.step()
    assert (a.data, b.data) == (1.0 - 1.5, 0.0)
    opt.zero_grad()
    assert (a.grad, b.grad) == (0.0, 0.0)


# --- against PyTorch --------------------------------------------------------------

TORCH_CASES = [
    (SGD, "SGD", dict(lr=0.1)),
    (SGD, "SGD", dict(lr=0.1, momentum=0.9)),
    (SGD, "SGD", dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01)),
    (SGD, "SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1)),
    (Adam, "Adam", dict(lr=0.01)),
    (Adam, "Adam", dict(lr=0.1, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05)),
    (Adam, "Adam", dict(lr=0.1, amsgrad=True)),
    (AdamW, "AdamW", dict(lr=0.01)),
    (AdamW, "AdamW", dict(lr=0.1, weight_decay=0.2, amsgrad=True)),
]


@pytest.mark.needs_torch
@pytest.mark.parametrize("ours, theirs, kwargs", TORCH_CASES)
def test_matches_torch_float64(ours, theirs, kwargs):
    torch = pytest.importorskip("torch")
    thetas = [1.5, -0.3, 0.0]
    grads = [[0.5, -1.25, 2.0], [0.0, 0.3, -0.7], [-1.0, 1.0, 4.0], [0.2, 0.0, 0.01], [3.0, -2.0, 0.5]]
    params = [Value(t) for t in thetas]
    opt = ours(params, **kwargs)
    tp = torch.tensor(thetas, dtype=torch.float64, requires_grad=True)
    topt = getattr(torch.optim, theirs)([tp], **kwargs)
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = g
        opt.step()
        tp.grad = torch.tensor(step_grads, dtype=torch.float64)
        topt.step()
        assert [p.data for p in params] == pytest.approx(tp.detach().tolist(), rel=1e-12, abs=1e-15)


@pytest.mark.needs_torch
def test_clip_grad_norm_matches_torch():
    torch = pytest.importorskip("torch")
    grads = [3.0, -4.0, 12.0]
    for max_norm in (1.0, 13.0, 12.9999999):
        params = [Value(0.0) for _ in grads]
        for p, g in zip(params, grads):
            p.grad = g
        total = clip_grad_norm(params, max_norm)
        tp = torch.zeros(3, dtype=torch.float64, requires_grad=True)
        tp.grad = torch.tensor(grads, dtype=torch.float64)
        ttotal = torch.nn.utils.clip_grad_norm_([tp], max_norm)
        assert total == pytest.approx(float(ttotal), rel=1e-15)
        assert [p.grad for p in params] == pytest.approx(tp.grad.tolist(), rel=1e-14)


@pytest.mark.needs_torch
@pytest.mark.parametrize("ours, theirs, kwargs", [
    (lambda: StepLR(0.5, step_size=3, gamma=0.5), "StepLR", dict(step_size=3, gamma=0.5)),
    (lambda: ExponentialLR(0.5, gamma=0.9), "ExponentialLR", dict(gamma=0.9)),
    (lambda: CosineAnnealingLR(0.5, T_max=7, eta_min=0.01), "CosineAnnealingLR", dict(T_max=7, eta_min=0.01)),
])
def test_schedules_match_torch(ours, theirs, kwargs):
    torch = pytest.importorskip("torch")
    topt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
    sched = getattr(torch.optim.lr_scheduler, theirs)(topt, **kwargs)
    schedule = ours()
    for epoch in range(8):   # up to T_max for the cosine
        assert schedule(epoch) == pytest.approx(topt.param_groups[0]["lr"], rel=1e-12, abs=1e-15)
        topt.step()
        sched.step()


# --- schedules ------------------------------------------------------------------


def test_linear_decay_equals_micrograd_demo_bit_for_bit():
    schedule = LinearDecay(1.0, 0.1, 100)
    assert [schedule(k) for k in range(100)] == [1.0 - 0.9 * k / 100 for k in range(100)]
    assert schedule(100) == schedule(1000) == 0.1


def test_schedule_values():
    assert [StepLR(1.0, 2, 0.1)(k) for k in range(5)] == pytest.approx([1, 1, 0.1, 0.1, 0.01])
    assert [ExponentialLR(2.0, 0.5)(k) for k in range(3)] == [2.0, 1.0, 0.5]
    cos = CosineAnnealingLR(1.0, T_max=10, eta_min=0.1)
    assert cos(0) == 1.0 and cos(5) == pytest.approx(0.55) and cos(10) == cos(20) == 0.1


def test_schedule_drives_an_optimizer():
    opt = SGD([Value(0.0)], lr=123.0)
    schedule = ExponentialLR(1.0, 0.5, optimizer=opt)
    assert opt.lr == 1.0                      # construction sets epoch 0's rate
    assert schedule.step() == 0.5 and opt.lr == 0.5
    schedule.step()
    assert opt.lr == 0.25 and schedule.epoch == 2


def test_schedule_errors():
    with pytest.raises(RuntimeError, match="no optimizer"):
        StepLR(1.0, 2).step()
    with pytest.raises(ValueError, match="epoch"):
        StepLR(1.0, 2)(-1)
    with pytest.raises(ValueError, match="steps"):
        LinearDecay(1.0, 0.1, 0)
    with pytest.raises(ValueError, match="T_max"):
        CosineAnnealingLR(1.0, T_max=0)
    with pytest.raises(ValueError, match="start"):
        ExponentialLR(float("nan"), 0.5)
    with pytest.raises(TypeError, match="optimizer"):
        StepLR(1.0, 2, optimizer="sgd")


# --- clipping -------------------------------------------------------------------


def test_clip_grad_norm_scales_only_above_max():
    a, b = Value(0.0), Value(0.0)
    a.grad, b.grad = 3.0, 4.0
    assert clip_grad_norm([a, b], 10.0) == 5.0
    assert (a.grad, b.grad) == (3.0, 4.0)
    assert clip_grad_norm([a, b], 2.5) == 5.0
    scale = 2.5 / (5.0 + 1e-6)
    assert (a.grad, b.grad) == (3.0 * scale, 4.0 * scale)


def test_clip_grad_norm_does_not_overflow():
    a, b = Value(0.0), Value(0.0)
    a.grad = b.grad = 1e200
    assert clip_grad_norm([a, b], 1.0) == pytest.approx(math.sqrt(2) * 1e200)
    assert a.grad == pytest.approx(1 / math.sqrt(2))


# --- argument checks ------------------------------------------------------------


@pytest.mark.parametrize("build, error, words", [
    (lambda: SGD([], lr=0.1), ValueError, ["SGD", "empty"]),
    (lambda: SGD(Value(1.0), lr=0.1), TypeError, ["list of Values"]),
    (lambda: SGD([Value(1.0), 2.0], lr=0.1), TypeError, ["params[1]", "float"]),
    (lambda: SGD([Value(1.0)], lr=-0.1), ValueError, ["lr", "-0.1"]),
    (lambda: SGD([Value(1.0)], lr=float("nan")), ValueError, ["lr", "nan"]),
    (lambda: SGD([Value(1.0)], lr="0.1"), TypeError, ["lr", "str"]),
    (lambda: SGD([Value(1.0)], lr=0.1, nesterov=True), ValueError, ["nesterov", "momentum"]),
    (lambda: Adam([Value(1.0)], betas=(0.9, 1.0)), ValueError, ["betas[1]", "1.0"]),
    (lambda: Adam([Value(1.0)], betas=0.9), ValueError, ["betas", "0.9"]),
    (lambda: AdamW([Value(1.0)], eps=-1), ValueError, ["AdamW", "eps"]),
    (lambda: clip_grad_norm([Value(1.0)], 0.0), ValueError, ["max_norm", "0.0"]),
    (lambda: clip_grad_norm([], 1.0), ValueError, ["clip_grad_norm", "empty"]),
])
def test_bad_arguments(build, error, words):
    with pytest.raises(error) as info:
        build()
    assert all(w in str(info.value) for w in words), str(info.value)


def test_duplicate_parameter_and_bad_lr_assignment():
    p = Value(1.0)
    with pytest.raises(ValueError, match="twice"):
        Adam([p, p])
    opt = Adam([p])
    with pytest.raises(ValueError, match="lr"):
        opt.lr = float("inf")
    p.grad = float("nan")
    with pytest.raises(ValueError, match="params\\[0\\]"):
        opt.step()


# --- state dicts ----------------------------------------------------------------


@pytest.mark.parametrize("cls, kwargs", [
    (SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    (Adam, dict(lr=0.1, amsgrad=True)),
    (AdamW, dict(lr=0.05, weight_decay=0.3)),
])
def test_state_dict_resumes_exactly(cls, kwargs):
    # Three steps straight equal two steps, save, restore into a fresh optimizer, one step.
    straight = run(cls, GRADS[:3], **kwargs)
    p = Value(1.5)
    opt = cls([p], **kwargs)
    for g in GRADS[:2]:
        p.grad = g
        opt.step()
    state = opt.state_dict()
    q = Value(p.data)
    other = cls([q], lr=0.7) if cls is SGD else cls([q])
    other.load_state_dict(state)
    assert other.state_dict() == state
    q.grad = GRADS[2]
    other.step()
    assert q.data == straight[2]


def test_load_state_dict_errors():
    opt = Adam([Value(1.0), Value(2.0)])
    with pytest.raises(ValueError, match="state_dict of Adam"):
        opt.load_state_dict(SGD([Value(1.0)], lr=0.1).state_dict())
    state = Adam([Value(1.0)]).state_dict()
    with pytest.raises(ValueError, match="1 entries for 2 parameters"):
        opt.load_state_dict(state)


# --- training sanity ------------------------------------------------------------


def test_tiny_mlp_hinge_loss_decreases_with_sgd():
    X, y = make_moons(20, noise=0.1, seed=0)
    y = y * 2 - 1
    model = MLP(2, [8, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.1, momentum=0.5)
    losses = []
    for _ in range(20):
        scores = [model(row) for row in X]
        loss = sum((1 + -yi * si).relu() for yi, si in zip(y, scores)) * (1.0 / len(y))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.data)
    assert losses[-1] < 0.6 * losses[0]
    assert min(losses[-5:]) < min(losses[:5])


def test_a_step_that_would_overflow_changes_nothing():
    w, v = Value(1.0, label="w"), Value(2.0, label="v")
    opt = SGD([v, w], lr=1e300, momentum=0.9)
    v.grad, w.grad = 1.0, 1e10
    with pytest.raises(OverflowError, match=r"SGD.step: the update of params\[1\] \(w\) gives -inf"):
        opt.step()
    assert (v.data, w.data, opt.steps, opt.state["momentum_buffer"]) == (2.0, 1.0, 0, [None, None])
    v.grad, w.grad = 1.0, 1.0
    opt.lr = 0.1
    opt.step()
    assert (v.data, w.data, opt.steps) == (1.9, 0.9, 1)


def test_adam_needs_a_positive_eps():
    with pytest.raises(ValueError, match=r"Adam: eps: expected a finite number in \(0.0, inf\), got 0.0"):
        Adam([Value(1.0)], eps=0.0)
