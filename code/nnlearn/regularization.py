r"""Weight penalties (L2, L1), an optimizer wrapper that applies them, and early stopping.

The penalties take the *list of arrays to penalize*. In practice that is the
weight matrices only: biases are usually left out, because shrinking a bias
towards zero does not make the function any smoother, it only shifts it.
The caller decides by choosing what to put in the list. :class:`Penalized`
wraps any optimizer so that its steps follow the penalized loss.

Adding :math:`\tfrac{\alpha}{2}\lVert W\rVert^2` to the loss turns a plain
gradient step into *weight decay*:

.. math:: W \leftarrow W - \eta(\nabla_W L + \alpha W) = (1 - \eta\alpha)\,W - \eta\,\nabla_W L.

With adaptive optimizers (Adam) the two are no longer the same: the penalty's
gradient gets rescaled by the adaptive step size, while AdamW applies the decay
:math:`-\eta\alpha W` separately ("decoupled").
"""

from __future__ import annotations

import copy
import numbers
from collections.abc import Mapping

import numpy as np

from nnlearn._checks import (
    as_float_array,
    check_bool,
    check_choice,
    check_grads,
    check_params,
    check_scalar,
)
from nnlearn.protocols import OptimizerWrapper, check_optimizer

__all__ = [
    "l2_penalty",
    "l2_penalty_grad",
    "l1_penalty",
    "l1_penalty_grad",
    "EarlyStopping",
    "MONITORS",
    "Penalized",
]

MONITORS = {"loss": "min", "val_loss": "min", "accuracy": "max", "val_accuracy": "max"}
"""What :class:`EarlyStopping` can watch inside :func:`nnlearn.training.fit`
(names of :class:`nnlearn.training.History` lists), with the ``mode`` each needs."""


def _total(params: list[np.ndarray], entry) -> np.floating:
    """Sum of ``entry`` over all entries of all arrays.

    The result is in the arrays' common dtype.

    float64 for an empty list.
    """
    dtype = np.result_type(*params) if params else np.dtype(np.float64)
    return dtype.type(sum((np.sum(entry(p)) for p in params), dtype.type(0)))


def l2_penalty(params, lam: float) -> np.floating:
    r"""L2 penalty: lam / 2 times the sum of squares of all entries.

    .. math:: \frac{\alpha}{2} \sum_{\mathbf{W}} \lVert \mathbf{W} \rVert_\mathrm{F}^2,

    the sum running over the arrays :math:`\mathbf{W}` in ``params``. The factor
    1/2 is a convention that makes the gradient exactly :math:`\alpha \mathbf{W}`
    (no factor 2). Some libraries leave it out; then their :math:`\alpha` equals
    twice ours.

    Parameters
    ----------
    params : list of ndarray
        The arrays to penalize, usually the weight matrices only (not biases).
    lam : float
        Strength :math:`\alpha \ge 0`.

    Returns
    -------
    numpy floating scalar
        In the common dtype of ``params`` (float64 for an empty list).
    """
    params = check_params(params)
    lam = check_scalar(lam, "lam", low=0.0)
    total = _total(params, np.square)
    return total.dtype.type(0.5 * lam * total)


def l2_penalty_grad(params, lam: float) -> list[np.ndarray]:
    r"""Gradient of the L2 penalty: lam * W for each array W.

    That is :math:`\alpha \mathbf{W}`, without a factor 2 because
    :func:`l2_penalty` has the factor 1/2.

    Returns
    -------
    list of ndarray
        One new array per entry of ``params``, same shape and dtype.
    """
    params = check_params(params)
    lam = check_scalar(lam, "lam", low=0.0)
    return [lam * p for p in params]


def l1_penalty(params, lam: float) -> np.floating:
    r"""L1 penalty: lam times the sum of the absolute values of all entries of all arrays.

    .. math:: \alpha \sum_{\mathbf{W}} \sum_{j,k} |W_{jk}|

    over the arrays :math:`\mathbf{W}` in ``params`` (no factor 1/2).

    Parameters
    ----------
    params : list of ndarray
        The arrays to penalize, usually the weight matrices only.
    lam : float
        Strength :math:`\alpha \ge 0`.

    Returns
    -------
    numpy floating scalar
        In the common dtype of ``params`` (float64 for an empty list).
    """
    params = check_params(params)
    lam = check_scalar(lam, "lam", low=0.0)
    total = _total(params, np.abs)
    return total.dtype.type(lam * total)


def l1_penalty_grad(params, lam: float) -> list[np.ndarray]:
    r"""Subgradient of the L1 penalty: lam * sign(W) for each array W.

    That is :math:`\alpha\,\operatorname{sign}(\mathbf{W})` for :func:`l1_penalty`.
    :math:`|w|` has no derivative at :math:`w = 0`; every value in
    :math:`[-\alpha, \alpha]` is a subgradient there. We return 0 (the
    convention of ``np.sign`` and of PyTorch's ``abs`` backward), so an entry
    that is exactly zero is not pushed either way.

    Returns
    -------
    list of ndarray
        One new array per entry of ``params``, same shape and dtype.
    """
    params = check_params(params)
    lam = check_scalar(lam, "lam", low=0.0)
    return [lam * np.sign(p) for p in params]


_PENALTY_GRADS = {"l1": l1_penalty_grad, "l2": l2_penalty_grad}


class Penalized(OptimizerWrapper):
    r"""An optimizer whose every step also follows the gradient of an L1 or L2 penalty.

    Training with a penalty means minimizing the penalized loss
    :math:`\tilde L = L + R`, with :math:`R` the penalty, instead of :math:`L`,
    so the gradient that reaches the optimizer must be that of :math:`\tilde L`.
    This wrapper adds the penalty's gradient (:func:`l1_penalty_grad` or
    :func:`l2_penalty_grad`) to the gradients of the arrays in ``penalize``
    (usually the weight matrices, not the biases) and passes the sum to the
    wrapped optimizer: for each penalized array :math:`\mathbf{W}` with
    gradient :math:`\mathbf{g}`,

    .. math:: \mathbf{g} \leftarrow \mathbf{g} + \alpha \operatorname{sign}(\mathbf{W})
              \ \text{(L1)}, \qquad
              \mathbf{g} \leftarrow \mathbf{g} + \alpha \mathbf{W} \ \text{(L2)}.

    It has the whole optimizer interface (:class:`nnlearn.protocols.OptimizerLike`:
    ``step(grads)``, ``params``, ``lr``, ``state_dict``, ``load_state_dict``),
    so it goes wherever an optimizer goes: :func:`nnlearn.training.fit`, a
    learning-rate schedule (built on the wrapper or on the wrapped optimizer,
    the ``lr`` is the same) and the checkpoints. The wrapped optimizer keeps
    its own state; :meth:`state_dict` is that state plus the penalty's settings.

    Parameters
    ----------
    optimizer : nnlearn.protocols.OptimizerLike
        E.g. an :class:`nnlearn.optimizers.Adam`.
    penalty : {"l1", "l2"}
        Which penalty.
    lam : float
        Strength :math:`\alpha \ge 0`.
    penalize : list of ndarray, optional
        The arrays to penalize; each must be one of ``optimizer.params`` (the
        same object). Default: all of them.

    Examples
    --------
    >>> from nnlearn.optimizers import SGD
    >>> W, b = np.array([[2.0, -1.0]]), np.array([0.5])
    >>> opt = Penalized(SGD([W, b], lr=0.1), "l1", lam=0.5, penalize=[W])
    >>> opt.step([np.zeros((1, 2)), np.zeros(1)])
    >>> W, b
    (array([[ 1.95, -0.95]]), array([0.5]))
    """

    def __init__(self, optimizer, penalty: str, lam: float, penalize=None) -> None:
        check_optimizer(optimizer)
        params = list(optimizer.params)
        self.optimizer = optimizer
        self.penalty = check_choice(penalty, "penalty", _PENALTY_GRADS)
        self.lam = check_scalar(lam, "lam", low=0.0)
        if penalize is None:
            penalize = params
        penalize = check_params(penalize, "penalize")
        self.indices = []
        for k, p in enumerate(penalize):
            matches = [i for i, q in enumerate(params) if q is p]
            if not matches:
                raise ValueError(f"penalize[{k}] (shape {p.shape}) is not one of the "
                                 f"optimizer's params (pass the same array objects)")
            self.indices.append(matches[0])

    def penalty_value(self) -> np.floating:
        """The penalty R at the current parameters: add it to the loss for the penalized loss."""
        chosen = [self.params[i] for i in self.indices]
        value = l1_penalty if self.penalty == "l1" else l2_penalty
        return value(chosen, self.lam)

    def step(self, grads) -> None:
        """Add the penalty's gradient to grads, then step the optimizer.

        The sums go in a new list.
        """
        # a new list, one array per parameter
        grads = check_grads(grads, self.params)
        chosen = [self.params[i] for i in self.indices]
        for i, extra in zip(self.indices,
                            _PENALTY_GRADS[self.penalty](chosen, self.lam),
                            strict=True):
            grads[i] = grads[i] + extra
        self.optimizer.step(grads)

    def _settings(self) -> dict:
        return {"penalized.penalty": self.penalty, "penalized.lam": self.lam,
                "penalized.indices": np.array(self.indices, dtype=np.int64)}

    def state_dict(self) -> dict:
        """The wrapped optimizer's :meth:`state_dict` plus the penalty's entries.

        These are ``"penalized.penalty"``, ``"penalized.lam"`` and
        ``"penalized.indices"`` (which arrays are penalized).
        """
        sd = self.optimizer.state_dict()
        sd.update(self._settings())
        return sd

    def load_state_dict(self, state_dict: Mapping) -> None:
        """Check the penalty settings in ``state_dict`` and restore the wrapped optimizer.

        ``state_dict`` may be the dict from :meth:`state_dict` or ``np.load``
        of an ``.npz`` written from it. A different penalty, strength or set of
        penalized arrays raises ValueError and changes nothing.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"state_dict must be a mapping, got {type(state_dict).__name__}")
        for key, value in self._settings().items():
            if key not in state_dict:
                raise ValueError(f"state_dict has no {key!r}: it was not saved from a "
                                 f"Penalized optimizer")
            saved = np.asarray(state_dict[key])
            if saved.shape != np.shape(value) or not np.all(saved == value):
                raise ValueError(f"state_dict[{key!r}] is {saved.tolist()!r}, but this "
                                 f"Penalized has {np.asarray(value).tolist()!r}")
        self.optimizer.load_state_dict({k: v for k, v in state_dict.items()
                                        if not k.startswith("penalized.")})

    def __repr__(self) -> str:
        return (f"Penalized({self.optimizer!r}, penalty={self.penalty!r}, lam={self.lam}, "
                f"{len(self.indices)} of {len(self.params)} arrays)")


class EarlyStopping:
    r"""Stop training when a monitored value (e.g. validation loss) stops improving.

    Call :meth:`update` once per epoch. With ``mode="min"`` a value counts as
    an improvement when

    .. math:: \text{value} < \text{best} - \Delta_{\min}

    (``mode="max"``: :math:`\text{value} > \text{best} + \Delta_{\min}`), where
    :math:`\Delta_{\min}` is ``min_delta``. This is the rule of Keras' and PyTorch
    Lightning's ``EarlyStopping``; the first value is always an improvement.
    After ``patience`` consecutive updates without improvement, :meth:`update`
    returns True. A NaN or infinite value also returns True at once (the run
    has diverged).

    The rule counts its own updates from 0: the ``i``-th call of
    :meth:`update` is its epoch ``i``. :func:`nnlearn.training.fit` numbers
    epochs from 1 and converts, so its ``History.best_epoch`` is
    ``best_epoch + 1`` in a fresh run.

    Parameters
    ----------
    patience : int, default 5
        Number of epochs without improvement to tolerate, ``>= 0``
        (0 stops at the first epoch that does not improve).
    min_delta : float, default 0.0
        Minimum change ``>= 0`` that counts as an improvement.
    restore_best : bool, default True
        Keep a copy of the parameters from the best epoch, and copy it back
        into the parameters (in place) when :meth:`update` returns True.
        :meth:`restore` does the same on demand, e.g. after the last epoch.
    mode : {"min", "max"}, optional
        Whether smaller (a loss) or larger (an accuracy) is better. Default:
        the direction of ``monitor`` (``"max"`` for an accuracy), else ``"min"``.
    monitor : {"loss", "val_loss", "accuracy", "val_accuracy"}, optional
        What :func:`nnlearn.training.fit` feeds to :meth:`update`: a list of
        the :class:`~nnlearn.training.History` (see :data:`MONITORS`). By
        default fit feeds the validation loss, or the training loss without
        validation data. Its direction must agree with ``mode``, so
        ``mode="max"`` on a loss (which would keep the *worst* weights) is
        refused. When you call :meth:`update` yourself it is only a label.

    Attributes
    ----------
    best : float
        Best value so far (``inf`` for "min", ``-inf`` for "max" before the first update).
    best_epoch : int
        Epoch of ``best``; -1 before the first update.
    wait : int
        Epochs since the last improvement.
    epoch : int
        Number of updates seen so far.
    stopped : bool
        Whether :meth:`update` has returned True.
    best_params : list of ndarray or None
        Copies of the parameters at ``best_epoch`` (only with ``restore_best``).

    Examples
    --------
    >>> stopper = EarlyStopping(patience=2)
    >>> [stopper.update(v) for v in [3.0, 2.0, 2.5, 2.1]]
    [False, False, False, True]
    >>> stopper.best, stopper.best_epoch
    (2.0, 1)
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0,
                 restore_best: bool = True, mode: str | None = None,
                 monitor: str | None = None) -> None:
        self.patience = check_scalar(patience, "patience", low=0, integer=True)
        self.min_delta = check_scalar(min_delta, "min_delta", low=0.0)
        self.restore_best = check_bool(restore_best, "restore_best")
        if monitor is not None:
            if not isinstance(monitor, str):
                raise TypeError(f"monitor must be one of {sorted(MONITORS)} or None, "
                                f"got {type(monitor).__name__}")
            check_choice(monitor, "monitor", MONITORS)
        self.monitor = monitor
        if mode is None:
            mode = "min" if monitor is None else MONITORS[monitor]
        if not isinstance(mode, str):
            raise TypeError(f"mode must be 'min' or 'max', got {type(mode).__name__}")
        self.mode = check_choice(mode, "mode", {"min", "max"})
        if monitor is not None and self.mode != MONITORS[monitor]:
            raise ValueError(f"mode must be {MONITORS[monitor]!r} for monitor={monitor!r}, "
                             f"got mode={self.mode!r}")
        self.best = np.inf if self.mode == "min" else -np.inf
        self.best_epoch = -1
        self.wait = 0
        self.epoch = 0
        self.stopped = False
        self.best_params: list[np.ndarray] | None = None

    def _improves(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def update(self, value: float, params=None) -> bool:
        """Record this epoch's value; True when training should stop.

        Parameters
        ----------
        value : float
            The monitored quantity for this epoch.
        params : list of ndarray, optional
            The model's parameters. With ``restore_best=True`` a copy is kept
            whenever ``value`` improves, and on stopping the best copy is
            written back into these arrays in place.

        Returns
        -------
        bool
            True if ``patience`` epochs passed without improvement or
            ``value`` is not finite.
        """
        value = _check_value(value)
        if params is not None:
            # a diverged model may hold NaN
            params = check_params(params, allow_nonfinite=True)
        current = self.epoch
        self.epoch += 1
        if not np.isfinite(value):
            self.stopped = True
        elif self._improves(value):
            self.best = value
            self.best_epoch = current
            self.wait = 0
            if self.restore_best and params is not None:
                self.best_params = [p.copy() for p in params]
            return False
        else:
            self.wait += 1
            self.stopped = self.wait >= self.patience
        if self.stopped and self.restore_best and params is not None \
                and self.best_params is not None:
            self.restore(params)
        return self.stopped

    def restore(self, params) -> None:
        """Copy the best parameters back into ``params`` in place.

        The arrays in ``params`` keep their identity (an optimizer holding
        references to them sees the restored values); only their contents change.

        Parameters
        ----------
        params : list of ndarray
            Same number of arrays, with the same shapes, as were passed to
            :meth:`update`.
        """
        params = check_params(params, allow_nonfinite=True)
        if self.best_params is None:
            raise ValueError("params cannot be restored: no best parameters were stored "
                             "(use restore_best=True and pass params to update)")
        if len(params) != len(self.best_params):
            raise ValueError(f"params must hold {len(self.best_params)} arrays like the "
                             f"stored best, got {len(params)}")
        for i, (p, b) in enumerate(zip(params, self.best_params, strict=True)):
            if p.shape != b.shape:
                raise ValueError(f"params[{i}] must have shape {b.shape} like the stored "
                                 f"best, got {p.shape}")
            np.copyto(p, b)

    def state_dict(self) -> dict:
        """Everything needed to resume: settings, counters and copies of the best params."""
        return {
            "patience": self.patience,
            "min_delta": self.min_delta,
            "restore_best": self.restore_best,
            "mode": self.mode,
            "monitor": self.monitor,
            "best": self.best,
            "best_epoch": self.best_epoch,
            "wait": self.wait,
            "epoch": self.epoch,
            "stopped": self.stopped,
            "best_params": copy.deepcopy(self.best_params),
        }

    def load_state_dict(self, state: Mapping) -> None:
        """Restore the state saved by :meth:`state_dict` (arrays are copied).

        Values may be plain Python values or 0-d NumPy arrays (as read back
        from an ``.npz`` file). Every value is checked before anything
        changes: a wrong type or range raises TypeError/ValueError naming
        ``state[key]``.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"state must be a dict, got {type(state).__name__}")
        missing = set(self.state_dict()) - set(state)
        if missing:
            raise ValueError(f"state is missing keys {sorted(missing)}")
        get = {key: _plain(state[key]) for key in self.state_dict() if key != "best_params"}
        for key in ("restore_best", "stopped"):
            if not isinstance(get[key], bool):
                raise TypeError(f"state[{key!r}] must be True or False, got {get[key]!r}")
        if not isinstance(get["mode"], str):
            raise TypeError(f"state['mode'] must be 'min' or 'max', got {get['mode']!r}")
        if get["monitor"] is not None and not isinstance(get["monitor"], str):
            raise TypeError(f"state['monitor'] must be a string or None, "
                            f"got {get['monitor']!r}")
        try:
            fresh = EarlyStopping(get["patience"], get["min_delta"], get["restore_best"],
                                  get["mode"], get["monitor"])      # validates settings
        except (TypeError, ValueError) as err:
            raise type(err)(f"state holds invalid settings: {err}") from err
        best = get["best"]
        if isinstance(best, bool) or not isinstance(best, numbers.Real) or np.isnan(best):
            raise TypeError(f"state['best'] must be a number, got {best!r}")
        best_epoch = check_scalar(get["best_epoch"], "state['best_epoch']", low=-1,
                                  integer=True)
        wait = check_scalar(get["wait"], "state['wait']", low=0, integer=True)
        epoch = check_scalar(get["epoch"], "state['epoch']", low=0, integer=True)
        if best_epoch >= epoch:
            raise ValueError(f"state['best_epoch'] must be below state['epoch'] = {epoch}, "
                             f"got {best_epoch}")
        best_params = state["best_params"]
        if best_params is not None:
            best_params = [p.copy() for p in check_params(
                best_params, "state['best_params']", allow_nonfinite=True)]
        self.patience = fresh.patience
        self.min_delta = fresh.min_delta
        self.restore_best = fresh.restore_best
        self.mode = fresh.mode
        self.monitor = fresh.monitor
        self.best = float(best)
        self.best_epoch = best_epoch
        self.wait = wait
        self.epoch = epoch
        self.stopped = get["stopped"]
        self.best_params = best_params


def _check_value(value) -> float:
    """The monitored ``value`` as a float (NaN and infinity allowed: they stop the run)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"value must be a number, got {value!r}")
    return float(as_float_array(value, "value", ndim=0, allow_nonfinite=True))


def _plain(value):
    """A 0-d NumPy array or NumPy scalar as the Python value it holds (others unchanged)."""
    if isinstance(value, (np.ndarray, np.generic)) and np.ndim(value) == 0:
        return value.item()
    return value
