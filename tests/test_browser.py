"""Every report in a real browser: headless Chromium through Playwright, other hosts blocked."""

import pytest

from devtools.browser import check_reports

from .conftest import REPORTS

pytestmark = pytest.mark.browser
PAGES = [f"tfs/{name}" for name in REPORTS]


@pytest.fixture(scope="module")
def seen(rendered):
    return {check.name: check for check in check_reports(rendered[0])}


def test_every_page_is_opened(seen):
    assert sorted(seen) == sorted([*PAGES, "index"])


@pytest.mark.parametrize("name", [*PAGES, "index"])
def test_a_reader_sees_no_errors_no_outside_requests_and_labelled_images(seen, name):
    check = seen[name]
    assert check.console_errors == []
    assert check.outside_requests == []
    assert check.unlabelled_images == []
    assert check.broken_links == []
    assert check.problems == []
    assert check.title.startswith("Together for Students") or name == "index"


@pytest.mark.parametrize("name", PAGES)
def test_contents_links_land_on_headings_and_the_page_prints(seen, name):
    check = seen[name]
    assert check.contents_links >= 4
    assert check.pdf_bytes > 20_000


@pytest.mark.parametrize("name", [*PAGES, "index"])
def test_a_screenshot_is_saved_for_review(seen, rendered, name):
    shot = seen[name].screenshot
    assert shot == rendered[0] / "screenshots" / f"{name.replace('/', '--')}-1280.png"
    assert shot.read_bytes()[:4] == b"\x89PNG"
    assert shot.stat().st_size > 20_000


def test_a_page_that_calls_another_host_is_caught(tmp_path):
    """The check itself can fail: a page with a remote script and an image without alt."""
    html = tmp_path / "html" / "bad-dataset"
    html.mkdir(parents=True)
    (html / "bad.html").write_text(
        "<!doctype html><title>bad</title>"
        "<script src='https://cdn.example.org/x.js'></script><img src='data:,'>"
        "<nav class='toc'><a href='#nowhere'>x</a></nav><script>undefined_call()</script>")
    check = check_reports(tmp_path)[0]
    assert check.name == "bad-dataset/bad"
    assert check.outside_requests == ["https://cdn.example.org/x.js"]
    assert check.unlabelled_images == ["data:,"]
    assert check.broken_links == ["#nowhere"]
    assert any("undefined_call" in error for error in check.console_errors)
