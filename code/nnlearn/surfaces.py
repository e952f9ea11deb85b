r"""Test surfaces for gradient descent: values, gradients and Hessians in closed form.

Every surface is a small object with three methods,

* ``value(x)`` (also ``surface(x)``): :math:`f(x)`,
* ``grad(x)``: :math:`\nabla f(x)`,
* ``hessian(x)``: :math:`\nabla^2 f(x)`,

and a few attributes a figure needs: ``bounds`` (default plot window),
``start`` (a suggested starting point) and the known critical points
``minima``, ``saddles`` and ``maxima`` (arrays of shape ``(k, 2)``, possibly
empty).

The methods are vectorized over points. ``x`` has shape ``(d,)`` for one
point or ``(..., d)`` for many (``d = 2`` except for :class:`Quadratic`,
which works in any dimension). With ``x`` of shape ``(...,  d)``:

==============  ====================
method          result shape
==============  ====================
``value``       ``(...)``
``grad``        ``(..., d)``
``hessian``     ``(..., d, d)``
==============  ====================

So a whole grid of shape ``(ny, nx, 2)`` is evaluated at once, and so is a
gradient-descent path of shape ``(steps + 1, 2)``. The dtype follows ``x``
(float32 in, float32 out). Far outside the plot window (say on the path of a
diverging run) a value may overflow to ``inf`` (or ``nan``); that is returned
without a ``RuntimeWarning``. :func:`grid` builds the ``X, Y, Z`` arrays for a
contour or surface plot.

Example
-------
>>> from nnlearn.surfaces import Rosenbrock, grid
>>> f = Rosenbrock()
>>> X, Y, Z = grid(f, n=201)          # Z[i, j] = f((X[i, j], Y[i, j]))
>>> f.minima                          # the minimum (a, a^2)
array([[1., 1.]])
>>> f.value([[0.0, 0.0], [1.0, 1.0]])  # many points at once
array([1., 0.])
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_bounds, check_scalar, check_size

__all__ = [
    "Surface",
    "Quadratic",
    "Rosenbrock",
    "Himmelblau",
    "Saddle",
    "MultiMinima",
    "classify_critical_point",
    "mesh",
    "grid",
]


def _points(rows) -> np.ndarray:
    """A list of 2-D points as a float64 array of shape ``(k, 2)`` (also when empty)."""
    return np.asarray(rows, dtype=np.float64).reshape(-1, 2)


class Surface:
    r"""Base class: a smooth function :math:`f : \mathbb{R}^d \to \mathbb{R}`.

    Subclasses implement ``_value``, ``_grad`` and ``_hessian`` for a float
    array of shape ``(..., d)``; the public methods check the input and keep
    its dtype.

    Attributes
    ----------
    name : str
        A short label for legends and titles.
    dim : int
        The dimension ``d`` of a point.
    bounds : ((float, float), (float, float))
        Default plot window ``((xmin, xmax), (ymin, ymax))`` (2-D surfaces).
    start : ndarray of shape (d,)
        A suggested starting point for descent demonstrations.
    minima, saddles, maxima : ndarray of shape (k, d)
        Known critical points of each kind (``k`` may be 0).
    """

    name = "surface"
    dim = 2

    def __init__(self, bounds, start) -> None:
        self.bounds = check_bounds(bounds)
        start = as_float_array(start, "start", ndim=1)
        if start.shape != (self.dim,):
            raise ValueError(f"start must have shape ({self.dim},), got {start.shape}")
        self.start = start.astype(np.float64)
        self.minima = np.zeros((0, self.dim))
        self.saddles = np.zeros((0, self.dim))
        self.maxima = np.zeros((0, self.dim))

    # -- public, checked ------------------------------------------------------
    def value(self, x) -> np.ndarray:
        """:math:`f(x)` for ``x`` of shape ``(..., d)``; returns shape ``(...)``."""
        x = self._check_x(x)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(self._value(x), dtype=x.dtype)

    def __call__(self, x) -> np.ndarray:
        """Same as :meth:`value`."""
        return self.value(x)

    def grad(self, x) -> np.ndarray:
        r""":math:`\nabla f(x)` for ``x`` of shape ``(..., d)``; returns shape ``(..., d)``."""
        x = self._check_x(x)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(self._grad(x), dtype=x.dtype)

    def hessian(self, x) -> np.ndarray:
        r""":math:`\nabla^2 f(x)`, shape ``(..., d, d)``, for ``x`` of shape ``(..., d)``."""
        x = self._check_x(x)
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(self._hessian(x), dtype=x.dtype)

    @property
    def minimum_values(self) -> np.ndarray:
        """:math:`f` at each point of ``minima``, shape ``(k,)``."""
        return self.value(self.minima)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    # -- helpers --------------------------------------------------------------
    def _check_x(self, x) -> np.ndarray:
        x = as_float_array(x, "x")
        if x.ndim == 0 or x.shape[-1] != self.dim:
            raise ValueError(f"x must have shape ({self.dim},) or (..., {self.dim}), "
                             f"got shape {x.shape}")
        return x

    def _newton(self, points: np.ndarray, iters: int = 30) -> np.ndarray:
        """Refine approximate critical points with Newton's method (vectorized)."""
        x = np.array(points, dtype=np.float64).reshape(-1, self.dim)
        for _ in range(iters):
            step = np.linalg.solve(self._hessian(x), self._grad(x)[..., None])[..., 0]
            x = x - step
        return x

    def _value(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def _grad(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def _hessian(self, x):  # pragma: no cover - abstract
        raise NotImplementedError


def _stack_hessian(hxx, hxy, hyy) -> np.ndarray:
    """Assemble ``[[hxx, hxy], [hxy, hyy]]`` into shape ``(..., 2, 2)``."""
    hxx, hxy, hyy = np.broadcast_arrays(hxx, hxy, hyy)
    row0 = np.stack([hxx, hxy], axis=-1)
    row1 = np.stack([hxy, hyy], axis=-1)
    return np.stack([row0, row1], axis=-2)


class Quadratic(Surface):
    r"""The quadratic bowl :math:`f(x) = \tfrac12 x^\top \mathbf H x - b^\top x + c`.

    ``H`` is the bowl's Hessian :math:`\mathbf H`, ``b`` its linear term and
    ``c`` its constant term. With :math:`\mathbf H` symmetric positive definite
    the bowl has a single minimizer :math:`x^* = \mathbf H^{-1} b` with value
    :math:`f^* = c - \tfrac12 b^\top x^*`, so that
    :math:`f(x) = \tfrac12 (x - x^*)^\top \mathbf H (x - x^*) + f^*`, the form
    the book writes; :math:`\nabla f(x) = \mathbf H x - b = \mathbf H (x - x^*)`.
    Its largest and smallest curvatures are the eigenvalues
    :math:`\lambda_{\max}` and :math:`\lambda_{\min}` of :math:`\mathbf H`
    (attributes ``lambda_max`` and ``lambda_min``). Gradient descent converges
    for :math:`0 < \eta < 2/\lambda_{\max}` and diverges for
    :math:`\eta > 2/\lambda_{\max}`.

    Parameters
    ----------
    H : array_like of shape (d, d)
        Symmetric positive-definite matrix, the Hessian (``d >= 1``).
    b : array_like of shape (d,), optional
        Linear term; default zeros (minimizer at the origin).
    c : float, default 0.0
        Constant term.
    bounds : ((xmin, xmax), (ymin, ymax)), optional
        Plot window (2-D only); default the minimizer :math:`\pm 3`.
    start : array_like of shape (d,), optional
        Suggested start; default ``minimizer + (-2.5, 2, -2.5, 2, ...)``.

    Attributes
    ----------
    H : ndarray of shape (d, d)
        The Hessian :math:`\mathbf H` (symmetrized).
    minimizer : ndarray of shape (d,)
        :math:`x^*`.
    min_value : float
        :math:`f^*`.
    lambda_max : float
        Largest eigenvalue of ``H``, :math:`\lambda_{\max}` in the book.
    lambda_min : float
        Smallest eigenvalue of ``H``, :math:`\lambda_{\min}` in the book.
    condition_number : float
        :math:`\kappa = \lambda_{\max} / \lambda_{\min}` (``lambda_max / lambda_min``).
    """

    name = "quadratic"

    def __init__(self, H, b=None, c: float = 0.0, bounds=None, start=None) -> None:
        H = as_float_array(H, "H", ndim=2).astype(np.float64)
        if H.shape[0] != H.shape[1] or H.shape[0] < 1:
            raise ValueError(f"H must be a square matrix, got shape {H.shape}")
        if not np.allclose(H, H.T, rtol=1e-10, atol=1e-12):
            raise ValueError("H must be symmetric")
        d = H.shape[0]
        eig = np.linalg.eigvalsh(H)
        if eig[0] <= 0:
            raise ValueError(f"H must be positive definite, got smallest eigenvalue {eig[0]:.3g}")
        b = np.zeros(d) if b is None else as_float_array(b, "b").astype(np.float64)
        if b.shape != (d,):
            raise ValueError(f"b must have shape ({d},) to match H {H.shape}, got {b.shape}")
        self.dim = d
        self.H = 0.5 * (H + H.T)
        self.b = b
        self.c = check_scalar(c, "c")
        self.lambda_max = float(eig[-1])
        self.lambda_min = float(eig[0])
        self.condition_number = self.lambda_max / self.lambda_min
        self.minimizer = np.linalg.solve(self.H, self.b)
        self.min_value = float(self.c - 0.5 * self.b @ self.minimizer)
        if bounds is None:
            m = np.resize(self.minimizer, 2)
            bounds = ((m[0] - 3.0, m[0] + 3.0), (m[1] - 3.0, m[1] + 3.0))
        if start is None:
            start = self.minimizer + np.where(np.arange(d) % 2 == 0, -2.5, 2.0)
        super().__init__(bounds, start)
        self.minima = self.minimizer[None, :].copy()

    @classmethod
    def from_eigenvalues(cls, lambda_max: float, lambda_min: float, angle: float = 0.0,
                         minimizer=(0.0, 0.0), **kwargs) -> Quadratic:
        r"""A 2-D bowl with curvatures ``lambda_max >= lambda_min > 0``, axes turned by ``angle``.

        The Hessian :math:`\mathbf H` has the eigenvalue :math:`\lambda_{\max}`
        along :math:`(\cos\,\text{angle}, \sin\,\text{angle})` and :math:`\lambda_{\min}`
        along the perpendicular direction, and :math:`b = \mathbf H x^*` so the
        minimizer is ``minimizer``. Handy for showing how the condition number
        :math:`\kappa = \lambda_{\max}/\lambda_{\min}` shapes the path of gradient
        descent.
        """
        lambda_max = check_scalar(lambda_max, "lambda_max", low=0.0, low_inclusive=False)
        lambda_min = check_scalar(lambda_min, "lambda_min", low=0.0, low_inclusive=False)
        if lambda_min > lambda_max:
            raise ValueError(f"lambda_min must be <= lambda_max, got lambda_min={lambda_min!r} "
                             f"and lambda_max={lambda_max!r}")
        if lambda_max / lambda_min > 1e12:  # beyond, rounding makes H's smaller eigenvalue <= 0
            raise ValueError(f"lambda_max / lambda_min must be at most 1e12 for H to be positive "
                             f"definite in float64, got lambda_max={lambda_max!r} and "
                             f"lambda_min={lambda_min!r}")
        angle = check_scalar(angle, "angle")
        xstar = as_float_array(minimizer, "minimizer", ndim=1)
        if xstar.shape != (2,):
            raise ValueError(f"minimizer must have shape (2,), got {xstar.shape}")
        cos, sin = np.cos(angle), np.sin(angle)
        rotation = np.array([[cos, -sin], [sin, cos]])
        H = rotation @ np.diag([lambda_max, lambda_min]) @ rotation.T
        return cls(H, b=H @ xstar, **kwargs)

    @classmethod
    def from_linear_regression(cls, X, y, **kwargs) -> Quadratic:
        r"""The mean squared error of a linear model, as a quadratic bowl in its parameters.

        The parameters are ``theta = (intercept, weights)``. With
        :math:`\tilde X = [\mathbf 1, X]`, the inputs with a column of ones in
        front (shape ``(N, d+1)``),

        .. math::

            \frac1N \lVert \tilde X\theta - y\rVert^2
            = \tfrac12 \theta^\top \mathbf H \theta - b^\top \theta + c,
            \qquad \mathbf H = \tfrac2N \tilde X^\top \tilde X,\quad
            b = \tfrac2N \tilde X^\top y,\quad c = \tfrac1N y^\top y,

        the loss of :func:`nnlearn.descent.linear_regression_loss`. So the
        curvatures :math:`\lambda_{\max}` and :math:`\lambda_{\min}` (and the
        condition number) of a regression problem can be read off its data, and
        the bowl can be drawn with the contour figures of
        :mod:`nnlearn.viz.landscape`.

        Parameters
        ----------
        X : array_like of shape (N, d)
            Rows are samples; :math:`\tilde X` must have full column rank (else
            ``H`` is only semi-definite and ``ValueError`` is raised).
        y : array_like of shape (N,)
        **kwargs
            ``bounds`` and ``start``, as for :class:`Quadratic`.
        """
        X = as_float_array(X, "X", ndim=2).astype(np.float64)
        y = as_float_array(y, "y", ndim=1).astype(np.float64)
        if X.shape[0] != y.shape[0]:
            raise ValueError(f"X and y must have the same number of rows, "
                             f"got X {X.shape} and y {y.shape}")
        n = X.shape[0]
        ones_x = np.concatenate([np.ones((n, 1)), X], axis=1)
        with np.errstate(over="ignore", invalid="ignore"):
            H = (2.0 / n) * ones_x.T @ ones_x
            b, c = (2.0 / n) * ones_x.T @ y, float(y @ y) / n
        if not (np.isfinite(H).all() and np.isfinite(b).all() and np.isfinite(c)):
            raise ValueError("X and y are too large for the loss's coefficients: "
                             "2/N X^T X, 2/N X^T y or y^T y / N overflow float64; rescale X and y")
        if np.linalg.eigvalsh(H)[0] <= 1e-12 * np.abs(H).max():
            raise ValueError("X must have linearly independent columns that are not constant "
                             "(the loss has no unique minimizer)")
        return cls(H, b=b, c=c, **kwargs)

    def __repr__(self) -> str:
        return (f"Quadratic(d={self.dim}, lambda_max={self.lambda_max:.4g}, "
                f"lambda_min={self.lambda_min:.4g})")

    def _value(self, x):
        H = self.H.astype(x.dtype, copy=False)
        b = self.b.astype(x.dtype, copy=False)
        return 0.5 * np.sum((x @ H) * x, axis=-1) - x @ b + x.dtype.type(self.c)

    def _grad(self, x):
        return x @ self.H.astype(x.dtype, copy=False) - self.b.astype(x.dtype, copy=False)

    def _hessian(self, x):
        return np.broadcast_to(self.H.astype(x.dtype, copy=False), x.shape + (self.dim,)).copy()


class Rosenbrock(Surface):
    r"""Rosenbrock's banana valley, with one minimum at the end of a curved valley.

    .. math::

        f(\theta) = (\texttt{a} - \theta_1)^2 + \texttt{b}\,(\theta_2 - \theta_1^2)^2,

    where ``a`` and ``b`` are the two parameters (typewriter type in the formulas).
    The single minimum is :math:`(\texttt{a}, \texttt{a}^2)` with value 0, at
    the end of a long, curved, flat-bottomed valley where plain gradient
    descent crawls.

    .. math::

        \nabla f = \begin{pmatrix} -2(\texttt{a} - \theta_1)
        - 4 \texttt{b}\, \theta_1 (\theta_2 - \theta_1^2) \\
        2 \texttt{b}\, (\theta_2 - \theta_1^2) \end{pmatrix},

    .. math::

        \nabla^2 f = \begin{pmatrix}
        2 - 4 \texttt{b}\, \theta_2 + 12 \texttt{b}\, \theta_1^2 & -4 \texttt{b}\, \theta_1 \\
        -4 \texttt{b}\, \theta_1 & 2 \texttt{b} \end{pmatrix}.

    Parameters
    ----------
    a : float, default 1.0
    b : float, default 100.0
        Must be positive (the steepness of the valley walls).
    bounds, start : optional
        Default window ``((a-3, a+1), (a^2-2, a^2+2))`` and start ``(a - 2.2, a^2)``,
        i.e. ``(-1.2, 1)`` for ``a = 1``.
    """

    name = "Rosenbrock"

    def __init__(self, a: float = 1.0, b: float = 100.0, bounds=None, start=None) -> None:
        self.a = check_scalar(a, "a")
        self.b = check_scalar(b, "b", low=0.0, low_inclusive=False)
        a = self.a
        if not np.isfinite(a * a):
            raise ValueError(f"a must be at most about 1.3e154 in size, so that the "
                             f"minimum (a, a^2) is finite in float64, got {a!r}")
        if bounds is None:
            bounds = ((a - 3.0, a + 1.0), (a * a - 2.0, a * a + 2.0))
            try:
                check_bounds(bounds)
            except ValueError:            # a^2 +- 2 (or a +- 2) rounds to the same float
                raise ValueError(f"a={a!r} is too large for the default window "
                                 f"((a-3, a+1), (a^2-2, a^2+2)), which has zero width in "
                                 f"float64: pass bounds, or use |a| <= 1e8") from None
        if start is None:
            start = (a - 2.2, a * a)
        super().__init__(bounds, start)
        self.minima = _points([[a, a * a]])

    def __repr__(self) -> str:
        return f"Rosenbrock(a={self.a:g}, b={self.b:g})"

    def _value(self, x):
        u, v = x[..., 0], x[..., 1]
        return (self.a - u) ** 2 + self.b * (v - u**2) ** 2

    def _grad(self, x):
        u, v = x[..., 0], x[..., 1]
        gu = -2.0 * (self.a - u) - 4.0 * self.b * u * (v - u**2)
        gv = 2.0 * self.b * (v - u**2)
        return np.stack([gu, gv], axis=-1)

    def _hessian(self, x):
        u, v = x[..., 0], x[..., 1]
        huu = 2.0 - 4.0 * self.b * v + 12.0 * self.b * u**2
        huv = -4.0 * self.b * u
        hvv = np.full_like(u, 2.0 * self.b)
        return _stack_hessian(huu, huv, hvv)


class Himmelblau(Surface):
    r"""Himmelblau's function, with four minima of equal value.

    .. math::

        f(\theta) = (\theta_1^2 + \theta_2 - 11)^2 + (\theta_1 + \theta_2^2 - 7)^2.

    Four minima of equal value 0, at :math:`(3, 2)` and approximately
    :math:`(-2.8051, 3.1313)`, :math:`(-3.7793, -3.2832)`,
    :math:`(3.5844, -1.8481)`; four saddle points and one local maximum near
    :math:`(-0.2708, -0.9230)`. Which minimum gradient descent reaches depends
    on where it starts. The listed points are polished with Newton's method to
    full precision.

    .. math::

        \nabla f = \begin{pmatrix}
        4\theta_1 (\theta_1^2 + \theta_2 - 11) + 2 (\theta_1 + \theta_2^2 - 7) \\
        2 (\theta_1^2 + \theta_2 - 11) + 4\theta_2 (\theta_1 + \theta_2^2 - 7)
        \end{pmatrix},

    .. math::

        \nabla^2 f = \begin{pmatrix}
        12\theta_1^2 + 4\theta_2 - 42 & 4(\theta_1 + \theta_2) \\
        4(\theta_1 + \theta_2) & 4\theta_1 + 12\theta_2^2 - 26
        \end{pmatrix}.
    """

    name = "Himmelblau"

    _MINIMA = [[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186],
               [3.584428, -1.848126]]
    _SADDLES = [[0.086677, 2.884254], [-3.073026, -0.081353], [3.385154, 0.073852],
                [-0.127961, -1.953715]]
    _MAXIMA = [[-0.270845, -0.923039]]

    def __init__(self, bounds=((-5.0, 5.0), (-5.0, 5.0)), start=(-0.5, 0.5)) -> None:
        super().__init__(bounds, start)
        self.minima = self._newton(_points(self._MINIMA))
        self.saddles = self._newton(_points(self._SADDLES))
        self.maxima = self._newton(_points(self._MAXIMA))

    def _value(self, x):
        u, v = x[..., 0], x[..., 1]
        return (u**2 + v - 11.0) ** 2 + (u + v**2 - 7.0) ** 2

    def _grad(self, x):
        u, v = x[..., 0], x[..., 1]
        p = u**2 + v - 11.0
        q = u + v**2 - 7.0
        return np.stack([4.0 * u * p + 2.0 * q, 2.0 * p + 4.0 * v * q], axis=-1)

    def _hessian(self, x):
        u, v = x[..., 0], x[..., 1]
        p = u**2 + v - 11.0
        q = u + v**2 - 7.0
        return _stack_hessian(4.0 * p + 8.0 * u**2 + 2.0, 4.0 * (u + v),
                              2.0 + 4.0 * q + 8.0 * v**2)


class Saddle(Surface):
    r"""The saddle :math:`f(\theta) = \theta_1^2 - \theta_2^2 + \text{quartic}\cdot\theta_2^4`.

    With ``quartic = 0`` (default) this is the textbook saddle: the origin
    is a critical point whose Hessian :math:`\mathrm{diag}(2, -2)` has one
    positive and one negative eigenvalue, and :math:`f` is unbounded below
    along the :math:`\theta_2`-axis. With ``quartic > 0`` the walls curl up and
    two minima appear at :math:`(0, \pm 1/\sqrt{2\cdot\text{quartic}})` with
    value :math:`-1/(4\cdot\text{quartic})`, so a run that escapes the saddle
    has somewhere to go.

    :math:`\nabla f = (2\theta_1,\; -2\theta_2 + 4\cdot\text{quartic}\cdot\theta_2^3)`,
    :math:`\nabla^2 f = \mathrm{diag}(2,\; -2 + 12\cdot\text{quartic}\cdot\theta_2^2)`.

    Gradient descent started exactly on the :math:`\theta_1`-axis converges to
    the saddle; any component along :math:`\theta_2` grows by a factor
    :math:`1 + 2\eta` per step, so a tiny offset or a little gradient noise
    lets it escape.

    Parameters
    ----------
    quartic : float, default 0.0
        The coefficient of :math:`\theta_2^4`, >= 0.
    bounds, start : optional
        Default window ``((-2, 2), (-2, 2))`` and start ``(-1.8, 0.001)``.
    """

    name = "saddle"

    def __init__(self, quartic: float = 0.0, bounds=((-2.0, 2.0), (-2.0, 2.0)),
                 start=(-1.8, 0.001)) -> None:
        self.quartic = check_scalar(quartic, "quartic", low=0.0)
        super().__init__(bounds, start)
        self.saddles = _points([[0.0, 0.0]])
        if self.quartic > 0:
            y = 1.0 / np.sqrt(2.0 * self.quartic)
            self.minima = _points([[0.0, -y], [0.0, y]])

    def __repr__(self) -> str:
        return f"Saddle(quartic={self.quartic:g})"

    def _value(self, x):
        u, v = x[..., 0], x[..., 1]
        return u**2 - v**2 + self.quartic * v**4

    def _grad(self, x):
        u, v = x[..., 0], x[..., 1]
        return np.stack([2.0 * u, -2.0 * v + 4.0 * self.quartic * v**3], axis=-1)

    def _hessian(self, x):
        u, v = x[..., 0], x[..., 1]
        return _stack_hessian(np.full_like(u, 2.0), np.zeros_like(u),
                              -2.0 + 12.0 * self.quartic * v**2)


class MultiMinima(Surface):
    r"""Gaussian wells on a bowl: a smooth landscape with several local minima.

    .. math::

        f(\theta) = \frac{\text{bowl}}{2}\lVert \theta\rVert^2
               - \sum_{k} \text{well}_k(\theta),

    .. math::

        \text{well}_k(\theta) = \text{depth}_k
        \exp\Big(-\frac{\lVert \theta - \text{center}_k\rVert^2}{2\,\text{width}_k^2}\Big),

    with the arguments ``bowl``, ``depths``, ``centers`` and ``widths``. Then

    .. math::

        \nabla f = \text{bowl}\cdot\theta + \sum_k \frac{\text{well}_k}{\text{width}_k^2}
                   (\theta - \text{center}_k),

    .. math::

        \nabla^2 f = \text{bowl}\cdot I + \sum_k \frac{\text{well}_k}{\text{width}_k^2}
                      \Big(I - \frac{(\theta - \text{center}_k)(\theta - \text{center}_k)^\top}
                      {\text{width}_k^2}\Big).

    The defaults give four minima of clearly different depth (about -1.62,
    -1.16, -0.60, -0.22), and the default start sends plain gradient descent
    into a shallow one, away from the global minimum.

    The minima are not known in closed form: they are located at construction
    by running gradient descent from every well centre, refined with Newton's
    method, and kept if the Hessian is positive definite (duplicates removed).
    ``minima`` is sorted from deepest to shallowest, so ``minima[0]`` is the
    global minimum.

    Parameters
    ----------
    centers : array_like of shape (k, 2), optional
    depths : array_like of shape (k,), optional
        Positive well depths.
    widths : array_like of shape (k,), optional
        Positive well widths (standard deviations).
    bowl : float, default 0.1
        Bowl strength, > 0; keeps :math:`f` bounded below.
    bounds, start : optional
        Default window ``((-5, 5), (-5, 5))`` and start ``(3.8, 3.6)``.
    """

    name = "multi-minima"

    def __init__(self, centers=((-2.0, 2.0), (2.5, 1.5), (1.0, -2.5), (-2.5, -2.0)),
                 depths=(2.0, 1.0, 1.5, 0.7), widths=(1.0, 0.8, 0.9, 0.7), bowl: float = 0.1,
                 bounds=((-5.0, 5.0), (-5.0, 5.0)), start=(3.8, 3.6)) -> None:
        centers = as_float_array(centers, "centers", ndim=2).astype(np.float64)
        if centers.shape[1] != 2 or centers.shape[0] < 1:
            raise ValueError(f"centers must have shape (k, 2) with k >= 1, got {centers.shape}")
        k = centers.shape[0]
        depths = as_float_array(depths, "depths", ndim=1).astype(np.float64)
        widths = as_float_array(widths, "widths", ndim=1).astype(np.float64)
        for name, arr in (("depths", depths), ("widths", widths)):
            if arr.shape != (k,):
                raise ValueError(f"{name} must have shape ({k},) to match centers "
                                 f"{centers.shape}, got {arr.shape}")
            if np.any(arr <= 0):
                raise ValueError(f"{name} must be positive, got {arr.tolist()}")
        self.centers, self.depths, self.widths = centers, depths, widths
        self.bowl = check_scalar(bowl, "bowl", low=0.0, low_inclusive=False)
        super().__init__(bounds, start)
        self.minima = self._locate_minima()

    def __repr__(self) -> str:
        return f"MultiMinima(wells={len(self.depths)}, bowl={self.bowl:g})"

    def _wells(self, x):
        """Offsets ``r`` (..., k, 2) and weights ``d_k e_k / w_k^2`` (..., k)."""
        centers = self.centers.astype(x.dtype, copy=False)
        w2 = (self.widths**2).astype(x.dtype, copy=False)
        r = x[..., None, :] - centers
        e = np.exp(-np.sum(r * r, axis=-1) / (2.0 * w2))
        return r, e * self.depths.astype(x.dtype, copy=False), w2

    def _value(self, x):
        _, de, _ = self._wells(x)
        return 0.5 * self.bowl * np.sum(x * x, axis=-1) - np.sum(de, axis=-1)

    def _grad(self, x):
        r, de, w2 = self._wells(x)
        return self.bowl * x + np.sum((de / w2)[..., None] * r, axis=-2)

    def _hessian(self, x):
        r, de, w2 = self._wells(x)
        eye = np.eye(2, dtype=x.dtype)
        outer = r[..., :, None] * r[..., None, :] / w2[:, None, None]
        per_well = (de / w2)[..., None, None] * (eye - outer)
        return self.bowl * eye + np.sum(per_well, axis=-3)

    def _locate_minima(self) -> np.ndarray:
        x = self.centers.copy()
        # A safe step: the Hessian norm is at most bowl + sum_k d_k / w_k^2 * 2.
        lr = 1.0 / (self.bowl + 2.0 * np.sum(self.depths / self.widths**2))
        for _ in range(200):             # into the basin; Newton finishes the job
            x = x - lr * self._grad(x)
        x = self._newton(x, iters=10)
        keep = []
        for p in x:
            is_min = (np.all(np.isfinite(p)) and np.linalg.norm(self._grad(p)) < 1e-8
                      and np.linalg.eigvalsh(self._hessian(p))[0] > 0)
            if is_min and all(np.linalg.norm(p - q) > 1e-6 for q in keep):
                keep.append(p)
        minima = _points(keep)
        return minima[np.argsort(self._value(minima))]


def classify_critical_point(hessian, tol: float = 1e-8) -> str:
    r"""Name a critical point by the eigenvalues of its Hessian.

    A critical point is one where the gradient is 0. With the eigenvalues
    :math:`\lambda_1 \le \dots \le \lambda_d` of the symmetric Hessian
    :math:`\mathbf H`:

    * all :math:`\lambda_i > 0`: ``"minimum"`` (the surface curves up in every direction);
    * all :math:`\lambda_i < 0`: ``"maximum"``;
    * some positive and some negative: ``"saddle"``;
    * otherwise (an eigenvalue within ``tol`` of zero and no sign change):
      ``"degenerate"``: the second derivatives cannot decide, as for
      :math:`f(\theta) = \theta^4` or :math:`f(\theta) = \theta^3` at 0.

    Eigenvalues with :math:`|\lambda| \le` ``tol`` :math:`\cdot \max(1, \max_i |\lambda_i|)`
    count as zero.

    Parameters
    ----------
    hessian : array_like of shape (d, d)
        Symmetric (``0.5 * (H + H.T)`` is used).
    tol : float, default 1e-8
        Relative tolerance for a zero eigenvalue, >= 0.

    Returns
    -------
    str
        One of ``"minimum"``, ``"maximum"``, ``"saddle"``, ``"degenerate"``.
    """
    H = as_float_array(hessian, "hessian", ndim=2).astype(np.float64)
    if H.shape[0] != H.shape[1] or H.shape[0] < 1:
        raise ValueError(
            f"hessian must be a square matrix, got shape {H.shape}")
    tol = check_scalar(tol, "tol", low=0.0)
    eig = np.linalg.eigvalsh(0.5 * (H + H.T))
    zero = tol * max(1.0, float(np.abs(eig).max()))
    positive, negative = eig > zero, eig < -zero
    if positive.any() and negative.any():
        return "saddle"
    if positive.all():
        return "minimum"
    if negative.all():
        return "maximum"
    return "degenerate"


def mesh(bounds, n: int | tuple[int, int] = 101) -> tuple[np.ndarray, np.ndarray]:
    """Coordinate matrices ``X, Y`` of shape ``(ny, nx)`` covering ``bounds``.

    Parameters
    ----------
    bounds : ((xmin, xmax), (ymin, ymax))
    n : int or (nx, ny), default 101
        Points per axis (at least 2).

    Returns
    -------
    X, Y : ndarray of shape (ny, nx)
        As from ``np.meshgrid(x, y)``: ``X`` varies along columns, ``Y`` along rows.
    """
    (x0, x1), (y0, y1) = check_bounds(bounds)
    if isinstance(n, tuple):
        if len(n) != 2:
            raise ValueError(f"n must be an int or a pair (nx, ny), got {n!r}")
        nx = check_scalar(n[0], "n", low=2, integer=True)
        ny = check_scalar(n[1], "n", low=2, integer=True)
    else:
        nx = ny = check_scalar(n, "n", low=2, integer=True)
    check_size(ny, "n", low=2, per_item=nx)                 # ny * nx grid points
    return np.meshgrid(np.linspace(x0, x1, nx), np.linspace(y0, y1, ny))


def grid(surface, n: int | tuple[int, int] = 101,
         bounds=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evaluate a 2-D surface on a regular grid for contour and surface plots.

    Parameters
    ----------
    surface : Surface or callable
        Anything that maps points of shape ``(ny, nx, 2)`` to values of shape
        ``(ny, nx)``.
    n : int or (nx, ny), default 101
        Points per axis (at least 2).
    bounds : ((xmin, xmax), (ymin, ymax)), optional
        Plot window; default ``surface.bounds`` (required for a plain callable).

    Returns
    -------
    X, Y, Z : ndarray of shape (ny, nx)
        ``Z[i, j] = surface((X[i, j], Y[i, j]))``; ready for
        ``go.Contour(x=X[0], y=Y[:, 0], z=Z)``.
    """
    if not callable(surface):
        raise TypeError(f"surface must be a Surface or a callable, got {type(surface).__name__}")
    if bounds is None:
        bounds = getattr(surface, "bounds", None)
        if bounds is None:
            raise ValueError("bounds must be given when surface has no .bounds attribute")
    X, Y = mesh(bounds, n)
    Z = np.asarray(surface(np.stack([X, Y], axis=-1)))
    if Z.shape != X.shape:
        raise ValueError(f"surface must map points of shape {X.shape + (2,)} to values of "
                         f"shape {X.shape}, got {Z.shape}")
    return X, Y, Z
