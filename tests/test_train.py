"""Tests of autograd.train: fit's History, reproducibility, stopping, predictions and input errors."""

import math

import numpy as np
import pytest

from autograd import no_grad
from autograd.callbacks import EarlyStopping
from autograd.data import make_blobs, make_circles, make_moons, train_test_split
from autograd.losses import (
    balanced_class_weight,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    l2_penalty,
    mse_loss,
)
from autograd.metrics import accuracy_score, f1_score, precision_score, recall_score
from autograd.nn import MLP
from autograd.optim import SGD, Adam, LinearDecay
from autograd.train import evaluate, fit, predict, predict_proba

X4 = [[0.0, 1.0], [1.0, 0.0], [0.0, 0.9], [0.9, 0.0]]
Y4 = [1, 0, 1, 0]


def small_fit(**kwargs):
    model = MLP(2, [4, 1], seed=2)
    options = dict(loss=hinge_loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=3, progress=False)
    options.update(kwargs)
    return model, fit(model, X4, Y4, **options)


# --- acceptance: real training ---------------------------------------------------------


@pytest.mark.slow
def test_micrograd_demo_recipe_reaches_full_training_accuracy():
    # micrograd's demo.ipynb: 100 moons, 2-16-16-1, hinge + 1e-4 L2, lr 1.0 - 0.9 k/100, 100 steps.
    X, y = make_moons(100, noise=0.1, seed=1)
    model = MLP(2, [16, 16, 1], seed=1337)
    history = fit(model, X, y, loss=hinge_loss, optimizer=SGD(model.parameters(), lr=1.0),
                  epochs=100, l2=1e-4, schedule=LinearDecay(1.0, 0.1, 100), progress=False)
    assert history.learning_rate[:2] == [1.0, 1.0 - 0.9 / 100]
    assert history.train_metrics["accuracy"][-1] == 1.0
    assert (predict(model, X) == y).mean() == 1.0


@pytest.mark.slow
@pytest.mark.parametrize("make, options", [(make_moons, {}), (make_circles, {"factor": 0.5})])
def test_held_out_accuracy_on_moons_and_circles(make, options):
    X, y = make(200, noise=0.05, seed=0, **options)
    Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.25, stratify=y, seed=0)
    model = MLP(2, [8, 8, 1], activation="tanh", init="xavier", seed=0)
    history = fit(model, Xtr, ytr, loss=binary_cross_entropy_with_logits,
                  optimizer=Adam(model.parameters(), lr=0.05), epochs=60, batch_size=50,
                  validation_data=(Xva, yva), seed=0, progress=False)
    assert history.val_metrics["accuracy"][-1] >= 0.95
    assert evaluate(model, Xva, yva, metrics=["accuracy"])["accuracy"] >= 0.95


def test_three_blobs_train_with_cross_entropy():
    X, y = make_blobs(90, centers=3, cluster_std=0.8, seed=0)
    model = MLP(2, [3], seed=0)       # a linear softmax classifier
    history = fit(model, X, y, loss=cross_entropy, optimizer=Adam(model.parameters(), lr=0.1),
                  epochs=40, metrics=("accuracy", "f1"), progress=False)
    assert history.train_loss[-1] < history.train_loss[0] / 4
    assert history.train_metrics["accuracy"][-1] >= 0.95
    assert (predict(model, X) == y).mean() >= 0.95
    proba = predict_proba(model, X)
    assert proba.shape == (90, 3) and np.allclose(proba.sum(axis=1), 1.0)


def test_class_weight_balanced_raises_recall_on_a_rare_class():
    # 10% positives overlapping the negatives: unweighted training favours the majority.
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0.0, 1.0, (90, 2)), rng.normal(1.0, 1.0, (10, 2))])
    y = np.array([0] * 90 + [1] * 10)
    recalls = {}
    for weight in (None, "balanced"):
        model = MLP(2, [1], seed=0)
        h = fit(model, X, y, loss=binary_cross_entropy_with_logits, class_weight=weight,
                optimizer=Adam(model.parameters(), lr=0.1), epochs=60, progress=False)
        recalls[weight] = h.train_metrics["recall"][-1]
    assert recalls["balanced"] >= 0.7 > recalls[None]


# --- what the History holds --------------------------------------------------------------


def test_history_fields_for_one_full_batch_epoch():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    params = model.parameters()
    start = [p.data for p in params]
    # The expected numbers, computed by hand on a copy of the starting point.
    outputs = [model(x) for x in X4]
    loss = hinge_loss(outputs, Y4)
    loss.backward()
    grads = [p.grad for p in params]
    model.zero_grad()
    hidden = [v.data for x in X4 for v in model.layers[0]([*x])]

    h = fit(model, X4, Y4, loss=hinge_loss, optimizer=SGD(params, lr=0.5), epochs=1,
            metrics=("accuracy", "precision", "recall", "f1"), progress=False)
    assert h.train_loss == [loss.data]
    assert h.learning_rate == [0.5]
    assert h.layers == ["layers.0", "layers.1"] and h.activations == ["tanh", "linear"]
    g0, p0 = np.array(grads[:9]), np.array(start[:9])
    assert h.grad_norm["layers.0"] == [pytest.approx(np.linalg.norm(g0))]
    assert h.mean_abs_grad["layers.0"] == [pytest.approx(np.abs(g0).mean())]
    assert h.zero_grad_fraction["layers.0"] == [pytest.approx((g0 == 0).mean())]
    assert h.update_ratio["layers.0"] == [pytest.approx(0.5 * np.linalg.norm(g0) / np.linalg.norm(p0))]
    assert h.saturation["layers.0"] == [pytest.approx(np.mean(np.abs(hidden) > 0.99))]
    assert h.saturation["layers.1"] == [0.0]
    scores = [o.data for o in outputs]
    predicted = [int(s >= 0) for s in scores]
    assert h.train_metrics["accuracy"] == [np.mean(np.array(predicted) == Y4)]
    assert set(h.train_metrics) == {"accuracy", "precision", "recall", "f1"}
    assert h.val_loss == [] and h.val_metrics == {}
    assert h.stopped_epoch is None and h.stop_reason is None and h.best_epoch == 0


def test_saturated_tanh_layer_is_measured():
    model = MLP(2, [2, 1], activation="tanh", seed=0)
    for p in model.layers[0].parameters():
        p.data = 50.0                        # every hidden unit pinned at +1
    h = fit(model, X4, Y4, loss=hinge_loss, optimizer=SGD(model.parameters(), lr=0.0), epochs=1,
            progress=False)
    assert h.saturation["layers.0"] == [1.0]
    assert h.zero_grad_fraction["layers.0"] == [1.0]   # tanh' = 0 to the last bit


def test_validation_and_metrics_per_epoch():
    model, h = small_fit(validation_data=(X4, Y4), epochs=4, metrics=["accuracy", "recall"])
    assert len(h.val_loss) == 4 and set(h.val_metrics) == {"accuracy", "recall"}
    assert h.val_loss[-1] == pytest.approx(evaluate(model, X4, Y4, loss=hinge_loss)["loss"])
    assert all(len(v) == 4 for v in h.val_metrics.values())
    assert h.best_epoch == int(np.argmin(h.val_loss))


def test_same_seed_same_history_bit_for_bit():
    X, y = make_moons(40, noise=0.1, seed=3)

    def run(seed):
        model = MLP(2, [4, 1], seed=7)
        return fit(model, X, y, loss=hinge_loss, optimizer=SGD(model.parameters(), lr=0.1, momentum=0.9),
                   epochs=3, batch_size=8, seed=seed, validation_data=(X, y), progress=False)

    assert run(5) == run(5)
    assert run(5).train_loss != run(6).train_loss


def test_schedule_sets_the_learning_rate_each_epoch():
    _, h = small_fit(schedule=LinearDecay(1.0, 0.1, 2))
    assert h.learning_rate == [1.0, 0.55, 0.1]


def test_l2_penalty_changes_the_step_but_not_the_recorded_loss():
    _, plain = small_fit(epochs=1)
    _, with_l2 = small_fit(epochs=1, l2=0.1)
    assert plain.train_loss == with_l2.train_loss            # loss before the first step, no penalty
    assert plain.update_ratio != with_l2.update_ratio


def test_progress_bar_shows_the_loss(capsys):
    small_fit(progress=True, validation_data=(X4, Y4))
    err = capsys.readouterr().err
    assert "fit" in err and "val_accuracy" in err


def test_bce_on_probabilities_uses_threshold_one_half():
    model = MLP(2, [4, 1], output_activation="sigmoid", seed=2)
    h = fit(model, X4, Y4, loss=binary_cross_entropy, optimizer=Adam(model.parameters(), lr=0.1),
            epochs=30, progress=False)
    proba = predict_proba(model, X4)
    assert predict(model, X4).tolist() == (proba >= 0.5).astype(int).tolist() == Y4
    assert h.train_metrics["accuracy"][-1] == 1.0


# --- stopping ---------------------------------------------------------------------------


def test_early_stopping_in_fit_restores_the_best_weights():
    snapshots = []

    def remember(epoch, history, model):
        snapshots.append([p.data for p in model.parameters()])

    stop = EarlyStopping(monitor="loss", patience=1, restore_best_weights=True)
    # A large learning rate makes the loss bounce, so the best epoch is not the last.
    model = MLP(2, [4, 1], seed=2)
    h = fit(model, X4, Y4, loss=mse_loss, optimizer=SGD(model.parameters(), lr=0.9), epochs=30,
            callbacks=[remember, stop], progress=False)
    assert h.stopped_epoch is not None and h.stopped_epoch < 29
    assert h.stop_reason.startswith("early stopping at epoch")
    assert h.best_epoch == int(np.argmin(h.train_loss))
    assert [p.data for p in model.parameters()] == snapshots[h.best_epoch]


def test_a_function_callback_can_stop_training():
    _, h = small_fit(epochs=10, callbacks=[lambda epoch, history, model: epoch == 2])
    assert h.epochs == 3 and h.stopped_epoch == 2
    assert h.stop_reason == "callback <lambda> stopped training at epoch 3"


DIVERGING_X = [[100.0, 100.0], [-100.0, 50.0]]


def test_overflow_stops_training_with_the_epoch_and_the_operation():
    # A linear model and a far too large step: the error grows ~1e5-fold per epoch.
    model = MLP(2, [1], seed=2)
    with pytest.warns(RuntimeWarning, match="training stopped"):
        h = fit(model, DIVERGING_X, [1.0, 0.0], loss=mse_loss, optimizer=SGD(model.parameters(), lr=10.0),
                epochs=500, progress=False)
    assert h.stopped_epoch is not None and h.epochs == h.stopped_epoch
    assert h.stop_reason.startswith(f"non-finite value at epoch {h.stopped_epoch + 1}: ")
    assert "too large for a float" in h.stop_reason or "not finite" in h.stop_reason
    assert all(math.isfinite(p.data) for p in model.parameters())
    assert all(len(v) == h.epochs for v in h.grad_norm.values())


def test_overflow_can_be_re_raised():
    model = MLP(2, [1], seed=2)
    with pytest.raises(ArithmeticError, match=r"^fit: epoch \d+: "):
        fit(model, DIVERGING_X, [1.0, 0.0], loss=mse_loss, optimizer=SGD(model.parameters(), lr=10.0),
            epochs=500, progress=False, stop_on_nonfinite=False)


# --- predictions ----------------------------------------------------------------------------


def test_predict_and_predict_proba_of_a_score_model():
    model = MLP(1, [1], seed=0)
    w = model.parameters()[0].data
    X = [[-1.0], [0.0], [2.0]]
    assert predict(model, X).tolist() == [int(-w >= 0), 1, int(2 * w >= 0)]   # score 0: positive
    assert predict(model, X, threshold=-10).tolist() == [1, 1, 1]
    assert predict_proba(model, X) == pytest.approx([1 / (1 + math.exp(w)), 0.5, 1 / (1 + math.exp(-2 * w))])


def test_evaluate_returns_loss_and_metrics():
    model = MLP(1, [1], seed=0)
    result = evaluate(model, [[-1.0], [2.0], [1.0]], [0, 1, 0], loss=hinge_loss)
    w = model.parameters()[0].data
    assert result["loss"] == pytest.approx((max(0, 1 - w) + max(0, 1 - 2 * w) + max(0, 1 + w)) / 3)
    assert result["accuracy"] == pytest.approx(2 / 3)
    assert result["precision"] == 0.5 and result["recall"] == 1.0


# --- bad input, before any training -----------------------------------------------------------


def _fit(**changes):
    model = MLP(2, [3, 1], seed=0)
    args = dict(model=model, X=X4, y=Y4, loss=hinge_loss, optimizer=SGD(model.parameters(), lr=0.1),
                epochs=2, progress=False)
    args.update(changes)
    start = [p.data for p in model.parameters()]
    try:
        return fit(**args)
    finally:
        assert [p.data for p in model.parameters()] == start   # nothing trained


@pytest.mark.parametrize("changes, error, message", [
    ({"y": [1, 0, 1]}, ValueError, "fit: X has 4 rows but y has 3 targets"),
    ({"X": [[0.0, 1.0, 2.0]] * 4}, ValueError, "X has 3 features per row but the model takes 2"),
    ({"X": [[0.0, 1.0], [0.0, math.nan], [1, 1], [0, 0]]}, ValueError, r"X\[1, 1\] is nan"),
    ({"X": [[0.0, 1.0], [0.0, 1.0], [math.inf, 1], [0, 0]]}, ValueError, r"X\[2, 0\] is inf"),
    ({"X": [], "y": []}, ValueError, "fit: X is empty"),
    ({"X": [1.0, 2.0, 3.0, 4.0]}, ValueError, r"X must be 2-D"),
    ({"y": [1, 0, math.nan, 0]}, ValueError, r"y\[2\] is nan"),
    ({"y": [1, 0, 2, 0]}, ValueError, r"fit: y does not suit .*hinge_loss: targets\[2\] = 2"),
    ({"loss": binary_cross_entropy_with_logits, "y": [1, 0, 3, 0]}, ValueError,
     r"binary_cross_entropy_with_logits: targets\[2\] = 3"),
    ({"loss": cross_entropy}, TypeError, r"cross_entropy: logits\[0\] must be a list"),
    ({"loss": binary_cross_entropy}, ValueError, "binary_cross_entropy takes probabilities, but the model's last layer is 'linear'"),
    ({"epochs": 0}, ValueError, "fit: epochs: expected an int >= 1, got 0"),
    ({"epochs": 2.5}, TypeError, "fit: epochs: expected an int, got float 2.5"),
    ({"batch_size": 0}, ValueError, "fit: batch_size: expected an int >= 1, got 0"),
    ({"metrics": ["accuracy", "auc"]}, ValueError, "unknown metric 'auc'"),
    ({"metrics": "accuracy"}, TypeError, "metrics must be a list of names"),
    ({"loss": "hinge"}, TypeError, "loss must be a loss function"),
    ({"optimizer": object()}, TypeError, r"optimizer must have step\(\)"),
    ({"l2": -1.0}, ValueError, "l2 must be a finite number >= 0"),
    ({"seed": 1.5}, TypeError, "seed must be an int or None"),
    ({"schedule": 0.1}, TypeError, "schedule must be a function"),
    ({"class_weight": {0: 1.0}, "loss": mse_loss}, TypeError, "mse_loss takes no class_weight"),
    ({"class_weight": {5: 1.0}}, ValueError, "class_weight has key 5"),
    ({"callbacks": [EarlyStopping()]}, ValueError, "monitors 'val_loss' but no validation_data"),
    ({"callbacks": [3]}, TypeError, "each callback must be a Callback or a function"),
    ({"validation_data": (X4,)}, TypeError, r"validation_data must be a pair"),
    ({"validation_data": (X4, [1, 0, 5, 0])}, ValueError, r"y_val does not suit"),
    ({"validation_data": ([[1.0]], [1])}, ValueError, "X_val has 1 features per row"),
    ({"model": "mlp"}, TypeError, "model must be an autograd.nn.MLP"),
])
def test_bad_input_fails_before_training(changes, error, message):
    with pytest.raises(error, match=message):
        _fit(**changes)


def test_predict_rejects_bad_input():
    model = MLP(2, [1], seed=0)
    with pytest.raises(ValueError, match=r"predict: X\[0, 1\] is inf"):
        predict(model, [[0.0, math.inf]])
    with pytest.raises(ValueError, match="threshold must be a finite number"):
        predict(model, [[0.0, 1.0]], threshold=math.nan)
    with pytest.raises(ValueError, match="evaluate: X has 1 rows but y has 2 targets"):
        evaluate(model, [[0.0, 1.0]], [1, 0])


# --- the replayed batch equals one scalar graph per sample ---------------------------------


def _fit_per_sample(model, X, y, *, loss, optimizer, epochs, batch_size=None, seed=None, l2=0.0, **loss_kw):
    """fit's loop on one scalar graph per sample: the reference the replay must reproduce."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    batch_size = batch_size or len(X)
    rng = np.random.default_rng(seed)
    epoch_losses = []
    for _ in range(epochs):
        order = rng.permutation(len(X)) if batch_size < len(X) else np.arange(len(X))
        total_loss = 0.0
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            model.zero_grad()
            data_loss = loss([model(row) for row in X[idx].tolist()], y[idx], **loss_kw)
            total = data_loss + l2_penalty(model, l2) if l2 > 0 else data_loss
            total.backward()
            optimizer.step()
            total_loss += data_loss.data * len(idx)
        epoch_losses.append(total_loss / len(X))
    return epoch_losses


def _moons():
    return make_moons(40, noise=0.2, seed=0)


def _blobs():
    return make_blobs(45, centers=3, cluster_std=1.0, seed=0)


REPLAY_CASES = {
    "hinge+l2, relu, SGD momentum, full batch": (
        _moons, lambda: MLP(2, [8, 8, 1], seed=1), hinge_loss,
        lambda ps: SGD(ps, lr=0.3, momentum=0.9), dict(l2=1e-3)),
    "logits+balanced weights, tanh, Adam, batches of 8": (
        _moons, lambda: MLP(2, [6, 6, 1], activation="tanh", seed=2), binary_cross_entropy_with_logits,
        lambda ps: Adam(ps, lr=0.05), dict(batch_size=8, seed=3, class_weight="balanced")),
    "BCE on probabilities, sigmoid output, SGD": (
        _moons, lambda: MLP(2, [5, 1], activation="tanh", output_activation="sigmoid", seed=3),
        binary_cross_entropy, lambda ps: SGD(ps, lr=0.5), {}),
    "MSE, sigmoid hidden layer, batches of 16": (
        _moons, lambda: MLP(2, [4, 1], activation="sigmoid", seed=4), mse_loss,
        lambda ps: SGD(ps, lr=0.2), dict(batch_size=16, seed=0)),
    "cross-entropy, 3 classes, Adam, batches of 10": (
        _blobs, lambda: MLP(2, [6, 3], seed=5), cross_entropy,
        lambda ps: Adam(ps, lr=0.05), dict(batch_size=10, seed=1, l2=1e-2)),
}


@pytest.mark.parametrize("case", list(REPLAY_CASES))
def test_fit_equals_one_scalar_graph_per_sample(case):
    data, make_model, loss, make_optimizer, options = REPLAY_CASES[case]
    X, y = data()
    replayed, reference = make_model(), make_model()
    h = fit(replayed, X, y, loss=loss, optimizer=make_optimizer(replayed.parameters()), epochs=4,
            progress=False, **options)
    reference_options = dict(options)
    if reference_options.pop("class_weight", None) == "balanced":
        reference_options["class_weight"] = balanced_class_weight(y)
    expected_losses = _fit_per_sample(reference, X, y, loss=loss, optimizer=make_optimizer(reference.parameters()),
                                      epochs=4, **reference_options)
    np.testing.assert_allclose([p.data for p in replayed.parameters()],
                               [p.data for p in reference.parameters()], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(h.train_loss, expected_losses, rtol=1e-9)


def test_history_metrics_are_those_of_autograd_metrics():
    X, y = make_blobs(45, centers=3, cluster_std=2.0, seed=0)
    model = MLP(2, [3], seed=0)
    h = fit(model, X, y, loss=cross_entropy, optimizer=SGD(model.parameters(), lr=0.0), epochs=1,
            metrics=("accuracy", "precision", "recall", "f1"), progress=False)
    predicted = predict(model, X)                    # lr 0: the weights the epoch measured
    assert h.train_metrics == {
        "accuracy": [accuracy_score(y, predicted)],
        "precision": [precision_score(y, predicted, average="macro", zero_division=0)],
        "recall": [recall_score(y, predicted, average="macro", zero_division=0)],
        "f1": [f1_score(y, predicted, average="macro", zero_division=0)],
    }


def test_a_score_equal_to_the_threshold_is_positive():
    model = MLP(1, [1], seed=0)                        # y = w x: the score of x = 0 is exactly 0
    h = fit(model, [[0.0], [0.0]], [1, 1], loss=hinge_loss, optimizer=SGD(model.parameters(), lr=0.0),
            epochs=1, metrics=["accuracy", "recall"], progress=False)
    assert h.train_metrics == {"accuracy": [1.0], "recall": [1.0]}
    assert evaluate(model, [[0.0]], [1], metrics=["accuracy"]) == {"accuracy": 1.0}
    assert predict(model, [[0.0]], threshold=0.0).tolist() == [1]


def test_predictions_under_no_grad_are_the_same():
    X, _ = _moons()
    model = MLP(2, [5, 3], activation="tanh", seed=0)
    with no_grad():                                    # no graph to record: scored one by one
        proba, classes = predict_proba(model, X), predict(model, X)
    np.testing.assert_allclose(predict_proba(model, X), proba, rtol=1e-12)
    assert predict(model, X).tolist() == classes.tolist()


def test_fit_inside_no_grad_says_so():
    model = MLP(2, [3, 1], seed=0)
    with no_grad(), pytest.raises(RuntimeError, match=r"fit: called inside no_grad"):
        fit(model, X4, Y4, loss=hinge_loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=1, progress=False)


def test_overflow_in_the_replayed_forward_stops_training():
    model = MLP(2, [2, 1], seed=0)
    X = [[1e300, 1e300], [1.0, 1.0]]
    for p in model.layers[0].parameters():
        p.data = 1e10                                  # 1e10 * 1e300 overflows in the first layer
    with pytest.warns(RuntimeWarning, match="training stopped"):
        h = fit(model, X, [1, 0], loss=hinge_loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=3,
                progress=False)
    assert h.epochs == 0 and h.stopped_epoch == 0
    assert h.stop_reason.startswith("non-finite value at epoch 1: ")
    assert "in sample 0: the result is too large for a float" in h.stop_reason


def test_fit_refuses_a_logit_loss_on_a_sigmoid_output():
    from autograd.losses import binary_cross_entropy_with_logits

    model = MLP(2, [4, 1], output_activation="sigmoid", seed=0)
    with pytest.raises(ValueError, match="binary_cross_entropy_with_logits takes raw scores .* last layer is a sigmoid"):
        fit(model, [[0.0, 1.0], [1.0, 0.0]], [0, 1], loss=binary_cross_entropy_with_logits,
            optimizer=SGD(model.parameters(), lr=0.1), epochs=1, progress=False)


def test_fit_checks_metrics_and_optimizer_before_training():
    model = MLP(2, [1], seed=0)
    X, y = [[0.0, 1.0], [1.0, 0.0]], [0, 1]
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"fit: metrics lists a name twice: \['accuracy', 'accuracy'\]"):
        fit(model, X, y, loss=hinge_loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=1,
            metrics=["accuracy", "accuracy"], progress=False)
    with pytest.raises(TypeError, match="fit: metrics must be a list of names"):
        fit(model, X, y, loss=hinge_loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=1,
            metrics=None, progress=False)

    class NoLr:
        def step(self): ...
        def zero_grad(self): ...

    with pytest.raises(TypeError, match="fit: optimizer must have an lr attribute"):
        fit(model, X, y, loss=hinge_loss, optimizer=NoLr(), epochs=1, progress=False)
    assert model.state_dict() == before
