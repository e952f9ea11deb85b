r"""Learning-rate schedules: step decay, exponential decay, cosine annealing, linear warm-up.

Each schedule exists twice:

- as a pure function of the step number, ``f(base_lr, t, ...)``, vectorized
  over ``t`` (pass ``np.arange(n)`` to draw the curve in a figure);
- as a class that drives an optimizer from :mod:`nnlearn.optimizers`: it
  remembers the optimizer's learning rate as ``base_lr``, sets
  ``optimizer.lr = f(base_lr, 0)`` at construction, and on every call to
  ``scheduler.step()`` advances ``last_step`` by one and sets
  ``optimizer.lr = f(base_lr, last_step)``.

The values are those of ``torch.optim.lr_scheduler`` (``StepLR``,
``ExponentialLR``, ``CosineAnnealingLR``; ``LinearWarmup`` is ``LinearLR``
with ``end_factor=1``), computed from the closed forms rather than by
PyTorch's step-by-step recursions, so they agree up to rounding. Call
``scheduler.step()`` after ``optimizer.step(grads)``, once per batch or once
per epoch, whichever ``t`` should count.

The decay factor ``gamma`` of :class:`StepLR` and :class:`ExponentialLR`
must lie in :math:`(0, 1]`. PyTorch checks nothing there (any float is
accepted, a negative one flips the sign of the rate), but a factor above 1
makes the rate grow geometrically until it overflows (``gamma=1e300``
overflows at the second step), which is not a decay; a growing rate for
a learning-rate range test is :func:`nnlearn.lr_finder.lr_range_test`.

``state_dict()`` returns ``{"scheduler": class name, "last_step": int,
"base_lr": float}`` plus the hyperparameters by name (e.g. ``"gamma"``);
``load_state_dict`` restores ``last_step`` and ``base_lr`` and checks the
hyperparameters. It does not touch the optimizer, whose learning rate is part
of the optimizer's own state dict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from ._checks import as_float_array, check_scalar, scalar_entry
from .protocols import OptimizerLike, check_optimizer

__all__ = ["step_lr", "exponential_lr", "cosine_annealing_lr", "linear_warmup_lr",
           "LRScheduler", "StepLR", "ExponentialLR", "CosineAnnealingLR", "LinearWarmup",
           "ReduceLROnPlateau"]


def _check_t(t) -> np.ndarray:
    """Check that ``t`` is a non-negative integer or an array of them."""
    arr = np.asarray(t)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"t must be a non-negative integer or an integer array, "
                        f"got {t!r} (dtype {arr.dtype})")
    if np.any(arr < 0):
        raise ValueError(f"t must be >= 0, got minimum {arr.min()}")
    return arr


def _check_gamma(gamma) -> float:
    """The decay factor as a float in (0, 1] (see the module docstring)."""
    return check_scalar(gamma, "gamma", low=0.0, high=1.0, low_inclusive=False)


def _result(values: np.ndarray, t: np.ndarray) -> float | np.ndarray:
    """Python float for a scalar ``t``, float64 array otherwise."""
    return float(values) if t.ndim == 0 else np.asarray(values, dtype=np.float64)


def step_lr(base_lr: float, t, step_size: int, gamma: float = 0.1) -> float | np.ndarray:
    r"""Step decay: multiply by ``gamma`` every ``step_size`` steps.

    .. math:: \eta_t = \eta_0\, q^{\lfloor t / T \rfloor}

    Parameters
    ----------
    base_lr : float
        :math:`\eta_0 > 0`.
    t : int or array of int
        Step numbers, :math:`t \ge 0`, any shape.
    step_size : int
        :math:`T \ge 1`.
    gamma : float, default 0.1
        Factor :math:`q \in (0, 1]`.

    Returns
    -------
    float or ndarray
        :math:`\eta_t`, a float if ``t`` is a scalar, else an array shaped like ``t``.
    """
    base_lr = check_scalar(base_lr, "base_lr", low=0.0, low_inclusive=False)
    steps = _check_t(t)
    step_size = check_scalar(step_size, "step_size", low=1, integer=True)
    gamma = _check_gamma(gamma)
    return _result(base_lr * gamma ** (steps // step_size), steps)


def exponential_lr(base_lr: float, t, gamma: float) -> float | np.ndarray:
    r"""Exponential decay: multiply by ``gamma`` every step.

    .. math:: \eta_t = \eta_0\, q^{t}

    Parameters
    ----------
    base_lr : float
        :math:`\eta_0 > 0`.
    t : int or array of int
        Step numbers, :math:`t \ge 0`, any shape.
    gamma : float
        Factor :math:`q \in (0, 1]`.

    Returns
    -------
    float or ndarray
        :math:`\eta_t`, shaped like ``t``.
    """
    base_lr = check_scalar(base_lr, "base_lr", low=0.0, low_inclusive=False)
    steps = _check_t(t)
    gamma = _check_gamma(gamma)
    return _result(base_lr * gamma ** steps.astype(np.float64), steps)


def cosine_annealing_lr(base_lr: float, t, T_max: int,
                        eta_min: float = 0.0) -> float | np.ndarray:
    r"""Cosine annealing, ``base_lr`` to ``eta_min`` over ``T_max`` steps.

    .. math::
        \eta_t = \eta_{\min} + \tfrac12 (\eta_0 - \eta_{\min})
                 \left(1 + \cos\frac{\pi t}{T_{\max}}\right)

    After :math:`T_{\max}` the curve climbs back up (period :math:`2T_{\max}`),
    as PyTorch's ``CosineAnnealingLR`` does; there are no restarts.

    Parameters
    ----------
    base_lr : float
        :math:`\eta_0 > 0`.
    t : int or array of int
        Step numbers, :math:`t \ge 0`, any shape.
    T_max : int
        Half-period :math:`T_{\max} \ge 1`.
    eta_min : float, default 0
        Lowest learning rate :math:`\eta_{\min} \ge 0`.

    Returns
    -------
    float or ndarray
        :math:`\eta_t`, shaped like ``t``.
    """
    base_lr = check_scalar(base_lr, "base_lr", low=0.0, low_inclusive=False)
    steps = _check_t(t)
    T_max = check_scalar(T_max, "T_max", low=1, integer=True)
    eta_min = check_scalar(eta_min, "eta_min", low=0.0)
    cos = np.cos(np.pi * steps / T_max)
    return _result(eta_min + (base_lr - eta_min) * (1.0 + cos) / 2.0, steps)


def linear_warmup_lr(base_lr: float, t, warmup_steps: int,
                     start_factor: float = 0.1) -> float | np.ndarray:
    r"""Linear warm-up from ``start_factor * base_lr`` to ``base_lr``, then constant.

    .. math::
        \eta_t = \eta_{\text{start}} + (\eta_0 - \eta_{\text{start}})\,\frac{\min(t, T)}{T},
        \qquad \eta_{\text{start}} = \text{start\_factor} \cdot \eta_0

    Parameters
    ----------
    base_lr : float
        :math:`\eta_0 > 0`.
    t : int or array of int
        Step numbers, :math:`t \ge 0`, any shape.
    warmup_steps : int
        :math:`T \ge 1`; the full rate is reached at :math:`t = T`.
    start_factor : float, default 0.1
        In [0, 1]: the rate at :math:`t = 0` is :math:`\eta_{\text{start}}`, this
        fraction of ``base_lr``.

    Returns
    -------
    float or ndarray
        :math:`\eta_t`, shaped like ``t``.
    """
    base_lr = check_scalar(base_lr, "base_lr", low=0.0, low_inclusive=False)
    steps = _check_t(t)
    warmup_steps = check_scalar(warmup_steps, "warmup_steps", low=1, integer=True)
    start_factor = check_scalar(start_factor, "start_factor", low=0.0, high=1.0)
    progress = np.minimum(steps, warmup_steps) / warmup_steps
    return _result(base_lr * (start_factor + (1.0 - start_factor) * progress), steps)


class LRScheduler:
    r"""Base class: sets ``optimizer.lr`` from a closed-form schedule of the step number.

    Parameters
    ----------
    optimizer : nnlearn.protocols.OptimizerLike
        The optimizer whose ``lr`` is driven (any optimizer of
        :mod:`nnlearn.optimizers`, or a :class:`nnlearn.regularization.Penalized`
        wrapper); its current ``lr`` becomes ``base_lr``.

    Attributes
    ----------
    optimizer : nnlearn.protocols.OptimizerLike
    base_lr : float
        The learning rate at construction, :math:`\eta_0`.
    last_step : int
        Number of calls to :meth:`step` so far (PyTorch's ``last_epoch``).
    """

    def __init__(self, optimizer: OptimizerLike) -> None:
        check_optimizer(optimizer)
        self.optimizer = optimizer
        self.base_lr = check_scalar(optimizer.lr, "optimizer.lr", low=0.0,
                                    low_inclusive=False)
        self.last_step = 0
        optimizer.lr = self.lr_at(0)

    def lr_at(self, t) -> float | np.ndarray:
        """The learning rate at step(s) ``t``, without changing any state."""
        raise NotImplementedError

    @property
    def lr(self) -> float:
        """The learning rate for the current ``last_step``."""
        return self.lr_at(self.last_step)

    def step(self) -> None:
        """Advance one step and set the optimizer's learning rate."""
        self.last_step += 1
        self.optimizer.lr = self.lr_at(self.last_step)

    def hyperparameters(self) -> dict:
        """The schedule's hyperparameters by name (plain numbers)."""
        return {}

    def state_dict(self) -> dict:
        """Return ``{"scheduler", "last_step", "base_lr", <hyperparameters>}``."""
        sd = {"scheduler": type(self).__name__, "last_step": self.last_step,
              "base_lr": self.base_lr}
        sd.update(self.hyperparameters())
        return sd

    def load_state_dict(self, state_dict: Mapping) -> None:
        """Restore ``last_step`` and ``base_lr``; the hyperparameters must match."""
        _check_state(state_dict, self.state_dict(), self.hyperparameters())
        last_step = check_scalar(scalar_entry(state_dict, "last_step"),
                                 "state_dict['last_step']", low=0, integer=True)
        base_lr = check_scalar(scalar_entry(state_dict, "base_lr"),
                               "state_dict['base_lr']", low=0.0, low_inclusive=False)
        self.last_step, self.base_lr = last_step, base_lr


class StepLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` steps (see :func:`step_lr`).

    Parameters
    ----------
    optimizer : nnlearn.protocols.OptimizerLike
    step_size : int
        Steps between decays, :math:`\ge 1`.
    gamma : float, default 0.1
        Decay factor in :math:`(0, 1]`.
    """

    def __init__(self, optimizer: OptimizerLike, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = check_scalar(step_size, "step_size", low=1, integer=True)
        self.gamma = _check_gamma(gamma)
        super().__init__(optimizer)

    def lr_at(self, t) -> float | np.ndarray:
        return step_lr(self.base_lr, t, self.step_size, self.gamma)

    def hyperparameters(self) -> dict:
        return {"step_size": self.step_size, "gamma": self.gamma}


class ExponentialLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every step (see :func:`exponential_lr`).

    Parameters
    ----------
    optimizer : nnlearn.protocols.OptimizerLike
    gamma : float
        Decay factor in :math:`(0, 1]`.
    """

    def __init__(self, optimizer: OptimizerLike, gamma: float) -> None:
        self.gamma = _check_gamma(gamma)
        super().__init__(optimizer)

    def lr_at(self, t) -> float | np.ndarray:
        return exponential_lr(self.base_lr, t, self.gamma)

    def hyperparameters(self) -> dict:
        return {"gamma": self.gamma}


class CosineAnnealingLR(LRScheduler):
    r"""Cosine annealing to ``eta_min`` over ``T_max`` steps (see :func:`cosine_annealing_lr`).

    Parameters
    ----------
    optimizer : nnlearn.protocols.OptimizerLike
    T_max : int
        Steps from ``base_lr`` down to ``eta_min``, :math:`\ge 1`.
    eta_min : float, default 0
        Lowest learning rate, :math:`\ge 0`.
    """

    def __init__(self, optimizer: OptimizerLike, T_max: int, eta_min: float = 0.0) -> None:
        self.T_max = check_scalar(T_max, "T_max", low=1, integer=True)
        self.eta_min = check_scalar(eta_min, "eta_min", low=0.0)
        super().__init__(optimizer)

    def lr_at(self, t) -> float | np.ndarray:
        return cosine_annealing_lr(self.base_lr, t, self.T_max, self.eta_min)

    def hyperparameters(self) -> dict:
        return {"T_max": self.T_max, "eta_min": self.eta_min}


class LinearWarmup(LRScheduler):
    r"""Ramp the learning rate linearly up to ``base_lr`` (see :func:`linear_warmup_lr`).

    Equals ``torch.optim.lr_scheduler.LinearLR(optimizer, start_factor,
    end_factor=1.0, total_iters=warmup_steps)``, except that
    ``start_factor = 0`` is allowed here.

    Parameters
    ----------
    optimizer : nnlearn.protocols.OptimizerLike
    warmup_steps : int
        Steps until the full rate, :math:`\ge 1`.
    start_factor : float, default 0.1
        Fraction of ``base_lr`` used at step 0, in [0, 1].
    """

    def __init__(self, optimizer: OptimizerLike, warmup_steps: int,
                 start_factor: float = 0.1) -> None:
        self.warmup_steps = check_scalar(warmup_steps, "warmup_steps", low=1, integer=True)
        self.start_factor = check_scalar(start_factor, "start_factor", low=0.0, high=1.0)
        super().__init__(optimizer)

    def lr_at(self, t) -> float | np.ndarray:
        return linear_warmup_lr(self.base_lr, t, self.warmup_steps, self.start_factor)

    def hyperparameters(self) -> dict:
        return {"warmup_steps": self.warmup_steps, "start_factor": self.start_factor}


class ReduceLROnPlateau:
    r"""Divide the learning rate when a watched value (e.g. validation loss) stops improving.

    Unlike the schedules above this one has no formula in the step number:
    it reacts to a metric. Call :meth:`step` with the metric once per epoch;
    :func:`nnlearn.training.fit` does so with the validation loss when it is
    passed as ``schedule=`` (like ``scheduler.step(val_loss)`` in a PyTorch
    loop). To watch another value, step it from a ``fit`` callback, e.g.
    ``callback=lambda e, m, h: plateau.step(h.val_accuracy[-1])`` with
    ``mode="max"``. A ``value`` is an improvement on the ``best`` so far when

    =========  ==================================  ==============================
    mode       ``threshold_mode="rel"``             ``threshold_mode="abs"``
    =========  ==================================  ==============================
    ``"min"``  ``value < best * (1 - threshold)``  ``value < best - threshold``
    ``"max"``  ``value > best * (1 + threshold)``  ``value > best + threshold``
    =========  ==================================  ==============================

    After more than ``patience`` epochs in a row without improvement, the
    rate becomes :math:`\max(\eta\,\text{factor}, \eta_{\min})` (unchanged
    if that is a change of at most ``eps``), and the next ``cooldown``
    epochs are not counted as bad. These are the rules, defaults and state of
    ``torch.optim.lr_scheduler.ReduceLROnPlateau``. A NaN metric is never an
    improvement. Early stopping (:class:`nnlearn.regularization.EarlyStopping`)
    watches the same kind of value; give it a larger patience, so that the
    rate is lowered before training stops.

    Parameters
    ----------
    optimizer : nnlearn.protocols.OptimizerLike
        Its ``lr`` is lowered in place.
    mode : {"min", "max"}, default "min"
        Whether smaller (a loss) or larger (an accuracy) is better.
    factor : float, default 0.1
        Multiplier of the rate, in (0, 1).
    patience : int, default 10
        Bad epochs tolerated before lowering, ``>= 0``.
    threshold : float, default 1e-4
        The least change that counts as an improvement, ``>= 0``.
    threshold_mode : {"rel", "abs"}, default "rel"
        Whether ``threshold`` is relative to the best value or absolute.
    cooldown : int, default 0
        Epochs after a reduction during which bad epochs are not counted.
    min_lr : float, default 0
        Lowest rate, ``>= 0``.
    eps : float, default 1e-8
        Reductions smaller than this are skipped.

    Attributes
    ----------
    best : float
        Best metric so far (``inf`` for "min", ``-inf`` for "max" at first).
    num_bad_epochs : int
        Epochs since the last improvement (reset by a reduction and during cooldown).
    cooldown_counter : int
        Cooldown epochs still to go.
    last_epoch : int
        Number of calls to :meth:`step`.

    Examples
    --------
    >>> from nnlearn.optimizers import SGD
    >>> opt = SGD([np.zeros(1)], lr=1.0)
    >>> plateau = ReduceLROnPlateau(opt, patience=1, factor=0.5)
    >>> for loss in [3.0, 2.0, 2.0, 2.0, 2.0, 1.0]:
    ...     plateau.step(loss)
    >>> opt.lr
    0.5
    """

    def __init__(self, optimizer: OptimizerLike, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr: float = 0.0, eps: float = 1e-8) -> None:
        check_optimizer(optimizer)
        self.optimizer = optimizer
        self.mode = _check_word(mode, "mode", ("min", "max"))
        self.factor = check_scalar(factor, "factor", low=0.0, high=1.0, low_inclusive=False,
                                   high_inclusive=False)
        self.patience = check_scalar(patience, "patience", low=0, integer=True)
        self.threshold = check_scalar(threshold, "threshold", low=0.0)
        self.threshold_mode = _check_word(threshold_mode, "threshold_mode", ("rel", "abs"))
        self.cooldown = check_scalar(cooldown, "cooldown", low=0, integer=True)
        self.min_lr = check_scalar(min_lr, "min_lr", low=0.0)
        self.eps = check_scalar(eps, "eps", low=0.0)
        self.best = math.inf if self.mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0

    def is_better(self, value: float, best: float) -> bool:
        """Whether ``value`` improves on ``best`` by the threshold (table above)."""
        if self.mode == "min":
            return value < (best * (1.0 - self.threshold) if self.threshold_mode == "rel"
                            else best - self.threshold)
        return value > (best * (1.0 + self.threshold) if self.threshold_mode == "rel"
                        else best + self.threshold)

    def step(self, metric: float) -> None:
        """Record this epoch's ``metric`` and lower ``optimizer.lr`` if it has plateaued."""
        if isinstance(metric, (bool, np.bool_)):
            raise TypeError(f"metric must be a number, got {metric!r}")
        value = float(as_float_array(metric, "metric", ndim=0, allow_nonfinite=True))
        self.last_epoch += 1
        if self.is_better(value, self.best):
            self.best = value
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:          # bad epochs in cooldown do not count
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.optimizer.lr * self.factor, self.min_lr)
            if self.optimizer.lr - new_lr > self.eps:
                self.optimizer.lr = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0

    def _settings(self) -> dict:
        return {"mode": self.mode, "factor": self.factor, "patience": self.patience,
                "threshold": self.threshold, "threshold_mode": self.threshold_mode,
                "cooldown": self.cooldown, "min_lr": self.min_lr, "eps": self.eps}

    def state_dict(self) -> dict:
        """The scheduler's state, by name (without the optimizer's ``lr``).

        Its keys are
        ``{"scheduler", "best", "num_bad_epochs", "cooldown_counter", "last_epoch"}``
        plus the settings; the optimizer's ``lr`` is in its own state.
        """
        sd = {"scheduler": type(self).__name__, "best": self.best,
              "num_bad_epochs": self.num_bad_epochs, "cooldown_counter": self.cooldown_counter,
              "last_epoch": self.last_epoch}
        sd.update(self._settings())
        return sd

    def load_state_dict(self, state_dict: Mapping) -> None:
        """Restore the counters and the best value; the settings must match."""
        _check_state(state_dict, self.state_dict(), self._settings())
        best = float(as_float_array(state_dict["best"], "state_dict['best']", ndim=0,
                                    allow_nonfinite=True))
        counters = {key: check_scalar(scalar_entry(state_dict, key),
                                      f"state_dict[{key!r}]", low=0, integer=True)
                    for key in ("num_bad_epochs", "cooldown_counter", "last_epoch")}
        self.best = best
        self.num_bad_epochs = counters["num_bad_epochs"]
        self.cooldown_counter = counters["cooldown_counter"]
        self.last_epoch = counters["last_epoch"]


def _check_state(state_dict, expected: dict, settings: dict) -> None:
    """``state_dict`` has the keys of ``expected``, its scheduler's name and ``settings``."""
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"state_dict must be a mapping, got {type(state_dict).__name__}")
    if set(state_dict) != set(expected):
        raise ValueError(f"state_dict keys must be {sorted(expected)}, "
                         f"got {sorted(state_dict)}")
    name = str(np.asarray(state_dict["scheduler"]))
    if name != expected["scheduler"]:
        raise ValueError(f"state_dict['scheduler'] is {name!r}, "
                         f"expected {expected['scheduler']!r}")
    for key, value in settings.items():
        saved = scalar_entry(state_dict, key)
        if saved != value:
            raise ValueError(f"state_dict[{key!r}] is {saved!r}, but this scheduler "
                             f"has {key}={value!r}")


def _check_word(value, name: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value
