"""Chapter 3 figures of loss landscapes: gradient arrows, steps in 1-D, basins.

Compositions of the primitives :func:`nnlearn.viz.contour.contour_paths` and
:func:`nnlearn.viz.surface.surface_3d` (which draw paths on contour maps and
3-D surfaces; use them directly for that).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnlearn._checks import as_float_array, check_bool, check_choice, check_scalar
from nnlearn.surfaces import grid
from nnlearn.viz import contour, layout
from nnlearn.viz.lines import line_style
from nnlearn.viz.surface import scene, surface_trace
from nnlearn.viz.theme import class_colorscale, color

__all__ = ["gradient_arrows_3d", "gradient_field", "descent_1d", "basin_map"]


def _arrow_segments(starts: np.ndarray, vectors: np.ndarray,
                    head: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """x and y of arrows (shaft and two barbs at 0.45 rad) separated by NaN, for one line trace."""
    ends = starts + vectors
    back = -head * vectors                            # from the tip back along the shaft
    turn = np.array([[np.cos(0.45), -np.sin(0.45)], [np.sin(0.45), np.cos(0.45)]])
    left = back @ turn.T                              # turned by +0.45 rad
    right = back @ turn                               # turned by -0.45 rad
    gap = np.full_like(starts, np.nan)
    pts = np.stack([starts, ends, gap, ends + left, ends, ends + right, gap], axis=1)
    return pts.reshape(-1, 2)[:, 0], pts.reshape(-1, 2)[:, 1]


def _grad(surface):
    if not callable(getattr(surface, "grad", None)):
        raise TypeError("surface must have a grad method (a nnlearn.surfaces.Surface)")
    return surface.grad


def gradient_arrows_3d(surface, points, *, title: str | None, n: int = 41,
                       scale: float | None = None, bounds=None) -> go.Figure:
    r"""A surface with the gradient :math:`\nabla f` and :math:`-\nabla f` at a few points.

    The gradient lives in the plane of the inputs, so its arrows are drawn on
    the floor of the plot, among the projected level sets, below the marked
    points of the surface (joined to them by thin vertical lines). Arrow
    length is ``scale`` times the gradient's length.

    Parameters
    ----------
    surface : Surface
        Needs ``grad``.
    points : array_like of shape (k, 2)
    title : str or None
    n : int, default 41
    scale : float, optional
        Arrow length per unit of gradient; default: the longest arrow is
        30 % of the window width.
    bounds : optional
        Default ``surface.bounds``.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: surface, marked points, drop lines, ``∇f`` arrows, ``−∇f`` arrows.
    """
    box = contour.window(surface, bounds)
    pts = as_float_array(points, "points", ndim=2).astype(np.float64)
    if pts.shape[1] != 2 or not 1 <= len(pts) <= 1000:
        raise ValueError(f"points must have shape (k, 2) with 1 <= k <= 1000, got {pts.shape}")
    g = np.asarray(_grad(surface)(pts), dtype=np.float64)
    X, Y, Z = grid(surface, layout.check_figure_size(n, "n", low=2, high=400), bounds=box)
    span = float(np.ptp(Z)) or 1.0
    floor = float(Z.min()) - 0.2 * span
    if scale is None:
        scale = 0.3 * (box[0][1] - box[0][0]) / max(float(np.hypot(*g.T).max()), 1e-300)
    scale = check_scalar(scale, "scale", low=0.0, low_inclusive=False)
    z_pts = contour.values(surface, pts)
    fig = go.Figure(surface_trace(X, Y, Z, getattr(surface, "name", "surface"), opacity=0.55))
    fig.add_trace(go.Scatter3d(x=pts[:, 0], y=pts[:, 1], z=z_pts + 0.01 * span,
                               mode="markers", name="points on the surface",
                               marker=dict(size=5, color=color(7))))
    gaps = np.full(len(pts), np.nan)
    fig.add_trace(go.Scatter3d(
        x=np.column_stack([pts[:, 0], pts[:, 0], gaps]).ravel(),
        y=np.column_stack([pts[:, 1], pts[:, 1], gaps]).ravel(),
        z=np.column_stack([z_pts, np.full(len(pts), floor), gaps]).ravel(), mode="lines",
        showlegend=False, line=dict(color=color(7), width=3, dash="dash"), hoverinfo="skip"))
    for sign, name, i in ((1.0, "∇f: steepest ascent", 1), (-1.0, "−∇f: steepest descent", 0)):
        ax, ay = _arrow_segments(pts, sign * scale * g)
        fig.add_trace(go.Scatter3d(x=ax, y=ay, z=np.full(len(ax), floor), mode="lines",
                                   name=name, hoverinfo="skip",
                                   line=dict(color=color(i), width=6)))
    return scene(fig, title=title, zrange=(floor, float(Z.max())), eye=(1.2, -1.4, 1.3))


def gradient_field(surface, *, title: str | None, n_arrows: int = 15, n: int = 81,
                   direction: str = "descent", normalize: bool = True,
                   log: bool = False) -> go.Figure:
    r"""A filled contour map with arrows of :math:`-\nabla f` (or :math:`\nabla f`) on a grid.

    Each arrow is centred on a grid point and is perpendicular to the level
    set through it. With ``normalize=True`` all arrows have the same length
    and show only the direction; the steepness is in the spacing of the level sets.

    Parameters
    ----------
    surface : Surface
        Needs ``grad``.
    title : str or None
    n_arrows : int, default 15
        Arrows per axis (``n_arrows**2`` in all).
    n : int, default 81
        Grid points per axis for the contour.
    direction : {"descent", "ascent"}
    normalize : bool, default True
        Equal-length arrows; otherwise length proportional to
        :math:`\lVert\nabla f\rVert`, the longest filling one grid cell.
    log : bool, default False
        Contours of the log of ``f`` (see :class:`~nnlearn.viz.contour.Panel`).

    Returns
    -------
    plotly.graph_objects.Figure
        Contour, critical points, then the arrows.
    """
    (x0, x1), (y0, y1) = contour.window(surface)
    n_arrows = layout.check_figure_size(n_arrows, "n_arrows", low=2, high=100)
    descent = check_choice(direction, "direction", {"descent", "ascent"}) == "descent"
    normalize = check_bool(normalize, "normalize")
    log = check_bool(log, "log")
    cell = np.array([x1 - x0, y1 - y0]) / n_arrows
    gx, gy = np.meshgrid(x0 + cell[0] * (np.arange(n_arrows) + 0.5),
                         y0 + cell[1] * (np.arange(n_arrows) + 0.5))
    starts = np.column_stack([gx.ravel(), gy.ravel()])
    g = np.asarray(_grad(surface)(starts), dtype=np.float64) * (-1 if descent else 1)
    length = np.linalg.norm(g, axis=1, keepdims=True)
    vec = cell.min() * (np.divide(g, length, out=np.zeros_like(g), where=length > 0) * 0.75
                        if normalize else g / max(float(length.max()), 1e-300) * 0.9)
    ax, ay = _arrow_segments(starts - 0.5 * vec, vec, head=0.35)
    fig = contour.contour_paths(contour.Panel(surface, log=log), title=title, n=n, filled=True,
                                colorbar_title="f(θ)", equal_aspect=True, panel_height=440)
    fig.add_trace(go.Scatter(x=ax, y=ay, mode="lines", hoverinfo="skip",
                             line=dict(color=color(1), width=1.6),
                             name="−∇f (downhill)" if descent else "∇f (uphill)"))
    return layout.header(fig, title, 590)


def descent_1d(f, paths, *, title: str | None, x_range=None) -> go.Figure:
    """A function of one variable with a descent path in each panel, side by side.

    Parameters
    ----------
    f : callable
        Maps points of shape ``(..., 1)`` to values ``(...)``, like a 1-D
        :class:`nnlearn.surfaces.Quadratic`.
    paths : mapping {panel title: ndarray of shape (steps,) or (steps, 1)}
    title : str or None
    x_range : (float, float), optional
        Window; default the range of all paths, widened by 10 %. Points outside
        it are cut off (a diverging path leaves through the side).

    Returns
    -------
    plotly.graph_objects.Figure
        Per panel: the curve, then the path (its start a larger marker).
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    named = layout.as_vectors(paths, "paths")
    if x_range is None:
        x_range = layout.padded_range(np.concatenate(list(named.values())), 0.1)
    lo, hi = layout.as_range(x_range, "x_range")
    xs = np.linspace(lo, hi, 201)
    ys = contour.values(f, xs[:, None])
    fig, _ = layout.panel_grid(named, "paths", spacing=0.04, shared_yaxes=True)
    for col, path in enumerate(named.values(), 1):
        fig.add_trace(go.Scatter(x=xs, y=ys, name="f(θ)", showlegend=col == 1,
                                 hoverinfo="skip", **line_style(0)), row=1, col=col)
        keep = path[layout.subsample(len(path), 100)]
        keep = keep[(keep >= lo) & (keep <= hi)]
        style = line_style(1, markers=True, width=1.5)
        style["marker"]["size"] = np.where(np.arange(len(keep)) == 0, 11.0, 6.0)
        fig.add_trace(go.Scatter(x=keep, y=contour.values(f, keep[:, None]), name="iterates θₜ",
                                 showlegend=col == 1, **style,
                                 hovertemplate="θ = %{x:.3g}<br>f = %{y:.3g}<extra></extra>"),
                      row=1, col=col)
        fig.update_xaxes(range=[lo, hi], title_text="θ (unitless)", row=1, col=col)
    fig.update_yaxes(range=layout.padded_range(ys, 0.05))
    fig.update_yaxes(title_text="f(θ) (unitless)", row=1, col=1)
    return layout.header(fig, title, 380, extra=26)


def basin_map(X, Y, labels, names, *, title: str | None, surface=None) -> go.Figure:
    """Colour every start point by the minimum that gradient descent from it reaches.

    Parameters
    ----------
    X, Y : ndarray of shape (ny, nx)
        The start points, as from :func:`nnlearn.surfaces.mesh`.
    labels : array_like of int, shape (ny, nx)
        Index of the minimum reached, ``0 <= labels < len(names)``.
    names : sequence of str
        One legend entry per minimum.
    title : str or None
    surface : Surface, optional
        If given, its level sets are drawn as lines and its critical points marked.

    Returns
    -------
    plotly.graph_objects.Figure
        A heatmap, one legend entry per basin, then (optionally) the level sets
        and critical points.
    """
    X, Y = as_float_array(X, "X", ndim=2), as_float_array(Y, "Y", ndim=2)
    lab = np.asarray(labels)
    if X.shape != Y.shape or lab.shape != X.shape:
        raise ValueError(f"X, Y and labels must have the same shape, got {X.shape}, "
                         f"{Y.shape} and {lab.shape}")
    if not np.issubdtype(lab.dtype, np.integer):
        raise TypeError(f"labels must be integers, got dtype {lab.dtype}")
    k = len(names)
    if k == 0 or lab.min() < 0 or lab.max() >= k:
        raise ValueError(f"labels must lie in [0, {k - 1}] for {k} names, got values from "
                         f"{lab.min()} to {lab.max()}")
    fig = go.Figure(go.Heatmap(x=X[0], y=Y[:, 0], z=lab, zmin=-0.5, zmax=k - 0.5,
                               colorscale=class_colorscale(k, 0.75), showscale=False, name="basins",
                               hovertemplate="start (%{x:.2f}, %{y:.2f})<br>reaches minimum "
                               "%{z}<extra></extra>"))
    for i, name in enumerate(names):  # legend entries
        fig.add_trace(layout.legend_entry(str(name), "markers",
                                          marker=dict(symbol="square", size=12, color=color(i))))
    box = ((float(X.min()), float(X.max())), (float(Y.min()), float(Y.max())))
    if surface is not None:
        x, y, z, _ = contour.surface_grid(surface, X.shape[1], box)
        fig.add_trace(contour.contour_trace(x, y, z, filled=False).update(
            contours_coloring="none", line=dict(color=color(7), width=1)))
        fig.add_traces(contour.critical_traces(surface, box))
    fig.update_xaxes(range=list(box[0]), title_text=contour.THETA_TITLES[0], showgrid=False,
                     constrain="domain")
    fig.update_yaxes(range=list(box[1]), title_text=contour.THETA_TITLES[1], showgrid=False,
                     scaleanchor="x", scaleratio=1, constrain="domain")
    return layout.header(fig, title, 560)
