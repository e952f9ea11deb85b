"""The chapter-2 figure builders return the traces, frames and checks they promise."""

from __future__ import annotations

import numpy as np
import pytest

from nnlearn.linear import fit_line_mae, fit_line_mse
from nnlearn.viz import losses as vl

R = np.linspace(-3, 3, 13)


def test_line_fits_lines_and_loss_shares():
    x = np.arange(6.0)
    y = 2 * x + 1
    y[-1] += 10
    fits = {"MSE": fit_line_mse(x, y), "MAE": fit_line_mae(x, y)}
    per = {k: np.abs(a * x + b - y) for k, (a, b) in fits.items()}
    fig = vl.line_fits(x[:, None], y, fits, per, title="t")
    assert len(fig.data) == 5 and fig.layout.yaxis2.type == "log"
    assert fig.data[3].y[0] == pytest.approx(1.0)                 # MAE line through y = 2x + 1
    np.testing.assert_allclose(fig.data[2].y, per["MSE"])         # MSE per-point losses
    assert fig.data[4].customdata[0] == 0 and fig.data[4].y[0] > 0   # zero loss on the floor
    assert fig.data[4].y[-1] == pytest.approx(10.0)
    assert fig.data[1].name == "MSE: ŷ = " + f"{fits['MSE'][0]:.2f} x " + (
        "− " if fits["MSE"][1] < 0 else "+ ") + f"{abs(fits['MSE'][1]):.2f}"
    assert fig.data[3].legendgroup == fig.data[4].legendgroup == "MAE"
    assert fig.data[1].line.width > fig.data[3].line.width   # the later line fits inside
    with_truth = vl.line_fits(x, y, fits, per, title="t", truth=(2.0, 1.0))
    assert len(with_truth.data) == 6 and with_truth.data[5].name == "true line: y = 2.00 x + 1.00"
    np.testing.assert_allclose(with_truth.data[5].y, [1.0, 11.0])
    with pytest.raises(ValueError, match="point_losses"):
        vl.line_fits(x, y, fits, {"MSE": per["MSE"]}, title="t")
    with pytest.raises(ValueError, match="y"):
        vl.line_fits(x, y[:-1], fits, per, title="t")


def test_outlier_animation_refits_every_frame():
    x = np.linspace(0, 5, 8)
    y = x.copy()
    fig = vl.outlier_animation(x, y, [0.0, 10.0, 20.0],
                               {"MSE": fit_line_mse, "MAE": fit_line_mae}, title="t")
    assert len(fig.data) == 4 and len(fig.frames) == 3
    assert [f.name for f in fig.frames] == ["0", "10", "20"]
    assert list(fig.frames[0].traces) == [1, 2, 3]
    assert fig.frames[2].data[0].y[0] == pytest.approx(25.0)      # the point moved up by 20
    mse_end = fig.frames[2].data[1].y[1]
    mae_end = fig.frames[2].data[2].y[1]
    assert mae_end == pytest.approx(5.0) and mse_end > 10.0       # MSE follows, MAE does not
    assert len(fig.layout.sliders[0].steps) == 3 and fig.layout.updatemenus
    later = vl.outlier_animation(x, y, [0.0, 10.0, 20.0], {"MSE": fit_line_mse}, start=9.0,
                                 title="t")
    assert later.data[1].y[0] == pytest.approx(15.0) and later.layout.sliders[0].active == 1
    with pytest.raises(ValueError, match="offsets"):
        vl.outlier_animation(x, y, [], {"MSE": fit_line_mse}, title="t")
    with pytest.raises(ValueError, match="fitters"):
        vl.outlier_animation(x, y, [0.0], {}, title="t")


def test_temperature_bars_frames_and_start():
    temps = [0.5, 1.0, 4.0]
    probs = np.array([[0.9, 0.1], [0.7, 0.3], [0.55, 0.45]])
    fig = vl.temperature_bars(probs, temps, ["a", "b"], title="t")
    assert len(fig.data) == 1 and len(fig.frames) == 3
    np.testing.assert_allclose(fig.data[0].y, [0.7, 0.3])        # starts at T = 1
    assert fig.layout.sliders[0].active == 1
    with pytest.raises(ValueError, match="probs"):
        vl.temperature_bars(probs[:2], temps, ["a", "b"], title="t")
    with pytest.raises(ValueError, match="labels"):
        vl.temperature_bars(probs, temps, ["a"], title="t")


def test_focal_curves_shade_easy_and_hard():
    p = np.linspace(0.05, 0.95, 10)
    fig = vl.focal_curves(p, {"γ=0": -np.log(p), "γ=2": -(1 - p) ** 2 * np.log(p)},
                          {"γ=0": np.ones(10), "γ=2": (1 - p) ** 2}, title="t")
    assert len(fig.data) == 4 and fig.layout.yaxis2.type == "log"
    assert len(fig.layout.shapes) == 4                             # easy + hard, both panels
    assert fig.data[0].line.dash != fig.data[1].line.dash          # γ values differ in greyscale
    # chapter 2's symbol p_y and a unit; short enough for the two panels at 700 px
    assert fig.layout.xaxis.title.text == "true-class probability p<sub>y</sub> (unitless)"
    with pytest.raises(ValueError, match="ratios"):
        vl.focal_curves(p, {"γ=0": p}, {"γ=0": p[:3]}, title="t")


def test_convexity_chords_detects_chord_below():
    w = np.linspace(-2, 2, 81)
    fig = vl.convexity_chords(w, {"convex": (w - 1) ** 2, "double well": (w**2 - 1) ** 2},
                              left=-1.0, right=1.0, x_titles=["ŷ", "w"], title="t")
    assert len(fig.data) == 6
    notes = [a.text for a in fig.layout.annotations if "chord" in a.text]
    assert notes == ["chord above: convex", "chord below: not convex"]
    gap = fig.data[5]                                               # curve 1 vs chord 0 at w=0
    assert gap.x[0] == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(gap.y, [1.0, 0.0], atol=1e-9)
    assert [t.showlegend for t in fig.data if t.name == "curve vs chord"] == [True, False]
    assert {t.legendgroup for t in fig.data if t.name == "curve vs chord"} == {"curve vs chord"}
    with pytest.raises(ValueError, match="left and right"):
        vl.convexity_chords(w, {"c": w**2}, left=1.0, right=-1.0, title="t")
    with pytest.raises(ValueError, match="x_titles"):
        vl.convexity_chords(w, {"c": w**2}, left=-1.0, right=1.0, x_titles=["a", "b"], title="t")
