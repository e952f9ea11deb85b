"""nnlearn.network.BatchNorm: against torch.nn.BatchNorm1d (train and eval, running
statistics over several steps), its hand-derived backward against the autodiff
engine and finite differences, and inside MLP, fit and checkpoints.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnlearn import losses, training
from nnlearn.autodiff import Tensor
from nnlearn.descent import numerical_gradient
from nnlearn.network import MLP, BatchNorm
from nnlearn.optimizers import SGD, Adam

RNG = np.random.default_rng(99)


def batch(b=6, n=4):
    return 3 * RNG.standard_normal((b, n)) + RNG.standard_normal(n)


def layer_with_params(n=4, **kw):
    bn = BatchNorm(n, **kw)
    bn.gamma[...] = RNG.uniform(0.5, 2.0, n)
    bn.beta[...] = RNG.standard_normal(n)
    return bn


# -- the forward pass -----------------------------------------------------------------

def test_training_output_has_zero_mean_and_unit_variance_per_column():
    bn = BatchNorm(4, eps=1e-12)
    y = bn.forward(batch(8), training=True)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=0), 1, rtol=1e-9)


def test_running_statistics_use_unbiased_variance_and_momentum():
    bn = BatchNorm(4, momentum=0.25)
    x = batch(5)
    bn.forward(x, training=True)
    np.testing.assert_allclose(bn.running_mean, 0.25 * x.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(bn.running_var, 0.75 + 0.25 * x.var(axis=0, ddof=1), rtol=1e-14)
    bn.forward(batch(3), training=False)                    # evaluation changes nothing
    np.testing.assert_allclose(bn.running_mean, 0.25 * x.mean(axis=0), rtol=1e-14)


def test_evaluation_uses_the_running_statistics():
    bn = layer_with_params()
    bn.running_mean[...] = [1.0, -1.0, 0.5, 0.0]
    bn.running_var[...] = [4.0, 1.0, 0.25, 9.0]
    x = batch(3)
    want = bn.gamma * (x - bn.running_mean) / np.sqrt(bn.running_var + bn.eps) + bn.beta
    np.testing.assert_allclose(bn.forward(x, training=False), want, rtol=1e-14)
    one_row = bn.forward(x[:1], training=False)             # batch size 1 is fine here
    np.testing.assert_allclose(one_row, want[:1], rtol=1e-14)


def test_batch_of_one_in_training_mode_is_an_error():
    with pytest.raises(ValueError, match="at least 2 rows.*training=False"):
        BatchNorm(3).forward(np.ones((1, 3)), training=True)


# -- against PyTorch --------------------------------------------------------------------

def torch_layer(bn: BatchNorm):
    torch = pytest.importorskip("torch")
    ref = torch.nn.BatchNorm1d(bn.n_features, momentum=bn.momentum, eps=bn.eps).double()
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(bn.gamma))
        ref.bias.copy_(torch.tensor(bn.beta))
    return torch, ref


@pytest.mark.parametrize("momentum, eps", [(0.1, 1e-5), (0.3, 1e-3)])
def test_matches_torch_batchnorm1d_over_several_steps(momentum, eps):
    bn = layer_with_params(momentum=momentum, eps=eps)
    torch, ref = torch_layer(bn)
    for step, b in enumerate([6, 2, 9, 4]):
        x, g = batch(b), RNG.standard_normal((b, 4))
        xt = torch.tensor(x, requires_grad=True)
        ref.zero_grad()
        yt = ref(xt)
        yt.backward(torch.tensor(g))
        y = bn.forward(x, training=True)
        dx = bn.backward(g)
        msg = f"step {step}"
        np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12, atol=1e-12, err_msg=msg)
        np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=msg)
        np.testing.assert_allclose(bn.dgamma, ref.weight.grad.numpy(), rtol=1e-12, err_msg=msg)
        np.testing.assert_allclose(bn.dbeta, ref.bias.grad.numpy(), rtol=1e-12, err_msg=msg)
        np.testing.assert_allclose(bn.running_mean, ref.running_mean.numpy(), rtol=1e-13,
                                   atol=1e-15, err_msg=msg)
        np.testing.assert_allclose(bn.running_var, ref.running_var.numpy(), rtol=1e-13,
                                   err_msg=msg)
    ref.eval()
    x, g = batch(5), RNG.standard_normal((5, 4))
    xt = torch.tensor(x, requires_grad=True)
    ref.zero_grad()
    yt = ref(xt)
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(bn.forward(x, training=False), yt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(bn.backward(g), xt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(bn.dgamma, ref.weight.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(bn.dbeta, ref.bias.grad.numpy(), rtol=1e-12)


def test_float32_matches_torch_in_float32():
    bn = BatchNorm(4, dtype=np.float32)
    torch, ref = torch_layer(bn)
    ref = ref.float()
    for _ in range(3):
        x = batch(16).astype(np.float32)
        y = bn.forward(x, training=True)
        assert y.dtype == np.float32 and bn.running_var.dtype == np.float32
        np.testing.assert_allclose(y, ref(torch.tensor(x)).detach().numpy(), atol=2e-6)
    np.testing.assert_allclose(bn.running_var, ref.running_var.numpy(), rtol=1e-6)


# -- the hand-derived backward pass -------------------------------------------------------

def engine_batchnorm(x, gamma, beta, eps):
    """Batch normalization written with autodiff operations, for the gradient check."""
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    return gamma * ((x - mu) / (var + eps) ** 0.5) + beta


@pytest.mark.parametrize("b", [2, 3, 16])
def test_backward_matches_the_engine(b):
    bn = layer_with_params()
    x, g = batch(b), RNG.standard_normal((b, 4))
    bn.forward(x, training=True)
    dx = bn.backward(g)
    xt, gt, bt = (Tensor(a.copy(), requires_grad=True) for a in (x, bn.gamma, bn.beta))
    y = engine_batchnorm(xt, gt, bt, bn.eps)
    y.backward(g)
    np.testing.assert_allclose(dx, xt.grad, rtol=0, atol=1e-10)
    np.testing.assert_allclose(bn.dgamma, gt.grad, rtol=0, atol=1e-10)
    np.testing.assert_allclose(bn.dbeta, bt.grad, rtol=0, atol=1e-10)


@pytest.mark.parametrize("training", [True, False])
def test_backward_matches_finite_differences(training):
    bn = layer_with_params()
    bn.running_mean[...] = RNG.standard_normal(4)
    bn.running_var[...] = RNG.uniform(0.5, 2, 4)
    x, w = batch(5), RNG.standard_normal((5, 4))
    saved = bn.running_mean.copy(), bn.running_var.copy()

    def loss_of(name):
        def f(v):
            old = getattr(bn, name).copy() if name != "x" else None
            if name == "x":
                out = bn.forward(v, training=training)
            else:
                getattr(bn, name)[...] = v
                out = bn.forward(x, training=training)
                getattr(bn, name)[...] = old
            bn.running_mean[...], bn.running_var[...] = saved     # forward moved them
            return float((out * w).sum())
        return f

    bn.forward(x, training=training)
    dx = bn.backward(w)
    dgamma, dbeta = bn.dgamma.copy(), bn.dbeta.copy()
    np.testing.assert_allclose(dx, numerical_gradient(loss_of("x"), x), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dgamma, numerical_gradient(loss_of("gamma"), bn.gamma.copy()),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dbeta, numerical_gradient(loss_of("beta"), bn.beta.copy()),
                               rtol=1e-6, atol=1e-8)


def test_training_gradient_differs_from_the_naive_one():
    """Ignoring that mu and sigma depend on x gives G * gamma / sigma, which is wrong."""
    bn = layer_with_params()
    x, g = batch(6), RNG.standard_normal((6, 4))
    bn.forward(x, training=True)
    dx = bn.backward(g)
    naive = g * bn.gamma * bn.inv_std
    assert np.abs(dx - naive).max() > 0.1 * np.abs(naive).max()
    np.testing.assert_allclose(dx.sum(axis=0), 0, atol=1e-12)     # shifting x changes nothing


# -- checks ------------------------------------------------------------------------------

def test_bad_arguments():
    with pytest.raises(ValueError, match="n_features"):
        BatchNorm(0)
    with pytest.raises(TypeError, match="n_features"):
        BatchNorm(2.5)
    with pytest.raises(ValueError, match="momentum"):
        BatchNorm(3, momentum=1.5)
    with pytest.raises(ValueError, match="eps"):
        BatchNorm(3, eps=0.0)
    bn = BatchNorm(3)
    with pytest.raises(TypeError, match="training"):
        bn.forward(np.ones((2, 3)), training="yes")
    with pytest.raises(ValueError, match="3 columns"):
        bn.forward(np.ones((2, 4)), training=True)
    with pytest.raises(TypeError, match="x"):
        bn.forward(np.array([["a", "b", "c"]] * 2))
    with pytest.raises(RuntimeError, match="before forward"):
        BatchNorm(3).backward(np.ones((2, 3)))
    bn.forward(np.ones((2, 3)) + np.eye(2, 3), training=True)
    with pytest.raises(ValueError, match="grad_out"):
        bn.backward(np.ones((3, 3)))
    with pytest.raises(TypeError, match="batch_norm"):
        MLP([2, 3, 1], batch_norm="yes")


# -- inside MLP, fit and checkpoints ---------------------------------------------------------

def test_mlp_places_batchnorm_between_dense_and_activation():
    net = MLP([3, 5, 4, 2], batch_norm=True, dropout=0.1, rng=0)
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds == ["Dense", "BatchNorm", "Activation", "Dropout",
                     "Dense", "BatchNorm", "Activation", "Dropout", "Dense"]
    assert [p.shape for p in net.params] == [(5, 3), (5,), (5,), (5,), (4, 5), (4,), (4,),
                                             (4,), (2, 4), (2,)]
    assert len(net.buffers) == 4 and len(MLP([3, 5, 2]).buffers) == 0
    assert "batch_norm=True" in repr(net)


def test_mlp_with_batchnorm_gradients_match_finite_differences():
    net = MLP([3, 6, 5, 2], activation="tanh", batch_norm=True, rng=3)
    for layer in net.layers:
        if isinstance(layer, BatchNorm):
            layer.gamma[...] = RNG.uniform(0.5, 2, layer.n_features)
            layer.beta[...] = RNG.standard_normal(layer.n_features)
    X, y = RNG.standard_normal((7, 3)), RNG.integers(0, 2, 7)
    out = net.forward(X, training=True)
    net.backward(losses.cross_entropy_grad(out, y))
    for param, grad in zip(net.params, net.grads, strict=True):
        saved = param.copy()

        def f(v, param=param):
            param[...] = v
            return float(losses.cross_entropy(net.forward(X, training=True), y))
        want = numerical_gradient(f, saved)
        param[...] = saved
        np.testing.assert_allclose(grad, want, rtol=1e-6, atol=1e-8)


def test_fit_trains_a_batchnorm_network_and_evaluates_with_running_statistics():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 4)) * [1, 10, 100, 0.1] + [0, 5, -50, 1]
    y = (X[:, 0] + X[:, 1] / 10 > 0.5).astype(np.int64)
    net = MLP([4, 16, 2], batch_norm=True, output="softmax", rng=0)
    bn = net.layers[1]
    history = training.fit(net, "cross_entropy", Adam(net.params, lr=0.01), X, y, epochs=20,
                           batch_size=32, rng=0, verbose=False)
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert not np.allclose(bn.running_mean, 0)
    result = training.evaluate(net, "cross_entropy", X, y)
    assert result["accuracy"] > 0.9
    before = bn.running_mean.copy()
    training.evaluate(net, "cross_entropy", X[:1], y[:1])        # batch of 1: eval mode
    np.testing.assert_array_equal(bn.running_mean, before)


def test_checkpoints_save_and_restore_running_statistics(tmp_path):
    net = MLP([3, 4, 2], batch_norm=True, rng=0)
    opt = SGD(net.params, lr=0.1)
    X, y = RNG.standard_normal((8, 3)), RNG.integers(0, 2, 8)
    training.train_step(net, training.get_loss("cross_entropy"), opt, X, y)
    bn = net.layers[1]
    saved_mean, saved_var = bn.running_mean.copy(), bn.running_var.copy()
    path = training.save_checkpoint(tmp_path / "bn", net, opt, epoch=1)
    other = MLP([3, 4, 2], batch_norm=True, rng=5)
    training.load_checkpoint(path, other, SGD(other.params, lr=0.1))
    np.testing.assert_array_equal(other.layers[1].running_mean, saved_mean)
    np.testing.assert_array_equal(other.layers[1].running_var, saved_var)
    np.testing.assert_array_equal(other.forward(X), net.forward(X))
    plain = MLP([3, 4, 2], rng=0)
    with pytest.raises(ValueError, match="6 parameter arrays but the model has 4"):
        training.load_checkpoint(path, plain)


def test_layer_statistics_in_training_mode_see_the_normalization():
    import functools

    from nnlearn import diagnostics, init

    X = np.random.default_rng(0).standard_normal((128, 30))
    def net():
        return MLP([30] * 12, activation="tanh", init=functools.partial(init.normal, std=0.01),
                   batch_norm=True, rng=0)
    train = diagnostics.layer_statistics(net(), X, rng=1, training=True)
    evaluation = diagnostics.layer_statistics(net(), X, rng=1)    # running stats 0 and 1
    assert train["activation_std"][:-1].min() > 0.5                # every layer normalized
    assert evaluation["activation_std"][-2] < 1e-10                # the signal vanished
