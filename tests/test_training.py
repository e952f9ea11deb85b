"""Tests for nnlearn.training: the loop, its record, early stopping, divergence, checkpoints."""

from __future__ import annotations

import numpy as np
import pytest

from nnlearn.network import MLP
from nnlearn.optimizers import SGD, Adam
from nnlearn.regularization import EarlyStopping
from nnlearn.schedules import StepLR
from nnlearn.training import (
    History,
    TrainingDiverged,
    accuracy,
    confusion_matrix,
    evaluate,
    fit,
    get_loss,
    load_checkpoint,
    predict,
    run_epoch,
    save_checkpoint,
    train_step,
)

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def mse(out, y):
    """Mean over all entries of (out - y)^2, written here independently of nnlearn.losses."""
    return np.mean((out - y) ** 2)


def mse_grad(out, y):
    return 2 * (out - y) / out.size


MSE = (mse, mse_grad)


def blobs(n=60, seed=0):
    """Three well separated Gaussian classes in 2-D (independent of nnlearn.datasets)."""
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    y = np.arange(n) % 3
    return centers[y] + 0.5 * rng.standard_normal((n, 2)), y


# ---------------------------------------------------------------- the loop learns

def test_xor_classifier_reaches_full_accuracy():
    net = MLP([2, 4, 2], activation="tanh", output="softmax", rng=0)
    assert np.mean(net.predict(XOR_X) == XOR_Y) < 1.0       # not solved before training
    h = fit(net, "cross_entropy", SGD(net.params, lr=0.5), XOR_X, XOR_Y, epochs=300,
            batch_size=4, rng=0, verbose=False)
    np.testing.assert_array_equal(net.predict(XOR_X), XOR_Y)
    assert h.loss[-1] < 0.05 < h.loss[0]
    assert h.accuracy[-1] == 1.0


def test_linear_regression_recovers_the_line():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(64, 1))
    y = 3 * X + 1
    net = MLP([1, 1], rng=0)
    h = fit(net, MSE, SGD(net.params, lr=0.3), X, y, epochs=200, batch_size=16, rng=0,
            verbose=False)
    assert net.params[0][0, 0] == pytest.approx(3.0, abs=1e-4)
    assert net.params[1][0] == pytest.approx(1.0, abs=1e-4)
    assert h.loss[-1] < 1e-8
    assert np.all(np.diff(h.loss[:20]) < 0)
    assert h.accuracy == [] and h.val_accuracy == []         # regression: no accuracy


def test_one_full_batch_step_is_plain_gradient_descent():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    net = MLP([3, 4, 2], activation="tanh", rng=2)
    ref = MLP([3, 4, 2], activation="tanh", rng=2)
    out = ref.forward(X)
    ref.backward(mse_grad(out, y))
    expected = [p - 0.1 * g for p, g in zip(ref.params, ref.grads, strict=True)]
    ids = [id(p) for p in net.params]
    h = fit(net, MSE, SGD(net.params, lr=0.1), X, y, epochs=1, batch_size=6, shuffle=False,
            verbose=False)
    for p, e in zip(net.params, expected, strict=True):
        np.testing.assert_allclose(p, e, rtol=1e-12)
    assert [id(p) for p in net.params] == ids                  # updated in place
    assert h.loss[0] == pytest.approx(mse(out, y))             # loss before the step


def test_epoch_loss_and_accuracy_are_weighted_by_batch_size():
    # With a negligible learning rate the parameters stay put, so the epoch means of the
    # batch values must equal the values on all data even when the last batch is smaller.
    X, y = blobs(10, seed=3)
    net = MLP([2, 3, 3], output="softmax", rng=4)
    logits = net.forward(X)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    full_loss = -np.mean(log_p[np.arange(10), y])
    full_acc = np.mean(np.argmax(logits, axis=1) == y)
    h = fit(net, "cross_entropy", SGD(net.params, lr=1e-12), X, y, epochs=2, batch_size=3,
            rng=0, verbose=False)
    np.testing.assert_allclose(h.loss, full_loss, rtol=1e-9)
    np.testing.assert_allclose(h.accuracy, full_acc, rtol=1e-12)


@pytest.mark.parametrize("n, batch_size", [(10, 3), (9, 3), (10, 10), (10, 4)])
def test_drop_last_takes_the_batches_a_torch_dataloader_yields(n, batch_size):
    # the reference is the batch sizes torch.utils.data.DataLoader yields
    torch = pytest.importorskip("torch")
    for drop_last in (False, True):
        loader = torch.utils.data.DataLoader(range(n), batch_size=batch_size,
                                             drop_last=drop_last)
        want = [len(b) for b in loader]
        sizes = []

        def recording_mse(out, y, sizes=sizes):
            sizes.append(len(out))
            return mse(out, y)

        X = np.linspace(-1, 1, n)[:, None]
        net = MLP([1, 3, 1], rng=0)
        fit(net, (recording_mse, mse_grad), SGD(net.params, lr=0.1), X, X, epochs=2,
            batch_size=batch_size, drop_last=drop_last, rng=0, verbose=False)
        assert sizes == want * 2


def test_drop_last_trains_and_records_on_the_full_batches_only():
    X, y = blobs(11, seed=2)
    net = MLP([2, 4, 3], output="softmax", rng=1)
    twin = MLP([2, 4, 3], output="softmax", rng=1)
    h = fit(net, "cross_entropy", SGD(net.params, lr=0.5), X, y, epochs=1, batch_size=4,
            shuffle=False, drop_last=True, verbose=False)
    opt = SGD(twin.params, lr=0.5)
    values = [train_step(twin, "cross_entropy", opt, X[s:s + 4], y[s:s + 4])[0]
              for s in (0, 4)]                   # rows 8, 9, 10 are left out
    for p, q in zip(net.params, twin.params, strict=True):
        np.testing.assert_array_equal(p, q)
    assert h.loss[0] == pytest.approx(np.mean(values), rel=1e-15)


def test_drop_last_lets_a_batchnorm_network_train_when_one_row_is_left():
    X, y = blobs(9, seed=3)                      # 9 = 2 * 4 + 1: a last batch of one row
    net = MLP([2, 4, 3], output="softmax", batch_norm=True, rng=0)
    with pytest.raises(ValueError, match="drop_last=True"):
        fit(net, "cross_entropy", SGD(net.params, lr=0.1), X, y, batch_size=4,
            verbose=False)
    h = fit(net, "cross_entropy", SGD(net.params, lr=0.1), X, y, epochs=3, batch_size=4,
            drop_last=True, rng=0, verbose=False)
    assert len(h.loss) == 3 and np.isfinite(h.loss).all()


def test_run_epoch_drop_last():
    X, y = blobs(7, seed=0)
    net = MLP([2, 3, 3], output="softmax", rng=0)
    opt = SGD(net.params, lr=0.1)
    run_epoch(net, "cross_entropy", opt, X, y, 3, np.arange(7), drop_last=True)
    assert opt.t == 2
    with pytest.raises(TypeError, match="drop_last"):
        run_epoch(net, "cross_entropy", opt, X, y, 3, np.arange(7), drop_last=1)


def test_train_step_returns_the_batch_loss_and_output():
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
    net = MLP([2, 2, 1], rng=0)
    before_out = net.forward(X).copy()
    before = mse(before_out, y)
    value, out = train_step(net, MSE, SGD(net.params, lr=0.05), X, y)
    assert value == pytest.approx(before)
    np.testing.assert_array_equal(out, before_out)
    assert mse(net.forward(X), y) < before


def test_float32_training_keeps_float32():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(8, 2)).astype(np.float32)
    y = rng.normal(size=(8, 1))                            # float64 targets are cast once
    net = MLP([2, 3, 1], rng=0, dtype=np.float32)
    opt = Adam(net.params, lr=0.01)
    fit(net, "mse", opt, X, y, epochs=3, batch_size=4, verbose=False)
    assert all(p.dtype == np.float32 for p in net.params)
    assert all(b.dtype == np.float32 for st in opt.state for b in st.values())


def test_run_epoch_follows_the_given_order():
    # The same batches in the same order give the same parameters as explicit steps.
    X, y = blobs(10, seed=4)
    a = MLP([2, 3, 3], output="softmax", rng=0)
    b = MLP([2, 3, 3], output="softmax", rng=0)
    order = np.array([9, 2, 5, 0, 1, 3, 4, 6, 7, 8])
    opt_a, opt_b = SGD(a.params, lr=0.3), SGD(b.params, lr=0.3)
    loss_pair = get_loss("cross_entropy")
    mean_loss, acc = run_epoch(a, loss_pair, opt_a, X, y, 4, order, rule="argmax")
    values = [train_step(b, loss_pair, opt_b, X[idx], y[idx])[0]
              for idx in (order[:4], order[4:8], order[8:])]
    assert mean_loss == pytest.approx((4 * values[0] + 4 * values[1] + 2 * values[2]) / 10)
    assert 0.0 <= acc <= 1.0
    for p, q in zip(a.params, b.params, strict=True):
        np.testing.assert_array_equal(p, q)


# ---------------------------------------------------------------- the record

def test_same_seed_same_history_bit_for_bit():
    X, y = blobs(40, seed=6)

    def run():
        net = MLP([2, 8, 3], output="softmax", rng=1, dropout=0.3)
        opt = Adam(net.params, lr=0.01)
        h = fit(net, "cross_entropy", opt, X, y, epochs=6, batch_size=8, rng=9,
                validation=(X[:10], y[:10]), schedule=StepLR(opt, 2, 0.5), verbose=False)
        return h, net

    (h1, n1), (h2, n2) = run(), run()
    for key in ("epoch", "loss", "val_loss", "accuracy", "val_accuracy", "lr"):
        assert getattr(h1, key) == getattr(h2, key), key
    for p, q in zip(n1.params, n2.params, strict=True):
        np.testing.assert_array_equal(p, q)
    other = MLP([2, 8, 3], output="softmax", rng=1, dropout=0.3)
    h3 = fit(other, "cross_entropy", Adam(other.params, lr=0.01), X, y, epochs=6,
             batch_size=8, rng=10, verbose=False)
    assert h3.loss != h1.loss                                  # the seed matters


def test_history_lists_and_schedule_once_per_epoch():
    X, y = blobs(30)
    net = MLP([2, 5, 3], output="softmax", rng=0)
    opt = SGD(net.params, lr=0.4)
    h = fit(net, "cross_entropy", opt, X, y, epochs=5, batch_size=7,
            validation=(X[:9], y[:9]), schedule=StepLR(opt, step_size=2, gamma=0.5),
            verbose=False)
    assert isinstance(h, History) and len(h) == 5
    assert h.epoch == [1, 2, 3, 4, 5]
    assert h.lr == [0.4, 0.4, 0.2, 0.2, 0.1]                 # torch's StepLR per epoch
    assert opt.lr == 0.1                                     # after 5 steps: 0.4 * 0.5**2
    for key in ("loss", "val_loss", "accuracy", "val_accuracy", "time"):
        assert len(getattr(h, key)) == 5, key
    assert all(t >= 0 for t in h.time)
    assert set(h.as_dict()) == {"epoch", "loss", "val_loss", "accuracy", "val_accuracy",
                                "lr", "time"}
    assert not h.stopped_early
    assert h.best_epoch == h.epoch[int(np.argmin(h.val_loss))]
    # The recorded validation values are those of the final weights after the last epoch.
    final = evaluate(net, "cross_entropy", X[:9], y[:9])
    assert final["loss"] == pytest.approx(h.val_loss[-1], rel=1e-12)
    assert final["accuracy"] == h.val_accuracy[-1]


def test_verbose_prints_one_line_per_epoch_to_stdout(capsys):
    X, y = blobs(12)
    net = MLP([2, 3, 3], output="softmax", rng=0)
    fit(net, "cross_entropy", SGD(net.params, lr=0.1), X, y, epochs=3,
        validation=(X, y), verbose=True)
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("epoch 1/3") and "(val " in lines[0]
    assert captured.err == ""


def test_initial_epoch_numbers_the_epochs():
    X, y = blobs(12)
    net = MLP([2, 3, 3], output="softmax", rng=0)
    h = fit(net, "cross_entropy", SGD(net.params, lr=0.1), X, y, epochs=2, initial_epoch=4,
            verbose=False)
    assert h.epoch == [5, 6]


def test_callback_sees_every_epoch_and_can_stop():
    X, y = blobs(12)
    net = MLP([2, 3, 3], output="softmax", rng=0)
    seen = []

    def callback(epoch, model, history):
        seen.append((epoch, model is net, len(history.loss), model.params[0].copy()))
        return epoch == 3

    h = fit(net, "cross_entropy", SGD(net.params, lr=0.1), X, y, epochs=10, callback=callback,
            verbose=False)
    assert [s[0] for s in seen] == [1, 2, 3]
    assert all(s[1] for s in seen) and [s[2] for s in seen] == [1, 2, 3]
    assert not np.array_equal(seen[0][3], seen[1][3])          # weights move between epochs
    assert h.epoch == [1, 2, 3] and h.stopped_early


# ---------------------------------------------------------------- early stopping

def test_early_stopping_restores_the_best_weights():
    # Overfit a tiny noisy training set; record the weights after every epoch.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 2))
    y = rng.integers(0, 3, size=12)                            # labels are pure noise
    Xv, yv = rng.normal(size=(30, 2)), rng.integers(0, 3, size=30)
    net = MLP([2, 32, 3], output="softmax", rng=0)
    snapshots = {}
    stopper = EarlyStopping(patience=3)
    h = fit(net, "cross_entropy", Adam(net.params, lr=0.05), X, y, epochs=200, batch_size=12,
            validation=(Xv, yv), early_stopping=stopper, verbose=False,
            callback=lambda e, m, hist: snapshots.update({e: [p.copy() for p in m.params]}))
    assert h.stopped_early and len(h) < 200
    best = h.epoch[int(np.argmin(h.val_loss))]
    assert h.best_epoch == best
    assert h.epoch[-1] == best + 3                             # patience epochs later
    for p, q in zip(net.params, snapshots[best], strict=True):
        np.testing.assert_array_equal(p, q)
    assert evaluate(net, "cross_entropy", Xv, yv)["loss"] == pytest.approx(min(h.val_loss))


def test_early_stopping_restores_at_the_end_too():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(12, 2)), rng.integers(0, 3, size=12)
    Xv, yv = rng.normal(size=(30, 2)), rng.integers(0, 3, size=30)
    net = MLP([2, 32, 3], output="softmax", rng=0)
    h = fit(net, "cross_entropy", Adam(net.params, lr=0.05), X, y, epochs=15, batch_size=12,
            validation=(Xv, yv), early_stopping=EarlyStopping(patience=100), verbose=False)
    assert not h.stopped_early and len(h) == 15
    assert h.best_epoch < 15
    assert evaluate(net, "cross_entropy", Xv, yv)["loss"] == pytest.approx(min(h.val_loss))


def test_early_stopping_monitors_training_loss_without_validation():
    X, y = blobs(30)
    net = MLP([2, 4, 3], output="softmax", rng=0)
    stopper = EarlyStopping(patience=2)
    h = fit(net, "cross_entropy", SGD(net.params, lr=0.1), X, y, epochs=4,
            early_stopping=stopper, verbose=False)
    assert stopper.best == min(h.loss)


# ---------------------------------------------------------------- divergence

def test_divergence_raises_a_clear_error_without_warnings():
    X, y = blobs(60)
    X = X * 100
    net = MLP([2, 16, 3], output="softmax", rng=0)
    with pytest.raises(TrainingDiverged, match=r"(?s)epoch \d+, batch \d+ of 4.*smaller learning"):
        fit(net, "cross_entropy", SGD(net.params, lr=1e6), X, y, epochs=50, batch_size=16,
            verbose=False)


def test_divergence_is_a_floating_point_error():
    assert issubclass(TrainingDiverged, FloatingPointError)
    X = np.linspace(-1, 1, 20)[:, None]
    net = MLP([1, 8, 1], rng=0)
    with pytest.raises(FloatingPointError, match="lr=100"):
        fit(net, "mse", SGD(net.params, lr=100.0), X, 5 * X ** 2, epochs=100, batch_size=20,
            verbose=False)


def test_overflow_inside_the_network_is_reported_as_divergence():
    # Hidden pre-activations overflow to inf in float32 before any loss is computed.
    net = MLP([2, 4, 3], output="softmax", rng=0, dtype=np.float32)
    net.params[0][...] = 1e30
    X = np.full((8, 2), 1e10, dtype=np.float32)
    with pytest.raises(TrainingDiverged, match="epoch 1, batch 1 of 2"):
        fit(net, "cross_entropy", SGD(net.params, lr=0.1), X, np.zeros(8, int), epochs=2,
            batch_size=4, verbose=False)


def test_training_skips_only_the_input_gradient():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(5, 3))
    a = MLP([3, 4, 2], output="softmax", rng=0)
    b = MLP([3, 4, 2], output="softmax", rng=0)
    g = rng.normal(size=(5, 2))
    a.forward(X, training=True)
    b.forward(X, training=True)
    assert a.backward(g).shape == X.shape
    assert b.backward(g, input_grad=False) is None
    for p, q in zip(a.grads, b.grads, strict=True):
        np.testing.assert_array_equal(p, q)


# ---------------------------------------------------------------- evaluate, predict, metrics

def test_evaluate_matches_a_hand_computation_and_ignores_batch_size():
    X, y = blobs(21)
    net = MLP([2, 4, 3], output="softmax", rng=3)
    z = net.forward(X)
    z = z - z.max(axis=1, keepdims=True)
    expected = -np.mean(z[np.arange(21), y] - np.log(np.exp(z).sum(axis=1)))
    res = evaluate(net, "cross_entropy", X, y)
    assert res["loss"] == pytest.approx(expected, rel=1e-12)
    assert res["accuracy"] == np.mean(np.argmax(z, axis=1) == y)
    res5 = evaluate(net, "cross_entropy", X, y, batch_size=5)
    assert res5["loss"] == pytest.approx(res["loss"], rel=1e-12)
    assert evaluate(net, "cross_entropy", X, y, metrics=()) == {"loss": res["loss"]}


def test_evaluate_of_a_diverged_model_keeps_its_keys():
    # the review's S5g: an overflowing output gave {"loss": nan} without "accuracy"
    X, y = blobs(12)
    net = MLP([2, 4, 3], output="softmax", rng=3)
    net.params[0][...] = 1e308
    with np.errstate(over="ignore", invalid="ignore"):
        assert not np.isfinite(net.forward(X * 1e10)).all()
    res = evaluate(net, "cross_entropy", X * 1e10, y)
    assert set(res) == {"loss", "accuracy"} and np.isnan(res["loss"]) and np.isnan(res["accuracy"])
    assert set(evaluate(net, "cross_entropy", X * 1e10, y, metrics=())) == {"loss"}


def test_binary_accuracy_with_a_sigmoid_output():
    X, y = blobs(30)
    yb = (y == 0).astype(float)[:, None]
    net = MLP([2, 4, 1], output="sigmoid", rng=0)
    res = evaluate(net, "binary_cross_entropy_with_logits", X, yb)
    assert res["accuracy"] == np.mean((net.forward(X)[:, 0] > 0) == (yb[:, 0] == 1))


def test_predict_and_accuracy():
    X, y = blobs(20)
    net = MLP([2, 4, 3], output="softmax", rng=0)
    np.testing.assert_array_equal(predict(net, X), np.argmax(net.forward(X), axis=1))
    np.testing.assert_array_equal(predict(net, X, batch_size=3), predict(net, X))
    assert accuracy([1, 2, 3, 4], [1, 2, 0, 4]) == 0.75


def test_confusion_matrix_matches_sklearn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    t, p = rng.integers(0, 4, 50), rng.integers(0, 4, 50)
    np.testing.assert_array_equal(confusion_matrix(t, p), metrics.confusion_matrix(t, p))
    cm = confusion_matrix([0, 1], [1, 1], n_classes=3)
    np.testing.assert_array_equal(cm, [[0, 1, 0], [0, 1, 0], [0, 0, 0]])
    assert cm.sum() == 2


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda: accuracy([1, 2], [1]), ValueError, "y_true and y_pred"),
    (lambda: accuracy([[1]], [[1]]), ValueError, "y_true"),
    (lambda: accuracy([], []), ValueError, "y_true"),
    (lambda: confusion_matrix([0, -1], [0, 1]), ValueError, "y_true"),
    (lambda: confusion_matrix([0, 1.5], [0, 1]), TypeError, "y_true"),
    (lambda: confusion_matrix([0, 3], [0, 1], n_classes=3), ValueError, "n_classes"),
])
def test_metric_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---------------------------------------------------------------- checkpoints

def _setup(dropout=0.2):
    net = MLP([2, 6, 3], output="softmax", rng=1, dropout=dropout)
    opt = Adam(net.params, lr=0.02)
    return net, opt, StepLR(opt, step_size=2, gamma=0.5)


def test_checkpoint_round_trip_resumes_identically(tmp_path):
    X, y = blobs(30)
    kw = {"epochs": 2, "batch_size": 8, "verbose": False}
    # Uninterrupted: 4 epochs.
    net, opt, sched = _setup()
    gen = np.random.default_rng(5)
    fit(net, "cross_entropy", opt, X, y, schedule=sched, rng=gen, **kw)
    path = save_checkpoint(tmp_path / "ck", net, opt, epoch=2, schedule=sched, rng=gen)
    assert path.name == "ck.npz" and path.exists()
    h_rest = fit(net, "cross_entropy", opt, X, y, schedule=sched, rng=gen, initial_epoch=2, **kw)
    # Resumed: fresh objects loaded from the checkpoint.
    net2, opt2, sched2 = _setup()
    gen2 = np.random.default_rng(123)
    epoch = load_checkpoint(path, net2, opt2, schedule=sched2, rng=gen2)
    assert epoch == 2 and opt2.t == opt.t - 2 * 4 and opt2.lr == 0.01
    h_resumed = fit(net2, "cross_entropy", opt2, X, y, schedule=sched2, rng=gen2,
                    initial_epoch=epoch, **kw)
    assert h_resumed.loss == h_rest.loss and h_resumed.epoch == [3, 4]
    for p, q in zip(net.params, net2.params, strict=True):
        np.testing.assert_array_equal(p, q)


def test_checkpoint_keeps_parameter_identity_and_values(tmp_path):
    net, opt, _ = _setup(dropout=0.0)
    path = save_checkpoint(tmp_path / "a.npz", net, opt, epoch=0)
    other, opt_other, _ = _setup(dropout=0.0)
    for p in other.params:
        p += 1.0
    ids = [id(p) for p in other.params]
    assert load_checkpoint(path, other) == 0
    assert [id(p) for p in other.params] == ids
    for p, q in zip(net.params, other.params, strict=True):
        np.testing.assert_array_equal(p, q)


def test_checkpoint_refuses_other_shapes(tmp_path):
    net, opt, _ = _setup()
    path = save_checkpoint(tmp_path / "a.npz", net, opt, epoch=1)
    wider = MLP([2, 7, 3], output="softmax", rng=0)
    before = [p.copy() for p in wider.params]
    with pytest.raises(ValueError, match=r"parameter 0 has shape \(6, 2\).*\(7, 2\)"):
        load_checkpoint(path, wider, Adam(wider.params))
    for p, q in zip(wider.params, before, strict=True):
        np.testing.assert_array_equal(p, q)                    # nothing changed
    deeper = MLP([2, 6, 6, 3], output="softmax", rng=0)
    with pytest.raises(ValueError, match="4 parameter arrays but the model has 6"):
        load_checkpoint(path, deeper)
    with pytest.raises(ValueError, match="rng"):
        load_checkpoint(path, net, rng=np.random.default_rng())
    np.savez(tmp_path / "other.npz", a=np.ones(2))
    with pytest.raises(ValueError, match="not an nnlearn checkpoint"):
        load_checkpoint(tmp_path / "other.npz", net)


# ---------------------------------------------------------------- bad input

def test_get_loss():
    assert get_loss(MSE) is MSE
    with pytest.raises(TypeError, match="loss"):
        get_loss(mse)
    with pytest.raises(TypeError, match="loss"):
        get_loss((mse, "grad"))
    with pytest.raises(ValueError, match="loss"):
        get_loss("hinge_squared_cubed")


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"X": np.ones(6)}, ValueError, "X"),
    ({"X": np.ones((0, 2)), "y": np.zeros(0, int)}, ValueError, "X"),
    ({"X": np.ones((6, 3))}, ValueError, "X must have 2 columns"),
    ({"X": np.ones((6, 2), dtype=np.float32)}, TypeError, "X has dtype float32"),
    ({"X": np.array([[1.0, np.nan]] * 6)}, ValueError, "X contains NaN"),
    ({"X": np.array([[1.0, -np.inf]] * 6)}, ValueError, "X contains NaN or infinity"),
    ({"y": np.zeros(5, int)}, ValueError, "y must have 6 rows"),
    ({"y": np.array([0, 1, 2, 3, 0, 1])}, ValueError, r"y must hold class labels in \[0, 2\]"),
    ({"y": np.array([0, 1, -1, 0, 0, 1])}, ValueError, "y must hold class labels"),
    ({"y": np.zeros(6)}, TypeError, "y must hold integer class labels"),
    ({"validation": (np.ones((3, 2)), np.zeros(2, int))}, ValueError, r"validation\[1\]"),
    ({"validation": (np.ones((3, 5)), np.zeros(3, int))}, ValueError, r"validation\[0\]"),
    ({"validation": np.ones((3, 2))}, TypeError, "validation"),
    ({"epochs": 0}, ValueError, "epochs"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"batch_size": 2.5}, TypeError, "batch_size"),
    ({"optimizer": object()}, TypeError, "optimizer"),
    ({"rng": "seed"}, TypeError, "rng"),
    ({"metrics": ("f1",)}, ValueError, "metrics"),
    ({"schedule": object()}, TypeError, "schedule"),
    ({"early_stopping": 3}, TypeError, "early_stopping"),
    ({"callback": 3}, TypeError, "callback"),
    ({"shuffle": "yes"}, TypeError, "shuffle"),
    ({"loss": "nope"}, ValueError, "loss"),
    ({"drop_last": "yes"}, TypeError, "drop_last"),
    ({"drop_last": True, "batch_size": 7}, ValueError, "batch_size must be <= the 6 rows"),
])
def test_bad_input(kwargs, exc, match):
    net = MLP([2, 3], output="softmax", rng=0)
    args = {"X": np.ones((6, 2)), "y": np.array([0, 1, 2, 0, 1, 2]), "loss": "cross_entropy",
            "optimizer": SGD(net.params, lr=0.1)} | kwargs
    X, y, loss, opt = args.pop("X"), args.pop("y"), args.pop("loss"), args.pop("optimizer")
    with pytest.raises(exc, match=match):
        fit(net, loss, opt, X, y, verbose=False, **args)


def test_finiteness_check_without_a_temporary_is_exact():
    from nnlearn._checks import all_finite as _all_finite

    assert _all_finite(np.full((3, 2), 1e308))          # the float64 sum overflows
    assert _all_finite(np.full((3, 2), 3e38, dtype=np.float32))
    for bad in (np.nan, np.inf, -np.inf):
        a = np.zeros((4, 3), dtype=np.float32)
        a[2, 1] = bad
        assert not _all_finite(a)
    assert not _all_finite(np.array([np.inf, -np.inf]))  # inf - inf = nan


def test_regression_targets_must_match_the_output_shape():
    net = MLP([2, 1], rng=0)
    with pytest.raises(ValueError, match=r"y must have shape \(4, 1\)"):
        fit(net, "mse", SGD(net.params, lr=0.1), np.ones((4, 2)), np.ones(4), verbose=False)
    with pytest.raises(ValueError, match="y contains NaN"):
        fit(net, "mse", SGD(net.params, lr=0.1), np.ones((4, 2)), np.full((4, 1), np.nan),
            verbose=False)


def test_schedule_must_drive_the_same_optimizer():
    net = MLP([2, 3], output="softmax", rng=0)
    other = SGD(MLP([2, 3], rng=1).params, lr=0.1)
    with pytest.raises(ValueError, match="schedule"):
        fit(net, "cross_entropy", SGD(net.params, lr=0.1), np.ones((3, 2)), np.zeros(3, int),
            schedule=StepLR(other, 2), verbose=False)
