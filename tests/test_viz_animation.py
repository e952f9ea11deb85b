"""The shared play/pause buttons and frame slider."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from nnlearn.viz.animation import play_controls


def _fig(labels):
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]))
    fig.frames = [go.Frame(name=lab, data=[go.Scatter(y=[i, i])]) for i, lab in enumerate(labels)]
    return fig


def test_buttons_and_one_slider_step_per_frame():
    labels = ["a", "b", "c"]
    fig = play_controls(_fig(labels), labels, active=2, prefix="step ", redraw=False,
                        frame_ms=250, transition_ms=100)
    play, pause = fig.layout.updatemenus[0].buttons
    assert play.args[0] is None and play.args[1]["fromcurrent"] is True
    assert play.args[1]["frame"] == {"duration": 250, "redraw": False}
    assert play.args[1]["transition"] == {"duration": 100}
    assert list(pause.args[0]) == [None] and pause.args[1]["frame"]["duration"] == 0
    slider = fig.layout.sliders[0]
    assert slider.active == 2 and slider.currentvalue.prefix == "step "
    assert [list(s.args[0]) for s in slider.steps] == [["a"], ["b"], ["c"]]
    assert all(s.args[1]["transition"] == {"duration": 0} for s in slider.steps)


@pytest.mark.parametrize("labels, active", [([], 0), (["a"], 1), (["a"], -1)])
def test_bad_active_or_no_frames(labels, active):
    with pytest.raises(ValueError, match="labels|active"):
        play_controls(_fig(labels), labels, active=active, prefix="", redraw=True)
