"""No holes in generated text: every sentence of every report, in both languages, read for the
slips a template leaves when a slot comes out empty, repeats itself or holds the wrong kind of
value (issue 24, item 5)."""

import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, NavigableString

from helpers.publish import VERSIONS

BLOCKS = ["h1", "h2", "h3", "p", "li", "figcaption", "caption", "summary", "dt", "dd", "th", "td"]
NUMBER = r"[−-]?\d[\d,]*(?:\.\d+)?%?"
SLIPS = {
    "an empty slot": re.compile(r"\{\w*\}|\(\s*\)|[;:,]\s*[;:,.](?!\d)|(?<=\w) [;:,.](?=\s|$)|^[;:,.]"),
    "the same figure at both ends of a range": re.compile(
        rf"\b(?:from|del?) ({NUMBER}(?: \([^)]*\))?) (?:to|al?) \1(?!\d)|(?<![\d.])(\d[\d.]*)–\2%"),
    "a withheld mark where a number is needed": re.compile(
        r"(?<!as )(?<!como )(?<![(\w])— (?!\(|withheld|reservad|Withheld|Reservad)[a-záéíóúñ]"),
}
# "n = 11.0", "n (inferred) 11.0", "19.0 respondents"; not "would be 15.6 people", a data note's point
COUNT_IN_WORDS = re.compile(r"\bn(?: =| \([^)]*\))? \d+\.\d|\b\d+\.\d+ (?:respondents|participants)\b")
COUNT_HEADERS = re.compile(r"^(n|n \(.+\)|respondents|personas que respondieron|count|recuento|people)$",
                           re.IGNORECASE)


def pages(*outs: Path) -> list[Path]:
    """Every report page of the output folders, each once, by its address (not the index)."""
    return sorted(p for out in outs for p in (Path(out) / "html").rglob("*.html")
                  if VERSIONS not in p.parts and p.name != "index.html")


def sentences(page: BeautifulSoup) -> list[str]:
    """Every text the page writes: each text block's own words (a block inside another is read
    on its own), the alt text of each chart, and the page's title."""
    found = [page.title.get_text()] if page.title else []
    for block in page.find_all(BLOCKS):
        if block.find_parent("svg") is not None:
            continue
        own = "".join(str(s) if isinstance(s, NavigableString) else
                      ("" if s.name in BLOCKS else s.get_text()) for s in block.children)
        if own.strip():
            found.append(own.strip())
    found += [svg["aria-label"] for svg in page.select("svg[aria-label]")]
    return found


def slips(page: BeautifulSoup) -> list[str]:
    """Returns every slip on the page, each as "what: where it is"."""
    found = []
    for text in sentences(page):
        for what, pattern in SLIPS.items():
            if pattern.search(text):
                found.append(f"{what}: {text[:160]}")
        if re.search(r"\S {2,}\S", text):
            found.append(f"a doubled space: {text[:160]}")
    for node in page.find_all(string=True):  # a doubled space inside one piece of text
        if node.find_parent(["style", "script", "svg"]) is None and re.search(r"\S  +\S", str(node)):
            found.append(f"a doubled space: {str(node).strip()[:160]}")
    for table in page.find_all("table"):  # whole counts written with decimals
        heads = [th.get_text(strip=True) for th in table.select("thead th")]
        counts = [i for i, head in enumerate(heads) if COUNT_HEADERS.match(head)]
        for row in table.select("tbody tr"):
            cells = row.find_all(["td", "th"])
            for i in counts:
                if i < len(cells) and re.fullmatch(r"\d+\.\d+", cells[i].get_text(strip=True)):
                    found.append(f"a count with decimals: {heads[i]} {cells[i].get_text(strip=True)}")
    for text in sentences(page):
        for match in COUNT_IN_WORDS.finditer(text):
            found.append(f"a count with decimals: {text[max(0, match.start() - 40):match.end() + 30]}")
    titles = Counter(strong.get_text() for strong in page.select("figure.chart > figcaption > strong"))
    found += [f"a chart title twice on one page: {title}" for title, count in titles.items() if count > 1]
    return found


@pytest.fixture(scope="module")
def every_page(rendered, other_datasets, spanish_reports):
    return pages(rendered[0], other_datasets[0], spanish_reports[0])


def test_every_report_in_both_languages_is_read(every_page):
    names = [p.relative_to(p.parents[1] if p.parent.name == "es" else p.parent).as_posix()
             for p in every_page]
    assert len(every_page) == 10 + 28 + 10 + 26  # TFS, synthetic and Tacoma, TFS and synthetic in Spanish
    assert sum(name.startswith("es/") for name in names) == 10 + 26
    assert sum(name.endswith("_family.html") for name in names) == 2 * (4 + 12)


def test_no_sentence_of_any_report_has_a_hole(every_page):
    found = {}
    for path in every_page:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if problems := slips(page):
            found[path.relative_to(path.parents[2] if path.parent.name == "es" else path.parents[1])
                  .as_posix()] = sorted(set(problems))[:8]
    assert found == {}


@pytest.mark.parametrize(("html", "slip"), [
    ("<p>Percentages are of those who gave an answer on the scale;  is shown apart.</p>", "doubled space"),
    ("<p>Percentages are of all responses, including .</p>", "empty slot"),
    ("<p>Each figure by {characteristic}.</p>", "empty slot"),
    ("<p>Yes: from 50.6% (“Came to an event”) to 50.6% (“Came to an event”) among students</p>",
     "both ends"),
    ("<p>Range across sites: Feels safe 75.0–75.0%.</p>", "both ends"),
    ("<p>Sí: del 50.6% (“Fue a un evento”) al 50.6% (“Fue a un evento”) entre los estudiantes</p>",
     "both ends"),
    ("<p>Oakridge: 15 students, — families, — staff answered in spring 2025</p>", "withheld mark"),
    ("<p>Oakridge: respondieron 39 estudiantes, — familias en primavera de 2025</p>", "withheld mark"),
    ("<table><thead><tr><th>group</th><th>n (inferred)</th></tr></thead>"
     "<tbody><tr><td>partners</td><td>11.0</td></tr></tbody></table>", "count with decimals"),
    ("<p>About 19.0 respondents answered.</p>", "count with decimals"),
    ("<p>Families (n (inferred) 11.0)</p>", "count with decimals"),
    ("<p>Two  spaces.</p>", "doubled space"),
    ("<figure class='chart'><figcaption><strong>Widest gap</strong></figcaption></figure>"
     "<figure class='chart'><figcaption><strong>Widest gap</strong></figcaption></figure>", "twice"),
])
def test_each_kind_of_slip_is_caught(html, slip):
    found = slips(BeautifulSoup(f"<html><body>{html}</body></html>", "html.parser"))
    assert any(slip in problem for problem in found), found


def test_sentences_that_are_fine_pass():
    html = ("<p>12 of Oakridge's figures are shown as — to protect the people behind small numbers.</p>"
            "<p>Tutoring: from 26.9% in spring 2024 to 44.6% in spring 2025; a change of +17.7 points.</p>"
            "<p>Gaps: Belonging +10.7 (95% CI −8.0 to 30.7); n = 41.</p>"
            "<p>— Withheld to protect the people behind small numbers: families in spring 2025.</p>"
            "<table><thead><tr><th>group</th><th>n</th><th>%</th></tr></thead>"
            "<tbody><tr><td>families</td><td>41</td><td>19.0</td></tr></tbody></table>")
    assert slips(BeautifulSoup(f"<html><body>{html}</body></html>", "html.parser")) == []
