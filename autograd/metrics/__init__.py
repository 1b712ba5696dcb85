"""Classification metrics with scikit-learn's names and semantics, in numpy, plus threshold tuning.

One import for everything; the code lives in five small modules: `labels`
(confusion matrix and the scores from its counts), `curves` (ROC and
precision-recall curves, AUC, average precision, log loss), `threshold`
(`tune_threshold`), `report` (`classification_report`, `evaluation_summary`) and
`inputs` (the checks every metric runs on its arguments).
Where this differs from scikit-learn, it is on purpose: 0/1 labels always give a 2x2
confusion matrix, bad input (NaN scores, negative weights, probabilities that do not
sum to 1) raises ``ValueError`` instead of being accepted, and some additions exist
(`specificity_score`, `negative_predictive_value`, `evaluation_summary`, `tune_threshold`).

Example:
    >>> from autograd.metrics import confusion_matrix, matthews_corrcoef
    >>> y_true = [1] * 100 + [0] * 100
    >>> y_pred = [1] * 80 + [0] * 20 + [1] * 10 + [0] * 90
    >>> tn, fp, fn, tp = confusion_matrix(y_true, y_pred).ravel()
    >>> int(tp), int(fn), int(fp), int(tn), round(matthews_corrcoef(y_true, y_pred), 4)
    (80, 20, 10, 90, 0.7035)
"""

from .curves import (
    auc,
    average_precision_score,
    log_loss,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from .inputs import UndefinedMetricWarning
from .labels import (
    accuracy_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    fbeta_score,
    matthews_corrcoef,
    negative_predictive_value,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
    specificity_score,
)
from .report import classification_report, evaluation_summary
from .threshold import ThresholdChoice, tune_threshold

__all__ = [
    "ThresholdChoice",
    "UndefinedMetricWarning",
    "accuracy_score",
    "auc",
    "average_precision_score",
    "balanced_accuracy_score",
    "classification_report",
    "confusion_matrix",
    "evaluation_summary",
    "f1_score",
    "fbeta_score",
    "log_loss",
    "matthews_corrcoef",
    "negative_predictive_value",
    "precision_recall_curve",
    "precision_recall_fscore_support",
    "precision_score",
    "recall_score",
    "roc_auc_score",
    "roc_curve",
    "specificity_score",
    "tune_threshold",
]
