r"""A small reverse-mode automatic differentiation engine over NumPy.

A :class:`Tensor` wraps an array. Every operation on tensors returns a new
tensor that remembers its inputs (its *parents*) and its **vector-Jacobian
product** (VJP): a function that turns
:math:`\bar{\mathbf{O}} = \partial L/\partial \mathbf{O}`, the gradient of a
scalar :math:`L` with respect to the output :math:`\mathbf{O}`, into
:math:`\bar{\mathbf{M}} = \partial L/\partial \mathbf{M}` for every input
(operand) :math:`\mathbf{M}`, without ever forming the Jacobian
:math:`\partial \mathbf{O}/\partial \mathbf{M}`. :meth:`Tensor.backward` walks the
recorded graph once, from the output back to the inputs in reverse
topological order, and adds the gradients into ``.grad``.

Conventions (shapes follow NumPy):

- a VJP returns arrays of its inputs' shapes; when the forward pass
  broadcast an input, the VJP sums the gradient back (:func:`unbroadcast`);
- gradients *accumulate*: a second ``backward`` adds to ``.grad`` until it is
  cleared with :meth:`Tensor.zero_grad` or ``t.grad = None`` (as in PyTorch);
- every tensor of the graph keeps its gradient (PyTorch keeps only the
  leaves' unless asked with ``retain_grad``);
- dtypes follow the data: float32 in, float32 gradients out; integer data
  becomes float64. A float array passed to :class:`Tensor` is shared, not
  copied, so in-place updates of it (by an optimizer) are seen by the tensor.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

from nnlearn._checks import as_float_array
from nnlearn.activations import log_softmax, sigmoid

__all__ = ["Tensor", "cross_entropy", "forward_mode_gradient", "jacobian", "mlp",
           "reverse_mode_gradient", "topological_order", "unbroadcast"]

VJP = Callable[[np.ndarray], tuple["np.ndarray | None", ...]]


def _as_data(x, name: str) -> np.ndarray:
    """``x`` as a floating array (shared if it already is one); TypeError otherwise."""
    if isinstance(x, Tensor):
        raise TypeError(f"{name} must be an array or a number, got a Tensor "
                        f"(use {name}.data for its array)")
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array or a number, got {type(x).__name__}")
    return as_float_array(x, name, allow_nonfinite=True)


def _lift(x, name: str, like: Tensor) -> Tensor:
    """A Tensor as is; a number or an array as a constant Tensor.

    A number gets ``like``'s dtype (float32 stays float32).
    """
    if isinstance(x, Tensor):
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        # float32 stays float32
        return Tensor(np.asarray(x, dtype=like.data.dtype))
    if isinstance(x, (np.ndarray, list, tuple)):
        return Tensor(_as_data(x, name))
    raise TypeError(f"{name} must be a Tensor, an array or a number, "
                    f"got {type(x).__name__}")


def _node(data: np.ndarray, parents: tuple[Tensor, ...], vjp: VJP,
          op: str) -> Tensor:
    """The result of an operation, with its parents and VJP if needed.

    The parents and the VJP are recorded only if a parent needs a gradient.
    """
    out = Tensor(data)
    if any(p.requires_grad for p in parents):
        out.requires_grad = True
        out.parents, out.vjp, out.op = parents, vjp, op
    return out


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` over the axes broadcasting added or stretched.

    The result has shape ``shape``.

    If ``x`` of shape ``shape`` was broadcast to ``grad.shape`` in the forward
    pass, each of its entries was used once per copy, so its gradient is the
    sum over the copies: leading axes are summed away, axes of length 1 in
    ``shape`` are summed with ``keepdims``.
    """
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape)
                      if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def topological_order(root: Tensor, constants: bool = False) -> list[Tensor]:
    """Every tensor that ``root`` depends on, inputs first.

    Only edges to parents that need a gradient are followed (see
    ``constants``).

    An iterative depth-first search (no recursion limit): a tensor is listed
    after all of its parents, so the reversed list visits each tensor only
    after every tensor that used it. ``constants=True`` also lists the
    tensors that need no gradient (to draw the whole graph).
    """
    order: list[Tensor] = []
    seen = {id(root)}
    stack = [(root, iter(root.parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if ((parent.requires_grad or constants)
                    and id(parent) not in seen):
                seen.add(id(parent))
                stack.append((parent, iter(parent.parents)))
                break
        else:                         # all parents listed: list the node
            stack.pop()
            order.append(node)
    return order


class Tensor:
    """An array that records the operations applied to it, for :meth:`backward`.

    Parameters
    ----------
    data : array_like or number
        The values; floating arrays keep their dtype and are not copied.
    requires_grad : bool, default False
        Whether ``backward`` computes ``.grad`` for this tensor.

    Attributes
    ----------
    data : ndarray
    grad : ndarray or None
        :math:`\\partial L/\\partial` ``data`` summed over all ``backward`` calls
        since it was last cleared; same shape and dtype as ``data``.
    parents : tuple of Tensor
        The inputs of the operation that made this tensor (empty for a leaf).
    vjp : callable or None
        Maps the output gradient to one gradient (or None) per parent.
    op : str
        Name of that operation, e.g. ``"@"`` (empty for a leaf).
    """

    __array_ufunc__ = None            # ndarray + Tensor calls Tensor.__radd__

    def __init__(self, data, requires_grad: bool = False) -> None:
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"requires_grad must be True or False, got {requires_grad!r}")
        self.data = _as_data(data, "data")
        self.requires_grad = bool(requires_grad)
        self.grad: np.ndarray | None = None
        self.parents: tuple[Tensor, ...] = ()
        self.vjp: VJP | None = None
        self.op = ""

    # -- description -------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of ``data``."""
        return self.data.shape

    @property
    def ndim(self) -> int:
        """Number of axes of ``data``."""
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        """Dtype of ``data`` (and of ``grad``)."""
        return self.data.dtype

    def item(self) -> float:
        """The value of a one-element tensor as a Python float."""
        return self.data.item()

    def __repr__(self) -> str:
        grad = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({np.array2string(self.data, precision=4)}{grad})"

    # -- the backward pass ---------------------------------------------------

    def zero_grad(self) -> None:
        """Clear the accumulated gradient (``.grad = None``)."""
        self.grad = None

    def backward(self, grad=None) -> None:
        r"""Accumulate the gradient of ``self`` in every ``.grad``.

        For every tensor of ``self``'s graph, the gradient of ``self`` with
        respect to that tensor is added to its ``.grad``.

        Parameters
        ----------
        grad : array_like, optional
            :math:`\partial L/\partial \text{self}`, shape ``self.shape``. May
            be omitted only for a one-element tensor (then it is 1).
        """
        if not self.requires_grad:
            raise RuntimeError("backward() needs a tensor that depends on "
                               "a tensor with requires_grad=True")
        if grad is None:
            if self.data.size != 1:
                raise ValueError("backward() without grad needs a "
                                 "one-element (scalar) tensor, got shape "
                                 f"{self.shape}; pass grad= an array of "
                                 f"shape {self.shape}")
            grad = np.ones_like(self.data)
        grad = _as_data(grad, "grad").astype(self.dtype, copy=False)
        if grad.shape != self.shape:
            raise ValueError("grad must have the tensor's shape "
                             f"{self.shape}, got {grad.shape}")
        grads = {id(self): grad}      # gradients of this pass, by tensor
        for node in reversed(topological_order(self)):
            g = grads.pop(id(node))
            node.grad = g if node.grad is None else node.grad + g
            if node.vjp is None:      # a leaf
                continue
            for parent, pg in zip(node.parents, node.vjp(g), strict=True):
                if parent.requires_grad:
                    key = id(parent)
                    grads[key] = pg if key not in grads else grads[key] + pg

    # -- elementwise arithmetic with broadcasting ---------------------------

    def __add__(self, other) -> Tensor:
        """Sum. VJP: both operands get the upstream gradient ``g``, each summed back."""
        m1, m2 = self, _lift(other, "other", self)

        def vjp(g):
            return (unbroadcast(g, m1.shape) if m1.requires_grad else None,
                    unbroadcast(g, m2.shape) if m2.requires_grad else None)
        return _node(m1.data + m2.data, (m1, m2), vjp, "+")

    def __radd__(self, other) -> Tensor:
        return _lift(other, "other", self) + self

    def __neg__(self) -> Tensor:
        """Negation. VJP: ``-g``."""
        return _node(-self.data, (self,), lambda g: (-g,), "neg")

    def __sub__(self, other) -> Tensor:
        """Difference. VJP: ``g`` and ``-g``, each summed back."""
        m1, m2 = self, _lift(other, "other", self)

        def vjp(g):
            return (unbroadcast(g, m1.shape) if m1.requires_grad else None,
                    unbroadcast(-g, m2.shape) if m2.requires_grad else None)
        return _node(m1.data - m2.data, (m1, m2), vjp, "-")

    def __rsub__(self, other) -> Tensor:
        return _lift(other, "other", self) - self

    def __mul__(self, other) -> Tensor:
        """Product. VJP: ``g * m2``, ``g * m1``.

        The VJP of each operand is the upstream gradient ``g`` times the
        other operand.
        """
        m1, m2 = self, _lift(other, "other", self)

        def vjp(g):
            return (unbroadcast(g * m2.data, m1.shape)
                    if m1.requires_grad else None,
                    unbroadcast(g * m1.data, m2.shape)
                    if m2.requires_grad else None)
        return _node(m1.data * m2.data, (m1, m2), vjp, "*")

    def __rmul__(self, other) -> Tensor:
        return _lift(other, "other", self) * self

    def __truediv__(self, other) -> Tensor:
        """Quotient. VJP: ``g / m2`` and ``-g * m1 / m2**2``, each summed back."""
        m1, m2 = self, _lift(other, "other", self)

        def vjp(g):
            return (unbroadcast(g / m2.data, m1.shape) if m1.requires_grad else None,
                    unbroadcast(-g * m1.data / m2.data**2, m2.shape) if m2.requires_grad else None)
        return _node(m1.data / m2.data, (m1, m2), vjp, "/")

    def __rtruediv__(self, other) -> Tensor:
        return _lift(other, "other", self) / self

    def __pow__(self, exponent) -> Tensor:
        """Power with a constant exponent. VJP: ``g * exponent * m**(exponent - 1)``."""
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            raise TypeError(f"exponent must be a number (a constant), got "
                            f"{type(exponent).__name__}")
        m = self
        return _node(m.data**exponent, (m,),
                     lambda g: (g * exponent * m.data**(exponent - 1),), f"**{exponent:g}")

    # -- matrices and shapes ---------------------------------------------------

    def __matmul__(self, other) -> Tensor:
        r"""Matrix product ``m1 @ m2`` of 2-D tensors.

        Shapes ``(m, k) @ (k, n) -> (m, n)``.

        VJP: :math:`\bar{\mathbf{M}}_1 = \bar{\mathbf{O}} \mathbf{M}_2^\top` ``(m, k)``,
        :math:`\bar{\mathbf{M}}_2 = \mathbf{M}_1^\top \bar{\mathbf{O}}` ``(k, n)``, for
        :math:`\mathbf{O} = \mathbf{M}_1 \mathbf{M}_2`.
        """
        m1, m2 = self, _lift(other, "other", self)
        if m1.ndim != 2 or m2.ndim != 2 or m1.shape[1] != m2.shape[0]:
            raise ValueError("matmul needs 2-D operands (m, k) and "
                             f"(k, n), got shapes {m1.shape} and {m2.shape}")

        def vjp(g):
            return (g @ m2.data.T if m1.requires_grad else None,
                    m1.data.T @ g if m2.requires_grad else None)
        return _node(m1.data @ m2.data, (m1, m2), vjp, "@")

    def __rmatmul__(self, other) -> Tensor:
        return _lift(other, "other", self) @ self

    @property
    def T(self) -> Tensor:
        """Transpose (all axes reversed). VJP: ``g.T``.

        The VJP copies ``g.T`` into row-major order: an optimizer
        then sweeps the gradient of ``W`` in ``a @ W.T`` at full speed.
        """
        return _node(self.data.T, (self,), lambda g: (np.ascontiguousarray(g.T),), "T")

    def reshape(self, *shape) -> Tensor:
        """Same values in a new shape. VJP: ``g`` reshaped back to ``self.shape``."""
        old = self.shape
        return _node(self.data.reshape(*shape), (self,), lambda g: (g.reshape(old),), "reshape")

    def __getitem__(self, index) -> Tensor:
        """``self[index]`` (NumPy indexing). VJP: ``g`` added into zeros at ``index``.

        ``np.add.at`` adds, so an entry picked twice gets both gradients.
        """
        if isinstance(index, Tensor) or (isinstance(index, tuple)
                                         and any(isinstance(i, Tensor) for i in index)):
            raise TypeError("index must be ints, slices or arrays, got a Tensor")
        x = self

        def vjp(g):
            full = np.zeros_like(x.data)
            np.add.at(full, index, g)
            return (full,)
        return _node(x.data[index], (x,), vjp, "index")

    # -- reductions --------------------------------------------------------------

    def sum(self, axis=None, keepdims: bool = False) -> Tensor:
        r"""Sum over ``axis`` (all axes if None).

        VJP: every summed entry gets ``g``, broadcast back to ``self.shape``.
        """
        x = self

        def vjp(g):
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)               # put the summed axes back
            return (np.broadcast_to(g, x.shape).copy(),)
        return _node(x.data.sum(axis=axis, keepdims=keepdims), (x,), vjp, "sum")

    def mean(self, axis=None, keepdims: bool = False) -> Tensor:
        r"""Mean over ``axis``: the sum times :math:`1/n`, :math:`n` entries averaged."""
        total = self.sum(axis, keepdims)
        return total * (total.data.size / self.data.size)

    # -- elementwise functions ----------------------------------------------------

    def exp(self) -> Tensor:
        """Exponential. VJP: ``g * out``, ``out`` the result."""
        out = np.exp(self.data)
        return _node(out, (self,), lambda g: (g * out,), "exp")

    def log(self) -> Tensor:
        """Natural logarithm. VJP: ``g / m``, ``m`` the input."""
        m = self.data
        return _node(np.log(m), (self,), lambda g: (g / m,), "log")

    def tanh(self) -> Tensor:
        """Hyperbolic tangent. VJP: ``g * (1 - out**2)``, ``out`` the result."""
        out = np.tanh(self.data)
        return _node(out, (self,), lambda g: (g * (1 - out * out),), "tanh")

    def sigmoid(self) -> Tensor:
        """Logistic sigmoid 1 / (1 + exp(-m)). VJP: ``g * out * (1 - out)``."""
        out = sigmoid(self.data)
        return _node(out, (self,), lambda g: (g * out * (1 - out),), "sigmoid")

    def relu(self) -> Tensor:
        """ReLU, max(m, 0). VJP: ``g * (m > 0)``."""
        m = self.data
        return _node(np.maximum(m, 0), (self,), lambda g: (g * (m > 0),), "relu")


def cross_entropy(logits, labels) -> Tensor:
    r"""Mean softmax cross-entropy of ``logits`` ``(B, C)`` and integer ``labels`` ``(B,)``.

    Forward: :math:`L = -\frac1B\sum_i \ln p^{(i)}_{y^{(i)}}` with the stable
    :math:`\ln p^{(i)}_k = z^{(i)}_k - \ln\sum_j e^{z^{(i)}_j}`. VJP:
    :math:`\bar Z = \bar L\,(P - Y)/B`, :math:`P` the softmax and :math:`Y`
    the one-hot labels, shape ``(B, C)``.
    """
    z = logits if isinstance(logits, Tensor) else Tensor(_as_data(logits, "logits"))
    if z.ndim != 2 or z.shape[0] == 0:
        raise ValueError(f"logits must have shape (B, C) with B >= 1, got {z.shape}")
    y = np.asarray(labels)
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"labels must be integer class indices, got dtype {y.dtype}")
    batch, n_classes = z.shape
    if y.shape != (batch,):
        raise ValueError(f"labels must have shape ({batch},) to match logits {z.shape}, "
                         f"got {y.shape}")
    if y.min() < 0 or y.max() >= n_classes:
        raise ValueError(f"labels must be in [0, {n_classes - 1}], got values from "
                         f"{y.min()} to {y.max()}")
    rows = np.arange(batch)
    logp = log_softmax(z.data, axis=1)

    def vjp(g):
        grad = np.exp(logp)                                  # P
        grad[rows, y] -= 1                                   # P - Y
        return (grad * (g / batch),)
    return _node(-logp[rows, y].mean(), (z,), vjp, "cross_entropy")


def mlp(params: list[Tensor], x, activation: str = "relu") -> Tensor:
    r"""The forward pass of ``nnlearn.network.MLP``, in tensor operations.

    ``params = [W1, b1, W2, b2, ...]`` with ``W`` of shape ``(n_out, n_in)``;
    every layer computes ``a @ W.T + b``, and every layer but the last applies
    ``activation`` (``"relu"``, ``"tanh"`` or ``"sigmoid"``). Returns the
    logits, shape ``(B, n_L)``.
    """
    functions = {"relu": Tensor.relu, "tanh": Tensor.tanh,
                 "sigmoid": Tensor.sigmoid}
    if activation not in functions:
        raise ValueError("activation must be 'relu', 'tanh' or 'sigmoid', "
                         f"got {activation!r}")
    if len(params) % 2 or not params:
        raise ValueError("params must be [W1, b1, W2, b2, ...], got "
                         f"{len(params)} tensors")
    a = x
    for i in range(0, len(params), 2):
        a = a @ params[i].T + params[i + 1]
        if i + 2 < len(params):
            a = functions[activation](a)
    return a


def jacobian(f: Callable[[Tensor], Tensor], x) -> np.ndarray:
    r"""The full Jacobian of ``f`` at ``x``, by backward passes.

    One backward pass per output entry.

    Row :math:`k` is the VJP of the one-hot vector :math:`e_k`:
    :math:`e_k^\top J`. Shape ``(f(x).size, x.size)`` (both flattened).
    Shows what reverse mode avoids: training needs one VJP, not all rows.
    """
    if not callable(f):
        raise TypeError("f must be a function of a Tensor, got "
                        f"{type(f).__name__}")
    t = Tensor(np.array(_as_data(x, "x")), requires_grad=True)
    out = f(t)
    if not isinstance(out, Tensor):
        raise TypeError(f"f must return a Tensor, got {type(out).__name__}")
    rows = []
    for k in range(out.data.size):
        seed = np.zeros(out.data.size, dtype=out.dtype)
        seed[k] = 1
        t.grad = None
        out.backward(seed.reshape(out.shape))
        rows.append(t.grad.reshape(-1))
    return np.stack(rows)


def _check_chain(jacobians, seed) -> tuple[list[np.ndarray], np.ndarray]:
    mats = [as_float_array(J, f"jacobians[{i}]", ndim=2) for i, J in enumerate(jacobians)]
    if not mats:
        raise ValueError("jacobians must hold at least one matrix")
    for i in range(1, len(mats)):
        if mats[i].shape[1] != mats[i - 1].shape[0]:
            raise ValueError(f"jacobians[{i}] has shape {mats[i].shape} but jacobians[{i - 1}] "
                             f"has shape {mats[i - 1].shape}: the chain does not fit")
    g = as_float_array(seed, "seed", ndim=1)
    if g.shape[0] != mats[-1].shape[0]:
        raise ValueError(f"seed must have length {mats[-1].shape[0]}, got {g.shape[0]}")
    return mats, g


def forward_mode_gradient(jacobians, seed) -> np.ndarray:
    r"""Gradient of a loss of a chain of functions by forward mode.

    Forward mode works from the input to the output.

    ``jacobians[l - 1]`` is :math:`\mathbf{J}_l = \partial f_l/\partial(\text{its input})`,
    shape ``(n_l, n_{l-1})``, for :math:`l = 1, \dots, D`; ``seed`` is
    :math:`\mathbf{g} = \partial L/\partial f_D`, shape ``(n_D,)``. Forward mode
    pushes one tangent per input direction, the :math:`n_0` columns of the
    identity, through the running product :math:`\mathbf{J}_l \cdots \mathbf{J}_1`,
    shape ``(n_l, n_0)``: about :math:`\sum_l n_l n_{l-1} n_0` multiplications.
    Returns ``seed @ tangents``, shape ``(n_0,)``.
    """
    mats, g = _check_chain(jacobians, seed)
    tangents = np.eye(mats[0].shape[1], dtype=g.dtype)
    for J in mats:
        tangents = J @ tangents                  # (n_l, n_0)
    return g @ tangents


def reverse_mode_gradient(jacobians, seed) -> np.ndarray:
    r"""The same gradient by reverse mode, from the output back.

    One row vector is pulled back from the output to the input.

    :math:`\mathbf{g}^\top \leftarrow \mathbf{g}^\top \mathbf{J}_l` for
    :math:`l = D, \dots, 1`, starting from ``seed``: about
    :math:`\sum_l n_l n_{l-1}` multiplications, whatever :math:`n_0`. Returns
    :math:`\mathbf{g}`, shape ``(n_0,)``.
    """
    mats, g = _check_chain(jacobians, seed)
    for J in reversed(mats):
        g = g @ J                                # (n_{l-1},)
    return g
