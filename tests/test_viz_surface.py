"""The 3-D surface primitive: surface, paths on it, growing-path frames, checks."""

import json

import numpy as np
import pytest

from nnlearn import descent, surfaces
from nnlearn.viz.render import figure_json
from nnlearn.viz.surface import surface_3d

BOWL = surfaces.Quadratic.from_eigenvalues(3.0, 1.0, angle=0.5, bounds=((-2, 2), (-2, 2)))
MULTI = surfaces.MultiMinima()


def multi_paths(steps=40):
    starts = np.array([[3.8, 3.6], [-4.0, 0.5], [0.5, -4.2]])
    paths = descent.gradient_descent(MULTI.grad, starts, lr=0.1, steps=steps)
    return {f"start {i}": paths[:, i] for i in range(3)}


def test_surface_and_each_path_drawn_just_above_it():
    paths = multi_paths()
    fig = surface_3d(MULTI, paths, n=21, title="t", show_critical=False)
    assert [t.type for t in fig.data] == ["surface"] + ["scatter3d"] * 3
    np.testing.assert_allclose(fig.data[0].z, surfaces.grid(MULTI, 21)[2])
    for trace, (name, path) in zip(fig.data[1:], paths.items(), strict=True):
        assert trace.name == name
        np.testing.assert_allclose(trace.x, path[:, 0])
        lift = np.asarray(trace.z) - MULTI(path)
        assert np.all(lift > 0) and np.ptp(lift) < 1e-12
    assert len({t.marker.symbol for t in fig.data[1:]}) == 3      # paths differ in greyscale
    marked = surface_3d(MULTI, paths, n=21, title="t")
    assert marked.data[4].name == "minimum" and len(marked.data[4].x) == 4
    assert marked.layout.title.text == "t" and marked.layout.scene.xaxis.title.text


def test_long_paths_are_thinned_keeping_both_ends():
    path = descent.gradient_descent(BOWL.grad, BOWL.start, lr=0.01, steps=999)
    trace = surface_3d(BOWL, {"p": path}, n=11, max_points=50, title="t").data[1]
    assert len(trace.x) <= 52
    np.testing.assert_allclose([trace.x[0], trace.x[-1]], [path[0, 0], path[-1, 0]])


def test_frames_grow_the_paths_and_open_on_the_whole_paths():
    paths = multi_paths(steps=60)
    paths["short"] = paths["start 0"][:21]                     # finishes early
    fig = surface_3d(MULTI, paths, n=15, frames=12, title="race")
    steps = [int(f.name) for f in fig.frames]
    assert steps[0] == 0 and steps[-1] == 60 and len(steps) == 12
    for frame in fig.frames:
        assert list(frame.traces) == [1, 2, 3, 4]              # never the surface
        assert all(tr.type == "scatter3d" for tr in frame.data)
    first, last = fig.frames[0], fig.frames[-1]
    assert len(first.data[0].x) == 1 and len(last.data[0].x) > len(fig.frames[5].data[0].x)
    np.testing.assert_allclose(last.data[3].x[-1], paths["short"][-1, 0], rtol=1e-3)  # waits
    np.testing.assert_allclose(fig.data[1].x, last.data[0].x, rtol=1e-3)  # opens on the end
    play = fig.layout.updatemenus[0].buttons[0]
    assert play.args[1]["frame"]["redraw"] is True
    assert [s.label for s in fig.layout.sliders[0].steps] == [f.name for f in fig.frames]


def test_animation_is_small_enough_for_a_page():
    fig = surface_3d(MULTI, multi_paths(steps=150), n=41, frames=30, max_points=60, title="t")
    assert len(figure_json(fig)) < 200_000
    data = json.loads(figure_json(fig))
    assert all("colorscale" not in json.dumps(fr) for fr in data["frames"])


def test_bad_input_names_the_argument():
    with pytest.raises(TypeError, match="surface must be a Surface or a callable"):
        surface_3d("bowl", title="t")
    with pytest.raises(ValueError, match=r"paths\['x'\] must have shape \(steps, 2\)"):
        surface_3d(MULTI, {"x": np.zeros((5, 3))}, title="t")
    with pytest.raises(ValueError, match="frames must be >= 2"):
        surface_3d(MULTI, multi_paths(), frames=1, title="t")
    with pytest.raises(ValueError, match="n must be <= 400"):
        surface_3d(MULTI, n=10**30, title="t")
