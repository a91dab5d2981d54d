"""Each report's tables in a spreadsheet: the workbook and CSV files its page links, read back with
pandas and compared, cell by cell, with the tables on the page."""

import math
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from helpers import spreadsheet

from .conftest import REPORTS


def pages(rendered, other_datasets) -> list[Path]:
    return [*sorted((rendered[0] / "html" / "tfs").glob("*.html")),
            *sorted((other_datasets[0] / "html").glob("*/*.html"))]


def page_tables(soup) -> list[list[list[str]]]:
    """Returns each data table on the page as rows of cell texts, its header row first."""
    return [[[cell.get_text() for cell in row.find_all(["th", "td"])] for row in table.find_all("tr")]
            for table in soup.select("table.data-table")]


def same(text: str, value) -> bool:
    """Whether a cell as the page prints it and as the workbook holds it are the same figure."""
    if isinstance(value, float) and math.isnan(value):
        return text == ""  # an empty label; withheld cells are "—" in both
    if isinstance(value, bool):
        return text == str(value)
    if isinstance(value, int | float):
        try:
            return float(text.replace(",", "")) == value
        except ValueError:
            return False
    return text == str(value)


@pytest.fixture(scope="module")
def every_page(rendered, other_datasets):
    return pages(rendered, other_datasets)


def test_every_report_links_a_workbook_and_csv_files_that_exist(every_page):
    assert len(every_page) == len(REPORTS) + 26 + 2  # synthetic's, Tacoma's
    for path in every_page:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = [a["href"] for a in soup.select("section.downloads a[download]")]
        tables = len(soup.select("table.data-table"))
        assert tables > 0, path
        assert links[0] == f"{path.stem}.xlsx", path
        assert len(links) == 1 + tables, path
        for link in links:
            assert (path.parent / link).is_file(), (path, link)
        assert soup.select_one('nav.toc a[href="#the-numbers-in-a-spreadsheet"]'), path


def test_the_workbook_opens_with_pandas_and_holds_the_figures_on_the_page(every_page):
    compared = 0
    for path in every_page:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        book = pd.read_excel(path.with_suffix(".xlsx"), sheet_name=None, engine="openpyxl")
        about, *sheets = book.items()
        assert about[0] == "About"  # the first sheet, in the report's language
        shown = page_tables(soup)
        assert len(sheets) == len(shown), path
        for (name, frame), table in zip(sheets, shown, strict=True):
            header, *rows = table
            assert list(frame.columns) == header, (path, name)
            assert len(frame) == len(rows), (path, name)
            for row, cells in zip(frame.itertuples(index=False), rows, strict=True):
                for value, text in zip(row, cells, strict=True):
                    assert same(text, value), (path.name, name, text, value)
                    compared += 1
        # Figures are stored as numbers, not as text (a column with a withheld "—" holds both); a
        # snapshot whose every figure is withheld has none.
        numeric = [c for _, f in sheets for c in f.columns if pd.api.types.is_numeric_dtype(f[c])]
        numbers = [v for _, f in sheets for c in f.columns for v in f[c]
                   if pd.api.types.is_number(v) and not pd.api.types.is_bool(v) and v == v]
        withheld = all((f.iloc[:, 1:4] == "—").all().all() for _, f in sheets)
        assert numeric or numbers or withheld, path
    assert compared > 5_000


def test_the_csv_files_hold_the_same_tables_as_the_workbook(every_page):
    for path in every_page:
        book = pd.read_excel(path.with_suffix(".xlsx"), sheet_name=None, engine="openpyxl")
        files = sorted((path.parent / spreadsheet.folder_of(path.stem)).glob("*.csv"))
        names = [name for name in book if name != "About"]
        assert [f.name for f in files] == [spreadsheet.csv_name(n) for n in names], path
        for file, name in zip(files, names, strict=True):
            assert file.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 by its mark
            from_csv = pd.read_csv(file, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
            sheet = book[name]
            assert list(from_csv.columns) == list(sheet.columns), file
            for column in sheet.columns:
                numbers = pd.to_numeric(sheet[column], errors="coerce")
                pd.testing.assert_series_equal(  # the same numbers (CSV reads 11, Excel 11.0)
                    pd.to_numeric(from_csv[column], errors="coerce"), numbers, check_dtype=False,
                    obj=str(file))
                words = numbers.isna()  # and the same words, "—" included
                pd.testing.assert_series_equal(from_csv[column][words].astype(str),
                                               sheet[column][words].astype(str), obj=str(file))


def test_the_workbook_says_what_its_signs_mean_and_where_it_comes_from(rendered, other_datasets):
    tfs = pd.read_excel(rendered[0] / "html" / "tfs" / "memphis.xlsx", sheet_name="About",
                        header=None, engine="openpyxl")
    cells = dict(zip(tfs[0], tfs[1], strict=True))
    assert cells["Report"] == "Together for Students: Memphis"
    assert cells["—"].startswith("Withheld to protect")
    assert "Synthetic data" not in cells
    synthetic = pd.read_excel(other_datasets[0] / "html" / "synthetic" / "network.xlsx",
                              sheet_name="About", header=None, engine="openpyxl")
    assert "Synthetic data" in set(synthetic[0])


def test_withheld_cells_are_the_page_s_dash_in_the_workbook(other_datasets):
    """The synthetic dataset withholds small cells; they stay "—" in the workbook, never 0."""
    withheld = 0
    for path in sorted((other_datasets[0] / "html" / "synthetic").glob("*.xlsx")):
        for frame in pd.read_excel(path, sheet_name=None, engine="openpyxl").values():
            withheld += int((frame == "—").to_numpy().sum())
    assert withheld > 0


def test_sheet_names_fit_excel_and_stay_unique():
    names = spreadsheet.names([{"name": "chart-x", "title": ""}] * 120)
    assert len(set(names)) == 120
    assert all(len(n) <= 31 and not set("[]:*?/\\") & set(n) for n in names)
    assert names[0] == "Table 001"
    assert spreadsheet.csv_name(names[0]) == "table-001.csv"
