"""Euclidean distances, and how they behave as the dimension grows.

In high dimensions the distances from a point to all others become nearly
equal: the farthest neighbour is hardly farther than the nearest one. This is
one face of the *curse of dimensionality*, and :func:`distance_ratios` measures
it on random points.
"""

from __future__ import annotations

import numpy as np

from nnlearn._checks import as_float_array, check_rng, check_size
from nnlearn._numeric import power_of_two_unit

__all__ = ["pairwise_distances", "farthest_nearest_ratio", "distance_ratios"]


def pairwise_distances(A, B) -> np.ndarray:
    r"""Euclidean distance between every row of ``A`` and every row of ``B``.

    Entry ``[i, j]`` is ``norm(A[i] - B[j])``, computed as
    ``sqrt(norm(A[i])**2 + norm(B[j])**2 - 2 * A[i] @ B[j])``.

    The expanded form turns the work into one matrix product. Rounding can
    make the expression under the root slightly negative for (nearly)
    identical rows; it is clipped at 0, so every distance is >= 0. The
    data are first divided by a power of two near their largest absolute
    entry (exact), so the squares neither overflow (coordinates of
    :math:`10^{200}`) nor underflow (:math:`10^{-200}`); the distances are
    multiplied back at the end.
    (The expansion loses accuracy when a distance is tiny compared with the
    norms; for that case, compute ``np.linalg.norm(A[:, None] - B, axis=-1)``.)

    Parameters
    ----------
    A : array_like, shape (n_a, n_features)
    B : array_like, shape (n_b, n_features)

    Returns
    -------
    ndarray, shape (n_a, n_b), float64 (float32 if both inputs are float32)
    """
    A = as_float_array(A, "A", ndim=2)
    B = as_float_array(B, "B", ndim=2)
    if A.shape[1] != B.shape[1]:
        raise ValueError(f"A and B must have the same number of columns, got A {A.shape} "
                         f"and B {B.shape}")
    dtype = np.result_type(A.dtype, B.dtype)
    unit = _common_unit(A, B)
    with np.errstate(over="ignore"):         # a distance beyond the float range is inf
        return (_unit_distances(A, B, unit) * unit).astype(dtype, copy=False)


def _common_unit(A: np.ndarray, B: np.ndarray) -> float:
    """A power of two near the largest absolute entry of ``A`` and ``B``."""
    largest = max(float(np.abs(A).max(initial=0.0)),
                  float(np.abs(B).max(initial=0.0)))
    return power_of_two_unit(largest)


def _unit_distances(A: np.ndarray, B: np.ndarray, unit: float) -> np.ndarray:
    """Float64 distances between rows of ``A / unit`` and ``B / unit``."""
    A64, B64 = A.astype(np.float64) / unit, B.astype(np.float64) / unit
    squared = ((A64 ** 2).sum(axis=1)[:, None]
               + (B64 ** 2).sum(axis=1)[None, :] - 2.0 * A64 @ B64.T)
    return np.sqrt(np.maximum(squared, 0.0))


def farthest_nearest_ratio(points, queries) -> np.ndarray:
    r"""Per query, the farthest point's distance over the nearest's.

    .. math::

        \frac{\max_i \lVert \mathbf x^{(i)} - \mathbf x_{\text{query}} \rVert}
             {\min_i \lVert \mathbf x^{(i)} - \mathbf x_{\text{query}} \rVert} \;\ge 1

    A large ratio means "near" and "far" are very different, so a nearest
    neighbour is meaningful; a ratio close to 1 means every point is about
    equally far away.

    Parameters
    ----------
    points : array_like, shape (n_points, n_features)
        At least two points.
    queries : array_like, shape (n_queries, n_features)
        None of them may coincide with a point (the ratio would be infinite).

    Returns
    -------
    ndarray of float64, shape (n_queries,)
    """
    points = as_float_array(points, "points", ndim=2)
    if points.shape[0] < 2:
        raise ValueError("points must hold at least 2 points, got "
                         f"{points.shape[0]}")
    queries = as_float_array(queries, "queries", ndim=2)
    if queries.shape[1] != points.shape[1]:
        raise ValueError("queries and points must have the same number of "
                         f"columns, got queries {queries.shape} and points "
                         f"{points.shape}")
    # The ratio does not depend on the unit of length, so it
    # stays in that unit.
    distances = _unit_distances(queries, points,
                                _common_unit(queries, points))
    nearest = distances.min(axis=1)
    if np.any(nearest == 0):
        raise ValueError("queries must not coincide with any of the "
                         "points (a nearest distance is 0) for queries "
                         f"{np.flatnonzero(nearest == 0)[:5]}")
    return distances.max(axis=1) / nearest


def distance_ratios(dims, n_points: int = 1000, n_queries: int = 20,
                    rng=None) -> np.ndarray:
    r"""Farthest-to-nearest distance ratios of random points, for several dimensions.

    For each dimension :math:`n_0` in ``dims``, draws ``n_points`` points and
    ``n_queries`` query points uniformly from the unit cube :math:`[0, 1]^{n_0}`
    and returns :func:`farthest_nearest_ratio` of every query. As :math:`n_0`
    grows the ratios fall towards 1: the squared distance is a sum of
    :math:`n_0` independent terms, so its mean grows like :math:`n_0` while its
    spread grows only like :math:`\sqrt{n_0}`, and all distances crowd around
    the same value.

    Parameters
    ----------
    dims : array_like of int, shape (n_dims,)
        Dimensions, each >= 1.
    n_points : int, default 1000
        Number of points, >= 2.
    n_queries : int, default 20
        Number of query points per dimension, >= 1.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    ndarray of float64, shape (n_dims, n_queries)
        Row ``k`` holds the ratios for dimension ``dims[k]``.
    """
    dims = np.asarray(dims)
    if dims.ndim != 1 or dims.size == 0 or not np.issubdtype(dims.dtype, np.integer):
        raise ValueError(f"dims must be a non-empty 1-D array of integers, got {dims!r}")
    if dims.min() < 1:
        raise ValueError(f"dims must all be >= 1, got {dims.min()}")
    n_points = check_size(n_points, "n_points", low=2, per_item=int(dims.max()))
    n_queries = check_size(n_queries, "n_queries", per_item=n_points)
    gen = check_rng(rng)
    ratios = np.empty((dims.shape[0], n_queries))
    for k, d in enumerate(dims.tolist()):
        points = gen.random((n_points, d))
        queries = gen.random((n_queries, d))
        ratios[k] = farthest_nearest_ratio(points, queries)
    return ratios
