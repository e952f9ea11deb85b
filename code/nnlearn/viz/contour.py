"""Contour maps with descent paths on them, in panels, optionally animated step by step.

A :class:`Panel` is a function of two variables (a :class:`nnlearn.surfaces.Surface`,
any callable mapping points ``(..., 2)`` to values ``(...)``, or a grid
``(x, y, z)`` computed elsewhere) and the paths drawn on it. Paths are arrays
of shape ``(steps + 1, 2)``, e.g. from :func:`nnlearn.descent.gradient_descent`
or :func:`nnlearn.optimizers.optimize_path`, given as a mapping ``{name: path}``.
A path keeps its colour and marker symbol (by name) in every panel;
its start is an open circle, its last point a large marker. Known minima
(stars), saddles (crosses) and maxima (triangles) of a surface are marked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnlearn._checks import as_float_array, check_bool, check_bounds, check_scalar
from nnlearn.surfaces import grid
from nnlearn.viz.animation import animate
from nnlearn.viz.layout import as_mapping, check_figure_size, header, legend_group, subsample
from nnlearn.viz.theme import COLORWAY, SEQUENTIAL, color, symbol, tint

THETA_TITLES = ("θ₁ (unitless)", "θ₂ (unitless)", "f(θ) (unitless)")
MARK_COLOR = COLORWAY[7]
#: Colours of unfilled contour lines: slate, strong at low values and faint at high
#: ones, so that the coloured paths stand out and the map reads in greyscale.
LINE_SCALE = [[0.0, tint(MARK_COLOR, 0.95)], [1.0, tint(MARK_COLOR, 0.3)]]
_SYMBOLS_3D = ("circle", "square", "diamond", "cross", "x", "circle-open")
#: (attribute of the surface, legend name, marker symbol in 2-D and in 3-D, size in 2-D)
_CRITICAL = (("minima", "minimum", "star", "diamond", 13),
             ("saddles", "saddle point", "x", "x", 10),
             ("maxima", "maximum", "triangle-up", "square", 11))


@dataclass
class Panel:
    """One contour panel: a function of two variables, the paths on it, a title.

    Attributes
    ----------
    surface : Surface, callable, or (x, y, z)
        The function; ``(x, y, z)`` is a grid with ``z`` of shape ``(len(y), len(x))``.
    paths : mapping {name: ndarray of shape (steps, 2)}
    title : str
        Panel title ("" for none).
    log : bool
        Contours of :math:`\\log_{10}(f - \\min f + 10^{-5}\\,\\mathrm{range})`
        (valleys much flatter than their walls, like Rosenbrock's).
    bounds : ((xmin, xmax), (ymin, ymax)), optional
        Window; default ``surface.bounds`` (or the grid's extent).
    minima : array_like of shape (k, 2), optional
        Points marked as minima; default ``surface.minima`` if it has them.
    """

    surface: object
    paths: Mapping[str, np.ndarray] | None = None
    title: str = ""
    log: bool = False
    bounds: object = None
    minima: object = None


def as_paths(paths, name: str = "paths") -> dict[str, np.ndarray]:
    """``paths`` as ``{name: float64 array of shape (steps, 2)}`` (one array: ``"path"``)."""
    if paths is None:
        return {}
    out = {}
    paths = as_mapping({"path": paths} if isinstance(paths, np.ndarray) else paths, name)
    for key, path in paths.items():
        arr = as_float_array(path, f"{name}[{key!r}]", ndim=2, allow_nonfinite=True)
        if arr.shape[1] != 2 or len(arr) == 0:
            raise ValueError(f"{name}[{key!r}] must have shape (steps, 2), got {arr.shape}")
        out[str(key)] = arr.astype(np.float64)
    return out


def window(surface, bounds=None) -> tuple[tuple[float, float], tuple[float, float]]:
    """The plot window ``((xmin, xmax), (ymin, ymax))``: ``bounds`` or ``surface.bounds``."""
    bounds = getattr(surface, "bounds", None) if bounds is None else bounds
    if bounds is None:
        raise ValueError("bounds must be given when the surface has no .bounds attribute")
    return check_bounds(bounds)


def values(surface, points: np.ndarray) -> np.ndarray:
    """``surface(points)`` as float64, overflow allowed (a diverged path)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(surface(points), dtype=np.float64)


def surface_grid(surface, n: int, bounds=None, log: bool = False):
    """``(x, y, z, window)`` of a surface (or a given grid ``(x, y, z)``) to draw."""
    if isinstance(surface, tuple):
        x, y = as_float_array(surface[0], "x", ndim=1), as_float_array(surface[1], "y", ndim=1)
        z = as_float_array(surface[2], "z", ndim=2, allow_nonfinite=True).astype(np.float64)
        if z.shape != (len(y), len(x)):
            raise ValueError(f"z must have shape (len(y), len(x)) = {(len(y), len(x))}, "
                             f"got {z.shape}")
        box = window(None, bounds or ((x.min(), x.max()), (y.min(), y.max())))
    elif callable(surface):
        box = window(surface, bounds)
        X, Y, z = grid(surface, check_figure_size(n, "n", low=2, high=1000), bounds=box)
        x, y, z = X[0], Y[:, 0], np.asarray(z, dtype=np.float64)
    else:
        raise TypeError(f"surface must be a Surface, a callable or (x, y, z), "
                        f"got {type(surface).__name__}")
    if check_bool(log, "log"):
        z = np.log10(z - np.nanmin(z) + 1e-5 * (float(np.nanmax(z) - np.nanmin(z)) or 1.0))
    return x, y, z, box


def critical_traces(surface, box, minima=None, z_of=None, lift: float = 0.0,
                    showlegend: bool = True) -> list:
    """Markers for the known minima, saddles and maxima of ``surface`` inside ``box``.

    With ``z_of`` (points -> heights) the markers are 3-D, ``lift`` above the surface.
    """
    (x0, x1), (y0, y1) = box
    traces = []
    for attr, label, sym, sym_3d, size in _CRITICAL:
        pts = minima if attr == "minima" and minima is not None else \
            getattr(surface, attr, np.zeros((0, 2)))
        pts = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
        pts = pts[(pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)]
        if len(pts) == 0:
            continue
        marker = dict(symbol=sym, size=size, color=COLORWAY[5],
                      line=dict(width=1, color=MARK_COLOR))
        common = dict(mode="markers", **legend_group(label, showlegend))
        if z_of is None:
            traces.append(go.Scatter(x=pts[:, 0], y=pts[:, 1], marker=marker, **common,
                                     hovertemplate=label + " (%{x:.3g}, %{y:.3g})<extra></extra>"))
        else:
            marker.update(size=size / 2.5, symbol=sym_3d)
            traces.append(go.Scatter3d(x=pts[:, 0], y=pts[:, 1], z=z_of(pts) + lift,
                                       marker=marker, **common))
    return traces


def contour_trace(x, y, z, filled: bool, levels: dict | None = None,
                  colorbar_title: str | None = None) -> go.Contour:
    """Contour lines (mid-Viridis) or filled contours (Viridis) of a grid."""
    kw = dict(contours=dict(coloring="fill" if filled else "lines", showlines=True),
              colorscale=SEQUENTIAL if filled else LINE_SCALE, ncontours=25,
              showscale=colorbar_title is not None, opacity=0.8 if filled else 1.0,
              line=dict(width=0.6 if filled else 1.3), hoverinfo="skip", name="level sets",
              colorbar=dict(title=dict(text=colorbar_title, side="right"), thickness=14))
    if levels is not None:
        kw["contours"].update(levels)
        kw["autocontour"] = False
    return go.Contour(x=x, y=y, z=z, **kw)


def path_trace(path: np.ndarray, name: str, i: int, max_points: int | None,
               showlegend: bool = True, z=None, frame: bool = False):
    """One path: style number ``i`` (colour, marker symbol), a large marker on its last point.

    With ``z`` (the heights of ``path``) a ``Scatter3d``. With ``frame=True``
    only the coordinates (4 significant digits) and marker sizes, as a dict
    for an animation frame.
    """
    keep = np.isfinite(path).all(axis=1)
    steps = np.flatnonzero(keep)[subsample(int(keep.sum()), max_points, log=True)]
    sizes = np.full(len(steps), 5.0 if z is None else 3.0)
    sizes[-1:] = 10.0 if z is None else 6.0
    xyz = dict(x=path[steps, 0], y=path[steps, 1])
    if z is not None:
        xyz["z"] = np.asarray(z)[steps]
    if frame:
        return dict(type="scatter" if z is None else "scatter3d", marker=dict(
            size=sizes.tolist()), customdata=steps.tolist(),
            **{k: [float(f"{v:.4g}") for v in c] for k, c in xyz.items()})
    style = dict(**legend_group(name, showlegend), mode="lines+markers",
                 customdata=steps, line=dict(color=color(i), width=2.2 if z is None else 7),
                 marker=dict(color=color(i), size=sizes, symbol=symbol(i) if z is None
                             else _SYMBOLS_3D[i % len(_SYMBOLS_3D)]),
                 hovertemplate=name + "<br>step %{customdata}: (%{x:.3g}, %{y:.3g})"
                                      "<extra></extra>", **xyz)
    return go.Scatter(**style) if z is None else go.Scatter3d(**style)


def frame_steps(paths: Mapping[str, np.ndarray], frames) -> list[int]:
    """Step counts of the animation frames: ``frames`` itself, or that many up to the longest."""
    if isinstance(frames, (int, np.integer)):
        longest = max(len(p) for p in paths.values()) - 1
        frames = check_figure_size(frames, "frames", low=2, high=500)
        return sorted({int(round(s)) for s in np.linspace(0, longest, frames)})
    steps = [int(check_scalar(t, "frames", low=0, integer=True)) for t in frames]
    if not steps or np.any(np.diff(steps) <= 0) or len(steps) > 500:
        raise ValueError(f"frames must be up to 500 increasing step counts >= 0, got {steps}")
    return steps


def _start_trace(paths: Mapping[str, np.ndarray], showlegend: bool) -> go.Scatter:
    starts = np.unique(np.array([p[0] for p in paths.values()]), axis=0)
    return go.Scatter(x=starts[:, 0], y=starts[:, 1], mode="markers",
                      **legend_group("start", showlegend), hoverinfo="skip",
                      marker=dict(symbol="circle-open", size=14, color=MARK_COLOR,
                                  line=dict(width=2)))


def contour_paths(panels: Sequence[Panel] | Panel, *, title: str | None, cols: int = 3,
                  n: int = 51, filled: bool = False, colorbar_title: str | None = None,
                  shared_levels: bool = False, equal_aspect: bool = False,
                  show_critical: bool = True, max_points: int | None = 150,
                  frames=None, x_title: str = THETA_TITLES[0], y_title: str = THETA_TITLES[1],
                  panel_height: int = 380) -> go.Figure:
    """Paths on the contour maps of one or more functions of two variables.

    Parameters
    ----------
    panels : Panel or sequence of Panel
    title : str or None
        Figure title.
    cols : int, default 3
        Panels per row.
    n : int, default 51
        Grid points per axis of a surface (the page grows with n²).
    filled : bool, default False
        Filled contours (Viridis) instead of contour lines.
    colorbar_title : str, optional
        Show a colour bar with this title.
    shared_levels : bool, default False
        The same contour levels in every panel (equal colours, equal values).
    equal_aspect : bool, default False
        One unit is as long on both axes (the contours show the true shape).
    show_critical : bool, default True
        Mark minima, saddles and maxima.
    max_points : int or None, default 150
        Longer paths are thinned, keeping the early steps (geometric spacing).
    frames : int or sequence of int, optional
        Animate: one frame per step count (or this many frames), each showing
        every path up to that step, with play/pause and a slider.
    x_title, y_title : str
    panel_height : int, default 380

    Returns
    -------
    plotly.graph_objects.Figure
        Per panel: a ``Contour``, one ``Scatter`` per path, the starts, the
        critical points. Frames change only the path traces.
    """
    panels = [panels] if isinstance(panels, Panel) else list(panels)
    if not panels or not all(isinstance(p, Panel) for p in panels):
        raise TypeError("panels must be a Panel or a non-empty sequence of Panel objects")
    filled = check_bool(filled, "filled")
    shared_levels = check_bool(shared_levels, "shared_levels")
    show_critical = check_bool(show_critical, "show_critical")
    square = dict(constrain="domain") if check_bool(equal_aspect, "equal_aspect") else {}
    cols = min(check_figure_size(cols, "cols", high=12), len(panels))
    rows = -(-len(panels) // cols)
    grids = [surface_grid(p.surface, n, p.bounds, p.log) for p in panels]
    paths = [as_paths(p.paths, "panel.paths") for p in panels]
    names = list(dict.fromkeys(name for ps in paths for name in ps))
    low = float(min(np.nanmin(g[2]) for g in grids))
    high = float(max(np.nanmax(g[2]) for g in grids))
    levels = dict(start=low, end=high, size=(high - low) / 20 or 1.0) if shared_levels else None
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[p.title for p in panels],
                        horizontal_spacing=0.1, vertical_spacing=0.16 if rows > 1 else 0.1)
    moving, seen = [], set()
    for k, (panel, (x, y, z, box), ps) in enumerate(zip(panels, grids, paths, strict=True)):
        row, col = k // cols + 1, k % cols + 1
        bar = f"log₁₀({colorbar_title} − min)" if panel.log and colorbar_title else colorbar_title
        fig.add_trace(contour_trace(x, y, z, filled, levels, bar if k == 0 else None),
                      row=row, col=col)
        for name, path in ps.items():
            moving.append(len(fig.data))
            fig.add_trace(path_trace(path, name, names.index(name), max_points,
                                      name not in seen), row=row, col=col)
            seen.add(name)
        if ps:
            fig.add_trace(_start_trace(ps, k == 0), row=row, col=col)
        if show_critical:
            fig.add_traces(critical_traces(panel.surface, box, panel.minima, showlegend=k == 0),
                           rows=row, cols=col)
        fig.update_xaxes(range=box[0], title_text=x_title, showgrid=False, row=row, col=col,
                         **square)
        fig.update_yaxes(range=box[1], title_text=y_title if col == 1 else None, showgrid=False,
                         row=row, col=col, scaleanchor=f"x{k + 1 if k else ''}" if square
                         else None, **square)
    if frames is not None:
        every = [(name, p) for ps in paths for name, p in ps.items()]
        animate(fig, {str(t): [path_trace(p[:t + 1], name, 0, max_points, frame=True)
                               for name, p in every] for t in frame_steps(dict(every), frames)},
                traces=moving, prefix="after step ", y=-0.3, bottom=170)
    return header(fig, title, panel_height * rows + (260 if frames is not None else 150),
                  extra=26 if any(p.title for p in panels) else 0)
