r"""Figures for regularization and initialization.

- :func:`loss_curves`: training and validation loss of several runs, epoch by
  epoch (overfitting is the gap between them);
- :func:`weight_histograms`: the distribution of the weights of several
  models (L1 piles them up at zero, L2 shrinks them);
- :func:`layer_statistics_figure`: the standard deviation of the activations
  (forward) and of the error signals :math:`\delta^{(l)}` (backward) through
  a deep network, one line per initialization (from
  :func:`nnlearn.diagnostics.layer_statistics`);
- :func:`activation_histograms`: an animation over the layers of a deep
  network, showing how the distribution of the activations changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnlearn._checks import as_float_array, check_scalar
from nnlearn.viz.theme import COLORWAY

__all__ = [
    "activation_histograms",
    "layer_statistics_figure",
    "loss_curves",
    "weight_histograms",
]


def _check_mapping(value, name: str) -> Mapping:
    if not isinstance(value, Mapping) or not value:
        raise TypeError(f"{name} must be a non-empty dict (name -> data), got "
                        f"{type(value).__name__}" + (" (empty)" if isinstance(value, Mapping)
                                                     else ""))
    return value


def _color(i: int) -> str:
    return COLORWAY[i % len(COLORWAY)]


# ----------------------------------------------------------------------------
# Training curves
# ----------------------------------------------------------------------------

def loss_curves(curves: Mapping[str, tuple], title: str,
                yaxis_title: str = "loss (unitless)", markers: Mapping[str, int] | None = None,
                log_y: bool = False, height: int = 430) -> go.Figure:
    """Training (dashed) and validation (solid) loss per epoch, one colour per run.

    Parameters
    ----------
    curves : dict of str to (array_like, array_like)
        ``name -> (train, val)``: the losses of each epoch, epoch 1 first.
        ``val`` may be ``None`` (training curve only). Runs may differ in
        length (a run stopped early is shorter).
    title : str
    yaxis_title : str, default "loss (unitless)"
    markers : dict of str to int, optional
        ``name -> epoch`` (counting from 1): a ringed marker on that run's
        validation curve, e.g. the best epoch of early stopping.
    log_y : bool, default False
        Logarithmic loss axis.
    height : int, default 430

    Returns
    -------
    plotly.graph_objects.Figure
        Per run: the training trace, then the validation trace (if given);
        then one marker trace per entry of ``markers``.
    """
    curves = _check_mapping(curves, "curves")
    markers = {} if markers is None else dict(markers)
    fig = go.Figure()
    vals = {}
    for i, (name, pair) in enumerate(curves.items()):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"curves[{name!r}] must be a pair (train, val), got {pair!r}")
        train = as_float_array(pair[0], f"curves[{name!r}] train", ndim=1)
        color = _color(i)
        fig.add_trace(go.Scatter(x=np.arange(1, len(train) + 1), y=train, mode="lines",
                                 name=f"{name}: training", legendgroup=name,
                                 line=dict(color=color, dash="dash", width=1.8)))
        if pair[1] is not None:
            val = as_float_array(pair[1], f"curves[{name!r}] val", ndim=1)
            vals[name] = (val, color)
            fig.add_trace(go.Scatter(x=np.arange(1, len(val) + 1), y=val, mode="lines",
                                     name=f"{name}: validation", legendgroup=name,
                                     line=dict(color=color, width=2.6)))
    for name, epoch in markers.items():
        if name not in vals:
            raise ValueError(f"markers[{name!r}] needs a run {name!r} with a validation curve; "
                             f"runs with one: {sorted(vals)}")
        val, color = vals[name]
        epoch = check_scalar(epoch, f"markers[{name!r}]", low=1, high=len(val), integer=True)
        fig.add_trace(go.Scatter(
            x=[epoch], y=[val[epoch - 1]], mode="markers", legendgroup=name,
            name=f"{name}: epoch {epoch}",
            marker=dict(size=13, color="rgba(0,0,0,0)", line=dict(color=color, width=3))))
    longest = max(len(trace.x) for trace in fig.data)
    fig.update_xaxes(range=[0, longest + 0.5])
    fig.update_layout(title=title, height=height, xaxis_title="epoch (count)",
                      yaxis_title=yaxis_title, hovermode="x unified",
                      legend=dict(orientation="h", x=0.0, y=-0.2, yanchor="top"),
                      margin=dict(b=110))
    if log_y:
        fig.update_yaxes(type="log")
    return fig


# ----------------------------------------------------------------------------
# Weight histograms
# ----------------------------------------------------------------------------

def weight_histograms(weights: Mapping[str, object], title: str, bins: int = 61,
                      value_range: tuple[float, float] | None = None, log_y: bool = False,
                      xaxis_title: str = "weight value (unitless)",
                      height: int = 420) -> go.Figure:
    """Histograms (as step lines) of the weights of several models, on common bins.

    The counts are computed here with ``numpy.histogram``, so the figure
    stores ``bins`` numbers per model, not every weight.

    Parameters
    ----------
    weights : dict of str to array_like or list of array_like
        ``name -> weights``; a list of arrays (e.g. all weight matrices of a
        network) is pooled.
    title : str
    bins : int, default 61
        Number of equal-width bins (>= 2).
    value_range : (float, float), optional
        Range of the bins; default: symmetric around 0, up to the largest
        absolute weight.
    log_y : bool, default False
        Logarithmic count axis; empty bins are then drawn below the visible
        range (at 0.01), so the outline drops out of the plot there.
    xaxis_title : str
    height : int, default 420

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per model, y = number of weights in each bin.
    """
    weights = _check_mapping(weights, "weights")
    bins = check_scalar(bins, "bins", low=2, integer=True)
    pooled = {}
    for name, w in weights.items():
        parts = w if isinstance(w, (list, tuple)) else [w]
        flat = [as_float_array(p, f"weights[{name!r}]").ravel() for p in parts]
        pooled[name] = np.concatenate(flat) if flat else np.zeros(0)
        if pooled[name].size == 0:
            raise ValueError(f"weights[{name!r}] must hold at least one value")
    if value_range is None:
        top = max(float(np.max(np.abs(v))) for v in pooled.values()) or 1.0
        value_range = (-top, top)
    low = check_scalar(value_range[0], "value_range[0]")
    high = check_scalar(value_range[1], "value_range[1]")
    if not low < high:
        raise ValueError(f"value_range must satisfy low < high, got {value_range!r}")
    edges = np.linspace(low, high, bins + 1)
    centres = 0.5 * (edges[:-1] + edges[1:])
    fig = go.Figure()
    top = 1
    for i, (name, values) in enumerate(pooled.items()):
        counts, _ = np.histogram(values, bins=edges)
        top = max(top, int(counts.max()))
        # On a log axis an empty bin is drawn at 0.01, below the visible range,
        # so the outline drops out of the plot and even a lone count of 1 shows.
        y = np.where(counts > 0, counts, 0.01) if log_y else counts
        fig.add_trace(go.Scatter(x=centres, y=y, mode="lines", line_shape="hvh",
                                 name=f"{name} ({values.size} weights)",
                                 line=dict(color=_color(i), width=2.2)))
    fig.update_layout(title=title, height=height, xaxis_title=xaxis_title,
                      yaxis_title="number of weights (count)",
                      legend=dict(orientation="h", x=0.0, y=-0.2, yanchor="top"),
                      margin=dict(b=100))
    if log_y:
        fig.update_yaxes(type="log", range=[np.log10(0.7), np.log10(2.0 * top)])
    return fig


# ----------------------------------------------------------------------------
# Signals through a deep network
# ----------------------------------------------------------------------------

def layer_statistics_figure(stats: Mapping[str, Mapping[str, np.ndarray]], title: str,
                            height: int = 440) -> go.Figure:
    r"""Standard deviation of activations and of error signals per layer, one line per run.

    Left panel: :math:`\operatorname{std}(\mathbf{A}^{(l)})` of the hidden
    layers :math:`l = 1, \dots, D-1` (forward). Right panel:
    :math:`\operatorname{std}(\boldsymbol\delta^{(l)})` of all layers
    :math:`l = 1, \dots, D` (backward: the output layer :math:`D` is where
    backpropagation starts). Both on a logarithmic axis, so a constant factor
    per layer is a straight line.

    Parameters
    ----------
    stats : dict of str to dict
        ``name -> layer_statistics(...)`` (keys ``"layer"``,
        ``"activation_std"``, ``"delta_std"`` are used).
    title : str
    height : int, default 440

    Returns
    -------
    plotly.graph_objects.Figure
        Two traces per run: activations (left), then deltas (right).
    """
    stats = _check_mapping(stats, "stats")
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12, subplot_titles=(
        "forward: std of activations A⁽ˡ⁾", "backward: std of error signals δ⁽ˡ⁾"))
    for i, (name, s) in enumerate(stats.items()):
        missing = {"layer", "activation_std", "delta_std"} - set(s)
        if missing:
            raise ValueError(f"stats[{name!r}] is missing keys {sorted(missing)}")
        layer = np.asarray(s["layer"])
        # Entries that are exactly 0 (signal died out) cannot go on a log axis: leave gaps.
        act = np.asarray(s["activation_std"], dtype=np.float64)[:-1]
        delta = np.asarray(s["delta_std"], dtype=np.float64)
        act = np.where(act > 0, act, np.nan)
        delta = np.where(delta > 0, delta, np.nan)
        style = dict(mode="lines+markers", legendgroup=name,
                     line=dict(color=_color(i), width=2.2), marker=dict(size=5))
        fig.add_trace(go.Scatter(x=layer[:-1], y=act, name=name, **style), row=1, col=1)
        fig.add_trace(go.Scatter(x=layer, y=delta, name=name, showlegend=False, **style),
                      row=1, col=2)
    fig.update_xaxes(title_text="layer l (hidden layers)", row=1, col=1)
    fig.update_xaxes(title_text="layer l (all layers)", row=1, col=2)
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=1,
                     title_text="standard deviation (unitless, log scale)")
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=2)
    fig.update_layout(title=title, height=height,
                      legend=dict(orientation="h", x=0.0, y=-0.2, yanchor="top"),
                      margin=dict(b=100, t=90))
    return fig


def _fractions(a, edges: np.ndarray, name: str) -> np.ndarray:
    """Fraction of the entries of ``a`` in each bin; values outside go to the end bins."""
    a = as_float_array(a, name).ravel()
    if a.size == 0:
        raise ValueError(f"{name} must hold at least one value")
    counts, _ = np.histogram(np.clip(a, edges[0], edges[-1]), bins=edges)
    return counts / a.size


def activation_histograms(activations: Mapping[str, Sequence[np.ndarray]], title: str,
                          bins: int = 40, value_range: tuple[float, float] = (-1.0, 1.0),
                          xaxis_title: str = "activation value (unitless)",
                          height: int = 520) -> go.Figure:
    """Animated histograms of the activations, one frame per layer, one line per run.

    Every run is a network of the same depth; frame :math:`l` shows the
    distribution of all entries of :math:`\\mathbf{A}^{(l)}` (all samples and
    units), as the fraction of entries per bin, so runs of any width compare.
    Values outside ``value_range`` are counted in the first or last bin.

    Parameters
    ----------
    activations : dict of str to list of ndarray
        ``name -> [A1, A2, ..., A_m]``: the activations of layers 1 to m,
        e.g. ``model.forward_trace(X)[1][1:-1]`` (the hidden layers).
    title : str
    bins : int, default 40
    value_range : (float, float), default (-1, 1)
        The range of tanh.
    xaxis_title : str
    height : int, default 520

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per run; ``frames[l - 1]`` restyles them for layer l; a
        play button and a slider over the layers.
    """
    activations = _check_mapping(activations, "activations")
    bins = check_scalar(bins, "bins", low=2, integer=True)
    low = check_scalar(value_range[0], "value_range[0]")
    high = check_scalar(value_range[1], "value_range[1]")
    if not low < high:
        raise ValueError(f"value_range must satisfy low < high, got {value_range!r}")
    depths = {name: len(layers) for name, layers in activations.items()}
    if len(set(depths.values())) != 1 or 0 in depths.values():
        raise ValueError(f"activations must hold the same number (>= 1) of layers for every "
                         f"run, got {depths}")
    n_layers = next(iter(depths.values()))
    edges = np.linspace(low, high, bins + 1)
    centres = 0.5 * (edges[:-1] + edges[1:])

    table = {name: [_fractions(a, edges, f"activations[{name!r}][{i}]")
                    for i, a in enumerate(layers)]
             for name, layers in activations.items()}
    top = max(float(np.max(f)) for runs in table.values() for f in runs)
    fig = go.Figure([go.Scatter(x=centres, y=runs[0], name=name, mode="lines",
                                line_shape="hvh", line=dict(color=_color(i), width=2.4))
                     for i, (name, runs) in enumerate(table.items())])
    fig.frames = [go.Frame(name=str(layer + 1), data=[go.Scatter(y=runs[layer])
                                                      for runs in table.values()],
                           traces=list(range(len(table))))
                  for layer in range(n_layers)]
    step_args = dict(mode="immediate", frame=dict(duration=0, redraw=False),
                     transition=dict(duration=0))
    fig.update_layout(
        title=title, height=height, xaxis_title=xaxis_title,
        yaxis=dict(title="fraction of entries per bin (unitless)", range=[0, 1.05 * top]),
        legend=dict(orientation="h", x=0.0, y=1.0, yanchor="bottom"),
        margin=dict(t=110, b=150),
        updatemenus=[dict(type="buttons", showactive=False, x=0.0, y=-0.3, xanchor="left",
                          yanchor="top", direction="left", pad=dict(t=0, r=10), buttons=[
                              dict(label="▶ play", method="animate",
                                   args=[None, dict(mode="immediate", fromcurrent=True,
                                                    frame=dict(duration=500, redraw=False),
                                                    transition=dict(duration=0))]),
                              dict(label="❚❚ pause", method="animate",
                                   args=[[None], step_args])])],
        sliders=[dict(active=0, x=0.25, len=0.75, y=-0.24, yanchor="top", pad=dict(t=0),
                      currentvalue=dict(prefix="layer l = "),
                      steps=[dict(label=str(layer + 1), method="animate",
                                  args=[[str(layer + 1)], step_args])
                             for layer in range(n_layers)])])
    return fig
