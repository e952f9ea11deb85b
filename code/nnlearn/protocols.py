"""What the training loop needs from a model and from an optimizer, written once.

:func:`nnlearn.training.fit`, the checkpoints, the learning-rate schedules and
:class:`nnlearn.regularization.Penalized` all accept *any* object with the
right members, not only the library's own classes. The two
:class:`typing.Protocol` classes below list those members, and
:func:`check_model` / :func:`check_optimizer` are the one check every caller
uses: a missing member is a ``TypeError`` that names the argument and the
member, instead of an ``AttributeError`` deep inside the loop.

- :class:`ModelLike`: ``forward(x, training)``, ``backward(grad_out,
  input_grad)`` and parallel lists ``params`` / ``grads`` of arrays, e.g.
  :class:`nnlearn.network.MLP`.
- :class:`OptimizerLike`: ``params`` (the arrays it updates in place), a
  settable ``lr``, ``step(grads)``, ``state_dict()`` and
  ``load_state_dict(state)``, e.g. every :class:`nnlearn.optimizers.Optimizer`
  and :class:`nnlearn.regularization.Penalized`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["ModelLike", "OptimizerLike", "OptimizerWrapper", "check_model", "check_optimizer"]


@runtime_checkable
class ModelLike(Protocol):
    """A trainable model: forward, backward, and parallel ``params``/``grads`` lists."""

    params: list[np.ndarray]
    grads: list[np.ndarray]

    def forward(self, x, training: bool = False) -> np.ndarray:
        """Return the output for the batch ``x`` (rows are samples)."""

    def backward(self, grad_out, input_grad: bool = True) -> np.ndarray | None:
        """Fill ``grads`` from dL/d(output); return dL/dx (None if not asked for)."""


@runtime_checkable
class OptimizerLike(Protocol):
    """An optimizer: the arrays it updates, a learning rate, a step and a checkpointable state."""

    params: list[np.ndarray]
    lr: float

    def step(self, grads: list[np.ndarray]) -> None:
        """Update ``params`` in place from ``grads`` (parallel to ``params``)."""

    def state_dict(self) -> dict:
        """Everything needed to resume, as a flat dict of numbers, strings and arrays."""

    def load_state_dict(self, state_dict: Mapping) -> None:
        """Restore what :meth:`state_dict` returned."""


def _members(protocol: type) -> tuple[list[str], list[str]]:
    """The attribute names and the method names a protocol class declares."""
    methods = [n for n, v in vars(protocol).items() if not n.startswith("_") and callable(v)]
    return list(protocol.__annotations__), methods


def _check_protocol(value, name: str, protocol: type, example: str) -> list[np.ndarray]:
    """Check ``value`` has every member of ``protocol``; return its ``params`` list."""
    if value is None or isinstance(value, (str, bytes, Mapping, list, tuple, np.ndarray)):
        raise TypeError(f"{name} must be {example}, got {type(value).__name__}")
    attributes, methods = _members(protocol)
    missing = [m for m in attributes if not hasattr(value, m)]
    missing += [m for m in methods if not callable(getattr(value, m, None))]
    if missing:
        raise TypeError(f"{name} must be {example}; {type(value).__name__} has no "
                        f"{', '.join(missing)}")
    params = value.params
    if not isinstance(params, (list, tuple)) or not all(isinstance(p, np.ndarray)
                                                        for p in params):
        raise TypeError(f"{name}.params must be a list of NumPy arrays, "
                        f"got {type(params).__name__}")
    return list(params)


def check_model(model, name: str = "model") -> list[np.ndarray]:
    """Check that ``model`` is a :class:`ModelLike`; return its ``params`` list.

    Raises
    ------
    TypeError
        Naming ``name`` and the missing members.
    """
    return _check_protocol(model, name, ModelLike,
                           "a model with forward, backward, params and grads "
                           "(e.g. nnlearn.network.MLP)")


def check_optimizer(optimizer, name: str = "optimizer", model=None) -> None:
    """Check that ``optimizer`` is an :class:`OptimizerLike` (built on ``model.params``).

    With ``model``, ``optimizer.params[i]`` must *be* ``model.params[i]``
    (the same array objects, in order): an optimizer built on copies, or on
    another model with the same shapes, would step arrays the model never
    reads, and training would silently do nothing.

    Raises
    ------
    TypeError
        A member is missing.
    ValueError
        The optimizer holds other arrays than the model.
    """
    params = _check_protocol(optimizer, name, OptimizerLike,
                             "an optimizer with params, lr, step, state_dict and "
                             "load_state_dict (e.g. nnlearn.optimizers.SGD)")
    if model is None:
        return
    own = list(model.params)
    if len(params) != len(own):
        raise ValueError(f"{name} must be built on model.params: it holds {len(params)} "
                         f"arrays, the model has {len(own)}")
    for i, (p, q) in enumerate(zip(params, own, strict=True)):
        if p is not q:
            raise ValueError(f"{name} must be built on model.params (the same arrays, not "
                             f"copies): {name}.params[{i}] is not model.params[{i}]; "
                             f"build it as e.g. SGD(model.params, lr)")


class OptimizerWrapper:
    """Base of optimizers that wrap another one (``self.optimizer``).

    It passes the wrapped optimizer's ``params`` and ``lr`` through. Examples:
    :class:`nnlearn.regularization.Penalized` and
    :class:`nnlearn.diagnostics.GradientStats`.
    """

    optimizer: OptimizerLike

    @property
    def params(self) -> list[np.ndarray]:
        """The wrapped optimizer's parameters."""
        return self.optimizer.params

    @property
    def lr(self) -> float:
        """The wrapped optimizer's learning rate (setting it sets theirs)."""
        return self.optimizer.lr

    @lr.setter
    def lr(self, value: float) -> None:
        self.optimizer.lr = value
