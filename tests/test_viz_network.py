"""Network figures: layout geometry, edge order and styling, figure contents."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from nnlearn.network import MLP
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
    rims = list(units.marker.line.width)
    assert rims[2:6] == [3.5] * 4 and rims[0] == 1.5      # layer 1 highlighted
    captions = [a.text for a in fig.layout.annotations]
    assert captions[0].startswith("input") and "n<sub>1</sub> = 4" in captions[1]
    assert fig.layout.xaxis.visible is False


def test_diagram_without_bias_has_no_bias_units():
    fig = nv.network_diagram([2, 3, 1], bias=False)
    names = [t.name for t in fig.data]
    assert "bias units" not in names and "units" in names


def test_bad_input_names_the_argument():
    lay = nv.network_layout([2, 4, 2])
    with pytest.raises(ValueError, match="sizes"):
        nv.network_layout([3])
    with pytest.raises(TypeError, match="sizes"):
        nv.network_layout("242")
    with pytest.raises(ValueError, match="highlight"):
        nv.network_diagram([2, 4, 2], highlight=3)
    with pytest.raises(ValueError, match=r"weights\[1\].*\(2, 4\).*\(4, 2\)"):
        nv.edge_traces(lay, [np.ones((4, 2)), np.ones((4, 2))])
    with pytest.raises(ValueError, match="weights must hold 2"):
        nv.edge_traces(lay, [np.ones((4, 2))])
    with pytest.raises(ValueError, match="biases"):
        nv.edge_traces(lay, biases=[np.ones(4), np.ones(2)])
    with pytest.raises(ValueError, match="weight_scale"):
        nv.edge_style(1.0, 0.0)
    with pytest.raises(ValueError, match="layout"):
        nv.network_diagram([2, 4, 2], layout=nv.network_layout([2, 3, 2]))
