r"""The learning-rate range test ("LR finder"): one short run to place the learning rate.

:func:`lr_range_test` trains for a few dozen steps while the learning rate
grows geometrically from tiny to huge, records the smoothed batch loss, and
then puts the model and the optimizer back as they were. Chapter 8 reads the
curve. It is also importable as ``nnlearn.training.lr_range_test``.
"""

from __future__ import annotations

import math

import numpy as np

from nnlearn._checks import check_rng, check_scalar

__all__ = ["lr_range_test"]


def lr_range_test(model, loss, optimizer, X, y, *, min_lr: float = 1e-6,
                  max_lr: float = 10.0, num_iter: int = 100, batch_size: int = 32,
                  smooth: float = 0.05, diverge: float = 5.0, rng=None) -> dict[str, np.ndarray]:
    r"""One short run with an exponentially growing learning rate; the model is put back after.

    Step :math:`t = 1, \dots, T` (:math:`T` = ``num_iter``) sets the rate to

    .. math::

        \eta_t = \eta_{\min} \left(\eta_{\max}/\eta_{\min}\right)^{(t-1)/(T-1)}

    and takes one :func:`~nnlearn.training.train_step` on the next
    mini-batch (shuffled epochs are drawn as needed). The recorded loss is
    the batch loss before the step, smoothed exponentially: with :math:`L_t`
    the batch loss of step :math:`t`,
    :math:`\bar L_t = \text{smooth}\cdot L_t + (1-\text{smooth})\, \bar L_{t-1}`
    with :math:`\bar L_1 = L_1` (``smooth=1`` turns smoothing off).
    The run stops early when :math:`\bar L_t` exceeds ``diverge`` times the
    best :math:`\bar L` so far, or a loss is not finite.
    Afterwards the parameters, buffers, the model's random generator and the
    optimizer's state (including its learning rate) are restored, so the
    test leaves no trace. These are the rules of the "LR finder" (Smith 2017;
    the ``torch-lr-finder`` package uses the same defaults for smoothing and
    divergence).

    Read the curve: the loss falls once the rate is large enough to make
    progress and shoots up where the rate is too large; a good rate sits
    where the loss falls fastest, roughly a tenth of the rate at its minimum.

    Parameters
    ----------
    model, loss, optimizer, X, y
        As in :func:`nnlearn.training.fit`.
    min_lr, max_lr : float
        First and last rate, :math:`0 < \eta_{\min} < \eta_{\max}`.
    num_iter : int, default 100
        Number of steps :math:`T \ge 2` (if nothing diverges).
    batch_size : int, default 32
    smooth : float in (0, 1], default 0.05
        Weight of the newest loss in the running average.
    diverge : float > 1, default 5.0
        Stop when the smoothed loss exceeds this multiple of its best value.
    rng : numpy.random.Generator, int or None
        Random source for the batch order.

    Returns
    -------
    dict
        ``"lr"``: the rates used, one per step taken, at most :math:`T`;
        ``"loss"``: the smoothed losses :math:`\bar L_t`; ``"raw_loss"``: the batch
        losses :math:`L_t` (the last may be NaN or infinite if the run
        diverged).
    """
    # imported here because nnlearn.training imports this module (to re-export lr_range_test)
    from nnlearn.training import (
        IGNORE_FP,
        check_data,
        generator_states,
        model_buffers,
        restore_generators,
        train_step,
    )

    loss_pair, X, y = check_data(model, loss, optimizer, X, y, "X", "y")
    min_lr = check_scalar(min_lr, "min_lr", low=0.0, low_inclusive=False)
    max_lr = check_scalar(max_lr, "max_lr", low=0.0, low_inclusive=False)
    if not max_lr > min_lr:
        raise ValueError(f"max_lr must be larger than min_lr, got min_lr={min_lr:g} and "
                         f"max_lr={max_lr:g}")
    num_iter = check_scalar(num_iter, "num_iter", low=2, integer=True)
    batch_size = check_scalar(batch_size, "batch_size", low=1, integer=True)
    smooth = check_scalar(smooth, "smooth", low=0.0, high=1.0, low_inclusive=False)
    diverge = check_scalar(diverge, "diverge", low=1.0, low_inclusive=False)
    rng = check_rng(rng)
    lrs = min_lr * (max_lr / min_lr) ** (np.arange(num_iter) / (num_iter - 1))
    arrays = list(model.params) + model_buffers(model)
    saved = [a.copy() for a in arrays]
    saved_opt = optimizer.state_dict()
    saved_rngs = generator_states(model)                 # dropout masks
    used, raw, smoothed = [], [], []
    n, order, pos = X.shape[0], np.empty(0, dtype=np.int64), 0
    try:
        with np.errstate(**IGNORE_FP):
            for lr in lrs:
                if pos >= len(order):                    # a new shuffled epoch
                    order, pos = rng.permutation(n), 0
                idx = order[pos:pos + batch_size]
                pos += batch_size
                optimizer.lr = float(lr)
                value, _ = train_step(model, loss_pair, optimizer, X[idx], y[idx])
                used.append(float(lr))
                raw.append(value)
                if not math.isfinite(value):
                    smoothed.append(value)
                    break
                s = value if not smoothed else smooth * value + (1 - smooth) * smoothed[-1]
                smoothed.append(s)
                if s > diverge * min(smoothed):
                    break
    finally:                                             # leave no trace
        for a, copy in zip(arrays, saved, strict=True):
            np.copyto(a, copy)
        optimizer.load_state_dict(saved_opt)
        restore_generators(saved_rngs)
    return {"lr": np.array(used), "loss": np.array(smoothed), "raw_loss": np.array(raw)}
