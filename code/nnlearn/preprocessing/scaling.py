"""Scaling numeric features: min-max, standardization, robust scaling.

Each scaler is an affine map per feature, fitted on training rows and applied
unchanged to new rows, with the scikit-learn interface ``fit``/``transform``/
``inverse_transform``.
"""

from __future__ import annotations

import numpy as np

from nnlearn._checks import check_scalar
from nnlearn._numeric import power_of_two_unit
from nnlearn.preprocessing._base import (
    _as_data_matrix,
    _check_fitted,
    _check_n_features,
)

__all__ = [
    "MinMaxScaler",
    "StandardScaler",
    "RobustScaler",
]


def _check_pair(pair, name: str, low: float | None = None,
                high: float | None = None) -> tuple[float, float]:
    """Check a pair ``(a, b)`` of reals with ``a < b`` (inside ``[low, high]``)."""
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise TypeError(f"{name} must be a pair (a, b), got {pair!r}")
    a = check_scalar(pair[0], f"{name}[0]", low=low, high=high)
    b = check_scalar(pair[1], f"{name}[1]", low=low, high=high)
    if not a < b:
        raise ValueError(f"{name} must satisfy {name}[0] < {name}[1], got {pair!r}")
    return a, b


# ----------------------------------------------------------------------------
# Scalers
# ----------------------------------------------------------------------------

class _Scaler:
    r"""The plumbing shared by the three scalers, which are all affine maps.

    Each scaler's ``fit`` computes per-feature statistics and sets an offset,
    a divisor > 0 and a target start; then

    .. math::

        x' = \text{start} + \frac{x - \text{offset}}{\text{divisor}}, \qquad
        x = \text{offset} + \text{divisor}\,(x' - \text{start}).

    Statistics are computed and stored in float64; ``transform`` and
    ``inverse_transform`` return the dtype of their input (float32 stays
    float32; integers become float64). ``fit`` works on each feature in units
    of a power of two near its largest absolute value (an exact
    division), and the offset and the divisor are kept in those units, so data
    of size :math:`10^{300}` or :math:`10^{-300}` are scaled like data of size
    1: no square, difference or range overflows.
    """

    def fit_transform(self, X) -> np.ndarray:
        """Fit to ``X``, then transform ``X``; same as ``fit(X).transform(X)``."""
        return self.fit(X).transform(X)

    def transform(self, X) -> np.ndarray:
        """Scale X, shape (n_samples, n_features), to the same shape."""
        X = self._transform_input(X)
        x = X / self._unit                              # in the units of fit
        scaled = self._start + (x - self._offset) / self._divisor
        return scaled.astype(X.dtype, copy=False)

    def inverse_transform(self, X) -> np.ndarray:
        """Undo :meth:`transform` on ``X`` of shape (n_samples, n_features)."""
        X = self._transform_input(X)
        x = self._offset + self._divisor * (X - self._start)
        with np.errstate(over="ignore"):                     # beyond the float range: inf
            return (x * self._unit).astype(X.dtype, copy=False)

    def _fit_input(self, X) -> tuple[np.ndarray, np.ndarray]:
        """``X`` in float64 divided by per-feature units, and the units."""
        X = _as_data_matrix(X).astype(np.float64)
        self.n_features_in_ = X.shape[1]
        unit = power_of_two_unit(np.abs(X).max(axis=0))
        return X / unit, unit

    def _set_map(self, offset: np.ndarray, divisor: np.ndarray,
                 unit: np.ndarray, start: float = 0.0) -> None:
        """Store the map; offset and divisor are in units of unit."""
        self._offset, self._divisor = offset, divisor
        self._unit, self._start = unit, start

    def _transform_input(self, X) -> np.ndarray:
        _check_fitted(self, "n_features_in_")
        X = _as_data_matrix(X)
        _check_n_features(self, X.shape[1])
        return X


class MinMaxScaler(_Scaler):
    r"""Map each feature linearly onto ``feature_range = (low, high)``.

    .. math::

        x' = \text{low} + (x - x_{\min}) \, \frac{\text{high} - \text{low}}{x_{\max} - x_{\min}}

    with :math:`x_{\min}, x_{\max}` the smallest and largest value of the
    feature in the data given to :meth:`fit`. After ``fit(X)``, ``transform(X)``
    lies in ``[low, high]``; new data outside the training range lands outside
    ``[low, high]`` (it is not clipped). A constant feature (``x_max == x_min``)
    has its range replaced by 1, as in scikit-learn, so it maps to ``low``.

    Parameters
    ----------
    feature_range : tuple (low, high), default (0, 1)
        Target range, ``low < high``.

    Attributes
    ----------
    data_min_, data_max_, data_range_ : ndarray of shape (n_features,)
        Per-feature minimum, maximum and ``max - min`` seen in ``fit``.
    scale_ : ndarray of shape (n_features,)
        ``(high - low) / data_range_`` (with a zero range replaced by 1).
    n_features_in_ : int
        Number of features seen in ``fit``.

    Examples
    --------
    >>> ages = np.array([[50.0, 3.0], [2.0, 5.0], [1.0, 0.0], [92.0, 6.0]])
    >>> MinMaxScaler().fit_transform(ages)[0].round(3)
    array([0.538, 0.5  ])
    """

    def __init__(self, feature_range: tuple[float, float] = (0, 1)):
        self.feature_range = feature_range

    def fit(self, X) -> MinMaxScaler:
        """Learn the per-feature minimum and maximum of X.

        X has shape (n_samples, n_features).
        """
        low, high = _check_pair(self.feature_range, "feature_range")
        X, unit = self._fit_input(X)                  # X / unit, per feature
        x_min, x_max = X.min(axis=0), X.max(axis=0)
        x_range = x_max - x_min
        # zero range: 1
        safe_range = np.where(x_range == 0, 1.0 / unit, x_range)
        self._set_map(x_min, safe_range / (high - low), unit, low)
        self.data_min_, self.data_max_ = x_min * unit, x_max * unit
        # inf if beyond the float range
        with np.errstate(over="ignore", under="ignore"):
            self.data_range_ = x_range * unit
            self.scale_ = (high - low) / unit / safe_range
        return self


class StandardScaler(_Scaler):
    r"""Centre each feature on its mean and divide by its standard deviation.

    .. math::

        x'_j = \frac{x_j - \bar{x}_j}{s_j}, \qquad
        s_j^2 = \frac{1}{N}\sum_{i=1}^{N} \bigl(x^{(i)}_j - \bar{x}_j\bigr)^2

    The variance is the population variance (``ddof=0``), as in scikit-learn.
    After ``fit(X)``, every non-constant column of ``transform(X)`` has mean 0
    and standard deviation 1. A constant feature gets :math:`s = 1` so
    nothing is divided by zero (it only gets centred). "Constant" uses
    scikit-learn's test: the computed variance is no larger than the rounding
    error of computing it,
    :math:`s^2 \le N\epsilon_{\text{mach}} s^2 + (N\bar{x}\epsilon_{\text{mach}})^2`.

    Attributes
    ----------
    mean_, var_ : ndarray of shape (n_features,)
        Per-feature mean and population variance.
    scale_ : ndarray of shape (n_features,)
        ``sqrt(var_)``, with 1 for constant features.
    n_features_in_ : int
        Number of features seen in ``fit``.
    """

    def fit(self, X) -> StandardScaler:
        """Learn the per-feature mean and standard deviation of X."""
        X, unit = self._fit_input(X)                  # X / unit, per feature
        n = X.shape[0]
        mean, var = X.mean(axis=0), X.var(axis=0)
        eps = np.finfo(np.float64).eps               # float64 spacing near 1
        # a constant feature: its variance is rounding noise of this
        # size, not 0
        constant = var <= n * eps * var + (n * mean * eps) ** 2
        # constant: divide by 1
        std = np.where(constant, 1.0 / unit, np.sqrt(var))
        self._set_map(mean, std, unit)
        self.mean_, self.scale_ = mean * unit, std * unit
        with np.errstate(over="ignore"):      # inf if beyond the float range
            self.var_ = (np.sqrt(var) * unit) ** 2
        return self


class RobustScaler(_Scaler):
    r"""Centre each feature on its median and divide by its interquartile range.

    .. math::

        x' = \frac{x - \operatorname{median}(x)}{Q_{q_{hi}}(x) - Q_{q_{lo}}(x)}

    where :math:`Q_q` is the ``q``-th percentile (NumPy's default linear
    interpolation) and ``quantile_range = (q_lo, q_hi)``, by default the
    quartiles (25, 75). The median and the quartiles barely move when a few
    values are extreme, so outliers do not squash the rest of the data. (A
    common slip writes the numerator as :math:`x - Q_1`; the usual robust
    scaler, and this one, centres on the median, so after ``fit(X)`` each
    column of ``transform(X)`` has median 0.) A zero range is replaced by 1.

    Parameters
    ----------
    quantile_range : tuple (q_lo, q_hi), default (25, 75)
        Percentiles, ``0 <= q_lo < q_hi <= 100``.

    Attributes
    ----------
    center_ : ndarray of shape (n_features,)
        Per-feature median.
    scale_ : ndarray of shape (n_features,)
        Per-feature ``Q_hi - Q_lo`` (1 where that is zero).
    n_features_in_ : int
        Number of features seen in ``fit``.
    """

    def __init__(self, quantile_range: tuple[float, float] = (25, 75)):
        self.quantile_range = quantile_range

    def fit(self, X) -> RobustScaler:
        """Learn the per-feature median and interquartile range of X."""
        q_lo, q_hi = _check_pair(self.quantile_range, "quantile_range",
                                 low=0, high=100)
        X, unit = self._fit_input(X)                  # X / unit, per feature
        center = np.median(X, axis=0)
        lower, upper = np.percentile(X, [q_lo, q_hi], axis=0)
        spread = upper - lower
        spread = np.where(spread == 0, 1.0 / unit, spread)    # zero range: 1
        self._set_map(center, spread, unit)
        with np.errstate(over="ignore"):      # inf if beyond the float range
            self.center_, self.scale_ = center * unit, spread * unit
        return self
