r"""Layers and the multilayer perceptron: forward pass and backpropagation.

Rows are samples. For a batch :math:`A^{(0)} = X` of shape ``(B, n_0)`` and
layers :math:`l = 1, \dots, D` (:math:`D` is the depth; :math:`L` is the
loss), the forward pass is

.. math::

    Z^{(l)} = A^{(l-1)} W^{(l)\top} + b^{(l)}, \qquad
    A^{(l)} = f(Z^{(l)})

with :math:`W^{(l)}` of shape ``(n_l, n_{l-1})`` (like
``torch.nn.Linear.weight``) and :math:`b^{(l)}` of shape ``(n_l,)``. The
last layer has no activation: the network returns :math:`Z^{(D)}` (the
prediction for regression, the *logits* for classification; the loss is
applied to the logits separately).

Backpropagation starts from :math:`\Delta^{(D)} = \partial L / \partial Z^{(D)}`,
given by the loss, and repeats for :math:`l = D, \dots, 1`:

.. math::

    \frac{\partial L}{\partial W^{(l)}} = \Delta^{(l)\top} A^{(l-1)}, \qquad
    \frac{\partial L}{\partial b^{(l)}} = \sum_{\text{rows}} \Delta^{(l)}, \qquad
    \frac{\partial L}{\partial A^{(l-1)}} = \Delta^{(l)} W^{(l)}, \qquad
    \Delta^{(l-1)} = \frac{\partial L}{\partial A^{(l-1)}} \odot f'(Z^{(l-1)})

Each line is one matrix product over the whole batch (no loop over samples).
:class:`Dense` does the first three, an :class:`Activation` layer the last.

Every layer has ``forward(x, training=False)`` and ``backward(grad_out)``;
``forward`` caches what ``backward`` needs, so call them in that order.
``backward`` *overwrites* the gradients (it does not add to them as PyTorch
does). Inputs must be 2-D ``(n_samples, n_features)``: a single sample is
rejected with a hint to pass ``x.reshape(1, -1)``. :meth:`MLP.forward` rejects
NaN or infinite input; past that check, inside the network, the layers do not
scan their arrays again (NaN from a diverging run flows on to the loss, where
the training loop reports it).

Dtypes: a model holds its parameters in one floating dtype (``dtype=``,
float64 by default) and computes in it, so a float32 model takes float32
input and returns float32 outputs and gradients. Integer input is converted
to the model's dtype; floating input of another precision raises
``TypeError`` (no silent up- or down-casting).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from nnlearn._checks import (
    all_finite,
    as_float_array,
    check_batch,
    check_bool,
    check_choice,
    check_dtype,
    check_grad_out,
    check_layer_sizes,
    check_rng,
    check_scalar,
)
from nnlearn.activations import ACTIVATIONS, OUTPUT_ACTIVATIONS, sigmoid, softmax
from nnlearn.init import INITIALIZERS, zeros

__all__ = [
    "HIDDEN_ACTIVATIONS",
    "OUTPUTS",
    "MLP",
    "Activation",
    "BatchNorm",
    "Dense",
    "Dropout",
    "Identity",
    "Layer",
    "LeakyReLU",
    "ReLU",
    "Sigmoid",
    "Tanh",
]

HIDDEN_ACTIVATIONS = tuple(ACTIVATIONS)
"""Names accepted for hidden-layer activations (keys of ``activations.ACTIVATIONS``)."""

OUTPUTS = tuple(OUTPUT_ACTIVATIONS)
"""Names accepted for :class:`MLP`'s ``output`` (``None`` means ``"identity"``)."""


# ----------------------------------------------------------------------------
# Input checks
# ----------------------------------------------------------------------------

def _get_initializer(init) -> Callable[..., np.ndarray]:
    if callable(init):
        return init
    if not isinstance(init, str):
        raise TypeError(f"init must be a name or a callable, got {type(init).__name__}")
    check_choice(init, "init", INITIALIZERS)
    return INITIALIZERS[init]


# ----------------------------------------------------------------------------
# Layers
# ----------------------------------------------------------------------------

class Layer:
    """Base class of all layers.

    A layer maps a batch forward with ``forward(x, training=False)`` and a
    gradient backward with ``backward(grad_out)``, where ``grad_out`` is
    :math:`\\partial L / \\partial \\text{output}` and the return value is
    :math:`\\partial L / \\partial x`. ``params`` and ``grads`` are parallel
    lists of arrays (empty for layers without parameters).
    """

    def forward(self, x, training: bool = False) -> np.ndarray:
        """Map a batch ``x`` of shape ``(B, n_in)`` to the layer's output ``(B, n_out)``."""
        raise NotImplementedError

    def backward(self, grad_out) -> np.ndarray:
        """Take dL/d(output) ``(B, n_out)``, store parameter gradients, return dL/dx."""
        raise NotImplementedError

    @property
    def params(self) -> list[np.ndarray]:
        """Parameter arrays (the layer's own objects, so in-place updates stick)."""
        return []

    @property
    def grads(self) -> list[np.ndarray]:
        """Gradients from the last ``backward``, parallel to ``params``."""
        return []


class Dense(Layer):
    r"""Fully connected layer :math:`Z = A W^\top + b`.

    Parameters
    ----------
    n_in, n_out : int
        Input and output widths (>= 1).
    init : str or callable, default "he"
        Weight initializer: a name in :data:`nnlearn.init.INITIALIZERS` or a
        function ``f(shape, rng, *, dtype)``. The bias starts at zero.
    rng : numpy.random.Generator, int or None
        Random source for the initializer.
    dtype : floating dtype, default float64
        Dtype of the parameters and of all computations.

    Attributes
    ----------
    W : ndarray, shape (n_out, n_in)
    b : ndarray, shape (n_out,)
    dW, db : ndarray
        Gradients :math:`\partial L/\partial W`, :math:`\partial L/\partial b`
        from the last ``backward``.
    a_prev, z : ndarray
        Input ``(B, n_in)`` and output ``(B, n_out)`` of the last ``forward``.
    delta : ndarray, shape (B, n_out)
        :math:`\Delta = \partial L / \partial Z` from the last ``backward``.
    """

    def __init__(self, n_in: int, n_out: int, *, init="he", rng=None,
                 dtype=np.float64) -> None:
        self.n_in = check_scalar(n_in, "n_in", low=1, integer=True)
        self.n_out = check_scalar(n_out, "n_out", low=1, integer=True)
        self.dtype = check_dtype(dtype)
        init_fn = _get_initializer(init)
        W = np.asarray(init_fn((self.n_out, self.n_in), check_rng(rng), dtype=self.dtype))
        if W.shape != (self.n_out, self.n_in):
            raise ValueError(f"init must return shape {(self.n_out, self.n_in)}, got {W.shape}")
        self.W = W.astype(self.dtype, copy=False)
        self.b = zeros(self.n_out, dtype=self.dtype)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self.a_prev: np.ndarray | None = None
        self.z: np.ndarray | None = None
        self.delta: np.ndarray | None = None

    def forward(self, x, training: bool = False) -> np.ndarray:
        r"""Return ``Z = A_prev @ W.T + b``, shape ``(B, n_out)``.

        ``x`` (that is :math:`A_\mathrm{prev}`) has shape ``(B, n_in)``; it is
        cached because :math:`\partial L/\partial W` needs it.
        """
        check_bool(training, "training")
        self.a_prev = check_batch(x, "x", self.n_in, self.dtype, finite=False)
        self.z = self.a_prev @ self.W.T + self.b
        return self.z

    def backward(self, grad_out, input_grad: bool = True) -> np.ndarray | None:
        r"""Store ``dW``, ``db`` and ``delta``; return the input's gradient.

        That gradient is the ``grad_out`` of the layer below.

        ``grad_out`` is :math:`\Delta = \partial L / \partial Z`, shape ``(B, n_out)``.
        With ``input_grad=False`` the (often largest) product
        :math:`\Delta W` is skipped and None is returned; the first layer of a
        network being trained needs no gradient for its input.
        """
        delta = check_grad_out(grad_out, self.z, self.dtype)  # shape, dtype
        self.delta = delta               # delta = dL/dZ,           (B, n_out)
        self.dW = delta.T @ self.a_prev  # dL/dW = delta^T A_prev,  (n_out, n_in)
        self.db = delta.sum(axis=0)      # dL/db = sum of rows,     (n_out,)
        if not check_bool(input_grad, "input_grad"):
            return None
        return delta @ self.W            # dL/dA_prev = delta W,    (B, n_in)

    @property
    def params(self) -> list[np.ndarray]:
        return [self.W, self.b]

    @property
    def grads(self) -> list[np.ndarray]:
        return [self.dW, self.db]

    def __repr__(self) -> str:
        return f"Dense(n_in={self.n_in}, n_out={self.n_out}, dtype={self.dtype})"


class Activation(Layer):
    r"""Elementwise activation :math:`A = f(Z)` with backward :math:`\Delta = G \odot f'(Z)`.

    Parameters
    ----------
    name : {"sigmoid", "tanh", "relu", "leaky_relu", "identity"}, default "relu"
        The function, from :data:`nnlearn.activations.ACTIVATIONS`.
        ``relu`` uses :math:`\mathrm{ReLU}'(0) = 0`.
    negative_slope : float, default 0.01
        Slope for negative inputs, used only by ``"leaky_relu"``.

    Attributes
    ----------
    z : ndarray
        The input of the last ``forward`` (needed for :math:`f'(Z)`).
    """

    def __init__(self, name: str = "relu", negative_slope: float = 0.01) -> None:
        self.name = check_choice(name, "name", HIDDEN_ACTIVATIONS)
        self.negative_slope = check_scalar(negative_slope, "negative_slope")
        self.f, self.f_grad = ACTIVATIONS[name]
        self.z: np.ndarray | None = None

    def _apply(self, fn: Callable[..., np.ndarray], z: np.ndarray) -> np.ndarray:
        try:
            if self.name == "leaky_relu":
                return fn(z, self.negative_slope)
            return fn(z)
        except ValueError:                # fn refuses NaN and infinity
            if all_finite(z):
                raise
            return self._apply_nonfinite(fn, z)

    def _apply_nonfinite(self, fn: Callable[..., np.ndarray],
                         z: np.ndarray) -> np.ndarray:
        r"""``fn(z)`` for a ``z`` with NaN or infinity (a diverging run).

        The functions of :mod:`nnlearn.activations` refuse such input, so the
        finite entries go through ``fn``, NaN stays NaN, and :math:`\pm\infty`
        gets the limit of ``fn``: every activation here is constant or linear
        far out, so the limit is ``fn`` at the largest float :math:`M` if ``fn``
        is flat there (``fn(M) == fn(M/2)``), else infinity with the sign of its slope.
        """
        finite = np.isfinite(z)
        out = np.full_like(z, np.nan)
        out[finite] = self._apply(fn, z[finite])
        big = np.finfo(z.dtype).max
        for sign in (1.0, -1.0):
            with np.errstate(over="ignore"):
                pair = np.array([sign * big, sign * big / 2], dtype=z.dtype)
                far, half = self._apply(fn, pair)
            limit = far if far == half else np.copysign(np.inf, far - half)
            out[z == sign * np.inf] = limit
        return out

    def forward(self, x, training: bool = False) -> np.ndarray:
        """Return ``f(x)`` (same shape and dtype), caching ``x``."""
        check_bool(training, "training")
        self.z = as_float_array(x, "x", allow_nonfinite=True)
        return self._apply(self.f, self.z)

    def backward(self, grad_out) -> np.ndarray:
        """Return the gradient for ``z``: ``grad_out * f'(z)`` entrywise."""
        dtype = None if self.z is None else self.z.dtype
        grad = check_grad_out(grad_out, self.z, dtype)
        return grad * self._apply(self.f_grad, self.z)   # delta = dL/dA * f'(Z)

    def __repr__(self) -> str:
        if self.name == "leaky_relu":
            return f"Activation('leaky_relu', negative_slope={self.negative_slope})"
        return f"Activation({self.name!r})"


class Sigmoid(Activation):
    """Sigmoid layer, :math:`\\sigma(z) = 1/(1 + e^{-z})`."""

    def __init__(self) -> None:
        super().__init__("sigmoid")


class Tanh(Activation):
    """Hyperbolic tangent layer."""

    def __init__(self) -> None:
        super().__init__("tanh")


class ReLU(Activation):
    """ReLU layer, :math:`\\max(z, 0)`, with :math:`\\mathrm{ReLU}'(0) = 0`."""

    def __init__(self) -> None:
        super().__init__("relu")


class LeakyReLU(Activation):
    """Leaky ReLU layer: :math:`z` for :math:`z > 0`, ``negative_slope * z`` otherwise."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__("leaky_relu", negative_slope)


class Identity(Activation):
    """Identity layer (a linear unit)."""

    def __init__(self) -> None:
        super().__init__("identity")


class Dropout(Layer):
    r"""Inverted dropout on activations.

    In training mode each entry :math:`a` of ``x`` is, independently of the
    others, set to 0 with probability :math:`p` and divided by :math:`1 - p`
    otherwise:

    .. math:: \tilde a = \begin{cases} 0 & \text{with probability } p,\\
              a / (1 - p) & \text{with probability } 1 - p, \end{cases}

    so :math:`\mathbb{E}[\tilde a] = a` and nothing needs rescaling at
    evaluation, where the layer is the identity. The factors, 0 or
    :math:`1/(1-p)`, form the (scaled) ``mask``, drawn afresh at every training
    forward; ``backward`` multiplies by the same mask
    (:math:`\partial L/\partial a = \partial L/\partial \tilde a` times the
    factor of that entry). Units are masked, not weights, and no unit is ever
    forced back on.

    Parameters
    ----------
    p : float in [0, 1)
        Probability of dropping an entry.
    rng : numpy.random.Generator, int or None
        Random source for the masks (same seed, same masks).

    Attributes
    ----------
    mask : ndarray or None
        The factors of the last forward, 0 for a dropped entry and
        :math:`1/(1-p)` for a kept one (None in evaluation mode).
    """

    def __init__(self, p: float, rng=None) -> None:
        self.p = check_scalar(p, "p", low=0.0, high=1.0, high_inclusive=False)
        self.rng = check_rng(rng)
        self.mask: np.ndarray | None = None
        self._out_shape: tuple[int, ...] | None = None

    def forward(self, x, training: bool = False) -> np.ndarray:
        """Return x * mask in training mode, x unchanged otherwise."""
        training = check_bool(training, "training")
        x = as_float_array(x, "x")
        self._out_shape = x.shape
        if not training or self.p == 0.0:
            self.mask = None
            return x
        keep = self.rng.random(x.shape) >= self.p
        self.mask = keep.astype(x.dtype) / x.dtype.type(1.0 - self.p)
        return x * self.mask

    def backward(self, grad_out) -> np.ndarray:
        """Return grad_out * mask, with the same mask as the forward pass."""
        grad = check_grad_out(grad_out, self._out_shape, None)
        return grad if self.mask is None else grad * self.mask

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"


class BatchNorm(Layer):
    r"""Batch normalization of each feature over the batch, like ``torch.nn.BatchNorm1d``.

    In training mode each column :math:`j` of ``x`` ``(B, n)`` (row :math:`i` is
    :math:`x^{(i)}`) is normalised
    with the mean and the *biased* variance of the batch, then scaled and
    shifted by learned :math:`\gamma_j, \beta_j`:

    .. math:: \bar{x} = \frac1B\sum_i x^{(i)}, \quad
              s^2 = \frac1B\sum_i (x^{(i)} - \bar{x})^2, \quad
              s_\epsilon = \sqrt{s^2 + \epsilon}, \quad
              \hat x^{(i)} = \frac{x^{(i)} - \bar{x}}{s_\epsilon}, \quad
              x'^{(i)} = \gamma \odot \hat x^{(i)} + \beta.

    The running statistics move towards the batch's, with the *unbiased*
    variance, with the averaging factor :math:`\rho = 1 - \text{momentum}`:
    :math:`\bar{x}_{\text{run}} \leftarrow \rho\, \bar{x}_{\text{run}} + (1 - \rho)\,\bar{x}`,
    :math:`s^2_{\text{run}} \leftarrow \rho\, s^2_{\text{run}} + (1 - \rho)\,\frac{B}{B-1}s^2`.
    In evaluation mode they replace :math:`\bar{x}, s^2` and nothing is updated.

    Parameters
    ----------
    n_features : int
        Number of columns :math:`n`.
    momentum : float in [0, 1], default 0.1
        Weight of the new batch in the running statistics.
    eps : float > 0, default 1e-5
        Added to the variance before the square root.
    dtype : floating dtype, default float64

    Attributes
    ----------
    gamma, beta : ndarray, shape (n,)
        Scale (starts at 1) and shift (starts at 0).
    dgamma, dbeta : ndarray, shape (n,)
        Their gradients from the last ``backward``.
    running_mean, running_var : ndarray, shape (n,)
        Start at 0 and 1.
    """

    def __init__(self, n_features: int, *, momentum: float = 0.1, eps: float = 1e-5,
                 dtype=np.float64) -> None:
        self.n_features = check_scalar(n_features, "n_features", low=1, integer=True)
        self.momentum = check_scalar(momentum, "momentum", low=0.0, high=1.0)
        self.eps = check_scalar(eps, "eps", low=0.0, low_inclusive=False)
        self.dtype = check_dtype(dtype)
        self.gamma = np.ones(self.n_features, dtype=self.dtype)
        self.beta = np.zeros(self.n_features, dtype=self.dtype)
        self.dgamma = np.zeros_like(self.gamma)
        self.dbeta = np.zeros_like(self.beta)
        self.running_mean = np.zeros(self.n_features, dtype=self.dtype)
        self.running_var = np.ones(self.n_features, dtype=self.dtype)
        self.x_hat: np.ndarray | None = None
        self.inv_std: np.ndarray | None = None
        self.training: bool | None = None

    def forward(self, x, training: bool = False) -> np.ndarray:
        """Return ``gamma * x_hat + beta``, shape ``(B, n)``.

        That is the normalized batch, scaled and shifted.

        ``training=True`` normalises with the batch statistics and updates the
        running ones; ``training=False`` normalises with the running ones.
        """
        self.training = check_bool(training, "training")
        x = check_batch(x, "x", self.n_features, self.dtype, finite=False)
        if self.training:
            batch = x.shape[0]
            if batch < 2:
                raise ValueError(
                    "BatchNorm needs a batch of at least 2 rows in "
                    "training mode (the variance of one row is 0), got "
                    f"shape {x.shape}. When training, pass drop_last=True "
                    "to fit or choose a batch size that leaves no last "
                    "batch of one row (n_samples % batch_size == 1); to "
                    "predict, use training=False (the running statistics)")
            mean, var = x.mean(axis=0), x.var(axis=0)       # biased variance
            m = self.momentum
            self.running_mean[...] = (1 - m) * self.running_mean + m * mean
            self.running_var[...] = ((1 - m) * self.running_var
                                     + m * var * (batch / (batch - 1)))
        else:
            mean, var = self.running_mean, self.running_var
        self.inv_std = 1 / np.sqrt(var + self.dtype.type(self.eps))
        self.x_hat = (x - mean) * self.inv_std
        return self.gamma * self.x_hat + self.beta

    def backward(self, grad_out) -> np.ndarray:
        r"""Store ``dgamma``, ``dbeta``; return the gradient for ``x``.

        The returned gradient has shape ``(B, n)``.

        With :math:`G = \partial L/\partial x'` (``grad_out``), in training
        mode (the batch statistics depend on :math:`x`):

        .. math:: \frac{\partial L}{\partial x}
                  = \frac{\gamma}{B s_\epsilon}
                  \Bigl(B\,G - \sum_i G^{(i)}
                  - \hat x \odot \sum_i G^{(i)} \odot \hat x^{(i)}\Bigr),

        in evaluation mode
        :math:`\partial L/\partial x = G \odot \gamma / \sqrt{s^2_{\text{run}} + \epsilon}`
        (``inv_std`` is :math:`1/s_\epsilon`).
        """
        grad = check_grad_out(grad_out, self.x_hat, self.dtype)
        self.dbeta = grad.sum(axis=0)                   # sum_i G_i
        self.dgamma = (grad * self.x_hat).sum(axis=0)   # sum_i G_i * x_hat_i
        if not self.training:
            return grad * (self.gamma * self.inv_std)
        batch = grad.shape[0]
        return (self.gamma * self.inv_std / batch) * (
            batch * grad - self.dbeta - self.x_hat * self.dgamma)

    @property
    def params(self) -> list[np.ndarray]:
        return [self.gamma, self.beta]

    @property
    def grads(self) -> list[np.ndarray]:
        return [self.dgamma, self.dbeta]

    @property
    def buffers(self) -> list[np.ndarray]:
        """``[running_mean, running_var]``: state that is not trained but must be saved."""
        return [self.running_mean, self.running_var]

    def __repr__(self) -> str:
        return (f"BatchNorm({self.n_features}, momentum={self.momentum}, eps={self.eps}, "
                f"dtype={self.dtype})")


# ----------------------------------------------------------------------------
# Multilayer perceptron
# ----------------------------------------------------------------------------

class MLP:
    r"""Multilayer perceptron: Dense layers with an activation between them.

    ``sizes = [n_0, n_1, ..., n_D]`` builds :math:`D` :class:`Dense` layers,
    layer :math:`l` with :math:`W^{(l)}` of shape ``(n_l, n_{l-1})``;
    every hidden layer is followed by ``activation`` (and by
    :class:`Dropout` if ``dropout > 0``). The last layer has no activation:
    :meth:`forward` returns :math:`Z^{(D)}`, the prediction for regression
    or the logits for classification (pass them to a loss on logits such as
    ``losses.cross_entropy``). ``output`` only decides what :meth:`predict`
    and :meth:`predict_proba` do with them.

    Parameters
    ----------
    sizes : sequence of int, length >= 2
        Layer widths, input first.
    activation : {"relu", "tanh", "sigmoid", "leaky_relu", "identity"}, default "relu"
        Hidden-layer activation.
    output : {None, "identity", "sigmoid", "softmax"}, default None
        ``None``/``"identity"``: regression, ``predict`` returns
        :math:`Z^{(D)}`. ``"softmax"``: ``predict_proba`` is the softmax of
        the logits and ``predict`` their argmax. ``"sigmoid"``: independent
        probabilities :math:`\sigma(Z^{(D)})` and labels ``Z > 0``.
    init : str or callable, default "he"
        Weight initializer (see :data:`nnlearn.init.INITIALIZERS`); biases start at 0.
    rng : numpy.random.Generator, int or None
        One random source for the initial weights and the dropout masks.
    dtype : floating dtype, default float64
        Dtype of parameters, outputs and gradients.
    dropout : float in [0, 1), default 0.0
        Dropout probability after each hidden activation.
    input_dropout : float in [0, 1), default 0.0
        Dropout probability on the input features.
    batch_norm : bool, default False
        Put a :class:`BatchNorm` between every hidden Dense layer and its
        activation (Dense, BatchNorm, activation, dropout).

    Attributes
    ----------
    layers : list of Layer
        All layers in order.
    dense_layers : list of Dense
        The :math:`D` Dense layers; ``dense_layers[l-1]`` holds
        :math:`W^{(l)}` and :math:`b^{(l)}`.

    Examples
    --------
    >>> net = MLP([2, 4, 1], activation="tanh", rng=0)
    >>> net.forward(np.zeros((3, 2))).shape
    (3, 1)
    """

    def __init__(self, sizes: Sequence[int], activation: str = "relu", output: str | None = None,
                 init="he", rng=None, dtype=np.float64, dropout: float = 0.0,
                 input_dropout: float = 0.0, batch_norm: bool = False) -> None:
        self.sizes = check_layer_sizes(sizes)
        self.activation = check_choice(activation, "activation", HIDDEN_ACTIVATIONS)
        self.output = "identity" if output is None else check_choice(output, "output", OUTPUTS)
        _get_initializer(init)
        self.dtype = check_dtype(dtype)
        self.dropout = check_scalar(dropout, "dropout", low=0.0, high=1.0, high_inclusive=False)
        self.input_dropout = check_scalar(input_dropout, "input_dropout", low=0.0, high=1.0,
                                          high_inclusive=False)
        self.rng = check_rng(rng)
        if not isinstance(batch_norm, (bool, np.bool_)):
            raise TypeError(f"batch_norm must be True or False, got {batch_norm!r}")
        self.batch_norm = bool(batch_norm)
        self.layers: list[Layer] = []
        if self.input_dropout > 0:
            self.layers.append(Dropout(self.input_dropout, self.rng))
        n_dense = len(self.sizes) - 1
        for i in range(n_dense):
            self.layers.append(Dense(self.sizes[i], self.sizes[i + 1], init=init,
                                     rng=self.rng, dtype=self.dtype))
            if i < n_dense - 1:
                if self.batch_norm:
                    self.layers.append(BatchNorm(self.sizes[i + 1], dtype=self.dtype))
                self.layers.append(Activation(self.activation))
                if self.dropout > 0:
                    self.layers.append(Dropout(self.dropout, self.rng))
        self.dense_layers = [layer for layer in self.layers if isinstance(layer, Dense)]

    # -- forward and backward ------------------------------------------------

    def forward(self, x, training: bool = False) -> np.ndarray:
        """Return the output, the last layer's ``Z``, shape ``(B, n_D)``.

        The last layer is layer D.

        ``x`` has shape ``(B, n_0)``. ``training=True`` switches dropout on and
        makes BatchNorm layers use (and update) the batch statistics.
        """
        check_bool(training, "training")
        a = check_batch(x, "x", self.sizes[0], self.dtype)
        for layer in self.layers:
            a = layer.forward(a, training)
        return a

    def backward(self, grad_out, input_grad: bool = True) -> np.ndarray | None:
        r"""Backpropagate ``grad_out`` through all layers.

        ``grad_out`` is the gradient of the loss with respect to the output.

        Fills every layer's gradients (see :attr:`grads`) and deltas (see
        :attr:`deltas`) and returns :math:`\partial L/\partial X`. Training
        does not need that last gradient: ``input_grad=False`` skips its
        product (43% of the backward arithmetic of a 784-256-128-10 network)
        when the first layer is Dense, and returns None.
        """
        input_grad = check_bool(input_grad, "input_grad")
        grad = grad_out                # delta^(D) = dL/dZ^(D), given by the loss
        for layer in reversed(self.layers[1:]):
            # Dense: stores dW, db, delta; returns dL/dA_prev = delta W
            # Activation: returns delta = dL/dA * f'(Z)
            # Dropout: returns dL/dA * mask
            grad = layer.backward(grad)
        first = self.layers[0]
        if not input_grad and isinstance(first, Dense):
            return first.backward(grad, input_grad=False)    # dW, db only
        return first.backward(grad)         # dL/dX

    def forward_trace(self, x, training: bool = False) -> tuple[list[np.ndarray],
                                                                 list[np.ndarray]]:
        r"""Forward pass that also returns every :math:`Z^{(l)}` and :math:`A^{(l)}`.

        Returns
        -------
        zs : list of D arrays
            ``zs[l-1]`` is :math:`Z^{(l)}`, shape ``(B, n_l)``.
        activations : list of D + 1 arrays
            ``activations[0]`` is the input :math:`A^{(0)} = X` and
            ``activations[l]`` is :math:`A^{(l)}`, the input of Dense layer
            :math:`l + 1` (after dropout, if any); the last entry is the
            output :math:`A^{(D)} = Z^{(D)}`.
        """
        out = self.forward(x, training)
        zs = [layer.z for layer in self.dense_layers]
        activations = [layer.a_prev for layer in self.dense_layers] + [out]
        return zs, activations

    @property
    def deltas(self) -> list[np.ndarray | None]:
        r"""The :math:`\Delta^{(l)} = \partial L/\partial Z^{(l)}` of the last backward.

        ``deltas[l-1]`` is :math:`\Delta^{(l)}`, shape ``(B, n_l)``.
        """
        return [layer.delta for layer in self.dense_layers]

    # -- parameters ------------------------------------------------------------

    @property
    def params(self) -> list[np.ndarray]:
        """``[W1, b1, W2, b2, ...]``: the layers' own arrays (update them in place).

        With ``batch_norm=True`` each hidden layer's ``gamma, beta`` follow its
        ``W, b``: ``[W1, b1, gamma1, beta1, W2, ...]``.
        """
        return [p for layer in self.layers for p in layer.params]

    @property
    def grads(self) -> list[np.ndarray]:
        """``[dW1, db1, dW2, db2, ...]`` from the last backward, parallel to ``params``."""
        return [g for layer in self.layers for g in layer.grads]

    @property
    def buffers(self) -> list[np.ndarray]:
        """Saved but not trained state: every BatchNorm's running mean and variance."""
        return [b for layer in self.layers if isinstance(layer, BatchNorm)
                for b in layer.buffers]

    @property
    def n_params(self) -> int:
        """Total number of weights and biases."""
        return sum(p.size for p in self.params)

    def set_params(self, values: Sequence) -> None:
        """Copy ``values`` (parallel to :attr:`params`) into the parameters in place.

        Every value must be finite and representable in the model's dtype (a
        float64 ``1e300`` does not fit a float32 model); nothing is copied
        unless all of them are.
        """
        params = self.params
        if isinstance(values, (str, bytes, np.ndarray)) or not isinstance(values, Sequence):
            raise TypeError(f"values must be a list of {len(params)} arrays, "
                            f"got {type(values).__name__}")
        if len(values) != len(params):
            raise ValueError(f"values must hold {len(params)} arrays, got {len(values)}")
        checked = []
        for i, (p, v) in enumerate(zip(params, values, strict=True)):
            v = as_float_array(v, f"values[{i}]")
            if v.shape != p.shape:
                raise ValueError(f"values[{i}] must have shape {p.shape}, got {v.shape}")
            if v.size and np.max(np.abs(v)) > np.finfo(p.dtype).max:
                raise ValueError(f"values[{i}] holds {np.max(np.abs(v)):g}, too large for the "
                                 f"model's dtype {p.dtype}")
            checked.append(v)
        for p, v in zip(params, checked, strict=True):
            p[...] = v

    # -- prediction --------------------------------------------------------------

    def predict_proba(self, x) -> np.ndarray:
        """Probabilities: ``softmax`` of the logits over classes, or their ``sigmoid``.

        Needs ``output="softmax"`` or ``output="sigmoid"``; shape ``(B, n_D)``.
        """
        if self.output == "identity":
            raise ValueError("predict_proba needs output='softmax' or output='sigmoid', "
                             "got output='identity' (None)")
        logits = self.forward(x)
        return softmax(logits, axis=1) if self.output == "softmax" else sigmoid(logits)

    def predict(self, x) -> np.ndarray:
        """Predictions in evaluation mode (dropout off).

        ``output="identity"``: the outputs ``(B, n_D)``. ``"softmax"``: class
        indices ``(B,)``. ``"sigmoid"``: labels 0/1 where the logit is > 0,
        shape ``(B,)`` for one output unit, ``(B, n_D)`` otherwise.
        """
        out = self.forward(x)
        if self.output == "softmax":
            return np.argmax(out, axis=1)
        if self.output == "sigmoid":
            labels = (out > 0).astype(np.int64)
            return labels[:, 0] if labels.shape[1] == 1 else labels
        return out

    def __repr__(self) -> str:
        extra = ""
        if self.dropout:
            extra += f", dropout={self.dropout}"
        if self.input_dropout:
            extra += f", input_dropout={self.input_dropout}"
        if self.batch_norm:
            extra += ", batch_norm=True"
        return (f"MLP(sizes={self.sizes}, activation={self.activation!r}, "
                f"output={self.output!r}{extra})")
