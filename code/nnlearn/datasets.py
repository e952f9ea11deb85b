"""Small synthetic data sets (and the scikit-learn digits) used across the book.

Every generator takes ``rng`` (``None``, an int seed or a
``numpy.random.Generator``) and returns ``(X, y)`` with rows as samples:

* ``X`` is float64 of shape ``(n_samples, n_features)``;
* ``y`` is float64 of shape ``(n_samples,)`` for regression sets and int64 of
  shape ``(n_samples,)`` for classification sets (labels ``0, ..., K-1``,
  except :func:`linearly_separable`, whose labels are ``-1`` and ``+1`` as in
  the perceptron rule).

The same seed gives the same arrays. Classification sets are shuffled by
default (``shuffle=True``); with ``shuffle=False`` the rows come grouped by
class, which is handy for plotting but a trap for mini-batching.
"""

from __future__ import annotations

import math

import numpy as np

from nnlearn._checks import as_float_array, check_bool, check_rng, check_scalar, check_size

__all__ = [
    "noisy_line",
    "noisy_curve",
    "noisy_curve_truth",
    "xor_table",
    "xor",
    "spirals",
    "circles",
    "moons",
    "linearly_separable",
    "blobs",
    "load_digits",
    "train_val_test_split",
]


# ---------------------------------------------------------------- helpers

def _check_range(x_range, name: str) -> tuple[float, float]:
    """Check that ``x_range`` is a pair ``(low, high)`` of finite numbers with low < high."""
    if not isinstance(x_range, (tuple, list)) or len(x_range) != 2:
        raise ValueError(f"{name} must be a pair (low, high), got {x_range!r}")
    low = check_scalar(x_range[0], f"{name}[0]")
    high = check_scalar(x_range[1], f"{name}[1]")
    if not low < high:
        raise ValueError(f"{name} must satisfy low < high, got {x_range!r}")
    if not math.isfinite(high - low):
        raise ValueError(f"{name} must have a finite width high - low, got {x_range!r}")
    return low, high


def _finish(X: np.ndarray, y: np.ndarray, shuffle: bool,
            gen: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Cast to the documented dtypes and optionally shuffle the rows together."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.int64)
    if shuffle:
        order = gen.permutation(X.shape[0])
        X, y = X[order], y[order]
    return X, y


def _two_class_labels(n: int, first: int, second: int) -> np.ndarray:
    """``n // 2`` copies of ``first`` followed by ``n - n // 2`` copies of ``second``."""
    return np.where(np.arange(n) < n // 2, first, second).astype(np.int64)


# ---------------------------------------------------------------- regression

def noisy_line(n: int = 50, slope: float = 2.0, intercept: float = 1.0,
               noise: float = 1.0, outlier: float | None = None,
               x_range: tuple[float, float] = (0.0, 10.0),
               rng=None) -> tuple[np.ndarray, np.ndarray]:
    r"""Points on a straight line plus Gaussian noise, optionally with one outlier.

    .. math:: y^{(i)} = a\,x^{(i)} + b + \text{noise}^{(i)}, \qquad
              x^{(i)} \sim \mathcal U(x_{\min}, x_{\max}), \quad
              \text{noise}^{(i)} \sim \mathcal N(0, s^2)

    The ``x_i`` are sorted in increasing order so that ``X`` can be plotted
    as a line directly.

    Parameters
    ----------
    n : int, default 50
        Number of points, ``n >= 1`` (``n >= 2`` with an outlier).
    slope, intercept : float
        The true line ``a`` and ``b``.
    noise : float, default 1.0
        Standard deviation :math:`s \ge 0` of the noise.
    outlier : float or None, default None
        If given, the point with the largest ``x`` is moved up by ``outlier``
        (use a negative value to move it down). It sits at the end of the
        range, where it pulls hardest on a least-squares fit. The number of
        points stays ``n``.
    x_range : (float, float), default (0, 10)
        Interval the ``x_i`` are drawn from.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n, 1), float64
    y : ndarray of shape (n,), float64
    """
    n = check_size(n, "n", per_item=2)
    slope = check_scalar(slope, "slope")
    intercept = check_scalar(intercept, "intercept")
    noise = check_scalar(noise, "noise", low=0.0)
    if outlier is not None:
        outlier = check_scalar(outlier, "outlier")
        if n < 2:
            raise ValueError(f"n must be >= 2 when an outlier is requested, got {n}")
    low, high = _check_range(x_range, "x_range")
    gen = check_rng(rng)
    x = np.sort(gen.uniform(low, high, size=n))
    y = slope * x + intercept + noise * gen.standard_normal(n)
    if outlier is not None:
        y[-1] += outlier
    return x[:, None], y


def noisy_curve_truth(x) -> np.ndarray:
    r"""The smooth function behind :func:`noisy_curve`: :math:`f(x) = \sin(2\pi x)`.

    Parameters
    ----------
    x : array_like, any shape
        Inputs; float32 stays float32, integers become float64.

    Returns
    -------
    ndarray of the same shape and floating dtype as ``x``.
    """
    x = as_float_array(x, "x")
    return np.sin(2.0 * np.pi * x).astype(x.dtype, copy=False)


def noisy_curve(n: int = 30, noise: float = 0.2,
                x_range: tuple[float, float] = (0.0, 1.0),
                rng=None) -> tuple[np.ndarray, np.ndarray]:
    r"""Samples of :math:`f(x) = \sin(2\pi x)` plus Gaussian noise.

    .. math:: y^{(i)} = \sin(2\pi x^{(i)}) + \text{noise}^{(i)}, \qquad
              x^{(i)} \sim \mathcal U(x_{\min}, x_{\max}), \quad
              \text{noise}^{(i)} \sim \mathcal N(0, s^2)

    On the default range ``[0, 1]`` this is one full period of the sine. The
    ``x_i`` are sorted; :func:`noisy_curve_truth` gives the noise-free curve
    for a fit-versus-truth figure.

    Parameters
    ----------
    n : int, default 30
        Number of points, ``n >= 1``.
    noise : float, default 0.2
        Standard deviation :math:`s \ge 0` of the noise.
    x_range : (float, float), default (0, 1)
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n, 1), float64
    y : ndarray of shape (n,), float64
    """
    n = check_size(n, "n", per_item=2)
    noise = check_scalar(noise, "noise", low=0.0)
    low, high = _check_range(x_range, "x_range")
    gen = check_rng(rng)
    x = np.sort(gen.uniform(low, high, size=n))
    y = noisy_curve_truth(x) + noise * gen.standard_normal(n)
    return x[:, None], y


# ---------------------------------------------------------------- classification

def xor_table() -> tuple[np.ndarray, np.ndarray]:
    """The four rows of the XOR truth table.

    Returns
    -------
    X : ndarray of shape (4, 2), float64
        ``[[0, 0], [0, 1], [1, 0], [1, 1]]``.
    y : ndarray of shape (4,), int64
        ``[0, 1, 1, 0]``: 1 exactly when the two inputs differ.
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return X, y


def xor(n_per_cluster: int = 50, noise: float = 0.15, shuffle: bool = True,
        rng=None) -> tuple[np.ndarray, np.ndarray]:
    r"""Four Gaussian clusters at the corners of the unit square, labelled by XOR.

    Cluster centres are the rows of :func:`xor_table`; a point near
    :math:`(a, b)` gets label :math:`a \oplus b`. No straight line separates
    the two classes. With ``noise=0`` every point sits exactly on its corner.

    Parameters
    ----------
    n_per_cluster : int, default 50
        Points per corner, ``>= 1``; the set has ``4 * n_per_cluster`` rows and
        ``2 * n_per_cluster`` of each class.
    noise : float, default 0.15
        Standard deviation ``>= 0`` of each cluster (per coordinate).
    shuffle : bool, default True
        If False, rows come corner by corner in the order of :func:`xor_table`.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (4 * n_per_cluster, 2), float64
    y : ndarray of shape (4 * n_per_cluster,), int64, values in {0, 1}
    """
    n_per_cluster = check_size(n_per_cluster, "n_per_cluster", per_item=8)
    noise = check_scalar(noise, "noise", low=0.0)
    shuffle = check_bool(shuffle, "shuffle")
    gen = check_rng(rng)
    corners, labels = xor_table()
    X = np.repeat(corners, n_per_cluster, axis=0)
    X = X + noise * gen.standard_normal(X.shape)
    y = np.repeat(labels, n_per_cluster)
    return _finish(X, y, shuffle, gen)


def spirals(n_per_class: int = 100, n_classes: int = 3, noise: float = 0.1,
            turns: float = 1.0, shuffle: bool = True,
            rng=None) -> tuple[np.ndarray, np.ndarray]:
    r"""Interleaved spiral arms, one per class.

    Arm :math:`k` is the curve, for :math:`r \in [0, 1]`,

    .. math:: \theta_k(r) = 2\pi\,(\text{turns}\cdot r + k / K), \qquad
              x = r\,(\cos\theta_k(r),\ \sin\theta_k(r)),

    sampled at ``n_per_class`` evenly spaced radii, plus Gaussian noise of
    standard deviation ``noise`` on each coordinate. The arms start together at
    the origin and are rotated by :math:`2\pi/K` from each other.

    Parameters
    ----------
    n_per_class : int, default 100
        Points per arm, ``>= 1``.
    n_classes : int, default 3
        Number of arms ``K >= 2``; labels are ``0, ..., K-1``.
    noise : float, default 0.1
        Standard deviation ``>= 0`` of the coordinate noise.
    turns : float, default 1.0
        How many full turns each arm makes, ``> 0``.
    shuffle : bool, default True
        If False, rows come arm by arm, radius increasing.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n_classes * n_per_class, 2), float64
    y : ndarray of shape (n_classes * n_per_class,), int64
    """
    n_classes = check_size(n_classes, "n_classes", low=2)
    n_per_class = check_size(n_per_class, "n_per_class", per_item=2 * n_classes)
    noise = check_scalar(noise, "noise", low=0.0)
    turns = check_scalar(turns, "turns", low=0.0, low_inclusive=False)
    shuffle = check_bool(shuffle, "shuffle")
    gen = check_rng(rng)
    r = np.tile(np.linspace(0.0, 1.0, n_per_class), n_classes)
    y = np.repeat(np.arange(n_classes), n_per_class)
    theta = 2.0 * np.pi * (turns * r + y / n_classes)
    X = r[:, None] * np.column_stack([np.cos(theta), np.sin(theta)])
    X = X + noise * gen.standard_normal(X.shape)
    return _finish(X, y, shuffle, gen)


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5,
            shuffle: bool = True, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles: class 0 outside (radius 1), class 1 inside.

    Angles are uniform on :math:`[0, 2\\pi)`; Gaussian noise of standard
    deviation ``noise`` is added to each coordinate. Like
    ``sklearn.datasets.make_circles``, class 0 gets ``n // 2`` points and class
    1 the other ``n - n // 2``.

    Parameters
    ----------
    n : int, default 200
        Total number of points, ``>= 2``.
    noise : float, default 0.05
        Standard deviation ``>= 0`` of the coordinate noise.
    factor : float, default 0.5
        Radius of the inner circle, ``0 < factor < 1``.
    shuffle : bool, default True
        If False, the outer circle comes first.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), int64, values in {0, 1}
    """
    n = check_size(n, "n", low=2, per_item=2)
    noise = check_scalar(noise, "noise", low=0.0)
    factor = check_scalar(factor, "factor", low=0.0, high=1.0,
                          low_inclusive=False, high_inclusive=False)
    shuffle = check_bool(shuffle, "shuffle")
    gen = check_rng(rng)
    y = _two_class_labels(n, 0, 1)
    radius = np.where(y == 0, 1.0, factor)
    theta = gen.uniform(0.0, 2.0 * np.pi, size=n)
    X = radius[:, None] * np.column_stack([np.cos(theta), np.sin(theta)])
    X = X + noise * gen.standard_normal(X.shape)
    return _finish(X, y, shuffle, gen)


def moons(n: int = 200, noise: float = 0.1, shuffle: bool = True,
          rng=None) -> tuple[np.ndarray, np.ndarray]:
    r"""Two interleaving half circles ("moons").

    Class 0 is the upper half of the unit circle, :math:`(\cos t, \sin t)`;
    class 1 is the lower half circle shifted right and up,
    :math:`(1 - \cos t,\ 1/2 - \sin t)`, with :math:`t \sim \mathcal U(0, \pi)`.
    This is the layout of ``sklearn.datasets.make_moons`` (class 0 gets
    ``n // 2`` points). Gaussian noise of standard deviation ``noise`` is added
    to each coordinate.

    Parameters
    ----------
    n : int, default 200
        Total number of points, ``>= 2``.
    noise : float, default 0.1
        Standard deviation ``>= 0`` of the coordinate noise.
    shuffle : bool, default True
        If False, the class-0 moon comes first.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), int64, values in {0, 1}
    """
    n = check_size(n, "n", low=2, per_item=2)
    noise = check_scalar(noise, "noise", low=0.0)
    shuffle = check_bool(shuffle, "shuffle")
    gen = check_rng(rng)
    y = _two_class_labels(n, 0, 1)
    t = gen.uniform(0.0, np.pi, size=n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where((y == 0)[:, None], upper, lower)
    X = X + noise * gen.standard_normal(X.shape)
    return _finish(X, y, shuffle, gen)


def linearly_separable(n: int = 100, margin: float = 0.2, n_features: int = 2,
                       spread: float = 1.0, return_boundary: bool = False,
                       shuffle: bool = True, rng=None):
    r"""Two classes, labels in {-1, +1}, separated by a line with a guaranteed margin.

    A random unit normal :math:`w` and offset :math:`b \in [-0.5, 0.5]` define
    the true boundary :math:`w^\top x + b = 0`. Each point is placed so that

    .. math:: y^{(i)}\,(w^\top x^{(i)} + b) = \chi + \text{extra}^{(i)}, \qquad
              \text{extra}^{(i)} \sim \mathcal U(0, \text{spread}),

    where :math:`\chi` is ``margin``; along the boundary the points are
    spread uniformly over a box of half-width 1. Hence every point is at least
    ``margin`` away from the boundary, and the data set's geometric margin
    (the best any separating hyperplane achieves) is at least ``margin`` --
    the quantity in the perceptron convergence bound.

    Parameters
    ----------
    n : int, default 100
        Number of points, ``>= 2``; ``n // 2`` get label +1, the rest -1.
    margin : float, default 0.2
        Minimum distance ``> 0`` of every point to the true boundary.
    n_features : int, default 2
        Dimension ``>= 1`` of the inputs.
    spread : float, default 1.0
        Extra distance beyond the margin, drawn uniformly from ``[0, spread]``,
        ``> 0``.
    return_boundary : bool, default False
        If True, also return ``w`` and ``b``.
    shuffle : bool, default True
        If False, the +1 points come first.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n, n_features), float64
    y : ndarray of shape (n,), int64, values in {-1, +1}
    w : ndarray of shape (n_features,), float64, unit norm (only if ``return_boundary``)
    b : float (only if ``return_boundary``)
    """
    n = check_size(n, "n", low=2, per_item=2)
    margin = check_scalar(margin, "margin", low=0.0, low_inclusive=False)
    n_features = check_size(n_features, "n_features", per_item=n)
    spread = check_scalar(spread, "spread", low=0.0, low_inclusive=False)
    return_boundary = check_bool(return_boundary, "return_boundary")
    shuffle = check_bool(shuffle, "shuffle")
    gen = check_rng(rng)
    w = gen.standard_normal(n_features)
    w /= np.linalg.norm(w)
    b = float(gen.uniform(-0.5, 0.5))
    y = _two_class_labels(n, 1, -1)
    along = gen.uniform(-1.0, 1.0, size=(n, n_features))
    along -= np.outer(along @ w, w)                      # remove the component along w
    signed_dist = y * (margin + gen.uniform(0.0, spread, size=n))
    X = along + np.outer(signed_dist - b, w)             # so that X @ w + b = signed_dist
    X, y = _finish(X, y, shuffle, gen)
    if return_boundary:
        return X, y, w, b
    return X, y


def blobs(n_per_class: int = 50, centers=3, std: float = 1.0, shuffle: bool = True,
          rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian clusters, one per class.

    Parameters
    ----------
    n_per_class : int, default 50
        Points per cluster, ``>= 1``.
    centers : int or array_like of shape (K, d), default 3
        An int ``K >= 2`` places ``K`` centres evenly on a circle of radius 4 in
        the plane, the first at ``(4, 0)``; an array gives the centres
        explicitly (``K >= 2`` rows).
    std : float, default 1.0
        Standard deviation ``>= 0`` of every cluster (per coordinate).
    shuffle : bool, default True
        If False, rows come cluster by cluster.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (K * n_per_class, d), float64 (``d = 2`` for int ``centers``)
    y : ndarray of shape (K * n_per_class,), int64, label ``k`` for centre ``k``
    """
    n_per_class = check_size(n_per_class, "n_per_class", per_item=2)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        k = check_size(centers, "centers", low=2, per_item=2 * n_per_class)
        angle = 2.0 * np.pi * np.arange(k) / k
        centers = 4.0 * np.column_stack([np.cos(angle), np.sin(angle)])
    else:
        centers = as_float_array(centers, "centers", ndim=2).astype(np.float64)
        if centers.shape[0] < 2:
            raise ValueError(f"centers must have at least 2 rows, got shape {centers.shape}")
    std = check_scalar(std, "std", low=0.0)
    shuffle = check_bool(shuffle, "shuffle")
    gen = check_rng(rng)
    X = np.repeat(centers, n_per_class, axis=0)
    X = X + std * gen.standard_normal(X.shape)
    y = np.repeat(np.arange(centers.shape[0]), n_per_class)
    return _finish(X, y, shuffle, gen)


# ---------------------------------------------------------------- real data

def load_digits(return_images: bool = False):
    """The 1,797 handwritten digits (8x8 pixels) that ship with scikit-learn.

    No download is needed: the data are part of the scikit-learn package,
    which is imported only when this function is called.

    Parameters
    ----------
    return_images : bool, default False
        If True, also return the pixels as images of shape (8, 8).

    Returns
    -------
    X : ndarray of shape (1797, 64), float64
        Pixel intensities (integers 0, ..., 16 stored as floats), row-major.
    y : ndarray of shape (1797,), int64
        The digit, 0 to 9.
    images : ndarray of shape (1797, 8, 8), float64 (only if ``return_images``)
        ``X.reshape(-1, 8, 8)``.

    Raises
    ------
    ImportError
        If scikit-learn is not installed.
    """
    return_images = check_bool(return_images, "return_images")
    try:
        from sklearn.datasets import load_digits as _sk_load_digits
    except ImportError as exc:
        raise ImportError("nnlearn.datasets.load_digits needs scikit-learn, which ships "
                          "the digits; install it with `pip install scikit-learn`") from exc
    bunch = _sk_load_digits()
    X = np.ascontiguousarray(bunch.data, dtype=np.float64)
    y = np.ascontiguousarray(bunch.target, dtype=np.int64)
    if return_images:
        return X, y, X.reshape(-1, 8, 8).copy()
    return X, y


# ---------------------------------------------------------------- splitting

def _split_sizes(n: int, val: float, test: float) -> tuple[int, int, int]:
    """Sizes (train, val, test): val and test rounded half up, train gets the rest."""
    n_val = int(np.floor(val * n + 0.5))
    n_test = int(np.floor(test * n + 0.5))
    if val > 0 and n_val == 0:
        raise ValueError(f"val={val} of n={n} samples rounds to an empty validation set")
    if test > 0 and n_test == 0:
        raise ValueError(f"test={test} of n={n} samples rounds to an empty test set")
    n_train = n - n_val - n_test
    if n_train < 1:
        raise ValueError(f"val={val} and test={test} leave no training samples out of n={n}")
    return n_train, n_val, n_test


def _stratified_counts(class_counts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Integer table ``a[c, s]`` of how many samples of class c go to split s.

    Rows sum to ``class_counts``, columns to ``sizes``, and every entry is the
    ideal ``class_counts[c] * sizes[s] / n`` rounded down or up (an ideal that
    is a whole number is kept exactly). Such a *controlled rounding* always
    exists: the unrounded table is one with the same sums. Start from the
    rounded-down table; each class still misses some units, to be handed one
    each to splits whose ideal has a fractional part and that still miss
    units. A unit goes to the split with the largest fractional part that
    can take it, directly or by moving another class's unit to a free split
    (an augmenting path, as in bipartite matching), so the hand-out never
    gets stuck.
    """
    n = int(class_counts.sum())
    product = np.outer(class_counts, sizes).astype(np.int64)
    table = product // n                                   # ideal rounded down, exactly
    may_round_up = product % n != 0
    preference = np.argsort(-(product % n), axis=1, kind="stable")   # largest fraction first
    free = sizes - table.sum(axis=0)                       # units each split still misses
    up = np.zeros(table.shape, dtype=bool)                 # entries rounded up

    def place(c: int, seen: set[int]) -> bool:
        """Round up one more entry of class c, moving other units if needed."""
        for s in preference[c]:
            if not may_round_up[c, s] or up[c, s] or s in seen:
                continue
            seen.add(s)
            if free[s] > 0:
                free[s] -= 1
            else:                                          # split s is full: try to move
                for c2 in np.flatnonzero(up[:, s]):        # another class's unit elsewhere
                    if place(c2, seen):
                        up[c2, s] = False
                        break
                else:
                    continue
            up[c, s] = True
            return True
        return False

    for c in range(len(class_counts)):
        for _ in range(int(class_counts[c] - table[c].sum())):
            if not place(c, set()):                        # cannot happen (see above)
                raise RuntimeError("no controlled rounding found for the stratified split")
    return table + up


def train_val_test_split(X, y, val: float = 0.15, test: float = 0.15,
                         stratify: bool = False, rng=None):
    """Shuffle and split ``(X, y)`` into training, validation and test sets.

    Sizes: ``n_val = round(val * n)`` and ``n_test = round(test * n)`` (halves
    round up), ``n_train = n - n_val - n_test``. Every row lands in exactly one
    of the three sets; each set is in random order.

    With ``stratify=True`` the split is done per label: for every class ``c``
    with ``n_c`` rows and every set of size ``m``, the set receives
    ``n_c * m / n`` rows of class ``c`` rounded down or up (exactly that
    number when it is whole), so class proportions agree with the whole data
    set to within one sample per class and set.

    Parameters
    ----------
    X : array_like of shape (n, ...)
        Samples in rows; any number of trailing dimensions (e.g. images). Its
        dtype is kept.
    y : array_like of shape (n, ...)
        Targets; must be 1-D when ``stratify=True``.
    val, test : float, default 0.15
        Fractions in ``[0, 1)`` with ``val + test < 1``. Zero gives an empty set.
    stratify : bool, default False
        Keep class proportions of ``y`` in every set.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X_train, X_val, X_test, y_train, y_val, y_test : ndarray
        Same dtypes as ``X`` and ``y``.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim < 1 or y.ndim < 1:
        raise ValueError(f"X and y must have a sample axis, got shapes {X.shape} and {y.shape}")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same number of rows, "
                         f"got shapes {X.shape} and {y.shape}")
    val = check_scalar(val, "val", low=0.0, high=1.0, high_inclusive=False)
    test = check_scalar(test, "test", low=0.0, high=1.0, high_inclusive=False)
    if val + test >= 1.0:
        raise ValueError(f"val + test must be < 1, got val={val} and test={test}")
    stratify = check_bool(stratify, "stratify")
    gen = check_rng(rng)
    sizes = np.array(_split_sizes(X.shape[0], val, test))

    if stratify:
        if y.ndim != 1:
            raise ValueError(f"y must be 1-D class labels when stratify=True, got shape {y.shape}")
        if np.issubdtype(y.dtype, np.floating) and np.isnan(y).any():
            raise ValueError("y contains NaN, which is not a class label (stratify=True)")
        classes, y_idx = np.unique(y, return_inverse=True)
        table = _stratified_counts(np.bincount(y_idx), sizes)
        # Give each row a random rank inside its class; rows whose rank falls
        # in [0, train_c) go to train, then val, then test.
        order = np.lexsort((gen.random(y.shape[0]), y_idx))
        starts = np.concatenate([[0], np.cumsum(np.bincount(y_idx))[:-1]])
        rank = np.empty(y.shape[0], dtype=np.int64)
        rank[order] = np.arange(y.shape[0]) - np.repeat(starts, np.bincount(y_idx))
        bounds = np.cumsum(table, axis=1)[y_idx]                  # (n, 3)
        which = (rank[:, None] >= bounds).sum(axis=1)             # 0, 1 or 2
    else:
        which = np.repeat(np.arange(3), sizes)[gen.permutation(X.shape[0])]

    parts = [np.flatnonzero(which == s) for s in range(3)]
    parts = [gen.permutation(p) for p in parts]
    return (X[parts[0]], X[parts[1]], X[parts[2]],
            y[parts[0]], y[parts[1]], y[parts[2]])
