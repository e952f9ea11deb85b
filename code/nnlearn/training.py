r"""The training loop: mini-batches, epochs, validation, schedules, early stopping.

One **training step** on a batch :math:`(X_B, Y_B)` of :math:`B` rows is

1. forward: :math:`\hat Y = f_\theta(X_B)` (training mode, so dropout is on),
2. loss: :math:`L = \ell(\hat Y, Y_B)`, the mean over the batch,
3. backward: :math:`\nabla_\theta L`, stored in the model's ``grads``,
4. update: ``optimizer.step(grads)``; for plain gradient descent
   (``optimizers.SGD``) that is :math:`\theta \leftarrow \theta - \eta\,\nabla_\theta L`
   and nothing else.

One **epoch** shuffles the training rows, cuts them into batches of
``batch_size`` rows (the last one may be smaller) and takes one step per
batch. :func:`fit` repeats epochs, evaluates on validation data after each,
steps a learning-rate schedule, asks an early-stopping rule whether to go on,
and records everything in a :class:`History`.

The model can be anything with ``forward(x, training)``,
``backward(grad_out, input_grad)`` and parallel ``params``/``grads`` lists,
such as :class:`nnlearn.network.MLP` (``input_grad=False``: the gradient
with respect to the input is not needed, so it is not computed).
Checkpoints (:func:`save_checkpoint`, :func:`load_checkpoint`) store the
parameters, the optimizer's state, the epoch and random-number states in one
``.npz`` file, so a run can be stopped and resumed with the same result.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nnlearn._checks import check_batch, check_bool, check_rng, check_scalar

__all__ = [
    "METRICS",
    "History",
    "TrainingDiverged",
    "accuracy",
    "confusion_matrix",
    "evaluate",
    "fit",
    "get_loss",
    "load_checkpoint",
    "predict",
    "run_epoch",
    "save_checkpoint",
    "train_step",
]

LossPair = tuple[Callable[..., float], Callable[..., np.ndarray]]

METRICS = ("accuracy",)
"""Metric names accepted by :func:`fit` and :func:`evaluate`."""

_IGNORE_FP = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}

_CHECKPOINT_FORMAT = "nnlearn-checkpoint-1"


class TrainingDiverged(FloatingPointError):
    """The loss (or a parameter) became NaN or infinite during :func:`fit`.

    The message names the epoch and the batch and suggests a smaller
    learning rate, the usual cause.
    """


@dataclass
class History:
    """What :func:`fit` records, one entry per epoch.

    Every list has one entry per completed epoch (``val_*`` stay empty
    without validation data, ``accuracy`` lists stay empty when accuracy is
    not computed), so ``go.Scatter(x=h.epoch, y=h.loss)`` plots a curve.

    Attributes
    ----------
    epoch : list of int
        Epoch numbers, starting at ``initial_epoch + 1`` (1 for a fresh run).
    loss : list of float
        Training loss: the mean of the batch losses of the epoch, each taken
        before that batch's step, in training mode (dropout on), weighted by
        batch size.
    val_loss : list of float
        Loss on the validation data after the epoch, in evaluation mode.
    accuracy, val_accuracy : list of float
        Fraction of correct predictions on the training batches (taken like
        ``loss``) and on the validation data.
    lr : list of float
        Learning rate used during the epoch.
    time : list of float
        Seconds the epoch took (training and validation).
    stopped_early : bool
        True if early stopping or the callback ended the run before ``epochs``.
    best_epoch : int or None
        Epoch with the best monitored loss (validation loss if there was
        validation data, training loss otherwise; the early-stopping rule's
        choice if one was given). With early stopping these are the weights
        the model holds at the end.
    """

    epoch: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    time: list[float] = field(default_factory=list)
    stopped_early: bool = False
    best_epoch: int | None = None

    def __len__(self) -> int:
        return len(self.epoch)

    def record(self, epoch: int, loss: float, accuracy: float | None, val_loss: float | None,
               val_accuracy: float | None, lr: float, seconds: float) -> None:
        """Append one epoch's values (``None`` values are not recorded)."""
        self.epoch.append(epoch)
        self.loss.append(loss)
        for name, value in (("accuracy", accuracy), ("val_loss", val_loss),
                            ("val_accuracy", val_accuracy)):
            if value is not None:
                getattr(self, name).append(value)
        self.lr.append(lr)
        self.time.append(seconds)

    def as_dict(self) -> dict[str, list]:
        """The per-epoch lists by name (handy for ``pandas.DataFrame``)."""
        return {"epoch": self.epoch, "loss": self.loss, "val_loss": self.val_loss,
                "accuracy": self.accuracy, "val_accuracy": self.val_accuracy,
                "lr": self.lr, "time": self.time}


# ----------------------------------------------------------------------------
# Losses and labels
# ----------------------------------------------------------------------------

def get_loss(loss) -> LossPair:
    """Return ``(loss_fn, grad_fn)`` for a name in ``losses.LOSSES`` or a pair.

    ``loss_fn(output, target)`` returns the mean loss over the batch and
    ``grad_fn(output, target)`` its gradient with respect to ``output``.
    """
    from nnlearn import losses  # imported here: training does not need it otherwise

    if isinstance(loss, str):
        if loss not in losses.LOSSES:
            raise ValueError(f"loss must be one of {sorted(losses.LOSSES)!r} or a "
                             f"(loss_fn, grad_fn) pair, got {loss!r}")
        return losses.LOSSES[loss].pair
    if (isinstance(loss, tuple) and len(loss) == 2 and callable(loss[0])
            and callable(loss[1])):
        return loss
    raise TypeError(f"loss must be a name or a (loss_fn, grad_fn) pair, got {loss!r}")


def _loss_name(loss) -> str | None:
    """The ``LOSSES`` name of ``loss`` (a name or one of its pairs), else None."""
    from nnlearn import losses

    if isinstance(loss, str):
        return loss
    for name, spec in losses.LOSSES.items():
        if spec.pair == tuple(loss):
            return name
    return None


def _label_rule(model, loss_name: str | None) -> str | None:
    """How to turn outputs into labels: "argmax", "logit" (> 0), "prob" (> 1/2) or None."""
    from nnlearn import activations, losses

    spec = losses.LOSSES.get(loss_name)
    if spec is not None and spec.labels is not None:      # the loss says what outputs mean
        return spec.labels
    return activations.OUTPUT_ACTIVATIONS.get(getattr(model, "output", None))


def _n_correct(output: np.ndarray, target: np.ndarray, rule: str) -> float:
    """Number of correct predictions in a batch (entries, for multi-output binary)."""
    if rule == "argmax":
        pred = np.argmax(output, axis=1)
        true = target if target.ndim == 1 else np.argmax(target, axis=1)
        return float(np.count_nonzero(pred == true))
    threshold = 0.0 if rule == "logit" else 0.5
    pred = output > threshold
    true = np.reshape(target, output.shape) > 0.5
    return float(np.count_nonzero(pred == true)) / output.shape[1]


# ----------------------------------------------------------------------------
# Input checks
# ----------------------------------------------------------------------------

def _check_X(model, X, name: str) -> np.ndarray:
    """``X`` as a 2-D float array with the model's width and dtype."""
    sizes = getattr(model, "sizes", None)
    arr = check_batch(X, name, None if sizes is None else sizes[0],
                       getattr(model, "dtype", None))
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one sample, got shape {arr.shape}")
    return arr


def _check_y(model, y, n: int, name: str, loss_name: str | None) -> np.ndarray:
    """``y`` with ``n`` rows, in the form the (named) loss expects."""
    arr = np.asarray(y)
    if arr.ndim == 0 or arr.shape[0] != n:
        raise ValueError(f"{name} must have {n} rows to match the inputs, got shape {arr.shape}")
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity")
    sizes = getattr(model, "sizes", None)
    n_out = None if sizes is None else sizes[-1]
    dtype = getattr(model, "dtype", None)
    from nnlearn import losses

    target = getattr(losses.LOSSES.get(loss_name), "target", None)
    if target == "labels" and arr.ndim == 1:
        if not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"{name} must hold integer class labels for {loss_name}, "
                            f"got dtype {arr.dtype}")
        if n_out is not None and (arr.min() < 0 or arr.max() >= n_out):
            raise ValueError(f"{name} must hold class labels in [0, {n_out - 1}] for a model "
                             f"with {n_out} outputs, got values from {arr.min()} to {arr.max()}")
    elif target == "same_shape" and n_out is not None:
        if arr.shape != (n, n_out):
            raise ValueError(f"{name} must have shape {(n, n_out)} like the model's output "
                             f"for loss {loss_name!r}, got {arr.shape}")
        if dtype is not None:
            arr = arr.astype(dtype, copy=False)      # once here, not in every batch
    return arr


def _check_metrics(metrics) -> tuple[str, ...]:
    if isinstance(metrics, str):
        metrics = (metrics,)
    if not isinstance(metrics, Sequence):
        raise TypeError(f"metrics must be a sequence of names, got {type(metrics).__name__}")
    for m in metrics:
        if m not in METRICS:
            raise ValueError(f"metrics must be names from {list(METRICS)}, got {m!r}")
    return tuple(metrics)


def _check_optimizer(optimizer) -> None:
    if not callable(getattr(optimizer, "step", None)) or not hasattr(optimizer, "lr"):
        raise TypeError(f"optimizer must have a step(grads) method and an lr attribute "
                        f"(an nnlearn.optimizers object), got {type(optimizer).__name__}")


# ----------------------------------------------------------------------------
# One step, evaluation, prediction
# ----------------------------------------------------------------------------

def train_step(model, loss, optimizer, X_batch,
               y_batch) -> tuple[float, np.ndarray]:
    """One gradient step on one batch: forward, loss, backward, update.

    Parameters
    ----------
    model : MLP or compatible
    loss : (loss_fn, grad_fn)
        The pair from :func:`get_loss`.
    optimizer : object with ``step(grads)``
    X_batch : ndarray, shape (B, n_in)
    y_batch : ndarray, B rows

    Returns
    -------
    loss_value : float
        The batch loss *before* the update; NaN (and no update) if the
        output is not finite, which happens when training has diverged.
    output : ndarray, shape (B, n_out)
        The network's output for the batch (used for training metrics).
    """
    loss_fn, grad_fn = loss
    output = model.forward(X_batch, training=True)          # 1. forward
    if not np.isfinite(output).all():                       # diverged: stop
        return math.nan, output
    value = loss_fn(output, y_batch)                        # 2. loss
    model.backward(grad_fn(output, y_batch), input_grad=False)  # 3. backward
    optimizer.step(model.grads)                             # 4. update
    return float(value), output


def _evaluate(model, loss_pair: LossPair, X: np.ndarray, y: np.ndarray,
              rule: str | None, batch_size: int) -> tuple[float, float | None]:
    """Mean loss and accuracy (None if not computable) of checked arrays."""
    loss_fn = loss_pair[0]
    total, correct = 0.0, 0.0
    n = X.shape[0]
    for start in range(0, n, batch_size):
        xb, yb = X[start:start + batch_size], y[start:start + batch_size]
        out = model.forward(xb, training=False)
        if not np.isfinite(out).all():
            return math.nan, None
        total += xb.shape[0] * float(loss_fn(out, yb))
        if rule is not None:
            correct += _n_correct(out, yb, rule)
    return total / n, (None if rule is None else correct / n)


def evaluate(model, loss, X, y, metrics=("accuracy",), *,
             batch_size: int | None = None) -> dict[str, float]:
    r"""Loss and metrics of ``model`` on ``(X, y)`` in evaluation mode (dropout off).

    Parameters
    ----------
    model : MLP or compatible
    loss : str or (callable, callable)
        As in :func:`fit`; ``loss_fn`` must return the batch *mean*.
    X : array_like, shape (n, n_in)
    y : array_like, n rows
    metrics : sequence of str, default ("accuracy",)
        Names from :data:`METRICS`. Accuracy needs a classifier (``output``
        "softmax" or "sigmoid", or a classification loss); otherwise it is left out.
    batch_size : int, optional
        Rows per forward pass (all at once by default); the result does not
        depend on it.

    Returns
    -------
    dict
        ``{"loss": ..., "accuracy": ...}``: the loss is
        :math:`\frac1n\sum_i \ell_i`, the accuracy the fraction of rows
        whose predicted label equals the true one.
    """
    loss_pair = get_loss(loss)
    name = _loss_name(loss)
    metrics = _check_metrics(metrics)
    X = _check_X(model, X, "X")
    y = _check_y(model, y, X.shape[0], "y", name)
    batch_size = X.shape[0] if batch_size is None else check_scalar(
        batch_size, "batch_size", low=1, integer=True)
    rule = _label_rule(model, name) if "accuracy" in metrics else None
    with np.errstate(**_IGNORE_FP):
        value, acc = _evaluate(model, loss_pair, X, y, rule, batch_size)
    result = {"loss": value}
    if acc is not None:
        result["accuracy"] = acc
    return result


def predict(model, X, *, batch_size: int | None = None) -> np.ndarray:
    """Predictions of ``model`` for ``X`` in evaluation mode.

    Uses ``model.predict`` when it exists (class labels for a classifier, the
    outputs for regression), else ``model.forward(X)``. ``batch_size`` limits
    the rows per pass (all at once by default).
    """
    X = _check_X(model, X, "X")
    batch_size = X.shape[0] if batch_size is None else check_scalar(
        batch_size, "batch_size", low=1, integer=True)
    run = getattr(model, "predict", None) or model.forward
    parts = [run(X[s:s + batch_size]) for s in range(0, X.shape[0], batch_size)]
    return np.concatenate(parts, axis=0)


def _check_labels(a, name: str) -> np.ndarray:
    arr = np.asarray(a)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional labels, got shape {arr.shape}")
    return arr


def accuracy(y_true, y_pred) -> float:
    r"""Fraction of equal labels, :math:`\frac1n \sum_i \mathbb 1[y_i = \hat y_i]`.

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
    r"""Counts :math:`C_{jk}` of samples with true class :math:`j` predicted as :math:`k`.

    Rows are true classes and columns predicted ones, as in
    ``sklearn.metrics.confusion_matrix``; the diagonal holds the correct
    predictions and :math:`\sum_{jk} C_{jk} = n`.

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


# ----------------------------------------------------------------------------
# The loop
# ----------------------------------------------------------------------------

def _diverged(where: str, what: str, lr: float) -> TrainingDiverged:
    return TrainingDiverged(
        f"training diverged at {where}: {what}.\nThe steps are too large: try a "
        f"smaller learning rate (lr={lr:g} now, e.g. lr={lr / 10:g}).")


def _params_finite(model) -> bool:
    return all(np.isfinite(p).all() for p in model.params)


def _state_finite(model) -> bool:
    """Parameters and the cached pre-activations of Dense layers are all finite."""
    cached = [layer.z for layer in getattr(model, "dense_layers", [])
              if getattr(layer, "z", None) is not None]
    return _params_finite(model) and all(np.isfinite(z).all() for z in cached)


def _checked_step(model, loss_pair: LossPair, optimizer, xb, yb,
                  where: str) -> tuple[float, np.ndarray]:
    """:func:`train_step`, raising :class:`TrainingDiverged` on NaN or inf."""
    try:
        value, out = train_step(model, loss_pair, optimizer, xb, yb)
    except ValueError as err:             # a check inside the model met NaN or inf
        if _state_finite(model):
            raise
        raise _diverged(where, "the network produced NaN or infinity",
                        optimizer.lr) from err
    if not math.isfinite(value):
        raise _diverged(where, f"the loss is {value}", optimizer.lr)
    return value, out


def _validate(model, loss_pair: LossPair, validation, rule: str | None, epoch: int,
              lr: float) -> tuple[float | None, float | None]:
    """Validation loss and accuracy (``None`` without validation data)."""
    if validation is None:
        return None, None
    X_val, y_val = validation
    val_loss, val_acc = _evaluate(model, loss_pair, X_val, y_val, rule, len(X_val))
    if not math.isfinite(val_loss):
        raise _diverged(f"epoch {epoch}, on the validation data",
                        f"the loss is {val_loss}", lr)
    return val_loss, val_acc


def run_epoch(model, loss, optimizer, X: np.ndarray, y: np.ndarray, batch_size: int,
              order: np.ndarray, *, epoch: int = 1,
              rule: str | None = None) -> tuple[float, float | None]:
    r"""One pass over the data: one :func:`train_step` per batch, in the order ``order``.

    Batch :math:`b` holds the rows ``order[b*B:(b+1)*B]``; the last batch may
    be smaller. :func:`fit` checks the arguments and calls this inside
    ``np.errstate`` (the finiteness checks here replace the warnings).

    Parameters
    ----------
    model, optimizer
        As in :func:`fit`.
    loss : (loss_fn, grad_fn)
        The pair from :func:`get_loss`.
    X : ndarray, shape (N, n_in)
    y : ndarray, N rows
    batch_size : int
        :math:`B`.
    order : ndarray of int, shape (N,)
        The row order of this epoch (a permutation for shuffled epochs).
    epoch : int, default 1
        Only used in error messages.
    rule : {"argmax", "logit", "prob"} or None
        How outputs become labels for the accuracy; None skips it.

    Returns
    -------
    loss_value : float
        :math:`\frac1N \sum_b B_b L_b`: the batch losses :math:`L_b`, each
        taken before its step, weighted by the batch sizes :math:`B_b`.
    accuracy : float or None
        Fraction of correct predictions on the training batches.

    Raises
    ------
    TrainingDiverged
        If a batch loss is NaN or infinite.
    """
    n = X.shape[0]
    n_batches = math.ceil(n / batch_size)
    total, correct = 0.0, 0.0
    for b in range(n_batches):
        idx = order[b * batch_size:(b + 1) * batch_size]
        xb, yb = X[idx], y[idx]
        where = f"epoch {epoch}, batch {b + 1} of {n_batches}"
        value, out = _checked_step(model, loss, optimizer, xb, yb, where)
        total += len(idx) * value       # weighted: the last batch may be short
        if rule is not None:
            correct += _n_correct(out, yb, rule)
    if not _params_finite(model):       # the last step overflowed
        raise _diverged(f"epoch {epoch}, after its last batch",
                        "a parameter is not finite", optimizer.lr)
    return total / n, (None if rule is None else correct / n)


def _number(v: float) -> str:
    return f"{v:.4f}" if abs(v) < 1000 else f"{v:.4g}"


def _report(history: History, last: int) -> str:
    """One line about the latest epoch, validation values in parentheses, e.g.
    ``epoch  3/15  loss 0.1784 (val 0.1898)  acc 95.7% (val 95.6%)  lr 0.003  0.05 s``.
    """
    line = f"epoch {history.epoch[-1]:>{len(str(last))}}/{last}"
    line += f"  loss {_number(history.loss[-1])}"
    if history.val_loss:
        line += f" (val {_number(history.val_loss[-1])})"
    if history.accuracy:
        line += f"  acc {history.accuracy[-1]:.1%}"
        if history.val_accuracy:
            line += f" (val {history.val_accuracy[-1]:.1%})"
    return line + f"  lr {history.lr[-1]:.2g}  {history.time[-1]:.2f} s"


def _check_schedule(schedule, optimizer) -> None:
    if schedule is None:
        return
    if not callable(getattr(schedule, "step", None)):
        raise TypeError(f"schedule must have a step() method (an nnlearn.schedules "
                        f"scheduler), got {type(schedule).__name__}")
    if getattr(schedule, "optimizer", optimizer) is not optimizer:
        raise ValueError("schedule must drive the optimizer passed to fit "
                         "(build it as Scheduler(optimizer, ...))")


def _finish(history: History, model, early_stopping, stop_offset: int | None,
            validation, verbose: bool) -> None:
    """Set ``history.best_epoch``; with early stopping, make sure the best weights are in."""
    monitored = history.loss if validation is None else history.val_loss
    history.best_epoch = history.epoch[int(np.argmin(monitored))]
    if early_stopping is None:
        return
    index = early_stopping.best_epoch - stop_offset
    history.best_epoch = history.epoch[index] if 0 <= index < len(history) else None
    if history.best_epoch is None or history.best_epoch == history.epoch[-1]:
        return
    if (early_stopping.restore_best and not early_stopping.stopped
            and early_stopping.best_params is not None):
        early_stopping.restore(model.params)   # ran to the end after a better epoch
    if verbose:
        restored = ": weights restored" if early_stopping.restore_best else ""
        print(f"best epoch {history.best_epoch}{restored}", flush=True)


def fit(model, loss, optimizer, X, y, *, epochs: int = 10, batch_size: int = 32,
        validation=None, schedule=None, early_stopping=None, metrics=("accuracy",),
        rng=None, shuffle: bool = True, verbose: bool = True, callback=None,
        initial_epoch: int = 0) -> History:
    r"""Train ``model`` on ``(X, y)`` with mini-batches; return the :class:`History`.

    Each epoch: shuffle (if ``shuffle``), take one :func:`train_step` per
    batch, evaluate on ``validation``, record, print one line (if
    ``verbose``), step the ``schedule``, ask ``early_stopping`` and
    ``callback`` whether to stop.

    Parameters
    ----------
    model : MLP or compatible
        Trained in place.
    loss : str or (callable, callable)
        A name in ``nnlearn.losses.LOSSES`` (``"cross_entropy"`` on logits
        with integer labels, ``"mse"`` with targets shaped like the output,
        ...) or a pair ``(loss_fn, grad_fn)`` called as ``f(output, target)``;
        ``loss_fn`` must return the batch mean.
    optimizer : nnlearn.optimizers.Optimizer
        Built on ``model.params``; its ``step(model.grads)`` is the update.
        Use ``optimizers.SGD(model.params, lr)`` for plain gradient descent.
    X : array_like, shape (n, n_in)
        Training inputs, in the model's dtype (integer input is converted).
    y : array_like, n rows
        Targets in the form the loss expects.
    epochs : int, default 10
        Number of epochs to run (>= 1).
    batch_size : int, default 32
        Rows per batch (>= 1); the last batch may be smaller. ``len(X)`` gives
        full-batch gradient descent, 1 gives pure SGD.
    validation : (X_val, y_val), optional
        Evaluated after every epoch in evaluation mode.
    schedule : nnlearn.schedules.LRScheduler, optional
        Built on ``optimizer``; its ``step()`` is called once at the end of
        every epoch, so epoch :math:`k` (from 0) uses the schedule's rate at
        step :math:`k`.
    early_stopping : nnlearn.regularization.EarlyStopping, optional
        Fed the validation loss (the training loss without validation data)
        with the model's parameters after every epoch. When it says stop the
        run ends; with ``restore_best`` the best weights are put back, also
        when the run ends at ``epochs`` after a later, worse epoch.
    metrics : sequence of str, default ("accuracy",)
        Names from :data:`METRICS`, computed on training and validation data.
        Accuracy is skipped for models that are not classifiers (no softmax
        or sigmoid output and a regression loss).
    rng : numpy.random.Generator, int or None
        Random source for the shuffling (dropout uses the model's own).
    shuffle : bool, default True
        Shuffle the rows at the start of every epoch.
    verbose : bool, default True
        Print one line per epoch to standard output.
    callback : callable, optional
        ``callback(epoch, model, history)`` after every epoch (``epoch`` as in
        ``history.epoch``); returning True stops the run.
    initial_epoch : int, default 0
        Number of epochs already done (e.g. the epoch returned by
        :func:`load_checkpoint`); the epochs of this call are numbered
        ``initial_epoch + 1, ..., initial_epoch + epochs``.

    Returns
    -------
    History

    Raises
    ------
    TrainingDiverged
        If a batch loss, the validation loss or a parameter becomes NaN or
        infinite. Floating-point warnings are silenced inside the loop
        because this check replaces them.
    """
    loss_pair = get_loss(loss)
    name = _loss_name(loss)
    _check_optimizer(optimizer)
    X = _check_X(model, X, "X")
    y = _check_y(model, y, X.shape[0], "y", name)
    if validation is not None:
        if not (isinstance(validation, (tuple, list)) and len(validation) == 2):
            raise TypeError(f"validation must be a pair (X_val, y_val), got "
                            f"{type(validation).__name__}")
        X_val = _check_X(model, validation[0], "validation[0]")
        y_val = _check_y(model, validation[1], X_val.shape[0], "validation[1]", name)
        validation = (X_val, y_val)
    epochs = check_scalar(epochs, "epochs", low=1, integer=True)
    batch_size = check_scalar(batch_size, "batch_size", low=1, integer=True)
    initial_epoch = check_scalar(initial_epoch, "initial_epoch", low=0, integer=True)
    _check_schedule(schedule, optimizer)
    if early_stopping is not None and not callable(getattr(early_stopping, "update", None)):
        raise TypeError(f"early_stopping must be an nnlearn.regularization.EarlyStopping, "
                        f"got {type(early_stopping).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    metrics = _check_metrics(metrics)
    shuffle = check_bool(shuffle, "shuffle")
    verbose = check_bool(verbose, "verbose")
    rng = check_rng(rng)
    rule = _label_rule(model, name) if "accuracy" in metrics else None

    history = History()
    stop_offset = None if early_stopping is None else early_stopping.epoch
    last = initial_epoch + epochs
    for epoch in range(initial_epoch + 1, last + 1):
        start_time = time.perf_counter()
        lr = float(optimizer.lr)
        order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
        with np.errstate(**_IGNORE_FP):     # NaN and inf are checked instead
            loss_value, acc = run_epoch(model, loss_pair, optimizer, X, y,
                                        batch_size, order, epoch=epoch, rule=rule)
            val_loss, val_acc = _validate(model, loss_pair, validation, rule,
                                          epoch, lr)
        history.record(epoch, loss_value, acc, val_loss, val_acc, lr,
                       time.perf_counter() - start_time)
        if verbose:
            print(_report(history, last), flush=True)
        if schedule is not None:
            schedule.step()                 # once per epoch, after it
        stop = False
        if early_stopping is not None:      # may copy the best weights back
            watched = history.loss if validation is None else history.val_loss
            stop = bool(early_stopping.update(watched[-1], model.params))
        if callback is not None:
            stop = bool(callback(epoch, model, history)) or stop
        if stop:
            history.stopped_early = epoch < last
            break
    _finish(history, model, early_stopping, stop_offset, validation, verbose)
    return history


# ----------------------------------------------------------------------------
# Checkpoints
# ----------------------------------------------------------------------------

def _rng_state(gen: np.random.Generator) -> str:
    return json.dumps(gen.bit_generator.state)


def _set_rng_state(gen: np.random.Generator, state: str, name: str) -> None:
    saved = json.loads(str(state))
    if saved.get("bit_generator") != gen.bit_generator.state["bit_generator"]:
        raise ValueError(f"{name} uses {gen.bit_generator.state['bit_generator']} but the "
                         f"checkpoint holds a {saved.get('bit_generator')} state")
    gen.bit_generator.state = saved


def save_checkpoint(path, model, optimizer, epoch: int, *, schedule=None,
                    rng: np.random.Generator | None = None) -> Path:
    """Write model parameters, optimizer state and the epoch to one ``.npz`` file.

    Keys: ``"param.<i>"`` for ``model.params[i]``, ``"buffer.<i>"`` for
    ``model.buffers[i]`` (BatchNorm running statistics), ``"optimizer.<key>"`` for
    ``optimizer.state_dict()``, ``"schedule.<key>"`` for the scheduler's state,
    ``"epoch"``, and, as JSON strings, the bit-generator states of ``rng``
    (the shuffling source given to :func:`fit`) and of ``model.rng`` (dropout
    masks) when present. With all of them, a resumed run repeats the
    uninterrupted run exactly.

    Parameters
    ----------
    path : str or os.PathLike
        File name; ``.npz`` is appended if missing.
    model : MLP or compatible
    optimizer : nnlearn.optimizers.Optimizer
    epoch : int
        Number of epochs completed (>= 0).
    schedule : nnlearn.schedules.LRScheduler, optional
    rng : numpy.random.Generator, optional

    Returns
    -------
    pathlib.Path
        The file written.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name, got {type(path).__name__}")
    _check_optimizer(optimizer)
    epoch = check_scalar(epoch, "epoch", low=0, integer=True)
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    arrays = {"format": _CHECKPOINT_FORMAT, "epoch": epoch}
    for i, p in enumerate(model.params):
        arrays[f"param.{i}"] = p                         # W1, b1, W2, b2, ...
    for i, b in enumerate(getattr(model, "buffers", [])):
        arrays[f"buffer.{i}"] = b                        # BatchNorm running statistics
    for key, value in optimizer.state_dict().items():
        arrays[f"optimizer.{key}"] = value               # t, lr, buffers
    if schedule is not None:
        for key, value in schedule.state_dict().items():
            arrays[f"schedule.{key}"] = value
    if rng is not None:
        arrays["rng"] = _rng_state(rng)                  # batch order
    if isinstance(getattr(model, "rng", None), np.random.Generator):
        arrays["model_rng"] = _rng_state(model.rng)      # dropout masks
    np.savez(path, **arrays)
    return path


def _section(data, prefix: str) -> dict:
    return {k[len(prefix):]: data[k] for k in data.files if k.startswith(prefix)}


def load_checkpoint(path, model, optimizer=None, *, schedule=None,
                    rng: np.random.Generator | None = None) -> int:
    """Restore a checkpoint written by :func:`save_checkpoint`; return its epoch.

    The parameters are copied into ``model.params`` in place (an optimizer
    built on them keeps working). Every saved array must have the shape and
    dtype of the model's parameter, otherwise ``ValueError`` names the first
    mismatch and nothing is changed. ``optimizer``, ``schedule`` and ``rng``
    (a Generator, set to the saved state) are restored when given.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name, got {type(path).__name__}")
    with np.load(path) as data:
        if "format" not in data.files or str(data["format"]) != _CHECKPOINT_FORMAT:
            raise ValueError(f"path {str(path)!r} is not an nnlearn checkpoint")
        saved = [data[f"param.{i}"] for i in range(len(_section(data, "param.")))]
        params = model.params
        if len(saved) != len(params):
            raise ValueError(f"the checkpoint holds {len(saved)} parameter arrays but the "
                             f"model has {len(params)}")
        for i, (s, p) in enumerate(zip(saved, params, strict=True)):
            if s.shape != p.shape or s.dtype != p.dtype:
                raise ValueError(f"checkpoint parameter {i} has shape {s.shape} and dtype "
                                 f"{s.dtype}, but the model's params[{i}] has shape "
                                 f"{p.shape} and dtype {p.dtype}: the checkpoint belongs "
                                 f"to another architecture")
        saved_buffers = [data[f"buffer.{i}"] for i in range(len(_section(data, "buffer.")))]
        buffers = getattr(model, "buffers", [])
        if len(saved_buffers) != len(buffers) or any(
                s.shape != b.shape for s, b in zip(saved_buffers, buffers, strict=False)):
            raise ValueError(f"the checkpoint holds {len(saved_buffers)} buffers (running "
                             f"statistics) that do not match the model's {len(buffers)}")
        if rng is not None and "rng" not in data.files:
            raise ValueError("rng was given but the checkpoint holds no rng state")
        if schedule is not None and not _section(data, "schedule."):
            raise ValueError("schedule was given but the checkpoint holds no schedule state")
        if optimizer is not None:
            optimizer.load_state_dict(_section(data, "optimizer."))
        if schedule is not None:
            schedule.load_state_dict(_section(data, "schedule."))
        for s, p in zip(saved, params, strict=True):
            np.copyto(p, s)
        for s, b in zip(saved_buffers, buffers, strict=True):
            np.copyto(b, s)
        if rng is not None:
            _set_rng_state(rng, data["rng"], "rng")
        if "model_rng" in data.files and isinstance(getattr(model, "rng", None),
                                                    np.random.Generator):
            _set_rng_state(model.rng, data["model_rng"], "model.rng")
        return int(data["epoch"])
