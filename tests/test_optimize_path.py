"""Tests for nnlearn.optimizers.optimize_path: optimizers run on a surface's gradient."""

import warnings

import numpy as np
import pytest

from nnlearn.descent import gradient_descent
from nnlearn.optimizers import SGD, AdaGrad, Adam, AdamW, RMSProp, optimize_path
from nnlearn.surfaces import MultiMinima, Quadratic, Rosenbrock


def test_sgd_without_momentum_is_gradient_descent_exactly():
    f = Rosenbrock()
    ours = optimize_path(SGD, f.grad, f.start, 300, lr=1e-3)
    ref = gradient_descent(f.grad, f.start, lr=1e-3, steps=300)
    assert np.array_equal(ours, ref)


def test_noisy_sgd_is_noisy_gradient_descent_with_the_same_seed():
    f = Quadratic.from_eigenvalues(4.0, 1.0, angle=0.3)
    ours = optimize_path(SGD, f.grad, f.start, 50, lr=0.1, noise=0.5, rng=3)
    ref = gradient_descent(f.grad, f.start, lr=0.1, steps=50, noise=0.5, rng=3)
    assert np.array_equal(ours, ref)


def test_heavy_ball_against_the_recursion_written_out():
    f = Quadratic.from_eigenvalues(10.0, 1.0, angle=0.4)
    lr, mu = 0.05, 0.8
    path = optimize_path(SGD, f.grad, f.start, 40, lr=lr, momentum=mu)
    x, v = f.start.copy(), np.zeros(2)
    for t in range(40):
        g = f.H @ x - f.b
        v = g if t == 0 else mu * v + g
        x = x - lr * v
        np.testing.assert_allclose(path[t + 1], x, rtol=1e-12, atol=1e-14)


def test_class_with_keywords_equals_a_factory():
    f = MultiMinima()
    a = optimize_path(Adam, f.grad, f.start, 30, lr=0.2, betas=(0.8, 0.99))
    b = optimize_path(lambda p: Adam(p, lr=0.2, betas=(0.8, 0.99)), f.grad, f.start, 30)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("make", [
    lambda p: Adam(p, lr=0.1),
    lambda p: RMSProp(p, lr=0.05, momentum=0.5, centered=True),
    lambda p: AdaGrad(p, lr=0.5),
    lambda p: SGD(p, lr=0.01, momentum=0.9, nesterov=True),
], ids=["adam", "rmsprop", "adagrad", "nesterov"])
def test_several_starts_at_once_equal_separate_runs(make):
    f = MultiMinima()
    starts = np.array([[3.8, 3.6], [-4.0, 0.5], [0.5, -4.2]])
    together = optimize_path(make, f.grad, starts, 25)
    assert together.shape == (26, 3, 2)
    for k, x0 in enumerate(starts):
        np.testing.assert_allclose(together[:, k], optimize_path(make, f.grad, x0, 25),
                                   rtol=1e-13, atol=1e-15)


def test_adam_first_step_is_lr_times_sign_of_gradient():
    f = Quadratic.from_eigenvalues(100.0, 0.01, angle=0.2)
    path = optimize_path(Adam, f.grad, f.start, 1, lr=0.3)
    np.testing.assert_allclose(path[1] - path[0], -0.3 * np.sign(f.grad(f.start)), rtol=1e-6)


def test_adamw_on_a_flat_function_only_decays():
    path = optimize_path(AdamW, np.zeros_like, np.array([2.0, -1.0]), 10, lr=0.1,
                         weight_decay=0.5)
    t = np.arange(11)[:, None]
    np.testing.assert_allclose(path, np.array([2.0, -1.0]) * 0.95 ** t, rtol=1e-14)


def test_converges_to_the_minimum_of_a_bowl():
    f = Quadratic.from_eigenvalues(5.0, 1.0, angle=0.7, minimizer=(1.0, -2.0))
    path = optimize_path(SGD, f.grad, f.start, 300, lr=0.1, momentum=0.5)
    np.testing.assert_allclose(path[-1], [1.0, -2.0], atol=1e-10)


def test_divergence_stops_quietly_at_max_norm():
    f = Quadratic.from_eigenvalues(10.0, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = optimize_path(SGD, f.grad, f.start, 10_000, lr=0.3, max_norm=1e6)
    assert len(path) < 10_001
    assert np.max(np.abs(path[-1])) > 1e6 and np.max(np.abs(path[-2])) <= 1e6
    assert np.all(np.isfinite(path))


def test_overflow_ends_the_run_without_warnings():
    f = Rosenbrock()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = optimize_path(SGD, f.grad, f.start, 500, lr=0.01, max_norm=1e300)
    assert len(path) < 501 and np.all(np.isfinite(path))


def test_float32_start_stays_float32():
    f = Rosenbrock()
    path = optimize_path(Adam, f.grad, f.start.astype(np.float32), 5, lr=0.01)
    assert path.dtype == np.float32


def test_x0_is_not_modified():
    x0 = np.array([1.0, 1.5])
    optimize_path(Adam, Rosenbrock().grad, x0, 5, lr=0.1)
    assert x0.tolist() == [1.0, 1.5]


def test_bad_arguments():
    f = Rosenbrock()
    with pytest.raises(TypeError, match="optimizer"):
        optimize_path("adam", f.grad, f.start, 5)
    with pytest.raises(TypeError, match="optimizer"):
        optimize_path(lambda p: SGD([np.zeros(2)], lr=0.1), f.grad, f.start, 5)
    with pytest.raises(TypeError, match="grad"):
        optimize_path(Adam, None, f.start, 5)
    with pytest.raises(ValueError, match="steps"):
        optimize_path(Adam, f.grad, f.start, 0)
    with pytest.raises(ValueError, match="noise"):
        optimize_path(Adam, f.grad, f.start, 5, noise=-1.0)
    with pytest.raises(ValueError, match="x0"):
        optimize_path(Adam, f.grad, [np.nan, 0.0], 5)
    with pytest.raises(ValueError, match="grad must return"):
        optimize_path(Adam, lambda x: x[:1], f.start, 5)
    with pytest.raises(ValueError, match="grad returned NaN"):
        optimize_path(Adam, lambda x: x * np.nan, f.start, 5)
    with pytest.raises(ValueError, match="lr"):
        optimize_path(SGD, f.grad, f.start, 5, lr=-1.0)


def test_momentum_velocity_form_gives_the_same_iterates():
    # u_t = mu u_{t-1} + lr g_t; theta_t = theta_{t-1} - u_t  (lr inside the buffer)
    f = Quadratic.from_eigenvalues(8.0, 0.5, angle=1.0)
    lr, mu = 0.03, 0.85
    path = optimize_path(SGD, f.grad, f.start, 50, lr=lr, momentum=mu)
    x, u = f.start.copy(), np.zeros(2)
    for t in range(50):
        u = mu * u + lr * (f.H @ x - f.b)
        x = x - u
        np.testing.assert_allclose(path[t + 1], x, rtol=1e-12, atol=1e-13)


def test_adam_buffers_for_a_constant_gradient_are_one_minus_beta_powers():
    # The bias-correction derivation: with g_s = g for all s, m_t = (1 - b1^t) g and
    # v_t = (1 - b2^t) g^2, so m_t / (1 - b1^t) = g and v_t / (1 - b2^t) = g^2.
    g = np.array([0.5, -3.0])
    theta = np.zeros(2)
    opt = Adam([theta], lr=1e-3, betas=(0.8, 0.99))
    for t in range(1, 41):
        opt.step([g])
        np.testing.assert_allclose(opt.state[0]["exp_avg"], (1 - 0.8 ** t) * g, rtol=1e-12)
        np.testing.assert_allclose(opt.state[0]["exp_avg_sq"], (1 - 0.99 ** t) * g ** 2,
                                   rtol=1e-12)
    # so every step is lr * sign(g) (up to eps): the corrected ratio is exactly 1
    np.testing.assert_allclose(theta, -40 * 1e-3 * np.sign(g), rtol=1e-6)


def test_adagrad_constant_gradient_step_is_lr_over_sqrt_t():
    path = optimize_path(AdaGrad, np.ones_like, np.zeros(1), 100, lr=0.1)
    t = np.arange(1, 101)
    np.testing.assert_allclose(-np.diff(path[:, 0]), 0.1 / np.sqrt(t), rtol=1e-8)


def test_rmsprop_scale_invariance():
    f = Quadratic.from_eigenvalues(5.0, 0.2, angle=0.5)
    plain = optimize_path(RMSProp, f.grad, f.start, 50, lr=0.05)
    scaled = optimize_path(RMSProp, lambda x: 1000.0 * f.grad(x), f.start, 50, lr=0.05)
    np.testing.assert_allclose(plain, scaled, atol=1e-6)
