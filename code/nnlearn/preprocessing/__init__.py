"""Turning raw data into numbers a network can learn from.

The tools follow the order of the book's chapter on data, one module per
topic (every name is also importable from :mod:`nnlearn.preprocessing` itself):

* :mod:`~nnlearn.preprocessing.scaling`, **scaling** numeric features:
  :class:`MinMaxScaler`, :class:`StandardScaler`, :class:`RobustScaler`;
* :mod:`~nnlearn.preprocessing.encoding`, **encoding** categories:
  :func:`one_hot`, :class:`OrdinalEncoder`, :class:`TargetEncoder`;
* :mod:`~nnlearn.preprocessing.features`, **new features** from old ones:
  :func:`polynomial_features`, and the power transforms :func:`box_cox` and
  :func:`yeo_johnson`;
* :mod:`~nnlearn.preprocessing.text`, **text**: the hashing trick
  :func:`hash_features` (with :func:`murmurhash3_32`), :func:`tokenize`,
  :func:`bag_of_words`, :func:`tf_idf`;
* :mod:`~nnlearn.preprocessing.decomposition`, **fewer dimensions** with
  :func:`pca`; :mod:`~nnlearn.preprocessing.information`, **information**
  with :func:`entropy` and :func:`mutual_information`.

Rows are samples and columns are features. Everything is NumPy only; where a
tool has a scikit-learn counterpart the results are the same (the tests check
this), and the docstrings say where and why they differ.
"""

from nnlearn.preprocessing._base import NotFittedError
from nnlearn.preprocessing.decomposition import PCAResult, pca
from nnlearn.preprocessing.encoding import OrdinalEncoder, TargetEncoder, one_hot
from nnlearn.preprocessing.features import (
    box_cox,
    polynomial_feature_names,
    polynomial_features,
    yeo_johnson,
)
from nnlearn.preprocessing.information import entropy, mutual_information
from nnlearn.preprocessing.scaling import MinMaxScaler, RobustScaler, StandardScaler
from nnlearn.preprocessing.text import (
    TOKEN_PATTERN,
    bag_of_words,
    hash_features,
    inverse_document_frequency,
    murmurhash3_32,
    tf_idf,
    tokenize,
)

# Documented here too: the API reference lists this package's names once, here.
TOKEN_PATTERN = TOKEN_PATTERN
"""Tokens are runs of two or more word characters (scikit-learn's default)."""

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
