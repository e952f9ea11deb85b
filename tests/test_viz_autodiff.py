"""nnlearn.viz.autodiff: the graph drawings and chapter 9's figure builders."""

from __future__ import annotations

import math

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


def batch_norm():
    x = Tensor(np.random.default_rng(0).standard_normal((8, 3)), requires_grad=True)
    centered = x - x.mean(axis=0)
    var = (centered ** 2).mean(axis=0)
    out = Tensor(np.ones(3)) * (centered / (var + 1e-5) ** 0.5) + Tensor(np.zeros(3))
    return out, {"x": x, "x′": out}


def clearance(fig) -> float:
    """Smallest distance from a node's centre to an edge segment that does not end at it."""
    arrows, units = fig.data[0], fig.data[1]
    points = np.c_[np.asarray(arrows.x, dtype=float), np.asarray(arrows.y, dtype=float)]
    centres = np.c_[units.x, units.y]
    nearest = np.inf
    for a, b in zip(points[:-1], points[1:], strict=True):
        if np.isnan([a, b]).any() or np.allclose(a, b):
            continue
        u = np.clip((centres - a) @ (b - a) / ((b - a) @ (b - a)), 0, 1)
        dist = np.linalg.norm(a + u[:, None] * (b - a) - centres, axis=1)
        ends = np.minimum(np.linalg.norm(centres - a, axis=1), np.linalg.norm(centres - b, axis=1))
        nearest = min(nearest, dist[ends > 0.6].min(initial=np.inf))
    return nearest


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
    lines = len(arrows.x) - (4 * n_edges - 1)         # tail, middle, tip, gap per arrow
    assert lines == 3 * n_edges + 5     # then each edge as a line: gap, ends; 5 bends on w to L
    assert list(arrows.marker.size).count(9) == n_edges  # one arrow head per edge
    assert clearance(fig) > 0.5                         # no edge runs through a node
    assert "<i>L</i></span> +<br>" in " ".join(units.text)  # a named operation: name and op
    assert "<b>tanh</b><br>" in " ".join(units.text)      # unnamed: its operation
    assert "<i>w</i></span><br>0.8" in " ".join(units.text)  # a leaf: its name and value
    # Names in serif italic as in the formulas, never bold: in bold 11 px sans-serif γ reads as y.
    assert all("font-family:serif" in s for s in units.text if "<i>" in s)
    assert not any(f"<b>{name}</b>" in " ".join(units.text) for name in names)
    assert len(fig.data) == 2                           # no gradients: arrows and nodes
    xs = dict(zip((id(t) for t in nodes), units.x, strict=True))
    assert all(xs[id(p)] < xs[id(t)] for t in nodes for p in t.parents)
    with pytest.raises(TypeError, match="names"):
        adviz.graph_figure(loss, ["w"], title="t")


def test_graph_figure_down_puts_inputs_on_top_and_keeps_edges_off_the_nodes():
    out, names = batch_norm()
    nodes = adviz.graph_nodes(out)
    flat, down = (adviz.graph_figure(out, names, title="t", down=d) for d in (False, True))
    assert clearance(flat) > 0.5 and clearance(down) > 0.5
    ys = dict(zip((id(t) for t in nodes), down.data[1].y, strict=True))
    assert all(ys[id(p)] > ys[id(t)] for t in nodes for p in t.parents)
    assert ys[id(names["x"])] == max(ys.values()) and ys[id(out)] == min(ys.values())
    assert down.layout.yaxis.scaleanchor == "x" and flat.layout.yaxis.scaleanchor is None
    assert 64 * 12 < down.layout.height < 950           # 12 levels of 64 px: fits a printed page


def test_graph_figure_checks_down_and_height():
    loss, names = neuron()
    with pytest.raises(TypeError, match="down"):
        adviz.graph_figure(loss, names, title="t", down="yes")
    for height in (12.5, 50):
        with pytest.raises((TypeError, ValueError), match="height"):
            adviz.graph_figure(loss, names, title="t", height=height)


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
    # Room under the lowest node for its gradient (0.5 below it) and for the controls; the
    # still graph has neither, and only 0.5 units and 10 px below its lowest node (it had
    # 0.8 units and the 55 px margin of the hidden x axis: a blank strip of about 80 px).
    still = adviz.graph_figure(loss, names, title="t")
    low = np.nanmin(np.array([*fig.data[0].y, *fig.data[1].y], dtype=float))  # bends too
    assert fig.layout.yaxis.range[0] == pytest.approx(low - 0.8) and fig.layout.margin.b >= 100
    assert still.layout.yaxis.range[0] == pytest.approx(low - 0.5)
    assert still.layout.margin.b == 10
    # The gradients' legend names the root as the page does (chapter 9's is L-tilde).
    assert [t.name for t in fig.data if t.name and "backward" in t.name] == ["∂L/∂node (backward)"]
    names["L̃"] = names.pop("L")
    renamed = adviz.backward_animation(loss, names, title="t")
    assert "∂L̃/∂node (backward)" in [t.name for t in renamed.data]


def test_a_lone_tensor_is_a_one_node_graph_and_a_one_step_backward_pass():
    # A tensor with no parents used to crash both builders with an IndexError (no edges).
    x = Tensor(2.0, requires_grad=True)
    for down in (False, True):
        fig = adviz.graph_figure(x, {"x": x}, title="t", down=down)
        assert len(fig.data[0].x) == 0                                  # no arrows, no bends
        assert list(fig.data[1].x) == [0.0] and "2" in fig.data[1].text[0]
        assert fig.data[1].marker.symbol == ("circle",)                  # an input, no operation
    with pytest.raises(ValueError, match="backward"):
        adviz.backward_animation(x, {"x": x}, title="t")               # not run yet
    x.backward()
    fig = adviz.backward_animation(x, {"x": x}, title="t")
    assert [f.name for f in fig.frames] == ["0", "1"]                   # forward, then x
    assert fig.frames[0].data[1].text == ("",) and fig.frames[1].data[1].text == ("1",)
    constant = Tensor(3.0)                                              # nothing to differentiate
    assert len(adviz.graph_figure(constant, {"c": constant}, title="t").data[1].x) == 1
    with pytest.raises(ValueError, match="root.backward"):
        adviz.backward_animation(constant, {"c": constant}, title="t")


def test_backward_slider_labels_its_last_tick_like_the_value_above_it():
    """plotly.js writes the label of only every k-th slider step under its tick, counting from
    the first, k = ceil((widest label + 8 px) / tick spacing). With the labels "0 (forward)",
    "1 (L)", ..., "13 (w)" k was 3: at the end the slider read "backward step 13 (w)" while
    the last labelled tick said "12 (x)". The steps are numbered now, short enough for k = 1
    in the book's column (figures are 688 px wide there; at most 8.5 px per character)."""
    loss, names = neuron()
    loss.backward()
    fig = adviz.backward_animation(loss, names, title="t")
    slider = fig.layout.sliders[0]
    labels = [step.label for step in slider.steps]
    assert labels == [str(k) for k in range(len(fig.frames))] == [f.name for f in fig.frames]
    plot_px = 688 - fig.layout.margin.l - fig.layout.margin.r
    spacing = (slider.len * plot_px - 2 * 10) / (len(labels) - 1)      # 10 px inset each end
    stride = max(1, math.ceil((8.5 * max(map(len, labels)) + 8) / spacing))
    assert (len(labels) - 1) % stride == 0                              # the last tick labelled


def test_figures_of_the_chapter():
    g = np.arange(6.0).reshape(3, 2)
    fig = adviz.broadcast_figure(g, title="t")
    np.testing.assert_array_equal(fig.data[1].z, [[6.0, 9.0]])    # the column sums
    with pytest.raises(ValueError, match="grad must be 2-dimensional"):
        adviz.broadcast_figure(np.ones(3), title="t")
    J = jacobian(lambda t: t.tanh(), np.zeros(3))
    fig = adviz.jacobian_figure({"tanh": J}, title="t")
    assert np.isnan(fig.data[0].z[0, 1]) and fig.data[0].z[0, 0] == 1.0
    with pytest.raises(ValueError, match="jacobians"):
        adviz.jacobian_figure({}, title="t")
    fig = adviz.running_stats_figure(np.ones(5), np.linspace(0, 1, 5), 1.0, title="t")
    assert [t.mode for t in fig.data] == ["markers", "lines", "lines"]
    np.testing.assert_allclose(fig.data[1].y, np.linspace(0, 1, 5))
