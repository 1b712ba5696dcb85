"""End-to-end tests of `diagnose`: real training runs that fail on purpose, each reported as it should be."""

import numpy as np
import pytest

pytest.importorskip("autograd.train")

from autograd.data import make_imbalanced, make_moons, train_test_split  # noqa: E402
from autograd.diagnostics import diagnose  # noqa: E402
from autograd.losses import binary_cross_entropy_with_logits as bce  # noqa: E402
from autograd.metrics import recall_score, tune_threshold  # noqa: E402
from autograd.nn import MLP  # noqa: E402
from autograd.optim import SGD, Adam  # noqa: E402
from autograd.train import fit, predict, predict_proba  # noqa: E402

pytestmark = pytest.mark.slow

PROBLEMS = {"non_finite_loss", "loss_not_decreasing", "loss_unstable", "overfitting", "vanishing_gradients",
            "exploding_gradients", "dead_relu", "saturated_units", "class_imbalance", "accuracy_paradox",
            "confusion_matrix_errors", "data_leakage", "target_leakage"}


def train(model, X, y, *, epochs, lr=0.05, optimizer=Adam, **kw):
    return fit(model, X, y, loss=bce, optimizer=optimizer(model.parameters(), lr=lr), epochs=epochs,
               seed=0, progress=False, **kw)


def run(model, Xtr, ytr, Xte, yte, **kw):
    history = train(model, Xtr, ytr, validation_data=(Xte, yte), **kw)
    return diagnose(history, model=model, X_train=Xtr, y_train=ytr, X_test=Xte, y_test=yte)


def test_healthy_moons_run_looks_healthy():
    X, y = make_moons(120, noise=0.1, seed=0)
    Xtr, Xte, ytr, yte = train_test_split(X, y, 0.3, seed=0)
    report = run(MLP(2, [8, 8, 1], init="he", seed=0), Xtr, ytr, Xte, yte, epochs=40)
    assert report.ok and report.headline == "Looks healthy", str(report)
    assert {"loss_decreasing", "confusion_matrix_healthy"} <= set(report.codes)
    assert not PROBLEMS & set(report.codes)


@pytest.fixture(scope="module")
def fraud():
    X, y = make_imbalanced(1000, prevalence=0.02, separation=2.0, seed=0)
    return train_test_split(X, y, 0.3, stratify=y, seed=0)


def test_fraud_with_unweighted_loss_is_not_ready(fraud):
    Xtr, Xte, ytr, yte = fraud
    model = MLP(2, [1], seed=0)
    report = run(model, Xtr, ytr, Xte, yte, epochs=20)
    f = report.get("accuracy_paradox")
    assert f is not None and f.severity == "critical", str(report)
    assert f.evidence["accuracy"] >= 0.97 and f.evidence["rare_recall"] < 0.5
    assert report.headline.startswith("NOT READY") and "class_imbalance" in report
    assert not {"overfitting", "data_leakage", "vanishing_gradients", "exploding_gradients",
                "non_finite_loss", "confusion_matrix_healthy"} & set(report.codes)


def test_class_weights_and_a_tuned_threshold_raise_fraud_recall(fraud):
    Xtr, Xte, ytr, yte = fraud
    plain = MLP(2, [1], seed=0)
    train(plain, Xtr, ytr, epochs=20)
    recall_plain = recall_score(yte, predict(plain, Xte))

    weighted = MLP(2, [1], seed=0)
    train(weighted, Xtr, ytr, epochs=20, class_weight="balanced")
    recall_weighted = recall_score(yte, predict(weighted, Xte))

    choice = tune_threshold(ytr, predict_proba(plain, Xtr), min_recall=0.8)
    recall_tuned = recall_score(yte, (predict_proba(plain, Xte) >= choice.threshold).astype(int))

    assert recall_plain < 0.5 <= recall_weighted and recall_tuned >= 0.5
    after = diagnose(model=weighted, X_train=Xtr, y_train=ytr, X_test=Xte, y_test=yte)
    assert "accuracy_paradox" not in after and "class_imbalance" in after


def test_tiny_training_set_with_large_network_overfits():
    X, y = make_moons(76, noise=0.35, seed=1)
    Xtr, ytr, Xval, yval = X[:16], y[:16], X[16:], y[16:]
    report = run(MLP(2, [16, 16, 1], seed=0), Xtr, ytr, Xval, yval, epochs=120, lr=0.02)
    f = report.get("overfitting")
    assert f is not None, str(report)
    assert 1 <= f.evidence["parted_at_epoch"] < 100 and f.evidence["final_val_loss"] > f.evidence["best_val_loss"]
    assert not {"data_leakage", "accuracy_paradox", "class_imbalance", "vanishing_gradients",
                "non_finite_loss"} & set(report.codes)


def test_deep_sigmoid_network_has_vanishing_gradients():
    X, y = make_moons(100, noise=0.1, seed=0)
    Xtr, Xte, ytr, yte = train_test_split(X, y, 0.3, seed=0)
    model = MLP(2, [8] * 5 + [1], activation="sigmoid", seed=0)
    report = run(model, Xtr, ytr, Xte, yte, epochs=20, lr=0.1, optimizer=SGD)
    f = report.get("vanishing_gradients")
    assert f is not None and f.evidence["ratio"] < 0.01, str(report)
    assert f.evidence["first_layer"] == "layers.0" and f.evidence["last_layer"] == "layers.5"
    assert not {"overfitting", "data_leakage", "class_imbalance", "accuracy_paradox", "exploding_gradients",
                "dead_relu", "confusion_matrix_healthy"} & set(report.codes)


def test_test_set_copied_into_training_is_leakage():
    X, y = make_moons(120, noise=0.2, seed=2)
    Xtr, Xte, ytr, yte = train_test_split(X, y, 0.25, seed=0)
    Xleak, yleak = np.concatenate([Xtr, Xte]), np.concatenate([ytr, yte])
    model = MLP(2, [8, 8, 1], seed=0)
    history = train(model, Xleak, yleak, epochs=30)
    report = diagnose(history, model=model, X_train=Xleak, y_train=yleak, X_test=Xte, y_test=yte)
    f = report.get("data_leakage")
    assert f is not None and f.severity == "critical", str(report)
    assert f.evidence["exact"] == len(Xte) and f.evidence["conflicting_labels"] == 0
    assert not {"overfitting", "accuracy_paradox", "class_imbalance", "vanishing_gradients"} & set(report.codes)
    # The honest split shares no rows.
    assert "data_leakage" not in diagnose(X_train=Xtr, y_train=ytr, X_test=Xte, y_test=yte)


def test_a_model_that_learnt_nothing_is_never_healthy():
    # Noise features, 75% of one class: the best the model can do is guess the majority.
    rng = np.random.default_rng(5)
    X = rng.normal(size=(400, 3))
    y = (rng.random(400) < 0.25).astype(int)
    Xtr, Xte, ytr, yte = train_test_split(X, y, 0.3, stratify=y, seed=0)
    report = run(MLP(3, [4, 1], seed=0), Xtr, ytr, Xte, yte, epochs=10, lr=0.01)
    f = report.get("no_better_than_baseline")
    assert f is not None and f.severity == "warning", str(report)
    assert f.evidence["accuracy"] <= f.evidence["majority_baseline"] + 0.01 and f.evidence["source"] == "the test set"
    assert not report.ok and report.headline != "Looks healthy"
