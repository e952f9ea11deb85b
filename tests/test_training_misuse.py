"""The training loop against misuse: the robustness review's training-loop rows
(sections 1, 3 and 4 of shared/reviews/robustness-review.md). Each test failed
before the fix it names."""

from __future__ import annotations

import numpy as np
import pytest

from nnlearn.network import MLP
from nnlearn.optimizers import SGD, Adam
from nnlearn.regularization import EarlyStopping, Penalized
from nnlearn.schedules import StepLR
from nnlearn.training import (
    TrainingDiverged,
    evaluate,
    fit,
    load_checkpoint,
    predict,
    run_epoch,
    save_checkpoint,
    train_step,
)


def blobs(n=60, seed=0, spread=0.5):
    """Three Gaussian classes in 2-D (independent of nnlearn.datasets)."""
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    y = np.arange(n) % 3
    return centers[y] + spread * rng.standard_normal((n, 2)), y


def classifier(seed=0, **kw):
    return MLP([2, 8, 3], activation="tanh", output="softmax", rng=seed, **kw)


def copies(arrays):
    return [np.array(a, copy=True) for a in arrays]


def assert_all_equal(a, b):
    assert len(a) == len(b)
    for p, q in zip(a, b, strict=True):
        np.testing.assert_array_equal(p, q)


BAD_OBJECTS = [None, {}, 1, ["a", "b"], "net", object()]


# ---------------------------------------------------------------- §1 row 1, §3 S8

def test_fit_refuses_an_optimizer_built_on_another_models_arrays():
    X, y = blobs()
    net, other = classifier(0), classifier(1)
    before = copies(net.params)
    with pytest.raises(ValueError, match=r"optimizer must be built on model\.params"):
        fit(net, "cross_entropy", SGD(other.params, lr=0.5), X, y, epochs=2, verbose=False)
    with pytest.raises(ValueError, match="optimizer"):              # copies: same shapes
        fit(net, "cross_entropy", SGD(copies(net.params), lr=0.5), X, y, verbose=False)
    with pytest.raises(ValueError, match="optimizer"):              # a subset
        fit(net, "cross_entropy", SGD(net.params[:2], lr=0.5), X, y, verbose=False)
    assert_all_equal(net.params, before)
    assert len(fit(net, "cross_entropy", SGD(net.params, lr=0.5), X, y, epochs=1,
                   verbose=False)) == 1


# ---------------------------------------------------------------- §1 row 2, §3 S4b

def test_fit_refuses_mode_max_on_a_loss():
    X, y = blobs()
    net = classifier()
    with pytest.raises(ValueError, match=r"early_stopping has mode='max'.*val_accuracy"):
        fit(net, "cross_entropy", Adam(net.params, lr=0.01), X, y, validation=(X, y),
            early_stopping=EarlyStopping(patience=2, mode="max"), verbose=False)


def test_early_stopping_on_validation_accuracy_keeps_the_most_accurate_epoch():
    X, y = blobs(90, seed=3)
    X_val, y_val = blobs(60, seed=4)
    net = classifier(seed=2)
    snapshots = {}

    def remember(epoch, model, history):
        snapshots[epoch] = copies(model.params)

    stopper = EarlyStopping(patience=3, monitor="val_accuracy")
    assert stopper.mode == "max"
    h = fit(net, "cross_entropy", SGD(net.params, lr=0.05), X, y, epochs=40, batch_size=30,
            validation=(X_val, y_val), early_stopping=stopper, callback=remember, rng=0,
            verbose=False)
    best = int(np.argmax(h.val_accuracy)) + 1                   # first epoch with the max
    assert h.best_epoch == best
    assert h.val_accuracy[best - 1] == max(h.val_accuracy)
    assert_all_equal(net.params, snapshots[best])
    restored = evaluate(net, "cross_entropy", X_val, y_val)["accuracy"]
    assert restored == max(h.val_accuracy)


@pytest.mark.parametrize("monitor, kwargs, match", [
    ("val_loss", {}, "no validation data"),
    ("val_accuracy", {}, "no validation data"),
    ("accuracy", {"metrics": ()}, "no accuracy is computed"),
])
def test_early_stopping_monitor_must_be_available(monitor, kwargs, match):
    X, y = blobs()
    net = classifier()
    with pytest.raises(ValueError, match=match):
        fit(net, "cross_entropy", Adam(net.params), X, y, verbose=False,
            early_stopping=EarlyStopping(monitor=monitor), **kwargs)


def test_early_stopping_accuracy_is_refused_for_regression():
    X = np.linspace(-1, 1, 20)[:, None]
    net = MLP([1, 4, 1], rng=0)
    with pytest.raises(ValueError, match="no accuracy"):
        fit(net, "mse", SGD(net.params, lr=0.1), X, X, verbose=False,
            early_stopping=EarlyStopping(monitor="accuracy"))


def test_early_stopping_on_training_accuracy_without_validation():
    X, y = blobs()
    net = classifier()
    h = fit(net, "cross_entropy", SGD(net.params, lr=0.5), X, y, epochs=30, rng=0,
            early_stopping=EarlyStopping(patience=2, monitor="accuracy"), verbose=False)
    assert h.best_epoch == int(np.argmax(h.accuracy)) + 1


# ---------------------------------------------------------------- §1 row 3, §3 S5

class RecordingSGD(SGD):
    """SGD that keeps a copy of the parameters and of ``t`` after every step."""

    def step(self, grads):
        super().step(grads)
        self.after = (copies(self.params), self.t)


def test_no_step_on_a_batch_whose_loss_is_not_finite():
    net = MLP([2, 3, 1], rng=0)
    opt = SGD(net.params, lr=0.1)
    before = copies(net.params)
    inf_loss = (lambda out, y: np.inf, lambda out, y: np.ones_like(out))
    value, _ = train_step(net, inf_loss, opt, np.ones((4, 2)), np.ones((4, 1)))
    assert value == np.inf and opt.t == 0
    assert_all_equal(net.params, before)


def test_diverged_run_keeps_the_parameters_from_before_the_failing_batch():
    # The review's S5a: tanh MLP, mse, SGD lr=1e3: the loss overflows while the
    # parameters are still finite. The step on that batch used to be taken.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]])
    net = MLP([3, 8, 1], activation="tanh", rng=0)
    opt = RecordingSGD(net.params, lr=1e3)
    with pytest.raises(TrainingDiverged, match="before that batch") as info:
        fit(net, "mse", opt, X, y, epochs=50, batch_size=8, rng=0, verbose=False)
    params, t = opt.after
    assert all(np.isfinite(p).all() for p in net.params)
    assert_all_equal(net.params, params)                      # the last step's result
    assert opt.t == t
    assert "the loss is" in str(info.value)


@pytest.mark.parametrize("make", [
    lambda p: SGD(p, lr=1e300),
    lambda p: SGD(p, lr=1e308),
    lambda p: SGD(p, lr=1e308, momentum=0.9),
    lambda p: Adam(p, lr=1e300),
    lambda p: Adam(p, lr=1e200, betas=(0.5, 0.9)),
])
def test_a_diverged_run_leaves_a_finite_state_and_says_which(make):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) * 100
    net = MLP([3, 8, 1], rng=0)
    opt = make(net.params)
    starts = {1: (copies(net.params), opt.state_dict())}

    def remember(epoch, model, history):
        starts[epoch + 1] = (copies(model.params), opt.state_dict())

    with pytest.raises(TrainingDiverged) as info:
        fit(net, "mse", opt, X, y, epochs=300, batch_size=10, rng=0, callback=remember,
            verbose=False)
    message = str(info.value)
    now = opt.state_dict()
    assert all(np.isfinite(p).all() for p in net.params)
    assert all(np.isfinite(v).all() for k, v in now.items() if k.startswith("state."))
    if "before that batch" in message:
        return
    epoch = int(message.split("at the start of epoch ")[1].rstrip("."))
    params, state = starts[epoch]
    assert_all_equal(net.params, params)
    assert now["t"] == state["t"]
    for key, value in state.items():
        if key.startswith("state."):
            np.testing.assert_array_equal(now[key], value)


def test_a_step_that_overflows_is_rolled_back_to_the_start_of_its_epoch():
    # lr * gradient overflows to inf in the very first step.
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) * 100
    net = MLP([3, 8, 1], rng=0)
    opt = SGD(net.params, lr=1e308, momentum=0.9)
    before = copies(net.params)
    with pytest.raises(TrainingDiverged, match="put back to their state at the start of "
                                               "epoch 1"):
        fit(net, "mse", opt, X, y, epochs=3, batch_size=10, rng=0, verbose=False)
    assert_all_equal(net.params, before)
    assert opt.t == 0


class InterruptedSGD(SGD):
    """SGD whose fifth step is interrupted after updating only the first array."""

    def step(self, grads):
        if self.t == 4:
            self.params[0] -= self.lr * grads[0]
            self.t += 1
            raise KeyboardInterrupt
        super().step(grads)


def test_an_interrupt_inside_a_step_puts_the_start_of_the_epoch_back():
    # the review's S6c: W1 updated, b1, W2, b2 not, and the step counter advanced
    X, y = blobs(30)
    net = classifier(dropout=0.2)
    opt = InterruptedSGD(net.params, lr=0.1)
    starts = {}

    def remember(epoch, model, history):
        starts[epoch + 1] = (copies(model.params), opt.t, rng_state(model))

    with pytest.raises(KeyboardInterrupt) as info:
        fit(net, "cross_entropy", opt, X, y, epochs=3, batch_size=10, rng=0,
            callback=remember, verbose=False)
    params, t, state = starts[2]                     # 3 steps per epoch: step 5 is in epoch 2
    assert_all_equal(net.params, params)
    assert opt.t == t == 3 and rng_state(net) == state
    assert "start of epoch 2" in " ".join(info.value.__notes__)


def rng_state(model):
    return model.rng.bit_generator.state


def test_a_rollback_to_the_start_of_the_epoch_rolls_the_dropout_generator_back_too():
    # Dropout draws its masks from model.rng; the masks of the rolled-back
    # epoch used to stay drawn, so a rerun from the restored state differed
    # from a run of a fresh copy of that state.
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) * 100
    net = MLP([3, 8, 1], dropout=0.3, rng=0)
    twin = MLP([3, 8, 1], dropout=0.3, rng=0)
    start = rng_state(net)
    with pytest.raises(TrainingDiverged, match="start of epoch 1"):
        fit(net, "mse", SGD(net.params, lr=1e308), X, y, epochs=3, batch_size=10,
            rng=0, verbose=False)
    assert rng_state(net) == start
    runs = [fit(m, "mse", SGD(m.params, lr=1e-3), X, y, epochs=3, batch_size=10, rng=0,
                verbose=False).loss for m in (net, twin)]
    assert runs[0] == runs[1]
    assert_all_equal(net.params, twin.params)


def test_a_failing_batch_leaves_the_dropout_generator_as_before_it():
    calls = []

    def loss_fn(out, y):            # NaN on the third batch
        calls.append(1)
        return np.nan if len(calls) == 3 else float(np.mean((out - y) ** 2))

    def grad_fn(out, y):
        return 2 * (out - y) / out.size

    X = np.linspace(-1, 1, 40)[:, None]
    net = MLP([1, 6, 1], dropout=0.5, rng=0)
    twin = MLP([1, 6, 1], dropout=0.5, rng=0)
    with pytest.raises(TrainingDiverged, match="(?s)batch 3 of 4.*before that batch"):
        fit(net, (loss_fn, grad_fn), SGD(net.params, lr=0.1), X, X, batch_size=10,
            shuffle=False, verbose=False)
    opt = SGD(twin.params, lr=0.1)
    for b in range(2):              # the two batches that were taken
        train_step(twin, (loss_fn, grad_fn), opt, X[10 * b:10 * b + 10], X[10 * b:10 * b + 10])
    assert rng_state(net) == rng_state(twin)
    assert_all_equal(net.params, twin.params)


def test_divergence_on_the_validation_data_says_the_state_is_kept():
    def loss_fn(out, y):            # infinite on the 7 validation rows only
        return np.inf if len(out) == 7 else float(np.mean((out - y) ** 2))

    def grad_fn(out, y):
        return 2 * (out - y) / out.size

    X = np.linspace(-1, 1, 20)[:, None]
    net = MLP([1, 4, 1], rng=0)
    with pytest.raises(TrainingDiverged, match="validation data.*\n.*\n.*end of epoch 1"):
        fit(net, (loss_fn, grad_fn), SGD(net.params, lr=0.1), X, X, batch_size=10,
            validation=(X[:7], X[:7]), verbose=False)
    assert all(np.isfinite(p).all() for p in net.params)


# ---------------------------------------------------------------- §1 row 4, §3 S1/S2/S3e

def penalized_setup(seed=0):
    net = MLP([2, 6, 3], output="softmax", rng=seed, dropout=0.2)
    pen = Penalized(Adam(net.params, lr=0.02), "l2", lam=1e-2, penalize=net.params[0::2])
    return net, pen, StepLR(pen, step_size=2, gamma=0.5)


def test_a_schedule_drives_a_penalized_optimizer_in_fit():
    X, y = blobs()
    net, pen, sched = penalized_setup()
    h = fit(net, "cross_entropy", pen, X, y, epochs=5, schedule=sched, verbose=False)
    assert h.lr == [0.02, 0.02, 0.01, 0.01, 0.005]
    assert pen.optimizer.lr == 0.005
    # a schedule built on the wrapped optimizer drives the same rate
    net2 = MLP([2, 6, 3], output="softmax", rng=0)
    inner = Adam(net2.params, lr=0.02)
    h2 = fit(net2, "cross_entropy", Penalized(inner, "l1", lam=1e-3), X, y, epochs=3,
             schedule=StepLR(inner, step_size=1, gamma=0.5), verbose=False)
    assert h2.lr == [0.02, 0.01, 0.005]


def test_resumed_penalized_run_is_bit_identical(tmp_path):
    X, y = blobs(50)
    kw = {"epochs": 3, "batch_size": 8, "verbose": False}
    net, pen, sched = penalized_setup()
    gen = np.random.default_rng(5)
    fit(net, "cross_entropy", pen, X, y, schedule=sched, rng=gen, **kw)
    path = save_checkpoint(tmp_path / "pen", net, pen, epoch=3, schedule=sched, rng=gen)
    straight = fit(net, "cross_entropy", pen, X, y, schedule=sched, rng=gen,
                   initial_epoch=3, **kw)

    net2, pen2, sched2 = penalized_setup(seed=9)
    gen2 = np.random.default_rng(77)
    epoch = load_checkpoint(path, net2, pen2, schedule=sched2, rng=gen2)
    resumed = fit(net2, "cross_entropy", pen2, X, y, schedule=sched2, rng=gen2,
                  initial_epoch=epoch, **kw)
    assert resumed.epoch == [4, 5, 6]
    assert resumed.loss == straight.loss and resumed.lr == straight.lr
    assert_all_equal(net.params, net2.params)
    assert pen2.optimizer.t == pen.optimizer.t


def test_a_checkpoint_of_a_penalized_optimizer_checks_the_penalty(tmp_path):
    net, pen, _ = penalized_setup()
    path = save_checkpoint(tmp_path / "pen", net, pen, epoch=0)
    other = Penalized(Adam(net.params, lr=0.02), "l2", lam=0.5, penalize=net.params[0::2])
    with pytest.raises(ValueError, match=r"penalized\.lam"):
        load_checkpoint(path, net, other)
    with pytest.raises(ValueError, match="unexpected"):        # plain Adam, Penalized state
        load_checkpoint(path, net, Adam(net.params, lr=0.02))


# ---------------------------------------------------------------- §3 S3f

def stopping_setup(seed=0):
    net = MLP([2, 16, 3], output="softmax", rng=seed)
    opt = Adam(net.params, lr=0.005)
    return net, opt, EarlyStopping(patience=3, min_delta=1e-3)


def test_resumed_run_with_early_stopping_stops_where_the_uninterrupted_one_does(tmp_path):
    X, y = blobs(90, seed=1, spread=1.5)                     # overlapping classes
    X_val, y_val = blobs(60, seed=2, spread=1.5)
    kw = {"batch_size": 16, "validation": (X_val, y_val), "verbose": False}
    net, opt, stopper = stopping_setup()
    full = fit(net, "cross_entropy", opt, X, y, epochs=60, early_stopping=stopper,
               rng=np.random.default_rng(3), **kw)
    assert full.stopped_early and 4 < len(full) < 60           # the test needs both

    k = 7
    net_a, opt_a, stop_a = stopping_setup()
    gen_a = np.random.default_rng(3)
    first = fit(net_a, "cross_entropy", opt_a, X, y, epochs=k, early_stopping=stop_a,
                rng=gen_a, **kw)
    assert not first.stopped_early
    path = save_checkpoint(tmp_path / "es", net_a, opt_a, epoch=k, rng=gen_a,
                           early_stopping=stop_a)
    net_b, opt_b, stop_b = stopping_setup(seed=5)
    gen_b = np.random.default_rng(0)
    epoch = load_checkpoint(path, net_b, opt_b, rng=gen_b, early_stopping=stop_b)
    rest = fit(net_b, "cross_entropy", opt_b, X, y, epochs=60 - k, early_stopping=stop_b,
               rng=gen_b, initial_epoch=epoch, **kw)
    assert rest.epoch[-1] == full.epoch[-1] and rest.stopped_early
    assert first.val_loss + rest.val_loss == full.val_loss
    assert rest.best_epoch == full.best_epoch
    assert_all_equal(net_b.params, net.params)
    assert stop_b.state_dict()["best"] == stopper.state_dict()["best"]


def test_checkpoint_without_early_stopping_state_says_so(tmp_path):
    net, opt, stopper = stopping_setup()
    path = save_checkpoint(tmp_path / "plain", net, opt, epoch=0)
    with pytest.raises(ValueError, match="early-stopping state"):
        load_checkpoint(path, net, opt, early_stopping=stopper)
    fresh = EarlyStopping(restore_best=False)                  # no best params: round trip
    path = save_checkpoint(tmp_path / "nobest", net, opt, epoch=0, early_stopping=fresh)
    again = EarlyStopping(patience=9)
    load_checkpoint(path, net, opt, early_stopping=again)
    assert again.state_dict() == fresh.state_dict()


# ---------------------------------------------------------------- §1 row 9, §4 run_epoch

def epoch_args(**change):
    X, y = blobs(18)
    net = classifier()
    args = {"model": net, "loss": "cross_entropy", "optimizer": SGD(net.params, lr=0.1),
            "X": X, "y": y, "batch_size": 4, "order": np.arange(18)}
    args.update(change)
    return args


@pytest.mark.parametrize("change, exc, match", [
    ({"batch_size": -1}, ValueError, "batch_size"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"batch_size": True}, TypeError, "batch_size"),
    ({"batch_size": 2.0}, TypeError, "batch_size"),
    ({"X": np.float64(1.0)}, ValueError, r"^X "),
    ({"X": np.ones((18, 2, 1))}, ValueError, r"^X "),
    ({"X": np.ones((0, 2))}, ValueError, r"^X "),
    ({"X": [["a", "b"]] * 18}, TypeError, r"^X "),
    ({"X": None}, TypeError, r"^X "),
    ({"X": {}}, TypeError, r"^X "),
    ({"X": "abc"}, TypeError, r"^X "),
    ({"X": np.ones((18, 5))}, ValueError, r"^X "),
    ({"y": np.zeros(0, int)}, ValueError, r"^y "),
    ({"y": np.zeros(17, int)}, ValueError, r"^y "),
    ({"order": np.arange(18.0)}, TypeError, "order"),
    ({"order": np.arange(1, 19)}, ValueError, "order"),
    ({"order": np.arange(-1, 17)}, ValueError, "order"),
    ({"order": np.arange(10)}, ValueError, "order"),
    ({"order": np.zeros(18, int)}, ValueError, "order"),
    ({"order": ["a"] * 18}, TypeError, "order"),
    ({"order": "abc"}, TypeError, "order"),
    ({"rule": "max"}, ValueError, "rule"),
    ({"model": None}, TypeError, "model"),
    ({"model": "net"}, TypeError, "model"),
    ({"optimizer": SGD([np.zeros((8, 2))], lr=0.1)}, ValueError, "optimizer"),
    ({"optimizer": "sgd"}, TypeError, "optimizer"),
    ({"loss": "nope"}, ValueError, "loss"),
])
def test_run_epoch_checks_its_arguments(change, exc, match):
    args = epoch_args(**change)
    before = copies(args["model"].params) if hasattr(args["model"], "params") else None
    with pytest.raises(exc, match=match):
        run_epoch(**args)
    if before is not None:
        assert_all_equal(args["model"].params, before)          # nothing was trained


def test_run_epoch_accepts_a_loss_name_and_a_list_order():
    args = epoch_args(order=list(range(17, -1, -1)))
    loss, acc = run_epoch(**args, rule="argmax")
    assert np.isfinite(loss) and 0 <= acc <= 1


@pytest.mark.parametrize("change, exc, match", [
    ({"model": None}, TypeError, "model"),
    ({"optimizer": "sgd"}, TypeError, "optimizer"),
    ({"X_batch": np.ones((4, 5))}, ValueError, r"^X_batch "),
    ({"y_batch": np.zeros(3, int)}, ValueError, r"^y_batch "),
])
def test_train_step_checks_its_arguments(change, exc, match):
    net = classifier()
    args = {"model": net, "loss": "cross_entropy", "optimizer": SGD(net.params, lr=0.1),
            "X_batch": np.ones((4, 2)), "y_batch": np.zeros(4, int)}
    args.update(change)
    with pytest.raises(exc, match=match):
        train_step(**args)


# ---------------------------------------------------------------- §4 model/optimizer/schedule

@pytest.mark.parametrize("bad", BAD_OBJECTS)
def test_every_function_taking_a_model_names_it(bad, tmp_path):
    X, y = blobs(9)
    net = classifier()
    opt = SGD(net.params, lr=0.1)
    path = save_checkpoint(tmp_path / "ok", net, opt, epoch=0)
    calls = [
        lambda: fit(bad, "cross_entropy", opt, X, y, verbose=False),
        lambda: evaluate(bad, "cross_entropy", X, y),
        lambda: predict(bad, X),
        lambda: save_checkpoint(tmp_path / "x", bad, opt, epoch=0),
        lambda: load_checkpoint(path, bad),
        lambda: train_step(bad, "cross_entropy", opt, X, y),
    ]
    for call in calls:
        with pytest.raises(TypeError, match="model"):
            call()


@pytest.mark.parametrize("bad", [{}, 1, ["a"], "adam", object()])
def test_checkpoints_name_a_bad_optimizer_or_schedule(bad, tmp_path):
    net = classifier()
    opt = SGD(net.params, lr=0.1)
    path = save_checkpoint(tmp_path / "ok", net, opt, epoch=0)
    with pytest.raises(TypeError, match="optimizer"):
        load_checkpoint(path, net, bad)
    with pytest.raises(TypeError, match="optimizer"):
        save_checkpoint(tmp_path / "x", net, bad, epoch=0)
    with pytest.raises(TypeError, match="schedule"):
        save_checkpoint(tmp_path / "x", net, opt, epoch=0, schedule=bad)
    with pytest.raises(TypeError, match="early_stopping"):
        save_checkpoint(tmp_path / "x", net, opt, epoch=0, early_stopping=bad)


def test_fit_names_a_dict_given_as_early_stopping():
    X, y = blobs(9)
    net = classifier()
    with pytest.raises(TypeError, match="early_stopping"):
        fit(net, "cross_entropy", SGD(net.params, lr=0.1), X, y, early_stopping={},
            verbose=False)


def test_load_checkpoint_names_a_file_that_is_not_a_checkpoint(tmp_path):
    net = classifier()
    bad = tmp_path / "notes.npz"
    bad.write_text("not a zip file")
    with pytest.raises(ValueError, match="not an nnlearn checkpoint"):
        load_checkpoint(bad, net)
    np.save(tmp_path / "array.npy", np.ones(3))
    with pytest.raises(ValueError, match="not an nnlearn checkpoint"):
        load_checkpoint(tmp_path / "array.npy", net)


@pytest.mark.parametrize("flag", ["shuffle", "verbose"])
@pytest.mark.parametrize("value", ["False", 0, 1, None])
def test_fit_boolean_flags_are_type_checked(flag, value):
    X, y = blobs(9)
    net = classifier()
    with pytest.raises(TypeError, match=flag):
        fit(net, "cross_entropy", SGD(net.params, lr=0.1), X, y, **{flag: value})


@pytest.mark.parametrize("y_val", [np.ones((9, 2)) / 2, np.zeros((9, 4)), np.zeros((9, 3, 1))])
def test_class_probabilities_of_the_wrong_width_name_the_argument(y_val):
    X, y = blobs(9)
    net = classifier()
    with pytest.raises(ValueError, match=r"^validation\[1\] must be 9 integer labels"):
        fit(net, "cross_entropy", SGD(net.params, lr=0.1), X, y, validation=(X, y_val),
            verbose=False)
    with pytest.raises(ValueError, match=r"^y must be 9 integer labels"):
        evaluate(net, "cross_entropy", X, y_val)


def test_a_failing_batch_does_not_keep_its_running_statistics():
    # Batch norm updates its running mean and variance in the forward pass; a batch whose
    # loss is not finite must leave them as they were, like the parameters.
    X = np.linspace(-1, 1, 16)[:, None] * np.ones((1, 2))
    net = MLP([2, 4, 1], rng=0, batch_norm=True)
    buffers = copies(net.buffers)
    assert buffers, "the test needs a model with buffers"
    inf_loss = (lambda out, y: np.inf, lambda out, y: np.zeros_like(out))
    with pytest.raises(TrainingDiverged, match="before that batch"):
        fit(net, inf_loss, SGD(net.params, lr=0.1), X, X[:, :1], batch_size=8, rng=0,
            verbose=False)
    assert_all_equal(net.buffers, buffers)
