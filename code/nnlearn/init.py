r"""Weight initialization schemes.

A weight matrix of a dense layer has shape ``(n_out, n_in)`` (like
``torch.nn.Linear.weight``). Its *fans* are the number of inputs and outputs of
one unit:

.. math:: \mathrm{fan\_in} = n_\mathrm{in}, \qquad \mathrm{fan\_out} = n_\mathrm{out}

computed as ``torch.nn.init._calculate_fan_in_and_fan_out`` does (for shapes
with more than two axes, the trailing axes multiply both fans). The schemes
differ only in the variance they give each weight:

- LeCun: :math:`1 / \mathrm{fan\_in}` (linear units, tanh, SELU);
- Xavier/Glorot: :math:`\mathrm{gain}^2 \cdot 2 / (\mathrm{fan\_in} + \mathrm{fan\_out})`
  (tanh, sigmoid);
- He/Kaiming: :math:`\mathrm{gain}^2 / \mathrm{fan}` with
  :math:`\mathrm{gain}^2 = 2 / (1 + \nu^2)` for a leaky ReLU of slope :math:`\nu`,
  that is :math:`2/\mathrm{fan\_in}` for ReLU (:math:`\nu = 0`).

Note the difference between LeCun (:math:`1/\mathrm{fan\_in}`) and Glorot
(:math:`2/(\mathrm{fan\_in} + \mathrm{fan\_out})`): the two are often mixed up.
A uniform distribution on :math:`[-\mathrm{bound}, \mathrm{bound}]` has variance
:math:`\mathrm{bound}^2/3`, so each ``*_uniform`` scheme draws with
:math:`\mathrm{bound} = \sqrt{3}\,s`, where :math:`s` is the standard deviation of
the matching ``*_normal`` scheme.

Every initializer has the signature ``f(shape, rng, ..., dtype=np.float64)``
and draws from the ``numpy.random.Generator`` it is given (an int seed is
accepted too), so the same seed gives the same weights. Values are drawn in
float64 and then cast to ``dtype``, so a float32 model built from a seed holds
the rounded weights of the float64 model built from the same seed. Biases
start at zero (:func:`zeros`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from nnlearn._checks import MAX_ENTRIES, check_choice, check_dtype, check_rng, check_scalar

__all__ = [
    "INITIALIZERS",
    "calculate_gain",
    "constant",
    "fans",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
    "normal",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]


def _check_shape(shape, min_ndim: int = 1) -> tuple[int, ...]:
    """Return ``shape`` as a tuple of positive ints, at least ``min_ndim`` long."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError as exc:
        raise TypeError(f"shape must be a tuple of ints, got {shape!r}") from exc
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
            raise ValueError(f"shape must hold positive ints, got {shape!r}")
    if len(dims) < min_ndim:
        raise ValueError(f"shape must have at least {min_ndim} dimensions "
                         f"(n_out, n_in, ...), got {shape!r}")
    if math.prod(int(d) for d in dims) > MAX_ENTRIES:
        raise ValueError(f"shape {shape!r} has {math.prod(int(d) for d in dims):.3g} entries; "
                         f"at most {MAX_ENTRIES} ({MAX_ENTRIES:.3g}) are allowed")
    return tuple(int(d) for d in dims)


def fans(shape: Sequence[int]) -> tuple[int, int]:
    r"""Fan-in and fan-out of a weight of shape (n_out, n_in, ...).

    For a shape ``(n_out, n_in, *receptive)``,

    .. math:: \mathrm{fan\_in} = n_\mathrm{in} \cdot \prod \mathrm{receptive}, \qquad
              \mathrm{fan\_out} = n_\mathrm{out} \cdot \prod \mathrm{receptive},

    the same rule as ``torch.nn.init._calculate_fan_in_and_fan_out``. For a
    dense layer (two axes) the product is 1.

    Parameters
    ----------
    shape : tuple of int, length >= 2
        Weight shape, output axis first.

    Returns
    -------
    (int, int)
        ``(fan_in, fan_out)``.
    """
    dims = _check_shape(shape, min_ndim=2)
    receptive = math.prod(dims[2:])
    return dims[1] * receptive, dims[0] * receptive


def _fan(shape, mode: str) -> int:
    check_choice(mode, "mode", ("fan_in", "fan_out"))
    fan_in, fan_out = fans(shape)
    return fan_in if mode == "fan_in" else fan_out


def calculate_gain(nonlinearity: str, negative_slope: float = 0.01) -> float:
    r"""Recommended gain for a nonlinearity, as ``torch.nn.init.calculate_gain``.

    ==============  ==========================================
    nonlinearity    gain
    ==============  ==========================================
    ``identity``    :math:`1`
    ``sigmoid``     :math:`1`
    ``tanh``        :math:`5/3`
    ``relu``        :math:`\sqrt{2}`
    ``leaky_relu``  :math:`\sqrt{2 / (1 + \nu^2)}`
    ==============  ==========================================

    Parameters
    ----------
    nonlinearity : {"identity", "sigmoid", "tanh", "relu", "leaky_relu"}
        The activation that follows the layer.
    negative_slope : float, default 0.01
        :math:`\nu`, used only for ``"leaky_relu"``.
    """
    check_choice(nonlinearity, "nonlinearity",
                 ("identity", "sigmoid", "tanh", "relu", "leaky_relu"))
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        alpha = check_scalar(negative_slope, "negative_slope")
        return math.sqrt(2.0) / math.hypot(1.0, alpha)      # 1 + alpha^2 may overflow
    return 1.0


def _normal(shape, rng, std: float, dtype) -> np.ndarray:
    """Draw ``N(0, std^2)`` in float64 and cast to ``dtype``."""
    dims = _check_shape(shape)
    dt = check_dtype(dtype)
    return (std * check_rng(rng).standard_normal(dims)).astype(dt)


def _uniform(shape, rng, bound: float, dtype) -> np.ndarray:
    """Draw uniformly from ``[-bound, bound]`` in float64 and cast to ``dtype``."""
    dims = _check_shape(shape)
    dt = check_dtype(dtype)
    return check_rng(rng).uniform(-bound, bound, size=dims).astype(dt)


def zeros(shape, rng=None, *, dtype=np.float64) -> np.ndarray:
    """All-zero array, used for biases.

    ``rng`` is accepted (and ignored) so that every initializer has the same
    signature. Zero *weights* make all units of a layer identical and they
    stay identical during training (the symmetry problem); use them for
    biases only.

    Parameters
    ----------
    shape : int or tuple of int
        Output shape.
    rng : ignored
    dtype : floating dtype, default float64
    """
    return np.zeros(_check_shape(shape), dtype=check_dtype(dtype))


def constant(shape, rng=None, value: float = 0.0, *, dtype=np.float64) -> np.ndarray:
    r"""Every entry equal to ``value``, as ``torch.nn.init.constant_``.

    A *bad* initializer for weights, kept to show why: all units of a layer
    start identical, receive identical gradients and so stay identical
    forever (the network behaves as if each layer had one unit). ``value=0``
    is :func:`zeros`. Use it with ``functools.partial(constant, value=0.5)``
    where an initializer ``f(shape, rng, *, dtype)`` is expected.

    Parameters
    ----------
    shape : int or tuple of int
        Output shape.
    rng : ignored
        Accepted so that the signature matches the other initializers.
    value : float, default 0.0
        The value of every entry.
    dtype : floating dtype, default float64
    """
    value = check_scalar(value, "value")
    return np.full(_check_shape(shape), value, dtype=check_dtype(dtype))


def normal(shape, rng, std: float = 0.01, *, dtype=np.float64) -> np.ndarray:
    r"""Plain Gaussian :math:`W_{jk} \sim \mathcal{N}(0, \mathrm{std}^2)`, ignoring the fans.

    The naive scheme the scaled ones improve on: with a fixed ``std`` the
    activations shrink or blow up as the layers get wider.

    Parameters
    ----------
    shape : tuple of int
        Weight shape.
    rng : numpy.random.Generator or int
        Random source.
    std : float, default 0.01
        Standard deviation (> 0).
    dtype : floating dtype, default float64
    """
    std = check_scalar(std, "std", low=0.0, low_inclusive=False)
    return _normal(shape, rng, std, dtype)


def lecun_normal(shape, rng, *, dtype=np.float64) -> np.ndarray:
    r"""LeCun normal: :math:`W_{jk} \sim \mathcal{N}(0, 1/\mathrm{fan\_in})`.

    The same as ``torch.nn.init.kaiming_normal_(w, nonlinearity="linear")``
    (Keras draws from a truncated normal instead; we do not truncate).

    Parameters
    ----------
    shape : tuple of int, (n_out, n_in)
        Weight shape.
    rng : numpy.random.Generator or int
        Random source.
    dtype : floating dtype, default float64

    Returns
    -------
    numpy.ndarray of shape ``shape``
    """
    fan_in, _ = fans(shape)
    return _normal(shape, rng, 1.0 / math.sqrt(fan_in), dtype)


def lecun_uniform(shape, rng, *, dtype=np.float64) -> np.ndarray:
    r"""LeCun uniform: W_jk uniform on [-bound, bound], bound = sqrt(3 / fan_in).

    Variance :math:`\mathrm{bound}^2/3 = 1/\mathrm{fan\_in}`, as :func:`lecun_normal`.

    Parameters
    ----------
    shape : tuple of int, (n_out, n_in)
    rng : numpy.random.Generator or int
    dtype : floating dtype, default float64
    """
    fan_in, _ = fans(shape)
    return _uniform(shape, rng, math.sqrt(3.0 / fan_in), dtype)


def xavier_normal(shape, rng, gain: float = 1.0, *,
                  dtype=np.float64) -> np.ndarray:
    r"""Xavier/Glorot normal: std gain * sqrt(2 / (fan_in + fan_out)).

    :math:`W_{jk} \sim \mathcal{N}(0, s^2)` with

    .. math:: s = \mathrm{gain} \cdot \sqrt{\frac{2}{\mathrm{fan\_in} + \mathrm{fan\_out}}}

    as ``torch.nn.init.xavier_normal_``.

    Parameters
    ----------
    shape : tuple of int, (n_out, n_in)
    rng : numpy.random.Generator or int
    gain : float, default 1.0
        Scale factor (> 0), see :func:`calculate_gain`.
    dtype : floating dtype, default float64
    """
    gain = check_scalar(gain, "gain", low=0.0, low_inclusive=False)
    fan_in, fan_out = fans(shape)
    return _normal(shape, rng, gain * math.sqrt(2.0 / (fan_in + fan_out)),
                   dtype)


def xavier_uniform(shape, rng, gain: float = 1.0, *, dtype=np.float64) -> np.ndarray:
    r"""Xavier/Glorot uniform: W_jk uniform on [-bound, bound].

    .. math:: \mathrm{bound} = \mathrm{gain} \cdot
              \sqrt{\frac{6}{\mathrm{fan\_in} + \mathrm{fan\_out}}}

    (variance :math:`\mathrm{gain}^2 \cdot 2/(\mathrm{fan\_in} + \mathrm{fan\_out})`),
    as ``torch.nn.init.xavier_uniform_``.

    Parameters
    ----------
    shape : tuple of int, (n_out, n_in)
    rng : numpy.random.Generator or int
    gain : float, default 1.0
        Scale factor (> 0), see :func:`calculate_gain`.
    dtype : floating dtype, default float64
    """
    gain = check_scalar(gain, "gain", low=0.0, low_inclusive=False)
    fan_in, fan_out = fans(shape)
    return _uniform(shape, rng, gain * math.sqrt(6.0 / (fan_in + fan_out)), dtype)


def he_normal(shape, rng, negative_slope: float = 0.0, mode: str = "fan_in",
              *, dtype=np.float64) -> np.ndarray:
    r"""He/Kaiming normal: std gain / sqrt(fan); sqrt(2/fan_in) for ReLU.

    :math:`W_{jk} \sim \mathcal{N}(0, s^2)` with

    .. math:: s = \frac{\mathrm{gain}}{\sqrt{\mathrm{fan}}}, \qquad
              \mathrm{gain} = \sqrt{\frac{2}{1 + \nu^2}}

    so for ReLU (:math:`\nu = 0`) the variance is :math:`2/\mathrm{fan\_in}`.
    Same as ``torch.nn.init.kaiming_normal_(w, a=negative_slope, mode=mode,
    nonlinearity="leaky_relu")`` (torch's ``a`` is our ``negative_slope``).

    Parameters
    ----------
    shape : tuple of int, (n_out, n_in)
    rng : numpy.random.Generator or int
    negative_slope : float, default 0.0
        :math:`\nu` of the leaky ReLU that follows (0 for ReLU).
    mode : {"fan_in", "fan_out"}, default "fan_in"
        ``"fan_in"`` keeps the forward activations' variance,
        ``"fan_out"`` the backward gradients'.
    dtype : floating dtype, default float64
    """
    gain = calculate_gain("leaky_relu", negative_slope)
    return _normal(shape, rng, gain / math.sqrt(_fan(shape, mode)), dtype)


def he_uniform(shape, rng, negative_slope: float = 0.0, mode: str = "fan_in", *,
               dtype=np.float64) -> np.ndarray:
    r"""He/Kaiming uniform: W_jk uniform on [-bound, bound].

    .. math:: \mathrm{bound} = \mathrm{gain} \cdot \sqrt{\frac{3}{\mathrm{fan}}}, \qquad
              \mathrm{gain} = \sqrt{\frac{2}{1 + \nu^2}}

    (variance :math:`2 / ((1 + \nu^2)\,\mathrm{fan})`), as
    ``torch.nn.init.kaiming_uniform_(w, a=negative_slope, mode=mode,
    nonlinearity="leaky_relu")``.

    Parameters
    ----------
    shape : tuple of int, (n_out, n_in)
    rng : numpy.random.Generator or int
    negative_slope : float, default 0.0
        :math:`\nu` of the leaky ReLU that follows (0 for ReLU).
    mode : {"fan_in", "fan_out"}, default "fan_in"
    dtype : floating dtype, default float64
    """
    gain = calculate_gain("leaky_relu", negative_slope)
    return _uniform(shape, rng, gain * math.sqrt(3.0 / _fan(shape, mode)), dtype)


INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
    "he": he_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "xavier": xavier_normal,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "glorot": xavier_normal,
    "lecun": lecun_normal,
    "lecun_normal": lecun_normal,
    "lecun_uniform": lecun_uniform,
    "normal": normal,
    "zeros": zeros,
}
"""Name -> initializer ``f(shape, rng, *, dtype)``; the short names mean the normal versions."""
