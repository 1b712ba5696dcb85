"""Callbacks run by `autograd.train.fit` between epochs: the base class and `EarlyStopping`.

Example:
    >>> from autograd.callbacks import EarlyStopping
    >>> from autograd.history import History
    >>> stop, h = EarlyStopping(monitor="loss", patience=2), History()
    >>> stop.on_train_begin(h, model=None)
    >>> for epoch, loss in enumerate([1.0, 0.8, 0.9, 0.85]):
    ...     h.train_loss.append(loss)
    ...     if stop.on_epoch_end(epoch, h, model=None):
    ...         break
    >>> epoch, stop.best_epoch        # no improvement at epochs 2 and 3: stop at 3
    (3, 1)
"""

from __future__ import annotations

import math
from typing import Any

from .checks import real_number, whole_number
from .history import History

__all__ = ["Callback", "EarlyStopping"]

# Metrics where larger is better, for mode="auto".
_MAXIMIZED = ("accuracy", "precision", "recall", "f1")  # the metrics fit records


class Callback:
    """Base class for training callbacks: override the hooks you need.

    `fit` calls ``on_train_begin`` once, ``on_epoch_end`` after every completed
    epoch (after the History has that epoch's values), and ``on_train_end`` once,
    also after an early stop. Returning True from ``on_epoch_end`` stops training;
    set ``stop_reason`` to say why (it goes into ``History.stop_reason``). A plain
    function ``fn(epoch, history, model) -> bool | None`` works as a callback too.
    """

    stop_reason: str | None = None

    def on_train_begin(self, history: History, model: Any) -> None:
        """Called before the first epoch."""

    def on_epoch_end(self, epoch: int, history: History, model: Any) -> bool | None:
        """Called after each epoch (0-based); return True to stop training."""
        return None

    def on_train_end(self, history: History, model: Any) -> None:
        """Called once after the last epoch (or the early stop)."""


class EarlyStopping(Callback):
    """Stop when a monitored quantity stops improving, with Keras's arguments and semantics.

    Args:
        monitor: "val_loss", "loss", "val_accuracy", "accuracy", ... (see `History.series`).
        min_delta: an improvement must beat the best value by more than this.
        patience: epochs without improvement before stopping (0: stop at the first).
        mode: "min", "max", or "auto" (min for losses, max for accuracy-like
            metrics; other names need an explicit mode).
        baseline: the waiting count only resets on epochs that also beat this.
        restore_best_weights: at the end of training, put back the parameters of
            the best epoch (exactly; the epoch the counting started from if none
            improved).
        start_from_epoch: epochs before this one are ignored (a warm-up).

    A NaN value is never an improvement. Unlike Keras, which warns, a monitor
    that the History does not have raises KeyError.

    Example:
        >>> stop = EarlyStopping(monitor="val_accuracy", min_delta=0.01)
        >>> stop.mode_used
        'max'
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0.0,
        patience: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        if not isinstance(monitor, str) or not monitor:
            raise TypeError(f"EarlyStopping: monitor must be a quantity's name such as 'val_loss', got {monitor!r}")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping: unknown mode {mode!r}; choose 'auto', 'min' or 'max'")
        self.monitor = monitor
        self.min_delta = abs(real_number(min_delta, "EarlyStopping: min_delta"))
        self.patience = whole_number(patience, "EarlyStopping: patience")
        self.mode = mode
        self.baseline = None if baseline is None else real_number(baseline, "EarlyStopping: baseline")
        self.restore_best_weights = bool(restore_best_weights)
        self.start_from_epoch = whole_number(start_from_epoch, "EarlyStopping: start_from_epoch")
        self.mode_used = mode if mode != "auto" else _auto_mode(monitor)
        self.on_train_begin(History(), None)

    def on_train_begin(self, history: History, model: Any) -> None:
        # Reset everything, so one instance can serve several runs.
        self.wait = 0
        self.best = math.inf if self.mode_used == "min" else -math.inf
        self.best_epoch: int | None = None
        self.best_weights: list[float] | None = None
        self.stopped_epoch: int | None = None
        self.stop_reason = None

    def _is_improvement(self, value: float, reference: float) -> bool:
        if math.isnan(value):  # NaN compares False anyway; said out loud here
            return False
        if self.mode_used == "min":
            return value + self.min_delta < reference
        return value - self.min_delta > reference

    def on_epoch_end(self, epoch: int, history: History, model: Any) -> bool | None:
        values = history.series(self.monitor)
        if not values:
            raise KeyError(f"EarlyStopping: {self.monitor!r} has no value at epoch {epoch + 1} "
                           f"(monitoring a validation quantity needs validation_data)")
        current = values[-1]
        if epoch < self.start_from_epoch:
            return None
        if self.restore_best_weights and self.best_weights is None:
            # Nothing better seen yet: these weights are the best so far.
            self.best_weights = _weights(model)
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = _weights(model)
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return None
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            best = "no epoch improved" if self.best_epoch is None else \
                f"best {self.best!r} at epoch {self.best_epoch + 1}"
            self.stop_reason = (
                f"early stopping at epoch {epoch + 1}: {self.monitor} did not improve by more than "
                f"min_delta={self.min_delta} for {self.wait} epoch(s) (patience={self.patience}; {best})"
            )
            return True
        return None

    def on_train_end(self, history: History, model: Any) -> None:
        if self.best_epoch is not None:
            history.best_epoch = self.best_epoch
        if self.restore_best_weights and self.best_weights is not None:
            for p, w in zip(model.parameters(), self.best_weights):
                p.data = w
            history.restored_epoch = self.best_epoch


def _weights(model: Any) -> list[float]:
    return [p.data for p in model.parameters()]


def _auto_mode(monitor: str) -> str:
    name = monitor.removeprefix("val_").removeprefix("train_")
    if name.endswith("loss"):
        return "min"
    if name in _MAXIMIZED:
        return "max"
    raise ValueError(f"EarlyStopping: cannot tell whether {monitor!r} should go up or down; "
                     f"pass mode='min' or mode='max'")
