"""Gradient clipping (optimizers.clip_grad_norm) and ReduceLROnPlateau (schedules), against
hand-computed cases always and against PyTorch where it is installed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnlearn.network import MLP
from nnlearn.optimizers import SGD, Adam, clip_grad_norm
from nnlearn.regularization import Penalized
from nnlearn.schedules import ReduceLROnPlateau
from nnlearn.training import fit, load_checkpoint, save_checkpoint

# ---------------------------------------------------------------- clip_grad_norm, by hand


def test_clip_grad_norm_3_4_5():
    g = [np.array([3.0]), np.array([[4.0]])]
    assert clip_grad_norm(g, max_norm=1.0) == 5.0
    coef = 1.0 / (5.0 + 1e-6)                        # PyTorch's 1e-6 in the denominator
    np.testing.assert_array_equal(g[0], [3.0 * coef])
    np.testing.assert_array_equal(g[1], [[4.0 * coef]])


def test_clip_grad_norm_leaves_small_gradients_alone():
    g = [np.array([0.3, -0.4])]
    before = g[0].copy()
    assert clip_grad_norm(g, max_norm=0.5 + 1e-6) == pytest.approx(0.5, rel=1e-15)
    np.testing.assert_array_equal(g[0], before)
    assert clip_grad_norm(g, max_norm=10.0) == pytest.approx(0.5, rel=1e-15)
    np.testing.assert_array_equal(g[0], before)


def test_clip_grad_norm_other_norms_by_hand():
    g = [np.array([1.0, -2.0]), np.array([-4.0])]
    assert clip_grad_norm([a.copy() for a in g], 100.0, norm_type=1) == 7.0
    assert clip_grad_norm([a.copy() for a in g], 100.0, norm_type=math.inf) == 4.0
    assert clip_grad_norm([a.copy() for a in g], 100.0, norm_type=3) == pytest.approx(
        (1 + 8 + 64) ** (1 / 3), rel=1e-15)
    clip_grad_norm(g, 2.0, norm_type=math.inf)
    np.testing.assert_allclose(np.concatenate(g), np.array([1.0, -2.0, -4.0]) * 2 / (4 + 1e-6),
                               rtol=1e-15)


def test_clip_grad_norm_keeps_dtype_and_identity_and_survives_huge_values():
    g32 = [np.array([3.0, 4.0], dtype=np.float32)]
    same = g32[0]
    clip_grad_norm(g32, 1.0)
    assert g32[0] is same and same.dtype == np.float32
    np.testing.assert_allclose(same, [0.6, 0.8], rtol=1e-6)
    huge = [np.array([1e200, 1e200]), np.array([-1e200])]
    with np.errstate(all="raise"):
        total = clip_grad_norm(huge, 1.0)
    assert total == pytest.approx(math.sqrt(3) * 1e200, rel=1e-15)
    np.testing.assert_allclose(np.concatenate(huge), np.array([1, 1, -1]) / math.sqrt(3),
                               rtol=1e-12)
    assert clip_grad_norm([np.zeros(3)], 1.0) == 0.0
    assert clip_grad_norm([], 1.0) == 0.0


def test_clip_grad_norm_non_finite_like_pytorch():
    g = [np.array([np.inf, 1.0])]
    assert clip_grad_norm(g, 1.0) == math.inf
    assert np.isnan(g[0][0]) and g[0][1] == 0.0                 # scaled by 0
    g = [np.array([np.nan, 1.0]), np.array([2.0])]
    assert math.isnan(clip_grad_norm(g, 1.0))
    assert np.isnan(np.concatenate(g)).all()
    g = [np.array([np.inf, 1.0])]
    with pytest.raises(FloatingPointError, match="error_if_nonfinite"):
        clip_grad_norm(g, 1.0, error_if_nonfinite=True)
    assert g[0][1] == 1.0                                       # unchanged


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"max_norm": 0.0}, ValueError, "max_norm"),
    ({"max_norm": -1.0}, ValueError, "max_norm"),
    ({"max_norm": math.nan}, ValueError, "max_norm"),
    ({"max_norm": "1"}, TypeError, "max_norm"),
    ({"norm_type": 0}, ValueError, "norm_type"),
    ({"norm_type": -2.0}, ValueError, "norm_type"),
    ({"norm_type": "2"}, TypeError, "norm_type"),
    ({"norm_type": True}, TypeError, "norm_type"),
    ({"error_if_nonfinite": "False"}, TypeError, "error_if_nonfinite"),
])
def test_clip_grad_norm_bad_arguments(kwargs, exc, match):
    args = {"grads": [np.ones(2)], "max_norm": 1.0, **kwargs}
    with pytest.raises(exc, match=match):
        clip_grad_norm(**args)


def test_clip_grad_norm_bad_grads():
    with pytest.raises(TypeError, match="grads"):
        clip_grad_norm([[1.0, 2.0]], 1.0)
    with pytest.raises(TypeError, match="grads"):
        clip_grad_norm([np.arange(3)], 1.0)                     # integers cannot be scaled
    frozen = np.ones(2)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        clip_grad_norm([frozen], 1.0)
    single = np.array([6.0, 8.0])
    assert clip_grad_norm(single, 5.0) == 10.0                  # one array is fine
    np.testing.assert_allclose(single, [3.0, 4.0], rtol=1e-6)


# ---------------------------------------------------------------- clip_grad_norm vs torch

@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.5, math.inf])
@pytest.mark.parametrize("max_norm", [0.1, 1.0, 50.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    for trial in range(5):
        shapes = [(3, 4), (4,), (2, 2, 3)][: 1 + trial % 3]
        grads = [rng.normal(scale=rng.uniform(0.1, 5.0), size=s) for s in shapes]
        tensors = [torch.zeros(s, dtype=torch.float64, requires_grad=True) for s in shapes]
        for t, g in zip(tensors, grads, strict=True):
            t.grad = torch.from_numpy(g.copy())
        expected = torch.nn.utils.clip_grad_norm_(tensors, max_norm, norm_type=norm_type)
        total = clip_grad_norm(grads, max_norm, norm_type=norm_type)
        assert total == pytest.approx(float(expected), rel=1e-12)
        for t, g in zip(tensors, grads, strict=True):
            np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-12, atol=0)


def test_clip_grad_norm_in_a_training_loop_tames_an_exploding_run():
    # A callback-free hand loop: clip between backward and step.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 4))
    y = 50 * X @ rng.normal(size=(4, 1))
    runs = {}
    for clip in (None, 10.0):
        net = MLP([4, 16, 1], activation="tanh", rng=0)
        opt = SGD(net.params, lr=0.5)
        losses = []
        with np.errstate(all="ignore"):
            for _ in range(30):
                out = net.forward(X, training=True)
                losses.append(float(np.mean((out - y) ** 2)))
                net.backward(2 * (out - y) / out.size, input_grad=False)
                if clip is not None:
                    clip_grad_norm(net.grads, clip)
                opt.step(net.grads)
        runs[clip] = losses
    assert runs[None][-1] > 1e30 * runs[None][0]             # explodes: 5222 -> 6e42
    assert runs[10.0][-1] < runs[10.0][0] / 10               # clipped: 5222 -> 165


# ---------------------------------------------------------------- ReduceLROnPlateau, by hand

def lrs(plateau, metrics):
    out = []
    for m in metrics:
        plateau.step(m)
        out.append(plateau.optimizer.lr)
    return out


def test_plateau_reduces_after_patience_bad_epochs():
    opt = SGD([np.zeros(1)], lr=1.0)
    p = ReduceLROnPlateau(opt, patience=2, factor=0.5)
    # best 1.0 at epoch 1; epochs 2, 3, 4 bad -> more than 2 -> reduce after epoch 4
    assert lrs(p, [1.0, 1.0, 1.2, 1.0, 1.1, 1.1, 1.1]) == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]


def test_plateau_threshold_rel_and_abs_and_max_mode():
    opt = SGD([np.zeros(1)], lr=1.0)
    rel = ReduceLROnPlateau(opt, patience=0, factor=0.5, threshold=0.1)
    assert lrs(rel, [10.0, 9.5, 8.9]) == [1.0, 0.5, 0.5]        # 9.5 is not < 9.0
    opt = SGD([np.zeros(1)], lr=1.0)
    ab = ReduceLROnPlateau(opt, patience=0, factor=0.5, threshold=0.4, threshold_mode="abs")
    assert lrs(ab, [10.0, 9.7, 9.5]) == [1.0, 0.5, 0.5]         # 9.5 < 10 - 0.4
    opt = SGD([np.zeros(1)], lr=1.0)
    mx = ReduceLROnPlateau(opt, mode="max", patience=0, factor=0.5, threshold=0.0)
    assert lrs(mx, [0.5, 0.6, 0.6, 0.7]) == [1.0, 1.0, 0.5, 0.5]


def test_plateau_cooldown_min_lr_eps_and_nan():
    opt = SGD([np.zeros(1)], lr=1.0)
    p = ReduceLROnPlateau(opt, patience=0, factor=0.5, cooldown=2, min_lr=0.3)
    assert lrs(p, [1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]) == [1, .5, .5, .5, .3, .3, .3]
    opt = SGD([np.zeros(1)], lr=1e-8)
    tiny = ReduceLROnPlateau(opt, patience=0, factor=0.5)      # a change below eps: skipped
    assert lrs(tiny, [1.0, 2.0]) == [1e-8, 1e-8]
    opt = SGD([np.zeros(1)], lr=1.0)
    nan = ReduceLROnPlateau(opt, patience=0, factor=0.5)
    assert lrs(nan, [1.0, math.nan]) == [1.0, 0.5]


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"factor": 1.0}, ValueError, "factor"),
    ({"factor": 0.0}, ValueError, "factor"),
    ({"mode": "minimum"}, ValueError, "mode"),
    ({"threshold_mode": "relative"}, ValueError, "threshold_mode"),
    ({"patience": -1}, ValueError, "patience"),
    ({"patience": 1.5}, TypeError, "patience"),
    ({"cooldown": -1}, ValueError, "cooldown"),
    ({"threshold": -0.1}, ValueError, "threshold"),
    ({"min_lr": -1.0}, ValueError, "min_lr"),
    ({"eps": -1.0}, ValueError, "eps"),
])
def test_plateau_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ReduceLROnPlateau(SGD([np.zeros(1)], lr=1.0), **kwargs)
    with pytest.raises(TypeError, match="optimizer"):
        ReduceLROnPlateau("sgd")
    p = ReduceLROnPlateau(SGD([np.zeros(1)], lr=1.0))
    with pytest.raises(TypeError, match="metric"):
        p.step(True)
    with pytest.raises(ValueError, match="metric"):
        p.step(np.ones(2))


# ---------------------------------------------------------------- ReduceLROnPlateau vs torch

@pytest.mark.parametrize("settings", [
    {},
    {"mode": "max", "factor": 0.5, "patience": 2},
    {"threshold_mode": "abs", "threshold": 0.05, "patience": 1, "cooldown": 2},
    {"factor": 0.3, "patience": 0, "min_lr": 1e-3, "cooldown": 1},
    {"mode": "max", "threshold_mode": "abs", "threshold": 0.0, "patience": 3, "eps": 1e-3},
])
def test_plateau_matches_torch_on_metric_sequences(settings):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(len(str(settings)))
    for trial in range(4):
        # a noisy, mostly decreasing (or increasing) metric with flat stretches and NaN
        steps = rng.choice([-0.1, 0.0, 0.0, 0.02], size=60)
        metric = 1.0 + np.cumsum(steps) + rng.normal(scale=0.01, size=60)
        metric = np.where(rng.random(60) < 0.3, np.round(metric, 1), metric)
        if trial == 3:
            metric[20] = np.nan
        if settings.get("mode") == "max":
            metric = -metric
        w = torch.zeros(1, requires_grad=True)
        t_opt = torch.optim.SGD([w], lr=0.5)
        t_sched = torch.optim.lr_scheduler.ReduceLROnPlateau(t_opt, **settings)
        opt = SGD([np.zeros(1)], lr=0.5)
        ours = ReduceLROnPlateau(opt, **settings)
        for m in metric:
            t_sched.step(float(m))
            ours.step(float(m))
            assert opt.lr == t_opt.param_groups[0]["lr"]
            assert ours.num_bad_epochs == t_sched.num_bad_epochs
            assert ours.cooldown_counter == t_sched.cooldown_counter
            assert ours.best == t_sched.best


# ---------------------------------------------------------------- with fit and checkpoints

def blobs(n=60, seed=0):
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    y = np.arange(n) % 3
    return centers[y] + 1.5 * rng.standard_normal((n, 2)), y


def test_plateau_from_a_fit_callback_and_in_a_checkpoint(tmp_path):
    X, y = blobs()
    net = MLP([2, 8, 3], output="softmax", rng=0)
    pen = Penalized(Adam(net.params, lr=0.05), "l2", lam=1e-3)
    plateau = ReduceLROnPlateau(pen, patience=1, factor=0.5, threshold=0.05)
    with pytest.raises(ValueError, match="validation"):    # fit steps it with val_loss
        fit(net, "cross_entropy", pen, X, y, schedule=plateau, verbose=False)
    h = fit(net, "cross_entropy", pen, X, y, epochs=25, validation=(X, y), rng=0, verbose=False,
            callback=lambda e, m, hist: plateau.step(hist.val_loss[-1]))
    assert h.lr[-1] < h.lr[0] == 0.05
    path = save_checkpoint(tmp_path / "p", net, pen, epoch=25, schedule=plateau)
    again = ReduceLROnPlateau(Penalized(Adam(net.params, lr=0.05), "l2", lam=1e-3),
                              patience=1, factor=0.5, threshold=0.05)
    load_checkpoint(path, net, again.optimizer, schedule=again)
    assert again.state_dict() == plateau.state_dict()
    assert again.optimizer.lr == pen.lr
    other = ReduceLROnPlateau(Penalized(Adam(net.params, lr=0.05), "l2", lam=1e-3),
                              patience=2, factor=0.5, threshold=0.05)
    with pytest.raises(ValueError, match="patience"):
        load_checkpoint(path, net, other.optimizer, schedule=other)
