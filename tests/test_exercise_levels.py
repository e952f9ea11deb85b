"""Every exercise of every chapter says how hard it is and how long it takes.

An exercise opens with ``:class: level-N`` (N = 1, 2 or 3) and, as the first
line of its text, its level in words and a time, e.g. ``*Practice · about
15 min*``. The words are what every reader gets (HTML, PDF, notebook, screen
reader); the class adds N filled stars of three in front of them for the eye
(book/_static/nnlearn.css, with an empty text alternative). book/index.md
explains the scale once; the time ranges below are the ones it states.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from book_pages import ROOT, source_of, toc_docs

CHAPTERS = [d for d in toc_docs() if re.fullmatch(r"book/0[1-9]-[\w-]+", d)]
LEVELS = {1: ("Warm-up", 5, 10), 2: ("Practice", 10, 25), 3: ("Challenge", 20, 60)}
LABEL = re.compile(r"\*(?P<word>[\w-]+) · about (?P<minutes>\d+) min\*")
OPENING = re.compile(r"^(`{3,}|:{3,})\{exercise\}")


def exercises(path: Path) -> list[dict]:
    """Each exercise directive of a MyST page: its line, options and first text line."""
    lines = path.read_text().splitlines()
    found = []
    for i, line in enumerate(lines):
        if not OPENING.match(line.strip()):
            continue
        options, j = {}, i + 1
        while j < len(lines) and re.match(r"^:[\w-]+:", lines[j]):
            key, _, value = lines[j][1:].partition(":")
            options[key] = value.strip()
            j += 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        found.append({"line": i + 1, "options": options,
                      "first": lines[j].strip() if j < len(lines) else ""})
    return found


def problems(path: Path) -> list[str]:
    """What is wrong with the level labels of a page's exercises (empty: nothing)."""
    wrong = []
    for ex in exercises(path):
        where = f"{path.name}:{ex['line']} ({ex['options'].get('label', 'no label')})"
        classes = ex["options"].get("class", "").split()
        levels = [int(c[6:]) for c in classes if re.fullmatch(r"level-[123]", c)]
        match = LABEL.fullmatch(ex["first"])
        if len(levels) != 1:
            wrong.append(f"{where}: needs exactly one ':class: level-1|2|3', has {classes}")
            continue
        if not match:
            wrong.append(f"{where}: first line must read like '*Practice · about 15 min*', "
                         f"not {ex['first']!r}")
            continue
        word, low, high = LEVELS[levels[0]]
        minutes = int(match["minutes"])
        if match["word"] != word:
            wrong.append(f"{where}: level-{levels[0]} is {word!r}, not {match['word']!r}")
        if not (low <= minutes <= high and minutes % 5 == 0):
            wrong.append(f"{where}: {word} takes {low} to {high} min in steps of 5, "
                         f"not {minutes}")
    return wrong


def test_the_chapters_are_found():
    assert len(CHAPTERS) == 9, CHAPTERS


@pytest.mark.parametrize("doc", CHAPTERS)
def test_every_exercise_has_a_level_and_a_time(doc):
    path = source_of(doc)
    assert len(exercises(path)) >= 3, f"{doc}: the exercises were not found"
    assert problems(path) == []


def test_the_scale_is_explained_and_drawn():
    how_to = (ROOT / "book" / "index.md").read_text()
    css = (ROOT / "book" / "_static" / "nnlearn.css").read_text()
    for level, (word, low, high) in LEVELS.items():
        assert f"*{word}*" in how_to and f"{low} to {high} minutes" in how_to, word
        stars = "\\2605" * level + "\\2606" * (3 - level)
        rule = f'div.exercise.level-{level} > section > p:first-child::before'
        assert re.search(re.escape(rule) + r' \{ content: "' + re.escape(stars)
                         + r'"; content: "' + re.escape(stars) + r'" / ""; \}', css), level


def test_the_checker_catches_a_missing_or_wrong_label(tmp_path):
    page = tmp_path / "p.md"
    page.write_text(
        "````{exercise} Fine\n:label: a\n:class: level-2\n\n*Practice · about 15 min*\n\n"
        "Text.\n````\n\n"
        "````{exercise} No class\n:label: b\n\n*Warm-up · about 5 min*\n````\n\n"
        ":::{exercise} No words\n:label: c\n:class: level-1\nText.\n:::\n\n"
        "````{exercise} Wrong word\n:label: d\n:class: level-3\n\n"
        "*Practice · about 30 min*\n````\n\n"
        "````{exercise} Too long\n:label: e\n:class: level-1\n\n"
        "*Warm-up · about 40 min*\n````\n")
    assert len(exercises(page)) == 5
    wrong = problems(page)
    assert [w.split(" ")[1] for w in wrong] == ["(b):", "(c):", "(d):", "(e):"], wrong
