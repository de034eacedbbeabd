"""Issue 19 in the PDF report's charts: the last period's label is not cut at the drawing's edge ("202"), the
scale ends on a round value, and neither the target's line nor a 95 % whisker runs through a label; the
incomplete last period is a pale bar, named in the legend and in the table. Checked on the SVG the report is
printed from: by the drawing's own numbers, and as Chromium lays the text out."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest

from naravard.config import Settings
from naravard.followup.indicators import INDICATORS
from naravard.followup.reports.compare import svg_hbars
from naravard.followup.reports.pdf import BAR_W, LEFT, nice_scale, svg_bars, text_width, tick_label
from naravard.followup.reports.report import render_report

CHROMIUM = "/usr/bin/chromium"
SVG = "{http://www.w3.org/2000/svg}"
A3, FLK, COC, UKL = INDICATORS["A3"], INDICATORS["C_FLK"], INDICATORS["C_COC"], INDICATORS["K_UKL"]


def _months(n: int) -> list[str]:
    return [f"{2024 + i // 12}-{i % 12 + 1:02d}" for i in range(n)]


def _bars(values: list[float | None], target: float = 0.55) -> list[dict[str, Any]]:
    return [
        {
            "period": p,
            "value": v,
            "suppressed": v is None,
            "meets_target": None if v is None else v >= target,
        }
        for p, v in zip(_months(len(values)), values, strict=True)
    ]


def _texts(svg: str) -> list[tuple[str, float, float, float]]:
    """Each text's (content, left, right, baseline) by the drawing's own estimate of its width."""
    out = []
    for e in ET.fromstring(svg).iter(f"{SVG}text"):
        x, size, text = float(e.get("x", 0)), float(e.get("font-size", 8)), e.text or ""
        w = text_width(text, size)
        left = {"start": x, "middle": x - w / 2, "end": x - w}[e.get("text-anchor", "start")]
        out.append((text, left, left + w, float(e.get("y", 0))))
    return out


def _lines(svg: str) -> list[tuple[float, float, float, float]]:
    return [
        tuple(float(e.get(k, 0)) for k in ("x1", "x2", "y1", "y2"))  # type: ignore[misc]
        for e in ET.fromstring(svg).iter(f"{SVG}line")
    ]


def _crosses(line: tuple[float, float, float, float], box: tuple[float, float, float, float]) -> bool:
    """Does an axis-parallel line run through a text's box (left, right, top, bottom)?"""
    x1, x2, y1, y2 = line
    left, right, top, bottom = box
    xs, ys = sorted((x1, x2)), sorted((y1, y2))
    return xs[0] < right - 0.5 and xs[1] > left + 0.5 and ys[0] < bottom - 0.5 and ys[1] > top + 0.5


def check_drawing(svg: str) -> None:
    """Every label inside the drawing, and no line through a label (a label's box: its estimated width, and
    from its baseline up by its size)."""
    width = float(ET.fromstring(svg).get("width", 0))
    texts = _texts(svg)
    for text, left, right, _ in texts:
        assert left >= 0 and right <= width, (text, left, right, width)
    for text, left, right, base in texts:
        box = (left, right, base - 8, base)
        hit = [ln for ln in _lines(svg) if _crosses(ln, box)]
        assert not hit, (text, box, hit)


def _scale(svg: str) -> list[float]:
    """The scale's values as labelled (per cent for a share): left of the trend's plot, or along the bottom
    of the comparison's bars."""
    texts = _texts(svg)
    bottom = max(t[3] for t in texts)
    labels = [t[0] for t in texts if t[2] <= LEFT] or [t[0] for t in texts if t[3] == bottom]
    return [
        float(x.replace("\u00a0", "").replace(" ", "").replace("%", "").replace(",", ".")) for x in labels
    ]


# --- the scale ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peak", "unit", "top"),
    [
        (0.489, "share", 0.6),
        (0.97, "share", 1.0),
        (1.0, "share", 1.0),
        (0.125, "share", 0.15),
        (0.72, "index", 0.8),
    ],
)
def test_the_scale_ends_on_a_round_value(peak: float, unit: str, top: float) -> None:
    scale = nice_scale(peak, unit)
    assert scale[0] == 0 and scale[-1] == pytest.approx(top) and scale[-1] >= peak
    step = scale[1] - scale[0]
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1, 2, 2.5, 5)
    assert all(b - a == pytest.approx(step) for a, b in itertools.pairwise(scale))
    assert 3 <= len(scale) - 1 <= 6
    if unit == "share":
        assert scale[-1] <= 1.0  # a share's axis never passes 100 %


def test_scale_labels_are_round() -> None:
    assert [tick_label(v, nice_scale(0.489, "share"), FLK, "sv") for v in nice_scale(0.489, "share")] == [
        "0 %",
        "20 %",
        "40 %",
        "60 %",
    ]
    scale = nice_scale(0.125, "share")
    assert tick_label(scale[1], scale, FLK, "sv") == "5 %"
    assert tick_label(0.25, nice_scale(0.97, "share"), FLK, "en") == "25 %"
    assert tick_label(2.5, nice_scale(9.0, "days"), UKL, "sv") == "2,5"


# --- the trend's bars -----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 12, 23, 36, 60])
def test_the_last_period_is_named_and_not_cut(n: int) -> None:
    """36 months once ended in "202": the last label ran past the drawing's right edge."""
    rows = _bars([0.4 + (i % 5) / 100 for i in range(n)])
    svg = svg_bars(rows, 0.55, ind=FLK, lang="sv", target_label="Mål")
    labels = [t for t in _texts(svg) if re.fullmatch(r"\d{4}-\d\d", t[0])]
    assert labels[-1][0] == rows[-1]["period"]  # the latest period is always named
    assert labels[-1][2] <= BAR_W
    assert all(a[2] + 2 <= b[1] for a, b in itertools.pairwise(labels))  # the names do not touch
    check_drawing(svg)


def test_the_axis_top_is_round_and_the_target_line_crosses_no_label() -> None:
    # values that once gave a top of 53,8 % (48,9 % x 1.1); the target just under the top
    svg = svg_bars(
        _bars([0.33, 0.41, 0.489, None]), 0.55, ind=FLK, lang="sv", target_label="Mål", suppressed_mark="<5"
    )
    assert _scale(svg) == [0, 20, 40, 60]
    assert "Mål 55,0 %" in svg  # in the legend above the plot, not on the line
    check_drawing(svg)
    # a target at 0 runs along the bottom, where a suppressed cell's mark is written: the mark moves up
    check_drawing(
        svg_bars(_bars([0.1, None, 0.2]), 0.0, ind=FLK, lang="sv", target_label="Mål", suppressed_mark="<5")
    )
    # a relative target's rule in the legend, an index's scale
    svg = svg_bars(
        _bars([0.57, 0.6, 0.66]), 0.72, ind=COC, lang="sv", target_label="Mål", target_rule="+20 % mot 2024"
    )
    assert "Mål 0,72 (+20 % mot 2024)" in svg and _scale(svg)[-1] == 0.8
    check_drawing(svg)


def test_the_incomplete_period_is_a_pale_bar_named_in_the_legend() -> None:
    rows = _bars([0.8, 0.82, 1.0], target=1.0)
    rows[-1]["partial"] = True
    svg = svg_bars(rows, 1.0, ind=A3, lang="sv", target_label="Mål", partial_label="ofullständig period")
    fills = re.findall(r'<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="([^"]+)"', svg)
    assert fills[:3] == ["#b23b3b", "#b23b3b", "#c9d3dc"]  # misses red; the incomplete month pale, not judged
    assert "ofullständig period" in svg
    check_drawing(svg)


# --- the comparison's bars --------------------------------------------------------------------------------


def test_whiskers_and_target_ticks_run_through_no_value_label() -> None:
    """The value is written after its bar, its whisker and its target's tick, whichever ends last."""
    rows = [
        # the target just right of the bar: its tick would cut the value written after the bar
        {"name": "Alfta hälsocentral", "value": 0.50, "target": 0.55, "ci_low": 0.45, "ci_high": 0.52},
        # a wide interval past the target
        {"name": "Bergsjö hälsocentral", "value": 0.40, "target": 0.55, "ci_low": 0.2, "ci_high": 0.75},
        {"name": "Delsbo hälsocentral", "value": 0.60, "target": 0.55, "ci_low": 0.58, "ci_high": 0.62},
        {"name": "Edsbyn hälsocentral", "value": None, "target": 0.55, "ci_low": None, "ci_high": None},
    ]
    for r in rows:
        r.update(
            suppressed=r["value"] is None, meets_target=None if r["value"] is None else r["value"] >= 0.55
        )
    svg = svg_hbars(rows, ind=FLK, lang="sv", suppressed_mark="<5")
    check_drawing(svg)
    assert _scale(svg)[-1] == 80  # 75 % at most, on a round top


# --- the report as printed --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_report(demo_settings: Settings) -> Iterator[str]:
    """The HTML WeasyPrint prints the demo region's monthly report from (36 months, the last incomplete) and
    its comparison of the municipalities."""
    import weasyprint

    seen: list[str] = []

    class RecordingHTML:
        def __init__(self, string: str) -> None:
            seen.append(string)

        def write_pdf(self, target: Any) -> None:
            target.write(b"%PDF-fake")

    real, weasyprint.HTML = weasyprint.HTML, RecordingHTML  # type: ignore[misc]
    try:
        for compare in (None, "municipality"):
            render_report(
                results_dir=demo_settings.effective_results_dir,
                indicators=["C_FLK", "A3", "C_COC", "K_READM30"],
                period="month" if compare is None else "year",
                scope_type="region",
                scope_id="21",
                fmt="pdf",
                compare=compare,
            )
    finally:
        weasyprint.HTML = real  # type: ignore[misc]
    yield "\n".join(seen)


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg .*?</svg>", html, re.S)


def test_the_reports_charts_keep_their_labels(demo_report: str) -> None:
    svgs = _svgs(demo_report)
    assert len(svgs) >= 8
    for svg in svgs:
        check_drawing(svg)
    trend = svgs[0]  # C_FLK per month: 2024-01 ... 2026-11
    labels = [t[0] for t in _texts(trend) if re.fullmatch(r"\d{4}-\d\d", t[0])]
    assert labels[-1] == "2026-11"
    assert _scale(trend)[-1] in (50, 60, 75, 80, 100)
    # the demo's lake ends on 22 November: November is incomplete, pale and named so in the table
    assert 'fill="#c9d3dc"' in trend and "ofullständig period" in trend
    assert '<td>2026-11 <span class="supp">(ofullständig period)</span></td>' in demo_report


# Chromium lays out the SVG's text with the system's fonts, as WeasyPrint does (fontconfig): the boxes it
# measures are the ones printed.
MEASURE_JS = """svg => {
  const vb = svg.viewBox.baseVal;
  const texts = [...svg.querySelectorAll('text')].map(t => { const b = t.getBBox();
      return [t.textContent, b.x, b.x + b.width, b.y, b.y + b.height]; });
  const lines = [...svg.querySelectorAll('line')].map(l =>
      [l.x1.baseVal.value, l.x2.baseVal.value, l.y1.baseVal.value, l.y2.baseVal.value]);
  return {width: vb.width, texts, lines};
}"""


@pytest.fixture(scope="module")
def chromium_page(shared_chromium: Any) -> Iterator[Any]:
    page = shared_chromium.new_page()
    yield page
    page.close()


@pytest.mark.browser
def test_as_laid_out_no_label_is_cut_or_crossed(chromium_page: Any, demo_report: str) -> None:
    measured = []
    for doc in demo_report.split("<body>")[1:]:  # the trend report, then the comparison's
        body = doc.split("</body>")[0]
        chromium_page.set_content(
            f"<!doctype html><html><body style='font-family: sans-serif'>{body}</body></html>"
        )
        measured += [chromium_page.evaluate(MEASURE_JS, el) for el in chromium_page.query_selector_all("svg")]
    assert len(measured) >= 8
    for m in measured:
        for text, left, right, top, bottom in m["texts"]:
            assert left >= -0.5 and right <= m["width"] + 0.5, (text, left, right, m["width"])
            box = (left, right, top + 1, bottom - 1)  # the glyphs' box, less the line's leading
            hit = [ln for ln in m["lines"] if _crosses(ln, box)]
            assert not hit, (text, box, hit)
