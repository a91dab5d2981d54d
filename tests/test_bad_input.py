"""Bad input, round two (issue 21): the readers of codebooks, translations, params, CSV files,
workbooks and the output folder.

Each case asserts its own message (the file, the row or key, what was found and what was
expected), that the message stays short whatever the input's size, and, for what is read
rather than refused, that nothing is lost: the same figures as the clean data. Most go
through the loader (fast); those that once aborted the process or printed a traceback go
through the command line as `make` runs it.
"""

import csv
import io
import re
import shutil
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from helpers.codebook import read_codebook, translated
from helpers.errors import InputError
from helpers.load import load_dataset
from helpers.params import read_params

from .conftest import SYNTHETIC, TFS, TFS_PARAMS, run_cli

SHORT = 2000  # characters: the most a message of one problem may take


def refused(call, *parts: str, longest: int = SHORT) -> str:
    """Returns the message of the InputError a call raises, after checking its parts and length."""
    with pytest.raises(InputError) as caught:
        call()
    message = str(caught.value)
    assert len(message) <= longest, f"{len(message):,} characters: {message[:500]}"
    for part in parts:
        assert part in message, f"{part!r} not in {message}"
    return message


def cli_refused(result, *parts: str, longest: int = SHORT) -> str:
    """Checks a command that bad input stopped: status 2, no traceback, its message's parts."""
    assert result.returncode == 2, (result.returncode, result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    assert len(result.stderr) <= longest, f"{len(result.stderr):,} characters: {result.stderr[:500]}"
    for part in parts:
        assert part in result.stderr, f"{part!r} not in {result.stderr}"
    return result.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def synthetic_copy(tmp_path) -> Path:
    """A copy of the synthetic dataset (a CSV and an Excel export) that a test may break."""
    return Path(shutil.copytree(SYNTHETIC, tmp_path / "synthetic"))


# --- one edit, one message: the cases of items 4 to 7 and 10 that a changed line makes ------------

TFS_ES = "codebook.es.yaml"
EDITS = {
    # case: (dataset, file, old, new (bytes for bytes), what the message must contain)
    "a key given twice": (
        "synthetic", "codebook.yaml", "  min_n: 10\n",
        "  min_n: 10\n  disclosure:\n    minimum_base: 30\n    top_bottom_coding: true\n"
        "    minimum_base: 5\n",
        ["codebook.yaml, row 18, key 'dataset.disclosure.minimum_base'",
         "found 'the key again (first on row 16)'", "expected each key once in a mapping"]),
    "a key given twice in braces": (
        "tfs", "codebook.yaml", "{id: chicago, name: Chicago,", "{id: chicago, name: Chicago, name: Chi,",
        ["row 18, key 'sites.0.name'", "(first on row 18)"]),
    "a key given twice in a translation": (
        "tfs", TFS_ES, "  respondents_word: socios\n",
        "  respondents_word: socios\n  respondents_word: aliados\n",
        ["codebook.es.yaml, row 15, key 'dataset.respondents_word'", "(first on row 14)"]),
    "an alias inside its own anchor": (
        "tfs", "codebook.yaml", "  - {id: chicago,", "  - &me {id: chicago, answers: [*me],",
        ["row 18", "key 'sites.0.answers.0'", "found 'an alias inside the anchor it names'"]),
    "a long label": (
        "tfs", "codebook.yaml", "label: Parents involved", "label: " + "Parents " * 125_000,
        ["key 'items.parents.label'", "expected string should have at most 120 characters",
         "(999,999 characters in all)"]),
    "a long unknown key": (
        "tfs", "codebook.yaml", "  min_n: 10\n", "  min_n: 10\n  " + "x" * 1000 + ": 1\n",
        ["key 'dataset.xxxx", "(1,008 characters in all)", "no such key"]),
    "a long cell": (
        "synthetic", "responses-2024.csv", ",Agree,  DISAGREE ,", ",Agree," + "Nope" * 25_000 + ",",
        ["responses-2024.csv, row 2, column 'Q2_listen'", "found 'NopeNope", "(100,000 characters in all)",
         "an answer to listen"]),
    "a cell beyond the CSV reader's limit": (
        "synthetic", "responses-2024.csv", ",Agree,  DISAGREE ,", ",Agree," + "x" * 20_000_000 + ",",
        ["responses-2024.csv, row 2", "expected cells of at most 131,072 characters"]),
    "a long column name": (
        "tfs", "figures.csv", "percent,aggregate\n", "percent,aggregate," + "y" * 100_000 + "\n",
        ["figures.csv, row 1, column 'yyyy", "(100,000 characters in all)",
         "expected only the columns table"]),
    "a translation not in UTF-8": (
        "tfs", TFS_ES, b"equidad racial", b"equidad rac\xedal",
        ["codebook.es.yaml, row 19", "found 'the byte 0xED", "expected text encoded as UTF-8"]),
    "a translation's site as a text": (
        "tfs", TFS_ES, '  chicago: {place: "Chicago, Illinois", focus: aprendizaje socioemocional}',
        "  chicago: Chicago", ["key 'sites.chicago'", "found \"a text ('Chicago')\""]),
    "a translation's name as a list": (
        "tfs", TFS_ES, '  chicago: {place: "Chicago, Illinois",',
        '  chicago: {name: [Chi], place: "Chicago, Illinois",',
        ["codebook.es.yaml, key 'sites.chicago.name'", "found \"['Chi']\"",
         "expected a text, the name in this language"]),
    "a translated text too long for its place": (
        "tfs", TFS_ES, '  dayton: {place: "Dayton, Ohio",', '  dayton: {place: "' + "D" * 300 + '",',
        ["codebook.es.yaml, key 'sites.dayton.place'", "(300 characters in all)",
         "expected string should have at most 120 characters"]),
    "a codebook not in UTF-8": (
        "tfs", "codebook.yaml", b"Memphis, Tenn.", b"Memph\xefs, Tenn.",
        ["codebook.yaml, row 21", "found 'the byte 0xEF (byte ", "expected text encoded as UTF-8"]),
    "a python tag": (
        "tfs", "codebook.yaml", "  min_n: 10\n", "  min_n: !!python/object/apply:os.system [echo hi]\n",
        ["codebook.yaml, row 15", "expected valid YAML",
         "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"]),
    "an export not in UTF-8": (
        "synthetic", "responses-2024.csv", b"Parent or caregiver", b"Parent or caregiv\xe9r",
        ["responses-2024.csv, row 3", "found 'the byte 0xE9 (byte ",
         "expected text encoded as UTF-8 (save the sheet as 'CSV UTF-8')"]),
    "published figures not in UTF-8": (
        "tfs", "figures.csv", b"year-2,dayton", b"year-2,dayt\xefn",
        ["figures.csv, row 3", "found 'the byte 0xEF"]),
    "text after a closing quote": (
        "tfs", "figures.csv", "improvements,year-2,dayton,,improvements,all-needs,",
        'improvements,year-2,"dayton"x,,improvements,all-needs,',
        ["figures.csv, row 3:", "expected a ',' or the end of the row right after a closing quote"]),
}


@pytest.mark.parametrize("case", EDITS)
def test_an_edit_is_refused_with_its_own_message(tmp_path, case):
    """Read as `make check-data` reads it: the codebook, its translation, then the data."""
    dataset, name, old, new, parts = EDITS[case]
    folder = Path(shutil.copytree(SYNTHETIC if dataset == "synthetic" else TFS, tmp_path / dataset))
    path = folder / name
    content = path.read_bytes() if isinstance(old, bytes) else path.read_text(encoding="utf-8")
    assert old in content, f"{old!r} is not in {name}"
    changed = content.replace(old, new, 1)
    path.write_bytes(changed) if isinstance(changed, bytes) else path.write_text(changed, encoding="utf-8")
    if name == TFS_ES:
        refused(spanish(folder), *parts)
    else:
        refused(lambda: load_dataset(folder), *parts)


# --- a key given twice (item 4) ----------------------------------------------------------------------


def test_a_list_given_twice_is_refused(data_copy):
    path = data_copy / "codebook.yaml"
    path.write_text(path.read_text() + "sites: []\n")
    refused(lambda: read_codebook(data_copy), "key 'sites'", "(first on row 17)")


def test_every_key_given_twice_is_listed(data_copy):
    edit(data_copy / "codebook.yaml", "  min_n: 10\n", "  min_n: 10\n  min_n: 5\n")
    edit(data_copy / "codebook.yaml", "{id: dayton, name: Dayton,", "{id: dayton, id: dayton, name: Dayton,")
    message = refused(lambda: read_codebook(data_copy), "row 16, key 'dataset.min_n'",
                      "row 20, key 'sites.1.id'")
    assert len(message.splitlines()) == 2


def test_keys_that_yaml_reads_as_one_are_given_twice(data_copy):
    """yes and true are both True, 2 and 2.0 the same number: the second would replace the first."""
    edit(data_copy / "codebook.es.yaml", "note: >-\n", "yes: 1\ntrue: 2\n2: a\n2.0: b\nnote: >-\n")
    message = refused(spanish(data_copy), "codebook.es.yaml, row 5, key 'true': found 'the key again "
                      "(first on row 4)'", "row 7, key '2.0': found 'the key again (first on row 6)'")
    assert len(message.splitlines()) == 2


def test_a_key_given_twice_in_params_is_refused(params_copy):
    path = params_copy / "memphis.yaml"
    path.write_text(path.read_text() + "min_n: 5\n")
    refused(lambda: read_params(path), "memphis.yaml, row 4, key 'min_n'", "(first on row 3)")


def test_a_merge_key_may_be_overridden(data_copy):
    """<<: copies a mapping whose keys the mapping itself may then give: no key is given twice."""
    edit(data_copy / "codebook.yaml", "  - {id: chicago,", "  - &chicago {id: chicago,")
    edit(data_copy / "codebook.yaml", "  - {id: dayton, name: Dayton,",
         "  - {<<: *chicago, id: dayton, name: Dayton,")
    codebook = read_codebook(data_copy)
    assert codebook.site("dayton").place == "Dayton, Ohio"
    assert codebook.site("dayton").focus == "racial equity"


# --- aliases, and long values echoed (item 5) ----------------------------------------------------------


def laughs(levels: int) -> str:
    """Returns a YAML mapping of aliases of aliases standing for 10 ** levels texts ("billion
    laughs" at nine), a few hundred bytes a level."""
    lines = ["laughs:", "  l0: &l0 [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"  l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_a_codebook_of_aliases_is_refused_without_expanding_them(data_copy):
    path = data_copy / "codebook.yaml"
    path.write_text(path.read_text() + laughs(9))
    started = time.perf_counter()
    refused(lambda: read_codebook(data_copy), "codebook.yaml, row", "key 'laughs.l5'",
            "found 'aliases standing for more than 1,000,000 values'",
            "expected at most 1,000,000 values once its aliases (*name) are expanded")
    assert time.perf_counter() - started < 5


def test_a_codebook_of_aliases_prints_a_short_message_and_stays_small(data_copy):
    """A million laughs through `impact-reports check-data`: the old reader printed every one."""
    path = data_copy / "codebook.yaml"
    path.write_text(path.read_text() + laughs(6))
    measure = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True, "
               "text=True, timeout=300); sys.stderr.write(done.stderr); print(done.returncode); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    import subprocess

    done = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "helpers.cli",
                           "check-data", "--data", str(data_copy)], capture_output=True, text=True)
    status, kilobytes = map(int, done.stdout.split())
    assert status == 2, done.stderr[:2000]
    assert len(done.stderr) < SHORT, f"{len(done.stderr):,} characters"
    assert "key 'laughs.l5'" in done.stderr
    assert kilobytes < 400_000, f"{kilobytes / 1000:.0f} MB"


def test_lists_nested_too_deep_are_refused_before_the_parser_overflows(data_copy):
    """200,000 brackets: composing them recursed until the process died of a segmentation fault."""
    path = data_copy / "codebook.yaml"
    row = len(path.read_text().splitlines()) + 1
    path.write_text(path.read_text() + "deep: " + "[" * 200_000 + "]" * 200_000 + "\n")
    cli_refused(run_cli("check-data", "--data", data_copy), f"codebook.yaml, row {row}: found 'more than 64'",
                "expected at most 64 levels of lists and mappings")


def test_a_few_aliases_are_read_as_written(data_copy):
    edit(data_copy / "codebook.yaml", "focus: social-emotional learning}",
         "focus: &focus social-emotional learning}")
    edit(data_copy / "codebook.yaml", "focus: racial equity}", "focus: *focus}")
    assert read_codebook(data_copy).site("dayton").focus == "social-emotional learning"


def test_a_long_list_of_mistakes_is_cut_at_twenty(data_copy):
    path = data_copy / "codebook.yaml"
    sites = "".join(f"  - {{id: Site {n}, name: S}}\n" for n in range(3000))
    edit(path, "sites:\n", "sites:\n" + sites)
    message = refused(lambda: read_codebook(data_copy), "key 'sites.Site 0.id'", "... and 2980 more problems",
                      longest=20 * 700)
    assert len(message.splitlines()) == 21


def test_many_bad_rows_are_cut_at_twenty(data_copy):
    path = data_copy / "figures.csv"
    path.write_text(path.read_text() + "".join(f"improvements,year-2,dayton,,improvements,x{n},{n}x,\n"
                                               for n in range(2000)))
    message = refused(lambda: load_dataset(data_copy), "figures.csv, row 120, column 'percent'",
                      "more problems", longest=21 * 700)
    assert len(message.splitlines()) == 21


# --- tracebacks no more (item 6) -------------------------------------------------------------------------


def spanish(folder: Path):
    return lambda: translated(read_codebook(folder), folder, "es")


def test_a_translation_with_sites_as_a_list_is_refused(data_copy):
    edit(data_copy / "codebook.es.yaml", "  chicago: {place:", "  - chicago: {place:")
    path = data_copy / "codebook.es.yaml"
    text = path.read_text()
    for site in ("dayton", "lehigh-valley", "memphis"):
        text = text.replace(f"\n  {site}:", f"\n  - {site}:")
    path.write_text(text)
    refused(spanish(data_copy), "codebook.es.yaml, key 'sites'", "found \"a list ([",
            "expected the codebook's sites by id, each with its texts (sites: {chicago: ...})")


def test_a_translation_with_dataset_as_a_text_is_refused(data_copy):
    path = data_copy / "codebook.es.yaml"
    text = path.read_text()
    start, end = text.index("dataset:\n"), text.index("sites:\n")
    path.write_text(text[:start] + "dataset: Juntos por los estudiantes\n\n" + text[end:])
    refused(spanish(data_copy), "codebook.es.yaml, key 'dataset'", "found \"a text ('Juntos",
            "expected key: value lines giving this part's texts")


def test_a_translation_that_is_a_list_is_refused(data_copy):
    (data_copy / "codebook.es.yaml").write_text("- note: a list\n")
    refused(spanish(data_copy), "codebook.es.yaml: found \"a list ([{'note': 'a list'}])\"",
            "expected key: value lines with the codebook's keys and a note")


def test_a_picture_as_codebook_is_refused(data_copy):
    (data_copy / "codebook.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    refused(lambda: read_codebook(data_copy), "codebook.yaml, row 1", "found 'the byte 0x89 (byte 1 of")


def test_a_codebook_that_is_a_list_is_refused(data_copy):
    (data_copy / "codebook.yaml").write_text("- dataset: tfs\n")
    refused(lambda: read_codebook(data_copy), "found \"a list ([{'dataset': 'tfs'}])\"",
            "expected key: value lines starting with dataset:")


def test_a_codebook_with_dataset_as_a_text_is_refused(data_copy):
    path = data_copy / "codebook.yaml"
    text = path.read_text()
    start, end = text.index("dataset:\n"), text.index("sites:\n")
    path.write_text(text[:start] + "dataset: tfs\n" + text[end:])
    refused(lambda: read_codebook(data_copy), "key 'dataset'", "found \"'tfs'\"",
            "a valid dictionary or instance of About")


def test_params_that_are_not_utf8_name_their_row(params_copy):
    path = params_copy / "memphis.yaml"
    path.write_bytes(path.read_bytes() + b"# caf\xe9\n")
    refused(lambda: read_params(path), "memphis.yaml, row 4", "found 'the byte 0xE9")


def test_spanish_reports_from_a_translation_that_is_not_utf8_stop_in_words(data_copy, tmp_path):
    path = data_copy / "codebook.es.yaml"
    path.write_bytes(path.read_bytes().replace(b"equidad racial", b"equidad rac\xedal"))
    result = run_cli("reports", "--data", data_copy, "--params", TFS_PARAMS, "--out", tmp_path / "out",
                     "--language", "es")
    cli_refused(result, "codebook.es.yaml, row 19", "the byte 0xED")
    assert not (tmp_path / "out" / "html" / "tfs").exists()


def test_an_output_folder_that_is_a_file_stops_the_run_in_words(tmp_path):
    out = tmp_path / "out"
    (out / "html").mkdir(parents=True)
    (out / "html" / "tfs").write_text("not a folder")
    result = run_cli("reports", "--out", out)
    cli_refused(result, f"{out / 'html' / 'tfs'}: found 'a file where the folder (or one above it) "
                "should be'",
                "expected a folder the reports can be written into")
    assert (out / "html" / "tfs").read_text() == "not a folder"


def test_an_output_that_is_a_file_stops_the_run_in_words(tmp_path):
    (tmp_path / "out").write_text("not a folder")
    result = run_cli("reports", "--out", tmp_path / "out")
    cli_refused(result, f"{tmp_path / 'out'}: found 'a file where the folder", "another OUT=")


# --- workbooks checked before the native reader opens them (item 7) ---------------------------------


SHEET = "xl/worksheets/sheet1.xml"


def rewrite(path: Path, name: str, change, stored: bool = False) -> None:
    """Rewrites one part of a workbook (stored: without compression, to damage it byte by byte)."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts:
            archive.writestr(part, change(content) if part == name else content)


FAR = b'<row r="{row}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'


@pytest.mark.parametrize(("row", "cell"), [("1048576", "XFD1048576"), ("99999999", "A99999999")])
def test_a_far_cell_of_a_sheet_is_refused_before_the_reader_aborts(synthetic_copy, row, cell):
    """The sheet's declared dimension (A1:L516) hides the cell: the references are read too. A
    cell at XFD1048576 made calamine ask for 512 GiB and abort the process."""
    far = FAR.replace(b"{row}", row.encode()).replace(b"{cell}", cell.encode())
    rewrite(synthetic_copy / "responses-2025.xlsx", SHEET, lambda xml: xml.replace(b"</sheetData>", far))
    cli_refused(run_cli("check-data", "--data", synthetic_copy),
                f"responses-2025.xlsx: found 'a cell at {cell} (xl/worksheets/sheet1.xml)'",
                "expected an Excel workbook (.xlsx) whose sheets hold at most 10,000,000 cells")


def test_a_sheet_declaring_every_cell_but_using_few_is_read(synthetic_copy, synthetic):
    """The declared dimension may lie either way: the workbook reader does not hold it, nor do we."""
    rewrite(synthetic_copy / "responses-2025.xlsx", SHEET,
            lambda xml: xml.replace(b'<dimension ref="A1:L516" />', b'<dimension ref="A1:XFD1048576" />'))
    pd.testing.assert_frame_equal(load_dataset(synthetic_copy).figures, synthetic.figures)


def test_cells_without_references_are_counted_where_they_fall(synthetic_copy):
    far = b'<row r="1048576">' + b"<c><v>1</v></c>" * 40 + b"</row></sheetData>"
    rewrite(synthetic_copy / "responses-2025.xlsx", SHEET, lambda xml: xml.replace(b"</sheetData>", far))
    cli_refused(run_cli("check-data", "--data", synthetic_copy),
                "found 'a cell at A1048576 (xl/worksheets/sheet1.xml)'")


def test_a_workbook_that_inflates_far_beyond_its_size_is_refused(synthetic_copy):
    path = synthetic_copy / "responses-2025.xlsx"
    rewrite(path, SHEET, lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + b" " * 60_000_000))
    message = refused(lambda: load_dataset(synthetic_copy), "responses-2025.xlsx: found '",
                      "expected an Excel workbook (.xlsx) that inflates to at most 100 times its size")
    assert re.search(r"found '[\d,]+ bytes that inflate to 60,3[\d,]+'", message), message


def test_a_damaged_part_of_a_workbook_is_named(synthetic_copy):
    path = synthetic_copy / "responses-2025.xlsx"
    rewrite(path, SHEET, lambda xml: xml, stored=True)
    path.write_bytes(path.read_bytes().replace(b"Northside", b"Northsidf", 1))
    refused(lambda: load_dataset(synthetic_copy),
            "responses-2025.xlsx: found \"xl/worksheets/sheet1.xml: Bad CRC-32",
            "expected an Excel workbook (.xlsx) whose parts are whole")


def test_a_sheet_that_is_not_xml_is_named(synthetic_copy):
    rewrite(synthetic_copy / "responses-2025.xlsx", SHEET, lambda xml: xml[:5000])
    refused(lambda: load_dataset(synthetic_copy),
            "found 'xl/worksheets/sheet1.xml: unclosed token: line 1, column",
            "expected an Excel workbook (.xlsx) of well-formed XML")


def test_a_long_cell_of_a_workbook_is_echoed_cut(synthetic_copy):
    rewrite(synthetic_copy / "responses-2025.xlsx", SHEET,
            lambda xml: xml.replace(b'<c r="F2" t="inlineStr"><is><t>',
                                    b'<c r="F2" t="inlineStr"><is><t>' + b"Nope" * 250_000, 1))
    refused(lambda: load_dataset(synthetic_copy), "responses-2025.xlsx, row 2, column 'Q1_belong'",
            "found 'NopeNope", "characters in all)", "an answer to belong")


def test_a_workbook_that_is_not_a_zip_is_named(synthetic_copy):
    (synthetic_copy / "responses-2025.xlsx").write_bytes(b"PK\x03\x04 and then nothing")
    refused(lambda: load_dataset(synthetic_copy), "responses-2025.xlsx: found 'a file that will not open (",
            "expected an Excel workbook (.xlsx)")


# --- exports as Excel saves them in other languages, and rows named right (item 10) -------------


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def saved(rows: list[list[str]], separator: str) -> str:
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return text.getvalue()


def decimal_commas(rows: list[list[str]]) -> list[list[str]]:
    return [[re.sub(r"^(\d+)\.(\d+)$", r"\1,\2", cell) for cell in row] for row in rows]


def test_an_export_saved_as_unicode_text_gives_the_same_figures(synthetic_copy, synthetic):
    """Excel's "Unicode Text": UTF-16 with its byte-order mark, separated by tabs."""
    path = synthetic_copy / "responses-2024.csv"
    path.write_bytes(saved(rows_of(path), "\t").encode("utf-16"))
    assert path.read_bytes()[:2] == b"\xff\xfe"
    pd.testing.assert_frame_equal(load_dataset(synthetic_copy).figures, synthetic.figures)


def test_an_export_in_utf16_with_commas_gives_the_same_figures(synthetic_copy, synthetic):
    path = synthetic_copy / "responses-2024.csv"
    path.write_bytes(saved(rows_of(path), ",").encode("utf-16-be").join([b"\xfe\xff", b""]))
    pd.testing.assert_frame_equal(load_dataset(synthetic_copy).figures, synthetic.figures)


def test_an_export_with_semicolons_and_decimal_commas_gives_the_same_figures(synthetic_copy, synthetic):
    path = synthetic_copy / "responses-2024.csv"
    rows = decimal_commas(rows_of(path))
    assert rows[1][-1] == "0,690"
    path.write_text(saved(rows, ";"), encoding="utf-8-sig")
    pd.testing.assert_frame_equal(load_dataset(synthetic_copy).figures, synthetic.figures)


def test_published_figures_with_semicolons_and_decimal_commas_are_the_same(data_copy, tfs):
    path = data_copy / "figures.csv"
    path.write_text(saved(decimal_commas(rows_of(path)), ";"), encoding="utf-8")
    pd.testing.assert_frame_equal(load_dataset(data_copy).figures, tfs.figures)


def test_published_figures_in_utf16_are_the_same(data_copy, tfs):
    path = data_copy / "figures.csv"
    path.write_bytes(path.read_text().encode("utf-16"))
    pd.testing.assert_frame_equal(load_dataset(data_copy).figures, tfs.figures)


def test_utf16_without_its_byte_order_mark_is_refused(synthetic_copy):
    path = synthetic_copy / "responses-2024.csv"
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode("utf-16-le"))
    refused(lambda: load_dataset(synthetic_copy), "responses-2024.csv, row 1",
            "found 'NUL characters, as UTF-16 without a byte-order mark has'",
            "or UTF-16 with its byte-order mark")


def test_a_thousands_point_in_a_semicolon_file_is_refused(synthetic_copy):
    path = synthetic_copy / "responses-2024.csv"
    rows = decimal_commas(rows_of(path))
    rows[1][-1] = "1.000,5"
    path.write_text(saved(rows, ";"), encoding="utf-8")
    refused(lambda: load_dataset(synthetic_copy), "responses-2024.csv, row 2, column 'Weight'",
            "found '1.000,5'", "expected a weight: a number of 0 or more")


def test_an_unclosed_quote_is_named_at_the_row_it_opens(synthetic_copy):
    path = synthetic_copy / "responses-2024.csv"
    edit(path, "R2024-001-002,Northside Community School,Parent or caregiver",
         'R2024-001-002,"Northside Community School,Parent or caregiver')
    assert len(path.read_text().splitlines()) > 400
    refused(lambda: load_dataset(synthetic_copy), "responses-2024.csv, row 3:",
            "expected a closing quote (\") for the quoted cell that opens on this row")


def test_a_quoted_cell_over_two_lines_is_read_and_later_rows_keep_their_lines(data_copy):
    path = data_copy / "figures.csv"
    text = path.read_text()
    header, first, rest = text.split("\n", 2)
    path.write_text("\n".join([header, first, rest.replace("year-2,dayton,", "year-2,\"day\nton\",", 1)]))
    refused(lambda: load_dataset(data_copy), "figures.csv, row 3, column 'site'", "found 'day\\nton'")


def test_problems_are_listed_by_file_then_row_then_column():
    from helpers.errors import Problem

    found = [Problem("b.csv", "x", row=9, column="Q3_10"), Problem("a.yaml", "a key", column="items.0"),
             Problem("b.csv", "x", row=2), Problem("b.csv", "x", row=9, column="Q3_2"),
             Problem("a.yaml", "x", row=3), Problem("b.csv", "the file's header")]
    assert [(p.file, p.row, p.column) for p in InputError(found).problems] == [
        ("b.csv", None, None), ("b.csv", 2, None), ("b.csv", 9, "Q3_2"), ("b.csv", 9, "Q3_10"),
        ("a.yaml", None, "items.0"), ("a.yaml", 3, None)]
