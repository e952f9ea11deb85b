r"""Chapter 7 figures for regularization and initialization.

- :func:`weight_histograms`: the distribution of the weights of several
  models (L1 piles them up at zero, L2 shrinks them);
- :func:`layer_statistics_figure`: the standard deviation of the activations
  (forward) and of the error signals :math:`\delta^{(l)}` (backward) through
  a deep network, one line per initialization (from
  :func:`nnlearn.diagnostics.layer_statistics`);
- :func:`activation_histograms`: an animation over the layers of a deep
  network, showing how the distribution of the activations changes.

Training and validation losses of several runs:
:func:`nnlearn.viz.lines.train_val_curves`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from nnlearn._checks import as_float_array, check_bool
from nnlearn.viz.animation import animate
from nnlearn.viz.layout import as_mapping, as_range, check_figure_size, header
from nnlearn.viz.lines import add_curves, curve_panels

__all__ = ["activation_histograms", "layer_statistics_figure", "weight_histograms"]


def weight_histograms(weights: Mapping[str, object], *, title: str | None, bins: int = 61,
                      value_range: tuple[float, float] | None = None,
                      log_y: bool = False) -> go.Figure:
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

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per model, y = number of weights in each bin.
    """
    weights = as_mapping(weights, "weights")
    bins = check_figure_size(bins, "bins", low=2, high=10_000)
    log_y = check_bool(log_y, "log_y")
    pooled = {name: _entries(w, f"weights[{name!r}]") for name, w in weights.items()}
    if value_range is None:
        top = max(float(np.max(np.abs(v))) for v in pooled.values()) or 1.0
        value_range = (-top, top)
    edges = np.linspace(*as_range(value_range, "value_range"), bins + 1)
    counts = {f"{name} ({v.size} weights)": np.histogram(v, bins=edges)[0]
              for name, v in pooled.items()}
    top = max(int(c.max()) for c in counts.values())
    # On a log axis an empty bin is drawn at 0.01, below the visible range,
    # so the outline drops out of the plot and even a lone count of 1 shows.
    fig = add_curves(go.Figure(), {k: np.where(c > 0, c, 0.01) if log_y else c
                                   for k, c in counts.items()},
                     0.5 * (edges[:-1] + edges[1:]), line_shape="hvh", max_points=None)
    fig.update_layout(xaxis_title="weight value (unitless)",
                      yaxis_title="number of weights (count)")
    if log_y:
        fig.update_yaxes(type="log", range=[np.log10(0.7), np.log10(2.0 * top)])
    return header(fig, title, 420)


def layer_statistics_figure(stats: Mapping[str, Mapping[str, np.ndarray]], *,
                            title: str | None) -> go.Figure:
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

    Returns
    -------
    plotly.graph_objects.Figure
        Two traces per run: activations (left), then deltas (right).
    """
    stats = as_mapping(stats, "stats")
    forward, backward = {}, {}
    for name, s_ in stats.items():
        missing = {"layer", "activation_std", "delta_std"} - set(s_)
        if missing:
            raise ValueError(f"stats[{name!r}] is missing keys {sorted(missing)}")
        layer = np.asarray(s_["layer"], dtype=np.float64)
        forward[name] = (layer[:-1], np.asarray(s_["activation_std"])[:-1])  # the output: no A
        backward[name] = (layer, s_["delta_std"])
    panels = {"forward: std of activations A⁽ˡ⁾": forward,
              "backward: std of error signals δ⁽ˡ⁾": backward}
    return curve_panels(panels, title=title, x_title="layer l (1 = next to the input)",
                        y_titles=["standard deviation (unitless, log scale)", ""],
                        log_y=list(panels), markers=True, height=440)


def _entries(parts, name: str) -> np.ndarray:
    """Every entry of the array or list of arrays ``parts``, in one 1-D array.

    ``ValueError`` naming ``name`` if there is none.
    """
    parts = parts if isinstance(parts, (list, tuple)) else [parts]
    flat = [as_float_array(p, name).ravel() for p in parts]
    flat = np.concatenate(flat) if flat else np.zeros(0)
    if flat.size == 0:
        raise ValueError(f"{name} must hold at least one value")
    return flat


def _fractions(a, edges: np.ndarray, name: str) -> np.ndarray:
    """Fraction of the entries of ``a`` in each bin; values outside go to the end bins."""
    a = _entries(a, name)
    counts, _ = np.histogram(np.clip(a, edges[0], edges[-1]), bins=edges)
    return counts / a.size


def activation_histograms(activations: Mapping[str, Sequence[np.ndarray]], *,
                          title: str | None, bins: int = 40,
                          value_range: tuple[float, float] = (-1.0, 1.0)) -> go.Figure:
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

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per run; ``frames[l - 1]`` restyles them for layer l; a
        play button and a slider over the layers.
    """
    activations = as_mapping(activations, "activations")
    bins = check_figure_size(bins, "bins", low=2, high=10_000)
    edges = np.linspace(*as_range(value_range, "value_range"), bins + 1)
    depths = {name: len(layers) for name, layers in activations.items()}
    if len(set(depths.values())) != 1 or 0 in depths.values():
        raise ValueError(f"activations must hold the same number (>= 1) of layers for every "
                         f"run, got {depths}")
    table = {name: [_fractions(a, edges, f"activations[{name!r}][{i}]")
                    for i, a in enumerate(layers)]
             for name, layers in activations.items()}
    fig = add_curves(go.Figure(), {name: runs[0] for name, runs in table.items()},
                     0.5 * (edges[:-1] + edges[1:]), line_shape="hvh", max_points=None)
    top = max(float(np.max(f)) for runs in table.values() for f in runs)
    fig.update_layout(xaxis_title="activation value (unitless)", yaxis=dict(
        title="fraction of entries per bin (unitless)", range=[0, 1.05 * top]))
    animate(fig, {str(layer + 1): [go.Scatter(y=runs[layer]) for runs in table.values()]
                  for layer in range(next(iter(depths.values())))},
            traces=range(len(table)), active=0, prefix="layer l = ", frame_ms=500, y=-0.25,
            bottom=150)
    return header(fig, title, 520)
