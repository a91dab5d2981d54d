"""A report's tables for a spreadsheet: one Excel workbook, a sheet per table, and a CSV file per
table, written beside the report's HTML and linked from its page.

The tables come from the executed notebook (helpers.report.DataTable puts each table it shows in
its output's metadata), with their numbers as the page shows them: rounded as on the page and
stored as numbers; a withheld or missing cell is the page's "—", explained on the workbook's
first sheet.
"""

import csv
import io
import re
from datetime import UTC, datetime

import xlsxwriter

from helpers.language import N_, _, number
from helpers.marks import PRECISION, WITHHELD

FORMULA_SIGNS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads a formula by (OWASP)
CELL_LIMIT = 32_767  # the most an Excel cell holds, in UTF-16 units
EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # a workbook's time when the report's is not known (zip's epoch)

SIGNS = [
    (WITHHELD, N_("Withheld to protect the people behind a small number, or not available; never zero.")),
    (PRECISION, N_("Rests on so few respondents that its interval is too wide to read much into.")),
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


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read the text as a formula: it begins with one of FORMULA_SIGNS."""
    return text.startswith(FORMULA_SIGNS)


def fitted(text: str) -> str:
    """Returns the text as an Excel cell holds it: whole up to CELL_LIMIT UTF-16 units, else cut so
    that it says so, pointing to the CSV file, which holds it whole."""
    if len(text) <= CELL_LIMIT // 2 or len(text.encode("utf-16-le")) // 2 <= CELL_LIMIT:
        return text
    note = " " + _("[Cut here: an Excel cell holds at most {limit} characters. The CSV file holds the "
                   "whole text.]").format(limit=number(CELL_LIMIT, 0))
    room = CELL_LIMIT - len(note.encode("utf-16-le")) // 2
    kept = text.encode("utf-16-le")[:room * 2].decode("utf-16-le", errors="ignore")
    return kept + note


def workbook(sheets: list[dict], about: list[tuple[str, str]], created: datetime | None = None) -> bytes:
    """Returns the workbook: an About sheet (what the report is, what its signs mean, which sheet
    holds which table), then one sheet per table with its header row frozen.

    Numbers are stored as numbers; a text that a spreadsheet would read as a formula (=, +, -, @)
    stays text, marked so (Excel's quote prefix) that editing the cell keeps it text. The file's
    creation time is given (the report's time, SOURCE_DATE_EPOCH when set): the same inputs give
    the same bytes."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"created": created or EPOCH})
    styles = {(bold, wrap, quoted): book.add_format(
        {"bold": bold, **({"text_wrap": True, "valign": "top"} if wrap else {}), "quote_prefix": quoted})
        for bold in (False, True) for wrap in (False, True) for quoted in (False, True)}

    def text(page, r: int, c: int, value: str, bold: bool = False, wrap: bool = False) -> None:
        page.write_string(r, c, fitted(value), styles[bold, wrap, formula_like(value)])

    first = book.add_worksheet(about_sheet())
    signs = [(sign if sign in "—‡" else _(sign), _(meaning)) for sign, meaning in SIGNS]
    rows = [*about, ("", ""), (_("Sign"), _("Meaning")), *signs,
            ("", ""), (_("Sheet"), _("Table"))]
    rows += list(zip(names(sheets), (s["title"] for s in sheets), strict=True))
    for r, (key, value) in enumerate(rows):
        text(first, r, 0, key, bold=True)
        text(first, r, 1, value, wrap=True)
    first.set_column(0, 0, 32)
    first.set_column(1, 1, 100)
    for name, sheet in zip(names(sheets), sheets, strict=True):
        page = book.add_worksheet(name)
        for c, column in enumerate(sheet["columns"]):
            text(page, 0, c, column, bold=True)
        for r, row in enumerate(sheet["rows"], 1):
            for c, value in enumerate(row):
                if isinstance(value, bool):
                    page.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    page.write_number(r, c, value)
                else:
                    text(page, r, c, str(value))
        for c, column in enumerate(sheet["columns"]):
            longest = max([len(column), *(len(str(row[c])) for row in sheet["rows"])])
            page.set_column(c, c, min(60, longest + 2))
        page.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def csv_bytes(sheet: dict) -> bytes:
    """Returns one table as CSV, UTF-8 with a byte-order mark so that Excel reads "—" right. A text
    cell that a spreadsheet would run as a formula begins with an apostrophe, as OWASP advises
    ("CSV injection"), so that it shows as text; numbers stay numbers, negative ones included."""
    def cell(value):
        return "'" + value if isinstance(value, str) and formula_like(value) else value

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([cell(str(column)) for column in sheet["columns"]])
    writer.writerows([cell(value) for value in row] for row in sheet["rows"])
    return text.getvalue().encode("utf-8-sig")


def files(stem: str, sheets: list[dict], about: list[tuple[str, str]],
          created: datetime | None = None) -> dict[str, bytes]:
    """Returns the report's spreadsheet files by their names beside its HTML: STEM.xlsx and, with
    tables, STEM-csv/<table>.csv."""
    made = {f"{stem}.xlsx": workbook(sheets, about, created)}
    for name, sheet in zip(names(sheets), sheets, strict=True):
        made[f"{folder_of(stem)}/{csv_name(name)}"] = csv_bytes(sheet)
    return made
