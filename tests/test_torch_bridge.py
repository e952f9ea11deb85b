"""examples/torch_loop.py: the PyTorch loop gives nnlearn's numbers (where PyTorch is installed)."""

import sys
from pathlib import Path

import numpy as np
import pytest

from nnlearn import datasets
from nnlearn.network import MLP
from nnlearn.preprocessing import StandardScaler

torch = pytest.importorskip("torch")     # CI installs PyTorch's CPU wheel
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
import torch_loop  # noqa: E402


@pytest.fixture(scope="module")
def digits():
    X, y = datasets.load_digits()
    X_tr, X_val, _, y_tr, y_val, _ = datasets.train_val_test_split(
        X, y, val=0.15, test=0.15, stratify=True, rng=0)
    scaler = StandardScaler().fit(X_tr)
    return scaler.transform(X_tr)[:400], y_tr[:400], scaler.transform(X_val), y_val


@pytest.mark.parametrize("weight_decay", [0.0, 1e-2])
def test_torch_loop_gives_nnlearn_validation_losses(digits, weight_decay):
    X, y, X_val, y_val = digits
    epochs, batch_size = 3, 32
    net = MLP([64, 32, 10], activation="relu", output="softmax", rng=0)
    model = torch_loop.torch_model(net)              # the same initial weights
    def loader_of(*tensors):
        return torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(*tensors), batch_size=batch_size, shuffle=True,
            drop_last=False, generator=torch.Generator().manual_seed(0))

    loader = loader_of(torch.from_numpy(X), torch.from_numpy(y))
    # the row orders the loader will use: the same loader over the row numbers
    numbers = loader_of(torch.arange(len(X)))
    orders = [torch.cat([b for (b,) in numbers]).numpy() for _ in range(epochs)]
    assert sorted(orders[0]) == list(range(len(X))) and not np.array_equal(orders[0], orders[1])
    ours = torch_loop.nnlearn_loop(net, X, y, X_val, y_val, orders, batch_size=batch_size,
                                   lr=0.1, weight_decay=weight_decay)
    theirs = torch_loop.torch_loop(model, loader, torch.from_numpy(X_val),
                                   torch.from_numpy(y_val), epochs=epochs, lr=0.1,
                                   weight_decay=weight_decay)
    np.testing.assert_allclose(theirs, ours, rtol=1e-10)
    assert ours[-1] < 0.5 * ours[0] or ours[0] < 0.5      # it learned something
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    for linear, W, b in zip(linears, net.params[0::2], net.params[1::2], strict=True):
        np.testing.assert_allclose(linear.weight.detach().numpy(), W, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(linear.bias.detach().numpy(), b, rtol=1e-9, atol=1e-12)


def test_decay_groups_exempt_the_biases():
    model = torch_loop.torch_model(MLP([4, 3, 2], rng=0))
    groups = torch_loop.decay_groups(model, 0.05)
    assert [g["weight_decay"] for g in groups] == [0.05, 0.0]
    assert all(p.ndim == 2 for p in groups[0]["params"])
    assert all(p.ndim == 1 for p in groups[1]["params"])
    assert len(groups[0]["params"]) + len(groups[1]["params"]) == len(list(model.parameters()))


def test_torch_checkpoint_holds_what_a_resumed_run_needs(tmp_path):
    model = torch_loop.torch_model(MLP([4, 3, 2], rng=0))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.ones(2, 4, dtype=torch.float64)).sum().backward()
    opt.step()
    gen = torch.Generator().manual_seed(5)
    torch_loop.save_torch_checkpoint(tmp_path / "ck.pt", model, opt, 3, gen)
    saved = torch.load(tmp_path / "ck.pt", weights_only=False)
    assert saved["epoch"] == 3
    expected = torch.randperm(10, generator=gen)
    gen2 = torch.Generator()
    gen2.set_state(saved["loader_rng"])
    assert torch.equal(torch.randperm(10, generator=gen2), expected)
    assert "momentum_buffer" in saved["optimizer"]["state"][0]


def test_nn_linear_default_init_is_uniform_one_over_sqrt_fan_in():
    torch.manual_seed(0)
    weight = torch.nn.Linear(400, 300).weight.detach().numpy()
    bound = 1 / np.sqrt(400)
    assert np.abs(weight).max() <= bound
    assert np.std(weight) == pytest.approx(bound / np.sqrt(3), rel=0.01)
