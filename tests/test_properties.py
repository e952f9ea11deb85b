"""A standing bad-input and extreme-value campaign for the core library.

The robustness review fed every public function huge, tiny and odd input and
reported silent NaN/inf, RuntimeWarnings where stability is promised, and wrong
answers. These property-based tests rerun that kind of campaign on every test
run: on representable input there is no silent NaN or inf, no warning, and the
answer matches an independent reference (a float64 computation on rescaled
data, an extended-precision evaluation, or a closed form).

Every test is deterministic (``derandomize=True``) and takes a few seconds.
RuntimeWarnings raised inside ``nnlearn`` are errors for the whole suite
(``filterwarnings`` in pyproject.toml); the tests here also turn them into
errors wherever they come from, with ``warnings.simplefilter("error")``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlearn import activations as act
from nnlearn import losses
from nnlearn.distances import farthest_nearest_ratio, pairwise_distances
from nnlearn.gradcheck import relative_error
from nnlearn.linear import fit_line_huber, fit_line_mae, fit_line_mse
from nnlearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler, pca
from nnlearn.signals import quantize

CAMPAIGN = settings(max_examples=60, deadline=None, derandomize=True, database=None)

F64_MAX = float(np.finfo(np.float64).max)
F32_MAX = float(np.finfo(np.float32).max)


def _no_warnings(fn, *args, **kwargs):
    """Call ``fn`` with every warning turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


def finite(dtype, low=None, high=None):
    """Every finite float of ``dtype`` (optionally in [low, high]), subnormals included."""
    width = 32 if dtype == np.float32 else 64
    return st.floats(low, high, allow_nan=False, allow_infinity=False, width=width)


def _exponents(min_exp: int, max_exp: int):
    """Powers of ten spread over many orders of magnitude, as a scale factor."""
    return st.integers(min_exp, max_exp).map(lambda e: 10.0 ** e)


# ----------------------------------------------------------------------------
# Softmax family, tanh', log-cosh, Huber: no warning for any finite input
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@CAMPAIGN
@given(data=st.data())
def test_softmax_family_is_quiet_and_right_for_any_finite_logits(dtype, data):
    z = data.draw(arrays(dtype, st.integers(1, 5), elements=finite(dtype)))
    p = _no_warnings(act.softmax, z)
    log_p = _no_warnings(act.log_softmax, z)
    lse = _no_warnings(act.logsumexp, z)
    assert p.dtype == log_p.dtype == lse.dtype == dtype
    assert np.all(np.isfinite(p)) and np.isclose(p.sum(), 1, atol=1e-5)
    assert np.all(log_p <= 0) and not np.isnan(log_p).any()
    # Reference in extended precision: the shift by the maximum is exact there.
    zl = z.astype(np.longdouble)
    m = zl.max()
    e = np.exp(zl - m)
    eps = float(np.finfo(dtype).eps)
    # logsumexp is ill-conditioned where it is near 0 (its slope is p), hence the abs term.
    assert float(lse) == pytest.approx(float(m + np.log(e.sum())), rel=4 * eps,
                                       abs=4 * eps * max(1.0, float(np.abs(zl).max())))
    # Rounding z by eps |z| moves log p by up to 2 eps |z|: softmax's own condition.
    cond = max(1.0, float(np.abs(zl).max()))
    assert np.allclose(p, (e / e.sum()).astype(np.float64), rtol=8 * eps * cond,
                       atol=float(np.finfo(dtype).tiny))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@CAMPAIGN
@given(data=st.data())
def test_cross_entropy_is_quiet_and_never_negative(dtype, data):
    z = data.draw(arrays(dtype, (2, 3), elements=finite(dtype)))
    y = np.array(data.draw(st.lists(st.integers(0, 2), min_size=2, max_size=2)))
    loss = _no_warnings(losses.cross_entropy, z, y, reduction="none")
    grad = _no_warnings(losses.cross_entropy_grad, z, y)
    assert not np.isnan(loss).any() and np.all(loss >= 0) and not np.signbit(loss).any()
    assert np.all(np.isfinite(grad))
    zl = z.astype(np.longdouble)
    m = zl.max(axis=1)
    e = np.exp(zl - m[:, None])
    e[[0, 1], np.argmax(zl, axis=1)] = 0                  # log(1 + rest): rest keeps its digits
    rest = e.sum(axis=1)
    ref = (m - zl[[0, 1], y]) + np.log1p(rest)
    eps = float(np.finfo(dtype).eps)
    with np.errstate(over="ignore"):
        ref64 = ref.astype(np.float64)
    # Below the smallest normal number the spacing is fixed: allow a few of those units.
    tiny = 8 * float(np.finfo(dtype).smallest_subnormal)
    assert np.allclose(loss, ref64, rtol=8 * eps, atol=tiny)        # inf where ref is


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@CAMPAIGN
@given(data=st.data())
def test_tanh_grad_and_log_cosh_are_quiet_for_any_finite_input(dtype, data):
    z = data.draw(arrays(dtype, st.integers(1, 6), elements=finite(dtype)))
    g = _no_warnings(act.tanh_grad, z)
    assert g.dtype == dtype and np.all((0 <= g) & (g <= 1))
    e = np.exp(-np.abs(z.astype(np.longdouble)))
    ref = (2 * e / (1 + e * e)) ** 2                                  # 1 / cosh^2
    tiny = float(np.finfo(dtype).tiny)                  # below it, subnormals lose digits
    assert np.allclose(g, ref.astype(np.float64), rtol=16 * np.finfo(dtype).eps, atol=tiny)
    per = _no_warnings(losses.log_cosh, z, np.zeros_like(z), reduction="none")
    zl = np.abs(z.astype(np.longdouble))
    ref = zl + np.log1p(np.exp(-2 * zl)) - np.log(np.longdouble(2))
    small = zl < 1
    ref[small] = np.log1p(2 * np.sinh(zl[small] / 2) ** 2)           # log cosh, no cancellation
    assert np.allclose(per, ref.astype(np.float64), rtol=8 * np.finfo(dtype).eps, atol=tiny)
    _no_warnings(losses.log_cosh_grad, z, np.zeros_like(z))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@CAMPAIGN
@given(data=st.data())
def test_huber_is_quiet_and_matches_its_formula(dtype, data):
    big = F32_MAX if dtype == np.float32 else F64_MAX
    r = data.draw(arrays(dtype, st.integers(1, 6), elements=finite(dtype, -big / 4, big / 4)))
    delta = data.draw(st.floats(1e-30, 1e30 if dtype == np.float32 else 1e300))
    per = _no_warnings(losses.huber, r, np.zeros_like(r), delta=delta, reduction="none")
    a = np.abs(r.astype(np.longdouble))
    d = np.longdouble(delta)
    with np.errstate(over="ignore"):
        ref = np.where(a <= d, 0.5 * a * a, d * (a - 0.5 * d)).astype(np.float64)
    representable = np.abs(ref) < np.finfo(dtype).max
    assert np.allclose(per[representable], ref[representable], rtol=8 * np.finfo(dtype).eps)
    _no_warnings(losses.huber_grad, r, np.zeros_like(r), delta=delta)


@pytest.mark.parametrize(("fn", "args"), [
    (act.tanh_grad, (np.float32([1.7014118e38]),)),
    (act.tanh_grad, (np.array([1e308]),)),
    (act.logsumexp, (np.float32([-3e38, 3e38]),)),
    (act.softmax, (np.float32([3e38, -3e38]),)),
    (act.softmax, (np.array([-1e308, 1e308]),)),
    (act.log_softmax, (np.float32([-3e38, 3e38]),)),
    (losses.log_cosh, (np.float32(1.7014118e38), np.float32(0))),
    (losses.log_cosh, (np.array(1e308), np.array(0.0))),
    (losses.cross_entropy, (np.array([[-1.7e308, 1.7e308]]), np.array([0]))),
    (losses.cross_entropy_grad, (np.array([[-1.7e308, 1.7e308]]), np.array([0]))),
])
def test_the_reviews_minimal_examples_are_quiet(fn, args):
    """The hypothesis-shrunk inputs of the review: right answers, and no warning."""
    out = _no_warnings(fn, *args)
    assert not np.isnan(out).any()


@pytest.mark.parametrize(("r", "delta"), [(np.float32(2.6087637e19), 1e-3), (np.array(1e200), 1.0),
                                          (np.array(1.0), 1e200), (np.float32(1e30), 1.0)])
def test_huber_review_examples_are_quiet_and_right(r, delta):
    got = _no_warnings(losses.huber, r, np.zeros_like(r), delta=delta)
    a = abs(float(r))
    want = 0.5 * a * a if a <= delta else delta * (a - 0.5 * delta)
    assert float(got) == pytest.approx(want, rel=1e-6)


# ----------------------------------------------------------------------------
# Logit losses: full relative precision for confident correct logits
# ----------------------------------------------------------------------------

def _bce_reference(x: float, y: float) -> float:
    """log(1 + e^x) - y x in extended precision, written without cancellation."""
    xl, yl = np.longdouble(x), np.longdouble(y)
    sp_pos = max(xl, 0) + np.log1p(np.exp(-abs(xl)))     # softplus(x)
    sp_neg = max(-xl, 0) + np.log1p(np.exp(-abs(xl)))    # softplus(-x)
    return float(yl * sp_neg + (1 - yl) * sp_pos)


@CAMPAIGN
@given(x=st.floats(-700, 700), y=st.sampled_from([0.0, 1.0, 0.25, 0.9]))
def test_bce_with_logits_keeps_relative_precision(x, y):
    loss = _no_warnings(losses.binary_cross_entropy_with_logits, np.array([x]), np.array([y]),
                        reduction="none")[0]
    ref = _bce_reference(x, y)
    assert loss == pytest.approx(ref, rel=1e-14, abs=1e-300)


@pytest.mark.parametrize(("x", "expected"), [(40.0, 4.248354255291589e-18),
                                             (30.0, 9.357622968839737e-14),
                                             (100.0, 3.720075976020836e-44)])
def test_confident_correct_logit_loss_is_not_rounded_to_zero(x, expected):
    # log(1 + e^-x) for y = 1; the old softplus(x) - x gave 0 and 9.237e-14.
    bce = losses.binary_cross_entropy_with_logits(np.array([x]), np.array([1.0]))
    assert bce == pytest.approx(expected, rel=1e-14, abs=0)
    grad = losses.binary_cross_entropy_with_logits_grad(np.array([x]), np.array([1.0]))
    assert grad[0] == pytest.approx(-expected, rel=1e-12, abs=0)     # -sigmoid(-x) ~ -e^-x
    ce = losses.cross_entropy(np.array([[x, 0.0]]), np.array([0]))
    assert ce == pytest.approx(expected, rel=1e-14, abs=0) and not np.signbit(ce)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@CAMPAIGN
@given(x=st.floats(-60, 60), gamma=st.sampled_from([0.0, 0.5, 2.0]))
def test_focal_loss_keeps_relative_precision(dtype, x, gamma):
    xs = np.array([x], dtype=dtype)
    got = _no_warnings(losses.focal_loss, xs, np.ones_like(xs), alpha=None, gamma=gamma,
                       reduction="none")[0]
    xl = np.longdouble(xs[0])
    q = 1 / (1 + np.exp(xl))                                 # 1 - p_y for y = 1
    ref = float(q ** gamma * (max(-xl, 0) + np.log1p(np.exp(-abs(xl)))))
    assert got == pytest.approx(ref, rel=16 * float(np.finfo(dtype).eps), abs=1e-37)


# ----------------------------------------------------------------------------
# Rescale before squaring: scalers, distances, PCA, relative error, line fits
# ----------------------------------------------------------------------------

@CAMPAIGN
@given(X=arrays(np.float64, (5, 2), elements=st.floats(-8, 8, allow_subnormal=False)),
       scale=_exponents(-300, 300))
def test_scalers_do_not_depend_on_the_unit_of_the_data(X, scale):
    """Scaled output is invariant to multiplying the data by 10^k, for every k."""
    assume(np.all(np.ptp(X, axis=0) > 1e-3))
    q1, q3 = np.percentile(X, [25, 75], axis=0)
    assume(np.all(q3 - q1 > 1e-3))       # a zero spread is replaced by 1, in X's own unit
    for scaler in (StandardScaler(), MinMaxScaler(), RobustScaler()):
        plain = scaler.fit_transform(X)
        scaled = _no_warnings(type(scaler)().fit_transform, X * scale)
        assert np.allclose(scaled, plain, rtol=1e-9, atol=1e-9)


def test_scalers_at_the_ends_of_the_float_range():
    z = StandardScaler().fit_transform([[1e200], [-1e200], [0.0]])[:, 0]
    assert np.allclose(z, [math.sqrt(1.5), -math.sqrt(1.5), 0.0])        # was left unscaled
    assert np.allclose(MinMaxScaler().fit_transform([[-1e308], [1e308], [0.0]])[:, 0],
                       [0.0, 1.0, 0.5])                                  # was [0, nan, 0]
    tiny = StandardScaler().fit_transform([[1e-320], [-1e-320], [0.0]])[:, 0]
    assert np.allclose(tiny, [math.sqrt(1.5), -math.sqrt(1.5), 0.0])
    s = StandardScaler().fit([[1e300], [-1e300]])
    assert np.allclose(s.inverse_transform(s.transform([[1e300], [0.5e300]])),
                       [[1e300], [0.5e300]], rtol=1e-15)


@CAMPAIGN
@given(A=arrays(np.float64, (3, 2), elements=st.floats(-4, 4)),
       B=arrays(np.float64, (2, 2), elements=st.floats(-4, 4)),
       scale=_exponents(-300, 300))
def test_distances_scale_with_the_data(A, B, scale):
    plain = pairwise_distances(A, B)
    scaled = _no_warnings(pairwise_distances, A * scale, B * scale)
    # The expanded form |a|^2 + |b|^2 - 2 a.b leaves about sqrt(eps) |a| of noise
    # on a distance near 0 (documented); the noise scales with the data.
    assert np.allclose(scaled, plain * scale, rtol=1e-7, atol=1e-6 * scale)
    points = np.array([[1.0, 0.0], [-2.0, 0.5], [0.0, 3.0]])
    q = np.array([[0.25, 0.25]])
    assert _no_warnings(farthest_nearest_ratio, points * scale, q * scale) == \
        pytest.approx(farthest_nearest_ratio(points, q), rel=1e-12)


def test_distances_at_the_ends_of_the_float_range():
    assert pairwise_distances([[1e160, 1e160]], [[1e160, 1e160]])[0, 0] == 0.0   # was nan
    assert pairwise_distances([[0.0, 0.0]], [[1e200, 0.0]])[0, 0] == pytest.approx(1e200)
    assert pairwise_distances([[1e-200, 0.0]], [[0.0, 1e-200]])[0, 0] == \
        pytest.approx(math.sqrt(2) * 1e-200, rel=1e-9, abs=0)
    # The true distance 3.4e308 is not representable: inf, quietly.
    assert _no_warnings(pairwise_distances, [[1.7e308]], [[-1.7e308]])[0, 0] == np.inf


@CAMPAIGN
@given(a=arrays(np.float64, 4, elements=st.floats(-4, 4)),
       b=arrays(np.float64, 4, elements=st.floats(-4, 4)),
       scale=_exponents(-300, 300))
def test_relative_error_is_scale_free_and_in_unit_interval(a, b, scale):
    plain = relative_error(a, b)
    scaled = _no_warnings(relative_error, a * scale, b * scale)
    assert 0.0 <= scaled <= 1.0
    assert scaled == pytest.approx(plain, rel=1e-9, abs=1e-12)


def test_relative_error_of_huge_gradients():
    assert relative_error([1e200], [1.1e200]) == pytest.approx(0.1 / 2.1)   # was nan
    assert relative_error([1e-200], [1.1e-200]) == pytest.approx(0.1 / 2.1)


@CAMPAIGN
@given(slope=st.floats(-10, 10), intercept=st.floats(-10, 10),
       x_scale=_exponents(-170, 170), y_scale=_exponents(-170, 170))
def test_line_fits_recover_an_exact_line_at_any_scale(slope, intercept, x_scale, y_scale):
    assume(abs(slope) > 1e-3)
    x = np.array([0.0, 1.0, 2.0, 3.5]) * x_scale
    y = (slope * np.array([0.0, 1.0, 2.0, 3.5]) + intercept) * y_scale
    want = (slope * y_scale / x_scale, intercept * y_scale)
    for fit in (fit_line_mse, fit_line_mae, fit_line_huber):
        got = _no_warnings(fit, x, y)
        assert got[0] == pytest.approx(want[0], rel=1e-6, abs=0)
        assert got[1] == pytest.approx(want[1], rel=1e-6, abs=1e-6 * y_scale * 10)


def test_line_fits_reported_by_the_review():
    assert fit_line_mse([0, 1e-170, 2e-170], [0, 1, 2]) == pytest.approx((1e170, 0.0))
    slope, intercept = fit_line_mse([0, 1e200], [0, 1])                  # was (0.0, 0.5)
    assert slope == pytest.approx(1e-200, rel=1e-9, abs=0)
    assert intercept == pytest.approx(0.0, abs=1e-15)
    for fit in (fit_line_mae, fit_line_huber):
        assert fit([0, 1e-300, 2e-300], [0, 1, 2]) == pytest.approx((1e300, 0.0))
    slope, intercept = _no_warnings(fit_line_huber, [0, 1, 2, 3], [0, 1, 2, 3], delta=1e-310)
    assert (slope, intercept) == pytest.approx((1.0, 0.0), abs=1e-9)      # was (nan, nan)


@CAMPAIGN
@given(X=arrays(np.float64, (6, 3), elements=st.floats(-4, 4, allow_subnormal=False)),
       scale=_exponents(-300, 300))
def test_pca_does_not_depend_on_the_unit_of_the_data(X, scale):
    assume(np.linalg.svd(X - X.mean(axis=0), compute_uv=False)[0] > 1e-3)
    plain = pca(X, 1)
    scaled = _no_warnings(pca, X * scale, 1)
    assert np.allclose(scaled.explained_variance_ratio, plain.explained_variance_ratio)
    assert np.allclose(np.abs(scaled.components), np.abs(plain.components), atol=1e-6)
    assert np.allclose(np.abs(scaled.projected), np.abs(plain.projected) * scale,
                       rtol=1e-6, atol=1e-6 * scale)


@CAMPAIGN
@given(low=st.floats(-F64_MAX, 0.0, exclude_max=True), high=st.floats(1e-300, F64_MAX),
       x=st.lists(st.floats(-F64_MAX, F64_MAX), min_size=1, max_size=5),
       n_bits=st.integers(1, 12))
def test_quantize_never_returns_nan_and_stays_in_range(low, high, x, n_bits):
    codes, values = _no_warnings(quantize, x, n_bits, low=low, high=high)
    assert np.all((0 <= codes) & (codes < 2 ** n_bits))
    assert np.all(np.isfinite(values)) and np.all((low <= values) & (values <= high))
    # Each value is within half a level step of its clipped input (the step in units
    # of high/2 - low/2 so that it is representable).
    half_step = (high / 2 - low / 2) / (2 ** n_bits - 1)
    clipped = np.clip(x, low, high)
    assert np.all(np.abs(values / 2 - clipped / 2) <= half_step / 2 * (1 + 1e-9) + 1e-300)


def test_quantize_over_the_whole_float_range():
    codes, values = quantize([0.0, 1e307], 4, low=-1e308, high=1e308)   # was [nan, nan]
    assert codes.tolist() == [8, 8]
    assert np.allclose(values, 1e308 / 15)       # level 8: -1e308 + 8 * (2e308 / 15)


# ----------------------------------------------------------------------------
# Stratified split: every class count is its ideal rounded down or up
# ----------------------------------------------------------------------------

@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(counts=st.lists(st.integers(1, 40), min_size=1, max_size=7),
       val=st.floats(0.0, 0.6), test=st.floats(0.0, 0.39))
def test_stratified_split_rounds_every_class_count_down_or_up(counts, val, test):
    from nnlearn.datasets import train_val_test_split
    y = np.repeat(np.arange(len(counts)), counts)
    n = y.shape[0]
    try:
        parts = train_val_test_split(np.arange(n)[:, None], y, val=val, test=test,
                                     stratify=True, rng=0)
    except ValueError as exc:            # fractions that a tiny n cannot honour: refused
        assume(not str(exc).startswith(("val=", "test=")))
        raise
    X_parts, y_parts = parts[:3], parts[3:]
    assert sorted(np.concatenate([p[:, 0] for p in X_parts]).tolist()) == list(range(n))
    for y_part in y_parts:
        m = y_part.shape[0]
        got = np.bincount(y_part, minlength=len(counts))
        # n * got must lie strictly within n of n_c * m (the ideal times n), or equal it:
        # exact integer arithmetic, so a whole-number ideal must be met exactly.
        exact = np.array(counts) * m
        assert np.all(np.abs(got * n - exact) < n), (counts, m, got)
        assert np.all((exact % n != 0) | (got * n == exact))
