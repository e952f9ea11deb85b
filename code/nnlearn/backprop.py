r"""Backpropagation, worked through: a circuit, a small network, and experiments.

The backward pass itself lives in :mod:`nnlearn.network` (``Dense.backward``,
``Activation.backward``, ``MLP.backward``). This module holds what the
chapter on backpropagation needs around it:

* :func:`neuron_circuit`: the chain rule on a tiny expression, one local
  derivative per line, so that every forward value and every gradient can be
  drawn on a computational graph;
* :func:`example_network` and :func:`backprop_trace`: the 2-2-4-3 network of
  the worked example (two inputs, hidden layers of 2 and 4 ReLU units, three
  logits turned into three softmax probabilities) and every :math:`z`,
  :math:`a`, :math:`\delta` and gradient of one forward and backward pass;
* :func:`layer_gradient_norms`: the size of :math:`\partial L/\partial W^{(l)}`
  layer by layer (vanishing and exploding gradients);
* :func:`gradient_timings`: wall-clock time of backpropagation against
  finite differences as the number of parameters grows;
* :class:`WeightRecorder`: a ``callback`` for :func:`nnlearn.training.fit`
  that keeps a copy of the weights every few epochs, for animations.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nnlearn._checks import as_float_array, check_model_batch, check_rng, check_scalar
from nnlearn.gradcheck import numerical_parameter_gradients
from nnlearn.network import MLP
from nnlearn.training import get_loss

__all__ = [
    "CIRCUIT_EDGES",
    "CIRCUIT_LABELS",
    "CIRCUIT_OPS",
    "BackpropTrace",
    "WeightRecorder",
    "backprop_trace",
    "example_network",
    "format_table",
    "gradient_timings",
    "layer_gradient_norms",
    "neuron_circuit",
]


# ----------------------------------------------------------------------------
# The chain rule on a circuit
# ----------------------------------------------------------------------------

CIRCUIT_OPS: dict[str, str] = {
    "wx": "×", "z": "+", "a": "tanh", "r": "−", "ell": "²", "w2": "²", "R": "×", "L_tilde": "+",
}
"""Operation of every inner node of :func:`neuron_circuit`'s graph."""

CIRCUIT_EDGES: list[tuple[str, str]] = [
    ("w", "wx"), ("x", "wx"), ("wx", "z"), ("b", "z"), ("z", "a"), ("a", "r"), ("y", "r"),
    ("r", "ell"), ("w", "w2"), ("w2", "R"), ("lam", "R"), ("ell", "L_tilde"), ("R", "L_tilde"),
]
"""Edges ``(input, output)`` of :func:`neuron_circuit`'s graph; ``w`` feeds two nodes."""

CIRCUIT_LABELS: dict[str, str] = {"lam": "α", "ell": "ℓ", "w2": "w²", "L_tilde": "L̃"}
"""How a node whose key is not its symbol is written: ``"ell"`` is :math:`\\ell`."""


def neuron_circuit(w: float, x: float, b: float, y: float, lam: float
                   ) -> tuple[dict[str, float], dict[str, float],
                              dict[tuple[str, str], float]]:
    r"""Forward and backward pass, node by node, through one neuron.

    The neuron's loss has weight decay:

    .. math:: \tilde L = \bigl(\tanh(w x + b) - y\bigr)^2 + \alpha w^2

    split into elementary nodes, each named by what it is: the product
    :math:`wx`, the pre-activation :math:`z = wx + b`, the activation
    :math:`a = \tanh z`, the residual :math:`r = a - y`, the sample's loss
    :math:`\ell = r^2`, the square :math:`w^2`, the penalty
    :math:`R = \alpha w^2` and the penalized loss :math:`\tilde L = \ell + R`.
    The backward pass visits the nodes in reverse and multiplies the *upstream*
    gradient :math:`\partial \tilde L/\partial(\text{output})` by the node's *local*
    derivative. The weight :math:`w` feeds two nodes, so its gradient is the
    **sum** of the two paths.

    Parameters
    ----------
    w, x, b, y, lam : float
        Weight, input, bias, target and decay strength :math:`\alpha`, each
        at most :math:`10^{100}` in size, so that every node (such as
        :math:`w^2`) is a finite float.

    Returns
    -------
    values : dict
        Node key -> forward value, for every node of :data:`CIRCUIT_EDGES`
        (leaves ``w, x, b, y, lam`` included; ``"wx"``, ``"w2"``, ``"ell"``,
        ``"L_tilde"`` are :math:`wx`, :math:`w^2`, :math:`\ell`, :math:`\tilde L`).
    grads : dict
        Node key -> :math:`\partial \tilde L/\partial(\text{node})`.
    edge_grads : dict
        ``(input, output)`` -> the gradient sent back along that edge,
        upstream gradient times local derivative. For a node with one
        consumer it equals the node's gradient; ``w``'s two edges carry the
        two terms whose sum is ``grads["w"]``.
    """
    w, x, b, y, lam = (
        check_scalar(v, n, low=-1e100, high=1e100)
        for v, n in ((w, "w"), (x, "x"), (b, "b"), (y, "y"), (lam, "lam")))
    # forward: one elementary operation per line
    wx = w * x
    z = wx + b
    a = math.tanh(z)
    r = a - y
    ell = r ** 2
    w2 = w ** 2
    R = lam * w2
    L_tilde = ell + R
    # backward: upstream gradient times local derivative, last node first
    dL_tilde = 1.0
    # L_tilde = ell + R: a sum passes the gradient on unchanged
    dell = dL_tilde * 1.0
    dR = dL_tilde * 1.0
    # R = lam * w2: each factor gets the other one
    dw2 = dR * lam
    dlam = dR * w2
    dr = dell * 2 * r              # ell = r^2
    da = dr * 1.0                  # r = a - y
    dy = dr * -1.0
    dz = da * (1 - a ** 2)         # a = tanh(z), tanh' = 1 - tanh^2
    dwx = dz * 1.0                 # z = wx + b
    db = dz * 1.0
    dx = dwx * w                   # wx = w * x
    dw_via_wx = dwx * x
    dw_via_w2 = dw2 * 2 * w        # w2 = w^2
    # w feeds wx AND w2: the two contributions add
    dw = dw_via_wx + dw_via_w2
    values = dict(w=w, x=x, b=b, y=y, lam=lam, wx=wx, z=z, a=a, r=r, ell=ell,
                  w2=w2, R=R, L_tilde=L_tilde)
    grads = dict(w=dw, x=dx, b=db, y=dy, lam=dlam, wx=dwx, z=dz, a=da, r=dr,
                 ell=dell, w2=dw2, R=dR, L_tilde=dL_tilde)
    edge_grads = {(src, dst): grads[src] for src, dst in CIRCUIT_EDGES}
    edge_grads[("w", "wx")], edge_grads[("w", "w2")] = dw_via_wx, dw_via_w2
    return values, grads, edge_grads


# ----------------------------------------------------------------------------
# The worked example
# ----------------------------------------------------------------------------

def example_network() -> tuple[MLP, np.ndarray, np.ndarray]:
    r"""The worked example's 2-2-4-3 ReLU network, with fixed weights.

    Widths :math:`n_0, \dots, n_3 = 2, 2, 4, 3`; hidden layers use ReLU, the
    three outputs are logits turned into probabilities by the softmax (drawn
    with the probabilities as a fifth column, it looks like 2-2-4-3-3).
    One sample :math:`\mathbf{x} = (0.5, -1)` of class 2 (index 1 in code).
    The weights are chosen so that unit 4 of layer 2 is switched off
    (:math:`z^{(2)}_4 < 0`) and no pre-activation sits at the ReLU kink.

    Returns
    -------
    model : MLP
        ``MLP([2, 2, 4, 3], activation="relu", output="softmax")``, float64.
    X : ndarray, shape (1, 2)
    y : ndarray of int, shape (1,)
    """
    model = MLP([2, 2, 4, 3], activation="relu", output="softmax",
                init="zeros")
    model.set_params([
        [[0.4, -0.3], [0.2, 0.6]],                               # W1 (2, 2)
        [0.1, 0.7],                                              # b1
        [[0.5, -0.4], [-0.3, 0.8], [0.7, 0.2], [-0.6, -0.5]],    # W2 (4, 2)
        [0.0, 0.1, -0.2, 0.1],                                   # b2
        [[0.3, -0.2, 0.5, 0.1], [-0.4, 0.6, 0.2, -0.3],
         [0.2, 0.1, -0.5, 0.4]],                                 # W3 (3, 4)
        [0.0, 0.1, -0.1],                                        # b3
    ])
    return model, np.array([[0.5, -1.0]]), np.array([1])


@dataclass
class BackpropTrace:
    r"""Everything one forward and backward pass computes.

    Lists are indexed by layer: entry ``l - 1`` belongs to layer :math:`l`,
    except ``activations``, whose entry ``l`` is :math:`A^{(l)}` (entry 0 is
    the input, the last entry the network output :math:`Z^{(D)}`).

    Attributes
    ----------
    loss : float
        :math:`L`, the mean loss over the batch.
    zs, activations, deltas : list of ndarray
        :math:`Z^{(l)}`, :math:`A^{(l)}` and :math:`\Delta^{(l)} = \partial L/\partial Z^{(l)}`,
        each of shape ``(B, n_l)``.
    dW, db : list of ndarray
        :math:`\partial L/\partial W^{(l)}` ``(n_l, n_{l-1})`` and
        :math:`\partial L/\partial b^{(l)}` ``(n_l,)``.
    """

    loss: float
    zs: list[np.ndarray]
    activations: list[np.ndarray]
    deltas: list[np.ndarray]
    dW: list[np.ndarray]
    db: list[np.ndarray]


def backprop_trace(model: MLP, loss, X, y) -> BackpropTrace:
    """Run ``model`` forward on ``X`` and backward from ``loss``; keep every intermediate.

    Parameters
    ----------
    model : MLP
        Its ``grads`` are filled as by any backward pass.
    loss : str or (callable, callable)
        A name in :data:`nnlearn.losses.LOSSES` or a ``(loss_fn, grad_fn)`` pair.
    X : array_like, shape (B, n_0)
    y : array_like
        Targets in the form the loss expects.

    Returns
    -------
    BackpropTrace
        Copies, so later passes do not change it.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an nnlearn.network.MLP, got {type(model).__name__}")
    loss_fn, grad_fn = get_loss(loss)
    X, y = check_model_batch(model, X, y, loss=loss)
    zs, activations = model.forward_trace(X)
    output = activations[-1]
    value = float(loss_fn(output, y))
    model.backward(grad_fn(output, y))
    layers = model.dense_layers
    return BackpropTrace(loss=value, zs=[z.copy() for z in zs],
                         activations=[a.copy() for a in activations],
                         deltas=[d.copy() for d in model.deltas],
                         dW=[layer.dW.copy() for layer in layers],
                         db=[layer.db.copy() for layer in layers])


def format_table(columns: dict[str, Sequence[float]], index: str = "j",
                 digits: int = 4) -> str:
    """A plain-text table: one row per unit, one column per named quantity.

    Parameters
    ----------
    columns : dict
        Column title -> 1-D values, all of the same length ``n``.
    index : str, default "j"
        Title of the first column, which counts the rows 1, ..., n.
    digits : int, default 4
        Digits after the decimal point.

    Returns
    -------
    str
        Right-aligned columns separated by two spaces, a header line first.
    """
    if not isinstance(columns, dict) or not columns \
            or not all(isinstance(name, str) for name in columns):
        raise TypeError(f"columns must be a non-empty dict of name -> values, got {columns!r}")
    if not isinstance(index, str):
        raise TypeError(f"index must be a str (the header of the row numbers), got {index!r}")
    digits = check_scalar(digits, "digits", low=0, high=12, integer=True)
    arrays = {name: as_float_array(v, f"columns[{name!r}]", ndim=1)
              for name, v in columns.items()}
    lengths = {len(a) for a in arrays.values()}
    if len(lengths) != 1:
        raise ValueError(f"columns must all have the same length, got lengths "
                         f"{ {name: len(a) for name, a in arrays.items()} }")
    n = lengths.pop()
    cells = [[index] + list(arrays)]
    cells += [[str(i + 1)] + [f"{a[i]:.{digits}f}" for a in arrays.values()] for i in range(n)]
    widths = [max(len(row[c]) for row in cells) for c in range(len(cells[0]))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True))
                     for row in cells)


# ----------------------------------------------------------------------------
# Experiments
# ----------------------------------------------------------------------------

def layer_gradient_norms(model: MLP, loss, X, y) -> np.ndarray:
    r"""Frobenius norm of :math:`\partial L/\partial W^{(l)}` for every layer :math:`l`.

    .. math:: g_l = \Bigl\lVert \frac{\partial L}{\partial \mathbf{W}^{(l)}} \Bigr\rVert
              = \Bigl(\sum_{j,k} \Bigl(\frac{\partial L}{\partial W^{(l)}_{jk}}\Bigr)^2\Bigr)^{1/2}

    One forward and backward pass in evaluation mode. If the :math:`g_l`
    shrink geometrically from the last layer towards the first the gradients
    vanish; if they grow, they explode.

    Returns
    -------
    ndarray, shape (D,)
        ``g[l - 1]`` belongs to layer :math:`l` (input side first).
    """
    trace = backprop_trace(model, loss, X, y)
    return np.array([np.linalg.norm(dW) for dW in trace.dW])


def _best_time(fn, repeats: int) -> float:
    """Smallest wall-clock time of ``repeats`` calls of ``fn`` (seconds)."""
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def gradient_timings(widths: Sequence[int], *, n_in: int = 2, n_out: int = 3,
                     batch_size: int = 16, repeats: int = 3,
                     rng=None) -> dict[str, np.ndarray]:
    r"""Time backpropagation and central differences on networks of growing width.

    For each width :math:`n` a tanh network ``[n_in, n, n, n_out]`` with
    :math:`n_{\text{params}}` parameters gets a random batch and random class labels, and the
    full gradient :math:`\nabla_{\boldsymbol\theta} L` of the cross-entropy is
    computed twice: by one forward and one backward pass, and by
    :func:`~nnlearn.gradcheck.numerical_parameter_gradients` (:math:`2 n_{\text{params}}`
    forward passes).
    The cost of the first grows like :math:`n_{\text{params}}`, that of the
    second like its square. Each time is the best of ``repeats`` runs (the numerical one
    is run only once when it takes more than 0.25 s).

    Parameters
    ----------
    widths : sequence of int
        Hidden widths, each >= 1.
    n_in, n_out : int
        Input width and number of classes.
    batch_size : int, default 16
    repeats : int, default 3
    rng : numpy.random.Generator, int or None
        For the weights and the batch.

    Returns
    -------
    dict
        ``"n_params"`` (int array), ``"backprop"`` and ``"numerical"``
        (seconds, float arrays), one entry per width.
    """
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or not widths:
        raise TypeError(f"widths must be a non-empty list of ints, got {widths!r}")
    widths = [check_scalar(w, "widths", low=1, integer=True) for w in widths]
    n_in = check_scalar(n_in, "n_in", low=1, integer=True)
    n_out = check_scalar(n_out, "n_out", low=2, integer=True)
    batch_size = check_scalar(batch_size, "batch_size", low=1, integer=True)
    repeats = check_scalar(repeats, "repeats", low=1, integer=True)
    gen = check_rng(rng)
    pair = get_loss("cross_entropy")
    X = gen.standard_normal((batch_size, n_in))
    y = gen.integers(0, n_out, batch_size)
    n_params, t_back, t_num = [], [], []
    for w in widths:
        model = MLP([n_in, w, w, n_out], activation="tanh", output="softmax", rng=gen)

        def backprop(model=model):
            model.backward(pair[1](model.forward(X), y))

        def numerical(model=model):
            numerical_parameter_gradients(model, pair, X, y)

        n_params.append(model.n_params)
        t_back.append(_best_time(backprop, repeats))
        first = _best_time(numerical, 1)
        t_num.append(first if first > 0.25 else min(first, _best_time(numerical, repeats)))
    return {"n_params": np.array(n_params), "backprop": np.array(t_back),
            "numerical": np.array(t_num)}


# ----------------------------------------------------------------------------
# Recording training
# ----------------------------------------------------------------------------

class WeightRecorder:
    """Copy a model's weights and biases every few epochs of training.

    Pass an instance as ``callback`` to :func:`nnlearn.training.fit`, which
    calls it as ``recorder(epoch, model, history)`` after every epoch; it
    records epochs ``every, 2 * every, ...`` and never asks to stop. Call
    :meth:`record` yourself to add the state before training (epoch 0).

    Parameters
    ----------
    every : int, default 1
        Record every ``every``-th epoch.

    Attributes
    ----------
    epochs : list of int
    weights, biases : list of list of ndarray
        ``weights[i][l - 1]`` is a copy of :math:`W^{(l)}` at ``epochs[i]``.
    losses : list of float
        The training loss ``fit`` reported for that epoch (the loss given to
        :meth:`record` for manual entries).
    """

    def __init__(self, every: int = 1) -> None:
        self.every = check_scalar(every, "every", low=1, integer=True)
        self.epochs: list[int] = []
        self.weights: list[list[np.ndarray]] = []
        self.biases: list[list[np.ndarray]] = []
        self.losses: list[float] = []

    def record(self, epoch: int, model: MLP, loss: float) -> None:
        """Copy ``W`` and ``b`` of every Dense layer of ``model``."""
        epoch = check_scalar(epoch, "epoch", low=0, integer=True)
        loss = check_scalar(loss, "loss")
        if not hasattr(model, "dense_layers"):
            raise TypeError("model must be an nnlearn.network.MLP, got "
                            f"{type(model).__name__}")
        self.epochs.append(epoch)
        self.weights.append([layer.W.copy() for layer in model.dense_layers])
        self.biases.append([layer.b.copy() for layer in model.dense_layers])
        self.losses.append(loss)

    def __call__(self, epoch: int, model: MLP, history) -> bool:
        if epoch % self.every == 0:
            self.record(epoch, model, history.loss[-1])
        return False

    def __len__(self) -> int:
        return len(self.epochs)
