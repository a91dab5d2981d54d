"""Each kind of bad input, through `tfs check-data` as `make check-data` runs it.

Every case must end with exit status 2 and a message naming the file, the row
and the column where there is one, with no traceback; normalized spreadsheet
quirks must load and give the same findings as the clean data.
"""

import pytest

from .conftest import run_tfs


def replace_line(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def broken(data, case: str) -> None:
    """Breaks the copy of data/ in one way."""
    sites, improvements = data / "sites.csv", data / "improvements.csv"
    by_site, likert = data / "participants_by_site.csv", data / "likert.csv"
    match case:
        case "missing file":
            improvements.unlink()
        case "empty file":
            improvements.write_text("")
        case "header only":
            improvements.write_text("area,site,percent\n")
        case "missing column":
            by_site.write_text(by_site.read_text().replace("site,round,participants",
                                                           "site,participants", 1))
        case "extra column":
            replace_line(sites, "site,name\n", "site,name,region\n")
        case "non-numeric value":
            replace_line(improvements, "groups joining the work,dayton,20\n",
                         "groups joining the work,dayton,twenty\n")
        case "percentage out of range":
            replace_line(improvements, "groups joining the work,dayton,20\n",
                         "groups joining the work,dayton,120\n")
        case "negative count":
            replace_line(by_site, "dayton,R1,2\n", "dayton,R1,-2\n")
        case "fractional count":
            replace_line(by_site, "dayton,R1,2\n", "dayton,R1,2.5\n")
        case "duplicate key":
            by_site.write_text(by_site.read_text() + "dayton,R1,3\n")
        case "unknown site":
            replace_line(by_site, "dayton,R1,2\n", "boston,R1,2\n")
        case "unknown statement":
            replace_line(likert, "students at the center,community,whole-student,agree,28.9\n",
                         "students at the center,community,whole-child,agree,28.9\n")
        case "unknown Likert level":
            replace_line(likert, "students at the center,community,whole-student,agree,28.9\n",
                         "students at the center,community,whole-student,agreed,28.9\n")
        case "missing Likert level":
            replace_line(likert, "students at the center,community,whole-student,agree,28.9\n", "")
        case "bad site slug":
            replace_line(sites, "memphis,Memphis\n", "../memphis,Memphis\n")
        case "narrative names no figure":
            narrative = data / "narrative.csv"
            replace_line(narrative, "improvements,groups joining the work,all,43.0",
                         "improvements,groups leaving the work,all,43.0")
        case "not UTF-8":
            sites.write_bytes("site,name\nchicago,Chicago\nmemphis,Memph\xefs\n".encode("latin-1"))
        case _:
            raise AssertionError(case)


CASES = {
    # case: (file, row, column, words of what was expected)
    "missing file": ("improvements.csv", None, None, "a CSV file with the columns area, site"),
    "empty file": ("improvements.csv", None, None, "a header row"),
    "header only": ("improvements.csv", "row 2", None, "at least one row of figures"),
    "missing column": ("participants_by_site.csv", "row 1", None, "a column named 'round'"),
    "extra column": ("sites.csv", "row 1", "column 'region'", "only the columns site, name"),
    "non-numeric value": ("improvements.csv", "row 8", "column 'percent'", "a number"),
    "percentage out of range": ("improvements.csv", "row 8", "column 'percent'",
                                "a percentage from 0 to 100"),
    "negative count": ("participants_by_site.csv", "row 6", "column 'participants'",
                       "a count of 0 or more"),
    "fractional count": ("participants_by_site.csv", "row 6", "column 'participants'",
                         "a whole number"),
    "duplicate key": ("participants_by_site.csv", "row 22", None, "one row for each site and round"),
    "unknown site": ("participants_by_site.csv", "row 6", "column 'site'",
                     "one of: chicago, dayton, lehigh-valley, memphis, TOTAL"),
    "unknown statement": ("likert.csv", "row 83", "column 'topic'", "one of: community-members"),
    "unknown Likert level": ("likert.csv", "row 83", "column 'level'", "one of: strongly disagree"),
    "missing Likert level": ("likert.csv", None, "column 'level'", "a row for each of the 6 levels"),
    "bad site slug": ("sites.csv", "row 5", "column 'site'", "a slug of lower-case letters"),
    "narrative names no figure": ("narrative.csv", "row 2", None, "area and site values that name a figure"),
    "not UTF-8": ("sites.csv", None, None, "text encoded as UTF-8"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_data_gets_a_clear_message(data_copy, case):
    broken(data_copy, case)
    result = run_tfs("check-data", "--data", data_copy)
    file, row, column, expected = CASES[case]
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    message = result.stderr
    assert message.startswith("error: ")
    assert f"{data_copy / file}" in message
    for part in (row, column, expected):
        if part:
            assert part in message, f"{part!r} not in {message}"


def test_a_missing_folder_is_named(tmp_path):
    result = run_tfs("check-data", "--data", tmp_path / "nowhere")
    assert result.returncode == 2
    assert "nowhere: found 'no such folder'" in result.stderr


def spreadsheet_export(data) -> None:
    """Saves improvements.csv the way a spreadsheet might: BOM, "%" cells, CRLF, blank lines."""
    path = data / "improvements.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0]] + [line + "%" for line in lines[1:]]
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n\r\n,,\r\n\r\n").encode("utf-8"))


def test_spreadsheet_exports_are_normalized(data_copy):
    clean = run_tfs("check-data")
    spreadsheet_export(data_copy)
    exported = run_tfs("check-data", "--data", data_copy)
    assert exported.returncode == 0, exported.stderr
    findings = clean.stdout.split("\n", 1)[1]
    assert exported.stdout.split("\n", 1)[1] == findings


def test_normalized_percent_cells_keep_their_value_and_decimals(data_copy, tallies):
    from helpers.load import load_improvements

    spreadsheet_export(data_copy)
    loaded = load_improvements(data_copy)
    assert loaded["percent"].tolist() == tallies.improvements["percent"].tolist()
    assert loaded["decimals"].tolist() == tallies.improvements["decimals"].tolist()


def test_a_row_with_too_many_values_is_named(data_copy):
    path = data_copy / "sites.csv"
    path.write_text(path.read_text() + "boston,Boston,MA\n")
    result = run_tfs("check-data", "--data", data_copy)
    assert result.returncode == 2
    assert "sites.csv, row 6: found '3 values'; expected 2 values" in result.stderr
