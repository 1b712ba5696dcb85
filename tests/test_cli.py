"""The `backproplab` command line: demo, train, report, and one-line errors for bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from autograd.cli import main
from autograd.data import make_blobs, make_moons

ROOT = Path(__file__).resolve().parents[1]
FAST = ["--epochs", "3", "--hidden", "4", "--no-progress"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    path.write_text(",".join(header) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


@pytest.fixture(scope="module")
def binary_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Moons with labels 3 and 7 (mapped to 0 and 1) and the label in the middle column."""
    X, y = make_moons(120, noise=0.2, seed=1)
    rows = [[a, 3 if t == 0 else 7, b] for (a, b), t in zip(X.tolist(), y.tolist())]
    return write_csv(tmp_path_factory.mktemp("bin") / "moons.csv", ["a", "label", "b"], rows)


@pytest.fixture(scope="module")
def multi_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    X, y = make_blobs(150, centers=3, seed=2)
    rows = [[*x, t] for x, t in zip(X.tolist(), y.tolist())]
    return write_csv(tmp_path_factory.mktemp("multi") / "blobs.csv", ["f1", "f2", "kind"], rows)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def section(out: str, start: str, end: str) -> str:
    """The printed text from the line starting with `start` up to the one starting with `end`."""
    return out[out.index(start):out.index(end, out.index(start))]


def check_outputs(folder: Path, *, binary: bool, two_features: bool) -> None:
    """Every promised file exists and is valid: SVG parses, PNGs start with the magic, HTML is self-contained."""
    names = ["model.json", "preprocessing.json", "history.json", "history.png", "gradient_flow.png",
             "confusion_matrix.png", "graph.svg", "steps.html", "report.html"]
    names += ["precision_recall.png", "roc.png"] if binary else []
    names += ["decision_boundary.png"] if two_features else []
    for name in names:
        assert (folder / name).stat().st_size > 0, name
    for png in folder.glob("*.png"):
        assert png.read_bytes()[:8] == PNG_MAGIC, png
    assert ET.parse(folder / "graph.svg").getroot().tag.endswith("svg")
    for page in ("report.html", "steps.html"):
        text = (folder / page).read_text()
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.IGNORECASE), page
        assert "<link" not in text and "@import" not in text and "<script src" not in text
    json.loads((folder / "model.json").read_text())


# --- demo ---------------------------------------------------------------------------


def test_demo_in_process_prints_sections_and_writes_files(tmp_path, capsys):
    code, out, err = run(["demo", "--out", str(tmp_path), "--samples", "80", *FAST], capsys)
    assert code == 0, err
    for heading in ("Metrics (prediction:", "Confusion matrix on test", "Diagnosis", "Files written"):
        assert heading in out
    table = section(out, "Metrics", "Confusion")
    assert [line.split()[0] for line in table.splitlines()[2:5]] == ["train", "validation", "test"]
    check_outputs(tmp_path, binary=True, two_features=True)
    for path in tmp_path.iterdir():
        assert str(path) in out, f"{path} not listed"


@pytest.mark.slow
def test_demo_subprocess_with_defaults(tmp_path):
    out_dir = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "autograd", "demo", "--out", str(out_dir)],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    for heading in ("Metrics", "accuracy", "Confusion matrix", "Diagnosis", "Files written"):
        assert heading in done.stdout
    assert "Traceback" not in done.stderr
    check_outputs(out_dir, binary=True, two_features=True)


@pytest.mark.parametrize("command", [[], ["demo"], ["train"], ["report"]])
def test_help(command, capsys):
    code, out, _ = run([*command, "--help"], capsys)
    assert code == 0 and "usage: backproplab" in out


# --- train and report ---------------------------------------------------------------------


def test_train_binary_then_report_reproduces_metrics(binary_csv, tmp_path, capsys):
    model_dir = tmp_path / "model"
    code, trained, err = run(["train", str(binary_csv), "--target", "label", "--out", str(model_dir), *FAST], capsys)
    assert code == 0, err
    assert "labels 3 -> 0, 7 -> 1" in trained
    check_outputs(model_dir, binary=True, two_features=True)
    prep = json.loads((model_dir / "preprocessing.json").read_text())
    assert prep["classes"] == [3, 7] and prep["feature_names"] == ["a", "b"] and prep["threshold"] == 0.5

    for model_arg in (model_dir, model_dir / "model.json"):
        report_dir = tmp_path / f"report-{model_arg.name}"
        code, rebuilt, err = run(["report", "--model", str(model_arg), "--data", str(binary_csv),
                                  "--target", "label", "--out", str(report_dir)], capsys)
        assert code == 0, err
        for start, end in (("Metrics", "Confusion"), ("Confusion", "Diagnosis")):
            assert section(rebuilt, start, end) == section(trained, start, end)
        assert (report_dir / "report.html").exists()


def test_report_on_new_data_evaluates_every_row(binary_csv, tmp_path, capsys):
    model_dir = tmp_path / "model"
    assert run(["train", str(binary_csv), "--target", "label", "--out", str(model_dir), *FAST], capsys)[0] == 0
    X, y = make_moons(40, noise=0.2, seed=9)
    # Columns in another order: matched by name.
    new = write_csv(tmp_path / "new.csv", ["b", "label", "a"],
                    [[b, 3 if t == 0 else 7, a] for (a, b), t in zip(X.tolist(), y.tolist())])
    before = {p.name: p.stat().st_mtime_ns for p in model_dir.iterdir()}
    code, out, err = run(["report", "--model", str(model_dir), "--data", str(new), "--target", "label"], capsys)
    assert code == 0, err
    assert "not the training data" in out
    assert re.search(r"^data\s+40\s", out, re.MULTILINE)
    # Without --out the report goes to a subfolder named after the data; train's files stay as they were.
    assert {p.name: p.stat().st_mtime_ns for p in model_dir.iterdir() if p.is_file()} == before
    assert (model_dir / "report-new" / "report.html").exists()
    assert f"The report is in {model_dir / 'report-new'}" in out


def test_report_on_the_training_rows_in_another_order_warns(binary_csv, tmp_path, capsys):
    model_dir = tmp_path / "model"
    assert run(["train", str(binary_csv), "--target", "label", "--out", str(model_dir), *FAST], capsys)[0] == 0
    lines = binary_csv.read_text().splitlines()
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text("\n".join([lines[0], *sorted(lines[1:])]) + "\n")
    code, out, err = run(["report", "--model", str(model_dir), "--data", str(shuffled), "--target", "label"], capsys)
    assert code == 0, err
    assert "training file's rows in another order" in out and "optimistic" in out
    assert "not the training data" not in out
    assert "optimistic" in (model_dir / "report-shuffled" / "report.html").read_text()


def test_test_split_without_the_rare_class_still_writes_every_output(tmp_path, capsys):
    # 3 positives in 120 rows: stratified, the 18 test rows get none of them.
    rng = np.random.default_rng(0)
    rows = [[a, b, int(i < 3)] for i, (a, b) in enumerate(rng.normal(size=(120, 2)).tolist())]
    data = write_csv(tmp_path / "imb.csv", ["a", "b", "y"], rows)
    code, out, err = run(["train", str(data), "--target", "y", "--out", str(tmp_path / "o"), *FAST], capsys)
    assert code == 0, err
    # One class in the test split: no PR or ROC curve, but the decision boundary is drawn.
    check_outputs(tmp_path / "o", binary=False, two_features=True)
    assert "decision_boundary.png" in out
    assert not (tmp_path / "o" / "roc.png").exists()


def test_many_features_step_through_a_small_net(tmp_path, capsys):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 40))
    data = write_csv(tmp_path / "wide.csv", [f"f{i}" for i in range(40)] + ["y"],
                     [[*x, int(x[0] > 0)] for x in X.tolist()])
    code, out, err = run(["train", str(data), "--target", "y", "--out", str(tmp_path / "o"), *FAST], capsys)
    assert code == 0, err
    check_outputs(tmp_path / "o", binary=True, two_features=False)
    assert "small untrained 2-3-1 net on f0, f1" in out
    assert "small untrained 2-3-1 net on f0, f1" in (tmp_path / "o" / "report.html").read_text()


def test_text_labels_and_a_semicolon_delimiter(tmp_path, capsys):
    X, y = make_moons(80, noise=0.2, seed=3)
    data = tmp_path / "semi.csv"
    data.write_text("a;b;y\n" + "".join(f"{a};{b};{'yes' if t else 'no'}\n" for (a, b), t in zip(X.tolist(), y)))
    code, _, err = run(["train", str(data), "--target", "y", "--out", str(tmp_path / "o"), *FAST], capsys)
    assert code == 2 and "the file seems to use ';' as its delimiter" in err and "--delimiter ';'" in err
    assert not (tmp_path / "o").exists()
    code, out, err = run(["train", str(data), "--target", "y", "--delimiter", ";", "--out", str(tmp_path / "o"),
                          *FAST], capsys)
    assert code == 0, err
    assert "labels 'no' -> 0, 'yes' -> 1" in out and "P('yes') >= 0.5" in out
    assert json.loads((tmp_path / "o" / "preprocessing.json").read_text())["classes"] == ["no", "yes"]
    code, again, err = run(["report", "--model", str(tmp_path / "o"), "--data", str(data), "--target", "y",
                            "--delimiter", ";"], capsys)
    assert code == 0, err
    assert section(again, "Metrics", "Diagnosis") == section(out, "Metrics", "Diagnosis")


@pytest.mark.parametrize("extra, words", [
    (["--val-size", "0.9"], "--val-size 0.9 and --test-size 0.15"),
    (["--test-size", "0.9"], "leave no training samples"),
])
def test_inputs_are_checked_before_anything_is_printed_or_created(extra, words, binary_csv, tmp_path, capsys):
    out_dir = tmp_path / "never"
    code, out, err = run(["train", str(binary_csv), "--target", "label", "--out", str(out_dir), *extra, *FAST],
                         capsys)
    assert code == 2 and words in err and out == ""
    assert not out_dir.exists()


def test_one_class_is_reported_before_training(tmp_path, capsys):
    data = write_csv(tmp_path / "one.csv", ["a", "y"], [[i, 1] for i in range(20)])
    code, out, err = run(["train", str(data), "--target", "y", "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "one class only" in err and out == "" and not (tmp_path / "o").exists()


def test_train_multiclass_then_report(multi_csv, tmp_path, capsys):
    code, trained, err = run(["train", str(multi_csv), "--target", "kind", "--out", str(tmp_path), *FAST], capsys)
    assert code == 0, err
    assert "largest output" in trained
    check_outputs(tmp_path, binary=False, two_features=True)
    assert json.loads((tmp_path / "model.json").read_text())["architecture"]["nouts"] == [4, 3]
    code, rebuilt, err = run(["report", "--model", str(tmp_path), "--data", str(multi_csv), "--target", "kind",
                              "--out", str(tmp_path / "again")], capsys)
    assert code == 0, err
    assert section(rebuilt, "Metrics", "Diagnosis") == section(trained, "Metrics", "Diagnosis")


def test_min_recall_tunes_the_threshold_on_validation(binary_csv, tmp_path, capsys):
    code, out, err = run(["train", str(binary_csv), "--target", "label", "--out", str(tmp_path),
                          "--min-recall", "0.95", "--class-weight", "balanced", *FAST], capsys)
    assert code == 0, err
    prep = json.loads((tmp_path / "preprocessing.json").read_text())
    assert prep["threshold_goal"] == "highest precision with recall >= 0.95 on validation"
    assert f"P(7) >= {prep['threshold']:.4g}" in out
    validation = re.search(r"^validation .*$", out, re.MULTILINE).group().split()
    assert float(validation[4]) >= 0.95      # the recall column meets the floor


# --- bad input: one line on stderr, exit 2 --------------------------------------------------


def _bad_inputs(tmp: Path, binary_csv: Path, multi_csv: Path) -> dict[str, list[str]]:
    text = write_csv(tmp / "text.csv", ["a", "y"], [[1, 0], ["high", 1], [2, 0]])
    one_class = write_csv(tmp / "one.csv", ["a", "y"], [[i, 1] for i in range(20)])
    empty = tmp / "empty.csv"
    empty.write_text("")
    a_file = tmp / "a-file"
    a_file.write_text("x")
    trained = tmp / "trained"
    main(["train", str(binary_csv), "--target", "label", "--out", str(trained), *FAST])
    other_labels = write_csv(tmp / "other.csv", ["a", "label", "b"], [[0.1, 5, 0.2], [0.3, 3, 0.1]])
    missing_feature = write_csv(tmp / "nob.csv", ["a", "label"], [[0.1, 3], [0.3, 7]])
    mismatched = tmp / "mismatched"
    mismatched.mkdir()
    (mismatched / "model.json").write_text((trained / "model.json").read_text())
    prep = json.loads((trained / "preprocessing.json").read_text())
    (mismatched / "preprocessing.json").write_text(json.dumps(prep | {"classes": [3, 7, 9]}))
    broken_model = tmp / "broken"
    broken_model.mkdir()
    (broken_model / "model.json").write_text("{not json")
    (broken_model / "preprocessing.json").write_text((trained / "preprocessing.json").read_text())
    data = str(binary_csv)
    return {
        "missing file": ["train", str(tmp / "nope.csv"), "--target", "y"],
        "empty file": ["train", str(empty), "--target", "y"],
        "unknown column": ["train", data, "--target", "nope"],
        "non-numeric value": ["train", str(text), "--target", "y"],
        "one class": ["train", str(one_class), "--target", "y"],
        "hidden not numbers": ["train", data, "--target", "label", "--hidden", "16,x"],
        "hidden zero": ["train", data, "--target", "label", "--hidden", "0"],
        "epochs zero": ["train", data, "--target", "label", "--epochs", "0"],
        "negative lr": ["train", data, "--target", "label", "--lr", "-1"],
        "precision above 1": ["train", data, "--target", "label", "--min-precision", "1.5"],
        "both goals": ["train", data, "--target", "label", "--min-precision", "0.9", "--min-recall", "0.9"],
        "unknown optimizer": ["train", data, "--target", "label", "--optimizer", "rmsprop"],
        "bad class weight": ["train", data, "--target", "label", "--class-weight", "heavy"],
        "val size 1": ["train", data, "--target", "label", "--val-size", "1"],
        "missing target option": ["train", data],
        "goal with 3 classes": ["train", str(multi_csv), "--target", "kind", "--min-recall", "0.9", *FAST],
        "out is a file": ["train", data, "--target", "label", "--out", str(a_file), *FAST],
        "unknown command": ["fly"],
        "report: no model": ["report", "--model", str(tmp / "none"), "--data", data, "--target", "label"],
        "report: outputs do not match the classes": ["report", "--model", str(mismatched), "--data", data,
                                                     "--target", "label"],
        "val size leaves no training rows": ["train", data, "--target", "label", "--val-size", "0.9"],
        "bad delimiter": ["train", data, "--target", "label", "--delimiter", ";;"],
        "report: broken model": ["report", "--model", str(broken_model), "--data", data, "--target", "label"],
        "report: other target": ["report", "--model", str(trained), "--data", data, "--target", "a"],
        "report: unseen label": ["report", "--model", str(trained), "--data", str(other_labels), "--target", "label"],
        "report: missing feature": ["report", "--model", str(trained), "--data", str(missing_feature),
                                    "--target", "label"],
        "demo: negative noise": ["demo", "--noise", "-1"],
        "demo: too few samples": ["demo", "--samples", "4", "--out", str(tmp / "few"), *FAST],
    }


def test_every_bad_input_is_one_line_and_exit_2(binary_csv, multi_csv, tmp_path, capsys):
    cases = _bad_inputs(tmp_path, binary_csv, multi_csv)
    capsys.readouterr()
    for name, args in cases.items():
        code, _, err = run(args, capsys)
        assert code == 2, f"{name}: exit {code}, stderr {err!r}"
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("backproplab: error: "), f"{name}: {err!r}"
        assert "Traceback" not in err


@pytest.mark.parametrize("args, words", [
    (["train", "{tmp}/nope.csv", "--target", "y"], "no such file"),
    (["train", "{binary}", "--target", "nope"], "no target column 'nope'"),
    (["train", "{tmp}/text.csv", "--target", "y"], "'high' is not a number"),
    (["train", "{tmp}/one.csv", "--target", "y"], "one class only"),
    (["train", "{binary}", "--target", "label", "--hidden", "16,x"], "--hidden"),
])
def test_errors_name_the_problem(args, words, binary_csv, tmp_path, capsys):
    write_csv(tmp_path / "text.csv", ["a", "y"], [[1, 0], ["high", 1]])
    write_csv(tmp_path / "one.csv", ["a", "y"], [[i, 1] for i in range(20)])
    args = [a.format(tmp=tmp_path, binary=binary_csv) for a in args]
    code, _, err = run(args, capsys)
    assert code == 2 and words in err


def test_subprocess_error_has_no_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "autograd", "train", str(tmp_path / "x.csv"), "--target", "y"],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("backproplab: error: ") and done.stderr.count("\n") == 1


def test_scaling_is_fitted_on_training_rows_only(binary_csv, tmp_path, capsys):
    from autograd.data import load_csv, train_val_test_split

    assert run(["train", str(binary_csv), "--target", "label", "--out", str(tmp_path), *FAST], capsys)[0] == 0
    prep = json.loads((tmp_path / "preprocessing.json").read_text())
    X, y, _ = load_csv(binary_csv, "label")
    X_train = train_val_test_split(X, y, 0.15, 0.15, stratify=y, seed=0)[0]
    assert np.allclose(prep["mean"], X_train.mean(axis=0)) and not np.allclose(prep["mean"], X.mean(axis=0))


def test_without_matplotlib_the_command_stops_before_any_work(tmp_path):
    import subprocess
    import sys

    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "from autograd.cli import main\n"
            "sys.exit(main(['demo', '--out', 'never']))")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        'backproplab: error: viz plots need matplotlib, an optional extra: pip install "backproplab[plot]"']
    assert not (tmp_path / "never").exists()
