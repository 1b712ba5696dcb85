"""Tests for autograd.metrics: reference values, edge cases, error paths, and scikit-learn as oracle."""

import math
import re
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import metrics as M
from autograd.metrics import UndefinedMetricWarning

FAST = settings(max_examples=100, deadline=None)

# The project's seed confusion matrix: TP=80, FN=20, FP=10, TN=90.
SEED_TRUE = [1] * 100 + [0] * 100
SEED_PRED = [1] * 80 + [0] * 20 + [1] * 10 + [0] * 90


def skm():
    """scikit-learn's metrics, or skip: it is a test oracle, never a dependency."""
    return pytest.importorskip("sklearn.metrics")


def assert_same(ours, theirs):
    """Equal arrays/floats/None/nested dicts, NaN equal to NaN, to 1e-12."""
    if isinstance(theirs, dict):
        assert set(ours) == set(theirs)
        for key in theirs:
            assert_same(ours[key], theirs[key])
    elif theirs is None:
        assert ours is None
    elif isinstance(theirs, tuple):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b)
    else:
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12, equal_nan=True)
        assert np.shape(ours) == np.shape(theirs)


def compare(ours, theirs):
    """Run both; scikit-learn rejecting the input means we must reject it too."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = theirs()
        except ValueError:
            with pytest.raises(ValueError):
                ours()
            return
        assert_same(ours(), expected)


# ---------------------------------------------------------------- reference values


def test_seed_confusion_matrix_reference_values():
    tn, fp, fn, tp = M.confusion_matrix(SEED_TRUE, SEED_PRED).ravel()
    assert (tp, fn, fp, tn) == (80, 20, 10, 90)
    assert M.accuracy_score(SEED_TRUE, SEED_PRED) == pytest.approx(0.85)
    assert M.precision_score(SEED_TRUE, SEED_PRED) == pytest.approx(0.8889, abs=5e-5)
    assert M.recall_score(SEED_TRUE, SEED_PRED) == pytest.approx(0.80)
    assert M.f1_score(SEED_TRUE, SEED_PRED) == pytest.approx(0.8421, abs=5e-5)
    assert M.matthews_corrcoef(SEED_TRUE, SEED_PRED) == pytest.approx(0.7035, abs=5e-5)
    assert M.specificity_score(SEED_TRUE, SEED_PRED) == pytest.approx(0.90)
    assert M.negative_predictive_value(SEED_TRUE, SEED_PRED) == pytest.approx(90 / 110)
    assert M.balanced_accuracy_score(SEED_TRUE, SEED_PRED) == pytest.approx(0.85)
    assert M.fbeta_score(SEED_TRUE, SEED_PRED, beta=2) == pytest.approx(5 * 80 / (5 * 80 + 4 * 20 + 10))


def test_seed_evaluation_summary():
    s = M.evaluation_summary(SEED_TRUE, SEED_PRED)
    assert (s["tp"], s["fp"], s["fn"], s["tn"]) == (80, 10, 20, 90)
    assert s["prevalence"] == 0.5 and s["majority_baseline"] == 0.5 and s["majority_class"] == 0
    assert s["specificity"] == pytest.approx(0.9) and s["matthews_corrcoef"] == pytest.approx(0.7035, abs=5e-5)
    assert "roc_auc" not in s


def test_seed_report_extras():
    report = M.classification_report(SEED_TRUE, SEED_PRED, output_dict=True)
    assert report["balanced_accuracy"] == pytest.approx(0.85)
    assert report["matthews_corrcoef"] == pytest.approx(0.7035, abs=5e-5)
    assert report["majority_baseline"] == 0.5
    assert report["prevalence"] == {"0": 0.5, "1": 0.5}
    text = M.classification_report(SEED_TRUE, SEED_PRED)
    assert "balanced accuracy  0.85" in text and "MCC  0.70" in text
    assert "majority baseline  0.50 (always 0)" in text and "prevalence  0 0.50, 1 0.50" in text


# ---------------------------------------------------------------- confusion matrix edge cases


@pytest.mark.parametrize(
    "y_true, y_pred, expected",
    [
        ([1, 1, 1], [1, 1, 1], [[0, 0], [0, 3]]),
        ([0, 0], [0, 0], [[2, 0], [0, 0]]),
        ([True, True], [True, False], [[0, 0], [1, 1]]),
        (np.array([1.0, 1.0]), np.array([1.0, 1.0]), [[0, 0], [0, 2]]),
    ],
)
def test_binary_confusion_matrix_is_always_2x2(y_true, y_pred, expected):
    cm = M.confusion_matrix(y_true, y_pred)
    assert cm.tolist() == expected
    tn, fp, fn, tp = cm.ravel()   # the line scikit-learn's 1x1 breaks
    assert tn + fp + fn + tp == len(y_true)


def test_single_class_other_labels_need_labels_argument():
    assert M.confusion_matrix(["a", "a"], ["a", "a"]).tolist() == [[2]]
    assert M.confusion_matrix(["a", "a"], ["a", "a"], labels=["a", "b"]).tolist() == [[2, 0], [0, 0]]


def test_confusion_matrix_2x2_agrees_with_sklearn_given_both_labels():
    sk = skm()
    for y in ([1, 1, 1], [0, 0, 0]):
        np.testing.assert_array_equal(M.confusion_matrix(y, y), sk.confusion_matrix(y, y, labels=[0, 1]))


def test_confusion_matrix_labels_order_weights_and_normalize():
    y_true, y_pred = ["b", "a", "c", "a"], ["b", "b", "c", "a"]
    assert M.confusion_matrix(y_true, y_pred, labels=["c", "a"]).tolist() == [[1, 0], [0, 1]]
    cm = M.confusion_matrix(y_true, y_pred, sample_weight=[1.0, 2.0, 0.5, 1.0])
    assert cm.dtype == np.float64 and cm.tolist() == [[1.0, 2.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.5]]
    assert M.confusion_matrix(y_true, y_pred, normalize="true").tolist() == [[0.5, 0.5, 0], [0, 1, 0], [0, 0, 1]]
    assert M.confusion_matrix(y_true, y_pred, normalize="pred")[:, 1].tolist() == [0.5, 0.5, 0]
    assert M.confusion_matrix(y_true, y_pred, normalize="all").sum() == pytest.approx(1.0)
    # an empty row normalises to zeros, not NaN
    assert M.confusion_matrix([1, 1], [1, 0], normalize="true").tolist() == [[0, 0], [0.5, 0.5]]


# ---------------------------------------------------------------- zero_division


def test_zero_division_variants():
    y_true, y_pred = [0, 0, 1], [0, 0, 0]   # nothing flagged: precision is 0/0
    with pytest.warns(UndefinedMetricWarning, match="precision_score: precision"):
        assert M.precision_score(y_true, y_pred) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert M.precision_score(y_true, y_pred, zero_division=0) == 0.0
        assert M.precision_score(y_true, y_pred, zero_division=1) == 1.0
        assert math.isnan(M.precision_score(y_true, y_pred, zero_division=np.nan))
        assert M.recall_score(y_true, y_pred) == 0.0   # recall is defined: no warning
        # F from counts is defined (2tp + fp + fn > 0) although precision is not
        assert M.f1_score(y_true, y_pred) == 0.0
    # nan entries are skipped by the averages, as in scikit-learn
    p = M.precision_score([0, 1, 2], [0, 0, 1], average=None, zero_division=np.nan)
    assert p.tolist()[:2] == [0.5, 0.0] and math.isnan(p[2])
    assert M.precision_score([0, 1, 2], [0, 0, 1], average="macro", zero_division=np.nan) == 0.25
    with pytest.warns(UndefinedMetricWarning, match="F-score"):
        assert M.f1_score([0, 0], [0, 0]) == 0.0   # no positives at all
    assert M.specificity_score([1, 1], [1, 1], zero_division=1) == 1.0
    assert M.negative_predictive_value([0, 1], [1, 1], zero_division=0) == 0.0


# ---------------------------------------------------------------- curves: ties and constant scores


def test_curves_with_all_equal_scores():
    fpr, tpr, thr = M.roc_curve([0, 1, 0, 1], [0.5] * 4)
    assert fpr.tolist() == [0, 1] and tpr.tolist() == [0, 1] and thr.tolist() == [np.inf, 0.5]
    assert M.roc_auc_score([0, 1, 0, 1], [0.5] * 4) == 0.5
    p, r, thr = M.precision_recall_curve([0, 1, 0, 1], [0.5] * 4)
    assert p.tolist() == [0.5, 1] and r.tolist() == [1, 0] and thr.tolist() == [0.5]
    assert M.average_precision_score([0, 1, 0, 1], [0.5] * 4) == 0.5


def test_tied_scores_count_as_half_in_auc():
    # the positive at 0.5 ties one negative: it wins one pair, loses none, ties one of 2x2 pairs
    assert M.roc_auc_score([0, 0, 1, 1], [0.5, 0.1, 0.5, 0.9]) == pytest.approx((1 + 0.5 + 1 + 1) / 4)


def test_curves_warn_when_a_class_is_absent():
    with pytest.warns(UndefinedMetricWarning, match="no negative samples"):
        fpr, tpr, _ = M.roc_curve([1, 1], [0.2, 0.4])
    assert np.isnan(fpr).all() and tpr.tolist() == [0, 0.5, 1]
    with pytest.warns(UndefinedMetricWarning, match="only one class"):
        assert math.isnan(M.roc_auc_score([1, 1], [0.2, 0.4]))
    with pytest.warns(UndefinedMetricWarning, match="no positive class"):
        assert M.precision_recall_curve([0, 0], [0.2, 0.4])[1].tolist() == [1, 1, 0]


def test_auc_and_partial_auc():
    assert M.auc([1, 0.5, 0], [1, 1, 0]) == 0.75   # decreasing x is fine
    assert M.roc_auc_score([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], max_fpr=0.5) == 1.0


def test_log_loss_by_hand():
    assert M.log_loss([0, 1], [[0.8, 0.2], [0.4, 0.6]]) == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2)
    assert M.log_loss([0, 1], [0.2, 0.6], normalize=False) == pytest.approx(-(math.log(0.8) + math.log(0.6)))
    assert M.log_loss([1, 1], [0.5, 0.5], labels=[0, 1]) == pytest.approx(math.log(2))
    assert M.log_loss([0, 1], [0.0, 1.0]) < 1e-10   # clipping keeps log(0) away


def test_works_on_bools_lists_tuples_and_arrays():
    expected = M.f1_score([1, 0, 1, 1], [1, 1, 0, 1])
    assert M.f1_score(np.array([True, False, True, True]), (True, True, False, True)) == expected
    assert M.f1_score(np.array([1, 0, 1, 1]), [1.0, 1.0, 0.0, 1.0]) == expected
    assert M.accuracy_score([1, 0], [1, 1], normalize=False) == 1.0
    assert M.recall_score(["pos", "neg"], ["pos", "pos"], pos_label="pos") == 1.0


def test_multiclass_specificity_and_npv():
    y_true, y_pred = [0, 1, 2, 2], [0, 2, 2, 1]
    # class 0: tn=3, fp=0; class 1: tn=2, fp=1; class 2: tn=1, fp=1
    spec = M.specificity_score(y_true, y_pred, average=None)
    assert spec.tolist() == [1.0, 2 / 3, 0.5]
    assert M.specificity_score(y_true, y_pred, average="macro") == pytest.approx((1 + 2 / 3 + 0.5) / 3)
    assert M.specificity_score(y_true, y_pred, average="weighted") == pytest.approx((1 + 2 / 3 + 1) / 4)
    assert M.specificity_score(y_true, y_pred, average="micro") == pytest.approx(6 / 8)
    assert M.negative_predictive_value(y_true, y_pred, average=None).tolist() == [1.0, 2 / 3, 0.5]


def test_balanced_accuracy_adjusted_single_class_is_nan():
    with pytest.warns(UndefinedMetricWarning, match="one class"):
        assert math.isnan(M.balanced_accuracy_score([1, 1], [1, 1], adjusted=True))
    with pytest.warns(UserWarning, match="y_pred contains classes not in y_true"):
        assert M.balanced_accuracy_score([1, 1], [1, 0]) == 0.5
    assert M.balanced_accuracy_score([0, 1, 0, 1], [1, 0, 1, 0], adjusted=True) == -1.0


def test_evaluation_summary_multiclass_and_scores():
    s = M.evaluation_summary(["a", "b", "c", "c"], ["a", "b", "c", "b"])
    assert s["prevalence"] == {"a": 0.25, "b": 0.25, "c": 0.5}
    assert s["majority_class"] == "c" and s["majority_baseline"] == 0.5 and s["accuracy"] == 0.75
    s = M.evaluation_summary([0, 0, 0], [0, 1, 0], y_score=[0.1, 0.7, 0.2])
    assert math.isnan(s["precision"]) is False and s["precision"] == 0.0
    assert math.isnan(s["recall"]) and math.isnan(s["roc_auc"]) and s["average_precision"] == 0.0


def test_threshold_choice_is_frozen_and_readable():
    choice = M.tune_threshold([0, 1], [0.2, 0.9])
    with pytest.raises(AttributeError):
        choice.threshold = 0.0
    assert str(choice) == ("threshold 0.9: precision 1.000, recall 1.000, f1 1.000, accuracy 1.000, "
                           "specificity 1.000 (tp=1, fp=0, fn=0, tn=1)")


# ---------------------------------------------------------------- tune_threshold by hand


def test_spam_filter_recall_under_precision_floor():
    # 10 spam, 10 good mail. Flagging from the top: scores >= 0.55 catch 9 spam and 1 good mail.
    spam = [0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.3]
    good = [0.58, 0.5, 0.45, 0.4, 0.35, 0.25, 0.2, 0.15, 0.1, 0.05]
    y, s = [1] * 10 + [0] * 10, spam + good
    choice = M.tune_threshold(y, s, maximize="recall", min_precision=0.9)
    # at 0.5 precision would be 9/11 < 0.9; at 0.55 it is 9/10 = 0.9 exactly
    assert (choice.threshold, choice.tp, choice.fp, choice.fn, choice.tn) == (0.55, 9, 1, 1, 9)
    assert choice.precision == 0.9 and choice.recall == 0.9
    # unconstrained best F1 is elsewhere, so the floor changed the answer
    assert M.tune_threshold(y, s, maximize="precision").threshold == 0.95   # ties at 1.0: highest threshold


def test_cancer_screen_precision_under_recall_floor():
    # 20 cases: the 19th case (recall 0.95) only appears at score 0.3, below three healthy people.
    cases = [0.9] * 10 + [0.8] * 8 + [0.3, 0.1]
    healthy = [0.85, 0.5, 0.4, 0.35, 0.2] + [0.05] * 15
    y, s = [1] * 20 + [0] * 20, cases + healthy
    choice = M.tune_threshold(y, s, maximize="precision", min_recall=0.95)
    assert choice.threshold == 0.3 and choice.recall == 0.95
    assert (choice.tp, choice.fp) == (19, 4) and choice.precision == pytest.approx(19 / 23)


def test_infeasible_floor_raises():
    with pytest.raises(ValueError, match=r"tune_threshold: no threshold .* precision >= 0.99 \(best reachable 0.5"):
        M.tune_threshold([0, 1, 0, 1], [0.9, 0.8, 0.3, 0.2], min_precision=0.99)
    with pytest.raises(ValueError, match="precision >= 0.9 .* and recall >= 1.0"):
        M.tune_threshold([1, 0, 1], [0.9, 0.8, 0.3], min_precision=0.9, min_recall=1.0)


@pytest.mark.parametrize(
    "goal, threshold",
    [("f1", 0.4), ("accuracy", 0.4), ("balanced_accuracy", 0.4), ("specificity", 0.9), ("recall", 0.4),
     ("precision", 0.9)],
)
def test_each_goal_by_hand(goal, threshold):
    # desc: 0.9(+) 0.8(-) 0.7(+) 0.6(+) 0.4(+) 0.3(-) 0.1(-)
    y, s = [0, 0, 0, 1, 1, 1, 1], [0.1, 0.3, 0.8, 0.4, 0.6, 0.7, 0.9]
    assert M.tune_threshold(y, s, maximize=goal).threshold == threshold


@st.composite
def scored_labels(draw):
    n = draw(st.integers(2, 25))
    y = draw(st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n).filter(lambda v: 0 < sum(v) < len(v)))
    s = draw(st.lists(st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0]), min_size=n, max_size=n))
    return y, s


def _brute_force(y, s, t):
    y, pred = np.asarray(y) == 1, np.asarray(s) >= t
    tp, fp = int((y & pred).sum()), int((~y & pred).sum())
    fn, tn = int(y.sum()) - tp, int((~y).sum()) - fp
    pos, neg = tp + fn, tn + fp
    return tp, fp, {
        "f1": Fraction(2 * tp, 2 * tp + fp + fn), "recall": Fraction(tp, pos),
        "precision": Fraction(tp, tp + fp), "accuracy": Fraction(tp + tn, len(y)),
        "balanced_accuracy": (Fraction(tp, pos) + Fraction(tn, neg)) / 2, "specificity": Fraction(tn, neg),
    }


@FAST
@given(scored_labels(), st.sampled_from(M.tune_threshold.__globals__["GOALS"]),
       st.sampled_from([None, 0.3, 0.5, 0.75, 0.9, 1.0]), st.sampled_from([None, 0.5, 0.8, 1.0]))
def test_tune_threshold_is_the_best_feasible_candidate(data, goal, min_p, min_r):
    y, s = data

    def feasible(t):
        tp, fp, _ = _brute_force(y, s, t)
        return (min_p is None or tp / (tp + fp) >= min_p) and (min_r is None or tp / sum(y) >= min_r)

    candidates = [t for t in sorted(set(s), reverse=True) if feasible(t)]
    if not candidates:
        with pytest.raises(ValueError, match="tune_threshold: no threshold"):
            M.tune_threshold(y, s, maximize=goal, min_precision=min_p, min_recall=min_r)
        return
    choice = M.tune_threshold(y, s, maximize=goal, min_precision=min_p, min_recall=min_r)
    assert choice.threshold in candidates
    best = max(_brute_force(y, s, t)[2][goal] for t in candidates)
    assert _brute_force(y, s, choice.threshold)[2][goal] == best
    # ties go to the highest threshold
    assert choice.threshold == max(t for t in candidates if _brute_force(y, s, t)[2][goal] == best)
    tp, fp, values = _brute_force(y, s, choice.threshold)
    assert (choice.tp, choice.fp) == (tp, fp) and choice.f1 == pytest.approx(float(values["f1"]))


# ---------------------------------------------------------------- error paths


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: M.f1_score([0, 1], [0, 1, 1]), "f1_score: y_true and y_pred have different lengths"),
        (lambda: M.accuracy_score([], []), "accuracy_score: y_true is empty"),
        (lambda: M.recall_score([0, 1], [0, 0.5]), "recall_score: y_pred contains the continuous value 0.5"),
        (lambda: M.precision_score([0, np.nan], [0, 1]), "precision_score: y_true contains nan"),
        (lambda: M.f1_score([0, 1], ["a", "b"]), "f1_score: y_true and y_pred mix string and number"),
        (lambda: M.f1_score([0, "a"], [0, 1]), "f1_score: y_true mixes strings and numbers"),
        (lambda: M.f1_score([[0, 1]], [[0, 1]]), r"f1_score: y_true must be 1-D"),
        (lambda: M.f1_score("01", "01"), "f1_score: y_true must be a sequence of labels"),
        (lambda: M.f1_score([0, 1], [0, 1], average="mean"), "f1_score: average must be one of .* got 'mean'"),
        (lambda: M.f1_score([0, 1, 2], [0, 1, 2]), "f1_score: .* 3 classes .* average='binary'"),
        (lambda: M.f1_score([2, 3], [2, 3]), "f1_score: pos_label=1 is not a label"),
        (lambda: M.f1_score([0, 1], [0, 1], zero_division="skip"), "f1_score: zero_division must be .* got 'skip'"),
        (lambda: M.fbeta_score([0, 1], [0, 1], beta=-1), "fbeta_score: beta must be"),
        (lambda: M.confusion_matrix([0, 1], [0, 1], normalize="rows"), "confusion_matrix: normalize must be .* 'rows'"),
        (lambda: M.confusion_matrix([0, 1], [0, 1], labels=[]), "confusion_matrix: labels is empty"),
        (lambda: M.confusion_matrix([0, 1], [0, 1], labels=[5]), r"confusion_matrix: none of labels \[5\]"),
        (lambda: M.confusion_matrix([0, 1], [0, 1], labels=[0, 0]), "confusion_matrix: labels has repeated"),
        (lambda: M.confusion_matrix([0, 1], [0, 1], labels=["a"]), "confusion_matrix: labels .* not the same kind"),
        (lambda: M.accuracy_score([0, 1], [0, 1], sample_weight=[1]), "accuracy_score: sample_weight has 1 entries"),
        (lambda: M.accuracy_score([0, 1], [0, 1], sample_weight=[1, -1]), "accuracy_score: sample_weight contains -1"),
        (lambda: M.accuracy_score([0, 1], [0, 1], sample_weight=[0, 0]), "accuracy_score: sample_weight is all zeros"),
        (lambda: M.accuracy_score([0, 1], [0, 1], normalize="yes"), "accuracy_score: normalize must be True or False"),
        (lambda: M.roc_curve([0, 1], [0.1, np.nan]), "roc_curve: y_score contains nan"),
        (lambda: M.roc_curve([0, 1], [0.1, np.inf]), "roc_curve: y_score contains inf"),
        (lambda: M.roc_curve([0, 1], [0.1]), "roc_curve: y_true and y_score have different lengths"),
        (lambda: M.roc_curve([1, 2], [0.1, 0.2]), r"roc_curve: y_true holds \[1, 2\]; pass pos_label"),
        (lambda: M.roc_curve([1, 2], [0.1, 0.2], pos_label=3), "roc_curve: pos_label=3 is not in y_true"),
        (lambda: M.precision_recall_curve([0, 1], ["a", "b"]), "precision_recall_curve: y_score must be numbers"),
        (lambda: M.roc_auc_score([0, 1], [0.1, 0.2], max_fpr=0), r"roc_auc_score: max_fpr must be in \(0, 1\]"),
        (lambda: M.roc_auc_score([0, 1, 2], [0.1, 0.2, 0.3]), "roc_auc_score: y_true has 3 classes"),
        (lambda: M.roc_auc_score([0, 1, 2], np.eye(3)), "roc_auc_score: y_true is multiclass; pass multi_class"),
        (lambda: M.roc_auc_score([0, 1, 2], np.eye(3) * 2, multi_class="ovr"), "roc_auc_score: .* summing to 1"),
        (lambda: M.roc_auc_score([0, 1], [0.1, 0.2], multi_class="ova"), "roc_auc_score: multi_class must be"),
        (lambda: M.roc_auc_score([0, 1, 2], np.eye(3), multi_class="ovo", average=None), "roc_auc_score: average"),
        (lambda: M.average_precision_score([0, 1], [0.1, 0.2], average="samples"), "average_precision_score: average"),
        (lambda: M.average_precision_score([2, 3], [0.1, 0.2]), "average_precision_score: pos_label=1 is not"),
        (lambda: M.log_loss([0, 1], [0.1, 1.2]), r"log_loss: y_proba must be probabilities in \[0, 1\]"),
        (lambda: M.log_loss([1, 1], [0.1, 0.2]), r"log_loss: need two or more classes, got \[1\]"),
        (lambda: M.log_loss([0, 1], [[0.5, 0.2], [0.5, 0.5]]), "log_loss: each row of y_proba must sum to 1"),
        (lambda: M.log_loss([0, 2], [0.5, 0.5], labels=[0, 1]), "log_loss: y_true contains 2, which is not in"),
        (lambda: M.classification_report([0, 1], [0, 1], target_names=["x"]), "classification_report: 2 classes"),
        (lambda: M.classification_report([0, 1], [0, 1], digits=-1), "classification_report: digits must be"),
        (lambda: M.classification_report(["prevalence"], ["prevalence"], output_dict=True),
         "classification_report: a class is named 'prevalence'"),
        (lambda: M.evaluation_summary([2, 3], [2, 3]), "evaluation_summary: pos_label=1 is not a label"),
        (lambda: M.tune_threshold([0, 1], [0.1, 0.2], maximize="auc"), "tune_threshold: maximize must be .* 'auc'"),
        (lambda: M.tune_threshold([0, 1], [0.1, 0.2], min_precision=1.5), "tune_threshold: min_precision must be"),
        (lambda: M.tune_threshold([0, 1], [0.1, 0.2], min_recall=float("nan")), "tune_threshold: min_recall must be"),
        (lambda: M.tune_threshold([0, 0], [0.1, 0.2]), "tune_threshold: y_true has no positive samples"),
        (lambda: M.tune_threshold([1, 1], [0.1, 0.2]), "tune_threshold: y_true has no negative samples"),
        (lambda: M.tune_threshold([0, 1], [0.1, np.nan]), "tune_threshold: scores contains nan"),
        (lambda: M.tune_threshold([0, 1], [0.1]), "tune_threshold: y_true and scores have different lengths"),
    ],
)
def test_error_paths(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_pos_label_ignored_warning():
    with pytest.warns(UserWarning, match="pos_label=2 is ignored when average='macro'"):
        M.f1_score([0, 1, 2], [0, 1, 2], pos_label=2, average="macro")


# ---------------------------------------------------------------- scikit-learn as oracle


POOLS = {
    "binary": [0, 1],
    "signed": [-1, 1],
    "bool": [False, True],
    "multiclass": [0, 1, 2, 3],
    "strings": ["ant", "bee", "cat"],
}


@st.composite
def label_vectors(draw, kinds=tuple(POOLS)):
    kind = draw(st.sampled_from(kinds))
    pool = POOLS[kind]
    n = draw(st.integers(1, 30))
    y_true = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
    y_pred = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
    weights = draw(st.none() | st.lists(st.integers(1, 4), min_size=n, max_size=n)
                   | st.lists(st.floats(0.1, 3.0), min_size=n, max_size=n))
    labels = draw(st.none() | st.lists(st.sampled_from(pool), min_size=1, max_size=len(pool), unique=True))
    return pool, y_true, y_pred, weights, labels


def _single_01_class(y_true, y_pred):
    return len(set(y_true) | set(y_pred)) == 1 and set(y_true) <= {0, 1}


@FAST
@given(label_vectors(), st.sampled_from([None, "true", "pred", "all"]))
def test_confusion_matrix_matches_sklearn(data, normalize):
    sk = skm()
    pool, y_true, y_pred, weights, labels = data
    if labels is None and _single_01_class(y_true, y_pred):
        labels = [False, True] if pool[0] is False else [0, 1]   # our deliberate 2x2
    compare(lambda: M.confusion_matrix(y_true, y_pred, labels=labels, sample_weight=weights, normalize=normalize),
            lambda: sk.confusion_matrix(y_true, y_pred, labels=labels, sample_weight=weights, normalize=normalize))


@FAST
@given(label_vectors(), st.sampled_from([None, "binary", "micro", "macro", "weighted"]),
       st.sampled_from(["warn", 0, 1, np.nan]), st.sampled_from([0.5, 1.0, 2.0]), st.data())
def test_precision_recall_f_match_sklearn(data, average, zero_division, beta, more):
    sk = skm()
    pool, y_true, y_pred, weights, labels = data
    pos_label = more.draw(st.sampled_from(pool))
    kw = dict(labels=labels, pos_label=pos_label, average=average, sample_weight=weights, zero_division=zero_division)
    compare(lambda: M.precision_recall_fscore_support(y_true, y_pred, beta=beta, **kw),
            lambda: sk.precision_recall_fscore_support(y_true, y_pred, beta=beta, **kw))
    for name in ("precision_score", "recall_score", "f1_score"):
        compare(lambda: getattr(M, name)(y_true, y_pred, **kw), lambda: getattr(sk, name)(y_true, y_pred, **kw))
    compare(lambda: M.fbeta_score(y_true, y_pred, beta=beta, **kw), lambda: sk.fbeta_score(y_true, y_pred, beta=beta, **kw))


@FAST
@given(label_vectors(), st.booleans())
def test_accuracy_balanced_accuracy_mcc_match_sklearn(data, flag):
    sk = skm()
    _, y_true, y_pred, weights, _ = data
    compare(lambda: M.accuracy_score(y_true, y_pred, normalize=flag, sample_weight=weights),
            lambda: sk.accuracy_score(y_true, y_pred, normalize=flag, sample_weight=weights))
    compare(lambda: M.matthews_corrcoef(y_true, y_pred, sample_weight=weights),
            lambda: sk.matthews_corrcoef(y_true, y_pred, sample_weight=weights))
    if flag and len(set(y_true)) == 1:
        return   # adjusted with one class: we return nan, scikit-learn nan or -inf
    compare(lambda: M.balanced_accuracy_score(y_true, y_pred, sample_weight=weights, adjusted=flag),
            lambda: sk.balanced_accuracy_score(y_true, y_pred, sample_weight=weights, adjusted=flag))


@FAST
@given(label_vectors(), st.sampled_from([0, 1, 3]), st.booleans(), st.data())
def test_classification_report_matches_sklearn(data, digits, named, more):
    sk = skm()
    _, y_true, y_pred, weights, labels = data
    n_rows = len(labels) if labels is not None else len(set(y_true) | set(y_pred))
    names = [f"class {i}" for i in range(n_rows)] if named else None
    kw = dict(labels=labels, target_names=names, sample_weight=weights, digits=digits, zero_division=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected_text = sk.classification_report(y_true, y_pred, **kw)
        expected_dict = sk.classification_report(y_true, y_pred, output_dict=True, **kw)
        text = M.classification_report(y_true, y_pred, **kw)
        if weights is None and not any(t == p for t, p in zip(y_true, y_pred)):
            # scikit-learn quirk: with no correct prediction its support turns float ("1.0")
            expected_text = re.sub(r"(\d+)\.0\n", r"  \1\n", expected_text)
        assert M.classification_report(y_true, y_pred, extras=False, **kw) == expected_text
        assert text.startswith(expected_text + "\nbalanced accuracy")
        assert_same(M.classification_report(y_true, y_pred, output_dict=True, extras=False, **kw), expected_dict)
        ours = M.classification_report(y_true, y_pred, output_dict=True, **kw)
    assert_same({key: ours[key] for key in expected_dict}, expected_dict)
    assert set(ours) - set(expected_dict) == {"balanced_accuracy", "matthews_corrcoef", "majority_baseline", "prevalence"}


SCORES = st.sampled_from([0.0, 0.1, 0.2, 0.25, 0.5, 0.75, 0.9, 1.0])   # few values: many ties


@st.composite
def binary_scores(draw):
    n = draw(st.integers(1, 30))
    y = draw(st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n))
    s = draw(st.lists(SCORES | st.floats(-5, 5), min_size=n, max_size=n))
    w = draw(st.none() | st.lists(st.floats(0.1, 3.0), min_size=n, max_size=n))
    return y, s, w


@FAST
@given(binary_scores(), st.booleans(), st.sampled_from([None, 0.3, 0.5, 1.0]))
def test_binary_curves_match_sklearn(data, drop, max_fpr):
    sk = skm()
    y, s, w = data
    compare(lambda: M.roc_curve(y, s, sample_weight=w, drop_intermediate=drop),
            lambda: sk.roc_curve(y, s, sample_weight=w, drop_intermediate=drop))
    compare(lambda: M.precision_recall_curve(y, s, sample_weight=w, drop_intermediate=drop),
            lambda: sk.precision_recall_curve(y, s, sample_weight=w, drop_intermediate=drop))
    compare(lambda: M.roc_auc_score(y, s, sample_weight=w, max_fpr=max_fpr),
            lambda: sk.roc_auc_score(y, s, sample_weight=w, max_fpr=max_fpr))
    compare(lambda: M.average_precision_score(y, s, sample_weight=w),
            lambda: sk.average_precision_score(y, s, sample_weight=w))
    p = 1 / (1 + np.exp(-np.asarray(s)))
    compare(lambda: M.log_loss(y, p, sample_weight=w, labels=[0, 1]),
            lambda: sk.log_loss(y, p, sample_weight=w, labels=[0, 1]))


@st.composite
def multiclass_scores(draw):
    k = draw(st.integers(3, 4))
    n = draw(st.integers(k, 30))
    y = draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n).filter(lambda v: len(set(v)) == k))
    raw = np.array(draw(st.lists(st.lists(SCORES, min_size=k, max_size=k), min_size=n, max_size=n))) + 0.05
    w = draw(st.none() | st.lists(st.floats(0.1, 3.0), min_size=n, max_size=n))
    return y, raw / raw.sum(axis=1, keepdims=True), w


@FAST
@given(multiclass_scores(), st.sampled_from([None, "micro", "macro", "weighted"]))
def test_multiclass_scores_match_sklearn(data, average):
    sk = skm()
    y, s, w = data
    compare(lambda: M.roc_auc_score(y, s, multi_class="ovr", average=average, sample_weight=w),
            lambda: sk.roc_auc_score(y, s, multi_class="ovr", average=average, sample_weight=w))
    if average in ("macro", "weighted"):
        compare(lambda: M.roc_auc_score(y, s, multi_class="ovo", average=average),
                lambda: sk.roc_auc_score(y, s, multi_class="ovo", average=average))
    compare(lambda: M.average_precision_score(y, s, average=average, sample_weight=w),
            lambda: sk.average_precision_score(y, s, average=average, sample_weight=w))
    compare(lambda: M.log_loss(y, s, sample_weight=w), lambda: sk.log_loss(y, s, sample_weight=w))
    compare(lambda: M.log_loss(y, s, normalize=False, labels=list(range(s.shape[1]))),
            lambda: sk.log_loss(y, s, normalize=False, labels=list(range(s.shape[1]))))
