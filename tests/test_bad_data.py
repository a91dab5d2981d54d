"""Each kind of bad input, through `impact-reports check-data` as `make check-data` runs it.

Every case must end with exit status 2 and a message naming the file, the row and the
column (or the codebook key) where there is one, with no traceback; normalized
spreadsheet quirks must load and give the same findings as the clean data.
"""

import shutil

import pytest

from .conftest import SYNTHETIC, run_cli


def replace_in(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_clear_error(result, *parts: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    for part in parts:
        assert part in result.stderr, f"{part!r} not in {result.stderr}"


# --- published tallies ---------------------------------------------------------------------------

FIGURE = "improvements,year-2,dayton,,improvements,groups-joining,20,\n"
COUNT = "participants-by-site,year-2,dayton,,,r1,2,\n"
LEVEL = "likert,year-2,,community,whole-student,agree,28.9,\n"
TALLY_CASES = {
    # case: (file, (old, new) or an action, what the message must contain)
    "missing file": ("figures.csv", "delete", ["expected a CSV file with the columns table, wave"]),
    "empty file": ("figures.csv", "", ["found 'an empty file'; expected a header row"]),
    "header only": ("figures.csv", "table,wave,site,group,item,answer,percent,aggregate\n",
                    ["row 2", "at least one row below the header"]),
    "missing column": ("headcounts.csv", ("table,wave,site,characteristic,value,activity,count",
                                          "table,wave,site,characteristic,value,count"),
                       ["row 1", "a column named 'activity'"]),
    "unknown column": ("figures.csv", ("percent,aggregate\n", "percent,aggregate,region\n"),
                       ["row 1", "column 'region'", "only the columns table, wave"]),
    "non-number": ("figures.csv", (FIGURE, FIGURE.replace(",20,", ",twenty,")),
                   ["row 8", "column 'percent'", "a number such as 54.5"]),
    "percentage out of range": ("figures.csv", (FIGURE, FIGURE.replace(",20,", ",120,")),
                                ["row 8", "column 'percent'", "a percentage from 0 to 100"]),
    "negative count": ("headcounts.csv", (COUNT, COUNT.replace(",2,", ",-2,")),
                       ["row 18", "column 'count'", "a count of 0 or more"]),
    "fractional count": ("headcounts.csv", (COUNT, COUNT.replace(",2,", ",2.5,")),
                         ["row 18", "column 'count'", "a whole number"]),
    "duplicate key": ("headcounts.csv", (COUNT, COUNT + COUNT.replace(",2,", ",3,")),
                      ["row 19", "one row for each table, wave, site"]),
    "unknown site": ("headcounts.csv", (COUNT, COUNT.replace("dayton", "boston")),
                     ["row 18", "column 'site'", "one of: (blank), chicago, dayton"]),
    "unknown item": ("figures.csv", (LEVEL, LEVEL.replace("whole-student", "whole-child")),
                     ["column 'item'", "one of: improvements, community-members"]),
    "unknown answer": ("figures.csv", (LEVEL, LEVEL.replace(",agree,", ",agreed,")),
                       ["column 'answer'", "an answer of item whole-student: strongly-disagree"]),
    "a level missing": ("figures.csv", (LEVEL, ""),
                        ["column 'answer'", "a row for each of the 6 levels of scale agreement",
                         "no row for agree"]),
    "quote names no figure": ("quotes.csv", ("improvements,groups-joining,43.0",
                                             "improvements,groups-leaving,43.0"),
                              ["quotes.csv, row 2", "naming a figure of figures.csv",
                               "found 'improvements / year-2 / improvements / groups-leaving'"]),
    "difference on a group": ("figures.csv", ("community-vs-organizational,students",
                                              "community,students"),
                              ["column 'group'", "a contrast of the codebook as group"]),
    "not UTF-8": ("figures.csv", "bytes", ["text encoded as UTF-8"]),
}


def break_file(folder, name: str, action) -> None:
    path = folder / name
    if action == "delete":
        path.unlink()
    elif action == "bytes":
        path.write_bytes(path.read_bytes().replace(b"year-2,dayton", b"year-2,dayt\xefn", 1))
    elif isinstance(action, str):
        path.write_text(action)
    else:
        replace_in(path, *action)


@pytest.mark.parametrize("case", TALLY_CASES)
def test_bad_published_tallies_get_a_clear_message(data_copy, case):
    name, action, parts = TALLY_CASES[case]
    break_file(data_copy, name, action)
    result = run_cli("check-data", "--data", data_copy)
    assert_clear_error(result, str(data_copy / name), *parts)


# --- the codebook ------------------------------------------------------------------------------------

CODEBOOK_CASES = {
    "no codebook": ("delete", ["codebook.yaml: expected a codebook.yaml describing the dataset"]),
    "invalid YAML": (("id: tfs\n", "id: [tfs\n"), ["codebook.yaml", "row", "valid YAML"]),
    "unknown key": (("  min_n: 10\n", "  min_n: 10\n  colour: blue\n"),
                    ["key 'dataset.colour'", "no such key"]),
    "item on no scale": (("    scale: agreement\n    label: Parents involved",
                          "    scale: agreements\n    label: Parents involved"),
                         ["key 'items.parents.scale': found 'agreements'; expected one of the scales: "
                          "agreement"]),
    "item without a scale": (("    scale: agreement\n    label: Parents involved",
                              "    label: Parents involved"),
                             ["key 'items.parents'", "a scale item needs a scale"]),
    "a scale of one level": (("      - {id: disagree, label: disagree, side: negative}\n", ""),
                             ["key 'scales.agreement'", "each level id once"]),
    "site id not a slug": (("{id: memphis,", "{id: Memphis City,"),
                           ["key 'sites.Memphis City.id'", "a slug of lower-case letters"]),
    "repeated site": (("{id: dayton,", "{id: chicago,"),
                      ["key 'sites.chicago.id': found 'chicago'; expected each id once in sites"]),
    "contrast of an unknown group": (("first: community,", "first: communities,"),
                                     ["key 'contrasts.community-vs-organizational.first': found "
                                      "'communities'; expected a group: "]),
    "a side that is not a side": (("label: neutral, side: neutral", "label: neutral, side: middle"),
                                  ["key 'scales.agreement.levels.neutral.side'", "'negative', 'neutral'"]),
}


@pytest.mark.parametrize("case", CODEBOOK_CASES)
def test_bad_codebooks_get_a_clear_message(data_copy, case):
    action, parts = CODEBOOK_CASES[case]
    if case == "a scale of one level":
        # Taking a level out leaves the figures without it; a repeated id is the codebook's own error.
        action = ("      - {id: disagree, label: disagree, side: negative}\n",
                  "      - {id: disagree, label: disagree, side: negative}\n"
                  "      - {id: disagree, label: disagree again, side: negative}\n")
    break_file(data_copy, "codebook.yaml", action)
    result = run_cli("check-data", "--data", data_copy)
    assert_clear_error(result, str(data_copy / "codebook.yaml"), *parts)


# --- respondent-level exports ---------------------------------------------------------------------


@pytest.fixture
def exports(tmp_path):
    """A copy of the synthetic dataset (a CSV and an Excel export) that a test may break."""
    return shutil.copytree(SYNTHETIC, tmp_path / "synthetic")


FIRST = "R2024-001-001,Northside Community School,Staff member,Asian,English,Agree,  DISAGREE ,"
EXPORT_CASES = {
    "unknown column": ("codebook.yaml", ("column: Q1_belong", "column: Q1_belonging"),
                       ["responses-2024.csv, row 1", "a column named 'Q1_belonging'"]),
    "unknown answer": ("responses-2024.csv", (FIRST, FIRST.replace("  DISAGREE ", "Disagreed")),
                       ["row 2, column 'Q2_listen'", "found 'Disagreed'",
                        "an answer to listen: Strongly disagree, Disagree"]),
    "unknown site": ("responses-2024.csv", (FIRST, FIRST.replace("Northside", "Southside")),
                     ["row 2, column 'School'", "found 'Southside Community School'",
                      "a site of the codebook"]),
    "unknown group": ("responses-2024.csv", (FIRST, FIRST.replace("Staff member", "Janitor")),
                      ["row 2, column 'Role'", "a respondent group: students, families, staff"]),
    "unknown characteristic value": ("responses-2024.csv", (FIRST, FIRST.replace("Asian", "Martian")),
                                     ["row 2, column 'Race_ethnicity'", "a value of race-ethnicity"]),
    "duplicate respondent id": ("responses-2024.csv", ("R2024-001-002,", "R2024-001-001,"),
                                ["row 3, column 'ResponseId'", "each respondent id once (also on row 2)"]),
    "wave not in the codebook": ("codebook.yaml", ('file: responses-2024.csv, wave: "2024"',
                                                   'file: responses-2024.csv, wave: "2030"'),
                                 ["codebook.yaml, key 'exports.0.wave': found '2030'; expected one of "
                                  "the waves"]),
    "empty export": ("responses-2024.csv", "", ["responses-2024.csv", "found 'an empty file'"]),
    "wrong file type": ("codebook.yaml", ("file: responses-2024.csv", "file: responses-2024.txt"),
                        ["responses-2024.txt", "found 'a .txt file'", "a survey export saved as .csv"]),
    "negative weight": ("responses-2024.csv", (",0.690\n", ",-0.690\n"),
                        ["row 2, column 'Weight'", "found '-0.690'", "a weight: a number of 0 or more"]),
    "missing weight": ("responses-2024.csv", (",0.690\n", ",\n"),
                       ["row 2, column 'Weight'", "found '(blank)'", "a weight"]),
    "a damaged workbook": ("responses-2025.xlsx", "not a workbook",
                           ["responses-2025.xlsx", "an Excel workbook (.xlsx)"]),
}


@pytest.mark.parametrize("case", EXPORT_CASES)
def test_bad_exports_get_a_clear_message(exports, case):
    name, action, parts = EXPORT_CASES[case]
    break_file(exports, name, action)
    result = run_cli("check-data", "--data", exports)
    assert_clear_error(result, *parts)


def test_every_problem_of_an_export_is_listed_at_once(exports):
    path = exports / "responses-2024.csv"
    replace_in(path, FIRST, FIRST.replace("Northside", "Southside").replace("  DISAGREE ", "Nope"))
    result = run_cli("check-data", "--data", exports)
    assert_clear_error(result, "error: 2 problems with the input:", "column 'School'", "column 'Q2_listen'")


def test_a_missing_folder_is_named(tmp_path):
    result = run_cli("check-data", "--data", tmp_path / "nowhere")
    assert_clear_error(result, "nowhere: found 'no such folder'")


# --- what is normalized, not refused ------------------------------------------------------------------


def spreadsheet_export(data) -> None:
    """Saves figures.csv the way a spreadsheet might: BOM, "%" cells, CRLF, blank lines."""
    path = data / "figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0]] + [",".join(c + "%" if i == 6 else c for i, c in enumerate(line.split(",")))
                          for line in lines[1:]]
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n\r\n,,\r\n\r\n").encode("utf-8"))


def test_spreadsheet_exports_are_normalized(data_copy):
    clean = run_cli("check-data")
    spreadsheet_export(data_copy)
    exported = run_cli("check-data", "--data", data_copy)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.split("\n", 1)[1] == clean.stdout.split("\n", 1)[1]


def test_normalized_percent_cells_keep_their_value_and_decimals(data_copy, tfs):
    from helpers.load import load_dataset

    spreadsheet_export(data_copy)
    loaded = load_dataset(data_copy).figures
    assert loaded["percent"].tolist() == tfs.figures["percent"].tolist()
    assert loaded["decimals"].tolist() == tfs.figures["decimals"].tolist()


def test_a_row_with_too_many_values_is_named(data_copy):
    path = data_copy / "headcounts.csv"
    path.write_text(path.read_text() + "a,b,c,d,e,f,g,h,i\n")
    result = run_cli("check-data", "--data", data_copy)
    assert_clear_error(result, "headcounts.csv, row 34: found '9 values'; expected 8 values")
