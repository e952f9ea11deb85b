"""What every fitted transformer of :mod:`nnlearn.preprocessing` shares.

The :class:`NotFittedError` raised before ``fit``, and the checks of a fitted
object and of a data matrix.
"""

from __future__ import annotations

import numpy as np

from nnlearn._checks import as_float_array


class NotFittedError(ValueError, AttributeError):
    """Raised when ``transform`` is called on a scaler or encoder before ``fit``.

    Like scikit-learn's exception of the same name it is both a ``ValueError``
    and an ``AttributeError``.
    """


def _check_fitted(obj, attribute: str) -> None:
    if not hasattr(obj, attribute):
        name = type(obj).__name__
        raise NotFittedError(f"this {name} is not fitted yet: call fit(X) before using it")


def _check_n_features(obj, n_features: int, name: str = "X") -> None:
    expected = obj.n_features_in_
    if n_features != expected:
        raise ValueError(f"{name} has {n_features} features, but this {type(obj).__name__} "
                         f"was fitted with {expected} features")


def _as_data_matrix(X, name: str = "X") -> np.ndarray:
    """A finite 2-D float array with at least one row and one column."""
    arr = as_float_array(X, name, ndim=2)
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must have at least one sample and one feature, "
                         f"got shape {arr.shape}")
    return arr
