"""Network figures: layout geometry, edge order and styling, figure contents."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from nnlearn.network import MLP
from nnlearn.viz import classify as cv
from nnlearn.viz import network as nv


def _finite(trace) -> np.ndarray:
    xy = np.column_stack([np.asarray(trace.x, float), np.asarray(trace.y, float)])
    return xy[np.isfinite(xy).all(axis=1)]


# -- layout ---------------------------------------------------------------------

def test_layout_places_layers_in_columns_and_centres_units():
    lay = nv.network_layout([2, 4, 1], bias=True)
    assert [len(n) for n in lay.nodes] == [2, 4, 1]
    for layer, pts in enumerate(lay.nodes):
        assert np.all(pts[:, 0] == layer)
        assert np.isclose(pts[:, 1].mean(), 0.0)
        assert np.all(np.diff(pts[:, 1]) < 0)          # unit 1 on top
    assert lay.bias_nodes.shape == (2, 2)               # one per weight layer
    for layer in (0, 1):                                # above the top unit of its layer
        assert lay.bias_nodes[layer, 0] == layer
        assert lay.bias_nodes[layer, 1] > lay.nodes[layer][:, 1].max()
    assert nv.network_layout([3, 2], bias=False).bias_nodes is None


def test_edges_follow_the_order_of_W_ravel():
    lay = nv.network_layout([3, 2], bias=True)
    start, end = lay.edges(1)
    W = np.arange(6).reshape(2, 3)                      # W[j, k]: from k to j
    for e, _ in enumerate(W.ravel()):
        j, k = np.unravel_index(e, W.shape)
        assert np.array_equal(start[e], lay.nodes[0][k])
        assert np.array_equal(end[e], lay.nodes[1][j])
    bstart, bend = lay.bias_edges(1)
    assert np.all(bstart == lay.bias_nodes[0]) and np.array_equal(bend, lay.nodes[1])


# -- edges ------------------------------------------------------------------------

def test_edge_style_colour_is_sign_and_width_grows_with_magnitude():
    c_pos, w_small = nv.edge_style(0.1, 1.0)
    c_neg, w_big = nv.edge_style(-0.9, 1.0)
    assert c_pos == nv.POSITIVE_COLOR and c_neg == nv.NEGATIVE_COLOR
    assert w_big > w_small
    assert nv.edge_style(5.0, 1.0)[1] == nv.edge_style(1.0, 1.0)[1]   # clipped at the scale
    assert nv.edge_style(0.0, 1.0, min_width=0.5)[1] == 0.5


@pytest.mark.parametrize("sizes", [[2, 4, 2], [2, 4, 1], [3, 5, 5, 2]])
def test_weighted_edges_are_one_trace_per_edge_with_the_value_on_hover(sizes):
    net = MLP(sizes, rng=0)
    for layer in net.dense_layers:
        layer.b[:] = np.linspace(-1, 1, layer.n_out)
    Ws = [layer.W for layer in net.dense_layers]
    bs = [layer.b for layer in net.dense_layers]
    lay = nv.network_layout(sizes)
    traces = nv.edge_traces(lay, Ws, bs)
    assert len(traces) == nv.n_edge_traces(lay) == sum(
        n_out * (n_in + 1) for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True))
    # first trace: W1[0, 0]; the trace after layer 1's weights: b1[0]
    w = Ws[0][0, 0]
    assert f"= {w:.3g}" in traces[0].text[0]
    assert traces[0].line.color == (nv.POSITIVE_COLOR if w >= 0 else nv.NEGATIVE_COLOR)
    b_first = traces[Ws[0].size]
    assert f"= {bs[0][0]:.3g}" in b_first.text[0] and b_first.line.dash == "dot"
    # the widest edge carries the largest magnitude
    values = np.concatenate([np.concatenate([W.ravel(), b]) for W, b in zip(Ws, bs, strict=True)])
    widths = np.array([t.line.width for t in traces])
    assert np.argmax(widths) == np.argmax(np.abs(values))


def test_arrow_tips_stop_short_of_the_receiving_unit():
    lay = nv.network_layout([2, 3], bias=False)
    (trace,) = nv.edge_traces(lay, gap=0.2)
    xy = _finite(trace)
    tips = xy[2::3]
    _, end = lay.edges(1)
    assert np.allclose(np.linalg.norm(end - tips, axis=1), 0.2)


@pytest.mark.parametrize("aspect", [0.5, 1.0, 3.0])
def test_arrow_gaps_look_equal_on_screen_for_any_aspect(aspect):
    lay = nv.network_layout([3, 4], bias=False)
    (trace,) = nv.edge_traces(lay, gap=0.1, start_gap=0.05, aspect=aspect)
    xy = _finite(trace)
    tails, tips = xy[0::3], xy[2::3]
    start, end = lay.edges(1)

    def on_screen(v):
        return np.hypot(v[:, 0], aspect * v[:, 1])

    assert np.allclose(on_screen(end - tips), 0.1)
    assert np.allclose(on_screen(tails - start), 0.05)
    # tail and tip stay on the segment from start to end
    cross = (tips - start)[:, 0] * (end - start)[:, 1] - (tips - start)[:, 1] * (end - start)[:, 0]
    assert np.allclose(cross, 0.0)


def test_highlight_fades_the_other_layers():
    lay = nv.network_layout([2, 4, 2], bias=True)
    plain = nv.edge_traces(lay, highlight=2)
    assert len(plain) == nv.n_edge_traces(lay, per_edge=False) == 4
    assert [t.opacity for t in plain] == [0.35, 0.35, 1.0, 1.0]
    assert plain[2].line.color == nv.HIGHLIGHT_COLOR
    Ws = [np.ones((4, 2)), -np.ones((2, 4))]
    weighted = nv.edge_traces(lay, Ws, highlight=1)
    assert {t.opacity for t in weighted[:8]} == {1.0}     # W1
    assert {t.opacity for t in weighted[12:20]} == {0.2}  # W2


# -- the figure ---------------------------------------------------------------------

def test_diagram_has_edges_first_then_units_then_bias_units():
    fig = nv.network_diagram([2, 4, 2], highlight=1, title="t")
    assert isinstance(fig, go.Figure) and fig.layout.title.text == "t"
    n_edges = nv.n_edge_traces(nv.network_layout([2, 4, 2]), per_edge=False)
    units, bias_units = fig.data[n_edges], fig.data[n_edges + 1]
    assert len(units.x) == 8 and list(units.text[:2]) == ["x<sub>1</sub>", "x<sub>2</sub>"]
    assert list(bias_units.text) == ["1", "1"]
    assert [h.split(":")[0] for h in units.hovertext[-2:]] == [   # each output unit by name
        "output unit 1 of layer 2", "output unit 2 of layer 2"]
    assert "z<sup>(2)</sup><sub>2</sub>" in units.hovertext[-1]
    rims = list(units.marker.line.width)
    assert rims[2:6] == [3.5] * 4 and rims[0] == 1.5      # layer 1 highlighted
    captions = [a.text for a in fig.layout.annotations]
    assert captions[0].startswith("input") and "n<sub>1</sub> = 4" in captions[1]
    assert fig.layout.xaxis.visible is False
    half = nv.network_diagram([2, 4, 2], title="t", x_domain=(0.0, 0.5))
    assert tuple(half.layout.xaxis.domain) == (0.0, 0.5)
    tip_full = _finite(fig.data[0])[2]                     # same edge, narrower panel:
    tip_half = _finite(half.data[0])[2]                    # the tip stops farther away
    end = nv.network_layout([2, 4, 2]).edges(1)[1][0]
    assert np.linalg.norm(end - tip_half) > np.linalg.norm(end - tip_full)


def test_diagram_without_bias_has_no_bias_units():
    fig = nv.network_diagram([2, 3, 1], title="t", bias=False)
    names = [t.name for t in fig.data]
    assert "bias units" not in names and "units" in names


def test_bad_input_names_the_argument():
    lay = nv.network_layout([2, 4, 2])
    with pytest.raises(ValueError, match="sizes"):
        nv.network_layout([3])
    with pytest.raises(TypeError, match="sizes"):
        nv.network_layout("242")
    with pytest.raises(ValueError, match="highlight"):
        nv.network_diagram([2, 4, 2], title="t", highlight=3)
    with pytest.raises(ValueError, match=r"weights\[1\].*\(2, 4\).*\(4, 2\)"):
        nv.edge_traces(lay, [np.ones((4, 2)), np.ones((4, 2))])
    with pytest.raises(ValueError, match="weights must hold 2"):
        nv.edge_traces(lay, [np.ones((4, 2))])
    with pytest.raises(ValueError, match="biases"):
        nv.edge_traces(lay, biases=[np.ones(4), np.ones(2)])
    with pytest.raises(ValueError, match="weight_scale"):
        nv.edge_style(1.0, 0.0)
    with pytest.raises(ValueError, match="x_domain"):
        nv.network_diagram([2, 4, 2], title="t", x_domain=(0.5, 0.2))
    with pytest.raises(ValueError, match="aspect"):
        nv.edge_traces(lay, aspect=0.0)


# -- decision boundaries ------------------------------------------------------------

def test_decision_grid_covers_the_data_with_x_varying_fastest():
    X = np.array([[0.0, -1.0], [2.0, 3.0]])
    xs, ys, pts = cv.decision_grid(X, n=5, pad=0.25)
    assert xs[0] == -0.5 and xs[-1] == 2.5 and ys[0] == -2.0 and ys[-1] == 4.0
    assert pts.shape == (25, 2)
    assert np.array_equal(pts[:5, 1], np.full(5, ys[0])) and np.array_equal(pts[:5, 0], xs)


def test_decision_regions_are_the_predicted_classes_on_the_grid():
    X = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    y = np.array([3, 7, 7])                       # labels need not be 0..K-1
    traces = cv.decision_boundary_traces(lambda p: np.where(p[:, 0] > 0, 7, 3), X, y, n=6)
    heat = traces[0]
    z = np.asarray(heat.z)
    xs = np.asarray(heat.x)
    assert z.shape == (6, 6)
    assert np.array_equal(z[0], (xs > 0).astype(int))   # class index 1 where x > 0
    assert [t.name for t in traces[1:]] == ["class 3", "class 7"]
    assert len(traces[2].x) == 2


def test_decision_boundary_figure_draws_one_panel_per_classifier():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 0, 1, 1])
    fig = cv.decision_boundary_figure([lambda p: (p[:, 0] > 0.5).astype(int),
                                       lambda p: (p[:, 1] > 0.5).astype(int)],
                                      X, y, title="two", n=10, subplot_titles=["a", "b"])
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert len(heatmaps) == 2 and {t.xaxis for t in heatmaps} == {"x", "x2"}
    assert sum(t.showlegend is not False for t in fig.data if t.type == "scatter") == 2
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_decision_boundary_rejects_unknown_predicted_labels():
    X = np.zeros((2, 2)) + [[0.0], [1.0]]
    with pytest.raises(ValueError, match="predict returned labels"):
        cv.decision_boundary_traces(lambda p: np.full(len(p), 5), X, np.array([0, 1]), n=4)
    with pytest.raises(ValueError, match="predict must return shape"):
        cv.decision_boundary_traces(lambda p: np.zeros((len(p), 2)), X, np.array([0, 1]), n=4)
    with pytest.raises(ValueError, match="y must have shape"):
        cv.decision_boundary_traces(lambda p: p[:, 0], X, np.array([0, 1, 1]), n=4)


# -- the perceptron ---------------------------------------------------------------------

BOX = (-1.0, 1.0, -1.0, 1.0)


def test_halfplane_polygon_of_a_vertical_line_is_the_right_half_of_the_box():
    poly = cv.halfplane_polygon([1.0, 0.0], -0.5, BOX)          # x > 0.5
    assert np.allclose(sorted(map(tuple, poly)),
                       sorted([(0.5, -1), (1, -1), (1, 1), (0.5, 1)]))
    seg = cv.boundary_segment([1.0, 0.0], -0.5, BOX)
    assert np.allclose(sorted(seg[:, 1]), [-1, 1]) and np.allclose(seg[:, 0], 0.5)


@pytest.mark.parametrize("seed", range(5))
def test_halfplane_polygon_area_matches_a_monte_carlo_estimate(seed):
    rng = np.random.default_rng(seed)
    w, b = rng.normal(size=2), rng.normal() * 0.5
    poly = cv.halfplane_polygon(w, b, BOX)
    x, y = poly[:, 0], poly[:, 1]
    area = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))   # shoelace
    pts = rng.uniform(-1, 1, size=(200_000, 2))
    assert area == pytest.approx(4 * np.mean(pts @ w + b > 0), abs=0.03)
    seg = cv.boundary_segment(w, b, BOX)
    if len(seg):
        assert np.allclose(seg @ w + b, 0.0, atol=1e-12)


def test_halfplane_edge_cases():
    assert cv.halfplane_polygon([0.0, 0.0], -1.0, BOX).shape == (0, 2)   # nothing is > 0
    assert len(cv.halfplane_polygon([0.0, 0.0], 1.0, BOX)) == 4          # all of it
    assert cv.boundary_segment([0.0, 0.0], 1.0, BOX).shape == (0, 2)
    assert cv.boundary_segment([1.0, 0.0], 5.0, BOX).shape == (0, 2)     # misses the box
    seg = cv.boundary_segment([1.0, -1.0], 0.0, BOX)                     # the diagonal
    assert np.allclose(sorted(map(tuple, seg)), [(-1, -1), (1, 1)])
    with pytest.raises(ValueError, match="w must have shape"):
        cv.halfplane_polygon([1.0, 0.0, 0.0], 0.0, BOX)
    with pytest.raises(ValueError, match="box must satisfy xmin < xmax"):
        cv.halfplane_polygon([1.0, 0.0], 0.0, (1.0, -1.0, 0.0, 1.0))
    with pytest.raises(ValueError, match=r"box must be \(x_min, x_max, y_min, y_max\)"):
        cv.boundary_segment([1.0, 0.0], 0.0, (-1.0, 1.0, 0.0))
    with pytest.raises(ValueError, match="box contains NaN"):
        cv.boundary_segment([1.0, 0.0], 0.0, (-1.0, 1.0, 0.0, np.nan))


def test_perceptron_animation_has_one_frame_per_update_plus_the_start():
    from nnlearn.datasets import linearly_separable
    from nnlearn.perceptron import Perceptron

    X, y = linearly_separable(n=30, margin=0.1, rng=0)
    p = Perceptron().fit(X, y)
    fig = cv.perceptron_animation(X, y, p.history, title="p")
    assert len(fig.frames) == p.n_updates + 1
    assert len(fig.layout.sliders[0].steps) == len(fig.frames)
    assert fig.layout.updatemenus[0].buttons[0].args[1]["frame"]["redraw"] is False
    start, last = fig.frames[0], fig.frames[-1]
    # w = 0: no boundary yet, drawn as one missing point (an empty array would
    # make plotly.js hide the sample traces during the animation)
    assert list(start.data[1].x) == [None] and list(start.data[0].x) == [None]
    assert all(len(t.x) > 0 for f in fig.frames for t in f.data)
    seg = np.column_stack([last.data[1].x, last.data[1].y])
    h = p.history[-1]
    assert np.allclose(seg @ h.w + h.b, 0.0, atol=1e-9)   # the final boundary
    assert np.allclose([last.data[2].x[0], last.data[2].y[0]], X[h.index])
    assert list(last.traces) == [0, 1, 2]
    # only the changing traces go into frames
    assert all(len(f.data) == 3 for f in fig.frames)
    with pytest.raises(TypeError, match="history"):
        cv.perceptron_animation(X, y, [1, 2], title="p")


# -- a batch in 3-D ---------------------------------------------------------------------

def test_batch_3d_places_sample_i_in_slice_i_coloured_by_value():
    net = MLP([2, 4, 2], activation="tanh", rng=0)
    X = np.random.default_rng(1).normal(size=(3, 2))
    _, acts = net.forward_trace(X)
    fig = nv.batch_3d_figure(acts, title="batch")
    edges, *layers = fig.data
    assert edges.mode == "lines" and len(layers) == 3
    n_edges = 2 * 4 + 4 * 2
    assert len(edges.x) == 3 * 3 * n_edges                  # start, end, gap per edge and slice
    np.testing.assert_array_equal(np.asarray(edges.y)[::3 * n_edges], [1, 2, 3])
    start, end = nv.network_layout([2, 4, 2], bias=False).edges(1)
    np.testing.assert_allclose(np.asarray(edges.z)[:3], [start[0, 1], end[0, 1], np.nan])
    out = layers[-1]
    assert np.array_equal(np.asarray(out.y), [1, 1, 2, 2, 3, 3])          # sample = slice
    heights = nv.network_layout([2, 4, 2]).nodes[2][:, 1]
    assert np.array_equal(np.asarray(out.z), np.tile(heights, 3))
    assert np.allclose(np.asarray(out.marker.color), acts[-1].ravel())
    assert fig.layout.coloraxis.cmin == -fig.layout.coloraxis.cmax
    assert fig.layout.scene.yaxis.title.text and fig.layout.scene.xaxis.title.text
    assert len(nv.batch_3d_figure(acts, title="b", edges=False).data) == 3
    with pytest.raises(ValueError, match=r"activations\[1\] must have 3 rows"):
        nv.batch_3d_figure([X, np.zeros((2, 4))], title="b")
