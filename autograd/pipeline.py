"""Train a classifier on a table and judge it: the steps behind `backproplab demo`, `train` and `report`.

`train_classifier` splits the rows (stratified train/validation/test), fits the
scaling on the training rows, trains an MLP (binary cross-entropy on a logit for
two classes, cross-entropy for more), picks the decision threshold on the
validation rows and returns an `Evaluation`. `evaluate_saved` rebuilds the same
`Evaluation` from a saved model folder and the data.

Example:
    >>> from autograd.data import make_moons
    >>> X, y = make_moons(80, noise=0.1, seed=0)
    >>> ev = train_classifier(X, y, ["x0", "x1"], "y", TrainOptions(hidden=(4,), epochs=5), progress=False)
    >>> list(ev.splits), ev.prep.binary, {"accuracy", "f1", "roc_auc"} <= set(ev.summaries["test"])
    (['train', 'validation', 'test'], True, True)
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .data import train_val_test_split
from .diagnostics import Report, diagnose
from .history import History
from .losses import binary_cross_entropy_with_logits, cross_entropy
from .metrics import confusion_matrix, evaluation_summary, tune_threshold
from .nn import MLP
from .optim import SGD, Adam
from .preprocessing import Preprocessing, check_classes, fingerprint
from .train import fit, predict_proba

__all__ = [
    "HISTORY_FILE",
    "MODEL_FILE",
    "PREPROCESSING_FILE",
    "Evaluation",
    "TrainOptions",
    "check_training_inputs",
    "evaluate",
    "evaluate_saved",
    "load_saved",
    "logit",
    "save",
    "train_classifier",
]

MODEL_FILE, PREPROCESSING_FILE, HISTORY_FILE = "model.json", "preprocessing.json", "history.json"


@dataclass(frozen=True)
class TrainOptions:
    """How to train: network shape, optimizer, epochs, class weighting, threshold goal, split, seed."""

    hidden: tuple[int, ...] = (16, 16)
    epochs: int = 100
    lr: float = 0.01
    optimizer: str = "adam"
    batch_size: int = 32
    class_weight: str | None = None
    min_precision: float | None = None
    min_recall: float | None = None
    seed: int = 0
    val_size: float = 0.15
    test_size: float = 0.15


@dataclass
class Evaluation:
    """A trained model judged on each split: scores, predictions, metric summaries and the diagnosis.

    `splits` maps "train", "validation", "test" (or "data" for a table other than
    the training file) to (standardized X, class indices y). Binary scores are
    P(class 1); multiclass scores are one probability row per sample. `data_note`
    warns about the evaluated rows (e.g. that the model trained on them), or is "".
    """

    model: MLP
    prep: Preprocessing
    history: History | None
    splits: dict[str, tuple[np.ndarray, np.ndarray]]
    scores: dict[str, np.ndarray]
    predictions: dict[str, np.ndarray]
    summaries: dict[str, dict[str, Any]]
    diagnosis: Report
    data_note: str = ""

    @property
    def eval_split(self) -> str:
        """The split the confusion matrix, curves and diagnosis are about: test, else the new data."""
        return "test" if "test" in self.splits else "data"

    def confusion(self, split: str | None = None) -> np.ndarray:
        """Confusion matrix counts on a split (rows: true class index, columns: predicted)."""
        split = split or self.eval_split
        return confusion_matrix(self.splits[split][1], self.predictions[split],
                                labels=list(range(len(self.prep.classes))))


def _predict(prep: Preprocessing, scores: np.ndarray) -> np.ndarray:
    if prep.binary:
        return (scores >= prep.threshold).astype(np.int64)
    return scores.argmax(axis=1)


def _summary(prep: Preprocessing, y: np.ndarray, predicted: np.ndarray, scores: np.ndarray) -> dict[str, Any]:
    # One-vs-rest ROC AUC needs every class in the split; without one it is left out (n/a).
    complete = prep.binary or np.unique(y).size == len(prep.classes)
    return evaluation_summary(y, predicted, y_score=scores if complete else None)


def evaluate(model: MLP, prep: Preprocessing, history: History | None,
             splits: dict[str, tuple[np.ndarray, np.ndarray]], data_note: str = "") -> Evaluation:
    """Score every split with the model and the saved threshold, summarise and diagnose."""
    scores = {name: predict_proba(model, X) for name, (X, _) in splits.items()}
    predictions = {name: _predict(prep, s) for name, s in scores.items()}
    summaries = {name: _summary(prep, splits[name][1], predictions[name], scores[name]) for name in splits}
    ev = Evaluation(model, prep, history, splits, scores, predictions, summaries, Report(), data_note)
    target = ev.eval_split
    X_eval, y_eval = splits[target]
    X_train, y_train = splits.get("train", (None, None))
    ev.diagnosis = diagnose(
        history, model=model, X_train=X_train, y_train=y_train, X_test=X_eval, y_test=y_eval,
        y_true=y_eval, y_pred=predictions[target], y_score=scores[target] if prep.binary else None,
        source="the test set" if target == "test" else "the given data",
        feature_names=prep.feature_names, class_names=prep.classes,
        threshold=prep.threshold if prep.binary else None,
    )
    return ev


def _optimizer(options: TrainOptions, model: MLP) -> Any:
    if options.optimizer == "sgd":
        return SGD(model.parameters(), lr=options.lr, momentum=0.9)
    return Adam(model.parameters(), lr=options.lr)


def _choose_threshold(prep: Preprocessing, options: TrainOptions, y_val: np.ndarray, p_val: np.ndarray) -> None:
    if options.min_precision is not None:
        choice = tune_threshold(y_val, p_val, maximize="recall", min_precision=options.min_precision)
        prep.threshold_goal = f"highest recall with precision >= {options.min_precision:g} on validation"
    elif options.min_recall is not None:
        choice = tune_threshold(y_val, p_val, maximize="precision", min_recall=options.min_recall)
        prep.threshold_goal = f"highest precision with recall >= {options.min_recall:g} on validation"
    else:
        return
    prep.threshold = choice.threshold


def check_training_inputs(X: np.ndarray, y: np.ndarray, target: str,
                          options: TrainOptions) -> tuple[np.ndarray, ...]:
    """Check that the table can be trained on with `options`, and split it (train/validation/test).

    Everything that can fail before training fails here, so the command line can
    check its inputs before it prints or writes anything.

    Returns:
        ``X_train, X_val, X_test, y_train, y_val, y_test``, as `train_val_test_split` gives them.

    Raises:
        ValueError: one class, too many classes, a threshold goal for more than two
            classes, split sizes that leave a part (or a class in it) empty.

    Example:
        >>> X, y = np.arange(20.0).reshape(10, 2), np.array([0, 1] * 5)
        >>> check_training_inputs(X, y, "y", TrainOptions(val_size=0.5, test_size=0.5))
        Traceback (most recent call last):
        ...
        ValueError: cannot split 10 rows with --val-size 0.5 and --test-size 0.5: val_size=0.5 and test_size=0.5 leave no training samples out of 10
    """
    classes = check_classes(y, target)
    goal = options.min_precision is not None or options.min_recall is not None
    if len(classes) > 2 and goal:
        raise ValueError(f"--min-precision/--min-recall tune a threshold between two classes, but the label "
                         f"column {target!r} has {len(classes)} classes")
    try:
        parts = train_val_test_split(X, y, options.val_size, options.test_size, stratify=y, seed=options.seed)
    except ValueError as error:
        reason = str(error).removeprefix("train_val_test_split: ")
        raise ValueError(f"cannot split {len(y)} rows with --val-size {options.val_size:g} and --test-size "
                         f"{options.test_size:g}: {reason}") from None
    if goal and np.unique(parts[4]).size < 2:
        raise ValueError("the validation split has one class only, so no threshold can be tuned; "
                         "use more rows or a larger --val-size")
    return parts


def train_classifier(X: np.ndarray, y: np.ndarray, feature_names: Sequence[str], target: str,
                     options: TrainOptions, *, progress: bool = True) -> Evaluation:
    """Split, standardize, train, tune the threshold, evaluate and diagnose.

    Raises:
        ValueError: as `check_training_inputs`, or a threshold goal that is unreachable.
    """
    X_train, X_val, X_test, y_train, y_val, y_test = check_training_inputs(X, y, target, options)
    prep = Preprocessing.fit(X_train, y, feature_names, target)
    prep.split = {"seed": options.seed, "val_size": options.val_size, "test_size": options.test_size,
                  "fingerprint": fingerprint(X, y), "rows_fingerprint": fingerprint(X, y, any_order=True)}
    splits = {name: (prep.transform(Xp), prep.encode(yp)) for name, Xp, yp in
              (("train", X_train, y_train), ("validation", X_val, y_val), ("test", X_test, y_test))}

    n_out = 1 if prep.binary else len(prep.classes)
    model = MLP(X.shape[1], [*options.hidden, n_out], seed=options.seed)
    loss = binary_cross_entropy_with_logits if prep.binary else cross_entropy
    history = fit(
        model, *splits["train"], loss=loss, optimizer=_optimizer(options, model), epochs=options.epochs,
        batch_size=options.batch_size, validation_data=splits["validation"], class_weight=options.class_weight,
        seed=options.seed, progress=progress,
    )
    if prep.binary:
        X_val_std, y_val_idx = splits["validation"]
        _choose_threshold(prep, options, y_val_idx, predict_proba(model, X_val_std))
    return evaluate(model, prep, history, splits)


def save(ev: Evaluation, folder: str | os.PathLike[str]) -> dict[str, Path]:
    """Write model.json, preprocessing.json and history.json into `folder`; return their paths."""
    folder = Path(folder)
    paths = {"model": folder / MODEL_FILE, "preprocessing": folder / PREPROCESSING_FILE}
    ev.model.save(paths["model"])
    ev.prep.save(paths["preprocessing"])
    if ev.history is not None:
        paths["history"] = folder / HISTORY_FILE
        ev.history.save(paths["history"])
    return paths


def load_saved(model_path: str | os.PathLike[str]) -> tuple[MLP, Preprocessing, History | None]:
    """The model, its preprocessing and (if saved) its history, from a folder or a model.json path.

    Raises:
        FileNotFoundError: no model.json, or no preprocessing.json beside it.
    """
    path = Path(model_path)
    folder = path if path.is_dir() else path.parent
    model_file = folder / MODEL_FILE if path.is_dir() else path
    if not model_file.exists():
        raise FileNotFoundError(f"no model file {str(model_file)!r} (give the folder `backproplab train` "
                                "wrote, or its model.json)")
    prep_file = folder / PREPROCESSING_FILE
    if not prep_file.exists():
        raise FileNotFoundError(f"no {PREPROCESSING_FILE} beside {str(model_file)!r}: the feature scaling and "
                                "labels are saved there by `backproplab train`")
    model, prep = MLP.load(model_file), Preprocessing.load(prep_file)
    if model.nin != len(prep.feature_names):
        raise ValueError(f"{model_file} takes {model.nin} inputs but {prep_file} lists "
                         f"{len(prep.feature_names)} features")
    # Two classes share one output (a logit); more have one output each.
    n_out = 1 if prep.binary else len(prep.classes)
    if model.nouts[-1] != n_out:
        raise ValueError(f"{model_file} has {model.nouts[-1]} outputs but {prep_file} lists "
                         f"{len(prep.classes)} classes {prep.classes}, which need {n_out}; "
                         "were the files written by different runs?")
    history_file = folder / HISTORY_FILE
    history = History.load(history_file) if history_file.exists() else None
    return model, prep, history


def evaluate_saved(model: MLP, prep: Preprocessing, history: History | None, X: np.ndarray, y: np.ndarray,
                   feature_names: Sequence[str]) -> Evaluation:
    """Judge a saved model on a table: the training split again if it is the training data, else all rows.

    The training rows in another order cannot be split as in training; they are
    evaluated whole, and `Evaluation.data_note` warns that the scores are optimistic.
    """
    X = prep.align(X, feature_names)
    split = prep.split
    note = ""
    if split.get("fingerprint") == fingerprint(X, y):
        # The same rows as in training: the same seeded split gives the same three parts.
        parts = train_val_test_split(X, y, split["val_size"], split["test_size"], stratify=y, seed=split["seed"])
        raw = {"train": (parts[0], parts[3]), "validation": (parts[1], parts[4]), "test": (parts[2], parts[5])}
    else:
        raw = {"data": (X, y)}
        if split.get("rows_fingerprint") == fingerprint(X, y, any_order=True):
            note = ("these are the training file's rows in another order: the model trained on most of them, "
                    "so its scores here are optimistic (give the rows in their original order to get the "
                    "train/validation/test split back)")
    splits = {name: (prep.transform(Xp), prep.encode(yp)) for name, (Xp, yp) in raw.items()}
    return evaluate(model, prep, history, splits, note)


def logit(p: float) -> float:
    """The score (logit) whose sigmoid is the probability `p`, clipped to stay finite.

    Example:
        >>> logit(0.5), round(logit(0.9), 4)
        (0.0, 2.1972)
    """
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))
