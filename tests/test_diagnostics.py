"""Tests for nnlearn.diagnostics.layer_statistics: hand-written passes and variance theory."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest

from nnlearn import init
from nnlearn.activations import tanh, tanh_grad
from nnlearn.diagnostics import layer_statistics
from nnlearn.network import MLP


def test_matches_a_forward_and_backward_pass_written_out():
    rng = np.random.default_rng(0)
    net = MLP([3, 5, 4, 2], activation="tanh", rng=rng)
    X = rng.normal(size=(7, 3))
    G = rng.normal(size=(7, 2))
    (W1, b1), (W2, b2), (W3, b3) = [(layer.W, layer.b) for layer in net.dense_layers]
    # forward, written out
    Z1 = X @ W1.T + b1
    A1 = tanh(Z1)
    Z2 = A1 @ W2.T + b2
    A2 = tanh(Z2)
    Z3 = A2 @ W3.T + b3
    # backward, written out: delta^(l) = (delta^(l+1) W^(l+1)) * f'(Z^(l))
    D3 = G
    D2 = (D3 @ W3) * tanh_grad(Z2)
    D1 = (D2 @ W2) * tanh_grad(Z1)
    stats = layer_statistics(net, X, G)
    np.testing.assert_array_equal(stats["layer"], [1, 2, 3])
    np.testing.assert_allclose(stats["z_std"], [Z1.std(), Z2.std(), Z3.std()])
    np.testing.assert_allclose(stats["activation_std"], [A1.std(), A2.std(), Z3.std()])
    np.testing.assert_allclose(stats["delta_std"], [D1.std(), D2.std(), D3.std()])
    np.testing.assert_allclose(stats["weight_grad_std"],
                               [(D1.T @ X).std(), (D2.T @ A1).std(), (D3.T @ A2).std()])


def test_linear_network_follows_the_variance_rule():
    """Identity activations: Var(z^(l)) = n Var(w) Var(z^(l-1)), so std shrinks by sqrt(n) sigma."""
    n, sigma, depth = 400, 0.04, 6                  # factor sqrt(400) * 0.04 = 0.8 per layer
    net = MLP([n] * (depth + 1), activation="identity",
              init=functools.partial(init.normal, std=sigma), rng=1)
    X = np.random.default_rng(2).standard_normal((300, n))
    stats = layer_statistics(net, X, rng=3)
    factor = math.sqrt(n) * sigma
    np.testing.assert_allclose(stats["z_std"], factor ** np.arange(1, depth + 1), rtol=0.06)
    # backward: delta^(l) = delta^(l+1) W^(l+1), the same factor per layer going down
    np.testing.assert_allclose(stats["delta_std"], factor ** np.arange(depth - 1, -1, -1),
                               rtol=0.06)


@pytest.mark.parametrize(("activation", "scheme"), [("identity", init.lecun_normal),
                                                     ("relu", init.he_normal)])
def test_matched_initialization_keeps_the_scale(activation, scheme):
    """LeCun for linear units and He for ReLU keep E[z^2] constant from layer to layer."""
    n, depth = 300, 8
    net = MLP([n] * (depth + 1), activation=activation, init=scheme, rng=4)
    X = np.random.default_rng(5).standard_normal((300, n))
    stats = layer_statistics(net, X, rng=6)
    rms = stats["z_std"]       # z has mean ~0 (zero biases, symmetric weights)
    assert np.all(np.abs(rms / rms[0] - 1) < 0.25)


def test_too_small_relu_initialization_vanishes():
    net = MLP([100] * 11, activation="relu", init=functools.partial(init.normal, std=0.01),
              rng=7)
    stats = layer_statistics(net, np.random.default_rng(8).standard_normal((100, 100)), rng=9)
    assert stats["activation_std"][-1] < 1e-8 * stats["activation_std"][0]
    assert stats["delta_std"][0] < 1e-8 * stats["delta_std"][-1]


def test_default_grad_out_is_seeded_and_params_unchanged():
    net = MLP([4, 6, 3], rng=0)
    before = [p.copy() for p in net.params]
    X = np.random.default_rng(1).normal(size=(10, 4))
    a = layer_statistics(net, X, rng=5)
    b = layer_statistics(net, X, rng=5)
    c = layer_statistics(net, X, rng=6)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.array_equal(a["delta_std"], c["delta_std"])
    np.testing.assert_array_equal(a["z_std"], c["z_std"])     # forward does not use rng
    for p, q in zip(net.params, before, strict=True):
        np.testing.assert_array_equal(p, q)


def test_dropout_is_off_and_float32_works():
    net = MLP([4, 8, 8, 2], rng=0, dropout=0.5, dtype=np.float32)
    X = np.random.default_rng(1).normal(size=(6, 4)).astype(np.float32)
    a = layer_statistics(net, X, rng=2)
    b = layer_statistics(net, X, rng=2)
    np.testing.assert_array_equal(a["activation_std"], b["activation_std"])
    assert a["activation_std"].dtype == np.float64


def test_bad_grad_out():
    net = MLP([4, 3, 2], rng=0)
    X = np.ones((5, 4))
    with pytest.raises(ValueError, match="grad_out"):
        layer_statistics(net, X, np.ones((5, 3)))
    with pytest.raises(TypeError, match="grad_out"):
        layer_statistics(net, X, "x")
    with pytest.raises(TypeError, match="rng"):
        layer_statistics(net, X, rng="seed")
