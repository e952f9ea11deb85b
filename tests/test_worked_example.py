"""The worked example of chapter 5, recomputed with plain loops over indices.

Nothing here uses nnlearn's forward or backward code: only the weights are
read from ``nnlearn.backprop.example_network`` (as nested Python lists), and
every z, a, delta and gradient is computed again from the component formulas

    z_i = sum_j W_ij a_j + b_i,  a = relu(z),  p = softmax(z^(3)),
    L = -log p_y,  delta^(3)_i = p_i - [i == y],
    delta^(k-1)_j = (sum_i W^(k)_ij delta^(k)_i) * relu'(z^(k-1)_j),
    dL/dW_ij = delta_i a_j,  dL/db_i = delta_i.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnlearn import backprop, optimizers


def _relu(v):
    return v if v > 0 else 0.0


def _relu_grad(v):
    return 1.0 if v > 0 else 0.0


def _loop_forward(Ws, bs, x):
    """Lists zs[k], acts[k] (acts[0] = x); hidden layers ReLU, last layer linear."""
    acts, zs = [list(x)], []
    for k, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        z = []
        for i in range(len(W)):
            total = b[i]
            for j in range(len(W[i])):
                total += W[i][j] * acts[-1][j]
            z.append(total)
        zs.append(z)
        last = k == len(Ws) - 1
        acts.append(list(z) if last else [_relu(v) for v in z])
    return zs, acts


def _loop_softmax_loss(z, label):
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    p = [v / s for v in e]
    return p, -math.log(p[label])


def _loop_backward(Ws, zs, acts, p, label):
    D = len(Ws)
    deltas = [None] * D
    deltas[D - 1] = [p[i] - (1.0 if i == label else 0.0) for i in range(len(p))]
    for k in range(D - 1, 0, -1):           # delta of layer k (0-based index k-1)
        W = Ws[k]
        deltas[k - 1] = []
        for j in range(len(W[0])):
            total = 0.0
            for i in range(len(W)):
                total += W[i][j] * deltas[k][i]
            deltas[k - 1].append(total * _relu_grad(zs[k - 1][j]))
    dWs = [[[deltas[k][i] * acts[k][j] for j in range(len(Ws[k][0]))]
            for i in range(len(Ws[k]))] for k in range(D)]
    dbs = [list(deltas[k]) for k in range(D)]
    return deltas, dWs, dbs


@pytest.fixture()
def example():
    model, X, y = backprop.example_network()
    Ws = [layer.W.tolist() for layer in model.dense_layers]
    bs = [layer.b.tolist() for layer in model.dense_layers]
    return model, X, y, Ws, bs


def test_example_network_shape_and_claims(example):
    model, X, y, Ws, bs = example
    assert model.sizes == [2, 2, 4, 3]
    assert X.shape == (1, 2) and y.tolist() == [1]
    zs, _ = _loop_forward(Ws, bs, X[0])
    assert zs[1][3] < 0                                   # unit 4 of layer 2 is off
    assert all(v != 0.0 for z in zs for v in z)          # nobody sits at the ReLU kink
    assert sum(1 for z in zs[:-1] for v in z if v < 0) == 1


def test_forward_pass_matches_loops(example):
    model, X, y, Ws, bs = example
    trace = backprop.backprop_trace(model, "cross_entropy", X, y)
    zs, acts = _loop_forward(Ws, bs, X[0])
    for k in range(3):
        np.testing.assert_allclose(trace.zs[k][0], zs[k], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(trace.activations[k + 1][0], acts[k + 1], rtol=1e-13,
                                   atol=1e-15)
    _, loss = _loop_softmax_loss(zs[-1], int(y[0]))
    assert trace.loss == pytest.approx(loss, rel=1e-13)


def test_hand_values_of_the_first_layers():
    # Written out by hand from the weights in example_network's source.
    model, X, y = backprop.example_network()
    trace = backprop.backprop_trace(model, "cross_entropy", X, y)
    np.testing.assert_allclose(trace.zs[0][0], [0.4 * 0.5 + 0.3 + 0.1, 0.1 - 0.6 + 0.7])
    np.testing.assert_allclose(trace.zs[1][0], [0.22, 0.08, 0.26, -0.36])


def test_backward_pass_matches_loops(example):
    model, X, y, Ws, bs = example
    trace = backprop.backprop_trace(model, "cross_entropy", X, y)
    zs, acts = _loop_forward(Ws, bs, X[0])
    p, _ = _loop_softmax_loss(zs[-1], int(y[0]))
    deltas, dWs, dbs = _loop_backward(Ws, zs, acts, p, int(y[0]))
    for k in range(3):
        np.testing.assert_allclose(trace.deltas[k][0], deltas[k], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(trace.dW[k], dWs[k], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(trace.db[k], dbs[k], rtol=1e-12, atol=1e-15)
    assert deltas[1][3] == 0.0                            # the switched-off unit passes nothing
    assert all(row[3] == 0.0 for row in dWs[2])           # a_4 = 0: column 4 of dL/dW3
    assert all(v == 0.0 for v in dWs[1][3])               # delta_4 = 0: row 4 of dL/dW2


def test_one_gradient_step_lowers_the_loss_as_the_loops_say(example):
    model, X, y, Ws, bs = example
    lr = 0.5
    trace = backprop.backprop_trace(model, "cross_entropy", X, y)
    optimizers.SGD(model.params, lr).step(model.grads)
    after = backprop.backprop_trace(model, "cross_entropy", X, y)
    zs, acts = _loop_forward(Ws, bs, X[0])
    p, loss_before = _loop_softmax_loss(zs[-1], int(y[0]))
    _, dWs, dbs = _loop_backward(Ws, zs, acts, p, int(y[0]))
    new_Ws = [[[w - lr * g for w, g in zip(row, grow, strict=True)]
               for row, grow in zip(W, dW, strict=True)]
              for W, dW in zip(Ws, dWs, strict=True)]
    new_bs = [[b - lr * g for b, g in zip(bv, gv, strict=True)]
              for bv, gv in zip(bs, dbs, strict=True)]
    zs_new, _ = _loop_forward(new_Ws, new_bs, X[0])
    _, loss_after = _loop_softmax_loss(zs_new[-1], int(y[0]))
    assert trace.loss == pytest.approx(loss_before, rel=1e-13)
    assert after.loss == pytest.approx(loss_after, rel=1e-12)
    assert loss_after < loss_before
