r"""Gradient checking: compare backpropagation with finite differences.

A backward pass is easy to get subtly wrong and hard to test by eye. A
gradient check computes every partial derivative a second, independent way,
by central differences (:func:`nnlearn.descent.numerical_gradient`, the
library's one finite-difference routine),

.. math::

    \frac{\partial L}{\partial \theta_i} \approx
    \frac{L(\boldsymbol\theta + h\mathbf{e}_i) - L(\boldsymbol\theta - h\mathbf{e}_i)}{2h},

and reports, for each parameter array, the relative error between the two
(:func:`relative_error`). In float64 with :math:`h = 10^{-5}` a correct
backward pass typically gives errors of :math:`10^{-11}` to :math:`10^{-8}`,
and a wrong one errors of order :math:`10^{-2}` to :math:`1`. The book reads
the number with two thresholds, defined here once:

* below :data:`RIGHT_BELOW` (:math:`10^{-7}`) the gradient is right;
* from :data:`RIGHT_BELOW` to :data:`BUG_ABOVE` (:math:`10^{-4}`) it is
  suspicious: look for a kink (a ReLU pre-activation within :math:`h` of 0),
  a loss that is tiny or huge, or float32 somewhere;
* above :data:`BUG_ABOVE` it is a bug.

The second half of this module holds **deliberately broken** layers and
losses, the classic backpropagation mistakes, each written out so that the
book and the tests can inject it into a network and watch the check catch
it. They are teaching examples: never train with them. See
:data:`BROKEN_VARIANTS` and :func:`with_mistake`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from nnlearn._checks import (
    as_float_array,
    check_choice,
    check_grad_out,
    check_model,
    check_model_batch,
    check_same_shape,
    check_scalar,
)
from nnlearn._numeric import power_of_two_unit
from nnlearn.descent import numerical_gradient
from nnlearn.network import MLP, Activation, Dense
from nnlearn.training import get_loss

__all__ = [
    "BROKEN_VARIANTS",
    "BUG_ABOVE",
    "DenseMissingTranspose",
    "DerivativeAtOutput",
    "FInsteadOfFPrime",
    "RIGHT_BELOW",
    "ReLUGradOneAtZero",
    "check_gradients",
    "forgot_batch_mean",
    "numerical_parameter_gradients",
    "parameter_names",
    "relative_error",
    "with_mistake",
]

LossPair = tuple[Callable[..., float], Callable[..., np.ndarray]]

RIGHT_BELOW: float = 1e-7
"""A relative error below this (float64, ``h = 1e-5``) means the backward pass is right."""

BUG_ABOVE: float = 1e-4
"""A relative error above this means a bug; between :data:`RIGHT_BELOW` and this, look closer."""


# ----------------------------------------------------------------------------
# The check
# ----------------------------------------------------------------------------

def relative_error(a, b) -> float:
    r"""Relative difference of two arrays of the same shape.

    .. math:: \operatorname{err}(\mathbf{a}, \mathbf{b})
              = \frac{\lVert \mathbf{a} - \mathbf{b} \rVert}
                     {\lVert \mathbf{a} \rVert + \lVert \mathbf{b} \rVert}

    with Euclidean norms over all entries. It is 0 when the arrays are equal
    (also when both are 0), at most 1, and 1 when one of them is 0 and the
    other is not, or when :math:`\mathbf{b} = -\mathbf{a}`. Dividing by the
    sizes makes the number independent of the scale of the gradient, which
    an absolute difference is not. Both arrays are divided by a power of two
    near their largest entry before the norms are taken (this changes
    nothing mathematically), so gradients of :math:`10^{200}` or
    :math:`10^{-200}` do not overflow or underflow in the squares.

    Parameters
    ----------
    a, b : array_like, same shape
        For example an analytic and a numerical gradient.

    Returns
    -------
    float
        In :math:`[0, 1]`.
    """
    a = as_float_array(a, "a").astype(np.float64)
    b = as_float_array(b, "b").astype(np.float64)
    check_same_shape(a, b, "a", "b")
    unit = power_of_two_unit(max(float(np.abs(a).max(initial=0.0)),
                                 float(np.abs(b).max(initial=0.0))))
    a, b = a / unit, b / unit                   # entries below 2: norms cannot overflow
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    if scale == 0.0:
        return 0.0
    return float(np.linalg.norm(a - b) / scale)


def _check_model(model) -> None:
    for attr in ("forward", "backward", "params", "grads"):
        if not hasattr(model, attr):
            raise TypeError(f"model must have forward, backward, params and grads "
                            f"(like nnlearn.network.MLP); {type(model).__name__} has no {attr}")
    dtypes = {p.dtype for p in model.params}
    if dtypes != {np.dtype(np.float64)}:
        raise TypeError(f"model must compute in float64 for a gradient check (float32 "
                        f"rounding swamps the differences), got parameters of dtype "
                        f"{sorted(str(d) for d in dtypes)}")


def parameter_names(model) -> list[str]:
    """Names for ``model.params``: ``["W1", "b1", "W2", "b2", ...]`` for an MLP.

    A model without ``dense_layers`` gets ``["param0", "param1", ...]``.
    """
    check_model(model, "params")
    if hasattr(model, "dense_layers"):
        return [f"{kind}{layer}" for layer in range(1, len(model.dense_layers) + 1)
                for kind in ("W", "b")]
    return [f"param{i}" for i in range(len(model.params))]


def numerical_parameter_gradients(model, loss, X, y, *, h: float = 1e-5) -> list[np.ndarray]:
    r"""The gradient of the loss with respect to every parameter array, by central differences.

    For each array :math:`\boldsymbol\theta_k` in ``model.params`` this is
    :func:`~nnlearn.descent.numerical_gradient` of
    :math:`\boldsymbol\theta_k \mapsto \text{loss\_fn}(\text{model.forward}(X), y)`,
    evaluated in place (the array is perturbed, then restored exactly). No
    backward pass is involved. Costs ``2 * sum(p.size for p in model.params)``
    forward passes.

    Parameters
    ----------
    model : MLP or compatible
        Needs ``forward`` and ``params``.
    loss : str or (callable, callable)
        A name in :data:`nnlearn.losses.LOSSES` or a ``(loss_fn, grad_fn)`` pair.
    X, y : array_like
        The batch and its targets.
    h : float, default 1e-5
        Finite-difference step.

    Returns
    -------
    list of ndarray
        Parallel to ``model.params``, same shapes.
    """
    X, y = check_model_batch(model, X, y, needs=("forward", "params"))
    loss_fn, _ = get_loss(loss)
    h = check_scalar(h, "h", low=0.0, low_inclusive=False)
    grads = []
    for param in model.params:
        saved = param.copy()

        def loss_at(value, param=param):
            param[...] = value               # the model sees the perturbed parameter
            return loss_fn(model.forward(X), y)

        try:
            grads.append(numerical_gradient(loss_at, saved, h))
        finally:
            param[...] = saved
    return grads


def check_gradients(model, loss, X, y, *, h: float = 1e-5) -> dict[str, float]:
    r"""Relative error between backpropagation and central differences, per parameter.

    Runs ``model.forward(X)`` (evaluation mode, so dropout is off) and
    ``model.backward(grad_fn(output, y))``, then compares every
    ``model.grads[k]`` with :func:`numerical_parameter_gradients`. The
    parameters are left exactly as they were and ``model.grads`` holds the
    backpropagated gradients.

    Parameters
    ----------
    model : MLP or compatible
        Needs ``forward``, ``backward`` and parallel ``params``/``grads``,
        all in float64.
    loss : str or (callable, callable)
        A name in :data:`nnlearn.losses.LOSSES` or a pair
        ``(loss_fn, grad_fn)`` called as ``f(output, y)``.
    X : array_like, shape (B, n_0)
    y : array_like
        Targets in the form the loss expects.
    h : float, default 1e-5
        Finite-difference step.

    Returns
    -------
    dict
        Parameter name (see :func:`parameter_names`) -> relative error
        (:func:`relative_error`).
    """
    _check_model(model)
    X, y = check_model_batch(model, X, y)
    loss_fn, grad_fn = get_loss(loss)
    output = model.forward(X)
    model.backward(grad_fn(output, y))
    analytic = [g.copy() for g in model.grads]
    numeric = numerical_parameter_gradients(model, (loss_fn, grad_fn), X, y, h=h)
    model.forward(X)                          # leave the caches as after backprop
    return {name: relative_error(a, n)
            for name, a, n in zip(parameter_names(model), analytic, numeric, strict=True)}


# ----------------------------------------------------------------------------
# Deliberately broken variants (teaching examples: never train with them)
# ----------------------------------------------------------------------------

class FInsteadOfFPrime(Activation):
    r"""WRONG ON PURPOSE: backward multiplies by :math:`f(z)` instead of :math:`f'(z)`.

    The correct rule is :math:`\delta = \partial L/\partial \mathbf{a} \odot f'(\mathbf{z})`.
    """

    def backward(self, grad_out) -> np.ndarray:
        grad = check_grad_out(grad_out, self.z, None)
        return grad * self._apply(self.f, self.z)   # BUG: f(z), not f'(z)


class DerivativeAtOutput(Activation):
    r"""WRONG ON PURPOSE: evaluates :math:`f'` at the output :math:`a = f(z)`, not at :math:`z`.

    The bug of a ``sigmoid_derivative(x) = x * (1 - x)`` fed with ``z``, the
    other way round. For ReLU it is invisible, since :math:`f(z) > 0` exactly
    when :math:`z > 0`; for sigmoid and tanh it is wrong everywhere.
    """

    def backward(self, grad_out) -> np.ndarray:
        grad = check_grad_out(grad_out, self.z, None)
        a = self._apply(self.f, self.z)
        return grad * self._apply(self.f_grad, a)   # BUG: f'(a), not f'(z)


class ReLUGradOneAtZero(Activation):
    r"""ReLU with the other convention at the kink: :math:`\mathrm{ReLU}'(0) = 1`.

    The library (and PyTorch) use :math:`\mathrm{ReLU}'(0) = 0`. Neither is a
    derivative: ReLU has none at 0. Off the kink the two agree; exactly at
    :math:`z = 0` a central difference sees the average slope :math:`1/2`, so
    a gradient check flags *both* conventions there.
    """

    def __init__(self) -> None:
        super().__init__("relu")

    def backward(self, grad_out) -> np.ndarray:
        grad = check_grad_out(grad_out, self.z, None)
        return grad * (self.z >= 0).astype(self.z.dtype)   # 1 at z == 0, not 0


class DenseMissingTranspose(Dense):
    r"""WRONG ON PURPOSE: the error sent back misses the transpose of ``W``.

    The layer below needs :math:`\mathbf{W}^\top\boldsymbol\delta`; this one
    sends :math:`\mathbf{W}\boldsymbol\delta`. With rows as samples the
    correct line is ``delta @ W``; the missing transpose becomes
    ``delta @ W.T``. For a non-square ``W`` the shapes do not fit and NumPy
    raises at once; for a square ``W`` it runs and is silently wrong, which
    only a gradient check reveals.
    """

    def backward(self, grad_out, input_grad: bool = True) -> np.ndarray | None:
        delta = check_grad_out(grad_out, self.z, self.dtype)
        self.delta = delta
        self.dW = delta.T @ self.a_prev
        self.db = delta.sum(axis=0)
        if not input_grad:
            return None
        return delta @ self.W.T   # BUG: W delta, not W^T delta


def forgot_batch_mean(loss) -> LossPair:
    r"""WRONG ON PURPOSE: the loss is the batch mean, its gradient is that of the sum.

    Returns ``(loss_fn, grad)`` where ``grad`` calls the loss's gradient with
    ``reduction="sum"``: the :math:`1/B` of :func:`~nnlearn.losses.cross_entropy`
    is missing, so every gradient is :math:`B` times too large. The
    elementwise losses (such as :func:`~nnlearn.losses.mse`) average over all
    :math:`B n_D` entries, so for them the missing factor is :math:`1/(B n_D)`
    and every gradient is :math:`B n_D` times too large. With one sample and
    one output the bug is invisible.

    Parameters
    ----------
    loss : str or (callable, callable)
        A name in :data:`nnlearn.losses.LOSSES` or a pair whose gradient
        accepts ``reduction=``.
    """
    loss_fn, grad_fn = get_loss(loss)
    return loss_fn, lambda output, target: grad_fn(output, target, reduction="sum")


BROKEN_VARIANTS: dict[str, str] = {
    "f_instead_of_fprime": "backward multiplies by f(z) instead of f'(z)",
    "a_instead_of_z": "f' is evaluated at the activation a = f(z) instead of at z",
    "missing_transpose": "the error is sent back as W delta instead of W^T delta",
    "relu_grad_one_at_zero": "ReLU'(0) = 1, where the library uses 0",
    "forgot_batch_mean": "the loss is a batch mean, its gradient leaves out the 1/B "
                         "(1/(B n_D) for elementwise losses)",
}
"""Name -> description of each deliberate mistake that :func:`with_mistake` injects."""

_BROKEN_ACTIVATIONS = {"f_instead_of_fprime": FInsteadOfFPrime,
                       "a_instead_of_z": DerivativeAtOutput}


def _broken_dense(layer: Dense) -> DenseMissingTranspose:
    broken = DenseMissingTranspose(layer.n_in, layer.n_out, init="zeros", dtype=layer.dtype)
    broken.W[...] = layer.W
    broken.b[...] = layer.b
    return broken


def _broken_layer(layer, mistake: str):
    """The broken replacement for ``layer``, or ``layer`` itself if it is not affected."""
    if mistake == "missing_transpose" and isinstance(layer, Dense) and layer.n_in == layer.n_out:
        return _broken_dense(layer)
    if isinstance(layer, Activation) and mistake in _BROKEN_ACTIVATIONS:
        return _BROKEN_ACTIVATIONS[mistake](layer.name, layer.negative_slope)
    if isinstance(layer, Activation) and mistake == "relu_grad_one_at_zero":
        return ReLUGradOneAtZero()
    return layer


def with_mistake(model: MLP, loss, mistake: str) -> tuple[MLP, LossPair]:
    """A copy of ``model`` (and of ``loss``) with one deliberate mistake injected.

    Parameters
    ----------
    model : MLP
        Not modified; the copy has the same parameters.
    loss : str or (callable, callable)
        The loss to pair with the model.
    mistake : str
        A key of :data:`BROKEN_VARIANTS`. ``"missing_transpose"`` replaces
        every *square* Dense layer (where the wrong shapes still fit) and
        needs one after the first layer; the activation mistakes replace every
        hidden activation; ``"relu_grad_one_at_zero"`` needs
        ``activation="relu"``; ``"forgot_batch_mean"`` changes only the loss.

    Returns
    -------
    (MLP, (loss_fn, grad_fn))
        The broken model and the loss pair to use with it.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an nnlearn.network.MLP, got {type(model).__name__}")
    check_choice(mistake, "mistake", BROKEN_VARIANTS)
    if mistake == "relu_grad_one_at_zero" and model.activation != "relu":
        raise ValueError(f"mistake 'relu_grad_one_at_zero' needs a model with "
                         f"activation='relu', got activation={model.activation!r}")
    if mistake == "missing_transpose" and not any(
            layer.n_in == layer.n_out for layer in model.dense_layers[1:]):
        raise ValueError(f"mistake 'missing_transpose' needs a model with a square layer "
                         f"(n_l == n_(l-1)) after the first, got sizes={model.sizes}; "
                         f"with no square layer the shapes do not fit and NumPy raises")
    pair = get_loss(loss)
    if mistake == "forgot_batch_mean":
        return copy.deepcopy(model), forgot_batch_mean(pair)
    broken = copy.deepcopy(model)
    broken.layers = [_broken_layer(layer, mistake) for layer in broken.layers]
    broken.dense_layers = [layer for layer in broken.layers if isinstance(layer, Dense)]
    return broken, pair
