"""Every report in a real browser: headless Chromium through Playwright, other hosts blocked,
at a desktop and a phone width, checked by axe-core and printed to PDF.

This file visits the TFS reports in English and the Spanish reports; tests/test_browser_others.py
visits the other shipped datasets with the same tests (imported from here), so that `make test`'s
two processes share the visits."""

import io
import re
from pathlib import Path
from typing import NamedTuple

import pytest

import helpers
from devtools.browser import check_reports

from .conftest import REPORTS, html_of

pytestmark = pytest.mark.browser
PAGES = [f"tfs/{name}" for name in REPORTS]
WIDTHS = [1280, 390]


class Expected(NamedTuple):
    """What a file's visits must hold: every page's name, and how many reports, site pages (a
    site's report and its family snapshot) and family snapshots there are among them."""

    pages: list[str]
    reports: int
    sites: int
    snapshots: int


@pytest.fixture(scope="module")
def runs(rendered, spanish_reports):
    """The runs this file visits, each with the name its index page is checked under."""
    return ((rendered[0], "index"), (spanish_reports[0], "spanish index"))


@pytest.fixture(scope="module")
def expected(spanish_reports):
    spanish = sorted(p.relative_to(spanish_reports[0] / "html").with_suffix("").as_posix()
                     for p in (spanish_reports[0] / "html").glob("*/es/*.html"))
    assert len(spanish) == 10 + 26
    return Expected(sorted([*PAGES, *spanish, "index", "spanish index"]), reports=10 + 36,
                    sites=2 * (4 + 4 + 12), snapshots=4 + 4 + 12)


@pytest.fixture(scope="module")
def seen(runs):
    """Every page of the file's runs as the browser saw it at each width; colour contrast is
    checked at the phone width (see test_no_screen_width_rule_sets_a_colour)."""
    checks = {}
    for out, index in runs:
        for width in WIDTHS:
            checks |= {(index if check.name == "index" else check.name, width): check
                       for check in check_reports(out, width=width, contrast=width == 390)}
    return checks


def test_no_screen_width_rule_sets_a_colour():
    """Colours are the same at every width, so axe-core's colour-contrast rule, two thirds of its
    time on a page, is run at one width: no @media rule but print's sets a colour or background."""
    css = (Path(helpers.__file__).parent / "templates" / "staff" / "report.css").read_text()
    index = (Path(helpers.__file__).parent / "templates" / "index.html.j2").read_text()
    screens = [body for text in (css, index)
               for query, body in re.findall(r"@media([^{]*)\{((?:[^{}]|\{[^{}]*\})*)\}", text)
               if "print" not in query]
    assert len(screens) >= 4  # the stylesheet's phone and wide-screen rules are found
    assert [body for body in screens if re.search(r"(?<![-\w])(colou?r|background)\s*:", body)] == []


def test_every_page_of_every_shipped_dataset_is_opened(seen, expected):
    """Every page of the file's runs at both widths (with test_browser_others.py: every shipped
    dataset in both languages)."""
    assert sorted(name for name, width in seen if width == 390) == expected.pages
    assert sorted(name for name, width in seen if width == 1280) == expected.pages


def test_the_gate_every_page_at_both_widths_has_no_problem(seen):
    """No console error, outside request, unlabelled image, broken contents link, sideways
    scrolling, chart text under 12 px or axe-core violation (WCAG 2.0, 2.1 and 2.2, A and AA) on any
    page."""
    problems = {f"{name} at {width} px": check.problems for (name, width), check in seen.items()
                if check.problems}
    assert problems == {}


def test_the_headline_and_a_key_finding_are_on_the_first_screen(seen, expected):
    """On a 390 x 844 phone the headline and the first key finding need no scrolling (the contents
    list is folded away); on a 1280 x 800 desktop they also end above the first chart. Every
    report of every shipped dataset, in both languages."""
    reports = {key: check for key, check in seen.items() if "index" not in key[0]}
    assert len(reports) == 2 * expected.reports
    assert all(check.headline_bottom for check in reports.values())
    with_findings = {name for (name, _), check in reports.items() if check.finding_bottoms}
    sites = {name for name, _ in reports if not name.endswith(("data-quality", "network"))}
    assert len(sites) == expected.sites  # each site's report and its family snapshot
    assert with_findings >= sites
    late = {f"{name} at {width} px": check.off_first_screen for (name, width), check in reports.items()
            if check.off_first_screen}
    assert late == {}
    phone = [check.finding_bottoms[0] for (_, width), check in reports.items()
             if width == 390 and check.finding_bottoms]
    assert max(phone) <= 844


def test_every_family_snapshot_prints_on_one_page_in_both_languages(seen, expected):
    """Printed as `make pdf` prints it (US Letter), each site's snapshot is one page."""
    from pypdf import PdfReader

    printed = {name: len(PdfReader(io.BytesIO(check.pdf)).pages) for (name, width), check in seen.items()
               if width == 1280 and name.endswith("_family")}
    assert len(printed) == expected.snapshots
    assert {name: pages for name, pages in printed.items() if pages != 1} == {}


@pytest.mark.parametrize("name", PAGES)
def test_tfs_pages_have_their_title_and_contents(seen, name):
    check = seen[(name, 1280)]
    assert check.title.startswith("Together for Students")
    assert check.contents_links >= 4


def test_the_printed_site_report_shows_every_charts_numbers(seen, rendered):
    """The tables behind the charts are folded away on screen; on paper they are printed."""
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(
        seen[("tfs/dayton", 1280)].pdf)).pages)
    text = re.sub(r"\s+", " ", text)
    html = html_of(rendered[0], "dayton").read_text()
    tables = re.findall(r"<details>.*?</details>", html, re.S)
    assert len(tables) >= 4  # one a chart
    for table in tables:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)]
        numbers = [c for c in cells if re.fullmatch(r"−?-?\d+(\.\d+)?", c)]
        assert numbers, table[:200]
        for number in numbers:
            assert number in text, number
    assert "About this report" in text  # the footer with its provenance


@pytest.mark.parametrize(("name", "numbering"), [("tfs/dayton", "Page {} of {}"),
                                                ("tfs/es/dayton", "Página {} de {}"),
                                                ("synthetic/es/network", "Página {} de {}")])
def test_every_printed_page_gives_the_title_and_its_number_in_the_reports_language(seen, name, numbering):
    from pypdf import PdfReader

    check = seen[(name, 1280)]
    pages = PdfReader(io.BytesIO(check.pdf)).pages
    for number, page in enumerate(pages, 1):
        text = re.sub(r"\s+", " ", page.extract_text())
        assert check.title in text, number
        assert numbering.format(number, len(pages)) in text


@pytest.mark.parametrize("name", [*PAGES, "index"])
def test_a_screenshot_is_saved_for_review_at_each_width(seen, rendered, name):
    for width in WIDTHS:
        shot = seen[(name, width)].screenshot
        assert shot == rendered[0] / "screenshots" / f"{name.replace('/', '--')}-{width}.png"
        assert shot.read_bytes()[:4] == b"\x89PNG"
        assert shot.stat().st_size > 20_000


def test_a_page_with_known_problems_is_caught(tmp_path):
    """The checks themselves can fail: a remote script, an image without alt, a page without
    a language, a broken contents link, a script error, a block wider than a phone, and a
    chart scaled down until its text is 4 px."""
    html = tmp_path / "html" / "bad-dataset"
    html.mkdir(parents=True)
    (html / "bad.html").write_text(
        "<!doctype html><title>bad</title>"
        "<script src='https://cdn.example.org/x.js'></script><img src='data:,'>"
        "<nav class='toc'><a href='#nowhere'>x</a></nav><script>undefined_call()</script>"
        "<p style='width:700px'>A sentence set wider than any phone.</p>"
        "<figure id='chart-tiny'><div class='chart-image'><svg role='img' aria-label='tiny'"
        " style='max-width:100%' width='900pt' height='40pt' viewBox='0 0 900 40'>"
        "<text x='0' y='20' style='font-size:10px'>tiny</text></svg></div></figure>"
        "<p style='height:900px'>A long preamble.</p><p class='headline'>Late</p>"
        "<ul class='findings'><li>A finding below the first screen.</li></ul>")
    check = check_reports(tmp_path, width=390)[0]
    assert check.name == "bad-dataset/bad"
    assert check.outside_requests == ["https://cdn.example.org/x.js"]
    assert check.unlabelled_images == ["data:,"]
    assert check.broken_links == ["#nowhere"]
    assert any("undefined_call" in error for error in check.console_errors)
    assert check.sideways > 0
    assert [c.rsplit(" ", 2)[0] for c in check.small_charts] == ["chart-tiny"]
    assert 2.5 < float(check.small_charts[0].split()[1]) < 4.5  # 10 pt at about 300 px / 900 pt
    rules = {violation.split(" ")[0] for violation in check.violations}
    assert {"image-alt", "html-has-lang"} <= rules
    assert any("scrolls sideways" in problem for problem in check.problems)
    assert check.off_first_screen == [
        f"the headline ends at {check.headline_bottom:.0f} px, below the first screen (844 px)",
        f"the first key finding ends at {check.finding_bottoms[0]:.0f} px, below the first screen (844 px)"]
    assert any("below the first screen" in problem for problem in check.problems)
