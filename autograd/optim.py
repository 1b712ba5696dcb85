"""Optimizers (SGD, Adam, AdamW) with PyTorch's update rules, learning-rate schedules and gradient clipping.

Example:
    >>> from autograd import Value
    >>> from autograd.optim import SGD
    >>> w = Value(2.0)
    >>> opt = SGD([w], lr=0.1)
    >>> for _ in range(3):
    ...     opt.zero_grad()
    ...     (w * w).backward()     # d(w**2)/dw = 2w
    ...     opt.step()             # w <- w - 0.1 * 2w = 0.8 w
    >>> round(w.data, 6)
    1.024
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Iterable, Sequence

from .checks import real_number
from .engine import Value

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "ExponentialLR",
    "LinearDecay",
    "Optimizer",
    "Schedule",
    "StepLR",
    "clip_grad_norm",
]


def _parameter_list(params: Iterable[Value], where: str) -> list[Value]:
    if isinstance(params, Value):
        raise TypeError(f"{where}: params must be a list of Values (e.g. model.parameters()), got one Value")
    try:
        params = list(params)
    except TypeError:
        raise TypeError(f"{where}: params must be an iterable of Values, got {type(params).__name__}") from None
    if not params:
        raise ValueError(f"{where}: got an empty parameter list")
    seen: set[int] = set()
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"{where}: params[{i}] must be a Value, got {type(p).__name__}")
        if id(p) in seen:
            raise ValueError(f"{where}: params[{i}] ({p.label or 'unlabelled'}) appears twice")
        seen.add(id(p))
    return params


class Optimizer:
    """Base class: holds the parameters, a learning rate `lr` and per-parameter state.

    Subclasses define ``_update(i, p, g)`` (one parameter's step given its
    gradient) and list their hyperparameters in ``_hyper``.
    """

    _hyper: tuple[str, ...] = ()

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params = _parameter_list(params, type(self).__name__)
        self.lr = lr
        self.steps = 0      # number of completed steps (Adam's t)
        self.state: dict[str, list[float | None]] = {}

    @property
    def lr(self) -> float:
        """The learning rate; schedules and training loops may set it between steps."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = real_number(value, f"{type(self).__name__}: lr", low=0.0)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its ``.grad``."""
        where = f"{type(self).__name__}.step"
        for i, p in enumerate(self.params):
            if not math.isfinite(p.grad):
                raise ValueError(f"{where}: the gradient of params[{i}] ({p.label or 'unlabelled'}) is {p.grad!r}")
        # All or nothing: compute every update (and the buffers) first, and
        # commit only if every new weight is finite.
        saved_state = {k: list(v) for k, v in self.state.items()}
        self.steps += 1  # Adam's bias correction reads the step number
        updated = [self._update(i, p.data, p.grad) for i, p in enumerate(self.params)]
        for i, (p, new) in enumerate(zip(self.params, updated)):
            if not math.isfinite(new):
                self.state, self.steps = saved_state, self.steps - 1
                raise OverflowError(
                    f"{where}: the update of params[{i}] ({p.label or 'unlabelled'}) gives {new!r} "
                    f"(weight {p.data!r}, gradient {p.grad!r}, lr {self.lr!r}); lower the learning rate"
                )
        for p, new in zip(self.params, updated):
            p.data = new

    def _update(self, i: int, theta: float, g: float) -> float:
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        """Hyperparameters, step count and per-parameter buffers, as plain JSON-ready data.

        Example:
            >>> opt = SGD([Value(1.0)], lr=0.5, momentum=0.9)
            >>> opt.state_dict()["hyperparameters"]["momentum"], opt.state_dict()["steps"]
            (0.9, 0)
        """
        return {
            "optimizer": type(self).__name__,
            "hyperparameters": {"lr": self.lr, **{k: getattr(self, k) for k in self._hyper}},
            "steps": self.steps,
            "state": {k: list(v) for k, v in self.state.items()},
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a `state_dict` taken from the same kind of optimizer on as many parameters."""
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, dict) or state.get("optimizer") != type(self).__name__:
            found = state.get("optimizer") if isinstance(state, dict) else type(state).__name__
            raise ValueError(f"{where}: expected a state_dict of {type(self).__name__}, got {found!r}")
        try:
            hyper, steps, buffers = state["hyperparameters"], state["steps"], state["state"]
            # The constructor checks the hyperparameters and shows which buffers to expect.
            fresh = type(self)([Value(0.0)], **hyper)
        except KeyError as error:
            raise ValueError(f"{where}: missing entry {error}") from None
        except TypeError as error:
            raise ValueError(f"{where}: bad hyperparameters {hyper!r}: {error}") from None
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
            raise ValueError(f"{where}: steps must be a non-negative int, got {steps!r}")
        if not isinstance(buffers, dict) or set(buffers) != set(fresh.state):
            raise ValueError(f"{where}: expected buffers {sorted(fresh.state)}, "
                             f"got {sorted(buffers) if isinstance(buffers, dict) else buffers!r}")
        restored: dict[str, list[float | None]] = {}
        for key, values in buffers.items():
            if len(values) != len(self.params):
                raise ValueError(f"{where}: buffer {key!r} has {len(values)} entries for "
                                 f"{len(self.params)} parameters")
            restored[key] = [None if v is None else real_number(v, f"{where}: {key}")
                             for v in values]
        for k in ("lr", *self._hyper):
            setattr(self, k, getattr(fresh, k))
        self.steps, self.state = steps, restored


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, dampening, weight decay and Nesterov, as ``torch.optim.SGD``.

    For each parameter θ with gradient g, at step t:
    g ← g + weight_decay·θ; with momentum μ: b ← g at t = 1, else b ← μ·b + (1 − dampening)·g,
    then g ← g + μ·b (Nesterov) or g ← b; finally θ ← θ − lr·g.

    Example:
        >>> w = Value(1.0)
        >>> opt = SGD([w], lr=0.1, momentum=0.9)
        >>> w.grad = 1.0; opt.step(); w.data      # b = 1
        0.9
        >>> opt.step(); round(w.data, 10)         # b = 0.9*1 + 1 = 1.9
        0.71
    """

    _hyper = ("momentum", "dampening", "weight_decay", "nesterov")

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False) -> None:
        super().__init__(params, lr)
        self.momentum = real_number(momentum, "SGD: momentum", low=0.0)
        self.dampening = real_number(dampening, "SGD: dampening", low=0.0)
        self.weight_decay = real_number(weight_decay, "SGD: weight_decay", low=0.0)
        if not isinstance(nesterov, bool):
            raise TypeError(f"SGD: nesterov must be True or False, got {nesterov!r}")
        if nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(f"SGD: nesterov needs momentum > 0 and dampening 0, "
                             f"got momentum={self.momentum!r}, dampening={self.dampening!r}")
        self.nesterov = nesterov
        if self.momentum:
            self.state["momentum_buffer"] = [None] * len(self.params)

    def _update(self, i: int, theta: float, g: float) -> float:
        if self.weight_decay:
            g = g + self.weight_decay * theta
        if self.momentum:
            buf = self.state["momentum_buffer"]
            b = g if buf[i] is None else self.momentum * buf[i] + (1 - self.dampening) * g
            buf[i] = b
            g = g + self.momentum * b if self.nesterov else b
        return theta - self.lr * g


class Adam(Optimizer):
    """Adam (Kingma & Ba), optionally AMSGrad, as ``torch.optim.Adam``; weight decay is an L2 term in g.

    At step t: m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², then
    θ ← θ − lr/(1 − β1^t) · m / (sqrt(v)/sqrt(1 − β2^t) + eps); AMSGrad uses the
    running maximum of v instead of v.

    Example:
        >>> w = Value(1.0)
        >>> opt = Adam([w], lr=0.1)
        >>> w.grad = 3.0; opt.step()    # the first step moves by about lr, whatever g
        >>> round(w.data, 6)
        0.9
    """

    _hyper = ("betas", "eps", "weight_decay", "amsgrad")

    def __init__(self, params: Iterable[Value], lr: float = 1e-3, betas: Sequence[float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        super().__init__(params, lr)
        name = type(self).__name__
        if isinstance(betas, (str, bytes)) or not isinstance(betas, Sequence) or len(betas) != 2:
            raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = tuple(real_number(b, f"{name}: betas[{k}]", low=0.0, high=1.0, high_open=True)
                           for k, b in enumerate(betas))
        # eps > 0: it keeps the update finite when a gradient (and so v) is exactly 0.
        self.eps = real_number(eps, f"{name}: eps", low=0.0, low_open=True)
        self.weight_decay = real_number(weight_decay, f"{name}: weight_decay", low=0.0)
        if not isinstance(amsgrad, bool):
            raise TypeError(f"{name}: amsgrad must be True or False, got {amsgrad!r}")
        self.amsgrad = amsgrad
        n = len(self.params)
        self.state["exp_avg"] = [0.0] * n
        self.state["exp_avg_sq"] = [0.0] * n
        if amsgrad:
            self.state["max_exp_avg_sq"] = [0.0] * n

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state["hyperparameters"]["betas"] = list(self.betas)
        return state

    def _decay(self, theta: float, g: float) -> tuple[float, float]:
        # Adam's weight decay is L2 regularisation: it goes into the gradient.
        return theta, (g + self.weight_decay * theta if self.weight_decay else g)

    def _update(self, i: int, theta: float, g: float) -> float:
        theta, g = self._decay(theta, g)
        beta1, beta2 = self.betas
        m = self.state["exp_avg"][i] = beta1 * self.state["exp_avg"][i] + (1 - beta1) * g
        v = self.state["exp_avg_sq"][i] = beta2 * self.state["exp_avg_sq"][i] + (1 - beta2) * g * g
        if self.amsgrad:
            v = self.state["max_exp_avg_sq"][i] = max(self.state["max_exp_avg_sq"][i], v)
        t = self.steps
        step_size = self.lr / (1 - beta1 ** t)
        denom = math.sqrt(v) / math.sqrt(1 - beta2 ** t) + self.eps
        return theta - step_size * m / denom


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), as ``torch.optim.AdamW``.

    Before the Adam step, θ ← θ − lr·weight_decay·θ; the gradient is left alone.

    Example:
        >>> w = Value(1.0)
        >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
        >>> w.grad = 0.0; opt.step()    # zero gradient: only the decay acts
        >>> w.data
        0.95
    """

    def __init__(self, params: Iterable[Value], lr: float = 1e-3, betas: Sequence[float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)

    def _decay(self, theta: float, g: float) -> tuple[float, float]:
        return theta * (1 - self.lr * self.weight_decay), g


# --- learning-rate schedules --------------------------------------------------


class Schedule:
    """A learning rate as a function of the epoch: ``schedule(epoch) -> lr``.

    Pure and stateless when called. Given an optimizer, a schedule also drives
    it the PyTorch way: construction sets ``optimizer.lr = schedule(0)`` and
    each ``step()`` (once per epoch) moves to the next epoch and sets its lr.
    Subclasses define ``lr_at(epoch)``.
    """

    def __init__(self, optimizer: Optimizer | None = None) -> None:
        if optimizer is not None and not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: optimizer must be an Optimizer, "
                            f"got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.epoch = 0
        if optimizer is not None:
            optimizer.lr = self(0)

    def __call__(self, epoch: int) -> float:
        if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral) or epoch < 0:
            raise ValueError(f"{type(self).__name__}: epoch must be a non-negative int, got {epoch!r}")
        return self.lr_at(int(epoch))

    def lr_at(self, epoch: int) -> float:
        raise NotImplementedError

    def step(self) -> float:
        """Advance one epoch, set the optimizer's lr, and return it."""
        if self.optimizer is None:
            raise RuntimeError(f"{type(self).__name__}.step: no optimizer was given; "
                               f"call the schedule as schedule(epoch) instead")
        self.epoch += 1
        self.optimizer.lr = self(self.epoch)
        return self.optimizer.lr


class LinearDecay(Schedule):
    """From `start` down (or up) to `end` in a straight line over `steps` epochs, then `end`.

    micrograd's demo uses ``1.0 - 0.9*k/100``: ``LinearDecay(1.0, 0.1, 100)``,
    equal to it bit for bit.

    Example:
        >>> s = LinearDecay(1.0, 0.1, 100)
        >>> s(0), s(50), s(100), s(500)
        (1.0, 0.55, 0.1, 0.1)
    """

    def __init__(self, start: float, end: float, steps: int, *, optimizer: Optimizer | None = None) -> None:
        self.start = real_number(start, "LinearDecay: start", low=0.0)
        self.end = real_number(end, "LinearDecay: end", low=0.0)
        if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
            raise ValueError(f"LinearDecay: steps must be a positive int, got {steps!r}")
        self.steps = int(steps)
        super().__init__(optimizer)

    def lr_at(self, epoch: int) -> float:
        if epoch >= self.steps:
            return self.end
        return self.start - (self.start - self.end) * epoch / self.steps


class StepLR(Schedule):
    """`start` multiplied by `gamma` every `step_size` epochs, as ``torch.optim.lr_scheduler.StepLR``.

    Example:
        >>> s = StepLR(1.0, step_size=2, gamma=0.5)
        >>> [s(k) for k in range(5)]
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, start: float, step_size: int, gamma: float = 0.1, *,
                 optimizer: Optimizer | None = None) -> None:
        self.start = real_number(start, "StepLR: start", low=0.0)
        if isinstance(step_size, bool) or not isinstance(step_size, numbers.Integral) or step_size < 1:
            raise ValueError(f"StepLR: step_size must be a positive int, got {step_size!r}")
        self.step_size = int(step_size)
        self.gamma = real_number(gamma, "StepLR: gamma", low=0.0)
        super().__init__(optimizer)

    def lr_at(self, epoch: int) -> float:
        return self.start * self.gamma ** (epoch // self.step_size)


class ExponentialLR(Schedule):
    """``start * gamma**epoch``, as ``torch.optim.lr_scheduler.ExponentialLR``.

    Example:
        >>> s = ExponentialLR(1.0, gamma=0.5)
        >>> [s(k) for k in range(4)]
        [1.0, 0.5, 0.25, 0.125]
    """

    def __init__(self, start: float, gamma: float, *, optimizer: Optimizer | None = None) -> None:
        self.start = real_number(start, "ExponentialLR: start", low=0.0)
        self.gamma = real_number(gamma, "ExponentialLR: gamma", low=0.0)
        super().__init__(optimizer)

    def lr_at(self, epoch: int) -> float:
        return self.start * self.gamma ** epoch


class CosineAnnealingLR(Schedule):
    """Half a cosine from `start` to `eta_min` over `T_max` epochs, then `eta_min`.

    Up to `T_max` this is PyTorch's closed form
    ``eta_min + (start - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``; PyTorch
    keeps following the cosine after `T_max` (the rate rises again), this stays at `eta_min`.

    Example:
        >>> s = CosineAnnealingLR(1.0, T_max=4)
        >>> [round(s(k), 4) for k in range(6)]
        [1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
    """

    def __init__(self, start: float, T_max: int, eta_min: float = 0.0, *,
                 optimizer: Optimizer | None = None) -> None:
        self.start = real_number(start, "CosineAnnealingLR: start", low=0.0)
        if isinstance(T_max, bool) or not isinstance(T_max, numbers.Integral) or T_max < 1:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive int, got {T_max!r}")
        self.T_max = int(T_max)
        self.eta_min = real_number(eta_min, "CosineAnnealingLR: eta_min", low=0.0)
        super().__init__(optimizer)

    def lr_at(self, epoch: int) -> float:
        if epoch >= self.T_max:
            return self.eta_min
        return self.eta_min + (self.start - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2


# --- gradient clipping --------------------------------------------------------


def clip_grad_norm(params: Iterable[Value], max_norm: float) -> float:
    """Scale the gradients down so their Euclidean norm is at most `max_norm`, as PyTorch's ``clip_grad_norm_``.

    With ``total`` the norm of all gradients together, every gradient is multiplied
    by ``max_norm / (total + 1e-6)`` when that factor is below 1; otherwise nothing changes.

    Returns:
        The total norm before clipping.

    Example:
        >>> a, b = Value(0.0), Value(0.0)
        >>> a.grad, b.grad = 3.0, 4.0
        >>> clip_grad_norm([a, b], max_norm=1.0)
        5.0
        >>> round(a.grad, 6), round(b.grad, 6)
        (0.6, 0.8)
    """
    params = _parameter_list(params, "clip_grad_norm")
    max_norm = real_number(max_norm, "clip_grad_norm: max_norm", low=0.0, low_open=True)
    # hypot does not overflow on the way, where sqrt(sum of squares) could.
    total = math.hypot(*(p.grad for p in params))
    if not math.isfinite(total):
        raise ValueError(f"clip_grad_norm: the gradients' norm is {total!r}; a gradient is not finite")
    scale = max_norm / (total + 1e-6)
    if scale < 1.0:
        for p in params:
            p.grad = p.grad * scale
    return total
