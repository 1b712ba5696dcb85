"""Tests of autograd.callbacks: EarlyStopping's Keras semantics, driven by hand-made loss sequences."""

import math

import pytest

from autograd import Value
from autograd.callbacks import Callback, EarlyStopping
from autograd.history import History


class FakeModel:
    """One parameter per 'weight'; the test sets it to the epoch number each epoch."""

    def __init__(self):
        self.params = [Value(0.0), Value(0.0)]

    def parameters(self):
        return self.params


def drive(callback, values, monitor="val_loss", model=None):
    """Feed `values` epoch by epoch; return (the epoch it stopped at or None, history, model)."""
    model = model or FakeModel()
    history = History()
    callback.on_train_begin(history, model)
    stopped = None
    for epoch, v in enumerate(values):
        model.params[0].data, model.params[1].data = float(epoch), -float(epoch)
        if monitor == "val_loss":
            history.val_loss.append(v)
        else:
            history.val_metrics.setdefault(monitor[4:], []).append(v)
        if callback.on_epoch_end(epoch, history, model):
            stopped = epoch
            break
    callback.on_train_end(history, model)
    return stopped, history, model


def test_patience_counts_epochs_without_improvement():
    stop = EarlyStopping(patience=2)
    stopped, history, _ = drive(stop, [1.0, 0.9, 0.95, 0.97, 0.8])
    assert stopped == 3 and stop.stopped_epoch == 3
    assert history.best_epoch == 1 and stop.best == 0.9
    assert "epoch 4" in stop.stop_reason and "val_loss" in stop.stop_reason


def test_patience_zero_stops_at_the_first_non_improvement_but_never_at_epoch_0():
    assert drive(EarlyStopping(patience=0), [1.0, 1.0])[0] == 1
    assert drive(EarlyStopping(patience=0), [1.0, 0.5, 0.4, 0.3])[0] is None


def test_min_delta_demands_a_large_enough_change():
    # 0.95 is lower, but not by more than 0.1: no improvement.
    assert drive(EarlyStopping(patience=1, min_delta=0.1), [1.0, 0.95, 0.5])[0] == 1
    assert drive(EarlyStopping(patience=1, min_delta=0.01), [1.0, 0.95, 0.5])[0] is None
    # Negative min_delta is read as its absolute value, as Keras does.
    assert EarlyStopping(min_delta=-0.1).min_delta == 0.1


def test_nan_is_never_an_improvement():
    stop = EarlyStopping(patience=0)
    stopped, history, _ = drive(stop, [1.0, math.nan])
    assert stopped == 1 and stop.best == 1.0 and history.best_epoch == 0
    stop = EarlyStopping(patience=1)
    stopped, history, _ = drive(stop, [math.nan, math.nan, 2.0])
    assert stopped == 1 and stop.best_epoch is None   # even the first NaN is not "best"


def test_restore_best_weights_restores_the_exact_best_epoch():
    stop = EarlyStopping(patience=2, restore_best_weights=True)
    stopped, _, model = drive(stop, [1.0, 0.3, 0.5, 0.6, 0.1])
    assert stopped == 3
    assert [p.data for p in model.params] == [1.0, -1.0]    # the weights of epoch 1


def test_restore_best_weights_also_when_training_runs_to_the_end():
    stop = EarlyStopping(patience=5, restore_best_weights=True)
    stopped, _, model = drive(stop, [1.0, 0.2, 0.5])
    assert stopped is None and [p.data for p in model.params] == [1.0, -1.0]


def test_without_restore_the_last_weights_stay():
    _, _, model = drive(EarlyStopping(patience=1), [1.0, 0.3, 0.5])
    assert [p.data for p in model.params] == [2.0, -2.0]


def test_max_mode_is_chosen_for_accuracy():
    stop = EarlyStopping(monitor="val_accuracy", patience=1)
    assert stop.mode_used == "max"
    stopped, history, _ = drive(stop, [0.5, 0.8, 0.7, 0.9], monitor="val_accuracy")
    assert stopped == 2 and history.best_epoch == 1


def test_explicit_mode_overrides_auto():
    stop = EarlyStopping(monitor="val_loss", mode="max", patience=0)
    assert drive(stop, [1.0, 2.0, 1.5])[0] == 2


def test_baseline_must_be_beaten_to_reset_patience():
    # Improving on the best but not on the baseline 0.5 does not reset the wait,
    # so the first epoch without improvement already exceeds the patience.
    values = [0.9, 0.8, 0.85]
    assert drive(EarlyStopping(patience=2), values)[0] is None
    stop = EarlyStopping(patience=2, baseline=0.5, restore_best_weights=True)
    stopped, history, model = drive(stop, values)
    assert stopped == 2 and history.best_epoch == 1
    assert [p.data for p in model.params] == [1.0, -1.0]


def test_start_from_epoch_ignores_the_warm_up():
    stop = EarlyStopping(patience=0, start_from_epoch=2)
    assert drive(stop, [1.0, 2.0, 3.0, 3.5])[0] == 3


def test_an_instance_can_be_reused():
    stop = EarlyStopping(patience=0)
    drive(stop, [1.0, 2.0])
    assert drive(stop, [5.0, 4.0, 3.0])[0] is None


def test_missing_monitor_is_an_error():
    stop = EarlyStopping(monitor="val_loss")
    history = History(train_loss=[1.0])
    stop.on_train_begin(history, FakeModel())
    with pytest.raises(KeyError, match="val_loss"):
        stop.on_epoch_end(0, history, FakeModel())
    with pytest.raises(KeyError, match="no quantity named 'val_auc'"):
        EarlyStopping(monitor="val_auc", mode="max").on_epoch_end(0, history, FakeModel())


@pytest.mark.parametrize("kwargs, error, message", [
    ({"mode": "minimum"}, ValueError, "unknown mode 'minimum'"),
    ({"patience": -1}, ValueError, "EarlyStopping: patience: expected an int >= 0, got -1"),
    ({"patience": 1.5}, TypeError, "EarlyStopping: patience: expected an int, got float 1.5"),
    ({"start_from_epoch": -2}, ValueError, "EarlyStopping: start_from_epoch: expected an int >= 0, got -2"),
    ({"min_delta": math.nan}, ValueError, "EarlyStopping: min_delta: expected a finite number"),
    ({"baseline": "low"}, TypeError, "EarlyStopping: baseline: expected a number, got str 'low'"),
    ({"monitor": "val_margin"}, ValueError, "cannot tell whether 'val_margin' should go up or down"),
])
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        EarlyStopping(**kwargs)


def test_base_callback_does_nothing():
    cb = Callback()
    assert cb.on_epoch_end(0, History(), None) is None and cb.stop_reason is None


def test_restoring_the_best_weights_is_recorded_in_the_history():
    stop = EarlyStopping(patience=2, restore_best_weights=True)
    _, history, model = drive(stop, [1.0, 0.5, 0.7, 0.8, 0.9])
    assert history.restored_epoch == 1 and history.best_epoch == 1
    assert [p.data for p in model.parameters()] == [1.0, -1.0]
    _, history, _ = drive(EarlyStopping(patience=2), [1.0, 0.5, 0.7, 0.8, 0.9])
    assert history.restored_epoch is None and history.best_epoch == 1
