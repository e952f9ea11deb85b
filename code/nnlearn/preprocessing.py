"""Turning raw data into numbers a network can learn from.

The tools here follow the order of the book's chapter on data:

* **scaling** numeric features: :class:`MinMaxScaler`, :class:`StandardScaler`,
  :class:`RobustScaler`;
* **encoding** categories: :func:`one_hot`, :class:`OrdinalEncoder`,
  :class:`TargetEncoder`, and the hashing trick :func:`hash_features`;
* **new features** from old ones: :func:`polynomial_features`, and the power
  transforms :func:`box_cox` and :func:`yeo_johnson`;
* **text**: :func:`tokenize`, :func:`bag_of_words`, :func:`tf_idf`;
* **fewer dimensions** with :func:`pca`, and **information** with
  :func:`entropy` and :func:`mutual_information`.

Rows are samples and columns are features. Everything is NumPy only; where a
tool has a scikit-learn counterpart the results are the same (the tests check
this), and the docstrings say where and why they differ.
"""

from __future__ import annotations

import itertools
import math
import numbers
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, check_choice, check_rng, check_same_shape, check_scalar

__all__ = [
    "NotFittedError",
    "MinMaxScaler",
    "StandardScaler",
    "RobustScaler",
    "one_hot",
    "OrdinalEncoder",
    "TargetEncoder",
    "murmurhash3_32",
    "hash_features",
    "polynomial_features",
    "polynomial_feature_names",
    "box_cox",
    "yeo_johnson",
    "TOKEN_PATTERN",
    "tokenize",
    "bag_of_words",
    "inverse_document_frequency",
    "tf_idf",
    "PCAResult",
    "pca",
    "entropy",
    "mutual_information",
]


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


def _check_pair(pair, name: str, low: float | None = None,
                high: float | None = None) -> tuple[float, float]:
    """Check a pair ``(a, b)`` of reals with ``a < b`` (inside ``[low, high]``)."""
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise TypeError(f"{name} must be a pair (a, b), got {pair!r}")
    a = check_scalar(pair[0], f"{name}[0]", low=low, high=high)
    b = check_scalar(pair[1], f"{name}[1]", low=low, high=high)
    if not a < b:
        raise ValueError(f"{name} must satisfy {name}[0] < {name}[1], got {pair!r}")
    return a, b


# ----------------------------------------------------------------------------
# Scalers
# ----------------------------------------------------------------------------

class _Scaler:
    r"""The plumbing shared by the three scalers, which are all affine maps.

    Each scaler's ``fit`` computes per-feature statistics and sets an offset
    :math:`o`, a divisor :math:`d > 0` and a target start :math:`a`; then

    .. math::

        x' = a + \frac{x - o}{d}, \qquad x = o + d\,(x' - a).

    Statistics are computed and stored in float64; ``transform`` and
    ``inverse_transform`` return the dtype of their input (float32 stays
    float32; integers become float64).
    """

    def fit_transform(self, X) -> np.ndarray:
        """Fit to ``X``, then transform ``X``; same as ``fit(X).transform(X)``."""
        return self.fit(X).transform(X)

    def transform(self, X) -> np.ndarray:
        """Scale ``X`` of shape (n_samples, n_features); returns the same shape."""
        X = self._transform_input(X)
        return (self._start + (X - self._offset) / self._divisor).astype(X.dtype, copy=False)

    def inverse_transform(self, X) -> np.ndarray:
        """Undo :meth:`transform` on ``X`` of shape (n_samples, n_features)."""
        X = self._transform_input(X)
        return (self._offset + self._divisor * (X - self._start)).astype(X.dtype, copy=False)

    def _fit_input(self, X) -> np.ndarray:
        X = _as_data_matrix(X)
        self.n_features_in_ = X.shape[1]
        return X.astype(np.float64)

    def _set_map(self, offset: np.ndarray, divisor: np.ndarray, start: float = 0.0) -> None:
        self._offset, self._divisor, self._start = offset, divisor, start

    def _transform_input(self, X) -> np.ndarray:
        _check_fitted(self, "n_features_in_")
        X = _as_data_matrix(X)
        _check_n_features(self, X.shape[1])
        return X


class MinMaxScaler(_Scaler):
    r"""Map each feature linearly onto ``feature_range = (a, b)``.

    .. math::

        x' = a + (x - x_{\min}) \, \frac{b - a}{x_{\max} - x_{\min}}

    with :math:`x_{\min}, x_{\max}` the smallest and largest value of the
    feature in the data given to :meth:`fit`. After ``fit(X)``, ``transform(X)``
    lies in ``[a, b]``; new data outside the training range lands outside
    ``[a, b]`` (it is not clipped). A constant feature (``x_max == x_min``) has
    its range replaced by 1, as in scikit-learn, so it maps to ``a``.

    Parameters
    ----------
    feature_range : tuple (a, b), default (0, 1)
        Target range, ``a < b``.

    Attributes
    ----------
    data_min_, data_max_, data_range_ : ndarray of shape (n_features,)
        Per-feature minimum, maximum and ``max - min`` seen in ``fit``.
    scale_ : ndarray of shape (n_features,)
        ``(b - a) / data_range_`` (with a zero range replaced by 1).
    n_features_in_ : int
        Number of features seen in ``fit``.

    Examples
    --------
    >>> ages = np.array([[50.0, 3.0], [2.0, 5.0], [1.0, 0.0], [92.0, 6.0]])
    >>> MinMaxScaler().fit_transform(ages)[0].round(3)
    array([0.538, 0.5  ])
    """

    def __init__(self, feature_range: tuple[float, float] = (0, 1)):
        self.feature_range = feature_range

    def fit(self, X) -> MinMaxScaler:
        """Learn the per-feature minimum and maximum of ``X`` (n_samples, n_features)."""
        low, high = _check_pair(self.feature_range, "feature_range")
        X = self._fit_input(X)
        self.data_min_ = X.min(axis=0)
        self.data_max_ = X.max(axis=0)
        self.data_range_ = self.data_max_ - self.data_min_
        safe_range = np.where(self.data_range_ == 0, 1.0, self.data_range_)
        self.scale_ = (high - low) / safe_range
        self._set_map(self.data_min_, safe_range / (high - low), low)
        return self


class StandardScaler(_Scaler):
    r"""Centre each feature on its mean and divide by its standard deviation.

    .. math::

        x' = \frac{x - \mu}{\sigma}, \qquad
        \sigma^2 = \frac{1}{n}\sum_{i=1}^{n} (x_i - \mu)^2

    The variance is the population variance (``ddof=0``), as in scikit-learn.
    After ``fit(X)``, every non-constant column of ``transform(X)`` has mean 0
    and standard deviation 1. A constant feature gets :math:`\sigma = 1` so
    nothing is divided by zero (it only gets centred). "Constant" uses
    scikit-learn's test: the computed variance is no larger than the rounding
    error of computing it, :math:`\sigma^2 \le n\epsilon\sigma^2 + (n\mu\epsilon)^2`.

    Attributes
    ----------
    mean_, var_ : ndarray of shape (n_features,)
        Per-feature mean and population variance.
    scale_ : ndarray of shape (n_features,)
        ``sqrt(var_)``, with 1 for constant features.
    n_features_in_ : int
        Number of features seen in ``fit``.
    """

    def fit(self, X) -> StandardScaler:
        """Learn the per-feature mean and standard deviation of ``X``."""
        X = self._fit_input(X)
        n = X.shape[0]
        self.mean_ = X.mean(axis=0)
        self.var_ = X.var(axis=0)
        eps = np.finfo(np.float64).eps
        constant = self.var_ <= n * eps * self.var_ + (n * self.mean_ * eps) ** 2
        self.scale_ = np.where(constant, 1.0, np.sqrt(self.var_))
        self._set_map(self.mean_, self.scale_)
        return self


class RobustScaler(_Scaler):
    r"""Centre each feature on its median and divide by its interquartile range.

    .. math::

        x' = \frac{x - \operatorname{median}(x)}{Q_{q_{hi}}(x) - Q_{q_{lo}}(x)}

    where :math:`Q_q` is the ``q``-th percentile (NumPy's default linear
    interpolation) and ``quantile_range = (q_lo, q_hi)``, by default the
    quartiles (25, 75). The median and the quartiles barely move when a few
    values are extreme, so outliers do not squash the rest of the data. (A
    common slip writes the numerator as :math:`x - Q_1`; the usual robust
    scaler, and this one, centres on the median, so after ``fit(X)`` each
    column of ``transform(X)`` has median 0.) A zero range is replaced by 1.

    Parameters
    ----------
    quantile_range : tuple (q_lo, q_hi), default (25, 75)
        Percentiles, ``0 <= q_lo < q_hi <= 100``.

    Attributes
    ----------
    center_ : ndarray of shape (n_features,)
        Per-feature median.
    scale_ : ndarray of shape (n_features,)
        Per-feature ``Q_hi - Q_lo`` (1 where that is zero).
    n_features_in_ : int
        Number of features seen in ``fit``.
    """

    def __init__(self, quantile_range: tuple[float, float] = (25, 75)):
        self.quantile_range = quantile_range

    def fit(self, X) -> RobustScaler:
        """Learn the per-feature median and interquartile range of ``X``."""
        q_lo, q_hi = _check_pair(self.quantile_range, "quantile_range", low=0, high=100)
        X = self._fit_input(X)
        self.center_ = np.median(X, axis=0)
        lower, upper = np.percentile(X, [q_lo, q_hi], axis=0)
        spread = upper - lower
        self.scale_ = np.where(spread == 0, 1.0, spread)
        self._set_map(self.center_, self.scale_)
        return self


# ----------------------------------------------------------------------------
# Categorical encodings
# ----------------------------------------------------------------------------

def one_hot(labels, num_classes: int | None = None) -> np.ndarray:
    r"""One-hot encode integer class labels.

    Row ``i`` of the result is the unit vector :math:`e_{y_i}`: all zeros
    except a 1 in column ``labels[i]``. Like ``torch.nn.functional.one_hot``
    this takes class *indices* ``0 .. num_classes-1``; turn names such as
    ``"red"`` into indices first with :class:`OrdinalEncoder`.

    Parameters
    ----------
    labels : array_like of int, shape (n_samples,)
        Class indices, each in ``[0, num_classes)``.
    num_classes : int, optional
        Number of columns ``K``. Default ``labels.max() + 1``.

    Returns
    -------
    ndarray of float64, shape (n_samples, num_classes)

    Examples
    --------
    >>> one_hot([0, 2, 1])
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must hold integer class indices, got dtype {labels.dtype}; "
                        "encode category names with OrdinalEncoder first")
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty 1-dimensional array, "
                         f"got shape {labels.shape}")
    if labels.min() < 0:
        raise ValueError(f"labels must be >= 0, got {labels.min()}")
    if num_classes is None:
        num_classes = int(labels.max()) + 1
    num_classes = check_scalar(num_classes, "num_classes", low=1, integer=True)
    if labels.max() >= num_classes:
        raise ValueError(f"labels must be < num_classes={num_classes}, got {labels.max()}")
    encoded = np.zeros((labels.shape[0], num_classes))
    encoded[np.arange(labels.shape[0]), labels] = 1.0
    return encoded


def _as_category_columns(X, name: str = "X") -> tuple[np.ndarray, bool]:
    """Return categorical input as a 2-D array, and whether it was 1-D."""
    arr = np.asarray(X)
    if arr.ndim not in (1, 2) or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1- or 2-dimensional array of "
                         f"categories, got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.floating) and np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN, which is not a category")
    return (arr[:, None] if arr.ndim == 1 else arr), arr.ndim == 1


def _sorted_categories(column: np.ndarray, name: str) -> np.ndarray:
    try:
        return np.unique(column)
    except TypeError as exc:
        raise TypeError(f"{name} must hold categories that can be sorted (all strings or "
                        f"all numbers), got {column.dtype}: {exc}") from exc


def _find_categories(categories: np.ndarray, column: np.ndarray, name: str,
                     feature: int) -> tuple[np.ndarray, np.ndarray]:
    """Position of each value of ``column`` in the sorted ``categories``, and
    a mask of the values that are categories at all."""
    try:
        positions = np.searchsorted(categories, column)
        positions = np.minimum(positions, categories.shape[0] - 1)
        known = categories[positions] == column
    except TypeError as exc:
        raise TypeError(f"{name} column {feature} has dtype {column.dtype}, which cannot "
                        f"be compared with the fitted categories {categories.dtype}") from exc
    return positions.astype(np.int64), known


def _category_codes(categories: np.ndarray, column: np.ndarray, name: str,
                    feature: int) -> np.ndarray:
    """Like :func:`_find_categories`, but an unseen value raises ``ValueError``."""
    codes, known = _find_categories(categories, column, name, feature)
    if not np.all(known):
        unseen = np.unique(column[~known])[:5].tolist()
        raise ValueError(f"{name} column {feature} contains categories not seen in fit: "
                         f"{unseen}; known categories are {categories.tolist()[:10]}")
    return codes


class OrdinalEncoder:
    """Replace each category by its position in the sorted list of categories.

    ``fit`` collects the distinct values of each column and sorts them
    (strings alphabetically, numbers by value); ``transform`` maps a value to
    its index in that list, so ``["red", "blue", "green"]`` becomes
    ``[2, 0, 1]``. A value not seen in ``fit`` raises ``ValueError``. The codes
    imply an order (``blue < green < red``) that the categories may not have;
    :func:`one_hot` of the codes removes it.

    Unlike scikit-learn's ``OrdinalEncoder``, a 1-D input is read as a single
    feature (and gives 1-D codes), and the codes are integers, ready for
    :func:`one_hot`.

    Attributes
    ----------
    categories_ : list of ndarray
        ``categories_[j]`` holds the sorted categories of column ``j``.
    n_features_in_ : int
        Number of columns seen in ``fit``.

    Examples
    --------
    >>> enc = OrdinalEncoder()
    >>> enc.fit_transform(["red", "blue", "green", "blue"])
    array([2, 0, 1, 0])
    >>> enc.categories_[0].tolist()
    ['blue', 'green', 'red']
    """

    def fit(self, X) -> OrdinalEncoder:
        """Learn the sorted categories of each column of ``X``.

        ``X`` has shape (n_samples,) for one feature or (n_samples, n_features).
        """
        X2d, _ = _as_category_columns(X)
        self.categories_ = [_sorted_categories(X2d[:, j], "X") for j in range(X2d.shape[1])]
        self.n_features_in_ = X2d.shape[1]
        return self

    def transform(self, X) -> np.ndarray:
        """Integer codes of ``X``, with the shape of ``X``."""
        _check_fitted(self, "categories_")
        X2d, was_1d = _as_category_columns(X)
        _check_n_features(self, X2d.shape[1])
        codes = np.column_stack([_category_codes(cats, X2d[:, j], "X", j)
                                 for j, cats in enumerate(self.categories_)])
        return codes[:, 0] if was_1d else codes

    def fit_transform(self, X) -> np.ndarray:
        """Same as ``fit(X).transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, codes) -> np.ndarray:
        """Categories for integer ``codes`` (shape (n_samples,) or (n_samples, n_features))."""
        _check_fitted(self, "categories_")
        codes = np.asarray(codes)
        if not np.issubdtype(codes.dtype, np.integer):
            raise TypeError(f"codes must be integers, got dtype {codes.dtype}")
        codes2d, was_1d = _as_category_columns(codes, "codes")
        _check_n_features(self, codes2d.shape[1], "codes")
        columns = []
        for j, cats in enumerate(self.categories_):
            col = codes2d[:, j]
            if col.min() < 0 or col.max() >= cats.shape[0]:
                raise ValueError(f"codes column {j} must lie in [0, {cats.shape[0]}), "
                                 f"got values from {col.min()} to {col.max()}")
            columns.append(cats[col])
        if was_1d:
            return columns[0]
        if len({c.dtype for c in columns}) > 1:    # e.g. strings and numbers
            columns = [c.astype(object) for c in columns]
        return np.column_stack(columns)


def _smoothed_means(codes: np.ndarray, y: np.ndarray, n_categories: int,
                    smoothing: float, prior: float) -> np.ndarray:
    r"""Per-category smoothed target mean :math:`(\sum y + m\,\bar y)/(n_c + m)`.

    A category with no rows (and ``m = 0``) gets the ``prior``.
    """
    sums = np.bincount(codes, weights=y, minlength=n_categories)
    counts = np.bincount(codes, minlength=n_categories)
    denominator = counts + smoothing
    means = np.full(n_categories, prior)
    np.divide(sums + smoothing * prior, denominator, out=means, where=denominator > 0)
    return means


def _fold_ids(n_samples: int, n_splits: int, shuffle: bool,
              rng: np.random.Generator) -> np.ndarray:
    """Fold index of every row, with fold sizes as in scikit-learn's ``KFold``.

    Folds are consecutive blocks (the first ``n_samples % n_splits`` folds one
    row larger); with ``shuffle`` the rows are permuted first.
    """
    sizes = np.full(n_splits, n_samples // n_splits)
    sizes[: n_samples % n_splits] += 1
    blocks = np.repeat(np.arange(n_splits), sizes)
    if not shuffle:
        return blocks
    ids = np.empty(n_samples, dtype=blocks.dtype)
    ids[rng.permutation(n_samples)] = blocks
    return ids


class TargetEncoder:
    r"""Replace each category by a smoothed mean of the target over that category.

    For a category :math:`c` seen :math:`n_c` times with targets summing to
    :math:`S_c`, and overall target mean :math:`\bar y`,

    .. math::

        \operatorname{enc}(c) = \frac{S_c + m\,\bar y}{n_c + m},

    the category mean shrunk towards :math:`\bar y` as if :math:`m`
    (``smoothing``) extra rows with target :math:`\bar y` had been seen. Rare
    categories stay close to :math:`\bar y`; frequent ones get their own mean.
    This is scikit-learn's ``TargetEncoder(smooth=m)`` for a continuous (or
    0/1) target; scikit-learn's default ``smooth="auto"`` (an empirical-Bayes
    choice of :math:`m` per category) is not offered, and the folds here are
    never stratified.

    Encoding the *training* rows with means that include their own target
    leaks the answer into the feature. :meth:`fit_transform` therefore uses
    **out-of-fold** encoding: the rows are split into ``n_splits`` folds and
    each fold is encoded with statistics (including :math:`\bar y`) from the
    other folds only; a category missing from those folds gets their
    :math:`\bar y`. :meth:`transform` (for new data) uses the statistics of
    all the data given to ``fit``.

    Parameters
    ----------
    n_splits : int, default 5
        Number of folds for :meth:`fit_transform`, at least 2.
    smoothing : float, default 1.0
        The prior weight :math:`m \ge 0`; 0 gives plain category means.
    shuffle : bool, default True
        Shuffle rows before cutting them into folds (otherwise folds are
        consecutive blocks, as ``KFold(shuffle=False)``).
    rng : None, int or numpy.random.Generator
        Randomness for the shuffle.
    handle_unknown : {"error", "prior"}, default "error"
        What :meth:`transform` does with a category not seen in ``fit``:
        raise ``ValueError``, or use the prior :math:`\bar y` (the limit
        :math:`n_c = 0` of the formula, as scikit-learn does).

    Attributes
    ----------
    categories_ : list of ndarray
        Sorted categories of each column.
    encodings_ : list of ndarray
        ``encodings_[j][k]`` is the encoding of ``categories_[j][k]`` (all data).
    target_mean_ : float
        :math:`\bar y` over all the data.
    folds_ : ndarray of int, shape (n_samples,)
        Fold of each row in the last :meth:`fit_transform`.
    """

    def __init__(self, n_splits: int = 5, smoothing: float = 1.0, shuffle: bool = True,
                 rng=None, handle_unknown: str = "error"):
        self.n_splits = n_splits
        self.smoothing = smoothing
        self.shuffle = shuffle
        self.rng = rng
        self.handle_unknown = handle_unknown

    def _check_params(self) -> None:
        check_scalar(self.n_splits, "n_splits", low=2, integer=True)
        check_scalar(self.smoothing, "smoothing", low=0)
        check_choice(self.handle_unknown, "handle_unknown", ("error", "prior"))
        if not isinstance(self.shuffle, (bool, np.bool_)):
            raise TypeError(f"shuffle must be True or False, got {self.shuffle!r}")

    def _fit_codes(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        """Check the input, fit everything ``transform`` needs, return codes and y."""
        self._check_params()
        ordinal = OrdinalEncoder().fit(X)
        codes = ordinal.transform(X)
        codes = codes[:, None] if codes.ndim == 1 else codes
        y = as_float_array(y, "y", ndim=1)
        if y.shape[0] != codes.shape[0]:
            raise ValueError(f"X and y must have the same number of samples, "
                             f"got {codes.shape[0]} and {y.shape[0]}")
        self.categories_ = ordinal.categories_
        self.n_features_in_ = codes.shape[1]
        self.target_mean_ = float(y.mean())
        self.encodings_ = [
            _smoothed_means(codes[:, j], y, cats.shape[0], self.smoothing, self.target_mean_)
            for j, cats in enumerate(self.categories_)]
        return codes, y

    def fit(self, X, y) -> TargetEncoder:
        """Learn the encoding of every category of ``X`` from the target ``y``.

        ``X`` has shape (n_samples,) for one feature or (n_samples, n_features);
        ``y`` has shape (n_samples,).
        """
        self._fit_codes(X, y)
        return self

    def transform(self, X) -> np.ndarray:
        """Encode ``X`` with the statistics of all the data seen in ``fit``.

        Returns float64 of the shape of ``X``.
        """
        _check_fitted(self, "encodings_")
        X2d, was_1d = _as_category_columns(X)
        _check_n_features(self, X2d.shape[1])
        out = np.empty(X2d.shape)
        for j, (cats, enc) in enumerate(zip(self.categories_, self.encodings_, strict=True)):
            if self.handle_unknown == "error":
                out[:, j] = enc[_category_codes(cats, X2d[:, j], "X", j)]
            else:
                positions, known = _find_categories(cats, X2d[:, j], "X", j)
                out[:, j] = np.where(known, enc[positions], self.target_mean_)
        return out[:, 0] if was_1d else out

    def fit_transform(self, X, y) -> np.ndarray:
        """Fit on all of ``X, y``, and return the out-of-fold encoding of ``X``.

        Row ``i`` in fold ``k`` is encoded with the categories' smoothed means
        over the rows of the other folds (never using ``y[i]``). This differs
        from ``fit(X, y).transform(X)`` on purpose.
        """
        codes, y = self._fit_codes(X, y)
        n = codes.shape[0]
        if self.n_splits > n:
            raise ValueError(f"n_splits must be <= the number of samples {n}, "
                             f"got {self.n_splits}")
        self.folds_ = _fold_ids(n, self.n_splits, bool(self.shuffle), check_rng(self.rng))
        out = np.empty(codes.shape)
        for k in range(self.n_splits):
            held_out = self.folds_ == k
            train = ~held_out
            prior = float(y[train].mean())
            for j, cats in enumerate(self.categories_):
                enc = _smoothed_means(codes[train, j], y[train], cats.shape[0],
                                      self.smoothing, prior)
                out[held_out, j] = enc[codes[held_out, j]]
        return out[:, 0] if np.ndim(X) == 1 else out


# ----------------------------------------------------------------------------
# The hashing trick
# ----------------------------------------------------------------------------

_MASK32 = 0xFFFFFFFF


def _rotl32(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (32 - shift))) & _MASK32


def _murmur_scramble(k: int) -> int:
    k = (k * 0xCC9E2D51) & _MASK32
    k = _rotl32(k, 15)
    return (k * 0x1B873593) & _MASK32


def murmurhash3_32(key: str | bytes, seed: int = 0) -> int:
    """MurmurHash3 (x86, 32-bit) of ``key``, as a signed 32-bit integer.

    Austin Appleby's public-domain hash, the one scikit-learn's
    ``FeatureHasher`` uses (``sklearn.utils.murmurhash3_32`` gives the same
    numbers). A ``str`` is hashed as its UTF-8 bytes. Unlike Python's built-in
    ``hash`` for strings, which is salted differently in every process, the
    result is the same on every run and every platform.

    The key is read in 4-byte little-endian blocks; each block is scrambled
    (multiply, rotate, multiply) and mixed into the state ``h`` (xor, rotate,
    ``h*5 + 0xe6546b64``); the 1-3 leftover bytes are scrambled and xored in;
    finally the length is xored in and ``h`` goes through the avalanche
    "fmix" (shifts, xors and two multiplications) so every input bit affects
    every output bit.

    Parameters
    ----------
    key : str or bytes
    seed : int, default 0
        Initial state, ``0 <= seed < 2**32``.

    Returns
    -------
    int in ``[-2**31, 2**31)``.
    """
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes):
        raise TypeError(f"key must be str or bytes, got {type(key).__name__}")
    seed = check_scalar(seed, "seed", low=0, high=_MASK32, integer=True)
    h = seed
    n_blocks = len(key) // 4
    for start in range(0, 4 * n_blocks, 4):
        h ^= _murmur_scramble(int.from_bytes(key[start:start + 4], "little"))
        h = _rotl32(h, 13)
        h = (h * 5 + 0xE6546B64) & _MASK32
    tail = key[4 * n_blocks:]
    if tail:
        h ^= _murmur_scramble(int.from_bytes(tail, "little"))
    h ^= len(key)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK32
    h ^= h >> 16
    return h - (1 << 32) if h >= (1 << 31) else h


def _row_items(row, index: int) -> list[tuple[str, float]]:
    """The (feature name, value) pairs of one row of :func:`hash_features`."""
    if isinstance(row, str):
        raise TypeError(f"rows[{index}] is a single string; each row must be a dict or a "
                        f"list of strings (e.g. {row.split()[:3]!r})")
    if isinstance(row, Mapping):
        pairs = list(row.items())
    elif isinstance(row, (Sequence, set, frozenset)):
        pairs = [(name, 1.0) for name in row]
    else:
        raise TypeError(f"rows[{index}] must be a dict or a list of strings, "
                        f"got {type(row).__name__}")
    items = []
    for name, value in pairs:
        if not isinstance(name, str):
            raise TypeError(f"rows[{index}] has a feature name that is not a string: {name!r}")
        if isinstance(value, str):
            name, value = f"{name}={value}", 1.0
        elif not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ValueError(f"rows[{index}] feature {name!r} must have a finite number "
                             f"or string value, got {value!r}")
        items.append((name, float(value)))
    return items


def hash_features(rows, n_features: int, signed: bool = True) -> np.ndarray:
    r"""Vectorize dict or string features with the hashing trick.

    Each feature name goes to column :math:`|h| \bmod m` where
    :math:`h` = :func:`murmurhash3_32` of the name (UTF-8, seed 0) and
    :math:`m` = ``n_features``; its value is added there, times
    :math:`\operatorname{sign}(h)` (+1 for :math:`h \ge 0`) when ``signed``.
    No vocabulary is stored, so unseen names need no special care, but
    different names can land in the same column (a *collision*); the random
    signs make colliding values cancel on average instead of piling up.

    A row is either

    * a dict ``{name: value}``: a number is used as the value; a string value
      ``v`` becomes the feature ``"name=v"`` with value 1; or
    * a list of strings (e.g. tokens): each string is a feature with value 1,
      repeated strings add up.

    The output equals scikit-learn's
    ``FeatureHasher(n_features, input_type="dict" or "string",
    alternate_sign=signed).transform(rows).toarray()``.

    Parameters
    ----------
    rows : sequence of dict or of list of str
        One entry per sample.
    n_features : int
        Number of columns :math:`m \ge 1`.
    signed : bool, default True
        Multiply values by the sign of the hash.

    Returns
    -------
    ndarray of float64, shape (len(rows), n_features)

    Examples
    --------
    >>> hash_features([{"city": "Paris", "rooms": 3}], n_features=8)
    array([[ 0., -1.,  0.,  0.,  0., -3.,  0.,  0.]])

    (``"city=Paris"`` went to column 1 and ``"rooms"`` to column 5, both
    with sign -1.)
    """
    n_features = check_scalar(n_features, "n_features", low=1, integer=True)
    if isinstance(rows, (str, Mapping)) or not isinstance(rows, Sequence):
        raise TypeError(f"rows must be a list of dicts or of lists of strings, "
                        f"got {type(rows).__name__}")
    if len(rows) == 0:
        raise ValueError("rows must contain at least one row, got 0")
    row_ids, names, values = [], [], []
    for i, row in enumerate(rows):
        for name, value in _row_items(row, i):
            row_ids.append(i)
            names.append(name)
            values.append(value)
    hashes = {name: murmurhash3_32(name) for name in set(names)}
    h = np.array([hashes[name] for name in names], dtype=np.int64)
    weights = np.array(values, dtype=np.float64)
    if signed:
        weights = np.where(h >= 0, weights, -weights)
    out = np.zeros((len(rows), n_features))
    np.add.at(out, (np.array(row_ids, dtype=np.intp), np.abs(h) % n_features), weights)
    return out


# ----------------------------------------------------------------------------
# Polynomial features
# ----------------------------------------------------------------------------

def _polynomial_terms(n_features: int, degree: int, interaction_only: bool,
                      include_bias: bool) -> list[tuple[int, ...]]:
    """Column index tuples of every monomial, in scikit-learn's order.

    Degree by degree (0 for the bias, then 1, 2, ...); within a degree, the
    tuples of feature indices in lexicographic order, with repeats unless
    ``interaction_only``.
    """
    combine = itertools.combinations if interaction_only else \
        itertools.combinations_with_replacement
    first = 0 if include_bias else 1
    return [term for d in range(first, degree + 1) for term in combine(range(n_features), d)]


def _check_polynomial_args(degree, interaction_only, include_bias) -> int:
    degree = check_scalar(degree, "degree", low=1, integer=True)
    for name, flag in (("interaction_only", interaction_only), ("include_bias", include_bias)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    return degree


def polynomial_features(X, degree: int = 2, interaction_only: bool = False,
                        include_bias: bool = True) -> np.ndarray:
    r"""All products of the features up to total degree ``degree``.

    For two features and ``degree=2`` the columns are
    :math:`[1, x_1, x_2, x_1^2, x_1x_2, x_2^2]`: first the bias, then the
    monomials of degree 1, 2, ... each in lexicographic order of their
    feature indices, exactly scikit-learn's ``PolynomialFeatures`` order.
    :func:`polynomial_feature_names` gives the column names. With
    ``interaction_only`` only products of distinct features are kept
    (:math:`x_1x_2` but not :math:`x_1^2`). There are
    :math:`\binom{p + d}{d}` columns (with bias), which grows like
    :math:`p^d`.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
    degree : int, default 2
        Highest total degree, at least 1.
    interaction_only : bool, default False
    include_bias : bool, default True
        Include the constant column of ones.

    Returns
    -------
    ndarray, shape (n_samples, n_output_features), dtype of ``X``
    """
    X = _as_data_matrix(X)
    degree = _check_polynomial_args(degree, interaction_only, include_bias)
    terms = _polynomial_terms(X.shape[1], degree, interaction_only, include_bias)
    out = np.empty((X.shape[0], len(terms)), dtype=X.dtype)
    for j, term in enumerate(terms):
        out[:, j] = np.prod(X[:, list(term)], axis=1)
    return out


def polynomial_feature_names(input_names: Sequence[str], degree: int = 2,
                             interaction_only: bool = False,
                             include_bias: bool = True) -> list[str]:
    """Names of the columns of :func:`polynomial_features`.

    Same format as scikit-learn's ``get_feature_names_out``: ``"1"`` for the
    bias, names joined by spaces for products and ``^k`` for powers, e.g.
    ``polynomial_feature_names(["a", "b"])`` is
    ``['1', 'a', 'b', 'a^2', 'a b', 'b^2']``.
    """
    if isinstance(input_names, str) or not all(isinstance(s, str) for s in input_names):
        raise TypeError(f"input_names must be a list of strings, got {input_names!r}")
    if len(input_names) == 0:
        raise ValueError("input_names must name at least one feature, got 0")
    degree = _check_polynomial_args(degree, interaction_only, include_bias)
    names = []
    for term in _polynomial_terms(len(input_names), degree, interaction_only, include_bias):
        powers = Counter(term)
        parts = [input_names[i] if k == 1 else f"{input_names[i]}^{k}"
                 for i, k in sorted(powers.items())]
        names.append(" ".join(parts) if parts else "1")
    return names


# ----------------------------------------------------------------------------
# Power transforms (Box-Cox, Yeo-Johnson)
# ----------------------------------------------------------------------------

_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0   # 0.618..., the golden-section ratio
_LAMBDA_LIMIT = 64.0                     # widest lambda grid searched


def _golden_section_minimize(f: Callable[[float], float], low: float, high: float,
                             tol: float = 1e-10) -> float:
    """Minimizer of a unimodal ``f`` on ``[low, high]`` by golden-section search.

    Two inner points split the interval in the golden ratio; the one with the
    larger ``f`` cuts its outer part away, so the interval shrinks by 0.618 per
    step and one of the inner points (and its value) is reused. Stops when the
    interval is shorter than ``tol``.
    """
    a, b = low, high
    c, d = b - _GOLDEN * (b - a), a + _GOLDEN * (b - a)
    fc, fd = f(c), f(d)
    while b - a > tol:
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - _GOLDEN * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + _GOLDEN * (b - a)
            fd = f(d)
    return (a + b) / 2.0


def _maximize_lambda(log_likelihood: Callable[[float], float]) -> float:
    """Maximizer of a log-likelihood of lambda: grid search, then golden section.

    The grid (step 1/4 on ``[-4, 4]``, widened while the best point is on its
    edge, up to ``[-64, 64]``) finds the best region even if the likelihood
    has several bumps; golden-section search between the best grid point's
    neighbours then pins it down to about 1e-10.
    """
    def objective(lmbda: float) -> float:
        return -log_likelihood(lmbda)

    half_width = 4.0
    while True:
        grid = np.arange(-half_width, half_width + 0.125, 0.25)
        values = np.array([objective(lmbda) for lmbda in grid])
        best = int(np.argmin(values))
        if 0 < best < grid.shape[0] - 1 or half_width >= _LAMBDA_LIMIT:
            break
        half_width *= 2.0
    low = grid[max(best - 1, 0)]
    high = grid[min(best + 1, grid.shape[0] - 1)]
    return float(_golden_section_minimize(objective, float(low), float(high)))


def _gaussian_profile_log_likelihood(y: np.ndarray, log_jacobian: float) -> float:
    r""":math:`-\frac n2 \ln \hat\sigma^2(y) + \ln|J|`; ``-inf`` if it cannot be computed."""
    if not np.all(np.isfinite(y)):
        return -np.inf
    size = float(np.max(np.abs(y)))     # var(y) = size^2 var(y / size): no overflow
    if size == 0.0:
        return -np.inf
    variance = float(np.var(y / size))
    if not variance > 0.0:
        return -np.inf
    log_variance = 2.0 * math.log(size) + math.log(variance)
    return -0.5 * y.shape[0] * log_variance + log_jacobian


def _box_cox_values(x: np.ndarray, lmbda: float) -> np.ndarray:
    """Box-Cox of positive float64 ``x``; overflow gives inf (callers check)."""
    if lmbda == 0.0:
        return np.log(x)
    with np.errstate(over="ignore"):
        return np.expm1(lmbda * np.log(x)) / lmbda


def _yeo_johnson_values(x: np.ndarray, lmbda: float) -> np.ndarray:
    """Yeo-Johnson of float64 ``x``; overflow gives inf (callers check)."""
    out = np.empty_like(x)
    pos = x >= 0
    log_pos, log_neg = np.log1p(x[pos]), np.log1p(-x[~pos])
    with np.errstate(over="ignore"):
        out[pos] = log_pos if lmbda == 0.0 else np.expm1(lmbda * log_pos) / lmbda
        out[~pos] = -log_neg if lmbda == 2.0 else \
            -np.expm1((2.0 - lmbda) * log_neg) / (2.0 - lmbda)
    return out


def _check_power_input(x, name: str, lmbda) -> tuple[np.ndarray, float | None]:
    arr = as_float_array(x, name, ndim=1)
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must not be empty")
    if lmbda is None:
        if arr.shape[0] < 2 or np.all(arr == arr[0]):
            raise ValueError(f"{name} must hold at least two different values to fit "
                             f"lambda, got {arr[:5].tolist()}")
        return arr, None
    return arr, check_scalar(lmbda, "lmbda")


def _finish_power(values: np.ndarray, dtype, lmbda: float, name: str) -> tuple[np.ndarray, float]:
    if not np.all(np.isfinite(values)):
        raise ValueError(f"lmbda={lmbda} is too large in magnitude for this {name}: "
                         "the transformed values overflow")
    return values.astype(dtype, copy=False), float(lmbda)


def box_cox(x, lmbda: float | None = None) -> tuple[np.ndarray, float]:
    r"""Box-Cox power transform of positive data, fitting :math:`\lambda` if not given.

    .. math::

        y = \begin{cases} (x^\lambda - 1)/\lambda, & \lambda \ne 0\\
                          \ln x, & \lambda = 0 \end{cases}

    With ``lmbda=None``, :math:`\lambda` maximizes the Gaussian profile
    log-likelihood of the transformed data,

    .. math::

        \ell(\lambda) = -\frac n2 \ln \hat\sigma^2_\lambda
                        + (\lambda - 1)\sum_i \ln x_i,

    where :math:`\hat\sigma^2_\lambda` is the population variance of
    :math:`y` and the last term is the log-Jacobian of :math:`x \mapsto y`. This is
    the maximum-likelihood :math:`\lambda` of ``scipy.stats.boxcox`` and
    ``sklearn.preprocessing.PowerTransformer(method="box-cox",
    standardize=False)``. The 1-D maximization is a grid search followed by a
    golden-section search (written here; no SciPy). The transform is computed
    as ``expm1(lambda * log(x)) / lambda``, accurate also for tiny
    :math:`\lambda`.

    Parameters
    ----------
    x : array_like, shape (n_samples,)
        Strictly positive data (use :func:`yeo_johnson` otherwise).
    lmbda : float, optional
        Use this :math:`\lambda` instead of fitting one.

    Returns
    -------
    y : ndarray, shape (n_samples,), dtype of ``x``
    lmbda : float
        The (fitted or given) :math:`\lambda`.
    """
    arr, lmbda = _check_power_input(x, "x", lmbda)
    if arr.min() <= 0:
        raise ValueError(f"x must be strictly positive for Box-Cox, got minimum {arr.min()}; "
                         "use yeo_johnson for data with zeros or negative values")
    x64 = arr.astype(np.float64)
    if lmbda is None:
        sum_log = float(np.log(x64).sum())

        def log_likelihood(lam: float) -> float:
            return _gaussian_profile_log_likelihood(_box_cox_values(x64, lam),
                                                    (lam - 1.0) * sum_log)

        lmbda = _maximize_lambda(log_likelihood)
    return _finish_power(_box_cox_values(x64, lmbda), arr.dtype, lmbda, "x")


def yeo_johnson(x, lmbda: float | None = None) -> tuple[np.ndarray, float]:
    r"""Yeo-Johnson power transform (any real data), fitting :math:`\lambda` if not given.

    .. math::

        y = \begin{cases}
            ((x+1)^\lambda - 1)/\lambda, & x \ge 0,\ \lambda \ne 0\\
            \ln(1 + x), & x \ge 0,\ \lambda = 0\\
            -((1-x)^{2-\lambda} - 1)/(2-\lambda), & x < 0,\ \lambda \ne 2\\
            -\ln(1 - x), & x < 0,\ \lambda = 2
        \end{cases}

    Box-Cox of :math:`x+1` for :math:`x \ge 0`, mirrored (with
    :math:`2-\lambda`) for negative :math:`x`, so zeros and negatives are fine.
    With ``lmbda=None``, :math:`\lambda` maximizes

    .. math::

        \ell(\lambda) = -\frac n2 \ln \hat\sigma^2_\lambda
          + (\lambda - 1)\sum_i \operatorname{sign}(x_i)\ln(1 + |x_i|),

    the same maximum-likelihood :math:`\lambda` as ``scipy.stats.yeojohnson``
    and ``PowerTransformer(method="yeo-johnson", standardize=False)``,
    found by the grid plus golden-section search of :func:`box_cox`.

    Parameters
    ----------
    x : array_like, shape (n_samples,)
    lmbda : float, optional
        Use this :math:`\lambda` instead of fitting one.

    Returns
    -------
    y : ndarray, shape (n_samples,), dtype of ``x``
    lmbda : float
    """
    arr, lmbda = _check_power_input(x, "x", lmbda)
    x64 = arr.astype(np.float64)
    if lmbda is None:
        signed_log = float((np.sign(x64) * np.log1p(np.abs(x64))).sum())

        def log_likelihood(lam: float) -> float:
            return _gaussian_profile_log_likelihood(_yeo_johnson_values(x64, lam),
                                                    (lam - 1.0) * signed_log)

        lmbda = _maximize_lambda(log_likelihood)
    return _finish_power(_yeo_johnson_values(x64, lmbda), arr.dtype, lmbda, "x")


# ----------------------------------------------------------------------------
# Text: bag of words and TF-IDF
# ----------------------------------------------------------------------------

TOKEN_PATTERN = re.compile(r"(?u)\b\w\w+\b")
"""Tokens are runs of two or more word characters (scikit-learn's default)."""


def tokenize(doc: str) -> list[str]:
    r"""Split a document into lowercase word tokens.

    The text is lowercased (``str.lower``) and the tokens are the matches of
    ``r"(?u)\b\w\w+\b"``: runs of at least two letters, digits or underscores.
    Punctuation separates tokens and one-character words ("a", "I") are
    dropped. This is scikit-learn's default for ``CountVectorizer`` and
    ``TfidfVectorizer``.

    >>> tokenize("The cat sat on the mat, didn't it?")
    ['the', 'cat', 'sat', 'on', 'the', 'mat', 'didn', 'it']
    """
    if not isinstance(doc, str):
        raise TypeError(f"doc must be a str, got {type(doc).__name__}")
    return TOKEN_PATTERN.findall(doc.lower())


def _check_docs(docs) -> list[str]:
    if isinstance(docs, str) or not isinstance(docs, Sequence):
        raise TypeError(f"docs must be a list of strings, got {type(docs).__name__}"
                        + ("; wrap a single document in a list" if isinstance(docs, str) else ""))
    if len(docs) == 0:
        raise ValueError("docs must contain at least one document, got 0")
    for i, doc in enumerate(docs):
        if not isinstance(doc, str):
            raise TypeError(f"docs[{i}] must be a str, got {type(doc).__name__}")
    return list(docs)


def _check_vocabulary(vocabulary) -> list[str]:
    if isinstance(vocabulary, str) or not isinstance(vocabulary, Sequence) \
            or not all(isinstance(t, str) for t in vocabulary):
        raise TypeError(f"vocabulary must be a list of strings, got {vocabulary!r}")
    if len(vocabulary) == 0:
        raise ValueError("vocabulary must not be empty")
    if len(set(vocabulary)) != len(vocabulary):
        repeated = [t for t, c in Counter(vocabulary).items() if c > 1]
        raise ValueError(f"vocabulary has repeated terms: {repeated[:5]}")
    return list(vocabulary)


def bag_of_words(docs: Sequence[str],
                 vocabulary: Sequence[str] | None = None) -> tuple[np.ndarray, list[str]]:
    """Count how often each vocabulary term occurs in each document.

    Documents are split by :func:`tokenize`. The vocabulary is every token of
    ``docs``, sorted alphabetically, unless given; with a given vocabulary the
    columns follow its order and other tokens are ignored. Word order is lost:
    only counts remain. Same as scikit-learn's ``CountVectorizer()``.

    Parameters
    ----------
    docs : list of str, length n_docs
    vocabulary : list of str, optional
        Terms to count (distinct).

    Returns
    -------
    counts : ndarray of int64, shape (n_docs, n_terms)
        ``counts[i, j]`` is the number of times ``vocabulary[j]`` is in ``docs[i]``.
    vocabulary : list of str, length n_terms
        The term of each column.

    Examples
    --------
    >>> counts, vocab = bag_of_words(["the cat sat", "the cat saw the dog"])
    >>> vocab
    ['cat', 'dog', 'sat', 'saw', 'the']
    >>> counts
    array([[1, 0, 1, 0, 1],
           [1, 1, 0, 1, 2]])
    """
    docs = _check_docs(docs)
    tokens = [tokenize(doc) for doc in docs]
    if vocabulary is None:
        vocabulary = sorted(set(itertools.chain.from_iterable(tokens)))
        if not vocabulary:
            raise ValueError("docs contain no tokens (runs of two or more word characters), "
                             "so the vocabulary is empty")
    else:
        vocabulary = _check_vocabulary(vocabulary)
    column = {term: j for j, term in enumerate(vocabulary)}
    doc_ids = np.repeat(np.arange(len(docs)), [len(t) for t in tokens])
    cols = np.array([column.get(t, -1) for t in itertools.chain.from_iterable(tokens)],
                    dtype=np.intp)
    keep = cols >= 0
    counts = np.zeros((len(docs), len(vocabulary)), dtype=np.int64)
    np.add.at(counts, (doc_ids[keep], cols[keep]), 1)
    return counts, vocabulary


def inverse_document_frequency(counts, smooth_idf: bool = True) -> np.ndarray:
    r"""Inverse document frequency of each column of a count matrix.

    With :math:`n` documents and :math:`\mathrm{df}(t)` the number of
    documents that contain term :math:`t`,

    .. math::

        \mathrm{idf}(t) = \ln\frac{1 + n}{1 + \mathrm{df}(t)} + 1
        \quad(\texttt{smooth\_idf=True}), \qquad
        \mathrm{idf}(t) = \ln\frac{n}{\mathrm{df}(t)} + 1 \quad(\text{otherwise}).

    These are scikit-learn's ``TfidfTransformer`` formulas. The textbook idf
    is :math:`\ln(n/\mathrm{df})`; the ``+ 1`` keeps a term that is in every
    document from getting weight 0, and smoothing acts as if one extra
    document contained every term once (so df is never 0).

    Parameters
    ----------
    counts : array_like, shape (n_docs, n_terms)
        Non-negative term counts, e.g. from :func:`bag_of_words`.
    smooth_idf : bool, default True

    Returns
    -------
    ndarray of float64, shape (n_terms,)
    """
    counts = _as_data_matrix(counts, "counts")
    if counts.min() < 0:
        raise ValueError(f"counts must be non-negative, got minimum {counts.min()}")
    if not isinstance(smooth_idf, (bool, np.bool_)):
        raise TypeError(f"smooth_idf must be True or False, got {smooth_idf!r}")
    n_docs = counts.shape[0]
    df = np.count_nonzero(counts, axis=0).astype(np.float64)
    if smooth_idf:
        return np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    if np.any(df == 0):
        raise ValueError("counts has a term in no document (df = 0), whose unsmoothed idf "
                         "is infinite; use smooth_idf=True")
    return np.log(n_docs / df) + 1.0


def tf_idf(docs: Sequence[str], smooth_idf: bool = True, sublinear_tf: bool = False,
           norm: str | None = "l2") -> tuple[np.ndarray, list[str]]:
    r"""TF-IDF matrix of a list of documents.

    .. math::

        w_{d,t} = \mathrm{tf}(t, d)\;\mathrm{idf}(t),

    where :math:`\mathrm{tf}(t, d)` is the raw count of term :math:`t` in
    document :math:`d` (from :func:`bag_of_words`), or :math:`1 + \ln
    \mathrm{tf}` for nonzero counts if ``sublinear_tf``, and idf is
    :func:`inverse_document_frequency`. Each row is then divided by its
    Euclidean (``"l2"``) or absolute-sum (``"l1"``) norm, or left as is
    (``None``); rows of zeros stay zero. Textbooks often define tf as the
    count divided by the document's length; after the row normalization that
    factor cancels, so the result is the same. This equals scikit-learn's
    ``TfidfVectorizer(smooth_idf=..., sublinear_tf=..., norm=...)``.

    Parameters
    ----------
    docs : list of str
    smooth_idf : bool, default True
    sublinear_tf : bool, default False
    norm : {"l2", "l1", None}, default "l2"

    Returns
    -------
    matrix : ndarray of float64, shape (n_docs, n_terms)
    vocabulary : list of str
        The term of each column (sorted).
    """
    if norm is not None:
        check_choice(norm, "norm", ("l1", "l2"))
    if not isinstance(sublinear_tf, (bool, np.bool_)):
        raise TypeError(f"sublinear_tf must be True or False, got {sublinear_tf!r}")
    counts, vocabulary = bag_of_words(docs)
    idf = inverse_document_frequency(counts, smooth_idf)
    tf = counts.astype(np.float64)
    if sublinear_tf:
        present = tf > 0
        tf[present] = 1.0 + np.log(tf[present])
    weights = tf * idf
    if norm is not None:
        size = np.abs(weights).sum(axis=1) if norm == "l1" else \
            np.sqrt((weights ** 2).sum(axis=1))
        np.divide(weights, size[:, None], out=weights, where=size[:, None] > 0)
    return weights, vocabulary


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

    The data are centred, :math:`X_c = X - \bar x`, and decomposed as
    :math:`X_c = U \Sigma V^\top` (singular values
    :math:`\sigma_1 \ge \sigma_2 \ge \dots`). The first ``n_components`` rows
    of :math:`V^\top` are the principal directions, the projected data are
    :math:`X_c V_k = U_k \Sigma_k`, and the explained variance ratio of
    component :math:`j` is :math:`\sigma_j^2 / \sum_i \sigma_i^2`. Keeping
    :math:`k` components, :math:`\bar x + X_c V_k V_k^\top` is the best rank-
    :math:`k` approximation of :math:`X`, with squared error
    :math:`\sum_{j > k} \sigma_j^2`.

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
                                 high=min(n_samples, n_features), integer=True)
    centred = X.astype(np.float64) - X.astype(np.float64).mean(axis=0)
    U, S, Vt = np.linalg.svd(centred, full_matrices=False)
    total = float((S ** 2).sum())
    if not total > 0:
        raise ValueError("X has zero variance (all rows are equal), so it has no "
                         "principal components")
    largest = np.argmax(np.abs(Vt), axis=1)
    signs = np.sign(Vt[np.arange(Vt.shape[0]), largest])
    U, Vt = U * signs, Vt * signs[:, None]
    k = n_components
    return PCAResult(components=Vt[:k].astype(X.dtype),
                     explained_variance_ratio=(S[:k] ** 2 / total).astype(X.dtype),
                     projected=(U[:, :k] * S[:k]).astype(X.dtype))


# ----------------------------------------------------------------------------
# Entropy and mutual information of discrete data
# ----------------------------------------------------------------------------

def _as_labels(x, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != 1 or arr.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty 1-dimensional array of labels, "
                         f"got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.floating) and np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN, which is not a label")
    return arr


def _label_codes(x: np.ndarray, name: str) -> tuple[np.ndarray, int]:
    categories, codes = np.unique(_as_labels(x, name), return_inverse=True)
    return codes.ravel(), categories.shape[0]


def entropy(x) -> float:
    r"""Shannon entropy, in nats, of the empirical distribution of labels ``x``.

    .. math::

        H(X) = -\sum_{v} p(v) \ln p(v), \qquad p(v) = \frac{\#\{i : x_i = v\}}{n}.

    The logarithm is natural, so the unit is the *nat*; divide by
    :math:`\ln 2` for bits. :math:`H = 0` when all labels are equal and
    :math:`H = \ln K` when :math:`K` labels are equally frequent.

    Parameters
    ----------
    x : array_like, shape (n_samples,)
        Discrete labels (integers, strings, ...).
    """
    _, counts = np.unique(_as_labels(x, "x"), return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum()) + 0.0


def mutual_information(x, y) -> float:
    r"""Mutual information, in nats, between two discrete label arrays.

    .. math::

        I(X;Y) = \sum_{u,v} p(u,v) \ln\frac{p(u,v)}{p(u)\,p(v)},

    with :math:`p` the empirical (joint and marginal) frequencies; only
    pairs :math:`(u, v)` that occur contribute. :math:`I = 0` exactly when
    the empirical joint distribution factorizes, and
    :math:`I(X;X) = H(X)`. Natural logarithm, as
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
    pairs, joint = np.unique(x_codes * n_y + y_codes, return_counts=True)
    x_counts = np.bincount(x_codes)[pairs // n_y]
    y_counts = np.bincount(y_codes)[pairs % n_y]
    terms = joint / n * (np.log(joint) + math.log(n) - np.log(x_counts) - np.log(y_counts))
    return max(float(terms.sum()), 0.0)
