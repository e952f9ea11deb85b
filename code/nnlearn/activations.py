"""Activation functions, their derivatives, and the softmax family.

Every derivative here takes the **pre-activation** ``z`` (the input of the
activation), never its output. ``sigmoid_grad(z)`` computes
:math:`\\sigma(z)(1 - \\sigma(z))` itself; a function written as
``x * (1 - x)`` silently expects :math:`x = \\sigma(z)` instead, and passing it
``z`` gives a wrong gradient with no error. Naming the argument ``z`` everywhere
keeps the two apart.

All functions work elementwise on arrays of any shape (the softmax family works
along one axis), keep the floating dtype of their input (float32 stays
float32; integer input becomes float64) and are written so that large
:math:`|z|` neither overflows nor warns.

``ACTIVATIONS`` maps a name to its ``(function, derivative)`` pair so that a
layer can be built from a string such as ``"relu"``; ``OUTPUT_ACTIVATIONS``
lists the output activations of a network and how each turns outputs into labels.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnlearn._checks import as_float_array, check_bool, check_scalar

__all__ = [
    "ACTIVATIONS",
    "OUTPUT_ACTIVATIONS",
    "identity",
    "identity_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "log_softmax",
    "logsumexp",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_jacobian",
    "tanh",
    "tanh_grad",
]


# ----------------------------------------------------------------------------
# Elementwise activations
# ----------------------------------------------------------------------------

def sigmoid(z) -> np.ndarray:
    r"""Logistic sigmoid, 1 / (1 + exp(-z)), computed without overflow.

    :math:`\sigma(z) = 1 / (1 + e^{-z})`, computed with :math:`e^{-|z|}`, which
    never overflows: :math:`\sigma(z) = 1/(1 + e^{-|z|})` for :math:`z \ge 0` and
    :math:`e^{-|z|}/(1 + e^{-|z|})` for :math:`z < 0`. So ``sigmoid(-1000)``
    is ``0.0`` and ``sigmoid(1000)`` is ``1.0`` without warnings.

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations.

    Returns
    -------
    numpy.ndarray
        Same shape and floating dtype as ``z``, values in :math:`[0, 1]`.
    """
    z = as_float_array(z, "z")
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(z) -> np.ndarray:
    r"""Derivative of the sigmoid at the pre-activation ``z``.

    .. math:: \sigma'(z) = \frac{e^{-z}}{(1 + e^{-z})^2} = \sigma(z)\,(1 - \sigma(z))

    ``z`` is the *input* of the sigmoid, not its output. Because
    :math:`1 - \sigma(z) = \sigma(-z)`, the product is evaluated as
    :math:`\sigma(z)\,\sigma(-z)`, which keeps its relative accuracy for large
    :math:`|z|` (where ``1 - sigmoid(z)`` would round to 0).

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``z``, values in :math:`[0, 1/4]`.
    """
    z = as_float_array(z, "z")
    return sigmoid(z) * sigmoid(-z)


def tanh(z) -> np.ndarray:
    r"""Hyperbolic tangent :math:`\tanh(z) = (e^z - e^{-z}) / (e^z + e^{-z})`.

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``z``, values in :math:`[-1, 1]`.
    """
    z = as_float_array(z, "z")
    return np.tanh(z)


def tanh_grad(z) -> np.ndarray:
    r"""Derivative of tanh at the pre-activation ``z``.

    .. math:: \tanh'(z) = 1 - \tanh^2(z) = \frac{4 e^{-2|z|}}{(1 + e^{-2|z|})^2}

    The second form (equal to the first, and to :math:`1/\cosh^2 z`) is the one
    evaluated, with :math:`e^{-2|z|}` computed as :math:`(e^{-|z|})^2`: it cannot
    overflow (not even :math:`2|z|` for :math:`|z|` near the largest float) and
    stays accurate for large :math:`|z|`.

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations (the input of tanh, not its output).

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``z``, values in :math:`[0, 1]`.
    """
    z = as_float_array(z, "z")
    e = np.exp(-np.abs(z))
    a = e * e                                        # e^{-2|z|}
    return 4 * a / (1 + a) ** 2


def relu(z) -> np.ndarray:
    r"""Rectified linear unit :math:`\mathrm{ReLU}(z) = \max(z, 0)`.

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``z``.
    """
    z = as_float_array(z, "z")
    return np.maximum(z, 0)


def relu_grad(z) -> np.ndarray:
    r"""Derivative of ReLU at the pre-activation ``z``.

    .. math:: \mathrm{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}

    ReLU has no derivative at :math:`z = 0`; we use the convention
    :math:`\mathrm{ReLU}'(0) = 0`, the same as PyTorch's autograd.

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations.

    Returns
    -------
    numpy.ndarray
        Zeros and ones, same shape and dtype as ``z``.
    """
    z = as_float_array(z, "z")
    return (z > 0).astype(z.dtype)


def leaky_relu(z, negative_slope: float = 0.01) -> np.ndarray:
    r"""Leaky ReLU: :math:`z` for :math:`z > 0`, :math:`\nu z` otherwise.

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations.
    negative_slope : float, default 0.01
        The slope :math:`\nu` for negative inputs (PyTorch's default).

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``z``.
    """
    z = as_float_array(z, "z")
    slope = check_scalar(negative_slope, "negative_slope")
    # nu * z in float64 (or wider), so a large nu does not overflow in z's own dtype;
    # only a product beyond z's range becomes -inf, the IEEE answer, without a warning
    with np.errstate(over="ignore"):
        negative = np.multiply(z, slope, dtype=np.promote_types(z.dtype, np.float64))
        return np.where(z > 0, z, negative).astype(z.dtype, copy=False)


def leaky_relu_grad(z, negative_slope: float = 0.01) -> np.ndarray:
    r"""Derivative of leaky ReLU at the pre-activation ``z``.

    .. math:: \frac{d}{dz} = \begin{cases} 1 & z > 0 \\ \nu & z \le 0 \end{cases}

    At the kink :math:`z = 0` we use :math:`\nu`, as PyTorch does
    (consistent with ``relu_grad(0) = 0``, the case :math:`\nu = 0`).

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations.
    negative_slope : float, default 0.01
        The slope :math:`\nu` for negative inputs.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``z``.
    """
    z = as_float_array(z, "z")
    slope = check_scalar(negative_slope, "negative_slope")
    with np.errstate(over="ignore"):        # a nu beyond z's float range is inf
        return np.where(z > 0, 1, slope).astype(z.dtype)


def identity(z) -> np.ndarray:
    r"""The identity (linear) activation :math:`f(z) = z`, returned as a copy.

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations.

    Returns
    -------
    numpy.ndarray
        A copy of ``z`` (same shape and dtype).
    """
    z = as_float_array(z, "z")
    return z.copy()


def identity_grad(z) -> np.ndarray:
    r"""Derivative of the identity: :math:`f'(z) = 1` everywhere.

    Parameters
    ----------
    z : array_like, any shape
        Pre-activations.

    Returns
    -------
    numpy.ndarray
        Ones with the shape and dtype of ``z``.
    """
    z = as_float_array(z, "z")
    return np.ones_like(z)


# ----------------------------------------------------------------------------
# Softmax family
# ----------------------------------------------------------------------------

def _check_axis(z: np.ndarray, axis) -> int:
    """Return ``axis`` as a non-negative int valid for ``z`` (which has ndim >= 1)."""
    axis = check_scalar(axis, "axis", integer=True)
    if not -z.ndim <= axis < z.ndim:
        raise ValueError(f"axis must be in [{-z.ndim}, {z.ndim - 1}] for z of shape "
                         f"{z.shape}, got {axis}")
    axis %= z.ndim
    if z.shape[axis] == 0:
        raise ValueError(f"z must have at least one entry along axis {axis}, "
                         f"got shape {z.shape}")
    return axis


def _shift_by_max(z: np.ndarray, axis: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The shift by the maximum along ``axis`` (kept): ``(m, d, l)``.

    ``m`` :math:`= z_{\max} = \max_j z_j`, ``d`` :math:`= z - z_{\max} \le 0`
    and ``l`` :math:`= \ln \sum_j e^{z_j - z_{\max}}`.

    The term of one maximum is exactly 1; the others sum to ``rest``, and
    ``l`` is ``log1p(rest)``: so a tiny ``rest`` (one logit far above the
    others) keeps all its digits instead of vanishing in ``1 + rest``. A
    difference :math:`z_j - z_{\max}` beyond the float range is
    :math:`-\infty` (its exponential is 0), without a warning.
    """
    m = np.max(z, axis=axis, keepdims=True)
    with np.errstate(over="ignore"):         # z - m = -inf: a term that is 0
        d = z - m
    e = np.exp(d)
    np.put_along_axis(e, np.argmax(z, axis=axis, keepdims=True), 0.0,
                      axis=axis)
    return m, d, np.log1p(np.sum(e, axis=axis, keepdims=True))


def logsumexp(z, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    r"""Log of the sum of exponentials along an axis, without overflow.

    Uses the shift by the maximum :math:`z_{\max} = \max_j z_j`:

    .. math:: \ln \sum_j e^{z_j} = z_{\max} + \ln \sum_j e^{z_j - z_{\max}}

    Every exponent is :math:`\le 0`, so nothing overflows, and the largest
    term is :math:`e^0 = 1`, so the sum is at least 1 and the log is finite.
    The sum is evaluated as ``1 + s`` with ``log1p(s)``, which keeps the digits
    of a tiny ``s``.

    Parameters
    ----------
    z : array_like, at least 1-D
        Values (for example logits of shape ``(B, C)``).
    axis : int, default -1
        The axis to reduce.
    keepdims : bool, default False
        Keep the reduced axis with length 1 (handy for broadcasting).

    Returns
    -------
    numpy.ndarray
        ``z``'s shape without ``axis`` (or with length 1 there), same dtype.
    """
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError("z must be at least 1-dimensional, got a scalar")
    axis = _check_axis(z, axis)
    check_bool(keepdims, "keepdims")
    z_max, _, log_sum = _shift_by_max(z, axis)
    out = z_max + log_sum
    return out if keepdims else np.squeeze(out, axis=axis)


def log_softmax(z, axis: int = -1) -> np.ndarray:
    r"""Log of the softmax along an axis, without overflow or log(0).

    .. math:: \ln p_k = z_k - \ln \sum_j e^{z_j}

    computed as :math:`(z_k - z_{\max}) - \ln \sum_j e^{z_j - z_{\max}}` with the shift of
    :func:`logsumexp`, so it is finite even where ``softmax`` itself underflows
    to 0 (for example ``log_softmax([0, -1e4])`` is ``[0, -1e4]``, while
    ``log(softmax(...))`` would be ``-inf``), and the largest entry keeps full
    relative precision (``log_softmax([40, 0])[0]`` is ``-4.25e-18``, not 0).

    Parameters
    ----------
    z : array_like, at least 1-D
        Logits, usually of shape ``(B, C)``.
    axis : int, default -1
        The class axis.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``z``; all entries :math:`\le 0`.
    """
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError("z must be at least 1-dimensional, got a scalar")
    _, d, log_sum = _shift_by_max(z, _check_axis(z, axis))
    return d - log_sum


def softmax(z, axis: int = -1) -> np.ndarray:
    r"""Softmax along an axis: exponentials of the logits over their sum.

    :math:`p_k = e^{z_k} / \sum_j e^{z_j}`. Softmax is unchanged when the same
    constant is added to every logit, so
    the maximum is subtracted first (:math:`p_k = e^{z_k - z_{\max}} / \sum_j e^{z_j - z_{\max}}`):
    no exponent is positive, nothing overflows, and the denominator is at
    least 1.

    Parameters
    ----------
    z : array_like, at least 1-D
        Logits, usually of shape ``(B, C)`` with one row per sample.
    axis : int, default -1
        The class axis.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``z``; entries in :math:`[0, 1]` summing to 1
        along ``axis``.
    """
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError("z must be at least 1-dimensional, got a scalar")
    axis = _check_axis(z, axis)
    with np.errstate(over="ignore"):        # z - max = -inf: a probability 0
        e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_jacobian(z) -> np.ndarray:
    r"""Jacobian of the softmax with respect to its logits.

    .. math:: J_{ij} = \frac{\partial p_i}{\partial z_j} = p_i(1[i{=}j] - p_j),
              \qquad J = \operatorname{diag}(p) - p\,p^\top

    This is the derivative of softmax itself. The familiar :math:`p - y` is a
    different object: the gradient of cross-entropy *composed with* softmax,
    :math:`J^\top (-y / p) = p - y` for a one-hot (or any probability) ``y``.

    Parameters
    ----------
    z : array_like, shape (C,) or (B, C)
        Logits of one sample or of a batch (softmax over the last axis).

    Returns
    -------
    numpy.ndarray
        Shape ``(C, C)`` for 1-D ``z``, ``(B, C, C)`` for 2-D ``z`` (one
        symmetric matrix per sample); same dtype as ``z``.
    """
    z = as_float_array(z, "z", ndim=(1, 2))
    p = softmax(z, axis=-1)
    jac = -p[..., :, None] * p[..., None, :]
    diag = np.arange(p.shape[-1])
    jac[..., diag, diag] += p
    return jac


ACTIVATIONS: dict[str, tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]] = {
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "identity": (identity, identity_grad),
}
"""Name -> ``(activation, derivative)``; both take the pre-activation ``z``.

These are the hidden-layer activations a network can be built with."""

OUTPUT_ACTIVATIONS: dict[str, str | None] = {
    "identity": None,
    "sigmoid": "logit",
    "softmax": "argmax",
}
"""Output activation of a network -> how its raw outputs become labels.

A network returns logits and applies its output activation only to predict:
``"softmax"`` predicts the ``"argmax"`` class, ``"sigmoid"`` class 1 where the
``"logit"`` is > 0, ``"identity"`` (regression) no labels (None)."""
