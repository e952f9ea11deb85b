"""What every figure builder shares: title and legend placement, log axes, argument checks.

:func:`header` puts the title at the very top, a horizontal legend in rows
under it and the plot below both, all positioned in pixels, so they never
overlap whatever the figure's height.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nnlearn._checks import as_float_array, check_bool, check_scalar

#: Largest number of elements (grid points, units, frames x points) a figure may draw;
#: more would hang the browser long before the page is useful.
MAX_ELEMENTS = 2_000_000


def check_figure_size(n, name: str, low: int = 1, high: int = MAX_ELEMENTS) -> int:
    """``n`` as an int in ``[low, high]``, else a ValueError naming ``name``."""
    return check_scalar(n, name, low=low, high=high, integer=True)


def as_vector(values, name: str, length: int | None = None) -> np.ndarray:
    """``values`` as a 1-D float64 array (a column ``(n, 1)`` counts), NaN allowed.

    Complex or non-numeric values raise ``TypeError`` naming ``name``."""
    arr = as_float_array(values, name, allow_nonfinite=True).astype(np.float64, copy=False)
    arr = arr[:, 0] if arr.ndim == 2 and arr.shape[1] == 1 else arr
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional, got shape {arr.shape}")
    if length is not None and arr.size != length:
        raise ValueError(f"{name} must have {length} entries, got {arr.size}")
    return arr


def as_vectors(values, name: str, length: int | None = None) -> dict[str, np.ndarray]:
    """The non-empty mapping ``values`` as ``{str(key): as_vector(...)}``.

    Each vector is named ``name[key]`` in errors (and has ``length`` entries if
    given).
    """
    return {str(k): as_vector(v, f"{name}[{k!r}]", length)
            for k, v in as_mapping(values, name).items()}


def as_matrix(values, name: str) -> np.ndarray:
    """``values`` as a non-empty 2-D float64 array."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {arr.shape}")
    return arr


def as_labels(labels, n: int, name: str, default=None) -> list:
    """``labels`` as a list of ``n`` strings; ``default`` (or ``0, ..., n - 1``) if None."""
    if labels is None:
        return list(range(n)) if default is None else list(default)
    labels = [str(v) for v in labels]
    if len(labels) != n:
        raise ValueError(f"{name} must have {n} entries, got {len(labels)}")
    return labels


def as_mapping(value, name: str) -> Mapping:
    """``value`` if it is a non-empty mapping (TypeError if no mapping, ValueError if empty)."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping name -> data, got {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} must hold at least one entry")
    return value


def legend_group(name, showlegend: bool = True) -> dict:
    """``name``, ``legendgroup`` and ``showlegend`` (checked) of a trace.

    Traces of one name share one legend entry, e.g. a curve drawn in every
    panel but listed once.
    """
    return dict(name=str(name), legendgroup=str(name),
                showlegend=check_bool(showlegend, "showlegend"))


def legend_entry(name: str, mode: str, **style) -> go.Scatter:
    """A trace without points that only adds ``name`` to the legend.

    It is drawn as ``mode`` (``"lines"`` or ``"markers"``) in ``style``
    (``line=...`` or ``marker=...``).
    """
    return go.Scatter(x=[None], y=[None], mode=mode, name=name, **style)


def as_range(value, name: str) -> tuple[float, float]:
    """``value`` as a pair of floats ``(low, high)`` with ``low < high``."""
    low, high = (check_scalar(v, name) for v in value)
    if not low < high:
        raise ValueError(f"{name} must satisfy low < high, got {value!r}")
    return low, high


def padded_range(values, frac: float = 0.08) -> list[float]:
    """An axis range that keeps every point of ``values`` off the frame.

    It is ``[min - pad, max + pad]`` of the finite ``values``, with
    ``pad = frac * (max - min)`` (``frac`` if they are all equal).
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    pad = frac * (float(v.max() - v.min()) or 1.0)
    return [float(v.min()) - pad, float(v.max()) + pad]


def panel_grid(panels, name: str, titles=None, titles_name: str = "titles",
               spacing: float = 0.1, **kw) -> tuple[go.Figure, list]:
    """One row of subplots titled by the keys of the mapping ``panels``.

    Returned with ``titles`` (one entry per panel, e.g. axis titles), checked
    and as a list.
    """
    panels = as_mapping(panels, name)
    titles = as_labels(titles, len(panels), titles_name, [None] * len(panels))
    return make_subplots(rows=1, cols=len(panels), subplot_titles=list(panels),
                         horizontal_spacing=spacing, **kw), titles


def _legend_names(fig: go.Figure) -> list[str]:
    """Entries plotly will show in the legend (one per legend group)."""
    names, groups = [], set()
    for trace in fig.data:
        if trace.showlegend is False or trace.type in ("surface", "contour", "heatmap"):
            continue
        group = trace.legendgroup or trace.name
        if group not in groups:
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


def header(fig: go.Figure, title: str | None, height: int, extra: int = 0,
           bottom: int | None = None) -> go.Figure:
    """Title at the very top, the legend in rows below it, the plot below both.

    Positions are in pixels from the top (``yref="container"``); ``height``
    is the figure's (an integer from 100 to 20,000 pixels), ``extra``
    leaves room for subplot titles, ``bottom`` sets the bottom margin.
    """
    height = check_figure_size(height, "height", low=100, high=20_000)
    rows = _legend_rows(_legend_names(fig))
    title_px = 44 if title else 8
    margin = dict(t=title_px + 24 * rows + 14 + extra)
    if bottom is not None:
        margin["b"] = bottom
    fig.update_layout(
        height=height, margin=margin,
        title=dict(text=title, y=1.0, yref="container", yanchor="top", pad=dict(t=12)),
        legend=dict(orientation="h", x=0.0, xanchor="left", y=1.0 - title_px / height,
                    yref="container", yanchor="top"))
    return fig


def axis_format(values, log: bool) -> dict:
    """Linear axis, or log axis labelled 10^k (only decades when it spans many).

    ``values`` is an array or a list of arrays (e.g. the ``y`` of several traces)."""
    if not log:
        return dict(type="linear")
    values = np.asarray(np.concatenate([np.ravel(v) for v in values]) if isinstance(values, list)
                        else values, dtype=np.float64).ravel()
    values = values[np.isfinite(values) & (values > 0)]
    span = np.log10(values.max() / values.min()) if len(values) else 0.0
    fmt = dict(type="log", exponentformat="power")
    if span > 2.5:
        fmt["dtick"] = 1 if span < 7 else 2
    elif span > 0.7:
        fmt.update(dtick="D2", tickformat="~g")  # 0.1, 0.2, 0.5, 1: whole numbers, not "2", "5"
    return fmt


def subsample(n: int, max_points: int | None, log: bool = False) -> np.ndarray:
    """At most about ``max_points`` sorted indices into ``range(n)``, first and last kept.

    Evenly spaced, or geometrically (dense at the start) with ``log=True``.
    """
    if max_points is None or n <= max_points:
        return np.arange(n)
    max_points = check_figure_size(max_points, "max_points", low=2)
    idx = np.geomspace(1, n, max_points) - 1 if log else np.linspace(0, n - 1, max_points)
    return np.unique(np.concatenate([[0], np.round(idx).astype(int), [n - 1]]))
