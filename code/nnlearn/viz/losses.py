"""Figures for chapter 2: robust line fits, softmax temperature, focal loss, convexity.

Losses and their derivatives side by side are :func:`nnlearn.viz.lines.curve_panels`.

The builders only draw: the chapter computes every number with
:mod:`nnlearn.losses`, :mod:`nnlearn.activations` and :mod:`nnlearn.linear`
and passes the arrays in (the animations take the fitting functions
themselves, since every frame needs a new fit). Curves are given as mappings
``name -> values``; the same name gets the same colour in every panel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnlearn.viz import layout
from nnlearn.viz.animation import animate
from nnlearn.viz.layout import as_labels, as_mapping, as_vector, header, padded_range, panel_grid
from nnlearn.viz.lines import curve_panels, line_style
from nnlearn.viz.theme import color, symbol

__all__ = ["convexity_chords", "focal_curves", "line_fits", "outlier_animation", "temperature_bars"]


def _equation(lhs: str, slope: float, intercept: float) -> str:
    """``"ŷ = 2.00 x − 1.00"`` for ``lhs="ŷ"``."""
    return f"{lhs} = {slope:.2f} x {'−' if intercept < 0 else '+'} {abs(intercept):.2f}"


def line_fits(x, y, fits: Mapping[str, tuple[float, float]],
              point_losses: Mapping[str, Sequence[float]],
              *, title: str | None, truth: tuple[float, float] | None = None) -> go.Figure:
    """Data with fitted lines (top) and each point's loss under each fit (bottom, log scale).

    Lines are drawn widest first, so a line that lies on an earlier one shows
    as a thin line inside it rather than hiding it.

    Parameters
    ----------
    x, y : array_like, shape (n,) (``x`` may be ``(n, 1)``)
        The data.
    fits : mapping name -> (slope, intercept)
        The fitted lines.
    point_losses : mapping name -> array_like of shape (n,)
        Each point's loss under that fit (``reduction="none"``), drawn as
        markers above the point's ``x`` on a log axis that spans five decades
        below the largest loss; smaller losses (zeros included) sit on its floor.
    title : str
    truth : (slope, intercept), optional
        The line the data were drawn around, added last as a thin dotted line.

    Returns
    -------
    plotly.graph_objects.Figure
        The data trace, then per fit its line and its per-point losses, then
        the true line if given.
    """
    x, y = as_vector(x, "x"), as_vector(y, "y", len(x))
    fits = {str(k): v for k, v in as_mapping(fits, "fits").items()}
    losses = layout.as_vectors(point_losses, "point_losses", x.size)
    if set(losses) != set(fits):
        raise ValueError(f"point_losses must have the same names as fits, got "
                         f"{sorted(losses)} and {sorted(fits)}")
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.6, 0.4],
                        vertical_spacing=0.06)
    fig.add_trace(go.Scatter(x=x, y=y, mode="markers", name="data",
                             marker=dict(color=color(7), size=8)), row=1, col=1)
    ends = np.array([x.min(), x.max()])
    top = max(float(v.max()) for v in losses.values()) or 1.0
    floor = top * 1e-5
    for i, (name, (slope, intercept)) in enumerate(fits.items()):
        fig.add_trace(go.Scatter(x=ends, y=slope * ends + intercept, legendgroup=name,
                                 name=f"{name}: {_equation('ŷ', slope, intercept)}",
                                 **line_style(i, width=2 + 1.5 * (len(fits) - 1 - i))),
                      row=1, col=1)
        per = losses[name]
        fig.add_trace(go.Scatter(x=x, y=np.maximum(per, floor), customdata=per, legendgroup=name,
                                 mode="markers", name=f"{name}: loss of each point (below)",
                                 marker=dict(color=color(i), size=8, symbol=symbol(i)),
                                 hovertemplate="x=%{x:.2f}<br>loss %{customdata:.3g}"
                                               f"<extra>{name}</extra>"), row=2, col=1)
    if truth is not None:
        slope, intercept = (float(v) for v in truth)
        fig.add_trace(go.Scatter(x=ends, y=slope * ends + intercept, mode="lines",
                                 name=f"true line: {_equation('y', slope, intercept)}",
                                 line=dict(color=color(7), width=1.5, dash="dot")), row=1, col=1)
    fig.update_xaxes(title_text="x (unitless)", row=2, col=1)
    fig.update_yaxes(title_text="y (unitless)", row=1, col=1)
    fig.update_yaxes(title_text="loss of each point (log scale)", type="log", row=2, col=1,
                     exponentformat="power", range=[np.log10(floor) - 0.2, np.log10(top) + 0.3])
    return header(fig, title, 680)


def outlier_animation(x, y, offsets: Sequence[float],
                      fitters: Mapping[str, Callable[..., tuple[float, float]]],
                      start: float | None = None, *, title: str | None) -> go.Figure:
    """Animation: the last point moves up by each of ``offsets``; every fit is redone.

    Parameters
    ----------
    x, y : array_like, shape (n,) (``x`` may be ``(n, 1)``)
        The data without the displacement. The point with the largest ``x``
        is the one that moves (as in :func:`nnlearn.datasets.noisy_line`).
    offsets : sequence of float
        Displacements of that point, one frame each, in playing order.
    fitters : mapping name -> callable ``(x, y) -> (slope, intercept)``
        For example :func:`nnlearn.linear.fit_line_mse`.
    start : float, optional
        The displacement shown before the reader plays or drags (the nearest
        one in ``offsets``); default the first.
    title : str

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: the fixed points, the moving point, one line per fitter; one
        frame per offset, a play button and a slider.
    """
    x, y = as_vector(x, "x"), as_vector(y, "y", len(x))
    offsets = as_vector(offsets, "offsets")
    if offsets.size == 0:
        raise ValueError("offsets must hold at least one displacement")
    fitters = as_mapping(fitters, "fitters")
    last = int(np.argmax(x))
    mask = np.arange(x.size) != last                  # every point but the moving one
    ends = np.array([x.min(), x.max()])

    def frame_traces(offset: float) -> list[go.Scatter]:   # the moving point, then the fits
        y_k = np.where(mask, y, y + offset)
        return [go.Scatter(x=[x[last]], y=[y_k[last]])] + [
            go.Scatter(x=ends, y=slope * ends + intercept)
            for slope, intercept in (fit(x, y_k) for fit in fitters.values())]

    fig = go.Figure(go.Scatter(x=x[mask], y=y[mask], mode="markers", name="data",
                               marker=dict(color=color(7), size=8)))
    k0 = 0 if start is None else int(np.argmin(np.abs(offsets - start)))
    first = frame_traces(float(offsets[k0]))
    fig.add_trace(first[0].update(mode="markers", name="moving point",
                                  marker=dict(color=color(3), size=13, symbol="diamond")))
    for i, (name, trace) in enumerate(zip(fitters, first[1:], strict=True)):
        fig.add_trace(trace.update(name=f"{name} fit", **line_style(i, width=3)))
    fig.update_layout(xaxis_title="x (unitless)", yaxis_title="y (unitless)",
                      yaxis_range=padded_range(np.concatenate([y, y[last] + offsets]), 0.06))
    animate(fig, {f"{o:g}": frame_traces(float(o)) for o in offsets},
            traces=range(1, 2 + len(fitters)), active=k0, prefix="point moved by ",
            transition_ms=300)
    return header(fig, title, 540)


def temperature_bars(probs, temperatures: Sequence[float], labels: Sequence[str], *,
                     title: str | None) -> go.Figure:
    """Animated bar chart of ``softmax(z / temperature)``, with a slider over the temperature.

    Parameters
    ----------
    probs : array_like, shape (n_temperatures, C)
        Row ``k`` is the softmax at temperature ``temperatures[k]``.
    temperatures : sequence of float, length n_temperatures
    labels : sequence of str, length C
        Class names for the horizontal axis.
    title : str

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace, one frame per temperature, a play button and a slider.
    """
    probs = np.asarray(probs, dtype=np.float64)
    temps = as_vector(temperatures, "temperatures")
    if probs.ndim != 2 or probs.shape[0] != temps.size:
        raise ValueError(f"probs must have shape (len(temperatures), C) = ({temps.size}, C), "
                         f"got {probs.shape}")
    labels = as_labels(labels, probs.shape[1], "labels")
    k0 = int(np.argmin(np.abs(temps - 1.0)))           # shown first: the nearest to temperature 1

    def bars(row: np.ndarray) -> go.Bar:
        return go.Bar(x=labels, y=row, text=[f"{v:.2f}" for v in row], textposition="outside",
                      marker=dict(color=color(0)), cliponaxis=False,
                      hovertemplate="%{x}: p = %{y:.3f}<extra></extra>")

    fig = go.Figure(bars(probs[k0]))
    fig.update_layout(xaxis_title="class (and its logit z)", showlegend=False,
                      yaxis=dict(title="probability p (unitless)", range=[0, 1.12]))
    animate(fig, {f"{t:g}": [bars(row)] for t, row in zip(temps, probs, strict=True)},
            traces=[0], active=k0, prefix="temperature = ", redraw=True)
    return header(fig, title, 500)


def focal_curves(p_y, losses: Mapping[str, Sequence[float]],
                 ratios: Mapping[str, Sequence[float]], *, title: str | None) -> go.Figure:
    """Focal loss against p_y (left) and its ratio to cross-entropy (right, log scale).

    The region ``p_y >= 0.6`` is shaded as "easy", ``p_y <= 0.5`` as "hard".
    The ratio axis shows 1e-6 to 2.

    Parameters
    ----------
    p_y : array_like, shape (m,)
        Probability the model gives to the true class.
    losses : mapping name -> array_like of shape (m,)
        One curve per setting (e.g. per gamma).
    ratios : mapping name -> array_like of shape (m,)
        Focal loss divided by cross-entropy, per setting.
    title : str

    Returns
    -------
    plotly.graph_objects.Figure
    """
    p_y = as_vector(p_y, "p_y")
    ratio = "focal loss ÷ cross-entropy"
    fig = curve_panels({"loss": layout.as_vectors(losses, "losses", p_y.size),
                        ratio: layout.as_vectors(ratios, "ratios", p_y.size)}, p_y,
                       title=title, x_title="true-class probability p<sub>y</sub> (unitless)",
                       y_titles=("loss (nats)", "ratio (unitless, log scale)"), log_y=[ratio])
    fig.update_yaxes(range=[-6, 0.3], row=1, col=2)
    for x0, x1, k, opacity, text in ((0.6, float(p_y.max()), 2, 0.12, "easy"),
                                     (float(p_y.min()), 0.5, 3, 0.08, "hard")):
        fig.add_vrect(x0=x0, x1=x1, fillcolor=color(k), opacity=opacity, line_width=0,
                      row="all", col="all")
        fig.add_annotation(x=(x0 + x1) / 2, y=1.0, xref="x", yref="y domain", text=text,
                           showarrow=False, yanchor="top")
    return fig


def convexity_chords(x, curves: Mapping[str, Sequence[float]], left: float, right: float,
                     x_titles: Sequence[str] | None = None, *, title: str | None) -> go.Figure:
    """One panel per curve with the chord between ``x = left`` and ``x = right``.

    The chord value at each ``x`` between ``left`` and ``right`` is compared with the
    curve (linear interpolation of the given samples); the panel's note says
    whether the chord stays on or above the curve, and where it dips below most
    a vertical segment marks the gap.

    Parameters
    ----------
    x : array_like, shape (m,), increasing
        Horizontal grid shared by all panels; must contain ``left`` and ``right`` in range.
    curves : mapping panel title -> array_like of shape (m,)
    left, right : float
        Chord end points, ``min(x) <= left < right <= max(x)``.
    x_titles : sequence of str, optional
        Horizontal axis title per panel.
    title : str

    Returns
    -------
    plotly.graph_objects.Figure
        Per panel: the curve, the chord, and a gap marker.
    """
    x = as_vector(x, "x")
    if x.size < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("x must be increasing with at least 2 entries")
    curves = layout.as_vectors(curves, "curves", x.size)
    if not x[0] <= left < right <= x[-1]:
        raise ValueError(f"left and right must satisfy {x[0]:g} <= left < right <= {x[-1]:g}, "
                         f"got left={left!r}, right={right!r}")
    fig, x_titles = panel_grid(curves, "curves", x_titles, "x_titles", 0.08)
    fig.update_annotations(font_size=13)           # the subplot titles
    inside = np.linspace(left, right, 201)
    for j, f in enumerate(curves.values(), start=1):
        f_left, f_right = np.interp([left, right], x, f)
        chord = f_left + (inside - left) / (right - left) * (f_right - f_left)
        gap = np.interp(inside, x, f) - chord          # > 0 where the chord is below
        k = int(np.argmax(gap))
        convex = gap[k] <= 1e-9 * (1 + np.abs(f).max())
        fig.add_trace(go.Scatter(x=x, y=f, mode="lines", **layout.legend_group("curve", j == 1),
                                 line=dict(color=color(0), width=3)),
                      row=1, col=j)
        fig.add_trace(go.Scatter(x=[left, right], y=[f_left, f_right], mode="lines+markers",
                                 **layout.legend_group("chord", j == 1),
                                 line=dict(color=color(1), width=2.5, dash="dash"),
                                 marker=dict(size=9)), row=1, col=j)
        k = 100 if convex else k       # the middle of the chord, or where it dips most
        fig.add_trace(go.Scatter(x=[inside[k]] * 2, y=[chord[k] + gap[k], chord[k]],
                                 **layout.legend_group("curve vs chord", j == 1),
                                 line=dict(color=color(2 if convex else 3), width=2),
                                 mode="lines+markers", marker=dict(size=7)), row=1, col=j)
        note = "chord above: convex" if convex else "chord below: not convex"
        fig.add_annotation(x=0.5, y=1.0, xref="x domain", yref="y domain", text=note,
                           showarrow=False, yanchor="top", row=1, col=j,
                           font=dict(color=color(2 if convex else 3)))
        fig.update_xaxes(title_text=x_titles[j - 1], row=1, col=j)
    fig.update_yaxes(title_text="loss (unitless)", row=1, col=1)
    return header(fig, title, 450, extra=26)
