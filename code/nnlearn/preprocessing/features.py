"""New features from old ones: polynomial features and power transforms.

The power transforms are Box-Cox and Yeo-Johnson, whose power a golden-section
search fits.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from nnlearn._checks import MAX_ENTRIES, as_float_array, check_bool, check_scalar
from nnlearn.preprocessing._base import _as_data_matrix

__all__ = [
    "polynomial_features",
    "polynomial_feature_names",
    "box_cox",
    "yeo_johnson",
]


# ----------------------------------------------------------------------------
# Polynomial features
# ----------------------------------------------------------------------------

def _polynomial_terms(n_features: int, degree: int, interaction_only: bool,
                      include_bias: bool) -> list[tuple[int, ...]]:
    """Column index tuples of every monomial, in scikit-learn's order.

    Degree by degree (0 for the bias, then 1, 2, ...); within a degree, the
    tuples of feature indices in lexicographic order, with repeats unless
    ``interaction_only``.
    """
    combine = itertools.combinations if interaction_only else \
        itertools.combinations_with_replacement
    first = 0 if include_bias else 1
    return [term for d in range(first, degree + 1)
            for term in combine(range(n_features), d)]


_MAX_TERMS = 10 ** 6        # monomials are listed as Python tuples: keep the list small


def _n_polynomial_terms(n_features: int, degree: int, interaction_only: bool,
                        include_bias: bool) -> int:
    """``len(_polynomial_terms(...))`` without listing them: binomial coefficients."""
    if interaction_only:          # subsets of k distinct features, k <= degree
        count = sum(math.comb(n_features, k) for k in range(min(degree, n_features) + 1))
    else:                         # multisets of size <= degree: C(p + d, d)
        count = math.comb(n_features + degree, n_features)
    return count - (0 if include_bias else 1)


def _check_polynomial_args(degree, interaction_only, include_bias, n_features: int,
                           n_samples: int = 1) -> int:
    """Check the arguments; refuse, naming ``degree``, an output too large to build."""
    degree = check_scalar(degree, "degree", low=1, integer=True)
    for name, flag in (("interaction_only", interaction_only), ("include_bias", include_bias)):
        check_bool(flag, name)
    n_terms = _n_polynomial_terms(n_features, degree, interaction_only, include_bias)
    if n_terms > _MAX_TERMS or n_terms * n_samples > MAX_ENTRIES:
        raise ValueError(f"degree={degree} with {n_features} features gives {n_terms:.3g} "
                         f"columns ({n_samples} rows); at most {_MAX_TERMS:.0e} columns and "
                         f"{MAX_ENTRIES:.3g} entries are built: lower degree")
    return degree


def polynomial_features(X, degree: int = 2, interaction_only: bool = False,
                        include_bias: bool = True) -> np.ndarray:
    r"""All products of the features up to the given total degree.

    For two features and ``degree=2`` the columns are
    :math:`[1, x_1, x_2, x_1^2, x_1x_2, x_2^2]`: first the bias, then the
    monomials of degree 1, 2, ... each in lexicographic order of their
    feature indices, exactly scikit-learn's ``PolynomialFeatures`` order.
    :func:`polynomial_feature_names` gives the column names. With
    ``interaction_only`` only products of distinct features are kept
    (:math:`x_1x_2` but not :math:`x_1^2`). There are
    ``comb(n_features + degree, degree)`` columns (with bias), which grows
    like ``n_features ** degree``.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
    degree : int, default 2
        Highest total degree, at least 1.
    interaction_only : bool, default False
    include_bias : bool, default True
        Include the constant column of ones.

    Returns
    -------
    ndarray, shape (n_samples, n_output_features), dtype of ``X``
    """
    X = _as_data_matrix(X)
    n_samples, n_features = X.shape
    degree = _check_polynomial_args(degree, interaction_only, include_bias,
                                    n_features, n_samples)
    terms = _polynomial_terms(n_features, degree, interaction_only,
                              include_bias)
    out = np.empty((n_samples, len(terms)), dtype=X.dtype)
    for j, term in enumerate(terms):
        out[:, j] = np.prod(X[:, list(term)], axis=1)
    return out


def polynomial_feature_names(input_names: Sequence[str], degree: int = 2,
                             interaction_only: bool = False,
                             include_bias: bool = True) -> list[str]:
    """Names of the columns of :func:`polynomial_features`.

    Same format as scikit-learn's ``get_feature_names_out``: ``"1"`` for the
    bias, names joined by spaces for products and ``^k`` for powers, e.g.
    ``polynomial_feature_names(["a", "b"])`` is
    ``['1', 'a', 'b', 'a^2', 'a b', 'b^2']``.
    """
    if not isinstance(input_names, (list, tuple, np.ndarray)) \
            or not all(isinstance(s, str) for s in input_names):
        raise TypeError(f"input_names must be a list of strings, got {input_names!r}")
    if len(input_names) == 0:
        raise ValueError("input_names must name at least one feature, got 0")
    degree = _check_polynomial_args(degree, interaction_only, include_bias, len(input_names))
    names = []
    for term in _polynomial_terms(len(input_names), degree, interaction_only, include_bias):
        powers = Counter(term)
        parts = [input_names[i] if k == 1 else f"{input_names[i]}^{k}"
                 for i, k in sorted(powers.items())]
        names.append(" ".join(parts) if parts else "1")
    return names


# ----------------------------------------------------------------------------
# Power transforms (Box-Cox, Yeo-Johnson)
# ----------------------------------------------------------------------------

_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0   # 0.618..., the golden-section ratio
_LAMBDA_LIMIT = 64.0                     # widest lambda grid searched


def _golden_section_minimize(f: Callable[[float], float], low: float,
                             high: float, tol: float = 1e-10) -> float:
    """Minimizer of a unimodal f on [low, high] by golden-section search.

    Two inner points split the interval in the golden ratio; the one with the
    larger ``f`` cuts its outer part away, so the interval shrinks by 0.618 per
    step and one of the inner points (and its value) is reused. Stops when the
    interval is shorter than ``tol``.
    """
    a, b = low, high
    c, d = b - _GOLDEN * (b - a), a + _GOLDEN * (b - a)
    fc, fd = f(c), f(d)
    while b - a > tol:
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - _GOLDEN * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + _GOLDEN * (b - a)
            fd = f(d)
    return (a + b) / 2.0


def _maximize_lambda(log_likelihood: Callable[[float], float]) -> float:
    """Maximizer of a log-likelihood of lambda (grid, golden section).

    The grid (step 1/4 on ``[-4, 4]``, widened while the best point is on its
    edge, up to ``[-64, 64]``) finds the best region even if the likelihood
    has several bumps; golden-section search between the best grid point's
    neighbours then pins it down to about 1e-10.
    """
    def objective(lmbda: float) -> float:
        return -log_likelihood(lmbda)

    half_width = 4.0
    while True:
        grid = np.arange(-half_width, half_width + 0.125, 0.25)
        values = np.array([objective(lmbda) for lmbda in grid])
        best = int(np.argmin(values))
        if 0 < best < grid.shape[0] - 1 or half_width >= _LAMBDA_LIMIT:
            break
        half_width *= 2.0
    low = grid[max(best - 1, 0)]
    high = grid[min(best + 1, grid.shape[0] - 1)]
    return float(
        _golden_section_minimize(objective, float(low), float(high)))


def _gaussian_profile_log_likelihood(y: np.ndarray,
                                     log_jacobian: float) -> float:
    r"""Log-likelihood ``-N/2 ln var(y) + log_jacobian``.

    ``-inf`` if it cannot be computed.
    """
    if not np.all(np.isfinite(y)):
        return -np.inf
    # var(y) = size^2 var(y / size): no overflow
    size = float(np.max(np.abs(y)))
    if size == 0.0:
        return -np.inf
    variance = float(np.var(y / size))
    if not variance > 0.0:
        return -np.inf
    log_variance = 2.0 * math.log(size) + math.log(variance)
    return -0.5 * y.shape[0] * log_variance + log_jacobian


def _box_cox_values(x: np.ndarray, lmbda: float) -> np.ndarray:
    """Box-Cox of positive float64 ``x``; overflow gives inf.

    The callers check for it.
    """
    if lmbda == 0.0:
        return np.log(x)
    with np.errstate(over="ignore"):
        return np.expm1(lmbda * np.log(x)) / lmbda


def _yeo_johnson_values(x: np.ndarray, lmbda: float) -> np.ndarray:
    """Yeo-Johnson of float64 ``x``; overflow gives inf (callers check)."""
    out = np.empty_like(x)
    pos = x >= 0
    log_pos, log_neg = np.log1p(x[pos]), np.log1p(-x[~pos])
    with np.errstate(over="ignore"):
        out[pos] = log_pos if lmbda == 0.0 else np.expm1(lmbda * log_pos) / lmbda
        out[~pos] = -log_neg if lmbda == 2.0 else \
            -np.expm1((2.0 - lmbda) * log_neg) / (2.0 - lmbda)
    return out


def _check_power_input(x, name: str, lmbda) -> tuple[np.ndarray, float | None]:
    arr = as_float_array(x, name, ndim=1)
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must not be empty")
    if lmbda is None:
        if arr.shape[0] < 2 or np.all(arr == arr[0]):
            raise ValueError(f"{name} must hold at least two different values to fit "
                             f"lambda, got {arr[:5].tolist()}")
        return arr, None
    return arr, check_scalar(lmbda, "lmbda")


def _finish_power(values: np.ndarray, dtype, lmbda: float, name: str) -> tuple[np.ndarray, float]:
    if not np.all(np.isfinite(values)):
        raise ValueError(f"lmbda={lmbda} is too large in magnitude for this {name}: "
                         "the transformed values overflow")
    return values.astype(dtype, copy=False), float(lmbda)


def box_cox(x, lmbda: float | None = None) -> tuple[np.ndarray, float]:
    r"""Box-Cox power transform of positive data.

    The power is fitted if not given.

    .. math::

        x' = \begin{cases} (x^\omega - 1)/\omega, & \omega \ne 0\\
                          \ln x, & \omega = 0 \end{cases}

    With ``lmbda=None``, :math:`\omega` maximizes the Gaussian profile
    log-likelihood of the transformed data,

    .. math::

        \operatorname{LL}(\omega) = -\frac N2 \ln s^2_\omega
                        + (\omega - 1)\sum_i \ln x^{(i)},

    where :math:`s^2_\omega` is the population variance of
    :math:`x'` and the last term is the log-Jacobian of :math:`x \mapsto x'`. This is
    the maximum-likelihood :math:`\omega` of ``scipy.stats.boxcox`` and
    ``sklearn.preprocessing.PowerTransformer(method="box-cox",
    standardize=False)``. The 1-D maximization is a grid search followed by a
    golden-section search (written here; no SciPy). The transform is computed
    as ``expm1(lmbda * log(x)) / lmbda``, accurate also for tiny
    :math:`\omega`.

    Parameters
    ----------
    x : array_like, shape (n_samples,)
        Strictly positive data (use :func:`yeo_johnson` otherwise).
    lmbda : float, optional
        Use this :math:`\omega` instead of fitting one.

    Returns
    -------
    y : ndarray, shape (n_samples,), dtype of ``x``
    lmbda : float
        The (fitted or given) :math:`\omega`.
    """
    arr, lmbda = _check_power_input(x, "x", lmbda)
    if arr.min() <= 0:
        raise ValueError("x must be strictly positive for Box-Cox, got "
                         f"minimum {arr.min()}; use yeo_johnson for data "
                         "with zeros or negative values")
    x64 = arr.astype(np.float64)
    if lmbda is None:
        sum_log = float(np.log(x64).sum())

        def log_likelihood(lam: float) -> float:
            return _gaussian_profile_log_likelihood(
                _box_cox_values(x64, lam), (lam - 1.0) * sum_log)

        lmbda = _maximize_lambda(log_likelihood)
    return _finish_power(_box_cox_values(x64, lmbda), arr.dtype, lmbda, "x")


def yeo_johnson(x, lmbda: float | None = None) -> tuple[np.ndarray, float]:
    r"""Yeo-Johnson power transform (any real data), fitting the power if not given.

    .. math::

        x' = \begin{cases}
            ((x+1)^\omega - 1)/\omega, & x \ge 0,\ \omega \ne 0\\
            \ln(1 + x), & x \ge 0,\ \omega = 0\\
            -((1-x)^{2-\omega} - 1)/(2-\omega), & x < 0,\ \omega \ne 2\\
            -\ln(1 - x), & x < 0,\ \omega = 2
        \end{cases}

    Box-Cox of :math:`x+1` for :math:`x \ge 0`, mirrored (with
    :math:`2-\omega`) for negative :math:`x`, so zeros and negatives are fine.
    With ``lmbda=None``, :math:`\omega` maximizes

    .. math::

        \operatorname{LL}(\omega) = -\frac N2 \ln s^2_\omega
          + (\omega - 1)\sum_i \operatorname{sign}(x^{(i)})\ln(1 + |x^{(i)}|),

    the same maximum-likelihood :math:`\omega` as ``scipy.stats.yeojohnson``
    and ``PowerTransformer(method="yeo-johnson", standardize=False)``,
    found by the grid plus golden-section search of :func:`box_cox`.

    Parameters
    ----------
    x : array_like, shape (n_samples,)
    lmbda : float, optional
        Use this :math:`\omega` instead of fitting one.

    Returns
    -------
    y : ndarray, shape (n_samples,), dtype of ``x``
    lmbda : float
    """
    arr, lmbda = _check_power_input(x, "x", lmbda)
    x64 = arr.astype(np.float64)
    if lmbda is None:
        signed_log = float((np.sign(x64) * np.log1p(np.abs(x64))).sum())

        def log_likelihood(lam: float) -> float:
            return _gaussian_profile_log_likelihood(_yeo_johnson_values(x64, lam),
                                                    (lam - 1.0) * signed_log)

        lmbda = _maximize_lambda(log_likelihood)
    return _finish_power(_yeo_johnson_values(x64, lmbda), arr.dtype, lmbda, "x")
