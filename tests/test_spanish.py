"""Reports in Spanish, rendered for real (make reports REPORT_LANGUAGE=es): every word from the
catalogue or the codebook's translation, no English left outside proper names, quoted published
wording, file names and code, numbers written as in US Spanish."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
from bs4 import BeautifulSoup

from helpers.codebook import read_codebook

from .conftest import REPORTS, SYNTHETIC, TFS

# Common English words that Spanish never uses: any of them on a Spanish page is an untranslated
# message or label. (Words Spanish shares, such as "no", "a" or "me", are left out.)
ENGLISH = {
    "the", "of", "and", "is", "are", "to", "in", "on", "with", "from", "for", "by", "at", "that", "this",
    "these", "which", "who", "what", "when", "where", "not", "but", "or", "than", "each", "every", "all",
    "any", "some", "site", "sites", "figure", "figures", "points", "above", "below", "gap", "gaps", "report",
    "reports", "respondents", "answer", "answers", "answered", "withheld", "shown", "table", "tables",
    "chart", "charts", "between", "among", "against", "was", "were", "has", "have", "been", "it", "its",
    "their", "they", "we", "our", "you", "your", "people", "person", "group", "groups", "wave", "waves",
    "change", "changes", "share", "shares", "interval", "intervals", "lowest", "highest", "range", "ratio",
    "network", "published", "how", "whole", "data", "numbers", "about", "behind",
}
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
FILE_NAME = re.compile(r"[\w.-]+\.(?:csv|xlsx|yaml|html)\b")


def spanish_pages(spanish_reports) -> list[Path]:
    return sorted((spanish_reports[0] / "html").glob("*/es/*.html"))


def names_of(folder: Path) -> list[str]:
    """The dataset's proper names: partnership, title and sites, longest first."""
    codebook = read_codebook(folder)
    names = [codebook.dataset.partnership, codebook.dataset.title, *(s.name for s in codebook.sites)]
    return sorted(set(names), key=len, reverse=True)


def english_words(page: Path, names: list[str]) -> dict[str, str]:
    """Returns the English words on a Spanish page, each with where it stands."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["style", "script", "code"]):
        tag.decompose()
    text = " ".join(soup.get_text(" ").split())
    for name in names:
        text = text.replace(name, " ")
    text = FILE_NAME.sub(" ", QUOTED.sub(" ", text))
    words = WORD.findall(text)
    return {w.lower(): " ".join(words[max(0, i - 5): i + 6]) for i, w in enumerate(words)
            if w.lower() in ENGLISH}


def test_every_spanish_report_renders_in_its_own_folder(spanish_reports):
    out, tfs, synthetic = spanish_reports
    assert {r.name: r.status for r in tfs} == dict.fromkeys(REPORTS, "ok")
    assert {r.status for r in synthetic} == {"ok"}
    assert len(synthetic) == 2 + 2 * 12
    assert len(spanish_pages(spanish_reports)) == 10 + 26
    assert not list((out / "html" / "tfs").glob("*.html"))  # English stays where it was, untouched


def test_no_english_on_a_spanish_page_outside_names_quotes_and_code(spanish_reports):
    names = {"tfs": names_of(TFS), "synthetic": names_of(SYNTHETIC)}
    checked = 0
    for page in spanish_pages(spanish_reports):
        found = english_words(page, names[page.parent.parent.name])
        assert not found, (page.name, found)
        checked += 1
    assert checked == 10 + 26  # each report and family snapshot


def test_the_english_check_finds_english(spanish_reports):
    page = spanish_pages(spanish_reports)[0]
    english = page.with_name("english.html")
    text = page.read_text(encoding="utf-8")
    english.write_text(text.replace("</main>", "<p>The gap is above the rest of the network.</p></main>"),
                       encoding="utf-8")
    assert set(english_words(english, names_of(TFS))) >= {"the", "gap", "above", "network"}
    english.unlink()


def test_a_spanish_page_says_its_language_and_whose_translation_it_is(spanish_reports):
    page = (spanish_reports[0] / "html" / "tfs" / "es" / "memphis.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in page
    assert "Las traducciones al español de sus preguntas, respuestas y títulos son de este proyecto" in page
    assert "Hallazgos principales" in page
    assert "Acerca de este informe" in page
    assert "Participan los padres" in page  # the codebook's own labels, translated
    assert re.search(r"\d{1,2} de [a-z]+ de 20\d\d", page)  # the date, written by Babel for es_US
    quality = (spanish_reports[0] / "html" / "tfs" / "es" / "data-quality.html").read_text(encoding="utf-8")
    assert "“Los padres participan.”" in quality  # and its statements' wording


def test_spanish_numbers_are_those_of_the_english_report(rendered, spanish_reports):
    """The same figures in both languages: the workbooks hold equal numbers, sheet by sheet."""
    english = pd.read_excel(rendered[0] / "html" / "tfs" / "chicago.xlsx", sheet_name=None,
                            engine="openpyxl")
    spanish = pd.read_excel(spanish_reports[0] / "html" / "tfs" / "es" / "chicago.xlsx", sheet_name=None,
                            engine="openpyxl")
    assert len(english) == len(spanish)
    for (_en, left), (_es, right) in zip(list(english.items())[1:], list(spanish.items())[1:], strict=True):
        numbers = left.select_dtypes("number")
        assert numbers.shape[1] > 0
        assert np.array_equal(numbers.to_numpy(), right.select_dtypes("number").to_numpy(), equal_nan=True)


def test_agreement_follows_the_codebook_s_genders(spanish_reports):
    """Families (feminine) and staff and students (masculine) take their own articles."""
    page = (spanish_reports[0] / "html" / "synthetic" / "es" / "network.html").read_text(encoding="utf-8")
    assert "de las familias" in page
    assert "de los miembros del personal" in page
    assert "de los familias" not in page
    assert "de las miembros" not in page


def test_the_index_lists_each_language(rendered, spanish_reports):
    index = (spanish_reports[0] / "html" / "index.html").read_text(encoding="utf-8")
    assert 'href="tfs/es/chicago.html"' in index
    assert 'href="synthetic/es/network.html"' in index
    assert "Together for Students · Español" in index
