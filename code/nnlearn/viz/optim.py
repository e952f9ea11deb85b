"""Figures for optimizers: paths on contour plots, an animated 3-D race, curves, sweeps.

* :func:`contour_paths` and :func:`contour_grid` draw optimizer paths (from
  :func:`nnlearn.optimizers.optimize_path`) on the contour lines of 2-D
  surfaces from :mod:`nnlearn.surfaces`, one panel per surface.
* :func:`animate_paths_3d` lets several optimizers race down a 3-D surface,
  with a play button and a slider.
* :func:`curves` draws quantities against the step (losses, learning rates).
* :func:`lr_sweep` draws the final loss against the learning rate, one line
  per optimizer, with diverged runs marked at the top.

Each optimizer (path name) keeps one colour across every panel of a figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from nnlearn._checks import as_float_array, check_choice, check_scalar
from nnlearn.surfaces import grid
from nnlearn.viz.landscape import surface_3d
from nnlearn.viz.theme import COLORWAY, SEQUENTIAL

__all__ = ["Panel", "contour_paths", "contour_grid", "animate_paths_3d", "curves",
           "lr_sweep", "subsample"]

AXIS_TITLES = ("θ₁ (unitless)", "θ₂ (unitless)")
MARK_COLOR = COLORWAY[-1]  # slate: starts and minima
#: Contour-line colours: the middle of Viridis (blue = low to green = high). Its
#: dark-purple and pale-yellow ends vanish on a dark or a light page.
CONTOUR_SCALE = [[float(u), c] for u, c in zip(
    np.linspace(0.0, 1.0, 6), sample_colorscale(SEQUENTIAL, list(np.linspace(0.3, 0.85, 6))),
    strict=True)]


def subsample(path, max_points: int) -> np.ndarray:
    """Keep at most ``max_points`` rows of ``path``, evenly spaced, first and last kept.

    Parameters
    ----------
    path : array_like of shape (T, ...)
    max_points : int, >= 2

    Returns
    -------
    ndarray of shape (min(T, max_points), ...)
    """
    path = np.asarray(path)
    max_points = check_scalar(max_points, "max_points", low=2, integer=True)
    if len(path) <= max_points:
        return path
    idx = np.unique(np.linspace(0, len(path) - 1, max_points).round().astype(int))
    return path[idx]


def _check_paths(paths, name: str = "paths") -> dict[str, np.ndarray]:
    """``paths`` as ``{name: float array of shape (T, 2)}``, checked."""
    if not isinstance(paths, Mapping):
        raise TypeError(f"{name} must be a mapping from names to paths, "
                        f"got {type(paths).__name__}")
    checked = {}
    for key, path in paths.items():
        arr = as_float_array(path, f"{name}[{key!r}]", ndim=2, allow_nonfinite=True)
        if arr.shape[1] != 2 or len(arr) == 0:
            raise ValueError(f"{name}[{key!r}] must have shape (steps, 2), got {arr.shape}")
        checked[str(key)] = arr
    return checked


def _colors(names: Sequence[str]) -> dict[str, str]:
    """One colour per distinct name, in order of first appearance."""
    colors: dict[str, str] = {}
    for name in names:
        if name not in colors:
            colors[name] = COLORWAY[len(colors) % (len(COLORWAY) - 1)]
    return colors


@dataclass
class Panel:
    """One contour panel: a surface, the paths drawn on it, a title.

    Attributes
    ----------
    surface : nnlearn.surfaces.Surface
        A 2-D surface (``value`` vectorized over points, ``bounds``, ``minima``).
    paths : mapping of str to ndarray of shape (T, 2)
        Paths by name (the legend entry).
    title : str
        Panel title.
    log : bool
        Draw contour lines of :math:`\\log_{10}(f - f_{\\min} + c)` instead of
        :math:`f` (for surfaces like Rosenbrock whose valley floor is much
        flatter than its walls); :math:`c` is a millionth of the grid's range.
    bounds : ((xmin, xmax), (ymin, ymax)), optional
        Plot window; default ``surface.bounds``.
    """

    surface: object
    paths: Mapping[str, np.ndarray] = field(default_factory=dict)
    title: str = ""
    log: bool = False
    bounds: object = None


def _contour_trace(panel: Panel, n: int) -> go.Contour:
    X, Y, Z = grid(panel.surface, n, panel.bounds)
    if panel.log:
        Z = np.log10(Z - Z.min() + 1e-6 * (np.ptp(Z) or 1.0))
    return go.Contour(x=X[0], y=Y[:, 0], z=Z, colorscale=CONTOUR_SCALE, ncontours=22,
                      contours=dict(coloring="lines"), line=dict(width=1.2),
                      showscale=False, hoverinfo="skip", name="loss contours")


def _path_trace(surface, path: np.ndarray, name: str, color: str, show_legend: bool,
                max_points: int) -> go.Scatter:
    steps = np.arange(len(path))
    keep = np.isfinite(path).all(axis=1)
    path, steps = path[keep], steps[keep]
    idx = subsample(np.arange(len(path)), max_points)
    path, steps = path[idx], steps[idx]
    loss = np.asarray(surface(path), dtype=np.float64)
    sizes = np.full(len(path), 4.0)
    sizes[-1] = 10.0                       # the end point stands out
    return go.Scatter(x=path[:, 0], y=path[:, 1], mode="lines+markers", name=name,
                      legendgroup=name, showlegend=show_legend,
                      line=dict(color=color, width=2), marker=dict(color=color, size=sizes),
                      customdata=np.column_stack([steps, loss]),
                      hovertemplate=(f"{name}<br>step %{{customdata[0]}}<br>"
                                     "θ = (%{x:.3f}, %{y:.3f})<br>"
                                     "loss %{customdata[1]:.4g}<extra></extra>"))


def contour_grid(panels: Sequence[Panel], *, title: str, cols: int = 2, n: int = 41,
                 max_points: int = 150, panel_height: int = 380,
                 axis_titles: tuple[str, str] = AXIS_TITLES) -> go.Figure:
    """Optimizer paths on the contour lines of one or more 2-D surfaces.

    Every panel shows the contour lines of its surface (the middle of
    Viridis: blue is low, green high), each path as a line with markers (the big marker is the last
    point), the starting points (open circles) and the surface's known
    minima (stars). The axes show the panel's window; a path that leaves it
    (a diverging run) is cut off at the edge. Hovering a marker shows the
    step and the loss.

    Parameters
    ----------
    panels : sequence of Panel
    title : str
        Figure title.
    cols : int, default 2
        Panels per row.
    n : int, default 41
        Grid points per axis for the contours (the page grows with n²).
    max_points : int, default 150
        Paths longer than this are subsampled for drawing.
    panel_height : int, default 380
        Height of one row of panels, in pixels.
    axis_titles : (str, str)

    Returns
    -------
    plotly.graph_objects.Figure
        Per panel: one ``Contour`` trace, then one ``Scatter`` per path, then
        a ``Scatter`` of starts and (if the surface has any) one of minima.
    """
    panels = list(panels)
    if not panels or not all(isinstance(p, Panel) for p in panels):
        raise TypeError("panels must be a non-empty sequence of Panel objects")
    cols = check_scalar(cols, "cols", low=1, integer=True)
    n = check_scalar(n, "n", low=2, integer=True)
    cols = min(cols, len(panels))
    rows = -(-len(panels) // cols)
    checked = [_check_paths(p.paths, "panel.paths") for p in panels]
    colors = _colors([name for paths in checked for name in paths])
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[p.title for p in panels],
                        horizontal_spacing=0.14, vertical_spacing=0.16 if rows > 1 else 0.1)
    seen: set[str] = set()
    for k, (panel, paths) in enumerate(zip(panels, checked, strict=True)):
        row, col = k // cols + 1, k % cols + 1
        fig.add_trace(_contour_trace(panel, n), row=row, col=col)
        for name, path in paths.items():
            fig.add_trace(_path_trace(panel.surface, path, name, colors[name],
                                      name not in seen, max_points), row=row, col=col)
            seen.add(name)
        starts = np.unique(np.array([p[0] for p in paths.values()]).reshape(-1, 2), axis=0)
        fig.add_trace(go.Scatter(x=starts[:, 0], y=starts[:, 1], mode="markers", name="start",
                                 legendgroup="start", showlegend=k == 0,
                                 marker=dict(symbol="circle-open", size=13, color=MARK_COLOR,
                                             line=dict(width=2)),
                                 hovertemplate="start (%{x:.2f}, %{y:.2f})<extra></extra>"),
                      row=row, col=col)
        minima = np.asarray(getattr(panel.surface, "minima", np.zeros((0, 2))))
        if minima.size:
            fig.add_trace(go.Scatter(x=minima[:, 0], y=minima[:, 1], mode="markers",
                                     name="minimum", legendgroup="minimum",
                                     showlegend="minimum" not in seen,
                                     marker=dict(symbol="star", size=13, color=MARK_COLOR),
                                     hovertemplate="minimum (%{x:.3f}, %{y:.3f})"
                                                   "<extra></extra>"),
                          row=row, col=col)
            seen.add("minimum")
        (x0, x1), (y0, y1) = panel.bounds or panel.surface.bounds
        fig.update_xaxes(range=[x0, x1], title_text=axis_titles[0], row=row, col=col)
        fig.update_yaxes(range=[y0, y1], title_text=axis_titles[1], row=row, col=col)
    # Title, then the legend (up to two rows), then the panel titles, all above the plots.
    titled = any(p.title for p in panels)
    top, bottom = 150 if titled else 125, 60
    height = panel_height * rows + top + bottom
    plot_height = height - top - bottom
    fig.update_layout(title=dict(text=title, y=1.0, yref="container", yanchor="top",
                                 pad=dict(t=14)),
                      height=height, margin=dict(t=top, b=bottom),
                      legend=dict(orientation="h", x=0.0, xanchor="left", yanchor="bottom",
                                  y=1.0 + (30 if titled else 10) / plot_height))
    return fig


def contour_paths(surface, paths: Mapping[str, np.ndarray], *, title: str,
                  log: bool = False, bounds=None, n: int = 41, max_points: int = 150,
                  height: int = 520) -> go.Figure:
    """Optimizer paths on the contour lines of one surface (see :func:`contour_grid`).

    Parameters
    ----------
    surface : nnlearn.surfaces.Surface
    paths : mapping of str to ndarray of shape (T, 2)
    title : str
    log : bool, default False
        Contours of the log of the loss (see :class:`Panel`).
    bounds : ((xmin, xmax), (ymin, ymax)), optional
    n, max_points : int
        As in :func:`contour_grid`.
    height : int, default 520
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    return contour_grid([Panel(surface, paths, "", log, bounds)], title=title, cols=1, n=n,
                        max_points=max_points, panel_height=height - 185)


def animate_paths_3d(surface, paths: Mapping[str, np.ndarray], *, title: str,
                     n: int = 41, frames: int = 30, frame_ms: int = 150) -> go.Figure:
    """Several optimizers race down a 3-D surface: an animation with play button and slider.

    The surface is drawn once (by :func:`nnlearn.viz.landscape.surface_3d`);
    each path is one trace: its line so far, with a marker at its current
    point (the head). Frame ``k`` holds only these lines up to step
    ``round(k (T-1) / frames)``, so the page stays small. Before "play" is
    pressed the figure shows the finished paths; "play" runs from step 0.

    Parameters
    ----------
    surface : nnlearn.surfaces.Surface
    paths : mapping of str to ndarray of shape (T, 2)
        Paths of equal or different lengths (a shorter one waits at its end).
    title : str
    n : int, default 41
        Grid points per axis of the surface.
    frames : int, default 30
        Number of animation frames after the first.
    frame_ms : int, default 150
        Milliseconds per frame when playing.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: the surface, then one ``Scatter3d`` per path (lines and a
        marker on the head). ``frames + 1`` frames named by step.
    """
    paths = _check_paths(paths)
    if not paths:
        raise ValueError("paths must hold at least one path")
    frames = check_scalar(frames, "frames", low=1, integer=True)
    frame_ms = check_scalar(frame_ms, "frame_ms", low=1, integer=True)
    fig = surface_3d(surface, n=n, title=title)
    z_range = np.ptp(np.asarray(fig.data[0].z)) or 1.0
    length = max(len(p) for p in paths.values())
    steps = np.unique(np.linspace(0, length - 1, frames + 1).round().astype(int))
    colors = _colors(list(paths))
    lifted = []
    for name, path in paths.items():
        at = np.minimum(steps, len(path) - 1)        # a finished path waits at its end
        points = path[at]
        z = np.asarray(surface(points), dtype=np.float64) + 0.015 * z_range
        lifted.append([np.round(c, 4).tolist() for c in (points[:, 0], points[:, 1], z)])
        # Before "play" the figure shows the finished race (the last frame).
        fig.add_trace(go.Scatter3d(x=points[:, 0], y=points[:, 1], z=z,
                                   mode="lines+markers", name=name,
                                   line=dict(color=colors[name], width=6),
                                   marker=dict(color=colors[name],
                                               size=[0] * (len(steps) - 1) + [7]),
                                   hovertemplate=f"{name}<br>loss %{{z:.3f}}<extra></extra>"))
    trace_ids = list(range(1, 1 + len(paths)))
    # Frames as plain dicts of lists: plotly validates them much faster than arrays.
    fig_frames = []
    for k, step in enumerate(steps):
        data = []
        for x, y, z in lifted:
            data.append(dict(type="scatter3d", x=x[:k + 1], y=y[:k + 1], z=z[:k + 1],
                             marker=dict(size=[0] * k + [7])))   # a marker on the head only
        fig_frames.append(dict(data=data, traces=trace_ids, name=str(step)))
    fig.frames = fig_frames
    play = dict(frame=dict(duration=frame_ms, redraw=True), fromcurrent=False,
                transition=dict(duration=0), mode="immediate")
    names = [str(s) for s in steps]
    pause = dict(frame=dict(duration=0, redraw=False), mode="immediate",
                 transition=dict(duration=0))
    fig.update_layout(
        height=640, margin=dict(l=0, r=0, t=80, b=90),
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=0.0, xanchor="left",
                          yanchor="top", pad=dict(t=8, r=8), showactive=False,
                          buttons=[dict(label="▶ play", method="animate", args=[names, play]),
                                   dict(label="❚❚ pause", method="animate",
                                        args=[[None], pause])])],
        sliders=[dict(active=len(steps) - 1, x=0.3, len=0.7, y=0.0, yanchor="top",
                      pad=dict(t=8),
                      currentvalue=dict(prefix="step "),
                      steps=[dict(label=str(s), method="animate",
                                  args=[[str(s)], dict(mode="immediate", transition=dict(
                                      duration=0), frame=dict(duration=0, redraw=True))])
                             for s in steps])])
    return fig


def curves(x, ys: Mapping[str, np.ndarray], *, title: str, xaxis_title: str,
           yaxis_title: str, log_x: bool = False, log_y: bool = False,
           dash: Mapping[str, str] | None = None, markers: bool = False,
           line_shape: str = "linear", height: int = 420) -> go.Figure:
    """Several curves over a shared x axis (loss per step, learning rate per step, ...).

    Parameters
    ----------
    x : array_like of shape (T,)
    ys : mapping of str to array_like of shape (T,)
        Curves by legend name; non-finite values leave gaps.
    title, xaxis_title, yaxis_title : str
    log_x, log_y : bool, default False
        Logarithmic axes.
    dash : mapping of str to str, optional
        Line dash per curve name (``"dash"``, ``"dot"``, ...); default solid.
    markers : bool, default False
        Draw markers on the points too.
    line_shape : {"linear", "hv"}, default "linear"
        ``"hv"`` draws steps (a value holds until the next x), for quantities
        that are constant between points, like a learning rate per epoch.
    height : int, default 420

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Scatter`` per curve, in the order of ``ys``.
    """
    x = as_float_array(x, "x", ndim=1)
    line_shape = check_choice(line_shape, "line_shape", ("linear", "hv"))
    if not isinstance(ys, Mapping) or not ys:
        raise TypeError("ys must be a non-empty mapping from names to arrays")
    dash = dict(dash or {})
    colors = _colors(list(ys))
    fig = go.Figure()
    for name, y in ys.items():
        y = as_float_array(y, f"ys[{name!r}]", ndim=1, allow_nonfinite=True)
        if y.shape != x.shape:
            raise ValueError(f"ys[{name!r}] must have the shape of x {x.shape}, got {y.shape}")
        y = np.where(np.isfinite(y), y, np.nan)
        fig.add_trace(go.Scatter(x=x, y=y, name=str(name), mode="lines+markers" if markers
                                 else "lines", line=dict(color=colors[name], width=2.2,
                                                         dash=dash.get(name, "solid"),
                                                         shape=line_shape)))
    fig.update_layout(title=title, height=height, hovermode="x unified")
    all_y = np.concatenate([np.ravel(trace.y) for trace in fig.data]).astype(np.float64)
    fig.update_xaxes(title_text=xaxis_title, **_axis_type(x, log_x))
    fig.update_yaxes(title_text=yaxis_title, **_axis_type(all_y, log_y))
    return fig


def _axis_type(values: np.ndarray, log: bool) -> dict:
    """Axis settings: linear, or log with ticks 10^k (one per decade if it spans >= 2)."""
    if not log:
        return dict(type="linear")
    positive = values[np.isfinite(values) & (values > 0)]
    span = np.log10(positive.max() / positive.min()) if positive.size else 0.0
    return dict(type="log", exponentformat="power", dtick=1 if span >= 2 else None)


def lr_sweep(lrs, final_losses: Mapping[str, np.ndarray], *, title: str,
             yaxis_title: str, cap: float, log_y: bool = True,
             height: int = 440) -> go.Figure:
    """Final loss against the learning rate, one line per optimizer.

    Runs whose loss is not finite or above ``cap`` (diverged, or no better
    than where they started) are drawn as crosses at ``cap`` on a dotted
    line, so that the eye sees which range of learning rates each optimizer
    forgives.

    Parameters
    ----------
    lrs : array_like of shape (K,)
        Learning rates, positive; the x axis is logarithmic.
    final_losses : mapping of str to array_like of shape (K,)
        Final loss of each run, by optimizer name.
    title, yaxis_title : str
    cap : float
        Values above it (or not finite) are drawn at ``cap`` as crosses.
    log_y : bool, default True
    height : int, default 440

    Returns
    -------
    plotly.graph_objects.Figure
        Per optimizer a line (finite values up to ``cap``) and a ``Scatter``
        of crosses (the capped runs, possibly empty); then the dotted cap line.
    """
    lrs = as_float_array(lrs, "lrs", ndim=1)
    if np.any(lrs <= 0):
        raise ValueError(f"lrs must be positive, got {lrs.tolist()}")
    if not isinstance(final_losses, Mapping) or not final_losses:
        raise TypeError("final_losses must be a non-empty mapping from names to arrays")
    cap = check_scalar(cap, "cap", low=0.0, low_inclusive=False)
    colors = _colors(list(final_losses))
    fig = go.Figure()
    for name, loss in final_losses.items():
        loss = as_float_array(loss, f"final_losses[{name!r}]", ndim=1, allow_nonfinite=True)
        if loss.shape != lrs.shape:
            raise ValueError(f"final_losses[{name!r}] must have the shape of lrs "
                             f"{lrs.shape}, got {loss.shape}")
        bad = ~np.isfinite(loss) | (loss > cap)
        good = np.where(bad, np.nan, loss)
        color = colors[name]
        fig.add_trace(go.Scatter(x=lrs, y=good, mode="lines+markers", name=str(name),
                                 legendgroup=str(name), line=dict(color=color, width=2.2),
                                 marker=dict(size=8, color=color),
                                 hovertemplate=f"{name}<br>lr %{{x:.3g}}<br>loss %{{y:.4g}}"
                                               "<extra></extra>"))
        fig.add_trace(go.Scatter(x=lrs[bad], y=np.full(int(bad.sum()), cap), mode="markers",
                                 name=f"{name}: failed", legendgroup=str(name),
                                 showlegend=False,
                                 marker=dict(symbol="x", size=11, color=color),
                                 hovertemplate=f"{name}<br>lr %{{x:.3g}}<br>diverged or "
                                               "no progress<extra></extra>"))
    fig.add_trace(go.Scatter(x=[lrs.min(), lrs.max()], y=[cap, cap], mode="lines",
                             name="diverged / no progress (×)",
                             line=dict(color=MARK_COLOR, dash="dot", width=1.5),
                             hoverinfo="skip"))
    fig.update_layout(title=title, height=height)
    fig.update_xaxes(title_text="learning rate η (log scale)", **_axis_type(lrs, True))
    fig.update_yaxes(title_text=yaxis_title, type="log" if log_y else "linear")
    return fig
