"""Encoding categories as numbers: one-hot, ordinal and target encoding.
"""

from __future__ import annotations

import numpy as np

from nnlearn._checks import as_float_array, check_choice, check_rng, check_scalar, check_size
from nnlearn.preprocessing._base import _check_fitted, _check_n_features

__all__ = [
    "one_hot",
    "OrdinalEncoder",
    "TargetEncoder",
]


# ----------------------------------------------------------------------------
# Categorical encodings
# ----------------------------------------------------------------------------

def one_hot(labels, num_classes: int | None = None) -> np.ndarray:
    r"""One-hot encode integer class labels.

    Row ``i`` of the result is all zeros except a 1 in column ``labels[i]``.
    Like ``torch.nn.functional.one_hot`` this takes class *indices*
    ``0 .. num_classes-1``; turn names such as ``"red"`` into indices first
    with :class:`OrdinalEncoder`.

    Parameters
    ----------
    labels : array_like of int, shape (n_samples,)
        Class indices, each in ``[0, num_classes)``.
    num_classes : int, optional
        Number of columns :math:`C`. Default ``labels.max() + 1``.

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
        raise TypeError("labels must hold integer class indices, got "
                        f"dtype {labels.dtype}; encode category names with "
                        "OrdinalEncoder first")
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty 1-dimensional array, "
                         f"got shape {labels.shape}")
    if labels.min() < 0:
        raise ValueError(f"labels must be >= 0, got {labels.min()}")
    if num_classes is None:
        num_classes = int(labels.max()) + 1
    num_classes = check_size(num_classes, "num_classes",
                             per_item=labels.shape[0])
    if labels.max() >= num_classes:
        raise ValueError(f"labels must be < num_classes={num_classes}, got "
                         f"{labels.max()}")
    encoded = np.zeros((labels.shape[0], num_classes))
    encoded[np.arange(labels.shape[0]), labels] = 1.0
    return encoded


def _as_category_columns(X, name: str = "X") -> tuple[np.ndarray, bool]:
    """Return categorical input as a 2-D array, and whether it was 1-D."""
    try:
        arr = np.asarray(X)
    except ValueError as exc:                  # ragged nested lists
        raise ValueError(f"{name} must be a 1- or 2-dimensional array of categories "
                         f"with rows of equal length: {exc}") from exc
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
    """Positions of ``column``'s values in the sorted ``categories``, and a mask.

    The mask marks the values that are categories at all.
    """
    try:
        positions = np.searchsorted(categories, column)
        positions = np.minimum(positions, categories.shape[0] - 1)
        known = categories[positions] == column
    except TypeError as exc:
        raise TypeError(f"{name} column {feature} has dtype {column.dtype}, which cannot "
                        f"be compared with the fitted categories {categories.dtype}") from exc
    return positions.astype(np.int64), known


def _category_codes(categories: np.ndarray, column: np.ndarray, name: str,
                    feature: int, unseen: str = "not seen in fit") -> np.ndarray:
    """Position of each value of ``column`` in ``categories`` (in any order).

    A value that is not a category raises ``ValueError``.
    """
    order = np.argsort(categories, kind="stable")
    codes, known = _find_categories(categories[order], column, name, feature)
    if not np.all(known):
        missing = np.unique(column[~known])[:5].tolist()
        raise ValueError(f"{name} column {feature} contains categories {unseen}: "
                         f"{missing}; known categories are {categories.tolist()[:10]}")
    return order[codes]


def _given_categories(categories, n_features: int) -> list[np.ndarray]:
    """Check a list of per-column category lists (each non-empty, without repeats)."""
    if not isinstance(categories, (list, tuple)) or len(categories) != n_features:
        raise ValueError(f"categories must be 'auto' or a list of {n_features} lists of "
                         f"categories (one per column of X), got {categories!r}")
    out = []
    for j, cats in enumerate(categories):
        arr = np.asarray(cats)
        if isinstance(cats, (str, bytes)) or arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"categories[{j}] must be a non-empty list of categories, "
                             f"got {cats!r}")
        if _sorted_categories(arr, f"categories[{j}]").shape[0] != arr.shape[0]:
            raise ValueError(f"categories[{j}] must not list a category twice, got {cats!r}")
        out.append(arr)
    return out


class OrdinalEncoder:
    """Replace each category by its position in a list of categories.

    By default (``categories="auto"``) ``fit`` collects the distinct values of
    each column and sorts them (strings alphabetically, numbers by value);
    ``transform`` maps a value to its index in that list, so
    ``["red", "blue", "green"]`` becomes ``[2, 0, 1]``. A value not seen in
    ``fit`` raises ``ValueError``. The codes imply an order
    (``blue < green < red``) that the categories may not have; :func:`one_hot`
    of the codes removes it. When the categories *are* ordered, give the
    order explicitly, as in scikit-learn: ``categories=[["small", "medium",
    "large"]]`` codes small as 0, medium as 1 and large as 2 (sorting would
    give large < medium < small).

    Unlike scikit-learn's ``OrdinalEncoder``, a 1-D input is read as a single
    feature (and gives 1-D codes), and the codes are integers, ready for
    :func:`one_hot`.

    Parameters
    ----------
    categories : "auto" or list of lists, default "auto"
        ``"auto"``: the sorted distinct values of each column. A list: one
        list of categories per column of ``X``, in the order that gives codes
        0, 1, 2, ...; every value of the data given to ``fit`` must be in it.

    Attributes
    ----------
    categories_ : list of ndarray
        ``categories_[j]`` holds the categories of column ``j``, in code order.
    n_features_in_ : int
        Number of columns seen in ``fit``.

    Examples
    --------
    >>> enc = OrdinalEncoder()
    >>> enc.fit_transform(["red", "blue", "green", "blue"])
    array([2, 0, 1, 0])
    >>> enc.categories_[0].tolist()
    ['blue', 'green', 'red']
    >>> sizes = OrdinalEncoder(categories=[["small", "medium", "large"]])
    >>> sizes.fit_transform(["large", "small", "medium", "small"])
    array([2, 0, 1, 0])
    """

    def __init__(self, categories="auto"):
        self.categories = categories

    def fit(self, X) -> OrdinalEncoder:
        """Learn the categories of each column of ``X`` (sorted, or as given).

        ``X`` has shape (n_samples,) for one feature or (n_samples, n_features).
        """
        X2d, _ = _as_category_columns(X)
        if isinstance(self.categories, str) and self.categories == "auto":
            categories = [_sorted_categories(X2d[:, j], "X") for j in range(X2d.shape[1])]
        else:
            categories = _given_categories(self.categories, X2d.shape[1])
            for j, cats in enumerate(categories):           # every value must be listed
                _category_codes(cats, X2d[:, j], "X", j, unseen="not in categories")
        self.categories_ = categories
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
    r"""Per-category smoothed target mean.

    It is (sum + smoothing * prior) / (count + smoothing).

    A category with no rows (and ``smoothing = 0``) gets the ``prior``.
    """
    sums = np.bincount(codes, weights=y, minlength=n_categories)
    counts = np.bincount(codes, minlength=n_categories)
    denominator = counts + smoothing
    means = np.full(n_categories, prior)
    np.divide(sums + smoothing * prior, denominator, out=means,
              where=denominator > 0)
    return means


def _fold_ids(n_samples: int, n_splits: int, shuffle: bool,
              rng: np.random.Generator) -> np.ndarray:
    """Fold index of every row, sized as in scikit-learn's ``KFold``.

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

    For category :math:`k` seen :math:`n_k` times with mean target
    :math:`\bar y_k`, and overall target mean :math:`\bar y`,

    .. math::

        \operatorname{enc}(k)
        = \frac{n_k\,\bar y_k + n_{\text{smooth}}\,\bar y}{n_k + n_{\text{smooth}}},

    the category mean shrunk towards :math:`\bar y` as if :math:`n_{\text{smooth}}`
    (``smoothing``) extra rows with target :math:`\bar y` had been seen. Rare
    categories stay close to :math:`\bar y`; frequent ones get their own mean.
    This is scikit-learn's ``TargetEncoder(smooth=smoothing)`` for a continuous
    (or 0/1) target; scikit-learn's default ``smooth="auto"`` (an empirical-Bayes
    choice of the smoothing per category) is not offered, and the folds here are
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
        The prior weight :math:`n_{\text{smooth}} \ge 0`; 0 gives plain category means.
    shuffle : bool, default True
        Shuffle rows before cutting them into folds (otherwise folds are
        consecutive blocks, as ``KFold(shuffle=False)``).
    rng : None, int or numpy.random.Generator
        Randomness for the shuffle.
    handle_unknown : {"error", "prior"}, default "error"
        What :meth:`transform` does with a category not seen in ``fit``:
        raise ``ValueError``, or use the prior :math:`\bar y` (the limit
        :math:`n_k = 0` of the formula, as scikit-learn does).

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
        """Check the input, fit what ``transform`` needs; return codes, y."""
        self._check_params()
        ordinal = OrdinalEncoder().fit(X)
        codes = ordinal.transform(X)
        codes = codes[:, None] if codes.ndim == 1 else codes
        y = as_float_array(y, "y", ndim=1)
        if y.shape[0] != codes.shape[0]:
            raise ValueError("X and y must have the same number of "
                             f"samples, got {codes.shape[0]} and "
                             f"{y.shape[0]}")
        self.categories_ = ordinal.categories_
        self.n_features_in_ = codes.shape[1]
        self.target_mean_ = float(y.mean())
        self.encodings_ = [
            _smoothed_means(codes[:, j], y, cats.shape[0], self.smoothing,
                            self.target_mean_)
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
        """Fit on all of X, y, and return the out-of-fold encoding of X.

        Each row is encoded with the categories' smoothed means over the rows
        of the other folds (row ``i`` never uses ``y[i]``). This differs
        from ``fit(X, y).transform(X)`` on purpose.
        """
        codes, y = self._fit_codes(X, y)
        n = codes.shape[0]
        if self.n_splits > n:
            raise ValueError("n_splits must be <= the number of samples "
                             f"{n}, got {self.n_splits}")
        self.folds_ = _fold_ids(n, self.n_splits, bool(self.shuffle),
                                check_rng(self.rng))
        out = np.empty(codes.shape)
        for fold in range(self.n_splits):
            held_out = self.folds_ == fold
            train = ~held_out
            prior = float(y[train].mean())
            for j, cats in enumerate(self.categories_):
                enc = _smoothed_means(codes[train, j], y[train],
                                      cats.shape[0], self.smoothing, prior)
                out[held_out, j] = enc[codes[held_out, j]]
        return out[:, 0] if np.ndim(X) == 1 else out
