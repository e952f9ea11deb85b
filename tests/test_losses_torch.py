"""nnlearn.losses against torch.nn.functional: values and autograd gradients.

Skipped when PyTorch is not installed. Focal loss is compared with the formula
of ``torchvision.ops.sigmoid_focal_loss`` written out in torch operations
(torchvision itself is not a dependency).
"""

from __future__ import annotations

import numpy as np
import pytest

from nnlearn.losses import LOSSES

torch = pytest.importorskip("torch")
F = torch.nn.functional

REDUCTIONS = ["mean", "sum", "none"]


def torch_value_and_grad(fn, x, dtype=torch.float64):
    """Value of ``fn(x)`` and the autograd gradient of its sum with respect to ``x``.

    For reduction="none" the gradient of the sum is each element's (row's) own
    derivative, which is what the nnlearn ``_grad`` functions return.
    """
    xt = torch.tensor(x, dtype=dtype, requires_grad=True)
    out = fn(xt)
    out.sum().backward()
    return out.detach().numpy(), xt.grad.numpy()


def assert_matches(name, x, t, torch_fn, rtol=1e-12, atol=1e-14, **kw):
    loss, grad = LOSSES[name].pair
    for red in REDUCTIONS:
        want_value, want_grad = torch_value_and_grad(lambda v, r=red: torch_fn(v, r), x)
        np.testing.assert_allclose(loss(x, t, reduction=red, **kw), want_value,
                                   rtol=rtol, atol=atol, err_msg=f"{name} value, {red}")
        np.testing.assert_allclose(grad(x, t, reduction=red, **kw), want_grad,
                                   rtol=rtol, atol=atol, err_msg=f"{name} grad, {red}")


def tensor(a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


def torch_reduce(per, reduction):
    if reduction == "mean":
        return per.mean()
    if reduction == "sum":
        return per.sum()
    return per


def torchvision_focal(inputs, targets, alpha, gamma, reduction):
    """torchvision.ops.sigmoid_focal_loss, written out (alpha < 0 switches alpha off)."""
    p = torch.sigmoid(inputs)
    ce = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_y = p * targets + (1 - p) * (1 - targets)
    loss = ce * (1 - p_y) ** gamma
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    return torch_reduce(loss, reduction)


@pytest.fixture(params=range(3))
def rng(request):
    return np.random.default_rng([request.param, 2024])


# ----------------------------------------------------------------------------
# Regression losses
# ----------------------------------------------------------------------------

def test_mse(rng):
    x, t = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    assert_matches("mse", x, t, lambda v, r: F.mse_loss(v, tensor(t), reduction=r))


def test_mae_including_zero_residuals(rng):
    t = rng.normal(size=(4, 3))
    x = t + rng.normal(size=(4, 3))
    x[0] = t[0]                                   # sign(0) = 0, as in torch
    assert_matches("mae", x, t, lambda v, r: F.l1_loss(v, tensor(t), reduction=r))


@pytest.mark.parametrize("delta", [0.25, 1.0, 3.0])
def test_huber(rng, delta):
    t = rng.normal(size=(6, 2))
    x = t + 2 * delta * rng.normal(size=(6, 2))
    x[0, 0], x[0, 1] = t[0, 0] + delta, t[0, 1] - delta   # exactly at the kink
    assert_matches("huber", x, t,
                   lambda v, r: F.huber_loss(v, tensor(t), reduction=r, delta=delta),
                   delta=delta)


def test_log_cosh_written_in_torch(rng):
    x, t = 3 * rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    assert_matches("log_cosh", x, t,
                   lambda v, r: torch_reduce(torch.log(torch.cosh(v - tensor(t))), r))


# ----------------------------------------------------------------------------
# Binary classification
# ----------------------------------------------------------------------------

def test_binary_cross_entropy(rng):
    p = rng.uniform(0.01, 0.99, size=(5, 4))
    t = np.where(rng.random((5, 4)) < 0.5, rng.integers(0, 2, (5, 4)), rng.random((5, 4)))
    assert_matches("binary_cross_entropy", p, t,
                   lambda v, r: F.binary_cross_entropy(v, tensor(t), reduction=r))


def test_binary_cross_entropy_clamping_at_zero_and_one():
    # torch clamps each log at -100 and the gradient's denominator at 1e-12
    # (torch stores that 1e-12 as a float32 constant, 4e-9 below 1e-12: hence rtol)
    p = np.array([0.0, 1.0, 0.0, 1.0, 1e-50, 0.5])
    t = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.3])
    assert_matches("binary_cross_entropy", p, t,
                   lambda v, r: F.binary_cross_entropy(v, tensor(t), reduction=r), rtol=1e-8)


def test_binary_cross_entropy_with_logits(rng):
    x = 4 * rng.normal(size=(3, 5))
    x[0, :2] = [60.0, -60.0]                      # saturated logits
    t = np.where(rng.random((3, 5)) < 0.5, rng.integers(0, 2, (3, 5)), rng.random((3, 5)))
    assert_matches("binary_cross_entropy_with_logits", x, t,
                   lambda v, r: F.binary_cross_entropy_with_logits(v, tensor(t), reduction=r))


@pytest.mark.parametrize("alpha", [0.25, 0.6, None])
@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0, 5.0])
def test_focal_loss_matches_torchvision_formula(rng, alpha, gamma):
    x = 3 * rng.normal(size=(4, 3))
    t = rng.integers(0, 2, size=(4, 3)).astype(float)
    t[0, 0] = 0.3                                 # a soft label as well
    tv_alpha = -1 if alpha is None else alpha
    assert_matches("focal_loss", x, t,
                   lambda v, r: torchvision_focal(v, tensor(t), tv_alpha, gamma, r),
                   rtol=1e-11, alpha=alpha, gamma=gamma)


# ----------------------------------------------------------------------------
# Cross-entropy
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("eps", [0.0, 0.1, 0.45, 1.0])
def test_cross_entropy_class_indices(rng, eps):
    z = 2 * rng.normal(size=(6, 5))
    y = rng.integers(0, 5, size=6)
    yt = torch.tensor(y)
    assert_matches("cross_entropy", z, y,
                   lambda v, r: F.cross_entropy(v, yt, reduction=r, label_smoothing=eps),
                   label_smoothing=eps)


@pytest.mark.parametrize("eps", [0.0, 0.2, 1.0])
def test_cross_entropy_probability_targets(rng, eps):
    z = 2 * rng.normal(size=(5, 4))
    t = rng.dirichlet(np.ones(4), size=5)
    assert_matches("cross_entropy", z, t,
                   lambda v, r: F.cross_entropy(v, tensor(t), reduction=r,
                                                label_smoothing=eps),
                   label_smoothing=eps)


def test_cross_entropy_huge_logits():
    z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [3.0, 3.0, 3.0]])
    y = np.array([1, 2, 0])
    assert_matches("cross_entropy", z, y,
                   lambda v, r: F.cross_entropy(v, torch.tensor(y), reduction=r,
                                                label_smoothing=0.1),
                   label_smoothing=0.1)


# ----------------------------------------------------------------------------
# float32
# ----------------------------------------------------------------------------

FLOAT32_CASES = {
    "mse": lambda v, t, r: F.mse_loss(v, t, reduction=r),
    "mae": lambda v, t, r: F.l1_loss(v, t, reduction=r),
    "huber": lambda v, t, r: F.huber_loss(v, t, reduction=r),
    "binary_cross_entropy_with_logits":
        lambda v, t, r: F.binary_cross_entropy_with_logits(v, t, reduction=r),
    "binary_cross_entropy":
        lambda v, t, r: F.binary_cross_entropy(torch.sigmoid(v), t, reduction=r),
}


@pytest.mark.parametrize("name", sorted(FLOAT32_CASES))
def test_float32_agrees_with_torch_float32(name):
    rng = np.random.default_rng(99)
    x = rng.normal(size=(8, 3)).astype(np.float32)
    t = rng.random((8, 3)).astype(np.float32)
    loss, _ = LOSSES[name].pair
    if name == "binary_cross_entropy":
        x_in = torch.sigmoid(torch.tensor(x)).numpy()
        fn = F.binary_cross_entropy
        want = fn(torch.tensor(x_in), torch.tensor(t), reduction="none").numpy()
    else:
        x_in = x
        want = FLOAT32_CASES[name](torch.tensor(x), torch.tensor(t), "none").numpy()
    got = loss(x_in, t, reduction="none")
    assert got.dtype == np.float32 and want.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_float32_cross_entropy_agrees_with_torch():
    rng = np.random.default_rng(98)
    z = (3 * rng.normal(size=(6, 4))).astype(np.float32)
    y = rng.integers(0, 4, size=6)
    loss, _ = LOSSES["cross_entropy"].pair
    want = F.cross_entropy(torch.tensor(z), torch.tensor(y), reduction="none",
                           label_smoothing=0.1).numpy()
    got = loss(z, y, reduction="none", label_smoothing=0.1)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
