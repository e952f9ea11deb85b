"""Play/pause buttons and a frame slider for animated figures."""

from __future__ import annotations

import plotly.graph_objects as go


def play_controls(fig: go.Figure, labels: list[str], *, active: int, prefix: str,
                  redraw: bool, frame_ms: int = 450, transition_ms: int = 0) -> go.Figure:
    """Add a play/pause button pair and a slider with one step per frame label.

    The buttons sit below the plot on the left, the slider to their right; the
    bottom margin grows to make room for both.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        A figure whose ``frames`` are named by ``labels``.
    labels : list of str
        Frame names, in playing order.
    active : int
        Index of the slider step shown first (the figure's data should match it).
    prefix : str
        Text before the current label above the slider, e.g. ``"epoch "``.
    redraw : bool
        Whether plotly redraws each frame completely (needed for 3-D and heatmaps).
    frame_ms, transition_ms : int
        Time per frame and the eased transition between frames, in milliseconds.

    Returns
    -------
    plotly.graph_objects.Figure
        ``fig``, changed in place.
    """
    if not labels:
        raise ValueError("labels must name at least one frame")
    if not 0 <= active < len(labels):
        raise ValueError(f"active must be in [0, {len(labels)}), got {active}")
    anim = dict(frame=dict(duration=frame_ms, redraw=redraw),
                transition=dict(duration=transition_ms), mode="immediate")
    step = dict(anim, transition=dict(duration=0))
    pause = dict(anim, frame=dict(duration=0, redraw=False))
    fig.update_layout(
        margin=dict(b=130),
        updatemenus=[dict(type="buttons", direction="left", x=0.0, y=-0.2, xanchor="left",
                          yanchor="top", showactive=False,
                          buttons=[dict(label="▶ play", method="animate",
                                        args=[None, dict(anim, fromcurrent=True)]),
                                   dict(label="❚❚ pause", method="animate",
                                        args=[[None], pause])])],
        sliders=[dict(active=active, x=0.3, y=-0.17, len=0.7, xanchor="left", yanchor="top",
                      currentvalue=dict(prefix=prefix),
                      steps=[dict(label=lab, method="animate", args=[[lab], step])
                             for lab in labels])])
    return fig
