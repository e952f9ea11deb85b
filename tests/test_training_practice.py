"""Gradient clipping and ReduceLROnPlateau in fit, the LR range test, GradientStats, dead ReLUs."""

import math

import numpy as np
import pytest

from nnlearn import training
from nnlearn.diagnostics import GradientStats, dead_relu_fraction
from nnlearn.losses import cross_entropy, cross_entropy_grad
from nnlearn.network import MLP
from nnlearn.optimizers import SGD, Adam, clip_grad_norm
from nnlearn.schedules import ReduceLROnPlateau


def _data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 1)
    return X, y


def _net(seed=0):
    return MLP([4, 8, 3], activation="relu", output="softmax", rng=seed)


def test_fit_max_grad_norm_equals_clipping_by_hand():
    X, y = _data()
    net = _net()
    training.fit(net, "cross_entropy", SGD(net.params, lr=0.5), X, y, epochs=3,
                 batch_size=16, rng=1, verbose=False, max_grad_norm=0.1)
    hand = _net()
    opt = SGD(hand.params, lr=0.5)
    gen, norms = np.random.default_rng(1), []
    for _ in range(3):
        order = gen.permutation(len(X))
        for start in range(0, len(X), 16):
            idx = order[start:start + 16]
            out = hand.forward(X[idx], training=True)
            hand.backward(cross_entropy_grad(out, y[idx]), input_grad=False)
            norms.append(clip_grad_norm(hand.grads, 0.1))
            opt.step(hand.grads)
    for a, b in zip(net.params, hand.params, strict=True):
        np.testing.assert_array_equal(a, b)
    assert max(norms) > 0.1              # clipping was active, so the test can fail
    plain = _net()
    training.fit(plain, "cross_entropy", SGD(plain.params, lr=0.5), X, y, epochs=3,
                 batch_size=16, rng=1, verbose=False)
    assert not np.allclose(plain.params[0], net.params[0])


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_fit_max_grad_norm_must_be_positive(bad):
    X, y = _data()
    net = _net()
    with pytest.raises(ValueError, match="max_grad_norm"):
        training.fit(net, "cross_entropy", SGD(net.params, lr=0.1), X, y,
                     verbose=False, max_grad_norm=bad)


def test_fit_steps_reduce_lr_on_plateau_with_the_validation_loss():
    X, y = _data(80)
    net = _net()
    opt = SGD(net.params, lr=2.0)
    plateau = ReduceLROnPlateau(opt, factor=0.5, patience=0, threshold=0.0)
    h = training.fit(net, "cross_entropy", opt, X[:60], y[:60], epochs=12, batch_size=16,
                     validation=(X[60:], y[60:]), schedule=plateau, rng=0, verbose=False)
    # replay: a fresh rule stepped with the recorded validation losses
    replay_opt = SGD([np.zeros(1)], lr=2.0)
    replay = ReduceLROnPlateau(replay_opt, factor=0.5, patience=0, threshold=0.0)
    expected = []
    for v in h.val_loss:
        expected.append(replay_opt.lr)
        replay.step(v)
    assert h.lr == expected
    assert min(h.lr) < 2.0               # it did lower the rate on this run
    assert opt.lr == replay_opt.lr


def test_fit_refuses_reduce_lr_on_plateau_without_validation_or_with_mode_max():
    X, y = _data()
    net = _net()
    opt = SGD(net.params, lr=0.1)
    with pytest.raises(ValueError, match="validation"):
        training.fit(net, "cross_entropy", opt, X, y, schedule=ReduceLROnPlateau(opt),
                     verbose=False)
    with pytest.raises(ValueError, match="mode='max'"):
        training.fit(net, "cross_entropy", opt, X, y, validation=(X, y),
                     schedule=ReduceLROnPlateau(opt, mode="max"), verbose=False)


def test_lr_range_test_rates_smoothing_and_restore():
    X, y = _data()
    net = _net()
    opt = Adam(net.params, lr=1e-3)
    training.fit(net, "cross_entropy", opt, X, y, epochs=2, verbose=False, rng=0)
    params = [p.copy() for p in net.params]
    state = {k: np.copy(v) for k, v in opt.state_dict().items()}
    r = training.lr_range_test(net, "cross_entropy", opt, X, y, min_lr=1e-4, max_lr=1.0,
                               num_iter=20, batch_size=16, rng=0, diverge=1e9)
    np.testing.assert_allclose(r["lr"], np.geomspace(1e-4, 1.0, 20), rtol=1e-12)
    s = [r["raw_loss"][0]]
    for v in r["raw_loss"][1:]:
        s.append(0.05 * v + 0.95 * s[-1])
    np.testing.assert_allclose(r["loss"], s, rtol=1e-12)
    for a, b in zip(net.params, params, strict=True):
        np.testing.assert_array_equal(a, b)
    for k, v in opt.state_dict().items():
        np.testing.assert_array_equal(v, state[k])
    assert opt.lr == 1e-3
    # the first raw loss is the model's loss on the first batch, before any step
    order = np.random.default_rng(0).permutation(len(X))[:16]
    assert math.isclose(r["raw_loss"][0], cross_entropy(net.forward(X[order]), y[order]),
                        rel_tol=1e-12)


def test_lr_range_test_stops_when_the_loss_diverges():
    X, y = _data()
    net = _net()
    r = training.lr_range_test(net, "cross_entropy", SGD(net.params, lr=0.1), X, y,
                               min_lr=1e-3, max_lr=1e4, num_iter=100, smooth=1.0, rng=0)
    assert len(r["lr"]) < 100
    last = r["loss"][-1]
    assert not math.isfinite(last) or last > 5.0 * np.min(r["loss"][:-1])
    assert np.all(r["loss"][:-1] <= 5.0 * np.minimum.accumulate(r["loss"][:-1]))
    np.testing.assert_array_equal(r["loss"], r["raw_loss"])    # smooth=1: no smoothing


@pytest.mark.parametrize("kwargs, match", [
    ({"min_lr": 1.0, "max_lr": 0.1}, "max_lr"), ({"num_iter": 1}, "num_iter"),
    ({"smooth": 0.0}, "smooth"), ({"diverge": 1.0}, "diverge")])
def test_lr_range_test_checks_its_arguments(kwargs, match):
    X, y = _data()
    net = _net()
    with pytest.raises(ValueError, match=match):
        training.lr_range_test(net, "cross_entropy", SGD(net.params, lr=0.1), X, y, **kwargs)


def test_gradient_stats_hand_computed():
    W, b = np.array([3.0, 4.0]), np.zeros(2)
    stats = GradientStats(SGD([W, b], lr=0.1), names=["W", "b"])
    stats.step([np.array([0.0, 5.0]), np.array([1.0, 0.0])])
    np.testing.assert_allclose(stats.grad_norm[0], [5.0, 1.0])
    # W moves by 0.1 * [0, 5] = [0, 0.5]: 0.5 / 5; b was all zeros: NaN
    assert stats.update_ratio[0][0] == pytest.approx(0.1, rel=1e-15)
    assert math.isnan(stats.update_ratio[0][1])
    stats.step([np.array([0.0, 0.0]), np.array([0.0, 0.0])])
    arrays = stats.as_arrays()
    assert arrays["grad_norm"].shape == arrays["update_ratio"].shape == (2, 2)
    assert arrays["update_ratio"][1, 0] == 0.0


def test_gradient_stats_in_fit_records_every_step_and_changes_nothing():
    X, y = _data()
    net, ref = _net(), _net()
    stats = GradientStats(SGD(net.params, lr=0.3))
    h1 = training.fit(net, "cross_entropy", stats, X, y, epochs=2, batch_size=16, rng=0,
                      verbose=False)
    h2 = training.fit(ref, "cross_entropy", SGD(ref.params, lr=0.3), X, y, epochs=2,
                      batch_size=16, rng=0, verbose=False)
    assert h1.loss == h2.loss
    assert stats.as_arrays()["grad_norm"].shape == (2 * 4, 4)      # ceil(60/16) = 4 steps
    first = _net()                                # the first step's W1 gradient, by hand
    idx = np.random.default_rng(0).permutation(60)[:16]
    first.backward(cross_entropy_grad(first.forward(X[idx], training=True), y[idx]))
    assert stats.grad_norm[0][0] == pytest.approx(np.linalg.norm(first.grads[0]), rel=1e-12)


def test_gradient_stats_checks_names():
    with pytest.raises(ValueError, match="names"):
        GradientStats(SGD([np.zeros(2)], lr=0.1), names=["a", "b"])


def test_dead_relu_fraction_hand_built():
    net = MLP([2, 3, 1], activation="relu", rng=0)
    W1, b1 = net.params[0], net.params[1]
    W1[:] = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    b1[:] = [0.0, 0.0, -10.0]           # unit 3 needs x1 + x2 > 10: dead on this data
    X = np.array([[1.0, -1.0], [-1.0, 1.0], [2.0, 2.0]])
    np.testing.assert_array_equal(dead_relu_fraction(net, X), [1 / 3])
    b1[:] = [-5.0, -5.0, -10.0]
    np.testing.assert_array_equal(dead_relu_fraction(net, X), [1.0])
    with pytest.raises(ValueError, match="relu"):
        dead_relu_fraction(MLP([2, 3, 1], activation="tanh", rng=0), X)
