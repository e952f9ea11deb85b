"""Polynomial and power features, text vectors, PCA and information of nnlearn.preprocessing."""

import math

import numpy as np
import pytest

from nnlearn.preprocessing import (
    bag_of_words,
    box_cox,
    entropy,
    inverse_document_frequency,
    mutual_information,
    pca,
    polynomial_feature_names,
    polynomial_features,
    tf_idf,
    tokenize,
    yeo_johnson,
)
from nnlearn.preprocessing.features import _golden_section_minimize

sk_pre = pytest.importorskip("sklearn.preprocessing")


# --- polynomial features ---------------------------------------------------------

@pytest.mark.parametrize("degree", [2, 3])
@pytest.mark.parametrize("interaction_only", [False, True])
@pytest.mark.parametrize("include_bias", [True, False])
def test_polynomial_features_match_sklearn(degree, interaction_only, include_bias):
    X = np.random.default_rng(0).normal(size=(6, 3))
    sk = sk_pre.PolynomialFeatures(degree, interaction_only=interaction_only,
                                   include_bias=include_bias).fit(X)
    ours = polynomial_features(X, degree, interaction_only, include_bias)
    np.testing.assert_allclose(ours, sk.transform(X), rtol=1e-14)
    names = polynomial_feature_names(["a", "b", "c"], degree, interaction_only, include_bias)
    assert names == list(sk.get_feature_names_out(["a", "b", "c"]))


def test_polynomial_features_by_hand():
    X = np.array([[2.0, 3.0]], dtype=np.float32)
    out = polynomial_features(X, degree=2)
    np.testing.assert_array_equal(out, [[1, 2, 3, 4, 6, 9]])      # 1, a, b, a^2, ab, b^2
    assert out.dtype == np.float32
    assert polynomial_feature_names(["a", "b"]) == ["1", "a", "b", "a^2", "a b", "b^2"]
    np.testing.assert_array_equal(polynomial_features(X, 3, interaction_only=True,
                                                      include_bias=False), [[2, 3, 6]])
    assert polynomial_features(np.ones((4, 5)), 3).shape == (4, math.comb(5 + 3, 3))


def test_polynomial_features_bad_input():
    with pytest.raises(ValueError, match="degree must be >= 1"):
        polynomial_features(np.ones((2, 2)), degree=0)
    with pytest.raises(TypeError, match="degree must be an integer"):
        polynomial_features(np.ones((2, 2)), degree=2.0)
    with pytest.raises(TypeError, match="interaction_only must be True or False"):
        polynomial_features(np.ones((2, 2)), interaction_only="yes")
    with pytest.raises(ValueError, match="X must be 2-dimensional"):
        polynomial_features(np.ones(3))
    with pytest.raises(ValueError, match="X contains NaN"):
        polynomial_features([[1.0, np.nan]])
    with pytest.raises(TypeError, match="input_names must be a list of strings"):
        polynomial_feature_names("ab")


# --- power transforms ------------------------------------------------------------------

def _positive_samples():
    rng = np.random.default_rng(1)
    return {"lognormal": rng.lognormal(0.5, 0.8, 150),
            "exponential": rng.exponential(2.0, 120),
            "gamma": rng.gamma(0.7, 3.0, 90) + 0.01,
            "left_skewed": 10.0 - rng.exponential(1.0, 100).clip(max=9.9)}


def _real_samples():
    rng = np.random.default_rng(2)
    return {"skewed": rng.exponential(1.0, 150) - 0.5,
            "mixed": np.concatenate([-rng.lognormal(0, 1, 60), rng.lognormal(0.5, 0.6, 90)]),
            "normal": rng.normal(3.0, 2.0, 80),
            "left_skewed": -rng.lognormal(0, 0.9, 100)}


POWER_CASES = ([("box-cox", box_cox, x) for x in _positive_samples().values()]
               + [("yeo-johnson", yeo_johnson, x) for x in _real_samples().values()])


@pytest.mark.parametrize("method, transform, x", POWER_CASES)
def test_power_transforms_match_sklearn_power_transformer(method, transform, x):
    sk = sk_pre.PowerTransformer(method=method, standardize=False).fit(x[:, None])
    y, lmbda = transform(x)
    assert abs(lmbda - sk.lambdas_[0]) < 1e-4
    y_sk_lambda, _ = transform(x, lmbda=sk.lambdas_[0])
    np.testing.assert_allclose(y_sk_lambda, sk.transform(x[:, None])[:, 0], rtol=1e-12)
    # the likelihood is flat at its top, so the lambdas agree to ~1e-6 and the
    # values (up to ~1e6 here, with dy/dlambda = y ln x roughly) to ~1e-5 relative
    np.testing.assert_allclose(y, sk.transform(x[:, None])[:, 0], rtol=1e-5, atol=1e-6)


def test_fitted_lambda_maximizes_scipy_log_likelihood():
    stats = pytest.importorskip("scipy.stats")
    x = _positive_samples()["lognormal"]
    _, lmbda = box_cox(x)
    best = stats.boxcox_llf(lmbda, x)
    assert best >= stats.boxcox_llf(lmbda - 1e-3, x)
    assert best >= stats.boxcox_llf(lmbda + 1e-3, x)
    z = _real_samples()["mixed"]
    _, lmbda = yeo_johnson(z)
    best = stats.yeojohnson_llf(lmbda, z)
    assert best >= stats.yeojohnson_llf(lmbda - 1e-3, z)
    assert best >= stats.yeojohnson_llf(lmbda + 1e-3, z)


def test_power_transforms_by_hand():
    x = np.array([1.0, math.e, math.e ** 2])
    np.testing.assert_allclose(box_cox(x, lmbda=0)[0], [0.0, 1.0, 2.0])
    np.testing.assert_allclose(box_cox(x, lmbda=1)[0], x - 1.0)
    np.testing.assert_allclose(box_cox([4.0, 9.0], lmbda=0.5)[0], [2.0, 4.0])  # 2(sqrt x - 1)
    z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    np.testing.assert_allclose(yeo_johnson(z, lmbda=1)[0], z)       # lambda = 1: identity
    np.testing.assert_allclose(yeo_johnson(z, lmbda=0)[0],
                               [-7.5, -0.625, 0.0, math.log(1.5), math.log(4.0)])
    np.testing.assert_allclose(yeo_johnson(z, lmbda=2)[0],
                               [-math.log(4.0), -math.log(1.5), 0.0, 0.625, 7.5])
    # a tiny lambda is continuous with lambda = 0
    np.testing.assert_allclose(box_cox(x, lmbda=1e-12)[0], box_cox(x, lmbda=0)[0], atol=1e-11)


def test_power_transforms_keep_float32_and_return_float_lambda():
    x = _positive_samples()["exponential"].astype(np.float32)
    y, lmbda = box_cox(x)
    assert y.dtype == np.float32 and isinstance(lmbda, float)
    y, lmbda = yeo_johnson(x - 1, lmbda=0.3)
    assert y.dtype == np.float32 and lmbda == 0.3


def test_golden_section_minimize():
    found = _golden_section_minimize(lambda t: (t - 0.3) ** 2, -2.0, 2.0)
    assert found == pytest.approx(0.3, abs=1e-9)
    # near a minimum f changes by ~(t - t*)^2, so with a nonzero minimum value
    # rounding limits the accuracy to about sqrt(machine epsilon) ~ 1e-8
    found = _golden_section_minimize(math.cos, 2.0, 4.0)     # minimum at pi
    assert found == pytest.approx(math.pi, abs=1e-7)
    found = _golden_section_minimize(lambda t: abs(t + 1.25), -3.0, 0.0)
    assert found == pytest.approx(-1.25, abs=1e-9)


def test_power_transforms_bad_input():
    with pytest.raises(ValueError, match="x must be strictly positive for Box-Cox, got "
                                         "minimum 0.0"):
        box_cox([0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="x must be strictly positive"):
        box_cox([-1.0, 1.0], lmbda=1.0)
    for transform in (box_cox, yeo_johnson):
        with pytest.raises(ValueError, match="x contains NaN or infinity"):
            transform([1.0, np.nan, 2.0])
        with pytest.raises(ValueError, match="x contains NaN or infinity"):
            transform([1.0, np.inf, 2.0])
        with pytest.raises(ValueError, match="x must hold at least two different values"):
            transform([2.0, 2.0, 2.0])
        with pytest.raises(ValueError, match="x must be 1-dimensional"):
            transform(np.ones((3, 2)))
        with pytest.raises(ValueError, match="lmbda must be finite"):
            transform([1.0, 2.0], lmbda=np.inf)
        with pytest.raises(ValueError, match="lmbda=200.0 is too large"):
            transform([1e10, 2e10], lmbda=200.0)


# --- text ----------------------------------------------------------------------------

DOCS = [
    "The cat sat on the mat.",
    "The dog sat on the log; the dog slept!",
    "Cats and dogs: CATS and DOGS, a cat and I.",
    "Naïve café owners serve crème brûlée in 2024",
    "",
]


def test_tokenizer_matches_sklearn_default():
    text = pytest.importorskip("sklearn.feature_extraction.text")
    analyzer = text.CountVectorizer().build_analyzer()
    for doc in DOCS + ["don't STOP-me now_please x y z", "ÉCOLE élève"]:
        assert tokenize(doc) == analyzer(doc)
    assert tokenize("A cat, a hat.") == ["cat", "hat"]


def test_bag_of_words_matches_count_vectorizer():
    text = pytest.importorskip("sklearn.feature_extraction.text")
    counts, vocab = bag_of_words(DOCS)
    cv = text.CountVectorizer()
    np.testing.assert_array_equal(counts, cv.fit_transform(DOCS).toarray())
    assert vocab == list(cv.get_feature_names_out())
    fixed = ["dog", "cat", "zebra"]
    counts, vocab = bag_of_words(DOCS, vocabulary=fixed)
    np.testing.assert_array_equal(
        counts, text.CountVectorizer(vocabulary=fixed).fit_transform(DOCS).toarray())
    assert vocab == fixed
    np.testing.assert_array_equal(counts[:, 0], [0, 2, 0, 0, 0])


@pytest.mark.parametrize("smooth_idf", [True, False])
@pytest.mark.parametrize("sublinear_tf", [False, True])
@pytest.mark.parametrize("norm", ["l2", "l1", None])
def test_tf_idf_matches_tfidf_vectorizer(smooth_idf, sublinear_tf, norm):
    text = pytest.importorskip("sklearn.feature_extraction.text")
    vectorizer = text.TfidfVectorizer(smooth_idf=smooth_idf, sublinear_tf=sublinear_tf,
                                      norm=norm)
    expected = vectorizer.fit_transform(DOCS).toarray()
    matrix, vocab = tf_idf(DOCS, smooth_idf=smooth_idf, sublinear_tf=sublinear_tf, norm=norm)
    np.testing.assert_allclose(matrix, expected, rtol=1e-12, atol=1e-15)
    assert vocab == list(vectorizer.get_feature_names_out())


def test_idf_and_tf_idf_by_hand():
    docs = ["apple banana", "apple cherry cherry", "apple"]
    counts, vocab = bag_of_words(docs)
    assert vocab == ["apple", "banana", "cherry"]
    # df = 3, 1, 1 with n = 3
    np.testing.assert_allclose(inverse_document_frequency(counts, smooth_idf=False),
                               [1.0, math.log(3) + 1, math.log(3) + 1])
    np.testing.assert_allclose(inverse_document_frequency(counts),
                               [1.0, math.log(2) + 1, math.log(2) + 1])
    raw, _ = tf_idf(docs, smooth_idf=False, norm=None)
    np.testing.assert_allclose(raw[1], [1.0, 0.0, 2 * (math.log(3) + 1)])
    unit, _ = tf_idf(docs, smooth_idf=False)
    np.testing.assert_allclose(unit[1], raw[1] / np.linalg.norm(raw[1]))
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1.0)
    sub, _ = tf_idf(docs, smooth_idf=False, sublinear_tf=True, norm=None)
    assert sub[1, 2] == pytest.approx((1 + math.log(2)) * (math.log(3) + 1))


def test_text_bad_input():
    with pytest.raises(TypeError, match="docs must be a list of strings, got str; wrap"):
        tf_idf("the cat sat")
    with pytest.raises(TypeError, match=r"docs\[1\] must be a str"):
        bag_of_words(["fine", 3])
    with pytest.raises(ValueError, match="docs contain no tokens"):
        bag_of_words(["a b", "!!"])
    with pytest.raises(ValueError, match="docs must contain at least one document"):
        tf_idf([])
    with pytest.raises(ValueError, match="norm must be one of"):
        tf_idf(["the cat"], norm="l3")
    with pytest.raises(TypeError, match="smooth_idf must be True or False"):
        tf_idf(["the cat"], smooth_idf="yes")
    with pytest.raises(ValueError, match="vocabulary has repeated terms"):
        bag_of_words(["the cat"], vocabulary=["cat", "cat"])
    with pytest.raises(ValueError, match="counts has a term in no document"):
        inverse_document_frequency([[1, 0], [2, 0]], smooth_idf=False)
    with pytest.raises(ValueError, match="counts must be non-negative"):
        inverse_document_frequency([[1, -1]])
    with pytest.raises(TypeError, match="doc must be a str"):
        tokenize(["the cat"])


# --- PCA -------------------------------------------------------------------------------

def _correlated(seed=3, n=40, p=6):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, p)) @ rng.normal(size=(p, p)) + rng.normal(size=p) * 5


@pytest.mark.parametrize("k", [1, 3, 6])
def test_pca_reconstruction_error_is_discarded_singular_values(k):
    X = _correlated()
    components, ratio, projected = pca(X, k)
    mean = X.mean(axis=0)
    singular = np.linalg.svd(X - mean, compute_uv=False)
    error = np.sum((X - (mean + projected @ components)) ** 2)
    assert error == pytest.approx(np.sum(singular[k:] ** 2), rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(ratio, singular[:k] ** 2 / np.sum(singular ** 2), rtol=1e-12)
    np.testing.assert_allclose(components @ components.T, np.eye(k), atol=1e-12)


def test_pca_matches_sklearn():
    decomposition = pytest.importorskip("sklearn.decomposition")
    X = _correlated(4, n=25, p=5)
    result = pca(X, n_components=3)
    sk = decomposition.PCA(n_components=3).fit(X)
    np.testing.assert_allclose(result.explained_variance_ratio, sk.explained_variance_ratio_,
                               rtol=1e-12)
    np.testing.assert_allclose(result.components, sk.components_, atol=1e-12)
    np.testing.assert_allclose(result.projected, sk.transform(X), atol=1e-10)
    wide = _correlated(5, n=4, p=7)      # fewer samples than features
    np.testing.assert_allclose(pca(wide, 4).explained_variance_ratio,
                               decomposition.PCA(4).fit(wide).explained_variance_ratio_,
                               rtol=1e-10)


def test_pca_float32_and_signs():
    X = _correlated(6).astype(np.float32)
    result = pca(X, 2)
    assert result.components.dtype == np.float32 and result.projected.dtype == np.float32
    largest = np.abs(result.components).argmax(axis=1)
    assert np.all(result.components[np.arange(2), largest] > 0)


def test_pca_bad_input():
    X = _correlated()
    with pytest.raises(ValueError, match="n_components must be >= 1"):
        pca(X, 0)
    with pytest.raises(ValueError, match="n_components must be <= 6, got 7"):
        pca(X, 7)
    with pytest.raises(ValueError, match="X has zero variance"):
        pca(np.ones((5, 3)), 1)
    with pytest.raises(ValueError, match="X contains NaN"):
        pca([[1.0, np.nan], [2.0, 3.0]], 1)


# --- entropy and mutual information ----------------------------------------------------

def test_entropy_known_values():
    assert entropy([7, 7, 7]) == 0.0
    assert entropy(["a", "b", "c", "d"]) == pytest.approx(math.log(4))
    assert entropy([0, 0, 1, 1, 1, 1]) == pytest.approx(
        -(1 / 3) * math.log(1 / 3) - (2 / 3) * math.log(2 / 3))
    stats = pytest.importorskip("scipy.stats")
    labels = np.random.default_rng(7).integers(0, 6, 200)
    assert entropy(labels) == pytest.approx(stats.entropy(np.bincount(labels)), rel=1e-12)


def test_mutual_information_matches_sklearn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(8)
    x = rng.integers(0, 5, 300)
    y = (x + rng.integers(0, 3, 300)) % 6
    assert mutual_information(x, y) == pytest.approx(metrics.mutual_info_score(x, y),
                                                     rel=1e-12)
    words = rng.choice(["sun", "rain", "snow"], 300)
    assert mutual_information(words, x) == pytest.approx(
        metrics.mutual_info_score(words, x), rel=1e-12, abs=1e-15)


def test_mutual_information_known_values():
    x = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    assert mutual_information(x, x) == pytest.approx(entropy(x))     # I(X;X) = H(X)
    assert mutual_information(x, x % 2) == pytest.approx(math.log(2))
    # every (u, v) pair equally often: the joint factorizes, so I = 0
    u, v = np.meshgrid([0, 1, 2], ["p", "q"])
    assert mutual_information(u.ravel(), v.ravel()) == pytest.approx(0.0, abs=1e-15)


def test_information_bad_input():
    with pytest.raises(ValueError, match="x and y must have the same shape"):
        mutual_information([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="x must be a non-empty 1-dimensional"):
        entropy([[0, 1]])
    with pytest.raises(ValueError, match="y must be a non-empty 1-dimensional"):
        mutual_information([0], [])
    with pytest.raises(ValueError, match="x contains NaN"):
        entropy([0.0, np.nan])
