"""Tests for nnlearn.losses: finite differences, hand-computed values, stability, bad input."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlearn.losses import (
    LOSSES,
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    cross_entropy,
    cross_entropy_grad,
    focal_loss,
    focal_loss_grad,
    huber,
    huber_grad,
    log_cosh,
    log_cosh_grad,
    mae,
    mae_grad,
    mse,
    mse_grad,
)

REDUCTIONS = ["mean", "sum", "none"]
ELEMENTWISE = [name for name in LOSSES if name != "cross_entropy"]
LN2 = math.log(2.0)


def rel_error(a, b) -> float:
    """Largest absolute difference divided by the largest magnitude (0 if both are 0)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)))
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b)) / scale)


def fd_grad(f, x, h=1e-6):
    """Central finite-difference gradient of the scalar function ``f`` at ``x`` (float64)."""
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[idx] = h
        grad[idx] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


def random_shape(rng) -> tuple[int, ...]:
    ndim = int(rng.integers(1, 4))
    return tuple(int(n) for n in rng.integers(1, 5, size=ndim))


def signs(rng, shape):
    return rng.choice([-1.0, 1.0], size=shape)


# Each maker returns (input, target, hyperparameters) in float64, away from kinks.

def make_mse(rng):
    shape = random_shape(rng)
    return rng.normal(size=shape), rng.normal(size=shape), {}


def make_mae(rng):
    shape = random_shape(rng)
    t = rng.normal(size=shape)
    return t + signs(rng, shape) * rng.uniform(0.05, 2.0, shape), t, {}


def make_huber(rng):
    shape = random_shape(rng)
    delta = float(rng.choice([0.3, 1.0, 2.5]))
    small = rng.uniform(0.05, 0.9, shape) * delta   # quadratic part
    large = rng.uniform(1.1, 3.0, shape) * delta    # linear part
    mag = np.where(rng.random(shape) < 0.5, small, large)
    t = rng.normal(size=shape)
    return t + signs(rng, shape) * mag, t, {"delta": delta}


def make_log_cosh(rng):
    shape = random_shape(rng)
    return 3 * rng.normal(size=shape), rng.normal(size=shape), {}


def make_bce(rng):
    shape = random_shape(rng)
    t = np.where(rng.random(shape) < 0.5, rng.integers(0, 2, shape), rng.random(shape))
    return rng.uniform(0.02, 0.98, shape), t, {}


def make_bce_logits(rng):
    shape = random_shape(rng)
    t = np.where(rng.random(shape) < 0.5, rng.integers(0, 2, shape), rng.random(shape))
    return 3 * rng.normal(size=shape), t, {}


def make_focal(rng):
    shape = random_shape(rng)
    t = np.where(rng.random(shape) < 0.7, rng.integers(0, 2, shape), rng.random(shape))
    alpha = [0.25, None, 0.9][int(rng.integers(0, 3))]
    gamma = float(rng.choice([0.0, 0.5, 2.0, 3.5]))
    return 2 * rng.normal(size=shape), t, {"alpha": alpha, "gamma": gamma}


def make_ce_index(rng):
    b, c = (int(n) for n in rng.integers(1, 6, size=2))
    eps = float(rng.choice([0.0, 0.1, 0.7]))
    return 2 * rng.normal(size=(b, c)), rng.integers(0, c, size=b), {"label_smoothing": eps}


def make_ce_probs(rng):
    b, c = (int(n) for n in rng.integers(1, 6, size=2))
    eps = float(rng.choice([0.0, 0.2]))
    return 2 * rng.normal(size=(b, c)), rng.dirichlet(np.ones(c), size=b), {
        "label_smoothing": eps}


CASES = {
    "mse": ("mse", make_mse),
    "mae": ("mae", make_mae),
    "huber": ("huber", make_huber),
    "log_cosh": ("log_cosh", make_log_cosh),
    "bce": ("binary_cross_entropy", make_bce),
    "bce_logits": ("binary_cross_entropy_with_logits", make_bce_logits),
    "focal": ("focal_loss", make_focal),
    "ce_index": ("cross_entropy", make_ce_index),
    "ce_probs": ("cross_entropy", make_ce_probs),
}


# ----------------------------------------------------------------------------
# Gradients against finite differences
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_grad_matches_finite_differences(case, reduction, seed):
    name, make = CASES[case]
    loss, grad = LOSSES[name].pair
    x, t, kw = make(np.random.default_rng([seed, len(case)]))
    g = grad(x, t, reduction=reduction, **kw)
    assert g.shape == x.shape and g.dtype == np.float64
    # for "none" the grad is each element's own derivative = gradient of the sum
    numeric = fd_grad(lambda v: np.sum(loss(v, t, reduction=reduction, **kw)), x)
    assert rel_error(g, numeric) < 1e-6


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_none_grad_is_elementwise_derivative(name):
    loss, grad = LOSSES[name].pair
    _, make = CASES[{"binary_cross_entropy": "bce", "binary_cross_entropy_with_logits":
                     "bce_logits", "focal_loss": "focal"}.get(name, name)]
    x, t, kw = make(np.random.default_rng(7))
    h = 1e-6
    # perturb every element at once: element i's loss only moves with input i
    numeric = (loss(x + h, t, reduction="none", **kw)
               - loss(x - h, t, reduction="none", **kw)) / (2 * h)
    assert rel_error(grad(x, t, reduction="none", **kw), numeric) < 1e-6


@pytest.mark.parametrize("case", sorted(CASES))
def test_reductions_are_consistent(case):
    name, make = CASES[case]
    loss, grad = LOSSES[name].pair
    x, t, kw = make(np.random.default_rng(11))
    per = loss(x, t, reduction="none", **kw)
    n = x.shape[0] if name == "cross_entropy" else x.size
    assert per.shape == ((x.shape[0],) if name == "cross_entropy" else x.shape)
    assert np.all(per >= 0)
    np.testing.assert_allclose(loss(x, t, reduction="sum", **kw), per.sum(), rtol=1e-13)
    np.testing.assert_allclose(loss(x, t, **kw), per.sum() / n, rtol=1e-13)  # default mean
    g_sum = grad(x, t, reduction="sum", **kw)
    np.testing.assert_allclose(grad(x, t, reduction="none", **kw), g_sum, rtol=1e-13)
    np.testing.assert_allclose(grad(x, t, **kw), g_sum / n, rtol=1e-13)


# ----------------------------------------------------------------------------
# Hand-computed values
# ----------------------------------------------------------------------------

def test_mse_known_values():
    x, t = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 0.0])
    assert mse(x, t) == pytest.approx(13 / 3)
    assert mse(x, t, reduction="sum") == pytest.approx(13.0)
    np.testing.assert_allclose(mse(x, t, reduction="none"), [0.0, 4.0, 9.0])
    np.testing.assert_allclose(mse_grad(x, t), [0.0, 4 / 3, 2.0])
    # the mean runs over all B * k elements, so the 2 / (B k) factor appears
    x2 = np.array([[1.0, 0.0], [0.0, 0.0]])
    assert mse(x2, np.zeros((2, 2))) == pytest.approx(0.25)
    np.testing.assert_allclose(mse_grad(x2, np.zeros((2, 2))), [[0.5, 0.0], [0.0, 0.0]])


def test_mae_known_values_and_zero_residual():
    x, t = np.array([1.0, -2.0, 0.5]), np.array([0.0, 0.0, 0.5])
    assert mae(x, t) == pytest.approx(1.0)
    np.testing.assert_allclose(mae_grad(x, t), [1 / 3, -1 / 3, 0.0])  # sign(0) = 0
    np.testing.assert_allclose(mae_grad(x, t, reduction="sum"), [1.0, -1.0, 0.0])


def test_huber_known_values():
    r = np.array([0.5, 2.0, -3.0, 1.0])
    np.testing.assert_allclose(huber(r, np.zeros(4), reduction="none"), [0.125, 1.5, 2.5, 0.5])
    np.testing.assert_allclose(huber_grad(r, np.zeros(4), reduction="none"),
                               [0.5, 1.0, -1.0, 1.0])
    # delta = 2: 2 * (3 - 1) = 4 on the linear part, 0.5 * 1.5^2 on the quadratic part
    np.testing.assert_allclose(huber([3.0, 1.5], [0.0, 0.0], delta=2.0, reduction="none"),
                               [4.0, 1.125])
    np.testing.assert_allclose(huber_grad([3.0, -1.5], [0.0, 0.0], delta=2.0, reduction="sum"),
                               [2.0, -1.5])


def test_huber_limits():
    rng = np.random.default_rng(0)
    x, t = rng.normal(size=20), rng.normal(size=20)
    # delta larger than every residual: half the MSE
    np.testing.assert_allclose(huber(x, t, delta=100.0), 0.5 * mse(x, t), rtol=1e-14)
    # tiny delta: delta * (MAE - delta / 2)
    d = 1e-3
    a = np.abs(x - t)
    assert np.all(a > d)
    np.testing.assert_allclose(huber(x, t, delta=d), d * (mae(x, t) - d / 2), rtol=1e-12)


def test_log_cosh_known_values_and_limits():
    # cosh(ln 2) = (2 + 1/2) / 2 = 5/4, tanh(ln 2) = 3/5
    assert log_cosh([LN2], [0.0]) == pytest.approx(math.log(1.25), rel=1e-15)
    np.testing.assert_allclose(log_cosh_grad([LN2, 0.0], [0.0, LN2], reduction="none"),
                               [0.6, -0.6], rtol=1e-15)
    r = np.array([1e-9, 1e-4])
    np.testing.assert_allclose(log_cosh(r, 0 * r, reduction="none"), r**2 / 2, rtol=1e-8)
    r = np.array([40.0, -1e4])
    np.testing.assert_allclose(log_cosh(r, 0 * r, reduction="none"), np.abs(r) - LN2,
                               rtol=1e-15)
    mid = np.linspace(-5, 5, 41)
    np.testing.assert_allclose(log_cosh(mid, 0 * mid, reduction="none"), np.log(np.cosh(mid)),
                               rtol=1e-14, atol=1e-16)


def test_binary_cross_entropy_known_values_and_clamp():
    p = np.array([0.5, 0.25, 0.0, 1.0, 1.0])
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    np.testing.assert_allclose(binary_cross_entropy(p, y, reduction="none"),
                               [LN2, -math.log(0.75), 100.0, 0.0, 100.0], rtol=1e-15)
    g = binary_cross_entropy_grad(p, y, reduction="none")
    np.testing.assert_allclose(g[:2], [-2.0, 4 / 3], rtol=1e-15)
    # at p in {0, 1} PyTorch's denominator floor 1e-12 keeps the gradient finite
    np.testing.assert_allclose(g[2:], [-1e12, 0.0, 1e12])


def test_binary_cross_entropy_with_logits_known_values():
    x = np.array([0.0, 0.0, math.log(3.0), 1e4, -1e4])
    y = np.array([0.0, 1.0, 1.0, 0.0, 0.0])
    np.testing.assert_allclose(binary_cross_entropy_with_logits(x, y, reduction="none"),
                               [LN2, LN2, math.log(4 / 3), 1e4, 0.0], rtol=1e-15)
    np.testing.assert_allclose(binary_cross_entropy_with_logits_grad(x, y, reduction="none"),
                               [0.5, -0.5, -0.25, 1.0, 0.0], rtol=1e-15)


def test_bce_on_sigmoid_matches_bce_with_logits():
    rng = np.random.default_rng(3)
    x = rng.normal(scale=3, size=(5, 2))
    y = rng.random((5, 2))
    p = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(binary_cross_entropy(p, y), binary_cross_entropy_with_logits(x, y),
                               rtol=1e-12)
    # chain rule through the sigmoid: dL/dx = dL/dp * p (1 - p)
    np.testing.assert_allclose(binary_cross_entropy_grad(p, y) * p * (1 - p),
                               binary_cross_entropy_with_logits_grad(x, y), rtol=1e-10)


def test_bce_matches_naive_formula_where_finite():
    rng = np.random.default_rng(4)
    p, y = rng.uniform(0.01, 0.99, 30), rng.integers(0, 2, 30)
    naive = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert binary_cross_entropy(p, y) == pytest.approx(naive, rel=1e-14)



@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_keeps_its_digits_for_soft_targets(dtype):
    """Chapter 2's claim: at z = 20, y = 0.99 the sum of non-negative terms is
    within one unit in the last place, the short form max(z, 0) - yz + ln(1 + e^-|z|)
    is off by about 5e-6 (float32) and 4e-15 (float64), and for labels 0 and 1
    both forms are right to rounding."""
    from decimal import Decimal, getcontext
    getcontext().prec = 50

    def exact(z, y):      # y softplus(-z) + (1 - y) softplus(z) of the stored values
        z, y = Decimal(float(z)), Decimal(float(y))
        softplus = lambda t: (1 + t.exp()).ln()          # noqa: E731
        return float(y * softplus(-z) + (1 - y) * softplus(z))

    def short(z, y):
        return np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))

    z, y = np.array([dtype(20)]), np.array([dtype(0.99)])
    got = binary_cross_entropy_with_logits(z, y, reduction="none")[0]
    want = exact(z[0], y[0])
    assert got.dtype == dtype
    assert abs(float(got) - want) <= np.spacing(dtype(want))
    short_error = abs(float(short(z, y)[0]) - want) / want
    assert short_error == pytest.approx({np.float32: 5e-6, np.float64: 4e-15}[dtype], rel=0.2)
    for zv, yv in [(40, 1), (-40, 0), (15, 1), (-15, 0), (3, 0), (-3, 1)]:
        z, y = np.array([dtype(zv)]), np.array([dtype(yv)])
        want = exact(z[0], y[0])
        for value in (binary_cross_entropy_with_logits(z, y, reduction="none")[0],
                      short(z, y)[0]):
            assert abs(float(value) - want) <= 2 * np.spacing(dtype(want))

def test_cross_entropy_known_values():
    z = np.array([[0.0, math.log(3.0)]])          # softmax = [0.25, 0.75]
    assert cross_entropy(z, [1]) == pytest.approx(-math.log(0.75), rel=1e-15)
    assert cross_entropy(z, [0]) == pytest.approx(math.log(4.0), rel=1e-15)
    np.testing.assert_allclose(cross_entropy_grad(z, [1]), [[0.25, -0.25]], rtol=1e-15)
    # label smoothing 0.2 with C = 2: target (1 - 0.2) * [0, 1] + 0.2 / 2 = [0.1, 0.9]
    want = -(0.1 * math.log(0.25) + 0.9 * math.log(0.75))
    assert cross_entropy(z, [1], label_smoothing=0.2) == pytest.approx(want, rel=1e-15)
    np.testing.assert_allclose(cross_entropy_grad(z, [1], label_smoothing=0.2),
                               [[0.15, -0.15]], rtol=1e-14)
    # equal logits: loss log C for any class; batch mean is over rows
    z4 = np.zeros((3, 4))
    np.testing.assert_allclose(cross_entropy(z4, [0, 3, 2], reduction="none"),
                               [math.log(4)] * 3, rtol=1e-15)
    np.testing.assert_allclose(cross_entropy_grad(z4, [0, 3, 2])[0],
                               np.array([-0.75, 0.25, 0.25, 0.25]) / 3)  # (p - y) / B


def test_cross_entropy_index_targets_equal_one_hot_targets():
    rng = np.random.default_rng(5)
    z = rng.normal(size=(6, 4))
    idx = rng.integers(0, 4, size=6)
    onehot = np.eye(4)[idx]
    for eps in (0.0, 0.3):
        for red in REDUCTIONS:
            np.testing.assert_allclose(
                cross_entropy(z, idx, label_smoothing=eps, reduction=red),
                cross_entropy(z, onehot, label_smoothing=eps, reduction=red), rtol=1e-14)
            np.testing.assert_allclose(
                cross_entropy_grad(z, idx, label_smoothing=eps, reduction=red),
                cross_entropy_grad(z, onehot, label_smoothing=eps, reduction=red),
                rtol=1e-13, atol=1e-16)


def test_cross_entropy_two_classes_is_bce_with_logits():
    rng = np.random.default_rng(6)
    z = rng.normal(size=(8, 2))
    y = rng.integers(0, 2, size=8)
    np.testing.assert_allclose(cross_entropy(z, y),
                               binary_cross_entropy_with_logits(z[:, 1] - z[:, 0], y),
                               rtol=1e-13)


def test_cross_entropy_full_smoothing_is_uniform_target():
    z = np.random.default_rng(8).normal(size=(3, 5))
    uniform = np.full((3, 5), 0.2)
    np.testing.assert_allclose(cross_entropy(z, [0, 1, 2], label_smoothing=1.0),
                               cross_entropy(z, uniform), rtol=1e-14)


def test_cross_entropy_matches_naive_formula_where_finite():
    rng = np.random.default_rng(9)
    z = rng.normal(scale=4, size=(7, 3))
    y = rng.integers(0, 3, size=7)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert cross_entropy(z, y) == pytest.approx(-np.mean(np.log(p[np.arange(7), y])), rel=1e-13)


def test_focal_loss_known_values():
    # x = 0: p = 0.5, so p_y = 0.5, (1 - p_y)^2 = 0.25, -log p_y = ln 2
    x, y = np.zeros(2), np.array([1.0, 0.0])
    np.testing.assert_allclose(focal_loss(x, y, reduction="none"),
                               [0.25 * 0.25 * LN2, 0.75 * 0.25 * LN2], rtol=1e-15)
    np.testing.assert_allclose(focal_loss(x, y, alpha=None, gamma=1.0, reduction="none"),
                               [0.5 * LN2, 0.5 * LN2], rtol=1e-15)
    # p = 3/4 for y = 1: (1/4)^2 * log(4/3) * alpha
    assert focal_loss([math.log(3.0)], [1.0], alpha=0.4) == pytest.approx(
        0.4 / 16 * math.log(4 / 3), rel=1e-14)


def test_focal_loss_reduces_to_bce_and_alpha_off_switches():
    rng = np.random.default_rng(10)
    x, y = rng.normal(size=(4, 3)), rng.integers(0, 2, size=(4, 3))
    for red in REDUCTIONS:
        np.testing.assert_allclose(focal_loss(x, y, alpha=None, gamma=0.0, reduction=red),
                                   binary_cross_entropy_with_logits(x, y, reduction=red),
                                   rtol=1e-14)
        np.testing.assert_allclose(focal_loss_grad(x, y, alpha=None, gamma=0.0, reduction=red),
                                   binary_cross_entropy_with_logits_grad(x, y, reduction=red),
                                   rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(focal_loss(x, y, alpha=-1), focal_loss(x, y, alpha=None))
    # alpha weights positives, 1 - alpha negatives
    a = focal_loss(x, y, alpha=0.8, reduction="none")
    b = focal_loss(x, y, alpha=None, reduction="none")
    np.testing.assert_allclose(a, np.where(y == 1, 0.8, 0.2) * b, rtol=1e-14)


def test_focal_loss_down_weights_easy_examples():
    # a confident correct prediction loses far more than a hard one does
    easy = focal_loss([4.0], [1.0], alpha=None, reduction="sum")
    hard = focal_loss([-1.0], [1.0], alpha=None, reduction="sum")
    ratio_focal = easy / hard
    ratio_bce = (binary_cross_entropy_with_logits([4.0], [1.0])
                 / binary_cross_entropy_with_logits([-1.0], [1.0]))
    assert ratio_focal < 1e-3 * ratio_bce


# ----------------------------------------------------------------------------
# Stability and non-negativity
# ----------------------------------------------------------------------------

def _no_warnings(func):
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        return func()


def test_logit_losses_finite_for_huge_logits():
    z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]])
    y = np.array([1, 0])
    assert np.isfinite(_no_warnings(lambda: cross_entropy(z, y)))
    assert np.all(np.isfinite(_no_warnings(lambda: cross_entropy_grad(z, y))))
    np.testing.assert_allclose(cross_entropy(z, y, reduction="none"), [2e4, 2e4])
    x = np.array([1e4, -1e4, 1e4, -1e4])
    b = np.array([0.0, 1.0, 1.0, 0.0])
    for gamma in (0.0, 0.5, 2.0):
        out = _no_warnings(lambda g=gamma: focal_loss(x, b, gamma=g, reduction="none"))
        grad = _no_warnings(lambda g=gamma: focal_loss_grad(x, b, gamma=g, reduction="none"))
        assert np.all(np.isfinite(out)) and np.all(np.isfinite(grad))
        np.testing.assert_allclose(out[2:], 0.0, atol=1e-300)
    bce = _no_warnings(lambda: binary_cross_entropy_with_logits(x, b, reduction="none"))
    np.testing.assert_allclose(bce, [1e4, 1e4, 0.0, 0.0])
    lc = _no_warnings(lambda: log_cosh(x, 0 * x, reduction="none"))
    np.testing.assert_allclose(lc, 1e4 - LN2)


def test_bce_finite_at_zero_and_one():
    p = np.array([0.0, 1.0, 0.0, 1.0])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    out = _no_warnings(lambda: binary_cross_entropy(p, y, reduction="none"))
    grad = _no_warnings(lambda: binary_cross_entropy_grad(p, y, reduction="none"))
    np.testing.assert_allclose(out, [0.0, 0.0, 100.0, 100.0])
    assert np.all(np.isfinite(grad))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(sorted(CASES)))
def test_every_loss_is_nonnegative(seed, case):
    name, make = CASES[case]
    loss, _ = LOSSES[name].pair
    rng = np.random.default_rng(seed)
    x, t, kw = make(rng)
    if name in ("mse", "mae", "huber", "log_cosh"):
        x = x * rng.uniform(0, 100)           # any scale, including huge residuals
    assert np.all(loss(x, t, reduction="none", **kw) >= 0)


# ----------------------------------------------------------------------------
# dtypes
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("case", sorted(CASES))
def test_float32_in_float32_out(case):
    name, make = CASES[case]
    loss, grad = LOSSES[name].pair
    x, t, kw = make(np.random.default_rng(12))
    x32 = x.astype(np.float32)
    t32 = t if name == "cross_entropy" and t.ndim == 1 else t.astype(np.float32)
    for red in REDUCTIONS:
        out = loss(x32, t32, reduction=red, **kw)
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, loss(x, t, reduction=red, **kw), rtol=2e-5, atol=1e-6)
    g = grad(x32, t32, **kw)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, grad(x, t, **kw), rtol=1e-4, atol=1e-6)
    # a float64 target does not upcast a float32 input
    assert loss(x32, t, **kw).dtype == np.float32


def test_integer_input_becomes_float64():
    assert mse([1, 2], [0, 0]).dtype == np.float64
    assert cross_entropy([[1, 2]], [0]).dtype == np.float64


# ----------------------------------------------------------------------------
# Table and bad input
# ----------------------------------------------------------------------------

def test_losses_table():
    assert set(LOSSES) == {"mse", "mae", "huber", "log_cosh", "binary_cross_entropy",
                           "binary_cross_entropy_with_logits", "cross_entropy", "focal_loss"}
    assert LOSSES["mse"].pair == (mse, mse_grad)
    assert LOSSES["cross_entropy"].pair == (cross_entropy, cross_entropy_grad)
    for spec in LOSSES.values():
        assert spec.grad.__name__ == spec.fn.__name__ + "_grad"
        assert spec.target in ("same_shape", "labels")
        assert spec.labels in (None, "argmax", "logit", "prob")
    # Only cross_entropy takes class labels; the classification losses name a label rule.
    assert [n for n, s in LOSSES.items() if s.target == "labels"] == ["cross_entropy"]
    assert {n for n, s in LOSSES.items() if s.labels is None} == {"mse", "mae", "huber",
                                                                  "log_cosh"}


ALL_FUNCS = [f for spec in LOSSES.values() for f in spec.pair]
ELEMENTWISE_FUNCS = [f for name in ELEMENTWISE for f in LOSSES[name].pair]


@pytest.mark.parametrize("func", ALL_FUNCS, ids=lambda f: f.__name__)
def test_unknown_reduction(func):
    with pytest.raises(ValueError, match="reduction"):
        func(np.zeros((2, 2)), np.zeros((2, 2)), reduction="avg")


@pytest.mark.parametrize("func", ELEMENTWISE_FUNCS, ids=lambda f: f.__name__)
def test_shape_mismatch_names_both_shapes(func):
    with pytest.raises(ValueError, match=r"input and target.*\(3,\).*\(4,\)"):
        func(np.full(3, 0.5), np.full(4, 0.5))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
        func(np.full((2, 3), 0.5), np.full((3, 2), 0.5))


@pytest.mark.parametrize("func", ELEMENTWISE_FUNCS, ids=lambda f: f.__name__)
def test_empty_or_nan_input(func):
    with pytest.raises(ValueError, match="input"):
        func(np.zeros(0), np.zeros(0))
    with pytest.raises(ValueError, match="input"):
        func(np.array([np.nan, 0.5]), np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="target"):
        func(np.array([0.5, 0.5]), np.array([np.nan, 0.5]))


@pytest.mark.parametrize("func", [binary_cross_entropy, binary_cross_entropy_grad])
def test_bce_probabilities_outside_unit_interval(func):
    with pytest.raises(ValueError, match="input"):
        func(np.array([0.5, 1.2]), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="input"):
        func(np.array([-0.1, 0.5]), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="target"):
        func(np.array([0.5, 0.5]), np.array([0.0, 2.0]))


@pytest.mark.parametrize("func", [binary_cross_entropy_with_logits,
                                  binary_cross_entropy_with_logits_grad,
                                  focal_loss, focal_loss_grad])
def test_logit_losses_targets_outside_unit_interval(func):
    with pytest.raises(ValueError, match="target"):
        func(np.array([3.0, -2.0]), np.array([1.0, -1.0]))
    func(np.array([3.0, -2.0]), np.array([1.0, 0.3]))  # soft labels are fine


@pytest.mark.parametrize("func", [huber, huber_grad])
@pytest.mark.parametrize("delta", [0.0, -1.0])
def test_huber_bad_delta(func, delta):
    with pytest.raises(ValueError, match="delta"):
        func(np.zeros(3), np.ones(3), delta=delta)


@pytest.mark.parametrize("func", [focal_loss, focal_loss_grad])
def test_focal_bad_hyperparameters(func):
    x, y = np.zeros(3), np.ones(3)
    with pytest.raises(ValueError, match="gamma"):
        func(x, y, gamma=-0.5)
    for alpha in (1.5, -0.5):
        with pytest.raises(ValueError, match="alpha"):
            func(x, y, alpha=alpha)
    with pytest.raises(TypeError, match="alpha"):
        func(x, y, alpha="0.25")


@pytest.mark.parametrize("func", [cross_entropy, cross_entropy_grad])
def test_cross_entropy_bad_input(func):
    z = np.zeros((3, 4))
    with pytest.raises(ValueError, match="target"):
        func(z, [0, 4, 1])                       # class index out of range
    with pytest.raises(ValueError, match="target"):
        func(z, [0, -1, 1])
    with pytest.raises(TypeError, match="target"):
        func(z, np.array([0.0, 1.0, 2.0]))       # float class indices
    with pytest.raises(ValueError, match=r"target.*\(3,\).*\(2,\)"):
        func(z, [0, 1])                          # wrong batch size
    with pytest.raises(ValueError, match=r"\(3, 4\).*\(3, 3\)"):
        func(z, np.full((3, 3), 1 / 3))          # probability targets of wrong shape
    with pytest.raises(ValueError, match="target"):
        func(z, np.zeros((3, 4, 1)))
    with pytest.raises(ValueError, match="input"):
        func(np.zeros(4), [1])                   # logits must be (B, C)
    with pytest.raises(ValueError, match="input"):
        func(np.zeros((0, 4)), np.zeros(0, dtype=int))
    for eps in (-0.1, 1.5):
        with pytest.raises(ValueError, match="label_smoothing"):
            func(z, [0, 1, 2], label_smoothing=eps)


def test_a_loss_added_to_the_table_is_all_the_training_loop_needs(monkeypatch):
    """Registering one LossSpec makes a new loss work in evaluate and fit, with its
    target form checked and its label rule used for accuracy (no list elsewhere)."""
    from nnlearn import losses, training
    from nnlearn.network import MLP

    def halved_ce(input, target, *, reduction="mean"):
        return cross_entropy(input, target, reduction=reduction) / 2

    def halved_ce_grad(input, target, *, reduction="mean"):
        return cross_entropy_grad(input, target, reduction=reduction) / 2

    monkeypatch.setitem(losses.LOSSES, "halved_ce",
                        losses.LossSpec(halved_ce, halved_ce_grad, "labels", "argmax"))
    model = MLP([2, 3], rng=0)
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.5]])
    y = np.argmax(model.forward(X), axis=1)              # the model is right on every row
    result = training.evaluate(model, "halved_ce", X, y)
    assert result["accuracy"] == 1.0
    assert np.isclose(result["loss"], cross_entropy(model.forward(X), y) / 2)
    with pytest.raises(TypeError, match="integer class labels for halved_ce"):
        training.evaluate(model, "halved_ce", X, y.astype(float))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_mean_of_huge_finite_losses_does_not_overflow(dtype):
    # the sum of the per-element losses overflows, their mean does not
    big = np.finfo(dtype).max / 2
    x, t = np.full(4, big, dtype=dtype), np.zeros(4, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mae(x, t) == big
        assert huber(x, t, delta=1e-3) == pytest.approx(1e-3 * big, rel=1e-6)
        assert log_cosh(x, t) == pytest.approx(big, rel=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_residual_beyond_the_float_range_gives_the_limits_without_warnings(dtype):
    big = np.finfo(dtype).max * 0.9
    x, t = np.array([big, -big], dtype=dtype), np.array([-big, big], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(huber_grad(x, t, delta=0.5, reduction="none"), [0.5, -0.5])
        np.testing.assert_array_equal(log_cosh_grad(x, t, reduction="none"), [1, -1])
        np.testing.assert_array_equal(mae_grad(x, t, reduction="none"), [1, -1])
        assert mae(x, t) == np.inf and log_cosh(x, t) == np.inf
        assert huber(x, t, delta=0.5) == np.inf
