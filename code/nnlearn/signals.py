"""Sound as numbers: a waveform, its samples, and their quantization.

A microphone turns air pressure into a voltage that varies continuously in
time. A computer keeps only

* its values at equally spaced instants, the **samples** (:func:`sample_times`),
  and
* each value rounded to one of :math:`2^{n_{\text{bits}}}` levels, stored as
  an integer of :math:`n_{\text{bits}}` bits, the **quantization** (:func:`quantize`).

:func:`sine_mixture` makes a test signal to try both on.
"""

from __future__ import annotations

import math

import numpy as np

from nnlearn._numeric import power_of_two_unit

from ._checks import as_float_array, check_scalar

__all__ = ["sine_mixture", "sample_times", "quantize"]


def sine_mixture(t, frequencies, amplitudes) -> np.ndarray:
    r"""A sum of sine waves evaluated at times ``t``.

    At each time (in seconds) the value is

    .. math::

        x = \sum_{k} \text{amplitude}_k \sin(2\pi\,\text{frequency}_k\cdot\text{time}),

    with frequencies in hertz (cycles per second). A musical note is roughly
    such a sum: a fundamental frequency and its overtones.

    Parameters
    ----------
    t : array_like, any shape
        Times in seconds. float32 stays float32; integers become float64.
    frequencies : array_like, shape (n_waves,)
        In Hz, each >= 0.
    amplitudes : array_like, shape (n_waves,)
        One per frequency.

    Returns
    -------
    ndarray of the shape and floating dtype of ``t``.

    Examples
    --------
    >>> sine_mixture([0.0, 0.25, 0.5], [1.0], [2.0]).round(12)
    array([0., 2., 0.])
    """
    t = as_float_array(t, "t")
    frequencies = as_float_array(frequencies, "frequencies", ndim=1)
    amplitudes = as_float_array(amplitudes, "amplitudes", ndim=1)
    if frequencies.shape != amplitudes.shape or frequencies.shape[0] == 0:
        raise ValueError(f"frequencies and amplitudes must be non-empty and of the same "
                         f"length, got shapes {frequencies.shape} and {amplitudes.shape}")
    if frequencies.min() < 0:
        raise ValueError(f"frequencies must be >= 0, got {frequencies.min()}")
    t64 = t.astype(np.float64)[..., None]
    x = np.sin(2.0 * np.pi * frequencies * t64) @ amplitudes.astype(np.float64)
    return x.astype(t.dtype, copy=False)


def sample_times(duration: float, sample_rate: float) -> np.ndarray:
    r"""The instants at which a signal of length ``duration`` is sampled.

    The instants are :math:`k / f_s` seconds for :math:`k = 0, 1, \dots, N - 1`,
    where :math:`f_s` is the sample rate (samples per second) and :math:`N`
    is the number of instants in :math:`[0, \text{duration})`, i.e.
    :math:`\lceil \text{duration}\cdot f_s \rceil` (a product within
    :math:`10^{-9}` of an integer counts as that integer, so rounding in
    ``0.2 * 60`` does not add a sample). CD audio uses
    :math:`f_s = 44\,100` Hz; a sine wave is captured without ambiguity only
    if :math:`f_s` is more than twice its frequency (the Nyquist rate).

    Parameters
    ----------
    duration : float
        Length of the signal in seconds, > 0.
    sample_rate : float
        :math:`f_s` in Hz, > 0.

    Returns
    -------
    ndarray of float64, shape (N,)

    Examples
    --------
    >>> sample_times(0.5, 8)
    array([0.   , 0.125, 0.25 , 0.375])
    """
    duration = check_scalar(duration, "duration", low=0.0, low_inclusive=False)
    sample_rate = check_scalar(sample_rate, "sample_rate", low=0.0, low_inclusive=False)
    product = duration * sample_rate
    nearest = round(product)
    n = nearest if abs(product - nearest) <= 1e-9 * max(1.0, product) else math.ceil(product)
    if n < 1:
        raise ValueError(f"duration * sample_rate must give at least one sample, got "
                         f"duration={duration} and sample_rate={sample_rate}")
    return np.arange(n) / sample_rate


def quantize(x, n_bits: int, low: float = -1.0, high: float = 1.0
             ) -> tuple[np.ndarray, np.ndarray]:
    r"""Round values to the nearest of 2 ** n_bits equally spaced levels.

    The levels are :math:`\text{low} + x'\Delta` for
    :math:`x' = 0, \dots, 2^{n_{\text{bits}}} - 1`, with step
    :math:`\Delta = (\text{high} - \text{low}) / (2^{n_{\text{bits}}} - 1)`, so
    both ends of the range are levels. Each value :math:`x` is clipped to
    ``[low, high]`` and gets the integer code

    .. math::

        x' = \operatorname{round}\!\left(\frac{\operatorname{clip}(x) - \text{low}}{\Delta}\right),

    which fits in ``n_bits`` bits; its quantized value is :math:`\text{low} + x'\Delta`.
    For :math:`x` inside the range the error is at most :math:`\Delta/2`.
    (Real audio formats use the same idea with slightly different level
    placement, e.g. 16-bit PCM stores integers from :math:`-2^{15}` to
    :math:`2^{15} - 1`.) Halves are rounded to even, as ``numpy.round``
    does. The arithmetic runs in units of a power of two near
    :math:`\max(|\text{low}|, |\text{high}|)`, so a range as wide as the
    whole float64 line (``low=-1e308, high=1e308``) works; in such a range
    the levels are spaced more than 1e292 apart, and very small values are
    rounded to the nearest of them like any other value.

    Parameters
    ----------
    x : array_like, any shape
        The values (e.g. samples of a waveform).
    n_bits : int
        Bits per value :math:`n_{\text{bits}}`, 1 to 24.
    low, high : float, default -1.0 and 1.0
        The range covered by the levels, ``low < high``.

    Returns
    -------
    codes : ndarray of int64, shape of ``x``
        The level index :math:`x'` of each value, in ``[0, 2**n_bits)``.
    values : ndarray, shape of ``x``, dtype of ``x``
        The quantized values :math:`\text{low} + x'\Delta`.

    Examples
    --------
    >>> codes, values = quantize([-1.0, -0.2, 0.3, 0.9], n_bits=2)
    >>> codes
    array([0, 1, 2, 3])
    >>> values.round(4)
    array([-1.    , -0.3333,  0.3333,  1.    ])
    """
    x = as_float_array(x, "x")
    n_bits = check_scalar(n_bits, "n_bits", low=1, high=24, integer=True)
    low = check_scalar(low, "low")
    high = check_scalar(high, "high")
    if not low < high:
        raise ValueError(f"low must be < high, got low={low} and "
                         f"high={high}")
    n_levels = 2 ** n_bits
    clipped = np.clip(x.astype(np.float64), low, high)
    # high - low may exceed the float range
    unit = power_of_two_unit(max(abs(low), abs(high)))
    lo, hi = low / unit, high / unit
    step = (hi - lo) / (n_levels - 1)
    codes = np.clip(np.round((clipped / unit - lo) / step), 0,
                    n_levels - 1).astype(np.int64)
    # Rounding must not leave the range, in the unit (overflow) or after
    # it (lo subnormal).
    levels = np.clip(unit * np.clip(lo + codes * step, lo, hi), low, high)
    # a level beyond float32's range is inf there
    with np.errstate(over="ignore"):
        values = levels.astype(x.dtype, copy=False)
    return codes, values
