"""A numeric helper shared by the modules that rescale data before squaring it.

Squaring a number above about 1.3e154 (float64) overflows, and squaring one
below about 1e-162 underflows to 0, so sums of squares, variances and
distances of very large or very small data need a change of unit first.
Dividing by a power of two is exact, so nothing is lost by it.
"""

from __future__ import annotations

import numpy as np

_SMALLEST_NORMAL = float(np.finfo(np.float64).tiny)     # 2**-1022


def power_of_two_unit(magnitude) -> np.ndarray | float:
    """A power of two ``u`` with ``magnitude / u`` in ``[1, 2)``; 1 where magnitude is 0.

    ``u`` is never below the smallest normal float64 (so ``1 / u`` is finite)
    and never above ``2**1023`` (so it is finite itself). Dividing data by the
    unit of its largest absolute value leaves every entry below 2 in size,
    where squares neither overflow nor lose digits to underflow.

    Parameters
    ----------
    magnitude : float or ndarray of float
        Non-negative finite values, e.g. ``np.abs(X).max(axis=0)``.

    Returns
    -------
    float or ndarray of float64
        Same shape as ``magnitude``.
    """
    m = np.asarray(magnitude, dtype=np.float64)
    _, exponent = np.frexp(m)                              # m = f * 2**e, f in [0.5, 1)
    unit = np.maximum(np.ldexp(1.0, exponent - 1), _SMALLEST_NORMAL)
    unit = np.where(m > 0, unit, 1.0)
    return float(unit) if unit.ndim == 0 else unit
