"""Loss landscapes: a 2-D function as a 3-D surface, with descent paths on it."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnlearn.surfaces import grid
from nnlearn.viz.theme import COLORWAY, SEQUENTIAL


def _path_trace(surface, path, name: str, color: str, lift: float) -> go.Scatter3d:
    path = np.asarray(path, dtype=np.float64)
    if path.ndim != 2 or path.shape[1] != 2:
        raise ValueError(f"each path must have shape (steps, 2), got {path.shape}")
    z = np.asarray(surface(path)) + lift
    return go.Scatter3d(x=path[:, 0], y=path[:, 1], z=z, name=name, mode="lines+markers",
                        line=dict(color=color, width=5), marker=dict(size=2.5, color=color))


def surface_3d(surface, paths=(), names=None, n: int = 61, title: str | None = None,
               axis_titles=("θ₁", "θ₂", "loss")) -> go.Figure:
    """A 3-D surface plot of ``surface`` with optional descent paths drawn on it.

    Parameters
    ----------
    surface : nnlearn.surfaces.Surface or callable
        Maps points of shape ``(..., 2)`` to values of shape ``(...)``; a
        callable without ``.bounds`` needs a Surface-like ``bounds`` attribute.
    paths : sequence of ndarray of shape (steps, 2)
        Iterates of an optimizer, e.g. from :func:`nnlearn.descent.gradient_descent`.
    names : sequence of str, optional
        Legend entries for the paths.
    n : int, default 61
        Grid points per axis (the page size grows with n²).
    title : str, optional
    axis_titles : (str, str, str)

    Returns
    -------
    plotly.graph_objects.Figure
    """
    paths = list(paths)
    names = list(names) if names is not None else [f"path {i + 1}" for i in range(len(paths))]
    if len(names) != len(paths):
        raise ValueError(f"names must have one entry per path: {len(names)} names for "
                         f"{len(paths)} paths")
    X, Y, Z = grid(surface, n)
    span = float(np.ptp(Z)) or 1.0
    fig = go.Figure(go.Surface(x=X[0], y=Y[:, 0], z=Z, colorscale=SEQUENTIAL, opacity=0.92,
                               showscale=False, name=getattr(surface, "name", "surface"),
                               contours=dict(z=dict(show=True, usecolormap=True,
                                                    project=dict(z=True), width=1))))
    for i, (path, name) in enumerate(zip(paths, names)):
        fig.add_trace(_path_trace(surface, path, name, COLORWAY[(i + 1) % len(COLORWAY)],
                                  lift=0.01 * span))
    fig.update_layout(
        title=title, height=560, margin=dict(l=0, r=0, t=80, b=0),
        legend=dict(orientation="h", x=0.0, y=1.0, yanchor="bottom"),
        scene=dict(xaxis_title=axis_titles[0], yaxis_title=axis_titles[1],
                   zaxis_title=axis_titles[2], aspectmode="manual",
                   aspectratio=dict(x=1, y=1, z=0.6),
                   camera=dict(eye=dict(x=1.25, y=-1.25, z=0.85))))
    return fig
