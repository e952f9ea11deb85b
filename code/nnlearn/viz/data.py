"""Chapter 1 figures about data: sound, features, histograms, distances, PCA.

They show sampled sound, scaled features, histograms, distances in high
dimension and PCA. Heat maps are in :mod:`nnlearn.viz.heatmap`, descent paths
in :mod:`nnlearn.viz.contour`.

Each builder takes plain arrays (the numbers a chapter computed with the
library) and returns a :class:`plotly.graph_objects.Figure` in the book's
theme. They compute nothing themselves, except what a plot needs (a
cumulative sum, a median over repeats).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnlearn.viz.animation import animate
from nnlearn.viz.classify import sample_traces
from nnlearn.viz.layout import as_mapping, as_matrix, as_vector, header, padded_range, panel_grid
from nnlearn.viz.lines import line_style
from nnlearn.viz.theme import color, symbol, tint

__all__ = ["sampled_waveform", "strip_rows", "histograms", "distance_ratio_figure",
           "explained_variance", "scatter_by_label"]


def sampled_waveform(t, x, t_samples, quantized: Mapping[int, np.ndarray], *,
                     title: str | None, shown_bits: int | None = None) -> go.Figure:
    """A continuous waveform beside its samples, quantized to a few bits.

    Left: the waveform ``x(t)`` and the sampling instants. Right: the stored
    signal, each sample held until the next one (a step function), with one
    slider position per entry of ``quantized``.

    Parameters
    ----------
    t, x : array_like, shape (n,)
        A finely sampled version of the continuous waveform (for drawing).
    t_samples : array_like, shape (m,)
        The sampling instants.
    quantized : mapping {n_bits: ndarray of shape (m,)}
        The quantized sample values for each bit depth.
    title : str or None
    shown_bits : int, optional
        The bit depth drawn first (default: the smallest).

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: waveform, samples (left); stored signal (right); with frames
        and a slider when ``quantized`` has more than one entry.
    """
    t, t_samples = as_vector(t, "t"), as_vector(t_samples, "t_samples")
    x = as_vector(x, "x", t.size)
    quantized = {b: as_vector(q, f"quantized[{b}]", t_samples.size)
                 for b, q in as_mapping(quantized, "quantized").items()}
    bits = sorted(quantized)
    shown = bits[0] if shown_bits is None else shown_bits
    if shown not in quantized:
        raise ValueError(f"shown_bits must be one of {bits}, got {shown_bits}")
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1,
                        subplot_titles=("continuous signal and sampling instants",
                                        "what is stored: samples, quantized"))
    fig.add_trace(go.Scatter(x=t, y=x, name="continuous waveform", **line_style(0)), row=1, col=1)
    fig.add_trace(go.Scatter(x=t_samples, y=np.interp(t_samples, t, x), mode="markers",
                             name="samples", marker=dict(color=color(1), size=8)), row=1, col=1)

    period = float(np.diff(t_samples).mean()) if t_samples.size > 1 else 1.0

    def stored(b):     # each sample held until the next, the last one for one more period
        return go.Scatter(x=np.append(t_samples, t_samples[-1] + period),
                          y=np.append(quantized[b], quantized[b][-1]), name=f"stored ({b} bits)")

    step = line_style(2, line_dash="solid", markers=True)
    fig.add_trace(stored(shown).update(line_shape="hv", **step), row=1, col=2)
    fig.update_xaxes(title_text="time (s)")
    fig.update_yaxes(title_text="amplitude (unitless)", row=1, col=1)
    fig.update_yaxes(title_text="stored amplitude (unitless)", row=1, col=2)
    fig.update_yaxes(range=padded_range(np.concatenate([x, *(quantized[b] for b in bits)])))
    if len(bits) > 1:
        animate(fig, {str(b): [stored(b)] for b in bits}, traces=[2],
                active=bits.index(shown), prefix="bits per sample: ", y=-0.25, bottom=150)
    return header(fig, title, 520 if len(bits) > 1 else 440, extra=26)


def strip_rows(rows: Mapping[str, Mapping[str, np.ndarray]], *, title: str | None,
               x_title: str, x_range: Sequence[float] | None = None) -> go.Figure:
    """Rows of subplots; in each, every array is a strip of jittered points with a box.

    Made to compare scalers: one row per scaler, one strip per situation
    (e.g. "fitted without the outlier", "fitted with it"). The box marks the
    median and quartiles. All rows share the x-axis.

    Parameters
    ----------
    rows : mapping {row title: {strip name: 1-D array}}
    title, x_title : str
    x_range : (float, float), optional
        Visible x-range; points outside it are not shown (say so in the
        strip name).

    Returns
    -------
    plotly.graph_objects.Figure with one ``Box`` trace per strip.
    """
    rows = as_mapping(rows, "rows")
    fig = make_subplots(rows=len(rows), cols=1, shared_xaxes=True, vertical_spacing=0.09,
                        subplot_titles=list(rows))
    for i, strips in enumerate(rows.values(), start=1):
        for j, (name, values) in enumerate(strips.items()):
            fig.add_trace(go.Box(x=as_vector(values, name), name=name, orientation="h",
                                 boxpoints="all", jitter=0.5, pointpos=0, showlegend=False,
                                 marker=dict(color=color(j), size=5, opacity=0.7, symbol=symbol(j)),
                                 line=dict(color=color(j), width=1.5), fillcolor="rgba(0,0,0,0)"),
                          row=i, col=1)
    fig.update_xaxes(title_text=x_title, row=len(rows), col=1)
    if x_range is not None:
        fig.update_xaxes(range=list(x_range))
    fig.update_layout(margin=dict(l=190))
    return header(fig, title, 110 + 170 * len(rows), extra=26)


def histograms(columns: Mapping[str, np.ndarray], *, title: str | None,
               x_titles: Sequence[str], groups=None, group_names: Mapping | None = None,
               nbins: int = 30) -> go.Figure:
    """Histograms side by side, one per entry of ``columns``.

    With ``groups`` (a label per sample, shared by all columns), each panel
    shows one histogram per group side by side, e.g. per class.

    Parameters
    ----------
    columns : mapping {panel title: 1-D array}
    title : str or None
    x_titles : sequence of str, one per panel
    groups : array_like, shape (n_samples,), optional
    group_names : mapping {group: legend name}, optional
    nbins : int, default 30

    Returns
    -------
    plotly.graph_objects.Figure with one ``Histogram`` per panel (and group).
    """
    fig, x_titles = panel_grid(columns, "columns", x_titles, "x_titles")
    keys = [None] if groups is None else list(np.unique(groups))
    for k, values in enumerate(columns.values(), start=1):
        values = as_vector(values, "columns")
        edges = np.histogram_bin_edges(values, bins=nbins)
        grouped = None if groups is None else as_vector(groups, "groups", values.size)
        for g, key in enumerate(keys):
            name = str((group_names or {}).get(key, key))
            fig.add_trace(go.Histogram(x=values if key is None else values[grouped == key],
                                       name=name, legendgroup=name,
                                       showlegend=k == 1 and key is not None, opacity=0.85,
                                       xbins=dict(start=edges[0], end=edges[-1],
                                                  size=edges[1] - edges[0]),
                                       marker=dict(color=color(g if key is not None else k - 1),
                                                   pattern=dict(shape=["", "/", "."][g % 3],
                                                               fillmode="overlay", solidity=0.3))),
                          row=1, col=k)
        fig.update_xaxes(title_text=x_titles[k - 1], row=1, col=k)
    fig.update_yaxes(title_text="count (samples)", row=1, col=1)
    fig.update_layout(barmode="overlay" if groups is None else "group", bargap=0.1)
    return header(fig, title, 420, extra=26)


def distance_ratio_figure(dims, ratios, *, title: str | None) -> go.Figure:
    """Farthest/nearest distance ratio against dimension, on log-log axes.

    Parameters
    ----------
    dims : array_like, shape (n_dims,)
    ratios : array_like, shape (n_dims, n_repeats)
        E.g. from :func:`nnlearn.distances.distance_ratios`.
    title : str or None

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: the range over repeats (a band) and the median (a line).
    """
    dims = as_vector(dims, "dims")
    ratios = as_matrix(ratios, "ratios")
    if ratios.shape[0] != dims.shape[0]:
        raise ValueError(f"ratios must have one row per dimension ({dims.shape[0]}), "
                         f"got shape {ratios.shape}")
    fig = go.Figure(go.Scatter(x=np.concatenate([dims, dims[::-1]]), fill="toself",
                               y=np.concatenate([ratios.max(axis=1), ratios.min(axis=1)[::-1]]),
                               fillcolor=tint(color(0), 0.2), line=dict(width=0),
                               name="range over query points", hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=dims, y=np.median(ratios, axis=1), name="median",
                             **line_style(0, markers=True)))
    fig.update_xaxes(type="log", title_text="dimension n₀ (number of features)")
    fig.update_yaxes(type="log", title_text="farthest / nearest distance (unitless)")
    return header(fig, title, 420)


def explained_variance(ratio, *, title: str | None, threshold: float | None = 0.9) -> go.Figure:
    """Explained variance ratio per principal component, and its running total.

    Parameters
    ----------
    ratio : array_like, shape (n_components,)
        E.g. ``pca(X, k).explained_variance_ratio``.
    title : str or None
    threshold : float or None, default 0.9
        Draw a horizontal line at this share of the variance.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: a ``Bar`` per component and the cumulative ``Scatter``.
    """
    ratio = as_vector(ratio, "ratio")
    if ratio.size == 0:
        raise ValueError("ratio must hold at least one component")
    k = np.arange(1, ratio.size + 1)
    fig = go.Figure(go.Bar(x=k, y=ratio, name="this component", marker_color=color(0)))
    fig.add_trace(go.Scatter(x=k, y=np.cumsum(ratio), name="components 1 to k together",
                             **line_style(1, markers=True)))
    if threshold is not None:
        fig.add_hline(y=threshold, line=dict(dash="dot", color=color(7)),
                      annotation_text=f"{threshold:.0%}", annotation_position="top left")
    fig.update_xaxes(title_text="principal component k")
    fig.update_yaxes(title_text="share of the total variance (unitless)", range=[0, 1.05])
    return header(fig, title, 420)


def scatter_by_label(Z, labels, *, title: str | None, x_title: str,
                     y_title: str) -> go.Figure:
    """2-D points coloured by their integer label, one legend entry (colour and symbol) per label.

    The points are :func:`nnlearn.viz.classify.sample_traces`, smaller and
    slightly transparent, since there may be thousands.

    Parameters
    ----------
    Z : array_like, shape (n_samples, 2)
    labels : array_like of int, shape (n_samples,)
    title, x_title, y_title : str

    Returns
    -------
    plotly.graph_objects.Figure with one ``Scatter`` trace per distinct label.
    """
    Z = as_matrix(Z, "Z")
    labels = np.asarray(labels)
    if Z.shape[1] != 2 or labels.shape != (Z.shape[0],):
        raise ValueError(f"Z must have shape (n, 2) and labels shape (n,), got {Z.shape} "
                         f"and {labels.shape}")
    fig = go.Figure(sample_traces(Z, labels, [str(c) for c in np.unique(labels)], size=5))
    fig.update_traces(marker=dict(opacity=0.75, line_width=0))
    fig.update_layout(xaxis_title=x_title, yaxis_title=y_title,
                      legend=dict(title=dict(text="label"), itemsizing="constant"))
    return header(fig, title, 540)
