"""Tests for nnlearn.linear: line fits against scipy/sklearn/numpy and optimality conditions."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnlearn.datasets import noisy_line
from nnlearn.linear import _irls, fit_line_huber, fit_line_mae, fit_line_mse
from nnlearn.losses import huber, mae, mse

FITS = [fit_line_mse, fit_line_mae, fit_line_huber]


def data(seed: int, n: int = 25, outlier: float | None = 40.0):
    X, y = noisy_line(n, outlier=outlier, rng=seed)
    return X[:, 0], y


def sum_abs(x, y, line) -> float:
    slope, intercept = line
    return float(np.abs(slope * x + intercept - y).sum())


def lad_by_linear_program(x, y):
    """min sum u_i subject to -u_i <= a x_i + b - y_i <= u_i, solved by HiGHS."""
    linprog = pytest.importorskip("scipy.optimize").linprog
    n = x.size
    cost = np.r_[0.0, 0.0, np.ones(n)]
    design = np.c_[x, np.ones(n)]
    a_ub = np.block([[design, -np.eye(n)], [-design, -np.eye(n)]])
    res = linprog(cost, A_ub=a_ub, b_ub=np.r_[y, -y],
                  bounds=[(None, None)] * 2 + [(0, None)] * n, method="highs")
    assert res.status == 0
    return tuple(res.x[:2]), res.fun


# ----------------------------------------------------------------------------
# MSE: closed form
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
def test_mse_fit_matches_polyfit_and_sklearn(seed):
    x, y = data(seed)
    slope, intercept = fit_line_mse(x, y)
    np.testing.assert_allclose([slope, intercept], np.polyfit(x, y, 1), rtol=1e-12)
    LinearRegression = pytest.importorskip("sklearn.linear_model").LinearRegression
    reg = LinearRegression().fit(x[:, None], y)
    np.testing.assert_allclose([slope, intercept], [reg.coef_[0], reg.intercept_], rtol=1e-10)


def test_mse_fit_zeroes_the_gradient_and_beats_nearby_lines():
    x, y = data(4)
    a, b = fit_line_mse(x, y)
    r = a * x + b - y
    # dL/da = 2/n sum r_i x_i and dL/db = 2/n sum r_i, both 0 at the minimum
    assert abs(np.mean(r * x)) < 1e-10 and abs(np.mean(r)) < 1e-10
    best = mse(a * x + b, y)
    for da, db in itertools.product([-1e-3, 0, 1e-3], repeat=2):
        assert mse((a + da) * x + b + db, y) >= best


def test_mse_fit_known_values():
    # points exactly on y = 3x - 2; then x = 0, 1, 2 with y = 0, 0, 3:
    # x_bar = y_bar = 1, slope = ((-1)(-1) + 0 + (1)(2)) / (1 + 0 + 1) = 3/2,
    # intercept = 1 - 3/2 = -1/2
    np.testing.assert_allclose(fit_line_mse([0.0, 1.0, 2.0, 5.0], [-2.0, 1.0, 4.0, 13.0]),
                               [3.0, -2.0], rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(fit_line_mse([0.0, 1.0, 2.0], [0.0, 0.0, 3.0]), [1.5, -0.5],
                               rtol=1e-14)


# ----------------------------------------------------------------------------
# MAE: least absolute deviations
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
def test_mae_fit_matches_linear_program(seed):
    x, y = data(seed)
    line = fit_line_mae(x, y)
    lp_line, lp_value = lad_by_linear_program(x, y)
    assert sum_abs(x, y, line) <= lp_value * (1 + 1e-8)
    np.testing.assert_allclose(line, lp_line, rtol=1e-5, atol=1e-6)


def test_mae_fit_matches_sklearn_median_regression():
    QuantileRegressor = pytest.importorskip("sklearn.linear_model").QuantileRegressor
    x, y = data(11, n=30)
    reg = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(x[:, None], y)
    line = fit_line_mae(x, y)
    assert sum_abs(x, y, line) <= sum_abs(x, y, (reg.coef_[0], reg.intercept_)) * (1 + 1e-8)
    np.testing.assert_allclose(line, [reg.coef_[0], reg.intercept_], rtol=1e-5, atol=1e-6)


def test_mae_fit_matches_brute_force_over_lines_through_two_points():
    # some least-absolute-deviations line passes through two of the data points
    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(0, 5, 8))
    y = 0.5 * x + rng.standard_cauchy(8)
    best = min(
        sum_abs(x, y, ((y[j] - y[i]) / (x[j] - x[i]),
                       y[i] - (y[j] - y[i]) / (x[j] - x[i]) * x[i]))
        for i, j in itertools.combinations(range(8), 2))
    assert sum_abs(x, y, fit_line_mae(x, y)) == pytest.approx(best, rel=1e-8)


def test_mae_fit_ignores_how_far_the_outlier_is():
    # moving a point further away on the same side does not change the LAD line
    x, y = data(0, outlier=None)
    near, far = y.copy(), y.copy()
    near[-1] += 20.0
    far[-1] += 2000.0
    np.testing.assert_allclose(fit_line_mae(x, near), fit_line_mae(x, far), rtol=1e-6)
    # while the least-squares line follows it
    assert abs(fit_line_mse(x, far)[0] - fit_line_mse(x, near)[0]) > 10


def test_mae_fit_recovers_an_exact_line_and_median():
    x = np.linspace(-1, 4, 9)
    np.testing.assert_allclose(fit_line_mae(x, 0.5 - 2 * x), [-2.0, 0.5], atol=1e-12)
    # seven points, five of them on y = x + 1 and two far above it: the two
    # cannot pull the line (any tilt costs more on the five than it saves)
    x7 = np.arange(7.0)
    y7 = x7 + 1
    y7[[1, 5]] += [30.0, 50.0]
    np.testing.assert_allclose(fit_line_mae(x7, y7), [1.0, 1.0], atol=1e-12)


def test_mae_fit_is_not_the_least_squares_line_with_outlier():
    x, y = data(0)
    mse_line, mae_line = fit_line_mse(x, y), fit_line_mae(x, y)
    assert sum_abs(x, y, mae_line) < sum_abs(x, y, mse_line)
    assert abs(mae_line[0] - 2.0) < 0.5 * abs(mse_line[0] - 2.0)   # true slope is 2


# ----------------------------------------------------------------------------
# Huber
# ----------------------------------------------------------------------------

def huber_gradient(x, y, line, delta):
    a, b = line
    psi = np.clip(a * x + b - y, -delta, delta)
    return np.array([np.mean(psi * x), np.mean(psi)])


@pytest.mark.parametrize("delta", [0.3, 1.0, 5.0])
@pytest.mark.parametrize("seed", range(2))
def test_huber_fit_zeroes_the_gradient(delta, seed):
    x, y = data(seed)
    line = fit_line_huber(x, y, delta=delta)
    assert np.abs(huber_gradient(x, y, line, delta)).max() < 1e-9 * delta


def test_huber_fit_matches_scipy_minimize():
    minimize = pytest.importorskip("scipy.optimize").minimize
    x, y = data(5)
    delta = 1.5

    def objective(theta):
        return float(huber(theta[0] * x + theta[1], y, delta=delta))

    ref = minimize(objective, np.zeros(2), jac=lambda t: huber_gradient(x, y, t, delta),
                   method="BFGS", options=dict(gtol=1e-12, maxiter=1000))
    line = fit_line_huber(x, y, delta=delta)
    assert objective(np.array(line)) <= ref.fun * (1 + 1e-10)
    np.testing.assert_allclose(line, ref.x, rtol=1e-6, atol=1e-7)


def test_huber_fit_limits():
    x, y = data(2)
    # delta above every residual of the least-squares line: Huber = MSE / 2, same line
    np.testing.assert_allclose(fit_line_huber(x, y, delta=1e3), fit_line_mse(x, y), rtol=1e-12)
    # tiny delta: the Huber loss is delta * (|r| - delta / 2), so the MAE line
    small = fit_line_huber(x, y, delta=1e-7)
    assert sum_abs(x, y, small) == pytest.approx(sum_abs(x, y, fit_line_mae(x, y)), rel=1e-6)


def test_each_reweighting_step_lowers_the_loss():
    # the majorize-minimize argument of the docstrings: the loss never goes up
    x, y = data(1)
    for floor, loss in [(1e-9, lambda a, b: mae(a * x + b, y)),
                        (0.5, lambda a, b: huber(a * x + b, y, delta=0.5))]:
        values = [loss(*_irls(x, y, floor, max_iter=k, tol=0.0)) for k in range(1, 25)]
        assert np.all(np.diff(values) <= 1e-12 * values[0])
        assert values[-1] < values[0]
    # and the MAE fit's final vertex check only ever improves on IRLS
    irls = _irls(x, y, 1e-8, max_iter=3, tol=0.0)
    assert sum_abs(x, y, fit_line_mae(x, y, max_iter=3)) <= sum_abs(x, y, irls)


# ----------------------------------------------------------------------------
# Input handling
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("fit", FITS, ids=lambda f: f.__name__)
def test_column_x_equals_flat_x_and_float32_works(fit):
    X, y = noisy_line(15, outlier=10.0, rng=0)
    flat = fit(X[:, 0], y)
    assert fit(X, y) == flat
    got = fit(X.astype(np.float32), y.astype(np.float32))
    assert all(isinstance(v, float) for v in got)
    np.testing.assert_allclose(got, flat, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("fit", FITS, ids=lambda f: f.__name__)
def test_bad_input(fit):
    x, y = np.arange(4.0), np.arange(4.0)
    with pytest.raises(ValueError, match=r"x and y.*4.*3"):
        fit(x, y[:3])
    with pytest.raises(ValueError, match=r"x.*\(4, 2\)"):
        fit(np.zeros((4, 2)), y)
    with pytest.raises(ValueError, match="x must hold at least two different"):
        fit(np.ones(4), y)
    with pytest.raises(ValueError, match="x must hold at least two different"):
        fit([1.0], [2.0])
    with pytest.raises(ValueError, match="y"):
        fit(x, np.array([0.0, np.nan, 1.0, 2.0]))
    with pytest.raises(ValueError, match="y"):
        fit(x, np.zeros((4, 1)))
    with pytest.raises(TypeError, match="x"):
        fit(["a", "b"], [1.0, 2.0])


@pytest.mark.parametrize("fit", [fit_line_mae, fit_line_huber], ids=lambda f: f.__name__)
def test_bad_iteration_settings(fit):
    x, y = np.arange(4.0), np.arange(4.0)
    with pytest.raises(ValueError, match="max_iter"):
        fit(x, y, max_iter=0)
    with pytest.raises(TypeError, match="max_iter"):
        fit(x, y, max_iter=2.5)
    with pytest.raises(ValueError, match="tol"):
        fit(x, y, tol=-1.0)


@pytest.mark.parametrize("delta", [0.0, -1.0])
def test_huber_bad_delta(delta):
    with pytest.raises(ValueError, match="delta"):
        fit_line_huber(np.arange(4.0), np.arange(4.0), delta=delta)
