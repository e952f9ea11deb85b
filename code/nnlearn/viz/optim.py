"""Chapter 6 figure: the final loss against the learning rate, one line per optimizer.

Optimizer paths on contour maps and 3-D surfaces are drawn by
:func:`nnlearn.viz.contour.contour_paths` and :func:`nnlearn.viz.surface.surface_3d`,
losses per step by :func:`nnlearn.viz.lines.curves`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from nnlearn._checks import as_float_array, check_bool, check_scalar
from nnlearn.viz.layout import as_mapping, axis_format, header, legend_entry
from nnlearn.viz.lines import add_curves
from nnlearn.viz.theme import color

__all__ = ["lr_sweep"]


#: The two ways a run of the sweep fails, and their markers (neither is a line's symbol).
FAILURES = {"diverged: η too large": dict(symbol="asterisk-open", line_width=2.5),
            "no progress: η too small": dict(symbol="hourglass")}


def lr_sweep(lrs, final_losses: Mapping[str, np.ndarray], *, title: str | None,
             y_title: str, cap: float, log_y: bool = True) -> go.Figure:
    """Final loss against the learning rate, one line per optimizer.

    Runs whose loss is not finite or above ``cap`` failed. They are drawn on
    a dotted line at ``cap``, with one of two markers that need no colour
    (``FAILURES``): an asterisk (a burst) if the rate was too large (the loss
    is not finite, or the rate is above the optimizer's best one), an
    hourglass if it was too small (below the best rate: no better than
    where the run started). The eye sees which range of learning rates each
    optimizer forgives, and which way a failed run's rate should move.

    Parameters
    ----------
    lrs : array_like of shape (K,)
        Learning rates, positive; the x axis is logarithmic.
    final_losses : mapping of str to array_like of shape (K,)
        Final loss of each run, by optimizer name.
    title, y_title : str
    cap : float
        Values above it (or not finite) are drawn at ``cap`` as failures.
    log_y : bool, default True

    Returns
    -------
    plotly.graph_objects.Figure
        Per optimizer a line (finite values up to ``cap``) and one ``Scatter``
        per kind of failure (possibly empty); then a grey legend key per
        kind. The dotted line at ``cap`` is a layout shape.
    """
    lrs = as_float_array(lrs, "lrs", ndim=1)
    if np.any(lrs <= 0):
        raise ValueError(f"lrs must be positive, got {lrs.tolist()}")
    cap = check_scalar(cap, "cap", low=0.0, low_inclusive=False)
    log_y = check_bool(log_y, "log_y")
    fig = go.Figure()
    for i, (name, loss) in enumerate(as_mapping(final_losses, "final_losses").items()):
        loss = as_float_array(loss, f"final_losses[{name!r}]", ndim=1, allow_nonfinite=True)
        if loss.shape != lrs.shape:
            raise ValueError(f"final_losses[{name!r}] must have the shape of lrs "
                             f"{lrs.shape}, got {loss.shape}")
        bad = ~np.isfinite(loss) | (loss > cap)
        best = np.inf if bad.all() else lrs[np.argmin(np.where(bad, np.inf, loss))]
        up = bad & (~np.isfinite(loss) | (lrs > best))
        add_curves(fig, {name: np.where(bad, np.nan, loss)}, lrs, first=i, log_x=True,
                   markers=True, max_points=None)
        for (kind, style), failed in zip(FAILURES.items(), (up, bad & ~up), strict=True):
            fig.add_trace(go.Scatter(x=lrs[failed], y=[cap] * int(failed.sum()), mode="markers",
                                     name=f"{name}: {kind}", legendgroup=str(name),
                                     marker=dict(style, size=12, color=color(i)),
                                     showlegend=False, hovertemplate=f"{name}<br>lr %{{x:.3g}}"
                                     f"<br>{kind}<extra></extra>"))
    for kind, style in FAILURES.items():        # legend keys: the shape tells them apart
        fig.add_trace(legend_entry(kind, "markers", marker=dict(style, size=12, color=color(7))))
    fig.add_hline(y=cap, line=dict(color=color(7), dash="dot", width=1.5))
    fig.update_xaxes(title_text="learning rate η (log scale)", **axis_format(lrs, True))
    fig.update_yaxes(title_text=y_title, type="log" if log_y else "linear")
    return header(fig, title, 440)
