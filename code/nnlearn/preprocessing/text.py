"""Text as numbers: the hashing trick, tokens, bags of words and TF-IDF.

The hashing trick uses the module's own MurmurHash3.
"""

from __future__ import annotations

import itertools
import math
import numbers
import re
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from nnlearn._checks import check_bool, check_choice, check_scalar, check_size
from nnlearn.preprocessing._base import _as_data_matrix

__all__ = [
    "murmurhash3_32",
    "hash_features",
    "TOKEN_PATTERN",
    "tokenize",
    "bag_of_words",
    "inverse_document_frequency",
    "tf_idf",
]


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
    """(feature name, value) pairs of one row of :func:`hash_features`."""
    if isinstance(row, str):
        raise TypeError(f"rows[{index}] is a single string; each row must "
                        "be a dict or a list of strings (e.g. "
                        f"{row.split()[:3]!r})")
    if isinstance(row, Mapping):
        pairs = list(row.items())
    elif isinstance(row, (Sequence, set, frozenset)):
        pairs = [(name, 1.0) for name in row]
    else:
        raise TypeError(f"rows[{index}] must be a dict or a list of "
                        f"strings, got {type(row).__name__}")
    items = []
    for name, value in pairs:
        if not isinstance(name, str):
            raise TypeError(f"rows[{index}] has a feature name that is not "
                            f"a string: {name!r}")
        if isinstance(value, str):
            name, value = f"{name}={value}", 1.0
        elif not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ValueError(f"rows[{index}] feature {name!r} must have a "
                             f"finite number or string value, got {value!r}")
        items.append((name, float(value)))
    return items


def hash_features(rows, n_features: int, signed: bool = True) -> np.ndarray:
    r"""Vectorize dict or string features with the hashing trick.

    Each feature name goes to column
    :math:`|\operatorname{hash}(\text{name})| \bmod n_{\text{cols}}`, where
    :math:`\operatorname{hash}` is :func:`murmurhash3_32` (UTF-8, seed 0) and
    :math:`n_{\text{cols}}` = ``n_features``; its value is added there, times
    the sign of the hash (+1 for a hash :math:`\ge 0`) when ``signed``.
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
        Number of columns :math:`n_{\text{cols}} \ge 1`.
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
    if isinstance(rows, (str, Mapping)) or not isinstance(rows, Sequence):
        raise TypeError("rows must be a list of dicts or of lists of "
                        f"strings, got {type(rows).__name__}")
    if len(rows) == 0:
        raise ValueError("rows must contain at least one row, got 0")
    n_features = check_size(n_features, "n_features", per_item=len(rows))
    signed = check_bool(signed, "signed")
    row_ids, names, values = [], [], []
    for i, row in enumerate(rows):
        for name, value in _row_items(row, i):
            row_ids.append(i)
            names.append(name)
            values.append(value)
    hashes = {name: murmurhash3_32(name) for name in set(names)}
    name_hashes = np.array([hashes[name] for name in names], dtype=np.int64)
    weights = np.array(values, dtype=np.float64)
    if signed:
        weights = np.where(name_hashes >= 0, weights, -weights)
    out = np.zeros((len(rows), n_features))
    columns = np.abs(name_hashes) % n_features
    np.add.at(out, (np.array(row_ids, dtype=np.intp), columns), weights)
    return out


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
                 vocabulary: Sequence[str] | None = None
                 ) -> tuple[np.ndarray, list[str]]:
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
            raise ValueError("docs contain no tokens (runs of two or more "
                             "word characters), so the vocabulary is empty")
    else:
        vocabulary = _check_vocabulary(vocabulary)
    # term -> its column
    column = {term: j for j, term in enumerate(vocabulary)}
    counts = np.zeros((len(docs), len(vocabulary)), dtype=np.int64)
    for i, doc_tokens in enumerate(tokens):
        # each distinct word once
        for term, count in Counter(doc_tokens).items():
            if term in column:
                counts[i, column[term]] = count
    return counts, vocabulary


def inverse_document_frequency(counts,
                               smooth_idf: bool = True) -> np.ndarray:
    r"""Inverse document frequency of each column of a count matrix.

    With :math:`N` documents (rows) and :math:`\mathrm{df}(j)` the number of
    documents that contain term :math:`j` (column :math:`j`),

    .. math::

        \mathrm{idf}(j) = \ln\frac{1 + N}{1 + \mathrm{df}(j)} + 1
        \quad(\texttt{smooth\_idf=True}), \qquad
        \mathrm{idf}(j) = \ln\frac{N}{\mathrm{df}(j)} + 1 \quad(\text{otherwise}).

    These are scikit-learn's ``TfidfTransformer`` formulas. The textbook idf
    is :math:`\ln(N/\mathrm{df})`; the ``+ 1`` keeps a term that is in every
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
        raise ValueError("counts must be non-negative, got minimum "
                         f"{counts.min()}")
    check_bool(smooth_idf, "smooth_idf")
    n_docs = counts.shape[0]
    df = np.count_nonzero(counts, axis=0).astype(np.float64)
    if smooth_idf:
        return np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    if np.any(df == 0):
        raise ValueError("counts has a term in no document (df = 0), whose "
                         "unsmoothed idf is infinite; use smooth_idf=True")
    return np.log(n_docs / df) + 1.0


def tf_idf(docs: Sequence[str], smooth_idf: bool = True,
           sublinear_tf: bool = False,
           norm: str | None = "l2") -> tuple[np.ndarray, list[str]]:
    r"""TF-IDF matrix of a list of documents.

    Entry :math:`(i, j)`, for document :math:`i` and term :math:`j`, is

    .. math::

        \mathrm{tf}(i, j)\;\mathrm{idf}(j),

    where :math:`\mathrm{tf}(i, j)` is the raw count of term :math:`j` in
    document :math:`i` (from :func:`bag_of_words`), or :math:`1 + \ln
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
    check_bool(sublinear_tf, "sublinear_tf")
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
        np.divide(weights, size[:, None], out=weights,
                  where=size[:, None] > 0)
    return weights, vocabulary
