"""Figure builders of nnlearn.viz.landscape: the traces they draw and what they contain."""

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from nnlearn import descent, surfaces
from nnlearn.viz import landscape
from nnlearn.viz.render import figure_json

BOWL = surfaces.Quadratic.from_eigenvalues(3.0, 1.0, angle=0.5, bounds=((-2, 2), (-2, 2)))
HIMMELBLAU = surfaces.Himmelblau()
MULTI = surfaces.MultiMinima()


def fd_grad(f, p, h=1e-6):
    """Central differences of a surface's value, independent of its grad method."""
    p = np.asarray(p, dtype=np.float64)
    return np.array([(f(p + h * e) - f(p - h * e)) / (2 * h) for e in np.eye(len(p))])


def segments(x, y):
    """Split a NaN-separated line trace into its polylines (arrays of shape (k, 2))."""
    pts = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    out, cur = [], []
    for row in pts:
        if np.isnan(row).any():
            if cur:
                out.append(np.array(cur))
            cur = []
        else:
            cur.append(row)
    if cur:
        out.append(np.array(cur))
    return out


def multi_paths(steps=40):
    starts = np.array([[3.8, 3.6], [-4.0, 0.5], [0.5, -4.2]])
    paths = descent.gradient_descent(MULTI.grad, starts, lr=0.1, steps=steps)
    return {f"start {i}": paths[:, i] for i in range(3)}


# --- 3-D ---------------------------------------------------------------------

def test_surface_3d_draws_the_grid_and_each_path_on_the_surface():
    paths = multi_paths()
    fig = landscape.surface_3d(MULTI, paths, n=21, title="t")
    assert isinstance(fig, go.Figure)
    assert [t.type for t in fig.data] == ["surface"] + ["scatter3d"] * 3
    X, Y, Z = surfaces.grid(MULTI, 21)
    np.testing.assert_allclose(fig.data[0].z, Z)
    for trace, (name, path) in zip(fig.data[1:], paths.items(), strict=True):
        assert trace.name == name
        np.testing.assert_allclose(trace.x, path[:, 0])
        # drawn just above the surface: z = f(path) + a small lift
        lift = np.asarray(trace.z) - MULTI(path)
        assert np.all(lift > 0) and np.ptp(lift) < 1e-12
    # a sequence with names, as on the landing page, and the critical points
    fig2 = landscape.surface_3d(MULTI, list(paths.values()), names=list(paths), n=21,
                                show_critical=True)
    assert [t.name for t in fig2.data[1:4]] == list(paths)
    assert fig2.data[-1].name == "minimum" and len(fig2.data[-1].x) == 4


def test_surface_3d_subsamples_long_paths_keeping_both_ends():
    path = descent.gradient_descent(BOWL.grad, BOWL.start, lr=0.01, steps=999)
    fig = landscape.surface_3d(BOWL, [path], n=11, max_points=50)
    trace = fig.data[1]
    assert len(trace.x) <= 52
    np.testing.assert_allclose([trace.x[0], trace.x[-1]], [path[0, 0], path[-1, 0]])


def test_gradient_arrows_3d_draws_plus_and_minus_gradient_on_the_floor():
    points = np.array([[-1.2, 0.6], [1.5, 1.2], [0.4, -1.4]])
    fig = landscape.gradient_arrows_3d(BOWL, points, n=11, scale=0.1)
    names = [t.name for t in fig.data]
    assert fig.data[0].type == "surface"
    up = fig.data[names.index("∇f: steepest ascent")]
    down = fig.data[names.index("−∇f: steepest descent")]
    floor = fig.layout.scene.zaxis.range[0]
    assert np.all(np.asarray(up.z) == floor)
    for trace, sign in ((up, 1.0), (down, -1.0)):
        shafts = segments(trace.x, trace.y)[0::2]            # shaft, barbs, shaft, barbs...
        assert len(shafts) == len(points)
        for shaft, p in zip(shafts, points, strict=True):
            np.testing.assert_allclose(shaft[0], p)
            np.testing.assert_allclose(shaft[1] - shaft[0], sign * 0.1 * fd_grad(BOWL, p),
                                       rtol=1e-6, atol=1e-8)
    with pytest.raises(ValueError, match=r"points must have shape \(k, 2\)"):
        landscape.gradient_arrows_3d(BOWL, [[1.0, 2.0, 3.0]])
    with pytest.raises(TypeError, match="surface must have a grad method"):
        landscape.gradient_arrows_3d(lambda p: p[..., 0], [[0.0, 0.0]], bounds=((0, 1), (0, 1)))


def test_arrow_heads_point_back_from_the_tip():
    starts = np.array([[0.0, 0.0], [1.0, 1.0]])
    vecs = np.array([[1.0, 0.0], [0.0, -2.0]])
    x, y = landscape._arrow_segments(starts, vecs, head=0.25)
    parts = segments(x, y)
    assert len(parts) == 4
    for shaft, barbs, v in zip(parts[0::2], parts[1::2], vecs, strict=True):
        tip = shaft[1]
        np.testing.assert_allclose(barbs[1], tip)                       # barbs meet at the tip
        for end in (barbs[0], barbs[2]):
            back = end - tip
            assert back @ v < 0                                         # behind the tip
            assert np.linalg.norm(back) == pytest.approx(0.25 * np.linalg.norm(v))


# --- contour maps --------------------------------------------------------------

def test_contour_paths_contour_values_paths_and_critical_points():
    paths = multi_paths()
    fig = landscape.contour_paths(HIMMELBLAU, paths, n=31, title="t")
    assert fig.data[0].type == "contour"
    X, Y, Z = surfaces.grid(HIMMELBLAU, 31)
    np.testing.assert_allclose(fig.data[0].z, Z)
    assert [t.name for t in fig.data[1:4]] == list(paths)
    assert [t.name for t in fig.data[4:]] == ["minimum", "saddle point", "maximum"]
    assert [len(t.x) for t in fig.data[4:]] == [4, 4, 1]
    log = landscape.contour_paths(HIMMELBLAU, n=31, log=True, show_critical=False)
    assert len(log.data) == 1
    z = np.asarray(log.data[0].z)
    assert z.min() == pytest.approx(np.log10(1e-4 * np.ptp(Z)))
    np.testing.assert_allclose(10 ** z, Z - Z.min() + 1e-4 * np.ptp(Z), rtol=1e-10)
    assert "log₁₀" in log.data[0].colorbar.title.text


def test_gradient_field_arrows_are_minus_the_gradient_and_perpendicular_to_level_sets():
    fig = landscape.gradient_field(HIMMELBLAU, n_arrows=6, n=21)
    arrows = fig.data[1]
    assert arrows.name.startswith("−∇f")
    parts = segments(arrows.x, arrows.y)
    shafts = parts[0::2]
    assert len(shafts) == 36
    lengths = [np.linalg.norm(s[1] - s[0]) for s in shafts]
    np.testing.assert_allclose(lengths, lengths[0])                 # normalized
    for shaft in shafts:
        centre = shaft.mean(axis=0)
        v = shaft[1] - shaft[0]
        g = fd_grad(HIMMELBLAU, centre)
        cos = -(v @ g) / (np.linalg.norm(v) * np.linalg.norm(g))
        assert cos == pytest.approx(1.0, abs=1e-6)                  # along -grad
        tangent = np.array([-g[1], g[0]])                           # along the level set
        assert abs(v @ tangent) / (np.linalg.norm(v) * np.linalg.norm(tangent)) < 1e-6
    up = landscape.gradient_field(HIMMELBLAU, n_arrows=4, direction="ascent", normalize=False)
    shaft = segments(up.data[1].x, up.data[1].y)[0]
    centre, v = shaft.mean(axis=0), shaft[1] - shaft[0]
    assert v @ HIMMELBLAU.grad(centre) > 0
    with pytest.raises(ValueError, match="direction must be one of"):
        landscape.gradient_field(HIMMELBLAU, direction="down")
    with pytest.raises(ValueError, match="n_arrows must be >= 2"):
        landscape.gradient_field(HIMMELBLAU, n_arrows=1)


def test_contour_panels_one_panel_per_path():
    q = surfaces.Quadratic.from_eigenvalues(4.0, 1.0)
    paths = [descent.gradient_descent(q.grad, q.start, lr, 10) for lr in (0.05, 0.4, 0.52)]
    fig = landscape.contour_panels(q, paths, ["a", "b", "c"], n=15)
    contours = [t for t in fig.data if t.type == "contour"]
    lines = [t for t in fig.data if t.type == "scatter" and t.mode == "lines+markers"]
    assert len(contours) == 3 and len(lines) == 3
    assert [a.text for a in fig.layout.annotations] == ["a", "b", "c"]
    assert [t.xaxis for t in lines] == ["x", "x2", "x3"]
    np.testing.assert_allclose(lines[2].y, paths[2][:, 1])
    # one surface per panel, each with its own window
    other = surfaces.Quadratic.from_eigenvalues(1.0, 1.0, bounds=((0, 1), (0, 1)))
    fig2 = landscape.contour_panels([q, other], paths[:2], ["a", "b"], n=15)
    assert list(fig2.layout.xaxis2.range) == [0.0, 1.0]
    with pytest.raises(ValueError, match="subtitles must be a sequence of 3 strings"):
        landscape.contour_panels(q, paths, ["a", "b"])
    with pytest.raises(ValueError, match="surfaces must be one surface or 3 surfaces"):
        landscape.contour_panels([q, q], paths, ["a", "b", "c"])


def test_descent_1d_panels_and_window():
    parabola = surfaces.Quadratic([[2.0]])
    paths = {f"eta {lr}": descent.gradient_descent(parabola.grad, [1.5], lr, 20)
             for lr in (0.05, 0.45, 1.05)}
    fig = landscape.descent_1d(parabola, paths, x_range=(-3, 3))
    assert len(fig.data) == 6
    assert [a.text for a in fig.layout.annotations] == list(paths)
    curve, iterates = fig.data[0], fig.data[1]
    np.testing.assert_allclose(curve.y, np.asarray(curve.x) ** 2, atol=1e-12)
    np.testing.assert_allclose(iterates.y, np.asarray(iterates.x) ** 2, atol=1e-12)
    diverging = fig.data[5]
    assert np.all(np.abs(diverging.x) <= 3) and len(diverging.x) < 21   # cut at the window
    with pytest.raises(TypeError, match="f must be callable"):
        landscape.descent_1d(None, paths)
    with pytest.raises(ValueError, match=r"path 'p' must have shape \(steps, 1\)"):
        landscape.descent_1d(parabola, {"p": np.zeros((3, 2))})


def test_basin_map_shows_the_labels():
    gx, gy = surfaces.mesh(MULTI.bounds, n=9)
    labels = (gx > 0).astype(int) + 2 * (gy > 0).astype(int)
    fig = landscape.basin_map(gx, gy, labels, ["a", "b", "c", "d"], surface=MULTI)
    np.testing.assert_array_equal(fig.data[0].z, labels)
    assert [t.name for t in fig.data[1:5]] == ["a", "b", "c", "d"]
    assert any(t.name == "minimum" for t in fig.data)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\]"):
        landscape.basin_map(gx, gy, labels, ["a", "b", "c"])
    with pytest.raises(TypeError, match="labels must be integers"):
        landscape.basin_map(gx, gy, labels.astype(float), ["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="X, Y and labels must have the same shape"):
        landscape.basin_map(gx, gy, labels[:-1], ["a", "b", "c", "d"])


# --- learning curves -------------------------------------------------------------

def test_learning_curves_traces_dashes_and_log_axes():
    t = np.arange(1, 2001, dtype=float)
    fig = landscape.learning_curves(
        {"gap": (t, 1 / t ** 2), "bound": (t, 1 / t), "loss": np.r_[0.0, 1 / t]},
        log_x=True, dashed=["bound"], max_points=100)
    assert [tr.name for tr in fig.data] == ["gap", "bound", "loss"]
    assert [tr.line.dash for tr in fig.data] == ["solid", "dash", "solid"]
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    gap = fig.data[0]
    assert len(gap.x) <= 102 and gap.x[0] == 1.0 and gap.x[-1] == 2000.0
    np.testing.assert_allclose(gap.y, 1 / np.asarray(gap.x) ** 2)
    assert np.all(np.asarray(fig.data[2].x) > 0)          # step 0 cannot sit on a log axis
    lin = landscape.learning_curves({"a": [3.0, 2.0, 1.0]}, log_y=False)
    np.testing.assert_allclose(lin.data[0].x, [0, 1, 2])
    assert lin.layout.yaxis.type == "linear"


def test_learning_curves_bad_input():
    with pytest.raises(TypeError, match="curves must be a non-empty mapping"):
        landscape.learning_curves([1.0, 2.0])
    with pytest.raises(ValueError, match="dashed names curves that do not exist"):
        landscape.learning_curves({"a": [1.0, 2.0]}, dashed=["b"])
    with pytest.raises(ValueError, match="curve 'a' x and y must have the same shape"):
        landscape.learning_curves({"a": ([1.0, 2.0], [1.0])})


# --- animations --------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["3d", "contour"])
def test_animation_frames_update_only_the_paths(kind):
    paths = multi_paths(steps=60)
    if kind == "3d":
        fig = landscape.animated_paths_3d(MULTI, paths, n=15, frames=12, max_points=30)
    else:
        fig = landscape.animated_paths_contour(MULTI, paths, n=15, frames=12, max_points=30)
    k = len(paths)
    steps = [int(f.name) for f in fig.frames]
    assert steps == sorted(steps) and steps[0] == 0 and steps[-1] == 60 and len(steps) == 12
    moving = set()
    for frame in fig.frames:
        assert len(frame.data) == 2 * k
        moving.update(frame.traces)
        for tr in frame.data:
            assert tr.type in ("scatter", "scatter3d")      # never the surface or contour
    assert 0 not in moving and len(moving) == 2 * k
    # the moving traces are the path lines and heads; the heads sit at path[step]
    first = fig.frames[0]
    names = {fig.data[i].name for i in first.traces}
    assert names == set(paths)
    last = fig.frames[-1]
    for i, path in enumerate(paths.values()):
        head = last.data[k + i]
        np.testing.assert_allclose([head.x[0], head.y[0]], path[60], rtol=1e-3, atol=1e-3)
        start_line = first.data[i]
        assert len(start_line.x) == 1
        assert len(last.data[i].x) > len(fig.frames[5].data[i].x)
        # the opening view is the last frame
        np.testing.assert_allclose(fig.data[last.traces[i]].x, last.data[i].x)
    # controls: play/pause buttons and one slider step per frame
    play = fig.layout.updatemenus[0].buttons[0]
    assert play.method == "animate" and play.args[0] is None
    assert play.args[1]["frame"]["redraw"] is (kind == "3d")
    assert [s.label for s in fig.layout.sliders[0].steps] == [f.name for f in fig.frames]


def test_animation_is_small_enough_for_a_page():
    paths = {f"p{i}": p for i, p in enumerate(multi_paths(steps=150).values())}
    fig = landscape.animated_paths_3d(MULTI, paths, n=41, frames=30, max_points=60)
    size = len(figure_json(fig))
    assert size < 150_000
    data = json.loads(figure_json(fig))
    assert all("colorscale" not in json.dumps(fr) for fr in data["frames"])


def test_animation_bad_input():
    with pytest.raises(ValueError, match="paths must hold at least one path"):
        landscape.animated_paths_3d(MULTI, {})
    with pytest.raises(ValueError, match="frames must be >= 2"):
        landscape.animated_paths_contour(MULTI, multi_paths(), frames=1)
    with pytest.raises(ValueError, match=r"path 'x' must have shape \(steps, 2\)"):
        landscape.animated_paths_3d(MULTI, {"x": np.zeros((5, 3))})


# --- shared behaviour ----------------------------------------------------------------

def test_paths_and_names_are_checked():
    with pytest.raises(ValueError, match="names must have one entry per path"):
        landscape.contour_paths(BOWL, [np.zeros((3, 2))], names=["a", "b"])
    with pytest.raises(ValueError, match="names must be None when paths is a mapping"):
        landscape.contour_paths(BOWL, {"a": np.zeros((3, 2))}, names=["a"])
    with pytest.raises(ValueError, match="bounds must be given"):
        landscape.contour_paths(lambda p: p[..., 0])
    with pytest.raises(TypeError, match="surface must be a Surface or a callable"):
        landscape.surface_3d("bowl")
    with pytest.raises(ValueError, match="axis_titles must be a sequence of 2 strings"):
        landscape.contour_paths(BOWL, axis_titles="θ")
    with pytest.raises(ValueError, match="path 'a' contains NaN"):
        landscape.contour_paths(BOWL, {"a": [[0.0, np.nan]]})


def test_title_and_legend_rows_do_not_overlap():
    short = landscape.learning_curves({"a": [1.0, 2.0], "b": [2.0, 1.0]}, title="t")
    many = landscape.learning_curves({f"a rather long curve name {i}": [1.0, 2.0]
                                      for i in range(6)}, title="t")
    assert landscape._legend_rows(["a", "b"]) == 1
    assert landscape._legend_rows([f"a rather long curve name {i}" for i in range(6)]) >= 3
    assert many.layout.margin.t > short.layout.margin.t
    for fig in (short, many):
        assert fig.layout.title.yref == "container" and fig.layout.legend.yref == "container"
        # the legend starts below the title and ends above the plot area
        legend_top_px = (1 - fig.layout.legend.y) * fig.layout.height
        assert 30 <= legend_top_px < fig.layout.margin.t


def test_path_colors_cycle_through_the_theme():
    colors = landscape.path_colors(10)
    assert len(colors) == 10 and colors[8] == colors[0]
    assert len(set(colors[:8])) == 8
    with pytest.raises(ValueError, match="k must be >= 0"):
        landscape.path_colors(-1)
