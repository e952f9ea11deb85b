r"""Loss functions over a batch and their gradients with respect to the input.

Every loss has the signature ``loss(input, target, *, <hyperparameters>,
reduction="mean")`` with the argument order of ``torch.nn.functional``, and a
gradient function with the same signature and a ``_grad`` suffix that returns
:math:`\partial L / \partial\,\mathrm{input}` with the shape of ``input``.

Reductions (as in PyTorch):

* ``"mean"`` (default): the average of the per-element losses. For the
  elementwise losses (everything except :func:`cross_entropy`) that divides by
  the number of elements ``input.size`` -- for ``input`` of shape ``(B, n)``
  that is :math:`Bn`, so ``mse_grad`` is :math:`2(\hat y - y)/(Bn)`, not
  :math:`\hat y - y`. For :func:`cross_entropy` the mean is over the batch
  ``B`` (one loss per sample).
* ``"sum"``: the sum of the per-element losses; the gradient has no :math:`1/(Bn)`.
* ``"none"``: the per-element losses themselves (shape of ``input``, or ``(B,)``
  for cross-entropy). The ``_grad`` function then returns, in each position, the
  derivative of *that* element's loss with respect to its own input (for
  cross-entropy: of sample ``i``'s loss with respect to row ``i``). This equals
  the gradient of the ``"sum"`` reduction.

The mean and sum reductions return a NumPy scalar of the input's dtype. Inputs
keep their floating dtype (float32 in, float32 out); the target is converted to
the input's dtype. ``LOSSES`` maps a name to a :class:`LossSpec`: the loss, its
gradient, and what a training loop needs to know about its target and outputs.

A loss is a distance-like quantity: every loss here is :math:`\ge 0` for valid
targets (the mean squared error is a mean of squares, never negative).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnlearn._checks import as_float_array, check_choice, check_same_shape, check_scalar
from nnlearn.activations import log_softmax, sigmoid, softmax

__all__ = [
    "LOSSES",
    "LossSpec",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "focal_loss",
    "focal_loss_grad",
    "huber",
    "huber_grad",
    "log_cosh",
    "log_cosh_grad",
    "mae",
    "mae_grad",
    "mse",
    "mse_grad",
]

REDUCTIONS = ("mean", "sum", "none")

# PyTorch clamps the logs in binary_cross_entropy at -100 and the denominator of
# its gradient at 1e-12.
_BCE_LOG_FLOOR = -100.0
_BCE_GRAD_EPS = 1e-12


# ----------------------------------------------------------------------------
# Shared plumbing
# ----------------------------------------------------------------------------

def _pair(input, target) -> tuple[np.ndarray, np.ndarray]:
    """Validate an elementwise (input, target) pair; the target takes input's dtype."""
    x = as_float_array(input, "input")
    t = as_float_array(target, "target")
    check_same_shape(x, t, "input", "target")
    if x.size == 0:
        raise ValueError(f"input must have at least one element, got shape {x.shape}")
    return x, t.astype(x.dtype, copy=False)


def _check_unit_interval(a: np.ndarray, name: str, what: str) -> None:
    """Raise ``ValueError`` naming ``name`` unless every entry lies in [0, 1]."""
    if np.any(a < 0) or np.any(a > 1):
        raise ValueError(f"{name} must hold {what} in [0, 1], got values from "
                         f"{a.min()!r} to {a.max()!r}")


def _residual(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``x - t``; a difference beyond the float range is ``±inf`` (no warning).

    The losses and gradients that call this turn it into their limits.
    """
    with np.errstate(over="ignore"):
        return x - t


def _reduce(per_element: np.ndarray, reduction: str):
    """Apply ``reduction`` to the per-element losses.

    The mean of finite values is finite even when their sum overflows: then
    it is taken as the sum of ``per_element / n``.
    """
    if reduction == "mean":
        with np.errstate(over="ignore"):
            mean = per_element.mean()
            if np.isinf(mean) and np.isfinite(per_element).all():
                mean = (per_element / per_element.size).sum()
        return mean
    if reduction == "sum":
        return per_element.sum()
    return per_element


def _reduce_grad(grad: np.ndarray, reduction: str, n: int) -> np.ndarray:
    """Scale per-element derivatives to the gradient of the reduced loss.

    The mean (``reduction="mean"``) divides them by n; other reductions keep
    them.
    """
    return grad / n if reduction == "mean" else grad


# ----------------------------------------------------------------------------
# Regression losses
# ----------------------------------------------------------------------------

def mse(input, target, *, reduction: str = "mean"):
    r"""Mean squared error, like torch.nn.functional.mse_loss.

    .. math:: \ell^{(i)} = (\hat y^{(i)} - y^{(i)})^2, \qquad
              L_{\text{mean}} = \frac{1}{n}\sum_{i=1}^{n} (\hat y^{(i)} - y^{(i)})^2 \;\ge 0

    Parameters
    ----------
    input : array_like, any shape
        Predictions :math:`\hat y`.
    target : array_like, same shape as ``input``
        True values :math:`y`.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` divides by the number of elements ``n = input.size``.

    Returns
    -------
    numpy scalar or numpy.ndarray
        The reduced loss, or the per-element losses (shape of ``input``).
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    y_hat, y = _pair(input, target)
    return _reduce((y_hat - y) ** 2, reduction)


def mse_grad(input, target, *, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of mse with respect to its input (the predictions).

    .. math:: \frac{\partial L_{\text{mean}}}{\partial \hat y^{(i)}}
              = \frac{2 (\hat y^{(i)} - y^{(i)})}{n}

    With ``reduction="sum"`` or ``"none"`` it is :math:`2(\hat y^{(i)} - y^{(i)})`. (The
    textbook :math:`\hat y - y` belongs to :math:`\tfrac12 (\hat y - y)^2` on one sample.)

    Returns
    -------
    numpy.ndarray
        Shape and dtype of ``input``.
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    y_hat, y = _pair(input, target)
    return _reduce_grad(2 * (y_hat - y), reduction, y_hat.size)


def mae(input, target, *, reduction: str = "mean"):
    r"""Mean absolute error, like ``torch.nn.functional.l1_loss``.

    .. math:: \ell^{(i)} = |\hat y^{(i)} - y^{(i)}|, \qquad
              L_{\text{mean}} = \frac1n \sum_i |\hat y^{(i)} - y^{(i)}|

    Parameters
    ----------
    input : array_like, any shape
        Predictions :math:`\hat y`.
    target : array_like, same shape as ``input``
        True values :math:`y`.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` divides by ``input.size``.

    Returns
    -------
    numpy scalar or numpy.ndarray
        The reduced loss, or the per-element losses.
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    x, t = _pair(input, target)
    return _reduce(np.abs(_residual(x, t)), reduction)


def mae_grad(input, target, *, reduction: str = "mean") -> np.ndarray:
    r"""(Sub)gradient of :func:`mae` with respect to ``input``.

    .. math:: \frac{\partial L_{\text{mean}}}{\partial \hat y^{(i)}}
              = \frac{\operatorname{sign}(\hat y^{(i)} - y^{(i)})}{n}

    :math:`|r|` has no derivative at :math:`r = 0`; we use
    :math:`\operatorname{sign}(0) = 0`, as PyTorch does.

    Returns
    -------
    numpy.ndarray
        Shape and dtype of ``input``.
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    x, t = _pair(input, target)
    return _reduce_grad(np.sign(_residual(x, t)), reduction, x.size)


def huber(input, target, *, delta: float = 1.0, reduction: str = "mean"):
    r"""Huber loss, like torch.nn.functional.huber_loss.

    Quadratic for small residuals :math:`r = \hat y - y`, linear for large ones:

    .. math:: \ell^{(i)} = \begin{cases} \tfrac12 \bigl(r^{(i)}\bigr)^2 & |r^{(i)}| \le \tau \\
              \tau\,(|r^{(i)}| - \tfrac12 \tau) & |r^{(i)}| > \tau \end{cases}

    The two pieces meet with equal value and slope at :math:`|r| = \tau`.
    Both pieces are evaluated and one is kept; an overflow in the piece that
    is thrown away (e.g. :math:`\tfrac12 r^2` for :math:`|r| = 10^{200}`) is
    silent, and a kept piece that overflows is ``inf``, the IEEE answer.

    Parameters
    ----------
    input : array_like, any shape
        Predictions :math:`\hat y`.
    target : array_like, same shape as ``input``
        True values :math:`y`.
    delta : float, default 1.0
        The threshold :math:`\tau` where the loss turns from quadratic to linear;
        must be > 0 (named ``delta`` as in PyTorch).
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` divides by ``input.size``.

    Returns
    -------
    numpy scalar or numpy.ndarray
        The reduced loss, or the per-element losses.
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    delta = check_scalar(delta, "delta", low=0.0, low_inclusive=False)
    y_hat, y = _pair(input, target)
    with np.errstate(over="ignore"):
        abs_r = np.abs(y_hat - y)             # |r|, the size of the residual
        per = np.where(abs_r <= delta, 0.5 * abs_r * abs_r,
                       delta * (abs_r - 0.5 * delta))
    return _reduce(per, reduction)


def huber_grad(input, target, *, delta: float = 1.0, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`huber` with respect to ``input``.

    .. math:: \frac{\partial \ell^{(i)}}{\partial \hat y^{(i)}}
              = \operatorname{clip}(r^{(i)}, -\tau, \tau)
              = \begin{cases} r^{(i)} & |r^{(i)}| \le \tau \\
                \tau \operatorname{sign}(r^{(i)}) & |r^{(i)}| > \tau \end{cases}

    divided by ``input.size`` for ``reduction="mean"``. The gradient is bounded
    by :math:`\tau`, which is why Huber is robust to outliers.

    Returns
    -------
    numpy.ndarray
        Shape and dtype of ``input``.
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    delta = check_scalar(delta, "delta", low=0.0, low_inclusive=False)
    x, t = _pair(input, target)
    return _reduce_grad(np.clip(_residual(x, t), -delta, delta), reduction, x.size)


def log_cosh(input, target, *, reduction: str = "mean"):
    r"""Log-cosh loss :math:`\ell^{(i)} = \ln\cosh(\hat y^{(i)} - y^{(i)})`.

    Close to :math:`\tfrac12 r^2` for small residuals and to
    :math:`|r| - \ln 2` for large ones, and smooth everywhere. (PyTorch has no
    built-in version.) Evaluated without forming :math:`\cosh r`, which
    overflows for :math:`|r| > 710`:

    .. math:: \ln\cosh r = \begin{cases}
              \ln\!\left(1 + 2\sinh^2(r/2)\right) & |r| < 1 \\
              |r| + \ln\!\left(1 + e^{-2|r|}\right) - \ln 2 & |r| \ge 1
              \end{cases}

    (the first form keeps full relative accuracy for tiny residuals, where the
    second would cancel to 0; :math:`e^{-2|r|}` is computed as
    :math:`(e^{-|r|})^2`, so even :math:`|r|` near the largest float does not
    overflow).

    Parameters
    ----------
    input : array_like, any shape
        Predictions :math:`\hat y`.
    target : array_like, same shape as ``input``
        True values :math:`y`.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` divides by ``input.size``.

    Returns
    -------
    numpy scalar or numpy.ndarray
        The reduced loss, or the per-element losses.
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    x, t = _pair(input, target)
    a = np.abs(_residual(x, t))
    small = np.log1p(2 * np.sinh(np.minimum(a, 1.0) / 2) ** 2)
    e = np.exp(-a)
    large = a + np.log1p(e * e) - math.log(2.0)
    return _reduce(np.where(a < 1, small, large), reduction)


def log_cosh_grad(input, target, *, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`log_cosh`: :math:`\tanh(\hat y^{(i)} - y^{(i)})` for each sample.

    Divided by ``input.size`` for ``reduction="mean"``.

    Returns
    -------
    numpy.ndarray
        Shape and dtype of ``input``.
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    x, t = _pair(input, target)
    return _reduce_grad(np.tanh(_residual(x, t)), reduction, x.size)


# ----------------------------------------------------------------------------
# Binary classification
# ----------------------------------------------------------------------------

def _clamped_log(a: np.ndarray) -> np.ndarray:
    """``max(log(a), -100)`` without evaluating ``log(0)``."""
    out = np.full_like(a, _BCE_LOG_FLOOR)
    np.log(a, out=out, where=a > 0)
    return np.maximum(out, _BCE_LOG_FLOOR)


def binary_cross_entropy(input, target, *, reduction: str = "mean"):
    r"""Binary cross-entropy on probabilities, like ``torch.nn.functional.binary_cross_entropy``.

    .. math:: \ell^{(i)} = -\bigl[\,y^{(i)} \ln p^{(i)} + (1 - y^{(i)}) \ln(1 - p^{(i)})\,\bigr]

    As in PyTorch, each log is clamped at :math:`-100`, so a confident wrong
    prediction (:math:`p^{(i)} = 0` with :math:`y^{(i)} = 1`) costs 100 instead of
    :math:`\infty`. If you have logits, use
    :func:`binary_cross_entropy_with_logits`, which needs no clamping.

    Parameters
    ----------
    input : array_like, any shape
        Predicted probabilities :math:`p \in [0, 1]` (for example sigmoid outputs).
    target : array_like, same shape as ``input``
        Labels :math:`y \in [0, 1]` (0/1 or soft labels).
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` divides by ``input.size``.

    Returns
    -------
    numpy scalar or numpy.ndarray
        The reduced loss, or the per-element losses.
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    p, y = _pair(input, target)
    _check_unit_interval(p, "input", "probabilities")
    _check_unit_interval(y, "target", "labels")
    per = -(y * _clamped_log(p) + (1 - y) * _clamped_log(1 - p))
    return _reduce(per, reduction)


def binary_cross_entropy_grad(input, target, *, reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`binary_cross_entropy` with respect to the probabilities.

    .. math:: \frac{\partial \ell^{(i)}}{\partial p^{(i)}}
              = \frac{p^{(i)} - y^{(i)}}{p^{(i)} (1 - p^{(i)})}

    As in PyTorch's backward pass the denominator is clamped below at
    :math:`10^{-12}`, so the gradient stays finite at :math:`p \in \{0, 1\}`.
    Wherever :math:`p(1-p) \ge 10^{-12}` this is the exact derivative.
    Divided by ``input.size`` for ``reduction="mean"``.

    Returns
    -------
    numpy.ndarray
        Shape and dtype of ``input``.
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    p, y = _pair(input, target)
    _check_unit_interval(p, "input", "probabilities")
    _check_unit_interval(y, "target", "labels")
    grad = (p - y) / np.maximum(p * (1 - p), _BCE_GRAD_EPS)
    return _reduce_grad(grad, reduction, p.size)


def _logit_cross_entropy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""Per-element :math:`\ln(1 + e^{z}) - y z`, as a sum of terms >= 0.

    .. math:: \ell = \ln\!\left(1 + e^{-|z|}\right) + y \max(-z, 0) + (1 - y) \max(z, 0)

    (equal to :math:`y\,\mathrm{softplus}(-z) + (1 - y)\,\mathrm{softplus}(z)`).
    For :math:`y \in [0, 1]` every term is :math:`\ge 0`, so nothing cancels: a
    confident correct logit (:math:`z = 40, y = 1`) gives :math:`4.25 \cdot 10^{-18}`
    to full precision, where :math:`\mathrm{softplus}(z) - yz` gives 0.
    """
    return (np.log1p(np.exp(-np.abs(x)))
            + y * np.maximum(-x, 0) + (1 - y) * np.maximum(x, 0))


def binary_cross_entropy_with_logits(input, target, *,
                                     reduction: str = "mean"):
    r"""Binary cross-entropy on logits.

    Like ``torch.nn.functional.binary_cross_entropy_with_logits``.

    With :math:`p = \sigma(z)` the loss is the same as
    :func:`binary_cross_entropy`, but written in terms of the logit :math:`z`:

    .. math:: \ell^{(i)} = \ln(1 + e^{z^{(i)}}) - y^{(i)} z^{(i)}
              = \ln\!\left(1 + e^{-|z^{(i)}|}\right) + y^{(i)} \max(-z^{(i)}, 0)
                + (1 - y^{(i)}) \max(z^{(i)}, 0)

    The right-hand form never overflows, never takes the log of 0 (so no
    clamping is needed), and adds non-negative terms only, so a confident
    correct logit keeps its tiny loss to full precision (the form
    :math:`\max(z, 0) - yz + \ln(1 + e^{-|z|})` cancels to 0 there).

    Parameters
    ----------
    input : array_like, any shape
        Logits :math:`z` (any real numbers).
    target : array_like, same shape as ``input``
        Labels :math:`y \in [0, 1]`.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` divides by ``input.size``.

    Returns
    -------
    numpy scalar or numpy.ndarray
        The reduced loss, or the per-element losses.
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    z, y = _pair(input, target)
    _check_unit_interval(y, "target", "labels")
    return _reduce(_logit_cross_entropy(z, y), reduction)


def binary_cross_entropy_with_logits_grad(input, target, *,
                                          reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`binary_cross_entropy_with_logits`: :math:`\sigma(z^{(i)}) - y^{(i)}`.

    Evaluated as :math:`(1 - y^{(i)})\,\sigma(z^{(i)}) - y^{(i)}\,\sigma(-z^{(i)})`, the same
    number, which for a hard label keeps full precision where
    :math:`\sigma(z^{(i)})` rounds to 1 (:math:`z = 40, y = 1` gives
    :math:`-4.25 \cdot 10^{-18}`, not 0). Divided by ``input.size`` for
    ``reduction="mean"``.

    Returns
    -------
    numpy.ndarray
        Shape and dtype of ``input``.
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    x, y = _pair(input, target)
    _check_unit_interval(y, "target", "labels")
    return _reduce_grad((1 - y) * sigmoid(x) - y * sigmoid(-x), reduction, x.size)


def _check_alpha(alpha) -> float | None:
    """Return the focal-loss class weight, or None when it is switched off."""
    if alpha is None:
        return None
    alpha = check_scalar(alpha, "alpha")
    if alpha == -1:
        return None
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be in [0, 1], or None or -1 to switch the class "
                         f"weight off, got {alpha!r}")
    return alpha


def _focal_parts(z: np.ndarray, y: np.ndarray, alpha: float | None):
    """Pieces shared by the focal loss and its gradient.

    Returns ``(psi_y, one_minus_p_y, ce, p, q)`` with ``p = sigmoid(z)``,
    ``q = 1 - p`` (computed as ``sigmoid(-z)``), the weight ``psi_y`` of the
    true label, ``one_minus_p_y = 1 - p_y = p (1 - y) + q y``, and ``ce`` the
    binary cross-entropy on logits.
    """
    p, q = sigmoid(z), sigmoid(-z)
    one_minus_p_y = p * (1 - y) + q * y
    ce = _logit_cross_entropy(z, y)
    psi_y = 1 if alpha is None else alpha * y + (1 - alpha) * (1 - y)
    return psi_y, one_minus_p_y, ce, p, q


def focal_loss(input, target, *, alpha: float | None = 0.25,
               gamma: float = 2.0, reduction: str = "mean"):
    r"""Binary focal loss on logits (Lin et al. 2017).

    Same formula as ``torchvision.ops.sigmoid_focal_loss``, but with
    ``reduction="mean"`` by default like the other losses here (torchvision's
    default is ``"none"``). With logit :math:`z`, :math:`p = \sigma(z)`,
    class weight :math:`\psi` (``alpha``) and focusing exponent :math:`\zeta`
    (``gamma``),

    .. math:: p_y = p\,y + (1 - p)(1 - y), \qquad
              \psi_y = \psi\,y + (1 - \psi)(1 - y),

    .. math:: \ell = -\psi_y\,(1 - p_y)^{\zeta}\,\ln p_y

    where :math:`-\ln p_y` is the binary cross-entropy (computed from the
    logits as in :func:`binary_cross_entropy_with_logits`). The factor
    :math:`(1 - p_y)^\zeta` shrinks the loss of examples that are already
    classified well, so training concentrates on the hard ones. The weight
    :math:`\psi` multiplies the loss of positive examples (:math:`y = 1`) and
    :math:`1 - \psi` that of negative ones; it is part of the loss as defined
    in the paper. With ``gamma=0`` and ``alpha=None`` this is plain binary
    cross-entropy.

    Parameters
    ----------
    input : array_like, any shape
        Logits :math:`z`.
    target : array_like, same shape as ``input``
        Labels :math:`y \in [0, 1]` (usually 0/1).
    alpha : float in [0, 1], or None, default 0.25
        Weight :math:`\psi` of the positive class. ``None`` or ``-1`` switch the
        weighting off (:math:`\psi_y = 1`), like a negative alpha in torchvision.
    gamma : float, default 2.0
        Focusing exponent :math:`\zeta`, must be >= 0.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` divides by ``input.size``.

    Returns
    -------
    numpy scalar or numpy.ndarray
        The reduced loss, or the per-element losses.
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    alpha = _check_alpha(alpha)
    gamma = check_scalar(gamma, "gamma", low=0.0)
    z, y = _pair(input, target)
    _check_unit_interval(y, "target", "labels")
    psi_y, one_minus_p_y, ce, _, _ = _focal_parts(z, y, alpha)
    return _reduce(psi_y * one_minus_p_y**gamma * ce, reduction)


def focal_loss_grad(input, target, *, alpha: float | None = 0.25, gamma: float = 2.0,
                    reduction: str = "mean") -> np.ndarray:
    r"""Gradient of :func:`focal_loss` with respect to the logits.

    With :math:`\mathrm{ce} = -\ln p_y`,
    :math:`\partial (1 - p_y) / \partial z = p(1-p)(1 - 2y)` and
    :math:`\partial\,\mathrm{ce} / \partial z = p - y`:

    .. math:: \frac{\partial \ell}{\partial z} = \psi_y \left[
              \zeta\, (1 - p_y)^{\zeta}\, \frac{p(1-p)}{1 - p_y}\,(1 - 2y)\,\mathrm{ce}
              + (1 - p_y)^{\zeta}\,(p - y) \right]

    The ratio :math:`p(1-p)/(1 - p_y)` is at most 1 and is evaluated as such, so the
    gradient stays finite for saturated logits and for :math:`0 \le \zeta < 1`.
    Divided by ``input.size`` for ``reduction="mean"``.

    Returns
    -------
    numpy.ndarray
        Shape and dtype of ``input``.
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    alpha = _check_alpha(alpha)
    gamma = check_scalar(gamma, "gamma", low=0.0)
    z, y = _pair(input, target)
    _check_unit_interval(y, "target", "labels")
    psi_y, one_minus_p_y, ce, p, q = _focal_parts(z, y, alpha)
    ratio = np.zeros_like(one_minus_p_y)                 # p (1 - p) / (1 - p_y), at most 1
    np.divide(p * q, one_minus_p_y, out=ratio, where=one_minus_p_y > 0)
    power = one_minus_p_y**gamma
    grad = psi_y * (gamma * power * ratio * (1 - 2 * y) * ce + power * (p - y))
    return _reduce_grad(grad, reduction, z.size)


# ----------------------------------------------------------------------------
# Multi-class classification
# ----------------------------------------------------------------------------

def _check_distributions(t: np.ndarray) -> None:
    """Raise ``ValueError`` naming ``target`` unless every row is a probability distribution.

    Entries in [0, 1], each row summing to 1 up to the square root of the
    dtype's machine epsilon (1.5e-8 in float64, 3.5e-4 in float32).
    """
    if np.any(t < 0):
        raise ValueError(f"target probabilities must be >= 0, got minimum {t.min()}")
    if np.any(t > 1):
        raise ValueError(f"target probabilities must be <= 1, got maximum {t.max()}")
    sums = t.sum(axis=1, dtype=np.float64)
    worst = int(np.argmax(np.abs(sums - 1.0)))
    if abs(sums[worst] - 1.0) > np.sqrt(np.finfo(t.dtype).eps):
        raise ValueError(f"target probabilities must sum to 1 in every row (class "
                         f"probabilities, as torch.nn.functional.cross_entropy expects), "
                         f"got a sum of {sums[worst]:.10g} in row {worst}")


def _class_targets(logits, target, label_smoothing) -> tuple[np.ndarray, np.ndarray]:
    """Validate cross-entropy arguments; return logits and smoothed target distributions.

    The returned targets have shape (B, C) and the logits' dtype:
    ``(1 - eps) * onehot + eps / C`` for class indices and
    ``(1 - eps) * target + eps / C`` for probability targets.
    """
    x = as_float_array(logits, "input", ndim=2)
    batch, n_classes = x.shape
    if batch == 0 or n_classes == 0:
        raise ValueError(f"input must have shape (B, C) with B, C >= 1, got {x.shape}")
    eps = check_scalar(label_smoothing, "label_smoothing", low=0.0, high=1.0)
    try:
        t_raw = np.asarray(target)
    except ValueError as exc:                  # ragged nested lists
        raise ValueError(f"target must be class indices (B,) or probabilities (B, C) "
                         f"with rows of equal length: {exc}") from exc
    if t_raw.ndim == 1:
        if not np.issubdtype(t_raw.dtype, np.integer):
            raise TypeError(f"target of shape (B,) must hold integer class indices, "
                            f"got dtype {t_raw.dtype}")
        if t_raw.shape[0] != batch:
            raise ValueError(f"target must have shape ({batch},) to match input of shape "
                             f"{x.shape}, got {t_raw.shape}")
        if np.any(t_raw < 0) or np.any(t_raw >= n_classes):
            raise ValueError(f"target class indices must be in [0, {n_classes - 1}] for "
                             f"input with {n_classes} classes, got values from "
                             f"{t_raw.min()} to {t_raw.max()}")
        t = np.zeros_like(x)
        t[np.arange(batch), t_raw] = 1
    elif t_raw.ndim == 2:
        t = as_float_array(t_raw, "target")
        check_same_shape(x, t, "input", "target")
        _check_distributions(t)
        t = t.astype(x.dtype, copy=False)
    else:
        raise ValueError(f"target must have shape ({batch},) (class indices) or {x.shape} "
                         f"(class probabilities), got {t_raw.shape}")
    if eps > 0:
        t = (1 - eps) * t + eps / n_classes
    return x, t


def cross_entropy(input, target, *, label_smoothing: float = 0.0, reduction: str = "mean"):
    r"""Softmax cross-entropy on logits, like ``torch.nn.functional.cross_entropy``.

    For sample :math:`i` with logits :math:`\mathbf{z}^{(i)}` (one row of ``input``) and a
    target distribution :math:`\mathbf{y}^{(i)}` over the :math:`C` classes,

    .. math:: \ell^{(i)} = -\sum_{c=1}^{C} y^{(i)}_c \ln \operatorname{softmax}(\mathbf{z}^{(i)})_c
              = -\sum_c y^{(i)}_c\Bigl(z^{(i)}_c - \ln\sum_{j} e^{z^{(i)}_j}\Bigr)

    computed with a stable log-softmax. ``target`` is either

    * integer class indices of shape ``(B,)``; then :math:`\mathbf{y}^{(i)}` is one-hot and
      :math:`\ell^{(i)} = -\ln \operatorname{softmax}(\mathbf{z}^{(i)})_{y^{(i)}}`, or
    * class probabilities of shape ``(B, C)`` (one-hot or soft labels): every
      entry in :math:`[0, 1]` and every row summing to 1, as PyTorch documents
      them (PyTorch does not check this; here a violation is a ``ValueError``).

    Label smoothing :math:`\xi` replaces the target, in both cases, by
    :math:`(1 - \xi)\,\mathbf{y}^{(i)} + \xi / C`, exactly as PyTorch does.

    Parameters
    ----------
    input : array_like, shape (B, C)
        Logits, one row per sample.
    target : array_like of int, shape (B,), or array_like, shape (B, C)
        Class indices in ``[0, C)`` or class probabilities. (PyTorch's
        ``ignore_index`` is not supported: negative indices are an error.)
    label_smoothing : float in [0, 1], default 0.0
        Mass moved uniformly over all classes.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` averages over the ``B`` samples; ``"none"`` returns shape ``(B,)``.

    Returns
    -------
    numpy scalar or numpy.ndarray
        The reduced loss, or the per-sample losses of shape ``(B,)``.
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    x, t = _class_targets(input, target, label_smoothing)
    neg_log_p = -log_softmax(x, axis=1)         # >= 0; inf for a logit beyond the float range
    with np.errstate(invalid="ignore"):         # 0 * inf: a class without target mass adds 0
        terms = np.where(t > 0, t * neg_log_p, 0.0)
    return _reduce(np.sum(terms, axis=1), reduction)


def cross_entropy_grad(input, target, *, label_smoothing: float = 0.0,
                       reduction: str = "mean") -> np.ndarray:
    r"""Gradient of cross_entropy with respect to the logits.

    .. math:: \frac{\partial \ell^{(i)}}{\partial z^{(i)}_c}
              = p^{(i)}_c \sum_{j} y^{(i)}_j - y^{(i)}_c = p^{(i)}_c - y^{(i)}_c
              \quad\text{when the target row sums to 1,}

    with :math:`\mathbf{p}^{(i)} = \operatorname{softmax}(\mathbf{z}^{(i)})` and
    :math:`\mathbf{y}^{(i)}` the (smoothed) target.
    This :math:`\mathbf{p} - \mathbf{y}` is the derivative of the *composition*
    cross-entropy after softmax; the derivative of softmax alone is the Jacobian
    in :func:`nnlearn.activations.softmax_jacobian`. Divided by ``B`` for
    ``reduction="mean"``; for ``"none"`` row ``i`` is the gradient of
    :math:`\ell^{(i)}`.

    Returns
    -------
    numpy.ndarray
        Shape ``(B, C)`` and the dtype of ``input``.
    """
    check_choice(reduction, "reduction", REDUCTIONS)
    z, y = _class_targets(input, target, label_smoothing)
    grad = softmax(z, axis=1) * np.sum(y, axis=1, keepdims=True) - y
    return _reduce_grad(grad, reduction, z.shape[0])


@dataclass(frozen=True)
class LossSpec:
    """One entry of :data:`LOSSES`: a loss, its gradient, and how to use them.

    Adding a loss to the library means adding one entry here; the training
    loop reads everything it needs from it.
    """

    fn: Callable
    """The loss, called as ``fn(input, target, reduction=...)``."""
    grad: Callable[..., np.ndarray]
    """Its gradient with respect to ``input``, same signature."""
    target: str
    """``"same_shape"``: the target has the shape of the output (elementwise
    losses); ``"labels"``: integer class labels ``(B,)`` or class
    probabilities ``(B, C)``."""
    labels: str | None
    """How outputs become predicted labels (for accuracy): ``"argmax"`` over
    the logits of C classes, ``"logit"`` (a logit > 0 means class 1),
    ``"prob"`` (a probability > 1/2 means class 1), or None for regression."""

    @property
    def pair(self) -> tuple[Callable, Callable[..., np.ndarray]]:
        """``(fn, grad)``, the pair :func:`nnlearn.training.fit` also accepts."""
        return self.fn, self.grad


LOSSES: dict[str, LossSpec] = {
    "mse": LossSpec(mse, mse_grad, "same_shape", None),
    "mae": LossSpec(mae, mae_grad, "same_shape", None),
    "huber": LossSpec(huber, huber_grad, "same_shape", None),
    "log_cosh": LossSpec(log_cosh, log_cosh_grad, "same_shape", None),
    "binary_cross_entropy": LossSpec(binary_cross_entropy, binary_cross_entropy_grad,
                                     "same_shape", "prob"),
    "binary_cross_entropy_with_logits": LossSpec(
        binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_grad,
        "same_shape", "logit"),
    "cross_entropy": LossSpec(cross_entropy, cross_entropy_grad, "labels", "argmax"),
    "focal_loss": LossSpec(focal_loss, focal_loss_grad, "same_shape", "logit"),
}
"""Name -> :class:`LossSpec` (loss, gradient, target form, label rule)."""
