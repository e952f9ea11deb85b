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
"""

from __future__ import annotations

import numpy as np

from nnlearn._checks import as_float_array, check_model_batch, check_rng

__all__ = ["layer_statistics"]


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
