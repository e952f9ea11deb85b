r"""The training loop: mini-batches, epochs, validation, schedules, early stopping.

One **training step** on a batch :math:`(X_B, Y_B)` of :math:`B` rows is

1. forward: :math:`\hat Y = f_\theta(X_B)` (training mode, so dropout is on),
2. loss: :math:`L = \ell(\hat Y, Y_B)`, the mean over the batch,
3. backward: :math:`\nabla_\theta L`, stored in the model's ``grads``,
4. update: ``optimizer.step(grads)``; for plain gradient descent
   (``optimizers.SGD``) that is :math:`\theta \leftarrow \theta - \eta\,\nabla_\theta L`
   and nothing else.

One **epoch** shuffles the training rows, cuts them into batches of
``batch_size`` rows (the last one may be smaller, or left out with
``drop_last=True``) and takes one step per batch. :func:`fit` repeats
epochs, evaluates on validation data after each, steps a learning-rate
schedule, asks an early-stopping rule whether to go on, and records
everything in a :class:`History`.

The model can be anything with ``forward(x, training)``,
``backward(grad_out, input_grad)`` and parallel ``params``/``grads`` lists
(:class:`nnlearn.protocols.ModelLike`), such as :class:`nnlearn.network.MLP`
(``input_grad=False``: the gradient with respect to the input is not needed,
so it is not computed); the optimizer anything that is an
:class:`nnlearn.protocols.OptimizerLike` *built on the model's own parameter
arrays*. Checkpoints are in :mod:`nnlearn.checkpoints`, accuracy and the
confusion matrix in :mod:`nnlearn.metrics` (both importable from here too).

Every public function checks its arguments and names the wrong one. When
training diverges (:class:`TrainingDiverged`) the model and the optimizer are
left in their last finite state, and the message says which one that is.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from nnlearn import checkpoints as _checkpoints
from nnlearn import lr_finder as _lr_finder
from nnlearn import metrics as _metrics
from nnlearn._checks import (
    check_batch,
    check_bool,
    check_order,
    check_rng,
    check_scalar,
    check_schedule,
    check_targets,
    loss_name,
)
from nnlearn.metrics import label_rule, n_correct
from nnlearn.optimizers import clip_grad_norm
from nnlearn.protocols import check_model, check_optimizer
from nnlearn.regularization import MONITORS, EarlyStopping
from nnlearn.schedules import ReduceLROnPlateau

__all__ = [
    "METRICS",
    "History",
    "TrainingDiverged",
    "evaluate",
    "fit",
    "get_loss",
    "predict",
    "run_epoch",
    "train_step",
]

# Still importable from here (``from nnlearn.training import save_checkpoint``), but
# documented once, under their own modules: so they are not in __all__.
accuracy, confusion_matrix = _metrics.accuracy, _metrics.confusion_matrix
load_checkpoint, save_checkpoint = _checkpoints.load_checkpoint, _checkpoints.save_checkpoint
lr_range_test = _lr_finder.lr_range_test

LossPair = tuple[Callable[..., float], Callable[..., np.ndarray]]

METRICS = ("accuracy",)
"""Metric names accepted by :func:`fit` and :func:`evaluate`."""

# np.errstate inside the loops, which check for NaN and inf instead (nnlearn.lr_finder too)
IGNORE_FP = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}


class TrainingDiverged(FloatingPointError):
    """The loss (or a parameter) became NaN or infinite during :func:`fit`.

    The message names the epoch and the batch, suggests a smaller learning
    rate (the usual cause) and says which state the model and the optimizer
    were left in: the one before the failing batch when that is finite (no
    step is taken on a batch whose loss is not finite), else the one at the
    start of the epoch.
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
        Epoch with the best monitored value: the early-stopping rule's choice
        if one was given (its ``monitor``), else the lowest validation loss
        (training loss without validation data). With early stopping these are
        the weights the model holds at the end; after a resumed run it may be
        an epoch of the earlier call.
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


def check_data(model, loss, optimizer, X, y, x_name: str,
                y_name: str) -> tuple[LossPair, np.ndarray, np.ndarray]:
    """Check model, loss, optimizer (on ``model.params``) and data, as every caller does."""
    loss_pair = get_loss(loss)
    check_model(model)
    check_optimizer(optimizer, model=model)
    X = _check_X(model, X, x_name)
    return loss_pair, X, check_targets(model, y, X.shape[0], y_name, loss_name(loss))


def _check_metrics(metrics) -> tuple[str, ...]:
    if isinstance(metrics, str):
        metrics = (metrics,)
    if not isinstance(metrics, Sequence):
        raise TypeError(f"metrics must be a sequence of names, got {type(metrics).__name__}")
    for m in metrics:
        if m not in METRICS:
            raise ValueError(f"metrics must be names from {list(METRICS)}, got {m!r}")
    return tuple(metrics)


def _check_early_stopping(early_stopping, validation, rule: str | None) -> str:
    """The :class:`History` list that ``early_stopping`` watches; refuse a mismatch."""
    default = "loss" if validation is None else "val_loss"
    if early_stopping is None:
        return default
    if not isinstance(early_stopping, EarlyStopping):
        raise TypeError(f"early_stopping must be an nnlearn.regularization.EarlyStopping, "
                        f"got {type(early_stopping).__name__}")
    monitor = early_stopping.monitor or default
    if early_stopping.mode != MONITORS[monitor]:
        raise ValueError(f"early_stopping has mode={early_stopping.mode!r} but watches "
                         f"{monitor!r}, where {MONITORS[monitor]!r} is better: it would keep "
                         f"the worst weights. Pass monitor='val_accuracy' (or 'accuracy') "
                         f"to watch an accuracy")
    if monitor.startswith("val_") and validation is None:
        raise ValueError(f"early_stopping watches {monitor!r} but fit has no validation data")
    if monitor.endswith("accuracy") and rule is None:
        raise ValueError(f"early_stopping watches {monitor!r} but no accuracy is computed "
                         f"(metrics lacks 'accuracy', or the model is not a classifier)")
    return monitor


# ----------------------------------------------------------------------------
# One step, evaluation, prediction
# ----------------------------------------------------------------------------

def train_step(model, loss, optimizer, X_batch,
               y_batch) -> tuple[float, np.ndarray]:
    """One gradient step on one batch: forward, loss, backward, update.

    Checks its arguments like :func:`fit`, then takes the four steps.

    Parameters
    ----------
    model : MLP or compatible
    loss : str or (callable, callable)
        As in :func:`fit`.
    optimizer : nnlearn.protocols.OptimizerLike
        Built on ``model.params``.
    X_batch : array_like, shape (B, n_in)
    y_batch : array_like, B rows

    Returns
    -------
    loss_value : float
        The batch loss *before* the update; NaN or infinite (and no update)
        when training has diverged.
    output : ndarray, shape (B, n_out)
        The network's output for the batch (used for training metrics).
    """
    loss_pair, X_batch, y_batch = check_data(model, loss, optimizer, X_batch, y_batch,
                                              "X_batch", "y_batch")
    return _train_step(model, loss_pair, optimizer, X_batch, y_batch)


def _train_step(
        model, loss, optimizer, X_batch, y_batch,
        max_grad_norm: float | None = None) -> tuple[float, np.ndarray]:
    """Forward, loss, backward, update, on checked arguments.

    ``loss`` is (loss_fn, grad_fn).

    With ``max_grad_norm`` the gradients are clipped to that total norm
    (:func:`nnlearn.optimizers.clip_grad_norm`) between backward and update.
    """
    loss_fn, grad_fn = loss
    output = model.forward(X_batch, training=True)    # 1. forward
    if not np.isfinite(output).all():                 # diverged: no step
        return math.nan, output
    value = float(loss_fn(output, y_batch))           # 2. loss
    if not math.isfinite(value):                      # diverged: no step
        return value, output
    # 3. backward
    model.backward(grad_fn(output, y_batch), input_grad=False)
    # optional: cap the length
    if max_grad_norm is not None:
        clip_grad_norm(model.grads, max_grad_norm)
    optimizer.step(model.grads)                       # 4. update
    return value, output


def _evaluate(model, loss_pair: LossPair, X: np.ndarray, y: np.ndarray,
              rule: str | None,
              batch_size: int) -> tuple[float, float | None]:
    """Mean loss and accuracy (None without a ``rule``) of checked arrays.

    Both are NaN when the model's output is not finite.
    """
    loss_fn = loss_pair[0]
    total, correct = 0.0, 0.0
    n = X.shape[0]
    for start in range(0, n, batch_size):
        xb, yb = X[start:start + batch_size], y[start:start + batch_size]
        out = model.forward(xb, training=False)
        if not np.isfinite(out).all():
            return math.nan, (None if rule is None else math.nan)
        total += xb.shape[0] * float(loss_fn(out, yb))
        if rule is not None:
            correct += n_correct(out, yb, rule)
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
        :math:`\frac1n\sum_i \ell^{(i)}`, the accuracy the fraction of rows
        whose predicted label equals the true one. Both are NaN when the
        model's output holds NaN or infinity (a diverged model).
    """
    loss_pair = get_loss(loss)
    name = loss_name(loss)
    check_model(model)
    metrics = _check_metrics(metrics)
    X = _check_X(model, X, "X")
    y = check_targets(model, y, X.shape[0], "y", name)
    batch_size = X.shape[0] if batch_size is None else check_scalar(
        batch_size, "batch_size", low=1, integer=True)
    rule = label_rule(model, name) if "accuracy" in metrics else None
    with np.errstate(**IGNORE_FP):
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
    check_model(model)
    X = _check_X(model, X, "X")
    batch_size = X.shape[0] if batch_size is None else check_scalar(
        batch_size, "batch_size", low=1, integer=True)
    run = getattr(model, "predict", None) or model.forward
    parts = [run(X[s:s + batch_size]) for s in range(0, X.shape[0], batch_size)]
    return np.concatenate(parts, axis=0)


# ----------------------------------------------------------------------------
# The loop
# ----------------------------------------------------------------------------

def _diverged(where: str, what: str, lr: float) -> TrainingDiverged:
    return TrainingDiverged(
        f"training diverged at {where}: {what}.\nThe steps are too large: try a "
        f"smaller learning rate (lr={lr:g} now, e.g. lr={lr / 10:g}).")


def _params_finite(model) -> bool:
    return all(np.isfinite(p).all() for p in model.params)


def _optimizer_finite(optimizer) -> bool:
    """The optimizer's lr and buffers hold no NaN or infinity."""
    return all(np.isfinite(v).all()
               for v in optimizer.state_dict().values()
               if np.asarray(v).dtype.kind == "f")


@contextmanager
def _keep_finite_state(model, optimizer, epoch: int) -> Iterator[None]:
    """Leave model and optimizer finite on a TrainingDiverged error.

    The error's message then says which state they keep.

    No step is taken on a batch whose loss is not finite, so the state before
    the failing batch is usually still finite and is kept. If a step itself
    overflowed, the parameters, the buffers, the optimizer state and the
    model's random generators (dropout masks) are put back to their state at
    the start of the epoch, so a rerun from there draws the same masks.

    A ``KeyboardInterrupt`` puts the same state back (an interrupt in the
    middle of ``optimizer.step`` would leave some arrays updated and others
    not) and adds a note saying so.
    """
    arrays = list(model.params) + model_buffers(model)
    copies = [a.copy() for a in arrays]
    state = optimizer.state_dict()
    generators = generator_states(model)

    def put_back() -> None:
        for a, saved in zip(arrays, copies, strict=True):
            np.copyto(a, saved)
        optimizer.load_state_dict(state)
        restore_generators(generators)

    try:
        yield
    except TrainingDiverged as err:
        if (_params_finite(model) and _optimizer_finite(optimizer)
                and all(np.isfinite(b).all()
                        for b in model_buffers(model))):
            kept = ("The model and the optimizer keep their state from "
                    "before that batch (the last finite one).")
        else:
            put_back()
            kept = ("A step made the parameters or the optimizer's "
                    "state non-finite, so both were put back to their "
                    f"state at the start of epoch {epoch}.")
        raise TrainingDiverged(f"{err}\n{kept}") from err.__cause__
    except KeyboardInterrupt as err:
        put_back()
        err.add_note("nnlearn: the model and the optimizer were put "
                     "back to their state at the start of epoch "
                     f"{epoch}.")
        raise


def _state_finite(model) -> bool:
    """Parameters and Dense layers' cached pre-activations are finite."""
    cached = [layer.z for layer in getattr(model, "dense_layers", [])
              if getattr(layer, "z", None) is not None]
    return (_params_finite(model)
            and all(np.isfinite(z).all() for z in cached))


def model_buffers(model) -> list[np.ndarray]:
    """The model's non-trained state, e.g. batch-norm running statistics (may be empty)."""
    return list(getattr(model, "buffers", []))


def model_generators(model) -> list[np.random.Generator]:
    """The generators the model draws from (``model.rng``, its layers' ``rng``), once each."""
    found = [getattr(model, "rng", None)]
    found += [getattr(layer, "rng", None) for layer in getattr(model, "layers", [])]
    unique: dict[int, np.random.Generator] = {}
    for gen in found:
        if isinstance(gen, np.random.Generator):
            unique.setdefault(id(gen), gen)
    return list(unique.values())


def generator_states(model) -> list[tuple[np.random.Generator, dict]]:
    """Each of :func:`model_generators` with its current state, for :func:`restore_generators`."""
    return [(gen, gen.bit_generator.state) for gen in model_generators(model)]


def restore_generators(saved: list[tuple[np.random.Generator, dict]]) -> None:
    """Put the generators back into the states :func:`generator_states` recorded."""
    for gen, state in saved:
        gen.bit_generator.state = state


def _checked_step(
        model, loss_pair: LossPair, optimizer, xb, yb, where: str,
        max_grad_norm: float | None = None) -> tuple[float, np.ndarray]:
    """``train_step``, raising TrainingDiverged on NaN or inf.

    A failing batch leaves no trace: no step is taken, and what its forward
    pass changed (batch-norm running statistics, the state of the generators
    that drew the dropout masks) is put back.
    """
    buffers = model_buffers(model)
    before = [b.copy() for b in buffers]
    generators = generator_states(model)

    def undo_forward() -> None:
        for b, saved in zip(buffers, before, strict=True):
            np.copyto(b, saved)
        restore_generators(generators)

    try:
        value, out = _train_step(model, loss_pair, optimizer, xb, yb,
                                 max_grad_norm)
    except ValueError as err:   # a check inside the model met NaN or inf
        undo_forward()
        if _state_finite(model):
            raise
        raise _diverged(where, "the network produced NaN or infinity",
                        optimizer.lr) from err
    if not math.isfinite(value):
        undo_forward()
        raise _diverged(where, f"the loss is {value}", optimizer.lr)
    return value, out


def _validate(model, loss_pair: LossPair, validation, rule: str | None,
              epoch: int, lr: float) -> tuple[float | None, float | None]:
    """Validation loss and accuracy (``None`` without validation data)."""
    if validation is None:
        return None, None
    X_val, y_val = validation
    val_loss, val_acc = _evaluate(model, loss_pair, X_val, y_val, rule,
                                  len(X_val))
    if not math.isfinite(val_loss):
        err = _diverged(f"epoch {epoch}, on the validation data",
                        f"the loss is {val_loss}", lr)
        raise TrainingDiverged(f"{err}\nThe model and the optimizer keep "
                               "their (finite) state from the end of "
                               f"epoch {epoch}.")
    return val_loss, val_acc


def run_epoch(model, loss, optimizer, X: np.ndarray, y: np.ndarray, batch_size: int,
              order: np.ndarray, *, epoch: int = 1, rule: str | None = None,
              max_grad_norm: float | None = None,
              drop_last: bool = False) -> tuple[float, float | None]:
    r"""One pass over the data: one :func:`train_step` per batch, in the order ``order``.

    The batches are the rows ``order[0:B]``, ``order[B:2B]``, ... with
    :math:`B` = ``batch_size``; the last batch may be smaller, unless
    ``drop_last`` leaves it out. The arguments are checked as in :func:`fit`,
    which calls this once per epoch inside ``np.errstate`` (the finiteness
    checks here replace the warnings).

    Parameters
    ----------
    model, optimizer
        As in :func:`fit`.
    loss : str or (callable, callable)
        As in :func:`fit`.
    X : array_like, shape (N, n_in)
    y : array_like, N rows
    batch_size : int
        :math:`B \ge 1`.
    order : array_like of int, shape (N,)
        The row order of this epoch: a permutation of ``0, ..., N-1``
        (``np.arange(N)`` for an unshuffled epoch).
    epoch : int, default 1
        Only used in error messages.
    rule : {"argmax", "logit", "prob"} or None
        How outputs become labels for the accuracy; None skips it.
    max_grad_norm : float, optional
        Clip the gradients of every step to this total 2-norm, as in :func:`fit`.
    drop_last : bool, default False
        Leave out the last batch if it has fewer than ``batch_size`` rows, as in :func:`fit`.

    Returns
    -------
    loss_value : float
        :math:`\frac1N \sum_{\mathcal{B}} |\mathcal{B}|\, L_{\mathcal{B}}`: the
        mean loss :math:`L_{\mathcal{B}}` of each batch (:math:`\mathcal{B}` its
        set of rows), taken before its step, weighted by its number of rows
        :math:`|\mathcal{B}|`; :math:`N = \sum_{\mathcal{B}} |\mathcal{B}|`
        counts the rows of the batches taken.
    accuracy : float or None
        Fraction of correct predictions on the training batches.

    Raises
    ------
    TrainingDiverged
        If a batch loss or a parameter is NaN or infinite. The model and the
        optimizer are left in their last finite state (see the message).
    """
    loss, X, y = check_data(model, loss, optimizer, X, y, "X", "y")
    batch_size = check_scalar(batch_size, "batch_size", low=1, integer=True)
    order = check_order(order, X.shape[0])
    epoch = check_scalar(epoch, "epoch", low=1, integer=True)
    if rule is not None and (not isinstance(rule, str)
                             or rule not in ("argmax", "logit", "prob")):
        raise ValueError(f"rule must be 'argmax', 'logit', 'prob' or None, got {rule!r}")
    if max_grad_norm is not None:
        max_grad_norm = check_scalar(max_grad_norm, "max_grad_norm", low=0.0,
                                     low_inclusive=False)
    drop_last = check_bool(drop_last, "drop_last")
    _check_batches(X.shape[0], batch_size, drop_last)
    n_batches = (X.shape[0] // batch_size if drop_last
                 else math.ceil(X.shape[0] / batch_size))
    # rows in the batches taken
    n = n_batches * batch_size if drop_last else X.shape[0]
    total, correct = 0.0, 0.0
    with _keep_finite_state(model, optimizer, epoch):     # if it diverges
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]      # the rows of this batch
            xb, yb = X[idx], y[idx]
            where = (f"epoch {epoch}, batch {start // batch_size + 1} "
                     f"of {n_batches}")
            value, out = _checked_step(model, loss, optimizer, xb, yb, where,
                                       max_grad_norm)
            total += len(idx) * value   # weighted: the last batch may be short
            if rule is not None:
                correct += n_correct(out, yb, rule)
        if not _params_finite(model):   # the last step overflowed
            raise _diverged(f"epoch {epoch}, after its last batch",
                            "a parameter is not finite", optimizer.lr)
    return total / n, (None if rule is None else correct / n)


def _check_batches(n: int, batch_size: int, drop_last: bool) -> None:
    """With ``drop_last``, refuse a ``batch_size`` that leaves no batch at all."""
    if drop_last and batch_size > n:
        raise ValueError(f"batch_size must be <= the {n} rows of X with drop_last=True "
                         f"(else every batch is short and dropped), got {batch_size}")


def _number(v: float) -> str:
    return f"{v:.4f}" if abs(v) < 1000 else f"{v:.4g}"


def _report(history: History, last: int) -> str:
    """One line about the latest epoch, validation values in parentheses.

    For example
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


def _finish(history: History, model, early_stopping, stop_offset: int | None,
            monitor: str, verbose: bool) -> None:
    """Set ``history.best_epoch``; early stopping restores its weights.

    With ``early_stopping.restore_best`` the model ends with the weights of
    the best epoch.
    """
    monitored = getattr(history, monitor)
    best = np.argmax if MONITORS[monitor] == "max" else np.argmin
    history.best_epoch = history.epoch[int(best(monitored))]
    if early_stopping is None:
        return
    # early_stopping counts its updates from 0, stop_offset of them
    # before this call
    best_epoch = history.epoch[0] + early_stopping.best_epoch - stop_offset
    history.best_epoch = (best_epoch if 1 <= best_epoch <= history.epoch[-1]
                          else None)
    if history.best_epoch is None or history.best_epoch == history.epoch[-1]:
        return
    if (early_stopping.restore_best and not early_stopping.stopped
            and early_stopping.best_params is not None):
        # ran to the end after a better epoch
        early_stopping.restore(model.params)
    if verbose:
        restored = (": weights restored" if early_stopping.restore_best
                    else "")
        print(f"best epoch {history.best_epoch}{restored}", flush=True)


def fit(model, loss, optimizer, X, y, *, epochs: int = 10, batch_size: int = 32,
        validation=None, schedule=None, early_stopping=None, metrics=("accuracy",),
        rng=None, shuffle: bool = True, verbose: bool = True, callback=None,
        initial_epoch: int = 0, max_grad_norm: float | None = None,
        drop_last: bool = False) -> History:
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
        Rows per batch (>= 1); the last batch may be smaller (see
        ``drop_last``). ``len(X)`` gives full-batch gradient descent, 1 gives
        pure SGD.
    validation : (X_val, y_val), optional
        Evaluated after every epoch in evaluation mode.
    schedule : nnlearn.schedules.LRScheduler or ReduceLROnPlateau, optional
        Built on ``optimizer``; its ``step()`` is called once at the end of
        every epoch, so the epoch numbered ``epoch`` (from 1) uses the
        schedule's rate after ``epoch - 1`` steps. A
        :class:`~nnlearn.schedules.ReduceLROnPlateau` is stepped with the
        epoch's validation loss instead, as
        ``scheduler.step(val_loss)`` in a PyTorch loop (it needs
        ``validation``).
    early_stopping : nnlearn.regularization.EarlyStopping, optional
        Fed what its ``monitor`` names (default: the validation loss, or the
        training loss without validation data) with the model's parameters
        after every epoch; a ``mode`` that does not fit the monitored value
        (``"max"`` on a loss) is refused. When it says stop the run ends; with
        ``restore_best`` the best weights are put back, also when the run ends
        at ``epochs`` after a later, worse epoch.
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
        :func:`~nnlearn.checkpoints.load_checkpoint`); the epochs of this call are numbered
        ``initial_epoch + 1, ..., initial_epoch + epochs``.
    max_grad_norm : float, optional
        Clip the gradients of every step to this total 2-norm with
        :func:`nnlearn.optimizers.clip_grad_norm`, after the backward pass and
        before the optimizer's step (``torch.nn.utils.clip_grad_norm_`` in a
        PyTorch loop). None (default) does not clip.
    drop_last : bool, default False
        Leave out the last batch of every epoch when it has fewer than
        ``batch_size`` rows, like ``torch.utils.data.DataLoader(drop_last=True)``:
        every step then averages over ``batch_size`` rows, and a short batch
        does not give its few rows a larger share of one step (nor a batch of
        one row to :class:`~nnlearn.network.BatchNorm`). With shuffling, the
        left-out rows differ from epoch to epoch. The recorded ``loss`` is the
        mean over the rows of the batches taken.

    Returns
    -------
    History

    Raises
    ------
    TrainingDiverged
        If a batch loss, the validation loss or a parameter becomes NaN or
        infinite. No step is taken on a batch whose loss is not finite; the
        model and the optimizer are left in their last finite state, and the
        message says which (before the failing batch, or the start of its
        epoch if a step overflowed). Floating-point warnings are silenced
        inside the loop because this check replaces them.
    KeyboardInterrupt
        Passed on after putting the model and the optimizer back to their
        state at the start of the interrupted epoch (never half a step).
    """
    loss_pair, X, y, validation, rng, rule, monitor = _check_fit(
        model, loss, optimizer, X, y, epochs=epochs, batch_size=batch_size,
        validation=validation, schedule=schedule, early_stopping=early_stopping,
        metrics=metrics, rng=rng, shuffle=shuffle, verbose=verbose, callback=callback,
        initial_epoch=initial_epoch, max_grad_norm=max_grad_norm, drop_last=drop_last)
    history = History()
    # epochs the rule counted before this call (a resumed run)
    stop_offset = None if early_stopping is None else early_stopping.epoch
    last = initial_epoch + epochs
    for epoch in range(initial_epoch + 1, last + 1):
        start_time = time.perf_counter()
        lr = float(optimizer.lr)
        order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
        with np.errstate(**IGNORE_FP):     # NaN and inf are checked instead
            loss_value, acc = run_epoch(model, loss_pair, optimizer, X, y,
                                        batch_size, order, epoch=epoch,
                                        rule=rule, max_grad_norm=max_grad_norm,
                                        drop_last=drop_last)
            # evaluation mode (no dropout); (None, None) without validation data
            val_loss, val_acc = _validate(model, loss_pair, validation, rule,
                                          epoch, lr)
        history.record(epoch, loss_value, acc, val_loss, val_acc, lr,
                       time.perf_counter() - start_time)
        if verbose:
            print(_report(history, last), flush=True)     # one line per epoch
        if isinstance(schedule, ReduceLROnPlateau):
            schedule.step(val_loss)         # reacts to the validation loss
        elif schedule is not None:
            schedule.step()                 # once per epoch, after it
        stop = False
        if early_stopping is not None:      # may copy the best weights back
            watched = getattr(history, monitor)     # e.g. history.val_loss
            stop = bool(early_stopping.update(watched[-1], model.params))
        if callback is not None:
            stop = bool(callback(epoch, model, history)) or stop
        if stop:
            history.stopped_early = epoch < last
            break
    # set history.best_epoch; with early stopping, put the best weights back
    _finish(history, model, early_stopping, stop_offset, monitor, verbose)
    return history


def _check_fit(model, loss, optimizer, X, y, *, epochs, batch_size, validation, schedule,
               early_stopping, metrics, rng, shuffle, verbose, callback, initial_epoch,
               max_grad_norm=None, drop_last=False):
    """Check every argument of :func:`fit`; return what the loop uses.

    Returns ``(loss_pair, X, y, validation, rng, rule, monitor)``: the loss
    pair, the checked arrays, the shuffling Generator, the accuracy rule (None
    if no accuracy is computed) and the :class:`History` list early stopping
    watches.
    """
    loss_pair, X, y = check_data(model, loss, optimizer, X, y, "X", "y")
    name = loss_name(loss)
    if validation is not None:
        if not (isinstance(validation, (tuple, list)) and len(validation) == 2):
            raise TypeError(f"validation must be a pair (X_val, y_val), got "
                            f"{type(validation).__name__}")
        X_val = _check_X(model, validation[0], "validation[0]")
        y_val = check_targets(model, validation[1], X_val.shape[0], "validation[1]", name)
        validation = (X_val, y_val)
    check_scalar(epochs, "epochs", low=1, integer=True)
    check_scalar(batch_size, "batch_size", low=1, integer=True)
    check_scalar(initial_epoch, "initial_epoch", low=0, integer=True)
    check_schedule(schedule, optimizer)
    if isinstance(schedule, ReduceLROnPlateau) and validation is None:
        raise ValueError("schedule is a ReduceLROnPlateau, which fit steps with the "
                         "validation loss, but fit has no validation data: pass "
                         "validation=(X_val, y_val)")
    if isinstance(schedule, ReduceLROnPlateau) and schedule.mode != "min":
        raise ValueError(f"schedule is a ReduceLROnPlateau with mode={schedule.mode!r}, but "
                         f"fit steps it with the validation loss, where 'min' is better")
    if max_grad_norm is not None:
        check_scalar(max_grad_norm, "max_grad_norm", low=0.0, low_inclusive=False)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    metrics = _check_metrics(metrics)
    check_bool(shuffle, "shuffle")
    check_bool(verbose, "verbose")
    _check_batches(X.shape[0], batch_size, check_bool(drop_last, "drop_last"))
    rng = check_rng(rng)
    rule = label_rule(model, name) if "accuracy" in metrics else None
    monitor = _check_early_stopping(early_stopping, validation, rule)
    return loss_pair, X, y, validation, rng, rule, monitor
