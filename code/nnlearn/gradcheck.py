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
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

from nnlearn._checks import (
    as_float_array,
    check_bool,
    check_choice,
    check_grad_out,
    check_model,
    check_model_batch,
    check_same_shape,
    check_scalar,
)
from nnlearn._numeric import power_of_two_unit
from nnlearn.descent import numerical_gradient
from nnlearn.network import MLP, Activation, BatchNorm, Dense
from nnlearn.training import generator_states, get_loss, model_buffers, restore_generators

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

NOISE_FACTOR: float = 100.0
r"""Gradients below this many times :math:`\varepsilon |L| / h` count as 0 in
:func:`check_gradients` (the rounding error of a central difference of the loss)."""


# ----------------------------------------------------------------------------
# The check
# ----------------------------------------------------------------------------

def relative_error(a, b) -> float:
    r"""Relative difference of two arrays of the same shape.

    .. math:: \operatorname{err}(\texttt{a}, \texttt{b})
              = \frac{\lVert \texttt{a} - \texttt{b} \rVert}
                     {\lVert \texttt{a} \rVert + \lVert \texttt{b} \rVert}

    with Euclidean norms over all entries. Chapter 5 passes the gradient
    :math:`\mathbf{g}` of a backward pass as ``a`` and the finite-difference
    gradient :math:`\mathbf{g}_{\text{num}}` as ``b``, and writes
    :math:`\operatorname{err}(\mathbf{g}, \mathbf{g}_{\text{num}})`. It is 0
    when the arrays are equal (also when both are 0), at most 1, and 1 when
    one of them is 0 and the other is not, or when
    :math:`\texttt{b} = -\texttt{a}`. Dividing by the sizes makes the number
    independent of the scale of the gradient, which an absolute difference
    is not. Both arrays are divided by a power of two near their largest
    entry before the norms are taken (this changes nothing mathematically),
    so gradients of :math:`10^{200}` or
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
    a, b = a / unit, b / unit        # entries below 2: norms cannot overflow
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

    A :class:`~nnlearn.network.BatchNorm` after Dense layer ``l`` adds
    ``gamma<l>, beta<l>`` (``["W1", "b1", "gamma1", "beta1", "W2", ...]``). A
    model without ``layers`` of these kinds gets ``["param0", "param1", ...]``.
    """
    check_model(model, "params")
    names, dense = [], 0
    for layer in getattr(model, "layers", []):
        if isinstance(layer, Dense):
            dense += 1
            names += [f"W{dense}", f"b{dense}"]
        elif isinstance(layer, BatchNorm):
            names += [f"gamma{dense}", f"beta{dense}"]
    if len(names) == len(model.params):
        return names
    return [f"param{i}" for i in range(len(model.params))]


def numerical_parameter_gradients(
        model, loss, X, y, *, h: float = 1e-5,
        training: bool = False) -> list[np.ndarray]:
    r"""Loss gradient for every parameter array, by central differences.

    For each array :math:`\boldsymbol\theta_k` in ``model.params`` this is
    :func:`~nnlearn.descent.numerical_gradient` of
    :math:`\boldsymbol\theta_k \mapsto \text{loss\_fn}(\text{model.forward}(X), y)`,
    evaluated in place (the array is perturbed, then restored exactly). No
    backward pass is involved. Costs ``2 * sum(p.size for p in model.params)``
    forward passes. With ``training=True`` every pass runs in training mode
    (batch statistics in :class:`~nnlearn.network.BatchNorm`) from the same
    state of the model's random generators, so dropout draws the same masks in
    each; the generators and the buffers (running statistics) are put back at
    the end.

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
    training : bool, default False
        Run the forward passes in training mode.

    Returns
    -------
    list of ndarray
        Parallel to ``model.params``, same shapes.
    """
    loss_fn, _ = get_loss(loss)
    X, y = check_model_batch(model, X, y, needs=("forward", "params"),
                             loss=loss)
    h = check_scalar(h, "h", low=0.0, low_inclusive=False)
    training = check_bool(training, "training")
    grads = []
    with _random_state_kept(model) as generators:
        for param in model.params:
            saved = param.copy()

            def loss_at(value, param=param):
                param[...] = value   # the model sees the perturbed parameter
                restore_generators(generators)       # the same dropout masks
                return loss_fn(model.forward(X, training=training), y)

            try:
                grads.append(numerical_gradient(loss_at, saved, h))
            finally:
                param[...] = saved
    return grads


@contextmanager
def _random_state_kept(model) -> Iterator[list]:
    """Put the model's generators and buffers back on exit.

    Yields the generator states, as ``generator_states`` records them.
    """
    generators = generator_states(model)
    buffers = [(b, b.copy()) for b in model_buffers(model)]
    try:
        yield generators
    finally:
        restore_generators(generators)
        for b, saved in buffers:
            np.copyto(b, saved)


def check_gradients(model, loss, X, y, *, h: float = 1e-5,
                    training: bool = False) -> dict[str, float]:
    r"""Per parameter, relative error of backprop vs central differences.

    Runs ``model.forward(X)`` (evaluation mode, so dropout is off) and
    ``model.backward(grad_fn(output, y))``, then compares every
    ``model.grads[k]`` with :func:`numerical_parameter_gradients`. The
    parameters are left exactly as they were and ``model.grads`` holds the
    backpropagated gradients.

    An array whose two gradients both stay below ``NOISE_FACTOR`` (100)
    times :math:`\varepsilon |L| / h`, the rounding error of a central
    difference of the loss, counts as 0 for both and is reported as 0.0
    (its relative error would compare two rounding errors). The bias of a
    Dense layer just before a BatchNorm in training mode is such a case:
    the batch mean removes it, so its exact gradient is 0.

    ``training=True`` checks the training-mode backward pass instead: with
    :class:`~nnlearn.network.BatchNorm`, whose batch statistics make every
    row's output depend on every other row, that is a different and harder
    derivative than evaluation mode's. Every pass then starts from the same
    state of the model's random generators (the same dropout masks), and
    those generators and the running statistics are left as they were.

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
    training : bool, default False
        Check the training-mode forward and backward pass.

    Returns
    -------
    dict
        Parameter name (see :func:`parameter_names`) -> relative error
        (:func:`relative_error`).
    """
    _check_model(model)
    loss_fn, grad_fn = get_loss(loss)
    X, y = check_model_batch(model, X, y, loss=loss)
    training = check_bool(training, "training")
    # same masks in every pass, as before after
    with _random_state_kept(model):
        numeric = numerical_parameter_gradients(
            model, (loss_fn, grad_fn), X, y, h=h, training=training)
        output = model.forward(X, training=training)
        model.backward(grad_fn(output, y))
    # gradients this small are 0 as far as central differences can tell
    noise = (NOISE_FACTOR * np.finfo(np.float64).eps
             * abs(float(loss_fn(output, y))) / h)
    return {name: 0.0 if max(np.abs(a).max(), np.abs(n).max()) <= noise
            else relative_error(a, n)
            for name, a, n in zip(parameter_names(model), model.grads,
                                  numeric, strict=True)}


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
    r"""WRONG ON PURPOSE: mean loss, but the gradient of the summed loss.

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
    return loss_fn, lambda output, target: grad_fn(output, target,
                                                   reduction="sum")


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
