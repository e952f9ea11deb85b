r"""A minimal training loop: mini-batch gradient descent.

One epoch shuffles the samples, cuts them into batches of ``batch_size``
rows and, for each batch, runs

1. the forward pass :math:`\hat Y = f_\theta(X_B)` (training mode, so dropout is on),
2. the loss :math:`L(\hat Y, Y_B)` and its gradient :math:`\partial L/\partial \hat Y`,
3. the backward pass, which fills the model's ``grads``,
4. the update :math:`\theta \leftarrow \theta - \eta\, \partial L/\partial \theta`
   for every parameter array (in place), or ``optimizer.step(grads)``.

The model can be anything with ``forward(x, training)``, ``backward(grad_out)``
and parallel ``params``/``grads`` lists, such as :class:`nnlearn.network.MLP`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnlearn._checks import check_rng, check_scalar

__all__ = ["fit", "get_loss", "train_step"]

LossPair = tuple[Callable[..., float], Callable[..., np.ndarray]]


def get_loss(loss) -> LossPair:
    """Return ``(loss_fn, grad_fn)`` for a name in ``losses.LOSSES`` or a pair.

    ``loss_fn(output, target)`` returns the mean loss over the batch and
    ``grad_fn(output, target)`` its gradient with respect to ``output``.
    """
    if isinstance(loss, str):
        from nnlearn import losses  # imported here: only needed for names

        if loss not in losses.LOSSES:
            raise ValueError(f"loss must be one of {sorted(losses.LOSSES)!r} or a "
                             f"(loss_fn, grad_fn) pair, got {loss!r}")
        return losses.LOSSES[loss]
    if (isinstance(loss, tuple) and len(loss) == 2 and callable(loss[0])
            and callable(loss[1])):
        return loss
    raise TypeError(f"loss must be a name or a (loss_fn, grad_fn) pair, got {loss!r}")


def train_step(model, loss: LossPair, X_batch, y_batch, lr: float, optimizer=None) -> float:
    """One gradient step on one batch; returns the batch loss before the step."""
    loss_fn, grad_fn = loss
    output = model.forward(X_batch, training=True)
    value = loss_fn(output, y_batch)
    model.backward(grad_fn(output, y_batch))
    if optimizer is not None:
        optimizer.step(model.grads)
    else:
        for param, grad in zip(model.params, model.grads, strict=True):
            param -= lr * grad           # in place: the model sees the new values
    return float(value)


def fit(model, loss, X, y, lr: float = 0.1, epochs: int = 100, batch_size: int = 32,
        rng=None, *, optimizer=None, shuffle: bool = True) -> np.ndarray:
    r"""Train ``model`` with mini-batch gradient descent.

    Parameters
    ----------
    model : MLP or compatible
        Trained in place.
    loss : str or (callable, callable)
        A name in ``nnlearn.losses.LOSSES`` (e.g. ``"mse"``,
        ``"cross_entropy"``) or a pair ``(loss_fn, grad_fn)`` called as
        ``loss_fn(output, target)`` and ``grad_fn(output, target)``.
    X : array_like, shape (n_samples, n_features)
    y : array_like, n_samples rows
        Targets in the form the loss expects (for instance ``(n, n_out)``
        floats for ``mse``, ``(n,)`` class indices for ``cross_entropy``).
    lr : float, default 0.1
        Learning rate :math:`\eta > 0` (ignored when ``optimizer`` is given).
    epochs : int, default 100
        Passes over the data (>= 1).
    batch_size : int, default 32
        Rows per batch (>= 1); the last batch of an epoch may be smaller. Use
        ``batch_size=len(X)`` for full-batch gradient descent and 1 for SGD.
    rng : numpy.random.Generator, int or None
        Random source for the shuffling (dropout uses the model's own).
    optimizer : object with ``step(grads)``, optional
        If given, called after every backward pass instead of the plain update.
    shuffle : bool, default True
        Shuffle the samples at the start of every epoch.

    Returns
    -------
    ndarray, shape (epochs,)
        Mean training loss of each epoch: the batch losses (each computed
        before that batch's step) averaged with weights equal to the batch
        sizes.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-dimensional (n_samples, n_features), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"X must hold at least one sample, got shape {X.shape}")
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have {X.shape[0]} rows to match X, got shape {y.shape}")
    loss_pair = get_loss(loss)
    lr = check_scalar(lr, "lr", low=0.0, low_inclusive=False)
    epochs = check_scalar(epochs, "epochs", low=1, integer=True)
    batch_size = check_scalar(batch_size, "batch_size", low=1, integer=True)
    if optimizer is not None and not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must have a step(grads) method, got "
                        f"{type(optimizer).__name__}")
    rng = check_rng(rng)
    n = X.shape[0]
    history = np.empty(epochs)
    for epoch in range(epochs):
        order = rng.permutation(n) if shuffle else np.arange(n)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            total += len(idx) * train_step(model, loss_pair, X[idx], y[idx], lr, optimizer)
        history[epoch] = total / n
    return history
