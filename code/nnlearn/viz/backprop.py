r"""Figures for the backpropagation chapter.

* :func:`circuit_figure`: a computational graph with the forward value and
  the backward gradient written on every edge;
* :func:`gradcheck_figure`: relative errors of a gradient check, one row per
  (correct or broken) backward pass, one column per parameter;
* :func:`training_animation`: the network diagram of
  :mod:`nnlearn.viz.network`, its edges following the weights epoch by
  epoch, next to the loss curve.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from nnlearn._checks import as_float_array, check_scalar
from nnlearn.backprop import CIRCUIT_EDGES, CIRCUIT_LABELS, CIRCUIT_OPS, WeightRecorder
from nnlearn.gradcheck import BUG_ABOVE, RIGHT_BELOW
from nnlearn.viz import network
from nnlearn.viz.animation import play_controls
from nnlearn.viz.heatmap import heatmap
from nnlearn.viz.layout import as_mapping, header, legend_entry, padded_range
from nnlearn.viz.theme import COLORWAY, GRAD_COLOR, VALUE_COLOR, tint

__all__ = ["CIRCUIT_POSITIONS", "circuit_figure", "gradcheck_figure", "training_animation"]


CIRCUIT_POSITIONS: dict[str, tuple[float, float]] = {
    "x": (0.0, 3.0), "w": (0.0, 1.5), "b": (1.0, 3.9), "lam": (1.0, -0.5),
    "wx": (1.0, 2.4), "w2": (1.0, 0.7), "z": (2.0, 3.0), "R": (2.0, 0.1),
    "a": (3.0, 3.0), "y": (3.0, 1.6), "r": (4.0, 2.5), "ell": (5.0, 2.5), "L_tilde": (6.0, 1.3),
}
"""Positions of the nodes of :func:`nnlearn.backprop.neuron_circuit` in the figure."""

def circuit_figure(values: dict, grads: dict, edge_grads: dict, *,
                   title: str | None) -> go.Figure:
    """Draw the graph of :func:`nnlearn.backprop.neuron_circuit`, a value and a gradient per edge.

    Each edge ``(src, dst)`` of :data:`nnlearn.backprop.CIRCUIT_EDGES` is an
    arrow from ``src`` to ``dst`` labelled with ``values[src]`` (green, above)
    and ``edge_grads[(src, dst)]``, the gradient flowing back along it (rose,
    below). Inner nodes show their operation with their name above it
    (:data:`nnlearn.backprop.CIRCUIT_LABELS`: ``"ell"`` is drawn ℓ,
    ``"L_tilde"`` L̃), leaves their name; hovering a node shows its value and
    its gradient. Nodes sit at :data:`CIRCUIT_POSITIONS`.

    Parameters
    ----------
    values, grads : dict
        Node name -> forward value and -> :math:`\\partial \\tilde L/\\partial` node
        (as returned by :func:`nnlearn.backprop.neuron_circuit`).
    edge_grads : dict
        ``(src, dst)`` -> gradient sent back along the edge.
    title : str

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: the edges, then per label its texts and its legend entry, then the nodes.
    """
    names = sorted(CIRCUIT_POSITIONS)
    for d, label, keys in ((values, "values", names), (grads, "grads", names),
                           (edge_grads, "edge_grads", CIRCUIT_EDGES)):
        missing = sorted(set(keys) - set(as_mapping(d, label)))
        if missing:
            raise ValueError(f"{label} has no entry for {missing[0]!r}")
    start, end = (np.array([CIRCUIT_POSITIONS[e[i]] for e in CIRCUIT_EDGES]) for i in (0, 1))
    fig = go.Figure(network.arrow_trace(start, end, COLORWAY[7], 1.6, gap=0.22, name="edges"))
    mid = (start + end) / 2
    for label, texts, shift, color in (
            ("forward value", [values[src] for src, _ in CIRCUIT_EDGES], 0.17, VALUE_COLOR),
            ("gradient ∂L̃/∂(edge input)", [edge_grads[e] for e in CIRCUIT_EDGES], -0.17,
             GRAD_COLOR)):                 # value above the edge's middle, gradient below
        fig.add_trace(go.Scatter(x=mid[:, 0], y=mid[:, 1] + shift, mode="text", name=label,
                                 text=[f"{v:.3g}" for v in texts], hoverinfo="skip",
                                 showlegend=False, textfont=dict(color=color, size=13)))
        fig.add_trace(legend_entry(label, "lines", line=dict(color=color, width=3)))
    label = [CIRCUIT_LABELS.get(n, n) for n in names]
    xy = np.array([CIRCUIT_POSITIONS[n] for n in names])
    for n, lab, (x, y) in zip(names, label, xy, strict=True):
        if n in CIRCUIT_OPS:                       # inner node: its name above it
            fig.add_annotation(x=x, y=y, text=f"<i>{lab}</i>", showarrow=False, yshift=25)
    fig.add_trace(go.Scatter(
        x=xy[:, 0], y=xy[:, 1], mode="markers+text", hoverinfo="text", showlegend=False,
        text=[CIRCUIT_OPS.get(n, lab) for n, lab in zip(names, label, strict=True)],
        hovertext=[f"{lab} = {values[n]:.4g}<br>∂L̃/∂{lab} = {grads[n]:.4g}"
                   for n, lab in zip(names, label, strict=True)], textposition="middle center",
        marker=dict(size=34, color=tint(COLORWAY[0], 0.14),
                    line=dict(color=COLORWAY[0], width=1.5))))
    fig.update_layout(hovermode="closest", margin=dict(l=10, r=10),
                      xaxis=dict(visible=False, fixedrange=True,
                                 range=[xy[:, 0].min() - 0.4, xy[:, 0].max() + 0.4]),
                      yaxis=dict(visible=False, fixedrange=True,
                                 range=[xy[:, 1].min() - 0.5, xy[:, 1].max() + 0.5]))
    return header(fig, title, 430, bottom=10)


def gradcheck_figure(results: dict[str, dict[str, float]], threshold: float = BUG_ABOVE, *,
                     title: str | None) -> go.Figure:
    r"""Heat map of gradient-check errors: one row per backward pass, one column per parameter.

    Colour is :math:`\log_{10}` of the relative error (Viridis), the number
    is written in each cell, and a cell above ``threshold`` gets a frame. By
    default that is :data:`nnlearn.gradcheck.BUG_ABOVE`, the error above which
    chapter 5 calls a gradient a bug, and the legend says "a bug"; with
    ``threshold=RIGHT_BELOW`` every error that is not clearly right is framed
    and the legend says "not clearly right"; any other threshold, "flagged".

    Parameters
    ----------
    results : dict
        Row label -> the dict returned by :func:`nnlearn.gradcheck.check_gradients`;
        all rows must have the same parameter names.
    threshold : float, default :data:`nnlearn.gradcheck.BUG_ABOVE`
    title : str

    Returns
    -------
    plotly.graph_objects.Figure
        A heat map and a legend entry; one rectangle shape per failing cell.
    """
    results = as_mapping(results, "results")
    threshold = check_scalar(threshold, "threshold", low=0.0, low_inclusive=False)
    rows = list(results)
    cols = list(results[rows[0]])
    for r in rows:
        if list(results[r]) != cols:
            raise ValueError(f"results[{r!r}] has parameters {list(results[r])}, "
                             f"expected {cols}")
    err = np.array([[results[r][c] for c in cols] for r in rows], dtype=np.float64)
    verdict = {BUG_ABOVE: "a bug", RIGHT_BELOW: "not clearly right"}.get(threshold, "flagged")
    name = f"relative error > {threshold:.0e}: {verdict}".replace("e-0", "e-")
    return heatmap(np.log10(np.maximum(err, 1e-16)), title=title, x_title="parameter array",
                   y_title="backward pass", x_labels=cols, y_labels=rows, zmin=-16, zmax=0,
                   text=[[_error_text(e) for e in row] for row in err],
                   colorbar_title="log₁₀ error", outline=list(zip(*np.nonzero(err > threshold),
                                                                 strict=True)),
                   outline_name=name, height=160 + 46 * len(rows))


def _error_text(e: float) -> str:
    """A relative error for a heat-map cell: 2 decimals when large, else its order."""
    if e == 0:
        return "0"
    return f"{e:.2f}" if e >= 1e-2 else f"{e:.0e}"


def _edge_values(weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> np.ndarray:
    """All weights and biases in the order of :func:`nnlearn.viz.network.edge_traces`."""
    return np.concatenate([np.concatenate([W.ravel(), b])
                           for W, b in zip(weights, biases, strict=True)])


def _frame_edges(names: Sequence[str], values: np.ndarray, weight_scale: float) -> list[dict]:
    """The changing part of the edge traces, as plain dicts: colour, width, hover text.

    Plain dicts skip plotly's validation, which would dominate the time to
    build an animation with hundreds of small traces.
    """
    out = []
    for name, value in zip(names, values, strict=True):
        color, width = network.edge_style(float(value), weight_scale)
        dash = "dot" if name.startswith("b") else "solid" if value >= 0 else "dash"
        out.append({"line": {"color": color, "width": round(width, 2), "dash": dash},
                    "marker": {"color": color}, "text": f"{name} = {value:.3g}"})
    return out


def training_animation(recorder: WeightRecorder, sizes: Sequence[int],
                       loss_curve: Sequence[float] | None = None, *, title: str | None,
                       loss_title: str = "training loss") -> go.Figure:
    """Animated network diagram whose edges follow the recorded weights, beside the loss.

    The left panel is :func:`nnlearn.viz.network.network_diagram` (edge
    colour = sign, width = magnitude, one fixed scale for all frames); the
    right panel is the loss curve with a marker at the frame's epoch. A frame
    replaces only the edge styles and moves the marker.

    Parameters
    ----------
    recorder : WeightRecorder
        With at least two recorded epochs.
    sizes : sequence of int
        The network's widths (must match the recorded weights).
    loss_curve : sequence of float, optional
        Loss of epochs 1, 2, ... (e.g. ``history.loss``) drawn as a line;
        default: the recorded losses only.
    title, loss_title : str
        Figure title and the loss axis title.

    Returns
    -------
    plotly.graph_objects.Figure
        With frames (one per recorded epoch), a play/pause button and a slider.
    """
    if not isinstance(recorder, WeightRecorder):
        raise TypeError(f"recorder must be a WeightRecorder, got {type(recorder).__name__}")
    if len(recorder) < 2:
        raise ValueError(f"recorder must hold at least 2 recorded epochs, got {len(recorder)}")
    scale = max(max(np.abs(v).max() for v in [*Ws, *bs])     # one edge width scale for all
                for Ws, bs in zip(recorder.weights, recorder.biases, strict=True)) or 1e-12
    fig = network.network_diagram(sizes, weights=recorder.weights[0], biases=recorder.biases[0],
                                  weight_scale=scale, title=title, x_domain=(0.0, 0.56))
    n_edges = network.n_edge_traces(network.network_layout(sizes), per_edge=True)
    epochs, losses = np.array(recorder.epochs), np.array(recorder.losses)
    curve_y = losses if loss_curve is None else as_float_array(loss_curve, "loss_curve", ndim=1)
    curve_x = epochs if loss_curve is None else np.arange(1, curve_y.size + 1)
    fig.add_trace(go.Scatter(x=curve_x, y=curve_y, mode="lines", xaxis="x2", yaxis="y2",
                             name="loss", showlegend=False, line=dict(color=COLORWAY[4])))
    fig.add_trace(go.Scatter(x=epochs[:1], y=losses[:1], mode="markers", xaxis="x2",
                             yaxis="y2", name="now", showlegend=False,
                             marker=dict(size=12, color=COLORWAY[3])))
    marker_index = len(fig.data) - 1
    # the padded epoch range keeps the marker inside the axes
    fig.update_layout(xaxis2=dict(domain=[0.66, 1.0], title="epoch", anchor="y2",
                                  range=padded_range(np.append(epochs, curve_x), 0.04)),
                      yaxis2=dict(title=loss_title, anchor="x2", rangemode="tozero"))
    header(fig, title, max(fig.layout.height, 460) + 90)
    play_controls(fig, [str(e) for e in epochs], active=0, prefix="epoch ", redraw=True,
                  frame_ms=150, y=-0.03, bottom=150)
    names = [t.text[0].split(" = ")[0] for t in fig.data[:n_edges]]
    frames = [{"name": str(e),
               "data": _frame_edges(names, _edge_values(Ws, bs), scale)
               + [{"x": [int(e)], "y": [float(loss)]}],
               "traces": list(range(n_edges)) + [marker_index]}
              for e, Ws, bs, loss in zip(epochs, recorder.weights, recorder.biases, losses,
                                         strict=True)]
    spec = fig.to_dict()
    spec["frames"] = frames
    return go.Figure(spec, _validate=False)
