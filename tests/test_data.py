"""Tests for autograd.data: dataset geometry and determinism, splits, the CSV loader's errors."""

import numpy as np
import pytest

from autograd.data import (
    DataFormatError,
    load_csv,
    make_blobs,
    make_circles,
    make_imbalanced,
    make_moons,
    train_test_split,
    train_val_test_split,
)

def rows(X):
    return sorted(map(tuple, np.round(X, 12).tolist()))


# --- dataset makers -------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 7, 100])
def test_moons_have_sklearns_geometry(n):
    sk_datasets = pytest.importorskip("sklearn.datasets")
    X, y = make_moons(n, seed=0)
    Xs, ys = sk_datasets.make_moons(n, shuffle=False)
    assert X.shape == (n, 2) and X.dtype == np.float64 and y.dtype.kind == "i"
    for label in (0, 1):
        assert rows(X[y == label]) == rows(Xs[ys == label])
    X_plain, y_plain = make_moons(n, shuffle=False)
    np.testing.assert_array_equal(X_plain, Xs)
    np.testing.assert_array_equal(y_plain, ys)


@pytest.mark.parametrize("factor", [0.0, 0.3, 0.8])
def test_circles_have_sklearns_geometry(factor):
    sk_datasets = pytest.importorskip("sklearn.datasets")
    X, y = make_circles(11, factor=factor, shuffle=False)
    Xs, ys = sk_datasets.make_circles(11, factor=factor, shuffle=False)
    np.testing.assert_allclose(X, Xs, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(y, ys)
    X, y = make_circles(11, factor=factor, seed=3)
    np.testing.assert_allclose(np.hypot(*X.T), np.where(y == 0, 1.0, factor))


def test_noise_is_gaussian_with_the_given_std():
    X0, y0 = make_moons(4000, seed=5)
    X, y = make_moons(4000, noise=0.2, seed=5)
    np.testing.assert_array_equal(y, y0)          # the same shuffle, then noise
    assert np.std(X - X0) == pytest.approx(0.2, rel=0.03)


@pytest.mark.parametrize("make", [make_moons, make_circles, make_blobs, make_imbalanced])
def test_seeded_makers_are_deterministic(make):
    X1, y1 = make(200, seed=11)
    X2, y2 = make(200, seed=11)
    X3, _ = make(200, seed=12)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_blobs_multiclass():
    X, y = make_blobs(10, centers=3, n_features=4, seed=0)
    assert X.shape == (10, 4)
    assert np.bincount(y).tolist() == [4, 3, 3]
    X, y = make_blobs(3000, centers=[[0, 0], [5, -5]], cluster_std=0.5, seed=1)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [5, -5], atol=0.05)
    assert X[y == 0].std() == pytest.approx(0.5, rel=0.05)


@pytest.mark.parametrize("n, prevalence, positives", [
    (1000, 0.02, 20), (1000, 0.1, 100), (333, 0.05, 17), (50, 0.5, 25),
])
def test_imbalanced_has_exact_prevalence(n, prevalence, positives):
    X, y = make_imbalanced(n, prevalence=prevalence, n_features=3, seed=0)
    assert X.shape == (n, 3)
    assert int(y.sum()) == positives == round(prevalence * n)
    assert set(np.unique(y).tolist()) == {0, 1}


def test_imbalanced_separation_moves_the_positives():
    X, y = make_imbalanced(20000, prevalence=0.5, n_features=4, separation=5.0, seed=0)
    distance = np.linalg.norm(X[y == 1].mean(axis=0) - X[y == 0].mean(axis=0))
    assert distance == pytest.approx(5.0, rel=0.02)


@pytest.mark.parametrize("call, words", [
    (lambda: make_moons(1), ["make_moons", "n_samples", "1"]),
    (lambda: make_moons(10, noise=-0.1), ["noise", "-0.1"]),
    (lambda: make_circles(10, factor=1.0), ["factor", "1.0"]),
    (lambda: make_blobs(2, centers=3), ["n_samples=2", "3 centers"]),
    (lambda: make_blobs(10, centers=[[0, np.nan]]), ["centers"]),
    (lambda: make_imbalanced(100, prevalence=1.5), ["prevalence", "1.5"]),
    (lambda: make_imbalanced(10, prevalence=0.01), ["0 positives"]),
])
def test_maker_argument_errors(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert all(w in str(info.value) for w in words), str(info.value)


def test_maker_refuses_a_float_count():
    with pytest.raises(TypeError, match=r"make_moons: n_samples: expected an int, got float 10.0"):
        make_moons(10.0)


# --- splits ---------------------------------------------------------------------


@pytest.mark.parametrize("test_size, n_test", [(0.25, 25), (0.2, 20), (0.33, 33), (0.333, 34), (10, 10)])
def test_split_sizes_follow_sklearn(test_size, n_test):
    X, y = np.arange(200).reshape(100, 2), np.arange(100)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, seed=0)
    model_selection = pytest.importorskip("sklearn.model_selection")
    ref = model_selection.train_test_split(X, y, test_size=test_size, random_state=0)
    assert (len(X_tr), len(X_te)) == (len(ref[0]), len(ref[1])) == (100 - n_test, n_test)
    # a partition, rows kept together with their labels
    assert sorted(np.concatenate([y_tr, y_te]).tolist()) == list(range(100))
    np.testing.assert_array_equal(X_te[:, 0], 2 * y_te)


def test_split_accepts_lists_and_is_seeded():
    X, y = [[i, -i] for i in range(10)], list(range(10))
    a = train_test_split(X, y, seed=1)
    b = train_test_split(X, y, seed=1)
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    assert isinstance(a[0], np.ndarray) and a[0].shape == (7, 2)


def test_split_without_shuffle_keeps_order():
    X_tr, X_te, y_tr, y_te = train_test_split(np.arange(10), np.arange(10), test_size=3, shuffle=False)
    assert y_tr.tolist() == list(range(7)) and y_te.tolist() == [7, 8, 9]


@pytest.mark.parametrize("seed", range(5))
def test_stratified_split_keeps_proportions(seed):
    X, y = make_imbalanced(1000, prevalence=0.02, seed=seed)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, stratify=y, seed=seed)
    assert len(y_te) == 250 and int(y_te.sum()) == 5 and int(y_tr.sum()) == 15
    y3 = np.repeat([0, 1, 2], [50, 30, 20])
    _, _, y_tr, y_te = train_test_split(np.zeros((100, 1)), y3, test_size=0.3, stratify=y3, seed=seed)
    assert np.bincount(y_te).tolist() == [15, 9, 6]
    assert np.bincount(y_tr).tolist() == [35, 21, 14]


def test_train_val_test_split():
    X, y = make_imbalanced(1000, prevalence=0.1, seed=0)
    X_tr, X_va, X_te, y_tr, y_va, y_te = train_val_test_split(
        X, y, val_size=0.2, test_size=0.1, stratify=y, seed=0)
    assert (len(y_tr), len(y_va), len(y_te)) == (700, 200, 100)
    assert (int(y_tr.sum()), int(y_va.sum()), int(y_te.sum())) == (70, 20, 10)
    together = np.concatenate([X_tr, X_va, X_te])
    assert rows(together) == rows(X)


@pytest.mark.parametrize("call, error, words", [
    (lambda: train_test_split([[1], [2], [3]], [0, 1]), ValueError, ["different lengths", "3", "2"]),
    (lambda: train_test_split([], []), ValueError, ["empty"]),
    (lambda: train_test_split([[1]], [0]), ValueError, ["test_size", "1 of 1"]),
    (lambda: train_test_split(np.zeros((4, 1)), np.zeros(4), test_size=1.5), ValueError, ["test_size", "1.5"]),
    (lambda: train_test_split(np.zeros((4, 1)), np.zeros(4), test_size=4), ValueError, ["test_size=4"]),
    (lambda: train_test_split(np.zeros((4, 1)), np.zeros(4), test_size="half"), TypeError, ["test_size"]),
    (lambda: train_test_split(np.zeros((5, 1)), [0, 0, 0, 0, 1], stratify=[0, 0, 0, 0, 1]),
     ValueError, ["class 1", "only 1 member"]),
    (lambda: train_test_split(np.zeros((4, 1)), [0, 0, 1, 1], stratify=[0, 1]), ValueError, ["stratify", "(2,)"]),
    (lambda: train_test_split(np.zeros((4, 1)), [0, 0, 1, 1], stratify=[0, 0, 1, 1], shuffle=False),
     ValueError, ["shuffle"]),
    (lambda: train_val_test_split(np.zeros((10, 1)), np.zeros(10), val_size=0.5, test_size=0.5),
     ValueError, ["no training samples"]),
])
def test_split_errors(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert all(w in str(info.value) for w in words), str(info.value)


# --- CSV ------------------------------------------------------------------------


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_load_csv_reads_features_labels_and_names(tmp_path):
    path = write(tmp_path, "amount, age ,fraud,score\n12.5,30,0,-1e-3\n 7 ,41,1,2\n\n0,0,0,0\n")
    X, y, names = load_csv(path, "fraud")
    assert names == ["amount", "age", "score"]
    np.testing.assert_array_equal(X, [[12.5, 30, -1e-3], [7, 41, 2], [0, 0, 0]])
    assert y.tolist() == [0, 1, 0] and y.dtype.kind == "i"


def test_load_csv_float_target_and_delimiter(tmp_path):
    path = write(tmp_path, "x;y\n1;0.5\n2;1.5\n")
    X, y, names = load_csv(path, "y", delimiter=";")
    assert X.tolist() == [[1.0], [2.0]] and y.tolist() == [0.5, 1.5] and y.dtype == np.float64


def test_load_csv_text_labels(tmp_path):
    path = write(tmp_path, "a,label\n1, yes\n2,no\n3,12\n")
    X, y, _ = load_csv(path, "label")
    assert X.tolist() == [[1.0], [2.0], [3.0]]
    assert y.tolist() == ["yes", "no", "12"] and y.dtype.kind == "U"   # any text makes every label text


@pytest.mark.parametrize("delimiter, used, hint", [
    (",", ";", "pass delimiter=';', or --delimiter ';'"),
    (",", "\t", "pass delimiter='\\t', or --delimiter tab"),
    (";", ",", "pass delimiter=','"),
])
def test_load_csv_hints_at_another_delimiter(tmp_path, delimiter, used, hint):
    path = write(tmp_path, used.join(["a", "b", "label"]) + "\n" + used.join(["1", "2", "0"]) + "\n")
    with pytest.raises(DataFormatError, match="no target column 'label'") as caught:
        load_csv(path, "label", delimiter=delimiter)
    assert f"seems to use {used!r} as its delimiter" in str(caught.value) and hint in str(caught.value)


@pytest.mark.parametrize("text, words", [
    ("", ["empty"]),
    ("\n\n", ["empty"]),
    ("a,b,label\n", ["no data rows"]),
    ("a,b,lable\n1,2,0\n", ["no target column 'label'", "'a'", "'b'", "'lable'"]),
    ("label\n1\n", ["no feature columns"]),
    ("a,a,label\n1,2,0\n", ["duplicate", "'a'"]),
    ("a,b,label\n1,2,0\n3,4\n", ["line 3", "2 fields", "header has 3"]),
    ("a,b,label\n1,2,0\n3,4,1,5\n", ["line 3", "4 fields"]),
    ("a,b,label\n1,2,0\n3,,1\n", ["line 3", "column 'b'", "missing value"]),
    ("a,b,label\n1,2,0\n3,abc,1\n", ["line 3", "column 'b'", "'abc' is not a number"]),
    ("a,b,label\n1,nan,0\n", ["line 2", "column 'b'", "'nan'"]),
    ("a,b,label\n1,2,inf\n3,4,0\n", ["line 2", "column 'label'", "'inf'"]),
    ("a,b,label\n1,2,0\n3,4, \n", ["line 3", "column 'label'", "missing value"]),
])
def test_load_csv_errors_name_file_line_and_column(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(DataFormatError) as info:
        load_csv(path, "label")
    message = str(info.value)
    assert str(path) in message and "load_csv" in message
    assert all(w in message for w in words), message
    assert isinstance(info.value, ValueError)


def test_load_csv_missing_file_and_bad_target(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        load_csv(tmp_path / "nope.csv", "label")
    path = write(tmp_path, "a,label\n1,0\n")
    with pytest.raises(TypeError, match="target"):
        load_csv(path, 1)


def test_load_csv_binary_file(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(DataFormatError, match="UTF-8"):
        load_csv(path, "label")


def test_makers_refuse_infinite_parameters():
    from autograd.data import make_blobs, make_imbalanced, make_moons

    for call in (lambda: make_moons(10, noise=float("inf")),
                 lambda: make_blobs(10, cluster_std=float("inf")),
                 lambda: make_imbalanced(100, separation=float("inf"))):
        with pytest.raises(ValueError, match="expected a finite number .* got inf"):
            call()


def test_huge_whole_labels_stay_floats(tmp_path):
    from autograd.data import load_csv

    path = tmp_path / "big.csv"
    path.write_text("a,y\n1,1e20\n2,0\n")
    X, y, names = load_csv(path, "y")
    assert y.dtype == float and y.tolist() == [1e20, 0.0]
