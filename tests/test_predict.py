"""predict/evaluate with a probability threshold agree exactly with tune_threshold."""

import numpy as np
import pytest

from autograd import MLP, fit
from autograd.data import make_imbalanced
from autograd.losses import binary_cross_entropy_with_logits
from autograd.metrics import confusion_matrix, tune_threshold
from autograd.optim import Adam
from autograd.train import evaluate, predict, predict_proba


@pytest.fixture(scope="module")
def fraud_model():
    X, y = make_imbalanced(600, prevalence=0.05, seed=3)
    model = MLP(2, [4, 1], seed=3)
    fit(model, X, y, loss=binary_cross_entropy_with_logits,
        optimizer=Adam(model.parameters(), lr=0.05), epochs=20, progress=False)
    return model, X, y


@pytest.mark.parametrize("goal", [dict(maximize="precision", min_recall=0.9),
                                  dict(maximize="recall", min_precision=0.2),
                                  dict(maximize="f1")])
def test_proba_threshold_reproduces_tune_threshold_exactly(fraud_model, goal):
    model, X, y = fraud_model
    choice = tune_threshold(y, predict_proba(model, X), **goal)
    predicted = predict(model, X, proba_threshold=choice.threshold)
    tn, fp, fn, tp = confusion_matrix(y, predicted).ravel()
    assert (tp, fp, fn, tn) == (choice.tp, choice.fp, choice.fn, choice.tn)
    result = evaluate(model, X, y, proba_threshold=choice.threshold, metrics=["precision", "recall"])
    assert result == {"precision": choice.precision, "recall": choice.recall}


def test_a_probability_used_as_a_score_threshold_differs(fraud_model):
    # The mistake proba_threshold exists to prevent: 0.3 on the logit scale is P = 0.574.
    model, X, y = fraud_model
    by_logit = predict(model, X, threshold=0.3)
    by_proba = predict(model, X, proba_threshold=0.3)
    assert np.array_equal(by_logit, (predict_proba(model, X) >= 1 / (1 + np.exp(-0.3))).astype(int))
    assert by_proba.sum() > by_logit.sum()


def test_proba_threshold_errors(fraud_model):
    model, X, y = fraud_model
    with pytest.raises(ValueError, match="predict: give threshold .* not both"):
        predict(model, X, threshold=0.0, proba_threshold=0.5)
    with pytest.raises(ValueError, match=r"evaluate: proba_threshold must be in \[0, 1\], got 1.5"):
        evaluate(model, X, y, proba_threshold=1.5)
    with pytest.raises(ValueError, match="predict: proba_threshold must be a finite number, got nan"):
        predict(model, X, proba_threshold=float("nan"))
    three = MLP(2, [3], seed=0)
    with pytest.raises(ValueError, match="needs a model with one output; this one has 3"):
        predict(three, X, proba_threshold=0.5)


def test_predict_with_the_loss_uses_fits_threshold():
    from autograd.data import make_moons
    from autograd.losses import mse_loss

    X, y = make_moons(60, noise=0.1, seed=0)
    model = MLP(2, [8, 1], seed=0)  # linear output trained towards 0/1: threshold 0.5
    fit(model, X, y, loss=mse_loss, optimizer=Adam(model.parameters(), lr=0.05), epochs=30, progress=False)
    predicted = predict(model, X, loss=mse_loss)
    assert np.array_equal(predicted, predict(model, X, threshold=0.5))
    assert evaluate(model, X, y, loss=mse_loss)["accuracy"] == np.mean(predicted == y)
    assert not np.array_equal(predicted, predict(model, X))  # no loss: threshold 0, another answer


def test_evaluate_rejects_labels_the_model_cannot_produce(fraud_model):
    model, X, y = fraud_model
    bad = y.copy()
    bad[3] = 7
    with pytest.raises(ValueError, match=r"evaluate: y\[3\] is 7.*0/1 \(or -1/\+1\) labels"):
        evaluate(model, X, bad)
    three = MLP(2, [3], seed=0)
    with pytest.raises(ValueError, match=r"evaluate: y\[0\] is 0.5; expected class indices 0..2"):
        evaluate(three, [[0.0, 1.0]], [0.5])
    with pytest.raises(ValueError, match=r"evaluate: y\[0\] is 9"):
        evaluate(three, [[0.0, 1.0]], [9])
