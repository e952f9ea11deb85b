"""One test per S1-S3 row of the robustness review for the core modules.

Each test feeds the input the review reported and checks the behaviour it
asked for: a ``TypeError``/``ValueError`` that names the caller's argument, or
the right answer without a warning. (The extreme-value rows are covered by the
properties in ``test_properties.py``; the training loop's rows by
``test_training.py``.)
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from nnlearn import backprop, datasets, descent, diagnostics, gradcheck, init, losses
from nnlearn._checks import MAX_ENTRIES, check_choice, check_rng
from nnlearn.network import MLP
from nnlearn.optimizers import SGD, optimize_path
from nnlearn.preprocessing import (
    OrdinalEncoder,
    hash_features,
    one_hot,
    polynomial_feature_names,
    polynomial_features,
)
from nnlearn.surfaces import Quadratic, Rosenbrock, grid, mesh
from nnlearn.training import confusion_matrix, evaluate

NOT_BOOLS = [None, {}, 0, 1, [True], ["a"], "False", "yes"]


# ---------------------------------------------------------------- flags

@pytest.mark.parametrize("flag", NOT_BOOLS)
def test_boolean_flags_refuse_anything_but_true_or_false(flag):
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        list(descent.minibatches(10, 3, shuffle=flag))
    with pytest.raises(TypeError, match="drop_last must be True or False"):
        list(descent.minibatches(10, 3, drop_last=flag))
    X, y = datasets.noisy_line(20, rng=0)
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        descent.sgd_linear_regression(X, y, lr=0.01, epochs=1, batch_size=4, shuffle=flag)
    with pytest.raises(TypeError, match="signed must be True or False"):
        hash_features([{"a": 1}], n_features=4, signed=flag)


def test_a_string_false_no_longer_shuffles():
    # "False" is truthy: it used to shuffle; now it is refused (above), and a real
    # False keeps the order.
    assert np.concatenate(list(descent.minibatches(7, 3, shuffle=False))).tolist() == \
        list(range(7))


# ---------------------------------------------------------------- sizes

@pytest.mark.parametrize("degree", [10 ** 12, 10 ** 30])
def test_polynomial_features_refuse_astronomic_degrees_at_once(degree):
    # 10**30 does not fit an int64, which the check of every integer argument says
    with pytest.raises(ValueError, match="degree(=| must be <= 9223372036854775807)"):
        polynomial_features(np.ones((3, 2)), degree=degree)
    with pytest.raises(ValueError, match="degree(=| must be <= 9223372036854775807)"):
        polynomial_feature_names(["a", "b"], degree=degree)


def test_polynomial_size_check_counts_columns_exactly():
    from nnlearn.preprocessing.features import _n_polynomial_terms, _polynomial_terms
    for p in range(1, 5):
        for d in range(1, 5):
            for inter in (False, True):
                for bias in (False, True):
                    assert _n_polynomial_terms(p, d, inter, bias) == \
                        len(_polynomial_terms(p, d, inter, bias))


def test_polynomial_feature_names_want_a_list_of_names():
    with pytest.raises(TypeError, match="input_names"):
        polynomial_feature_names({"a": 1, "b": 2})


@pytest.mark.parametrize(("call", "name"), [
    (lambda: datasets.noisy_line(10 ** 12), "n="),
    (lambda: datasets.spirals(n_per_class=10 ** 12), "n_per_class="),
    (lambda: datasets.linearly_separable(n=100, n_features=10 ** 10), "n_features="),
    (lambda: list(descent.minibatches(10 ** 12, 5)), "n="),
    (lambda: one_hot([0, 1], num_classes=10 ** 12), "num_classes="),
    (lambda: hash_features([{"a": 1}], n_features=10 ** 12), "n_features="),
    (lambda: init.he_normal((10 ** 6, 10 ** 6), rng=0), "shape"),
    (lambda: descent.gradient_descent(lambda x: x, [1.0], lr=0.1, steps=10 ** 12), "steps="),
    (lambda: optimize_path(SGD, lambda x: x, [1.0], steps=10 ** 12, lr=0.1), "steps="),
    (lambda: optimize_path(SGD, lambda x: x, np.ones(10 ** 5), steps=10 ** 4, lr=0.1), "steps="),
    (lambda: mesh(((0, 1), (0, 1)), n=10 ** 5), "n="),
    (lambda: mesh(((0, 1), (0, 1)), n=np.int64(10 ** 5)), "n="),
    (lambda: grid(Rosenbrock(), n=(10 ** 6, 10 ** 4)), "n="),
])
def test_size_arguments_refuse_astronomic_outputs(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_size_limit_leaves_ordinary_sizes_alone():
    assert MAX_ENTRIES >= 10 ** 8
    assert one_hot(np.arange(1000), num_classes=1000).shape == (1000, 1000)


# ---------------------------------------------------------------- integer labels

@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32, np.uint64,
                                   np.int8, np.int16, np.int32, np.int64])
def test_confusion_matrix_accepts_every_integer_dtype(dtype):
    cm = confusion_matrix(np.array([0, 1, 2], dtype), np.array([0, 2, 2], dtype))
    assert cm.tolist() == [[1, 0, 0], [0, 0, 1], [0, 0, 1]]


# ---------------------------------------------------------------- stratified split

def test_stratified_split_keeps_every_count_within_its_rounding():
    # The review's case: the greedy rounding gave class 3 five validation rows
    # where the ideal is exactly 4.
    from nnlearn.datasets import _stratified_counts
    table = _stratified_counts(np.array([29, 15, 6, 8]), np.array([23, 29, 6]))
    assert table[3, 1] == 4
    assert table.sum(axis=1).tolist() == [29, 15, 6, 8]
    assert table.sum(axis=0).tolist() == [23, 29, 6]


def test_stratified_split_refuses_nan_labels():
    with pytest.raises(ValueError, match="y contains NaN"):
        datasets.train_val_test_split(np.zeros((4, 1)), np.array([0.0, np.nan, 1.0, 1.0]),
                                      stratify=True, rng=0)


# ---------------------------------------------------------------- OrdinalEncoder order

def test_ordinal_encoder_takes_the_order_explicitly():
    enc = OrdinalEncoder(categories=[["small", "medium", "large"]])
    assert enc.fit_transform(["large", "small", "medium"]).tolist() == [2, 0, 1]
    assert enc.inverse_transform([0, 2]).tolist() == ["small", "large"]
    assert OrdinalEncoder().fit_transform(["large", "small", "medium"]).tolist() == [0, 2, 1]
    with pytest.raises(ValueError, match="not in categories"):
        OrdinalEncoder(categories=[["small", "large"]]).fit(["small", "medium"])
    with pytest.raises(ValueError, match="twice"):
        OrdinalEncoder(categories=[["a", "a"]]).fit(["a"])
    with pytest.raises(ValueError, match="one per column"):
        OrdinalEncoder(categories="sorted").fit(["a"])


def test_ordinal_encoder_categories_match_scikit_learn():
    sk = pytest.importorskip("sklearn.preprocessing")
    X = np.array([["b", "x"], ["a", "z"], ["c", "x"]])
    cats = [["c", "a", "b"], ["z", "x"]]
    ours = OrdinalEncoder(categories=cats).fit_transform(X)
    theirs = sk.OrdinalEncoder(categories=cats).fit_transform(X)
    assert np.array_equal(ours, theirs.astype(int))


# ---------------------------------------------------------------- losses

def test_cross_entropy_refuses_negative_target_probabilities():
    for fn in (losses.cross_entropy, losses.cross_entropy_grad):
        with pytest.raises(ValueError, match="target probabilities must be >= 0"):
            fn(np.zeros((1, 3)), np.array([[1.5, -0.5, 0.0]]))


@pytest.mark.parametrize("target, match", [
    ([[1.5, 0.0, 0.0]], "target probabilities must be <= 1, got maximum 1.5"),
    ([[0.5, 0.6, 0.0]], r"must sum to 1 in every row .* sum of 1.1 in row 0"),
    ([[0.2, 0.3, 0.5], [0.2, 0.3, 0.4]], r"sum of 0.9 in row 1"),
    ([[0.0, 0.0, 0.0]], "sum of 0 in row 0"),
])
def test_cross_entropy_refuses_targets_that_are_not_distributions(target, match):
    # torch.nn.functional.cross_entropy documents probability targets as rows
    # of values in [0, 1] summing to 1 (it does not check them)
    for fn in (losses.cross_entropy, losses.cross_entropy_grad):
        with pytest.raises(ValueError, match=match):
            fn(np.zeros((len(target), 3)), np.array(target))


def test_cross_entropy_accepts_rows_that_sum_to_1_up_to_rounding():
    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        t = rng.dirichlet(np.ones(1000), size=4).astype(dtype)   # rows 1 +- a few ulp
        z = rng.normal(size=(4, 1000)).astype(dtype)
        assert np.isfinite(losses.cross_entropy(z, t))
        assert losses.cross_entropy_grad(z, t).dtype == dtype


# ---------------------------------------------------------------- unclear exceptions

def test_numerical_hessian_refuses_a_step_whose_square_is_zero():
    with pytest.raises(ValueError, match="h must be large enough"):
        descent.numerical_hessian(lambda x: float(x @ x), np.ones(2), h=5e-324)


@pytest.mark.parametrize("fn", [datasets.noisy_line, datasets.noisy_curve])
def test_an_x_range_wider_than_the_float_range_is_refused(fn):
    with pytest.raises(ValueError, match="x_range"):
        fn(x_range=(-1e308, 1e308))


@pytest.mark.parametrize("slope", [1e300, -1e300])
def test_gain_of_a_huge_negative_slope_is_tiny_not_an_overflow(slope):
    gain = init.calculate_gain("leaky_relu", slope)
    assert gain == pytest.approx(math.sqrt(2) / 1e300, rel=1e-9, abs=0)
    assert np.all(np.isfinite(init.he_normal((3, 2), rng=0, negative_slope=slope)))
    assert np.all(np.isfinite(init.he_uniform((3, 2), rng=0, negative_slope=slope)))


@pytest.mark.parametrize("name", ["w", "y"])
@pytest.mark.parametrize("value", [1e300, -1e300])
def test_neuron_circuit_names_a_value_too_large_for_its_squares(name, value):
    args = dict(w=0.5, x=1.0, b=0.0, y=1.0, lam=0.1) | {name: value}
    with pytest.raises(ValueError, match=f"{name} must be"):
        backprop.neuron_circuit(**args)


@pytest.mark.parametrize("index", [["j"], {"j": 1}, 3])
def test_format_table_names_a_bad_index(index):
    with pytest.raises(TypeError, match="index must be a str"):
        backprop.format_table({"a": [1.0]}, index=index)


@pytest.mark.parametrize("model", [None, {}, 1, ["a"], "model", object()])
def test_model_arguments_are_checked(model):
    X, y = np.ones((2, 2)), np.array([0, 1])
    with pytest.raises(TypeError, match="model must"):
        diagnostics.layer_statistics(model, X)
    with pytest.raises(TypeError, match="model must"):
        gradcheck.parameter_names(model)
    with pytest.raises(TypeError, match="model must"):
        gradcheck.numerical_parameter_gradients(model, "cross_entropy", X, y)


def test_batch_errors_name_the_callers_arguments():
    model = MLP([2, 3, 2], rng=0)
    X, y = np.ones((4, 2)), np.array([0, 1, 0, 1])
    for call in (lambda X_, y_: gradcheck.check_gradients(model, "cross_entropy", X_, y_),
                 lambda X_, y_: backprop.backprop_trace(model, "cross_entropy", X_, y_),
                 lambda X_, y_: backprop.layer_gradient_norms(model, "cross_entropy", X_, y_)):
        with pytest.raises(ValueError, match=r"^X must have 2 columns"):
            call(np.ones((4, 3)), y)
        with pytest.raises(ValueError, match=r"^y must have 4 rows"):
            call(X, y[:3])
        with pytest.raises(ValueError, match=r"^y must hold class labels in \[0, 1\]"):
            call(X, y + 1)
    with pytest.raises(ValueError, match=r"^X must hold at least one sample"):
        diagnostics.layer_statistics(model, np.ones((0, 2)))


@pytest.mark.parametrize("loss", ["mse", "huber", ("mse", None)])
def test_a_wrong_shape_target_of_an_elementwise_loss_is_named_y(loss):
    # the same message as fit/evaluate give, naming y and the output's shape
    # (it used to be the loss's "input and target must have the same shape")
    model = MLP([2, 3, 2], rng=0)
    loss = losses.LOSSES[loss[0]].pair if isinstance(loss, tuple) else loss
    X, y = np.ones((4, 2)), np.ones((4, 3))
    want = r"^y must have shape \(4, 2\) like the model's output for loss '(mse|huber)', got"
    for call in (gradcheck.check_gradients, gradcheck.numerical_parameter_gradients,
                 backprop.backprop_trace, backprop.layer_gradient_norms, evaluate):
        with pytest.raises(ValueError, match=want):
            call(model, loss, X, y)


def test_optimize_path_names_an_x0_the_surface_refuses():
    with pytest.raises(ValueError, match=r"^grad does not accept x0 of shape \(3,\): "
                                         r"x must have shape \(2,\)"):
        optimize_path(SGD, Rosenbrock().grad, [1.0, 2.0, 3.0], steps=5, lr=0.1)
    with pytest.raises(ValueError, match="grad does not accept x0"):
        descent.gradient_descent(Rosenbrock().grad, [1.0, 2.0, 3.0], lr=0.1, steps=5)


def test_quadratic_from_huge_regression_data_names_the_data():
    with pytest.raises(ValueError, match="X and y are too large"):
        Quadratic.from_linear_regression(np.array([[1e300], [2e300], [0.0]]),
                                         np.array([1.0, 2.0, 3.0]))


def test_rng_and_choice_errors_name_the_argument():
    with pytest.raises(ValueError, match="rng must be a non-negative int seed"):
        check_rng(-1)
    with pytest.raises(TypeError, match="rng must be None"):
        check_rng(True)
    for bad in (np.array(["mean"]), ["mean"], {"a": 1}):
        with pytest.raises(TypeError, match="reduction must be one of"):
            check_choice(bad, "reduction", ("mean", "sum"))
    with pytest.raises(TypeError, match="reduction must be one of"):
        losses.mse(np.ones(2), np.ones(2), reduction=["mean"])


def test_huge_line_fit_inputs_warn_no_more():
    from nnlearn.linear import fit_line_huber, fit_line_mae, fit_line_mse
    x, y = np.array([0.0, 1e300, 2e300]), np.array([0.0, 1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fit in (fit_line_mse, fit_line_mae, fit_line_huber):
            slope, intercept = fit(x, y)
            assert slope == pytest.approx(1e-300, rel=1e-9, abs=0) and abs(intercept) < 1e-9


def test_labels_that_cannot_be_sorted_or_are_ragged_are_named():
    from nnlearn.preprocessing import TargetEncoder, entropy, mutual_information
    with pytest.raises(TypeError, match="x must hold labels of one kind"):
        entropy([None, "a"])
    with pytest.raises(TypeError, match="y must hold labels of one kind"):
        mutual_information(["a", "b"], [None, "a"])
    with pytest.raises(ValueError, match="X must be a 1- or 2-dimensional array"):
        OrdinalEncoder().fit([["a", "b"], ["c"]])
    with pytest.raises(ValueError, match="X must be a 1- or 2-dimensional array"):
        TargetEncoder().fit([["a", "b"], ["c"]], [1.0, 2.0])
    with pytest.raises(ValueError, match="target must be class indices"):
        losses.cross_entropy(np.zeros((2, 2)), [[1.0, 0.0], [1.0]])


def test_a_bowl_too_ill_conditioned_for_float64_names_both_curvatures():
    with pytest.raises(ValueError, match="lambda_max / lambda_min must be at most 1e12"):
        Quadratic.from_eigenvalues(lambda_max=1e300, lambda_min=1e-300)
    bowl = Quadratic.from_eigenvalues(lambda_max=1e6, lambda_min=1e-6)
    assert bowl.lambda_max == pytest.approx(1e6)


def test_perceptron_names_complex_labels():
    from nnlearn.perceptron import Perceptron
    with pytest.raises(TypeError, match="y must hold real numbers"):
        Perceptron().fit(np.ones((2, 2)), np.array([1 + 1j, -1]))


@pytest.mark.parametrize("z, slope, dtype", [
    ([-1e308, 1e308], 10.0, np.float64), ([-1e308, 1e308], 1e300, np.float64),
    ([-3e38, 3e38], 10.0, np.float32), ([-3e38, 3e38], 1e39, np.float32)])
def test_leaky_relu_of_huge_inputs_warns_no_more(z, slope, dtype):
    from nnlearn.activations import leaky_relu, leaky_relu_grad
    z = np.array(z, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = leaky_relu(z, slope)
        grad = leaky_relu_grad(z, slope)
    # the IEEE answers: nu * z is beyond the float range, so -inf; a nu beyond it is inf
    np.testing.assert_array_equal(out, np.array([-np.inf, z[1]], dtype=dtype))
    nu = slope if slope < float(np.finfo(dtype).max) else np.inf
    np.testing.assert_array_equal(grad, np.array([nu, 1.0], dtype=dtype))
    assert out.dtype == grad.dtype == dtype


def test_leaky_relu_with_a_slope_beyond_float32_stays_exact_where_representable():
    # nu = 1e39 is not a float32, but nu * z = -1e9 is: it used to be -inf
    from nnlearn.activations import leaky_relu
    out = leaky_relu(np.array([-1e-30, 2.0], dtype=np.float32), 1e39)
    np.testing.assert_allclose(out, [-1e9, 2.0], rtol=1e-6)
    assert out.dtype == np.float32


def test_no_module_imports_a_private_name_from_another_public_module():
    # shared helpers live in nnlearn._checks (schedules used to import
    # optimizers._scalar_entry, optimizers would have needed descent's gradient check)
    import ast
    from pathlib import Path
    root = Path(__file__).resolve().parents[1] / "code" / "nnlearn"
    found = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module is not None \
                    and not any(part.startswith("_") for part in node.module.split(".")):
                found += [f"{path.name}: {node.module}.{alias.name}" for alias in node.names
                          if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert found == []
