"""Tests for nnlearn.datasets."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlearn import datasets as ds

CLASSIFIERS = {
    "xor": lambda rng: ds.xor(n_per_cluster=10, rng=rng),
    "spirals": lambda rng: ds.spirals(n_per_class=20, n_classes=3, rng=rng),
    "circles": lambda rng: ds.circles(n=41, rng=rng),
    "moons": lambda rng: ds.moons(n=41, rng=rng),
    "linearly_separable": lambda rng: ds.linearly_separable(n=41, rng=rng),
    "blobs": lambda rng: ds.blobs(n_per_class=15, centers=4, rng=rng),
}
REGRESSORS = {
    "noisy_line": lambda rng: ds.noisy_line(n=25, rng=rng),
    "noisy_curve": lambda rng: ds.noisy_curve(n=25, rng=rng),
}
ALL = {**CLASSIFIERS, **REGRESSORS}


# ---------------------------------------------------------------- common contract

@pytest.mark.parametrize("name", sorted(ALL))
def test_same_seed_same_data_other_seed_other_data(name):
    X1, y1 = ALL[name](0)
    X2, y2 = ALL[name](0)
    X3, _ = ALL[name](1)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", sorted(ALL))
def test_generator_accepted_and_advanced(name):
    gen = np.random.default_rng(5)
    X1, _ = ALL[name](gen)
    X2, _ = ALL[name](gen)
    assert not np.array_equal(X1, X2)
    X3, _ = ALL[name](np.random.default_rng(5))
    assert np.array_equal(X1, X3)


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_classification_shapes_dtypes_and_balance(name):
    X, y = CLASSIFIERS[name](3)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.ndim == 2 and y.shape == (X.shape[0],)
    _, counts = np.unique(y, return_counts=True)
    assert counts.max() - counts.min() <= 1
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", sorted(REGRESSORS))
def test_regression_shapes_dtypes(name):
    X, y = REGRESSORS[name](3)
    assert X.shape == (25, 1) and y.shape == (25,)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert np.all(np.diff(X[:, 0]) >= 0)       # documented: sorted by x


def test_shuffle_false_groups_rows_by_class_and_shuffle_true_mixes():
    _, y = ds.spirals(n_per_class=30, n_classes=3, shuffle=False, rng=0)
    assert np.array_equal(y, np.repeat([0, 1, 2], 30))
    _, y = ds.spirals(n_per_class=30, n_classes=3, shuffle=True, rng=0)
    assert not np.all(np.diff(y) >= 0)
    assert np.array_equal(np.bincount(y), [30, 30, 30])


# ---------------------------------------------------------------- regression sets

def test_noisy_line_without_noise_is_exactly_the_line():
    X, y = ds.noisy_line(n=40, slope=-1.5, intercept=3.0, noise=0.0, x_range=(-2, 5), rng=1)
    assert np.allclose(y, -1.5 * X[:, 0] + 3.0)
    assert X.min() >= -2 and X.max() <= 5


def test_noisy_line_least_squares_recovers_line_and_noise_level():
    X, y = ds.noisy_line(n=4000, slope=2.0, intercept=1.0, noise=0.5, rng=2)
    A = np.column_stack([X[:, 0], np.ones(len(y))])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    assert np.allclose(coef, [2.0, 1.0], atol=0.03)
    assert abs(np.std(y - A @ coef) - 0.5) < 0.03


def test_noisy_line_outlier_moves_only_last_point():
    X0, y0 = ds.noisy_line(n=20, outlier=None, rng=7)
    X1, y1 = ds.noisy_line(n=20, outlier=50.0, rng=7)
    assert np.array_equal(X0, X1)
    assert np.array_equal(y0[:-1], y1[:-1])
    assert y1[-1] == pytest.approx(y0[-1] + 50.0)
    assert X1[-1, 0] == X1[:, 0].max()


def test_noisy_curve_truth_and_noise_free_samples():
    x = np.array([0.0, 0.25, 0.5, 0.75])
    assert np.allclose(ds.noisy_curve_truth(x), [0.0, 1.0, 0.0, -1.0], atol=1e-15)
    assert ds.noisy_curve_truth(np.float32([0.1])).dtype == np.float32
    X, y = ds.noisy_curve(n=30, noise=0.0, rng=0)
    assert np.allclose(y, np.sin(2 * np.pi * X[:, 0]))
    X, y = ds.noisy_curve(n=5000, noise=0.3, rng=0)
    assert abs(np.std(y - ds.noisy_curve_truth(X[:, 0])) - 0.3) < 0.02


# ---------------------------------------------------------------- classification sets

def test_xor_table_values():
    X, y = ds.xor_table()
    assert np.array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert np.array_equal(y, [0, 1, 1, 0])
    assert np.array_equal(y, np.logical_xor(X[:, 0], X[:, 1]))
    assert X.dtype == np.float64 and y.dtype == np.int64


def test_xor_noise_free_is_the_table_and_labels_follow_corners():
    X, y = ds.xor(n_per_cluster=1, noise=0.0, shuffle=False, rng=0)
    Xt, yt = ds.xor_table()
    assert np.array_equal(X, Xt) and np.array_equal(y, yt)
    X, y = ds.xor(n_per_cluster=200, noise=0.1, rng=0)
    assert X.shape == (800, 2)
    corner = (X > 0.5).astype(int)                   # nearest corner, nearly always right
    agree = np.mean(y == (corner[:, 0] ^ corner[:, 1]))
    assert agree > 0.99


def test_spirals_noise_free_geometry():
    K, n = 4, 50
    X, y = ds.spirals(n_per_class=n, n_classes=K, noise=0.0, turns=1.5, shuffle=False, rng=0)
    assert X.shape == (K * n, 2)
    assert set(np.unique(y)) == set(range(K))
    r = np.linalg.norm(X, axis=1)
    assert np.allclose(r, np.tile(np.linspace(0, 1, n), K))
    # arm k is arm 0 rotated by 2*pi*k/K
    arm0 = X[y == 0]
    for k in range(1, K):
        a = 2 * np.pi * k / K
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        assert np.allclose(X[y == k], arm0 @ rot.T)


def _on_circles(X, y, factor):
    r = np.linalg.norm(X, axis=1)
    return np.allclose(r[y == 0], 1.0) and np.allclose(r[y == 1], factor)


def _on_moons(X, y):
    upper, lower = X[y == 0], X[y == 1]
    centred = lower - [1.0, 0.5]
    return bool(np.allclose(np.linalg.norm(upper, axis=1), 1.0)
                and np.all(upper[:, 1] >= -1e-12)
                and np.allclose(np.linalg.norm(centred, axis=1), 1.0)
                and np.all(centred[:, 1] <= 1e-12))


def test_circles_radii_and_class_sizes():
    X, y = ds.circles(n=101, noise=0.0, factor=0.3, shuffle=False, rng=0)
    assert _on_circles(X, y, 0.3)
    assert not _on_circles(X, 1 - y, 0.3)
    assert np.array_equal(np.bincount(y), [50, 51])      # like sklearn: n // 2 outer


def test_moons_lie_on_their_half_circles():
    X, y = ds.moons(n=200, noise=0.0, rng=0)
    assert _on_moons(X, y)
    assert not _on_moons(X, 1 - y)


def test_circles_and_moons_follow_sklearn_layout():
    sk = pytest.importorskip("sklearn.datasets")
    Xs, ys = sk.make_moons(n_samples=101, noise=0.0, random_state=0)
    assert _on_moons(Xs, ys)
    assert np.array_equal(np.bincount(ys), np.bincount(ds.moons(n=101, rng=0)[1]))
    Xs, ys = sk.make_circles(n_samples=101, noise=0.0, factor=0.3, random_state=0)
    assert _on_circles(Xs, ys, 0.3)
    assert np.array_equal(np.bincount(ys), np.bincount(ds.circles(n=101, rng=0)[1]))


def test_blobs_centres_and_explicit_centres():
    X, y = ds.blobs(n_per_class=2000, centers=3, std=0.5, rng=0)
    means = np.array([X[y == k].mean(0) for k in range(3)])
    angle = 2 * np.pi * np.arange(3) / 3
    assert np.allclose(means, 4 * np.column_stack([np.cos(angle), np.sin(angle)]), atol=0.05)
    C = [[0, 0, 0], [1, 2, 3]]
    X, y = ds.blobs(n_per_class=3, centers=C, std=0.0, shuffle=False, rng=0)
    assert np.array_equal(X, np.repeat(np.asarray(C, float), 3, axis=0))
    assert np.array_equal(y, [0, 0, 0, 1, 1, 1])


@pytest.mark.parametrize("n_features", [1, 2, 5])
def test_linearly_separable_margin_holds_for_true_boundary(n_features):
    X, y, w, b = ds.linearly_separable(n=301, margin=0.3, n_features=n_features,
                                       return_boundary=True, rng=n_features)
    assert set(np.unique(y)) == {-1, 1}
    assert np.array_equal(np.bincount(y + 1), [151, 0, 150])
    assert np.linalg.norm(w) == pytest.approx(1.0)
    dist = y * (X @ w + b)
    assert dist.min() >= 0.3 - 1e-12
    assert dist.max() <= 0.3 + 1.0 + 1e-12
    assert dist.min() < 0.35                           # margin is attained, not just a bound


def test_linearly_separable_hard_margin_svm_margin_at_least_requested():
    svm = pytest.importorskip("sklearn.svm")
    X, y = ds.linearly_separable(n=200, margin=0.25, rng=4)
    clf = svm.SVC(kernel="linear", C=1e8).fit(X, y)
    w = clf.coef_[0]
    geometric = np.min(y * (X @ w + clf.intercept_[0])) / np.linalg.norm(w)
    assert np.all(clf.predict(X) == y)
    assert geometric >= 0.25 - 1e-6


# ---------------------------------------------------------------- digits

def test_load_digits_shapes_and_label_counts():
    pytest.importorskip("sklearn")
    X, y = ds.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16 and np.array_equal(X, np.round(X))
    assert np.array_equal(np.bincount(y),
                          [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    X2, y2, images = ds.load_digits(return_images=True)
    assert images.shape == (1797, 8, 8)
    assert np.array_equal(images.reshape(1797, 64), X) and np.array_equal(y2, y)


def test_load_digits_without_sklearn_says_so(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError("no sklearn")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match="scikit-learn"):
        ds.load_digits()


# ---------------------------------------------------------------- splitting

def _check_partition(parts_X, X):
    rows = np.concatenate(parts_X)
    assert len(rows) == len(X)
    assert np.array_equal(np.sort(rows), np.sort(X))   # every row exactly once


def test_split_sizes_no_overlap_and_alignment():
    n = 103
    X = np.arange(n, dtype=np.float32)[:, None] * [1.0, -1.0]
    X = X.astype(np.float32)
    y = np.arange(n) * 10
    Xtr, Xva, Xte, ytr, yva, yte = ds.train_val_test_split(X, y, val=0.2, test=0.1, rng=0)
    assert (len(Xtr), len(Xva), len(Xte)) == (103 - 21 - 10, 21, 10)
    _check_partition([Xtr[:, 0], Xva[:, 0], Xte[:, 0]], X[:, 0])
    for Xs, ys in [(Xtr, ytr), (Xva, yva), (Xte, yte)]:
        assert np.array_equal(Xs[:, 0] * 10, ys)          # X and y rows stay paired
        assert Xs.dtype == np.float32 and ys.dtype == y.dtype
    assert not np.all(np.diff(Xtr[:, 0]) > 0)             # shuffled


def test_split_reproducible_and_seed_dependent():
    X, y = np.arange(50.0)[:, None], np.arange(50)
    a = ds.train_val_test_split(X, y, rng=3)
    b = ds.train_val_test_split(X, y, rng=3)
    c = ds.train_val_test_split(X, y, rng=4)
    assert all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))
    assert not np.array_equal(a[0], c[0])


def test_split_zero_fraction_gives_empty_set_and_keeps_trailing_dims():
    X = np.zeros((20, 8, 8))
    y = np.arange(20)
    Xtr, Xva, Xte, *_ = ds.train_val_test_split(X, y, val=0.0, test=0.25, rng=0)
    assert Xtr.shape == (15, 8, 8) and Xva.shape == (0, 8, 8) and Xte.shape == (5, 8, 8)


@settings(max_examples=40, deadline=None)
@given(counts=st.lists(st.integers(1, 40), min_size=2, max_size=6),
       val=st.sampled_from([0.0, 0.1, 0.15, 0.3]),
       test=st.sampled_from([0.1, 0.15, 0.2, 0.33]),
       seed=st.integers(0, 2**16))
def test_stratified_split_keeps_proportions_within_one_sample(counts, val, test, seed):
    y = np.repeat(np.arange(len(counts)), counts)
    n = len(y)
    X = np.arange(n)
    try:
        parts = ds.train_val_test_split(X, y, val=val, test=test, stratify=True, rng=seed)
    except ValueError:                                    # set too small to split: fine
        return
    Xs, ys = parts[:3], parts[3:]
    _check_partition(Xs, X)
    for Xp, yp in zip(Xs, ys, strict=True):
        assert np.array_equal(y[Xp], yp)
        got = np.bincount(yp, minlength=len(counts))
        ideal = np.asarray(counts) * len(yp) / n
        assert np.all(np.abs(got - ideal) <= 1)


def test_stratified_split_on_digits_like_labels():
    y = np.repeat(np.arange(3), [60, 30, 10])
    X = np.arange(100)
    _, _, _, ytr, yva, yte = ds.train_val_test_split(X, y, val=0.2, test=0.2,
                                                     stratify=True, rng=1)
    assert np.array_equal(np.bincount(yva), [12, 6, 2])
    assert np.array_equal(np.bincount(yte), [12, 6, 2])
    assert np.array_equal(np.bincount(ytr), [36, 18, 6])


def test_stratified_split_string_labels():
    y = np.array(["cat"] * 10 + ["dog"] * 20)
    X = np.arange(30)
    _, Xva, _, _, yva, _ = ds.train_val_test_split(X, y, val=0.3, test=0.3,
                                                   stratify=True, rng=0)
    assert sorted(yva.tolist()) == ["cat"] * 3 + ["dog"] * 6


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("call, arg", [
    (lambda: ds.noisy_line(n=0), "n"),
    (lambda: ds.noisy_line(noise=-1.0), "noise"),
    (lambda: ds.noisy_line(n=1, outlier=5.0), "n"),
    (lambda: ds.noisy_line(x_range=(3, 1)), "x_range"),
    (lambda: ds.noisy_line(slope=np.nan), "slope"),
    (lambda: ds.noisy_curve(n=0), "n"),
    (lambda: ds.noisy_curve(noise=-0.1), "noise"),
    (lambda: ds.xor(n_per_cluster=0), "n_per_cluster"),
    (lambda: ds.xor(noise=-1), "noise"),
    (lambda: ds.spirals(n_per_class=0), "n_per_class"),
    (lambda: ds.spirals(n_classes=1), "n_classes"),
    (lambda: ds.spirals(turns=0.0), "turns"),
    (lambda: ds.circles(n=1), "n"),
    (lambda: ds.circles(factor=1.0), "factor"),
    (lambda: ds.circles(noise=-1), "noise"),
    (lambda: ds.moons(n=1), "n"),
    (lambda: ds.linearly_separable(margin=0.0), "margin"),
    (lambda: ds.linearly_separable(n_features=0), "n_features"),
    (lambda: ds.linearly_separable(spread=0.0), "spread"),
    (lambda: ds.blobs(centers=1), "centers"),
    (lambda: ds.blobs(centers=[[0.0, 1.0]]), "centers"),
    (lambda: ds.blobs(std=-1), "std"),
    (lambda: ds.train_val_test_split(np.zeros((5, 2)), np.zeros(4)), "X and y"),
    (lambda: ds.train_val_test_split(np.zeros((10, 2)), np.zeros(10), val=-0.1), "val"),
    (lambda: ds.train_val_test_split(np.zeros((10, 2)), np.zeros(10), test=1.0), "test"),
    (lambda: ds.train_val_test_split(np.zeros((10, 2)), np.zeros(10), val=0.5, test=0.5),
     "val \\+ test"),
    (lambda: ds.train_val_test_split(np.zeros((3, 2)), np.zeros(3), val=0.1), "val"),
    (lambda: ds.train_val_test_split(np.zeros((4, 2)), np.zeros((4, 2)), stratify=True),
     "y"),
])
def test_bad_values_raise_naming_the_argument(call, arg):
    with pytest.raises(ValueError, match=arg):
        call()


@pytest.mark.parametrize("call, arg", [
    (lambda: ds.noisy_line(n=2.5), "n"),
    (lambda: ds.xor(shuffle="yes"), "shuffle"),
    (lambda: ds.moons(rng="seed"), "rng"),
    (lambda: ds.load_digits(return_images=1), "return_images"),
    (lambda: ds.train_val_test_split(np.zeros(4), np.zeros(4), stratify=None), "stratify"),
])
def test_bad_types_raise_naming_the_argument(call, arg):
    with pytest.raises(TypeError, match=arg):
        call()
