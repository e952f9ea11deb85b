"""Chapter 3 compositions of nnlearn.viz.landscape: arrows, 1-D steps, basins."""

import numpy as np
import pytest

from nnlearn import descent, surfaces
from nnlearn.viz import landscape

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


def test_gradient_arrows_3d_draws_plus_and_minus_gradient_on_the_floor():
    points = np.array([[-1.2, 0.6], [1.5, 1.2], [0.4, -1.4]])
    fig = landscape.gradient_arrows_3d(BOWL, points, n=11, scale=0.1, title="t")
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
    with pytest.raises(ValueError, match=r"points must have shape \(k, 2\) with 1 <= k"):
        landscape.gradient_arrows_3d(BOWL, [[1.0, 2.0, 3.0]], title="t")
    with pytest.raises(TypeError, match="surface must have a grad method"):
        landscape.gradient_arrows_3d(lambda p: p[..., 0], [[0.0, 0.0]], title="t",
                                     bounds=((0, 1), (0, 1)))


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


def test_gradient_field_arrows_are_minus_the_gradient_and_perpendicular_to_level_sets():
    fig = landscape.gradient_field(HIMMELBLAU, n_arrows=6, n=21, title="t")
    arrows = fig.data[-1]
    assert fig.data[0].type == "contour" and fig.data[0].contours.coloring == "fill"
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
    up = landscape.gradient_field(HIMMELBLAU, n_arrows=4, direction="ascent",
                                  normalize=False, title="t")
    shaft = segments(up.data[-1].x, up.data[-1].y)[0]
    centre, v = shaft.mean(axis=0), shaft[1] - shaft[0]
    assert v @ HIMMELBLAU.grad(centre) > 0
    with pytest.raises(ValueError, match="direction must be one of"):
        landscape.gradient_field(HIMMELBLAU, direction="down", title="t")
    with pytest.raises(ValueError, match="n_arrows must be >= 2"):
        landscape.gradient_field(HIMMELBLAU, n_arrows=1, title="t")


def test_descent_1d_panels_and_window():
    parabola = surfaces.Quadratic([[2.0]])
    paths = {f"eta {lr}": descent.gradient_descent(parabola.grad, [1.5], lr, 20)
             for lr in (0.05, 0.45, 1.05)}
    fig = landscape.descent_1d(parabola, paths, x_range=(-3, 3), title="t")
    assert len(fig.data) == 6
    assert [a.text for a in fig.layout.annotations] == list(paths)
    curve, iterates = fig.data[0], fig.data[1]
    np.testing.assert_allclose(curve.y, np.asarray(curve.x) ** 2, atol=1e-12)
    np.testing.assert_allclose(iterates.y, np.asarray(iterates.x) ** 2, atol=1e-12)
    diverging = fig.data[5]
    assert np.all(np.abs(diverging.x) <= 3) and len(diverging.x) < 21   # cut at the window
    assert iterates.marker.size[0] > iterates.marker.size[1]      # the start stands out
    assert iterates.line.dash != curve.line.dash
    with pytest.raises(TypeError, match="f must be callable"):
        landscape.descent_1d(None, paths, title="t")
    with pytest.raises(TypeError, match="paths must be a mapping"):
        landscape.descent_1d(parabola, [np.zeros(3)], title="t")


def test_basin_map_shows_the_labels():
    gx, gy = surfaces.mesh(MULTI.bounds, n=9)
    labels = (gx > 0).astype(int) + 2 * (gy > 0).astype(int)
    fig = landscape.basin_map(gx, gy, labels, ["a", "b", "c", "d"], surface=MULTI, title="t")
    np.testing.assert_array_equal(fig.data[0].z, labels)
    assert [t.name for t in fig.data[1:5]] == ["a", "b", "c", "d"]
    assert any(t.name == "minimum" for t in fig.data)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\]"):
        landscape.basin_map(gx, gy, labels, ["a", "b", "c"], title="t")
    with pytest.raises(TypeError, match="labels must be integers"):
        landscape.basin_map(gx, gy, labels.astype(float), ["a", "b", "c", "d"], title="t")
    with pytest.raises(ValueError, match="X, Y and labels must have the same shape"):
        landscape.basin_map(gx, gy, labels[:-1], ["a", "b", "c", "d"], title="t")
