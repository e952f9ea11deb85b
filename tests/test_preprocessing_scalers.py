"""Scalers of nnlearn.preprocessing against scikit-learn, by hand, and by properties."""


import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlearn.preprocessing import MinMaxScaler, NotFittedError, RobustScaler, StandardScaler

sk_pre = pytest.importorskip("sklearn.preprocessing")


def _data(seed=0, n=40):
    """Features on very different scales, one with an outlier, one constant."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)) * [1.0, 50.0, 0.01, 1.0] + [0.0, 1000.0, -3.0, 0.0]
    X[3, 0] = 40.0          # an outlier
    X[:, 3] = 2.5           # a constant feature
    return X


SCALER_PAIRS = [
    (lambda: MinMaxScaler(), lambda: sk_pre.MinMaxScaler()),
    (lambda: MinMaxScaler(feature_range=(-1, 3)), lambda: sk_pre.MinMaxScaler((-1, 3))),
    (lambda: StandardScaler(), lambda: sk_pre.StandardScaler()),
    (lambda: RobustScaler(), lambda: sk_pre.RobustScaler()),
    (lambda: RobustScaler(quantile_range=(10, 90)),
     lambda: sk_pre.RobustScaler(quantile_range=(10, 90))),
]


@pytest.mark.parametrize("make_ours, make_theirs", SCALER_PAIRS)
def test_scalers_match_sklearn(make_ours, make_theirs):
    X, X_new = _data(0), _data(1, n=7)
    ours, theirs = make_ours().fit(X), make_theirs().fit(X)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.transform(X_new), theirs.transform(X_new),
                               rtol=1e-12, atol=1e-12)
    Z = np.random.default_rng(2).normal(size=(5, 4))
    np.testing.assert_allclose(ours.inverse_transform(Z), theirs.inverse_transform(Z),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(X)), X,
                               rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(ours.fit_transform(X), theirs.fit_transform(X),
                               rtol=1e-12, atol=1e-12)
    assert ours.n_features_in_ == 4


def test_fitted_statistics_match_sklearn():
    X = _data(3)
    mm, skmm = MinMaxScaler((-2, 2)).fit(X), sk_pre.MinMaxScaler((-2, 2)).fit(X)
    np.testing.assert_array_equal(mm.data_min_, skmm.data_min_)
    np.testing.assert_array_equal(mm.data_max_, skmm.data_max_)
    np.testing.assert_array_equal(mm.data_range_, skmm.data_range_)
    np.testing.assert_allclose(mm.scale_, skmm.scale_, rtol=1e-15)
    st_, skst = StandardScaler().fit(X), sk_pre.StandardScaler().fit(X)
    np.testing.assert_allclose(st_.mean_, skst.mean_, rtol=1e-14)
    np.testing.assert_allclose(st_.var_, skst.var_, rtol=1e-12, atol=1e-30)
    np.testing.assert_allclose(st_.scale_, skst.scale_, rtol=1e-12)
    rb, skrb = RobustScaler().fit(X), sk_pre.RobustScaler().fit(X)
    np.testing.assert_allclose(rb.center_, skrb.center_, rtol=1e-15)
    np.testing.assert_allclose(rb.scale_, skrb.scale_, rtol=1e-14)


def test_population_std_not_sample_std():
    X = np.array([[1.0], [2.0], [3.0], [4.0]])
    scaler = StandardScaler().fit(X)
    assert scaler.var_[0] == pytest.approx(1.25)          # ddof=0: 5/4, not 5/3
    assert scaler.scale_[0] == pytest.approx(np.sqrt(1.25))


def test_constant_feature_gets_scale_one():
    X = np.column_stack([np.arange(5.0), np.full(5, 0.1), np.full(5, -7.0)])
    # min-max: the zero range is replaced by 1, so scale_ = (b - a) / 1 and x -> a
    minmax = MinMaxScaler((2, 5)).fit(X)
    np.testing.assert_array_equal(minmax.scale_, [3 / 4, 3.0, 3.0])
    np.testing.assert_array_equal(minmax.transform(X)[:, 1:], 2.0)
    # standard and robust: the zero spread is replaced by 1, x -> x - centre
    standard = StandardScaler().fit(X)
    np.testing.assert_array_equal(standard.scale_[1:], 1.0)
    np.testing.assert_allclose(standard.transform(X)[:, 1:], 0.0, atol=1e-15)
    robust = RobustScaler().fit(X)
    np.testing.assert_array_equal(robust.scale_, [2.0, 1.0, 1.0])
    np.testing.assert_array_equal(robust.transform(X)[:, 1:], 0.0)


def test_min_max_house_example_by_hand():
    # Ages range over [1, 92] and bedrooms over [0, 6] in the data set.
    X = np.array([[50.0, 3.0], [2.0, 5.0], [1.0, 0.0], [92.0, 6.0]])
    Z = MinMaxScaler().fit_transform(X)
    np.testing.assert_allclose(Z[0], [49 / 91, 3 / 6])      # house 1: 0.538, 0.5
    np.testing.assert_allclose(Z[1], [1 / 91, 5 / 6])       # house 2: 0.011, 0.833


def test_robust_scaler_centres_on_median_by_hand():
    x = np.array([[1.0], [2.0], [3.0], [4.0], [100.0]])
    # median 3, quartiles 2 and 4: (x - 3) / 2; the outlier does not move the others
    np.testing.assert_allclose(RobustScaler().fit_transform(x)[:, 0],
                               [-1.0, -0.5, 0.0, 0.5, 48.5])


@pytest.mark.parametrize("cls", [MinMaxScaler, StandardScaler, RobustScaler])
def test_float32_in_float32_out(cls):
    X = _data(4)
    X32 = X.astype(np.float32)
    scaler = cls().fit(X32)
    Z = scaler.transform(X32)
    assert Z.dtype == np.float32
    assert scaler.inverse_transform(Z).dtype == np.float32
    # statistics are computed in float64; only the output is rounded to float32
    np.testing.assert_allclose(Z, cls().fit_transform(X32.astype(np.float64)),
                               rtol=1e-6, atol=1e-6)
    assert cls().fit(X).transform(X.astype(np.float32)).dtype == np.float32
    assert cls().fit_transform(np.arange(6).reshape(3, 2)).dtype == np.float64



# --- properties -------------------------------------------------------------

_matrices = st.integers(2, 12).flatmap(lambda n: st.integers(1, 4).flatmap(
    lambda p: arrays(np.float64, (n, p), elements=st.floats(
        -1e3, 1e3, allow_nan=False, allow_subnormal=False))))


def _well_spread(X):
    """Each column is either constant or spread by at least 1e-3."""
    spread = np.ptp(X, axis=0)
    return bool(np.all((spread == 0) | (spread > 1e-3)))


_PROPERTY_SETTINGS = settings(max_examples=40, deadline=None)


@_PROPERTY_SETTINGS
@given(X=_matrices, kind=st.sampled_from(["minmax", "standard", "robust"]))
def test_round_trip(X, kind):
    scaler = {"minmax": MinMaxScaler((-1, 1)), "standard": StandardScaler(),
              "robust": RobustScaler()}[kind]
    back = scaler.inverse_transform(scaler.fit_transform(X))
    np.testing.assert_allclose(back, X, rtol=1e-9, atol=1e-9)


@_PROPERTY_SETTINGS
@given(X=_matrices, low=st.floats(-5, 5), width=st.floats(0.5, 10))
def test_min_max_lands_in_feature_range(X, low, width):
    Z = MinMaxScaler((low, low + width)).fit_transform(X)
    tol = 1e-12 * (1 + abs(low) + width)
    assert np.all(Z >= low - tol) and np.all(Z <= low + width + tol)
    moving = np.ptp(X, axis=0) > 0
    np.testing.assert_allclose(Z.min(axis=0)[moving], low, atol=tol)
    np.testing.assert_allclose(Z.max(axis=0)[moving], low + width, atol=tol)


@_PROPERTY_SETTINGS
@given(X=_matrices)
def test_standard_gives_mean_zero_std_one(X):
    assume(_well_spread(X))
    Z = StandardScaler().fit_transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-8)
    moving = np.ptp(X, axis=0) > 0
    np.testing.assert_allclose(Z.std(axis=0)[moving], 1.0, rtol=1e-8)


@_PROPERTY_SETTINGS
@given(X=_matrices)
def test_robust_gives_median_zero(X):
    Z = RobustScaler().fit_transform(X)
    np.testing.assert_allclose(np.median(Z, axis=0), 0.0, atol=1e-9)


# --- bad input --------------------------------------------------------------

ALL_SCALERS = [MinMaxScaler, StandardScaler, RobustScaler]


@pytest.mark.parametrize("cls", ALL_SCALERS)
def test_transform_before_fit(cls):
    with pytest.raises(NotFittedError, match=f"{cls.__name__} is not fitted"):
        cls().transform(np.ones((2, 2)))
    with pytest.raises(ValueError, match="not fitted"):
        cls().inverse_transform(np.ones((2, 2)))


@pytest.mark.parametrize("cls", ALL_SCALERS)
def test_wrong_number_of_features_names_both(cls):
    scaler = cls().fit(np.arange(6.0).reshape(3, 2))
    with pytest.raises(ValueError, match="X has 3 features.* fitted with 2 features"):
        scaler.transform(np.ones((4, 3)))
    with pytest.raises(ValueError, match="X has 1 features.* fitted with 2 features"):
        scaler.inverse_transform(np.ones((4, 1)))


@pytest.mark.parametrize("cls", ALL_SCALERS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_input(cls, bad):
    X = np.arange(6.0).reshape(3, 2)
    X_bad = X.copy()
    X_bad[1, 1] = bad
    with pytest.raises(ValueError, match="X contains NaN or infinity"):
        cls().fit(X_bad)
    with pytest.raises(ValueError, match="X contains NaN or infinity"):
        cls().fit(X).transform(X_bad)


@pytest.mark.parametrize("cls", ALL_SCALERS)
def test_shapes_and_types(cls):
    with pytest.raises(ValueError, match="X must be 2-dimensional, got shape"):
        cls().fit(np.arange(4.0))
    with pytest.raises(ValueError, match="X must have at least one sample"):
        cls().fit(np.ones((0, 3)))
    with pytest.raises(TypeError, match="X must hold numbers"):
        cls().fit([["a", "b"]])


@pytest.mark.parametrize("rng_", [(1, 1), (2, 0), (0,), "01", (0, np.inf)])
def test_bad_feature_range(rng_):
    with pytest.raises((ValueError, TypeError), match="feature_range"):
        MinMaxScaler(feature_range=rng_).fit(np.ones((2, 1)))


@pytest.mark.parametrize("q", [(75, 25), (-1, 50), (50, 101), (30, 30)])
def test_bad_quantile_range(q):
    with pytest.raises(ValueError, match="quantile_range"):
        RobustScaler(quantile_range=q).fit(np.ones((2, 1)))
