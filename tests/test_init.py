"""Tests for nnlearn.init: fans, variance formulas, bounds, determinism, torch semantics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnlearn import init

SHAPE = (400, 600)          # (n_out, n_in): fan_in = 600, fan_out = 400
FAN_IN, FAN_OUT = 600, 400

# name -> (call, std of the distribution from the formula, uniform bound or None)
CASES = {
    "lecun_normal": (lambda r: init.lecun_normal(SHAPE, r), math.sqrt(1 / FAN_IN), None),
    "lecun_uniform": (lambda r: init.lecun_uniform(SHAPE, r), math.sqrt(1 / FAN_IN),
                      math.sqrt(3 / FAN_IN)),
    "xavier_normal": (lambda r: init.xavier_normal(SHAPE, r),
                      math.sqrt(2 / (FAN_IN + FAN_OUT)), None),
    "xavier_normal_gain": (lambda r: init.xavier_normal(SHAPE, r, gain=5 / 3),
                           5 / 3 * math.sqrt(2 / (FAN_IN + FAN_OUT)), None),
    "xavier_uniform": (lambda r: init.xavier_uniform(SHAPE, r),
                       math.sqrt(2 / (FAN_IN + FAN_OUT)), math.sqrt(6 / (FAN_IN + FAN_OUT))),
    "xavier_uniform_gain": (lambda r: init.xavier_uniform(SHAPE, r, gain=2.0),
                            2 * math.sqrt(2 / (FAN_IN + FAN_OUT)),
                            2 * math.sqrt(6 / (FAN_IN + FAN_OUT))),
    "he_normal": (lambda r: init.he_normal(SHAPE, r), math.sqrt(2 / FAN_IN), None),
    "he_normal_fan_out": (lambda r: init.he_normal(SHAPE, r, mode="fan_out"),
                          math.sqrt(2 / FAN_OUT), None),
    "he_normal_leaky": (lambda r: init.he_normal(SHAPE, r, negative_slope=0.5),
                        math.sqrt(2 / (1.25 * FAN_IN)), None),
    "he_uniform": (lambda r: init.he_uniform(SHAPE, r), math.sqrt(2 / FAN_IN),
                   math.sqrt(6 / FAN_IN)),
    "he_uniform_fan_out": (lambda r: init.he_uniform(SHAPE, r, mode="fan_out"),
                           math.sqrt(2 / FAN_OUT), math.sqrt(6 / FAN_OUT)),
    "normal": (lambda r: init.normal(SHAPE, r, std=0.05), 0.05, None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_sample_std_matches_formula(name):
    draw, std, bound = CASES[name]
    w = draw(np.random.default_rng(0))
    assert w.shape == SHAPE and w.dtype == np.float64
    assert abs(w.std() / std - 1) < 0.02
    # Mean 0: the sample mean has standard error std / sqrt(N).
    assert abs(w.mean()) < 5 * std / math.sqrt(w.size)
    inside_one_std = np.mean(np.abs(w) < std)
    if bound is None:
        # Normal: P(|w| < sigma) = erf(1/sqrt 2) = 0.6827.
        assert abs(inside_one_std - math.erf(1 / math.sqrt(2))) < 0.005
    else:
        # Uniform on [-a, a] with a = sqrt(3) sigma: P(|w| < sigma) = 1/sqrt 3 = 0.5774.
        assert np.max(np.abs(w)) <= bound
        assert np.max(np.abs(w)) > 0.999 * bound
        assert abs(inside_one_std - 1 / math.sqrt(3)) < 0.005


def test_lecun_and_xavier_differ():
    """Errata: 1/fan_in is LeCun; Glorot uses 2/(fan_in + fan_out)."""
    shape = (100, 900)
    lecun = init.lecun_normal(shape, 0).std()
    xavier = init.xavier_normal(shape, 0).std()
    assert lecun == pytest.approx(1 / 30, rel=0.02)
    assert xavier == pytest.approx(math.sqrt(2 / 1000), rel=0.02)
    assert xavier / lecun > 1.3


@pytest.mark.parametrize(("shape", "expected"), [
    ((3, 5), (5, 3)),
    ((1, 1), (1, 1)),
    ((4, 3, 2, 2), (12, 16)),
    ((8, 2, 3), (6, 24)),
])
def test_fans_by_hand(shape, expected):
    assert init.fans(shape) == expected


def test_dense_fans_are_n_in_and_n_out():
    fan_in, fan_out = init.fans((7, 11))   # a Dense(11, 7) weight
    assert (fan_in, fan_out) == (11, 7)


@pytest.mark.parametrize("name", ["he_normal", "he_uniform", "xavier_normal",
                                  "xavier_uniform", "lecun_normal", "lecun_uniform",
                                  "normal"])
def test_deterministic_and_dtype(name):
    fn = init.INITIALIZERS[name]
    a = fn((5, 4), np.random.default_rng(3))
    b = fn((5, 4), np.random.default_rng(3))
    c = fn((5, 4), np.random.default_rng(4))
    d = fn((5, 4), 3)                                 # an int seed works too
    f32 = fn((5, 4), np.random.default_rng(3), dtype=np.float32)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, d)
    assert not np.array_equal(a, c)
    assert f32.dtype == np.float32
    np.testing.assert_array_equal(f32, a.astype(np.float32))


def test_generator_state_advances():
    rng = np.random.default_rng(0)
    first = init.he_normal((3, 3), rng)
    second = init.he_normal((3, 3), rng)
    assert not np.array_equal(first, second)


def test_zeros():
    z = init.zeros(4)
    assert z.shape == (4,) and z.dtype == np.float64 and not z.any()
    z32 = init.zeros((2, 3), dtype=np.float32)
    assert z32.shape == (2, 3) and z32.dtype == np.float32 and not z32.any()


@pytest.mark.parametrize(("nonlinearity", "expected"), [
    ("identity", 1.0), ("sigmoid", 1.0), ("tanh", 5 / 3), ("relu", math.sqrt(2)),
])
def test_calculate_gain(nonlinearity, expected):
    assert init.calculate_gain(nonlinearity) == pytest.approx(expected)


def test_leaky_gain():
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("leaky_relu", 0.0) == pytest.approx(math.sqrt(2))


def test_registry_short_names():
    assert init.INITIALIZERS["he"] is init.he_normal
    assert init.INITIALIZERS["xavier"] is init.xavier_normal
    assert init.INITIALIZERS["glorot"] is init.xavier_normal
    assert init.INITIALIZERS["lecun"] is init.lecun_normal
    for fn in init.INITIALIZERS.values():
        assert fn((2, 3), np.random.default_rng(0), dtype=np.float32).shape == (2, 3)


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda: init.fans((5,)), ValueError, "shape"),
    (lambda: init.fans((5, 0)), ValueError, "shape"),
    (lambda: init.he_normal((3, -1), 0), ValueError, "shape"),
    (lambda: init.he_normal((3, 2.5), 0), ValueError, "shape"),
    (lambda: init.he_normal(None, 0), TypeError, "shape"),
    (lambda: init.he_normal((3, 3), 0, dtype=np.int64), TypeError, "dtype"),
    (lambda: init.he_normal((3, 3), 0, mode="fan_avg"), ValueError, "mode"),
    (lambda: init.he_uniform((3, 3), 0, negative_slope="a"), TypeError, "negative_slope"),
    (lambda: init.xavier_normal((3, 3), 0, gain=0.0), ValueError, "gain"),
    (lambda: init.xavier_uniform((3, 3), 0, gain=-1.0), ValueError, "gain"),
    (lambda: init.normal((3, 3), 0, std=0.0), ValueError, "std"),
    (lambda: init.calculate_gain("softmax"), ValueError, "nonlinearity"),
    (lambda: init.lecun_normal((3, 3), "seed"), TypeError, "rng"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ----------------------------------------------------------------------------
# PyTorch semantics (skipped where torch is not installed)
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(3, 5), (7, 2), (4, 3, 2, 2), (1, 9)])
def test_fans_match_torch(shape):
    torch = pytest.importorskip("torch")
    expected = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    assert init.fans(shape) == tuple(expected)


@pytest.mark.parametrize("nonlinearity", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_gain_matches_torch(nonlinearity):
    torch = pytest.importorskip("torch")
    param = 0.2 if nonlinearity == "leaky_relu" else None
    expected = torch.nn.init.calculate_gain(nonlinearity, param)
    ours = (init.calculate_gain(nonlinearity, 0.2) if param else
            init.calculate_gain(nonlinearity))
    assert ours == pytest.approx(expected)


def _torch_cases(torch):
    nn_init = torch.nn.init
    return {
        "xavier_normal": (lambda t: nn_init.xavier_normal_(t, gain=1.5),
                          lambda r: init.xavier_normal(SHAPE, r, gain=1.5)),
        "xavier_uniform": (lambda t: nn_init.xavier_uniform_(t, gain=1.5),
                           lambda r: init.xavier_uniform(SHAPE, r, gain=1.5)),
        "he_normal": (lambda t: nn_init.kaiming_normal_(t, a=0.1, nonlinearity="leaky_relu"),
                      lambda r: init.he_normal(SHAPE, r, negative_slope=0.1)),
        "he_uniform_fan_out": (lambda t: nn_init.kaiming_uniform_(t, mode="fan_out",
                                                                  nonlinearity="relu"),
                               lambda r: init.he_uniform(SHAPE, r, mode="fan_out")),
        "lecun_normal": (lambda t: nn_init.kaiming_normal_(t, nonlinearity="linear"),
                         lambda r: init.lecun_normal(SHAPE, r)),
    }


@pytest.mark.parametrize("name", ["xavier_normal", "xavier_uniform", "he_normal",
                                  "he_uniform_fan_out", "lecun_normal"])
def test_statistics_match_torch(name):
    torch = pytest.importorskip("torch")
    torch_fill, ours_fn = _torch_cases(torch)[name]
    torch.manual_seed(0)
    t = torch.empty(SHAPE, dtype=torch.float64)
    torch_fill(t)
    theirs = t.numpy()
    ours = ours_fn(np.random.default_rng(0))
    assert ours.std() == pytest.approx(theirs.std(), rel=0.02)
    if "uniform" in name:
        assert np.max(np.abs(ours)) == pytest.approx(np.max(np.abs(theirs)), rel=0.01)


# ----------------------------------------------------------------------------
# constant (the symmetry trap) and more torch comparisons
# ----------------------------------------------------------------------------

def test_constant_fills_every_entry():
    w = init.constant((3, 4), None, value=0.5)
    assert w.shape == (3, 4) and w.dtype == np.float64
    assert np.all(w == 0.5)
    assert init.constant(5, value=-2.0, dtype=np.float32).dtype == np.float32
    np.testing.assert_array_equal(init.constant((2, 2)), init.zeros((2, 2)))


def test_constant_matches_torch():
    torch = pytest.importorskip("torch")
    t = torch.nn.init.constant_(torch.empty((3, 5), dtype=torch.float64), 0.25)
    np.testing.assert_array_equal(init.constant((3, 5), 0, value=0.25), t.numpy())


def test_constant_bad_input():
    with pytest.raises(TypeError, match="value"):
        init.constant((2, 2), value="a")
    with pytest.raises(ValueError, match="value"):
        init.constant((2, 2), value=float("inf"))


@pytest.mark.parametrize("name", ["lecun_uniform", "he_normal_default", "he_uniform_default",
                                  "xavier_uniform_tanh"])
def test_more_statistics_match_torch(name):
    torch = pytest.importorskip("torch")
    nn_init = torch.nn.init
    cases = {
        "lecun_uniform": (lambda t: nn_init.kaiming_uniform_(t, nonlinearity="linear"),
                          lambda r: init.lecun_uniform(SHAPE, r)),
        # torch's defaults: a=0, mode="fan_in", nonlinearity="leaky_relu" -> gain sqrt(2)
        "he_normal_default": (nn_init.kaiming_normal_, lambda r: init.he_normal(SHAPE, r)),
        "he_uniform_default": (nn_init.kaiming_uniform_, lambda r: init.he_uniform(SHAPE, r)),
        "xavier_uniform_tanh": (
            lambda t: nn_init.xavier_uniform_(t, gain=nn_init.calculate_gain("tanh")),
            lambda r: init.xavier_uniform(SHAPE, r, gain=init.calculate_gain("tanh"))),
    }
    torch_fill, ours_fn = cases[name]
    torch.manual_seed(1)
    theirs = torch_fill(torch.empty(SHAPE, dtype=torch.float64)).numpy()
    ours = ours_fn(np.random.default_rng(1))
    assert ours.std() == pytest.approx(theirs.std(), rel=0.02)
    if "uniform" in name:
        assert np.max(np.abs(ours)) == pytest.approx(np.max(np.abs(theirs)), rel=0.01)


def test_float32_statistics_within_two_percent():
    w = init.he_normal(SHAPE, 5, dtype=np.float32)
    assert w.dtype == np.float32
    assert abs(float(w.std(dtype=np.float64)) / math.sqrt(2 / FAN_IN) - 1) < 0.02
