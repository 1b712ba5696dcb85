"""Unit tests of `diagnose`: every rule on constructed histories and predictions, at and around its threshold."""

import json
import math
import re

import numpy as np
import pytest

from autograd import diagnostics
from autograd.diagnostics import THRESHOLDS, Finding, Report, diagnose
from autograd.history import History

FALLING = [1.0, 0.8, 0.6, 0.5, 0.4, 0.35, 0.3, 0.27, 0.25, 0.24]


def hist(**kw):
    kw.setdefault("train_loss", FALLING)
    return History(**kw)


def codes(**kw):
    return diagnose(**kw).codes


# --- Finding and Report -------------------------------------------------------------------


def test_finding_rejects_unknown_severity_and_empty_code():
    with pytest.raises(ValueError, match="Finding: severity .* got 'fatal'"):
        Finding("x", "fatal", "m")
    with pytest.raises(ValueError, match="Finding: code"):
        Finding("", "info", "m")


def test_report_orders_by_severity_and_counts_in_headline():
    r = Report([Finding("a", "info", "ok"), Finding("b", "warning", "w"), Finding("c", "critical", "c"),
                Finding("d", "warning", "w2")])
    assert r.codes == ["c", "b", "d", "a"]
    assert r.headline == "NOT READY: 1 critical problem and 2 warnings"
    assert not r.ok and "b" in r and "z" not in r and len(r) == 4
    assert r.get("d").message == "w2" and r.get("z") is None
    assert (r.count("critical"), r.count("warning"), r.count("info")) == (1, 2, 1)
    with pytest.raises(ValueError, match="Report.count"):
        r.count("bad")


@pytest.mark.parametrize("severities, headline, ok", [
    (["warning", "warning"], "NEEDS ATTENTION: 2 warnings", False),
    (["critical", "critical"], "NOT READY: 2 critical problems", False),
    (["info"], "Looks healthy", True),
    ([], "Nothing to report: not enough evidence for a verdict", True),
])
def test_headline(severities, headline, ok):
    r = Report([Finding(f"c{i}", s, "m") for i, s in enumerate(severities)])
    assert (r.headline, r.ok) == (headline, ok)


def test_report_rejects_non_findings():
    with pytest.raises(TypeError, match="Report: findings must be Finding"):
        Report(["loss_unstable"])


def test_str_groups_by_severity_with_fixes():
    r = Report([Finding("a", "info", "good"), Finding("b", "critical", "bad", "do X")])
    assert str(r) == "NOT READY: 1 critical problem\n\nCRITICAL\n  - [b] bad\n    Try: do X\n\nINFO\n  - [a] good"


def test_html_is_escaped():
    r = Report([Finding("a", "warning", "<script>alert(1)</script>", "use a & b")])
    out = r._repr_html_()
    assert "<script>" not in out and "&lt;script&gt;" in out and "a &amp; b" in out
    assert "NEEDS ATTENTION" in out


def test_json_is_strict_and_round_trips():
    r = Report([Finding("non_finite_loss", "critical", "m", "f",
                        {"value": float("nan"), "n": np.int64(3), "x": np.float32(0.5), "ok": np.bool_(True),
                         "arr": np.array([1, 2])})])
    data = json.loads(r.to_json())
    assert data["ok"] is False and data["headline"].startswith("NOT READY")
    assert data["findings"][0]["evidence"] == {"value": "nan", "n": 3, "x": 0.5, "ok": True, "arr": [1, 2]}
    assert r.to_dict() == data


# --- bad input ------------------------------------------------------------------------------


def test_nothing_to_diagnose():
    with pytest.raises(ValueError, match="diagnose: nothing to diagnose"):
        diagnose()


@pytest.mark.parametrize("kwargs, error, pattern", [
    (dict(history=[0.5, 0.4]), TypeError, "diagnose: history must be a History.*list"),
    (dict(history=History(train_loss=["a", "b"])), TypeError, "history.train_loss must hold numbers, got 'a'"),
    (dict(history=History(train_loss="abc")), TypeError, "history.train_loss must be a list"),
    (dict(history=History(train_loss=[1, 2, 3], val_loss=[1, 2])), ValueError, "val_loss has 2 epochs"),
    (dict(history=History(train_loss=[1, 2, 3], grad_norm=[1])), TypeError, "history.grad_norm must be a dict"),
    (dict(y_true=[0, 1], y_pred=[0, 1, 1]), ValueError, "diagnose: y_pred has 3 labels but y_true has 2"),
    (dict(y_pred=[0, 1]), ValueError, "diagnose: y_pred needs y_true"),
    (dict(y_true=[], y_pred=[]), ValueError, "diagnose: y_true is empty"),
    (dict(y_true=[0, float("nan")], y_pred=[0, 1]), ValueError, "diagnose: y_true contains nan"),
    (dict(y_true=[0, 1], y_score=[0.1, float("nan")]), ValueError, "diagnose: y_score contains nan"),
    (dict(y_true=[0, 1], y_score=[0.1]), ValueError, "diagnose: y_score must be one score per label"),
    (dict(X_train=[[0.0], [float("nan")]], y_train=[0, 1]), ValueError, r"diagnose: X_train row 1 holds \[nan\]"),
    (dict(X_train=[0.0, 1.0], y_train=[0, 1]), ValueError, r"X_train must be a non-empty 2-D array.*\(2,\)"),
    (dict(X_train=[["a"], ["b"]], y_train=[0, 1]), ValueError, "X_train must be a 2-D array of numbers"),
    (dict(X_train=[[0.0], [1.0]], y_train=[0, 1, 1]), ValueError, "y_train has 3 labels but X_train has 2"),
    (dict(X_train=[[0.0], [1.0]], X_test=[[0.0, 1.0]]), ValueError, "X_train has 1 features but X_test has 2"),
    (dict(model="not a model", X_test=[[0.0]], y_test=[0]), TypeError, "diagnose: model must be an autograd model"),
    (dict(model=lambda row: row[0], X_test=[[0.0]], y_test=[0]), TypeError, "with parameters"),
    (dict(X_train=[[0.0], [1.0]], y_train=[0, 1], feature_names=["a", "b"]), ValueError,
     r"feature_names must name the 1 columns.*\['a', 'b'\]"),
    (dict(y_true=[0, 1], y_pred=[0, 1], class_names="ab"), TypeError, "class_names must be a mapping"),
    (dict(model=lambda x: x), ValueError, "diagnose: a model needs X_test or X_train"),
])
def test_bad_input_names_function_and_value(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        diagnose(**kwargs)


# --- loss rules -------------------------------------------------------------------------------


def test_nan_loss_is_critical_and_silences_loss_trend():
    r = diagnose(hist(train_loss=[1.0, 0.5, float("nan"), 0.2]))
    f = r.get("non_finite_loss")
    assert f.severity == "critical" and f.evidence["epoch"] == 3 and "epoch 3" in f.message
    assert r.codes == ["non_finite_loss"]
    assert json.loads(r.to_json())["findings"][0]["evidence"]["value"] == "nan"


def test_infinite_validation_loss():
    f = diagnose(hist(train_loss=[1.0, 0.5, 0.3], val_loss=[1.0, math.inf, 0.3])).get("non_finite_loss")
    assert f.evidence == {"split": "validation", "epoch": 2, "value": math.inf}


def test_fit_stopped_on_non_finite_value():
    h = hist(train_loss=[1.0, 0.5], stop_reason="non-finite value at epoch 3: exp overflowed")
    f = diagnose(h).get("non_finite_loss")
    assert f.severity == "critical" and f.evidence["epoch"] == 3
    assert diagnose(hist(stop_reason="EarlyStopping: val_loss did not improve")).codes == ["loss_decreasing"]


@pytest.mark.parametrize("drop, fires", [(0.099, True), (0.101, False), (0.0, True), (-0.5, True), (0.5, False)])
def test_loss_not_decreasing_threshold(drop, fires):
    # Five epochs: the "end" is the last fifth, i.e. the last epoch.
    r = diagnose(hist(train_loss=[1.0, 1.0, 1.0, 1.0, 1.0 - drop]))
    assert ("loss_not_decreasing" in r) == fires
    assert ("loss_decreasing" in r) == (not fires)
    if fires:
        f = r.get("loss_not_decreasing")
        assert f.severity == "warning" and f.evidence["relative_drop"] == pytest.approx(drop)


def test_tail_is_the_mean_of_the_last_fifth():
    f = diagnose(hist(train_loss=[1.0] * 8 + [0.97, 0.87])).get("loss_not_decreasing")
    assert f.evidence["final_loss"] == pytest.approx(0.92)


def test_low_flat_loss_is_not_stuck():
    assert diagnose(hist(train_loss=[0.0009] * 6)).codes == []
    assert diagnose(hist(train_loss=[0.0011] * 6)).codes == ["loss_not_decreasing"]


def test_too_few_epochs_say_nothing_about_the_trend():
    assert diagnose(hist(train_loss=[1.0, 1.0])).codes == []


def falling_with_jumps(n_steps, jump_at, jump):
    loss = [1.0]
    for i in range(1, n_steps + 1):
        loss.append(loss[-1] * (1 + jump if i in jump_at else 0.9))
    return loss


@pytest.mark.parametrize("jump_at, jump, fires", [
    ({3, 7}, 0.12, True),        # 2 of 10 steps jump: share 0.20 >= LOSS_JUMP_SHARE
    ({3}, 0.12, False),          # 1 of 10
    ({3, 7}, 0.08, False),       # rises below LOSS_JUMP
    ({5}, 1.2, True),            # one spike: 2.2x the previous epoch
    ({5}, 0.95, False),          # 1.95x: no spike, one jump
])
def test_loss_unstable_thresholds(jump_at, jump, fires):
    r = diagnose(hist(train_loss=falling_with_jumps(10, jump_at, jump)))
    assert ("loss_unstable" in r) == fires
    assert ("loss_decreasing" in r) == (not fires)


def test_unstable_evidence_names_worst_epoch():
    f = diagnose(hist(train_loss=[1.0, 0.5, 1.5, 0.4, 0.3])).get("loss_unstable")
    assert f.evidence["worst_epoch"] == 3 and f.evidence["worst_from"] == 0.5 and f.evidence["worst_to"] == 1.5


def test_wiggles_near_zero_are_not_instability():
    # Rises of 0.006 are under LOSS_NOISE * 1.0 even though they more than double the loss.
    r = diagnose(hist(train_loss=[1.0, 0.01, 0.004, 0.01, 0.004, 0.01, 0.004]))
    assert r.codes == ["loss_decreasing"]


# --- overfitting -----------------------------------------------------------------------------------

TRAIN = [1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1, 0.08]


@pytest.mark.parametrize("end, fires", [(0.56, True), (0.54, False), (0.9, True)])
def test_overfitting_threshold(end, fires):
    val = [1.0, 0.8, 0.6, 0.5, 0.51, 0.52, 0.53, 0.54, 0.55, end]   # best 0.5 at epoch 4
    r = diagnose(hist(train_loss=TRAIN, val_loss=val))
    assert ("overfitting" in r) == fires
    if fires:
        f = r.get("overfitting")
        assert f.evidence["parted_at_epoch"] == 4 and "epoch 4" in f.message and "epoch 4" in f.fix
        assert f.evidence["best_val_loss"] == 0.5 and f.evidence["final_val_loss"] == end


def test_no_overfitting_when_training_loss_stalls_too():
    val = [1.0, 0.8, 0.6, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1]
    train = [1.0, 0.8, 0.6, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    assert "overfitting" not in diagnose(hist(train_loss=train, val_loss=val))


def test_no_overfitting_once_early_stopping_restored_the_best_weights():
    val = [1.0, 0.8, 0.6, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1]   # best at epoch index 3
    assert "overfitting" in diagnose(hist(train_loss=TRAIN, val_loss=val))
    # The model holds epoch 3's weights: the rise after it no longer describes it.
    assert "overfitting" not in diagnose(hist(train_loss=TRAIN, val_loss=val, restored_epoch=3))
    # Restored to a late epoch that already overfits: still reported.
    assert "overfitting" in diagnose(hist(train_loss=TRAIN, val_loss=val, restored_epoch=8))


def test_no_overfitting_when_both_fall():
    assert "overfitting" not in diagnose(hist(train_loss=TRAIN, val_loss=[v + 0.1 for v in TRAIN]))


# --- metrics ------------------------------------------------------------------------------------------


def test_metrics_improving_on_validation():
    h = hist(val_metrics={"accuracy": [0.5, 0.7, 0.9], "precision": [0.93, 0.8, 0.9], "recall": [0.1, 0.5, 0.9]},
             train_metrics={"accuracy": [0.5, 0.5, 0.5]})
    f = diagnose(h).get("metrics_improving")
    assert f.severity == "info" and f.evidence["split"] == "validation"
    assert f.evidence["accuracy_first"] == 0.5 and f.evidence["accuracy_last"] == 0.9
    assert "recall 0.10 -> 0.90" in f.message and "accuracy 0.50 -> 0.90" in f.message
    assert "precision" not in f.message          # it fell a little: not listed as improved
    assert f.evidence["precision_last"] == 0.9   # the evidence keeps every metric


def test_metrics_improving_lists_only_metrics_that_rose():
    h = hist(val_metrics={"accuracy": [0.5, 0.7, 0.9], "recall": [0.75, 0.75, 0.75]})
    f = diagnose(h).get("metrics_improving")
    assert f.message == "Validation metrics improved: accuracy 0.50 -> 0.90."


def test_metrics_improving_says_the_history_used_the_training_threshold():
    h = hist(val_metrics={"accuracy": [0.5, 0.7, 0.9]})
    assert "threshold" not in diagnose(h, threshold=0.5).get("metrics_improving").message
    message = diagnose(h, threshold=0.27).get("metrics_improving").message
    assert "recorded during training at threshold 0.5, not the 0.27 the predictions use" in message


@pytest.mark.parametrize("acc, fires", [([0.5, 0.5, 0.521], True), ([0.5, 0.5, 0.519], False),
                                        ([0.9, 0.8, 0.7], False)])
def test_metrics_improving_threshold_uses_training_without_validation(acc, fires):
    f = diagnose(hist(train_metrics={"accuracy": acc})).get("metrics_improving")
    assert (f is not None) == fires
    if fires:
        assert f.evidence["split"] == "training"


@pytest.mark.parametrize("recall_end, fires", [(0.951, True), (0.949, False), (0.0, False)])
def test_a_falling_metric_vetoes_improving(recall_end, fires):
    # Accuracy climbing while recall collapses is the fraud model's story, not progress.
    h = hist(val_metrics={"accuracy": [0.5, 0.8, 0.98], "recall": [1.0, 0.5, recall_end]})
    assert ("metrics_improving" in diagnose(h)) == fires


# --- gradients --------------------------------------------------------------------------------------

LAYERS = ["layers.0", "layers.1", "layers.2"]


def grads(first, last, n=4, activations=("sigmoid", "sigmoid", "linear"), **kw):
    return hist(train_loss=FALLING[:n], layers=LAYERS, activations=list(activations),
                grad_norm={"layers.0": [first] * n, "layers.1": [1.0] * n, "layers.2": [last] * n}, **kw)


@pytest.mark.parametrize("first, fires", [(0.0099, True), (0.0101, False), (1e-6, True)])
def test_vanishing_gradients_threshold(first, fires):
    r = diagnose(grads(first, 1.0))
    assert ("vanishing_gradients" in r) == fires
    if fires:
        f = r.get("vanishing_gradients")
        assert f.evidence["ratio"] == pytest.approx(first) and f.evidence["first_layer"] == "layers.0"
        assert "ReLU" in f.fix


@pytest.mark.parametrize("first, last, fires", [(101.0, 1.0, True), (99.0, 1.0, False), (1.0, 1001.0, True),
                                                (999.0, 999.0, False)])
def test_exploding_gradients_thresholds(first, last, fires):
    r = diagnose(grads(first, last))
    assert ("exploding_gradients" in r) == fires
    if fires:
        assert r.get("exploding_gradients").severity == "warning"


def test_infinite_gradient_is_critical():
    f = diagnose(grads(1.0, math.inf)).get("exploding_gradients")
    assert f.severity == "critical" and f.evidence["too_large"] == {"layers.2": math.inf}


def test_exploding_norm_in_a_single_layer_model():
    h = hist(train_loss=FALLING[:3], layers=["layers.0"], grad_norm={"layers.0": [1.0, float("nan"), 5.0]})
    f = diagnose(h).get("exploding_gradients")
    assert f.severity == "critical" and math.isnan(f.evidence["too_large"]["layers.0"])


def test_gradient_ratio_is_a_median_over_epochs():
    h = grads(1.0, 1.0)
    h.grad_norm["layers.0"] = [1.0, 1e-5, 1e-5, 1e-5]   # vanished after the first epoch
    assert diagnose(h).get("vanishing_gradients").evidence["ratio"] == pytest.approx(1e-5)


@pytest.mark.parametrize("share, fires", [(0.5, True), (0.49, False), (1.0, True)])
def test_dead_relu_threshold(share, fires):
    h = grads(1.0, 1.0, activations=("relu", "relu", "linear"),
              zero_grad_fraction={"layers.0": [0.0] * 4, "layers.1": [share] * 4, "layers.2": [0.0] * 4})
    f = diagnose(h).get("dead_relu")
    assert (f is not None) == fires
    if fires:
        assert f.evidence["zero_grad_fraction"] == {"layers.1": share}


def test_dead_relu_judges_recent_epochs_and_only_relu_layers():
    h = grads(1.0, 1.0, n=8, activations=("relu", "tanh", "linear"),
              zero_grad_fraction={"layers.0": [0.9] * 6 + [0.1, 0.1], "layers.1": [0.9] * 8})
    assert "dead_relu" not in diagnose(h)


@pytest.mark.parametrize("share, fires", [(0.5, True), (0.49, False)])
def test_saturated_units_threshold(share, fires):
    h = grads(1.0, 1.0, activations=("sigmoid", "relu", "linear"),
              saturation={"layers.0": [share] * 4, "layers.1": [0.9] * 4, "layers.2": [0.0] * 4})
    f = diagnose(h).get("saturated_units")
    assert (f is not None) == fires
    if fires:
        assert f.evidence["saturation"] == {"layers.0": share}   # the ReLU layer is not judged


# --- labels and predictions --------------------------------------------------------------------------


@pytest.mark.parametrize("n_rare, fires", [(2, True), (20, True), (21, False), (50, False)])
def test_class_imbalance_threshold(n_rare, fires):
    y = [0] * (100 - n_rare) + [1] * n_rare
    f = diagnose(y_true=y, y_pred=y).get("class_imbalance")
    assert (f is not None) == fires
    if fires:
        assert f.severity == "warning" and f.evidence["minority_share"] == n_rare / 100


def test_class_imbalance_direction_either_way():
    for y in ([0] * 98 + [1] * 2, [1] * 98 + [0] * 2):
        f = diagnose(y_true=y, y_pred=y).get("class_imbalance")
        assert f.evidence["minority_share"] == 0.02 and "2.0%" in f.message


def test_class_imbalance_prefers_training_labels():
    f = diagnose(X_train=[[float(i)] for i in range(10)], y_train=[0] * 9 + [1],
                 y_true=[0, 1, 0, 1], y_pred=[0, 1, 0, 1]).get("class_imbalance")
    assert f.evidence["source"] == "y_train"


def test_single_class_is_critical():
    f = diagnose(y_true=[1, 1, 1], y_pred=[1, 1, 1]).get("class_imbalance")
    assert f.severity == "critical" and f.evidence["classes"] == [1]


def fraud(tp=12, fn=88, fp=12, tn=4888):
    y_true = [1] * (tp + fn) + [0] * (fp + tn)
    y_pred = [1] * tp + [0] * fn + [1] * fp + [0] * tn
    return y_true, y_pred


def test_fraud_98_percent_accuracy_12_percent_recall_is_not_fit_for_production():
    y_true, y_pred = fraud()
    r = diagnose(y_true=y_true, y_pred=y_pred)
    f = r.get("accuracy_paradox")
    assert f.severity == "critical" and not r.ok and r.headline.startswith("NOT READY")
    assert f.evidence["accuracy"] == pytest.approx(0.98) and f.evidence["rare_recall"] == pytest.approx(0.12)
    assert f.evidence["baseline_accuracy"] == pytest.approx(0.98)
    assert "misses 88 of every 100" in f.message and "98.0%" in f.message and "production" in f.message
    assert 'class_weight="balanced"' in f.fix and "tune_threshold" in f.fix and "resample" in f.fix
    assert r.codes == ["accuracy_paradox", "class_imbalance"]   # not repeated as confusion_matrix_errors


@pytest.mark.parametrize("tp, fires", [(49, True), (50, False)])
def test_accuracy_paradox_recall_threshold(tp, fires):
    y_true, y_pred = fraud(tp=tp, fn=100 - tp, fp=0, tn=4900)
    assert ("accuracy_paradox" in diagnose(y_true=y_true, y_pred=y_pred)) == fires


def test_accuracy_paradox_on_rare_class_labelled_zero():
    y_true, y_pred = fraud()
    flip = lambda y: [1 - v for v in y]  # noqa: E731
    f = diagnose(y_true=flip(y_true), y_pred=flip(y_pred)).get("accuracy_paradox")
    assert f.evidence["rare_class"] == 0 and f.evidence["misses_per_100"] == 88


def test_low_recall_on_balanced_data_is_an_error_not_a_paradox():
    r = diagnose(y_true=[1] * 100 + [0] * 100, y_pred=[1] * 40 + [0] * 60 + [0] * 100)
    f = r.get("confusion_matrix_errors")
    assert "accuracy_paradox" not in r and f.severity == "warning"
    assert "misses 60 of 100 positives" in f.message and f.evidence["recall"] == 0.4


@pytest.mark.parametrize("fp, fires", [(61, True), (59, False)])
def test_low_precision_threshold(fp, fires):
    # 60 TP: precision 60/121 < 0.5 fires, 60/119 > 0.5 does not (recall is 1.0 throughout).
    r = diagnose(y_true=[1] * 60 + [0] * 200, y_pred=[1] * 60 + [1] * fp + [0] * (200 - fp))
    assert ("confusion_matrix_errors" in r) == fires
    if fires:
        assert f"{fp} of its {60 + fp} positive calls are false alarms" in r.get("confusion_matrix_errors").message


def test_seed_confusion_matrix_is_healthy_at_the_threshold():
    # TP=80 FN=20 FP=10 TN=90: recall is exactly HEALTHY_MIN.
    y_true = [1] * 100 + [0] * 100
    r = diagnose(y_true=y_true, y_pred=[1] * 80 + [0] * 20 + [1] * 10 + [0] * 90)
    f = r.get("confusion_matrix_healthy")
    assert r.codes == ["confusion_matrix_healthy"] and r.ok and r.headline == "Looks healthy"
    assert {k: f.evidence[k] for k in ("tp", "fn", "fp", "tn")} == {"tp": 80, "fn": 20, "fp": 10, "tn": 90}
    r = diagnose(y_true=y_true, y_pred=[1] * 79 + [0] * 21 + [1] * 10 + [0] * 90)
    assert r.codes == []


def test_scores_are_thresholded_as_probabilities_or_logits():
    r = diagnose(y_true=[0, 0, 0, 1] * 10, y_score=[0.2, 0.6, 0.6, 0.9] * 10)     # 0.6 > 0.5: false alarms
    f = r.get("confusion_matrix_errors")
    assert (f.evidence["fp"], f.evidence["tp"]) == (20, 10) and "threshold 0.5" in f.message
    r = diagnose(y_true=[0, 0, 1, 1] * 10, y_score=[-2.0, -0.5, 0.5, 3.0] * 10)
    assert r.codes == ["confusion_matrix_healthy"] and r.findings[0].evidence["auc"] == 1.0


def test_paradox_mentions_good_ranking_from_scores():
    y_true, _ = fraud()
    scores = [0.4] * 12 + [0.3] * 88 + [0.6] * 12 + [0.1] * 4888   # positives rank above most negatives
    f = diagnose(y_true=y_true, y_score=scores).get("accuracy_paradox")
    assert f.evidence["auc"] > 0.99 and "lower threshold" in f.message


def test_hinge_labels_with_logits():
    r = diagnose(y_true=[-1, 1] * 20, y_score=[-1.0, 1.0] * 20)
    assert r.codes == ["confusion_matrix_healthy"] and r.findings[0].evidence["positive_class"] == 1


def test_multiclass_majority_guessing_is_no_better_than_baseline():
    y = [0] * 90 + [1] * 5 + [2] * 5
    r = diagnose(y_true=y, y_pred=[0] * 100)
    assert r.codes == ["class_imbalance", "no_better_than_baseline"] and not r.ok
    f = r.get("no_better_than_baseline")
    assert f.evidence["accuracy"] == f.evidence["majority_baseline"] == 0.9 and f.evidence["majority_class"] == 0
    assert "--class-weight balanced" in f.fix and 'class_weight="balanced"' in f.fix


@pytest.mark.parametrize("right, fires", [(70, True), (71, True), (72, False)])
def test_baseline_rule_margin(right, fires):
    # 70 of 100 are class 0; accuracy must beat 0.70 by more than BASELINE_MARGIN (0.01).
    y_true = [0] * 70 + [1] * 30
    y_pred = [0] * 70 + [1] * (right - 70) + [0] * (100 - right)
    r = diagnose(y_true=y_true, y_pred=y_pred)
    assert ("no_better_than_baseline" in r) == fires
    if fires:
        assert r.headline.startswith("NEEDS ATTENTION") and "confusion_matrix_healthy" not in r


def test_baseline_rule_multiclass_and_healthy_is_impossible():
    y_true = [0] * 40 + [1] * 30 + [2] * 30
    assert "no_better_than_baseline" in diagnose(y_true=y_true, y_pred=[1] * 40 + [0] * 30 + [2] * 30)
    assert diagnose(y_true=y_true, y_pred=y_true).codes == []


def test_source_class_and_feature_names_in_messages():
    y_true, y_pred = fraud()
    r = diagnose(y_true=y_true, y_pred=y_pred, source="the March data", class_names={0: "legit", 1: "fraud"})
    f = r.get("accuracy_paradox")
    assert "on the March data" in f.message and "rare class 'fraud'" in f.message and f.evidence["rare_class"] == 1
    assert "class 'fraud' is 2.0%" in r.get("class_imbalance").message
    assert "--class-weight balanced" in f.fix and "--min-recall" in f.fix
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 200)
    X = np.column_stack([rng.normal(size=200), y.astype(float)])
    f = diagnose(X_train=X, y_train=y, feature_names=["age", "paid"]).get("target_leakage")
    assert f.message.startswith("Feature 'paid' alone") and f.evidence["feature_name"] == "paid"


def test_a_model_predicting_a_class_missing_from_the_labels_warns_nothing(recwarn):
    X = np.linspace(-1, 1, 40)[:, None] + 0.01
    diagnose(model=one_feature_model(), X_test=X, y_test=np.zeros(40, dtype=int))
    assert not [w for w in recwarn if "not in y_true" in str(w.message)]


def test_string_labels_use_the_rare_class():
    y_true = ["ok"] * 95 + ["fraud"] * 5
    f = diagnose(y_true=y_true, y_pred=["ok"] * 100).get("accuracy_paradox")
    assert f.evidence["rare_class"] == "fraud" and f.evidence["misses_per_100"] == 100


# --- leakage ----------------------------------------------------------------------------------------


def moons_like(n, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, (X[:, 0] + 0.8 * rng.normal(size=n) > 0).astype(int)


def test_exact_copies_of_training_rows_are_critical_leakage():
    X, y = moons_like(200, 0)
    Xte, yte = X[:40].copy(), y[:40].copy()
    yte[:3] = 1 - yte[:3]
    f = diagnose(X_train=X, y_train=y, X_test=Xte, y_test=yte).get("data_leakage")
    assert f.severity == "critical"
    assert f.evidence["exact"] == 40 and f.evidence["near"] == 0 and f.evidence["shared_share"] == 1.0
    assert f.evidence["conflicting_labels"] == 3 and "3 of those carry a different label" in f.message


@pytest.mark.parametrize("offset, found", [(1e-6, True), (0.9e-4, True), (1.1e-4, False), (1e-2, False)])
def test_near_duplicates_within_tolerance(offset, found):
    X, y = moons_like(300, 1)
    X_test, y_test = moons_like(100, 2)
    X_test[:10] = X[:10] + offset * X.std(axis=0)
    f = diagnose(X_train=X, y_train=y, X_test=X_test, y_test=y_test).get("data_leakage")
    assert (f is not None) == found
    if found:
        assert f.evidence["near"] == 10 and f.evidence["exact"] == 0 and f.severity == "critical"
        assert f.evidence["test_indices"] == list(range(10))


@pytest.mark.parametrize("shared, severity", [(4, "warning"), (5, "critical")])
def test_leak_share_threshold(shared, severity):
    X, y = moons_like(300, 3)
    X_test, y_test = moons_like(100, 4)
    X_test[:shared] = X[:shared]
    assert diagnose(X_train=X, X_test=X_test).get("data_leakage").severity == severity


def test_no_leakage_between_independent_samples():
    X, y = moons_like(300, 5)
    X_test, y_test = moons_like(100, 6)
    assert diagnose(X_train=X, y_train=y, X_test=X_test, y_test=y_test).codes == []


def one_feature_model():
    from autograd.nn import MLP
    return MLP(1, [1], seed=0)     # score = 0.69 * x: positive exactly when x > 0


def test_test_accuracy_suspiciously_above_training():
    # The model (positive when x > 0) is right on every test row and on 60% of each training class.
    X_train = np.linspace(-1, 1, 50)[:, None] + 0.001
    y_train = (X_train[:, 0] > 0).astype(int)
    y_train[:10], y_train[-10:] = 1, 0
    X_test = np.linspace(-1.5, 1.5, 30)[:, None] + 0.003
    y_test = (X_test[:, 0] > 0).astype(int)
    f = diagnose(model=one_feature_model(), X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test
                 ).get("data_leakage")
    assert f.severity == "warning" and "suspiciously better" in f.message
    assert f.evidence["test_balanced_accuracy"] == 1.0 and f.evidence["train_balanced_accuracy"] == 0.6
    assert f.evidence["allowed_gap"] == pytest.approx(0.05 + 2 * math.sqrt(0.6 * 0.4 / 30))
    # Under MIN_SAMPLES test rows the gap is not trusted.
    r = diagnose(model=one_feature_model(), X_train=X_train, y_train=y_train, X_test=X_test[:29], y_test=y_test[:29])
    assert "data_leakage" not in r


def test_constant_model_is_not_suspicious_when_class_shares_differ():
    # Predicting 0 everywhere scores 70% on test and 40% on training; balanced accuracy is 0.5 on both.
    X_train, X_test = np.full((50, 1), -1.0), np.full((40, 1), -2.0)
    y_train, y_test = np.array([0] * 20 + [1] * 30), np.array([0] * 28 + [1] * 12)
    r = diagnose(model=one_feature_model(), X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test)
    assert "data_leakage" not in r and "it never predicts the positive class" in r.get("confusion_matrix_errors").message


def test_model_predictions_feed_the_confusion_rules():
    X = np.linspace(-1, 1, 40)[:, None] + 0.01
    r = diagnose(model=one_feature_model(), X_test=X, y_test=(X[:, 0] > 0).astype(int))
    f = r.get("confusion_matrix_healthy")
    assert f.evidence["source"] == "the test set" and f.evidence["accuracy"] == 1.0
    r = diagnose(model=one_feature_model(), X_test=X, y_test=np.where(X[:, 0] > 0, 1, -1))
    assert r.get("confusion_matrix_healthy").evidence["accuracy"] == 1.0     # hinge labels
    r = diagnose(model=one_feature_model(), X_train=X, y_train=(X[:, 0] > 0).astype(int))
    assert r.get("confusion_matrix_healthy").evidence["source"] == "the training set"


@pytest.mark.parametrize("noise, fires", [(0.01, True), (1.0, False)])
def test_target_leakage_is_info_alone(noise, fires):
    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 200)
    X = np.column_stack([rng.normal(size=200), -y + noise * rng.normal(size=200)])
    f = diagnose(X_train=X, y_train=y).get("target_leakage")
    assert (f is not None) == fires
    if fires:
        assert f.severity == "info" and f.evidence["feature"] == 1 and f.evidence["auc"] >= 0.99


def test_target_leakage_backed_by_duplicates_is_a_warning():
    rng = np.random.default_rng(8)
    y = rng.integers(0, 2, 200)
    X = np.column_stack([rng.normal(size=200), y.astype(float)])
    r = diagnose(X_train=X, y_train=y, X_test=X[:50], y_test=y[:50])
    assert r.get("target_leakage").severity == "warning" and r.get("data_leakage").severity == "critical"


def test_target_leakage_needs_enough_rows():
    y = np.array([0, 1] * 14)
    assert "target_leakage" not in diagnose(X_train=y[:, None].astype(float), y_train=y)


# --- a whole healthy run and the docs table --------------------------------------------------------


def test_healthy_run_gets_a_clear_healthy_report():
    h = hist(train_loss=TRAIN, val_loss=[v + 0.05 for v in TRAIN], layers=LAYERS,
             activations=["relu", "relu", "linear"],
             val_metrics={"accuracy": [0.6, 0.8, 0.9], "precision": [0.6, 0.8, 0.9], "recall": [0.5, 0.8, 0.9]},
             grad_norm={name: [0.5, 0.4, 0.3] for name in LAYERS},
             zero_grad_fraction={name: [0.05] * 3 for name in LAYERS})
    y_true = [1] * 100 + [0] * 100
    r = diagnose(h, y_true=y_true, y_pred=[1] * 90 + [0] * 10 + [1] * 5 + [0] * 95)
    assert r.ok and r.headline == "Looks healthy"
    assert r.codes == ["loss_decreasing", "metrics_improving", "confusion_matrix_healthy"]
    assert str(r).startswith("Looks healthy\n\nINFO\n  - [loss_decreasing] Training loss decreased steadily")


def test_docs_table_states_every_threshold_and_code():
    doc = diagnostics.__doc__
    stated = {name: float(value) for name, value in re.findall(r"([A-Z_]{4,})=([0-9.e-]+)", doc)}
    assert stated == pytest.approx(THRESHOLDS)
    for code in ("non_finite_loss", "loss_not_decreasing", "loss_unstable", "loss_decreasing", "overfitting",
                 "metrics_improving", "vanishing_gradients", "exploding_gradients", "dead_relu",
                 "saturated_units", "class_imbalance", "accuracy_paradox", "confusion_matrix_errors",
                 "confusion_matrix_healthy", "data_leakage", "target_leakage"):
        assert re.search(rf"^{code} +(critical|warning|info)", doc, re.M), code
