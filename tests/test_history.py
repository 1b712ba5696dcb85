"""Tests of autograd.history: the History record, its JSON round trip and its errors."""

import json
import math
import os

import pytest

from autograd.history import History, HistoryFileError


def full_history():
    return History(
        train_loss=[0.7, 0.1 + 0.2], val_loss=[0.8, 0.5],
        train_metrics={"accuracy": [0.5, 0.75]}, val_metrics={"accuracy": [0.5, 1.0]},
        learning_rate=[1.0, 0.991], layers=["layers.0", "layers.1"], activations=["tanh", "linear"],
        grad_norm={"layers.0": [1e-300, 2.5], "layers.1": [0.1, 0.2]},
        mean_abs_grad={"layers.0": [0.1, 0.2], "layers.1": [0.3, 0.4]},
        zero_grad_fraction={"layers.0": [0.0, 0.5], "layers.1": [0.0, 0.0]},
        update_ratio={"layers.0": [1e-3, 2e-3], "layers.1": [1e-3, 1e-4]},
        saturation={"layers.0": [0.25, 0.5], "layers.1": [0.0, 0.0]},
        stopped_epoch=1, stop_reason="early stopping at epoch 2", best_epoch=1,
    )


def test_round_trip_is_exact(tmp_path):
    h = full_history()
    path = tmp_path / "h.json"
    h.save(path)
    loaded = History.load(path)
    assert loaded == h
    assert loaded.train_loss[1] == 0.1 + 0.2       # bit for bit, not 0.3
    assert os.listdir(tmp_path) == ["h.json"]     # no temp file left behind


def test_non_finite_values_survive_the_round_trip(tmp_path):
    h = History(train_loss=[math.inf], update_ratio={"layers.0": [math.inf]})
    h.save(tmp_path / "h.json")
    assert History.load(tmp_path / "h.json").train_loss == [math.inf]


def test_save_replaces_atomically_and_keeps_the_old_file_on_failure(tmp_path):
    path = tmp_path / "h.json"
    full_history().save(path)
    before = path.read_bytes()
    broken = History(train_loss=[object()])       # not JSON-serialisable
    with pytest.raises(TypeError):
        broken.save(path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["h.json"]


def test_epochs_and_series():
    h = full_history()
    assert h.epochs == 2
    assert h.series("loss") is h.train_loss and h.series("train_loss") is h.train_loss
    assert h.series("val_accuracy") == [0.5, 1.0] and h.series("train_accuracy") == [0.5, 0.75]
    assert h.series("learning_rate") == [1.0, 0.991]
    with pytest.raises(KeyError, match="no quantity named 'val_f1'"):
        h.series("val_f1")


def test_a_default_history_is_empty():
    h = History()
    assert h.epochs == 0 and h.val_loss == [] and h.grad_norm == {} and h.best_epoch is None


def _write(tmp_path, document):
    path = tmp_path / "h.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def _document(**changes):
    body = full_history().to_dict()
    body.update(changes)
    return {"format": "backproplab.history", "version": 1, "history": body}


@pytest.mark.parametrize("document, message", [
    ('{"format": "backproplab.hist', "not valid JSON"),
    ("[1, 2]", "not a backproplab history file"),
    ({"format": "backproplab.mlp", "version": 1}, "format 'backproplab.mlp'"),
    ({"format": "backproplab.history", "version": 7, "history": {}}, "unsupported version 7"),
    (_document(train_loss="0.5"), "train_loss must be a list of numbers"),
    (_document(train_loss=[0.5, "x"]), r"train_loss\[1\] must be a number"),
    (_document(grad_norm={"layers.0": [True]}), r"grad_norm\['layers.0'\]\[0\] must be a number"),
    (_document(layers=[0]), "layers must be a list of strings"),
    (_document(best_epoch=1.5), "best_epoch must be an int or null"),
    (_document(stop_reason=3), "stop_reason must be a string or null"),
    (_document(extra=1), r"unknown fields \['extra'\]"),
])
def test_corrupt_files_raise_a_clear_error(tmp_path, document, message):
    path = _write(tmp_path, document)
    with pytest.raises(HistoryFileError, match=message) as info:
        History.load(path)
    assert str(path) in str(info.value)


def test_missing_field_is_named(tmp_path):
    document = _document()
    del document["history"]["saturation"]
    with pytest.raises(HistoryFileError, match=r"missing fields \['saturation'\]"):
        History.load(_write(tmp_path, document))


def test_missing_file():
    with pytest.raises(FileNotFoundError):
        History.load("/nonexistent/h.json")


def test_a_history_saved_before_restored_epoch_existed_still_loads():
    data = History(train_loss=[0.5]).to_dict()
    del data["restored_epoch"]
    assert History.from_dict(data) == History(train_loss=[0.5])
    with pytest.raises(HistoryFileError, match="restored_epoch must be an int or null"):
        History.from_dict({**data, "restored_epoch": "3"})
