"""The shared play/pause buttons and frame slider."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from nnlearn.viz.animation import animate, play_controls


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


@pytest.mark.parametrize("active, error", [(1.0, TypeError), (0.5, TypeError), ("1", TypeError),
                                           (True, TypeError), (None, TypeError),
                                           (3, ValueError), (-1, ValueError)])
def test_active_must_be_the_index_of_a_step(active, error):
    labels = ["a", "b", "c"]                          # 1.0 and True were taken as steps
    with pytest.raises(error, match="^active must be"):
        play_controls(_fig(labels), labels, active=active)


@pytest.mark.parametrize("name", ["frame_ms", "transition_ms"])
@pytest.mark.parametrize("value, error", [(-1, ValueError), (-450, ValueError),
                                          (450.0, TypeError), ("450", TypeError),
                                          (None, TypeError)])
def test_durations_must_be_whole_milliseconds_not_negative(name, value, error):
    labels = ["a", "b"]                               # -450 ms was passed on to plotly.js
    with pytest.raises(error, match=f"^{name} must be"):
        play_controls(_fig(labels), labels, active=0, **{name: value})


def test_animate_passes_the_controls_on():
    fig = animate(_fig(["a", "b"]), {"a": [go.Scatter(y=[0, 0])], "b": [go.Scatter(y=[1, 1])]},
                  traces=[0], prefix="step ", frame_ms=100, transition_ms=50, bottom=90)
    slider = fig.layout.sliders[0]
    assert slider.active == 1 and slider.currentvalue.prefix == "step "
    assert fig.layout.updatemenus[0].buttons[0].args[1]["frame"]["duration"] == 100
    assert fig.layout.updatemenus[0].buttons[0].args[1]["transition"]["duration"] == 50
    assert fig.layout.margin.b == 90
    with pytest.raises(ValueError, match="^frame_ms must be >= 0"):
        animate(_fig(["a"]), {"a": [go.Scatter(y=[0, 0])]}, traces=[0], frame_ms=-1)
