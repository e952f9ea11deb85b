"""Tests for nnlearn.activations against finite differences, closed forms and naive formulas."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnlearn.activations import (
    ACTIVATIONS,
    identity,
    identity_grad,
    leaky_relu,
    leaky_relu_grad,
    log_softmax,
    logsumexp,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    softmax_jacobian,
    tanh,
    tanh_grad,
)

ELEMENTWISE = sorted(ACTIVATIONS)


def rel_error(a, b) -> float:
    """Largest absolute difference divided by the largest magnitude (0 if both are 0)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)))
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b)) / scale)


def elementwise_fd(f, z, h=1e-5):
    """Central difference of an elementwise function, float64."""
    return (f(z + h) - f(z - h)) / (2 * h)


def away_from_zero(rng, shape, low=0.05, high=4.0):
    """Random values with |z| in [low, high] and random signs (no ReLU kink nearby)."""
    mags = rng.uniform(low, high, size=shape)
    return mags * rng.choice([-1.0, 1.0], size=shape)


# ----------------------------------------------------------------------------
# Derivatives against finite differences
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 4)])
def test_elementwise_grad_matches_finite_differences(name, shape):
    rng = np.random.default_rng([ELEMENTWISE.index(name), len(shape)])
    f, df = ACTIVATIONS[name]
    z = away_from_zero(rng, shape)
    assert df(z).shape == shape
    assert rel_error(df(z), elementwise_fd(f, z)) < 1e-6


@pytest.mark.parametrize("slope", [0.0, 0.2, 1.5])
def test_leaky_relu_grad_matches_finite_differences_for_other_slopes(slope):
    z = away_from_zero(np.random.default_rng(0), (4, 6))
    fd = elementwise_fd(lambda x: leaky_relu(x, negative_slope=slope), z)
    assert rel_error(leaky_relu_grad(z, negative_slope=slope), fd) < 1e-6


def test_grads_take_the_pre_activation_not_the_output():
    # The notes' x * (1 - x) expects sigmoid's output; ours takes z itself.
    z = np.array([-3.0, -0.5, 0.0, 2.0])
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(sigmoid_grad(z), s * (1 - s), rtol=1e-14)
    assert not np.allclose(sigmoid_grad(z), z * (1 - z))
    t = np.tanh(z)
    np.testing.assert_allclose(tanh_grad(z), 1 - t**2, rtol=1e-13, atol=1e-16)


# ----------------------------------------------------------------------------
# Known values
# ----------------------------------------------------------------------------

def test_known_values_sigmoid_and_tanh():
    ln3, ln2 = math.log(3.0), math.log(2.0)
    np.testing.assert_allclose(sigmoid([0.0, ln3, -ln3]), [0.5, 0.75, 0.25], rtol=1e-15)
    np.testing.assert_allclose(sigmoid_grad([0.0, ln3]), [0.25, 3 / 16], rtol=1e-15)
    # tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 0.6, derivative 1 - 0.36 = 0.64
    np.testing.assert_allclose(tanh([ln2, -ln2]), [0.6, -0.6], rtol=1e-15)
    np.testing.assert_allclose(tanh_grad([0.0, ln2, -ln2]), [1.0, 0.64, 0.64], rtol=1e-14)


def test_known_values_relu_family_and_identity():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(relu(z), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(relu_grad(z), [0.0, 0.0, 1.0])  # ReLU'(0) = 0
    np.testing.assert_allclose(leaky_relu(z, negative_slope=0.1), [-0.2, 0.0, 3.0])
    np.testing.assert_allclose(leaky_relu_grad(z, negative_slope=0.1), [0.1, 0.1, 1.0])
    np.testing.assert_allclose(leaky_relu(z), [-0.02, 0.0, 3.0])  # default slope 0.01
    np.testing.assert_array_equal(identity(z), z)
    np.testing.assert_array_equal(identity_grad(z), [1.0, 1.0, 1.0])


def test_identity_returns_a_copy():
    z = np.array([1.0, 2.0])
    out = identity(z)
    out[0] = 99.0
    assert z[0] == 1.0


def test_sigmoid_symmetry_and_agreement_with_naive_formula():
    z = np.linspace(-30, 30, 121)
    s = sigmoid(z)
    np.testing.assert_allclose(s, 1 / (1 + np.exp(-z)), rtol=1e-14)
    np.testing.assert_allclose(sigmoid(-z), 1 - s, atol=1e-15)


# ----------------------------------------------------------------------------
# Stability
# ----------------------------------------------------------------------------

def test_sigmoid_extremes_no_warnings_and_exact_limits():
    z = np.array([-1000.0, -1e4, 1000.0, 1e4])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        s = sigmoid(z)
        ds = sigmoid_grad(z)
        dt = tanh_grad(z)
        s32 = sigmoid(z.astype(np.float32))
    np.testing.assert_array_equal(s, [0.0, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(s32, [0.0, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(ds, 0.0)
    np.testing.assert_array_equal(dt, 0.0)


def test_saturated_grads_keep_relative_accuracy():
    # sigma'(40) = e^-40 / (1 + e^-40)^2; 1 - sigmoid(40) would round to 0.
    np.testing.assert_allclose(sigmoid_grad([40.0, -40.0]), math.exp(-40), rtol=1e-12)
    # tanh'(20) = 1 / cosh(20)^2; 1 - tanh(20)^2 would round to 0.
    np.testing.assert_allclose(tanh_grad(20.0), 1 / math.cosh(20.0) ** 2, rtol=1e-12)


def test_softmax_family_finite_for_huge_logits():
    z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, 1e4 - 1.0]])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        p = softmax(z)
        logp = log_softmax(z)
        lse = logsumexp(z)
    assert np.all(np.isfinite(p)) and np.all(np.isfinite(logp)) and np.all(np.isfinite(lse))
    np.testing.assert_allclose(p[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(p[1], [1 / 3, 1 / 3, 1 / 3])
    np.testing.assert_allclose(logp[0], [0.0, -2e4, -1e4])
    np.testing.assert_allclose(lse[1], -1e4 + math.log(3.0), rtol=1e-15)
    e = math.exp(-1.0)
    np.testing.assert_allclose(lse[2], 1e4 + math.log(2 + e), rtol=1e-15)
    np.testing.assert_allclose(p[2], np.array([1.0, 1.0, e]) / (2 + e), rtol=1e-14)


def test_stable_versions_agree_with_naive_versions_where_finite():
    rng = np.random.default_rng(1)
    z = rng.normal(scale=5.0, size=(6, 4))
    naive_p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(softmax(z), naive_p, rtol=1e-13)
    np.testing.assert_allclose(log_softmax(z), np.log(naive_p), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(logsumexp(z), np.log(np.exp(z).sum(axis=1)), rtol=1e-14)


# ----------------------------------------------------------------------------
# Softmax properties
# ----------------------------------------------------------------------------

def test_softmax_known_value():
    np.testing.assert_allclose(softmax([0.0, math.log(3.0)]), [0.25, 0.75], rtol=1e-15)
    np.testing.assert_allclose(log_softmax([0.0, 0.0]), [-math.log(2)] * 2, rtol=1e-15)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6),
                  elements=st.floats(-1e4, 1e4)),
       st.floats(-1e3, 1e3))
def test_softmax_rows_sum_to_one_and_shift_invariant(z, c):
    p = softmax(z)
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(softmax(z + c), p, atol=1e-9)
    np.testing.assert_allclose(np.exp(log_softmax(z)), p, atol=1e-12)


def test_logsumexp_gradient_is_softmax_and_log_softmax_rows_normalise():
    # d/dz_k log sum_j e^{z_j} = softmax(z)_k: the step behind "p - y" for cross-entropy
    rng = np.random.default_rng(7)
    z = rng.normal(scale=2.0, size=6)
    h = 1e-6
    fd = np.array([(logsumexp(z + h * e) - logsumexp(z - h * e)) / (2 * h) for e in np.eye(6)])
    assert rel_error(fd, softmax(z)) < 1e-8
    zb = rng.normal(scale=50.0, size=(3, 4))
    # log sum exp(log p) = log 1 = 0 for every row, even with large logits
    np.testing.assert_allclose(logsumexp(log_softmax(zb), axis=1), 0.0, atol=1e-13)


def test_softmax_other_axis_and_logsumexp_keepdims():
    z = np.random.default_rng(2).normal(size=(3, 5))
    np.testing.assert_allclose(softmax(z, axis=0), softmax(z.T).T, rtol=1e-15)
    np.testing.assert_allclose(log_softmax(z, axis=0), log_softmax(z.T).T, rtol=1e-15)
    assert logsumexp(z).shape == (3,)
    assert logsumexp(z, axis=0).shape == (5,)
    assert logsumexp(z, axis=0, keepdims=True).shape == (1, 5)
    assert logsumexp(z, keepdims=True).shape == (3, 1)
    np.testing.assert_allclose(logsumexp(z, axis=0), logsumexp(z.T), rtol=1e-15)


# ----------------------------------------------------------------------------
# Softmax Jacobian
# ----------------------------------------------------------------------------

def softmax_jacobian_fd(z, h=1e-6):
    """Column j = (softmax(z + h e_j) - softmax(z - h e_j)) / 2h, for 1-D z."""
    cols = []
    for j in range(z.size):
        e = np.zeros_like(z)
        e[j] = h
        cols.append((softmax(z + e) - softmax(z - e)) / (2 * h))
    return np.stack(cols, axis=1)


@pytest.mark.parametrize("c", [1, 2, 5])
def test_softmax_jacobian_matches_finite_differences(c):
    z = np.random.default_rng(c).normal(scale=2.0, size=c)
    jac = softmax_jacobian(z)
    assert jac.shape == (c, c)
    assert rel_error(jac, softmax_jacobian_fd(z)) < 1e-6


def test_softmax_jacobian_batched_matches_per_row():
    z = np.random.default_rng(3).normal(size=(4, 3))
    jac = softmax_jacobian(z)
    assert jac.shape == (4, 3, 3)
    for b in range(4):
        assert rel_error(jac[b], softmax_jacobian_fd(z[b])) < 1e-6
    np.testing.assert_allclose(jac, np.transpose(jac, (0, 2, 1)), rtol=1e-15)


def test_softmax_jacobian_vector_products():
    rng = np.random.default_rng(4)
    z = rng.normal(size=5)
    v = rng.normal(size=5)
    p = softmax(z)
    jac = softmax_jacobian(z)
    # J = diag(p) - p p^T, so J v = p * (v - p.v)
    np.testing.assert_allclose(jac @ v, p * (v - p @ v), rtol=1e-12, atol=1e-15)
    # adding the same constant to every logit changes nothing: J 1 = 0
    np.testing.assert_allclose(jac @ np.ones(5), 0.0, atol=1e-15)
    # cross-entropy through softmax: J^T (-y / p) = p - y, for one-hot y
    y = np.eye(5)[2]
    np.testing.assert_allclose(jac.T @ (-y / p), p - y, rtol=1e-12, atol=1e-15)
    # and J is not the "p - y" of the notes
    assert not np.allclose(np.diag(jac), p - y)


# ----------------------------------------------------------------------------
# dtypes
# ----------------------------------------------------------------------------

ALL_FUNCTIONS = [f for pair in ACTIVATIONS.values() for f in pair] + [
    softmax, log_softmax, logsumexp, softmax_jacobian]


@pytest.mark.parametrize("func", ALL_FUNCTIONS, ids=lambda f: f.__name__)
def test_float32_stays_float32_and_int_becomes_float64(func):
    z32 = np.array([[-1.5, 0.5, 2.0], [3.0, -0.25, 0.0]], dtype=np.float32)
    assert func(z32).dtype == np.float32
    assert func(np.array([[1, -2, 3]])).dtype == np.float64


def test_float32_values_close_to_float64():
    z = np.random.default_rng(5).normal(scale=3.0, size=(4, 5))
    for func in ALL_FUNCTIONS:
        np.testing.assert_allclose(func(z.astype(np.float32)), func(z), rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------
# Lookup table and bad input
# ----------------------------------------------------------------------------

def test_activations_table():
    assert set(ACTIVATIONS) == {"sigmoid", "tanh", "relu", "leaky_relu", "identity"}
    assert ACTIVATIONS["sigmoid"] == (sigmoid, sigmoid_grad)
    assert ACTIVATIONS["leaky_relu"] == (leaky_relu, leaky_relu_grad)
    assert ACTIVATIONS["relu"] == (relu, relu_grad)


@pytest.mark.parametrize("func", ALL_FUNCTIONS, ids=lambda f: f.__name__)
def test_nan_input_names_z(func):
    with pytest.raises(ValueError, match="z"):
        func(np.array([[0.0, np.nan]]))


@pytest.mark.parametrize("func", ALL_FUNCTIONS, ids=lambda f: f.__name__)
def test_non_numeric_input_names_z(func):
    with pytest.raises(TypeError, match="z"):
        func(np.array([["a", "b"]]))


@pytest.mark.parametrize("func", [softmax, log_softmax, logsumexp])
def test_softmax_family_bad_axis(func):
    with pytest.raises(ValueError, match="axis"):
        func(np.zeros((2, 3)), axis=2)
    with pytest.raises(TypeError, match="axis"):
        func(np.zeros((2, 3)), axis=1.0)
    with pytest.raises(ValueError, match="z"):
        func(3.0)
    with pytest.raises(ValueError, match="z"):
        func(np.zeros((2, 0)))


def test_softmax_jacobian_rejects_3d_and_logsumexp_bad_keepdims():
    with pytest.raises(ValueError, match="z"):
        softmax_jacobian(np.zeros((2, 3, 4)))
    with pytest.raises(TypeError, match="keepdims"):
        logsumexp(np.zeros(3), keepdims="yes")


@pytest.mark.parametrize("func", [leaky_relu, leaky_relu_grad])
def test_leaky_relu_bad_slope(func):
    with pytest.raises(TypeError, match="negative_slope"):
        func(np.zeros(3), negative_slope="0.1")
    with pytest.raises(ValueError, match="negative_slope"):
        func(np.zeros(3), negative_slope=float("nan"))


# ----------------------------------------------------------------------------
# PyTorch semantics (skipped without torch)
# ----------------------------------------------------------------------------

def test_activations_and_grads_match_torch_autograd():
    torch = pytest.importorskip("torch")
    z = np.array([[-3.0, -0.5, 0.0, 0.7, 2.5], [0.0, 1e-3, -1e-3, 8.0, -8.0]])
    torch_fns = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": torch.nn.functional.leaky_relu,   # default slope 0.01 in both
        "identity": lambda v: v * 1.0,
    }
    for name, (f, df) in ACTIVATIONS.items():
        zt = torch.tensor(z, requires_grad=True)
        out = torch_fns[name](zt)
        out.sum().backward()
        np.testing.assert_allclose(f(z), out.detach().numpy(), rtol=1e-14, err_msg=name)
        # includes z = 0 exactly: ReLU'(0) = 0 and leaky ReLU'(0) = slope, as in torch
        # (atol: torch's tanh' is 1 - tanh^2, which loses digits at |z| = 8; ours doesn't)
        np.testing.assert_allclose(df(z), zt.grad.numpy(), rtol=1e-12, atol=1e-15,
                                   err_msg=name)


def test_softmax_family_matches_torch():
    torch = pytest.importorskip("torch")
    z = np.random.default_rng(6).normal(scale=3.0, size=(4, 5))
    z[0, :2] = [1e4, -1e4]
    zt = torch.tensor(z)
    for axis in (0, 1, -1):
        np.testing.assert_allclose(softmax(z, axis=axis), torch.softmax(zt, dim=axis).numpy(),
                                   rtol=1e-13, atol=1e-300)
        np.testing.assert_allclose(log_softmax(z, axis=axis),
                                   torch.log_softmax(zt, dim=axis).numpy(), rtol=1e-13)
        np.testing.assert_allclose(logsumexp(z, axis=axis),
                                   torch.logsumexp(zt, dim=axis).numpy(), rtol=1e-14)
    jac = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=0), zt[1])
    np.testing.assert_allclose(softmax_jacobian(z[1]), jac.numpy(), rtol=1e-12, atol=1e-16)
