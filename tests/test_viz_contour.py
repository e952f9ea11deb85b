"""The contour-map primitive: panels, paths, marks, shared levels, frames, checks."""

import numpy as np
import pytest

from nnlearn import descent, surfaces
from nnlearn.optimizers import SGD, Adam, optimize_path
from nnlearn.viz.contour import Panel, as_paths, contour_paths, frame_steps

BOWL = surfaces.Quadratic.from_eigenvalues(4.0, 1.0, angle=0.3)
HIMMELBLAU = surfaces.Himmelblau()
WELLS = surfaces.MultiMinima()


def paths_on(surface, steps=20):
    return {"GD": optimize_path(SGD, surface.grad, surface.start, steps, lr=0.1),
            "Adam": optimize_path(Adam, surface.grad, surface.start, steps, lr=0.1)}


def test_panels_draw_contour_paths_start_and_critical_points():
    fig = contour_paths([Panel(BOWL, paths_on(BOWL), "bowl"),
                         Panel(WELLS, paths_on(WELLS), "wells")], title="two", n=11, cols=2)
    names = [tr.name for tr in fig.data]
    assert names[:5] == ["level sets", "GD", "Adam", "start", "minimum"]
    assert names[5:8] == ["level sets", "GD", "Adam"]
    assert fig.layout.title.text == "two"
    assert [a.text for a in fig.layout.annotations] == ["bowl", "wells"]
    X, Y, Z = surfaces.grid(BOWL, 11)
    np.testing.assert_allclose(fig.data[0].z, Z)
    shown = [tr.name for tr in fig.data if tr.type == "scatter" and tr.showlegend is not False]
    assert len(shown) == len(set(shown))                       # each legend entry once
    gd = [tr for tr in fig.data if tr.name == "GD"]
    adam = [tr for tr in fig.data if tr.name == "Adam"][0]
    assert gd[0].line.color == gd[1].line.color != adam.line.color   # a name keeps its colour
    assert gd[0].marker.symbol != adam.marker.symbol           # and differs in greyscale
    assert tuple(fig.layout.xaxis.range) == BOWL.bounds[0]
    assert tuple(fig.layout.yaxis2.range) == WELLS.bounds[1]
    minima = [tr for tr in fig.data if tr.name == "minimum"][1]
    assert len(minima.x) == len(WELLS.minima)


def test_himmelblau_marks_minima_saddles_and_maximum_and_log_levels():
    fig = contour_paths(Panel(HIMMELBLAU), title="t", n=31, filled=True, colorbar_title="f")
    assert [t.name for t in fig.data[1:]] == ["minimum", "saddle point", "maximum"]
    assert [len(t.x) for t in fig.data[1:]] == [4, 4, 1]
    assert fig.data[0].contours.coloring == "fill" and fig.data[0].showscale
    log = contour_paths(Panel(HIMMELBLAU, log=True), title="t", n=31, show_critical=False,
                        colorbar_title="f")
    assert log.data[0].colorbar.title.text == "log₁₀(f − min)"
    assert len(log.data) == 1 and log.data[0].contours.coloring == "lines"
    Z = surfaces.grid(HIMMELBLAU, 31)[2]
    np.testing.assert_allclose(10 ** np.asarray(log.data[0].z),
                               Z - Z.min() + 1e-5 * np.ptp(Z), rtol=1e-10)


def test_path_hover_has_the_step_and_the_last_point_is_large():
    fig = contour_paths(Panel(BOWL, paths_on(BOWL, steps=10)), title="t", n=11)
    gd = fig.data[1]
    assert list(gd.customdata) == list(range(11))
    np.testing.assert_allclose(gd.x, paths_on(BOWL, steps=10)["GD"][:, 0])
    assert gd.marker.size[-1] > gd.marker.size[0]


def test_long_paths_keep_their_first_steps_and_diverged_rows_are_dropped():
    long_path = optimize_path(SGD, BOWL.grad, BOWL.start, 1000, lr=0.01)
    bad = np.vstack([BOWL.start, [np.nan, np.nan]])
    fig = contour_paths(Panel(BOWL, {"long": long_path, "bad": bad}), title="t", n=11,
                        max_points=40)
    steps = list(fig.data[1].customdata)
    assert len(steps) <= 42 and steps[0] == 0 and steps[-1] == 1000
    assert steps[:5] == [0, 1, 2, 3, 4]                        # the early steps in full
    assert len(fig.data[2].x) == 1                             # the NaN row is not drawn


def test_grid_panels_share_levels_equal_aspect_and_step_frames():
    x, y = np.linspace(-1, 1, 5), np.linspace(-2, 2, 7)
    z = x[None, :] ** 2 + y[:, None] ** 2
    long_path = np.column_stack([np.linspace(1, 0, 900), np.linspace(2, 0, 900)])
    short_path = long_path[::300]                              # 3 points: 2 steps
    panels = [Panel((x, y, z), {"descent path": long_path}, minima=[0.0, 0.0]),
              Panel((x, y, 2 * z), {"descent path": short_path})]
    fig = contour_paths(panels, title="t", shared_levels=True, equal_aspect=True,
                        frames=[0, 1, 5, 899], max_points=100, x_title="w1", y_title="w2")
    contours = [tr for tr in fig.data if tr.type == "contour"]
    assert contours[0].contours.start == contours[1].contours.start == 0.0
    assert contours[1].contours.end == pytest.approx(10.0)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis2.scaleanchor == "x2"
    assert fig.layout.xaxis.title.text == "w1" and fig.layout.yaxis.title.text == "w2"
    assert [f.name for f in fig.frames] == ["0", "1", "5", "899"]
    moving = [i for i, tr in enumerate(fig.data) if tr.name == "descent path"]
    assert all(list(f.traces) == moving for f in fig.frames)
    # after t steps a path shows t + 1 points (all of a shorter path)
    assert [len(f.data[0].x) for f in fig.frames[:3]] == [1, 2, 6]
    assert [len(f.data[1].x) for f in fig.frames[:3]] == [1, 2, 3]
    assert len(fig.frames[-1].data[0].x) <= 102
    assert fig.layout.sliders[0].active == 3
    assert fig.layout.updatemenus[0].buttons[0].args[1]["frame"]["redraw"] is False


def test_one_panel_per_path_and_a_window_per_surface():
    q = surfaces.Quadratic.from_eigenvalues(4.0, 1.0)
    other = surfaces.Quadratic.from_eigenvalues(1.0, 1.0, bounds=((0, 1), (0, 1)))
    paths = [descent.gradient_descent(q.grad, q.start, lr, 10) for lr in (0.05, 0.4)]
    fig = contour_paths([Panel(q, {"p": paths[0]}, "a"), Panel(other, {"p": paths[1]}, "b")],
                        title="t", n=15)
    lines = [t for t in fig.data if t.name == "p"]
    assert [t.xaxis for t in lines] == ["x", "x2"]
    assert list(fig.layout.xaxis2.range) == [0.0, 1.0]


def test_frame_steps_and_bad_input():
    assert frame_steps({"a": np.zeros((101, 2))}, 5) == [0, 25, 50, 75, 100]
    with pytest.raises(ValueError, match="frames must be up to 500 increasing"):
        frame_steps({"a": np.zeros((3, 2))}, [5, 3])
    with pytest.raises(ValueError, match="frames must be <= 500"):
        frame_steps({"a": np.zeros((3, 2))}, 10**30)
    with pytest.raises(TypeError, match="panels"):
        contour_paths([], title="t")
    with pytest.raises(TypeError, match="paths must be a mapping"):
        as_paths([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"paths\['a'\] must have shape \(steps, 2\)"):
        as_paths({"a": np.zeros((3, 3))})
    with pytest.raises(ValueError, match="bounds must be given"):
        contour_paths(Panel(lambda p: p[..., 0]), title="t")
    # One bounds check (nnlearn._checks.check_bounds) for the viz window and the surfaces.
    for bad, message in ((((1, 0), (0, 1)), r"bounds must satisfy xmin < xmax and ymin < ymax"),
                         ((0, 1), r"bounds must be \(\(xmin, xmax\), \(ymin, ymax\)\), got "
                                  r"shape \(2,\)")):
        with pytest.raises(ValueError, match=message):
            contour_paths(Panel(BOWL, bounds=bad), title="t")
        with pytest.raises(ValueError, match=message):
            surfaces.mesh(bad)
        with pytest.raises(ValueError, match=message):
            surfaces.Himmelblau(bounds=bad)
    with pytest.raises(ValueError, match="n must be <= 1000"):
        contour_paths(Panel(BOWL), title="t", n=10**6)
    with pytest.raises(ValueError, match=r"z must have shape"):
        contour_paths(Panel((np.arange(3.0), np.arange(2.0), np.zeros((3, 3)))), title="t")
