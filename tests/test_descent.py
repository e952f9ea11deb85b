"""Tests for nnlearn.descent: finite differences, gradient descent, mini-batches, SGD."""

import warnings
from contextlib import contextmanager
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlearn.descent import (
    gradient_descent,
    gradient_steps,
    least_squares,
    linear_regression_grad,
    linear_regression_loss,
    linear_regression_predict,
    minibatch_gradient_variance,
    minibatches,
    numerical_gradient,
    numerical_hessian,
    sgd_linear_regression,
)
from nnlearn.surfaces import Quadratic, Rosenbrock


def random_pd(rng, d, low=0.1, high=10.0):
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    return q @ np.diag(rng.uniform(low, high, size=d)) @ q.T


def random_quadratics(n=8, seed=0, low=0.1, high=10.0):
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        d = 2 + k % 4
        H = random_pd(rng, d, low, high)
        out.append((Quadratic(H, b=rng.normal(size=d), c=rng.normal()),
                    rng.normal(scale=3.0, size=d)))
    return out


def fd_grad(f, x, h=1e-6):
    """Independent central differences (float64) for checking analytic gradients."""
    x = np.asarray(x, dtype=np.float64)
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e.flat[i] = h
        g.flat[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


@contextmanager
def no_warnings():
    """Turn every warning into an error inside the block."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# --- numerical_gradient / numerical_hessian ----------------------------------

def test_numerical_gradient_of_sum_sin_matches_cos():
    x = np.random.default_rng(0).normal(size=(3, 4))
    x_before = x.copy()
    g = numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    assert g.shape == (3, 4) and g.dtype == np.float64
    np.testing.assert_allclose(g, np.cos(x), rtol=0, atol=1e-8)
    np.testing.assert_array_equal(x, x_before)            # x is not modified


def test_numerical_gradient_closed_forms():
    rng = np.random.default_rng(1)
    M = rng.normal(size=(4, 4))
    x = rng.normal(size=4)
    np.testing.assert_allclose(numerical_gradient(lambda v: v @ M @ v, x), (M + M.T) @ x,
                               atol=1e-8)
    # a 0-d input and a function that returns a length-1 array
    assert numerical_gradient(lambda v: np.array([v**3]), 2.0) == pytest.approx(12.0, abs=1e-8)
    # log-sum-exp: the gradient is the softmax
    z = rng.normal(size=5)
    soft = np.exp(z) / np.exp(z).sum()
    np.testing.assert_allclose(numerical_gradient(lambda v: np.log(np.sum(np.exp(v))), z),
                               soft, atol=1e-9)


def test_numerical_gradient_keeps_float32():
    x = np.array([0.5, -1.0], dtype=np.float32)
    g = numerical_gradient(lambda v: np.sum(v**2), x, h=1e-2)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 2 * x, rtol=1e-3)


def test_numerical_hessian_closed_forms():
    rng = np.random.default_rng(2)
    H_exact = random_pd(rng, 3)
    q = Quadratic(H_exact, b=rng.normal(size=3))
    np.testing.assert_allclose(numerical_hessian(q, rng.normal(size=3)), H_exact, atol=1e-6)
    x = rng.normal(size=(2, 3))
    H = numerical_hessian(lambda v: np.sum(np.sin(v)), x)
    assert H.shape == (2, 3, 2, 3)
    expected = np.diag(-np.sin(x).ravel()).reshape(2, 3, 2, 3)
    np.testing.assert_allclose(H, expected, atol=1e-6)
    r = Rosenbrock()
    p = np.array([0.3, -0.2])
    np.testing.assert_allclose(numerical_hessian(r, p), r.hessian(p), rtol=1e-6, atol=1e-5)


def test_numerical_gradient_bad_input():
    with pytest.raises(ValueError, match="h must be >"):
        numerical_gradient(np.sum, np.ones(2), h=0.0)
    with pytest.raises(ValueError, match="h must be >"):
        numerical_hessian(np.sum, np.ones(2), h=-1e-3)
    with pytest.raises(TypeError, match="f must be callable"):
        numerical_gradient("sum", np.ones(2))
    with pytest.raises(ValueError, match="f must return a scalar"):
        numerical_gradient(lambda v: v, np.ones(2))
    with pytest.raises(ValueError, match="x contains NaN"):
        numerical_gradient(np.sum, [1.0, np.nan])


# --- gradient descent on quadratics: the theory of chapter 3 -----------------

def test_gradient_steps_is_the_update_rule():
    # theta_t - theta* = (I - eta A)^t (theta_0 - theta*) on a quadratic, computed here
    for q, x0 in random_quadratics(seed=11):
        eta = 0.7 / q.lambda_max
        steps = gradient_steps(q.grad, x0.copy(), lr=eta)
        M = np.eye(q.dim) - eta * q.H
        x_star = np.linalg.solve(q.H, q.b)
        for t in range(1, 6):
            np.testing.assert_allclose(
                next(steps), x_star + np.linalg.matrix_power(M, t) @ (x0 - x_star),
                rtol=1e-12, atol=1e-12)


def test_gradient_steps_leaves_the_start_alone_and_keeps_float32():
    q = Quadratic(np.diag([2.0, 4.0]))
    x0 = np.array([1.0, 1.0], dtype=np.float32)
    steps = gradient_steps(lambda x: (q.H @ x).astype(x.dtype), x0, lr=0.1)
    first, second = next(steps), next(steps)
    np.testing.assert_array_equal(x0, [1.0, 1.0])
    assert first.dtype == second.dtype == np.float32
    np.testing.assert_allclose(second, [0.64, 0.36], rtol=1e-6)


def test_gradient_descent_takes_the_steps_of_gradient_steps():
    # the checked version records exactly the iterates of the plain rule
    r = Rosenbrock()
    start = np.array([-1.2, 1.0])
    plain = gradient_steps(r.grad, start, lr=1e-3)
    expected = np.array([start] + [next(plain) for _ in range(50)])
    np.testing.assert_array_equal(gradient_descent(r.grad, start, lr=1e-3, steps=50), expected)


def test_gd_reaches_the_closed_form_minimizer():
    for q, x0 in random_quadratics(low=0.5, high=5.0):      # condition number <= 10
        path = gradient_descent(q.grad, x0, lr=1.0 / q.lambda_max, steps=400)
        assert path.shape == (401, q.dim)
        np.testing.assert_array_equal(path[0], x0)
        x_star = np.linalg.solve(q.H, q.b)                 # closed form, computed here
        np.testing.assert_allclose(path[-1], x_star, atol=1e-8)


@pytest.mark.parametrize("fraction", [1.0, 0.5, 0.1])
def test_sublinear_bound_holds_at_every_step_for_lr_at_most_one_over_L(fraction):
    # f(x_t) - f* <= ||x0 - x*||^2 / (2 eta t), valid for eta <= 1/L (errata 14)
    for q, x0 in random_quadratics(seed=3):
        eta = fraction / q.lambda_max
        path = gradient_descent(q.grad, x0, lr=eta, steps=200)
        t = np.arange(1, 201)
        gap = q(path[1:]) - q.min_value
        bound = np.sum((x0 - q.minimizer) ** 2) / (2 * eta * t)
        assert np.all(gap <= bound * (1 + 1e-10) + 1e-12)


def test_linear_rate_for_strongly_convex_quadratic():
    # ||x_t - x*|| <= (1 - eta mu)^t ||x0 - x*|| for eta <= 1/L
    for q, x0 in random_quadratics(seed=4):
        for eta in (1.0 / q.lambda_max, 0.3 / q.lambda_max):
            path = gradient_descent(q.grad, x0, lr=eta, steps=100)
            err = np.linalg.norm(path - q.minimizer, axis=1)
            bound = (1 - eta * q.lambda_min) ** np.arange(101) * err[0]
            assert np.all(err <= bound * (1 + 1e-9) + 1e-13)


def test_rate_is_tight_along_the_flattest_direction():
    # starting on the mu-eigenvector the bound holds with equality
    q = Quadratic.from_eigenvalues(4.0, 0.5, angle=0.7)
    v = np.array([-np.sin(0.7), np.cos(0.7)])
    path = gradient_descent(q.grad, 2.0 * v, lr=0.25, steps=30)
    np.testing.assert_allclose(np.linalg.norm(path, axis=1),
                               2.0 * (1 - 0.25 * 0.5) ** np.arange(31), rtol=1e-10)


def test_lr_between_one_and_two_over_L_still_converges_and_above_two_diverges():
    for q, x0 in random_quadratics(seed=5, low=1.0, high=5.0):
        conv = gradient_descent(q.grad, x0, lr=1.9 / q.lambda_max, steps=600)
        np.testing.assert_allclose(conv[-1], q.minimizer, atol=1e-6)
        div = gradient_descent(q.grad, x0, lr=2.2 / q.lambda_max, steps=200)
        err = np.linalg.norm(div - q.minimizer, axis=1)
        assert err[-1] > 1e6 * err[0]
        # asymptotically the error grows by |1 - eta L| = 1.2 per step
        assert err[-1] / err[-2] == pytest.approx(1.2, rel=1e-3)


def test_divergence_is_truncated_without_warnings():
    q = Quadratic.from_eigenvalues(2.0, 1.0)
    with no_warnings():
        path = gradient_descent(q.grad, [1.0, 1.0], lr=3.0 / q.lambda_max, steps=100_000)
    assert len(path) < 100
    assert np.all(np.isfinite(path))
    assert np.abs(path[-1]).max() > 1e12 >= np.abs(path[-2]).max()
    # the first rows are the ordinary iterates: x_{t+1} = (I - eta A) x_t
    M = np.eye(2) - 1.5 * q.H
    np.testing.assert_allclose(path[3], np.linalg.matrix_power(M, 3) @ [1.0, 1.0])
    short = gradient_descent(q.grad, [1.0, 1.0], lr=3.0 / q.lambda_max, steps=1000, max_norm=100.0)
    assert np.abs(short[-1]).max() > 100.0 >= np.abs(short[-2]).max()


def test_divergence_float32_rosenbrock_no_warnings():
    r = Rosenbrock()
    with no_warnings():
        path = gradient_descent(r.grad, np.array([-1.2, 1.0], dtype=np.float32), lr=0.01,
                                steps=500)
    assert path.dtype == np.float32
    assert len(path) < 20 and np.all(np.isfinite(path))


def test_overflowing_gradient_ends_the_run():
    # f(x) = -exp(x): the gradient -exp(x) overflows long before |x| reaches max_norm
    with no_warnings():
        path = gradient_descent(lambda x: -np.exp(x), np.array([0.0]), lr=1.0, steps=50,
                                max_norm=1e300)
    assert len(path) < 51 and np.all(np.isfinite(path))
    assert path[-1, 0] > 700                  # stops once exp(x) no longer fits in float64
    with pytest.raises(ValueError, match="grad returned NaN or infinity at x0"):
        gradient_descent(lambda x: -np.exp(x), np.array([1000.0]), lr=1.0, steps=5)


def test_gd_on_a_batch_of_starting_points_equals_separate_runs():
    r = Rosenbrock()
    starts = np.array([[-1.2, 1.0], [0.0, 0.0], [1.5, 1.5]])
    paths = gradient_descent(r.grad, starts, lr=1e-3, steps=50)
    assert paths.shape == (51, 3, 2)
    for k in range(3):
        np.testing.assert_allclose(paths[:, k], gradient_descent(r.grad, starts[k], 1e-3, 50))


def test_float32_path_and_by_hand_steps():
    q = Quadratic(np.diag([2.0, 4.0]))
    path = gradient_descent(q.grad, np.array([1.0, 1.0], dtype=np.float32), lr=0.1, steps=2)
    assert path.dtype == np.float32
    # x1 = (1 - 0.2, 1 - 0.4), x2 = (0.8 * 0.8, 0.6 * 0.6)
    np.testing.assert_allclose(path, [[1.0, 1.0], [0.8, 0.6], [0.64, 0.36]], rtol=1e-6)


def test_a_float64_gradient_or_noise_does_not_promote_a_float32_path():
    # checked_gradient casts each gradient to x0's dtype (chapter 3 says so), so the
    # steps are taken in float32 arithmetic, not in float64 and rounded when stored.
    float64_grad = lambda x: np.asarray(x, dtype=np.float64) / 3.0  # noqa: E731
    start = np.array([1.0, -1.0, 0.3, 7.1], dtype=np.float32)
    path = gradient_descent(float64_grad, start, lr=0.01, steps=50)
    by_hand = [start]
    for _ in range(50):
        x = by_hand[-1]
        by_hand.append(x - 0.01 * float64_grad(x).astype(np.float32))
    assert path.dtype == np.float32 and by_hand[-1].dtype == np.float32
    np.testing.assert_array_equal(path, np.array(by_hand))
    noisy = gradient_descent(float64_grad, start, lr=0.1, steps=3, noise=0.1, rng=0)
    assert noisy.dtype == np.float32


def test_noise_is_gaussian_with_the_given_std():
    zero = lambda x: np.zeros_like(x)  # noqa: E731
    path = gradient_descent(zero, np.zeros(2), lr=0.5, steps=4000, noise=0.3, rng=0)
    kicks = -np.diff(path, axis=0) / 0.5       # = noise * xi_t
    assert np.std(kicks) == pytest.approx(0.3, rel=0.04)
    assert abs(np.mean(kicks)) < 0.015
    assert abs(np.corrcoef(kicks[:, 0], kicks[:, 1])[0, 1]) < 0.06


def test_noise_is_reproducible_and_zero_noise_is_deterministic():
    q = Quadratic.from_eigenvalues(2.0, 1.0)
    a = gradient_descent(q.grad, q.start, 0.1, 30, noise=0.1, rng=7)
    b = gradient_descent(q.grad, q.start, 0.1, 30, noise=0.1, rng=np.random.default_rng(7))
    c = gradient_descent(q.grad, q.start, 0.1, 30, noise=0.1, rng=8)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    d = gradient_descent(q.grad, q.start, 0.1, 30, rng=1)
    e = gradient_descent(q.grad, q.start, 0.1, 30, rng=2)
    np.testing.assert_array_equal(d, e)


def test_gradient_descent_bad_input():
    q = Quadratic.from_eigenvalues(2.0, 1.0)
    with pytest.raises(ValueError, match="lr must be >"):
        gradient_descent(q.grad, q.start, lr=0.0, steps=10)
    with pytest.raises(ValueError, match="lr must be >"):
        gradient_descent(q.grad, q.start, lr=-0.1, steps=10)
    with pytest.raises(ValueError, match="steps must be >= 1"):
        gradient_descent(q.grad, q.start, lr=0.1, steps=0)
    with pytest.raises(TypeError, match="steps must be an integer"):
        gradient_descent(q.grad, q.start, lr=0.1, steps=2.5)
    with pytest.raises(ValueError, match="noise must be >="):
        gradient_descent(q.grad, q.start, lr=0.1, steps=10, noise=-1.0)
    with pytest.raises(ValueError, match=r"x0 of shape \(3,\)"):
        gradient_descent(Rosenbrock().grad, np.zeros(3), lr=0.1, steps=10)
    with pytest.raises(ValueError, match="grad must return an array of the shape of x0"):
        gradient_descent(lambda x: np.zeros(5), np.zeros(2), lr=0.1, steps=10)
    with pytest.raises(TypeError, match="grad must be callable"):
        gradient_descent(None, np.zeros(2), lr=0.1, steps=10)
    with pytest.raises(ValueError, match="x0 contains NaN"):
        gradient_descent(q.grad, [np.nan, 0.0], lr=0.1, steps=10)
    with pytest.raises(TypeError, match="rng must be"):
        gradient_descent(q.grad, q.start, lr=0.1, steps=10, noise=0.1, rng="seed")


# --- minibatches ---------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 60), batch_size=st.integers(1, 70), seed=st.integers(0, 2**16),
       shuffle=st.booleans())
def test_minibatches_cover_every_index_once(n, batch_size, seed, shuffle):
    batches = list(minibatches(n, batch_size, rng=seed, shuffle=shuffle))
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(n))
    sizes = [len(b) for b in batches]
    assert len(batches) == -(-n // batch_size)
    assert all(s == batch_size for s in sizes[:-1])
    assert sizes[-1] == n - batch_size * (len(batches) - 1)
    assert all(np.issubdtype(b.dtype, np.integer) for b in batches)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 60), batch_size=st.integers(1, 70), seed=st.integers(0, 2**16))
def test_minibatches_drop_last(n, batch_size, seed):
    batches = list(minibatches(n, batch_size, rng=seed, drop_last=True))
    assert len(batches) == n // batch_size
    assert all(len(b) == batch_size for b in batches)
    seen = np.concatenate(batches) if batches else np.array([], dtype=int)
    assert len(np.unique(seen)) == len(seen) == n - n % batch_size
    # the dropped indices are exactly the tail of the same shuffled order
    full = np.concatenate(list(minibatches(n, batch_size, rng=seed, drop_last=False)))
    np.testing.assert_array_equal(seen, full[: len(seen)])


def test_minibatches_reproducible_and_shuffled():
    a = [b.tolist() for b in minibatches(20, 6, rng=3)]
    b = [b.tolist() for b in minibatches(20, 6, rng=np.random.default_rng(3))]
    c = [b.tolist() for b in minibatches(20, 6, rng=4)]
    assert a == b and a != c
    assert np.concatenate(a).tolist() != list(range(20))
    # one Generator shared across epochs gives a fresh order each epoch
    gen = np.random.default_rng(0)
    e1 = np.concatenate(list(minibatches(20, 6, rng=gen)))
    e2 = np.concatenate(list(minibatches(20, 6, rng=gen)))
    assert not np.array_equal(e1, e2)


def test_minibatches_without_shuffle_are_in_order():
    batches = [b.tolist() for b in minibatches(7, 3, shuffle=False)]
    assert batches == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in minibatches(7, 3, shuffle=False, drop_last=True)] == \
        [[0, 1, 2], [3, 4, 5]]
    assert [b.tolist() for b in minibatches(3, 10, shuffle=False)] == [[0, 1, 2]]
    assert list(minibatches(3, 10, drop_last=True)) == []


def test_minibatches_bad_input_fails_at_call_time():
    with pytest.raises(ValueError, match="n must be >= 1"):
        minibatches(0, 2)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        minibatches(5, 0)
    with pytest.raises(TypeError, match="batch_size must be an integer"):
        minibatches(5, 2.0)
    with pytest.raises(TypeError, match="rng must be"):
        minibatches(5, 2, rng=[1, 2])


# --- linear regression ---------------------------------------------------------

def regression_data(n=120, d=3, noise=0.3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w = np.arange(1.0, d + 1.0)
    y = 0.7 + X @ w + noise * rng.normal(size=n)
    return X, y


def test_loss_and_prediction_by_hand():
    X = np.array([[1.0], [2.0], [3.0]])
    y = np.array([1.0, 2.0, 2.0])
    theta = np.array([0.5, 0.5])
    np.testing.assert_allclose(linear_regression_predict(theta, X), [1.0, 1.5, 2.0])
    # residuals (0, -0.5, 0): MSE = 0.25 / 3, never negative (errata 1)
    assert linear_regression_loss(theta, X, y) == pytest.approx(0.25 / 3)
    assert linear_regression_loss(theta, X, y, rows=[1]) == pytest.approx(0.25)
    # gradient with its factor 2: (2/3) * (sum r, sum r x) = (2/3) * (-0.5, -1.0)
    np.testing.assert_allclose(linear_regression_grad(theta, X, y), [-1 / 3, -2 / 3])


def test_loss_matches_sklearn_mse():
    metrics = pytest.importorskip("sklearn.metrics")
    X, y = regression_data()
    theta = np.array([0.1, 0.5, -0.2, 1.0])
    pred = theta[0] + X @ theta[1:]
    assert linear_regression_loss(theta, X, y) == pytest.approx(
        metrics.mean_squared_error(y, pred), rel=1e-12)


def test_grad_matches_finite_differences_on_subsets():
    X, y = regression_data(n=40)
    rng = np.random.default_rng(1)
    for rows in (None, np.array([3, 7, 7, 20]), np.arange(10)):
        theta = rng.normal(size=4)
        g = linear_regression_grad(theta, X, y, rows=rows)
        ref = fd_grad(lambda t, r=rows: float(linear_regression_loss(t, X, y, rows=r)), theta)
        np.testing.assert_allclose(g, ref, rtol=1e-7, atol=1e-8)


def test_loss_and_grad_are_vectorized_over_theta():
    X, y = regression_data(n=30, d=1)
    thetas = np.random.default_rng(2).normal(size=(4, 5, 2))
    L = linear_regression_loss(thetas, X, y)
    G = linear_regression_grad(thetas, X, y, rows=np.arange(7))
    assert L.shape == (4, 5) and G.shape == (4, 5, 2)
    for i, j in [(0, 0), (3, 4), (1, 2)]:
        assert L[i, j] == pytest.approx(linear_regression_loss(thetas[i, j], X, y))
        np.testing.assert_allclose(G[i, j],
                                   linear_regression_grad(thetas[i, j], X, y, np.arange(7)))


def test_minibatch_gradients_average_to_the_full_gradient():
    X, y = regression_data(n=60)
    theta = np.array([0.3, -1.0, 0.2, 0.5])
    grads = [linear_regression_grad(theta, X, y, rows=b)
             for b in minibatches(60, 15, rng=0)]
    np.testing.assert_allclose(np.mean(grads, axis=0), linear_regression_grad(theta, X, y))


def test_least_squares_matches_sklearn_and_is_stationary():
    lm = pytest.importorskip("sklearn.linear_model")
    X, y = regression_data()
    theta = least_squares(X, y)
    ref = lm.LinearRegression().fit(X, y)
    np.testing.assert_allclose(theta, np.r_[ref.intercept_, ref.coef_], atol=1e-10)
    np.testing.assert_allclose(linear_regression_grad(theta, X, y), 0.0, atol=1e-12)


def test_batch_gd_converges_to_least_squares_and_equals_gradient_descent():
    X, y = regression_data()
    theta_star = least_squares(X, y)
    res = sgd_linear_regression(X, y, lr=0.1, epochs=300, batch_size=len(y), rng=0)
    np.testing.assert_allclose(res.theta, theta_star, atol=1e-8)
    path = gradient_descent(lambda t: linear_regression_grad(t, X, y), np.zeros(4), lr=0.1,
                            steps=300)
    np.testing.assert_allclose(res.path, path, rtol=1e-10, atol=1e-12)
    assert not res.diverged


@pytest.mark.parametrize("batch_size, lr, tol", [(1, 0.005, 0.05), (10, 0.02, 0.03)])
def test_sgd_and_minibatch_end_near_least_squares(batch_size, lr, tol):
    X, y = regression_data()
    theta_star = least_squares(X, y)
    res = sgd_linear_regression(X, y, lr=lr, epochs=30, batch_size=batch_size, rng=1)
    assert np.max(np.abs(res.theta - theta_star)) < tol
    best = linear_regression_loss(theta_star, X, y)
    assert res.epoch_loss[-1] < best * 1.02
    assert res.epoch_loss[-1] < 0.01 * res.epoch_loss[0]


def test_sgd_record_shapes_counts_and_losses():
    X, y = regression_data(n=50, d=2)
    theta0 = np.array([1.0, -1.0, 0.5])
    res = sgd_linear_regression(X, y, lr=0.01, epochs=4, batch_size=8, rng=3, theta0=theta0)
    steps = 4 * 7                                  # ceil(50 / 8) = 7 updates per epoch
    assert res.path.shape == (steps + 1, 3)
    assert res.loss.shape == res.grad_evals.shape == (steps + 1,)
    np.testing.assert_array_equal(res.path[0], theta0)
    np.testing.assert_array_equal(res.theta, res.path[-1])
    np.testing.assert_array_equal(res.epoch_index, np.arange(5) * 7)
    np.testing.assert_array_equal(res.grad_evals[res.epoch_index], np.arange(5) * 50)
    np.testing.assert_array_equal(np.diff(res.grad_evals)[:7], [8] * 6 + [2])
    np.testing.assert_allclose(res.loss, linear_regression_loss(res.path, X, y), rtol=1e-12)
    np.testing.assert_array_equal(res.epoch_loss, res.loss[res.epoch_index])
    again = sgd_linear_regression(X, y, lr=0.01, epochs=4, batch_size=8, rng=3, theta0=theta0)
    np.testing.assert_array_equal(again.path, res.path)
    other = sgd_linear_regression(X, y, lr=0.01, epochs=4, batch_size=8, rng=4, theta0=theta0)
    assert not np.allclose(other.path, res.path)


def test_sgd_without_shuffle_follows_the_rows_in_order():
    X, y = regression_data(n=6, d=1)
    res = sgd_linear_regression(X, y, lr=0.1, epochs=1, batch_size=4, shuffle=False)
    t1 = -0.1 * linear_regression_grad(np.zeros(2), X, y, rows=np.arange(4))
    t2 = t1 - 0.1 * linear_regression_grad(t1, X, y, rows=np.array([4, 5]))
    np.testing.assert_allclose(res.path, [np.zeros(2), t1, t2])


def test_sgd_divergence_is_recorded_without_warnings():
    X, y = regression_data(n=40)
    with no_warnings():
        res = sgd_linear_regression(X, y, lr=5.0, epochs=50, batch_size=40, rng=0)
    assert res.diverged
    assert np.all(np.isfinite(res.path)) and np.abs(res.path[-1]).max() > 1e12
    assert len(res.path) == len(res.loss) == len(res.grad_evals) < 51
    assert res.epoch_index[-1] <= len(res.path) - 1


def test_sgd_float32_stays_float32():
    X, y = regression_data(n=40, d=1)
    res = sgd_linear_regression(X.astype(np.float32), y.astype(np.float32), lr=0.05,
                                epochs=2, batch_size=10, rng=0)
    assert res.path.dtype == res.loss.dtype == res.theta.dtype == np.float32
    assert least_squares(X.astype(np.float32), y.astype(np.float32)).dtype == np.float32


def test_linear_regression_bad_input():
    X, y = regression_data(n=20, d=2)
    with pytest.raises(ValueError, match="X must be 2-dimensional"):
        linear_regression_loss(np.zeros(2), X[:, 0], y)
    with pytest.raises(ValueError, match="X and y must have the same number of rows"):
        linear_regression_loss(np.zeros(3), X, y[:-1])
    with pytest.raises(ValueError, match=r"theta must have shape \(3,\)"):
        linear_regression_grad(np.zeros(2), X, y)
    with pytest.raises(ValueError, match="rows must lie in"):
        linear_regression_grad(np.zeros(3), X, y, rows=[0, 20])
    with pytest.raises(ValueError, match="rows must be a non-empty 1-D array"):
        linear_regression_grad(np.zeros(3), X, y, rows=[])
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        sgd_linear_regression(X, y, lr=0.1, epochs=1, batch_size=0)
    with pytest.raises(ValueError, match="batch_size must be <= 20"):
        sgd_linear_regression(X, y, lr=0.1, epochs=1, batch_size=21)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        sgd_linear_regression(X, y, lr=0.1, epochs=0, batch_size=5)
    with pytest.raises(ValueError, match="lr must be >"):
        sgd_linear_regression(X, y, lr=0.0, epochs=1, batch_size=5)
    with pytest.raises(ValueError, match=r"theta0 must have shape \(3,\)"):
        sgd_linear_regression(X, y, lr=0.1, epochs=1, batch_size=5, theta0=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="y must be 1-dimensional"):
        least_squares(X, y[:, None])


# --- minibatch_gradient_variance --------------------------------------------------

def test_minibatch_gradient_variance_equals_the_average_over_all_batches():
    X, y = regression_data(n=7, d=2, seed=3)
    theta = np.array([0.2, -0.5, 1.0])
    full = linear_regression_grad(theta, X, y)
    for B in range(1, 8):
        # every batch of B distinct rows is equally likely: average over all of them
        errors = [np.sum((linear_regression_grad(theta, X, y, rows=np.array(rows)) - full) ** 2)
                  for rows in combinations(range(7), B)]
        assert minibatch_gradient_variance(theta, X, y, B) == pytest.approx(np.mean(errors),
                                                                            rel=1e-10, abs=1e-12)
    assert minibatch_gradient_variance(theta, X, y, 7) == 0.0


def test_minibatch_gradient_variance_for_one_sample_is_the_per_sample_spread():
    X, y = regression_data(n=30, d=1, seed=4)
    theta = np.array([0.1, 0.3])
    per_sample = np.array([linear_regression_grad(theta, X, y, rows=np.array([i]))
                           for i in range(30)])
    spread = np.mean(np.sum((per_sample - per_sample.mean(axis=0)) ** 2, axis=1))
    assert minibatch_gradient_variance(theta, X, y, 1) == pytest.approx(spread, rel=1e-12)
    # quadrupling the batch roughly quarters the variance ((N - B)/(N - 1) correction aside)
    ratio = (minibatch_gradient_variance(theta, X, y, 2)
             / minibatch_gradient_variance(theta, X, y, 8))
    assert ratio == pytest.approx(4 * (30 - 2) / (30 - 8), rel=1e-12)


def test_minibatch_gradient_variance_bad_input():
    X, y = regression_data(n=10, d=2)
    with pytest.raises(ValueError, match="batch_size must be <= 10"):
        minibatch_gradient_variance(np.zeros(3), X, y, 11)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        minibatch_gradient_variance(np.zeros(3), X, y, 0)
    with pytest.raises(ValueError, match=r"theta must have shape \(3,\)"):
        minibatch_gradient_variance(np.zeros((2, 3)), X, y, 2)
    with pytest.raises(ValueError, match="X and y must have the same number of rows"):
        minibatch_gradient_variance(np.zeros(3), X, y[:5], 2)
