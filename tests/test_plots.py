"""Tests of viz.plots: each figure is saved as PNG and SVG and its artists hold the right values."""

from __future__ import annotations

import importlib
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.colors import rgb_to_hsv, to_rgb  # noqa: E402
from sklearn import metrics as skm  # noqa: E402

from autograd import no_grad  # noqa: E402
from autograd.history import History  # noqa: E402
from autograd.metrics import tune_threshold  # noqa: E402
from autograd.nn import MLP  # noqa: E402
from viz.plots import (  # noqa: E402
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_gradient_flow,
    plot_history,
    plot_precision_recall,
    plot_roc,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def save_and_check(fig, tmp_path, name: str) -> None:
    """Write PNG and SVG; both non-empty, PNG by its magic bytes, SVG holding every title."""
    png, svg = tmp_path / f"{name}.png", tmp_path / f"{name}.svg"
    fig.savefig(png, dpi=40)
    # Text as <text> elements, not glyph paths, so titles can be found in the file.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(svg)
    assert png.stat().st_size > 0 and png.read_bytes()[:8] == PNG_MAGIC
    text = svg.read_text(encoding="utf-8")
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    if fig._suptitle is not None:
        titles.append(fig._suptitle.get_text())
    assert titles
    for title in titles:
        assert title.replace("&", "&amp;") in text


def xdata(line) -> list[float]:
    return np.asarray(line.get_xdata(), dtype=float).tolist()


def ydata(line) -> list[float]:
    return np.asarray(line.get_ydata(), dtype=float).tolist()


def legend_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


# --- plot_history ---------------------------------------------------------------


def make_history(**changes) -> History:
    fields = dict(
        train_loss=[0.9, 0.6, 0.45, 0.4],
        val_loss=[1.0, 0.7, 0.75, 0.8],
        train_metrics={m: [0.5, 0.6, 0.7, 0.8] for m in ("accuracy", "precision", "recall", "f1")},
        val_metrics={m: [0.4, 0.55, 0.5, 0.45] for m in ("accuracy", "precision", "recall", "f1")},
        layers=["layers.0", "layers.1", "layers.2"],
        activations=["tanh", "tanh", "linear"],
        grad_norm={"layers.0": [1e-5, 2e-6, 1e-6, 5e-7], "layers.1": [1e-3, 5e-4, 3e-4, 2e-4],
                   "layers.2": [0.5, 0.4, 0.3, 0.3]},
        update_ratio={"layers.0": [1e-4, 1e-4, 1e-4, 1e-4], "layers.1": [1e-3] * 4, "layers.2": [1e-2] * 4},
    )
    fields.update(changes)
    return History(**fields)


def test_history_panels_hold_the_recorded_values(tmp_path):
    h = make_history()
    fig = plot_history(h)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy", "precision", "recall", "f1"]
    loss = fig.axes[0]
    train, val, marker, best_line = loss.lines
    assert xdata(train) == [1, 2, 3, 4]    # epochs count from 1, as in the diagnosis
    assert ydata(train) == h.train_loss
    assert ydata(val) == h.val_loss
    # best_epoch is None: the least validation loss, index 1, so epoch 2
    assert xdata(marker) == [2] and ydata(marker) == [0.7]
    assert xdata(best_line) == [2, 2]
    assert legend_texts(loss) == ["train", "validation", "best epoch (2)"]
    for ax, name in zip(fig.axes[1:], ["accuracy", "precision", "recall", "f1"]):
        assert ydata(ax.lines[0]) == h.train_metrics[name]
        assert ydata(ax.lines[1]) == h.val_metrics[name]
        assert xdata(ax.lines[-1]) == [2, 2]
        assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == name
    assert fig._suptitle.get_text() == "Training history"
    save_and_check(fig, tmp_path, "history")


def test_history_best_epoch_from_the_history_wins():
    # EarlyStopping monitoring a metric may pick an epoch that is not the least val loss.
    fig = plot_history(make_history(best_epoch=3, stop_reason="no improvement for 2 epochs"))
    marker, best_line = fig.axes[0].lines[2:]
    assert xdata(marker) == [4] and ydata(marker) == [0.8]    # best_epoch=3 is an index: epoch 4
    assert xdata(best_line) == [4, 4]
    assert legend_texts(fig.axes[0])[-1] == "best epoch (4)"
    assert fig._suptitle.get_text() == "Training history (stopped: no improvement for 2 epochs)"


def test_history_without_validation_marks_least_training_loss():
    h = History(train_loss=[0.5, 0.3, 0.4], train_metrics={"accuracy": [0.6, 0.8, 0.7]})
    fig = plot_history(h, title="run 7")
    loss = fig.axes[0]
    assert len(loss.lines) == 3  # train, marker, best-epoch line
    assert xdata(loss.lines[1]) == [2] and ydata(loss.lines[1]) == [0.3]
    assert legend_texts(loss) == ["train", "best epoch (2)"]
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    assert fig._suptitle.get_text() == "run 7"


def test_history_chosen_metrics_in_order():
    fig = plot_history(make_history(), metrics=["recall", "precision"])
    assert [ax.get_title() for ax in fig.axes] == ["loss", "recall", "precision"]
    with pytest.raises(ValueError, match=r"plot_history: metric 'auc' is not in the history"):
        plot_history(make_history(), metrics=["auc"])


@pytest.mark.parametrize(
    "changes, error, message",
    [
        (dict(train_loss=[], val_loss=[], train_metrics={}, val_metrics={}), ValueError, "no epochs"),
        (dict(train_loss=[float("nan")] * 4, val_loss=[]), ValueError, "no epoch has a finite loss"),
        (dict(val_loss=[0.5, 0.4]), ValueError, "val_loss has 2 entries, expected 4"),
        (dict(train_metrics={"accuracy": [0.5]}), ValueError, r"train_metrics\['accuracy'\] has 1 entries"),
        (dict(train_loss=["0.5", 0.4, 0.3, 0.2]), TypeError, r"train_loss\[0\] must be a number"),
        (dict(best_epoch=4), ValueError, r"best_epoch must be an epoch index in \[0, 4\), got 4"),
    ],
)
def test_history_bad_input_names_function_and_value(changes, error, message):
    with pytest.raises(error, match=f"plot_history: .*{message}"):
        plot_history(make_history(**changes))


def test_history_rejects_an_object_that_is_not_a_history():
    with pytest.raises(TypeError, match=r"plot_history: .* got dict without \.train_loss"):
        plot_history({"train_loss": [0.5]})


# --- plot_gradient_flow ---------------------------------------------------------


def test_gradient_flow_lines_one_per_layer_on_log_scale(tmp_path):
    h = make_history()
    fig = plot_gradient_flow(h)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_title() == "Gradient flow"
    assert ax.get_ylabel() == "gradient L2 norm" and ax.get_xlabel() == "epoch"
    assert [line.get_label() for line in ax.lines] == ["layers.0 (tanh)", "layers.1 (tanh)", "layers.2 (linear)"]
    for line, layer in zip(ax.lines, h.layers):
        assert xdata(line) == [1, 2, 3, 4]
        assert ydata(line) == h.grad_norm[layer]
    save_and_check(fig, tmp_path, "gradient_flow")


def test_gradient_flow_bars_at_first_middle_last_epoch(tmp_path):
    h = make_history()
    fig = plot_gradient_flow(h, kind="bars", stat="update_ratio")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "|update| / |weight|"
    assert legend_texts(ax) == ["epoch 1", "epoch 2", "epoch 4"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["layers.0 (tanh)", "layers.1 (tanh)", "layers.2 (linear)"]
    for container, epoch in zip(ax.containers, [0, 1, 3]):
        heights = [bar.get_height() for bar in container]
        assert heights == [h.update_ratio[layer][epoch] for layer in h.layers]
    save_and_check(fig, tmp_path, "gradient_bars")

    chosen = plot_gradient_flow(h, kind="bars", epochs=[3]).axes[0]      # epoch 3 is index 2
    assert [bar.get_height() for bar in chosen.containers[0]] == [1e-6, 3e-4, 0.3]


@pytest.mark.parametrize(
    "kwargs, changes, message",
    [
        (dict(stat="saturation"), {}, "stat must be one of"),
        (dict(kind="pie"), {}, "kind must be one of"),
        (dict(kind="bars", epochs=[5]), {}, "epochs must hold epoch numbers from 1 to 4, got 5"),
        (dict(kind="bars", epochs=[0]), {}, "epochs must hold epoch numbers from 1 to 4, got 0"),
        (dict(kind="bars", epochs=[]), {}, "epochs is empty"),
        ({}, dict(grad_norm={"layers.0": [1.0] * 4}), r"no values for layers \['layers.1', 'layers.2'\]"),
        ({}, dict(grad_norm={"layers.0": [1.0, 2.0]}), r"grad_norm\['layers.0'\] has 2 entries"),
        ({}, dict(layers=[], grad_norm={"a": [1.0, -1.0, 1.0, 1.0]}), "negative value -1.0"),
        ({}, dict(train_loss=[], val_loss=[], train_metrics={}, val_metrics={}), "no epochs"),
    ],
)
def test_gradient_flow_bad_input(kwargs, changes, message):
    with pytest.raises(ValueError, match=f"plot_gradient_flow: .*{message}"):
        plot_gradient_flow(make_history(**changes), **kwargs)


# --- plot_confusion_matrix ------------------------------------------------------


def cell_texts(fig) -> list[list[str]]:
    return [t.get_text().split("\n") for t in fig.axes[0].texts]


def test_confusion_matrix_counts_and_domain_names(tmp_path):
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, 200)
    y_pred = np.where(rng.random(200) < 0.8, y_true, 1 - y_true)
    expected = skm.confusion_matrix(y_true, y_pred)
    fig = plot_confusion_matrix(y_true, y_pred, class_names=("legit", "fraud"),
                                fp_name="false alarm", fn_name="missed fraud")
    ax = fig.axes[0]
    texts = cell_texts(fig)
    assert [int(lines[0]) for lines in texts] == expected.ravel().tolist()
    assert texts[1][1:] == ["false alarm"] and texts[2][1:] == ["missed fraud"]  # top-right FP, bottom-left FN
    assert texts[0][1:] == [] and texts[3][1:] == []
    assert [t.get_text() for t in ax.get_xticklabels()] == ["legit", "fraud"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["legit", "fraud"]
    assert (ax.xaxis.label.get_text(), ax.yaxis.label.get_text()) == ("predicted class", "true class")
    assert np.array_equal(ax.images[0].get_array(), expected)
    assert ax.get_title() == "Confusion matrix (counts)"
    save_and_check(fig, tmp_path, "confusion")


@pytest.mark.parametrize("normalize", ["true", "pred", "all"])
def test_confusion_matrix_normalised_shares_match_sklearn(normalize, tmp_path):
    y_true = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
    y_pred = [0, 0, 0, 1, 1, 1, 1, 1, 0, 0]
    shares = skm.confusion_matrix(y_true, y_pred, normalize=normalize)
    counts = skm.confusion_matrix(y_true, y_pred)
    fig = plot_confusion_matrix(y_true, y_pred, normalize=normalize)
    texts = cell_texts(fig)
    assert [int(lines[0]) for lines in texts] == counts.ravel().tolist()
    assert [lines[1] for lines in texts] == [f"{v:.1%}" for v in shares.ravel()]
    assert np.allclose(fig.axes[0].images[0].get_array(), shares)
    assert fig.axes[0].get_title() == {"true": "Confusion matrix (each row sums to 1)",
                                       "pred": "Confusion matrix (each column sums to 1)",
                                       "all": "Confusion matrix (all cells sum to 1)"}[normalize]
    save_and_check(fig, tmp_path, f"confusion_{normalize}")


def test_confusion_matrix_multiclass_in_the_given_label_order():
    y_true = ["cat", "dog", "bird", "dog", "cat", "cat"]
    y_pred = ["cat", "cat", "bird", "dog", "bird", "cat"]
    order = ["dog", "cat", "bird"]
    fig = plot_confusion_matrix(y_true, y_pred, labels=order)
    expected = skm.confusion_matrix(y_true, y_pred, labels=order)
    assert [int(lines[0]) for lines in cell_texts(fig)] == expected.ravel().tolist()
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == order


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        (([0, 1], [0, 1, 1]), {}, r"different lengths \(2 and 3\)"),
        (([], []), {}, "y_true is empty"),
        (([0, 1, 2], [0, 1, 2]), dict(fp_name="false alarm"), "fp_name must be a string and needs exactly two"),
        (([0, 1], [0, 1]), dict(class_names=["only one"]), "class_names must name each of the 2 classes"),
        (([0, 1], [0, 1]), dict(normalize="rows"), "normalize must be one of"),
        (([0.5, 1], [0, 1]), {}, "continuous value 0.5"),
        (([0, 1], [0, 1]), dict(labels=[2, 3]), r"none of labels \[2, 3\] occurs in y_true"),
    ],
)
def test_confusion_matrix_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=f"plot_confusion_matrix: .*{message}"):
        plot_confusion_matrix(*args, **kwargs)


# --- plot_precision_recall and plot_roc --------------------------------------------


@pytest.fixture
def scored():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    scores = np.round(y * 0.8 + rng.normal(0, 0.5, 300), 2)  # rounded: ties, as real scores have
    return y, scores


def test_precision_recall_curve_chance_and_ap(scored, tmp_path):
    y, s = scored
    fig = plot_precision_recall(y, s)
    ax = fig.axes[0]
    curve, chance = ax.lines
    precision, recall, _ = skm.precision_recall_curve(y, s)
    assert np.allclose(curve.get_xdata(), recall) and np.allclose(curve.get_ydata(), precision)
    assert curve.get_drawstyle() == "steps-post"
    assert ydata(chance) == [y.mean(), y.mean()]
    ap = skm.average_precision_score(y, s)
    assert legend_texts(ax) == [f"model (AP = {ap:.3f})", f"chance (prevalence = {y.mean():.2f})"]
    assert ax.get_title() == "Precision-recall curve"
    save_and_check(fig, tmp_path, "pr")


def test_precision_recall_marks_the_chosen_threshold(scored):
    y, s = scored
    choice = tune_threshold(y, s, maximize="recall", min_precision=0.8)  # a spam filter: precision first
    for threshold in (choice, choice.threshold):
        ax = plot_precision_recall(y, s, threshold=threshold).axes[0]
        marker = ax.lines[-1]
        flagged = s >= choice.threshold
        p, r = skm.precision_score(y, flagged), skm.recall_score(y, flagged)
        assert xdata(marker) == pytest.approx([r]) and ydata(marker) == pytest.approx([p])
        assert (p, r) == pytest.approx((choice.precision, choice.recall))
        assert marker.get_label() == f"threshold {choice.threshold:.3g}: precision {p:.2f}, recall {r:.2f}"


def test_roc_curve_diagonal_auc_and_threshold(scored, tmp_path):
    y, s = scored
    fig = plot_roc(y, s, threshold=0.4)
    ax = fig.axes[0]
    curve, chance, marker = ax.lines
    fpr, tpr, _ = skm.roc_curve(y, s)
    assert np.allclose(curve.get_xdata(), fpr) and np.allclose(curve.get_ydata(), tpr)
    assert xdata(chance) == [0, 1] and ydata(chance) == [0, 1]
    tn, fp, fn, tp = skm.confusion_matrix(y, s >= 0.4).ravel()
    assert xdata(marker) == pytest.approx([fp / (fp + tn)])
    assert ydata(marker) == pytest.approx([tp / (tp + fn)])
    auc = skm.roc_auc_score(y, s)
    assert legend_texts(ax)[:2] == [f"model (AUC = {auc:.3f})", "chance (AUC = 0.5)"]
    assert ax.get_title() == "ROC curve"
    save_and_check(fig, tmp_path, "roc")


def test_curves_with_named_classes_need_pos_label():
    y = ["benign", "malignant", "benign", "malignant"]
    s = [0.2, 0.9, 0.6, 0.4]
    with pytest.raises(ValueError, match="plot_roc: .*pass pos_label="):
        plot_roc(y, s)
    ax = plot_roc(y, s, pos_label="malignant").axes[0]
    assert legend_texts(ax)[0] == f"model (AUC = {skm.roc_auc_score([0, 1, 0, 1], s):.3f})"
    ax = plot_precision_recall(y, s, pos_label="malignant").axes[0]
    assert ydata(ax.lines[1]) == [0.5, 0.5]


@pytest.mark.parametrize("plot", [plot_precision_recall, plot_roc])
@pytest.mark.parametrize(
    "y, s, kwargs, message",
    [
        ([1, 1, 1], [0.1, 0.2, 0.3], {}, r"exactly two classes for a curve, got \[1\]"),
        ([0, 1, 1], [0.1, float("nan"), 0.3], {}, "y_score contains nan"),
        ([0, 1, 1], [0.1, 0.3], {}, r"different lengths \(3 and 2\)"),
        ([0, 1, 1], [0.1, 0.2, 0.3], dict(threshold=float("nan")), "threshold must be a finite number"),
        ([0, 1, 1], [0.1, 0.2, 0.3], dict(pos_label=2), r"pos_label=2 is not one of"),
    ],
)
def test_curves_bad_input(plot, y, s, kwargs, message):
    with pytest.raises(ValueError, match=f"{plot.__name__}: .*{message}"):
        plot(y, s, **kwargs)


def test_precision_recall_threshold_above_every_score():
    with pytest.raises(ValueError, match="plot_precision_recall: threshold 2.0 is above every score"):
        plot_precision_recall([0, 1], [0.2, 0.8], threshold=2.0)


# --- plot_decision_boundary -------------------------------------------------------


def blobs():
    rng = np.random.default_rng(2)
    X = np.vstack([rng.normal([-1, 1], 0.3, (20, 2)), rng.normal([1, -1], 0.3, (20, 2))])
    return X, np.array([0] * 20 + [1] * 20)


def region_color_at(ax, x: float, y: float) -> tuple[float, ...]:
    """The shaded region's colour at data point (x, y)."""
    image = ax.images[0]
    left, right, bottom, top = image.get_extent()
    rgb = image.get_array()
    rows, cols = rgb.shape[:2]
    col = int(round((x - left) / (right - left) * (cols - 1)))
    row = int(round((y - bottom) / (top - bottom) * (rows - 1)))
    return tuple(rgb[row, col])


def nearest_class(color, scatter_colors) -> int:
    """The class whose point colour has the hue of `color` (a region is a paler shade of it)."""
    hue = rgb_to_hsv(color)[0]
    distance = [min(abs(hue - h), 1 - abs(hue - h)) for h in (rgb_to_hsv(c)[0] for c in scatter_colors)]
    return int(np.argmin(distance))


def test_decision_boundary_of_a_callable(tmp_path):
    X, y = blobs()
    fig = plot_decision_boundary(lambda P: P[:, 0] - P[:, 1], X, y, class_names=["ham", "spam"])
    ax = fig.axes[0]
    rgb = ax.images[0].get_array()
    assert rgb.shape == (60, 60, 3)
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) == 2  # both classes' colours, nothing else
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    colors = [to_rgb(c.get_facecolor()[0]) for c in scatters]
    assert nearest_class(region_color_at(ax, -1, 1), colors) == 0
    assert nearest_class(region_color_at(ax, 1, -1), colors) == 1
    assert np.array_equal(scatters[0].get_offsets(), X[:20]) and np.array_equal(scatters[1].get_offsets(), X[20:])
    assert legend_texts(ax) == ["ham", "spam"]
    assert len(ax.collections) == 3  # the boundary contour and two scatters
    assert ax.get_title() == "Decision boundary (accuracy on these points: 100.0%)"
    save_and_check(fig, tmp_path, "boundary")


def test_decision_boundary_on_points_of_one_class_with_all_labels():
    # A small test split may lack a class; labels= still names every output.
    X = np.array([[-1.0, 1.0], [-2.0, 0.5], [-0.5, 2.0]])
    def scores(P):
        return np.column_stack([P[:, 0], -P[:, 0], P[:, 1] - 5])

    fig = plot_decision_boundary(scores, X, [1, 1, 1], labels=[0, 1, 2], class_names=["a", "b", "c"],
                                 feature_names=["age", "income"], resolution=10)
    ax = fig.axes[0]
    assert legend_texts(ax) == ["a", "b", "c"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("age", "income")
    assert ax.get_title().endswith("100.0%)")


def diagonal_mlp(output_activation: str = "linear") -> MLP:
    """score = x0 - x1 (+ sigmoid): class 1 below the diagonal."""
    model = MLP(2, [1], output_activation=output_activation, seed=0)
    for p, v in zip(model.parameters(), [1.0, -1.0, 0.0]):
        p.data = v
    return model


def test_decision_boundary_of_an_mlp_batched_equals_point_by_point():
    X, y = blobs()
    model = MLP(2, [6, 1], activation="tanh", seed=3)
    fast = plot_decision_boundary(model, X, y, resolution=15).axes[0]
    slow = plot_decision_boundary(model, X, y, resolution=15, batched=False).axes[0]
    assert np.array_equal(fast.images[0].get_array(), slow.images[0].get_array())
    assert fast.get_title() == slow.get_title()
    with no_grad():  # no graph can be recorded here: point by point, same picture
        quiet = plot_decision_boundary(model, X, y, resolution=15).axes[0]
    assert np.array_equal(fast.images[0].get_array(), quiet.images[0].get_array())

    ax = plot_decision_boundary(diagonal_mlp(), X, y, resolution=15).axes[0]
    assert len(np.unique(ax.images[0].get_array().reshape(-1, 3), axis=0)) == 2
    assert ax.get_title() == "Decision boundary (accuracy on these points: 100.0%)"


def test_decision_boundary_sigmoid_output_cuts_at_one_half():
    X, y = blobs()
    model = diagonal_mlp("sigmoid")
    default = plot_decision_boundary(model, X, y, resolution=15).axes[0].images[0].get_array()
    half = plot_decision_boundary(model, X, y, resolution=15, threshold=0.5).axes[0].images[0].get_array()
    assert np.array_equal(default, half)
    # At threshold 0 every sigmoid output counts as class 1: one colour only.
    zero = plot_decision_boundary(model, X, y, resolution=15, threshold=0.0).axes[0]
    assert len(np.unique(zero.images[0].get_array().reshape(-1, 3), axis=0)) == 1
    assert zero.get_title() == "Decision boundary (accuracy on these points: 50.0%)"


def test_decision_boundary_several_outputs_take_the_largest():
    X = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
    y = ["a", "b", "c"]
    centers = X.copy()

    def scores(P):  # nearest centre wins
        return -np.linalg.norm(P[:, None, :] - centers[None], axis=2)

    ax = plot_decision_boundary(scores, X, y, resolution=30).axes[0]
    assert len(np.unique(ax.images[0].get_array().reshape(-1, 3), axis=0)) == 3
    colors = [to_rgb(c.get_facecolor()[0]) for c in ax.collections]
    for i, (px, py) in enumerate(X):
        assert nearest_class(region_color_at(ax, px, py), colors) == i


@pytest.mark.parametrize(
    "model, X, y, kwargs, error, message",
    [
        (None, [[0, 0], [1, 1]], [0, 1], {}, TypeError, "model must be an autograd model or a callable"),
        (lambda P: P[:, 0], [0, 1], [0, 1], {}, ValueError, r"X must have shape \(n_samples, 2\)"),
        (lambda P: P[:, 0], [[0, float("nan")], [1, 1]], [0, 1], {}, ValueError, "X contains nan"),
        (lambda P: P[:, 0], [[0, 0], [1, 1]], [0, 1, 1], {}, ValueError, r"different lengths \(2 and 3\)"),
        (lambda P: P[:, 0], [[0, 0], [1, 1]], [0, 1], dict(resolution=1), ValueError, "resolution must be an int"),
        (lambda P: P[:3, 0], [[0, 0], [1, 1]], [0, 1], {}, ValueError, "model"),
        (lambda P: P, [[0, 0], [1, 1], [2, 2]], [0, 1, 2], {}, ValueError, "gives 2 scores per point but there are 3"),
        (lambda P: P[:, 0], [[0, 0], [1, 1]], [1, 1], {}, ValueError, "needs two classes"),
        (lambda P: P[:, 0], [[0, 0], [1, 1]], [0, 2], dict(labels=[0, 1]), ValueError,
         r"y holds \[2\], which labels \[0, 1\] does not list"),
        (lambda P: P[:, 0], [[0, 0], [1, 1]], [0, 1], dict(labels=[0, 1, 1]), ValueError, "labels must be distinct"),
        (lambda P: P[:, 0], [[0, 0], [1, 1]], [0, 1], dict(feature_names=["a"]), ValueError,
         "feature_names must name the 2 features"),
    ],
)
def test_decision_boundary_bad_input(model, X, y, kwargs, error, message):
    with pytest.raises(error, match=f"plot_decision_boundary: .*{message}"):
        plot_decision_boundary(model, X, y, **kwargs)


# --- matplotlib is optional --------------------------------------------------------


def test_without_matplotlib_the_error_says_how_to_install(monkeypatch):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.setitem(sys.modules, name, None)  # import of it now fails
        if name.startswith(("viz.plots", "viz._plot_common")):
            monkeypatch.delitem(sys.modules, name)
    with pytest.raises(ImportError, match=r'pip install "backproplab\[plot\]"'):
        importlib.import_module("viz.plots")


# --- with a real training run ----------------------------------------------------------


def test_plots_of_a_real_training_run(tmp_path):
    from autograd.data import make_moons
    from autograd.losses import hinge_loss
    from autograd.optim import SGD
    from autograd.train import fit, predict

    X, y = make_moons(24, noise=0.1, seed=0)
    Xv, yv = make_moons(12, noise=0.1, seed=1)
    model = MLP(2, [6, 6, 1], activation="tanh", seed=0)
    h = fit(model, X, y, loss=hinge_loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=6,
            validation_data=(Xv, yv), progress=False)

    fig = plot_history(h)
    loss = fig.axes[0]
    assert ydata(loss.lines[0]) == h.train_loss and ydata(loss.lines[1]) == h.val_loss
    best = h.best_epoch if h.best_epoch is not None else int(np.argmin(h.val_loss))
    assert xdata(loss.lines[-1]) == [best + 1, best + 1]
    assert [ax.get_title() for ax in fig.axes] == ["loss", *h.train_metrics]
    save_and_check(fig, tmp_path, "real_history")

    ax = plot_gradient_flow(h).axes[0]
    assert [ydata(line) for line in ax.lines] == [h.grad_norm[layer] for layer in h.layers]

    ax = plot_decision_boundary(model, X, y, resolution=20).axes[0]
    accuracy = float(np.mean(predict(model, X) == y))
    assert ax.get_title() == f"Decision boundary (accuracy on these points: {accuracy:.1%})"


def test_a_diverged_run_is_drawn_with_a_gap_and_marked(tmp_path):
    history = make_history(train_loss=[0.5, 0.4, float("inf"), float("nan")],
                           val_loss=[0.6, 0.5, float("nan"), float("nan")])
    fig = plot_history(history)
    loss = fig.axes[0]
    train_line = loss.lines[0]
    assert np.isnan(train_line.get_ydata()[2:]).all() and train_line.get_ydata()[:2].tolist() == [0.5, 0.4]
    marker = [line for line in loss.lines if line.get_label() == "non-finite loss (epoch 3)"]
    assert len(marker) == 1 and marker[0].get_xdata()[0] == 3
    assert loss.lines[-1].get_label() == "best epoch (2)"      # the best finite epoch
    fig.savefig(tmp_path / "diverged.png")
    assert (tmp_path / "diverged.png").read_bytes()[:4] == b"\x89PNG"
