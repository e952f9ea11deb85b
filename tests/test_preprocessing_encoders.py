"""Categorical encodings and feature hashing of nnlearn.preprocessing."""

import numpy as np
import pytest

from nnlearn.preprocessing import (
    NotFittedError,
    OrdinalEncoder,
    TargetEncoder,
    hash_features,
    murmurhash3_32,
    one_hot,
)

sk_pre = pytest.importorskip("sklearn.preprocessing")


# --- one-hot ----------------------------------------------------------------

def test_one_hot_matches_sklearn():
    labels = np.random.default_rng(0).integers(0, 5, size=30)
    expected = sk_pre.OneHotEncoder(categories=[np.arange(5)], sparse_output=False) \
        .fit_transform(labels[:, None])
    np.testing.assert_array_equal(one_hot(labels), expected)
    assert one_hot(labels).dtype == np.float64


def test_one_hot_by_hand_and_num_classes():
    np.testing.assert_array_equal(one_hot([2, 0]), [[0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(one_hot([1, 1], num_classes=4), [[0, 1, 0, 0]] * 2)
    encoded = one_hot(np.array([3, 1, 0], dtype=np.int8))
    np.testing.assert_array_equal(encoded.sum(axis=1), 1.0)
    np.testing.assert_array_equal(encoded.argmax(axis=1), [3, 1, 0])


def test_one_hot_bad_input():
    with pytest.raises(TypeError, match="labels must hold integer"):
        one_hot([0.0, 1.0])
    with pytest.raises(TypeError, match="labels must hold integer"):
        one_hot(["red", "blue"])
    with pytest.raises(ValueError, match="labels must be >= 0"):
        one_hot([0, -1])
    with pytest.raises(ValueError, match="labels must be < num_classes=2, got 2"):
        one_hot([0, 2], num_classes=2)
    with pytest.raises(ValueError, match="labels must be a non-empty 1-dimensional"):
        one_hot([[0, 1]])
    with pytest.raises(ValueError, match="num_classes"):
        one_hot([0], num_classes=0)


# --- ordinal encoding ---------------------------------------------------------

def test_ordinal_encoder_sorts_categories():
    enc = OrdinalEncoder()
    codes = enc.fit_transform(["red", "blue", "green", "blue"])
    np.testing.assert_array_equal(codes, [2, 0, 1, 0])
    assert enc.categories_[0].tolist() == ["blue", "green", "red"]
    assert codes.ndim == 1 and np.issubdtype(codes.dtype, np.integer)
    np.testing.assert_array_equal(enc.inverse_transform(codes), ["red", "blue", "green", "blue"])
    np.testing.assert_array_equal(one_hot(codes)[0], [0, 0, 1])


def test_ordinal_encoder_matches_sklearn_2d():
    rng = np.random.default_rng(1)
    X = np.column_stack([rng.choice(["cat", "dog", "emu", "ant"], 25),
                         rng.choice(["S", "M", "L"], 25)])
    ours, theirs = OrdinalEncoder().fit(X), sk_pre.OrdinalEncoder().fit(X)
    np.testing.assert_array_equal(ours.transform(X), theirs.transform(X))
    for a, b in zip(ours.categories_, theirs.categories_, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ours.inverse_transform(ours.transform(X)), X)
    numbers = rng.integers(-3, 3, size=(20, 2)) * 10
    np.testing.assert_array_equal(OrdinalEncoder().fit_transform(numbers),
                                  sk_pre.OrdinalEncoder().fit_transform(numbers))


def test_ordinal_encoder_errors():
    enc = OrdinalEncoder().fit([["a", "x"], ["b", "y"]])
    with pytest.raises(ValueError, match=r"X column 1 contains categories not seen in fit: "
                                         r"\['z'\]"):
        enc.transform([["a", "z"]])
    with pytest.raises(ValueError, match="X has 1 features, but this OrdinalEncoder was "
                                         "fitted with 2"):
        enc.transform(["a"])
    with pytest.raises(ValueError, match=r"codes column 0 must lie in \[0, 2\)"):
        enc.inverse_transform([[2, 0]])
    with pytest.raises(TypeError, match="codes must be integers"):
        enc.inverse_transform([[0.0, 1.0]])
    with pytest.raises(NotFittedError, match="OrdinalEncoder is not fitted"):
        OrdinalEncoder().transform(["a"])
    with pytest.raises(ValueError, match="X contains NaN"):
        OrdinalEncoder().fit([1.0, np.nan])
    with pytest.raises(ValueError, match="X must be a non-empty 1- or 2-dimensional"):
        OrdinalEncoder().fit(np.zeros((2, 2, 2)))


# --- target encoding -----------------------------------------------------------

def _reference_out_of_fold(categories, y, folds, smoothing):
    """Out-of-fold smoothed means, row by row, written from the definition."""
    out = np.empty(len(y))
    for i in range(len(y)):
        train = [r for r in range(len(y)) if folds[r] != folds[i]]
        prior = np.mean([y[r] for r in train])
        same = [y[r] for r in train if categories[r] == categories[i]]
        out[i] = (sum(same) + smoothing * prior) / (len(same) + smoothing)
    return out


def test_target_encoder_smoothing_by_hand():
    # mean of y is 14/3; with m = 2:
    #   a: (1 + 3 + 2 * 14/3) / (2 + 2) = 10/3,  b: (10 + 2 * 14/3) / (1 + 2) = 58/9
    enc = TargetEncoder(smoothing=2.0).fit(["a", "a", "b"], [1.0, 3.0, 10.0])
    assert enc.target_mean_ == pytest.approx(14 / 3)
    np.testing.assert_allclose(enc.encodings_[0], [10 / 3, 58 / 9])
    np.testing.assert_allclose(enc.transform(["b", "a"]), [58 / 9, 10 / 3])
    plain = TargetEncoder(smoothing=0.0).fit(["a", "a", "b"], [1.0, 3.0, 10.0])
    np.testing.assert_allclose(plain.encodings_[0], [2.0, 10.0])


@pytest.mark.parametrize("shuffle", [False, True])
def test_target_encoder_out_of_fold_matches_reference(shuffle):
    rng = np.random.default_rng(3)
    categories = rng.choice(["a", "b", "c", "d", "e"], size=23, p=[.4, .3, .2, .07, .03])
    y = rng.normal(size=23) + (categories == "a")
    enc = TargetEncoder(n_splits=4, smoothing=1.5, shuffle=shuffle, rng=7)
    encoded = enc.fit_transform(categories, y)
    np.testing.assert_array_equal(np.bincount(enc.folds_), [6, 6, 6, 5])
    if not shuffle:
        np.testing.assert_array_equal(enc.folds_, np.repeat(np.arange(4), [6, 6, 6, 5]))
    expected = _reference_out_of_fold(categories, y, enc.folds_, 1.5)
    np.testing.assert_allclose(encoded, expected, rtol=1e-12)
    # transform uses all the data, so it differs from the out-of-fold values
    assert not np.allclose(enc.transform(categories), encoded)


def test_target_encoder_matches_sklearn_with_kfold():
    model_selection = pytest.importorskip("sklearn.model_selection")
    rng = np.random.default_rng(4)
    X = np.column_stack([rng.integers(0, 6, 60), rng.integers(0, 3, 60)])
    y = rng.normal(size=60) + X[:, 0]
    ours = TargetEncoder(n_splits=5, smoothing=3.0, shuffle=False)
    theirs = sk_pre.TargetEncoder(smooth=3.0, cv=model_selection.KFold(5),
                                  target_type="continuous")
    np.testing.assert_allclose(ours.fit_transform(X, y), theirs.fit_transform(X, y),
                               rtol=1e-12)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=1e-12)


def test_target_encoder_never_uses_own_target():
    rng = np.random.default_rng(5)
    categories = rng.integers(0, 4, size=40)
    y = rng.normal(size=40)
    first = TargetEncoder(rng=11).fit_transform(categories, y)
    y_changed = y.copy()
    y_changed[17] += 100.0
    second = TargetEncoder(rng=11).fit_transform(categories, y_changed)
    assert first[17] == second[17]
    assert not np.allclose(first, second)       # other rows do see y[17]


def test_target_encoder_category_missing_from_training_folds_gets_their_mean():
    categories = ["rare", "x", "x", "x", "x", "x"]
    y = np.array([100.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    encoded = TargetEncoder(n_splits=2, shuffle=False).fit_transform(categories, y)
    assert encoded[0] == pytest.approx(np.mean([4.0, 5.0, 3.0]))   # fold 1 = rows 3, 4, 5


def test_target_encoder_unknown_categories():
    enc = TargetEncoder().fit(["a", "b", "a"], [1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match=r"X column 0 contains categories not seen in fit: "
                                         r"\['c'\]"):
        enc.transform(["a", "c"])
    prior = TargetEncoder(handle_unknown="prior").fit(["a", "b", "a"], [1.0, 0.0, 1.0])
    assert prior.transform(["c"])[0] == pytest.approx(2 / 3)


def test_target_encoder_bad_input():
    X, y = ["a", "b", "a"], [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="n_splits must be >= 2"):
        TargetEncoder(n_splits=1).fit_transform(X, y)
    with pytest.raises(ValueError, match="n_splits must be <= the number of samples 3"):
        TargetEncoder(n_splits=4).fit_transform(X, y)
    with pytest.raises(ValueError, match="smoothing must be >= 0"):
        TargetEncoder(smoothing=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="handle_unknown"):
        TargetEncoder(handle_unknown="ignore").fit(X, y)
    with pytest.raises(ValueError, match="X and y must have the same number of samples, "
                                         "got 3 and 2"):
        TargetEncoder().fit(X, [1.0, 2.0])
    with pytest.raises(ValueError, match="y contains NaN"):
        TargetEncoder().fit(X, [1.0, np.nan, 2.0])
    with pytest.raises(NotFittedError, match="TargetEncoder is not fitted"):
        TargetEncoder().transform(X)


# --- feature hashing -------------------------------------------------------------

# Published MurmurHash3_x86_32 test vectors (key, seed, unsigned hash).
MURMUR_VECTORS = [
    ("", 0, 0x00000000),
    ("", 1, 0x514E28B7),
    ("", 0xFFFFFFFF, 0x81F16F39),
    ("test", 0, 0xBA6BD213),
    ("aaaa", 0x9747B28C, 0x5A97808A),
    ("Hello, world!", 0, 0xC0363E43),
    ("The quick brown fox jumps over the lazy dog", 0, 0x2E4FF723),
]


@pytest.mark.parametrize("key, seed, unsigned", MURMUR_VECTORS)
def test_murmurhash_known_values(key, seed, unsigned):
    signed = unsigned - 2**32 if unsigned >= 2**31 else unsigned
    assert murmurhash3_32(key, seed=seed) == signed
    assert murmurhash3_32(key.encode(), seed=seed) == signed


def test_murmurhash_matches_sklearn():
    sk_utils = pytest.importorskip("sklearn.utils")
    keys = ["", "a", "ab", "abc", "abcd", "abcde", "naïve café", "日本語", "x" * 33]
    for key in keys:
        for seed in (0, 42, 2**32 - 1):
            assert murmurhash3_32(key, seed) == sk_utils.murmurhash3_32(key, seed=seed)


def test_hash_features_pinned_values():
    # Pinned outputs: any change of the hash function makes this test fail.
    rows = [{"city": "Paris", "rooms": 3}, {"city": "Rome", "rooms": 1.5}]
    expected = np.zeros((2, 8))
    expected[0, 1], expected[0, 5] = -1.0, -3.0     # "city=Paris", "rooms"
    expected[1, 7], expected[1, 5] = +1.0, -1.5     # "city=Rome", "rooms"
    np.testing.assert_array_equal(hash_features(rows, n_features=8), expected)
    np.testing.assert_array_equal(hash_features([["the", "cat", "the"]], 16, signed=False),
                                  [[0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, 0]])
    assert murmurhash3_32("the") == -1132748958       # |h| % 16 = 14
    assert murmurhash3_32("cat") == 1751422759        # |h| % 16 = 7


@pytest.mark.parametrize("signed", [True, False])
def test_hash_features_matches_sklearn(signed):
    feature_extraction = pytest.importorskip("sklearn.feature_extraction")
    rng = np.random.default_rng(6)
    words = [f"w{k}" for k in range(40)]
    docs = [list(rng.choice(words, size=rng.integers(0, 12))) for _ in range(15)]
    hasher = feature_extraction.FeatureHasher(32, input_type="string", alternate_sign=signed)
    np.testing.assert_array_equal(hash_features(docs, 32, signed=signed),
                                  hasher.transform(docs).toarray())
    dicts = [{w: float(rng.normal()) for w in rng.choice(words, 5)} | {"colour": "red"}
             for _ in range(10)]
    hasher = feature_extraction.FeatureHasher(16, input_type="dict", alternate_sign=signed)
    np.testing.assert_allclose(hash_features(dicts, 16, signed=signed),
                               hasher.transform(dicts).toarray(), rtol=1e-15)


def test_hash_features_collision_with_few_columns():
    # Three features in two columns: by the pigeonhole principle two must share a column.
    one_each = hash_features([["cat"], ["dog"], ["fish"]], n_features=2, signed=False)
    columns = one_each.argmax(axis=1)
    assert len(set(columns.tolist())) < 3
    together = hash_features([["cat", "dog", "fish"]], n_features=2, signed=False)
    assert together.max() >= 2.0          # the colliding features add up in one cell
    np.testing.assert_array_equal(together, [[0.0, 3.0]])   # here all three collide


def test_hash_features_bad_input():
    with pytest.raises(TypeError, match=r"rows\[0\] is a single string"):
        hash_features(["the cat sat"], 8)
    with pytest.raises(TypeError, match="rows must be a list"):
        hash_features("the cat", 8)
    with pytest.raises(ValueError, match="rows must contain at least one row"):
        hash_features([], 8)
    with pytest.raises(ValueError, match="n_features must be >= 1"):
        hash_features([["a"]], 0)
    with pytest.raises(ValueError, match=r"rows\[1\] feature 'x' must have a finite number"):
        hash_features([{"x": 1.0}, {"x": np.nan}], 4)
    with pytest.raises(TypeError, match=r"rows\[0\] has a feature name that is not a string"):
        hash_features([{3: 1.0}], 4)
    with pytest.raises(TypeError, match="key must be str or bytes"):
        murmurhash3_32(12)
    with pytest.raises(ValueError, match="seed must be <="):
        murmurhash3_32("a", seed=2**32)
