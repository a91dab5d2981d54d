"""Plain words: each report's key findings read at about a US grade-8 level or below, and each
family snapshot's at grade 6 or below (its Spanish as easy as grade 6 reads).

Graded with textstat's Flesch–Kincaid formula on the section's text as the page shows it. The
dataset's own labels (site names, statements, answers, groups: its published wording) are
counted as one short word each, since the report quotes them and cannot simplify them; the
grade with them as they are is reported beside it. `make test` prints both for every report.
"""

import re
from pathlib import Path

import textstat
from bs4 import BeautifulSoup

from helpers.codebook import read_codebook
from helpers.render import SNAPSHOT

from .conftest import SYNTHETIC, TACOMA, TFS

GRADE = 8.0
FAMILY_GRADE = 6.0  # a family snapshot's key findings, the same measure (issue 24, item 2)
FAMILY_EASE = 80.0  # Fernández Huerta: 80 to 90 reads as "easy", about a sixth grade
LABEL_FIELDS = {"label", "name", "short", "title", "positive_label", "place"}
PROPERTY = "reading grade"
SPANISH = "Spanish reading ease"
FAMILY = "family snapshot reading grade"
FAMILY_SPANISH = "family snapshot Spanish reading ease"


def labels(node, found: set[str]) -> set[str]:
    """Returns every label the codebook gives (its dump walked for LABEL_FIELDS)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in LABEL_FIELDS and isinstance(value, str) and value:
                found.add(value)
            else:
                labels(value, found)
    elif isinstance(node, list | tuple):
        for value in node:
            labels(value, found)
    return found


def key_findings(page: Path) -> str:
    """Returns the text of the page's Key findings section (heading to the next h2), or ""."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    heading = soup.find(id="key-findings")
    if heading is None:
        return ""
    texts = []
    for element in heading.find_all_next(["h2", "p", "li"]):
        if element.name == "h2":
            break
        texts.append(element.get_text(strip=False))
    return " ".join(" ".join(texts).split())


def pages(rendered, other_datasets) -> list[tuple[Path, Path]]:
    """(dataset folder, page) for every report with key findings."""
    found = [(TFS, p) for p in sorted((rendered[0] / "html" / "tfs").glob("*.html"))]
    for folder in (SYNTHETIC, TACOMA):
        dataset = read_codebook(folder).dataset.id
        found += [(folder, p) for p in sorted((other_datasets[0] / "html" / dataset).glob("*.html"))]
    return [(folder, page) for folder, page in found if key_findings(page)]


def english_grades(rendered, other_datasets) -> dict[str, tuple[float, float]]:
    """Returns each page's Flesch–Kincaid grade, its labels as one word and as printed."""
    grades = {}
    for folder, page in pages(rendered, other_datasets):
        words = sorted(labels(read_codebook(folder).model_dump(), set()), key=len, reverse=True)
        text = key_findings(page)
        ours = re.sub("|".join(map(re.escape, words)), "it", text)
        grades[f"{page.parent.name}/{page.stem}"] = (textstat.flesch_kincaid_grade(ours),
                                                     textstat.flesch_kincaid_grade(text))
    return grades


def test_key_findings_read_at_grade_8_or_below(rendered, other_datasets, record_property):
    grades = english_grades(rendered, other_datasets)
    grades = {name: grade for name, grade in grades.items() if not name.endswith(SNAPSHOT[0])}
    record_property(PROPERTY, grades)
    assert len(grades) == 5 + 13 + 1  # TFS's site and network reports, synthetic's, Tacoma's
    assert all(grade == grade for grade, _ in grades.values())  # a number, not NaN
    hard = {name: grade for name, (grade, _) in grades.items() if grade > GRADE}
    assert not hard, f"key findings above grade {GRADE}: {hard}"


def test_family_snapshots_read_at_grade_6_or_below(rendered, other_datasets, record_property):
    grades = english_grades(rendered, other_datasets)
    grades = {name: grade for name, grade in grades.items() if name.endswith(SNAPSHOT[0])}
    record_property(FAMILY, grades)
    assert len(grades) == 4 + 12
    hard = {name: grade for name, (grade, _) in grades.items() if not grade <= FAMILY_GRADE}
    assert not hard, f"family snapshots above grade {FAMILY_GRADE}: {hard}"


def spanish_ease(spanish_reports) -> dict[str, tuple[float, float]]:
    """Returns each Spanish page's Fernández Huerta ease, its labels as one word and as printed."""
    from helpers.codebook import translated

    ease = {}
    textstat.set_lang("es")
    try:
        for folder in (TFS, SYNTHETIC):
            codebook = translated(read_codebook(folder), folder, "es")
            words = sorted(labels(codebook.model_dump(), set()), key=len, reverse=True)
            pattern = re.compile("|".join(map(re.escape, words)))
            for page in sorted((spanish_reports[0] / "html" / codebook.dataset.id / "es").glob("*.html")):
                text = key_findings(page)
                if text:
                    ease[f"{codebook.dataset.id}/es/{page.stem}"] = (
                        textstat.fernandez_huerta(pattern.sub("eso", text)), textstat.fernandez_huerta(text))
    finally:
        textstat.set_lang("en_US")
    return ease


def test_spanish_key_findings_read_easily(spanish_reports, record_property):
    """The Spanish pages, by the Fernández Huerta ease (textstat, Spanish syllables): 60 and
    above reads as plain prose (US grade 8 to 9), higher is easier. Labels count as one word."""
    ease = {name: v for name, v in spanish_ease(spanish_reports).items() if not name.endswith(SNAPSHOT[0])}
    record_property(SPANISH, ease)
    assert len(ease) == 5 + 13
    hard = {name: value for name, (value, _) in ease.items() if value < 60}
    assert not hard, f"Spanish key findings harder than plain prose: {hard}"


def test_spanish_family_snapshots_read_as_easily_as_grade_6(spanish_reports, record_property):
    ease = {name: v for name, v in spanish_ease(spanish_reports).items() if name.endswith(SNAPSHOT[0])}
    record_property(FAMILY_SPANISH, ease)
    assert len(ease) == 4 + 12
    hard = {name: value for name, (value, _) in ease.items() if not value >= FAMILY_EASE}
    assert not hard, f"Spanish family snapshots harder than grade 6: {hard}"


def test_the_grade_can_fail():
    """Sentences of long words grade far above 8 (and far below 60 in Spanish); the tests above
    would catch them."""
    assert textstat.flesch_kincaid_grade(
        "Notwithstanding considerable methodological heterogeneity, organizational stakeholders "
        "characterized community-engagement infrastructure as insufficiently institutionalized.") > 16
    textstat.set_lang("es")
    try:
        assert textstat.fernandez_huerta(
            "No obstante la considerable heterogeneidad metodológica, los interlocutores organizacionales "
            "caracterizaron la infraestructura comunitaria como insuficientemente institucionalizada.") < 0
    finally:
        textstat.set_lang("en_US")


def print_grades(reporter) -> None:
    """Prints the grades the test recorded (called from conftest's terminal summary)."""
    titles = {PROPERTY: "Key findings: Flesch–Kincaid grade (labels as one word / as printed)",
              SPANISH: "Key findings in Spanish: Fernández Huerta ease (labels as one word / as printed)",
              FAMILY: "Family snapshots: Flesch–Kincaid grade (labels as one word / as printed)",
              FAMILY_SPANISH: "Family snapshots in Spanish: Fernández Huerta ease (labels as one word / as "
                              "printed)"}
    for report in reporter.stats.get("passed", []) + reporter.stats.get("failed", []):
        for name, value in getattr(report, "user_properties", []):
            if name not in titles:
                continue
            reporter.section(titles[name])
            for page, (ours, printed) in value.items():
                reporter.write_line(f"{page:45} {ours:5.1f} {printed:6.1f}")
