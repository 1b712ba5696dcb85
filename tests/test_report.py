"""The HTML report and the pipeline behind it: sections present, numbers equal to the metrics module's."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from autograd.data import make_blobs, make_moons
from autograd.metrics import confusion_matrix, evaluation_summary
from autograd.pipeline import (
    TrainOptions,
    check_training_inputs,
    evaluate_saved,
    load_saved,
    save,
    train_classifier,
)
from autograd.preprocessing import Preprocessing, PreprocessingFileError
from viz.report import METRIC_COLUMNS, report_html

OPTIONS = TrainOptions(hidden=(4,), epochs=3)


class _Tables(HTMLParser):
    """Collects every <table class="..."> as rows of cell texts, and every section id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.sections: list[str] = []
        self._current: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.sections.append(attrs["id"])
        elif tag == "table":
            self._current = self.tables.setdefault(attrs.get("class") or f"t{len(self.tables)}", [])
        elif tag == "tr" and self._current is not None:
            self._current.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._current is not None:
            self._current[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._current = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse(page: str) -> _Tables:
    parser = _Tables()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def binary():
    X, y = make_moons(120, noise=0.3, seed=3)
    return X, y, train_classifier(X, y, ["x0", "x1"], "y", OPTIONS, progress=False)


@pytest.fixture(scope="module")
def multiclass():
    X, y = make_blobs(150, centers=3, seed=4)
    return X, y, train_classifier(X, y, ["a", "b"], "kind", OPTIONS, progress=False)


def test_sections_exist(binary):
    page = report_html(binary[2], {}, "<svg width='10' height='10'></svg>")
    assert parse(page).sections == ["dataset", "loss", "metrics", "confusion", "pr", "diagnosis", "graph"]
    assert not re.search(r"(src|href)=\"(https?:)?//", page)


def test_multiclass_report_has_no_precision_recall_section(multiclass):
    sections = parse(report_html(multiclass[2], {}, None)).sections
    assert "pr" not in sections and "confusion" in sections


@pytest.mark.parametrize("which", ["binary", "multiclass"])
def test_confusion_matrix_counts_match_the_metrics_module(which, request):
    ev = request.getfixturevalue(which)[2]
    y_test = ev.splits["test"][1]
    rows = parse(report_html(ev, {}, None)).tables["confusion"]
    shown = np.array([[int(c) for c in row[1:]] for row in rows[1:]])
    k = len(ev.prep.classes)
    expected = confusion_matrix(y_test, ev.predictions["test"], labels=list(range(k)))
    assert shown.tolist() == expected.tolist()
    assert shown.sum() == len(y_test)


@pytest.mark.parametrize("which", ["binary", "multiclass"])
def test_metrics_table_matches_evaluation_summary(which, request):
    ev = request.getfixturevalue(which)[2]
    rows = parse(report_html(ev, {}, None)).tables["metrics"]
    assert rows[0][2:] == [heading for _, heading in METRIC_COLUMNS]
    assert [row[0] for row in rows[1:]] == ["train", "validation", "test"]
    for row in rows[1:]:
        y, pred = ev.splits[row[0]][1], ev.predictions[row[0]]
        summary = evaluation_summary(y, pred, y_score=ev.scores[row[0]])
        assert int(row[1]) == len(y)
        assert not math.isnan(summary["roc_auc"])    # the scores reach the table
        for (key, _), cell in zip(METRIC_COLUMNS, row[2:]):
            value = summary.get(key, float("nan"))   # multiclass has no average precision
            assert cell == ("undefined" if math.isnan(value) else f"{value:.3f}"), key


def test_dataset_summary(binary):
    _, y, ev = binary
    summary = {row[0]: row[1] for row in parse(report_html(ev, {}, None)).tables["dataset"][1:]}
    assert summary["rows"] == str(len(y))
    assert summary["class counts"] == f"0: {np.sum(y == 0)}, 1: {np.sum(y == 1)}"
    assert summary["splits"] == "train 84, validation 18, test 18"
    assert summary["decision threshold"].startswith("P(1) >= 0.5")


def test_diagnosis_findings_and_evidence_are_shown(binary):
    ev = binary[2]
    page = report_html(ev, {}, None)
    assert ev.diagnosis.headline in page
    for finding in ev.diagnosis:
        assert f"<code>{finding.code}</code>" in page
    assert page.count("<summary>evidence</summary>") == len(ev.diagnosis)


def test_figures_are_inline_png(binary):
    png = b"\x89PNG\r\n\x1a\nrest"
    page = report_html(binary[2], {"history": png, "precision_recall": png}, None)
    assert page.count('src="data:image/png;base64,iVBORw0KGgpyZXN0"') == 2


def test_saved_model_reproduces_the_evaluation(binary, tmp_path):
    X, y, ev = binary
    save(ev, tmp_path)
    again = evaluate_saved(*load_saved(tmp_path), X, y, ["x0", "x1"])
    assert again.summaries == ev.summaries
    for split in ev.splits:
        assert np.array_equal(again.scores[split], ev.scores[split])
    other = evaluate_saved(*load_saved(tmp_path / "model.json"), X[:50], y[:50], ["x0", "x1"])
    assert list(other.splits) == ["data"] and other.eval_split == "data"


def test_preprocessing_round_trip_and_errors(tmp_path):
    prep = Preprocessing.fit(np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 1.0]]), np.array([2.5, 9.0, 2.5]),
                             ["u", "v"], "t")
    assert prep.scale[1] == 1.0            # constant column: not divided by 0
    prep.save(tmp_path / "p.json")
    assert Preprocessing.load(tmp_path / "p.json") == prep
    assert prep.encode(np.array([9.0, 2.5])).tolist() == [1, 0]
    with pytest.raises(ValueError, match="not trained on"):
        prep.encode(np.array([3.0]))
    with pytest.raises(ValueError, match="missing \\['v'\\]"):
        prep.align(np.zeros((1, 1)), ["u"])
    (tmp_path / "bad.json").write_text('{"format": "other"}')
    with pytest.raises(PreprocessingFileError):
        Preprocessing.load(tmp_path / "bad.json")


def test_training_rows_in_another_order_are_flagged_as_seen(binary, tmp_path):
    X, y, ev = binary
    save(ev, tmp_path)
    order = np.random.default_rng(0).permutation(len(y))
    again = evaluate_saved(*load_saved(tmp_path), X[order], y[order], ["x0", "x1"])
    assert list(again.splits) == ["data"] and "optimistic" in again.data_note
    assert "optimistic" in report_html(again, {}, None)
    assert evaluate_saved(*load_saved(tmp_path), X[:50], y[:50], ["x0", "x1"]).data_note == ""
    assert ev.data_note == ""


def test_preprocessing_files_without_the_rows_fingerprint_still_load(binary, tmp_path):
    X, y, ev = binary
    save(ev, tmp_path)
    prep = Preprocessing.load(tmp_path / "preprocessing.json")
    del prep.split["rows_fingerprint"]     # as written before it existed
    prep.save(tmp_path / "preprocessing.json")
    again = evaluate_saved(*load_saved(tmp_path), X, y, ["x0", "x1"])
    assert again.summaries == ev.summaries


@pytest.mark.parametrize("change, words", [
    ({"classes": [0, 0]}, "classes must be distinct"),
    ({"classes": [0, [1]]}, "classes must be distinct numbers or texts"),
    ({"threshold": 1.5}, "threshold must be a probability between 0 and 1, got 1.5"),
    ({"threshold": -0.1}, "threshold must be a probability"),
])
def test_hand_edited_preprocessing_is_refused(change, words, binary, tmp_path):
    import json

    binary[2].prep.save(tmp_path / "p.json")
    document = json.loads((tmp_path / "p.json").read_text())
    (tmp_path / "p.json").write_text(json.dumps(document | change))
    with pytest.raises(PreprocessingFileError, match=words) as caught:
        Preprocessing.load(tmp_path / "p.json")
    assert "p.json" in str(caught.value)


def test_model_outputs_must_match_the_classes(binary, multiclass, tmp_path):
    save(binary[2], tmp_path)
    multiclass[2].prep.save(tmp_path / "preprocessing.json")   # 3 classes beside a 1-output model
    with pytest.raises(ValueError, match=r"model.json has 1 outputs but .*preprocessing.json lists 3 classes"):
        load_saved(tmp_path)


def test_the_diagnosis_names_the_split_and_the_classes():
    X, y = make_moons(120, noise=0.3, seed=3)
    labels = np.where(y == 1, "spam", "ham")
    ev = train_classifier(X, labels, ["x0", "x1"], "kind", OPTIONS, progress=False)
    sources = {f.evidence["source"] for f in ev.diagnosis if "source" in f.evidence}
    assert sources <= {"the test set", "y_train"}
    assert "the given predictions" not in str(ev.diagnosis)


@pytest.mark.parametrize("options, words", [
    (TrainOptions(val_size=0.6, test_size=0.5), "cannot split 120 rows with --val-size 0.6 and --test-size 0.5"),
    (TrainOptions(min_recall=0.9), "tune a threshold between two classes"),
])
def test_training_inputs_are_checked_with_the_option_names(options, words, multiclass):
    X, y = make_blobs(120, centers=3, seed=4)
    with pytest.raises(ValueError, match=words):
        check_training_inputs(X, y, "kind", options)
