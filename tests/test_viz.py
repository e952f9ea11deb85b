"""The figure renderer and theme that the book and the notebooks share."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

import nnlearn.viz as viz
from nnlearn.viz import render, theme

ROOT = Path(__file__).resolve().parents[1]


def _fig():
    x = np.linspace(0, 1, 5)
    fig = go.Figure(go.Scatter(x=x, y=x ** 2 + 1 / 3, name="a </script> b"))
    fig.update_layout(title="t")
    return fig


def test_importing_viz_makes_the_book_theme_and_renderer_default():
    assert pio.templates.default == "nnlearn"
    assert pio.renderers.default == "nnlearn"


def test_bundle_has_plotly_mimetype_for_jupyter_and_html_for_the_book():
    bundle = pio.renderers["nnlearn"].to_mimebundle(_fig().to_dict())
    assert set(bundle) == {render.PLOTLY_MIME, "text/html"}
    assert bundle[render.PLOTLY_MIME]["data"][0]["type"] == "scatter"
    html = bundle["text/html"]
    assert html.count('<div class="nnlearn-figure"') == 1
    assert "<script src" not in html and "cdn" not in html.lower()


def test_figure_json_escapes_script_end_and_round_trips():
    text = render.figure_json(_fig())
    assert "</script>" not in text
    fig = json.loads(text)  # JSON unescapes "<\/" back to "</"
    assert fig["data"][0]["name"] == "a </script> b"


def test_compacting_rounds_floats_and_stores_float64_arrays_as_float32():
    out = render._compact({"a": 1 / 3, "b": [2 / 3], "c": np.arange(3.0)}, digits=4)
    assert out["a"] == 0.3333 and out["b"] == [0.6667]
    assert out["c"].dtype == np.float32
    assert render._compact({"n": float("nan")}, 4)["n"] != 0  # NaN passes through


def test_html_ids_are_unique_for_identical_figures():
    fig = _fig()
    ids = {re.search(r'id="([^"]+)"', render.figure_html(fig)).group(1) for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_javascript_recolouring_uses_the_python_theme_colours(mode):
    js = (ROOT / "book" / "_static" / "nnlearn-figures.js").read_text()
    block = re.search(mode + r": \{([^}]*)\}", js).group(1)
    js_colors = dict(re.findall(r'(\w+): "(#[0-9a-f]{6})"', block))
    assert js_colors == (theme.LIGHT if mode == "light" else theme.DARK)


def test_template_backgrounds_are_transparent_and_text_is_dark_in_light_mode():
    layout = theme.make_template().layout
    assert layout.paper_bgcolor == "rgba(0,0,0,0)"
    assert layout.font.color == viz.LIGHT["font"]
    assert len(viz.COLORWAY) >= 6


def test_no_public_name_is_defined_in_two_viz_modules():
    import ast
    seen = {}
    for path in sorted((ROOT / "code" / "nnlearn" / "viz").glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            else:
                continue
            for name in names:
                if not name.startswith("_") and name != "__all__":
                    seen.setdefault(name, []).append(path.name)
    assert {n: m for n, m in seen.items() if len(m) > 1} == {}


#: Executable viz lines (tools/count_viz_lines.py) may not grow past this. Issue 15 asks for
#: at most 2,100: lower the number whenever viz shrinks, never raise it past 2,100 (it had
#: crept up to 2,111 for chapter 9's graphs and their checks). Back at 2,100 by removing
#: repetition, not by packing statements: shared layout.legend_group, legend_entry and
#: as_vectors; settings a callee repeats (animate's bottom margin, edge_style's check of
#: weight_scale) or that do nothing (hoverinfo of a legend-only trace); while adding the
#: checks of play_controls' active and durations and of every showlegend.
VIZ_LINE_BUDGET = 2_100


def test_viz_stays_within_its_line_budget():
    import importlib.util
    path = Path(__file__).resolve().parents[1] / "tools" / "count_viz_lines.py"
    spec = importlib.util.spec_from_file_location("count_viz_lines", path)
    counter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(counter)
    assert counter.count_lines('x = 1\n\n# comment\ndef f():\n    """Doc."""\n    return (1,\n'
                               '            2)\n') == 4
    total = sum(counter.count_package().values())
    assert total <= VIZ_LINE_BUDGET, f"viz has {total} executable lines, budget {VIZ_LINE_BUDGET}"


def test_absurd_sizes_are_refused_up_front():
    from nnlearn.viz import network
    from nnlearn.viz.layout import check_figure_size
    with pytest.raises(ValueError, match="sizes must have at most 32 layers"):
        network.network_diagram([2, 10**6, 2], title="t")
    with pytest.raises(ValueError, match="n must be <= 1000"):
        check_figure_size(10**30, "n", high=1000)
    from nnlearn.viz.classify import decision_grid
    with pytest.raises(ValueError, match="n must be <= 2000"):
        decision_grid(np.zeros((3, 2)), n=10**30)


def test_layout_ranges_and_labels():
    from nnlearn.viz.layout import as_labels, as_range, padded_range
    np.testing.assert_allclose(padded_range([1.0, np.nan, 3.0, np.inf], 0.1), [0.8, 3.2])
    assert padded_range([2.0, 2.0], 0.5) == [1.5, 2.5]          # equal values: pad by frac
    assert as_range((0, 1), "r") == (0.0, 1.0)
    with pytest.raises(ValueError, match="r must satisfy low < high"):
        as_range((1, 1), "r")
    assert as_labels(None, 2, "l") == [0, 1] and as_labels(None, 1, "l", ["a"]) == ["a"]
    assert as_labels([1, 2], 2, "l") == ["1", "2"]
    with pytest.raises(ValueError, match="l must have 3 entries, got 2"):
        as_labels([1, 2], 3, "l")
