"""The search page's span logic (static/app.js) under Node, when Node is installed: the
browser test (tests/e2e) drives the same code in Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

APP_JS = Path(__file__).parents[2] / "src" / "geoscribe" / "static" / "app.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node not installed")


def run_js(expression: str):
    script = f"const app = require({json.dumps(str(APP_JS))}); process.stdout.write(JSON.stringify({expression}));"
    out = subprocess.run([NODE, "-e", script], capture_output=True, text=True, timeout=30, check=True)
    return json.loads(out.stdout)


def test_span_parts_cut_the_input_at_python_offsets():
    line = "Title: A375 - Characteristics: cell line: A375; gender: female"
    start = line.index("female")
    assert run_js(f"app.spanParts({json.dumps(line)}, [{start}, {start + 6}])") == [line[:start], "female", ""]
    # offsets count code points, as in Python, also past a character outside the BMP
    text = "Title: \U0001f9ea tube - cell line: K562"
    start = text.index("K562")
    assert run_js(f"app.spanParts({json.dumps(text)}, [{start}, {start + 4}])")[1] == "K562"


@pytest.mark.parametrize("span", ["[3, 2]", "[-1, 2]", "[0, 99]", "[1]", "null", "[0.5, 2]", "['a', 2]"])
def test_span_parts_refuse_spans_that_do_not_fit(span):
    assert run_js(f"app.spanParts('cell line: K562', {span})") is None


def test_evidence_note_says_where_a_value_was_read():
    note = run_js("app.evidenceNote('stated', {key: 'cell line', field: 'characteristics'})")
    assert note == "stated: read off the record as written; key 'cell line' in characteristics"
    assert run_js("app.evidenceNote('known', {basis: 'training pairs'})").endswith("recorded in training pairs")
