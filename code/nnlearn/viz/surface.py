"""3-D surfaces with descent paths on them, optionally animated step by step.

Surfaces and paths are as in :mod:`nnlearn.viz.contour`; a path is drawn a
little above the surface so that it stays visible, in its colour (by name),
with a large marker on its last point.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnlearn._checks import check_bool
from nnlearn.surfaces import grid
from nnlearn.viz import contour
from nnlearn.viz.animation import animate
from nnlearn.viz.layout import check_figure_size, header
from nnlearn.viz.theme import SEQUENTIAL


def surface_trace(X, Y, Z, name: str = "surface", opacity: float = 0.85) -> go.Surface:
    """A Viridis surface with its level sets projected on the floor."""
    return go.Surface(x=X[0], y=Y[:, 0], z=Z, colorscale=SEQUENTIAL, opacity=opacity,
                      showscale=False, name=name,
                      contours=dict(z=dict(show=True, usecolormap=True,
                                           project=dict(z=True), width=1)))


def scene(fig: go.Figure, *, title: str | None, titles=contour.THETA_TITLES, zrange=None,
          height: int = 560, bottom: int = 0, eye=(1.1, -1.1, 1.6),
          aspect=(1.0, 1.0, 0.6)) -> go.Figure:
    """Axis titles, camera, box ``aspect`` (x, y, z) and header of a 3-D figure.

    The header is :func:`~nnlearn.viz.layout.header`.
    """
    zaxis = dict(title=titles[2], nticks=6, range=None if zrange is None else list(zrange))
    fig.update_layout(margin=dict(l=0, r=0), scene=dict(
        xaxis_title=titles[0], yaxis_title=titles[1], zaxis=zaxis, aspectmode="manual",
        aspectratio=dict(x=aspect[0], y=aspect[1], z=aspect[2]),
        camera_eye=dict(x=eye[0], y=eye[1], z=eye[2])))
    return header(fig, title, height, bottom=bottom)


def surface_3d(surface, paths=None, *, title: str | None, n: int = 41,
               show_critical: bool = True, max_points: int | None = 120, frames=None,
               eye=(1.1, -1.1, 1.6)) -> go.Figure:
    """A 3-D surface plot of ``surface`` with descent paths on it.

    Parameters
    ----------
    surface : nnlearn.surfaces.Surface or callable
        Maps points of shape ``(..., 2)`` to values of shape ``(...)``.
    paths : mapping {name: ndarray of shape (steps, 2)}, optional
        Paths may have different lengths.
    title : str or None
    n : int, default 41
        Grid points per axis (the page size grows with n²) over ``surface.bounds``.
    show_critical : bool, default True
        Mark the surface's known minima, saddles and maxima.
    max_points : int or None, default 120
        Longer paths are thinned, keeping the early steps.
    frames : int or sequence of int, optional
        Animate: paths grow step by step (this many frames, or these step
        counts), 150 ms each; the figure opens on the whole paths and play runs
        from step 0.
    eye : (float, float, float)
        Camera position. Look from well above: from a low camera the near rim
        of a bowl hides the paths on its inner slope.

    Returns
    -------
    plotly.graph_objects.Figure
        The surface is ``fig.data[0]``, then one trace per path, then critical
        points; frames change only the path traces.
    """
    if not callable(surface):
        raise TypeError(f"surface must be a Surface or a callable, got {type(surface).__name__}")
    box = contour.window(surface)
    named = contour.as_paths(paths)
    X, Y, Z = grid(surface, check_figure_size(n, "n", low=2, high=400), bounds=box)
    lift = 0.015 * (float(np.ptp(Z)) or 1.0)
    fig = go.Figure(surface_trace(X, Y, Z, getattr(surface, "name", "surface")))

    def traces(upto=None, frame=False):
        return [contour.path_trace(p[:upto], name, i, max_points, frame=frame,
                                   z=contour.values(surface, p[:upto]) + lift)
                for i, (name, p) in enumerate(named.items())]

    fig.add_traces(traces())
    if check_bool(show_critical, "show_critical"):
        fig.add_traces(contour.critical_traces(
            surface, box, z_of=lambda p: contour.values(surface, p), lift=lift))
    animated = frames is not None and bool(named)
    if animated:
        animate(fig, {str(t): traces(t + 1, True) for t in contour.frame_steps(named, frames)},
                traces=range(1, 1 + len(named)), prefix="step t = ", redraw=True, frame_ms=150,
                y=0.0, bottom=110)
    return scene(fig, title=title, eye=eye, zrange=(float(Z.min()), float(Z.max()) + 2 * lift),
                 height=640 if animated else 560, bottom=110 if animated else 0)
