"""nnlearn.autodiff against PyTorch's autograd: values and gradients in float64 and float32.

Skipped when PyTorch is not installed (CI installs it, so these run there).
"""

from __future__ import annotations

import numpy as np
import pytest

from nnlearn.autodiff import Tensor, cross_entropy, mlp

torch = pytest.importorskip("torch")
F = torch.nn.functional
RNG = np.random.default_rng(7)


def both(fn, *arrays, dtype=np.float64):
    """Run ``fn`` on nnlearn Tensors and on torch tensors, then backward from one upstream."""
    ours = [Tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    out, ref = fn(ours), fn(theirs)
    upstream = RNG.standard_normal(out.shape).astype(dtype)
    out.backward(upstream)
    ref.backward(torch.tensor(upstream))
    return out, ref, ours, theirs


def assert_same(fn, *arrays, dtype=np.float64, tol=1e-12):
    out, ref, ours, theirs = both(fn, *arrays, dtype=dtype)
    assert out.dtype == dtype
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=tol, atol=tol)
    for o, t in zip(ours, theirs, strict=True):
        assert o.grad.dtype == dtype
        np.testing.assert_allclose(o.grad, t.grad.numpy(), rtol=tol, atol=tol)


EXPRESSIONS = {
    "broadcast arithmetic": (lambda t: (t[0] * t[1] - t[1] / (t[0] ** 2 + 1.0) + 2.0) / t[1],
                             [(3, 4), (4,)]),
    "matmul and transpose": (lambda t: (t[0] @ t[1].T).tanh() @ t[1], [(3, 4), (5, 4)]),
    "reductions": (lambda t: t[0].sum(axis=0, keepdims=True) * t[0].mean(axis=1, keepdims=True)
                   - t[0].mean(), [(3, 4)]),
    "functions": (lambda t: t[0].exp().sigmoid() + t[0].relu() * t[0].tanh()
                  + (t[0] * t[0] + 1.0).log(), [(3, 4)]),
    "shapes and indexing": (lambda t: t[0].reshape(4, 3)[1:, ::2].T * -t[0][0, :2].reshape(2, 1),
                            [(3, 4)]),
}


@pytest.mark.parametrize("name", list(EXPRESSIONS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_expressions_match_autograd(name, dtype):
    fn, shapes = EXPRESSIONS[name]
    arrays = [RNG.standard_normal(s) + 0.05 for s in shapes]
    assert_same(fn, *arrays, dtype=dtype, tol=1e-12 if dtype == np.float64 else 1e-5)


def test_cross_entropy_matches_torch():
    logits = 4 * RNG.standard_normal((16, 5))
    labels = RNG.integers(0, 5, 16)
    ours = Tensor(logits, requires_grad=True)
    theirs = torch.tensor(logits, requires_grad=True)
    loss, ref = cross_entropy(ours, labels), F.cross_entropy(theirs, torch.tensor(labels))
    loss.backward()
    ref.backward()
    np.testing.assert_allclose(loss.item(), ref.item(), rtol=1e-14)
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-12, atol=1e-16)


def test_an_mlp_matches_torch_sequential():
    sizes = [6, 8, 8, 4]
    params = [RNG.standard_normal((m, n)) / np.sqrt(n) if k == 0 else RNG.standard_normal(m)
              for n, m in zip(sizes[:-1], sizes[1:], strict=True) for k in (0, 1)]
    X, y = RNG.standard_normal((10, 6)), RNG.integers(0, 4, 10)
    ours = [Tensor(p, requires_grad=True) for p in params]
    loss = cross_entropy(mlp(ours, X, "tanh"), y)
    loss.backward()
    layers = [torch.nn.Linear(n, m).double() for n, m in zip(sizes[:-1], sizes[1:], strict=True)]
    with torch.no_grad():
        for i, layer in enumerate(layers):
            layer.weight.copy_(torch.tensor(params[2 * i]))
            layer.bias.copy_(torch.tensor(params[2 * i + 1]))
    model = torch.nn.Sequential(layers[0], torch.nn.Tanh(), layers[1], torch.nn.Tanh(),
                                layers[2])
    ref = F.cross_entropy(model(torch.tensor(X)), torch.tensor(y))
    ref.backward()
    torch_grads = [g for layer in layers for g in (layer.weight.grad, layer.bias.grad)]
    np.testing.assert_allclose(loss.item(), ref.item(), rtol=1e-13)
    for o, t in zip(ours, torch_grads, strict=True):
        np.testing.assert_allclose(o.grad, t.numpy(), rtol=1e-11, atol=1e-13)


def test_accumulation_matches_torch():
    a = RNG.standard_normal(3)
    ours, theirs = Tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    for _ in range(3):
        (ours * ours).sum().backward()
        (theirs * theirs).sum().backward()
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-15)
