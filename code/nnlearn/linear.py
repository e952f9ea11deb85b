r"""Fit a straight line :math:`\hat y = w x + b` by minimizing a chosen loss.

Three fits for the outlier experiment of chapter 2, each a real minimizer of
its own loss over the data (nothing here looks at the "true" line):

* :func:`fit_line_mse` -- mean squared error, closed form;
* :func:`fit_line_mae` -- mean absolute error (least absolute deviations),
  by iteratively reweighted least squares (IRLS);
* :func:`fit_line_huber` -- Huber loss with threshold ``delta``, by IRLS.

All take ``x`` of shape ``(n,)`` or ``(n, 1)`` (the ``X`` of
:func:`nnlearn.datasets.noisy_line` works) and ``y`` of shape ``(n,)``, and
return ``(slope, intercept)`` as Python floats. Residuals are
:math:`r^{(i)} = \hat y^{(i)} - y^{(i)} = w x^{(i)} + b - y^{(i)}`, as in :mod:`nnlearn.losses`.

Each fit works on ``x / u_x`` and ``y / u_y``, with :math:`u_x, u_y` powers of
two near the largest :math:`|x^{(i)}|` and :math:`|y^{(i)}|` (exact divisions), and
converts the line back: slope :math:`w' u_y / u_x`, intercept :math:`b' u_y`.
So data of size :math:`10^{200}` or spacing :math:`10^{-170}` give the same
line as data of size 1 (squares of the raw numbers would overflow or
underflow).
"""

from __future__ import annotations

import numpy as np

from nnlearn._checks import as_float_array, check_scalar
from nnlearn._numeric import power_of_two_unit

__all__ = ["fit_line_huber", "fit_line_mae", "fit_line_mse"]

_SMALLEST_NORMAL = float(np.finfo(np.float64).tiny)


def _check_xy(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Validate the data; return ``x`` as 1-D and ``y`` as 1-D float arrays."""
    x = as_float_array(x, "x", ndim=(1, 2))
    if x.ndim == 2:
        if x.shape[1] != 1:
            raise ValueError(f"x must have shape (n,) or (n, 1), got {x.shape}")
        x = x[:, 0]
    y = as_float_array(y, "y", ndim=1)
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must have the same number of samples, got x with "
                         f"{x.shape[0]} and y with {y.shape[0]}")
    if x.shape[0] < 2 or np.ptp(x) == 0:
        raise ValueError("x must hold at least two different values to fit a line, "
                         f"got {x.shape[0]} sample(s) with range {np.ptp(x) if x.size else 0}")
    return x.astype(np.float64), y.astype(np.float64)


def _units(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Powers of two near ``max |x|`` and ``max |y|``.

    In these units the data are below 2.
    """
    return (power_of_two_unit(np.abs(x).max()),
            power_of_two_unit(np.abs(y).max()))


def _in_original_units(line: tuple[float, float], x_unit: float,
                       y_unit: float) -> tuple[float, float]:
    """Turn a line fitted to scaled data back into one for ``(x, y)``.

    The scaled data are ``(x / x_unit, y / y_unit)``.
    """
    slope, intercept = line
    # Python floats: inf, no warning
    return slope * (y_unit / x_unit), intercept * y_unit


def _weighted_line(x: np.ndarray, y: np.ndarray,
                   weights: np.ndarray) -> tuple[float, float]:
    """The weighted least-squares line ``(slope, intercept)``.

    It minimizes ``sum(weights * (slope * x + intercept - y) ** 2)`` for
    ``weights > 0``.
    """
    weights = weights / weights.sum()
    x_bar, y_bar = weights @ x, weights @ y
    dx = x - x_bar
    slope = (weights * dx) @ (y - y_bar) / ((weights * dx) @ dx)
    return float(slope), float(y_bar - slope * x_bar)


def fit_line_mse(x, y) -> tuple[float, float]:
    r"""The line that minimizes the mean squared error, in closed form.

    Setting both partial derivatives of
    :math:`L(w, b) = \frac1N \sum_i (w x^{(i)} + b - y^{(i)})^2` to zero gives

    .. math:: w = \frac{\sum_i (x^{(i)} - \bar x)(y^{(i)} - \bar y)}{\sum_i (x^{(i)} - \bar x)^2},
              \qquad b = \bar y - w \bar x

    with :math:`\bar x, \bar y` the means. (This is ordinary least squares, the
    same line as ``numpy.polyfit(x, y, 1)``.)

    Parameters
    ----------
    x : array_like, shape (n,) or (n, 1)
        Inputs; at least two different values.
    y : array_like, shape (n,)
        Targets.

    Returns
    -------
    (float, float)
        ``(slope, intercept)``.
    """
    x, y = _check_xy(x, y)
    xu, yu = _units(x, y)
    return _in_original_units(
        _weighted_line(x / xu, y / yu, np.ones_like(x)), xu, yu)


def _irls(x: np.ndarray, y: np.ndarray, floor: float, max_iter: int,
          tol: float) -> tuple[float, float]:
    r"""Weighted least-squares fits, repeated with new weights.

    The weights are 1 / max(|residual|, floor).

    The residuals are those of the previous line. The weights are used times
    ``floor`` (in ``(0, 1]``, the same fit): a tiny floor cannot overflow
    ``1 / floor``.
    """
    floor = max(floor, _SMALLEST_NORMAL)
    slope, intercept = _weighted_line(x, y, np.ones_like(x))
    for _ in range(max_iter):
        r = slope * x + intercept - y
        weights = floor / np.maximum(np.abs(r), floor)
        new_slope, new_intercept = _weighted_line(x, y, weights)
        step = (abs(new_slope - slope) * np.ptp(x)
                + abs(new_intercept - intercept))
        slope, intercept = new_slope, new_intercept
        if step <= tol * (1.0 + np.abs(y).max()):
            break
    return slope, intercept


def _best_line_through_pairs(x: np.ndarray, y: np.ndarray, slope: float,
                             intercept: float,
                             k: int = 6) -> tuple[float, float]:
    """The line with the smallest sum of |r| among a few lines.

    They are the given line and those through two of the ``k`` points
    nearest to it.
    """
    near = np.argsort(np.abs(slope * x + intercept - y))[:k]
    i, j = np.triu_indices(near.size, 1)
    i, j = near[i], near[j]
    keep = x[i] != x[j]
    i, j = i[keep], j[keep]
    slopes = np.r_[slope, (y[j] - y[i]) / (x[j] - x[i])]
    intercepts = np.r_[intercept, y[i] - slopes[1:] * x[i]]
    cost = np.abs(
        slopes[:, None] * x + intercepts[:, None] - y).sum(axis=1)
    best = int(np.argmin(cost))
    return float(slopes[best]), float(intercepts[best])


def fit_line_mae(x, y, *, max_iter: int = 500,
                 tol: float = 1e-12) -> tuple[float, float]:
    r"""The line that minimizes the mean absolute error.

    This is also called least absolute deviations.

    :math:`L(w, b) = \frac1N \sum_i |r^{(i)}|` with :math:`r^{(i)} = w x^{(i)} + b - y^{(i)}`
    has no closed-form minimizer. Iteratively reweighted least squares (IRLS)
    finds it: for any :math:`\tilde r \ne 0`,

    .. math:: |r| \le \frac{r^2}{2|\tilde r|} + \frac{|\tilde r|}{2}
              \quad\text{with equality at } r = \tilde r

    (this is :math:`(|r| - |\tilde r|)^2 \ge 0`). So with the residuals
    :math:`\tilde r^{(i)}` of the current line, the weighted least-squares problem
    :math:`\min_{w,b} \sum_i (r^{(i)})^2 / |\tilde r^{(i)}|` minimizes an upper bound of
    :math:`\sum_i |r^{(i)}|` that touches it at the current line: each new line has
    a sum of absolute residuals no larger than the last. Starting from the
    least-squares line, repeat until the line stops moving.

    A residual that reaches 0 would get an infinite weight; weights are capped
    at 1 / ``floor`` with ``floor`` :math:`= 10^{-9}\,(1 + \max_i |y^{(i)}| / u_y)\,u_y`
    (:math:`u_y` the unit of ``y``, see the module), which changes the
    minimized loss by at most ``floor / 2`` per point.

    IRLS gets close fast but its last digits come slowly. Some minimizer of
    the MAE passes exactly through two data points (a vertex of the equivalent
    linear program), so the lines through pairs of the six points nearest the
    IRLS line are compared with it at the end and the best one is returned.
    The minimizer is not always unique; any line with the minimal loss is a
    correct answer.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, 1)
        Inputs; at least two different values.
    y : array_like, shape (n,)
        Targets.
    max_iter : int, default 500
        Upper limit on the number of reweighting steps.
    tol : float, default 1e-12
        Stop when the line moves by less than ``tol * (1 + max |y| / u_y) * u_y``
        (slope change times the range of ``x`` plus intercept change).

    Returns
    -------
    (float, float)
        ``(slope, intercept)``.
    """
    x, y = _check_xy(x, y)
    max_iter = check_scalar(max_iter, "max_iter", low=1, integer=True)
    tol = check_scalar(tol, "tol", low=0.0)
    xu, yu = _units(x, y)
    x, y = x / xu, y / yu
    floor = 1e-9 * (1.0 + float(np.abs(y).max()))
    slope, intercept = _irls(x, y, floor, max_iter, tol)
    return _in_original_units(
        _best_line_through_pairs(x, y, slope, intercept), xu, yu)


def fit_line_huber(x, y, *, delta: float = 1.0, max_iter: int = 500,
                   tol: float = 1e-12) -> tuple[float, float]:
    r"""The line minimizing the mean Huber loss with threshold delta.

    :math:`L(w, b) = \frac1N \sum_i \operatorname{huber}_\tau(r^{(i)})` with
    :math:`\operatorname{huber}_\tau` the Huber loss (:func:`nnlearn.losses.huber`).
    At the minimum the gradient is 0:

    .. math:: \sum_i \operatorname{clip}(r^{(i)}, -\tau, \tau)
              \begin{pmatrix} x^{(i)} \\ 1 \end{pmatrix} = \mathbf 0 .

    Writing :math:`\operatorname{clip}(r^{(i)}, -\tau, \tau)` as :math:`r^{(i)}`
    times the weight :math:`\min(1, \tau / |r^{(i)}|)` turns this into the normal
    equations of a weighted least-squares fit.
    IRLS alternates "compute weights from the current residuals" and "solve
    the weighted least-squares problem". Points with :math:`|r^{(i)}| \le \tau`
    keep weight 1 (they count as in MSE); far points get weight
    :math:`\tau/|r^{(i)}|`, so their pull is capped at :math:`\tau`. As with
    :func:`fit_line_mae` each step minimizes an upper bound of the loss that
    touches it at the current line, so the loss never increases; the Huber
    loss is convex, so the limit is the minimizer.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, 1)
        Inputs; at least two different values.
    y : array_like, shape (n,)
        Targets.
    delta : float, default 1.0
        The threshold :math:`\tau` between the quadratic and the linear part, > 0 (in the
        units of ``y``).
    max_iter : int, default 500
        Upper limit on the number of reweighting steps.
    tol : float, default 1e-12
        Stop when the line moves by less than ``tol * (1 + max |y| / u_y) * u_y``.

    Returns
    -------
    (float, float)
        ``(slope, intercept)``.
    """
    x, y = _check_xy(x, y)
    delta = check_scalar(delta, "delta", low=0.0, low_inclusive=False)
    max_iter = check_scalar(max_iter, "max_iter", low=1, integer=True)
    tol = check_scalar(tol, "tol", low=0.0)
    xu, yu = _units(x, y)
    # weight 1 / max(|r|, delta) is min(1, delta / |r|) divided by delta
    # (delta in y's unit)
    return _in_original_units(
        _irls(x / xu, y / yu, delta / yu, max_iter, tol), xu, yu)
