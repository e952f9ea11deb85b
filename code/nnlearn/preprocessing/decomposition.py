"""Fewer dimensions: principal component analysis by singular value decomposition.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from nnlearn._checks import check_scalar
from nnlearn._numeric import power_of_two_unit
from nnlearn.preprocessing._base import _as_data_matrix

__all__ = [
    "PCAResult",
    "pca",
]


# ----------------------------------------------------------------------------
# Principal component analysis
# ----------------------------------------------------------------------------

class PCAResult(NamedTuple):
    """What :func:`pca` returns (a tuple, so it also unpacks into three names)."""

    components: np.ndarray
    """Principal directions, shape (n_components, n_features), orthonormal rows."""
    explained_variance_ratio: np.ndarray
    """Share of the total variance along each component, shape (n_components,)."""
    projected: np.ndarray
    """Coordinates of the centred data on the components, shape (n_samples, n_components)."""


def pca(X, n_components: int) -> PCAResult:
    r"""Principal component analysis by singular value decomposition.

    The data are centred, :math:`X_{\text{c}} = X - \bar x`, and decomposed as
    :math:`X_{\text{c}} = U S V^\top` (singular values
    :math:`S_1 \ge S_2 \ge \dots`). Keeping :math:`n_{\text{pc}}` =
    ``n_components`` components, the first :math:`n_{\text{pc}}` rows of
    :math:`V^\top` (:math:`\tilde V^\top`) are the principal directions, the
    projected data are :math:`X_{\text{c}} \tilde V = \tilde U \tilde S`, and
    the explained variance ratio of component :math:`j` is
    :math:`S_j^2 / \sum_k S_k^2`. :math:`X_{\text{c}} \tilde V \tilde V^\top`
    is the best approximation of rank :math:`n_{\text{pc}}` of the centred
    data :math:`X_{\text{c}}`. Equivalently,
    :math:`\bar x + X_{\text{c}} \tilde V \tilde V^\top` is the best
    approximation of :math:`X` by points of an :math:`n_{\text{pc}}`-dimensional
    affine subspace (it has rank up to :math:`n_{\text{pc}} + 1`, not
    :math:`n_{\text{pc}}`). Both have squared error
    :math:`\sum_{j > n_{\text{pc}}} S_j^2`.

    Signs of singular vectors are arbitrary; like scikit-learn, each
    component is flipped so that its entry of largest magnitude is positive.
    The result matches ``sklearn.decomposition.PCA(n_components)``'s
    ``components_``, ``explained_variance_ratio_`` and ``transform(X)``.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
        At least two samples that are not all equal.
    n_components : int
        Number of components, ``1 <= n_components <= min(n_samples, n_features)``.

    Returns
    -------
    PCAResult
        ``(components, explained_variance_ratio, projected)``, in the dtype of
        ``X``; unpack it (``components, ratio, Z = pca(X, 2)``) or use the names.
    """
    X = _as_data_matrix(X)
    n_samples, n_features = X.shape
    n_components = check_scalar(n_components, "n_components", low=1,
                                high=min(n_samples, n_features),
                                integer=True)
    # In units of a power of two near max |X| (exact), squares cannot
    # overflow or underflow.
    unit = power_of_two_unit(np.abs(X).max())
    X64 = X.astype(np.float64) / unit
    centred = X64 - X64.mean(axis=0)
    U, S, Vt = np.linalg.svd(centred, full_matrices=False)
    total = float((S ** 2).sum())
    if not total > 0:
        raise ValueError("X has zero variance (all rows are equal), so it "
                         "has no principal components")
    largest = np.argmax(np.abs(Vt), axis=1)
    signs = np.sign(Vt[np.arange(Vt.shape[0]), largest])
    U, Vt = U * signs, Vt * signs[:, None]
    n_pc = n_components
    # back in X's unit: inf beyond the range
    with np.errstate(over="ignore"):
        projected = U[:, :n_pc] * S[:n_pc] * unit
    return PCAResult(
        components=Vt[:n_pc].astype(X.dtype),
        explained_variance_ratio=(S[:n_pc] ** 2 / total).astype(X.dtype),
        projected=projected.astype(X.dtype))
