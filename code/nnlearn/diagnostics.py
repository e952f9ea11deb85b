r"""Measurements inside a network: how large are the signals, layer by layer?

A deep network trains well only if the numbers flowing through it keep a
sensible size in both directions. Forward, the activations
:math:`\mathbf{a}^{(l)}` should neither shrink to zero nor blow up (or, for
tanh and sigmoid, pile up at the flat ends of the function). Backward, the
error signals :math:`\boldsymbol{\delta}^{(l)} = \partial L/\partial
\mathbf{z}^{(l)}` should neither vanish nor explode on their way from the
output to the first layer. :func:`layer_statistics` measures both for one
batch, which is how the initialization schemes of :mod:`nnlearn.init` are
compared.

During training, :class:`GradientStats` records, step by step, how large
each parameter's gradient is and how much each step changes the parameter
relative to its size, and :func:`dead_relu_fraction` counts the ReLU units
that no longer respond to any input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nnlearn._checks import as_float_array, check_model_batch, check_rng
from nnlearn.protocols import OptimizerWrapper, check_optimizer

__all__ = ["GradientStats", "dead_relu_fraction", "layer_statistics"]


def _std(a: np.ndarray) -> float:
    """Standard deviation of all entries, in float64 (so float32 data cannot overflow it)."""
    return float(np.std(a, dtype=np.float64))


def layer_statistics(model, X, grad_out=None, *, rng=None,
                     training: bool = False) -> dict[str, np.ndarray]:
    r"""Standard deviation of the forward and backward signals of every layer.

    Runs ``model.forward(X)`` in evaluation mode (unless ``training``), then
    ``model.backward(G)`` with :math:`\mathbf{G} = \partial L/\partial \mathbf{Z}^{(D)}` given by
    ``grad_out`` (by default a standard normal matrix, so that the backward
    pass starts with entries of size 1 whatever the loss). Every standard
    deviation is taken over all entries of the batch matrix, i.e. over the
    :math:`B` samples and the :math:`n_l` units together:

    .. math::

        s_z^{(l)} = \operatorname{std}\big(\mathbf{Z}^{(l)}\big), \qquad
        s_a^{(l)} = \operatorname{std}\big(\mathbf{A}^{(l)}\big), \qquad
        s_\delta^{(l)} = \operatorname{std}\big(\boldsymbol{\delta}^{(l)}\big), \qquad
        s_{\nabla W}^{(l)} = \operatorname{std}\big(\partial L / \partial \mathbf{W}^{(l)}\big)

    for :math:`l = 1, \dots, D`. The model's parameter gradients are
    overwritten (as by any backward pass); its parameters are not changed.

    Parameters
    ----------
    model : nnlearn.network.MLP
        Any model with ``forward_trace``, ``backward``, ``deltas`` and
        ``dense_layers`` (each with ``dW``).
    X : array_like, shape (B, n_0)
        A batch of inputs.
    grad_out : array_like, shape (B, n_D), optional
        Gradient of the loss with respect to the output :math:`\mathbf{Z}^{(D)}`.
        Default: standard normal entries drawn from ``rng``.
    rng : numpy.random.Generator, int or None
        Random source for the default ``grad_out``.
    training : bool, default False
        Run the forward pass in training mode (BatchNorm layers then use the
        batch statistics, and dropout is on).

    Returns
    -------
    dict of str to ndarray, each of shape (D,)
        ``"layer"``: the layer numbers :math:`1, \dots, D` (int);
        ``"z_std"``: :math:`s_z^{(l)}`;
        ``"activation_std"``: :math:`s_a^{(l)}` where :math:`\mathbf{A}^{(l)} = f(\mathbf{Z}^{(l)})`
        (for :math:`l = D`, which has no activation, :math:`\mathbf{A}^{(D)} = \mathbf{Z}^{(D)}`);
        ``"delta_std"``: :math:`s_\delta^{(l)}`;
        ``"weight_grad_std"``: :math:`s_{\nabla W}^{(l)}`.

    Examples
    --------
    >>> from nnlearn.network import MLP
    >>> net = MLP([50] * 11, activation="tanh", init="xavier", rng=0)
    >>> X = np.random.default_rng(1).standard_normal((200, 50))
    >>> stats = layer_statistics(net, X, rng=2)
    >>> stats["activation_std"].shape
    (10,)
    """
    X = check_model_batch(model, X, needs=("forward_trace", "backward"))
    zs, activations = model.forward_trace(X, training=training)
    out = activations[-1]
    if grad_out is None:
        grad = check_rng(rng).standard_normal(out.shape).astype(out.dtype)
    else:
        grad = as_float_array(grad_out, "grad_out")
        if grad.shape != out.shape:
            raise ValueError(f"grad_out must have the shape of the model output {out.shape}, "
                             f"got {grad.shape}")
    model.backward(grad)
    # activations[l] is the input of Dense layer l + 1, i.e. A^(l) (after dropout,
    # which is off in evaluation mode); activations[-1] is the output Z^(D).
    return {
        "layer": np.arange(1, len(zs) + 1),
        "z_std": np.array([_std(z) for z in zs]),
        "activation_std": np.array([_std(a) for a in activations[1:]]),
        "delta_std": np.array([_std(d) for d in model.deltas]),
        "weight_grad_std": np.array([_std(layer.dW) for layer in model.dense_layers]),
    }


def _norm(a: np.ndarray) -> float:
    """Frobenius norm in float64 (so float32 arrays cannot overflow it)."""
    return float(np.linalg.norm(np.ravel(a).astype(np.float64, copy=False)))


class GradientStats(OptimizerWrapper):
    r"""Wrap an optimizer and record every step's gradient norms and update/weight ratios.

    Use it in place of the optimizer (``fit(model, loss, GradientStats(opt),
    ...)``); it passes every call on. For every step :math:`t` and every
    parameter array :math:`\mathbf{W}` with gradient :math:`\mathbf{g}` it
    records the gradient norm and the update/weight ratio

    .. math::

        \lVert \mathbf{g} \rVert, \qquad
        \frac{\lVert \mathbf{W}_{t+1} - \mathbf{W}_t \rVert}{\lVert \mathbf{W}_t \rVert}

    (Frobenius norms; the ratio is NaN for an array that is all zeros before
    the step, as biases start). The ratio says how large a step is compared
    with the weights it changes: around :math:`10^{-3}` per step is the
    usual healthy size; :math:`10^{-1}` means the weights are rewritten every
    few steps, :math:`10^{-6}` that they hardly move. The gradients seen are
    those passed to ``step`` (after clipping, if ``fit`` clips).

    Parameters
    ----------
    optimizer : nnlearn.protocols.OptimizerLike
        The optimizer to wrap.
    names : sequence of str, optional
        One name per parameter array, e.g. ``["W1", "b1", "W2", "b2"]``;
        default ``"param 0"``, ``"param 1"``, ...

    Attributes
    ----------
    grad_norm, update_ratio : list of ndarray
        One array of shape (n_params,) per step; :meth:`as_arrays` stacks them.

    Examples
    --------
    >>> from nnlearn.optimizers import SGD
    >>> W = np.array([3.0, 4.0])
    >>> stats = GradientStats(SGD([W], lr=0.1))
    >>> stats.step([np.array([0.0, 5.0])])
    >>> stats.grad_norm[0], stats.update_ratio[0]
    (array([5.]), array([0.1]))
    """

    def __init__(self, optimizer, names: Sequence[str] | None = None) -> None:
        check_optimizer(optimizer)
        self.optimizer = optimizer
        n = len(optimizer.params)
        if names is None:
            names = [f"param {k}" for k in range(n)]
        if isinstance(names, str) or not isinstance(names, Sequence) or len(names) != n \
                or not all(isinstance(x, str) for x in names):
            raise ValueError(f"names must be {n} strings, one per parameter array, "
                             f"got {names!r}")
        self.names = list(names)
        self.grad_norm: list[np.ndarray] = []
        self.update_ratio: list[np.ndarray] = []

    def step(self, grads) -> None:
        """Record the gradient norms, step the wrapped optimizer, record the ratios."""
        grads = list(grads)
        before = [p.copy() for p in self.params]
        self.grad_norm.append(np.array([_norm(g) for g in grads]))
        self.optimizer.step(grads)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.update_ratio.append(np.array(
                [_norm(p - b) / _norm(b) if _norm(b) > 0 else np.nan
                 for p, b in zip(self.params, before, strict=True)]))

    def as_arrays(self) -> dict[str, np.ndarray]:
        """``{"grad_norm", "update_ratio"}``, each of shape (steps, n_params)."""
        n = len(self.names)
        return {"grad_norm": np.array(self.grad_norm).reshape(-1, n),
                "update_ratio": np.array(self.update_ratio).reshape(-1, n)}

    def state_dict(self) -> dict:
        """The wrapped optimizer's state (the records are not part of it)."""
        return self.optimizer.state_dict()

    def load_state_dict(self, state_dict: Mapping) -> None:
        """Restore the wrapped optimizer's state."""
        self.optimizer.load_state_dict(state_dict)


def dead_relu_fraction(model, X) -> np.ndarray:
    r"""Fraction of each hidden ReLU layer's units that output 0 for every row of ``X``.

    Unit :math:`j` of hidden layer :math:`l` is *dead* on the batch when
    :math:`Z^{(l)}_{ij} \le 0` for all rows :math:`i`: its output is 0 and its
    gradient ReLU'(z) is 0 for every sample, so none of its incoming weights
    changes any more, and it stays dead. Measured in evaluation mode.

    Parameters
    ----------
    model : nnlearn.network.MLP
        With ``activation="relu"`` and no batch normalization.
    X : array_like, shape (B, n_0)
        A batch of inputs (the more rows, the more reliable the count).

    Returns
    -------
    ndarray, shape (D - 1,)
        One fraction in [0, 1] per hidden layer.
    """
    if getattr(model, "activation", None) != "relu":
        raise ValueError(f"model must have activation='relu' to count dead ReLUs, got "
                         f"activation={getattr(model, 'activation', None)!r}")
    if getattr(model, "batch_norm", False):
        raise ValueError("model must not use batch_norm: the ReLU inputs are then the "
                         "normalized values, not the Dense outputs this function reads")
    X = check_model_batch(model, X, needs=("forward_trace",))
    zs, _ = model.forward_trace(X, training=False)
    return np.array([float(np.mean(np.all(z <= 0, axis=0))) for z in zs[:-1]])
