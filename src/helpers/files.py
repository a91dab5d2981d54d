"""Reading a dataset's files as text, row by row, so that every message can name a row.

CSV (a UTF-8 byte-order mark dropped, Windows line ends read like any other, blank
lines skipped, cells trimmed), Excel .xlsx (calamine) and SPSS .sav (pyreadstat).
Every reader returns a DataFrame of text cells indexed by the row number a person
sees: the header is row 1 in a CSV file or a sheet; a .sav file has no header row,
so its first respondent is row 1.
"""

import csv
import io
from pathlib import Path

import pandas as pd

from helpers.errors import InputError, Problem
from helpers.paths import shown

EXPORT_TYPES = (".csv", ".xlsx", ".sav")


def read_csv_text(path: Path, columns: list[str], optional: tuple[str, ...] = (),
                  open_columns: bool = False) -> pd.DataFrame:
    """Returns a CSV file's cells as trimmed text, indexed by spreadsheet row (the header is row 1).

    Args:
        path: the file.
        columns: the columns it must have.
        optional: columns it may have besides.
        open_columns: any other column is accepted too (a survey export's questions).
    """
    path = Path(path)
    where, expected = shown(path), ", ".join(columns)
    if not path.is_file():
        raise InputError(Problem(where, f"a CSV file with the columns {expected} (see data/README.md)"))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            Problem(where, "text encoded as UTF-8 (save the sheet as 'CSV UTF-8')",
                    found=f"a byte that is not UTF-8 at position {error.start}")
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        lines = [(reader.line_num, [cell.strip() for cell in cells]) for cells in reader]
    except csv.Error as error:
        raise InputError(Problem(where, f"well-formed CSV ({error})", row=reader.line_num)) from None
    lines = [(number, cells) for number, cells in lines if any(cells)]
    if not lines:
        raise InputError(Problem(where, f"a header row: {expected}", found="an empty file"))
    (header_row, header), *body = lines
    return _frame(where, header_row, header, body, columns, optional, open_columns)


def _frame(where: str, header_row: int, header: list[str], body: list, columns: list[str],
           optional: tuple[str, ...], open_columns: bool) -> pd.DataFrame:
    """Returns the body as a text DataFrame after checking the header and the row lengths."""
    allowed = [*columns, *optional]
    problems = [
        Problem(where, f"a column named '{column}' ({', '.join(columns)})", row=header_row)
        for column in columns if column not in header
    ]
    if not open_columns:
        problems += [
            Problem(where, f"only the columns {', '.join(allowed)}", row=header_row, column=column,
                    found=column)
            for column in header if column not in allowed
        ]
    repeated = sorted({c for c in header if header.count(c) > 1 and c})
    problems += [Problem(where, "each column name once", row=header_row, column=c, found=c)
                 for c in repeated]
    if not problems:
        problems = [
            Problem(where, f"{len(header)} values, one for each column of the header",
                    row=number, found=f"{len(cells)} values")
            for number, cells in body if len(cells) != len(header)
        ]
    if not problems and not body:
        problems.append(Problem(where, "at least one row below the header", row=header_row + 1))
    if problems:
        raise InputError(problems)
    frame = pd.DataFrame([cells for _, cells in body], columns=header, dtype=str,
                         index=[number for number, _ in body])
    kept = [c for c in header if open_columns or c in allowed]
    return frame[kept]


def read_export(path: Path, columns: list[str], sheet: str | int = 0) -> pd.DataFrame:
    """Returns a respondent-level export (CSV, .xlsx or .sav) as text cells by row number.

    Args:
        path: the export.
        columns: the columns the codebook maps; each must be there.
        sheet: the Excel sheet, by name or position.
    """
    path = Path(path)
    where = shown(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_TYPES:
        raise InputError(Problem(where, "a survey export saved as " + ", ".join(EXPORT_TYPES),
                                 found=f"a {suffix or 'extensionless'} file"))
    if suffix == ".csv":
        return read_csv_text(path, columns, open_columns=True)
    if not path.is_file():
        raise InputError(Problem(where, f"a survey export with the columns {', '.join(columns)}"))
    try:
        if suffix == ".xlsx":
            # calamine (Rust) reads a workbook about ten times faster than openpyxl, the same cells
            raw = pd.read_excel(path, sheet_name=sheet, header=None, dtype=str, engine="calamine")
            first_row = 1
        else:
            import pyreadstat

            raw, _ = pyreadstat.read_sav(str(path), apply_value_formats=True)
            raw = pd.concat([pd.DataFrame([raw.columns], columns=raw.columns), raw.astype(object)])
            first_row = 0
    except Exception as error:  # a damaged or mislabelled file: say so, do not crash
        kind = "an Excel workbook (.xlsx)" if suffix == ".xlsx" else "an SPSS data file (.sav)"
        raise InputError(Problem(where, kind, found=f"a file that will not open ({error})")) from None
    raw = raw.map(lambda cell: "" if pd.isna(cell) else _text(cell))
    rows = [(number + first_row, list(cells)) for number, cells in enumerate(raw.to_numpy().tolist())]
    rows = [(number, cells) for number, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise InputError(Problem(where, "a header row and one row per respondent",
                                 found="an empty sheet"))
    (header_row, header), *body = rows
    return _frame(where, header_row, [h.strip() for h in header],
                  [(n, [c.strip() for c in cells]) for n, cells in body], columns, (), True)


def _text(cell) -> str:
    """Returns a cell as an export shows it: 3.0 as "3", text as it is."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)
