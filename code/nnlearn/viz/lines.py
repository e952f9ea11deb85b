"""Lines and curves: one style rule for every line chart of the book.

Curve ``i`` gets colour :func:`~nnlearn.viz.theme.color` ``(i)`` and line dash
:func:`~nnlearn.viz.theme.dash` ``(i)``, so compared lines differ in greyscale
too. Training and validation curves follow one convention everywhere:
**training solid, validation dashed**; runs compared with both differ by
colour and by marker symbol.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from nnlearn._checks import as_float_array, check_bool, check_choice
from nnlearn.viz import layout
from nnlearn.viz.theme import color, dash, symbol

#: Line dash of training curves and of validation curves.
ROLE_DASH = {"training": "solid", "validation": "dash"}


def line_style(i: int, role: str | None = None, line_dash: str | None = None,
               markers: bool = False, width: float = 2.2) -> dict:
    """Keyword arguments of a ``go.Scatter`` for curve number ``i``.

    ``role`` (``"training"`` or ``"validation"``) fixes the dash by
    :data:`ROLE_DASH` and adds a marker symbol per ``i`` (shown at most 12
    times), so that runs differ without colour; ``line_dash`` overrides the
    dash; ``markers`` draws a marker on every point.
    """
    role = None if role is None else check_choice(role, "role", tuple(ROLE_DASH))
    markers = check_bool(markers, "markers")
    shown = line_dash or (ROLE_DASH[role] if role else dash(i))
    marker = dict(color=color(i), symbol=symbol(i), size=7 if markers else 8)
    if role and not markers:
        marker["maxdisplayed"] = 12
    return dict(mode="lines+markers" if markers or role else "lines", marker=marker,
                line=dict(color=color(i), width=width, dash=shown))


def _xy(value, x, name: str) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(value, tuple):
        if len(value) != 2:
            raise ValueError(f"curve {name!r} must be y or a pair (x, y)")
        x, value = value
    y = layout.as_vector(value, f"curve {name!r}")
    return np.arange(len(y), dtype=np.float64) if x is None else \
        layout.as_vector(x, f"curve {name!r} x", len(y)), y


def add_curves(fig: go.Figure, ys: Mapping, x=None, *, row: int | None = None,
               col: int | None = None, first: int = 0, showlegend: bool = True,
               log_x: bool = False, log_y: bool = False, line_dash: Mapping | None = None,
               markers: bool = False, line_shape: str = "linear",
               max_points: int | None = 400) -> go.Figure:
    """Add one line per entry of ``ys`` (styled by :func:`line_style`) to ``fig``.

    ``ys`` maps a legend name to ``y`` (against ``x``, default ``0, 1, ...``) or
    to a pair ``(x, y)``. Non-finite values, and non-positive ones on a log
    axis, leave gaps. Curve ``k`` gets style number ``first + k``.
    """
    log_x, log_y = check_bool(log_x, "log_x"), check_bool(log_y, "log_y")
    line_dash = dict(line_dash or {})
    unknown = set(line_dash) - set(ys)
    if unknown:
        raise ValueError(f"line_dash names curves that do not exist: {sorted(unknown)}")
    for k, (name, value) in enumerate(layout.as_mapping(ys, "ys").items()):
        cx, cy = _xy(value, x, str(name))
        bad = ~np.isfinite(cx) | ~np.isfinite(cy) | (log_x & (cx <= 0)) | (log_y & (cy <= 0))
        cy = np.where(bad, np.nan, cy)
        idx = layout.subsample(len(cx), max_points, log=log_x)
        fig.add_trace(go.Scatter(x=cx[idx], y=cy[idx], **layout.legend_group(name, showlegend),
                                 line_shape=line_shape,
                                 **line_style(first + k, line_dash=line_dash.get(name),
                                              markers=markers)), row=row, col=col)
    return fig


def curves(ys: Mapping, x=None, *, title: str | None, x_title: str, y_title: str,
           log_x: bool = False, log_y: bool = False, line_dash: Mapping | None = None,
           markers: bool = False, line_shape: str = "linear", max_points: int | None = 400,
           height: int = 420) -> go.Figure:
    """Several curves on one plot: losses against steps, rates against epochs, timings.

    Parameters
    ----------
    ys : mapping {name: y} or {name: (x, y)}
        One curve per entry, in this order.
    x : array_like of shape (T,), optional
        Shared horizontal values (default ``0, 1, ..., T - 1``).
    title, x_title, y_title : str
        Figure and axis titles (say the units).
    log_x, log_y : bool
        Logarithmic axes (ticks 10^k).
    line_dash : mapping {name: dash}, optional
        Override the dash of some curves (e.g. ``"dot"`` for a reference).
    markers : bool
        A marker (symbol per curve) on every point.
    line_shape : {"linear", "hv"}
        ``"hv"`` holds each value until the next x (steps).
    max_points : int or None, default 400
        Longer curves are subsampled (geometrically on a log x axis).
    height : int, default 420

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Scatter`` per curve.
    """
    line_shape = check_choice(line_shape, "line_shape", ("linear", "hv"))
    fig = add_curves(go.Figure(), ys, x, log_x=log_x, log_y=log_y, line_dash=line_dash,
                     markers=markers, line_shape=line_shape, max_points=max_points)
    fig.update_xaxes(title_text=x_title, **layout.axis_format([t.x for t in fig.data], log_x))
    fig.update_yaxes(title_text=y_title, **layout.axis_format([t.y for t in fig.data], log_y))
    return layout.header(fig.update_layout(hovermode="x unified"), title, height)


def add_train_val(fig: go.Figure, runs: Mapping, *, row: int | None = None,
                  col: int | None = None, showlegend: bool = True) -> dict[str, np.ndarray]:
    """Add the training (solid) and validation (dashed) curve of each run, per epoch.

    ``runs`` maps a run name to ``(training, validation)``, arrays of one value
    per epoch (epoch 1 first; either may be ``None`` or empty). Run ``k`` gets
    style number ``k`` (colour and marker symbol). A run named ``""``
    is labelled just "training" / "validation". Returns the validation arrays.
    """
    vals = {}
    for k, (name, pair) in enumerate(layout.as_mapping(runs, "runs").items()):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"runs[{name!r}] must be a pair (training, validation)")
        for role, y in zip(ROLE_DASH, pair, strict=True):
            if y is None or len(y) == 0:
                continue
            y = as_float_array(y, f"runs[{name!r}] {role}", ndim=1, allow_nonfinite=True)
            label = f"{name}: {role}" if name else role
            fig.add_trace(go.Scatter(x=np.arange(1, len(y) + 1), y=y,
                                     **layout.legend_group(label, showlegend),
                                     **line_style(k, role)), row=row, col=col)
            if role == "validation":
                vals[name] = y
    return vals


def train_val_curves(runs: Mapping, *, title: str | None, y_title: str,
                     best: Mapping[str, int] | None = None, log_y: bool = False) -> go.Figure:
    """Training (solid) and validation (dashed) curves of several runs, against the epoch.

    Parameters
    ----------
    runs : mapping {name: (training, validation)}
        One value per epoch each; ``validation`` may be ``None``. Runs may
        differ in length (a run stopped early is shorter).
    title, y_title : str
    best : mapping {name: epoch}, optional
        A ringed marker on that run's validation curve at that epoch
        (counting from 1), e.g. the epoch early stopping kept.
    log_y : bool, default False

    Returns
    -------
    plotly.graph_objects.Figure
        Per run its training then validation trace; then one marker per ``best``.
    """
    log_y = check_bool(log_y, "log_y")
    fig = go.Figure()
    vals = add_train_val(fig, runs)
    for name, epoch in (best or {}).items():
        if name not in vals:
            raise ValueError(f"best[{name!r}] needs a run {name!r} with a validation curve; "
                             f"runs with one: {sorted(vals)}")
        epoch = layout.check_figure_size(epoch, f"best[{name!r}]", high=len(vals[name]))
        i = list(runs).index(name)
        fig.add_trace(go.Scatter(x=[epoch], y=[vals[name][epoch - 1]], mode="markers",
                                 name=f"{name}: epoch {epoch}", legendgroup=name,
                                 marker=dict(size=15, color="rgba(0,0,0,0)",
                                             line=dict(color=color(i), width=3))))
    fig.update_xaxes(title_text="epoch (passes over the training data)",
                     range=[0, max(len(t.x) for t in fig.data) + 0.5])
    fig.update_yaxes(title_text=y_title, **layout.axis_format([t.y for t in fig.data], log_y))
    return layout.header(fig.update_layout(hovermode="x unified"), title, 440)


def curve_panels(panels: Mapping, x=None, *, title: str | None, x_title: str,
                 y_titles, log_y=(), markers: bool = False, height: int = 460) -> go.Figure:
    """Curves in panels side by side; a curve name keeps its style (and legend entry) in all.

    Parameters
    ----------
    panels : mapping {panel title: {curve name: y or (x, y)}}
    x : array_like, optional
        Shared horizontal values.
    title, x_title : str
    y_titles : sequence of str, one per panel
    log_y : collection of panel titles
        Panels with a logarithmic vertical axis (values <= 0 leave gaps).
    markers : bool
        A marker on every point.
    height : int, default 460

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per curve and panel, panel by panel.
    """
    fig, y_titles = layout.panel_grid(panels, "panels", y_titles, "y_titles", 0.12)
    names = list(dict.fromkeys(n for curves in panels.values()
                               for n in layout.as_mapping(curves, "panel curves")))
    shown = set()
    for col, (panel, curves) in enumerate(panels.items(), 1):
        for name, value in curves.items():
            add_curves(fig, {name: value}, x, row=1, col=col, first=names.index(name),
                       showlegend=name not in shown, log_y=panel in log_y, max_points=None,
                       markers=markers)
            shown.add(name)
        fig.update_yaxes(title_text=y_titles[col - 1], row=1, col=col,
                         **layout.axis_format(np.concatenate([t.y for t in fig.data if t.xaxis == (
                             f"x{col}" if col > 1 else "x")]), panel in log_y))
    fig.update_xaxes(title_text=x_title)
    return layout.header(fig, title, height, extra=26)
