"""Tests for nnlearn.network: forward by hand, backward vs finite differences, dropout,
dtypes, traces and error messages."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nnlearn.network import (
    MLP,
    Activation,
    Dense,
    Dropout,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Tanh,
)

ACTIVATION_NAMES = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]


# ----------------------------------------------------------------------------
# Independent references: losses written here, central finite differences
# ----------------------------------------------------------------------------

def mse(out, y):
    """Mean over all entries of (out - y)^2."""
    return np.mean((out - y) ** 2)


def mse_grad(out, y):
    return 2 * (out - y) / out.size


def cross_entropy(logits, labels):
    """Mean over the batch of -log softmax(logits)[label]."""
    m = logits.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    return np.mean(lse - logits[np.arange(len(labels)), labels])


def cross_entropy_grad(logits, labels):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1
    return p / len(labels)


def numerical_gradient(f, x, eps=1e-6):
    """Central differences of the scalar f() with respect to the array x (changed in place)."""
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        f_plus = f()
        x[idx] = old - eps
        f_minus = f()
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad


def rel_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-30)


# ----------------------------------------------------------------------------
# Forward pass
# ----------------------------------------------------------------------------

def test_dense_forward_by_hand():
    layer = Dense(2, 3, rng=0)
    layer.W[...] = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    layer.b[...] = [0.5, -0.5, 1.0]
    z = layer.forward(np.array([[1.0, -1.0], [0.0, 2.0]]))
    # row 1: [1-2+0.5, 3-4-0.5, 5-6+1]; row 2: [4+0.5, 8-0.5, 12+1]
    np.testing.assert_allclose(z, [[-0.5, -1.5, 0.0], [4.5, 7.5, 13.0]])
    assert layer.W.shape == (3, 2) and layer.b.shape == (3,)


def test_bias_starts_at_zero_and_weights_follow_init():
    layer = Dense(4, 3, init="xavier_uniform", rng=1)
    assert not layer.b.any()
    assert np.max(np.abs(layer.W)) <= np.sqrt(6 / 7)
    from nnlearn.init import xavier_uniform
    np.testing.assert_array_equal(layer.W, xavier_uniform((3, 4), np.random.default_rng(1)))


def test_mlp_forward_by_hand():
    net = MLP([2, 2, 1], activation="relu", rng=0)
    net.set_params([np.array([[1.0, -1.0], [2.0, 1.0]]), np.array([0.0, -1.0]),
                    np.array([[1.0, 3.0]]), np.array([0.5])])
    x = np.array([[1.0, 2.0], [3.0, 1.0]])
    # sample 1: z1 = [-1, 3], a1 = [0, 3], out = 0 + 9 + 0.5
    # sample 2: z1 = [2, 6],  a1 = [2, 6], out = 2 + 18 + 0.5
    np.testing.assert_allclose(net.forward(x), [[9.5], [20.5]])
    zs, acts = net.forward_trace(x)
    np.testing.assert_allclose(zs[0], [[-1.0, 3.0], [2.0, 6.0]])
    np.testing.assert_allclose(acts[1], [[0.0, 3.0], [2.0, 6.0]])
    np.testing.assert_array_equal(acts[0], x)


def test_activation_layers_apply_their_function():
    z = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])
    np.testing.assert_allclose(Sigmoid().forward(z), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(Tanh().forward(z), np.tanh(z))
    np.testing.assert_allclose(ReLU().forward(z), [[0, 0, 0, 0.5, 2.0]])
    np.testing.assert_allclose(LeakyReLU(0.1).forward(z), [[-0.2, -0.05, 0, 0.5, 2.0]])
    np.testing.assert_allclose(Identity().forward(z), z)
    # ReLU'(0) = 0 (the convention of nnlearn.activations and of PyTorch).
    relu = ReLU()
    relu.forward(z)
    np.testing.assert_allclose(relu.backward(np.ones_like(z)), [[0, 0, 0, 1, 1]])


def test_forward_trace_is_consistent():
    rng = np.random.default_rng(0)
    net = MLP([3, 5, 4, 2], activation="tanh", rng=1)
    x = rng.normal(size=(6, 3))
    zs, acts = net.forward_trace(x)
    assert [z.shape for z in zs] == [(6, 5), (6, 4), (6, 2)]
    assert [a.shape for a in acts] == [(6, 3), (6, 5), (6, 4), (6, 2)]
    for layer, z, a_prev in zip(net.dense_layers, zs, acts[:-1], strict=True):
        np.testing.assert_allclose(z, a_prev @ layer.W.T + layer.b)
    for z, a in zip(zs[:-1], acts[1:-1], strict=True):
        np.testing.assert_allclose(a, np.tanh(z))
    np.testing.assert_array_equal(acts[-1], zs[-1])
    np.testing.assert_array_equal(acts[-1], net.forward(x))


# ----------------------------------------------------------------------------
# Backward pass vs finite differences (float64, relative error < 1e-6)
# ----------------------------------------------------------------------------

def test_dense_gradients():
    rng = np.random.default_rng(0)
    layer = Dense(4, 3, rng=rng)
    layer.b[...] = rng.normal(size=3)
    x = rng.normal(size=(5, 4))
    G = rng.normal(size=(5, 3))            # L = sum(G * Z), so dL/dZ = G

    def loss():
        return np.sum(G * layer.forward(x))

    loss()
    dx = layer.backward(G)
    dW, db = layer.dW.copy(), layer.db.copy()
    assert rel_error(dW, numerical_gradient(loss, layer.W)) < 1e-6
    assert rel_error(db, numerical_gradient(loss, layer.b)) < 1e-6
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-6
    np.testing.assert_array_equal(layer.delta, G)


@pytest.mark.parametrize("layer", [Sigmoid(), Tanh(), ReLU(), LeakyReLU(0.2), Identity(),
                                   Activation("leaky_relu")])
def test_activation_layer_gradients(layer):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 5)) * 2
    G = rng.normal(size=(4, 5))

    def loss():
        return np.sum(G * layer.forward(x))

    loss()
    dx = layer.backward(G)
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-6


def _random_sizes(seed):
    rng = np.random.default_rng(seed)
    depth = int(rng.integers(1, 4))              # 1 to 3 Dense layers
    return [int(n) for n in rng.integers(1, 6, size=depth + 1)], rng


def _check_mlp_gradients(net, x, loss_fn, grad_fn, y, before_forward=lambda: None,
                         training=False):
    def loss():
        before_forward()
        return loss_fn(net.forward(x, training=training), y)

    before_forward()
    out = net.forward(x, training=training)
    dx = net.backward(grad_fn(out, y))
    grads = [g.copy() for g in net.grads]
    for p, g in zip(net.params, grads, strict=True):
        assert p.shape == g.shape
        assert rel_error(g, numerical_gradient(loss, p)) < 1e-6
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-6


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_mlp_gradients_regression(activation, seed):
    sizes, rng = _random_sizes(seed)
    sizes[0] = max(sizes[0], 2)
    net = MLP(sizes, activation=activation, rng=rng)
    for b in net.params[1::2]:
        b[...] = rng.normal(scale=0.5, size=b.shape)   # non-zero biases
    x = rng.normal(size=(4, sizes[0]))
    y = rng.normal(size=(4, sizes[-1]))
    _check_mlp_gradients(net, x, mse, mse_grad, y)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_mlp_gradients_classification(activation, seed):
    sizes, rng = _random_sizes(seed + 10)
    sizes[-1] = max(sizes[-1], 2)                       # at least two classes
    net = MLP(sizes, activation=activation, output="softmax", init="xavier", rng=rng)
    x = rng.normal(size=(5, sizes[0]))
    labels = rng.integers(0, sizes[-1], size=5)
    _check_mlp_gradients(net, x, cross_entropy, cross_entropy_grad, labels)


def test_mlp_gradients_with_fixed_dropout_masks():
    rng = np.random.default_rng(7)
    net = MLP([4, 6, 5, 3], activation="tanh", rng=rng, dropout=0.4, input_dropout=0.25)
    dropouts = [layer for layer in net.layers if isinstance(layer, Dropout)]
    assert len(dropouts) == 3
    x = rng.normal(size=(6, 4))
    y = rng.normal(size=(6, 3))

    def same_masks():                                   # reseed: every forward draws the
        for k, layer in enumerate(dropouts):            # same masks
            layer.rng = np.random.default_rng(100 + k)

    _check_mlp_gradients(net, x, mse, mse_grad, y, before_forward=same_masks, training=True)
    assert all(layer.mask is not None and (layer.mask == 0).any() for layer in dropouts)


def test_dropout_layer_gradient_with_fixed_mask():
    rng = np.random.default_rng(3)
    layer = Dropout(0.5)
    x = rng.normal(size=(5, 6))
    G = rng.normal(size=(5, 6))

    def loss():
        layer.rng = np.random.default_rng(11)
        return np.sum(G * layer.forward(x, training=True))

    loss()
    dx = layer.backward(G)
    assert rel_error(dx, numerical_gradient(loss, x)) < 1e-6


def test_deltas_are_dloss_dz():
    """With one sample, delta^(l) = dL/db^(l), checked by finite differences on b."""
    rng = np.random.default_rng(5)
    net = MLP([3, 4, 3, 2], activation="sigmoid", output="softmax", rng=rng)
    x = rng.normal(size=(1, 3))
    labels = np.array([1])

    def loss():
        return cross_entropy(net.forward(x), labels)

    out = net.forward(x)
    delta_out = cross_entropy_grad(out, labels)
    net.backward(delta_out)
    deltas = [d.copy() for d in net.deltas]
    np.testing.assert_array_equal(deltas[-1], delta_out)
    for delta, layer in zip(deltas, net.dense_layers, strict=True):
        assert delta.shape == (1, layer.n_out)
        assert rel_error(delta[0], numerical_gradient(loss, layer.b)) < 1e-6


def test_deltas_follow_the_recursion():
    rng = np.random.default_rng(6)
    net = MLP([2, 3, 4, 2], activation="tanh", rng=rng)
    x = rng.normal(size=(5, 2))
    zs, acts = net.forward_trace(x)
    G = rng.normal(size=(5, 2))
    net.backward(G)
    d = net.deltas
    for ell in range(len(d) - 1, 0, -1):
        W = net.dense_layers[ell].W
        expected = (d[ell] @ W) * (1 - np.tanh(zs[ell - 1]) ** 2)
        np.testing.assert_allclose(d[ell - 1], expected, rtol=1e-12)
        np.testing.assert_allclose(net.dense_layers[ell].dW, d[ell].T @ acts[ell], rtol=1e-12)


def test_backward_overwrites_gradients():
    rng = np.random.default_rng(0)
    net = MLP([2, 3, 1], rng=rng)
    x = rng.normal(size=(4, 2))
    net.forward(x)
    net.backward(np.ones((4, 1)))
    first = [g.copy() for g in net.grads]
    net.forward(x)
    net.backward(np.ones((4, 1)))
    for a, b in zip(first, net.grads, strict=True):
        np.testing.assert_array_equal(a, b)


def test_matches_torch_linear_layers():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    net = MLP([3, 4, 3], activation="tanh", rng=rng)
    x = rng.normal(size=(5, 3))
    labels = rng.integers(0, 3, size=5)
    out = net.forward(x)
    net.backward(cross_entropy_grad(out, labels))

    lin1, lin2 = torch.nn.Linear(3, 4).double(), torch.nn.Linear(4, 3).double()
    with torch.no_grad():
        for lin, layer in zip([lin1, lin2], net.dense_layers, strict=True):
            lin.weight.copy_(torch.from_numpy(layer.W))
            lin.bias.copy_(torch.from_numpy(layer.b))
    xt = torch.from_numpy(x).requires_grad_(True)
    logits = lin2(torch.tanh(lin1(xt)))
    torch.nn.functional.cross_entropy(logits, torch.from_numpy(labels)).backward()
    np.testing.assert_allclose(out, logits.detach().numpy(), rtol=1e-12)
    expected = [lin1.weight.grad, lin1.bias.grad, lin2.weight.grad, lin2.bias.grad]
    for ours, theirs in zip(net.grads, expected, strict=True):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-10, atol=1e-14)


# ----------------------------------------------------------------------------
# Parameters, prediction
# ----------------------------------------------------------------------------

def test_params_are_the_layer_arrays():
    net = MLP([2, 3, 1], rng=0)
    assert len(net.params) == len(net.grads) == 4
    assert net.params[0] is net.dense_layers[0].W
    assert net.params[3] is net.dense_layers[1].b
    assert net.n_params == 2 * 3 + 3 + 3 * 1 + 1
    x = np.ones((2, 2))
    before = net.forward(x)
    net.params[3] += 1.0                       # an in-place update reaches the model
    np.testing.assert_allclose(net.forward(x), before + 1.0)


def test_predict_and_predict_proba():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(7, 3))
    clf = MLP([3, 4, 3], output="softmax", rng=0)
    proba = clf.predict_proba(x)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(x), np.argmax(proba, axis=1))
    np.testing.assert_array_equal(clf.predict(x), np.argmax(clf.forward(x), axis=1))

    binary = MLP([3, 4, 1], output="sigmoid", rng=0)
    p = binary.predict_proba(x)
    assert p.shape == (7, 1)
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-binary.forward(x))))
    labels = binary.predict(x)
    assert labels.shape == (7,)
    np.testing.assert_array_equal(labels, (p[:, 0] > 0.5).astype(int))

    reg = MLP([3, 4, 2], rng=0)
    np.testing.assert_array_equal(reg.predict(x), reg.forward(x))


def test_same_seed_same_network():
    a, b = MLP([3, 5, 2], rng=42), MLP([3, 5, 2], rng=42)
    c = MLP([3, 5, 2], rng=43)
    for p, q in zip(a.params, b.params, strict=True):
        np.testing.assert_array_equal(p, q)
    assert not np.array_equal(a.params[0], c.params[0])


def test_init_option_is_used():
    net = MLP([200, 300, 10], init="xavier_uniform", rng=0)
    bound = np.sqrt(6 / 500)
    assert np.max(np.abs(net.params[0])) <= bound
    assert np.max(np.abs(net.params[0])) > 0.99 * bound
    custom = MLP([2, 2], init=lambda shape, rng, dtype: np.full(shape, 0.5, dtype=dtype))
    np.testing.assert_array_equal(custom.params[0], 0.5)


# ----------------------------------------------------------------------------
# dtypes and shapes
# ----------------------------------------------------------------------------

def test_float32_end_to_end():
    rng = np.random.default_rng(0)
    net = MLP([3, 4, 2], activation="sigmoid", rng=0, dtype=np.float32, dropout=0.2)
    assert all(p.dtype == np.float32 for p in net.params)
    x = rng.normal(size=(5, 3)).astype(np.float32)
    out = net.forward(x, training=True)
    assert out.dtype == np.float32
    dx = net.backward(np.ones((5, 2), dtype=np.float32))
    assert dx.dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.grads)
    assert all(d.dtype == np.float32 for d in net.deltas)
    assert net.predict(x).dtype == np.float32


def test_float32_model_agrees_with_float64_model():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6, 3))
    net64 = MLP([3, 8, 2], activation="tanh", rng=5)
    net32 = MLP([3, 8, 2], activation="tanh", rng=5, dtype=np.float32)
    np.testing.assert_allclose(net32.forward(x.astype(np.float32)), net64.forward(x),
                               rtol=1e-5, atol=1e-6)


def test_integer_input_is_converted_to_the_model_dtype():
    net = MLP([2, 3, 1], rng=0, dtype=np.float32)
    out = net.forward(np.array([[0, 1], [1, 0]]))
    assert out.dtype == np.float32


def test_mixed_float_precision_is_rejected():
    net = MLP([2, 3, 1], rng=0)
    with pytest.raises(TypeError, match="x has dtype float32"):
        net.forward(np.ones((2, 2), dtype=np.float32))
    net.forward(np.ones((2, 2)))
    with pytest.raises(TypeError, match="grad_out"):
        net.backward(np.ones((2, 1), dtype=np.float32))


def test_single_sample_must_be_a_row():
    net = MLP([3, 4, 2], rng=0)
    with pytest.raises(ValueError, match=r"reshape\(1, -1\)"):
        net.forward(np.ones(3))
    with pytest.raises(ValueError, match=r"reshape\(1, -1\)"):
        net.predict(np.ones(3))
    assert net.forward(np.ones(3).reshape(1, -1)).shape == (1, 2)


# ----------------------------------------------------------------------------
# Dropout
# ----------------------------------------------------------------------------

def test_dropout_preserves_the_mean():
    p = 0.3
    layer = Dropout(p, rng=0)
    x = np.ones((1000, 500))
    y = layer.forward(x, training=True)
    keep = 1 - p
    # Mean of N scaled Bernoulli(keep) / keep: 1, standard error sqrt(p / keep / N).
    assert abs(y.mean() - 1) < 5 * np.sqrt(p / keep / x.size)
    assert abs(np.mean(y == 0) - p) < 5 * np.sqrt(p * keep / x.size)
    np.testing.assert_allclose(np.unique(y), [0.0, 1 / keep])


def test_dropout_is_identity_in_eval_mode():
    layer = Dropout(0.5, rng=0)
    x = np.random.default_rng(0).normal(size=(4, 3))
    np.testing.assert_array_equal(layer.forward(x), x)
    assert layer.mask is None
    G = np.ones_like(x)
    np.testing.assert_array_equal(layer.backward(G), G)
    zero = Dropout(0.0, rng=0)
    np.testing.assert_array_equal(zero.forward(x, training=True), x)


def test_dropout_masks_same_seed_fresh_per_call():
    x = np.ones((20, 30))
    a = Dropout(0.5, rng=1).forward(x, training=True)
    b = Dropout(0.5, rng=1).forward(x, training=True)
    np.testing.assert_array_equal(a, b)
    layer = Dropout(0.5, rng=1)
    first = layer.forward(x, training=True)
    second = layer.forward(x, training=True)
    assert not np.array_equal(first, second)


def test_dropout_backward_uses_the_forward_mask():
    rng = np.random.default_rng(4)
    layer = Dropout(0.25, rng=2)
    x = rng.uniform(1, 2, size=(8, 5))          # positive, so y == 0 exactly where dropped
    y = layer.forward(x, training=True)
    G = rng.normal(size=(8, 5))
    np.testing.assert_allclose(layer.backward(G), G * y / x)
    np.testing.assert_array_equal(layer.backward(G) == 0, y == 0)


def test_mlp_dropout_train_vs_eval():
    x = np.random.default_rng(0).normal(size=(10, 4))
    with_dropout = MLP([4, 16, 3], rng=0, dropout=0.5, input_dropout=0.2)
    without = MLP([4, 16, 3], rng=0)
    np.testing.assert_array_equal(with_dropout.forward(x), without.forward(x))
    np.testing.assert_array_equal(with_dropout.predict(x), with_dropout.predict(x))
    t1 = with_dropout.forward(x, training=True)
    t2 = with_dropout.forward(x, training=True)
    assert not np.array_equal(t1, t2)
    assert not np.array_equal(t1, without.forward(x))


def test_dropout_float32():
    y = Dropout(0.5, rng=0).forward(np.ones((3, 3), dtype=np.float32), training=True)
    assert y.dtype == np.float32


# ----------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------

@pytest.mark.parametrize(("make", "exc", "match"), [
    (lambda: MLP([]), ValueError, "sizes"),
    (lambda: MLP([3]), ValueError, "sizes"),
    (lambda: MLP([3, 0, 2]), ValueError, "sizes"),
    (lambda: MLP([3, 2.5]), TypeError, "sizes"),
    (lambda: MLP("32"), TypeError, "sizes"),
    (lambda: MLP([3, 2], activation="softmax"), ValueError, "activation"),
    (lambda: MLP([3, 2], activation="gelu"), ValueError, "activation"),
    (lambda: MLP([3, 2], output="logits"), ValueError, "output"),
    (lambda: MLP([3, 2], init="kaiming"), ValueError, "init"),
    (lambda: MLP([3, 2], init=3), TypeError, "init"),
    (lambda: MLP([3, 2], dtype=np.int32), TypeError, "dtype"),
    (lambda: MLP([3, 2], dropout=1.0), ValueError, "dropout"),
    (lambda: MLP([3, 2], input_dropout=-0.1), ValueError, "input_dropout"),
    (lambda: MLP([3, 2], rng="seed"), TypeError, "rng"),
    (lambda: Dense(0, 2), ValueError, "n_in"),
    (lambda: Dense(2, 2, init=lambda s, r, dtype: np.zeros((3, 3))), ValueError, "init"),
    (lambda: Activation("swish"), ValueError, "name must be one of"),      # its argument
    (lambda: Activation(name="swish"), ValueError, "name must be one of"),
    (lambda: Dropout(1.0), ValueError, "p"),
    (lambda: Dropout(-0.2), ValueError, "p"),
])
def test_bad_construction(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


def test_wrong_input_width_names_expected_and_got():
    net = MLP([3, 4, 2], rng=0)
    with pytest.raises(ValueError, match=r"x must have 3 columns, got 4 \(shape \(5, 4\)\)"):
        net.forward(np.ones((5, 4)))


@pytest.mark.parametrize(("call", "exc", "match"), [
    (lambda n: n.forward(np.ones((2, 3, 1))), ValueError, "x must be 2-dimensional"),
    (lambda n: n.forward(np.array([[np.nan, 1.0, 2.0]])), ValueError, "x"),
    (lambda n: n.forward(np.ones((2, 3)), training="yes"), TypeError, "training"),
    (lambda n: n.forward(np.ones((2, 3)), np.ones(2)), TypeError, "training"),
    (lambda n: n.predict_proba(np.ones((2, 3))), ValueError, "output"),
    (lambda n: n.set_params([np.zeros((4, 3))]), ValueError, "values"),
    (lambda n: n.set_params([np.zeros((3, 4)), np.zeros(4), np.zeros((2, 4)), np.zeros(2)]),
     ValueError, r"values\[0\]"),
])
def test_bad_calls(call, exc, match):
    net = MLP([3, 4, 2], rng=0)
    with pytest.raises(exc, match=match):
        call(net)


def test_backward_checks():
    net = MLP([3, 4, 2], rng=0)
    with pytest.raises(RuntimeError, match="forward"):
        net.backward(np.ones((2, 2)))
    net.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"grad_out must have the shape .*\(2, 2\)"):
        net.backward(np.ones((3, 2)))
    with pytest.raises(RuntimeError, match="forward"):
        Dropout(0.5).backward(np.ones((2, 2)))
    with pytest.raises(RuntimeError, match="forward"):
        ReLU().backward(np.ones((2, 2)))


# ----------------------------------------------------------------------------
# Robustness review §4: flags and non-finite values
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, {}, 0, 1, [True], ["a"], "False", "yes"])
def test_backward_input_grad_must_be_a_bool(value):
    net = MLP([2, 3, 2], rng=0)
    net.forward(np.ones((4, 2)))
    with pytest.raises(TypeError, match="input_grad"):
        net.backward(np.ones((4, 2)), input_grad=value)
    dense = Dense(2, 3, rng=0)
    dense.forward(np.ones((4, 2)))
    with pytest.raises(TypeError, match="input_grad"):
        dense.backward(np.ones((4, 3)), input_grad=value)


# IEEE limits, written out here: f(+inf), f(-inf), f'(+inf), f'(-inf).
NONFINITE_LIMITS = {
    "sigmoid": (1.0, 0.0, 0.0, 0.0),
    "tanh": (1.0, -1.0, 0.0, 0.0),
    "relu": (np.inf, 0.0, 1.0, 0.0),
    "leaky_relu": (np.inf, -np.inf, 1.0, 0.01),
    "identity": (np.inf, -np.inf, 1.0, 1.0),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_activation_layer_lets_nan_and_inf_through(name, dtype):
    # The module doc promises that NaN from a diverging run flows on to the loss.
    z = np.array([[np.nan, np.inf, -np.inf, 0.5, -2.0]], dtype=dtype)
    layer = Activation(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        out = layer.forward(z)
        grad = layer.backward(np.ones_like(z))
    up, down, grad_up, grad_down = NONFINITE_LIMITS[name]
    assert out.dtype == dtype and grad.dtype == dtype
    assert np.isnan(out[0, 0]) and np.isnan(grad[0, 0])
    assert out[0, 1] == up and out[0, 2] == down
    assert grad[0, 1] == pytest.approx(grad_up) and grad[0, 2] == pytest.approx(grad_down)
    finite = Activation(name)
    np.testing.assert_array_equal(out[:, 3:], finite.forward(z[:, 3:]))
    np.testing.assert_array_equal(grad[:, 3:], finite.backward(np.ones((1, 2), dtype)))


def test_leaky_relu_with_a_negative_slope_sends_minus_inf_up():
    out = LeakyReLU(negative_slope=-0.5).forward(np.array([[-np.inf, np.inf]]))
    np.testing.assert_array_equal(out, [[np.inf, np.inf]])


def test_set_params_checks_everything_before_copying():
    net = MLP([2, 3, 1], rng=0, dtype=np.float32)
    before = [p.copy() for p in net.params]
    with pytest.raises(TypeError, match="values"):
        net.set_params(None)
    with pytest.raises(TypeError, match="values"):
        net.set_params(np.zeros(4))
    values = [np.zeros(p.shape) for p in net.params]
    values[3] = np.full(1, 1e300)                       # fits float64, not float32
    with pytest.raises(ValueError, match=r"values\[3\].*float32"):
        net.set_params(values)
    for p, q in zip(net.params, before, strict=True):
        np.testing.assert_array_equal(p, q)             # values[0..2] were not copied
