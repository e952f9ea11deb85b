r"""Gradient descent, finite-difference gradients, mini-batches and SGD for linear regression.

The update rule of gradient descent with learning rate :math:`\eta` is

.. math::

    \theta_t = \theta_{t-1} - \eta \, \nabla f(\theta_{t-1}), \qquad t = 1, 2, \dots

:func:`gradient_steps` is that rule alone; :func:`gradient_descent` runs it,
with checks, for a fixed number of steps and returns the whole path, ready to
draw on a contour plot of a surface from :mod:`nnlearn.surfaces`.
:func:`numerical_gradient` is the library's one central-difference gradient
(gradient checks elsewhere import it from here).
:func:`minibatches` and :func:`sgd_linear_regression` compare batch gradient
descent, stochastic gradient descent and mini-batch gradient descent on a
least-squares problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from nnlearn._checks import (
    as_float_array,
    check_bool,
    check_rng,
    check_scalar,
    check_size,
    checked_gradient,
)

__all__ = [
    "numerical_gradient",
    "numerical_hessian",
    "gradient_steps",
    "gradient_descent",
    "minibatches",
    "linear_regression_predict",
    "linear_regression_loss",
    "linear_regression_grad",
    "least_squares",
    "minibatch_gradient_variance",
    "SGDResult",
    "sgd_linear_regression",
]


# ---------------------------------------------------------------------------
# Finite differences
# ---------------------------------------------------------------------------

def _check_callable(f, name: str) -> None:
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {type(f).__name__}")


def _scalar_value(f: Callable, x: np.ndarray) -> float:
    """``f(x)`` as a Python float; ``f`` must return a single number."""
    value = np.asarray(f(x))
    if value.size != 1:
        raise ValueError("f must return a scalar, got an array of shape "
                         f"{value.shape}")
    return float(value.reshape(()))


def numerical_gradient(f: Callable[[np.ndarray], float], x,
                       h: float = 1e-5) -> np.ndarray:
    r"""Gradient of a scalar function by central differences.

    .. math::

        \frac{\partial f}{\partial x_j} \approx
        \frac{f(x + h e_j) - f(x - h e_j)}{2h}

    with :math:`e_j` the :math:`j`-th unit vector. The error is :math:`O(h^2)`
    from truncation plus about :math:`\epsilon_{\text{mach}} |f| / h` from
    rounding (:math:`\epsilon_{\text{mach}}` the machine precision), so with float64 and the default
    ``h`` expect 8 to 10 correct digits. In float32 the rounding term
    dominates: check gradients in float64.

    Parameters
    ----------
    f : callable
        Takes an array of the shape of ``x`` and returns a scalar.
    x : array_like of any shape
        The point. It is not modified; ``f`` receives a perturbed copy.
    h : float, default 1e-5
        Step size, > 0.

    Returns
    -------
    ndarray of the shape and dtype of ``x``
        Costs ``2 * x.size`` calls of ``f``.
    """
    _check_callable(f, "f")
    x = as_float_array(x, "x")
    h = check_scalar(h, "h", low=0.0, low_inclusive=False)
    flat = np.array(x, copy=True).reshape(-1)
    grad = np.empty(flat.size, dtype=x.dtype)
    for i in range(flat.size):   # a loop over coordinates, not samples
        old = flat[i]
        flat[i] = old + h
        f_plus = _scalar_value(f, flat.reshape(x.shape))
        flat[i] = old - h
        f_minus = _scalar_value(f, flat.reshape(x.shape))
        flat[i] = old
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad.reshape(x.shape)


def numerical_hessian(f: Callable[[np.ndarray], float], x, h: float = 1e-4) -> np.ndarray:
    r"""Hessian of a scalar function by central differences.

    .. math::

        \frac{\partial^2 f}{\partial x_j \partial x_k} \approx
        \frac{f(x + h e_j + h e_k) - f(x + h e_j - h e_k)
               - f(x - h e_j + h e_k) + f(x - h e_j - h e_k)}{4h^2}

    Parameters
    ----------
    f : callable
        Takes an array of the shape of ``x`` and returns a scalar.
    x : array_like of any shape
    h : float, default 1e-4
        Step size, > 0. Rounding error grows like :math:`\epsilon_{\text{mach}} |f| / h^2`,
        hence the larger default than :func:`numerical_gradient`.

    Returns
    -------
    ndarray of shape ``x.shape + x.shape``
        Symmetric by construction. Costs about ``2 * x.size**2`` calls of ``f``.
    """
    _check_callable(f, "f")
    x = as_float_array(x, "x")
    h = check_scalar(h, "h", low=0.0, low_inclusive=False)
    if 4.0 * h * h == 0.0:
        raise ValueError(f"h must be large enough that h**2 is not 0 in float64, got {h!r} "
                         f"(use h >= 1e-150; the default 1e-4 is usually best)")
    size = x.size
    base = np.array(x, copy=True).reshape(-1)

    def shifted(i: int, si: float, j: int, sj: float) -> float:
        point = base.copy()
        point[i] += si * h
        point[j] += sj * h
        return _scalar_value(f, point.reshape(x.shape))

    hess = np.empty((size, size), dtype=x.dtype)
    for i in range(size):
        for j in range(i, size):
            hij = (shifted(i, 1, j, 1) - shifted(i, 1, j, -1)
                   - shifted(i, -1, j, 1) + shifted(i, -1, j, -1)) / (4.0 * h * h)
            hess[i, j] = hess[j, i] = hij
    return hess.reshape(x.shape + x.shape)


# ---------------------------------------------------------------------------
# Gradient descent
# ---------------------------------------------------------------------------

def gradient_steps(grad: Callable[[np.ndarray], np.ndarray], theta0,
                   lr: float) -> Iterator[np.ndarray]:
    """The update rule alone: yield theta_1, theta_2, ... on request."""
    theta = theta0
    while True:
        theta = theta - lr * grad(theta)
        yield theta


def gradient_descent(grad: Callable[[np.ndarray], np.ndarray], x0, lr: float,
                     steps: int, noise: float = 0.0, rng=None,
                     max_norm: float = 1e12) -> np.ndarray:
    r"""Run ``steps`` steps of gradient descent and return the path.

    Each step, optionally with noise, is

    .. math::

        \theta_t = \theta_{t-1} - \eta\,\big(\nabla f(\theta_{t-1})
                   + \text{noise}_t\big), \qquad t = 1, 2, \dots,

    where every coordinate of :math:`\text{noise}_t` is drawn from
    :math:`\mathcal{N}(0, s^2)`, with :math:`s` = ``noise`` (0 by default).
    The noise term imitates the error of a gradient estimated from a
    mini-batch instead of the whole data set. The steps themselves are those
    of :func:`gradient_steps`; this function adds the checks, the noise and
    the record of the path.

    On a quadratic with largest Hessian eigenvalue :math:`\lambda_{\max}` the
    iterates converge for :math:`\eta < 2/\lambda_{\max}` and diverge for
    :math:`\eta > 2/\lambda_{\max}`. For convex :math:`f` with
    :math:`\lambda_{\max}`-Lipschitz gradient and :math:`\eta \le 1/\lambda_{\max}`,
    :math:`f(\theta_t) - f^* \le \lVert \theta_0 - \theta^*\rVert^2 / (2\eta t)`.

    Divergence is returned, not raised: the run stops early as soon as an
    iterate has ``max(abs(x)) > max_norm``; that iterate is the last row of
    the path (huge but finite). An iterate or gradient that overflows to
    NaN/infinity also ends the run, without a ``RuntimeWarning``, and is not
    included. So ``len(path) - 1`` is the number of steps actually taken.

    Parameters
    ----------
    grad : callable
        Maps an array of the shape of ``x0`` to the gradient, same shape.
        A surface's ``grad`` method works; because surfaces are vectorized,
        ``x0`` of shape ``(k, 2)`` runs ``k`` independent descents at once.
    x0 : array_like
        Starting point :math:`\theta_0`, any shape; its float dtype is kept.
    lr : float
        Learning rate :math:`\eta > 0`.
    steps : int
        Number of updates, >= 1.
    noise : float, default 0.0
        Standard deviation :math:`s \ge 0` of the Gaussian noise added to
        every gradient coordinate.
    rng : None, int or numpy.random.Generator
        Source of the noise (only used when ``noise > 0``).
    max_norm : float, default 1e12
        Divergence threshold for ``max(abs(x))``.

    Returns
    -------
    path : ndarray of shape ``(steps_taken + 1, *x0.shape)``
        ``path[0] = x0`` and ``path[t]`` is the iterate after ``t`` updates.
    """
    _check_callable(grad, "grad")
    x = np.array(as_float_array(x0, "x0"), copy=True)
    lr = check_scalar(lr, "lr", low=0.0, low_inclusive=False)
    steps = check_size(steps, "steps", per_item=x.size)
    noise = check_scalar(noise, "noise", low=0.0)
    max_norm = check_scalar(max_norm, "max_norm", low=0.0,
                            low_inclusive=False)
    rng = check_rng(rng)

    path = np.empty((steps + 1,) + x.shape, dtype=x.dtype)
    path[0] = x
    iterates = gradient_steps(checked_gradient(grad, x, noise, rng), x, lr)
    # Overflow is how divergence ends: no RuntimeWarning, just
    # a shorter path.
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            x = next(iterates)
            # overflowed: not part of the path
            if not np.all(np.isfinite(x)):
                return path[: t + 1].copy()
            path[t + 1] = x
            if x.size and np.max(np.abs(x)) > max_norm:
                return path[: t + 2].copy()
    return path


# ---------------------------------------------------------------------------
# Mini-batches
# ---------------------------------------------------------------------------

def minibatches(n: int, batch_size: int, rng=None, shuffle: bool = True,
                drop_last: bool = False) -> Iterator[np.ndarray]:
    """Split row indices ``0, ..., n-1`` into mini-batches for an epoch.

    With ``shuffle=True`` the indices are put in a random order (drawn from
    ``rng`` when ``minibatches`` is called), then cut into consecutive
    batches of ``batch_size``. Every index appears exactly once per epoch,
    except that ``drop_last=True`` drops the final batch when it is shorter
    than ``batch_size`` (so ``n % batch_size`` indices are skipped, and
    nothing is yielded when ``batch_size > n``). With ``drop_last=False`` the
    last batch may be shorter.

    Parameters
    ----------
    n : int
        Number of samples, >= 1.
    batch_size : int
        Batch size, >= 1. ``batch_size = n`` gives (full-)batch gradient
        descent, ``batch_size = 1`` stochastic gradient descent.
    rng : None, int or numpy.random.Generator
        Source of the shuffle; a fixed seed gives a reproducible order.
    shuffle : bool, default True
        If False, batches are ``[0..b-1], [b..2b-1], ...`` in order.
    drop_last : bool, default False

    Yields
    ------
    ndarray of int, shape (batch_size,) or shorter for the last batch
        Row indices, e.g. ``X[idx], y[idx]``.
    """
    n = check_size(n, "n")
    batch_size = check_scalar(batch_size, "batch_size", low=1, integer=True)
    rng = check_rng(rng)
    shuffle = check_bool(shuffle, "shuffle")
    drop_last = check_bool(drop_last, "drop_last")
    order = rng.permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    return (order[i:i + batch_size] for i in range(0, stop, batch_size))


# ---------------------------------------------------------------------------
# Linear regression: the model used to compare batch, stochastic and mini-batch GD
# ---------------------------------------------------------------------------

def _check_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X and y must have the same number of rows, "
                         f"got X {X.shape} and y {y.shape}")
    return X, y


def _check_theta(theta, n_features: int, name: str = "theta") -> np.ndarray:
    theta = as_float_array(theta, name)
    if theta.ndim == 0 or theta.shape[-1] != n_features + 1:
        raise ValueError(f"{name} must have shape ({n_features + 1},) or (..., "
                         f"{n_features + 1}) for X with {n_features} features, "
                         f"got {theta.shape}")
    return theta


def _check_rows(rows, n: int) -> np.ndarray | slice:
    if rows is None:
        return slice(None)
    rows = np.asarray(rows)
    if rows.ndim != 1 or rows.size == 0 or not np.issubdtype(rows.dtype, np.integer):
        raise ValueError(f"rows must be a non-empty 1-D array of integer indices, "
                         f"got shape {rows.shape} and dtype {rows.dtype}")
    if rows.min() < 0 or rows.max() >= n:
        raise ValueError(f"rows must lie in [0, {n - 1}], got values from "
                         f"{rows.min()} to {rows.max()}")
    return rows


def _residual(theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The residuals ``y_hat - y`` with ``y_hat = b + X w``.

    Shape ``theta.shape[:-1] + (n,)``.
    """
    return theta[..., :1] + theta[..., 1:] @ X.T - y


def linear_regression_predict(theta, X) -> np.ndarray:
    r"""Predictions :math:`\hat y = b + X w` of a linear model.

    Parameters
    ----------
    theta : array_like of shape (d+1,) or (..., d+1)
        ``theta[0]`` is the intercept :math:`b`, ``theta[1:]`` the weights :math:`w`.
    X : array_like of shape (n, d)
        Rows are samples.

    Returns
    -------
    ndarray of shape ``theta.shape[:-1] + (n,)``
    """
    X = as_float_array(X, "X", ndim=2)
    theta = _check_theta(theta, X.shape[1])
    return theta[..., :1] + theta[..., 1:] @ X.T


def linear_regression_loss(theta, X, y, rows=None) -> np.ndarray:
    r"""Mean squared error of a linear model, optionally on a subset of rows.

    .. math::

        L(\theta) = \frac{1}{B} \sum_{i \in \mathcal{B}} (b + x^{(i)\top} w - y^{(i)})^2

    over the rows :math:`\mathcal{B}` (all rows by default), :math:`B = |\mathcal{B}|`.
    There is no factor 1/2, so the gradient carries a 2 (see :func:`linear_regression_grad`).

    Parameters
    ----------
    theta : array_like of shape (d+1,) or (..., d+1)
        ``theta[0]`` is the intercept :math:`b`, ``theta[1:]`` the weights :math:`w`.
        A stack of parameter vectors gives a stack of losses, so a whole grid
        over :math:`(b, w)` (shape ``(ny, nx, 2)`` for one feature) is evaluated
        at once for a contour plot, and so is a path from
        :func:`sgd_linear_regression`.
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    rows : array_like of int, optional
        Indices of the rows to average over (a mini-batch).

    Returns
    -------
    ndarray of shape ``theta.shape[:-1]`` (a 0-d array for a single ``theta``)
    """
    X, y = _check_data(X, y)
    theta = _check_theta(theta, X.shape[1])
    rows = _check_rows(rows, X.shape[0])
    r = _residual(theta, X[rows], y[rows])
    return np.mean(r * r, axis=-1)


def linear_regression_grad(theta, X, y, rows=None) -> np.ndarray:
    r"""Gradient of ``linear_regression_loss`` with respect to ``theta``.

    With residuals :math:`r^{(i)} = b + x^{(i)\top} w - y^{(i)}` over the rows
    :math:`\mathcal{B}` (:math:`B` of them),

    .. math::

        \frac{\partial L}{\partial b} = \frac{2}{B}\sum_{i \in \mathcal{B}} r^{(i)},
        \qquad
        \frac{\partial L}{\partial w} = \frac{2}{B}\sum_{i \in \mathcal{B}} r^{(i)} x^{(i)}.

    A mini-batch gradient (``rows`` = a batch) is an unbiased estimate of the
    full gradient when the batch is drawn uniformly at random.

    Parameters
    ----------
    theta, X, y, rows
        As in :func:`linear_regression_loss`.

    Returns
    -------
    ndarray of the shape of ``theta``
    """
    X, y = _check_data(X, y)
    theta = _check_theta(theta, X.shape[1])
    rows = _check_rows(rows, X.shape[0])
    return _grad(theta, X[rows], y[rows])


def _grad(theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient of the MSE over the B rows, intercept first, then w.

    ``(2/B) sum r(i)`` for the intercept, ``(2/B) sum r(i) x(i)`` for w.
    """
    r = _residual(theta, X, y)
    scale = 2.0 / X.shape[0]                      # 2 / B
    grad_b = scale * np.sum(r, axis=-1, keepdims=True)
    grad_w = scale * (r @ X)
    return np.concatenate([grad_b, grad_w], axis=-1)


def minibatch_gradient_variance(theta, X, y, batch_size: int) -> float:
    r"""Expected squared error of a mini-batch gradient.

    The gradient is that of the linear-regression MSE.

    Let :math:`\mathbf g^{(i)} = 2 r^{(i)}\,(1, \mathbf x^{(i)})` be the gradient of sample
    :math:`i` alone, :math:`\mathbf g = \frac1N\sum_i \mathbf g^{(i)}` the full
    gradient (:func:`linear_regression_grad`) and :math:`\mathbf g_B` the mean
    over a batch of :math:`B` distinct rows drawn uniformly at random (one
    batch of :func:`minibatches`). Then :math:`\mathbb E[\mathbf g_B] = \mathbf g`
    and

    .. math::

        \mathbb E\,\lVert \mathbf g_B - \mathbf g \rVert^2
        = \frac{s^2}{B}\cdot\frac{N - B}{N - 1},
        \qquad s^2 = \frac1N \sum_{i=1}^N \lVert \mathbf g^{(i)} - \mathbf g\rVert^2 .

    The noise of the gradient estimate falls like :math:`1/\sqrt B` (its square
    root), and vanishes for :math:`B = N` (batch gradient descent). The factor
    :math:`(N-B)/(N-1)` is the finite-population correction for drawing
    without replacement.

    Parameters
    ----------
    theta : array_like of shape (d+1,)
        ``(b, w_1, ..., w_d)``.
    X : array_like of shape (N, d)
    y : array_like of shape (N,)
    batch_size : int
        :math:`B`, between 1 and N.

    Returns
    -------
    float
        :math:`\mathbb E\,\lVert \mathbf g_B - \mathbf g \rVert^2`.
    """
    X, y = _check_data(X, y)
    n, d = X.shape
    theta = _check_theta(theta, d)
    if theta.shape != (d + 1,):
        raise ValueError(f"theta must have shape ({d + 1},), got "
                         f"{theta.shape}")
    batch_size = check_scalar(batch_size, "batch_size", low=1, high=n,
                              integer=True)
    r = _residual(theta, X, y)                                     # (N,)
    per_sample = 2.0 * r[:, None] * np.concatenate(
        [np.ones((n, 1), dtype=X.dtype), X], axis=1)
    spread = np.mean(
        np.sum((per_sample - per_sample.mean(axis=0)) ** 2, axis=1))
    if n == 1:
        return 0.0
    return float(spread / batch_size * (n - batch_size) / (n - 1))


def least_squares(X, y) -> np.ndarray:
    r"""The exact minimizer of the mean squared error, ``theta = (b, w)``.

    Solves :math:`\min_\theta \lVert [\mathbf 1, X]\,\theta - y \rVert^2`
    with ``numpy.linalg.lstsq`` (stable; also fine when :math:`X^\top X` is
    ill-conditioned). The reference answer for the iterative methods.

    Parameters
    ----------
    X : array_like of shape (n, d)
    y : array_like of shape (n,)

    Returns
    -------
    theta : ndarray of shape (d+1,)
        ``theta[0]`` is the intercept.
    """
    X, y = _check_data(X, y)
    design = np.concatenate([np.ones((X.shape[0], 1), dtype=X.dtype), X], axis=1)
    theta, *_ = np.linalg.lstsq(design, y, rcond=None)
    return theta


@dataclass
class SGDResult:
    """What :func:`sgd_linear_regression` records.

    Attributes
    ----------
    theta : ndarray of shape (d+1,)
        Final parameters ``(b, w_1, ..., w_d)``.
    path : ndarray of shape (n_steps + 1, d+1)
        Parameters before the first update and after every update.
    loss : ndarray of shape (n_steps + 1,)
        Full-data mean squared error at every row of ``path``.
    grad_evals : ndarray of int, shape (n_steps + 1,)
        Cumulative number of per-sample gradients computed (0 at the start,
        then ``+ len(batch)`` per update): the fair x-axis for comparing batch
        sizes by cost. After ``e`` full epochs it equals ``e * n``.
    epoch_index : ndarray of int, shape (n_epochs_done + 1,)
        Index into ``path``/``loss`` at the start (0) and at the end of every
        completed epoch.
    diverged : bool
        True if the run stopped early because ``max(abs(theta))`` exceeded
        ``max_norm`` (that update is the last row of ``path``; an update that
        overflowed to NaN/infinity is dropped); then only completed epochs
        are in ``epoch_index``.
    """

    theta: np.ndarray
    path: np.ndarray
    loss: np.ndarray
    grad_evals: np.ndarray
    epoch_index: np.ndarray
    diverged: bool

    @property
    def epoch_loss(self) -> np.ndarray:
        """Full-data loss at the start and after each epoch, shape (n_epochs_done + 1,)."""
        return self.loss[self.epoch_index]


def sgd_linear_regression(X, y, lr: float, epochs: int, batch_size: int,
                          rng=None, theta0=None, shuffle: bool = True,
                          max_norm: float = 1e12) -> SGDResult:
    r"""Fit a linear model by mini-batch gradient descent on the MSE.

    Each epoch shuffles the rows (see :func:`minibatches`) and makes one update
    per batch :math:`B`:

    .. math::

        \theta \leftarrow \theta - \eta\, \nabla_\theta
        L_{\mathcal{B}}(\theta), \qquad
        L_{\mathcal{B}} = \frac{1}{|\mathcal{B}|}
        \sum_{i \in \mathcal{B}}(b + x^{(i)\top} w - y^{(i)})^2.

    ``batch_size = n`` is batch gradient descent (one update per epoch),
    ``batch_size = 1`` stochastic gradient descent (``n`` updates per epoch),
    anything between is mini-batch gradient descent (the last batch of an
    epoch may be shorter). The batch gradient is a mean, so the same ``lr``
    is comparable across batch sizes.

    Parameters
    ----------
    X : array_like of shape (n, d)
        Rows are samples.
    y : array_like of shape (n,)
    lr : float
        Learning rate, > 0.
    epochs : int
        Passes over the data, >= 1.
    batch_size : int
        Between 1 and n.
    rng : None, int or numpy.random.Generator
        Source of the shuffles.
    theta0 : array_like of shape (d+1,), optional
        Starting parameters ``(b, w)``; default zeros.
    shuffle : bool, default True
    max_norm : float, default 1e12
        The run stops (``diverged=True``) once ``max(abs(theta))`` exceeds it.

    Returns
    -------
    SGDResult
        ``path``, ``loss`` and ``grad_evals`` per update, ``epoch_loss`` per epoch.
    """
    X, y = _check_data(X, y)
    n, d = X.shape
    lr = check_scalar(lr, "lr", low=0.0, low_inclusive=False)
    epochs = check_scalar(epochs, "epochs", low=1, integer=True)
    batch_size = check_scalar(batch_size, "batch_size", low=1, high=n,
                              integer=True)
    max_norm = check_scalar(max_norm, "max_norm", low=0.0,
                            low_inclusive=False)
    rng = check_rng(rng)
    shuffle = check_bool(shuffle, "shuffle")
    dtype = np.result_type(X.dtype, y.dtype)
    if theta0 is None:
        theta = np.zeros(d + 1, dtype=dtype)
    else:
        theta = _check_theta(theta0, d, name="theta0")
        if theta.shape != (d + 1,):
            raise ValueError(f"theta0 must have shape ({d + 1},), got "
                             f"{theta.shape}")
        theta = theta.astype(dtype)

    n_steps = epochs * -(-n // batch_size)   # ceil(n / batch_size) per epoch
    path = np.empty((n_steps + 1, d + 1), dtype=dtype)
    loss = np.empty(n_steps + 1, dtype=dtype)
    grad_evals = np.zeros(n_steps + 1, dtype=np.int64)
    epoch_index = [0]
    path[0] = theta
    loss[0] = np.mean(_residual(theta, X, y) ** 2)
    t = 0
    for _ in range(epochs):
        for rows in minibatches(n, batch_size, rng=rng, shuffle=shuffle):
            with np.errstate(over="ignore", invalid="ignore"):
                theta = theta - lr * _grad(theta, X[rows], y[rows])
                step_loss = np.mean(_residual(theta, X, y) ** 2)
            if not np.all(np.isfinite(theta)):   # overflowed: drop this step
                return _stopped(path, loss, grad_evals, epoch_index, t)
            t += 1
            path[t] = theta
            loss[t] = step_loss
            grad_evals[t] = grad_evals[t - 1] + rows.size
            if np.max(np.abs(theta)) > max_norm:
                return _stopped(path, loss, grad_evals, epoch_index, t)
        epoch_index.append(t)
    return SGDResult(theta, path, loss, grad_evals, np.array(epoch_index),
                     False)


def _stopped(path, loss, grad_evals, epoch_index, t: int) -> SGDResult:
    """The record of a diverged run, cut after update ``t``."""
    return SGDResult(path[t].copy(), path[: t + 1].copy(),
                     loss[: t + 1].copy(), grad_evals[: t + 1].copy(),
                     np.array(epoch_index), True)
