"""Tests for nnlearn.training.fit: XOR, the plain gradient step, the loss record, errors."""

from __future__ import annotations

import numpy as np
import pytest

from nnlearn.network import MLP
from nnlearn.training import fit, get_loss, train_step

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def mse(out, y):
    """Mean over all entries of (out - y)^2, written here independently of nnlearn.losses."""
    return np.mean((out - y) ** 2)


def mse_grad(out, y):
    return 2 * (out - y) / out.size


MSE = (mse, mse_grad)


def test_xor_reaches_full_accuracy():
    # Regression head on targets 0/1, thresholded at 1/2.
    targets = XOR_Y[:, None].astype(float)
    net = MLP([2, 4, 1], activation="tanh", rng=0)
    assert not np.array_equal(net.predict(XOR_X)[:, 0] > 0.5, XOR_Y == 1)
    history = fit(net, MSE, XOR_X, targets, lr=0.2, epochs=400, batch_size=4, rng=0)
    np.testing.assert_array_equal(net.predict(XOR_X)[:, 0] > 0.5, XOR_Y == 1)
    assert history.shape == (400,)
    assert history[-1] < 1e-3 < 0.1 < history[0]


def test_xor_classifier_with_the_loss_registry():
    losses = pytest.importorskip("nnlearn.losses")
    if "cross_entropy" not in getattr(losses, "LOSSES", {}):
        pytest.skip("nnlearn.losses.LOSSES has no 'cross_entropy' yet")
    net = MLP([2, 4, 2], activation="tanh", output="softmax", rng=0)
    assert np.mean(net.predict(XOR_X) == XOR_Y) < 1.0       # not solved before training
    history = fit(net, "cross_entropy", XOR_X, XOR_Y, lr=0.5, epochs=300, batch_size=4, rng=0)
    np.testing.assert_array_equal(net.predict(XOR_X), XOR_Y)
    assert history[-1] < 0.05 < history[0]


def test_linear_regression_recovers_the_line():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(64, 1))
    y = 3 * X + 1
    net = MLP([1, 1], rng=0)
    history = fit(net, MSE, X, y, lr=0.3, epochs=200, batch_size=16, rng=0)
    assert net.params[0][0, 0] == pytest.approx(3.0, abs=1e-4)
    assert net.params[1][0] == pytest.approx(1.0, abs=1e-4)
    assert history[-1] < 1e-8
    assert np.all(np.diff(history[:20]) < 0)


def test_one_full_batch_step_is_plain_gradient_descent():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    net = MLP([3, 4, 2], activation="tanh", rng=2)
    ref = MLP([3, 4, 2], activation="tanh", rng=2)
    out = ref.forward(X)
    ref.backward(mse_grad(out, y))
    expected = [p - 0.1 * g for p, g in zip(ref.params, ref.grads, strict=True)]
    ids = [id(p) for p in net.params]
    history = fit(net, MSE, X, y, lr=0.1, epochs=1, batch_size=6, shuffle=False)
    for p, e in zip(net.params, expected, strict=True):
        np.testing.assert_allclose(p, e, rtol=1e-12)
    assert [id(p) for p in net.params] == ids                  # updated in place
    assert history[0] == pytest.approx(mse(out, y))            # loss before the step


def test_epoch_loss_is_weighted_by_batch_size():
    # With a negligible learning rate the parameters stay put, so the epoch mean of the
    # batch losses must equal the loss on all data even when the last batch is smaller.
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(10, 2)), rng.normal(size=(10, 1))
    net = MLP([2, 3, 1], rng=4)
    full = mse(net.forward(X), y)
    history = fit(net, MSE, X, y, lr=1e-12, epochs=2, batch_size=3, rng=0)
    np.testing.assert_allclose(history, full, rtol=1e-9)


def test_train_step_returns_the_batch_loss():
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
    net = MLP([2, 2, 1], rng=0)
    before = mse(net.forward(X), y)
    assert train_step(net, MSE, X, y, lr=0.05) == pytest.approx(before)
    assert mse(net.forward(X), y) < before


def test_same_rng_same_history():
    rng = np.random.default_rng(6)
    X, y = rng.normal(size=(20, 2)), rng.normal(size=(20, 1))
    h1 = fit(MLP([2, 5, 1], rng=1, dropout=0.3), MSE, X, y, epochs=5, batch_size=4, rng=9)
    h2 = fit(MLP([2, 5, 1], rng=1, dropout=0.3), MSE, X, y, epochs=5, batch_size=4, rng=9)
    np.testing.assert_array_equal(h1, h2)


class RecordingOptimizer:
    """Counts calls and leaves the parameters alone."""

    def __init__(self):
        self.calls = 0
        self.shapes = None

    def step(self, grads):
        self.calls += 1
        self.shapes = [g.shape for g in grads]


def test_optimizer_replaces_the_plain_update():
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(10, 2)), rng.normal(size=(10, 1))
    net = MLP([2, 3, 1], rng=0)
    before = [p.copy() for p in net.params]
    opt = RecordingOptimizer()
    fit(net, MSE, X, y, lr=1.0, epochs=3, batch_size=4, optimizer=opt)
    assert opt.calls == 3 * 3                        # ceil(10 / 4) = 3 batches per epoch
    assert opt.shapes == [p.shape for p in net.params]
    for p, q in zip(net.params, before, strict=True):
        np.testing.assert_array_equal(p, q)


def test_works_with_nnlearn_sgd():
    optimizers = pytest.importorskip("nnlearn.optimizers")
    if not hasattr(optimizers, "SGD"):
        pytest.skip("nnlearn.optimizers.SGD not available")
    rng = np.random.default_rng(8)
    X, y = rng.normal(size=(8, 2)), rng.normal(size=(8, 1))
    a, b = MLP([2, 3, 1], rng=0), MLP([2, 3, 1], rng=0)
    ha = fit(a, MSE, X, y, lr=0.1, epochs=4, batch_size=8, shuffle=False)
    hb = fit(b, MSE, X, y, epochs=4, batch_size=8, shuffle=False,
             optimizer=optimizers.SGD(b.params, lr=0.1))
    np.testing.assert_allclose(ha, hb, rtol=1e-12)
    for p, q in zip(a.params, b.params, strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-12)


def test_float32_training_keeps_float32():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(8, 2)).astype(np.float32)
    y = rng.normal(size=(8, 1)).astype(np.float32)
    net = MLP([2, 3, 1], rng=0, dtype=np.float32)
    fit(net, MSE, X, y, lr=0.1, epochs=3, batch_size=4)
    assert all(p.dtype == np.float32 for p in net.params)


def test_get_loss():
    assert get_loss(MSE) is MSE
    with pytest.raises(TypeError, match="loss"):
        get_loss(mse)
    with pytest.raises(TypeError, match="loss"):
        get_loss((mse, "grad"))


def test_unknown_loss_name():
    pytest.importorskip("nnlearn.losses")
    with pytest.raises(ValueError, match="loss"):
        get_loss("hinge_squared_cubed")


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"X": np.ones(4)}, ValueError, "X"),
    ({"X": np.ones((0, 2)), "y": np.ones((0, 1))}, ValueError, "X"),
    ({"y": np.ones((3, 1))}, ValueError, "y"),
    ({"lr": 0.0}, ValueError, "lr"),
    ({"epochs": 0}, ValueError, "epochs"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"batch_size": 2.5}, TypeError, "batch_size"),
    ({"optimizer": object()}, TypeError, "optimizer"),
    ({"rng": "seed"}, TypeError, "rng"),
])
def test_bad_input(kwargs, exc, match):
    args = {"X": np.ones((4, 2)), "y": np.ones((4, 1))} | kwargs
    X, y = args.pop("X"), args.pop("y")
    with pytest.raises(exc, match=match):
        fit(MLP([2, 1], rng=0), MSE, X, y, **args)
