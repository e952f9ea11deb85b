r"""Classification metrics: accuracy and the confusion matrix.

:func:`accuracy` is the fraction of equal labels and :func:`confusion_matrix`
counts every (true class, predicted class) pair, with the rows and columns
of ``sklearn.metrics.confusion_matrix``. ``label_rule`` and
``n_correct`` (used by :mod:`nnlearn.training`) turn a network's outputs
into labels and count the correct ones in a batch.
"""

from __future__ import annotations

import numpy as np

from nnlearn._checks import check_scalar

__all__ = ["accuracy", "confusion_matrix"]


def label_rule(model, loss_name: str | None) -> str | None:
    """How to turn outputs into labels: "argmax", "logit" (> 0), "prob" (> 1/2) or None."""
    from nnlearn import activations, losses

    spec = losses.LOSSES.get(loss_name)
    if spec is not None and spec.labels is not None:      # the loss says what outputs mean
        return spec.labels
    return activations.OUTPUT_ACTIVATIONS.get(getattr(model, "output", None))


def n_correct(output: np.ndarray, target: np.ndarray, rule: str) -> float:
    """Number of correct predictions in a batch (entries, for multi-output binary)."""
    if rule == "argmax":
        pred = np.argmax(output, axis=1)
        true = target if target.ndim == 1 else np.argmax(target, axis=1)
        return float(np.count_nonzero(pred == true))
    threshold = 0.0 if rule == "logit" else 0.5
    pred = output > threshold
    true = np.reshape(target, output.shape) > 0.5
    return float(np.count_nonzero(pred == true)) / output.shape[1]


def _check_labels(a, name: str) -> np.ndarray:
    arr = np.asarray(a)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional labels, got shape {arr.shape}")
    return arr


def accuracy(y_true, y_pred) -> float:
    r"""Fraction of equal labels, :math:`\frac1N \sum_i 1[y^{(i)} = \hat y^{(i)}]`.

    Parameters
    ----------
    y_true, y_pred : array_like, shape (n,)
        True and predicted labels (any comparable values), ``n >= 1``.
    """
    y_true = _check_labels(y_true, "y_true")
    y_pred = _check_labels(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, "
                         f"got {y_true.shape} and {y_pred.shape}")
    if y_true.size == 0:
        raise ValueError("y_true must hold at least one label, got an empty array")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred, n_classes: int | None = None) -> np.ndarray:
    r"""Confusion matrix: entry j, k counts the samples of true class j predicted as k.

    Entry :math:`N_{jk}` is the number of samples with true class :math:`j`
    and predicted class :math:`k`. Rows are true classes and columns predicted
    ones, as in ``sklearn.metrics.confusion_matrix``; the diagonal holds the
    correct predictions and :math:`\sum_{j,k} N_{jk} = N`, the number of samples.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (n,)
        Class labels in ``[0, n_classes)``.
    n_classes : int, optional
        Number of classes; default ``max(y_true, y_pred) + 1``.

    Returns
    -------
    ndarray of int64, shape (n_classes, n_classes)
    """
    y_true = _check_labels(y_true, "y_true")
    y_pred = _check_labels(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, "
                         f"got {y_true.shape} and {y_pred.shape}")
    for arr, name in ((y_true, "y_true"), (y_pred, "y_pred")):
        if arr.size and not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"{name} must hold integer class labels, got dtype {arr.dtype}")
        if arr.size and arr.min() < 0:
            raise ValueError(f"{name} must hold labels >= 0, got {arr.min()}")
    top = max((int(a.max()) for a in (y_true, y_pred) if a.size), default=-1) + 1  # any int dtype
    if n_classes is None:
        n_classes = max(top, 1)
    n_classes = check_scalar(n_classes, "n_classes", low=1, integer=True)
    if top > n_classes:
        raise ValueError(f"n_classes must exceed every label, got n_classes={n_classes} "
                         f"and a label {top - 1}")
    flat = y_true.astype(np.int64) * n_classes + y_pred.astype(np.int64)
    counts = np.bincount(flat, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes)   # row j: true class j
