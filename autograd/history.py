"""`History`: what one training run measured, epoch by epoch, saved to and loaded from JSON.

Example:
    >>> from autograd.history import History
    >>> h = History(train_loss=[0.9, 0.5], val_loss=[1.0, 0.7])
    >>> h.epochs, h.series("val_loss")[-1]
    (2, 0.7)
"""

from __future__ import annotations

import numbers
import os
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .files import read_document, write_document

__all__ = ["History", "HistoryFileError"]

FORMAT_NAME = "backproplab.history"
FORMAT_VERSION = 1


class HistoryFileError(ValueError):
    """A saved history file is not JSON, truncated, of another format, or has a malformed field."""


@dataclass
class History:
    """Per-epoch record of a training run (plain data: build one by hand, compare with ==).

    Epoch numbers stored here (`stopped_epoch`, `best_epoch`) are 0-based indices
    into the per-epoch lists, as Keras's; messages in `stop_reason` count from 1.

    Attributes:
        train_loss: mean training loss of each epoch (the batches' losses, weighted
            by batch size, measured before each step; without the L2 penalty, so
            it compares with `val_loss`).
        val_loss: loss on the validation data after each epoch (empty without it).
        train_metrics, val_metrics: metric name ("accuracy", "precision", "recall",
            "f1") -> one value per epoch.
        learning_rate: the optimizer's learning rate during each epoch.
        layers: layer names, input side first ("layers.0", ...).
        activations: each layer's activation ("relu", "tanh", "sigmoid", "linear").
        grad_norm: layer -> L2 norm of the layer's parameter gradients, averaged
            over the epoch's steps.
        mean_abs_grad: layer -> mean |gradient| of the layer's parameters (averaged over steps).
        zero_grad_fraction: layer -> share of its parameters whose gradient is
            exactly 0 (averaged over steps); dead ReLUs show up here.
        update_ratio: layer -> ||parameter update|| / ||parameters|| (averaged over steps).
        saturation: layer -> share of the layer's tanh/sigmoid outputs within 0.01
            of an asymptote over the epoch's samples (0 for ReLU and linear layers).
        stopped_epoch: the epoch in which training stopped early, or None: the
            last recorded epoch when a callback stopped it; the epoch that failed
            (not recorded, so equal to `epochs`) on a non-finite value.
        stop_reason: why it stopped early, in words, or None.
        best_epoch: the epoch with the best monitored value (EarlyStopping's
            monitor, else the lowest val_loss, else the lowest train_loss).
        restored_epoch: the epoch whose weights the model holds after training,
            when a callback put them back (EarlyStopping's
            ``restore_best_weights``); None when the model ends with the last
            epoch's weights.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_metrics: dict[str, list[float]] = field(default_factory=dict)
    val_metrics: dict[str, list[float]] = field(default_factory=dict)
    learning_rate: list[float] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)
    activations: list[str] = field(default_factory=list)
    grad_norm: dict[str, list[float]] = field(default_factory=dict)
    mean_abs_grad: dict[str, list[float]] = field(default_factory=dict)
    zero_grad_fraction: dict[str, list[float]] = field(default_factory=dict)
    update_ratio: dict[str, list[float]] = field(default_factory=dict)
    saturation: dict[str, list[float]] = field(default_factory=dict)
    stopped_epoch: int | None = None
    stop_reason: str | None = None
    best_epoch: int | None = None
    restored_epoch: int | None = None

    @property
    def epochs(self) -> int:
        """Number of completed epochs."""
        return len(self.train_loss)

    def series(self, name: str) -> list[float]:
        """The per-epoch values of a quantity by its Keras-style name.

        "loss" (or "train_loss"), "val_loss", "learning_rate", a metric name
        ("accuracy" or "train_accuracy" for training, "val_accuracy" for validation).

        Example:
            >>> History(train_metrics={"accuracy": [0.5, 0.75]}).series("accuracy")
            [0.5, 0.75]
        """
        if name in ("loss", "train_loss"):
            return self.train_loss
        if name in ("val_loss", "learning_rate"):
            return getattr(self, name)
        if name.startswith("val_") and name[4:] in self.val_metrics:
            return self.val_metrics[name[4:]]
        metric = name[6:] if name.startswith("train_") else name
        if metric in self.train_metrics:
            return self.train_metrics[metric]
        available = ["loss", "val_loss", "learning_rate", *self.train_metrics,
                     *(f"val_{m}" for m in self.val_metrics)]
        raise KeyError(f"History.series: no quantity named {name!r}; available: {available}")

    def to_dict(self) -> dict[str, Any]:
        """All fields as plain JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> History:
        """Rebuild a History from `to_dict` output, checking every field's type."""
        if not isinstance(data, dict):
            raise HistoryFileError(f"History.from_dict: expected a dict, got {type(data).__name__}")
        names = [f.name for f in fields(cls)]
        # restored_epoch came later: files written before it load with None.
        data = {"restored_epoch": None, **data}
        missing = [n for n in names if n not in data]
        unknown = [k for k in data if k not in names]
        if missing or unknown:
            raise HistoryFileError(f"History.from_dict: missing fields {missing}, unknown fields {unknown}")
        out: dict[str, Any] = {}
        for name in names:
            value = data[name]
            if name in ("stopped_epoch", "best_epoch", "restored_epoch"):
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise HistoryFileError(f"History.from_dict: {name} must be an int or null, got {value!r:.60}")
                out[name] = value
            elif name == "stop_reason":
                if value is not None and not isinstance(value, str):
                    raise HistoryFileError(f"History.from_dict: stop_reason must be a string or null, "
                                           f"got {value!r:.60}")
                out[name] = value
            elif name in ("layers", "activations"):
                if not (isinstance(value, list) and all(isinstance(s, str) for s in value)):
                    raise HistoryFileError(f"History.from_dict: {name} must be a list of strings, got {value!r:.60}")
                out[name] = list(value)
            elif name in ("train_loss", "val_loss", "learning_rate"):
                out[name] = _numbers(value, name)
            else:
                if not isinstance(value, dict):
                    raise HistoryFileError(f"History.from_dict: {name} must be a dict, got {value!r:.60}")
                out[name] = {str(k): _numbers(v, f"{name}[{k!r}]") for k, v in value.items()}
        return cls(**out)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the history to a JSON file, atomically (a crash leaves the old file intact).

        Floats are written with ``repr``: loading gives back the same bits (NaN
        and Infinity, from a diverged run, are written as Python's json does).

        Example:
            >>> import os, tempfile
            >>> h = History(train_loss=[0.5], layers=["layers.0"], grad_norm={"layers.0": [0.1]})
            >>> with tempfile.TemporaryDirectory() as folder:
            ...     h.save(os.path.join(folder, "history.json"))
            ...     History.load(os.path.join(folder, "history.json")) == h
            True
        """
        write_document(path, FORMAT_NAME, FORMAT_VERSION, {"history": self.to_dict()})

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> History:
        """Read a history written by `History.save`.

        Raises:
            FileNotFoundError: no such file.
            HistoryFileError: (a ValueError) not JSON, truncated, another format
                or version, or a field of the wrong type.
        """
        document = read_document(path, FORMAT_NAME, FORMAT_VERSION, HistoryFileError, "History.load",
                                 "history")
        try:
            return cls.from_dict(document.get("history"))
        except HistoryFileError as error:
            raise HistoryFileError(f"History.load: {path}: {error}") from None


def _numbers(value: Any, name: str) -> list[float]:
    if not isinstance(value, list):
        raise HistoryFileError(f"History.from_dict: {name} must be a list of numbers, got {value!r:.60}")
    for i, v in enumerate(value):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise HistoryFileError(f"History.from_dict: {name}[{i}] must be a number, got {v!r:.60}")
    return [float(v) for v in value]

