"""Animated figures: frames, and the one play/pause + slider control every animation uses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from nnlearn._checks import check_bool, check_scalar


def play_controls(fig: go.Figure, labels: list[str], *, active: int, prefix: str = "",
                  redraw: bool = False, frame_ms: int = 450, transition_ms: int = 0,
                  y: float = -0.2, bottom: int = 130) -> go.Figure:
    """Add a play/pause button pair and a slider with one step per frame label.

    The buttons sit at height ``y`` (in plot-height units, negative is below
    the plot) on the left, the slider to their right; the bottom margin is
    set to ``bottom`` pixels to make room for both.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        A figure whose ``frames`` are named by ``labels``.
    labels : list of str
        Frame names, in playing order.
    active : int
        Index of the slider step shown first, ``0 <= active < len(labels)``
        (the figure's data should match it).
    prefix : str, default ""
        Text before the current label above the slider, e.g. ``"epoch "``.
    redraw : bool, default False
        Whether plotly redraws each frame completely (needed for 3-D and heatmaps).
    frame_ms, transition_ms : int
        Time per frame and the eased transition between frames, in milliseconds
        (integers >= 0).
    y : float, default -0.2
        Position of the controls (top edge), in units of the plot's height.
    bottom : int, default 130
        Bottom margin of the figure in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        ``fig``, changed in place.
    """
    if not labels:
        raise ValueError("labels must name at least one frame")
    redraw = check_bool(redraw, "redraw")
    active = check_scalar(active, "active", low=0, high=len(labels) - 1, integer=True)
    frame_ms = check_scalar(frame_ms, "frame_ms", low=0, integer=True)
    transition_ms = check_scalar(transition_ms, "transition_ms", low=0, integer=True)
    anim = dict(frame=dict(duration=frame_ms, redraw=redraw),
                transition=dict(duration=transition_ms), mode="immediate")
    step = dict(anim, transition=dict(duration=0))
    pause = dict(anim, frame=dict(duration=0, redraw=False))
    fig.update_layout(
        margin=dict(b=bottom),
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=y, xanchor="left",
                          yanchor="top", showactive=False, pad=dict(t=10, r=10),
                          buttons=[dict(label="▶ play", method="animate",
                                        args=[None, dict(anim, fromcurrent=True)]),
                                   dict(label="❚❚ pause", method="animate",
                                        args=[[None], pause])])],
        sliders=[dict(active=active, x=0.3, y=y + 0.03, len=0.7, xanchor="left",
                      yanchor="top", currentvalue=dict(prefix=prefix),
                      steps=[dict(label=lab, method="animate", args=[[lab], step])
                             for lab in labels])])
    return fig


def animate(fig: go.Figure, frames: Mapping[str, Sequence], *, traces: Sequence[int],
            active: int | None = None, **controls) -> go.Figure:
    """Give ``fig`` one frame per entry of ``frames`` and the :func:`play_controls`.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    frames : mapping {label: list of traces (or dicts)}
        In playing order; each list replaces the traces numbered ``traces``.
    traces : sequence of int
        Indices in ``fig.data`` of the traces the frames change.
    active : int, optional
        Frame shown first (default the last).
    **controls
        ``prefix``, ``redraw``, ``frame_ms``, ``transition_ms``, ``y``,
        ``bottom``: as in :func:`play_controls`.

    Returns
    -------
    plotly.graph_objects.Figure
        ``fig``, changed in place.
    """
    labels = [str(k) for k in frames]
    fig.frames = [go.Frame(name=lab, data=list(data), traces=list(traces))
                  for lab, data in zip(labels, frames.values(), strict=True)]
    return play_controls(fig, labels, active=len(labels) - 1 if active is None else active,
                         **controls)
