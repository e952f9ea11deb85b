r"""Figures of networks: diagrams with weights, decision boundaries, batches in 3-D.

A *diagram* draws the units of a network ``sizes = [n_0, n_1, ..., n_D]`` as
circles in columns, layer :math:`l` at :math:`x = l`, unit :math:`j` of a layer
above unit :math:`j + 1`. An edge from unit :math:`k` of layer :math:`l - 1`
to unit :math:`j` of layer :math:`l` stands for the weight
:math:`W^{(l)}_{jk}`, the entry ``W[j - 1, k - 1]`` of the matrix of shape
``(n_l, n_{l-1})``. A *bias unit* above layer :math:`l - 1` outputs the
constant 1; its edge to unit :math:`j` of layer :math:`l` carries
:math:`b^{(l)}_j`, so the unit receives :math:`b^{(l)}_j \cdot 1`: the bias is
*added* to the weighted sum.

The pieces are separate so that an animation can reuse them:
:func:`network_layout` computes positions once, :func:`edge_traces` turns a
list of weight matrices into line traces (one per edge, always in the same
order), and :func:`network_diagram` puts the edge traces *first* in the
figure, so a frame that changes the weights is
``go.Frame(data=edge_traces(layout, Ws, bs, weight_scale=s), traces=list(range(n)))``
with ``n = n_edge_traces(layout, per_edge=True)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnlearn._checks import as_float_array, check_bool, check_layer_sizes, check_scalar
from nnlearn.viz.layout import as_labels, header, legend_entry
from nnlearn.viz.surface import scene
from nnlearn.viz.theme import COLORWAY, DIVERGING, tint

__all__ = ["NEGATIVE_COLOR", "NEUTRAL_COLOR", "POSITIVE_COLOR", "HIGHLIGHT_COLOR", "NetworkLayout",
           "batch_3d_figure", "arrow_trace", "edge_style", "edge_traces", "n_edge_traces",
           "network_diagram", "network_layout", "node_traces"]

#: Edge colour of a positive weight (blue).
POSITIVE_COLOR = COLORWAY[0]
#: Edge colour of a negative weight (orange).
NEGATIVE_COLOR = COLORWAY[1]
NEUTRAL_COLOR = COLORWAY[7]    # slate: an edge without a value
HIGHLIGHT_COLOR = COLORWAY[3]  # rose: edges into the layer being computed

_UNIT_GAP = 0.6          # vertical distance between neighbouring units (layers are 1 apart)
_UNIT_SIZE = 30.0        # marker diameter of a unit in pixels
_NOMINAL_WIDTH = 700.0   # typical width in pixels of a figure in the book's text column


# ----------------------------------------------------------------------------
# Layout
# ----------------------------------------------------------------------------

@dataclass(frozen=True)
class NetworkLayout:
    """Positions of the units of a network (in the plane of the figure).

    Attributes
    ----------
    sizes : tuple of int
        ``(n_0, ..., n_D)``.
    nodes : tuple of ndarray
        ``nodes[l]`` has shape ``(n_l, 2)``: the ``(x, y)`` of the units of
        layer :math:`l` (layer 0 is the input), unit 1 first (on top).
    bias_nodes : ndarray, shape (D, 2), or None
        ``bias_nodes[l - 1]`` is the bias unit drawn above layer :math:`l - 1`
        that feeds layer :math:`l`; None when the diagram has no bias units.
    """

    sizes: tuple[int, ...]
    nodes: tuple[np.ndarray, ...]
    bias_nodes: np.ndarray | None

    @property
    def depth(self) -> int:
        """Number of weight layers :math:`D` (``len(sizes) - 1``)."""
        return len(self.sizes) - 1

    def _check_layer(self, layer: int, name: str = "layer") -> int:
        return check_scalar(layer, name, low=1, high=self.depth, integer=True)

    def edges(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        r"""Start and end points of the edges of :math:`W^{(l)}`, ``layer`` = :math:`l`.

        Both arrays have shape ``(n_l * n_{l-1}, 2)``, in the order of
        ``W.ravel()``: row ``j * n_{l-1} + k`` is the edge from unit ``k`` of
        layer :math:`l-1` to unit ``j`` of layer :math:`l` (counting from 0).
        """
        layer = self._check_layer(layer)
        src, dst = self.nodes[layer - 1], self.nodes[layer]
        return np.tile(src, (len(dst), 1)), np.repeat(dst, len(src), axis=0)

    def bias_edges(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        r"""Start and end points of the edges of :math:`b^{(l)}`, shape ``(n_l, 2)`` each."""
        layer = self._check_layer(layer)
        if self.bias_nodes is None:
            raise ValueError("this layout has no bias units: build it with bias=True")
        dst = self.nodes[layer]
        return np.tile(self.bias_nodes[layer - 1], (len(dst), 1)), dst.copy()


def _check_sizes(sizes) -> tuple[int, ...]:
    """Layer widths of a network small enough to draw (at most 64 units per layer)."""
    sizes = tuple(check_layer_sizes(sizes))
    if max(sizes) > 64 or len(sizes) > 32:
        raise ValueError(f"sizes must have at most 32 layers of at most 64 units to be "
                         f"drawn, got {len(sizes)} layers, widest {max(sizes)}")
    return sizes


def network_layout(sizes: Sequence[int], bias: bool = True) -> NetworkLayout:
    """Place the units of a network with layer widths ``sizes``.

    Layer :math:`l` is the column :math:`x = l`; its units are spaced 0.6
    apart and centred on :math:`y = 0`. With ``bias=True`` every layer but
    the last gets a bias unit 0.6 above its top unit.

    Parameters
    ----------
    sizes : sequence of int, length >= 2
        ``[n_0, n_1, ..., n_D]``, input first.
    bias : bool, default True
        Add bias units.

    Returns
    -------
    NetworkLayout
    """
    sizes = _check_sizes(sizes)
    bias = check_bool(bias, "bias")
    nodes = tuple(np.column_stack([np.full(n, float(layer)),
                                   _UNIT_GAP * ((n - 1) / 2 - np.arange(n))])
                  for layer, n in enumerate(sizes))
    bias_nodes = np.array([[layer, _UNIT_GAP * ((n - 1) / 2 + 1)]
                           for layer, n in enumerate(sizes[:-1])]) if bias else None
    return NetworkLayout(sizes, nodes, bias_nodes)


# ----------------------------------------------------------------------------
# Edges
# ----------------------------------------------------------------------------

def edge_style(value: float, weight_scale: float, min_width: float = 0.6,
               max_width: float = 7.0) -> tuple[str, float]:
    """Colour and width of an edge carrying ``value``.

    Colour: :data:`POSITIVE_COLOR` for ``value >= 0``, :data:`NEGATIVE_COLOR`
    otherwise. Width grows linearly with the magnitude,
    ``min_width + (max_width - min_width) * min(|value| / weight_scale, 1)``.

    Parameters
    ----------
    value : float
        The weight (or bias).
    weight_scale : float
        Magnitude drawn at ``max_width`` (> 0); larger values are clipped.
    min_width, max_width : float
        Line widths in pixels.

    Returns
    -------
    (str, float)
        ``(color, width)``.
    """
    value = check_scalar(value, "value")
    weight_scale = check_scalar(weight_scale, "weight_scale", low=0.0, low_inclusive=False)
    width = min_width + (max_width - min_width) * min(abs(value) / weight_scale, 1.0)
    return POSITIVE_COLOR if value >= 0 else NEGATIVE_COLOR, width


def _check_matrices(values, layout: NetworkLayout, name: str, bias: bool) -> list[np.ndarray]:
    """Check a list of W (or b) arrays against the layer sizes of ``layout``."""
    if isinstance(values, np.ndarray) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a list with one array per layer, "
                        f"got {type(values).__name__}")
    if len(values) != layout.depth:
        raise ValueError(f"{name} must hold {layout.depth} arrays (one per layer), "
                         f"got {len(values)}")
    out = [as_float_array(v, f"{name}[{i}]") for i, v in enumerate(values)]
    for i, arr in enumerate(out):
        expected = (layout.sizes[i + 1],) if bias else (layout.sizes[i + 1], layout.sizes[i])
        if arr.shape != expected:
            raise ValueError(f"{name}[{i}] must have shape {expected} for sizes "
                             f"{list(layout.sizes)}, got {arr.shape}")
    return out


def _arrow_points(start: np.ndarray, end: np.ndarray, gap: float, start_gap: float = 0.0,
                  aspect: float = 1.0) -> np.ndarray:
    """Points (tail, midpoint, tip) for every edge, shape ``(E, 3, 2)``.

    The tail starts ``start_gap`` after ``start`` and the tip stops ``gap``
    before ``end``, both measured as on screen: a y-unit is drawn ``aspect``
    times as long as an x-unit, so the gaps look the same in every direction.
    """
    vec = end - start
    length = np.hypot(vec[:, 0], aspect * vec[:, 1])[:, None]
    unit = vec / np.maximum(length, 1e-12)
    tail = start + start_gap * unit
    tip = end - gap * unit
    return np.stack([tail, (tail + tip) / 2, tip], axis=1)


def n_edge_traces(layout: NetworkLayout, per_edge: bool = True) -> int:
    """Number of traces :func:`edge_traces` returns for ``layout``.

    ``per_edge=True`` (weights given): one per weight and bias edge,
    :math:`\\sum_l n_l (n_{l-1} + 1)` with bias units. ``per_edge=False``: two
    per layer with bias units (weights, biases), one without.
    """
    has_bias = layout.bias_nodes is not None
    if not check_bool(per_edge, "per_edge"):
        return layout.depth * (2 if has_bias else 1)
    return sum(n_out * (n_in + has_bias)
               for n_in, n_out in zip(layout.sizes[:-1], layout.sizes[1:], strict=True))


def _edge_trace(points: np.ndarray, color: str, width: float, opacity: float,
                hover: Sequence[str] | None, name: str, dash: str | None = None) -> go.Scatter:
    """One line trace through ``points`` (shape (E, 3, 2)), None between edges."""
    n = points.shape[0]
    xy = np.concatenate([points, np.full((n, 1, 2), np.nan)], axis=1).reshape(-1, 2)[:-1]
    size = np.tile([0, 0, 9, 0], n)[:-1]
    text = None if hover is None else [h for h in hover for _ in range(4)][:-1]
    return go.Scatter(
        x=xy[:, 0], y=xy[:, 1], mode="lines+markers", name=name, showlegend=False,
        line=dict(color=color, width=width, dash=dash), opacity=opacity,
        marker=dict(symbol="arrow", angleref="previous", size=size, color=color),
        hoverinfo="text" if hover is not None else "skip",
        text=text, connectgaps=False)


def arrow_trace(start: np.ndarray, end: np.ndarray, color: str, width: float, *,
                gap: float = 0.0, start_gap: float = 0.0, name: str = "edges") -> go.Scatter:
    """Arrows from the points ``start`` to ``end`` (shape (E, 2) each) as one line trace.

    Each arrow starts ``start_gap`` after its start and its head stops ``gap``
    before its end point (in x-units).
    """
    return _edge_trace(_arrow_points(start, end, gap, start_gap), color, width, 1.0, None, name)


def _check_highlight(layout: NetworkLayout, highlight: int | None) -> int | None:
    """``highlight`` checked as a layer of ``layout`` (None stays None)."""
    if not isinstance(layout, NetworkLayout):
        raise TypeError(f"layout must be a NetworkLayout, got {type(layout).__name__}")
    return None if highlight is None else layout._check_layer(highlight, "highlight")


def edge_traces(layout: NetworkLayout, weights=None, biases=None, highlight: int | None = None,
                weight_scale: float | None = None, gap: float = 0.16,
                start_gap: float = 0.0, aspect: float = 1.0) -> list[go.Scatter]:
    r"""Line traces for the edges of a network, arrow heads at the receiving unit.

    Without ``weights`` the edges of each layer form one trace (and the bias
    edges of each layer another, dashed). With ``weights`` every edge is its
    own trace, styled by :func:`edge_style` (colour = sign, width =
    magnitude) and showing its value on hover, in this order: for
    :math:`l = 1, \dots, D`, the edges of :math:`W^{(l)}` in the order of
    ``W.ravel()``, then those of :math:`b^{(l)}`. The count and order never
    depend on the values, so animation frames can replace them one for one.

    Parameters
    ----------
    layout : NetworkLayout
        From :func:`network_layout`.
    weights : list of ndarray, optional
        ``weights[l - 1]`` is :math:`W^{(l)}`, shape ``(n_l, n_{l-1})``
        (for example ``[layer.W for layer in mlp.dense_layers]``).
    biases : list of ndarray, optional
        ``biases[l - 1]`` is :math:`b^{(l)}`, shape ``(n_l,)``. Needs
        ``weights``; without it bias edges are drawn neutral.
    highlight : int, optional
        Layer :math:`l` whose incoming edges (:math:`W^{(l)}` and
        :math:`b^{(l)}`) are emphasised; the others are faded.
    weight_scale : float, optional
        Magnitude drawn at full width; default the largest :math:`|w|` given.
        Fix it across the frames of an animation.
    gap : float, default 0.16
        Distance (in x-units of the layout) between an arrow tip and the
        centre of the unit it points to.
    start_gap : float, default 0.0
        Distance between the centre of the sending unit and the arrow's tail.
    aspect : float, default 1.0
        How many times longer a y-unit is than an x-unit on screen (for
        :func:`network_diagram` it follows from the figure size), so that
        the gaps look equal for every direction.

    Returns
    -------
    list of plotly.graph_objects.Scatter
        :func:`n_edge_traces` ``(layout, per_edge=weights is not None)`` traces.
    """
    highlight = _check_highlight(layout, highlight)
    has_bias = layout.bias_nodes is not None
    gap = check_scalar(gap, "gap", low=0.0)
    start_gap = check_scalar(start_gap, "start_gap", low=0.0)
    aspect = check_scalar(aspect, "aspect", low=0.0, low_inclusive=False)
    if biases is not None and (weights is None or not has_bias):
        raise ValueError("biases need weights=[W1, W2, ...] too, and a layout with bias units")
    Ws = None if weights is None else _check_matrices(weights, layout, "weights", bias=False)
    bs = None if biases is None else _check_matrices(biases, layout, "biases", bias=True)
    if Ws is not None and weight_scale is None:       # edge_style checks a given one
        weight_scale = max(max(np.abs(v).max() for v in Ws + (bs or [])), 1e-12)
    traces = []
    for layer in range(1, layout.depth + 1):
        n_out, n_in = layout.sizes[layer], layout.sizes[layer - 1]
        pts = _arrow_points(*layout.edges(layer), gap, start_gap, aspect)
        bias_pts = _arrow_points(*layout.bias_edges(layer), gap, start_gap, aspect) \
            if has_bias else np.zeros((0, 3, 2))
        w_names = [f"W<sup>({layer})</sup><sub>{j + 1}{k + 1}</sub>" for j in range(n_out)
                   for k in range(n_in)]
        b_names = [f"b<sup>({layer})</sup><sub>{j + 1}</sub>" for j in range(len(bias_pts))]
        if Ws is None:                     # no values: one trace per layer (and its biases)
            color, width = (HIGHLIGHT_COLOR, 2.6) if highlight == layer else (NEUTRAL_COLOR, 1.2)
            opacity = 1.0 if highlight in (None, layer) else 0.35
            traces.append(_edge_trace(pts, color, width, opacity, w_names, f"W{layer}"))
            if has_bias:
                traces.append(_edge_trace(bias_pts, color, width, opacity, b_names, f"b{layer}",
                                          dash="dot"))
            continue
        opacity = 1.0 if highlight in (None, layer) else 0.2
        for e, w in enumerate(Ws[layer - 1].ravel()):
            color, width = edge_style(w, weight_scale)
            traces.append(_edge_trace(pts[e:e + 1], color, width, opacity,
                                      [f"{w_names[e]} = {w:.3g}"],
                                      f"W{layer}[{e // n_in},{e % n_in}]",
                                      dash="solid" if w >= 0 else "dash"))
        for j, name in enumerate(b_names):
            if bs is None:                 # bias edges without values: neutral
                color, width, hover = NEUTRAL_COLOR, 1.2, name
            else:
                color, width = edge_style(bs[layer - 1][j], weight_scale)
                hover = f"{name} = {bs[layer - 1][j]:.3g}"
            traces.append(_edge_trace(bias_pts[j:j + 1], color, width, opacity, [hover],
                                      f"b{layer}[{j}]", dash="dot"))
    return traces


# ----------------------------------------------------------------------------
# Units and the whole diagram
# ----------------------------------------------------------------------------

def _unit_label(layer: int, j: int, depth: int, n_out: int) -> tuple[str, str]:
    """(label drawn inside the unit, hover text)."""
    if layer == 0:
        return f"x<sub>{j + 1}</sub>", f"input x<sub>{j + 1}</sub>"
    if layer == depth:
        label = "ŷ" if n_out == 1 else f"ŷ<sub>{j + 1}</sub>"
        return label, (f"output unit {j + 1} of layer {layer}: z<sup>({layer})</sup>"
                       f"<sub>{j + 1}</sub> (no activation: a prediction or a logit)")
    name = f"a<sup>({layer})</sup><sub>{j + 1}</sub>"
    return "", f"unit {j + 1} of layer {layer}: {name} = f(z<sup>({layer})</sup><sub>{j + 1}</sub>)"


def node_traces(layout: NetworkLayout, highlight: int | None = None,
                size: float = 30.0) -> list[go.Scatter]:
    """Marker traces for the units and (if any) the bias units.

    Units are tinted circles labelled :math:`x_k` (inputs) and
    :math:`\\hat y_j` (outputs); bias units are squares labelled 1. With
    ``highlight = l`` the units of layer :math:`l` get a thick rim.

    Returns
    -------
    list of plotly.graph_objects.Scatter
        ``[units]`` or ``[units, bias units]``.
    """
    highlight = _check_highlight(layout, highlight)
    depth = layout.depth
    xy = np.concatenate(layout.nodes)
    units = [(layer, j, n) for layer, n in enumerate(layout.sizes) for j in range(n)]
    labels, hovers = zip(*(_unit_label(layer, j, depth, n) for layer, j, n in units),
                         strict=True)
    on = np.array([layer == highlight for layer, _, _ in units])
    rims, rim_widths = np.where(on, HIGHLIGHT_COLOR, COLORWAY[0]), np.where(on, 3.5, 1.5)
    common = dict(mode="markers+text", hoverinfo="text", textposition="middle center",
                  showlegend=False)
    traces = [go.Scatter(x=xy[:, 0], y=xy[:, 1], text=labels, hovertext=hovers, name="units",
                         marker=dict(size=size, color=tint(COLORWAY[0], 0.16),
                                     line=dict(color=rims, width=rim_widths)), **common)]
    if layout.bias_nodes is not None:
        traces.append(go.Scatter(
            x=layout.bias_nodes[:, 0], y=layout.bias_nodes[:, 1], text=["1"] * depth,
            hovertext=[f"bias unit: outputs 1, its edges carry b<sup>({layer + 1})</sup>"
                       for layer in range(depth)], name="bias units", **common,
            marker=dict(symbol="square", size=size * 0.8, color=tint(NEUTRAL_COLOR, 0.16),
                        line=dict(color=NEUTRAL_COLOR, width=1.5))))
    return traces


def _legend_entries(weights_given: bool, highlight: int | None,
                    has_bias: bool) -> list[go.Scatter]:
    """Invisible traces that only make legend entries."""
    entries = []
    if weights_given:
        entries += [("positive weight", POSITIVE_COLOR, None),
                    ("negative weight", NEGATIVE_COLOR, "dash")]
    elif highlight is not None:
        entries.append((f"edges into layer {highlight}", HIGHLIGHT_COLOR, None))
    if has_bias:
        entries.append(("bias edge (weight b, input 1)", NEUTRAL_COLOR, "dot"))
    return [legend_entry(name, "lines", line=dict(color=color, width=3, dash=dash))
            for name, color, dash in entries]


def network_diagram(sizes: Sequence[int], *, title: str | None, bias: bool = True,
                    highlight: int | None = None, weights=None, biases=None,
                    weight_scale: float | None = None,
                    x_domain: tuple[float, float] = (0.0, 1.0)) -> go.Figure:
    r"""Diagram of a fully connected network with widths ``sizes``.

    Units are circles (inputs :math:`x_k`, outputs :math:`\hat y_j`), bias
    units are squares that output 1, and every edge ends in an arrow head at
    the unit that receives it. Each layer is captioned with its width
    :math:`n_l`.

    Parameters
    ----------
    sizes : sequence of int
        ``[n_0, ..., n_D]``.
    bias : bool, default True
        Draw bias units and their (dotted) edges.
    highlight : int, optional
        Emphasise layer :math:`l`: the edges entering it (the product
        :math:`W^{(l)} a^{(l-1)} + b^{(l)}` being computed) and its units.
    weights, biases : list of ndarray, optional
        :math:`W^{(l)}` of shape ``(n_l, n_{l-1})`` and :math:`b^{(l)}` of
        shape ``(n_l,)``; edges then show sign (colour) and magnitude (width),
        see :func:`edge_traces`.
    title : str or None
        Figure title.
    weight_scale : float, optional
        Magnitude drawn at full width (default: the largest given).
    x_domain : (float, float), default (0, 1)
        Horizontal part of the figure the diagram occupies (e.g. ``(0, 0.55)``
        to leave room for a second panel); the arrow heads are placed for it.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces in order: the :func:`edge_traces`, the :func:`node_traces`,
        then legend entries. The axes are hidden (positions carry no unit).
    """
    layout = network_layout(sizes, bias=bias)
    if len(x_domain) != 2 or not 0.0 <= x_domain[0] < x_domain[1] <= 1.0:
        raise ValueError(f"x_domain must be (start, end) with 0 <= start < end <= 1, "
                         f"got {x_domain!r}")
    y_low = min(float(units[:, 1].min()) for units in layout.nodes)   # the bias units are on top
    y_high = float(layout.bias_nodes[:, 1].max()) if bias else -y_low
    x_range, y_range = [-0.45, layout.depth + 0.45], [y_low - 1.0, y_high + 0.4]
    height = int(170 + 62 * (max(max(layout.sizes), 2) + (1 if bias else 0)))
    # Pixels per layout unit on a page of the usual width (the margins take 40 px
    # across and about 110 px down), to keep arrow tips just outside the unit
    # circles whatever the direction of the edge.
    px_x = (_NOMINAL_WIDTH - 40) * (x_domain[1] - x_domain[0]) / (x_range[1] - x_range[0])
    px_y = (height - 110) / (y_range[1] - y_range[0])
    traces = edge_traces(layout, weights, biases, highlight, weight_scale,
                         gap=(_UNIT_SIZE / 2 + 4) / px_x, start_gap=(_UNIT_SIZE / 2 + 1) / px_x,
                         aspect=px_y / px_x)
    traces += node_traces(layout, highlight, size=_UNIT_SIZE)
    traces += _legend_entries(weights is not None, highlight, layout.bias_nodes is not None)
    fig = go.Figure(traces)
    for layer, n in enumerate(layout.sizes):       # captions: kind of layer and width
        kind = "input" if layer == 0 else "output" if layer == layout.depth else f"hidden {layer}"
        fig.add_annotation(x=layer, y=y_low - 0.35, yanchor="top", showarrow=False,
                           text=f"{kind}<br>n<sub>{layer}</sub> = {n}")
    fig.update_layout(
        xaxis=dict(visible=False, range=x_range, fixedrange=True, domain=list(x_domain)),
        yaxis=dict(visible=False, range=y_range, fixedrange=True),
        margin=dict(l=20, r=20), hovermode="closest")
    return header(fig, title, height, bottom=20)


# ----------------------------------------------------------------------------
# A batch in 3-D
# ----------------------------------------------------------------------------

def batch_3d_figure(activations, *, title: str | None, layer_names: Sequence[str] | None = None,
                    edges: bool = True) -> go.Figure:
    r"""A batch flowing through a network, one sample per slice.

    Every sample :math:`i` of the batch is a copy of the network diagram
    standing in the slice "sample = :math:`i`": unit :math:`j` of layer
    :math:`l` is a marker at (layer :math:`l`, sample :math:`i`, height of unit
    :math:`j`) coloured by its value ``activations[l][i, j]``. So the matrix
    :math:`A^{(l)}` of shape ``(B, n_l)`` is the wall of markers at layer
    :math:`l`: one row (sample) per slice, one column (unit) per height.

    Parameters
    ----------
    activations : sequence of ndarray
        ``activations[l]`` has shape ``(B, n_l)`` (the same ``B`` for every
        layer), e.g. the second value of ``MLP.forward_trace(X)``.
    title : str
    layer_names : sequence of str, optional
        Tick labels of the layer axis (default :math:`A^{(l)}`).
    edges : bool, default True
        Draw the network's edges faintly in every slice.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: the edges (if drawn), then one marker trace per layer sharing
        one diverging colour axis centred on 0. Scene axes: x = layer,
        y = sample, z = unit.
    """
    if isinstance(activations, np.ndarray) or not isinstance(activations, Sequence):
        raise TypeError(f"activations must be a list of (B, n_l) arrays, "
                        f"got {type(activations).__name__}")
    acts = [as_float_array(a, f"activations[{i}]", ndim=2) for i, a in enumerate(activations)]
    if len(acts) < 2:
        raise ValueError(f"activations must hold at least 2 layers, got {len(acts)}")
    batch = acts[0].shape[0]
    for i, a in enumerate(acts):
        if a.shape[0] != batch:
            raise ValueError(f"activations[{i}] must have {batch} rows like activations[0], "
                             f"got shape {a.shape}")
    names = as_labels(layer_names, len(acts), "layer_names",
                      [f"A<sup>({k})</sup>" for k in range(len(acts))])
    lay = network_layout([a.shape[1] for a in acts], bias=False)
    samples = np.arange(1.0, batch + 1)
    traces = []
    if check_bool(edges, "edges"):   # each edge in each slice: (start, end, gap), (layer, unit)
        start, end = (np.concatenate(p) for p in zip(*map(lay.edges, range(1, lay.depth + 1)),
                                                      strict=True))
        seg = np.tile(np.stack([start, end, np.full_like(start, np.nan)], axis=1), (batch, 1, 1))
        traces.append(go.Scatter3d(x=seg[..., 0].ravel(), y=np.repeat(samples, 3 * len(start)),
                                   z=seg[..., 1].ravel(), mode="lines", opacity=0.35,
                                   line=dict(color=NEUTRAL_COLOR, width=1.5),
                                   hoverinfo="skip", name="edges", showlegend=False))
    vmax = max(float(np.abs(a).max()) for a in acts) or 1.0
    for layer, a in enumerate(acts):
        pos = lay.nodes[layer]
        traces.append(go.Scatter3d(
            x=np.tile(pos[:, 0], batch), y=np.repeat(samples, a.shape[1]),
            z=np.tile(pos[:, 1], batch), mode="markers", name=names[layer],
            hovertext=[f"sample {i + 1}, unit {j + 1}: {v:.3g}" for (i, j), v in np.ndenumerate(a)],
            hoverinfo="text+name", showlegend=False,
            marker=dict(size=7, color=a.ravel(), coloraxis="coloraxis",
                        line=dict(color=NEUTRAL_COLOR, width=1))))
    fig = go.Figure(traces)
    fig.update_layout(coloraxis=dict(colorscale=DIVERGING, cmin=-vmax, cmax=vmax, colorbar=dict(
        title=dict(text="value<br>(unitless)"), len=0.6)))
    fig.update_scenes(xaxis=dict(tickvals=list(range(len(acts))), ticktext=names),
                      yaxis=dict(tickvals=samples.tolist(), autorange="reversed"),
                      zaxis_showticklabels=False, camera_center=dict(x=0, y=0, z=-0.1))
    return scene(fig, title=title, titles=("layer", "sample i (row)", "unit j"), height=540,
                 eye=(-2.0, 1.35, 1.0), aspect=(1.0, 1.8, 1.0))
