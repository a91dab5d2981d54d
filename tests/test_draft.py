"""From each survey tool's export, as it comes, through `impact-reports draft` to rendered reports
with no edit to the export or the draft; the drafted scales checked against the tool's metadata."""

import re

import pytest
import yaml

from devtools import make_exports as make
from helpers.load import load_dataset
from helpers.render import render_all
from helpers.tools import definition

from .conftest import html_of, run_cli

# tool folder, export, the tool's definition of the survey (None: the export's own labels or none)
CASES = {
    "qualtrics": ("qualtrics", "synthetic-qualtrics.csv", None),
    "qualtrics-qsf": ("qualtrics", "synthetic-qualtrics-values.csv", "survey.qsf"),
    "surveymonkey": ("surveymonkey", "synthetic-surveymonkey.csv", None),
    "google-forms": ("google-forms", "synthetic-google-forms.csv", None),
    "redcap": ("redcap", "synthetic-redcap.csv", "data-dictionary.csv"),
    "kobo": ("kobo", "synthetic-kobo.xlsx", "xlsform.xlsx"),
    "spss": ("spss", "synthetic-spss.sav", None),
    "stata": ("stata", "synthetic-stata.dta", None),
}
OWN_WORDS = [*make.WRITE_INS, *make.COMMENTS, "@example.org", "192.0.2.", "198.51.100."]
NAMES = [*make.FIRST, *make.LAST]  # as whole words of a codebook (a page cites Brown, Cai & DasGupta)


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tools")
    make.write(folder, 2026)
    return folder


def drafted(exports, tmp_path, case: str):
    """Copies a tool's files into a new dataset folder, drafts its codebook through the command
    line, and returns (the folder, the draft's text, what the command printed)."""
    tool, export, dictionary = CASES[case]
    folder = tmp_path / case
    folder.mkdir()
    for name in (export, dictionary):
        if name:
            (folder / name).write_bytes((exports / tool / name).read_bytes())
    args = ["draft", folder / export, *(["--dictionary", folder / dictionary] if dictionary else [])]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    return folder, (folder / "codebook.yaml").read_text(encoding="utf-8"), result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_a_drafted_codebook_renders_every_report_with_no_edit(exports, tmp_path, case):
    folder, text, printed = drafted(exports, tmp_path, case)
    guesses = text.count("# guess:")
    assert re.fullmatch(rf"wrote {re.escape(str(folder / 'codebook.yaml'))}: \d+ lines, {guesses} of them "
                        r"guesses to review \(marked 'guess:'\)\n(wrote .*codebook.es.yaml.*\n)?", printed)
    for words in OWN_WORDS:  # no respondent's own words, e-mail or IP addresses, nor names
        assert words.casefold() not in text.casefold(), words
    assert not re.findall(rf"\b({'|'.join(NAMES)})\b", text)
    dataset = load_dataset(folder, shared=False)
    book = dataset.codebook
    assert book.dataset.synthetic  # the file's name says synthetic, so every page will
    expected_sites = 1 if case == "kobo" else 3  # Kobo's export is one school's: site: on the export
    assert len(book.sites) == expected_sites
    assert sorted(g.label for g in book.groups) == sorted(r.lower() for r in make.ROLES)
    results = render_all(folder, tmp_path / "params", tmp_path / "out", jobs=2, progress=False)
    assert {r.status for r in results} == {"ok"}, [r for r in results if r.status != "ok"]
    assert len(results) == 2 + expected_sites
    page = html_of(tmp_path / "out", "network", book.dataset.id).read_text(encoding="utf-8")
    assert "synthetic" in page.casefold()
    for words in OWN_WORDS:
        assert words not in page, words


@pytest.mark.parametrize("case", list(CASES))
def test_drafted_scales_follow_the_tools_own_order_and_keep_dont_know_apart(exports, tmp_path, case):
    folder, text, _ = drafted(exports, tmp_path, case)
    book = yaml.safe_load(text)
    scales = {s["id"]: s for s in book["scales"]}
    assert set(scales) == {"agree4", "yes-no"}  # two answer sets, kept apart
    agree = [(level["label"], level["side"]) for level in scales["agree4"]["levels"]]
    assert agree == [("Strongly disagree", "negative"), ("Disagree", "negative"), ("Agree", "positive"),
                     ("Strongly agree", "positive"), ("Don't know", "apart")]
    assert [(level["label"], level["side"]) for level in scales["yes-no"]["levels"]] == [
        ("No", "negative"), ("Yes", "positive")]
    items = {i["id"]: i for i in book["items"]}
    scaled = [i for i in items.values() if i["kind"] != "choose-any"]
    assert sorted(i["scale"] for i in scaled) == ["agree4", "agree4", "yes-no"]
    assert [i["wording"] for i in scaled if i["scale"] == "agree4"] == make.STATEMENTS
    many = [i for i in items.values() if i["kind"] == "choose-any"]
    assert len(many) == 1
    labels = [o["label"] for o in many[0]["options"]]
    tool, export, dictionary = CASES[case]
    known_order = dictionary or export.endswith((".sav", ".dta")) or tool == "surveymonkey"
    # "Food, clothing, or school supplies" whole; in the tool's order where it has one
    assert (labels[:3] if known_order else sorted(labels[:3])) == (
        make.SUPPORTS if known_order else sorted(make.SUPPORTS))
    assert many[0]["other"] == many[0]["options"][3]["id"]
    if dictionary or export.endswith((".sav", ".dta")):  # the tool's codes: its own order
        known = definition(folder / (dictionary or export))
        codes = {q.name: q for q in known.questions}
        column = next(i["column"] for i in scaled if i["scale"] == "agree4")
        question = codes[column]
        in_code_order = [label for _, label in sorted(question.choices, key=lambda p: int(p[0]))] \
            if all(c.isdigit() for c, _ in question.choices) else [label for _, label in question.choices]
        assert [label for label, _ in agree] == in_code_order
