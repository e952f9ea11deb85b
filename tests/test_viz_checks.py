"""Argument checks the viz builders share with the core library (robustness review).

Flags are checked as the core checks its bool flags (``_checks.check_bool``):
only True and False pass, so a truthy string such as ``"False"`` is refused
with a TypeError naming the flag. Figure heights and data vectors are
checked too.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from nnlearn import surfaces
from nnlearn.training import History
from nnlearn.viz import (
    classify,
    contour,
    heatmap,
    landscape,
    layout,
    lines,
    network,
    optim,
    regularization,
    surface,
    training,
)
from nnlearn.viz.animation import play_controls

NOT_BOOLS = [None, 0, 1, "False", "yes", [True]]


def _history():
    h = History()
    h.epoch, h.loss, h.lr = [1, 2, 3], [1.0, 0.5, 0.3], [0.1, 0.1, 0.01]
    return h


def _frames_figure():
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]))
    fig.frames = [go.Frame(name="a", data=[go.Scatter(y=[1, 1])])]
    return fig


def _train_val(showlegend):
    fig = go.Figure()
    lines.add_train_val(fig, {"a": ([1.0, 0.5], [1.1, 0.7])}, showlegend=showlegend)
    return fig


def _classes(x):
    return (x[:, 0] > 0.5).astype(int)


def _contours(**flag):
    panel = contour.Panel(surfaces.Himmelblau(), {"p": np.zeros((2, 2))}, "one")
    return contour.contour_paths([panel, panel], title="t", n=5, **flag)


CALLS = {
    "markers": lambda v: lines.curves({"a": [1.0, 2.0]}, title="t", x_title="x", y_title="y",
                                      markers=v),
    "log_x": lambda v: lines.curves({"a": [1.0, 2.0]}, [1.0, 2.0], title="t", x_title="x",
                                    y_title="y", log_x=v),
    "log_y": lambda v: lines.curves({"a": [1.0, 2.0]}, title="t", x_title="x", y_title="y",
                                    log_y=v),
    "log_y ": lambda v: lines.train_val_curves({"a": ([1.0, 0.5], [1.1, 0.7])}, title="t",
                                               y_title="y", log_y=v),
    "log_y  ": lambda v: optim.lr_sweep([0.1, 1.0], {"a": [0.5, 0.4]}, title="t", y_title="y",
                                        cap=1.0, log_y=v),
    "show_lr": lambda v: training.learning_curves(_history(), title="t", show_lr=v),
    "frames": lambda v: training.fit_snapshots([0.0, 1.0], [0.0, 1.0], [0.0, 0.5, 1.0],
                                               [0.0, 0.5, 1.0], {"e1": [0.0, 0.4, 0.9]},
                                               title="t", frames=v),
    "normalize": lambda v: landscape.gradient_field(surfaces.Himmelblau(), title="t", n=11,
                                                    n_arrows=3, normalize=v),
    "log": lambda v: landscape.gradient_field(surfaces.Himmelblau(), title="t", n=11,
                                              n_arrows=3, log=v),
    "redraw": lambda v: play_controls(_frames_figure(), ["a"], active=0, prefix="", redraw=v),
    # Every public builder that takes showlegend (plotly refused only some values, and with
    # a ValueError about a trace property; None passed).
    "showlegend": lambda v: lines.add_curves(go.Figure(), {"a": [1.0, 2.0]}, showlegend=v),
    "showlegend ": _train_val,
    "showlegend  ": lambda v: go.Figure(classify.sample_traces(np.eye(2), [0, 1], showlegend=v)),
    "showlegend   ": lambda v: go.Figure(classify.decision_boundary_traces(
        _classes, np.eye(2), [0, 1], n=3, showlegend=v)),
    "showlegend    ": lambda v: go.Figure(contour.critical_traces(
        surfaces.Himmelblau(), ((-5.0, 5.0), (-5.0, 5.0)), showlegend=v)),
    "showlegend     ": lambda v: go.Figure(contour.path_trace(np.zeros((3, 2)), "p", 0, None,
                                                              showlegend=v)),
    # The flags a truthy string used to switch on silently (contour_paths, weight_histograms,
    # batch_3d_figure, heatmap, surface_3d; a Panel's log through contour_paths).
    "filled": lambda v: _contours(filled=v),
    "shared_levels": lambda v: _contours(shared_levels=v),
    "equal_aspect": lambda v: _contours(equal_aspect=v),
    "show_critical": lambda v: _contours(show_critical=v),
    "log   ": lambda v: contour.contour_paths(contour.Panel(surfaces.Himmelblau(), log=v),
                                              title="t", n=5),
    "show_critical ": lambda v: surface.surface_3d(surfaces.Himmelblau(), title="t", n=5,
                                                   show_critical=v),
    "log_y   ": lambda v: regularization.weight_histograms({"a": [0.1, -0.2]}, title="t",
                                                          bins=3, log_y=v),
    "edges": lambda v: network.batch_3d_figure([np.eye(2), np.ones((2, 1))], title="t", edges=v),
    "square": lambda v: heatmap.heatmap(np.eye(2), title="t", x_title="x", y_title="y",
                                        square=v),
}


@pytest.mark.parametrize("flag", list(CALLS))
@pytest.mark.parametrize("value", NOT_BOOLS)
def test_viz_flags_refuse_anything_but_true_or_false(flag, value):
    with pytest.raises(TypeError, match=f"^{flag.strip()} must be True or False"):
        CALLS[flag](value)


@pytest.mark.parametrize("flag", list(CALLS))
def test_viz_flags_accept_true_false_and_numpy_booleans(flag):
    for value in (True, False, np.bool_(True)):
        assert isinstance(CALLS[flag](value), go.Figure)


@pytest.mark.parametrize("value", NOT_BOOLS)
def test_n_edge_traces_refuses_a_per_edge_that_is_not_a_bool(value):
    lay = network.network_layout([2, 3, 1])
    with pytest.raises(TypeError, match="^per_edge must be True or False"):
        network.n_edge_traces(lay, per_edge=value)
    assert network.n_edge_traces(lay, per_edge=np.bool_(False)) == 4     # W and b per layer
    assert network.n_edge_traces(lay, per_edge=True) == 3 * 3 + 1 * 4     # every W and b entry


@pytest.mark.parametrize("height, error", [(None, TypeError), ("400", TypeError),
                                           (400.5, TypeError), (-5, ValueError),
                                           (0, ValueError), (10 ** 9, ValueError)])
def test_figure_height_is_checked(height, error):
    with pytest.raises(error, match="height"):
        lines.curves({"a": [1.0, 2.0]}, title="t", x_title="x", y_title="y", height=height)
    with pytest.raises(error, match="height"):
        layout.header(go.Figure(), "t", height)


def test_figure_height_in_range_is_kept():
    assert lines.curves({"a": [1.0]}, title="t", x_title="x", y_title="y",
                        height=np.int64(300)).layout.height == 300


@pytest.mark.parametrize("values", [np.array([1 + 2j, 3 + 0j]), [1j, 2.0]])
def test_as_vector_refuses_complex_values_instead_of_dropping_the_imaginary_part(values):
    with pytest.raises(TypeError, match="^x must be real"):
        layout.as_vector(values, "x")
    with pytest.raises(TypeError, match="^x must be real"):
        training.fit_snapshots(values, [0.0, 1.0], [0.0, 1.0], [0.0, 1.0], {"e": [0.0, 1.0]},
                               title="t")


def test_as_vector_keeps_real_input_and_nan():
    out = layout.as_vector(np.array([[1.0], [np.nan]], dtype=np.float32), "x")
    assert out.dtype == np.float64 and out[0] == 1.0 and np.isnan(out[1])
    with pytest.raises(TypeError, match="^x must hold numbers"):
        layout.as_vector(["a", "b"], "x")
