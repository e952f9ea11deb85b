"""Figures about data: images and matrices as heatmaps, sampled sound, scaled
features, histograms, descent paths on contours, distances and PCA.

Each builder takes plain arrays (the numbers a chapter computed with the
library) and returns a :class:`plotly.graph_objects.Figure` in the book's
theme. They compute nothing themselves, except what a plot needs (a
cumulative sum, a median over repeats).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnlearn.viz.theme import COLORWAY, SEQUENTIAL

__all__ = [
    "heatmap",
    "sampled_waveform",
    "strip_rows",
    "histograms",
    "ContourPanel",
    "contour_paths",
    "distance_ratio_figure",
    "explained_variance",
    "scatter_by_label",
]


def _as_2d(values, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {arr.shape}")
    return arr


def _check_labels(labels, n: int, name: str) -> list | None:
    if labels is None:
        return None
    labels = list(labels)
    if len(labels) != n:
        raise ValueError(f"{name} must have {n} entries, got {len(labels)}")
    return labels


def heatmap(values, title: str, x_title: str, y_title: str, x_labels=None, y_labels=None,
            colorbar_title: str = "", text_format: str | None = None,
            colorscale: str = SEQUENTIAL, zmin: float | None = None,
            zmax: float | None = None, square: bool = False,
            height: int | None = None) -> go.Figure:
    """A matrix as a grid of coloured cells, row 0 at the top (like an image).

    Parameters
    ----------
    values : array_like, shape (n_rows, n_cols)
    title, x_title, y_title : str
        Figure and axis titles (give units).
    x_labels, y_labels : sequence, optional
        Column and row labels (default: the indices).
    colorbar_title : str
    text_format : str, optional
        A d3 format such as ``".0f"`` or ``".2f"``: write each value in its
        cell (plotly picks a text colour that contrasts with the cell).
    colorscale : str, default "Viridis"
    zmin, zmax : float, optional
        Ends of the colour scale.
    square : bool, default False
        Make the cells square (for images).
    height : int, optional

    Returns
    -------
    plotly.graph_objects.Figure with one ``Heatmap`` trace.
    """
    z = _as_2d(values, "values")
    n_rows, n_cols = z.shape
    x = _check_labels(x_labels, n_cols, "x_labels") or list(range(n_cols))
    y = _check_labels(y_labels, n_rows, "y_labels") or list(range(n_rows))
    trace = go.Heatmap(z=z, x=x, y=y, colorscale=colorscale, zmin=zmin, zmax=zmax,
                       colorbar=dict(title=dict(text=colorbar_title, side="right")),
                       hovertemplate="row %{y}, column %{x}: %{z}<extra></extra>")
    if text_format is not None:
        trace.update(texttemplate=f"%{{z:{text_format}}}", textfont=dict(size=11))
    fig = go.Figure(trace)
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(showgrid=False, side="bottom")
    if all(isinstance(v, str) for v in x):
        fig.update_xaxes(tickangle=-45)
    if square:
        fig.update_yaxes(scaleanchor="x", scaleratio=1, constrain="domain")
        fig.update_xaxes(constrain="domain")
    if height is not None:
        fig.update_layout(height=height)
    return fig


def _held_steps(t_samples: np.ndarray, values) -> tuple[np.ndarray, np.ndarray]:
    """Points of a step plot that holds each sample until the next one (and the
    last one for one more sampling period, so every sample has a visible step)."""
    period = float(np.diff(t_samples).mean()) if t_samples.size > 1 else 1.0
    values = np.asarray(values, dtype=float)
    return np.append(t_samples, t_samples[-1] + period), np.append(values, values[-1])


def sampled_waveform(t, x, t_samples, quantized: Mapping[int, np.ndarray],
                     title: str, shown_bits: int | None = None) -> go.Figure:
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
    title : str
    shown_bits : int, optional
        The bit depth drawn first (default: the smallest).

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: waveform, samples (left); stored signal (right); with frames
        and a slider when ``quantized`` has more than one entry.
    """
    t, x = np.asarray(t, dtype=float), np.asarray(x, dtype=float)
    t_samples = np.asarray(t_samples, dtype=float)
    if t.shape != x.shape or t.ndim != 1:
        raise ValueError(f"t and x must be 1-D of the same shape, got {t.shape} and {x.shape}")
    if not quantized:
        raise ValueError("quantized must hold at least one bit depth")
    bits = sorted(quantized)
    for b in bits:
        if np.shape(quantized[b]) != t_samples.shape:
            raise ValueError(f"quantized[{b}] must have the shape of t_samples "
                             f"{t_samples.shape}, got {np.shape(quantized[b])}")
    shown = bits[0] if shown_bits is None else shown_bits
    if shown not in quantized:
        raise ValueError(f"shown_bits must be one of {bits}, got {shown_bits}")
    exact = np.interp(t_samples, t, x)
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1,
                        subplot_titles=("continuous signal and sampling instants",
                                        "what is stored: samples, quantized"))
    fig.add_trace(go.Scatter(x=t, y=x, mode="lines", name="continuous waveform",
                             line=dict(color=COLORWAY[0], width=2)), row=1, col=1)
    fig.add_trace(go.Scatter(x=t_samples, y=exact, mode="markers", name="samples",
                             marker=dict(color=COLORWAY[1], size=8)), row=1, col=1)
    sx, sy = _held_steps(t_samples, quantized[shown])
    fig.add_trace(go.Scatter(x=sx, y=sy, mode="lines+markers", line_shape="hv",
                             name=f"stored ({shown} bits)",
                             line=dict(color=COLORWAY[2], width=2),
                             marker=dict(size=6, color=COLORWAY[2])), row=1, col=2)
    fig.update_xaxes(title_text="time (s)")
    fig.update_yaxes(title_text="amplitude (unitless)", row=1, col=1)
    fig.update_yaxes(title_text="stored amplitude (unitless)", row=1, col=2)
    low, high = float(min(x.min(), *(quantized[b].min() for b in bits))), \
        float(max(x.max(), *(quantized[b].max() for b in bits)))
    pad = 0.08 * (high - low or 1.0)
    fig.update_yaxes(range=[low - pad, high + pad])
    fig.update_layout(title=title, height=440,
                      legend=dict(orientation="h", x=0.0, y=-0.22, yanchor="top"))
    if len(bits) > 1:
        frames = []
        for b in bits:
            bx, by = _held_steps(t_samples, quantized[b])
            frames.append(go.Frame(name=str(b), traces=[2],
                                   data=[go.Scatter(x=bx, y=by, name=f"stored ({b} bits)")]))
        fig.frames = frames
        fig.update_layout(
            height=520, margin=dict(b=150),
            sliders=[dict(active=bits.index(shown), x=0.0, len=1.0, y=-0.42, yanchor="top",
                          currentvalue=dict(prefix="bits per sample: "),
                          pad=dict(t=10),
                          steps=[dict(label=str(b), method="animate",
                                      args=[[str(b)], dict(mode="immediate",
                                                           frame=dict(duration=0,
                                                                      redraw=False),
                                                           transition=dict(duration=0))])
                                 for b in bits])])
    return fig


def strip_rows(rows: Mapping[str, Mapping[str, np.ndarray]], title: str, x_title: str,
               x_range: Sequence[float] | None = None,
               height_per_row: int = 170) -> go.Figure:
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
    height_per_row : int, default 170

    Returns
    -------
    plotly.graph_objects.Figure with one ``Box`` trace per strip.
    """
    if not rows:
        raise ValueError("rows must hold at least one row")
    fig = make_subplots(rows=len(rows), cols=1, shared_xaxes=True, vertical_spacing=0.09,
                        subplot_titles=list(rows))
    for i, strips in enumerate(rows.values(), start=1):
        for j, (name, values) in enumerate(strips.items()):
            color = COLORWAY[j % len(COLORWAY)]
            fig.add_trace(go.Box(x=np.asarray(values, dtype=float), name=name,
                                 orientation="h", boxpoints="all", jitter=0.5, pointpos=0,
                                 marker=dict(color=color, size=5, opacity=0.7),
                                 line=dict(color=color, width=1.5),
                                 fillcolor="rgba(0,0,0,0)", showlegend=False),
                          row=i, col=1)
    fig.update_xaxes(title_text=x_title, row=len(rows), col=1)
    if x_range is not None:
        fig.update_xaxes(range=list(x_range))
    fig.update_layout(title=title, height=110 + height_per_row * len(rows),
                      margin=dict(l=190))
    return fig


def histograms(columns: Mapping[str, np.ndarray], title: str, x_titles: Sequence[str],
               groups=None, group_names: Mapping | None = None,
               nbins: int = 30, y_title: str = "count (samples)") -> go.Figure:
    """Histograms side by side, one per entry of ``columns``.

    With ``groups`` (a label per sample, shared by all columns), each panel
    shows one histogram per group side by side, e.g. per class.

    Parameters
    ----------
    columns : mapping {panel title: 1-D array}
    title : str
    x_titles : sequence of str, one per panel
    groups : array_like, shape (n_samples,), optional
    group_names : mapping {group: legend name}, optional
    nbins : int, default 30
    y_title : str

    Returns
    -------
    plotly.graph_objects.Figure with one ``Histogram`` per panel (and group).
    """
    if not columns:
        raise ValueError("columns must hold at least one array")
    x_titles = list(x_titles)
    if len(x_titles) != len(columns):
        raise ValueError(f"x_titles must have one entry per column ({len(columns)}), "
                         f"got {len(x_titles)}")
    fig = make_subplots(rows=1, cols=len(columns), subplot_titles=list(columns),
                        horizontal_spacing=0.1)
    keys = None
    if groups is not None:
        groups = np.asarray(groups)
        keys = list(np.unique(groups))
    for k, values in enumerate(columns.values(), start=1):
        values = np.asarray(values, dtype=float)
        if keys is None:
            fig.add_trace(go.Histogram(x=values, nbinsx=nbins, showlegend=False,
                                       marker=dict(color=COLORWAY[(k - 1) % len(COLORWAY)])),
                          row=1, col=k)
            continue
        if groups.shape != values.shape:
            raise ValueError(f"groups must have the shape of every column {values.shape}, "
                             f"got {groups.shape}")
        edges = np.histogram_bin_edges(values, bins=nbins)
        for g, key in enumerate(keys):
            name = str((group_names or {}).get(key, key))
            fig.add_trace(go.Histogram(x=values[groups == key], name=name, legendgroup=name,
                                       showlegend=(k == 1), opacity=0.85,
                                       xbins=dict(start=edges[0], end=edges[-1],
                                                  size=edges[1] - edges[0]),
                                       marker=dict(color=COLORWAY[g % len(COLORWAY)])),
                          row=1, col=k)
    for k, x_title in enumerate(x_titles, start=1):
        fig.update_xaxes(title_text=x_title, row=1, col=k)
    fig.update_yaxes(title_text=y_title, row=1, col=1)
    fig.update_layout(title=title, barmode="overlay" if keys is None else "group",
                      bargap=0.1)
    return fig


class ContourPanel(NamedTuple):
    """One panel of :func:`contour_paths`."""

    x: np.ndarray
    """Grid coordinates along the horizontal axis, shape (nx,)."""
    y: np.ndarray
    """Grid coordinates along the vertical axis, shape (ny,)."""
    z: np.ndarray
    """Values on the grid, shape (ny, nx) (row = y)."""
    path: np.ndarray
    """Iterates of an optimizer, shape (steps + 1, 2)."""
    title: str
    x_title: str
    y_title: str
    minimum: Sequence[float] | None = None
    """Where the minimum is, marked with a cross (optional)."""


def contour_paths(panels: Sequence[ContourPanel], title: str, path_name: str = "descent path",
                  colorbar_title: str = "", n_levels: int = 18, max_points: int = 400,
                  equal_aspect: bool = False,
                  frame_steps: Sequence[int] | None = None) -> go.Figure:
    """Contour lines of a function with a descent path on them, in panels side by side.

    All panels share one colour scale and the same contour levels, so equal
    colours mean equal values in every panel. With ``frame_steps`` the
    figure gets a slider and a play button that show every path after
    ``t`` steps, for each ``t`` in ``frame_steps`` (a path shorter than ``t``
    steps is shown whole), so paths of very different lengths can be
    compared step by step.

    Parameters
    ----------
    panels : sequence of ContourPanel
    title : str
    path_name : str
        Legend entry of the paths.
    colorbar_title : str
        What the contour values are (e.g. "log10 of the loss").
    n_levels : int, default 18
        Number of contour levels between the smallest and largest value.
    max_points : int, default 400
        A longer path is thinned to about this many points (keeping the
        first ones, where it moves most, and spreading the rest evenly).
    equal_aspect : bool, default False
        Draw one unit the same length on both axes of a panel, so that the
        contours show the true shape of the function.
    frame_steps : sequence of int, optional
        Step counts for the animation frames (increasing, >= 0).

    Returns
    -------
    plotly.graph_objects.Figure
        Per panel: a ``Contour``, the path, its start, and (if given) the
        minimum; frames update only the paths.
    """
    panels = list(panels)
    if not panels:
        raise ValueError("panels must hold at least one ContourPanel")
    zs = [_as_2d(panel.z, "z") for panel in panels]
    paths = [np.asarray(panel.path, dtype=float) for panel in panels]
    for path in paths:
        _thin_path(path, max_points)                      # checks the shape
    low = min(float(z.min()) for z in zs)
    high = max(float(z.max()) for z in zs)
    levels = dict(coloring="lines", start=low, end=high, size=(high - low) / n_levels or 1.0)
    fig = make_subplots(rows=1, cols=len(panels), horizontal_spacing=0.12,
                        subplot_titles=[p.title for p in panels])
    path_traces = []
    for k, (panel, z, path) in enumerate(zip(panels, zs, paths, strict=True), start=1):
        fig.add_trace(go.Contour(x=panel.x, y=panel.y, z=z, coloraxis="coloraxis",
                                 contours=levels, autocontour=False, line=dict(width=1.5),
                                 name="loss",
                                 hovertemplate="(%{x:.3g}, %{y:.3g}): %{z:.3g}<extra></extra>"),
                      row=1, col=k)
        shown = _thin_path(path, max_points)
        path_traces.append(len(fig.data))
        fig.add_trace(go.Scatter(x=shown[:, 0], y=shown[:, 1], mode="lines+markers",
                                 name=path_name, legendgroup="path", showlegend=(k == 1),
                                 line=dict(color=COLORWAY[3], width=2),
                                 marker=dict(color=COLORWAY[3], size=4)), row=1, col=k)
        fig.add_trace(go.Scatter(x=path[:1, 0], y=path[:1, 1], mode="markers", name="start",
                                 legendgroup="start", showlegend=(k == 1),
                                 marker=dict(color=COLORWAY[1], size=11, symbol="circle")),
                      row=1, col=k)
        if panel.minimum is not None:
            fig.add_trace(go.Scatter(x=[panel.minimum[0]], y=[panel.minimum[1]],
                                     mode="markers", name="minimum", legendgroup="minimum",
                                     showlegend=(k == 1),
                                     marker=dict(color=COLORWAY[2], size=13,
                                                 symbol="x")), row=1, col=k)
        fig.update_xaxes(title_text=panel.x_title, row=1, col=k, showgrid=False,
                         range=[float(np.min(panel.x)), float(np.max(panel.x))])
        fig.update_yaxes(title_text=panel.y_title, row=1, col=k, showgrid=False,
                         range=[float(np.min(panel.y)), float(np.max(panel.y))])
        if equal_aspect:
            fig.update_yaxes(scaleanchor=f"x{'' if k == 1 else k}", scaleratio=1,
                             constrain="domain", row=1, col=k)
            fig.update_xaxes(constrain="domain", row=1, col=k)
    fig.update_layout(title=title, height=500,
                      coloraxis=dict(colorscale=SEQUENTIAL,
                                     colorbar=dict(title=dict(text=colorbar_title,
                                                              side="right"),
                                                   thickness=14)),
                      legend=dict(orientation="h", x=0.0, y=-0.2, yanchor="top"))
    if frame_steps is not None:
        _add_step_frames(fig, paths, path_traces, frame_steps, max_points)
    return fig


def _add_step_frames(fig: go.Figure, paths: list[np.ndarray], path_traces: list[int],
                     frame_steps: Sequence[int], max_points: int) -> None:
    """Frames showing each path after t steps, with a play button and a slider."""
    steps = [int(t) for t in frame_steps]
    if not steps or min(steps) < 0 or np.any(np.diff(steps) <= 0):
        raise ValueError(f"frame_steps must be increasing step counts >= 0, got {steps}")
    frames = []
    for t in steps:
        data = []
        for path in paths:
            part = _thin_path(path[: t + 1], max_points)
            data.append(go.Scatter(x=part[:, 0], y=part[:, 1]))
        frames.append(go.Frame(name=str(t), data=data, traces=path_traces))
    fig.frames = frames
    animate = dict(mode="immediate", frame=dict(duration=500, redraw=False),
                   transition=dict(duration=0))
    fig.update_layout(
        height=560, margin=dict(b=170), legend=dict(y=-0.2),
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=-0.4,
                          xanchor="left", yanchor="top", showactive=False,
                          buttons=[dict(label="▶ play", method="animate",
                                        args=[None, dict(animate, fromcurrent=False)])])],
        sliders=[dict(active=len(steps) - 1, x=0.16, len=0.84, y=-0.36, yanchor="top",
                      currentvalue=dict(prefix="after step: "), pad=dict(t=10),
                      steps=[dict(label=str(t), method="animate",
                                  args=[[str(t)], animate]) for t in steps])])


def _thin_path(path: np.ndarray, max_points: int) -> np.ndarray:
    """At most about ``max_points`` rows of ``path``: the first half of them in
    full, then evenly spaced rows up to and including the last."""
    if path.ndim != 2 or path.shape[1] != 2:
        raise ValueError(f"path must have shape (steps, 2), got {path.shape}")
    if path.shape[0] <= max_points:
        return path
    head = np.arange(max_points // 2)
    tail = np.linspace(head[-1] + 1, path.shape[0] - 1, max_points - head.size)
    return path[np.concatenate([head, np.unique(tail.astype(int))])]


def distance_ratio_figure(dims, ratios, title: str) -> go.Figure:
    """Farthest/nearest distance ratio against dimension, on log-log axes.

    Parameters
    ----------
    dims : array_like, shape (n_dims,)
    ratios : array_like, shape (n_dims, n_repeats)
        E.g. from :func:`nnlearn.distances.distance_ratios`.
    title : str

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: the range over repeats (a band) and the median (a line).
    """
    dims = np.asarray(dims, dtype=float)
    ratios = _as_2d(ratios, "ratios")
    if ratios.shape[0] != dims.shape[0]:
        raise ValueError(f"ratios must have one row per dimension ({dims.shape[0]}), "
                         f"got shape {ratios.shape}")
    low, high, median = ratios.min(axis=1), ratios.max(axis=1), np.median(ratios, axis=1)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=np.concatenate([dims, dims[::-1]]),
                             y=np.concatenate([high, low[::-1]]), fill="toself",
                             fillcolor="rgba(47,111,222,0.2)", line=dict(width=0),
                             name="range over query points", hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=dims, y=median, mode="lines+markers", name="median",
                             line=dict(color=COLORWAY[0], width=2)))
    fig.update_xaxes(type="log", title_text="dimension d (number of features)")
    fig.update_yaxes(type="log", title_text="farthest / nearest distance (unitless)")
    fig.update_layout(title=title, legend=dict(x=0.98, xanchor="right", y=0.98))
    return fig


def explained_variance(ratio, title: str, threshold: float | None = 0.9) -> go.Figure:
    """Explained variance ratio per principal component, and its running total.

    Parameters
    ----------
    ratio : array_like, shape (n_components,)
        E.g. ``pca(X, k).explained_variance_ratio``.
    title : str
    threshold : float or None, default 0.9
        Draw a horizontal line at this share of the variance.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: a ``Bar`` per component and the cumulative ``Scatter``.
    """
    ratio = np.asarray(ratio, dtype=float)
    if ratio.ndim != 1 or ratio.size == 0:
        raise ValueError(f"ratio must be a non-empty 1-D array, got shape {ratio.shape}")
    k = np.arange(1, ratio.size + 1)
    fig = go.Figure()
    fig.add_trace(go.Bar(x=k, y=ratio, name="this component", marker_color=COLORWAY[0]))
    fig.add_trace(go.Scatter(x=k, y=np.cumsum(ratio), mode="lines+markers",
                             name="components 1 to k together",
                             line=dict(color=COLORWAY[1], width=2)))
    if threshold is not None:
        fig.add_hline(y=threshold, line=dict(dash="dot", color=COLORWAY[7]),
                      annotation_text=f"{threshold:.0%}", annotation_position="top left")
    fig.update_xaxes(title_text="principal component k")
    fig.update_yaxes(title_text="share of the total variance (unitless)", range=[0, 1.05])
    fig.update_layout(title=title, legend=dict(x=0.98, xanchor="right", y=0.6))
    return fig


def scatter_by_label(Z, labels, title: str, x_title: str, y_title: str,
                     marker_size: int = 5) -> go.Figure:
    """2-D points coloured by their label, one legend entry per label.

    Parameters
    ----------
    Z : array_like, shape (n_samples, 2)
    labels : array_like, shape (n_samples,)
    title, x_title, y_title : str
    marker_size : int, default 5

    Returns
    -------
    plotly.graph_objects.Figure with one ``Scatter`` trace per distinct label.
    """
    Z = _as_2d(Z, "Z")
    labels = np.asarray(labels)
    if Z.shape[1] != 2 or labels.shape != (Z.shape[0],):
        raise ValueError(f"Z must have shape (n, 2) and labels shape (n,), got {Z.shape} "
                         f"and {labels.shape}")
    palette = COLORWAY + ["#7a5c3e", "#3f8f3a"]   # two extra hues for ten classes
    fig = go.Figure()
    for i, label in enumerate(np.unique(labels)):
        points = Z[labels == label]
        fig.add_trace(go.Scatter(x=points[:, 0], y=points[:, 1], mode="markers",
                                 name=str(label),
                                 marker=dict(size=marker_size, opacity=0.75,
                                             color=palette[i % len(palette)])))
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title, height=520,
                      legend=dict(title=dict(text="label"), itemsizing="constant"))
    return fig
