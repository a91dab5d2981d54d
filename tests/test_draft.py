"""From each survey tool's export, as it comes, through `impact-reports draft` to rendered reports
with no edit to the export or the draft; the drafted scales checked against the tool's metadata."""

import random
import re

import pytest
import yaml

from devtools import make_exports as make
from helpers import draft
from helpers.load import load_dataset
from helpers.paths import DATA
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


# Each "From a ... export to reports" section of data/README.md, with the cases whose synthetic
# files this test puts where its command blocks (in order) name them.
SECTIONS = {
    "From a Qualtrics export to reports": ["qualtrics", "qualtrics-qsf"],
    "From a SurveyMonkey export to reports": ["surveymonkey"],
    "From a Google Forms export to reports": ["google-forms"],
    "From a REDCap export to reports": ["redcap"],
    "From a KoboToolbox export to reports": ["kobo"],
    "From an SPSS or Stata file to reports": ["spss", "stata"],
}
CODEBOOK = re.compile(r"make codebook EXPORT=(\S+)(?: DICTIONARY=(\S+))?")
REPORTS = re.compile(r"make reports DATASET=(\S+)")


def readme_blocks(title: str) -> list[list[str]]:
    """Returns the command blocks of one section of data/README.md, each as its lines."""
    text = (DATA / "README.md").read_text(encoding="utf-8")
    section = text.split(f"### {title}\n", 1)[1]
    section = re.split(r"\n##", section, maxsplit=1)[0]
    return [block.strip().splitlines() for block in re.findall(r"```\n(.*?)```", section, re.S)]


def drafted(exports, tmp_path, case: str, export_at: str | None = None, dictionary_at: str | None = None):
    """Puts a tool's synthetic files where named (default: a folder of the case's name), drafts the
    codebook through the command line, and returns (the folder, the draft, what was printed)."""
    tool, export, dictionary = CASES[case]
    export_path = tmp_path / (export_at or f"{case}/{export}")
    export_path.parent.mkdir(parents=True, exist_ok=True)
    export_path.write_bytes((exports / tool / export).read_bytes())
    args = ["draft", export_path]
    if dictionary:
        dictionary_path = tmp_path / (dictionary_at or f"{case}/{dictionary}")
        dictionary_path.write_bytes((exports / tool / dictionary).read_bytes())
        args += ["--dictionary", dictionary_path]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    folder = export_path.parent
    return folder, (folder / "codebook.yaml").read_text(encoding="utf-8"), result.stdout


def test_every_tool_has_its_section_in_the_readme():
    text = (DATA / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"^### (From an? .* to reports)$", text, re.M) == list(SECTIONS)
    assert sorted(case for cases in SECTIONS.values() for case in cases) == sorted(CASES)


@pytest.mark.slow
@pytest.mark.parametrize(("title", "number"),
                         [(title, n) for title, cases in SECTIONS.items() for n in range(len(cases))])
def test_the_readme_section_renders_every_report_with_no_edit(exports, tmp_path, title, number):
    blocks = readme_blocks(title)
    assert len(blocks) == len(SECTIONS[title])
    case = SECTIONS[title][number]
    codebook, reports = blocks[number]  # these two commands, and nothing else
    export_at, dictionary_at = CODEBOOK.fullmatch(codebook).groups()
    assert (dictionary_at is not None) == (CASES[case][2] is not None)
    name = REPORTS.fullmatch(reports)[1]
    folder, text, printed = drafted(exports, tmp_path, case, export_at, dictionary_at)
    assert folder == tmp_path / "data" / name
    guesses = text.count("# guess:")
    assert re.fullmatch(rf"wrote {re.escape(str(folder / 'codebook.yaml'))}: \d+ lines, {guesses} of them "
                        r"guesses to review \(marked 'guess:'\)\n(wrote .*codebook.es.yaml.*\n)?", printed)
    for words in OWN_WORDS:  # no respondent's own words, e-mail or IP addresses, nor names
        assert words.casefold() not in text.casefold(), words
    assert not re.findall(rf"\b({'|'.join(NAMES)})\b", text)
    dataset = load_dataset(folder, shared=False)
    book = dataset.codebook
    assert book.dataset.synthetic  # its folder's name says synthetic, so every page will
    expected_sites = 1 if case == "kobo" else 3  # Kobo's export is one school's: site: on the export
    assert len(book.sites) == expected_sites
    assert sorted(g.label for g in book.groups) == ["parents or caregivers", "staff members", "students"]
    assert all(g.answers for g in book.groups)  # the tool's own text, so a label can change freely
    results = render_all(folder, tmp_path / "params", tmp_path / "out", jobs=2, progress=False)
    assert {r.status for r in results} == {"ok"}, [r for r in results if r.status != "ok"]
    assert len(results) == 2 + 2 * expected_sites  # a report and a family snapshot per site
    page = html_of(tmp_path / "out", "network", book.dataset.id).read_text(encoding="utf-8")
    assert "synthetic" in page.casefold()
    for words in OWN_WORDS:
        assert words not in page, words
    if expected_sites == 1:  # one school: said so, not compared with itself nor called withheld
        site_page = html_of(tmp_path / "out", book.sites[0].id, book.dataset.id).read_text(encoding="utf-8")
        only = f"{book.sites[0].name} is the only site in this survey, so it is not compared with other"
        assert only in page
        assert only in site_page
        assert "too few people answered" not in site_page
        assert "How the sites compare" in page
        assert "Range across sites" not in page
    if case.startswith("qualtrics"):  # the methods say how many responses the tool's marks left out
        people = make.people(random.Random(2026 * 100 + list(make.TOOLS).index("qualtrics")), 170)
        left = sum(p["preview"] or not p["finished"] for p in people)
        assert f"{left} responses that the survey tool marks as unfinished, a preview, a test or spam " \
            "are left out." in page


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


@pytest.mark.parametrize(("label", "plural"), [
    ("Student", "students"), ("Parent/Guardian", "parents/guardians"), ("Parent or caregiver",
     "parents or caregivers"), ("Staff", "staff"), ("Staff member", "staff members"),
    ("Community partner", "community partners"), ("Family", "families"), ("Child", "children"),
    ("Teacher, coach", "teachers, coaches"), ("Other", "other")])
def test_drafted_group_labels_are_plural(label, plural):
    """Sentences name groups by their labels ("30 students answered"); a new user's draft gave
    "30 student, 22 parent or caregiver, 9 staff answered"."""
    assert draft.plural(label) == plural


def test_drafted_ids_end_at_a_word_and_labels_drop_the_closing_stop():
    """A new user's draft gave the id 'adults-at-this-school-treat-students-wit' and the label
    'I feel safe at school.', which sentences then wrote as 'on I feel safe at school., but'."""
    long = "Adults at this school treat students with respect"
    assert draft.slug(long) == "adults-at-this-school-treat-students"
    assert draft.slug("x" * 50) == "x" * 40
    assert draft._short("I feel safe at school.") == "I feel safe at school"
    assert draft._short("Do you feel safe?") == "Do you feel safe?"


def test_a_synthetic_draft_leaves_saying_so_to_the_pages(exports, tmp_path):
    """synthetic: true puts "(synthetic data)" in every page's title, banner and footer; a title or
    name that said "(synthetic)" as well made titles read "(synthetic) (synthetic data)"."""
    _folder, text, _ = drafted(exports, tmp_path, "qualtrics")
    about = yaml.safe_load(text)["dataset"]
    assert about["synthetic"] is True
    assert "synthetic" not in f"{about['title']} {about['partnership']}".casefold()
    for folder in (DATA / "synthetic", ):
        shipped = yaml.safe_load((folder / "codebook.yaml").read_text(encoding="utf-8"))["dataset"]
        assert "(synthetic)" not in f"{shipped['title']} {shipped['partnership']}"



def test_a_kobo_draft_takes_the_forms_title_and_its_choices_spanish_labels(exports, tmp_path):
    folder, text, _ = drafted(exports, tmp_path, "kobo")
    book = yaml.safe_load(text)
    assert book["dataset"]["title"] == "Synthetic family survey"  # the settings sheet's form_title
    written = (folder / "codebook.es.yaml").read_text(encoding="utf-8")
    spanish = yaml.safe_load(written)

    def by_label(parts: list, given: dict) -> dict:
        """Returns the drafted parts' Spanish labels keyed by their English ones."""
        labels = {part["id"]: part["label"] for part in parts}
        return {labels[key]: value["label"] for key, value in given.items()}

    scale = book["scales"][0]
    assert by_label(scale["levels"], spanish["scales"][scale["id"]]["levels"]) == {
        "Strongly disagree": "Muy en desacuerdo", "Disagree": "En desacuerdo", "Agree": "De acuerdo",
        "Strongly agree": "Muy de acuerdo", "Don't know": "No sé"}
    supports = next(i for i in book["items"] if i["kind"] == "choose-any")
    assert by_label(supports["options"], spanish["items"][supports["id"]]["options"]) == dict(zip(
        [*make.SUPPORTS, "Other"],
        ["Tutoría", "Comida, ropa o útiles escolares", "Programas después de clases", "Otro"], strict=True))
    language = book["characteristics"][0]
    assert by_label(language["values"], spanish["characteristics"][language["id"]]["values"]) == {
        "English": "Inglés", "Spanish": "Español", "Another language": "Otro idioma"}
    assert '#   student: {label: "Estudiante"}' in written  # a group's label is a plural: a comment


def test_the_draft_counts_prefer_not_to_say_on_a_characteristic_as_not_stated(tmp_path):
    folder = tmp_path / "survey"
    folder.mkdir()
    languages = ["English", "Spanish", "Prefer not to say", "Decline to answer", "Don't know"]
    rows = ["School,I feel safe at school,Home language"] + [
        f"Lincoln,{['Agree', 'Disagree', 'Strongly agree', 'Strongly disagree'][n % 4]},{languages[n % 5]}"
        for n in range(60)]
    (folder / "responses.csv").write_text("\n".join(rows) + "\n")
    result = run_cli("draft", folder / "responses.csv")
    assert result.returncode == 0, result.stderr
    text = (folder / "codebook.yaml").read_text(encoding="utf-8")
    language = yaml.safe_load(text)["characteristics"][0]
    assert sorted(language["not_stated"]) == sorted(languages[2:])
    assert [v["label"] for v in language["values"]] == ["English", "Spanish"]
    assert "# guess: answers that say nothing of it: counted as not stated" in text
    figures = load_dataset(folder, shared=False).figures  # the draft loads as it is
    by = figures[(figures["breakdown"] == language["id"]) & (figures["site"] == "")]
    assert set(by["value"]) == {v["id"] for v in language["values"]}
    assert int(figures[(figures["breakdown"] == "") & (figures["site"] == "")]["n"].max()) == 60
