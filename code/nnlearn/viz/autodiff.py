"""Figures of chapter 9: computational graphs recorded by :mod:`nnlearn.autodiff`.

:func:`graph_figure` draws the graph behind a tensor, inputs on the left and
the output on the right; :func:`backward_animation` fills in the gradients in
the order :meth:`nnlearn.autodiff.Tensor.backward` computes them. The other
builders are the chapter's shape diagrams (its curves are
:func:`nnlearn.viz.lines.curves`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnlearn._checks import as_float_array, check_bool
from nnlearn.autodiff import Tensor, topological_order
from nnlearn.viz.animation import animate
from nnlearn.viz.layout import as_mapping, check_figure_size, header, legend_entry, panel_grid
from nnlearn.viz.lines import line_style
from nnlearn.viz.network import arrow_trace
from nnlearn.viz.theme import COLORWAY, DIVERGING, GRAD_COLOR, VALUE_COLOR

__all__ = ["backward_animation", "broadcast_figure", "graph_figure", "graph_nodes",
           "jacobian_figure", "running_stats_figure"]

NODE_COLOR = COLORWAY[7]      # slate: nodes without a gradient yet


def graph_nodes(root: Tensor) -> list[Tensor]:
    """Every tensor ``root`` is computed from (constants included), inputs first."""
    if not isinstance(root, Tensor):
        raise TypeError(f"root must be a Tensor, got {type(root).__name__}")
    return topological_order(root, constants=True)


def _layout(nodes: list[Tensor]) -> tuple[dict, list[list]]:
    """Positions, and the chain of places of every edge (parents of ``nodes[0]`` first).

    An operation's column is its longest path from an input; an input sits just
    left of its first consumer. An edge that spans columns holds a place (a bend)
    in each column between, so that no node is drawn on it. Rows follow the
    neighbours' mean row.
    """
    depth = {}
    for t in nodes:                                   # inputs first
        depth[id(t)] = 1 + max((depth[id(p)] for p in t.parents), default=-1)
    for t in nodes:
        if not t.parents and any(p is t for c in nodes for p in c.parents):
            depth[id(t)] = min(depth[id(c)] for c in nodes if any(p is t for p in c.parents)) - 1
    chains = [[id(p), *((id(p), id(t), c) for c in range(depth[id(p)] + 1, depth[id(t)])), id(t)]
              for t in nodes for p in t.parents]     # (parent, child, column): a bend
    depth.update({i: i[2] for chain in chains for i in chain[1:-1]})
    links = [pair for chain in chains for pair in zip(chain, chain[1:], strict=False)]
    near = {i: [b for a, b in links if a == i] + [a for a, b in links if b == i] for i in depth}
    columns = {c: [i for i in depth if depth[i] == c] for c in set(depth.values())}
    row = {i: float(k) for members in columns.values() for k, i in enumerate(members)}
    for _ in range(4):                                # barycentre sweeps
        for col in sorted(columns):
            members = columns[col]
            key = {i: np.mean([row[n] for n in near[i]]) if near[i] else row[i]
                   for i in members}
            members.sort(key=lambda i: key[i])
            first = np.mean([key[i] for i in members]) - (len(members) - 1) / 2
            for k, i in enumerate(members):
                row[i] = first + k
    for chain in chains:                              # a bend keeps the row before, if free
        for before, i in zip(chain[:-2], chain[1:-1], strict=True):
            if all(abs(row[before] - row[j]) >= 1 for j in columns[depth[i]] if j != i):
                row[i] = row[before]
    return {i: (float(depth[i]), -row[i]) for i in row}, chains


def _number(a: np.ndarray) -> str:
    return f"{a.item():.4g}" if a.size == 1 else "×".join(map(str, a.shape))


def _node_text(t: Tensor, name: str | None) -> str:
    """Name and operation, then value.

    A name is set in serif italic, as in the formulas (in bold 11 px
    sans-serif, γ reads as y); a node without a name shows its operation in
    bold.
    """
    head = f"<b>{t.op or 'const'}</b>" if name is None else \
        f"<span style='font-family:serif; font-size:15px'><i>{name}</i></span> {t.op}".rstrip()
    return f"{head}<br>{_number(t.data)}"


def _base_figure(root: Tensor, names: Mapping[str, Tensor], title: str, height: int,
                 backward: bool = False, down: bool = False) -> tuple[go.Figure, list, dict]:
    names = as_mapping(names, "names")
    down = check_bool(down, "down")
    height = check_figure_size(height, "height", low=100, high=20_000)   # the least height
    nodes = graph_nodes(root)     # down: columns become rows, 1 unit = 1 unit on screen
    places, chains = _layout(nodes)
    pos = {i: (-2 * y, -x) if down else (x, y) for i, (x, y) in places.items()}
    paths = [np.array([pos[i] for i in chain]) for chain in chains]
    edges = np.array([path[-2:] for path in paths]).reshape(-1, 2, 2)   # none for a lone node
    arrows = arrow_trace(edges[:, 0], edges[:, 1], NODE_COLOR, 1.4, gap=0.36, start_gap=0.36)
    bends = np.array([q for path in paths for q in [(np.nan, np.nan), *path]]).reshape(-1, 2)
    fig = go.Figure(arrows.update(x=[*arrows.x, *bends[:, 0]], y=[*arrows.y, *bends[:, 1]],
                                  marker_size=[*arrows.marker.size, *[0] * len(bends)]))
    xs, ys = zip(*(pos[id(t)] for t in nodes), strict=True)
    lo, hi = np.min([*pos.values()], axis=0), np.max([*pos.values()], axis=0)   # bends too
    by_id = {id(t): name for name, t in names.items()}
    fig.add_trace(go.Scatter(
        x=xs, y=ys, mode="markers+text", name="node: name, operation, value (forward)",
        text=[_node_text(t, by_id.get(id(t))) for t in nodes],
        textposition="middle center", textfont=dict(size=11, color="#1f2328"),
        marker=dict(size=42 if down else 46, color="#dff3ea", line=dict(color=VALUE_COLOR, width=2),
                    symbol=["circle" if not t.parents else "square" for t in nodes]),
        hovertemplate="%{text}<extra></extra>"))
    if backward:                                      # the gradients, named by the root's name
        fig.add_trace(legend_entry(f"∂{by_id.get(id(root)) or root.op}/∂node (backward)", "markers",
                                   marker=dict(size=12, symbol="square", color=GRAD_COLOR)))
    # Room under the lowest row: for its gradients (0.8 rows and the template's 55 px), or
    # only for the nodes (half a row, 10 px: the hidden x axis needs no margin).
    below, bottom = (0.8, 55) if backward else (0.5, 10)
    fig.update_layout(hovermode="closest", margin=dict(l=10, r=10), showlegend=True,
                      xaxis=dict(visible=False, range=[lo[0] - 0.5, hi[0] + 0.5]),
                      yaxis=dict(visible=False, range=[lo[1] - below, hi[1] + 0.5],
                                 scaleanchor="x" if down else None))
    rows = hi[1] - lo[1] + 0.5 + below                # the y range, in rows of nodes
    header(fig, title, max(height, int(45 + bottom + (64 if down else 85) * rows)), bottom=bottom)
    return fig, nodes, pos


def graph_figure(root: Tensor, names: Mapping[str, Tensor], *, title: str | None,
                 height: int = 380, down: bool = False) -> go.Figure:
    """The computational graph behind ``root``: one box per operation, one circle per input.

    Each node shows its name (from ``names``) and its operation, or only one
    of them, and its value (a number, or the shape of an array). Inputs are on
    the left and the output on the right, or with ``down=True`` (for a deep
    graph in a narrow column) inputs at the top and the output at the bottom.
    """
    return _base_figure(root, names, title, height, down=down)[0]


def _grad_trace(nodes: list[Tensor], pos: dict, done: set[int]) -> go.Scatter:
    text = ["" if id(t) not in done else "—" if t.grad is None else _number(t.grad) for t in nodes]
    return go.Scatter(x=[pos[id(t)][0] for t in nodes], y=[pos[id(t)][1] - 0.5 for t in nodes],
                      mode="text", text=text, showlegend=False,
                      textfont=dict(size=13, color=GRAD_COLOR), hoverinfo="skip")


def backward_animation(root: Tensor, names: Mapping[str, Tensor], *,
                       title: str | None) -> go.Figure:
    """The backward pass of ``root`` one node per frame, in reverse topological order.

    ``root.backward()`` must have run (the gradients are read from ``.grad``).
    Frame 0 shows the forward values only; frame ``k`` writes the gradient of
    the ``k``-th node the backward pass visits below it, in rose, and rings
    that node. The slider's steps are the numbers ``0, 1, ...``: plotly.js
    writes a step's label under only every few ticks when the labels are too
    wide for the spacing, so longer labels (such as the node's name) would leave
    the last tick unlabelled, unlike the value shown above the slider. The
    graph gets the same height per row as :func:`graph_figure`, room under the
    last row for its gradients and room for the controls, so that no gradient
    runs into the node below.
    """
    fig, nodes, pos = _base_figure(root, names, title, 380, backward=True)
    visit = [id(t) for t in reversed(topological_order(root))]
    if root.grad is None:
        raise ValueError("call root.backward() before drawing its backward pass")
    frames = {}                # labelled "0", "1", ...: short, so that every tick gets its label
    for k in range(len(visit) + 1):                   # ring the node visited at step k
        now = np.array([k > 0 and id(t) == visit[k - 1] for t in nodes])
        ring = dict(color=np.where(now, GRAD_COLOR, VALUE_COLOR),
                    width=np.where(now, 4, 2).tolist())
        frames[str(k)] = [go.Scatter(marker_line=ring), _grad_trace(nodes, pos, set(visit[:k]))]
    fig.add_trace(frames["0"][1])
    fig = animate(fig, frames, traces=[1, 3], active=0, prefix="backward step ", frame_ms=900)
    return fig.update_layout(height=fig.layout.height + fig.layout.margin.b)  # controls below


def broadcast_figure(grad: np.ndarray, *, title: str | None) -> go.Figure:
    """The upstream gradient ``(B, n)`` of ``Z + b`` and the bias gradient, its column sums."""
    g = as_float_array(grad, "grad", ndim=2)
    col = g.sum(axis=0, keepdims=True)
    lim = float(np.abs(np.concatenate([g.ravel(), col.ravel()])).max()) or 1.0
    fig = make_subplots(rows=2, cols=1, row_heights=[g.shape[0], 1.6], vertical_spacing=0.25,
                        subplot_titles=("upstream gradient ∂L/∂Y, one row per sample (B × n)",
                                        "∂L/∂b = sum over the rows (shape n)"))
    for r, m in ((1, g), (2, col)):
        fig.add_trace(go.Heatmap(z=m, zmin=-lim, zmax=lim, colorscale=DIVERGING,
                                 text=np.round(m, 2), texttemplate="%{text}", showscale=r == 1,
                                 colorbar=dict(title=dict(text="gradient", side="right")),
                                 hovertemplate="row %{y}, column %{x}: %{z:.3f}<extra></extra>"),
                      row=r, col=1)
    fig.update_xaxes(title_text="feature j", row=2, col=1)
    fig.update_yaxes(title_text="sample i", autorange="reversed", row=1, col=1)
    fig.update_yaxes(showticklabels=False, row=2, col=1)
    return header(fig, title, 150 + 34 * (g.shape[0] + 2), extra=26)


def running_stats_figure(batch_means: np.ndarray, running_means: np.ndarray,
                         true_mean: float, *, title: str | None) -> go.Figure:
    """One feature's batch mean per step, the running mean and the mean of all the data."""
    steps = np.arange(1, len(batch_means) + 1)
    fig = go.Figure([
        go.Scatter(x=steps, y=batch_means, name="mean of the batch (training mode uses it)",
                   mode="markers", marker=dict(color=COLORWAY[1], size=6, symbol="circle-open")),
        go.Scatter(x=steps, y=running_means, name="running mean (evaluation mode uses it)",
                   **line_style(0)),
        go.Scatter(x=[steps[0], steps[-1]], y=[true_mean, true_mean], mode="lines",
                   name="mean over all training rows", line=dict(color=NODE_COLOR, dash="dot"))])
    fig.update_layout(xaxis_title="training step (one batch each)",
                      yaxis_title="mean of the feature (input units)")
    return header(fig, title, 460)


def jacobian_figure(jacobians: Mapping[str, np.ndarray], *, title: str | None) -> go.Figure:
    """Heat maps of Jacobian matrices side by side; zero entries are drawn blank.

    ``jacobians`` maps a panel title to a matrix ``(outputs, inputs)``, as
    returned by :func:`nnlearn.autodiff.jacobian`.
    """
    mats = {k: np.asarray(v, dtype=np.float64)
            for k, v in as_mapping(jacobians, "jacobians").items()}
    lim = max(float(np.abs(m).max()) for m in mats.values()) or 1.0
    fig, _ = panel_grid(mats, "jacobians")
    for c, m in enumerate(mats.values(), 1):
        fig.add_trace(go.Heatmap(z=np.where(m == 0, np.nan, m), zmin=-lim, zmax=lim,
                                 colorscale=DIVERGING, showscale=c == 1, xgap=1, ygap=1,
                                 colorbar=dict(title=dict(text="∂ output / ∂ input",
                                                          side="right")),
                                 hovertemplate="output %{y}, input %{x}: %{z:.3f}"
                                               "<extra></extra>"), row=1, col=c)
        fig.update_xaxes(title_text="input entry (flattened)", range=[-0.5, m.shape[1] - 0.5],
                         showgrid=False, zeroline=False, row=1, col=c)
        fig.update_yaxes(title_text="output entry (flattened)", showgrid=False, zeroline=False,
                         range=[m.shape[0] - 0.5, -0.5], row=1, col=c)
    return header(fig, title, 430, extra=26)
