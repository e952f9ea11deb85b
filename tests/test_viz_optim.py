"""Figure builders of nnlearn.viz.optim: the traces, frames and axes they promise."""

import numpy as np
import plotly.graph_objects as go
import pytest

from nnlearn import surfaces
from nnlearn.optimizers import SGD, Adam, optimize_path
from nnlearn.viz import optim as vo

BOWL = surfaces.Quadratic.from_eigenvalues(4.0, 1.0, angle=0.3)
WELLS = surfaces.MultiMinima()


def paths_on(surface, steps=20):
    return {"GD": optimize_path(SGD, surface.grad, surface.start, steps, lr=0.1),
            "Adam": optimize_path(Adam, surface.grad, surface.start, steps, lr=0.1)}


def test_subsample_keeps_ends_and_limits_length():
    path = np.arange(1000)
    kept = vo.subsample(path, 50)
    assert len(kept) <= 50 and kept[0] == 0 and kept[-1] == 999
    assert np.all(np.diff(kept) > 0)
    assert np.array_equal(vo.subsample(path[:10], 50), path[:10])
    with pytest.raises(ValueError, match="max_points"):
        vo.subsample(path, 1)


def test_contour_grid_traces_legend_and_axes():
    panels = [vo.Panel(BOWL, paths_on(BOWL), "bowl"),
              vo.Panel(WELLS, paths_on(WELLS), "wells")]
    fig = vo.contour_grid(panels, title="two panels", n=11)
    assert isinstance(fig, go.Figure)
    kinds = [type(tr).__name__ for tr in fig.data]
    # per panel: contour, one scatter per path, starts, minima
    assert kinds == ["Contour", "Scatter", "Scatter", "Scatter", "Scatter"] * 2
    assert fig.layout.title.text == "two panels"
    names = [tr.name for tr in fig.data if isinstance(tr, go.Scatter)]
    assert names == ["GD", "Adam", "start", "minimum"] * 2
    shown = [tr.name for tr in fig.data if isinstance(tr, go.Scatter) and tr.showlegend]
    assert sorted(shown) == ["Adam", "GD", "minimum", "start"]          # each name once
    gd = [tr for tr in fig.data if tr.name == "GD"]
    assert gd[0].line.color == gd[1].line.color                          # same colour
    assert gd[0].line.color != [tr for tr in fig.data if tr.name == "Adam"][0].line.color
    assert tuple(fig.layout.xaxis.range) == BOWL.bounds[0]
    assert tuple(fig.layout.yaxis2.range) == WELLS.bounds[1]
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    minima = [tr for tr in fig.data if tr.name == "minimum"][1]
    assert len(minima.x) == len(WELLS.minima)


def test_path_trace_hover_has_step_and_loss_and_big_end_marker():
    fig = vo.contour_paths(BOWL, paths_on(BOWL, steps=10), title="t", n=11)
    gd = fig.data[1]
    assert list(gd.customdata[:, 0]) == list(range(11))
    np.testing.assert_allclose(gd.customdata[:, 1], BOWL(np.column_stack([gd.x, gd.y])),
                               rtol=1e-6)
    assert gd.marker.size[-1] > gd.marker.size[0]


def test_long_and_diverging_paths_are_subsampled_and_cut():
    long_path = optimize_path(SGD, BOWL.grad, BOWL.start, 1000, lr=0.01)
    bad = np.vstack([BOWL.start, [np.nan, np.nan]])
    fig = vo.contour_paths(BOWL, {"long": long_path, "bad": bad}, title="t", n=11,
                           max_points=40)
    assert len(fig.data[1].x) <= 40 and fig.data[1].customdata[-1, 0] == 1000
    assert len(fig.data[2].x) == 1                       # the NaN row is not drawn


def test_log_contours_are_the_log_of_the_loss():
    rosen = surfaces.Rosenbrock()
    lin = vo.contour_paths(rosen, {}, title="t", n=11).data[0].z
    log = vo.contour_paths(rosen, {}, title="t", n=11, log=True).data[0].z
    lin, log = np.asarray(lin), np.asarray(log)
    np.testing.assert_allclose(log, np.log10(lin - lin.min() + 1e-6 * np.ptp(lin)), rtol=1e-12)
    assert np.ptp(log) < 10 < np.ptp(lin)


def test_animation_frames_slider_and_buttons():
    runs = paths_on(WELLS, steps=60)
    runs["short"] = runs["GD"][:21]                      # finishes early, waits at its end
    fig = vo.animate_paths_3d(WELLS, runs, title="race", n=11, frames=12)
    assert isinstance(fig.data[0], go.Surface)
    assert [tr.name for tr in fig.data[1:]] == ["GD", "Adam", "short"]
    assert len(fig.frames) == 13
    first, last = fig.frames[0], fig.frames[-1]
    assert list(first.traces) == [1, 2, 3] and len(first.data) == 3
    assert len(first.data[0].x) == 1 and len(last.data[0].x) == 13
    assert list(last.data[0].marker.size) == [0] * 12 + [7]  # a marker on the head only
    np.testing.assert_allclose(last.data[2].x[-1], runs["short"][-1, 0], atol=1e-4)
    # before "play": the finished race, as in the last frame
    np.testing.assert_allclose(fig.data[1].x, last.data[0].x, atol=1e-4)
    steps = [s.label for s in fig.layout.sliders[0].steps]
    assert steps == [f.name for f in fig.frames] and steps[0] == "0" and steps[-1] == "60"
    play = fig.layout.updatemenus[0].buttons[0]
    assert play.method == "animate" and play.args[1]["frame"]["redraw"] is True
    assert list(play.args[0]) == steps                   # play always runs from step 0


def test_curves_and_log_axes():
    x = np.arange(1, 101)
    fig = vo.curves(x, {"a": 1.0 / x, "b": np.where(x > 50, np.inf, 2.0 / x)}, title="c",
                    xaxis_title="step", yaxis_title="loss", log_y=True, dash={"b": "dot"})
    assert [tr.name for tr in fig.data] == ["a", "b"]
    assert fig.data[1].line.dash == "dot" and fig.data[0].line.dash == "solid"
    assert np.isnan(fig.data[1].y[-1])                   # non-finite values leave gaps
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis.dtick == 1
    assert fig.layout.xaxis.type == "linear"
    with pytest.raises(ValueError, match="ys"):
        vo.curves(x, {"a": x[:3]}, title="c", xaxis_title="s", yaxis_title="l")
    with pytest.raises(TypeError, match="ys"):
        vo.curves(x, [1, 2], title="c", xaxis_title="s", yaxis_title="l")
    steps = vo.curves(x, {"a": x}, title="c", xaxis_title="s", yaxis_title="l",
                      line_shape="hv")
    assert steps.data[0].line.shape == "hv"
    with pytest.raises(ValueError, match="line_shape"):
        vo.curves(x, {"a": x}, title="c", xaxis_title="s", yaxis_title="l", line_shape="x")


def test_lr_sweep_marks_failed_runs_at_the_cap():
    lrs = np.array([1e-3, 1e-2, 1e-1, 1.0])
    fig = vo.lr_sweep(lrs, {"SGD": [0.9, 0.5, 0.3, np.inf], "Adam": [0.4, 0.2, 2.0, np.nan]},
                      title="s", yaxis_title="loss", cap=0.8)
    assert len(fig.data) == 5                            # line + crosses per optimizer, cap
    sgd_line, sgd_fail = fig.data[0], fig.data[1]
    assert np.isnan(sgd_line.y[0]) and np.isnan(sgd_line.y[3]) and sgd_line.y[1] == 0.5
    np.testing.assert_allclose(sgd_fail.x, [1e-3, 1.0])
    np.testing.assert_allclose(sgd_fail.y, [0.8, 0.8])
    np.testing.assert_allclose(fig.data[3].x, [1e-1, 1.0])
    assert fig.layout.xaxis.type == "log"
    with pytest.raises(ValueError, match="lrs"):
        vo.lr_sweep([0.0, 1.0], {"a": [1, 2]}, title="s", yaxis_title="l", cap=1.0)
    with pytest.raises(ValueError, match="final_losses"):
        vo.lr_sweep(lrs, {"a": [1, 2]}, title="s", yaxis_title="l", cap=1.0)
    with pytest.raises(ValueError, match="cap"):
        vo.lr_sweep(lrs, {"a": lrs}, title="s", yaxis_title="l", cap=0.0)


def test_bad_paths_and_panels():
    with pytest.raises(TypeError, match="paths"):
        vo.contour_paths(BOWL, [np.zeros((3, 2))], title="t")
    with pytest.raises(ValueError, match="paths"):
        vo.contour_paths(BOWL, {"a": np.zeros((3, 3))}, title="t")
    with pytest.raises(TypeError, match="panels"):
        vo.contour_grid([], title="t")
    with pytest.raises(ValueError, match="paths"):
        vo.animate_paths_3d(BOWL, {}, title="t")
    with pytest.raises(ValueError, match="frames"):
        vo.animate_paths_3d(BOWL, paths_on(BOWL), title="t", frames=0)
