"""Tests for nnlearn.regularization."""

import numpy as np
import pytest

from nnlearn.losses import mse, mse_grad
from nnlearn.network import MLP
from nnlearn.optimizers import SGD, Adam
from nnlearn.regularization import (
    EarlyStopping,
    Penalized,
    l1_penalty,
    l1_penalty_grad,
    l2_penalty,
    l2_penalty_grad,
)


def central_diff(f, params, h=1e-6):
    """Central finite differences of the scalar f(params) w.r.t. every entry (float64)."""
    grads = []
    for p in params:
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up = float(f(params))
            p[idx] = old - h
            down = float(f(params))
            p[idx] = old
            g[idx] = (up - down) / (2 * h)
        grads.append(g)
    return grads


def random_params(seed, shapes=((3, 4), (2, 3), (5,))):
    gen = np.random.default_rng(seed)
    return [gen.standard_normal(s) for s in shapes]


# ---------------------------------------------------------------- penalties: values

def test_l2_penalty_known_value():
    W1 = np.array([[1.0, -2.0], [0.0, 3.0]])        # squares sum to 14
    W2 = np.array([0.5, -0.5])                       # squares sum to 0.5
    assert l2_penalty([W1, W2], lam=0.1) == pytest.approx(0.1 / 2 * 14.5)
    assert l2_penalty([W1], lam=0.0) == 0.0


def test_l1_penalty_known_value():
    W1 = np.array([[1.0, -2.0], [0.0, 3.0]])
    W2 = np.array([0.5, -0.5])
    assert l1_penalty([W1, W2], lam=0.1) == pytest.approx(0.1 * 7.0)


def test_empty_list_gives_zero_and_no_grads():
    assert l2_penalty([], 1.0) == 0.0 and l1_penalty([], 1.0) == 0.0
    assert l2_penalty_grad([], 1.0) == [] and l1_penalty_grad([], 1.0) == []


def test_l2_penalty_matches_torch_weight_decay_convention():
    torch = pytest.importorskip("torch")
    params = random_params(0)
    lam = 0.3
    tp = [torch.tensor(p, requires_grad=True) for p in params]
    loss = lam / 2 * sum((t ** 2).sum() for t in tp)
    loss.backward()
    assert loss.item() == pytest.approx(l2_penalty(params, lam), rel=1e-12)
    for t, g in zip(tp, l2_penalty_grad(params, lam), strict=True):
        assert np.allclose(t.grad.numpy(), g)
    # one SGD step with weight_decay=lam equals a step on the L2 penalty
    w = torch.tensor(params[0].copy(), requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, weight_decay=lam)
    w.grad = torch.zeros_like(w)
    opt.step()
    ours = params[0] - 0.1 * l2_penalty_grad([params[0]], lam)[0]
    assert np.allclose(w.detach().numpy(), ours)


def test_l1_subgradient_at_zero_is_zero_like_torch():
    torch = pytest.importorskip("torch")
    p = np.array([-1.5, 0.0, 2.0])
    t = torch.tensor(p, requires_grad=True)
    (0.7 * t.abs().sum()).backward()
    assert np.array_equal(l1_penalty_grad([p], 0.7)[0], t.grad.numpy())
    assert np.array_equal(l1_penalty_grad([p], 0.7)[0], [-0.7, 0.0, 0.7])


# ---------------------------------------------------------------- penalties: gradients

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_l2_grad_matches_finite_differences(seed):
    params = random_params(seed)
    lam = 0.37
    num = central_diff(lambda ps: l2_penalty(ps, lam), params)
    for g, n in zip(l2_penalty_grad(params, lam), num, strict=True):
        assert np.allclose(g, n, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_l1_grad_matches_finite_differences_away_from_zero(seed):
    params = random_params(seed)
    for p in params:                                  # keep entries away from the kink
        p[np.abs(p) < 1e-3] = 0.5
    lam = 0.37
    num = central_diff(lambda ps: l1_penalty(ps, lam), params)
    for g, n in zip(l1_penalty_grad(params, lam), num, strict=True):
        assert np.allclose(g, n, rtol=1e-6, atol=1e-8)


def test_penalties_keep_float32_and_return_new_arrays():
    W = np.ones((2, 3), dtype=np.float32)
    assert l2_penalty([W], 0.5).dtype == np.float32
    assert l1_penalty([W], 0.5).dtype == np.float32
    for grad in (l2_penalty_grad, l1_penalty_grad):
        g = grad([W], 0.5)[0]
        assert g.dtype == np.float32 and g.shape == W.shape
        assert g is not W and not np.shares_memory(g, W)
    assert np.array_equal(W, np.ones((2, 3)))
    mixed = [W, np.ones(2)]
    assert l2_penalty(mixed, 1.0).dtype == np.float64


# ---------------------------------------------------------------- early stopping

LOSSES = [5.0, 4.0, 3.0, 3.5, 3.2, 3.1, 3.4, 2.0]


def run(stopper, losses, params_per_epoch=None, params=None):
    """Feed losses until update says stop; return the epoch index at which it stopped."""
    for epoch, loss in enumerate(losses):
        if params_per_epoch is not None:
            for p, v in zip(params, params_per_epoch[epoch], strict=True):
                p[...] = v
        if stopper.update(loss, params):
            return epoch
    return None


def test_stops_after_patience_epochs_without_improvement():
    s = EarlyStopping(patience=3)
    assert run(s, LOSSES) == 5                       # best at 2, then 3, 4, 5 do not improve
    assert s.best == 3.0 and s.best_epoch == 2 and s.wait == 3
    assert s.stopped and s.epoch == 6


def test_patience_resets_on_improvement():
    s = EarlyStopping(patience=3)
    assert run(s, [5.0, 4.0, 4.5, 4.6, 3.9, 4.0, 4.0, 4.0]) == 7
    assert s.best_epoch == 4


def test_patience_zero_stops_at_first_non_improvement():
    s = EarlyStopping(patience=0)
    assert run(s, [3.0, 2.0, 2.0]) == 2


def test_never_stops_when_always_improving():
    s = EarlyStopping(patience=1)
    assert run(s, [5.0, 4.0, 3.0, 2.0]) is None
    assert s.best_epoch == 3 and s.wait == 0 and not s.stopped


def test_equal_value_is_not_an_improvement():
    s = EarlyStopping(patience=2)
    assert run(s, [1.0, 1.0, 1.0]) == 2
    assert s.best_epoch == 0


def test_min_delta_is_respected():
    # improvements of 0.05 are below min_delta=0.1, so they do not count
    s = EarlyStopping(patience=3, min_delta=0.1)
    assert run(s, [1.0, 0.95, 0.92, 0.91, 0.5]) == 3
    assert s.best == 1.0 and s.best_epoch == 0
    # an improvement of exactly min_delta does not count either (strict <)
    s = EarlyStopping(patience=1, min_delta=0.5)
    assert run(s, [2.0, 1.5]) == 1
    # slightly more than min_delta does
    s = EarlyStopping(patience=1, min_delta=0.5)
    assert run(s, [2.0, 1.49]) is None and s.best_epoch == 1


def test_mode_max_for_accuracy():
    s = EarlyStopping(patience=2, mode="max", min_delta=0.01)
    assert run(s, [0.5, 0.7, 0.705, 0.69, 0.9]) == 3
    assert s.best == 0.7 and s.best_epoch == 1


def test_matches_keras_like_rule_on_random_sequences():
    gen = np.random.default_rng(0)
    for _ in range(50):
        losses = list(np.cumsum(gen.normal(-0.05, 0.2, size=30)))
        patience, delta = int(gen.integers(0, 5)), float(gen.choice([0.0, 0.05]))
        # reference: the rule written out longhand
        best, wait, expected = np.inf, 0, None
        for i, v in enumerate(losses):
            if v < best - delta:
                best, wait = v, 0
            else:
                wait += 1
                if wait >= patience:
                    expected = i
                    break
        assert run(EarlyStopping(patience=patience, min_delta=delta), losses) == expected


def test_restore_puts_best_weights_back_into_same_objects():
    gen = np.random.default_rng(1)
    W, b = np.zeros((3, 2)), np.zeros(3)
    snapshots = [(gen.standard_normal((3, 2)), gen.standard_normal(3)) for _ in LOSSES]
    s = EarlyStopping(patience=3)
    ids = (id(W), id(b))
    assert run(s, LOSSES, snapshots, [W, b]) == 5
    # stopping restored epoch 2's weights automatically, in place
    assert (id(W), id(b)) == ids
    assert np.array_equal(W, snapshots[2][0]) and np.array_equal(b, snapshots[2][1])
    # the stored copy is independent of the live arrays
    W += 1.0
    s.restore([W, b])
    assert np.array_equal(W, snapshots[2][0])


def test_restore_after_last_epoch_without_stopping():
    W = np.zeros(2)
    s = EarlyStopping(patience=10)
    snapshots = [(np.array([1.0, 1.0]),), (np.array([2.0, 2.0]),), (np.array([3.0, 3.0]),)]
    assert run(s, [1.0, 0.5, 0.8], snapshots, [W]) is None
    assert np.array_equal(W, [3.0, 3.0])             # not stopped: nothing restored yet
    s.restore([W])
    assert np.array_equal(W, [2.0, 2.0])


def test_restore_best_false_keeps_no_copy():
    W = np.ones(2)
    s = EarlyStopping(patience=1, restore_best=False)
    s.update(1.0, [W])
    W[:] = 7.0
    assert s.update(2.0, [W]) is True
    assert np.array_equal(W, [7.0, 7.0]) and s.best_params is None
    with pytest.raises(ValueError, match="params"):
        s.restore([W])


def test_non_finite_value_stops_and_restores():
    W = np.array([1.0])
    s = EarlyStopping(patience=5)
    s.update(1.0, [W])
    W[:] = np.nan
    assert s.update(float("nan"), [W]) is True
    assert np.array_equal(W, [1.0])


def test_state_dict_round_trip_resumes_identically():
    W = np.arange(4.0)
    a = EarlyStopping(patience=3, min_delta=0.01)
    for v in LOSSES[:4]:
        W += 1.0
        a.update(v, [W])
    state = a.state_dict()
    b = EarlyStopping()
    b.load_state_dict(state)
    state["best_params"][0][:] = -1.0               # the loaded copy must not alias
    for attr in ("patience", "min_delta", "best", "best_epoch", "wait", "epoch", "mode"):
        assert getattr(a, attr) == getattr(b, attr)
    assert np.array_equal(a.best_params[0], b.best_params[0])
    rest = LOSSES[4:]
    assert [a.update(v) for v in rest] == [b.update(v) for v in rest]


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="lam"):
        l2_penalty([np.ones(2)], -1.0)
    with pytest.raises(ValueError, match="lam"):
        l1_penalty_grad([np.ones(2)], -0.1)
    with pytest.raises(TypeError, match="params"):
        l2_penalty(np.ones(3), 0.1)
    with pytest.raises(TypeError, match=r"params\[1\]"):
        l1_penalty([np.ones(2), [1.0, 2.0]], 0.1)
    with pytest.raises(TypeError, match=r"params\[0\]"):
        l2_penalty_grad([np.ones(2, dtype=int)], 0.1)
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=-1)
    with pytest.raises(TypeError, match="patience"):
        EarlyStopping(patience=2.5)
    with pytest.raises(ValueError, match="min_delta"):
        EarlyStopping(min_delta=-0.1)
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(mode="minimum")
    with pytest.raises(TypeError, match="restore_best"):
        EarlyStopping(restore_best="yes")
    with pytest.raises(ValueError, match="value"):
        EarlyStopping().update(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="value"):
        EarlyStopping().update("low")
    s = EarlyStopping()
    s.update(1.0, [np.zeros((2, 2))])
    with pytest.raises(ValueError, match=r"params\[0\]"):
        s.restore([np.zeros((3, 2))])
    with pytest.raises(ValueError, match="params"):
        s.restore([np.zeros((2, 2)), np.zeros(1)])
    with pytest.raises(ValueError, match="params"):
        EarlyStopping().restore([np.zeros(1)])
    with pytest.raises(ValueError, match="state"):
        EarlyStopping().load_state_dict({"patience": 3})


# ---------------------------------------------------------------- Penalized


class Recorder:
    """A stand-in optimizer that only records the gradients it is given."""

    def __init__(self, params):
        self.params = params
        self.lr = 0.1
        self.seen = None

    def step(self, grads):
        self.seen = [np.array(g, copy=True) for g in grads]

    def state_dict(self):
        return {"lr": self.lr}

    def load_state_dict(self, state):
        self.lr = state["lr"]


@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_penalized_gradient_is_the_gradient_of_loss_plus_penalty(penalty):
    """The gradients handed to the optimizer match finite differences of L + R."""
    rng = np.random.default_rng(0)
    net = MLP([3, 4, 2], activation="tanh", rng=rng)
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    weights = [layer.W for layer in net.dense_layers]
    for W in weights:                                  # keep L1 away from its kink
        W[np.abs(W) < 1e-3] = 0.1
    lam = 0.3
    recorder = Recorder(net.params)
    opt = Penalized(recorder, penalty, lam, penalize=weights)
    net.backward(mse_grad(net.forward(X), Y))
    opt.step(net.grads)
    value = l1_penalty if penalty == "l1" else l2_penalty

    def total(params):
        return mse(net.forward(X), Y) + value(params[0::2], lam)

    numerical = central_diff(total, net.params)
    for got, want in zip(recorder.seen, numerical, strict=True):
        assert np.allclose(got, want, rtol=1e-5, atol=1e-7)
    assert opt.penalty_value() == pytest.approx(value(weights, lam))


def test_penalized_l2_with_sgd_is_sgd_weight_decay():
    gen = np.random.default_rng(1)
    a = [gen.standard_normal((3, 2)), gen.standard_normal(3)]
    b = [p.copy() for p in a]
    wrapped = Penalized(SGD(a, lr=0.1, momentum=0.9), "l2", lam=0.05)
    plain = SGD(b, lr=0.1, momentum=0.9, weight_decay=0.05)
    for _ in range(5):
        grads = [gen.standard_normal((3, 2)), gen.standard_normal(3)]
        wrapped.step(grads)
        plain.step(grads)
    for p, q in zip(a, b, strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-12)


def test_penalized_touches_only_the_chosen_arrays():
    W, b = np.array([[2.0, -1.0, 0.0]]), np.array([0.5])
    opt = Penalized(SGD([W, b], lr=0.1), "l1", lam=0.5, penalize=[W])
    opt.step([np.zeros((1, 3)), np.zeros(1)])
    np.testing.assert_allclose(W, [[1.95, -0.95, 0.0]])   # sign(0) = 0: zero stays zero
    np.testing.assert_array_equal(b, [0.5])


def test_penalized_does_not_change_the_callers_gradients_and_passes_lr():
    W = np.ones((2, 2))
    grads = [np.zeros((2, 2))]
    opt = Penalized(Adam([W], lr=0.01), "l2", lam=1.0)
    opt.step(grads)
    assert np.array_equal(grads[0], np.zeros((2, 2)))
    assert opt.lr == 0.01 and opt.params[0] is W
    opt.lr = 0.5
    assert opt.optimizer.lr == 0.5
    assert "l2" in repr(opt)


def test_penalized_l2_matches_torch_over_several_adam_steps():
    torch = pytest.importorskip("torch")
    gen = np.random.default_rng(2)
    W0 = gen.standard_normal((4, 3))
    grads = [gen.standard_normal((4, 3)) for _ in range(4)]
    W = W0.copy()
    opt = Penalized(Adam([W], lr=0.01), "l2", lam=0.1)
    w = torch.tensor(W0.copy(), requires_grad=True)
    topt = torch.optim.Adam([w], lr=0.01)
    for g in grads:
        opt.step([g])
        topt.zero_grad()
        (torch.sum(torch.tensor(g) * w) + 0.05 * torch.sum(w ** 2)).backward()
        topt.step()
    np.testing.assert_allclose(W, w.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_penalized_bad_input():
    W = np.ones((2, 2))
    sgd = SGD([W], lr=0.1)
    with pytest.raises(ValueError, match="penalty"):
        Penalized(sgd, "l3", 0.1)
    with pytest.raises(ValueError, match="lam"):
        Penalized(sgd, "l1", -0.1)
    with pytest.raises(TypeError, match="optimizer"):
        Penalized(object(), "l1", 0.1)
    with pytest.raises(ValueError, match=r"penalize\[0\]"):
        Penalized(sgd, "l1", 0.1, penalize=[W.copy()])
    with pytest.raises(TypeError, match="penalize"):
        Penalized(sgd, "l1", 0.1, penalize=W)
    with pytest.raises(ValueError, match="grads"):
        Penalized(sgd, "l1", 0.1).step([W, W])


# ---------------------------------------------------------------- early stopping in a real run

def test_early_stopping_restores_the_best_epoch_of_a_training_run_exactly():
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(12, 2)), rng.normal(size=(12, 1))
    Xv, Yv = rng.normal(size=(30, 2)), rng.normal(size=(30, 1))
    net = MLP([2, 16, 1], activation="tanh", rng=4)
    opt = Adam(net.params, lr=0.05)
    stopper = EarlyStopping(patience=5)
    snapshots, val_losses = [], []
    for _ in range(300):
        net.backward(mse_grad(net.forward(X, training=True), Y))
        opt.step(net.grads)
        snapshots.append([p.copy() for p in net.params])
        val_losses.append(float(mse(net.forward(Xv), Yv)))
        if stopper.update(val_losses[-1], net.params):
            break
    assert stopper.stopped, "pure-noise targets must stop improving on validation"
    best = int(np.argmin(val_losses))
    assert stopper.best_epoch == best and len(val_losses) == best + 6
    for p, q in zip(net.params, snapshots[best], strict=True):
        assert np.array_equal(p, q)
    assert float(mse(net.forward(Xv), Yv)) == val_losses[best]


# ---------------------------------------------------------------- robustness review


def test_early_stopping_monitor_sets_the_mode_and_must_agree_with_it():
    assert EarlyStopping(monitor="val_accuracy").mode == "max"
    assert EarlyStopping(monitor="accuracy").mode == "max"
    assert EarlyStopping(monitor="val_loss").mode == "min"
    assert EarlyStopping().mode == "min" and EarlyStopping().monitor is None
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(monitor="val_loss", mode="max")
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(monitor="val_accuracy", mode="min")
    with pytest.raises(ValueError, match="monitor"):
        EarlyStopping(monitor="val_acc")
    with pytest.raises(TypeError, match="monitor"):
        EarlyStopping(monitor=["val_loss"])
    with pytest.raises(TypeError, match="mode"):
        EarlyStopping(mode=np.array(["min"]))


def test_early_stopping_update_refuses_a_bool():
    with pytest.raises(TypeError, match="value"):
        EarlyStopping().update(True)


def _trained_state():
    s = EarlyStopping(patience=3)
    W = np.zeros(2)
    for v in (3.0, 2.0, 2.5):
        W += 1
        s.update(v, [W])
    return s.state_dict()


@pytest.mark.parametrize("key, value, exc", [
    ("stopped", "no", TypeError),
    ("stopped", 1, TypeError),
    ("restore_best", "yes", TypeError),
    ("best", "abc", TypeError),
    ("best", np.nan, TypeError),
    ("best", None, TypeError),
    ("mode", None, TypeError),
    ("mode", "up", ValueError),
    ("monitor", 3, TypeError),
    ("best_epoch", 7, ValueError),
    ("best_epoch", 1.5, TypeError),
    ("wait", -1, ValueError),
    ("epoch", "3", TypeError),
    ("patience", -2, ValueError),
    ("best_params", "W", TypeError),
])
def test_early_stopping_load_state_dict_refuses_a_bad_state(key, value, exc):
    state = _trained_state()
    state[key] = value
    target = EarlyStopping(patience=9)
    before = target.state_dict()
    with pytest.raises(exc, match="state"):
        target.load_state_dict(state)
    assert target.state_dict() == before                     # nothing changed


def test_early_stopping_state_survives_an_npz_round_trip(tmp_path):
    state = _trained_state()
    flat = {k: v for k, v in state.items() if k not in ("best_params", "monitor")}
    np.savez(tmp_path / "s.npz", **flat)
    with np.load(tmp_path / "s.npz") as data:
        loaded = {k: data[k] for k in data.files}            # 0-d arrays
    loaded["monitor"] = None
    loaded["best_params"] = state["best_params"]
    target = EarlyStopping()
    target.load_state_dict(loaded)
    assert target.state_dict()["stopped"] is False
    assert target.best == 2.0 and target.best_epoch == 1 and target.wait == 1


def test_penalized_state_dict_round_trip_and_checks():
    W, b = np.array([[1.0, -2.0]]), np.array([0.5])
    pen = Penalized(Adam([W, b], lr=0.1), "l2", lam=0.3, penalize=[W])
    pen.step([np.ones((1, 2)), np.ones(1)])
    state = pen.state_dict()
    assert state["penalized.penalty"] == "l2" and state["penalized.lam"] == 0.3
    np.testing.assert_array_equal(state["penalized.indices"], [0])
    W2, b2 = W.copy(), b.copy()
    other = Penalized(Adam([W2, b2], lr=0.1), "l2", lam=0.3, penalize=[W2])
    other.load_state_dict(state)
    assert other.optimizer.t == 1
    for g in ([np.ones((1, 2)), np.ones(1)], [np.full((1, 2), -3.0), np.zeros(1)]):
        pen.step(g)
        other.step(g)
    np.testing.assert_array_equal(W, W2)
    np.testing.assert_array_equal(b, b2)
    for change in ({"penalized.penalty": "l1"}, {"penalized.lam": 0.2},
                   {"penalized.indices": np.array([1])}):
        with pytest.raises(ValueError, match="penalized"):
            other.load_state_dict({**state, **change})
    with pytest.raises(ValueError, match="Penalized"):
        other.load_state_dict(pen.optimizer.state_dict())
    with pytest.raises(TypeError, match="state_dict"):
        other.load_state_dict([1, 2])


@pytest.mark.parametrize("bad", [None, "adam", {}, 3, object()])
def test_penalized_names_a_bad_optimizer(bad):
    with pytest.raises(TypeError, match="optimizer"):
        Penalized(bad, "l2", lam=0.1)


def test_penalized_step_names_a_wrong_gradient():
    W, b = np.ones((2, 3)), np.zeros(2)
    pen = Penalized(SGD([W, b], lr=0.1), "l2", lam=0.1)
    with pytest.raises(ValueError, match=r"grads\[0\] and params\[0\] must have the same shape"):
        pen.step([np.ones((3, 2)), np.zeros(2)])
    with pytest.raises(TypeError, match="grads"):
        pen.step(np.ones(3))
    np.testing.assert_array_equal(W, 1.0)
