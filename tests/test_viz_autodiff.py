"""nnlearn.viz.autodiff: the graph drawings and chapter 9's figure builders."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("plotly")

from nnlearn.autodiff import Tensor, jacobian, topological_order  # noqa: E402
from nnlearn.viz import autodiff as adviz  # noqa: E402


def neuron():
    w, x, b = (Tensor(v, requires_grad=True) for v in (0.8, 1.5, -0.3))
    c = Tensor(2.0)                                   # a constant: drawn, no gradient
    loss = ((w * x + b).tanh() * c) ** 2 + w
    return loss, {"w": w, "x": x, "b": b, "c": c, "L": loss}


def test_graph_nodes_lists_constants_too_and_parents_first():
    loss, names = neuron()
    nodes = adviz.graph_nodes(loss)
    assert len(nodes) == 10                           # 4 leaves, 6 operations
    assert any(t is names["c"] for t in nodes)
    assert len(topological_order(loss)) == 9          # c needs no gradient
    position = {id(t): i for i, t in enumerate(nodes)}
    assert all(position[id(p)] < position[id(t)] for t in nodes for p in t.parents)
    with pytest.raises(TypeError, match="root"):
        adviz.graph_nodes(np.ones(2))


def test_graph_figure_draws_one_node_per_tensor_and_one_arrow_per_edge():
    loss, names = neuron()
    fig = adviz.graph_figure(loss, names, title="t")
    nodes = adviz.graph_nodes(loss)
    arrows, units = fig.data[0], fig.data[1]
    assert len(units.x) == len(nodes)
    n_edges = sum(len(t.parents) for t in nodes)
    assert len(arrows.x) == 4 * n_edges - 1             # tail, middle, tip, gap per edge
    assert list(arrows.marker.size).count(9) == n_edges  # one arrow head per edge
    assert "<b>L</b> +<br>" in " ".join(units.text)       # a named operation: name and op
    assert "<b>tanh</b><br>" in " ".join(units.text)      # unnamed: its operation
    assert "<b>w</b><br>0.8" in units.text                # a leaf: its name and value
    assert len(fig.data) == 2                           # no gradients: arrows and nodes
    xs = dict(zip((id(t) for t in nodes), units.x, strict=True))
    assert all(xs[id(p)] < xs[id(t)] for t in nodes for p in t.parents)
    with pytest.raises(TypeError, match="names"):
        adviz.graph_figure(loss, ["w"], title="t")


def test_backward_animation_fills_in_gradients_in_backward_order():
    loss, names = neuron()
    with pytest.raises(ValueError, match="backward"):
        adviz.backward_animation(loss, names, title="t")
    loss.backward()
    fig = adviz.backward_animation(loss, names, title="t")
    assert len(fig.frames) == len(topological_order(loss)) + 1
    assert all(list(frame.traces) == [1, 3] for frame in fig.frames)
    filled = [sum(bool(s) for s in frame.data[1].text) for frame in fig.frames]
    assert filled == list(range(len(fig.frames)))     # one more gradient per frame
    last = fig.frames[-1].data[1].text
    assert f"{names['w'].grad.item():.4g}" in last
    assert len(fig.layout.sliders[0].steps) == len(fig.frames)
    still = adviz.graph_figure(loss, names, title="t")   # same rows, plus the controls
    assert fig.layout.margin.b >= 100 and still.layout.margin.b is None
    assert fig.layout.height == still.layout.height + fig.layout.margin.b


def test_figures_of_the_chapter():
    g = np.arange(6.0).reshape(3, 2)
    fig = adviz.broadcast_figure(g, title="t")
    np.testing.assert_array_equal(fig.data[1].z, [[6.0, 9.0]])    # the column sums
    with pytest.raises(ValueError, match="2-D"):
        adviz.broadcast_figure(np.ones(3), title="t")
    J = jacobian(lambda t: t.tanh(), np.zeros(3))
    fig = adviz.jacobian_figure({"tanh": J}, title="t")
    assert np.isnan(fig.data[0].z[0, 1]) and fig.data[0].z[0, 0] == 1.0
    with pytest.raises(ValueError, match="jacobians"):
        adviz.jacobian_figure({}, title="t")
    fig = adviz.running_stats_figure(np.ones(5), np.linspace(0, 1, 5), 1.0, title="t")
    assert [t.mode for t in fig.data] == ["markers", "lines", "lines"]
    np.testing.assert_allclose(fig.data[1].y, np.linspace(0, 1, 5))
