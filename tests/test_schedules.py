"""Tests for nnlearn.schedules: hand-computed values, driving an optimizer, checkpoints.

The comparison with torch.optim.lr_scheduler lives in test_optimizers_torch.py.
"""

import math

import numpy as np
import pytest

from nnlearn.optimizers import SGD, Adam
from nnlearn.schedules import (
    CosineAnnealingLR,
    ExponentialLR,
    LinearWarmup,
    LRScheduler,
    StepLR,
    cosine_annealing_lr,
    exponential_lr,
    linear_warmup_lr,
    step_lr,
)


def lr_sequence(make, n_steps, lr=0.8):
    """The optimizer's lr at construction and after each of n_steps scheduler steps."""
    opt = SGD([np.zeros(1)], lr=lr)
    sched = make(opt)
    out = [opt.lr]
    for _ in range(n_steps):
        opt.step([np.ones(1)])
        sched.step()
        out.append(opt.lr)
    return out


# ---------------------------------------------------------------------------
# values by hand


def test_step_lr_values():
    seq = lr_sequence(lambda o: StepLR(o, step_size=3, gamma=0.5), 9)
    assert seq == pytest.approx([0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.1], rel=1e-15)


def test_exponential_lr_values():
    seq = lr_sequence(lambda o: ExponentialLR(o, gamma=0.5), 4)
    assert seq == pytest.approx([0.8, 0.4, 0.2, 0.1, 0.05], rel=1e-15)


def test_cosine_annealing_values():
    # T_max = 4: cos(pi t / 4) = 1, sqrt(2)/2, 0, -sqrt(2)/2, -1, then back up
    seq = lr_sequence(lambda o: CosineAnnealingLR(o, T_max=4, eta_min=0.2), 8)
    half = 0.5 * (0.8 - 0.2)
    r = math.sqrt(2) / 2
    expected = [0.8, 0.2 + half * (1 + r), 0.5, 0.2 + half * (1 - r), 0.2,
                0.2 + half * (1 - r), 0.5, 0.2 + half * (1 + r), 0.8]
    assert seq == pytest.approx(expected, rel=1e-14)


def test_cosine_annealing_reaches_zero_without_error():
    opt = SGD([np.zeros(1)], lr=0.1)
    sched = CosineAnnealingLR(opt, T_max=2)
    sched.step()
    sched.step()
    assert opt.lr == pytest.approx(0.0, abs=1e-17)
    opt.step([np.ones(1)])  # a zero learning rate is a legal (no-op) step


def test_linear_warmup_values():
    seq = lr_sequence(lambda o: LinearWarmup(o, warmup_steps=4, start_factor=0.0), 6)
    assert seq == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 0.8, 0.8], abs=1e-15)
    seq = lr_sequence(lambda o: LinearWarmup(o, warmup_steps=2), 3)  # start_factor 0.1
    assert seq == pytest.approx([0.08, 0.44, 0.8, 0.8], rel=1e-14)


def test_construction_sets_the_step_zero_lr():
    opt = Adam([np.zeros(1)], lr=0.5)
    sched = LinearWarmup(opt, warmup_steps=10, start_factor=0.25)
    assert sched.base_lr == 0.5 and sched.last_step == 0
    assert opt.lr == 0.125 == sched.lr


def test_scheduled_lr_is_what_the_optimizer_uses():
    # plain SGD moves by lr * g, so the parameter records the lr of each step
    p = np.zeros(1)
    opt = SGD([p], lr=1.0)
    sched = StepLR(opt, step_size=2, gamma=0.1)
    for _ in range(5):
        opt.step([np.ones(1)])
        sched.step()
    # lrs used: 1, 1, 0.1, 0.1, 0.01
    np.testing.assert_allclose(p, [-2.21], rtol=1e-14)


# ---------------------------------------------------------------------------
# pure functions


def test_pure_functions_are_vectorized_and_agree_with_classes():
    t = np.arange(25)
    cases = [
        (step_lr(0.3, t, 4, 0.7), lambda o: StepLR(o, 4, 0.7)),
        (exponential_lr(0.3, t, 0.9), lambda o: ExponentialLR(o, 0.9)),
        (cosine_annealing_lr(0.3, t, 6, 0.01), lambda o: CosineAnnealingLR(o, 6, 0.01)),
        (linear_warmup_lr(0.3, t, 5, 0.2), lambda o: LinearWarmup(o, 5, 0.2)),
    ]
    for values, make in cases:
        assert values.shape == (25,) and values.dtype == np.float64
        np.testing.assert_allclose(values, lr_sequence(make, 24, lr=0.3), rtol=1e-14)


def test_pure_functions_scalar_and_2d_input():
    assert isinstance(exponential_lr(1.0, 3, 0.5), float)
    assert exponential_lr(1.0, 3, 0.5) == 0.125
    assert step_lr(1.0, np.int64(7), 3, 0.5) == 0.25
    grid = cosine_annealing_lr(2.0, np.array([[0, 1], [2, 3]]), T_max=2)
    np.testing.assert_allclose(grid, [[2.0, 1.0], [0.0, 1.0]], atol=1e-15)


def test_lr_at_does_not_change_state():
    opt = SGD([np.zeros(1)], lr=1.0)
    sched = ExponentialLR(opt, gamma=0.5)
    assert sched.lr_at(3) == 0.125
    np.testing.assert_allclose(sched.lr_at(np.arange(3)), [1.0, 0.5, 0.25])
    assert sched.last_step == 0 and opt.lr == 1.0


def test_cosine_is_bounded_and_symmetric():
    t = np.arange(0, 41)
    values = cosine_annealing_lr(1.0, t, T_max=10, eta_min=0.1)
    assert np.all(values >= 0.1 - 1e-15) and np.all(values <= 1.0 + 1e-15)
    np.testing.assert_allclose(values[:11], values[20:9:-1], rtol=1e-13)  # mirror at T_max


def test_warmup_is_monotone_then_constant():
    values = linear_warmup_lr(1.0, np.arange(30), warmup_steps=12, start_factor=0.05)
    assert np.all(np.diff(values[:13]) > 0)
    assert np.all(values[12:] == 1.0)


# ---------------------------------------------------------------------------
# checkpoints

SCHEDULERS = [lambda o: StepLR(o, 3, 0.5), lambda o: ExponentialLR(o, 0.9),
              lambda o: CosineAnnealingLR(o, 7, 1e-3), lambda o: LinearWarmup(o, 5)]


@pytest.mark.parametrize("make", SCHEDULERS, ids=["step", "exp", "cos", "warmup"])
def test_checkpoint_resume_through_npz_is_bit_for_bit(make, tmp_path):
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(20, 3))
    p = np.zeros(3)
    opt = Adam([p], lr=0.05)
    sched = make(opt)
    for g in grads[:8]:
        opt.step([g])
        sched.step()
    arrays = {"param.0": p}
    arrays.update({f"opt.{k}": v for k, v in opt.state_dict().items()})
    arrays.update({f"sched.{k}": v for k, v in sched.state_dict().items()})
    np.savez(tmp_path / "ckpt.npz", **arrays)

    with np.load(tmp_path / "ckpt.npz") as f:
        q = f["param.0"].copy()
        opt2 = Adam([q], lr=0.05)
        sched2 = make(opt2)  # constructing sets opt2.lr; the loads below override it
        opt2.load_state_dict({k[4:]: f[k] for k in f.files if k.startswith("opt.")})
        sched2.load_state_dict({k[6:]: f[k] for k in f.files if k.startswith("sched.")})
    assert sched2.last_step == 8 and opt2.lr == opt.lr
    for g in grads[8:]:
        opt.step([g])
        sched.step()
        opt2.step([g])
        sched2.step()
        assert opt.lr == opt2.lr
        assert np.array_equal(p, q)


def test_state_dict_layout():
    sched = CosineAnnealingLR(SGD([np.zeros(1)], lr=0.1), T_max=5, eta_min=0.01)
    sched.step()
    assert sched.state_dict() == {"scheduler": "CosineAnnealingLR", "last_step": 1,
                                  "base_lr": 0.1, "T_max": 5, "eta_min": 0.01}


def test_load_state_dict_rejects_mismatches():
    sd = StepLR(SGD([np.zeros(1)], lr=0.1), step_size=3).state_dict()
    with pytest.raises(ValueError, match="step_size"):
        StepLR(SGD([np.zeros(1)], lr=0.1), step_size=4).load_state_dict(sd)
    with pytest.raises(ValueError, match="keys"):
        ExponentialLR(SGD([np.zeros(1)], lr=0.1), gamma=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="last_step"):
        StepLR(SGD([np.zeros(1)], lr=0.1), step_size=3).load_state_dict(
            dict(sd, last_step=-1))
    with pytest.raises(TypeError, match="state_dict"):
        StepLR(SGD([np.zeros(1)], lr=0.1), step_size=3).load_state_dict(None)


# ---------------------------------------------------------------------------
# bad input


def sgd():
    return SGD([np.zeros(1)], lr=0.1)


@pytest.mark.parametrize("make, name", [
    (lambda: StepLR(sgd(), step_size=0), "step_size"),
    (lambda: StepLR(sgd(), step_size=2.5), "step_size"),
    (lambda: StepLR(sgd(), step_size=2, gamma=0.0), "gamma"),
    (lambda: ExponentialLR(sgd(), gamma=-0.5), "gamma"),
    (lambda: CosineAnnealingLR(sgd(), T_max=0), "T_max"),
    (lambda: CosineAnnealingLR(sgd(), T_max=5, eta_min=-0.1), "eta_min"),
    (lambda: LinearWarmup(sgd(), warmup_steps=0), "warmup_steps"),
    (lambda: LinearWarmup(sgd(), warmup_steps=3, start_factor=1.5), "start_factor"),
    (lambda: StepLR("not an optimizer", step_size=2), "optimizer"),
    (lambda: ExponentialLR(sgd(), gamma=1e300), "gamma must be <= 1"),
    (lambda: ExponentialLR(sgd(), gamma=1.5), "gamma must be <= 1"),
    (lambda: StepLR(sgd(), step_size=2, gamma=1e300), "gamma must be <= 1"),
    (lambda: StepLR(sgd(), step_size=10**30), "step_size must be <= 9223372036854775807"),
    (lambda: StepLR(sgd(), step_size=1e30), "step_size must be an integer"),
    (lambda: LinearWarmup(sgd(), warmup_steps=10**30), "warmup_steps must be <="),
    (lambda: CosineAnnealingLR(sgd(), T_max=10**30), "T_max must be <="),
])
def test_schedulers_reject_bad_arguments(make, name):
    with pytest.raises((ValueError, TypeError), match=name):
        make()


@pytest.mark.parametrize("call, error, name", [
    (lambda: step_lr(0.1, -1, 2), ValueError, "t"),
    (lambda: step_lr(0.1, 1.5, 2), TypeError, "t"),
    (lambda: exponential_lr(0.0, 1, 0.5), ValueError, "base_lr"),
    (lambda: cosine_annealing_lr(0.1, np.arange(3), T_max=-2), ValueError, "T_max"),
    (lambda: linear_warmup_lr(0.1, [0, 1], warmup_steps=2, start_factor=-0.1),
     ValueError, "start_factor"),
    (lambda: step_lr(0.1, 3, 10**30), ValueError, "step_size must be <="),
    (lambda: step_lr(0.1, 3, 2, gamma=2.0), ValueError, "gamma must be <= 1"),
    (lambda: exponential_lr(0.1, 3, 1e300), ValueError, "gamma must be <= 1"),
    (lambda: linear_warmup_lr(0.1, 3, 10**30), ValueError, "warmup_steps must be <="),
])
def test_pure_functions_reject_bad_arguments(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_gamma_one_and_the_largest_step_size_are_accepted():
    # the edges of the valid ranges: a constant rate, a decay that never comes
    opt = SGD([np.zeros(1)], lr=0.1)
    assert exponential_lr(0.1, np.arange(4), 1.0).tolist() == [0.1] * 4
    assert step_lr(0.1, np.array([0, 2**62]), 2**63 - 1).tolist() == [0.1, 0.1]
    sched = StepLR(opt, step_size=2**63 - 1, gamma=1.0)
    sched.step()
    assert opt.lr == 0.1


def test_base_class_has_no_formula():
    with pytest.raises(NotImplementedError):
        LRScheduler(sgd())


# ---------------------------------------------------------------- robustness review

def test_a_scheduler_drives_a_penalized_optimizer():
    from nnlearn.regularization import Penalized

    W = np.zeros((2, 2))
    inner = SGD([W], lr=0.8)
    pen = Penalized(inner, "l2", lam=0.1)
    sched = StepLR(pen, step_size=1, gamma=0.5)
    sched.step()
    assert pen.lr == inner.lr == 0.4
    restored = StepLR(Penalized(SGD([W.copy()], lr=0.8), "l2", lam=0.1), step_size=1,
                      gamma=0.5)
    restored.load_state_dict(sched.state_dict())
    assert restored.last_step == 1


@pytest.mark.parametrize("bad", [None, "sgd", {}, 3, object()])
def test_a_scheduler_names_a_bad_optimizer(bad):
    with pytest.raises(TypeError, match="optimizer"):
        StepLR(bad, step_size=2)


def test_a_scheduler_on_a_zero_learning_rate_names_the_optimizer():
    opt = SGD([np.zeros(2)], lr=0.1)
    opt.lr = 0.0
    with pytest.raises(ValueError, match=r"optimizer\.lr"):
        ExponentialLR(opt, gamma=0.5)
