"""Tests for nnlearn.surfaces: closed-form gradients/Hessians, critical points, grids."""

import warnings

import numpy as np
import pytest

from nnlearn.descent import gradient_descent
from nnlearn.surfaces import (
    Himmelblau,
    MultiMinima,
    Quadratic,
    Rosenbrock,
    Saddle,
    Surface,
    classify_critical_point,
    grid,
    mesh,
)


# Independent references: central differences written here, in float64.
def fd_grad(f, x, h=1e-6):
    x = np.asarray(x, dtype=np.float64)
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def fd_jacobian(g, x, h=1e-6):
    """Columns are central differences of the vector function ``g``."""
    x = np.asarray(x, dtype=np.float64)
    cols = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        cols.append((g(x + e) - g(x - e)) / (2 * h))
    return np.stack(cols, axis=-1)


def random_pd(rng, d, low=0.2, high=5.0):
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    return q @ np.diag(rng.uniform(low, high, size=d)) @ q.T


_rng = np.random.default_rng(1234)
SURFACES = [
    Quadratic(random_pd(_rng, 2), b=_rng.normal(size=2), c=0.7),
    Quadratic(random_pd(_rng, 3), b=_rng.normal(size=3)),
    Quadratic.from_eigenvalues(10.0, 0.5, angle=0.3, minimizer=(1.0, -0.5)),
    Rosenbrock(),
    Rosenbrock(a=0.5, b=10.0),
    Himmelblau(),
    Saddle(),
    Saddle(quartic=0.25),
    MultiMinima(),
    MultiMinima(centers=[[1.0, 0.0], [-1.5, 0.5]], depths=[1.0, 2.0], widths=[0.5, 0.8],
                bowl=0.2),
]
IDS = [repr(s) for s in SURFACES]


def sample_points(surface, k=6, seed=0):
    rng = np.random.default_rng(seed)
    if surface.dim != 2:
        return rng.uniform(-3, 3, size=(k, surface.dim))
    (x0, x1), (y0, y1) = surface.bounds
    return np.column_stack([rng.uniform(x0, x1, k), rng.uniform(y0, y1, k)])


@pytest.mark.parametrize("surface", SURFACES, ids=IDS)
def test_gradient_matches_finite_differences(surface):
    for p in sample_points(surface):
        scale = max(1.0, abs(surface.value(p)))
        np.testing.assert_allclose(surface.grad(p), fd_grad(surface.value, p),
                                   rtol=1e-6, atol=1e-7 * scale)


@pytest.mark.parametrize("surface", SURFACES, ids=IDS)
def test_hessian_matches_finite_differences_of_gradient(surface):
    for p in sample_points(surface, seed=1):
        H = surface.hessian(p)
        scale = max(1.0, np.abs(surface.grad(p)).max())
        np.testing.assert_allclose(H, fd_jacobian(surface.grad, p), rtol=1e-6,
                                   atol=1e-6 * scale)
        np.testing.assert_allclose(H, H.T, rtol=0, atol=1e-12 * np.abs(H).max())


@pytest.mark.parametrize("surface", SURFACES, ids=IDS)
def test_vectorized_equals_pointwise(surface):
    pts = sample_points(surface, k=12, seed=2).reshape(3, 4, surface.dim)
    v, g, H = surface.value(pts), surface.grad(pts), surface.hessian(pts)
    assert v.shape == (3, 4)
    assert g.shape == (3, 4, surface.dim)
    assert H.shape == (3, 4, surface.dim, surface.dim)
    for i in range(3):
        for j in range(4):
            assert v[i, j] == pytest.approx(surface.value(pts[i, j]), rel=1e-12, abs=1e-12)
            np.testing.assert_allclose(g[i, j], surface.grad(pts[i, j]), rtol=1e-12,
                                       atol=1e-12)
            np.testing.assert_allclose(H[i, j], surface.hessian(pts[i, j]), rtol=1e-12,
                                       atol=1e-12)
    assert surface(pts[0, 0]).shape == ()
    assert surface(pts[0, 0]) == surface.value(pts[0, 0])


@pytest.mark.parametrize("surface", SURFACES, ids=IDS)
def test_float32_in_float32_out(surface):
    pts = sample_points(surface, k=4, seed=3)
    p32 = pts.astype(np.float32)
    for method in (surface.value, surface.grad, surface.hessian):
        out = method(p32)
        assert out.dtype == np.float32
        ref = method(p32.astype(np.float64))
        np.testing.assert_allclose(out, ref, rtol=2e-3, atol=2e-3 * max(1.0, np.abs(ref).max()))


@pytest.mark.parametrize("surface", SURFACES, ids=IDS)
def test_critical_points_have_the_right_kind(surface):
    for kind, points in (("min", surface.minima), ("saddle", surface.saddles),
                         ("max", surface.maxima)):
        assert points.ndim == 2 and points.shape[1] == surface.dim
        for p in points:
            np.testing.assert_allclose(surface.grad(p), 0.0, atol=1e-9)
            eig = np.linalg.eigvalsh(surface.hessian(p))
            if kind == "min":
                assert eig.min() > 0
            elif kind == "max":
                assert eig.max() < 0
            else:
                assert eig.min() < 0 < eig.max()
    np.testing.assert_allclose(surface.minimum_values, surface.value(surface.minima))


@pytest.mark.parametrize("surface", SURFACES, ids=IDS)
def test_start_and_bounds(surface):
    assert surface.start.shape == (surface.dim,)
    (x0, x1), (y0, y1) = surface.bounds
    assert x0 < x1 and y0 < y1
    if surface.dim == 2:
        assert x0 <= surface.start[0] <= x1 and y0 <= surface.start[1] <= y1


# --- Quadratic ---------------------------------------------------------------

def test_quadratic_value_matches_hand_formula_and_properties():
    rng = np.random.default_rng(5)
    for d in (1, 2, 4):
        H = random_pd(rng, d)
        b = rng.normal(size=d)
        q = Quadratic(H, b, c=-1.5)
        for x in rng.normal(size=(3, d)):
            assert q(x) == pytest.approx(0.5 * x @ H @ x - b @ x - 1.5, rel=1e-12)
            np.testing.assert_allclose(q.grad(x), H @ x - b, rtol=1e-12, atol=1e-12)
        eig = np.linalg.eigvals(H).real
        assert q.lambda_max == pytest.approx(eig.max())
        assert q.lambda_min == pytest.approx(eig.min())
        assert q.condition_number == pytest.approx(eig.max() / eig.min())
        np.testing.assert_allclose(H @ q.minimizer, b, atol=1e-10)
        assert q.min_value == pytest.approx(q(q.minimizer), rel=1e-12, abs=1e-12)
        # the minimizer beats nearby points
        assert np.all(q(q.minimizer + 1e-3 * rng.normal(size=(20, d))) > q.min_value)
        np.testing.assert_array_equal(q.minima, q.minimizer[None])


def test_quadratic_from_eigenvalues():
    q = Quadratic.from_eigenvalues(8.0, 2.0, angle=np.pi / 6, minimizer=(1.0, 2.0))
    assert (q.lambda_max, q.lambda_min) == pytest.approx((8.0, 2.0))
    np.testing.assert_allclose(q.minimizer, [1.0, 2.0], atol=1e-12)
    top = np.array([np.cos(np.pi / 6), np.sin(np.pi / 6)])
    np.testing.assert_allclose(q.H @ top, 8.0 * top, atol=1e-12)
    np.testing.assert_allclose(q.bounds, ((-2.0, 4.0), (-1.0, 5.0)))


# --- hand-computed values ----------------------------------------------------

def test_rosenbrock_known_values():
    f = Rosenbrock()
    assert f([-1.2, 1.0]) == pytest.approx(24.2)
    assert f([0.0, 0.0]) == pytest.approx(1.0)
    np.testing.assert_allclose(f.grad([-1.2, 1.0]), [-215.6, -88.0], rtol=1e-12)
    g = Rosenbrock(a=2.0, b=5.0)
    np.testing.assert_allclose(g.minima, [[2.0, 4.0]])
    assert g([2.0, 4.0]) == 0.0
    assert g([0.0, 0.0]) == pytest.approx(4.0)
    np.testing.assert_allclose(g.hessian([2.0, 4.0]), [[162.0, -40.0], [-40.0, 10.0]])


def test_himmelblau_known_critical_points():
    f = Himmelblau()
    assert f([0.0, 0.0]) == pytest.approx(170.0)
    literature_minima = [[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186],
                         [3.584428, -1.848126]]
    np.testing.assert_allclose(f.minima, literature_minima, atol=1e-5)
    np.testing.assert_allclose(f.minimum_values, 0.0, atol=1e-20)
    assert len(f.saddles) == 4 and len(f.maxima) == 1
    assert f(f.maxima[0]) == pytest.approx(181.617, abs=1e-3)
    every = np.vstack([f.minima, f.saddles, f.maxima])
    dist = np.linalg.norm(every[:, None] - every[None], axis=-1) + np.eye(len(every))
    assert dist.min() > 0.5                     # nine distinct critical points


def test_saddle_known_values():
    s = Saddle()
    assert s([1.0, 2.0]) == pytest.approx(-3.0)
    np.testing.assert_allclose(s.hessian([0.3, 0.4]), np.diag([2.0, -2.0]))
    assert len(s.minima) == 0
    np.testing.assert_array_equal(s.saddles, [[0.0, 0.0]])
    s4 = Saddle(quartic=0.25)
    np.testing.assert_allclose(s4.minima, [[0.0, -np.sqrt(2)], [0.0, np.sqrt(2)]])
    np.testing.assert_allclose(s4.minimum_values, [-1.0, -1.0])


# --- MultiMinima -------------------------------------------------------------

def test_multiminima_default_has_four_minima_of_different_depth():
    m = MultiMinima()
    assert m.minima.shape == (4, 2)
    depths = m.minimum_values
    assert np.all(np.diff(depths) > 0.1)        # sorted deepest first, clearly different
    # each well centre has its own minimum nearby
    dist = np.linalg.norm(m.minima[:, None] - m.centers[None], axis=-1)
    assert np.all(dist.min(axis=0) < 0.5)
    assert sorted(dist.argmin(axis=0)) == [0, 1, 2, 3]
    # minima[0] is the global minimum: nothing on a fine grid is lower
    X, Y, Z = grid(m, n=401)
    assert Z.min() >= depths[0] - 1e-9
    i, j = np.unravel_index(Z.argmin(), Z.shape)
    assert np.hypot(X[i, j] - m.minima[0, 0], Y[i, j] - m.minima[0, 1]) < 0.05


def test_multiminima_default_start_traps_plain_gradient_descent():
    m = MultiMinima()
    path = gradient_descent(m.grad, m.start, lr=0.1, steps=500)
    end = path[-1]
    nearest = np.linalg.norm(m.minima - end, axis=1).argmin()
    assert np.linalg.norm(m.minima[nearest] - end) < 1e-6
    assert nearest != 0                          # a local, not the global, minimum


def test_multiminima_single_well_formula():
    m = MultiMinima(centers=[[1.0, 1.0]], depths=[2.0], widths=[0.5], bowl=0.3)
    x = np.array([0.2, -0.4])
    r2 = (0.2 - 1.0) ** 2 + (-0.4 - 1.0) ** 2
    assert m(x) == pytest.approx(0.15 * (0.04 + 0.16) - 2.0 * np.exp(-r2 / 0.5))
    assert m.minima.shape == (1, 2)


# --- grid / mesh -------------------------------------------------------------

def test_grid_shapes_and_values():
    f = Himmelblau()
    X, Y, Z = grid(f, n=(7, 5))
    assert X.shape == Y.shape == Z.shape == (5, 7)
    np.testing.assert_allclose(X[0], np.linspace(-5, 5, 7))
    np.testing.assert_allclose(Y[:, 0], np.linspace(-5, 5, 5))
    for i, j in [(0, 0), (2, 3), (4, 6)]:
        assert Z[i, j] == pytest.approx(f([X[i, j], Y[i, j]]))
    X2, Y2, Z2 = grid(f, n=3, bounds=((0, 1), (2, 4)))
    np.testing.assert_allclose(Y2[:, 0], [2, 3, 4])
    assert Z2[0, 0] == pytest.approx(f([0.0, 2.0]))


def test_grid_with_plain_callable():
    X, Y, Z = grid(lambda p: p[..., 0] * p[..., 1], n=4, bounds=((-1, 1), (0, 3)))
    np.testing.assert_allclose(Z, X * Y)
    Xm, Ym = mesh(((-1, 1), (0, 3)), n=4)
    np.testing.assert_array_equal(Xm, X)
    np.testing.assert_array_equal(Ym, Y)


def test_overflow_far_away_gives_inf_without_warning():
    f = Rosenbrock()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v = f.value(np.array([1e20, 0.0], dtype=np.float32))
        g = f.grad(np.array([1e200, 0.0]))
    assert np.isinf(v) and not np.all(np.isfinite(g))


# --- bad input ---------------------------------------------------------------

@pytest.mark.parametrize("surface", [Rosenbrock(), Himmelblau(), Saddle()],
                         ids=["rosenbrock", "himmelblau", "saddle"])
def test_wrong_point_shape_names_x(surface):
    for bad in ([1.0, 2.0, 3.0], np.zeros((4, 3)), 1.0):
        for method in (surface.value, surface.grad, surface.hessian):
            with pytest.raises(ValueError, match=r"x must have shape \(2,\)"):
                method(bad)
    with pytest.raises(ValueError, match="x contains NaN"):
        surface.grad([np.nan, 0.0])
    with pytest.raises(TypeError, match="x must hold numbers"):
        surface.value(["a", "b"])


def test_quadratic_bad_input():
    with pytest.raises(ValueError, match="H must be positive definite"):
        Quadratic([[1.0, 0.0], [0.0, -1.0]])
    with pytest.raises(ValueError, match="H must be symmetric"):
        Quadratic([[1.0, 0.5], [0.0, 1.0]])
    with pytest.raises(ValueError, match="H must be a square"):
        Quadratic(np.eye(2, 3))
    with pytest.raises(ValueError, match="H must be 2-dimensional"):
        Quadratic([1.0, 2.0])
    with pytest.raises(ValueError, match=r"b must have shape \(2,\)"):
        Quadratic(np.eye(2), b=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"x must have shape \(3,\)"):
        Quadratic(np.eye(3)).grad([1.0, 2.0])
    with pytest.raises(ValueError, match="lambda_min must be <= lambda_max"):
        Quadratic.from_eigenvalues(1.0, 2.0)
    with pytest.raises(ValueError, match="lambda_max must be >"):
        Quadratic.from_eigenvalues(0.0, 0.0)
    with pytest.raises(ValueError, match=r"start must have shape \(2,\)"):
        Quadratic(np.eye(2), start=[0.0, 0.0, 0.0])


def test_other_constructors_bad_input():
    with pytest.raises(ValueError, match="b must be >"):
        Rosenbrock(b=0.0)
    with pytest.raises(ValueError, match="quartic must be >="):
        Saddle(quartic=-1.0)
    with pytest.raises(ValueError, match=r"depths must have shape \(2,\)"):
        MultiMinima(centers=[[0, 0], [1, 1]], depths=[1.0], widths=[1.0, 1.0])
    with pytest.raises(ValueError, match="widths must be positive"):
        MultiMinima(centers=[[0, 0]], depths=[1.0], widths=[-1.0])
    with pytest.raises(ValueError, match=r"centers must have shape \(k, 2\)"):
        MultiMinima(centers=[[0, 0, 0]], depths=[1.0], widths=[1.0])
    with pytest.raises(ValueError, match="bowl must be >"):
        MultiMinima(bowl=0.0)
    with pytest.raises(ValueError, match="bounds must satisfy"):
        Himmelblau(bounds=((1, -1), (0, 1)))


def test_rosenbrock_names_a_when_its_default_window_cannot_be_built():
    # the robustness review: a=1e300 used to fail on the derived "bounds"
    with pytest.raises(ValueError, match=r"a must be at most about 1.3e154 .* got 1e\+300"):
        Rosenbrock(a=1e300)
    with pytest.raises(ValueError, match=r"a must be at most"):
        Rosenbrock(a=-1e200, bounds=((0, 1), (0, 1)))
    with pytest.raises(ValueError, match=r"a=1000000000.0 is too large .* pass bounds"):
        Rosenbrock(a=1e9)
    far = Rosenbrock(a=1e9, bounds=((1e9 - 1, 1e9 + 1), (0, 2e18)), start=(1e9, 0))
    assert far.value(far.minima[0]) == 0.0
    assert Rosenbrock(a=-1e8).bounds[0] == (-1e8 - 3, -1e8 + 1)


def test_grid_bad_input():
    with pytest.raises(ValueError, match="n must be >= 2"):
        grid(Himmelblau(), n=1)
    with pytest.raises(ValueError, match="n must be an int or a pair"):
        grid(Himmelblau(), n=(3, 4, 5))
    with pytest.raises(ValueError, match="bounds must be given"):
        grid(lambda p: p[..., 0])
    with pytest.raises(ValueError, match=r"bounds must be \(\(xmin"):
        mesh((0, 1))
    with pytest.raises(TypeError, match="surface must be"):
        grid("rosenbrock")
    with pytest.raises(ValueError, match="surface must map"):
        grid(lambda p: p, bounds=((0, 1), (0, 1)))


def test_base_class_is_usable_for_subclasses():
    class Bowl(Surface):
        def _value(self, x):
            return np.sum(x * x, axis=-1)

        def _grad(self, x):
            return 2 * x

        def _hessian(self, x):
            return np.broadcast_to(2 * np.eye(2), x.shape + (2,))

    b = Bowl(bounds=((-1, 1), (-1, 1)), start=(0.5, 0.5))
    assert b([1.0, 2.0]) == 5.0
    assert b.minima.shape == (0, 2)


# --- Quadratic.from_linear_regression ------------------------------------------

def test_quadratic_from_linear_regression_is_the_mse_bowl():
    lm = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(7)
    X = rng.normal(size=(40, 3)) * [1.0, 10.0, 0.1] + [0.0, 5.0, -2.0]
    y = 0.5 + X @ [1.0, -0.2, 3.0] + 0.1 * rng.normal(size=40)
    q = Quadratic.from_linear_regression(X, y)
    assert q.dim == 4
    for theta in rng.normal(size=(5, 4)):
        mse = np.mean((theta[0] + X @ theta[1:] - y) ** 2)        # by hand
        assert q(theta) == pytest.approx(mse, rel=1e-10)
        np.testing.assert_allclose(q.grad(theta), fd_grad(q.value, theta), rtol=1e-5,
                                   atol=1e-6 * max(1.0, mse))
    ref = lm.LinearRegression().fit(X, y)
    np.testing.assert_allclose(q.minimizer, np.r_[ref.intercept_, ref.coef_], atol=1e-8)
    design = np.c_[np.ones(40), X]
    eig = np.linalg.eigvalsh(2.0 / 40 * design.T @ design)
    assert q.lambda_max == pytest.approx(eig[-1]) and q.lambda_min == pytest.approx(eig[0])
    assert q.min_value == pytest.approx(np.mean((ref.predict(X) - y) ** 2), rel=1e-8)


def test_standardizing_a_feature_makes_the_bowl_round():
    x = np.linspace(0.0, 10.0, 21)[:, None]
    y = 2.0 * x[:, 0] + 1.0
    raw = Quadratic.from_linear_regression(x, y)
    std = Quadratic.from_linear_regression((x - x.mean()) / x.std(), y)
    assert raw.condition_number > 100
    assert std.condition_number == pytest.approx(1.0)
    np.testing.assert_allclose(std.H, 2.0 * np.eye(2), atol=1e-12)


def test_quadratic_from_linear_regression_bad_input():
    X = np.ones((5, 1))
    with pytest.raises(ValueError, match="X must have linearly independent columns"):
        Quadratic.from_linear_regression(X, np.arange(5.0))     # constant = the intercept
    with pytest.raises(ValueError, match="X and y must have the same number of rows"):
        Quadratic.from_linear_regression(np.arange(6.0)[:, None], np.arange(5.0))
    with pytest.raises(ValueError, match="X must be 2-dimensional"):
        Quadratic.from_linear_regression(np.arange(5.0), np.arange(5.0))


# --- classify_critical_point -------------------------------------------------

@pytest.mark.parametrize("H, kind", [
    (np.diag([2.0, 3.0]), "minimum"),
    (np.diag([-2.0, -0.5]), "maximum"),
    (np.diag([2.0, -2.0]), "saddle"),
    (np.diag([1.0, 0.0]), "degenerate"),            # like x^2 + y^4 at 0
    (np.zeros((3, 3)), "degenerate"),
    (np.diag([1.0, 0.0, -1.0]), "saddle"),          # mixed signs decide despite the zero
    ([[5.0]], "minimum"),
    ([[0.0, 1.0], [1.0, 0.0]], "saddle"),           # f = xy: eigenvalues -1, +1
])
def test_classify_critical_point_hand_cases(H, kind):
    assert classify_critical_point(H) == kind


def test_classify_critical_points_of_the_surfaces():
    for surface in (Himmelblau(), Saddle(), Saddle(quartic=0.5), MultiMinima()):
        for kind, points in (("minimum", surface.minima), ("saddle", surface.saddles),
                             ("maximum", surface.maxima)):
            for p in points:
                assert classify_critical_point(surface.hessian(p)) == kind
                # the independent route: a finite-difference Hessian from the gradient
                assert classify_critical_point(fd_jacobian(surface.grad, p)) == kind


def test_classify_critical_point_tolerance_and_bad_input():
    assert classify_critical_point(np.diag([1.0, 1e-12])) == "degenerate"
    assert classify_critical_point(np.diag([1.0, 1e-12]), tol=0.0) == "minimum"
    # only the symmetric part counts: [[1, 4], [0, 1]] -> [[1, 2], [2, 1]], eigenvalues -1, 3
    assert classify_critical_point([[1.0, 4.0], [0.0, 1.0]]) == "saddle"
    with pytest.raises(ValueError, match="hessian must be a square matrix"):
        classify_critical_point(np.ones((2, 3)))
    with pytest.raises(ValueError, match="hessian must be 2-dimensional"):
        classify_critical_point(np.ones(3))
    with pytest.raises(ValueError, match="tol must be >="):
        classify_critical_point(np.eye(2), tol=-1.0)
    with pytest.raises(ValueError, match="hessian contains NaN"):
        classify_critical_point([[np.nan, 0.0], [0.0, 1.0]])
