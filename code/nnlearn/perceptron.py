r"""Rosenblatt's perceptron and its learning rule.

The perceptron predicts :math:`\hat y = +1` if :math:`w \cdot x + b > 0` and
:math:`\hat y = -1` otherwise (a point on the boundary gets :math:`-1`), with
labels :math:`y \in \{-1, +1\}`. It visits the samples one at a time, in order;
whenever a sample is on the wrong side of the boundary (or on it),

.. math:: y\,(w \cdot x + b) \le 0,

it moves the boundary towards it:

.. math:: w \leftarrow w + \eta\, y\, x, \qquad b \leftarrow b + \eta\, y.

Correctly classified samples change nothing. Starting from :math:`w = 0,
b = 0`, if the data are linearly separable with margin :math:`\chi` (some
unit vector :math:`u` in the space of :math:`\tilde x = (x, 1)` has
:math:`y\,u \cdot \tilde x \ge \chi` for every sample) and
:math:`\|\tilde x\|_{\max}` is the length of the longest :math:`\tilde x`,
the rule makes at most :math:`(\|\tilde x\|_{\max}/\chi)^2` updates
(Novikoff, 1962), whatever :math:`\eta > 0`. On data that are not separable,
such as XOR, it never stops making mistakes.

The rule is online: it needs the updated weights before it looks at the
next sample, so :meth:`Perceptron.fit` loops over the samples (this is the
one place in :mod:`nnlearn` that does).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnlearn._checks import as_float_array, check_scalar

__all__ = ["Perceptron", "PerceptronUpdate"]


@dataclass(frozen=True)
class PerceptronUpdate:
    """One update of the perceptron rule (a frame of an animation).

    Attributes
    ----------
    step : int
        1 for the first update, 2 for the second, ...
    epoch : int
        Pass over the data (from 0) in which it happened.
    index : int
        Row of ``X`` that was misclassified and caused the update.
    w : ndarray, shape (n_features,)
        Weights after the update (a copy).
    b : float
        Bias after the update.
    """

    step: int
    epoch: int
    index: int
    w: np.ndarray
    b: float


class Perceptron:
    r"""Rosenblatt perceptron for two classes.

    Parameters
    ----------
    lr : float, default 1.0
        Learning rate :math:`\eta > 0`. Starting from zero weights it only
        scales :math:`w` and :math:`b`, so the predictions and the number of
        updates do not depend on it.

    Attributes
    ----------
    w : ndarray, shape (n_features,)
        Weights (zeros before the first update).
    b : float
        Bias.
    history : list of PerceptronUpdate
        Every update in order: the weights and bias after it and the sample
        that caused it.
    n_updates : int
        ``len(history)``.
    n_epochs : int
        Passes over the data that ``fit`` made.
    converged : bool
        True if the last pass made no mistake (all samples correct).
    classes : tuple
        ``(-1, 1)`` or ``(0, 1)``: the label coding seen in ``fit`` and
        returned by ``predict``.

    Examples
    --------
    >>> X = np.array([[2.0, 1.0], [1.0, 3.0], [-1.0, -2.0], [-2.0, 0.0]])
    >>> p = Perceptron().fit(X, [1, 1, -1, -1])
    >>> p.predict(X)
    array([ 1,  1, -1, -1])
    """

    def __init__(self, lr: float = 1.0) -> None:
        self.lr = check_scalar(lr, "lr", low=0.0, low_inclusive=False)
        self.w: np.ndarray | None = None
        self.b = 0.0
        self.history: list[PerceptronUpdate] = []
        self.n_epochs = 0
        self.converged = False
        self.classes: tuple[int, int] = (-1, 1)

    @property
    def n_updates(self) -> int:
        """Number of updates (mistakes) made by the last :meth:`fit`."""
        return len(self.history)

    @staticmethod
    def _encode_labels(y, n_samples: int) -> tuple[np.ndarray, tuple[int, int]]:
        """Return ``y`` as ±1 and the coding, ``(-1, 1)`` or ``(0, 1)``."""
        y = np.asarray(y)
        if y.ndim != 1 or len(y) != n_samples:
            raise ValueError(f"y must have shape ({n_samples},) to match X, got {y.shape}")
        if np.iscomplexobj(y) or not (np.issubdtype(y.dtype, np.number) or y.dtype == np.bool_):
            raise TypeError(f"y must hold real numbers, got dtype {y.dtype}")
        values = set(np.unique(y).tolist())
        if values <= {-1, 1}:
            classes = (-1, 1)
        elif values <= {0, 1}:
            classes = (0, 1)
        else:
            raise ValueError(f"y must hold labels in {{-1, +1}} or in {{0, 1}}, "
                             f"got values {sorted(values)}")
        return np.where(y == 1, 1, -1), classes

    def fit(self, X, y, epochs: int = 100,
            max_updates: int | None = None) -> Perceptron:
        r"""Run the perceptron rule from zero weights and a zero bias.

        Passes over the samples in order until a pass makes no mistake
        (``converged = True``), ``epochs`` passes are done, or
        ``max_updates`` updates are made.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like, shape (n_samples,)
            Labels in {-1, +1}, or in {0, 1} (0 is treated as -1).
        epochs : int, default 100
            Maximum number of passes (>= 1).
        max_updates : int or None
            Stop after this many updates (handy to animate non-separable data).

        Returns
        -------
        self
        """
        X = as_float_array(X, "X", ndim=2)
        if X.shape[0] == 0:
            raise ValueError("X must hold at least one sample, got shape "
                             f"{X.shape}")
        signs, self.classes = self._encode_labels(y, X.shape[0])
        epochs = check_scalar(epochs, "epochs", low=1, integer=True)
        if max_updates is not None:
            max_updates = check_scalar(max_updates, "max_updates", low=1,
                                       integer=True)
        # eta * y per sample, in X's dtype
        eta_y = (self.lr * signs).astype(X.dtype)
        self.w = np.zeros(X.shape[1], dtype=X.dtype)
        self.b = X.dtype.type(0.0)
        self.history = []
        self.converged = False
        for epoch in range(epochs):
            self.n_epochs = epoch + 1
            mistakes = 0
            for i in range(X.shape[0]):
                # wrong side or on the line
                if signs[i] * (X[i] @ self.w + self.b) <= 0:
                    self.w = self.w + eta_y[i] * X[i]
                    self.b = self.b + eta_y[i]
                    mistakes += 1
                    self.history.append(PerceptronUpdate(
                        len(self.history) + 1, epoch, i, self.w.copy(),
                        float(self.b)))
                    if (max_updates is not None
                            and len(self.history) >= max_updates):
                        return self
            if mistakes == 0:
                self.converged = True
                break
        return self

    def decision_function(self, X) -> np.ndarray:
        r"""Return :math:`w \cdot x + b` for every row of ``X``, shape ``(n_samples,)``."""
        if self.w is None:
            raise RuntimeError("this Perceptron is not fitted yet: call fit(X, y) first")
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.w.shape[0]:
            raise ValueError(f"X must have {self.w.shape[0]} columns, got {X.shape[1]} "
                             f"(shape {X.shape})")
        return X @ self.w + self.b

    def predict(self, X) -> np.ndarray:
        """Labels: ``classes[1]`` where ``w·x + b > 0``, ``classes[0]`` elsewhere."""
        negative, positive = self.classes
        return np.where(self.decision_function(X) > 0, positive, negative)
