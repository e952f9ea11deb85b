"""Tests for nnlearn.gradcheck: relative error, the gradient check, and the broken variants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlearn import descent, gradcheck
from nnlearn.activations import sigmoid, sigmoid_grad, tanh, tanh_grad
from nnlearn.losses import cross_entropy_grad
from nnlearn.network import MLP, BatchNorm

TOL = gradcheck.RIGHT_BELOW   # the book's threshold for a right gradient


def _model(sizes, activation="tanh", seed=0, bias_scale=0.3):
    """An MLP with random (nonzero) biases, so no ReLU unit sits at its kink."""
    model = MLP(sizes, activation=activation, output="softmax", rng=seed)
    rng = np.random.default_rng(seed + 100)
    for layer in model.dense_layers:
        layer.b[...] = bias_scale * rng.standard_normal(layer.b.shape)
    return model


def _batch(n_in, n_classes, B=8, seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((B, n_in)), rng.integers(0, n_classes, B)


# ----------------------------------------------------------------------------
# relative_error
# ----------------------------------------------------------------------------

def test_gradcheck_uses_the_one_finite_difference_routine():
    assert gradcheck.numerical_gradient is descent.numerical_gradient


def test_one_set_of_thresholds_in_code_figure_and_chapter():
    """RIGHT_BELOW and BUG_ABOVE are the numbers the figure uses and chapter 5 quotes."""
    import inspect
    from pathlib import Path

    from nnlearn.viz import backprop as vb

    assert 0 < gradcheck.RIGHT_BELOW < gradcheck.BUG_ABOVE < 1
    default = inspect.signature(vb.gradcheck_figure).parameters["threshold"].default
    assert default == gradcheck.BUG_ABOVE
    text = (Path(__file__).resolve().parents[1] / "book" / "05-backpropagation.md").read_text()
    right = f"10^{{{round(np.log10(gradcheck.RIGHT_BELOW))}}}"
    bug = f"10^{{{round(np.log10(gradcheck.BUG_ABOVE))}}}"
    assert f"**below ${right}$**" in text and f"**above ${bug}$**" in text
    assert f"below ${right}$ is right" in text and f"above ${bug}$ is a bug" in text


@pytest.mark.parametrize("a, b, expected", [
    ([1.0, 2.0], [1.0, 2.0], 0.0),
    ([0.0, 0.0], [0.0, 0.0], 0.0),
    ([3.0, 4.0], [0.0, 0.0], 1.0),
    ([1.0, -1.0], [-1.0, 1.0], 1.0),
    ([2.0], [1.0], 1.0 / 3.0),                  # |2-1| / (2+1)
    ([[3.0, 0.0]], [[0.0, 4.0]], 5.0 / 7.0),    # norm (3,-4) = 5, norms 3 + 4
])
def test_relative_error_known_values(a, b, expected):
    assert gradcheck.relative_error(a, b) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=6),
       st.floats(1e-3, 1e3), st.integers(0, 2**31 - 1))
def test_relative_error_is_symmetric_bounded_and_scale_free(values, scale, seed):
    a = np.array(values)
    b = a + np.random.default_rng(seed).standard_normal(a.shape)
    e = gradcheck.relative_error(a, b)
    assert 0.0 <= e <= 1.0
    assert gradcheck.relative_error(b, a) == pytest.approx(e, rel=1e-12, abs=1e-15)
    assert gradcheck.relative_error(scale * a, scale * b) == pytest.approx(e, rel=1e-9,
                                                                           abs=1e-15)


def test_relative_error_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="a and b"):
        gradcheck.relative_error(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="b"):
        gradcheck.relative_error([1.0], [np.nan])


# ----------------------------------------------------------------------------
# numerical_parameter_gradients and check_gradients on correct models
# ----------------------------------------------------------------------------

def test_numerical_parameter_gradients_match_closed_form_of_linear_model():
    # One Dense layer with MSE: L = mean((X W^T + b - Y)^2) over B*k entries, so
    # dL/dW = 2/(Bk) R^T X and dL/db = 2/(Bk) sum of rows of R, with R = Z - Y.
    rng = np.random.default_rng(3)
    model = MLP([3, 2], rng=0)
    model.dense_layers[0].b[...] = [0.5, -0.2]
    X, Y = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    params_before = [p.copy() for p in model.params]
    dW, db = gradcheck.numerical_parameter_gradients(model, "mse", X, Y)
    R = X @ params_before[0].T + params_before[1] - Y
    np.testing.assert_allclose(dW, 2 / 10 * R.T @ X, rtol=1e-8)
    np.testing.assert_allclose(db, 2 / 10 * R.sum(axis=0), rtol=1e-8)
    for p, q in zip(model.params, params_before, strict=True):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "identity"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse", "binary_cross_entropy_with_logits"])
def test_check_gradients_passes_on_correct_models(activation, loss):
    model = _model([3, 5, 4, 2], activation)
    X, labels = _batch(3, 2)
    y = labels if loss == "cross_entropy" else np.eye(2)[labels]
    errors = gradcheck.check_gradients(model, loss, X, y)
    assert list(errors) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert max(errors.values()) < TOL, errors


def test_check_gradients_leaves_parameters_and_backprop_gradients():
    model = _model([2, 3, 2])
    X, y = _batch(2, 2)
    before = [p.copy() for p in model.params]
    gradcheck.check_gradients(model, "cross_entropy", X, y)
    for p, q in zip(model.params, before, strict=True):
        np.testing.assert_array_equal(p, q)
    reference = _model([2, 3, 2])
    out = reference.forward(X)
    reference.backward(cross_entropy_grad(out, y))
    for g, r in zip(model.grads, reference.grads, strict=True):
        np.testing.assert_allclose(g, r, rtol=1e-12)


def test_check_gradients_rejects_bad_input():
    X, y = _batch(2, 2)
    with pytest.raises(ValueError, match="loss"):
        gradcheck.check_gradients(_model([2, 3, 2]), "no_such_loss", X, y)
    with pytest.raises(TypeError, match="loss"):
        gradcheck.check_gradients(_model([2, 3, 2]), 42, X, y)
    with pytest.raises(TypeError, match="model"):
        gradcheck.check_gradients(object(), "cross_entropy", X, y)
    with pytest.raises(TypeError, match="model"):
        model32 = MLP([2, 3, 2], dtype=np.float32, rng=0)
        gradcheck.check_gradients(model32, "cross_entropy", X.astype(np.float32), y)
    with pytest.raises(ValueError, match="h"):
        gradcheck.check_gradients(_model([2, 3, 2]), "cross_entropy", X, y, h=0.0)


def test_parameter_names():
    assert gradcheck.parameter_names(MLP([2, 3, 4, 1], rng=0)) == [
        "W1", "b1", "W2", "b2", "W3", "b3"]

    class Bare:
        params = [np.zeros(2), np.zeros(3)]

    assert gradcheck.parameter_names(Bare()) == ["param0", "param1"]


def _batchnorm_model(dropout=0.0, seed=3):
    """A tanh MLP with BatchNorm, random gamma/beta and non-trivial running statistics."""
    model = MLP([3, 6, 5, 2], activation="tanh", batch_norm=True, dropout=dropout, rng=seed)
    rng = np.random.default_rng(seed + 100)
    for layer in model.layers:
        if isinstance(layer, BatchNorm):
            layer.gamma[...] = rng.uniform(0.5, 2, layer.n_features)
            layer.beta[...] = rng.standard_normal(layer.n_features)
            layer.running_mean[...] = rng.standard_normal(layer.n_features)
            layer.running_var[...] = rng.uniform(0.5, 2, layer.n_features)
    return model


@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_check_gradients_covers_batchnorm_in_both_modes(training, dropout):
    model = _batchnorm_model(dropout)
    X, y = _batch(3, 2)
    buffers = [b.copy() for b in model.buffers]
    state = model.rng.bit_generator.state
    errors = gradcheck.check_gradients(model, "cross_entropy", X, y, training=training)
    assert list(errors) == ["W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2",
                            "W3", "b3"]
    assert max(errors.values()) < TOL, errors
    for b, saved in zip(model.buffers, buffers, strict=True):    # running statistics kept
        np.testing.assert_array_equal(b, saved)
    assert model.rng.bit_generator.state == state


def test_a_bias_before_batchnorm_has_gradient_zero_in_training_mode():
    # the batch mean removes the bias, so both gradients are rounding noise
    model = _batchnorm_model()
    X, y = _batch(3, 2)
    numeric = gradcheck.numerical_parameter_gradients(model, "cross_entropy", X, y,
                                                      training=True)
    assert np.abs(numeric[1]).max() < 1e-9
    errors = gradcheck.check_gradients(model, "cross_entropy", X, y, training=True)
    assert errors["b1"] == errors["b2"] == 0.0


def test_the_training_mode_check_catches_batchnorm_backprop_that_ignores_the_batch():
    # a BatchNorm backward that treats the batch statistics as constants (the
    # evaluation-mode formula in training mode) is right in evaluation mode only
    class ConstantStatistics(BatchNorm):
        def backward(self, grad_out):
            training, self.training = self.training, False
            try:
                return super().backward(grad_out)
            finally:
                self.training = training

    model = _batchnorm_model()
    for i, layer in enumerate(model.layers):
        if isinstance(layer, BatchNorm):
            broken = ConstantStatistics(layer.n_features)
            for mine, theirs in zip(broken.params + broken.buffers,
                                    layer.params + layer.buffers, strict=True):
                mine[...] = theirs
            model.layers[i] = broken
    X, y = _batch(3, 2)
    assert max(gradcheck.check_gradients(model, "cross_entropy", X, y).values()) < TOL
    errors = gradcheck.check_gradients(model, "cross_entropy", X, y, training=True)
    assert errors["W1"] > gradcheck.BUG_ABOVE and errors["W2"] > gradcheck.BUG_ABOVE, errors


def test_broken_activation_names_its_own_argument():
    with pytest.raises(ValueError, match="name must be one of"):
        gradcheck.FInsteadOfFPrime(name="swish")


def test_check_gradients_names_a_bad_training_flag():
    X, y = _batch(2, 2)
    with pytest.raises(TypeError, match="training"):
        gradcheck.check_gradients(_model([2, 3, 2]), "cross_entropy", X, y, training="yes")


# ----------------------------------------------------------------------------
# The broken variants, one by one
# ----------------------------------------------------------------------------

def test_broken_layers_compute_what_their_names_say():
    z = np.array([[-1.0, 0.0, 0.5]])
    g = np.array([[2.0, 3.0, -1.0]])
    layer = gradcheck.FInsteadOfFPrime("sigmoid")
    layer.forward(z)
    np.testing.assert_allclose(layer.backward(g), g * sigmoid(z))
    layer = gradcheck.DerivativeAtOutput("tanh")
    layer.forward(z)
    np.testing.assert_allclose(layer.backward(g), g * tanh_grad(tanh(z)))
    assert not np.allclose(layer.backward(g), g * tanh_grad(z))
    layer = gradcheck.ReLUGradOneAtZero()
    layer.forward(z)
    np.testing.assert_array_equal(layer.backward(g), [[0.0, 3.0, -1.0]])
    dense = gradcheck.DenseMissingTranspose(3, 3, rng=0)
    dense.forward(z)
    np.testing.assert_allclose(dense.backward(g), g @ dense.W.T)
    assert sigmoid_grad(0.0) == 0.25    # the reference the variants deviate from


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("mistake", ["f_instead_of_fprime", "a_instead_of_z"])
def test_activation_mistakes_are_caught_in_hidden_layers_only(activation, mistake):
    model = _model([3, 4, 4, 2], activation)
    X, y = _batch(3, 2)
    broken, loss = gradcheck.with_mistake(model, "cross_entropy", mistake)
    errors = gradcheck.check_gradients(broken, loss, X, y)
    # delta of the last layer comes from the loss, so W3 and b3 stay right ...
    assert errors["W3"] < TOL and errors["b3"] < TOL
    # ... and every layer behind a broken activation is wrong.
    assert min(errors[k] for k in ("W1", "b1", "W2", "b2")) > 1e-3, errors
    assert max(gradcheck.check_gradients(model, "cross_entropy", X, y).values()) < TOL


def test_a_instead_of_z_is_invisible_for_relu():
    model = _model([3, 4, 4, 2], "relu")
    X, y = _batch(3, 2)
    broken, loss = gradcheck.with_mistake(model, "cross_entropy", "a_instead_of_z")
    assert max(gradcheck.check_gradients(broken, loss, X, y).values()) < TOL


def test_missing_transpose_is_caught_behind_the_square_layer():
    model = _model([3, 4, 4, 2])          # W2 is square (4, 4)
    X, y = _batch(3, 2)
    broken, loss = gradcheck.with_mistake(model, "cross_entropy", "missing_transpose")
    errors = gradcheck.check_gradients(broken, loss, X, y)
    assert errors["W1"] > 1e-3 and errors["b1"] > 1e-3
    assert max(errors[k] for k in ("W2", "b2", "W3", "b3")) < TOL
    with pytest.raises(ValueError, match="mistake"):
        gradcheck.with_mistake(_model([3, 4, 5, 2]), "cross_entropy", "missing_transpose")


def test_missing_transpose_in_a_square_first_layer_trains_like_dense():
    # The first layer's returned gradient is never used: MLP.backward(input_grad=False)
    # skips it, for the broken layer as for Dense.
    model = _model([3, 3, 3, 2])
    X, y = _batch(3, 2)
    broken, _ = gradcheck.with_mistake(model, "cross_entropy", "missing_transpose")
    assert isinstance(broken.dense_layers[0], gradcheck.DenseMissingTranspose)
    assert broken.backward(cross_entropy_grad(broken.forward(X), y), input_grad=False) is None
    errors = gradcheck.check_gradients(broken, "cross_entropy", X, y)
    assert errors["W2"] < TOL and errors["W1"] > 1e-3


@pytest.mark.parametrize("B", [2, 8, 32])
def test_forgotten_batch_mean_gives_error_b_minus_1_over_b_plus_1(B):
    # The gradient is B times too large: |Bg - g| / (|Bg| + |g|) = (B - 1)/(B + 1).
    model = _model([3, 4, 2])
    X, y = _batch(3, 2, B=B)
    broken, loss = gradcheck.with_mistake(model, "cross_entropy", "forgot_batch_mean")
    errors = gradcheck.check_gradients(broken, loss, X, y)
    for e in errors.values():
        assert e == pytest.approx((B - 1) / (B + 1), rel=1e-6)


def test_forgotten_batch_mean_is_invisible_with_one_sample():
    model = _model([3, 4, 2])
    X, y = _batch(3, 2, B=1)
    broken, loss = gradcheck.with_mistake(model, "cross_entropy", "forgot_batch_mean")
    assert max(gradcheck.check_gradients(broken, loss, X, y).values()) < TOL


def test_relu_kink_flags_both_conventions_and_neither_off_the_kink():
    X, y = _batch(3, 2)
    # Off the kink: random biases, no pre-activation is exactly 0.
    model = _model([3, 4, 4, 2], "relu")
    broken, loss = gradcheck.with_mistake(model, "cross_entropy", "relu_grad_one_at_zero")
    assert max(gradcheck.check_gradients(broken, loss, X, y).values()) < TOL
    # At the kink: zero biases and an all-zero input row give z = 0 exactly.
    X[0] = 0.0
    model = MLP([3, 4, 4, 2], activation="relu", output="softmax", rng=0)
    correct = gradcheck.check_gradients(model, "cross_entropy", X, y)
    broken, loss = gradcheck.with_mistake(model, "cross_entropy", "relu_grad_one_at_zero")
    wrong = gradcheck.check_gradients(broken, loss, X, y)
    assert correct["b1"] > 1e-3 and wrong["b1"] > 1e-3
    assert correct["W1"] < TOL and wrong["W1"] < TOL    # x = 0 hides the kink from W1
    assert wrong["b1"] != pytest.approx(correct["b1"])


def test_with_mistake_does_not_touch_the_original():
    model = _model([3, 4, 4, 2])
    before = [p.copy() for p in model.params]
    layers_before = list(model.layers)
    for mistake in gradcheck.BROKEN_VARIANTS:
        if mistake == "relu_grad_one_at_zero":
            continue
        broken, _ = gradcheck.with_mistake(model, "cross_entropy", mistake)
        assert broken is not model
        for p, q in zip(broken.params, before, strict=True):
            np.testing.assert_array_equal(p, q)
    assert model.layers == layers_before
    for p, q in zip(model.params, before, strict=True):
        np.testing.assert_array_equal(p, q)


def test_with_mistake_rejects_bad_input():
    with pytest.raises(ValueError, match="mistake"):
        gradcheck.with_mistake(_model([2, 3, 2]), "cross_entropy", "typo")
    with pytest.raises(ValueError, match="activation"):
        gradcheck.with_mistake(_model([2, 3, 2], "tanh"), "cross_entropy",
                               "relu_grad_one_at_zero")
    with pytest.raises(TypeError, match="model"):
        gradcheck.with_mistake(object(), "cross_entropy", "f_instead_of_fprime")
    with pytest.raises(ValueError, match="loss"):
        gradcheck.with_mistake(_model([2, 3, 2]), "nope", "f_instead_of_fprime")
