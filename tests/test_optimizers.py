"""Tests for nnlearn.optimizers: hand-computed steps, properties, checkpoints, bad input.

The comparison with torch.optim lives in test_optimizers_torch.py.
"""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlearn.optimizers import (
    SGD,
    AdaGrad,
    Adam,
    AdamW,
    Optimizer,
    RMSProp,
    adam_step,
    nesterov_step,
)
from nnlearn.surfaces import Quadratic, Rosenbrock

# ---------------------------------------------------------------------------
# helpers


def run(opt, grads_per_step):
    """Apply the steps and return a copy of params[0] after each one."""
    out = []
    for grads in grads_per_step:
        opt.step([np.array(g, dtype=float) for g in grads])
        out.append(opt.params[0].copy())
    return out


# ---------------------------------------------------------------------------
# SGD: the first three steps by hand


def test_sgd_plain_is_gradient_descent():
    p = np.array([1.0, 2.0])
    traj = run(SGD([p], lr=0.1), [[[1.0, -2.0]], [[2.0, 0.0]], [[0.0, 4.0]]])
    # p - 0.1 g each step
    np.testing.assert_allclose(traj, [[0.9, 2.2], [0.7, 2.2], [0.7, 1.8]], rtol=1e-14)


def test_sgd_momentum_three_steps():
    p = np.array([1.0, 2.0])
    opt = SGD([p], lr=0.1, momentum=0.5)
    traj = run(opt, [[[1.0, -2.0]], [[2.0, 0.0]], [[0.0, 4.0]]])
    # b1 = g1 = [1, -2]                          -> p1 = [1 - 0.1, 2 + 0.2]
    # b2 = 0.5 [1, -2] + [2, 0]   = [2.5, -1]     -> p2 = [0.9 - 0.25, 2.2 + 0.1]
    # b3 = 0.5 [2.5, -1] + [0, 4] = [1.25, 3.5]   -> p3 = [0.65 - 0.125, 2.3 - 0.35]
    np.testing.assert_allclose(traj, [[0.9, 2.2], [0.65, 2.3], [0.525, 1.95]], rtol=1e-14)
    np.testing.assert_allclose(opt.state[0]["momentum_buffer"], [1.25, 3.5], rtol=1e-14)


def test_sgd_nesterov_three_steps():
    p = np.array([1.0, 2.0])
    traj = run(SGD([p], lr=0.1, momentum=0.5, nesterov=True),
               [[[1.0, -2.0]], [[2.0, 0.0]], [[0.0, 4.0]]])
    # same buffers as above; the step is d = g + 0.5 b
    # d1 = [1, -2] + [0.5, -1]     = [1.5, -3]      -> p1 = [0.85, 2.3]
    # d2 = [2, 0] + [1.25, -0.5]   = [3.25, -0.5]   -> p2 = [0.525, 2.35]
    # d3 = [0, 4] + [0.625, 1.75]  = [0.625, 5.75]  -> p3 = [0.4625, 1.775]
    np.testing.assert_allclose(traj, [[0.85, 2.3], [0.525, 2.35], [0.4625, 1.775]],
                               rtol=1e-14)


def test_sgd_dampening_and_weight_decay_three_steps():
    p = np.array([1.0])
    traj = run(SGD([p], lr=0.1, momentum=0.5, dampening=0.5, weight_decay=0.1),
               [[[1.0]]] * 3)
    # step 1: g = 1 + 0.1*1 = 1.1; b = g (no dampening on the first step); p = 1 - 0.11
    # step 2: g = 1 + 0.089 = 1.089; b = 0.5*1.1 + 0.5*1.089 = 1.0945; p = 0.89 - 0.10945
    # step 3: g = 1.078055; b = 0.5*1.0945 + 0.5*1.078055 = 1.0862775
    #         p = 0.78055 - 0.10862775
    np.testing.assert_allclose(np.ravel(traj), [0.89, 0.78055, 0.67192225], rtol=1e-14)


# ---------------------------------------------------------------------------
# AdaGrad


def test_adagrad_three_steps():
    p = np.array([1.0, -1.0])
    opt = AdaGrad([p], lr=0.1)
    traj = run(opt, [[[3.0, 4.0]], [[4.0, 3.0]], [[12.0, 0.0]]])
    # sums: [9, 16] -> [25, 25] -> [169, 25]; roots [3, 4] -> [5, 5] -> [13, 5]
    # p1 = [1 - 0.1*3/3, -1 - 0.1*4/4]; p2 = p1 - 0.1*[4/5, 3/5]; p3 = p2 - 0.1*[12/13, 0]
    expected = [[0.9, -1.1], [0.82, -1.16], [0.82 - 1.2 / 13, -1.16]]
    np.testing.assert_allclose(traj, expected, rtol=1e-9)  # eps = 1e-10 is in the denominators
    np.testing.assert_allclose(opt.state[0]["sum"], [169.0, 25.0], rtol=1e-15)


def test_adagrad_lr_decay_and_initial_accumulator():
    p = np.array([1.0])
    traj = run(AdaGrad([p], lr=0.1, lr_decay=0.5, initial_accumulator_value=7.0),
               [[[3.0]], [[3.0]], [[12.0]]])
    # t=1: lr 0.1,             sum 7 + 9 = 16  -> p = 1 - 0.1*3/4
    # t=2: lr 0.1/(1+0.5)=1/15, sum 25          -> p = 0.925 - (1/15)*3/5
    # t=3: lr 0.1/(1+1.0)=0.05, sum 169         -> p = 0.885 - 0.05*12/13
    np.testing.assert_allclose(np.ravel(traj), [0.925, 0.885, 0.885 - 0.6 / 13], rtol=1e-9)


def test_adagrad_weight_decay_first_step():
    p = np.array([2.0])
    AdaGrad([p], lr=0.1, weight_decay=0.5).step([np.array([2.0])])
    # g = 2 + 0.5*2 = 3, sum = 9, p = 2 - 0.1 * 3/3
    np.testing.assert_allclose(p, [1.9], rtol=1e-9)


# ---------------------------------------------------------------------------
# RMSProp


def test_rmsprop_three_steps():
    p = np.array([1.0, -1.0])
    opt = RMSProp([p], lr=0.01, alpha=0.9, eps=1e-8)
    traj = run(opt, [[[1.0, -2.0]], [[3.0, 0.0]], [[-1.0, 1.0]]])
    sqrt, e = math.sqrt, 1e-8
    v1 = [0.1 * 1.0, 0.1 * 4.0]
    v2 = [0.9 * v1[0] + 0.1 * 9.0, 0.9 * v1[1] + 0.0]
    v3 = [0.9 * v2[0] + 0.1 * 1.0, 0.9 * v2[1] + 0.1 * 1.0]
    p1 = [1.0 - 0.01 * 1.0 / (sqrt(v1[0]) + e), -1.0 + 0.01 * 2.0 / (sqrt(v1[1]) + e)]
    p2 = [p1[0] - 0.01 * 3.0 / (sqrt(v2[0]) + e), p1[1]]
    p3 = [p2[0] + 0.01 / (sqrt(v3[0]) + e), p2[1] - 0.01 / (sqrt(v3[1]) + e)]
    np.testing.assert_allclose(traj, [p1, p2, p3], rtol=1e-13)
    np.testing.assert_allclose(opt.state[0]["square_avg"], v3, rtol=1e-14)


def test_rmsprop_centered_momentum_weight_decay_three_steps():
    p = np.array([0.5])
    opt = RMSProp([p], lr=0.01, alpha=0.5, eps=1e-8, momentum=0.9, centered=True,
                  weight_decay=0.2)
    traj = run(opt, [[[2.0]], [[-1.0]], [[4.0]]])
    sqrt, e = math.sqrt, 1e-8
    theta, v, gbar, b, expected = 0.5, 0.0, 0.0, 0.0, []
    for g in (2.0, -1.0, 4.0):
        g = g + 0.2 * theta                  # L2 term
        v = 0.5 * v + 0.5 * g * g            # mean of squares
        gbar = 0.5 * gbar + 0.5 * g          # mean
        b = 0.9 * b + g / (sqrt(v - gbar * gbar) + e)
        theta = theta - 0.01 * b
        expected.append(theta)
    np.testing.assert_allclose(np.ravel(traj), expected, rtol=1e-12)
    # first step by hand: g = 2.1, v = 2.205, gbar = 1.05, v - gbar^2 = 1.1025 = 1.05^2
    assert traj[0][0] == pytest.approx(0.5 - 0.01 * 2.1 / (1.05 + 1e-8), rel=1e-14)


# ---------------------------------------------------------------------------
# Adam / AdamW


def adam_by_hand(theta, grads, lr, beta1, beta2, eps, l2=0.0, decoupled=0.0, amsgrad=False):
    """Scalar Adam written out line by line (independent of the vectorized code)."""
    m = v = vmax = 0.0
    out = []
    for t, g in enumerate(grads, start=1):
        theta = theta * (1.0 - lr * decoupled)
        g = g + l2 * theta
        m = beta1 * m + (1.0 - beta1) * g
        v = beta2 * v + (1.0 - beta2) * g * g
        vmax = max(vmax, v)
        m_hat = m / (1.0 - beta1 ** t)
        v_hat = (vmax if amsgrad else v) / (1.0 - beta2 ** t)
        theta = theta - lr * m_hat / (math.sqrt(v_hat) + eps)
        out.append(theta)
    return out


def test_adam_three_steps_by_hand():
    p = np.array([0.5])
    opt = Adam([p], lr=0.1)
    traj = run(opt, [[[2.0]], [[-1.0]], [[0.5]]])
    # t=1: m = 0.2, v = 0.004, m_hat = 2, v_hat = 4: p = 0.5 - 0.1 * 2/(2 + 1e-8)
    p1 = 0.5 - 0.1 * 2.0 / (2.0 + 1e-8)
    # t=2: m = 0.18 - 0.1 = 0.08, v = 0.003996 + 0.001 = 0.004996
    p2 = p1 - 0.1 * (0.08 / 0.19) / (math.sqrt(0.004996 / (1 - 0.999 ** 2)) + 1e-8)
    # t=3: m = 0.072 + 0.05 = 0.122, v = 0.004991004 + 0.00025 = 0.005241004
    p3 = p2 - 0.1 * (0.122 / (1 - 0.9 ** 3)) / (
        math.sqrt(0.005241004 / (1 - 0.999 ** 3)) + 1e-8)
    np.testing.assert_allclose(np.ravel(traj), [p1, p2, p3], rtol=1e-13)
    np.testing.assert_allclose(opt.state[0]["exp_avg"], [0.122], rtol=1e-13)
    np.testing.assert_allclose(opt.state[0]["exp_avg_sq"], [0.005241004], rtol=1e-13)
    np.testing.assert_allclose(np.ravel(traj), adam_by_hand(0.5, [2.0, -1.0, 0.5], 0.1,
                                                            0.9, 0.999, 1e-8), rtol=1e-13)


def test_adam_l2_and_amsgrad_three_steps():
    p = np.array([0.5, -2.0])
    grads = [[[2.0, 1.0]], [[0.0, 1.0]], [[0.1, -3.0]]]
    traj = run(Adam([p], lr=0.05, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True), grads)
    for j, theta0 in enumerate([0.5, -2.0]):
        expected = adam_by_hand(theta0, [g[0][j] for g in grads], 0.05, 0.8, 0.9, 1e-8,
                                l2=0.1, amsgrad=True)
        np.testing.assert_allclose([x[j] for x in traj], expected, rtol=1e-13)


def test_amsgrad_uses_the_largest_second_moment():
    # g = 2, 0, 0: v shrinks after step 1, so AMSGrad divides by the larger v1
    p_ams, p_plain = np.array([0.0]), np.array([0.0])
    grads = [[[2.0]], [[0.0]], [[0.0]]]
    run(Adam([p_ams], lr=0.1, amsgrad=True), grads)
    run(Adam([p_plain], lr=0.1), grads)
    expected = adam_by_hand(0.0, [2.0, 0.0, 0.0], 0.1, 0.9, 0.999, 1e-8, amsgrad=True)
    np.testing.assert_allclose(p_ams, [expected[-1]], rtol=1e-13)
    assert abs(p_ams[0]) < abs(p_plain[0])


def test_adamw_three_steps_clean_numbers():
    # constant gradient 1: m_hat = v_hat = 1 every step, so the Adam part moves by lr
    p = np.array([1.0])
    traj = run(AdamW([p], lr=0.1, weight_decay=0.5, eps=1e-12), [[[1.0]]] * 3)
    # p <- p * (1 - 0.1*0.5) - 0.1
    np.testing.assert_allclose(np.ravel(traj), [0.85, 0.7075, 0.572125], rtol=1e-10)


def test_adamw_matches_scalar_reference():
    p = np.array([0.7])
    grads = [0.3, -2.0, 1.5]
    traj = run(AdamW([p], lr=0.02, betas=(0.5, 0.75), weight_decay=0.3),
               [[[g]] for g in grads])
    expected = adam_by_hand(0.7, grads, 0.02, 0.5, 0.75, 1e-8, decoupled=0.3)
    np.testing.assert_allclose(np.ravel(traj), expected, rtol=1e-13)


def test_adamw_and_adam_l2_differ():
    p1, p2 = np.array([3.0]), np.array([3.0])
    run(AdamW([p1], lr=0.1, weight_decay=0.1), [[[1.0]]] * 3)
    run(Adam([p2], lr=0.1, weight_decay=0.1), [[[1.0]]] * 3)
    assert abs(p1[0] - p2[0]) > 1e-3


# ---------------------------------------------------------------------------
# the plain reference versions the chapter shows, next to the classes


@pytest.mark.parametrize("betas, lr", [((0.9, 0.999), 0.01), ((0.5, 0.8), 0.3)])
def test_adam_step_equals_adam_step_by_step(betas, lr):
    rng = np.random.default_rng(3)
    theta = rng.normal(size=(3, 2))
    p = theta.copy()
    opt = Adam([p], lr=lr, betas=betas)
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    for t in range(1, 101):
        g = rng.normal(size=theta.shape) * 10.0 ** rng.integers(-3, 3)
        theta, m, v = adam_step(theta, g, m, v, t, lr, *betas)
        opt.step([g])
        np.testing.assert_allclose(theta, p, rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(m, opt.state[0]["exp_avg"], rtol=1e-14, atol=1e-300)
        np.testing.assert_allclose(v, opt.state[0]["exp_avg_sq"], rtol=1e-14, atol=1e-300)


def test_adam_step_by_hand_and_leaves_its_inputs_alone():
    theta, g, m, v = np.array([0.5]), np.array([2.0]), np.zeros(1), np.zeros(1)
    new_theta, new_m, new_v = adam_step(theta, g, m, v, 1, lr=0.1)
    # t = 1: m = 0.2, v = 0.004, m_hat = 2, v_hat = 4 (the first Adam test above)
    np.testing.assert_allclose(new_theta, [0.5 - 0.1 * 2.0 / (2.0 + 1e-8)], rtol=1e-15)
    np.testing.assert_allclose([new_m[0], new_v[0]], [0.2, 0.004], rtol=1e-14)
    assert theta[0] == 0.5 and m[0] == 0.0 and v[0] == 0.0
    # the correction uses t: the same buffers at t = 2 give a different, shorter step
    later, _, _ = adam_step(theta, g, m, v, 2, lr=0.1)
    assert abs(later[0] - 0.5) < abs(new_theta[0] - 0.5) - 0.01


def test_adam_step_keeps_float32():
    x = np.ones(3, dtype=np.float32)
    out = adam_step(x, x, np.zeros_like(x), np.zeros_like(x), 1)
    assert [a.dtype for a in out] == [np.float32] * 3


@pytest.mark.parametrize("surface", [Quadratic.from_eigenvalues(5.0, 0.2, angle=np.pi / 6),
                                     Rosenbrock()], ids=["ravine", "rosenbrock"])
def test_nesterov_step_visits_the_points_sgd_nesterov_stores(surface):
    lr, mu = (0.05, 0.9) if isinstance(surface, Quadratic) else (5e-4, 0.9)
    theta, m = surface.start.copy(), np.zeros(2)
    p = surface.start.copy()
    opt = SGD([p], lr=lr, momentum=mu, nesterov=True)
    for _ in range(40):
        opt.step([surface.grad(p)])
        theta, m = nesterov_step(surface.grad, theta, m, lr, mu)
        np.testing.assert_allclose(theta - lr * mu * m, p, rtol=1e-13, atol=1e-14)
        np.testing.assert_allclose(m, opt.state[0]["momentum_buffer"], rtol=1e-12,
                                   atol=1e-13)
    # the stored look-ahead point is not the two-arrow iterate itself
    assert np.abs(theta - p).max() > 1e-3


def test_nesterov_step_by_hand():
    # f = theta^2 / 2 in each coordinate: the gradient is the point itself
    theta, m = np.array([1.0, -2.0]), np.array([0.5, 0.0])
    new_theta, new_m = nesterov_step(lambda x: x, theta, m, lr=0.1, momentum=0.5)
    # look-ahead = theta - 0.1 * 0.5 * m = [0.975, -2]; m = 0.5 m + look-ahead
    np.testing.assert_allclose(new_m, [1.225, -2.0], rtol=1e-15)
    np.testing.assert_allclose(new_theta, [1.0 - 0.1225, -1.8], rtol=1e-15)
    assert m[0] == 0.5 and theta[0] == 1.0


@pytest.mark.parametrize("call, error, words", [
    (lambda: adam_step(np.zeros(2), np.zeros(3), np.zeros(2), np.zeros(2), 1),
     ValueError, "g and theta must have the same shape"),
    (lambda: adam_step(np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2), 0),
     ValueError, "t must be >= 1"),
    (lambda: adam_step(np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2), 1, beta2=1.0),
     ValueError, "betas[1]"),
    (lambda: nesterov_step("grad", np.zeros(2), np.zeros(2), 0.1, 0.9),
     TypeError, "grad must be callable"),
    (lambda: nesterov_step(np.negative, np.zeros(2), np.zeros(1), 0.1, 0.9),
     ValueError, "m and theta must have the same shape"),
    (lambda: nesterov_step(np.negative, np.zeros(2), np.zeros(2), 0.1, 1.0),
     ValueError, "momentum must be < 1"),
])
def test_reference_steps_reject_bad_input(call, error, words):
    with pytest.raises(error, match=re.escape(words)):
        call()


# ---------------------------------------------------------------------------
# properties

finite_grads = st.lists(
    st.floats(min_value=1e-2, max_value=1e3) | st.floats(min_value=-1e3, max_value=-1e-2),
    min_size=1, max_size=6)


@settings(max_examples=30, deadline=None)
@given(g=finite_grads, lr=st.floats(min_value=1e-4, max_value=1.0))
def test_adam_first_step_moves_each_coordinate_by_lr(g, lr):
    g = np.array(g)
    p = np.zeros_like(g)
    Adam([p], lr=lr).step([g])  # default eps = 1e-8 <= 1e-6 |g|
    np.testing.assert_allclose(p, -lr * np.sign(g), rtol=2e-6)


@settings(max_examples=20, deadline=None)
@given(g=finite_grads, t=st.integers(min_value=1, max_value=30))
def test_adam_constant_gradient_moves_lr_every_step(g, t):
    g = np.array(g)
    p = np.zeros_like(g)
    opt = Adam([p], lr=0.01, betas=(0.8, 0.95))
    for _ in range(t):
        opt.step([g])
    np.testing.assert_allclose(p, -0.01 * t * np.sign(g), rtol=2e-6)


@settings(max_examples=20, deadline=None)
@given(scale=st.floats(min_value=1e-2, max_value=1e3), seed=st.integers(0, 2**16))
def test_adam_is_invariant_to_gradient_scale(scale, seed):
    rng = np.random.default_rng(seed)
    grads = rng.uniform(0.5, 2.0, size=(8, 4)) * rng.choice([-1, 1], size=(8, 4))
    p1, p2 = np.zeros(4), np.zeros(4)
    o1, o2 = Adam([p1], lr=0.01, eps=1e-14), Adam([p2], lr=0.01, eps=1e-14)
    for g in grads:
        o1.step([g])
        o2.step([scale * g])
    np.testing.assert_allclose(p1, p2, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adamw_zero_gradient_only_decays(dtype):
    p0 = np.array([[1.0, -2.0], [0.5, 4.0]], dtype=dtype)
    p = p0.copy()
    opt = AdamW([p], lr=0.1, weight_decay=0.2)
    zero = np.zeros_like(p)
    for t in range(1, 6):
        opt.step([zero])
        rtol = 1e-6 if dtype == np.float32 else 1e-14
        np.testing.assert_allclose(p, p0 * (1 - 0.1 * 0.2) ** t, rtol=rtol)
    assert p.dtype == dtype


@settings(max_examples=20, deadline=None)
@given(g=finite_grads, t=st.integers(min_value=1, max_value=20))
def test_adagrad_constant_gradient_steps_shrink_like_inverse_sqrt(g, t):
    # G_t = t g^2, so step k moves lr * sign(g) / sqrt(k)
    g = np.array(g)
    p = np.zeros_like(g)
    opt = AdaGrad([p], lr=0.1)
    for _ in range(t):
        opt.step([g])
    total = sum(1.0 / math.sqrt(k) for k in range(1, t + 1))
    np.testing.assert_allclose(p, -0.1 * total * np.sign(g), rtol=1e-7)


@settings(max_examples=20, deadline=None)
@given(g=finite_grads, t=st.integers(min_value=1, max_value=20))
def test_rmsprop_constant_gradient_closed_form(g, t):
    # v_k = (1 - alpha^k) g^2, so step k moves lr * sign(g) / sqrt(1 - alpha^k)
    g = np.array(g)
    p = np.zeros_like(g)
    opt = RMSProp([p], lr=0.01, alpha=0.9, eps=1e-12)
    for _ in range(t):
        opt.step([g])
    total = sum(1.0 / math.sqrt(1.0 - 0.9 ** k) for k in range(1, t + 1))
    np.testing.assert_allclose(p, -0.01 * total * np.sign(g), rtol=1e-6)


def test_rmsprop_centered_long_constant_gradient_stays_finite():
    # v - gbar^2 = g^2 (1 - a^t) a^t underflows to rounding noise: clipped, no NaN
    p = np.array([0.0, 1.0])
    opt = RMSProp([p], lr=1e-3, alpha=0.5, centered=True)
    for _ in range(200):
        opt.step([np.array([0.3, -0.7])])
    assert np.all(np.isfinite(p))


def test_sgd_without_momentum_sums_the_gradients():
    rng = np.random.default_rng(3)
    grads = rng.normal(size=(10, 5))
    p = np.ones(5)
    opt = SGD([p], lr=0.05)
    for g in grads:
        opt.step([g])
    np.testing.assert_allclose(p, 1.0 - 0.05 * grads.sum(axis=0), rtol=1e-13)


# ---------------------------------------------------------------------------
# in-place updates, buffers, dtypes

ALL_OPTIMIZERS = [
    lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    lambda ps: SGD(ps, lr=0.1, momentum=0.5, dampening=0.2),
    lambda ps: AdaGrad(ps, lr=0.1, lr_decay=0.01, weight_decay=0.1,
                       initial_accumulator_value=0.1),
    lambda ps: RMSProp(ps, lr=0.01, momentum=0.9, centered=True, weight_decay=0.01),
    lambda ps: RMSProp(ps, lr=0.01),
    lambda ps: Adam(ps, lr=0.01, weight_decay=0.01, amsgrad=True),
    lambda ps: AdamW(ps, lr=0.01, amsgrad=True),
    lambda ps: AdamW(ps, lr=0.01),
]
IDS = ["sgd-nesterov", "sgd-dampening", "adagrad", "rmsprop-centered", "rmsprop",
       "adam-amsgrad", "adamw-amsgrad", "adamw"]


def make_params(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(3, 4)).astype(dtype), rng.normal(size=4).astype(dtype),
            np.array(0.5, dtype=dtype)]


def make_grads(n_steps, seed=1):
    rng = np.random.default_rng(seed)
    return [[rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=())]
            for _ in range(n_steps)]


@pytest.mark.parametrize("make", ALL_OPTIMIZERS, ids=IDS)
def test_updates_in_place_and_keeps_buffers(make):
    params = make_params()
    before = [p.copy() for p in params]
    opt = make(params)
    assert all(a is b for a, b in zip(opt.params, params, strict=True))
    buffers = [dict(s) for s in opt.state]
    for grads in make_grads(3):
        opt.step(grads)
    assert opt.t == 3
    assert all(not np.array_equal(p, b) for p, b in zip(params, before, strict=True))
    for old, new in zip(buffers, opt.state, strict=True):
        assert old.keys() == new.keys()
        assert all(old[k] is new[k] for k in old)  # preallocated, never replaced


@pytest.mark.parametrize("make", ALL_OPTIMIZERS, ids=IDS)
def test_float32_params_stay_float32_and_track_float64(make):
    p32, p64 = make_params(np.float32), make_params(np.float64)
    o32, o64 = make(p32), make(p64)
    for grads in make_grads(20):
        o32.step(grads)  # float64 gradients into float32 parameters
        o64.step(grads)
    for p in p32:
        assert p.dtype == np.float32
    for st_ in o32.state:
        assert all(buf.dtype == np.float32 for buf in st_.values())
    for a, b in zip(p32, p64, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_updates_a_view_in_place():
    big = np.zeros((4, 4))
    opt = SGD([big[1:3, ::2]], lr=1.0)
    opt.step([np.ones((2, 2))])
    expected = np.zeros((4, 4))
    expected[1:3, ::2] = -1.0
    np.testing.assert_array_equal(big, expected)


def test_step_counter_starts_at_one():
    opt = Adam([np.zeros(2)])
    assert opt.t == 0
    opt.step([np.ones(2)])
    assert opt.t == 1


# ---------------------------------------------------------------------------
# checkpoints


def save_checkpoint(path, opt):
    arrays = {f"param.{i}": p for i, p in enumerate(opt.params)}
    arrays.update({f"opt.{k}": v for k, v in opt.state_dict().items()})
    np.savez(path, **arrays)


def load_checkpoint(path, make):
    with np.load(path) as f:
        n = sum(k.startswith("param.") for k in f.files)
        params = [f[f"param.{i}"].copy() for i in range(n)]
        opt = make(params)
        opt.load_state_dict({k[4:]: f[k] for k in f.files if k.startswith("opt.")})
    return opt


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("make", ALL_OPTIMIZERS, ids=IDS)
def test_checkpoint_resume_is_bit_for_bit(make, dtype, tmp_path):
    grads = make_grads(16)
    opt = make(make_params(dtype))
    for g in grads[:7]:
        opt.step(g)
    opt.lr = opt.lr * 0.5  # as a schedule would; the lr must be restored too
    path = tmp_path / "ckpt.npz"
    save_checkpoint(path, opt)
    resumed = load_checkpoint(path, make)
    assert resumed.t == 7 and resumed.lr == opt.lr
    for g in grads[7:]:
        opt.step(g)
        resumed.step(g)
        for a, b in zip(opt.params, resumed.params, strict=True):
            assert a.dtype == b.dtype == dtype
            assert np.array_equal(a, b)


def test_checkpoint_through_npz_directly(tmp_path):
    params = make_params()
    opt = Adam(params, lr=0.01, amsgrad=True)
    for g in make_grads(3):
        opt.step(g)
    np.savez(tmp_path / "opt.npz", **opt.state_dict())
    other = Adam([p.copy() for p in params], lr=0.01, amsgrad=True)
    with np.load(tmp_path / "opt.npz") as f:
        other.load_state_dict(f)
    for key, value in opt.state_dict().items():
        assert np.array_equal(other.state_dict()[key], value)


def test_state_dict_layout_and_deep_copy():
    p = [np.ones((2, 3)), np.ones(4)]
    opt = RMSProp(p, lr=0.01, momentum=0.9, centered=True)
    opt.step([np.ones((2, 3)), np.ones(4)])
    sd = opt.state_dict()
    assert sd["optimizer"] == "RMSProp" and sd["t"] == 1 and sd["lr"] == 0.01
    assert sd["n_params"] == 2 and sd["centered"] is True and sd["alpha"] == 0.99
    assert sorted(k for k in sd if k.startswith("state.")) == [
        f"state.{i}.{name}" for i in range(2)
        for name in ("grad_avg", "momentum_buffer", "square_avg")]
    assert sd["state.0.square_avg"].shape == (2, 3)
    sd["state.0.square_avg"][...] = 123.0
    assert not np.any(opt.state[0]["square_avg"] == 123.0)


def test_load_state_dict_copies_not_aliases():
    opt = Adam([np.zeros(3)])
    opt.step([np.ones(3)])
    sd = opt.state_dict()
    other = Adam([np.zeros(3)])
    other.load_state_dict(sd)
    sd["state.0.exp_avg"][...] = 99.0
    assert not np.any(other.state[0]["exp_avg"] == 99.0)


def test_load_state_dict_rejects_mismatches():
    opt = Adam([np.zeros(3)], amsgrad=True)
    sd = opt.state_dict()
    with pytest.raises(ValueError, match="optimizer"):
        SGD([np.zeros(3)], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="beta1"):
        Adam([np.zeros(3)], betas=(0.5, 0.999), amsgrad=True).load_state_dict(sd)
    with pytest.raises(ValueError, match="max_exp_avg_sq"):
        Adam([np.zeros(3)]).load_state_dict(sd)  # amsgrad buffer unexpected
    with pytest.raises(ValueError, match="state.0.exp_avg"):
        Adam([np.zeros(4)], amsgrad=True).load_state_dict(sd)
    incomplete = {k: v for k, v in sd.items() if k != "t"}
    with pytest.raises(ValueError, match="missing"):
        Adam([np.zeros(3)], amsgrad=True).load_state_dict(incomplete)
    with pytest.raises(TypeError, match="state_dict"):
        opt.load_state_dict([1, 2])


def test_failed_load_leaves_optimizer_untouched():
    opt = Adam([np.zeros(3)])
    opt.step([np.ones(3)])
    sd = opt.state_dict()
    sd["state.0.exp_avg"] = np.ones(4)
    target = Adam([np.zeros(3)])
    with pytest.raises(ValueError, match="exp_avg"):
        target.load_state_dict(sd)
    assert target.t == 0 and not np.any(target.state[0]["exp_avg"])


# ---------------------------------------------------------------------------
# bad input

ALL_CLASSES = [SGD, AdaGrad, RMSProp, Adam, AdamW]


@pytest.mark.parametrize("cls", ALL_CLASSES)
@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan")])
def test_rejects_non_positive_lr(cls, lr):
    with pytest.raises(ValueError, match="lr"):
        cls([np.zeros(2)], lr=lr)


def test_lr_setter_allows_zero_but_not_negative():
    opt = SGD([np.zeros(2)], lr=0.1)
    opt.lr = 0.0
    with pytest.raises(ValueError, match="lr"):
        opt.lr = -1e-3
    with pytest.raises(TypeError, match="lr"):
        opt.lr = "0.1"


@pytest.mark.parametrize("cls", ALL_CLASSES)
def test_rejects_negative_weight_decay(cls):
    kwargs = {"lr": 0.1} if cls is SGD else {}
    with pytest.raises(ValueError, match="weight_decay"):
        cls([np.zeros(2)], weight_decay=-0.01, **kwargs)


@pytest.mark.parametrize("cls", [AdaGrad, RMSProp, Adam, AdamW])
@pytest.mark.parametrize("eps", [0.0, -1e-8])
def test_rejects_non_positive_eps(cls, eps):
    with pytest.raises(ValueError, match="eps"):
        cls([np.zeros(2)], eps=eps)


@pytest.mark.parametrize("cls", [Adam, AdamW])
@pytest.mark.parametrize("betas", [(1.0, 0.999), (0.9, 1.0), (-0.1, 0.999), (0.9, 1.5)])
def test_rejects_betas_outside_unit_interval(cls, betas):
    with pytest.raises(ValueError, match="betas"):
        cls([np.zeros(2)], betas=betas)


@pytest.mark.parametrize("betas", [(0.9,), (0.9, 0.99, 0.999), 0.9])
def test_rejects_betas_that_are_not_a_pair(betas):
    with pytest.raises(ValueError, match="betas"):
        Adam([np.zeros(2)], betas=betas)


@pytest.mark.parametrize("cls", [SGD, RMSProp])
@pytest.mark.parametrize("momentum", [-0.5, 1.0])
def test_rejects_momentum_outside_unit_interval(cls, momentum):
    with pytest.raises(ValueError, match="momentum"):
        cls([np.zeros(2)], lr=0.1, momentum=momentum)


@pytest.mark.parametrize("kwargs", [{"momentum": 0.0}, {"momentum": 0.9, "dampening": 0.1}])
def test_nesterov_needs_momentum_and_no_dampening(kwargs):
    with pytest.raises(ValueError, match="nesterov"):
        SGD([np.zeros(2)], lr=0.1, nesterov=True, **kwargs)


@pytest.mark.parametrize("cls, kwargs, name", [
    (SGD, {"lr": 0.1, "dampening": 1.5}, "dampening"),
    (SGD, {"lr": 0.1, "nesterov": 1}, "nesterov"),
    (AdaGrad, {"lr_decay": -1.0}, "lr_decay"),
    (AdaGrad, {"initial_accumulator_value": -1.0}, "initial_accumulator_value"),
    (RMSProp, {"alpha": 1.0}, "alpha"),
    (RMSProp, {"alpha": -0.1}, "alpha"),
    (RMSProp, {"centered": "yes"}, "centered"),
    (Adam, {"amsgrad": None}, "amsgrad"),
])
def test_rejects_other_bad_hyperparameters(cls, kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        cls([np.zeros(2)], **kwargs)


@pytest.mark.parametrize("params, error", [
    (np.zeros(3), TypeError),                         # one array, not a list
    ([[0.0, 1.0]], TypeError),                        # a list, not an ndarray
    ([np.zeros(3, dtype=int)], TypeError),            # integer array
    ([], ValueError),
    ("abc", TypeError),
])
def test_rejects_params_that_are_not_a_list_of_float_arrays(params, error):
    with pytest.raises(error, match="params"):
        Adam(params)


def test_rejects_repeated_or_read_only_params():
    p = np.zeros(3)
    with pytest.raises(ValueError, match="params"):
        Adam([p, p])
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match=r"params\[0\]"):
        Adam([frozen])


def test_rejects_grads_of_wrong_length():
    opt = Adam([np.zeros(3), np.zeros(2)])
    with pytest.raises(ValueError, match="grads"):
        opt.step([np.zeros(3)])
    with pytest.raises(TypeError, match="grads"):
        opt.step(np.zeros(3))
    assert opt.t == 0


def test_rejects_grad_of_wrong_shape_naming_index_and_shapes():
    opt = SGD([np.zeros(3), np.zeros((2, 3))], lr=0.1)
    with pytest.raises(ValueError, match=r"grads\[1\]") as info:
        opt.step([np.zeros(3), np.zeros((3, 2))])
    assert "(3, 2)" in str(info.value) and "(2, 3)" in str(info.value)
    with pytest.raises(TypeError, match=r"grads\[0\]"):
        opt.step([np.array(["a", "b", "c"]), np.zeros((2, 3))])
    assert opt.t == 0


def test_base_class_has_no_update_rule():
    opt = Optimizer([np.zeros(2)], lr=0.1)
    with pytest.raises(NotImplementedError):
        opt.step([np.zeros(2)])


def test_load_state_dict_names_an_array_valued_entry():
    opt = Adam([np.zeros(3)], lr=0.1)
    state = opt.state_dict()
    state["beta1"] = np.array([0.9, 0.9])
    with pytest.raises(ValueError, match=r"state_dict\['beta1'\] must be a single value"):
        opt.load_state_dict(state)
    state = opt.state_dict()
    state["t"] = np.arange(3)
    with pytest.raises(ValueError, match=r"state_dict\['t'\]"):
        opt.load_state_dict(state)
