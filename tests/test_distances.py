"""Pairwise distances and the farthest/nearest ratio of nnlearn.distances."""

import math

import numpy as np
import pytest

from nnlearn.distances import distance_ratios, farthest_nearest_ratio, pairwise_distances


def test_pairwise_distances_against_direct_differences():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(7, 5)), rng.normal(size=(4, 5)) * 3
    direct = np.sqrt(((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=-1))
    np.testing.assert_allclose(pairwise_distances(A, B), direct, rtol=1e-12)
    sk_metrics = pytest.importorskip("sklearn.metrics")
    np.testing.assert_allclose(pairwise_distances(A, B),
                               sk_metrics.pairwise_distances(A, B), rtol=1e-12)


def test_pairwise_distances_by_hand_and_zero_on_identical_rows():
    A = np.array([[0.0, 0.0], [3.0, 4.0]])
    np.testing.assert_allclose(pairwise_distances(A, A), [[0, 5], [5, 0]])
    big = np.full((3, 10), 1e8) + np.arange(3)[:, None] * 1e-3
    D = pairwise_distances(big, big)       # rounding may go below 0 before the clip
    assert np.all(D >= 0) and np.all(np.isfinite(D))
    assert pairwise_distances(A.astype(np.float32), A.astype(np.float32)).dtype == np.float32


def test_pairwise_distances_bad_input():
    with pytest.raises(ValueError, match=r"same number of columns, got A \(2, 2\) and "
                                         r"B \(1, 3\)"):
        pairwise_distances(np.ones((2, 2)), np.ones((1, 3)))
    with pytest.raises(ValueError, match="A must be 2-dimensional"):
        pairwise_distances(np.ones(3), np.ones((1, 3)))
    with pytest.raises(ValueError, match="B contains NaN"):
        pairwise_distances(np.ones((1, 1)), [[np.nan]])


def test_farthest_nearest_ratio_by_hand():
    points = np.array([[1.0, 0.0], [0.0, 3.0], [-6.0, 8.0]])
    queries = np.array([[0.0, 0.0], [0.0, 4.0]])
    # query 1: distances 1, 3, 10; query 2: sqrt(17), 1, sqrt(52)
    np.testing.assert_allclose(farthest_nearest_ratio(points, queries),
                               [10.0, math.sqrt(52.0)])


def test_farthest_nearest_ratio_bad_input():
    points = np.array([[0.0, 0.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="queries must not coincide"):
        farthest_nearest_ratio(points, [[1.0, 1.0]])
    with pytest.raises(ValueError, match="points must hold at least 2 points, got 1"):
        farthest_nearest_ratio(points[:1], [[0.5, 0.5]])
    with pytest.raises(ValueError, match=r"queries and points must have the same number of "
                                         r"columns, got queries \(1, 3\) and points \(2, 2\)"):
        farthest_nearest_ratio(points, [[0.5, 0.5, 0.5]])


def test_distance_ratios_shrink_towards_one_with_dimension():
    dims = np.array([1, 10, 100, 1000])
    ratios = distance_ratios(dims, n_points=300, n_queries=10, rng=0)
    assert ratios.shape == (4, 10)
    assert np.all(ratios >= 1.0)
    medians = np.median(ratios, axis=1)
    assert np.all(np.diff(medians) < 0)
    assert medians[0] > 100          # in 1-D some point is almost on top of the query
    assert medians[-1] < 1.3         # in 1000-D all points are nearly equally far


def test_distance_ratios_are_reproducible_and_match_the_definition():
    first = distance_ratios([3], n_points=50, n_queries=4, rng=7)
    np.testing.assert_array_equal(first, distance_ratios([3], n_points=50, n_queries=4, rng=7))
    gen = np.random.default_rng(7)
    points, queries = gen.random((50, 3)), gen.random((4, 3))
    np.testing.assert_allclose(first[0], farthest_nearest_ratio(points, queries))


def test_distance_ratios_bad_input():
    with pytest.raises(ValueError, match="dims must be a non-empty 1-D array of integers"):
        distance_ratios([1.5, 2.0])
    with pytest.raises(ValueError, match="dims must all be >= 1, got 0"):
        distance_ratios([0, 3])
    with pytest.raises(ValueError, match="n_points must be >= 2"):
        distance_ratios([2], n_points=1)
    with pytest.raises(ValueError, match="n_queries must be >= 1"):
        distance_ratios([2], n_queries=0)
