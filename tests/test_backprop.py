"""Tests for nnlearn.backprop: circuit, trace, table, gradient norms, timings, recorder."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnlearn import backprop, datasets, optimizers, training
from nnlearn.activations import softmax
from nnlearn.network import MLP


def _central_diff(f, x, h=1e-6):
    """Central differences of a scalar function of a float vector (own helper)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in range(x.size):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / (2 * h)
    return grad


# ----------------------------------------------------------------------------
# The circuit
# ----------------------------------------------------------------------------

LEAVES = ("w", "x", "b", "y", "lam")


def _closed_form_loss(v):
    w, x, b, y, lam = v
    return (math.tanh(w * x + b) - y) ** 2 + lam * w ** 2


@pytest.mark.parametrize("point", [(0.8, 1.5, -0.3, 0.5, 0.1), (-1.2, 0.4, 0.7, -0.2, 0.5),
                                   (0.0, -2.0, 0.1, 1.0, 0.0)])
def test_neuron_circuit_values_and_gradients(point):
    values, grads, edge_grads = backprop.neuron_circuit(*point)
    assert values["L_tilde"] == pytest.approx(_closed_form_loss(point), rel=1e-14)
    numeric = _central_diff(_closed_form_loss, point)
    for name, g in zip(LEAVES, numeric, strict=True):
        assert grads[name] == pytest.approx(g, rel=1e-7, abs=1e-9), name
    # Inner nodes: perturb the node's value and recompute what comes after it.
    w, x, b, y, lam = point
    z = values["z"]
    dz = _central_diff(lambda v: (math.tanh(v[0]) - y) ** 2 + lam * w ** 2, [z])[0]
    assert grads["z"] == pytest.approx(dz, rel=1e-7, abs=1e-9)
    assert edge_grads[("w", "wx")] + edge_grads[("w", "w2")] == pytest.approx(grads["w"])
    assert edge_grads[("w", "w2")] == pytest.approx(2 * lam * w)
    assert values["r"] == pytest.approx(math.tanh(w * x + b) - y)      # the residual
    assert values["ell"] + values["R"] == values["L_tilde"]
    assert set(edge_grads) == set(backprop.CIRCUIT_EDGES)
    assert set(values) == set(grads) == {n for e in backprop.CIRCUIT_EDGES for n in e}


def test_neuron_circuit_rejects_bad_input():
    with pytest.raises(TypeError, match="lam"):
        backprop.neuron_circuit(1.0, 1.0, 1.0, 1.0, "big")
    with pytest.raises(ValueError, match="x"):
        backprop.neuron_circuit(1.0, math.inf, 1.0, 1.0, 0.1)


# ----------------------------------------------------------------------------
# Trace and table
# ----------------------------------------------------------------------------

def test_backprop_trace_is_consistent_with_the_four_equations():
    model = MLP([3, 5, 4, 2], activation="tanh", output="softmax", rng=0)
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((6, 3)), rng.integers(0, 2, 6)
    t = backprop.backprop_trace(model, "cross_entropy", X, y)
    B = X.shape[0]
    np.testing.assert_allclose(t.deltas[-1], (softmax(t.zs[-1], axis=1) - np.eye(2)[y]) / B)
    for k in range(3):
        np.testing.assert_allclose(t.dW[k], t.deltas[k].T @ t.activations[k])
        np.testing.assert_allclose(t.db[k], t.deltas[k].sum(axis=0))
    for k in (1, 2):   # delta^(l-1) = (delta^(l) W^(l)) * tanh'(z^(l-1)), l = k + 1
        W = model.dense_layers[k].W
        expected = (t.deltas[k] @ W) * (1 - np.tanh(t.zs[k - 1]) ** 2)
        np.testing.assert_allclose(t.deltas[k - 1], expected, rtol=1e-12)
    # copies: another pass does not change the trace
    saved = t.dW[0].copy()
    model.forward(X + 1.0)
    model.backward(np.ones((6, 2)))
    np.testing.assert_array_equal(t.dW[0], saved)


def test_backprop_trace_rejects_non_mlp():
    with pytest.raises(TypeError, match="model"):
        backprop.backprop_trace(object(), "mse", np.zeros((1, 2)), np.zeros((1, 1)))


def test_format_table_exact_text():
    text = backprop.format_table({"z": [0.5, -1.25], "a": [0.5, 0.0]}, digits=2)
    assert text == ("j      z     a\n"
                    "1   0.50  0.50\n"
                    "2  -1.25  0.00")


def test_format_table_rejects_bad_input():
    with pytest.raises(ValueError, match="columns"):
        backprop.format_table({"z": [1.0, 2.0], "a": [1.0]})
    with pytest.raises(TypeError, match="columns"):
        backprop.format_table({})
    with pytest.raises(ValueError, match="digits"):
        backprop.format_table({"z": [1.0]}, digits=-1)


# ----------------------------------------------------------------------------
# Experiments
# ----------------------------------------------------------------------------

def test_layer_gradient_norms_vanish_for_deep_sigmoid_net():
    X, y = datasets.spirals(n_per_class=20, n_classes=3, rng=0)
    sizes = [2] + [16] * 8 + [3]
    model = MLP(sizes, activation="sigmoid", output="softmax", init="xavier", rng=0)
    g = backprop.layer_gradient_norms(model, "cross_entropy", X, y)
    assert g.shape == (9,)
    np.testing.assert_allclose(g, [np.linalg.norm(layer.dW) for layer in model.dense_layers])
    assert g[0] < 1e-3 * g[-1]                      # at least three orders of magnitude
    relu = MLP(sizes, activation="relu", output="softmax", init="he", rng=0)
    h = backprop.layer_gradient_norms(relu, "cross_entropy", X, y)
    assert h[0] > 1e-2 * h[-1]                      # He-initialized ReLU: no such decay


def test_gradient_timings():
    t = backprop.gradient_timings([2, 8], n_in=2, n_out=3, repeats=1, rng=0)
    assert set(t) == {"n_params", "backprop", "numerical"}
    # [2, w, w, 3]: 2w + w + w^2 + w + 3w + 3 parameters
    np.testing.assert_array_equal(t["n_params"], [2 * w + w + w * w + w + 3 * w + 3
                                                  for w in (2, 8)])
    assert np.all(t["backprop"] > 0)
    assert t["numerical"][-1] > t["backprop"][-1]
    with pytest.raises(ValueError, match="widths"):
        backprop.gradient_timings([0])
    with pytest.raises(TypeError, match="widths"):
        backprop.gradient_timings(8)


# ----------------------------------------------------------------------------
# WeightRecorder
# ----------------------------------------------------------------------------

def test_weight_recorder_as_fit_callback():
    X, y = datasets.xor(n_per_cluster=5, rng=0)
    model = MLP([2, 3, 2], activation="tanh", output="softmax", rng=0)
    rec = backprop.WeightRecorder(every=2)
    rec.record(0, model, 1.0)
    history = training.fit(model, "cross_entropy", optimizers.SGD(model.params, 0.5), X, y,
                           epochs=6, batch_size=20, rng=0, verbose=False, callback=rec)
    assert rec.epochs == [0, 2, 4, 6] and len(rec) == 4
    assert rec.losses[1:] == [history.loss[1], history.loss[3], history.loss[5]]
    np.testing.assert_array_equal(rec.weights[-1][0], model.dense_layers[0].W)
    np.testing.assert_array_equal(rec.biases[-1][1], model.dense_layers[1].b)
    assert not np.array_equal(rec.weights[0][0], rec.weights[-1][0])   # copies, not views
    assert [W.shape for W in rec.weights[0]] == [(3, 2), (2, 3)]


def test_weight_recorder_rejects_bad_input():
    with pytest.raises(ValueError, match="every"):
        backprop.WeightRecorder(every=0)
    rec = backprop.WeightRecorder()
    with pytest.raises(TypeError, match="model"):
        rec.record(0, object(), 1.0)
    with pytest.raises(ValueError, match="epoch"):
        rec.record(-1, MLP([2, 2], rng=0), 1.0)
