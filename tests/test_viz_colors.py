"""The trace colours of viz.theme read for every reader.

The first six colours of ``COLORWAY`` (light page) and of ``DARK_COLORWAY``
(dark page) must stay at least 9 apart (CIEDE2000) under normal vision and
under simulated protanopia, deuteranopia and tritanopia, and have at least
3:1 contrast against the page (WCAG 2.1, 1.4.11 non-text contrast).

Colour vision deficiency is simulated with the matrices of Machado, Oliveira
and Fernandes (2009), severity 1.0, applied to linear RGB; CIEDE2000 follows
Sharma, Wu and Dalal (2005) and is checked against their published test pairs.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from nnlearn.viz import theme

ROOT = Path(__file__).resolve().parents[1]

#: Machado et al. (2009), Table 1, severity 1.0 (linear RGB -> linear RGB).
MACHADO = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
VISIONS = ["normal", *MACHADO]

#: The page backgrounds: sphinx-book-theme's light page, and its dark page
#: (#121212) with pydata-sphinx-theme's dark background (#14181e) under it.
LIGHT_PAGES = ["#ffffff"]
DARK_PAGES = ["#121212", "#14181e"]

MIN_DELTA_E = 9.0
MIN_CONTRAST = 3.0


def srgb(hex_color: str) -> np.ndarray:
    h = hex_color.lstrip("#")
    return np.array([int(h[i:i + 2], 16) for i in (0, 2, 4)]) / 255.0


def linear(c: np.ndarray) -> np.ndarray:
    c = np.asarray(c, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab_from_linear(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65 white) of linear sRGB values, shape (..., 3)."""
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    t = (rgb @ m.T) / np.array([0.95047, 1.0, 1.08883])
    d = 6 / 29
    f = np.where(t > d ** 3, np.cbrt(t), t / (3 * d * d) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


def ciede2000(lab1, lab2) -> np.ndarray:
    """CIEDE2000 colour difference (kL = kC = kH = 1), Sharma et al. (2005)."""
    L1, a1, b1 = np.moveaxis(np.asarray(lab1, dtype=float), -1, 0)
    L2, a2, b2 = np.moveaxis(np.asarray(lab2, dtype=float), -1, 0)
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean ** 7 / (c_mean ** 7 + 25.0 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    zero = c1p * c2p == 0
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(zero, 0.0, dh)
    d_l, d_c = L2 - L1, c2p - c1p
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_mean, cp_mean = (L1 + L2) / 2, (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_mean = np.where(zero, h_sum,
                      np.where(np.abs(h1p - h2p) <= 180, h_sum / 2,
                               np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2)))
    t = (1 - 0.17 * np.cos(np.radians(h_mean - 30)) + 0.24 * np.cos(np.radians(2 * h_mean))
         + 0.32 * np.cos(np.radians(3 * h_mean + 6)) - 0.20 * np.cos(np.radians(4 * h_mean - 63)))
    d_theta = 30 * np.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_mean ** 7 / (cp_mean ** 7 + 25.0 ** 7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return np.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2
                   + r_t * (d_c / s_c) * (d_h / s_h))


def seen_as(colors: list[str], vision: str) -> np.ndarray:
    """CIELAB of ``colors`` as a reader with ``vision`` sees them."""
    rgb = linear(np.array([srgb(c) for c in colors]))
    if vision != "normal":
        rgb = np.clip(rgb @ MACHADO[vision].T, 0.0, 1.0)
    return lab_from_linear(rgb)


def relative_luminance(hex_color: str) -> float:
    return float(linear(srgb(hex_color)) @ np.array([0.2126, 0.7152, 0.0722]))


def contrast(c1: str, c2: str) -> float:
    """WCAG contrast ratio of two colours."""
    hi, lo = sorted([relative_luminance(c1), relative_luminance(c2)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# --- the instruments, against published values ------------------------------

@pytest.mark.parametrize("lab1, lab2, expected", [
    # Sharma, Wu and Dalal (2005), Table 1, pairs 1, 2, 7, 17, 25 and 34.
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
])
def test_ciede2000_matches_sharma_test_data(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_lab_of_white_and_srgb_red():
    assert lab_from_linear(np.ones(3)) == pytest.approx([100, 0, 0], abs=0.01)
    assert lab_from_linear(linear(srgb("#ff0000"))) == pytest.approx([53.24, 80.09, 67.20],
                                                                     abs=0.02)


def test_machado_matrices_keep_white_and_grey():
    # Each row sums to 1: achromatic colours are seen unchanged.
    for m in MACHADO.values():
        assert m.sum(axis=1) == pytest.approx(np.ones(3), abs=1e-5)


def test_simulation_confuses_what_it_should():
    # Pure red and pure green, far apart normally, come much closer under
    # protanopia and deuteranopia but not under tritanopia.
    d = {v: float(ciede2000(*seen_as(["#d62728", "#2ca02c"], v))) for v in VISIONS}
    assert d["normal"] > 60
    assert d["protanopia"] < d["normal"] / 2 and d["deuteranopia"] < d["normal"] / 2
    assert d["tritanopia"] > d["normal"] / 2


def test_wcag_contrast_of_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


# --- the palettes ------------------------------------------------------------

PALETTES = {"light": (theme.COLORWAY, LIGHT_PAGES), "dark": (theme.DARK_COLORWAY, DARK_PAGES)}


@pytest.mark.parametrize("page", PALETTES)
@pytest.mark.parametrize("vision", VISIONS)
def test_first_six_trace_colours_stay_apart(page, vision):
    colors = PALETTES[page][0][:6]
    lab = seen_as(colors, vision)
    i, j = np.triu_indices(len(colors), 1)
    d = ciede2000(lab[i], lab[j])
    k = int(np.argmin(d))
    assert d[k] >= MIN_DELTA_E, (f"{page} page, {vision}: {colors[i[k]]} and {colors[j[k]]} "
                                 f"are only {d[k]:.1f} apart")


@pytest.mark.parametrize("page", PALETTES)
def test_trace_colours_have_3_to_1_contrast_with_the_page(page):
    colors, backgrounds = PALETTES[page]
    for color in colors:
        for bg in backgrounds:
            assert contrast(color, bg) >= MIN_CONTRAST, (page, color, bg)


def test_dark_palette_pairs_the_light_one():
    assert len(theme.DARK_COLORWAY) == len(theme.COLORWAY)
    assert len(set(theme.COLORWAY)) == len(theme.COLORWAY)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in theme.COLORWAY + theme.DARK_COLORWAY)


@pytest.mark.parametrize("name", ["COLORWAY", "DARK_COLORWAY"])
def test_figure_script_swaps_the_theme_colours(name):
    js = (ROOT / "book" / "_static" / "nnlearn-figures.js").read_text()
    listed = re.search(rf"var {name} = \[([^\]]*)\]", js).group(1)
    assert re.findall(r'"(#[0-9a-f]{6})"', listed) == getattr(theme, name)
