"""Opens every rendered report in headless Chromium, as a reader would, and reports what it sees.

`make screenshots` (and the browser tests) use Playwright for Python driving Debian's
chromium, with every request to another host blocked and recorded. For each page:
console errors, requests that left the machine, images without alt text,
table-of-contents links that do not land on a heading, whether the page scrolls sideways,
charts whose text shows smaller than 12 px, whether the headline and a key finding are on the
first screen (a 390 x 844 phone, a 1280 x 800 desktop; on a desktop above the first chart too),
the violations axe-core finds against the WCAG 2.0, 2.1 and 2.2 A and AA rules
(axe-playwright-python, which bundles axe-core), the PDF as `make pdf` prints it, and a full-page screenshot
under OUT/screenshots/.
"""

import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from helpers.pdf import ARGS, chromium_path, print_page

# Every WCAG A and AA rule axe-core has, in each version of the guidelines. No rule is
# switched off.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LEGIBLE = 12  # px: the smallest text a chart may show on any screen (issue 12: phones)
SCREENS = {390: 844, 1280: 800}  # a window's height at each width: an iPhone 12 to 15, a laptop
PAGE_CHECKS = """
() => {
  const unlabelled = [];
  for (const svg of document.querySelectorAll('svg[role="img"], svg')) {
    if (svg.closest('svg') !== svg) continue;
    const label = svg.getAttribute('aria-label') || '';
    if (svg.getAttribute('role') !== 'img' || label.trim().length === 0) unlabelled.push('svg');
  }
  for (const img of document.querySelectorAll('img')) {
    if (!(img.getAttribute('alt') || '').trim()) unlabelled.push(img.getAttribute('src'));
  }
  const broken = [];
  const links = [...document.querySelectorAll('nav.toc a')];
  for (const a of links) {
    const target = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
    if (!target || !/^H[1-6]$/.test(target.tagName)) broken.push(a.getAttribute('href'));
  }
  const small = [];  // charts whose smallest text shows below LEGIBLE px, as drawn on this screen
  for (const svg of document.querySelectorAll('.chart-image svg')) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')].map(
      t => parseFloat(getComputedStyle(t).fontSize) * scale);
    const smallest = Math.min(...sizes.filter(size => size > 0));
    if (smallest < LEGIBLE) small.push(`${svg.closest('figure').id} ${smallest.toFixed(1)} px`);
  }
  const bottom = e => e.getBoundingClientRect().bottom + window.scrollY;
  const headline = document.querySelector('p.headline');
  const list = headline && [...document.querySelectorAll('ul.findings')].find(
    u => headline.compareDocumentPosition(u) & Node.DOCUMENT_POSITION_FOLLOWING);  // the key findings
  const chart = document.querySelector('figure.chart');
  const first = {headline: headline ? bottom(headline) : null,
                 findings: list ? [...list.children].map(bottom) : [],
                 chart: chart ? chart.getBoundingClientRect().top + window.scrollY : null};
  return {unlabelled, broken, small, first, links: links.length, title: document.title,
          height: document.documentElement.scrollHeight,
          sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}
"""


@dataclass
class PageCheck:
    """What a reader's browser saw on one page."""

    name: str
    title: str = ""
    console_errors: list = field(default_factory=list)
    outside_requests: list = field(default_factory=list)
    unlabelled_images: list = field(default_factory=list)
    broken_links: list = field(default_factory=list)
    contents_links: int = 0
    width: int = 0
    sideways: int = 0  # how many pixels the page is wider than the window
    small_charts: list = field(default_factory=list)  # "chart-id 10.4 px": text below LEGIBLE px
    screen: int = 0  # the window's height
    headline_bottom: float | None = None  # where the headline ends, from the page's top (px)
    finding_bottoms: list = field(default_factory=list)  # where each key finding ends
    chart_top: float | None = None  # where the first chart begins
    violations: list = field(default_factory=list)  # axe-core's, as "rule (impact): where"
    pdf: bytes = b""
    screenshot: Path | None = None

    @property
    def pdf_bytes(self) -> int:
        return len(self.pdf)

    @property
    def off_first_screen(self) -> list[str]:
        """Returns what of the headline and first key finding a reader must scroll to (below the
        window, or on a desktop below the first chart's top), in words; empty when both are on
        the first screen, or the page has no headline."""
        if self.headline_bottom is None:
            return []
        desktop = self.width >= 1000 and self.chart_top is not None
        fold = min(self.screen, self.chart_top) if desktop else self.screen
        where = "the first screen" if fold == self.screen else "the first chart"
        found = []
        if self.headline_bottom > fold:
            found.append(f"the headline ends at {self.headline_bottom:.0f} px, below {where} ({fold:.0f} px)")
        if self.finding_bottoms and self.finding_bottoms[0] > fold:
            found.append(f"the first key finding ends at {self.finding_bottoms[0]:.0f} px, below {where} "
                         f"({fold:.0f} px)")
        return found

    @property
    def problems(self) -> list[str]:
        """Returns what a reader would trip over, in words; empty when the page is fine."""
        found = [f"console error: {e}" for e in self.console_errors]
        found += [f"request to another host: {u}" for u in self.outside_requests]
        found += [f"image without alt text: {i}" for i in self.unlabelled_images]
        found += [f"contents link to no heading: {link}" for link in self.broken_links]
        if self.sideways > 0:
            found.append(f"at {self.width} px the page scrolls sideways by {self.sideways} px")
        found += [f"chart text below {LEGIBLE} px at {self.width} px: {c}" for c in self.small_charts]
        found += [f"at {self.width} x {self.screen} px {what}" for what in self.off_first_screen]
        found += [f"accessibility: {v}" for v in self.violations]
        if self.pdf_bytes < 1000:
            found.append("printing to PDF gave no document")
        return found


def check_reports(out: Path, names: list[str] | None = None, width: int = 1280,
                  contrast: bool = True) -> list[PageCheck]:
    """Opens OUT/html/<dataset>/<name>.html for each report (every page of OUT/html/ when names is
    None; a name is "<dataset>/<report>" or "index") and returns the checks; saves a full-page
    screenshot of each under OUT/screenshots/. With contrast False, axe-core's colour-contrast
    rule, two thirds of its time, is left out: the tests check contrast at one width only, as no
    screen-width rule of the stylesheet sets a colour (tests/test_browser.py checks that too)."""
    from playwright.sync_api import sync_playwright

    html = Path(out) / "html"
    from helpers.publish import VERSIONS

    pages = [html / f"{n}.html" for n in names] if names else sorted(
        p for p in html.rglob("*.html") if VERSIONS not in p.parts)  # each page once, by its address
    shots = Path(out) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=ARGS)
        try:
            for path in pages:
                results.append(_check_page(browser, path, shots, width, html, contrast))
        finally:
            browser.close()
    return results


def _check_page(browser, path: Path, shots: Path, width: int, root: Path, contrast: bool) -> PageCheck:
    name = path.relative_to(root).with_suffix("") if path.stem != "index" else Path("index")
    check = PageCheck(str(name), width=width)
    check.screen = SCREENS.get(width, 900)
    context = browser.new_context(viewport={"width": width, "height": check.screen}, offline=True)

    def route(request_route):
        url = request_route.request.url
        if urlparse(url).scheme in ("file", "data", "about"):
            request_route.continue_()
        else:
            check.outside_requests.append(url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: check.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: check.console_errors.append(str(error)))
    page.goto(path.resolve().as_uri(), wait_until="load")
    seen = page.evaluate(PAGE_CHECKS.replace("LEGIBLE", str(LEGIBLE)))
    check.title = seen["title"]
    check.unlabelled_images = seen["unlabelled"]
    check.broken_links = seen["broken"]
    check.contents_links = seen["links"]
    check.sideways = seen["sideways"]
    check.small_charts = seen["small"]
    check.headline_bottom = seen["first"]["headline"]
    check.finding_bottoms = seen["first"]["findings"]
    check.chart_top = seen["first"]["chart"]
    check.violations = accessibility_violations(page, contrast)
    check.screenshot = shots / f"{str(name).replace('/', '--')}-{width}.png"
    page.screenshot(path=str(check.screenshot.with_name(check.screenshot.stem + "-first.png")))
    page.screenshot(path=str(check.screenshot), full_page=True)
    check.pdf = print_page(page)  # as `make pdf` prints it
    context.close()
    return check


def accessibility_violations(page, contrast: bool = True) -> list[str]:
    """Returns what axe-core finds on the page against the WCAG A and AA rules (without
    colour contrast when contrast is False), one line a rule: its id, impact, help text and the
    first elements it names."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
    if not contrast:
        options["rules"] = {"color-contrast": {"enabled": False}}
    found = Axe().run(page, options=options)
    return [f"{v['id']} ({v['impact']}): {v['help']}; "
            + ", ".join(" ".join(node["target"]) for node in v["nodes"][:3])
            for v in found.response["violations"]]


def main(argv: list[str] | None = None) -> int:
    """Runs `make screenshots`: checks every report of OUT at a desktop and a phone width and
    saves screenshots; returns 0 or 1."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    checks = check_reports(args.out) + check_reports(args.out, width=390)
    if not checks:
        print(f"No reports in {Path(args.out) / 'html'}: run `make reports` first.", file=sys.stderr)
        return 1
    failed = False
    for check in checks:
        problems = check.problems
        failed |= bool(problems)
        status = "ok" if not problems else f"{len(problems)} problems"
        print(f"{check.name:<40} {status:<12} PDF {check.pdf_bytes // 1024} KB, screenshot "
              f"{check.screenshot}")
        for problem in problems:
            print(f"    {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
