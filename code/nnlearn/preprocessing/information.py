"""Information in discrete data: entropy and mutual information, in nats.
"""

from __future__ import annotations

import math

import numpy as np

from nnlearn._checks import check_same_shape

__all__ = [
    "entropy",
    "mutual_information",
]


# ----------------------------------------------------------------------------
# Entropy and mutual information of discrete data
# ----------------------------------------------------------------------------

def _as_labels(x, name: str) -> np.ndarray:
    try:
        arr = np.asarray(x)
    except ValueError as exc:                  # ragged nested lists
        raise ValueError(f"{name} must be a 1-dimensional array of labels: {exc}") from exc
    if arr.ndim != 1 or arr.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty 1-dimensional array of labels, "
                         f"got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.floating) and np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN, which is not a label")
    return arr


def _unique_labels(x, name: str, **kwargs):
    """``np.unique`` of the labels ``x``.

    If they cannot be sorted, the error names ``name``.
    """
    try:
        return np.unique(_as_labels(x, name), **kwargs)
    except TypeError as exc:                   # e.g. None next to strings
        raise TypeError(
            f"{name} must hold labels of one kind that can be sorted (all "
            f"strings or all numbers): {exc}") from exc


def _label_codes(x: np.ndarray, name: str) -> tuple[np.ndarray, int]:
    categories, codes = _unique_labels(x, name, return_inverse=True)
    return codes.ravel(), categories.shape[0]


def entropy(x) -> float:
    r"""Shannon entropy, in nats, of the labels' empirical distribution.

    .. math::

        \operatorname{H}(y) = -\sum_{y} p(y) \ln p(y),

    with :math:`p(y)` the share of the :math:`N` samples that have the value
    :math:`y`. The logarithm is natural, so the unit is the *nat*; divide by
    :math:`\ln 2` for bits. :math:`\operatorname{H} = 0` when all labels are
    equal and :math:`\operatorname{H} = \ln C` when :math:`C` labels are
    equally frequent.

    Parameters
    ----------
    x : array_like, shape (n_samples,)
        Discrete labels (integers, strings, ...).
    """
    _, counts = _unique_labels(x, "x", return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum()) + 0.0


def mutual_information(x, y) -> float:
    r"""Mutual information, in nats, between two discrete label arrays.

    .. math::

        \operatorname{I}(x; y) = \sum_{x, y} p(x, y) \ln\frac{p(x, y)}{p(x)\,p(y)},

    with :math:`p` the empirical (joint and marginal) frequencies; only
    pairs of values that occur contribute. :math:`\operatorname{I} = 0` exactly
    when the empirical joint distribution factorizes, and
    :math:`\operatorname{I}(x; x) = \operatorname{H}(x)`. Natural logarithm, as
    ``sklearn.metrics.mutual_info_score``, which this equals (a tiny negative
    rounding error is clipped to 0, as there).

    Parameters
    ----------
    x, y : array_like, shape (n_samples,)
        Discrete labels of the same samples.
    """
    x_codes, _ = _label_codes(x, "x")
    y_codes, n_y = _label_codes(y, "y")
    check_same_shape(x_codes, y_codes, "x", "y")
    n = x_codes.shape[0]
    # one integer per pair of codes: x * n_y + y; "// n_y" and
    # "% n_y" give them back
    pairs, joint = np.unique(x_codes * n_y + y_codes, return_counts=True)
    x_counts = np.bincount(x_codes)[pairs // n_y]
    y_counts = np.bincount(y_codes)[pairs % n_y]
    terms = joint / n * (
        np.log(joint) + math.log(n) - np.log(x_counts) - np.log(y_counts))
    return max(float(terms.sum()), 0.0)
