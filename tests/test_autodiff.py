"""nnlearn.autodiff: every operation against central finite differences (float64),
the engine against the library's hand-derived MLP.backward, accumulation, dtypes
and error messages. (PyTorch comparisons: test_autodiff_torch.py.)
"""

from __future__ import annotations

import numpy as np
import pytest

from nnlearn import losses
from nnlearn.autodiff import (
    Tensor,
    cross_entropy,
    forward_mode_gradient,
    jacobian,
    mlp,
    reverse_mode_gradient,
    topological_order,
    unbroadcast,
)
from nnlearn.descent import numerical_gradient
from nnlearn.network import MLP

RNG = np.random.default_rng(1234)


def randn(*shape, positive=False, away_from_zero=False):
    a = RNG.standard_normal(shape)
    if positive:
        a = np.abs(a) + 0.5
    if away_from_zero:
        a = np.where(np.abs(a) < 0.1, a + 0.3, a)       # no kink inside the FD step
    return a


def check_op(fn, *inputs, tol=1e-7):
    """Compare the engine's gradients of ``sum(fn(*inputs) * R)`` with central differences.

    ``R`` is a fixed random array, so the upstream gradient is not all ones
    and a VJP that ignored it (or used the wrong entries) would fail.
    """
    out = fn(*[Tensor(x) for x in inputs])
    weights = RNG.standard_normal(out.shape)

    def value(*arrays):
        return float((fn(*[Tensor(a) for a in arrays]).data * weights).sum())

    tensors = [Tensor(x.copy(), requires_grad=True) for x in inputs]
    (fn(*tensors) * weights).sum().backward()
    for k, x in enumerate(inputs):
        def f(v, k=k):
            args = list(inputs)
            args[k] = v
            return value(*args)
        want = numerical_gradient(f, x)
        got = tensors[k].grad
        assert got.shape == x.shape
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol, err_msg=f"input {k}")


# -- every operation against finite differences --------------------------------

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
}

BROADCAST_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4)), ((4,), (2, 3, 4)),
                    ((2, 1, 4), (3, 1)), ((3, 4), ())]


@pytest.mark.parametrize("name", list(BINARY))
@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
def test_binary_ops_with_broadcasting(name, shapes):
    a = randn(*shapes[0])
    b = randn(*shapes[1], positive=(name == "div"))
    check_op(BINARY[name], a, b)


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_ops_with_constants_on_either_side(name):
    x = randn(3, 4, positive=True)
    const = randn(4, positive=True)
    op = BINARY[name]
    check_op(lambda t: op(t, 2.5), x)
    check_op(lambda t: op(2.5, t), x)
    check_op(lambda t: op(t, const), x)      # ndarray on the right
    check_op(lambda t: op(const, t), x)      # ndarray on the left: Tensor.__r*__


def test_unary_minus_and_power():
    check_op(lambda t: -t, randn(3, 4))
    for p in (2, 3, -1, 0.5, 1.5):
        check_op(lambda t, p=p: t**p, randn(3, 4, positive=True))


@pytest.mark.parametrize("shapes", [((3, 4), (4, 2)), ((1, 5), (5, 1)), ((5, 1), (1, 3))],
                         ids=str)
def test_matmul(shapes):
    check_op(lambda a, b: a @ b, randn(*shapes[0]), randn(*shapes[1]))
    const = randn(*shapes[1])
    check_op(lambda a: a @ const, randn(*shapes[0]))
    left = randn(2, shapes[0][0])
    check_op(lambda a: left @ a, randn(*shapes[0]))          # ndarray @ Tensor


def test_transpose_reshape_and_indexing():
    x = randn(3, 4)
    check_op(lambda t: t.T, x)
    check_op(lambda t: t.reshape(2, 6), x)
    check_op(lambda t: t.reshape((4, 3)), x)
    check_op(lambda t: t.reshape(-1), x)
    check_op(lambda t: t[1], x)
    check_op(lambda t: t[:, 1:3], x)
    check_op(lambda t: t[np.array([0, 2, 2, 0])], x)            # repeated rows add
    check_op(lambda t: t[np.array([0, 1, 1]), np.array([3, 3, 0])], x)
    check_op(lambda t: t[x > 0], x)


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1), -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_sum_and_mean(axis, keepdims):
    x = randn(3, 4)
    check_op(lambda t: t.sum(axis=axis, keepdims=keepdims), x)
    check_op(lambda t: t.mean(axis=axis, keepdims=keepdims), x)


def test_mean_divides_by_the_number_of_averaged_entries():
    t = Tensor(np.ones((3, 4)), requires_grad=True)
    t.mean(axis=0).sum().backward()
    np.testing.assert_array_equal(t.grad, np.full((3, 4), 1 / 3))


def test_elementwise_functions():
    check_op(lambda t: t.exp(), randn(3, 4))
    check_op(lambda t: t.log(), randn(3, 4, positive=True))
    check_op(lambda t: t.tanh(), randn(3, 4))
    check_op(lambda t: t.sigmoid(), 3 * randn(3, 4))
    check_op(lambda t: t.relu(), randn(3, 4, away_from_zero=True))


def test_relu_derivative_at_zero_is_zero():
    t = Tensor(np.array([-1.0, 0.0, 2.0]), requires_grad=True)
    t.relu().sum().backward()
    np.testing.assert_array_equal(t.grad, [0.0, 0.0, 1.0])


def test_cross_entropy_value_and_gradient():
    logits = randn(6, 4)
    labels = np.array([0, 3, 1, 1, 2, 3])
    np.testing.assert_allclose(cross_entropy(Tensor(logits), labels).item(),
                               losses.cross_entropy(logits, labels), rtol=1e-14)
    check_op(lambda z: cross_entropy(z, labels) * 1.0, logits)
    check_op(lambda z: cross_entropy(z * 3.0, labels).exp(), logits)    # upstream != 1


def test_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [0.0, 2000.0, 0.0]])
    z = Tensor(logits, requires_grad=True)
    loss = cross_entropy(z, np.array([0, 0]))
    loss.backward()
    assert np.isclose(loss.item(), 1000.0)                # (0 + 2000) / 2
    assert np.all(np.isfinite(z.grad))
    np.testing.assert_allclose(z.grad, [[0, 0, 0], [-0.5, 0.5, 0]], atol=1e-300)


def test_a_composite_expression():
    """Softmax written from primitives, then a weighted log: many ops, broadcasting, reuse."""
    def f(z, w):
        e = (z - z.mean(axis=1, keepdims=True)).exp()
        p = e / e.sum(axis=1, keepdims=True)
        head = (p.log() * w).sum(axis=0, keepdims=True) @ w.T.reshape(4, 1)
        return head + (z * z).tanh().sigmoid()[0, :1]
    check_op(f, randn(3, 4), randn(1, 4))


# -- the graph walk ---------------------------------------------------------------

def test_a_value_used_twice_gets_both_gradients():
    x = Tensor(np.array([3.0]), requires_grad=True)
    (x * x + x).sum().backward()                # d/dx (x^2 + x) = 2x + 1
    np.testing.assert_array_equal(x.grad, [7.0])


def test_diamond_graph_is_walked_once_per_node():
    x = Tensor(np.array(2.0), requires_grad=True)
    y = x.exp()
    z = y * y + y                                # y is used three times
    z.backward()
    np.testing.assert_allclose(x.grad, 2 * np.exp(4.0) + np.exp(2.0), rtol=1e-15)
    order = topological_order(z)
    assert len(order) == len({id(t) for t in order}) == 4    # x, y, y*y, z
    position = {id(t): i for i, t in enumerate(order)}
    for t in order:
        for parent in t.parents:
            assert position[id(parent)] < position[id(t)]   # parents come first


def test_gradients_accumulate_until_cleared():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x * 3.0).sum().backward()
    (x * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0, 6.0])
    x.zero_grad()
    assert x.grad is None
    (x * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])
    x.grad = None
    (x**2).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_backward_twice_through_the_same_graph_doubles_every_gradient():
    x = Tensor(randn(3), requires_grad=True)
    y = (x.tanh() * 2.0).sum()
    y.backward()
    first = x.grad.copy()
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * first)


def test_backward_of_a_non_scalar_needs_grad():
    x = Tensor(randn(2, 3), requires_grad=True)
    y = x * 2.0
    with pytest.raises(ValueError, match=r"scalar.*\(2, 3\)"):
        y.backward()
    v = randn(2, 3)
    y.backward(v)                               # a vector-Jacobian product: 2 v
    np.testing.assert_allclose(x.grad, 2 * v)
    with pytest.raises(ValueError, match=r"grad must have the tensor's shape \(2, 3\)"):
        y.backward(np.ones(3))
    one = Tensor(np.array([[5.0]]), requires_grad=True)
    (one * 2.0).backward()                      # one element: grad may be omitted
    np.testing.assert_array_equal(one.grad, [[2.0]])


def test_backward_needs_a_graph():
    with pytest.raises(RuntimeError, match="requires_grad=True"):
        (Tensor(np.ones(2)) * 2.0).sum().backward()


def test_constants_record_no_graph_and_get_no_gradient():
    c = Tensor(np.ones(3))
    x = Tensor(np.ones(3), requires_grad=True)
    assert (c * 2.0).parents == () and not (c * 2.0).requires_grad
    (c * x).sum().backward()
    assert c.grad is None
    np.testing.assert_array_equal(x.grad, np.ones(3))


def test_a_deep_chain_has_no_recursion_limit():
    x = Tensor(np.array(0.5), requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0


def test_unbroadcast_sums_back_to_the_shape():
    g = np.ones((2, 3, 4))
    assert unbroadcast(g, (4,)).tolist() == [6.0] * 4
    assert unbroadcast(g, (3, 1)).shape == (3, 1)
    np.testing.assert_array_equal(unbroadcast(g, (3, 1)), np.full((3, 1), 8.0))
    np.testing.assert_array_equal(unbroadcast(g, ()), 24.0)
    assert unbroadcast(g, (2, 3, 4)) is g


# -- the engine against the hand-derived backward pass -------------------------------

@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_engine_reproduces_mlp_backward_for_cross_entropy(activation):
    net = MLP([5, 7, 6, 3], activation=activation, rng=0)
    X, y = RNG.standard_normal((8, 5)), RNG.integers(0, 3, 8)
    out = net.forward(X, training=True)
    net.backward(losses.cross_entropy_grad(out, y))
    params = [Tensor(p, requires_grad=True) for p in net.params]
    logits = mlp(params, X, activation)
    loss = cross_entropy(logits, y)
    loss.backward()
    np.testing.assert_allclose(logits.data, out, rtol=0, atol=1e-12)
    assert abs(loss.item() - losses.cross_entropy(out, y)) < 1e-12
    for p, g in zip(params, net.grads, strict=True):
        np.testing.assert_allclose(p.grad, g, rtol=0, atol=1e-10)


def test_engine_reproduces_mlp_backward_for_mse_and_the_input_gradient():
    net = MLP([3, 4, 2], activation="tanh", rng=1)
    X, Y = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 2))
    out = net.forward(X)
    dX = net.backward(losses.mse_grad(out, Y))
    x = Tensor(X, requires_grad=True)
    params = [Tensor(p, requires_grad=True) for p in net.params]
    ((mlp(params, x, "tanh") - Y) ** 2).mean().backward()
    np.testing.assert_allclose(x.grad, dX, rtol=0, atol=1e-10)
    for p, g in zip(params, net.grads, strict=True):
        np.testing.assert_allclose(p.grad, g, rtol=0, atol=1e-10)


def test_mlp_checks_its_arguments():
    p = [Tensor(np.ones((2, 2))), Tensor(np.zeros(2))]
    with pytest.raises(ValueError, match="activation"):
        mlp(p, np.ones((1, 2)), "softplus")
    with pytest.raises(ValueError, match="params"):
        mlp(p[:1], np.ones((1, 2)))


# -- dtypes --------------------------------------------------------------------------

def test_float32_stays_float32_through_scalars_and_gradients():
    net = MLP([4, 5, 3], rng=0, dtype=np.float32)
    params = [Tensor(p, requires_grad=True) for p in net.params]
    X = RNG.standard_normal((6, 4)).astype(np.float32)
    loss = cross_entropy(mlp(params, X) * 0.5 + 1.0, np.array([0, 1, 2, 0, 1, 2]))
    loss.backward()
    assert loss.dtype == np.float32
    assert all(p.grad.dtype == np.float32 for p in params)
    t = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    y = (2.0 - t) / 3 + t**2 - 1.5 * t.exp() + t.mean()
    y.sum().backward()
    assert y.dtype == np.float32 and t.grad.dtype == np.float32


def test_integer_data_becomes_float64_and_float_arrays_are_shared():
    assert Tensor([1, 2, 3]).dtype == np.float64
    a = np.zeros(3)
    t = Tensor(a)
    a[0] = 7.0
    assert t.data[0] == 7.0


# -- errors ------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["abc", object(), None, {"a": 1}, np.array(["x"])])
def test_bad_data_is_a_type_error_naming_the_argument(bad):
    with pytest.raises(TypeError, match="data"):
        Tensor(bad)


@pytest.mark.parametrize("bad", ["abc", object(), None])
def test_bad_operands_are_type_errors_naming_the_argument(bad):
    t = Tensor(np.ones(2))
    for op in (lambda: t + bad, lambda: bad - t, lambda: t * bad, lambda: t / bad,
               lambda: t @ bad):
        with pytest.raises(TypeError, match="other"):
            op()


def test_other_type_errors():
    t = Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(TypeError, match="exponent"):
        t ** Tensor(np.ones(2))
    with pytest.raises(TypeError, match="requires_grad"):
        Tensor(np.ones(2), requires_grad="yes")
    with pytest.raises(TypeError, match="data.*Tensor"):
        Tensor(t)
    with pytest.raises(TypeError, match="index"):
        t[Tensor(np.array([0]))]
    with pytest.raises(TypeError, match="grad"):
        (t * 1.0).sum().backward("one")


def test_matmul_shape_error_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(2, 3\)"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"\(3,\) and \(3, 2\)"):
        Tensor(np.ones(3)) @ np.ones((3, 2))


def test_cross_entropy_checks_labels():
    z = Tensor(np.zeros((3, 4)))
    with pytest.raises(TypeError, match="labels"):
        cross_entropy(z, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"labels must have shape \(3,\)"):
        cross_entropy(z, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"\[0, 3\]"):
        cross_entropy(z, np.array([0, 1, 4]))
    with pytest.raises(ValueError, match="logits"):
        cross_entropy(Tensor(np.zeros(4)), np.array([0]))
    with pytest.raises(TypeError, match="logits"):
        cross_entropy("logits", np.array([0]))


# -- forward and reverse mode ------------------------------------------------------------

def test_forward_and_reverse_mode_give_the_gradient_of_a_tanh_chain():
    sizes = [5, 7, 4, 3]
    Ws = [RNG.standard_normal((m, n)) / np.sqrt(n) for n, m in zip(sizes, sizes[1:], strict=False)]
    x0, seed = RNG.standard_normal(5), RNG.standard_normal(3)

    def f(x):
        for W in Ws:
            x = np.tanh(W @ x)
        return float(seed @ x)                    # L = seed . f(x): dL/df = seed
    jacobians, a = [], x0
    for W in Ws:
        a = np.tanh(W @ a)
        jacobians.append((1 - a**2)[:, None] * W)    # diag(tanh') W
    want = numerical_gradient(f, x0)
    np.testing.assert_allclose(forward_mode_gradient(jacobians, seed), want, rtol=1e-7)
    np.testing.assert_allclose(reverse_mode_gradient(jacobians, seed), want, rtol=1e-7)


def test_mode_functions_check_the_chain():
    with pytest.raises(ValueError, match="does not fit"):
        forward_mode_gradient([np.ones((3, 2)), np.ones((2, 2))], np.ones(2))
    with pytest.raises(ValueError, match="seed must have length 3"):
        reverse_mode_gradient([np.ones((3, 2))], np.ones(2))
    with pytest.raises(ValueError, match="at least one"):
        reverse_mode_gradient([], np.ones(2))


def test_jacobian_rows_are_vjps_of_one_hot_vectors():
    W, X = randn(2, 3), randn(4, 3)
    J = jacobian(lambda t: t @ W.T, X)               # Y = X W^T, (4, 2) from (4, 3)
    assert J.shape == (8, 12)
    np.testing.assert_allclose(J, np.kron(np.eye(4), W), rtol=1e-15)   # one W per row
    x = randn(5)
    np.testing.assert_allclose(jacobian(lambda t: t.tanh(), x), np.diag(1 - np.tanh(x)**2),
                               rtol=1e-15)
    with pytest.raises(TypeError, match="f must"):
        jacobian(lambda t: 3.0, x)
    with pytest.raises(TypeError, match="f must"):
        jacobian("tanh", x)
