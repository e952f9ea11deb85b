"""Chapter 8's training loop written twice: with nnlearn and with PyTorch.

This file is not part of nnlearn, which does not depend on PyTorch; the book
shows it (chapter 8, "From nnlearn to PyTorch") and
``tests/test_torch_bridge.py`` checks, where PyTorch is installed, that both
loops give the same validation losses from the same initial weights and the
same batches. PyTorch is imported inside the functions, so importing this
file needs only NumPy.
"""

from __future__ import annotations

from nnlearn import training
from nnlearn.network import MLP
from nnlearn.optimizers import SGD
from nnlearn.regularization import Penalized


def nnlearn_loop(net: MLP, X, y, X_val, y_val, orders, *, batch_size: int,
                 lr: float, weight_decay: float = 0.0) -> list[float]:
    """Plain SGD, an L2 penalty on the weights only, one epoch per row
    order."""
    weights = net.params[0::2]      # W1, W2, ...: not the biases
    optimizer = Penalized(SGD(net.params, lr=lr), "l2", weight_decay,
                          penalize=weights)
    val_losses = []
    for order in orders:            # one epoch per order
        training.run_epoch(net, "cross_entropy", optimizer,
                           X, y, batch_size, order)
        # training=False
        val = training.evaluate(net, "cross_entropy", X_val, y_val)
        val_losses.append(val["loss"])
    return val_losses


def torch_model(net: MLP):
    """``nn.Sequential`` of Linear and ReLU layers holding a copy of ``net``'s weights."""
    import torch
    from torch import nn

    sizes, layers = net.sizes, []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1], dtype=torch.float64))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    with torch.no_grad():                            # copying is not a step to learn from
        for linear, W, b in zip(linears, net.params[0::2], net.params[1::2], strict=True):
            linear.weight.copy_(torch.from_numpy(W))     # same (out, in) layout
            linear.bias.copy_(torch.from_numpy(b))
    return model


def decay_groups(model, weight_decay: float) -> list[dict]:
    """Parameter groups: weight decay on the weight matrices, none on the
    biases."""
    decay = [p for name, p in model.named_parameters()
             if name.endswith("weight")]
    no_decay = [p for name, p in model.named_parameters()
                if name.endswith("bias")]
    return [{"params": decay, "weight_decay": weight_decay},
            {"params": no_decay, "weight_decay": 0.0}]


def torch_loop(model, loader, X_val, y_val, *, epochs: int, lr: float,
               weight_decay: float = 0.0) -> list[float]:
    """The same training in PyTorch; loader is a DataLoader of (x, y)
    batches."""
    import torch
    from torch import nn

    loss_fn = nn.CrossEntropyLoss()  # softmax + cross-entropy, batch mean
    optimizer = torch.optim.SGD(decay_groups(model, weight_decay), lr=lr)
    val_losses = []
    for _ in range(epochs):
        model.train()                      # training=True (dropout on)
        for xb, yb in loader:              # shuffled batches, like run_epoch
            optimizer.zero_grad()          # .grad accumulates: reset it
            loss = loss_fn(model(xb), yb)  # forward and loss
            loss.backward()                # backward: adds into p.grad
            optimizer.step()               # update
        model.eval()                       # training=False
        with torch.no_grad():              # no graph for evaluation
            val_losses.append(loss_fn(model(X_val), y_val).item())
    return val_losses


def save_torch_checkpoint(path, model, optimizer, epoch: int,
                          generator) -> None:
    """Everything a resumed run needs, like
    nnlearn.checkpoints.save_checkpoint."""
    import torch

    torch.save({
        "model": model.state_dict(),          # parameters and buffers
        "optimizer": optimizer.state_dict(),  # momentum, Adam's averages, lr
        "epoch": epoch,
        "torch_rng": torch.get_rng_state(),   # dropout masks, init
        "loader_rng": generator.get_state(),  # the DataLoader's shuffling
    }, path)
