"""Tests for nnlearn.perceptron: the Rosenblatt rule, its record, Novikoff's bound."""

from __future__ import annotations

import numpy as np
import pytest

from nnlearn.perceptron import Perceptron, PerceptronUpdate

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([-1, 1, 1, -1])


def separable_data(seed: int, n: int = 60, margin: float = 0.3):
    """Points in a disk, labelled by a known line, with a band of width 2*margin removed.

    Returns X, y, and (u, c): the separating hyperplane u.x + c = 0, ||u|| = 1.
    """
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, 2 * np.pi)
    u = np.array([np.cos(angle), np.sin(angle)])
    c = rng.uniform(-0.5, 0.5)
    X = rng.uniform(-3, 3, size=(20 * n, 2))
    s = X @ u + c
    keep = np.abs(s) >= margin
    X, s = X[keep][:n], s[keep][:n]
    return X, np.where(s > 0, 1, -1), (u, c)


def test_first_update_by_hand():
    p = Perceptron(lr=0.5).fit(np.array([[1.0, 2.0]]), np.array([1]))
    # w = 0 gives y (w.x + b) = 0 <= 0: a mistake, so w = 0.5 * 1 * x, b = 0.5 * 1.
    first = p.history[0]
    assert isinstance(first, PerceptronUpdate)
    assert (first.step, first.epoch, first.index) == (1, 0, 0)
    np.testing.assert_array_equal(first.w, [0.5, 1.0])
    assert first.b == 0.5
    assert p.n_updates == 1 and p.converged and p.n_epochs == 2


def test_history_replays_the_rule():
    X, y, _ = separable_data(1)
    lr = 0.7
    p = Perceptron(lr=lr).fit(X, y)
    w, b = np.zeros(2), 0.0
    for k, upd in enumerate(p.history, start=1):
        i = upd.index
        assert upd.step == k
        assert y[i] * (X[i] @ w + b) <= 0          # the sample was misclassified
        w, b = w + lr * y[i] * X[i], b + lr * y[i]
        np.testing.assert_allclose(upd.w, w, rtol=1e-12)
        assert upd.b == pytest.approx(b)
    np.testing.assert_allclose(p.w, w, rtol=1e-12)
    assert p.b == pytest.approx(b)
    # Update epochs never decrease and indices within an epoch increase (samples in order).
    pairs = [(u.epoch, u.index) for u in p.history]
    assert pairs == sorted(pairs)


@pytest.mark.parametrize("seed", range(6))
def test_converges_on_separable_data_within_novikoff_bound(seed):
    X, y, (u, c) = separable_data(seed)
    p = Perceptron().fit(X, y, epochs=1000)
    assert p.converged
    np.testing.assert_array_equal(p.predict(X), y)
    assert np.all(y * p.decision_function(X) > 0)
    # Novikoff on augmented points (x, 1): unit separator (u, c)/||(u, c)||.
    X_aug = np.hstack([X, np.ones((len(X), 1))])
    v = np.append(u, c) / np.linalg.norm(np.append(u, c))
    margin = np.min(y * (X_aug @ v))
    longest = np.max(np.linalg.norm(X_aug, axis=1))      # the longest input (x, 1)
    assert margin > 0
    assert 1 <= p.n_updates <= (longest / margin) ** 2


def test_bound_on_a_tight_case():
    # Two points at distance 1 from the line x1 = 0, each of length sqrt(2) with the bias
    # coordinate: the bound (longest / margin)^2 = 2 allows at most two updates.
    X = np.array([[1.0, 0.0], [-1.0, 0.0]])
    y = np.array([1, -1])
    p = Perceptron().fit(X, y)
    assert p.converged and p.n_updates == 2  # the bound is attained here


def test_learning_rate_only_scales_the_weights():
    X, y, _ = separable_data(3)
    a = Perceptron(lr=1.0).fit(X, y)
    b = Perceptron(lr=0.01).fit(X, y)
    assert a.n_updates == b.n_updates
    assert [u.index for u in a.history] == [u.index for u in b.history]
    np.testing.assert_allclose(b.w, 0.01 * a.w, rtol=1e-9)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_matches_sklearn_perceptron():
    sk = pytest.importorskip("sklearn.linear_model")
    X, y, _ = separable_data(4)
    ours = Perceptron().fit(X, y, epochs=200)
    assert ours.converged
    ref = sk.Perceptron(eta0=1.0, shuffle=False, tol=None, max_iter=200, penalty=None,
                        alpha=0.0).fit(X, y)
    np.testing.assert_allclose(ours.w, ref.coef_[0], rtol=1e-10, atol=1e-12)
    assert ours.b == pytest.approx(ref.intercept_[0])


def test_xor_never_converges():
    p = Perceptron().fit(XOR_X, XOR_Y, epochs=50)
    assert not p.converged
    assert p.n_epochs == 50
    assert np.mean(p.predict(XOR_X) == XOR_Y) < 1.0


def test_max_updates_stops_early():
    p = Perceptron().fit(XOR_X, XOR_Y, epochs=1000, max_updates=7)
    assert p.n_updates == 7 and not p.converged
    np.testing.assert_array_equal(p.w, p.history[-1].w)


def test_zero_one_labels_give_the_same_updates():
    X, y, _ = separable_data(5)
    pm = Perceptron().fit(X, y)
    zo = Perceptron().fit(X, (y + 1) // 2)
    assert zo.classes == (0, 1) and pm.classes == (-1, 1)
    np.testing.assert_array_equal(zo.w, pm.w)
    np.testing.assert_array_equal(zo.predict(X), (y + 1) // 2)
    assert set(np.unique(pm.predict(X))) <= {-1, 1}


def test_float32_stays_float32():
    X, y, _ = separable_data(2)
    p = Perceptron(lr=0.1).fit(X.astype(np.float32), y)
    assert p.w.dtype == np.float32
    assert p.decision_function(X.astype(np.float32)).dtype == np.float32


def test_refit_resets_history():
    X, y, _ = separable_data(0)
    p = Perceptron().fit(XOR_X, XOR_Y, epochs=3)
    p.fit(X, y)
    assert p.converged and all(u.w.shape == (2,) for u in p.history)
    assert p.history[0].step == 1


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"y": np.array([1, 2, 1, 2])}, "y"),
    ({"y": np.array([1, -1, 1])}, "y"),
    ({"X": np.array([1.0, 2.0, 3.0, 4.0])}, "X"),
    ({"X": np.zeros((0, 2)), "y": np.zeros(0)}, "X"),
    ({"epochs": 0}, "epochs"),
    ({"max_updates": 0}, "max_updates"),
])
def test_bad_fit_input(kwargs, match):
    args = {"X": XOR_X, "y": XOR_Y} | kwargs
    X, y = args.pop("X"), args.pop("y")
    with pytest.raises(ValueError, match=match):
        Perceptron().fit(X, y, **args)


def test_bad_lr_and_unfitted_predict():
    with pytest.raises(ValueError, match="lr"):
        Perceptron(lr=0.0)
    with pytest.raises(RuntimeError, match="fit"):
        Perceptron().predict(XOR_X)
    p = Perceptron().fit(XOR_X, XOR_Y, epochs=2)
    with pytest.raises(ValueError, match="X must have 2 columns, got 3"):
        p.predict(np.ones((2, 3)))
