"""Atomic saves: the old file or the new one, through links, with errors naming the user's path."""

import os

import pytest

from autograd.files import read_document, write_atomic, write_document


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "model.json"
    write_atomic(target, "old")

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["model.json"]


def test_saving_into_a_missing_folder_names_that_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=f"cannot save {tmp_path}/nope/m.json: no folder {tmp_path}/nope"):
        write_atomic(tmp_path / "nope" / "m.json", b"x")


def test_saving_through_a_symlink_updates_its_target(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_documents_check_format_and_version(tmp_path):
    path = tmp_path / "doc.json"
    write_document(path, "backproplab.demo", 2, {"x": [1.5, 2.5]})
    assert read_document(path, "backproplab.demo", 2, ValueError, "load", "demo")["x"] == [1.5, 2.5]
    with pytest.raises(ValueError, match="load: .*: not a backproplab model file \\(format 'backproplab.demo'"):
        read_document(path, "backproplab.mlp", 2, ValueError, "load", "model")
    with pytest.raises(ValueError, match="unsupported version 2 \\(this code reads 1\\)"):
        read_document(path, "backproplab.demo", 1, ValueError, "load", "demo")
    path.write_text('{"format": "backproplab.demo", "vers')
    with pytest.raises(ValueError, match="not valid JSON \\(truncated or corrupted\\?\\)"):
        read_document(path, "backproplab.demo", 2, ValueError, "load", "demo")
