"""A report's tables for a spreadsheet: one Excel workbook, a sheet per table, and a CSV file per
table, written beside the report's HTML and linked from its page.

The tables come from the executed notebook (helpers.report.Table puts each table it shows in
its output's metadata), with their numbers as the page shows them: rounded as on the page and
stored as numbers; a withheld or missing cell is the page's "—", explained on the workbook's
first sheet.
"""

import csv
import io
import re
from pathlib import Path

import xlsxwriter

from helpers.language import N_, _

SIGNS = [
    ("—", N_("Withheld to protect the people behind a small number, or not available; never zero.")),
    ("‡", N_("Rests on so few respondents that its interval is too wide to read much into.")),
    (N_("not defined"), N_("A ratio whose lowest value is zero.")),
]


def names(sheets: list[dict]) -> list[str]:
    """Returns each table's sheet name, by its place in the page: "Table 01" (in the report's
    language), within Excel's 31 characters and unique."""
    width = max(2, len(str(len(sheets))))
    return [_("Table {number}").format(number=f"{i:0{width}d}") for i in range(1, len(sheets) + 1)]


def about_sheet() -> str:
    return _("About")


def csv_name(sheet_name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", sheet_name.lower()).strip("-") + ".csv"


def folder_of(stem: str) -> str:
    """Returns the folder, beside the report's HTML, that holds its CSV files."""
    return f"{stem}-csv"


def links(stem: str, sheets: list[dict]) -> list[tuple[str, str]]:
    """Returns (relative address, title) of the workbook and of each table's CSV file."""
    shown = [(f"{stem}.xlsx", "workbook")]
    for name, sheet in zip(names(sheets), sheets, strict=True):
        shown.append((f"{folder_of(stem)}/{csv_name(name)}", sheet["title"] or name))
    return shown


def workbook(sheets: list[dict], about: list[tuple[str, str]]) -> bytes:
    """Returns the workbook: an About sheet (what the report is, what its signs mean, which sheet
    holds which table), then one sheet per table with its header row frozen."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    first = book.add_worksheet(about_sheet())
    signs = [(sign if sign in "—‡" else _(sign), _(meaning)) for sign, meaning in SIGNS]
    rows = [*about, ("", ""), (_("Sign"), _("Meaning")), *signs,
            ("", ""), (_("Sheet"), _("Table"))]
    rows += list(zip(names(sheets), (s["title"] for s in sheets), strict=True))
    for r, (key, value) in enumerate(rows):
        first.write_string(r, 0, key, bold)
        first.write_string(r, 1, value, wrap)
    first.set_column(0, 0, 32)
    first.set_column(1, 1, 100)
    for name, sheet in zip(names(sheets), sheets, strict=True):
        page = book.add_worksheet(name)
        for c, column in enumerate(sheet["columns"]):
            page.write_string(0, c, column, bold)
        for r, row in enumerate(sheet["rows"], 1):
            for c, value in enumerate(row):
                if isinstance(value, bool):
                    page.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    page.write_number(r, c, value)
                else:
                    page.write_string(r, c, str(value))
        for c, column in enumerate(sheet["columns"]):
            longest = max([len(column), *(len(str(row[c])) for row in sheet["rows"])])
            page.set_column(c, c, min(60, longest + 2))
        page.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def csv_bytes(sheet: dict) -> bytes:
    """Returns one table as CSV, UTF-8 with a byte-order mark so that Excel reads "—" right."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(sheet["columns"])
    writer.writerows(sheet["rows"])
    return text.getvalue().encode("utf-8-sig")


def write(folder: Path, stem: str, sheets: list[dict], about: list[tuple[str, str]], write_file) -> None:
    """Writes STEM.xlsx and STEM-csv/*.csv into FOLDER with write_file(path, bytes), and removes
    CSV files an earlier run left there that this run did not write."""
    folder = Path(folder)
    write_file(folder / f"{stem}.xlsx", workbook(sheets, about))
    written = set()
    for name, sheet in zip(names(sheets), sheets, strict=True):
        path = folder / folder_of(stem) / csv_name(name)
        write_file(path, csv_bytes(sheet))
        written.add(path.name)
    for old in (folder / folder_of(stem)).glob("*.csv"):
        if old.name not in written:
            old.unlink(missing_ok=True)
