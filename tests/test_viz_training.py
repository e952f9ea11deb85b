"""Figure builders of chapter 8 return the expected traces and reject bad input."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from nnlearn.training import History
from nnlearn.viz import training as vt


def _history(n=5, val=True, acc=True, best=3):
    h = History()
    h.epoch = list(range(1, n + 1))
    h.loss = list(np.linspace(1.0, 0.2, n))
    h.lr = [0.1] * n
    h.time = [0.01] * n
    if val:
        h.val_loss = list(np.linspace(1.1, 0.4, n))
    if acc:
        h.accuracy = list(np.linspace(0.5, 0.9, n))
        if val:
            h.val_accuracy = list(np.linspace(0.4, 0.85, n))
    h.best_epoch = best
    return h


def test_learning_curves_two_panels_with_best_epoch():
    fig = vt.learning_curves(_history(), title="t")
    assert isinstance(fig, go.Figure) and fig.layout.title.text == "t"
    assert len(fig.data) == 4
    assert [t.name for t in fig.data] == ["training", "validation", "training", "validation"]
    assert [t.showlegend for t in fig.data] == [True, True, False, False]
    assert fig.data[1].line.dash == "dash" and fig.data[0].line.dash == "solid"
    np.testing.assert_allclose(fig.data[0].y, np.linspace(1.0, 0.2, 5))
    vlines = [s for s in fig.layout.shapes if s.x0 == 3 and s.x1 == 3]
    assert len(vlines) == 2
    assert fig.layout.xaxis.title.text == "epoch" and fig.layout.yaxis2.title.text


@pytest.mark.parametrize(("best", "anchor"), [(3, "left"), (10, "left"), (11, "right"),
                                             (18, "right")])
def test_learning_curves_best_epoch_text_on_the_roomier_side(best, anchor):
    # epochs 1..20: a best epoch in the left half gets its text to the right of the line
    # (left-anchored), so "best epoch 3" cannot run past the axis into the y title
    fig = vt.learning_curves(_history(n=20, best=best), title="t")
    (note,) = [a for a in fig.layout.annotations if a.text == f"best epoch {best}"]
    assert note.x == best and note.xanchor == anchor and note.xshift in (None, 0)
    assert note.borderpad >= 3                                     # a gap to the line either way


def test_learning_curves_regression_and_lr_panel():
    fig = vt.learning_curves(_history(val=False, acc=False, best=None), show_lr=True, title="t")
    assert [t.name for t in fig.data] == ["training", "learning rate"]
    assert fig.layout.yaxis2.type == "log"
    assert not fig.layout.shapes


def test_learning_curves_bad_input():
    with pytest.raises(TypeError, match="history"):
        vt.learning_curves({"loss": [1.0]}, title="t")
    with pytest.raises(ValueError, match="history"):
        vt.learning_curves(History(), title="t")
    bad = _history()
    bad.val_loss = [1.0]
    with pytest.raises(ValueError, match="val_loss"):
        vt.learning_curves(bad, title="t")


def test_confusion_heatmap():
    cm = np.array([[5, 1, 0], [0, 4, 2], [0, 0, 7]])
    fig = vt.confusion_heatmap(cm, class_names=["a", "b", "c"], title="t")
    (hm,) = fig.data
    assert hm.type == "heatmap"
    np.testing.assert_array_equal(np.asarray(hm.text).astype(int), cm)
    np.testing.assert_allclose(hm.z, np.log1p(cm))
    assert list(hm.x) == ["a", "b", "c"]
    assert fig.layout.yaxis.autorange == "reversed"
    with pytest.raises(ValueError, match="cm"):
        vt.confusion_heatmap(np.ones((2, 3)), title="t")
    with pytest.raises(ValueError, match="class_names"):
        vt.confusion_heatmap(cm, class_names=["a"], title="t")


def test_fit_snapshots_and_animation():
    x = np.linspace(0, 1, 10)[:, None]
    y = np.sin(x[:, 0])
    grid = np.linspace(0, 1, 20)
    preds = {"epoch 1": grid * 0, "epoch 50": np.sin(grid)}
    fig = vt.fit_snapshots(x, y, grid, np.sin(grid), preds, title="t")
    assert [t.name for t in fig.data] == ["training data", "truth", "epoch 1", "epoch 50"]
    anim = vt.fit_snapshots(x, y, grid, np.sin(grid), {"1": grid * 0, "50": np.sin(grid)},
                            frames=True, prefix="epoch ", title="t")
    assert len(anim.data) == 3 and len(anim.frames) == 2
    assert list(anim.frames[0].traces) == [2]
    np.testing.assert_allclose(anim.data[2].y, np.sin(grid))        # last frame first
    assert anim.layout.sliders[0].active == 1
    assert anim.layout.updatemenus[0].buttons[0].label.endswith("play")
    with pytest.raises(ValueError, match="truth"):
        vt.fit_snapshots(x, y, grid, np.sin(grid[:5]), preds, title="t")
    with pytest.raises(ValueError, match="predictions"):
        vt.fit_snapshots(x, y, grid, np.sin(grid), {"1": grid[:3]}, frames=True, title="t")


def test_grid_heatmap_outlines_the_best_cell():
    values = np.array([[0.9, 0.95, 0.8], [0.97, 0.5, 0.6]])
    fig = vt.grid_heatmap(values, ["0.1", "0.01", "0.001"], [16, 64], x_title="lr",
                          y_title="width", title="t")
    hm = fig.data[0]
    assert fig.data[1].name == "best"
    np.testing.assert_array_equal(hm.z, values)
    (rect,) = fig.layout.shapes
    assert (rect.x0, rect.x1, rect.y0, rect.y1) == (-0.46, 0.46, 0.56, 1.44)
    with pytest.raises(ValueError, match="values"):
        vt.grid_heatmap(values, [1, 2], [1, 2], title="t", x_title="x", y_title="y")
