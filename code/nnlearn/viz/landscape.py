"""Loss landscapes: surfaces, contours, gradient fields and descent paths (plotly).

Every builder returns a ``plotly.graph_objects.Figure`` themed by
:mod:`nnlearn.viz`. The landscape is a :class:`nnlearn.surfaces.Surface` or any
callable that maps points of shape ``(..., 2)`` to values of shape ``(...)``
(a callable needs ``bounds``). Paths are arrays of shape ``(steps + 1, 2)``,
e.g. from :func:`nnlearn.descent.gradient_descent`, given either as a mapping
``{name: path}`` or as a sequence with ``names``.

==============================  =====================================================
builder                         draws
==============================  =====================================================
:func:`surface_3d`              3-D surface with paths on it
:func:`gradient_arrows_3d`      3-D surface, gradient arrows on the floor below
:func:`contour_paths`           contour map with several named paths
:func:`gradient_field`          contour map with arrows of the (negative) gradient
:func:`contour_panels`          contour maps side by side, one path each
:func:`descent_1d`              1-D function with a descent path, panels side by side
:func:`basin_map`               which minimum each start reaches
:func:`learning_curves`         loss (or anything) against steps, log axes
:func:`animated_paths_3d`       paths growing on a 3-D surface, play button + slider
:func:`animated_paths_contour`  paths growing on a contour map, play button + slider
==============================  =====================================================

Grids are coarse on purpose (a 41 x 41 surface is plenty on screen), and long
paths are subsampled, so that a page with many figures stays small.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnlearn._checks import as_float_array, check_choice, check_scalar
from nnlearn.surfaces import grid
from nnlearn.viz.theme import COLORWAY, SEQUENTIAL

__all__ = [
    "path_colors",
    "surface_3d",
    "gradient_arrows_3d",
    "contour_paths",
    "gradient_field",
    "contour_panels",
    "descent_1d",
    "basin_map",
    "learning_curves",
    "animated_paths_3d",
    "animated_paths_contour",
]

THETA_TITLES = ("θ₁ (unitless)", "θ₂ (unitless)", "f(θ) (unitless)")

#: Path colours: the theme's colours, those that stand out on Viridis first.
_PATH_ORDER = (1, 3, 6, 5, 2, 4, 0, 7)


def path_colors(k: int) -> list[str]:
    """``k`` colours for paths drawn over a Viridis contour map or surface."""
    k = check_scalar(k, "k", low=0, integer=True)
    return [COLORWAY[_PATH_ORDER[i % len(_PATH_ORDER)]] for i in range(k)]


# ---------------------------------------------------------------------------
# input helpers
# ---------------------------------------------------------------------------

def _named_paths(paths, names=None, dim: int = 2) -> list[tuple[str, np.ndarray]]:
    """``[(name, path), ...]`` from a mapping or a sequence of paths (+ names)."""
    if isinstance(paths, Mapping):
        if names is not None:
            raise ValueError("names must be None when paths is a mapping {name: path}")
        items = [(str(k), v) for k, v in paths.items()]
    else:
        if isinstance(paths, np.ndarray):
            paths = [paths] if paths.ndim == 2 else list(paths)
        paths = list(paths)
        names = [f"path {i + 1}" for i in range(len(paths))] if names is None else list(names)
        if len(names) != len(paths):
            raise ValueError(f"names must have one entry per path: {len(names)} names for "
                             f"{len(paths)} paths")
        items = list(zip((str(n) for n in names), paths, strict=True))
    out = []
    for name, path in items:
        arr = as_float_array(path, f"path {name!r}").astype(np.float64)
        if dim == 1 and arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2 or arr.shape[1] != dim or arr.shape[0] < 1:
            raise ValueError(f"path {name!r} must have shape (steps, {dim}), got {arr.shape}")
        out.append((name, arr))
    return out


def _check_surface(surface, bounds=None):
    """The plot window of ``surface``: ``bounds`` or ``surface.bounds``."""
    if not callable(surface):
        raise TypeError(f"surface must be a Surface or a callable, got {type(surface).__name__}")
    bounds = getattr(surface, "bounds", None) if bounds is None else bounds
    if bounds is None:
        raise ValueError("bounds must be given when surface has no .bounds attribute")
    arr = as_float_array(bounds, "bounds")
    if arr.shape != (2, 2) or not (arr[0, 0] < arr[0, 1] and arr[1, 0] < arr[1, 1]):
        raise ValueError(f"bounds must be ((xmin, xmax), (ymin, ymax)) with min < max, "
                         f"got {arr.tolist()}")
    return ((float(arr[0, 0]), float(arr[0, 1])), (float(arr[1, 0]), float(arr[1, 1])))


def _check_titles(titles, k: int, name: str) -> tuple[str, ...]:
    if isinstance(titles, str) or len(titles) != k:
        raise ValueError(f"{name} must be a sequence of {k} strings, got {titles!r}")
    return tuple(str(t) for t in titles)


def _values(surface, points: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(surface(points), dtype=np.float64)


def _subsample(n: int, max_points: int | None, log: bool = False) -> np.ndarray:
    """At most ``max_points`` sorted indices into ``range(n)``, first and last included."""
    if max_points is None or n <= max_points:
        return np.arange(n)
    if log:
        idx = np.geomspace(1, n, max_points) - 1
    else:
        idx = np.linspace(0, n - 1, max_points)
    return np.unique(np.concatenate([[0], np.round(idx).astype(int), [n - 1]]))


def _log_z(Z: np.ndarray) -> np.ndarray:
    """``log10(Z - min Z + delta)`` with delta a small fraction of the range."""
    span = float(np.ptp(Z)) or 1.0
    return np.log10(Z - Z.min() + 1e-4 * span)


def _critical_traces(surface, bounds, z_of=None, lift: float = 0.0) -> list:
    """Markers for the known minima, saddles and maxima of ``surface`` in ``bounds``."""
    (x0, x1), (y0, y1) = bounds
    kinds = (("minima", "minimum", "star", 13), ("saddles", "saddle point", "x", 10),
             ("maxima", "maximum", "triangle-up", 11))
    traces = []
    for attr, label, symbol, size in kinds:
        pts = np.asarray(getattr(surface, attr, np.zeros((0, 2))), dtype=np.float64)
        if pts.ndim != 2 or pts.shape[1] != 2:
            continue
        inside = ((pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1))
        pts = pts[inside]
        if len(pts) == 0:
            continue
        marker = dict(symbol=symbol, size=size, color=COLORWAY[5],
                      line=dict(width=1, color=COLORWAY[7]))
        if z_of is None:
            traces.append(go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name=label,
                                     marker=marker, hovertemplate=label + "<br>(%{x:.3g}, "
                                     "%{y:.3g})<extra></extra>"))
        else:
            marker["size"] = size / 2.5
            marker["symbol"] = {"star": "diamond", "triangle-up": "square"}.get(symbol, symbol)
            traces.append(go.Scatter3d(x=pts[:, 0], y=pts[:, 1], z=z_of(pts) + lift,
                                       mode="markers", name=label, marker=marker))
    return traces


def _contour_trace(surface, bounds, n, log: bool, colorbar_title: str | None,
                   showscale: bool = True, levels: int = 25) -> go.Contour:
    X, Y, Z = grid(surface, n, bounds=bounds)
    Z = np.asarray(Z, dtype=np.float64)
    z = _log_z(Z) if log else Z
    title = None
    if colorbar_title is not None:
        title = f"log₁₀({colorbar_title} − min)" if log else colorbar_title
    return go.Contour(x=X[0], y=Y[:, 0], z=z, colorscale=SEQUENTIAL, ncontours=levels,
                      contours=dict(coloring="fill", showlines=True),
                      line=dict(width=0.6), opacity=0.9, showscale=showscale,
                      colorbar=dict(title=dict(text=title, side="right"), thickness=14),
                      hoverinfo="skip", name="level sets")


def _path_trace_2d(name: str, path: np.ndarray, color: str, max_points: int | None,
                   showlegend: bool = True) -> go.Scatter:
    idx = _subsample(len(path), max_points)
    sizes = np.full(len(idx), 5.0)
    sizes[0] = 10.0
    return go.Scatter(x=path[idx, 0], y=path[idx, 1], mode="lines+markers", name=name,
                      line=dict(color=color, width=1.6), showlegend=showlegend,
                      marker=dict(color=color, size=sizes), legendgroup=name,
                      hovertemplate=name + "<br>(%{x:.3g}, %{y:.3g})<extra></extra>")


def _frame_axes(fig: go.Figure, bounds, axis_titles, row=None, col=None) -> None:
    (x0, x1), (y0, y1) = bounds
    kw = {} if row is None else dict(row=row, col=col)
    fig.update_xaxes(range=[x0, x1], title_text=axis_titles[0], showgrid=False, **kw)
    fig.update_yaxes(range=[y0, y1], title_text=axis_titles[1], showgrid=False, **kw)


def _legend_names(fig: go.Figure) -> list[str]:
    """Entries plotly will show in the legend (one per legend group)."""
    names, groups = [], set()
    for trace in fig.data:
        if trace.type not in ("scatter", "scatter3d") or trace.showlegend is False:
            continue
        group = trace.legendgroup or trace.name
        if group in groups:
            continue
        groups.add(group)
        names.append(str(trace.name))
    return names if len(names) > 1 or fig.layout.showlegend else []


def _legend_rows(names: list[str], width: float = 600.0) -> int:
    """Rows a horizontal legend needs at ``width`` pixels (about 7.5 px per character)."""
    rows, used = (1 if names else 0), 0.0
    for name in names:
        item = 45.0 + 7.5 * len(name)
        if used and used + item > width:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def _header(fig: go.Figure, title: str | None, height: int, extra: int = 0,
            bottom: int | None = None) -> None:
    """Title at the very top, the legend in rows below it, the plot below both.

    Positions are in pixels from the top of the figure (``yref="container"``),
    so title, legend and plot never overlap; ``extra`` leaves room for subplot
    titles above the plots.
    """
    rows = _legend_rows(_legend_names(fig))
    title_px = 44 if title else 8
    top = title_px + 24 * rows + 14 + extra
    margin = dict(t=top) if bottom is None else dict(t=top, b=bottom)
    fig.update_layout(
        height=height, margin=margin,
        title=dict(text=title, y=1.0, yref="container", yanchor="top", pad=dict(t=12)),
        legend=dict(orientation="h", x=0.0, xanchor="left", y=1.0 - title_px / height,
                    yref="container", yanchor="top"))


def _finish_map(fig: go.Figure, bounds, axis_titles, title, height: int,
                bottom: int | None = None) -> None:
    """Window, titles and equal scales on both axes for a map of the plane."""
    _frame_axes(fig, bounds, axis_titles)
    _header(fig, title, height, bottom=bottom)
    fig.update_yaxes(scaleanchor="x", scaleratio=1, constrain="domain")
    fig.update_xaxes(constrain="domain")


# ---------------------------------------------------------------------------
# 3-D
# ---------------------------------------------------------------------------

def _surface_trace(X, Y, Z, name: str, opacity: float = 0.92) -> go.Surface:
    return go.Surface(x=X[0], y=Y[:, 0], z=Z, colorscale=SEQUENTIAL, opacity=opacity,
                      showscale=False, name=name,
                      contours=dict(z=dict(show=True, usecolormap=True,
                                           project=dict(z=True), width=1)))


def _scene_layout(fig: go.Figure, title, axis_titles, zrange=None, height: int = 560,
                  bottom: int = 0, eye=(1.1, -1.1, 1.6)) -> None:
    zaxis = dict(title=axis_titles[2], nticks=6)
    if zrange is not None:
        zaxis["range"] = list(zrange)
    fig.update_layout(
        margin=dict(l=0, r=0, b=0),
        scene=dict(xaxis_title=axis_titles[0], yaxis_title=axis_titles[1], zaxis=zaxis,
                   aspectmode="manual", aspectratio=dict(x=1, y=1, z=0.6),
                   camera=dict(eye=dict(x=eye[0], y=eye[1], z=eye[2]))))
    _header(fig, title, height, bottom=bottom)


def _path_trace_3d(surface, path, name: str, color: str, lift: float,
                   max_points: int | None = None) -> go.Scatter3d:
    path = path[_subsample(len(path), max_points)]
    z = _values(surface, path) + lift
    return go.Scatter3d(x=path[:, 0], y=path[:, 1], z=z, name=name, mode="lines+markers",
                        line=dict(color=color, width=5), marker=dict(size=2.5, color=color))


def surface_3d(surface, paths=(), names=None, n: int = 61, title: str | None = None,
               axis_titles=THETA_TITLES, bounds=None, show_critical: bool = False,
               max_points: int | None = 200, eye=(1.1, -1.1, 1.6)) -> go.Figure:
    """A 3-D surface plot of ``surface`` with optional descent paths drawn on it.

    Parameters
    ----------
    surface : nnlearn.surfaces.Surface or callable
        Maps points of shape ``(..., 2)`` to values of shape ``(...)``.
    paths : mapping {name: path} or sequence of ndarray of shape (steps, 2)
        Iterates of an optimizer, e.g. from :func:`nnlearn.descent.gradient_descent`.
    names : sequence of str, optional
        Legend entries when ``paths`` is a sequence.
    n : int, default 61
        Grid points per axis (the page size grows with n²).
    title : str, optional
    axis_titles : (str, str, str)
    bounds : ((xmin, xmax), (ymin, ymax)), optional
        Default ``surface.bounds``.
    show_critical : bool, default False
        Mark the surface's known minima, saddles and maxima.
    max_points : int or None, default 200
        Longer paths are subsampled to this many points.
    eye : (float, float, float), default (1.1, -1.1, 1.6)
        Camera position (plotly ``scene.camera.eye``). Look from well above: from
        a low camera the near rim of a bowl hides the paths on its inner slope.

    Returns
    -------
    plotly.graph_objects.Figure
        The surface is ``fig.data[0]``; then the paths, then critical points.
    """
    bounds = _check_surface(surface, bounds)
    named = _named_paths(paths, names)
    axis_titles = _check_titles(axis_titles, 3, "axis_titles")
    X, Y, Z = grid(surface, n, bounds=bounds)
    lift = 0.01 * (float(np.ptp(Z)) or 1.0)
    fig = go.Figure(_surface_trace(X, Y, Z, getattr(surface, "name", "surface")))
    for (name, path), color in zip(named, path_colors(len(named)), strict=True):
        fig.add_trace(_path_trace_3d(surface, path, name, color, lift, max_points))
    if show_critical:
        fig.add_traces(_critical_traces(surface, bounds, lambda p: _values(surface, p), lift))
    _scene_layout(fig, title, axis_titles, eye=eye)
    return fig


def _arrow_segments(starts: np.ndarray, vectors: np.ndarray, head: float = 0.3,
                    angle: float = 0.45) -> tuple[np.ndarray, np.ndarray]:
    """x and y of arrows (shaft and two barbs) separated by NaN, for one line trace."""
    ends = starts + vectors
    length = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = np.divide(vectors, length, out=np.zeros_like(vectors), where=length > 0)
    cos, sin = np.cos(angle), np.sin(angle)
    back = -unit * head * length
    left = np.stack([cos * back[:, 0] - sin * back[:, 1], sin * back[:, 0] + cos * back[:, 1]], 1)
    right = np.stack([cos * back[:, 0] + sin * back[:, 1], -sin * back[:, 0] + cos * back[:, 1]],
                     1)
    gap = np.full_like(starts, np.nan)
    pts = np.stack([starts, ends, gap, ends + left, ends, ends + right, gap], axis=1)
    pts = pts.reshape(-1, 2)
    return pts[:, 0], pts[:, 1]


def gradient_arrows_3d(surface, points, n: int = 41, scale: float | None = None,
                       title: str | None = None, axis_titles=THETA_TITLES,
                       bounds=None, eye=(1.2, -1.4, 1.3)) -> go.Figure:
    r"""A surface with the gradient :math:`\nabla f` and :math:`-\nabla f` at a few points.

    The gradient lives in the plane of the inputs, so its arrows are drawn on
    the floor of the plot, among the projected level sets, below the marked
    points of the surface (joined to them by thin vertical lines). Arrow
    length is ``scale`` times the gradient's length, so steeper spots get
    longer arrows.

    Parameters
    ----------
    surface : Surface
        Needs ``grad`` and ``value`` (or ``__call__``).
    points : array_like of shape (k, 2)
    n : int, default 41
        Grid points per axis.
    scale : float, optional
        Arrow length per unit of gradient; default: the longest arrow is
        30 % of the window width.
    title : str, optional
    axis_titles : (str, str, str)
    bounds : optional
        Default ``surface.bounds``.
    eye : (float, float, float)
        Camera position; the default looks down enough to see the floor.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: surface, marked points, drop lines, ``∇f`` arrows, ``−∇f`` arrows.
    """
    bounds = _check_surface(surface, bounds)
    if not callable(getattr(surface, "grad", None)):
        raise TypeError("surface must have a grad method (a nnlearn.surfaces.Surface)")
    pts = as_float_array(points, "points", ndim=2).astype(np.float64)
    if pts.shape[1] != 2 or len(pts) == 0:
        raise ValueError(f"points must have shape (k, 2) with k >= 1, got {pts.shape}")
    axis_titles = _check_titles(axis_titles, 3, "axis_titles")
    X, Y, Z = grid(surface, n, bounds=bounds)
    span = float(np.ptp(Z)) or 1.0
    floor = float(Z.min()) - 0.2 * span
    g = np.asarray(surface.grad(pts), dtype=np.float64)
    if scale is None:
        width = bounds[0][1] - bounds[0][0]
        scale = 0.3 * width / max(float(np.linalg.norm(g, axis=1).max()), 1e-300)
    scale = check_scalar(scale, "scale", low=0.0, low_inclusive=False)
    z_pts = _values(surface, pts)
    fig = go.Figure(_surface_trace(X, Y, Z, getattr(surface, "name", "surface"), opacity=0.55))
    fig.add_trace(go.Scatter3d(x=pts[:, 0], y=pts[:, 1], z=z_pts + 0.01 * span,
                               mode="markers", name="points on the surface",
                               marker=dict(size=5, color=COLORWAY[7])))
    drop_x = np.column_stack([pts[:, 0], pts[:, 0], np.full(len(pts), np.nan)]).ravel()
    drop_y = np.column_stack([pts[:, 1], pts[:, 1], np.full(len(pts), np.nan)]).ravel()
    drop_z = np.column_stack([z_pts, np.full(len(pts), floor), np.full(len(pts), np.nan)]).ravel()
    fig.add_trace(go.Scatter3d(x=drop_x, y=drop_y, z=drop_z, mode="lines", showlegend=False,
                               line=dict(color=COLORWAY[7], width=3, dash="dash"),
                               hoverinfo="skip"))
    for sign, name, color in ((1.0, "∇f: steepest ascent", COLORWAY[1]),
                              (-1.0, "−∇f: steepest descent", COLORWAY[0])):
        ax, ay = _arrow_segments(pts, sign * scale * g)
        fig.add_trace(go.Scatter3d(x=ax, y=ay, z=np.full(len(ax), floor), mode="lines",
                                   name=name, line=dict(color=color, width=6),
                                   hoverinfo="skip"))
    _scene_layout(fig, title, axis_titles, zrange=(floor, float(Z.max())), eye=eye)
    return fig


# ---------------------------------------------------------------------------
# contour maps
# ---------------------------------------------------------------------------

def contour_paths(surface, paths=(), names=None, n: int = 81, bounds=None, log: bool = False,
                  show_critical: bool = True, title: str | None = None,
                  axis_titles=THETA_TITLES[:2], colorbar_title: str | None = "f(θ)",
                  max_points: int | None = 300, levels: int = 25) -> go.Figure:
    """A filled contour map of ``surface`` with several named paths on it.

    Parameters
    ----------
    surface : Surface or callable
    paths : mapping {name: path} or sequence of ndarray of shape (steps, 2)
        A noisy path (``gradient_descent(..., noise=...)``, SGD) is drawn the
        same way; long paths are subsampled to ``max_points``.
    names : sequence of str, optional
        Legend entries when ``paths`` is a sequence.
    n : int, default 81
        Grid points per axis.
    bounds : optional
        Plot window, default ``surface.bounds``; paths may leave it.
    log : bool, default False
        Colour by :math:`\\log_{10}(f - \\min f + \\delta)`: level sets of a
        function with a deep narrow valley (Rosenbrock) become visible.
    show_critical : bool, default True
        Mark the known minima, saddles and maxima of a Surface.
    title : str, optional
    axis_titles : (str, str)
    colorbar_title : str or None
    max_points : int or None, default 300
    levels : int, default 25
        Approximate number of contour levels.

    Returns
    -------
    plotly.graph_objects.Figure
        ``fig.data[0]`` is the contour; then one trace per path; then critical points.
    """
    bounds = _check_surface(surface, bounds)
    named = _named_paths(paths, names)
    axis_titles = _check_titles(axis_titles, 2, "axis_titles")
    levels = check_scalar(levels, "levels", low=2, integer=True)
    fig = go.Figure(_contour_trace(surface, bounds, n, log, colorbar_title, levels=levels))
    for (name, path), color in zip(named, path_colors(len(named)), strict=True):
        fig.add_trace(_path_trace_2d(name, path, color, max_points))
    if show_critical:
        fig.add_traces(_critical_traces(surface, bounds))
    _finish_map(fig, bounds, axis_titles, title, 520)
    return fig


def gradient_field(surface, n_arrows: int = 15, n: int = 81, bounds=None,
                   direction: str = "descent", normalize: bool = True, paths=(), names=None,
                   title: str | None = None, axis_titles=THETA_TITLES[:2],
                   colorbar_title: str | None = "f(θ)", log: bool = False) -> go.Figure:
    r"""A contour map with arrows of :math:`-\nabla f` (or :math:`\nabla f`) on a grid.

    Each arrow starts at a grid point and is perpendicular to the level set
    through it. With ``normalize=True`` all arrows have the same length and
    show only the direction; the steepness is in the spacing of the level sets.

    Parameters
    ----------
    surface : Surface
        Needs ``grad``.
    n_arrows : int, default 15
        Arrows per axis (``n_arrows**2`` in all).
    n : int, default 81
        Grid points per axis for the contour.
    bounds : optional
    direction : {"descent", "ascent"}
        Draw :math:`-\nabla f` or :math:`\nabla f`.
    normalize : bool, default True
        Equal-length arrows; otherwise length proportional to
        :math:`\lVert\nabla f\rVert`, the longest filling one grid cell.
    paths, names : optional
        Paths drawn on top, as in :func:`contour_paths`.
    title, axis_titles, colorbar_title, log
        As in :func:`contour_paths`.

    Returns
    -------
    plotly.graph_objects.Figure
        Contour, arrows, then paths, then critical points.
    """
    bounds = _check_surface(surface, bounds)
    if not callable(getattr(surface, "grad", None)):
        raise TypeError("surface must have a grad method (a nnlearn.surfaces.Surface)")
    n_arrows = check_scalar(n_arrows, "n_arrows", low=2, integer=True)
    direction = check_choice(direction, "direction", {"descent", "ascent"})
    named = _named_paths(paths, names)
    axis_titles = _check_titles(axis_titles, 2, "axis_titles")
    (x0, x1), (y0, y1) = bounds
    cell = np.array([(x1 - x0) / n_arrows, (y1 - y0) / n_arrows])
    gx, gy = np.meshgrid(x0 + cell[0] * (np.arange(n_arrows) + 0.5),
                         y0 + cell[1] * (np.arange(n_arrows) + 0.5))
    starts = np.column_stack([gx.ravel(), gy.ravel()])
    g = np.asarray(surface.grad(starts), dtype=np.float64)
    if direction == "descent":
        g = -g
    length = np.linalg.norm(g, axis=1, keepdims=True)
    if normalize:
        vec = np.divide(g, length, out=np.zeros_like(g), where=length > 0) * 0.75 * cell.min()
    else:
        vec = g / max(float(length.max()), 1e-300) * 0.9 * cell.min()
    # centre each arrow on its grid point
    ax, ay = _arrow_segments(starts - 0.5 * vec, vec, head=0.35)
    label = "−∇f (downhill)" if direction == "descent" else "∇f (uphill)"
    fig = go.Figure(_contour_trace(surface, bounds, n, log, colorbar_title))
    fig.add_trace(go.Scatter(x=ax, y=ay, mode="lines", name=label, hoverinfo="skip",
                             line=dict(color=COLORWAY[1], width=1.6)))
    for (name, path), color in zip(named, path_colors(len(named) + 1)[1:], strict=True):
        fig.add_trace(_path_trace_2d(name, path, color, 300))
    fig.add_traces(_critical_traces(surface, bounds))
    _finish_map(fig, bounds, axis_titles, title, 540)
    return fig


def contour_panels(surfaces, paths, subtitles, n: int = 61, bounds=None, log: bool = False,
                   title: str | None = None, axis_titles=THETA_TITLES[:2],
                   max_points: int | None = 300, show_critical: bool = True,
                   height: int = 400) -> go.Figure:
    """Contour maps side by side, one path on each: compare step sizes or problems.

    Parameters
    ----------
    surfaces : Surface or sequence of Surface
        One surface for every panel, or one per panel.
    paths : sequence of ndarray of shape (steps, 2)
        One path per panel (a path that leaves the window is cut off by it).
    subtitles : sequence of str
        One title per panel.
    n : int, default 61
    bounds : window or sequence of windows, optional
        Default: each surface's ``bounds``.
    log, title, axis_titles, max_points, show_critical
        As in :func:`contour_paths`.
    height : int, default 400

    Returns
    -------
    plotly.graph_objects.Figure
        Per panel: contour, path, critical points.
    """
    paths = list(paths)
    if not paths:
        raise ValueError("paths must hold at least one path")
    k = len(paths)
    subtitles = _check_titles(subtitles, k, "subtitles")
    named = _named_paths(paths, subtitles)
    axis_titles = _check_titles(axis_titles, 2, "axis_titles")
    if callable(surfaces):
        surfaces = [surfaces] * k
    surfaces = list(surfaces)
    if len(surfaces) != k:
        raise ValueError(f"surfaces must be one surface or {k} surfaces, got {len(surfaces)}")
    if bounds is None or np.ndim(bounds) == 2:
        bounds = [bounds] * k
    windows = [_check_surface(s, b) for s, b in zip(surfaces, bounds, strict=True)]
    fig = make_subplots(rows=1, cols=k, subplot_titles=subtitles, horizontal_spacing=0.07)
    colors = path_colors(1)
    panels = zip(surfaces, windows, named, strict=True)
    for col, (surface, window, (name, path)) in enumerate(panels, 1):
        fig.add_trace(_contour_trace(surface, window, n, log, None, showscale=False),
                      row=1, col=col)
        fig.add_trace(_path_trace_2d(name, path, colors[0], max_points, showlegend=False),
                      row=1, col=col)
        if show_critical:
            for trace in _critical_traces(surface, window):
                trace.showlegend = False
                fig.add_trace(trace, row=1, col=col)
        _frame_axes(fig, window, (axis_titles[0], axis_titles[1] if col == 1 else None),
                    row=1, col=col)
    fig.update_layout(showlegend=False)
    _header(fig, title, height, extra=26)
    return fig


def descent_1d(f, paths, subtitles=None, x_range=None, n: int = 201, title: str | None = None,
               axis_titles=("θ (unitless)", "f(θ) (unitless)"),
               max_points: int | None = 100) -> go.Figure:
    """A function of one variable with a descent path in each panel, side by side.

    Parameters
    ----------
    f : callable
        Maps points of shape ``(..., 1)`` to values ``(...)``, like a 1-D
        :class:`nnlearn.surfaces.Quadratic`.
    paths : mapping {subtitle: path} or sequence of ndarray of shape (steps,) or (steps, 1)
    subtitles : sequence of str, optional
        Panel titles when ``paths`` is a sequence.
    x_range : (float, float), optional
        Window; default the range of all paths, widened by 10 %. Points outside
        it are cut off (a diverging path leaves through the side).
    n : int, default 201
    title : str, optional
    axis_titles : (str, str)
    max_points : int or None, default 100

    Returns
    -------
    plotly.graph_objects.Figure
        Per panel: the curve, then the path.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    named = _named_paths(paths, subtitles, dim=1)
    if not named:
        raise ValueError("paths must hold at least one path")
    axis_titles = _check_titles(axis_titles, 2, "axis_titles")
    if x_range is None:
        allx = np.concatenate([p[:, 0] for _, p in named])
        lo, hi = float(allx.min()), float(allx.max())
        pad = 0.1 * (hi - lo or 1.0)
        x_range = (lo - pad, hi + pad)
    lo, hi = (check_scalar(v, "x_range") for v in x_range)
    if not lo < hi:
        raise ValueError(f"x_range must satisfy low < high, got {x_range!r}")
    xs = np.linspace(lo, hi, n)
    ys = _values(f, xs[:, None])
    fig = make_subplots(rows=1, cols=len(named), subplot_titles=[nm for nm, _ in named],
                        shared_yaxes=True, horizontal_spacing=0.04)
    color = path_colors(1)[0]
    for col, (_, path) in enumerate(named, 1):
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", showlegend=col == 1, name="f(θ)",
                                 line=dict(color=COLORWAY[0], width=2), hoverinfo="skip"),
                      row=1, col=col)
        keep = path[_subsample(len(path), max_points)]
        keep = keep[(keep[:, 0] >= lo) & (keep[:, 0] <= hi)]
        fy = _values(f, keep)
        sizes = np.full(len(keep), 6.0)
        if len(keep):
            sizes[0] = 11.0
        fig.add_trace(go.Scatter(x=keep[:, 0], y=fy, mode="lines+markers", name="iterates θₜ",
                                 showlegend=col == 1, line=dict(color=color, width=1.5),
                                 marker=dict(color=color, size=sizes),
                                 hovertemplate="θ = %{x:.3g}<br>f = %{y:.3g}<extra></extra>"),
                      row=1, col=col)
        fig.update_xaxes(range=[lo, hi], title_text=axis_titles[0], row=1, col=col)
    pad = 0.05 * (float(np.ptp(ys)) or 1.0)
    fig.update_yaxes(range=[float(ys.min()) - pad, float(ys.max()) + pad])
    fig.update_yaxes(title_text=axis_titles[1], row=1, col=1)
    _header(fig, title, 380, extra=26)
    return fig


def basin_map(X, Y, labels, names, surface=None, title: str | None = None,
              axis_titles=THETA_TITLES[:2]) -> go.Figure:
    """Colour every start point by the minimum that gradient descent from it reaches.

    Parameters
    ----------
    X, Y : ndarray of shape (ny, nx)
        The start points, as from :func:`nnlearn.surfaces.mesh`.
    labels : array_like of int, shape (ny, nx)
        Index of the minimum reached, ``0 <= labels < len(names)``.
    names : sequence of str
        One legend entry per minimum.
    surface : Surface, optional
        If given, its level sets are drawn as lines and its minima marked.
    title, axis_titles : optional

    Returns
    -------
    plotly.graph_objects.Figure
        A heatmap, one legend entry per basin, then (optionally) the level sets
        and critical points.
    """
    X = as_float_array(X, "X", ndim=2)
    Y = as_float_array(Y, "Y", ndim=2)
    lab = np.asarray(labels)
    if X.shape != Y.shape or lab.shape != X.shape:
        raise ValueError(f"X, Y and labels must have the same shape, got {X.shape}, "
                         f"{Y.shape} and {lab.shape}")
    if not np.issubdtype(lab.dtype, np.integer):
        raise TypeError(f"labels must be integers, got dtype {lab.dtype}")
    names = [str(nm) for nm in names]
    k = len(names)
    if k == 0 or lab.min() < 0 or lab.max() >= k:
        raise ValueError(f"labels must lie in [0, {k - 1}] for {k} names, got values from "
                         f"{lab.min()} to {lab.max()}")
    axis_titles = _check_titles(axis_titles, 2, "axis_titles")
    colors = path_colors(k)
    scale = []
    for i, c in enumerate(colors):
        scale += [[i / k, c], [(i + 1) / k, c]]
    fig = go.Figure(go.Heatmap(x=X[0], y=Y[:, 0], z=lab, zmin=-0.5, zmax=k - 0.5,
                               colorscale=scale, showscale=False, opacity=0.75,
                               hovertemplate="start (%{x:.2f}, %{y:.2f})<br>reaches minimum "
                               "%{z}<extra></extra>", name="basins"))
    for name, c in zip(names, colors, strict=True):  # legend entries
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name,
                                 marker=dict(symbol="square", size=12, color=c)))
    bounds = ((float(X.min()), float(X.max())), (float(Y.min()), float(Y.max())))
    if surface is not None:
        Xs, Ys, Z = grid(surface, X.shape[::-1], bounds=bounds)
        fig.add_trace(go.Contour(x=Xs[0], y=Ys[:, 0], z=Z, ncontours=20, showscale=False,
                                 contours=dict(coloring="none"), hoverinfo="skip",
                                 line=dict(color=COLORWAY[7], width=1), name="level sets"))
        fig.add_traces(_critical_traces(surface, bounds))
    _finish_map(fig, bounds, axis_titles, title, 540)
    return fig


# ---------------------------------------------------------------------------
# learning curves
# ---------------------------------------------------------------------------

def _axis_format(log: bool, fig: go.Figure, axis: str) -> dict:
    """Linear axis, or log axis labelled 10^k (only decades when it spans many)."""
    if not log:
        return dict(type="linear")
    values = np.concatenate([np.asarray(getattr(t, axis), dtype=np.float64) for t in fig.data]
                            or [np.ones(1)])
    values = values[np.isfinite(values) & (values > 0)]
    span = np.log10(values.max() / values.min()) if len(values) else 0.0
    fmt = dict(type="log", exponentformat="power")
    if span > 2.5:
        fmt["dtick"] = 1 if span < 7 else 2
    elif span > 0.7:
        fmt["dtick"] = "D2"                  # 1, 2, 5 in each decade, not every digit
    return fmt


def learning_curves(curves, title: str | None = None, x_title: str = "step t",
                    y_title: str = "loss", log_x: bool = False, log_y: bool = True,
                    dashed=(), max_points: int | None = 400, height: int = 420) -> go.Figure:
    """Curves such as loss against step, several on one plot.

    Parameters
    ----------
    curves : mapping {name: y} or {name: (x, y)}
        ``y`` alone is plotted against ``0, 1, ..., len(y) - 1``.
    title : str, optional
    x_title, y_title : str
        Axis titles (say the units).
    log_x, log_y : bool
        Logarithmic axes. Non-positive values are dropped on a log axis.
    dashed : collection of str
        Names of curves to draw dashed (bounds, references).
    max_points : int or None, default 400
        Long curves are subsampled (geometrically on a log x-axis).
    height : int, default 420

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per curve, in the order given.
    """
    if not isinstance(curves, Mapping) or not curves:
        raise TypeError("curves must be a non-empty mapping {name: y} or {name: (x, y)}")
    dashed = set(dashed)
    unknown = dashed - set(curves)
    if unknown:
        raise ValueError(f"dashed names curves that do not exist: {sorted(unknown)}")
    fig = go.Figure()
    colors = COLORWAY
    for i, (name, value) in enumerate(curves.items()):
        if isinstance(value, tuple):
            if len(value) != 2:
                raise ValueError(f"curve {name!r} must be y or a pair (x, y)")
            x = as_float_array(value[0], f"curve {name!r} x", ndim=1)
            y = as_float_array(value[1], f"curve {name!r} y", ndim=1, allow_nonfinite=True)
            if x.shape != y.shape:
                raise ValueError(f"curve {name!r} x and y must have the same shape, got "
                                 f"{x.shape} and {y.shape}")
        else:
            y = as_float_array(value, f"curve {name!r}", ndim=1, allow_nonfinite=True)
            x = np.arange(len(y), dtype=np.float64)
        x, y = x.astype(np.float64), y.astype(np.float64)
        ok = np.isfinite(x) & np.isfinite(y)
        if log_x:
            ok &= x > 0
        if log_y:
            ok &= y > 0
        x, y = x[ok], y[ok]
        idx = _subsample(len(x), max_points, log=log_x)
        fig.add_trace(go.Scatter(x=x[idx], y=y[idx], mode="lines", name=str(name),
                                 line=dict(color=colors[i % len(colors)], width=2.2,
                                           dash="dash" if name in dashed else "solid")))
    fig.update_xaxes(title_text=x_title, **_axis_format(log_x, fig, "x"))
    fig.update_yaxes(title_text=y_title, **_axis_format(log_y, fig, "y"))
    _header(fig, title, height)
    return fig


# ---------------------------------------------------------------------------
# animations
# ---------------------------------------------------------------------------

def _frame_steps(named, frames: int) -> np.ndarray:
    longest = max(len(p) for _, p in named) - 1
    frames = check_scalar(frames, "frames", low=2, integer=True)
    return np.unique(np.round(np.linspace(0, longest, frames)).astype(int))


def _animation_controls(steps: np.ndarray, redraw: bool, duration: int) -> dict:
    """Play/pause buttons and a slider over the frames named by ``steps``."""
    play = dict(frame=dict(duration=duration, redraw=redraw), fromcurrent=False,
                transition=dict(duration=0), mode="immediate")
    pause = dict(frame=dict(duration=0, redraw=False), transition=dict(duration=0),
                 mode="immediate")
    buttons = [dict(label="▶ Play", method="animate", args=[None, play]),
               dict(label="❚❚ Pause", method="animate", args=[[None], pause])]
    slider_steps = [dict(label=str(s), method="animate",
                         args=[[str(s)], dict(frame=dict(duration=0, redraw=redraw),
                                              transition=dict(duration=0),
                                              mode="immediate")]) for s in steps]
    return dict(
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=0.0, xanchor="left",
                          yanchor="top", pad=dict(t=10, r=10), showactive=False,
                          buttons=buttons)],
        sliders=[dict(active=len(steps) - 1, x=0.27, len=0.73, y=0.0, yanchor="top",
                      pad=dict(t=10), currentvalue=dict(prefix="step t = "),
                      steps=slider_steps)])


def _upto(path: np.ndarray, idx: np.ndarray, step: int) -> np.ndarray:
    """Rows of the subsampled ``path`` with step number <= ``step`` (at least the start)."""
    keep = idx[idx <= step]
    return path[keep] if len(keep) else path[:1]


def _short(values: np.ndarray) -> list[float]:
    """Values rounded to 4 significant digits, as a list (plenty on screen, small JSON)."""
    return [float(f"{v:.4g}") for v in values]


def _growing_xyz(surface, named, subs, step: int, lift: float | None) -> list[dict]:
    """Coordinates of the path lines up to ``step``, then of one head per path.

    Plain lists (not arrays) keep the frames small and quick to build; with
    ``lift`` a number the points get a ``z`` on the surface (3-D).
    """
    lines, heads = [], []
    for (_, path), idx in zip(named, subs, strict=True):
        for part, out in ((_upto(path, idx, step), lines),
                          (path[min(step, len(path) - 1)][None], heads)):
            xyz = dict(x=_short(part[:, 0]), y=_short(part[:, 1]))
            if lift is not None:
                xyz["z"] = _short(_values(surface, part) + lift)
            out.append(xyz)
    return lines + heads


def _add_frames(fig: go.Figure, surface, named, steps, max_points: int,
                lift: float | None) -> None:
    """Add the growing paths (whole, as the opening view) and one frame per step.

    Frames carry only the coordinates of the path traces (``traces=[...]``);
    styles stay those of the opening traces.
    """
    three_d = lift is not None
    kind = "scatter3d" if three_d else "scatter"
    colors = path_colors(len(named))
    subs = [_subsample(len(p), max_points) for _, p in named]
    first = len(fig.data)
    opening = _growing_xyz(surface, named, subs, int(steps[-1]), lift)
    k = len(named)
    for i, ((name, _), color) in enumerate(zip(named, colors, strict=True)):
        head = dict(size=6 if three_d else 10, color=color,
                    line=dict(width=1, color=COLORWAY[7]))
        if three_d:   # markers with a dark rim keep a path visible on any part of the surface
            style = dict(mode="lines+markers", line=dict(color=color, width=7),
                         marker=dict(size=3, color=color, line=dict(width=1, color=COLORWAY[7])))
        else:
            style = dict(mode="lines", line=dict(color=color, width=2.5))
        fig.add_trace(dict(type=kind, name=name, legendgroup=name, **style, **opening[i]))
        fig.add_trace(dict(type=kind, mode="markers", name=name, legendgroup=name,
                           showlegend=False, marker=head, **opening[k + i]))
    # add_trace interleaves line and head per path; frames list lines first, then heads
    moving = [first + 2 * i for i in range(k)] + [first + 2 * i + 1 for i in range(k)]
    fig.frames = [go.Frame(data=[dict(type=kind, **xyz) for xyz in
                                 _growing_xyz(surface, named, subs, int(s), lift)],
                           traces=moving, name=str(int(s))) for s in steps]


def _check_animation(surface, paths, names, bounds, axis_titles, n_titles: int,
                     max_points, duration, frames):
    """The checked arguments shared by the two animations, and the frame steps."""
    bounds = _check_surface(surface, bounds)
    named = _named_paths(paths, names)
    if not named:
        raise ValueError("paths must hold at least one path")
    axis_titles = _check_titles(axis_titles, n_titles, "axis_titles")
    max_points = check_scalar(max_points, "max_points", low=2, integer=True)
    duration = check_scalar(duration, "duration", low=0, integer=True)
    return bounds, named, axis_titles, max_points, duration, _frame_steps(named, frames)


def animated_paths_3d(surface, paths, names=None, n: int = 41, frames: int = 30,
                      max_points: int = 60, title: str | None = None,
                      axis_titles=THETA_TITLES, bounds=None, duration: int = 120,
                      show_critical: bool = True, eye=(1.1, -1.1, 1.6)) -> go.Figure:
    """Descent paths growing step by step on a 3-D surface, with a play button and a slider.

    The surface and critical points are drawn once; every frame updates only
    the path traces (``traces=[...]`` in each frame), so the page stays small.
    The figure opens on the last frame (whole paths); Play runs from step 0.

    Parameters
    ----------
    surface : Surface or callable
    paths : mapping {name: path} or sequence of ndarray of shape (steps, 2)
        Paths may have different lengths (e.g. one stopped early).
    names : sequence of str, optional
    n : int, default 41
        Grid points per axis of the surface.
    frames : int, default 30
        Number of animation frames (at most one per step).
    max_points : int, default 60
        Each path is subsampled to about this many points.
    title, axis_titles, bounds, show_critical, eye
        As in :func:`surface_3d`.
    duration : int, default 120
        Milliseconds per frame.

    Returns
    -------
    plotly.graph_objects.Figure
        ``data``: surface, one line per path, one head marker per path, critical
        points. ``frames``: named by step number, each with the path and head
        traces only.
    """
    bounds, named, axis_titles, max_points, duration, steps = _check_animation(
        surface, paths, names, bounds, axis_titles, 3, max_points, duration, frames)
    X, Y, Z = grid(surface, n, bounds=bounds)
    lift = 0.015 * (float(np.ptp(Z)) or 1.0)
    fig = go.Figure(_surface_trace(X, Y, Z, getattr(surface, "name", "surface"), opacity=0.85))
    _add_frames(fig, surface, named, steps, max_points, lift)
    if show_critical:
        fig.add_traces(_critical_traces(surface, bounds, lambda p: _values(surface, p), lift))
    _scene_layout(fig, title, axis_titles, zrange=(float(Z.min()), float(Z.max()) + 2 * lift),
                  height=620, bottom=110, eye=eye)
    fig.update_layout(**_animation_controls(steps, redraw=True, duration=duration))
    return fig


def animated_paths_contour(surface, paths, names=None, n: int = 81, frames: int = 40,
                           max_points: int = 150, title: str | None = None,
                           axis_titles=THETA_TITLES[:2], bounds=None, log: bool = False,
                           colorbar_title: str | None = "f(θ)", duration: int = 80,
                           show_critical: bool = True) -> go.Figure:
    """Descent paths growing step by step on a contour map, with a play button and a slider.

    Like :func:`animated_paths_3d` in 2-D: the contour is drawn once, frames
    update only the path traces, and frames are drawn without a full redraw
    (``redraw=False``), which is smooth for 2-D scatter traces.

    Parameters
    ----------
    surface, paths, names, n, frames, max_points, title, axis_titles, bounds, duration
        As in :func:`animated_paths_3d` (``n`` defaults to 81 here).
    log, colorbar_title, show_critical
        As in :func:`contour_paths`.

    Returns
    -------
    plotly.graph_objects.Figure
        ``data``: contour, one line per path, one head marker per path, critical
        points; ``frames`` update the line and head traces.
    """
    bounds, named, axis_titles, max_points, duration, steps = _check_animation(
        surface, paths, names, bounds, axis_titles, 2, max_points, duration, frames)
    fig = go.Figure(_contour_trace(surface, bounds, n, log, colorbar_title))
    _add_frames(fig, surface, named, steps, max_points, lift=None)
    if show_critical:
        fig.add_traces(_critical_traces(surface, bounds))
    _finish_map(fig, bounds, axis_titles, title, 620, bottom=120)
    fig.update_layout(**_animation_controls(steps, redraw=False, duration=duration))
    return fig
