r"""Gradient-based optimizers: SGD (with momentum), AdaGrad, RMSProp, Adam, AdamW.

Each optimizer holds a list of NumPy arrays (the parameters) and changes them
**in place** when ``step(grads)`` is called with the matching list of
gradients. The update rules, defaults and state initialisation are those of
``torch.optim`` (single-tensor implementation), so a run here and a run in
PyTorch on the same gradients give the same parameters up to rounding:

- the step counter :math:`t` is 1 during the first call to ``step``;
- L2 weight decay is added to the gradient, :math:`g_t \leftarrow g_t +
  \alpha\theta_{t-1}` (SGD, AdaGrad, RMSProp, Adam); AdamW instead shrinks
  the parameter first, :math:`\theta \leftarrow \theta(1 - \eta\alpha)`;
- :math:`\epsilon` is added *outside* the square root;
- SGD's momentum buffer starts equal to the first gradient.

Per-parameter buffers (``exp_avg``, ``momentum_buffer``, ...) are allocated
once, with the parameter's shape and dtype (float32 parameters stay float32),
and updated with ``out=`` ufuncs; one or two work arrays per parameter are
allocated on the first step and reused, so later steps allocate no
parameter-sized arrays (for float gradients).

:func:`optimize_path` runs any of them on the gradient of a 2-D surface from
:mod:`nnlearn.surfaces` and returns the path, for contour plots.

Checkpoints
-----------
``state_dict()`` returns a flat ``dict`` whose values are numbers, strings,
booleans and NumPy arrays (deep copies), so it can be written with
``np.savez(path, **opt.state_dict())`` and read back with
``opt.load_state_dict(np.load(path))``. The keys are

===============================  =============================================
``"optimizer"``                  class name, e.g. ``"Adam"``
``"n_params"``                   number of parameter arrays
``"t"``                          number of steps taken so far
``"lr"``                         current learning rate (schedules change it)
hyperparameter names             e.g. ``"beta1"``, ``"beta2"``, ``"eps"``,
                                 ``"weight_decay"``, ``"amsgrad"``
``"state.<i>.<buffer>"``         buffer of parameter ``i``, e.g.
                                 ``"state.0.exp_avg"``; the buffer names are
                                 those of ``torch.optim``
===============================  =============================================

``load_state_dict`` restores ``t``, ``lr`` and the buffers, and checks that the
other hyperparameters equal this optimizer's (a mismatch raises ValueError).
The parameters themselves are not part of the state: save them next to it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from nnlearn._checks import (
    as_float_array,
    check_bool,
    check_grads,
    check_params,
    check_rng,
    check_same_shape,
    check_scalar,
    check_size,
    checked_gradient,
    scalar_entry,
)

__all__ = ["Optimizer", "SGD", "AdaGrad", "RMSProp", "Adam", "AdamW", "adam_step",
           "nesterov_step", "clip_grad_norm", "optimize_path"]


def _check_betas(betas) -> tuple[float, float]:
    """Check that ``betas`` is a pair of numbers in [0, 1)."""
    if isinstance(betas, (str, bytes)) or np.ndim(betas) != 1 or len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    beta1 = check_scalar(betas[0], "betas[0]", low=0.0, high=1.0, high_inclusive=False)
    beta2 = check_scalar(betas[1], "betas[1]", low=0.0, high=1.0, high_inclusive=False)
    return beta1, beta2


class Optimizer:
    r"""Base class: parameter list, learning rate, step counter, buffers, checkpoints.

    Parameters
    ----------
    params : list of ndarray
        The parameters, floating arrays of any shape, updated in place.
    lr : float
        Learning rate :math:`\eta > 0`.

    Attributes
    ----------
    params : list of ndarray
        The arrays given at construction (the same objects, not copies).
    lr : float
        Current learning rate; schedules (:mod:`nnlearn.schedules`) set it.
        It may be set to 0 but not below.
    t : int
        Number of steps taken so far. The k-th call to :meth:`step` uses
        ``t = k`` (so bias corrections see ``t = 1`` on the first step).
    state : list of dict
        ``state[i]`` maps buffer names to arrays shaped like ``params[i]``.

    Notes
    -----
    Hyperparameters other than ``lr`` are read at construction (they decide
    which buffers exist); treat them as fixed afterwards.
    Gradients are checked for length, shape and dtype but, for speed, not
    scanned for NaN: a NaN gradient propagates into the parameters, as in
    PyTorch.
    """

    def __init__(self, params: list[np.ndarray], lr: float) -> None:
        self.params = check_params(params, in_place=True, allow_nonfinite=True)
        self.lr = check_scalar(lr, "lr", low=0.0, low_inclusive=False)
        self.t = 0
        self.state: list[dict[str, np.ndarray]] = [{} for _ in self.params]
        self._work: list[dict[str, np.ndarray]] = [{} for _ in self.params]

    @property
    def lr(self) -> float:
        """Current learning rate."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_scalar(value, "lr", low=0.0)

    def _add_buffer(self, name: str, fill: float = 0.0) -> None:
        """Allocate state buffer ``name`` for every parameter, filled with ``fill``."""
        for p, st in zip(self.params, self.state, strict=True):
            st[name] = np.full_like(p, fill)

    def _scratch(self, i: int, name: str) -> np.ndarray:
        """Reusable work array shaped like ``params[i]`` (contents undefined)."""
        work = self._work[i]
        if name not in work:
            work[name] = np.empty_like(self.params[i])
        return work[name]

    def _l2_grad(self, i: int, p: np.ndarray, g: np.ndarray,
                 weight_decay: float) -> np.ndarray:
        """``g + weight_decay * p`` in a work array.

        ``g`` itself if weight_decay is 0.
        """
        if weight_decay == 0.0:
            return g
        out = self._scratch(i, "grad")
        np.multiply(p, weight_decay, out=out)
        out += g
        return out

    def _check_grads(self, grads) -> list[np.ndarray]:
        """Check that ``grads`` matches ``params`` in length and shapes."""
        return check_grads(grads, self.params)

    def step(self, grads: list[np.ndarray]) -> None:
        r"""Update every parameter in place from its gradient.

        Parameters
        ----------
        grads : list of ndarray
            ``grads[i]`` is :math:`\partial L / \partial` ``params[i]``, same shape.
        """
        grads = self._check_grads(grads)
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            self._update(i, p, g)

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def hyperparameters(self) -> dict:
        """The hyperparameters other than ``lr``, by name (plain numbers/bools)."""
        return {}

    def _header(self) -> dict:
        """The scalar part of :meth:`state_dict` (everything but the buffers)."""
        header = {"optimizer": type(self).__name__, "n_params": len(self.params),
                  "t": self.t, "lr": self.lr}
        header.update(self.hyperparameters())
        return header

    def _buffer_keys(self) -> list[tuple[str, np.ndarray]]:
        """``(key, buffer)`` pairs, keys like ``"state.0.exp_avg"``."""
        return [(f"state.{i}.{name}", buf)
                for i, st in enumerate(self.state) for name, buf in st.items()]

    def state_dict(self) -> dict:
        """Return a deep copy of the optimizer's state as a flat dict (layout: module doc)."""
        sd = self._header()
        sd.update((key, buf.copy()) for key, buf in self._buffer_keys())
        return sd

    def load_state_dict(self, state_dict: Mapping) -> None:
        """Restore ``t``, ``lr`` and the buffers from :meth:`state_dict` output.

        ``state_dict`` may be the dict itself or ``np.load`` of an ``.npz``
        written with ``np.savez(path, **opt.state_dict())``.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"state_dict must be a mapping, got {type(state_dict).__name__}")
        expected = self._header()
        name = str(np.asarray(state_dict.get("optimizer", "")))
        if name != expected["optimizer"]:
            raise ValueError(f"state_dict['optimizer'] is {name!r}, "
                             f"expected {expected['optimizer']!r}")
        buffers = self._buffer_keys()
        expected_keys = set(expected) | {key for key, _ in buffers}
        missing = sorted(expected_keys - set(state_dict))
        extra = sorted(set(state_dict) - expected_keys)
        if missing or extra:
            raise ValueError(f"state_dict keys do not match this {type(self).__name__}: "
                             f"missing {missing}, unexpected {extra}")
        for key in ["n_params", *self.hyperparameters()]:
            saved = scalar_entry(state_dict, key)
            if saved != expected[key]:
                raise ValueError(f"state_dict[{key!r}] is {saved!r}, but this optimizer "
                                 f"has {key}={expected[key]!r}")
        new_buffers = []
        for key, buf in buffers:
            arr = as_float_array(state_dict[key], f"state_dict[{key!r}]", allow_nonfinite=True)
            check_same_shape(arr, buf, f"state_dict[{key!r}]", "its parameter")
            new_buffers.append((buf, arr))
        t = check_scalar(scalar_entry(state_dict, "t"), "state_dict['t']",
                         low=0, integer=True)
        lr = check_scalar(scalar_entry(state_dict, "lr"), "state_dict['lr']", low=0.0)
        self.lr = lr
        self.t = t
        for buf, arr in new_buffers:
            np.copyto(buf, arr, casting="same_kind")


class SGD(Optimizer):
    r"""Stochastic gradient descent with optional momentum and Nesterov momentum.

    With gradient :math:`g_t`, learning rate :math:`\eta`, weight decay
    :math:`\alpha`, momentum :math:`\mu` and ``dampening``:

    .. math::

        g_t &\leftarrow g_t + \alpha\,\theta_{t-1} \\
        m_t &= \begin{cases} g_t & t = 1 \\
                 \mu\, m_{t-1} + (1-\text{dampening})\, g_t & t > 1 \end{cases} \\
        \theta_t &= \begin{cases} \theta_{t-1} - \eta\, (g_t + \mu\, m_t) & \text{Nesterov} \\
                 \theta_{t-1} - \eta\, m_t & \text{otherwise} \end{cases}
               \quad (\theta_{t-1} - \eta\, g_t \text{ if } \mu = 0)

    Parameters
    ----------
    params : list of ndarray
        Floating arrays of any shape, updated in place.
    lr : float
        Learning rate :math:`\eta > 0`.
    momentum : float, default 0
        :math:`\mu \in [0, 1)`.
    dampening : float, default 0
        In :math:`[0, 1]`; scales down the new gradient in the buffer.
    nesterov : bool, default False
        Use Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
    weight_decay : float, default 0
        L2 coefficient :math:`\alpha \ge 0`.

    Notes
    -----
    Buffer: ``momentum_buffer`` (:math:`m_t`, only if ``momentum > 0``).
    """

    def __init__(self, params: list[np.ndarray], lr: float, momentum: float = 0.0,
                 dampening: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = check_scalar(momentum, "momentum", low=0.0, high=1.0,
                                     high_inclusive=False)
        self.dampening = check_scalar(dampening, "dampening", low=0.0, high=1.0)
        self.nesterov = check_bool(nesterov, "nesterov")
        self.weight_decay = check_scalar(weight_decay, "weight_decay", low=0.0)
        if self.nesterov and (self.momentum == 0.0 or self.dampening != 0.0):
            raise ValueError(f"nesterov=True needs momentum > 0 and dampening == 0, "
                             f"got momentum={self.momentum}, dampening={self.dampening}")
        if self.momentum > 0.0:
            self._add_buffer("momentum_buffer")

    def hyperparameters(self) -> dict:
        return {"momentum": self.momentum, "dampening": self.dampening,
                "nesterov": self.nesterov, "weight_decay": self.weight_decay}

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        g = self._l2_grad(i, p, g, self.weight_decay)  # g + alpha theta
        tmp = self._scratch(i, "tmp")
        if self.momentum > 0.0:
            m = self.state[i]["momentum_buffer"]
            if self.t == 1:
                np.copyto(m, g, casting="same_kind")    # m_1 = g_1
            else:
                m *= self.momentum                      # m_t = mu m_{t-1}
                if self.dampening == 0.0:
                    m += g                              #   + g_t
                else:
                    np.multiply(g, 1.0 - self.dampening, out=tmp)
                    m += tmp                            #   + (1-dampening) g_t
            if self.nesterov:
                np.multiply(m, self.momentum, out=tmp)
                tmp += g
                g = tmp                                 # step along g_t + mu m_t
            else:
                g = m                                   # step along m_t
        np.multiply(g, self.lr, out=tmp)
        p -= tmp                                        # theta -= eta (step)


class AdaGrad(Optimizer):
    r"""AdaGrad: divide each coordinate's step by the root of its summed squared gradients.

    .. math::

        g_t &\leftarrow g_t + \alpha\,\theta_{t-1} \\
        \tilde\eta_t &= \frac{\eta}{1 + (t-1)\,\mathrm{lr\_decay}} \\
        v_t &= v_{t-1} + g_t^2, \qquad v_0 = v_{\text{init}} \\
        \theta_t &= \theta_{t-1} - \tilde\eta_t\, \frac{g_t}{\sqrt{v_t} + \epsilon}

    (squares, roots and the division act elementwise).

    Parameters
    ----------
    params : list of ndarray
        Floating arrays of any shape, updated in place.
    lr : float, default 1e-2
        Learning rate :math:`\eta > 0`.
    lr_decay : float, default 0
        Must be :math:`\ge 0`; slows the learning rate as
        :math:`1/(1 + (t-1)\,\mathrm{lr\_decay})`.
    weight_decay : float, default 0
        L2 coefficient :math:`\alpha \ge 0`.
    initial_accumulator_value : float, default 0
        :math:`v_{\text{init}} \ge 0`, the starting value of every sum.
    eps : float, default 1e-10
        :math:`\epsilon > 0`, added to :math:`\sqrt{v_t}`.

    Notes
    -----
    Buffer: ``sum`` (:math:`v_t`).
    """

    def __init__(self, params: list[np.ndarray], lr: float = 1e-2, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 eps: float = 1e-10) -> None:
        super().__init__(params, lr)
        self.lr_decay = check_scalar(lr_decay, "lr_decay", low=0.0)
        self.weight_decay = check_scalar(weight_decay, "weight_decay", low=0.0)
        self.initial_accumulator_value = check_scalar(
            initial_accumulator_value, "initial_accumulator_value", low=0.0)
        self.eps = check_scalar(eps, "eps", low=0.0, low_inclusive=False)
        self._add_buffer("sum", self.initial_accumulator_value)

    def hyperparameters(self) -> dict:
        return {"lr_decay": self.lr_decay, "weight_decay": self.weight_decay,
                "initial_accumulator_value": self.initial_accumulator_value,
                "eps": self.eps}

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        g = self._l2_grad(i, p, g, self.weight_decay)
        clr = self.lr / (1.0 + (self.t - 1) * self.lr_decay)
        total = self.state[i]["sum"]
        tmp = self._scratch(i, "tmp")
        np.multiply(g, g, out=tmp)
        total += tmp
        np.sqrt(total, out=tmp)
        tmp += self.eps
        np.divide(g, tmp, out=tmp)
        tmp *= clr
        p -= tmp


class RMSProp(Optimizer):
    r"""RMSProp: divide the step by a running root-mean-square of recent gradients.

    .. math::

        g_t &\leftarrow g_t + \alpha\,\theta_{t-1} \\
        v_t &= \rho\, v_{t-1} + (1-\rho)\, g_t^2, \qquad v_0 = 0 \\
        \bar g_t &= \rho\, \bar g_{t-1} + (1-\rho)\, g_t, \qquad \bar g_0 = 0
                    \quad \text{(centered only)} \\
        \tilde g_t &= \begin{cases} g_t / (\sqrt{v_t - \bar g_t^2} + \epsilon) & \text{centered} \\
                 g_t / (\sqrt{v_t} + \epsilon) & \text{otherwise} \end{cases} \\
        m_t &= \mu\, m_{t-1} + \tilde g_t, \qquad m_0 = 0 \\
        \theta_t &= \theta_{t-1} - \eta\, m_t
            \quad (\text{or } \theta_{t-1} - \eta\, \tilde g_t \text{ if } \mu = 0)

    Parameters
    ----------
    params : list of ndarray
        Floating arrays of any shape, updated in place.
    lr : float, default 1e-2
        Learning rate :math:`\eta > 0`.
    alpha : float, default 0.99
        Smoothing constant :math:`\rho \in [0, 1)`.
    eps : float, default 1e-8
        :math:`\epsilon > 0`, added outside the square root.
    weight_decay : float, default 0
        L2 coefficient :math:`\alpha \ge 0`.
    momentum : float, default 0
        :math:`\mu \in [0, 1)`.
    centered : bool, default False
        Divide by an estimate of the gradient's standard deviation instead of
        its root mean square.

    Notes
    -----
    Buffers: ``square_avg`` (:math:`v_t`), ``momentum_buffer`` (:math:`m_t`, if
    ``momentum > 0``), ``grad_avg`` (if ``centered``). In the centered form
    :math:`v_t - \bar g_t^2 \ge 0` holds exactly, but rounding can push it a
    hair below zero after many identical gradients; it is clipped at 0 before
    the square root (PyTorch would return NaN there).
    """

    def __init__(self, params: list[np.ndarray], lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False) -> None:
        super().__init__(params, lr)
        self.alpha = check_scalar(alpha, "alpha", low=0.0, high=1.0, high_inclusive=False)
        self.eps = check_scalar(eps, "eps", low=0.0, low_inclusive=False)
        self.weight_decay = check_scalar(weight_decay, "weight_decay", low=0.0)
        self.momentum = check_scalar(momentum, "momentum", low=0.0, high=1.0,
                                     high_inclusive=False)
        self.centered = check_bool(centered, "centered")
        self._add_buffer("square_avg")
        if self.momentum > 0.0:
            self._add_buffer("momentum_buffer")
        if self.centered:
            self._add_buffer("grad_avg")

    def hyperparameters(self) -> dict:
        return {"alpha": self.alpha, "eps": self.eps, "weight_decay": self.weight_decay,
                "momentum": self.momentum, "centered": self.centered}

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        g = self._l2_grad(i, p, g, self.weight_decay)  # g + alpha theta
        st = self.state[i]
        tmp = self._scratch(i, "tmp")
        square_avg = st["square_avg"]
        square_avg *= self.alpha                        # v_t = rho v_{t-1}
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - self.alpha
        square_avg += tmp                               #   + (1-rho) g_t^2
        if self.centered:
            grad_avg = st["grad_avg"]
            grad_avg *= self.alpha                      # gbar = rho gbar
            np.multiply(g, 1.0 - self.alpha, out=tmp)
            grad_avg += tmp                             #   + (1-rho) g_t
            np.multiply(grad_avg, grad_avg, out=tmp)
            np.subtract(square_avg, tmp, out=tmp)
            np.maximum(tmp, 0.0, out=tmp)               # rounding: not < 0
            np.sqrt(tmp, out=tmp)                       # den = sqrt(v - gbar^2)
        else:
            np.sqrt(square_avg, out=tmp)                # den = sqrt(v)
        tmp += self.eps                                 #   + eps
        np.divide(g, tmp, out=tmp)                      # g_t / den
        if self.momentum > 0.0:
            m = st["momentum_buffer"]
            m *= self.momentum
            m += tmp                                    # m = mu m + g_t / den
            np.multiply(m, self.lr, out=tmp)
        else:
            tmp *= self.lr
        p -= tmp                                        # theta -= eta m


class Adam(Optimizer):
    r"""Adam: momentum on the gradient, divided by a running RMS, both bias-corrected.

    .. math::

        g_t &\leftarrow g_t + \alpha\,\theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad m_0 = 0 \\
        v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2, \qquad v_0 = 0 \\
        \hat m_t &= \frac{m_t}{1-\beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1-\beta_2^t}
            \quad (\text{AMSGrad: } \hat v_t = \frac{\max_{t'\le t} v_{t'}}{1-\beta_2^t}) \\
        \theta_t &= \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    The step is :math:`\hat m_t / (\sqrt{\hat v_t}+\epsilon)` and nothing else:
    no further factor of :math:`g_t`. On the first step :math:`\hat m_1 = g_1`
    and :math:`\sqrt{\hat v_1} = |g_1|`, so every coordinate moves by about
    :math:`\eta` whatever the gradient's scale.

    Parameters
    ----------
    params : list of ndarray
        Floating arrays of any shape, updated in place.
    lr : float, default 1e-3
        Learning rate :math:`\eta > 0`.
    betas : (float, float), default (0.9, 0.999)
        :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float, default 1e-8
        :math:`\epsilon > 0`, added outside the square root.
    weight_decay : float, default 0
        L2 coefficient :math:`\alpha \ge 0`, added to the gradient (use
        :class:`AdamW` for decoupled decay).
    amsgrad : bool, default False
        Use the running maximum of :math:`v_t` (AMSGrad).

    Notes
    -----
    Buffers: ``exp_avg`` (:math:`m_t`), ``exp_avg_sq`` (:math:`v_t`),
    ``max_exp_avg_sq`` (if ``amsgrad``).
    """

    _decoupled_weight_decay = False

    def __init__(self, params: list[np.ndarray], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        super().__init__(params, lr)
        self.betas = _check_betas(betas)
        self.eps = check_scalar(eps, "eps", low=0.0, low_inclusive=False)
        self.weight_decay = check_scalar(weight_decay, "weight_decay", low=0.0)
        self.amsgrad = check_bool(amsgrad, "amsgrad")
        self._add_buffer("exp_avg")
        self._add_buffer("exp_avg_sq")
        if self.amsgrad:
            self._add_buffer("max_exp_avg_sq")

    def hyperparameters(self) -> dict:
        return {"beta1": self.betas[0], "beta2": self.betas[1], "eps": self.eps,
                "weight_decay": self.weight_decay, "amsgrad": self.amsgrad}

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        beta1, beta2 = self.betas
        if self._decoupled_weight_decay:
            if self.weight_decay != 0.0:
                p *= 1.0 - self.lr * self.weight_decay  # theta *= 1 - eta alpha
        else:
            g = self._l2_grad(i, p, g, self.weight_decay)  # g + alpha theta
        st = self.state[i]
        tmp = self._scratch(i, "tmp")
        exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
        exp_avg *= beta1                               # m_t = beta1 m_{t-1}
        np.multiply(g, 1.0 - beta1, out=tmp)
        exp_avg += tmp                                 #   + (1-beta1) g_t
        exp_avg_sq *= beta2                            # v_t = beta2 v_{t-1}
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - beta2
        exp_avg_sq += tmp                              #   + (1-beta2) g_t^2
        if self.amsgrad:
            np.maximum(st["max_exp_avg_sq"], exp_avg_sq,
                       out=st["max_exp_avg_sq"])
            exp_avg_sq = st["max_exp_avg_sq"]          # AMSGrad: max of all v_t
        step_size = self.lr / (1.0 - beta1 ** self.t)  # eta / (1 - beta1^t)
        bias_correction2_sqrt = math.sqrt(1.0 - beta2 ** self.t)
        np.sqrt(exp_avg_sq, out=tmp)
        tmp /= bias_correction2_sqrt                   # sqrt(v_hat)
        tmp += self.eps                                # den = sqrt(v_hat) + eps
        np.divide(exp_avg, tmp, out=tmp)
        tmp *= step_size                               # eta m_hat / den
        p -= tmp                                       # theta -= eta m_hat / den


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter).

    The parameter is shrunk first, then the plain Adam step (without any L2
    term in the gradient) is applied:

    .. math::

        \theta &\leftarrow \theta_{t-1}\,(1 - \eta\alpha) \\
        \theta_t &= \theta - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    with :math:`\hat m_t, \hat v_t` as in :class:`Adam`. The decay is thus
    not divided by :math:`\sqrt{\hat v_t}`: every weight shrinks by the same
    factor. With zero gradients, :math:`\theta_t = \theta_0 (1-\eta\alpha)^t`.

    Parameters
    ----------
    params, lr, betas, eps, amsgrad
        As in :class:`Adam`.
    weight_decay : float, default 1e-2
        Decoupled decay coefficient :math:`\alpha \ge 0`.
    """

    _decoupled_weight_decay = True

    def __init__(self, params: list[np.ndarray], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad)


def adam_step(theta, g, m, v, t: int, lr: float = 1e-3, beta1: float = 0.9,
              beta2: float = 0.999, eps: float = 1e-8):
    r"""One Adam step, written like its formula, on plain arrays.

    .. math::

        m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
        \hat m_t &= \frac{m_t}{1-\beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1-\beta_2^t}, \qquad
        \theta_t = \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    The reference version of :class:`Adam` without weight decay or AMSGrad:
    the class computes the same numbers in place, with the two corrections
    folded into scalars (a test runs both side by side, and against
    ``torch.optim.Adam``).

    Parameters
    ----------
    theta, g, m, v : ndarray
        :math:`\theta_{t-1}`, the gradient :math:`g_t` and the buffers
        :math:`m_{t-1}`, :math:`v_{t-1}` (zeros before the first step), all of
        one shape.
    t : int
        The step counter, :math:`t \ge 1` (1 on the first step).
    lr, beta1, beta2, eps : float
        :math:`\eta > 0`, :math:`\beta_1, \beta_2 \in [0, 1)`,
        :math:`\epsilon > 0`, with the defaults of :class:`Adam`.

    Returns
    -------
    theta, m, v : ndarray
        :math:`\theta_t`, :math:`m_t` and :math:`v_t`; the inputs are not changed.
    """
    theta, g, m, v = _check_adam_step(theta, g, m, v, t, lr, beta1, beta2,
                                      eps)
    m = beta1 * m + (1 - beta1) * g                      # m_t
    v = beta2 * v + (1 - beta2) * g ** 2                 # v_t
    m_hat = m / (1 - beta1 ** t)                         # bias corrections
    v_hat = v / (1 - beta2 ** t)
    theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)  # the step
    return theta, m, v


def _check_adam_step(theta, g, m, v, t, lr, beta1, beta2, eps) -> list[np.ndarray]:
    """Check the arguments of :func:`adam_step`; return the four arrays."""
    check_scalar(t, "t", low=1, integer=True)
    check_scalar(lr, "lr", low=0.0, low_inclusive=False)
    _check_betas((beta1, beta2))
    check_scalar(eps, "eps", low=0.0, low_inclusive=False)
    return _same_shape_arrays(theta=theta, g=g, m=m, v=v)


def nesterov_step(grad: Callable[[np.ndarray], np.ndarray], theta, m,
                  lr: float, momentum: float):
    r"""One Nesterov step, two arrows: momentum, then the gradient there.

    .. math::

        m_t = \mu\, m_{t-1} + \nabla L(\theta_{t-1} - \eta\mu\, m_{t-1}), \qquad
        \theta_t = \theta_{t-1} - \eta\, m_t, \qquad m_0 = 0

    :class:`SGD` with ``nesterov=True`` stores the look-ahead point
    :math:`\theta_t - \eta\mu\, m_t` instead of :math:`\theta_t` and takes
    the gradient at what it stores; both visit the same points (a test runs
    them side by side, and against ``torch.optim.SGD``).

    Parameters
    ----------
    grad : callable
        Maps a point of the shape of ``theta`` to the gradient there.
    theta, m : ndarray
        :math:`\theta_{t-1}` and the momentum buffer :math:`m_{t-1}` (zeros
        before the first step), of one shape.
    lr, momentum : float
        :math:`\eta > 0` and :math:`\mu \in [0, 1)`.

    Returns
    -------
    theta, m : ndarray
        :math:`\theta_t` and :math:`m_t`; the inputs are not changed.
    """
    theta, m = _check_nesterov_step(grad, theta, m, lr, momentum)
    mu = momentum
    ahead = theta - lr * mu * m        # arrow 1: the momentum's own step
    m = mu * m + grad(ahead)           # m_t, with the gradient there
    theta = theta - lr * m             # arrow 2: ahead - lr * grad(ahead)
    return theta, m


def _check_nesterov_step(grad, theta, m, lr, momentum) -> list[np.ndarray]:
    """Check the arguments of :func:`nesterov_step`; return ``theta`` and ``m`` as arrays."""
    if not callable(grad):
        raise TypeError(f"grad must be callable, got {type(grad).__name__}")
    check_scalar(lr, "lr", low=0.0, low_inclusive=False)
    check_scalar(momentum, "momentum", low=0.0, high=1.0, high_inclusive=False)
    return _same_shape_arrays(theta=theta, m=m)


def _same_shape_arrays(**arrays) -> list[np.ndarray]:
    """The arrays as floating arrays, checked to be finite and of the first one's shape."""
    out = [as_float_array(a, name) for name, a in arrays.items()]
    for name, arr in zip(list(arrays)[1:], out[1:], strict=True):
        check_same_shape(arr, out[0], name, next(iter(arrays)))
    return out


def clip_grad_norm(grads, max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False) -> float:
    r"""Scale the gradients in place so that their total norm is at most ``max_norm``.

    The total norm treats all arrays as one long vector :math:`\mathbf{g}` with
    entries :math:`g_j`; with :math:`\text{ord}` = ``norm_type``,

    .. math::

        \lVert \mathbf{g} \rVert = \Big(\sum_j |g_j|^{\text{ord}}\Big)^{1/\text{ord}},
        \qquad \text{or } \max_j |g_j| \text{ for } \text{ord} = \infty,

    and every array is multiplied by the same factor
    :math:`\min\big(1, \mathrm{max\_norm} / (\lVert \mathbf{g} \rVert + 10^{-6})\big)`,
    so the direction of the step is kept and only its length is capped. These
    are the semantics of ``torch.nn.utils.clip_grad_norm_``. Call it between
    the backward pass and ``optimizer.step(grads)``.

    The norm is computed on the arrays divided by their largest entry, so
    gradients near the float maximum (an exploding run) give the right norm
    instead of overflowing to infinity.

    Parameters
    ----------
    grads : list of ndarray or ndarray
        Floating gradient arrays (e.g. ``model.grads``), changed in place.
    max_norm : float
        Largest allowed total norm, :math:`> 0`.
    norm_type : float, default 2.0
        The order of the norm, :math:`> 0`, or ``math.inf`` for the largest
        absolute entry.
    error_if_nonfinite : bool, default False
        Raise ``FloatingPointError`` if the total norm is NaN or infinite
        (the gradients are then left unchanged). Otherwise they are scaled
        like PyTorch does (by 0 for an infinite norm, to NaN for a NaN one).

    Returns
    -------
    float
        The total norm *before* clipping (0.0 for an empty list).

    Examples
    --------
    >>> g = [np.array([3.0]), np.array([4.0])]
    >>> clip_grad_norm(g, max_norm=1.0)
    5.0
    >>> g[0].round(6), g[1].round(6)
    (array([0.6]), array([0.8]))
    """
    if isinstance(grads, np.ndarray):
        grads = [grads]
    grads = check_params(grads, "grads", allow_nonfinite=True)
    max_norm = check_scalar(max_norm, "max_norm", low=0.0, low_inclusive=False)
    if isinstance(norm_type, bool) or not isinstance(norm_type, (int, float, np.number)):
        raise TypeError(f"norm_type must be a number > 0 or math.inf, got {norm_type!r}")
    norm_type = float(norm_type)
    if not norm_type > 0:
        raise ValueError(f"norm_type must be > 0 or math.inf, got {norm_type!r}")
    error_if_nonfinite = check_bool(error_if_nonfinite, "error_if_nonfinite")
    for i, g in enumerate(grads):
        if not g.flags.writeable:
            raise ValueError(f"grads[{i}] must be writeable (it is clipped in place)")
    if not grads or all(g.size == 0 for g in grads):
        return 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        peak = float(np.max([np.max(np.abs(g)) for g in grads if g.size]))  # NaN if any is
        if norm_type == math.inf or peak == 0.0 or not math.isfinite(peak):
            total = peak
        else:
            total = peak * sum(float(np.sum(np.abs(g / peak) ** norm_type))
                               for g in grads) ** (1.0 / norm_type)      # ||g||_p
    if error_if_nonfinite and not math.isfinite(total):
        raise FloatingPointError(f"the total {norm_type:g}-norm of grads is {total}, so they "
                                 f"cannot be clipped (error_if_nonfinite=True)")
    coef = max_norm / (total + 1e-6)
    if coef < 1.0 or math.isnan(coef):  # NaN or inf norm: NaN or 0 * inf, as in PyTorch
        with np.errstate(invalid="ignore"):
            for g in grads:
                g *= g.dtype.type(coef)
    return total


def optimize_path(optimizer: Callable[..., Optimizer],
                  grad: Callable[[np.ndarray], np.ndarray], x0,
                  steps: int, *, noise: float = 0.0, rng=None,
                  max_norm: float = 1e12,
                  **hyperparameters) -> np.ndarray:
    r"""Run an optimizer on ``grad`` and return every iterate.

    A copy ``x`` of ``x0`` is the one parameter array of
    ``optimizer([x], **hyperparameters)``; each step calls ``grad(x)``, adds
    Gaussian noise of standard deviation :math:`s` if asked (a stand-in for the error of a
    mini-batch gradient) and passes the result to ``opt.step``. With
    ``optimizer=SGD`` and no momentum this is exactly
    :func:`nnlearn.descent.gradient_descent`.

    Every optimizer here acts coordinate by coordinate, so ``x0`` of shape
    ``(n_runs, 2)`` with a vectorized ``grad`` (any surface from
    :mod:`nnlearn.surfaces`) makes ``n_runs`` independent runs at once.

    A diverging run is returned, not raised: the run stops after the first
    iterate with ``max(abs(x)) > max_norm`` (kept as the last row), or before
    an iterate or gradient that is NaN or infinite (not kept).

    Parameters
    ----------
    optimizer : callable
        An optimizer class such as :class:`Adam`, or any callable that takes
        a list of parameter arrays (and ``**hyperparameters``) and returns an
        :class:`Optimizer`, e.g. ``lambda p: Adam(p, lr=0.1)``.
    grad : callable
        Maps an array of the shape of ``x0`` to the gradient, same shape.
    x0 : array_like
        Starting point, any shape; its float dtype is kept.
    steps : int
        Number of steps, >= 1.
    noise : float, default 0.0
        Standard deviation :math:`s \ge 0` of the noise added to every
        gradient coordinate.
    rng : None, int or numpy.random.Generator
        Source of the noise (only used when ``noise > 0``).
    max_norm : float, default 1e12
        Divergence threshold for ``max(abs(x))``.
    **hyperparameters
        Passed on to ``optimizer``, e.g. ``lr=0.1, momentum=0.9``.

    Returns
    -------
    path : ndarray of shape ``(steps_taken + 1, *x0.shape)``
        ``path[0] = x0``; ``path[t]`` is the iterate after ``t`` steps.
    """
    if not callable(optimizer):
        raise TypeError("optimizer must be an Optimizer class or a "
                        "callable that returns one, got "
                        f"{type(optimizer).__name__}")
    if not callable(grad):
        raise TypeError("grad must be callable, got "
                        f"{type(grad).__name__}")
    x = np.array(as_float_array(x0, "x0"), copy=True)
    # the path holds (steps + 1) x's
    steps = check_size(steps, "steps", per_item=x.size)
    noise = check_scalar(noise, "noise", low=0.0)
    max_norm = check_scalar(max_norm, "max_norm", low=0.0,
                            low_inclusive=False)
    rng = check_rng(rng)
    opt = optimizer([x], **hyperparameters)
    if (not isinstance(opt, Optimizer) or len(opt.params) != 1
            or opt.params[0] is not x):
        raise TypeError("optimizer must return an nnlearn Optimizer "
                        "over the list it is given")
    checked = checked_gradient(grad, x, noise, rng)
    path = np.empty((steps + 1,) + x.shape, dtype=x.dtype)
    path[0] = x
    # divergence ends the run quietly
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            g = checked(x)
            if not np.isfinite(g).all():
                return path[:t].copy()
            opt.step([g])
            # NaN or inf if any entry is
            peak = np.abs(x).max() if x.size else 0.0
            if not np.isfinite(peak):
                return path[:t].copy()
            path[t] = x
            if peak > max_norm:
                return path[:t + 1].copy()
    return path
