"""Overlay histograms count on a y axis of round ticks (a 1/2/5 x 10^k step), readable and apart."""

from __future__ import annotations

import math

from tests.browser.conftest import charts_drawn, screenshot, wait_for

TICKS = """() => { const p = [...document.querySelectorAll('.plot')]
    .find(e => e.dataset.run === 'lr_0.1' && e.dataset.tag === 'fc1/weight');
  if (!p || !p.data || p.data[0].fill) return null;
  const ts = [...p.querySelectorAll('.ytick text')];
  return ts.length && {labels: ts.map(t => t.textContent),
    boxes: ts.map(t => { const r = t.getBoundingClientRect(); return [r.top, r.bottom]; }),
    peak: Math.max(...p.data.flatMap(t => Array.from(t.y))),
    counts: Math.max(...p.data.flatMap(t => Array.from(t.customdata))),
    range: p._fullLayout.yaxis.range}; }"""


def count(label: str) -> float:
    """A tick label as plotly writes it (``1.5k``, ``2M``)."""
    scale = {"k": 1e3, "M": 1e6, "G": 1e9}.get(label[-1:], 1)
    return float(label.rstrip("kMG").replace(",", "")) * scale


def test_overlay_y_ticks_are_round_counts(page, board):
    page.goto(f"{board.url}/histograms?mode=overlay")
    charts_drawn(page, 3)
    got = wait_for(page, TICKS)
    values = [count(t) for t in got["labels"]]
    assert len(values) >= 3 and values[0] == 0
    steps = {round(b - a, 9) for a, b in zip(values, values[1:], strict=False)}
    assert len(steps) == 1, got["labels"]
    (step,) = steps
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1, 2, 5), got["labels"]
    assert got["peak"] == got["counts"]              # the curve is drawn in counts, as labelled
    assert got["range"][1] >= got["peak"] and got["range"][0] == 0
    boxes = sorted(got["boxes"])
    assert all(b[0] >= a[1] for a, b in zip(boxes, boxes[1:], strict=False)), "tick labels overlap"
    screenshot(page, "histograms-overlay")
