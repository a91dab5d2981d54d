"""Reading a dataset's files as text, row by row, so that every message can name a row.

YAML files (a codebook, its translations, params) are read by :func:`read_yaml`, which names the
row of a key given twice and refuses aliases that stand for too much and runaway nesting.

CSV (a UTF-8 byte-order mark dropped, Windows line ends read like any other, blank
lines skipped, cells trimmed), Excel .xlsx (calamine) and SPSS .sav (pyreadstat).
Every reader returns a DataFrame of text cells indexed by the row number a person
sees: the header is row 1 in a CSV file or a sheet; a .sav file has no header row,
so its first respondent is row 1.

CSV files as Excel saves them in other languages are read too: UTF-16 with its
byte-order mark ("Unicode text", tab-separated), and values separated by semicolons
with decimal commas (54,5 is read as 54.5 in such a file). The separator is the one
under which the header names the most of the columns expected, a comma when none does.
"""

import codecs
import csv
import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

import yaml

from helpers.errors import InputError, Problem
from helpers.paths import shown

if TYPE_CHECKING:  # pandas is imported where a table is made: reading a codebook needs none
    import pandas as pd

EXPORT_TYPES = (".csv", ".xlsx", ".sav", ".dta")
SEPARATORS = (",", ";", "\t")  # as Excel saves CSV in English, in most other languages, as Unicode text
DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+%?")  # 54,5 in a file separated by semicolons
WORKBOOK = "an Excel workbook (.xlsx)"
# The workbook reader (calamine) holds every cell of a sheet's range from A1 to its last cell,
# and aborts the whole process when that does not fit in memory (to XFD1048576: 17 billion).
LARGEST_SHEET = 10_000_000
INFLATION, SMALL = 100, 10 * 2**20  # a workbook may inflate to 100 times its size, or to 10 MB
CHUNK = 2**18  # rows of a CSV export read as text at once, before they become categories


def read_text(path: Path, advice: str = "save it as UTF-8") -> str:
    """Returns a text file's content: UTF-8 (a byte-order mark dropped) or UTF-16 with its
    byte-order mark; raises InputError naming the row of the first byte that is neither.

    Args:
        path: the file (it must exist).
        advice: what to do about another encoding, in the words of the program that saves it.
    """
    data = Path(path).read_bytes()
    marks = {codecs.BOM_UTF8: "utf-8", codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}
    mark = next((mark for mark in marks if data.startswith(mark)), b"")
    encoding = marks.get(mark, "utf-8")
    try:
        text = data[len(mark):].decode(encoding)
    except UnicodeDecodeError as error:
        at = len(mark) + error.start
        row = data[len(mark):at].decode(encoding, errors="replace").count("\n") + 1
        raise InputError(Problem(
            shown(path), f"text encoded as {encoding[:6].upper()} ({advice})",
            row=row, found=f"the byte 0x{data[at]:02X} (byte {at + 1:,} of the file)")) from None
    if "\x00" in text:
        raise InputError(Problem(
            shown(path), f"text encoded as UTF-8 ({advice}), or UTF-16 with its byte-order mark",
            row=text[:text.index("\x00")].count("\n") + 1,
            found="NUL characters, as UTF-16 without a byte-order mark has")) from None
    return text


def read_csv_text(path: Path, columns: list[str], optional: tuple[str, ...] = (),
                  open_columns: bool = False) -> "pd.DataFrame":
    """Returns a CSV file's cells as trimmed text, indexed by spreadsheet row (the header is row 1).

    Args:
        path: the file.
        columns: the columns it must have.
        optional: columns it may have besides.
        open_columns: any other column is accepted too (a survey export's questions).
    """
    path = Path(path)
    where = shown(path)
    lines = csv_lines(path, columns)
    if not lines:
        raise InputError(Problem(where, f"a header row: {', '.join(columns)}", found="an empty file"))
    (header_row, header), *body = lines
    return _frame(where, header_row, header, body, columns, optional, open_columns)


def csv_lines(path: Path, columns: list[str]) -> list[tuple[int, list[str]]]:
    """Returns a CSV file's non-blank rows as (the line it starts on, its trimmed cells).

    Args:
        path: the file.
        columns: the columns it should have: the separator is the one under which its first row
            names the most of them.
    """
    path = Path(path)
    where, expected = shown(path), ", ".join(columns)
    if not path.is_file():
        raise InputError(Problem(where, f"a CSV file with the columns {expected} (see data/README.md)"))
    text = read_text(path, "save the sheet as 'CSV UTF-8'")
    separator = max(SEPARATORS, key=lambda s: (len(set(columns) & set(_header(text, s))), s == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    clean = _decimal_point if separator == ";" else str.strip
    lines, start = [], 1  # each row by the line it starts on: a quoted cell may span lines
    try:
        for cells in reader:
            lines.append((start, [clean(cell) for cell in cells]))
            start = reader.line_num + 1
    except csv.Error as error:
        raise InputError(Problem(where, _well_formed(str(error), separator), row=start)) from None
    return [(number, cells) for number, cells in lines if any(cells)]


def frame_of(where: str, header_row: int, header: list[str], body: list,
             columns: list[str] | None) -> "pd.DataFrame":
    """Returns an export's rows as a text DataFrame of the given columns only (None: every column
    named once), after checking that each is there once and every row has a value for each column."""
    if columns is None:
        columns = [c for c in header if c and header.count(c) == 1]
    return _frame(where, header_row, header, body, columns, (), True, keep=columns)


def read_csv_columns(path: Path, columns: list[str]) -> "pd.DataFrame | None":
    """Returns only the given columns of a one-header-row CSV file, read by pandas' C reader, as
    trimmed texts (categories) indexed by spreadsheet row; None where that reader cannot keep the promises of
    :func:`csv_lines` (a row spanning lines, a blank line, a row of the wrong length, a separator
    with decimal commas, UTF-16, a byte that is not UTF-8, a column named twice, a cell longer than
    the csv module takes), so that the
    row-by-row reader names the row at fault. A million rows take seconds, not minutes."""
    import pandas as pd
    from pandas.api.types import union_categoricals

    path = Path(path)
    with path.open("rb") as file:
        start = file.read(2**16)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or not columns:
        return None
    first = start.removeprefix(codecs.BOM_UTF8).split(b"\n", 1)[0].decode("utf-8", errors="replace")
    separator = max(SEPARATORS, key=lambda s: (len(set(columns) & set(_header(first, s))), s == ","))
    header = _header(first, separator)
    if separator == ";" or any(header.count(c) != 1 for c in columns) or '"' in first:
        return None
    wanted = set(columns)
    try:
        chunks = pd.read_csv(path, sep=separator, usecols=lambda name: name.strip() in wanted, dtype=str,
                             na_filter=False, encoding="utf-8-sig", engine="c", skip_blank_lines=False,
                             chunksize=CHUNK)
        parts = [chunk.astype("category") for chunk in chunks]  # the texts as categories: small
        if not parts:
            return None
        frame = pd.DataFrame({column: union_categoricals([part[column] for part in parts])
                              for column in parts[0].columns})
    except (ValueError, UnicodeDecodeError):  # pandas' ParserError is a ValueError
        return None
    lines = 0
    with path.open("rb") as file:
        while chunk := file.read(2**24):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    lines += last != b"\n"
    if lines != len(frame) + 1 or frame.isna().to_numpy().any():
        return None
    frame.columns = [c.strip() for c in frame.columns]
    frame.index = range(2, len(frame) + 2)
    longest = csv.field_size_limit()
    for column in frame.columns:  # each distinct text trimmed once
        values = frame[column].cat.categories
        if any(len(text) > longest for text in values):  # the row-by-row reader names its row
            return None
        trimmed = [text.strip() for text in values]
        if len(set(trimmed)) == len(trimmed):
            frame[column] = frame[column].cat.rename_categories(trimmed)
        else:  # " agree " and "agree" are one text
            frame[column] = frame[column].astype(str).str.strip().astype("category")
    return frame[list(dict.fromkeys(columns))]


def _header(text: str, separator: str) -> list[str]:
    """Returns the first non-blank line's cells under a separator."""
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    return [cell.strip() for cell in next(csv.reader([first], delimiter=separator), [])]


def _decimal_point(cell: str) -> str:
    """Returns a trimmed cell of a file separated by semicolons, its decimal comma as a point."""
    cell = cell.strip()
    return cell.replace(",", ".") if DECIMAL_COMMA.fullmatch(cell) else cell


def _well_formed(error: str, separator: str) -> str:
    """Returns what the csv module's complaint wanted, in words."""
    if "unexpected end of data" in error:
        return ("a closing quote (\") for the quoted cell that opens on this row; "
                "as it is, the cell runs to the end of the file")
    if "expected after" in error:
        return (f"a {'tab' if separator == chr(9) else repr(separator)} or the end of the row "
                "right after a closing quote (a quote inside a quoted cell is written twice: \"\")")
    if "field larger than field limit" in error:
        return f"cells of at most {csv.field_size_limit():,} characters"
    return f"well-formed CSV ({error})"


def _frame(where: str, header_row: int, header: list[str], body: list, columns: list[str],
           optional: tuple[str, ...], open_columns: bool, keep: list[str] | None = None) -> "pd.DataFrame":
    """Returns the body as a text DataFrame after checking the header and the row lengths; keep:
    only these columns (a repeated name elsewhere is no mistake), each read once."""
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
    repeated = sorted({c for c in header if header.count(c) > 1 and c and (keep is None or c in keep)})
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
    import pandas as pd

    index = [number for number, _ in body]
    if keep is not None:  # only the columns named: the others are never made into a table
        positions = [header.index(c) for c in dict.fromkeys(keep)]
        return pd.DataFrame({header[p]: [cells[p] for _, cells in body] for p in positions},
                            index=index, dtype=str)
    frame = pd.DataFrame([cells for _, cells in body], columns=header, dtype=str, index=index)
    kept = [c for c in header if open_columns or c in allowed]
    return frame[kept]


def read_export(path: Path, columns: list[str] | None, sheet: str | int = 0) -> "pd.DataFrame":
    """Returns a respondent-level export (CSV, .xlsx; .sav and .dta through helpers.tools) as text
    cells by row number, only the given columns.

    Args:
        path: the export.
        columns: the columns the codebook maps; each must be there (None: every column named once).
        sheet: the Excel sheet, by name or position.
    """
    import pandas as pd

    path = Path(path)
    where = shown(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_TYPES:
        raise InputError(Problem(where, "a survey export saved as " + ", ".join(EXPORT_TYPES),
                                 found=f"a {suffix or 'extensionless'} file"))
    if suffix == ".csv":
        lines = csv_lines(path, columns or [])
        if not lines:
            raise InputError(Problem(where, f"a header row: {', '.join(columns or [])}",
                                     found="an empty file"))
        return frame_of(where, lines[0][0], lines[0][1], lines[1:], columns)
    if suffix in (".sav", ".dta"):
        from helpers.tools import read

        return read(path, columns).cells
    if not path.is_file():
        raise InputError(Problem(where, f"a survey export with the columns {', '.join(columns or [])}"))
    check_workbook(path)
    try:
        # calamine (Rust) reads a workbook about ten times faster than openpyxl, the same cells
        raw = pd.read_excel(path, sheet_name=sheet, header=None, dtype=str, engine="calamine")
    except Exception as error:  # a damaged or mislabelled file: say so, do not crash
        raise InputError(Problem(where, WORKBOOK, found=f"a file that will not open ({error})")) from None
    raw = raw.map(lambda cell: "" if pd.isna(cell) else _text(cell))
    rows = [(number + 1, list(cells)) for number, cells in enumerate(raw.to_numpy().tolist())]
    rows = [(number, cells) for number, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise InputError(Problem(where, "a header row and one row per respondent",
                                 found="an empty sheet"))
    (header_row, header), *body = rows
    return frame_of(where, header_row, [h.strip() for h in header],
                    [(n, [c.strip() for c in cells]) for n, cells in body], columns)


def check_workbook(path: Path) -> None:
    """Raises InputError unless the .xlsx file is a zip archive that inflates to at most INFLATION
    times its size (or SMALL), whose parts are whole, and whose every sheet holds at most
    LARGEST_SHEET cells from A1 to its last cell, by the cells' own references (a declared
    dimension may lie): checked before the native reader opens it, which would abort instead."""
    where = shown(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError(Problem(where, WORKBOOK, found=f"a file that will not open ({error})")) from None
    with archive:
        inflated = sum(member.file_size for member in archive.infolist())
        size = Path(path).stat().st_size
        if inflated > max(INFLATION * size, SMALL):
            raise InputError(Problem(
                where, f"{WORKBOOK} that inflates to at most {INFLATION} times its size",
                found=f"{size:,} bytes that inflate to {inflated:,}"))
        for member in archive.infolist():
            try:
                with archive.open(member) as part:
                    if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                        _check_sheet(part, member.filename, where)
                    else:
                        while part.read(2**20):
                            pass
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:  # zlib.error: OSError
                raise InputError(Problem(where, f"{WORKBOOK} whose parts are whole",
                                         found=f"{member.filename}: {error}")) from None
            except ElementTree.ParseError as error:
                raise InputError(Problem(where, f"{WORKBOOK} of well-formed XML",
                                         found=f"{member.filename}: {error}")) from None


def _check_sheet(part, name: str, where: str) -> None:
    """Raises InputError if a sheet's cells reach too far (counted from A1, as a sheet is read
    into a table). Its declared dimension is not read: it may lie, and calamine does not hold it."""
    rows = columns = row = column = 0
    for event, element in ElementTree.iterparse(part, events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if event == "end":
            if tag == "row":
                element.clear()
            continue
        if tag == "row":
            row = int(element.get("r")) if (element.get("r") or "").isdigit() else row + 1
            column = 0
        elif tag == "c":
            row, column = _cell(element.get("r") or "") or (row, column + 1)
            rows, columns = max(rows, row), max(columns, column)
            if rows * columns > LARGEST_SHEET:
                _too_large(where, f"a cell at {_reference(row, column)} ({name})")


def _cell(reference: str) -> tuple[int, int] | None:
    """Returns a cell reference's (row, column), both from 1: "B3" is (3, 2); None if it is not one."""
    found = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})", reference.strip())
    if not found:
        return None
    column = 0
    for letter in found[1].upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(found[2]), column


def _reference(row: int, column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"


def _too_large(where: str, found: str) -> None:
    raise InputError(Problem(where, f"{WORKBOOK} whose sheets hold at most {LARGEST_SHEET:,} cells "
                             "from A1 to their last row and column", found=found))


def _text(cell) -> str:
    """Returns a cell as an export shows it: 3.0 as "3", text as it is."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


# --- YAML: a codebook, its translations, params ------------------------------------------------------

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where PyYAML was built with it
# Values a YAML file may stand for once its aliases are expanded: a thousand sites' codebook is
# some 10,000; "billion laughs", a few kilobytes of aliases of aliases, stands for billions.
EXPANDED = 1_000_000
DEEPEST = 64  # levels of nesting (a codebook has six)
MERGE = "tag:yaml.org,2002:merge"


def read_yaml(path: Path, missing: str, expected: str = "valid YAML"):
    """Returns a YAML file's content (None for an empty file), or raises InputError: not there
    (missing says what it should be), not UTF-8 (the row of the byte), not YAML (its row), a
    key given twice in one mapping (both rows: YAML would keep the second silently),
    aliases standing for more than EXPANDED values, or nesting deeper than DEEPEST.
    """
    where = shown(path)
    if not Path(path).is_file():
        raise InputError(Problem(where, missing))
    text = read_text(path)
    try:
        _check_depth(text, where)  # before composing, which recurses and would overflow the stack
        loader = SAFE_LOADER(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_nodes(node, where, loader.construct_object)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(Problem(where, expected, row=mark.line + 1 if mark else None,
                                 found=str(getattr(error, "problem", None) or error))) from None


def _check_depth(text: str, where: str) -> None:
    """Raises InputError if lists and mappings nest deeper than DEEPEST."""
    depth = 0
    for event in yaml.parse(text, Loader=SAFE_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > DEEPEST:
                raise InputError(Problem(where, f"at most {DEEPEST} levels of lists and mappings",
                                         row=event.start_mark.line + 1, found=f"more than {DEEPEST}"))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_nodes(root: yaml.Node, where: str, construct) -> None:
    """Raises InputError for each key repeated in a mapping (keys compared as constructed: yes
    and true are one key, as 1 and 1.0 are), and for aliases that stand for more than EXPANDED
    values or for themselves; reads each node once, however often aliased."""
    sizes: dict[int, int] = {}  # a node's values once expanded, by id: each node is walked once
    problems: list[Problem] = []
    walking = set()

    def walk(node: yaml.Node, path: str) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in walking:
            raise InputError(Problem(where, "an alias of an anchor outside it", column=path or None,
                                     row=node.start_mark.line + 1, column_word="key",
                                     found="an alias inside the anchor it names"))
        walking.add(id(node))
        size = 1
        if isinstance(node, yaml.MappingNode):
            first: dict = {}
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else None
                if name is not None and key.tag != MERGE:
                    same = construct(key)
                    if same in first:
                        problems.append(Problem(
                            where, "each key once in a mapping (YAML would keep the last silently)",
                            row=key.start_mark.line + 1, column=f"{path}.{name}" if path else name,
                            found=f"the key again (first on row {first[same]})", column_word="key"))
                    first.setdefault(same, key.start_mark.line + 1)
                size += walk(value, f"{path}.{name}" if path else str(name))
        elif isinstance(node, yaml.SequenceNode):
            for number, value in enumerate(node.value):
                size += walk(value, f"{path}.{number}" if path else str(number))
        if size > EXPANDED:
            raise InputError(Problem(
                where, f"at most {EXPANDED:,} values once its aliases (*name) are expanded",
                row=node.start_mark.line + 1, column=path or None, column_word="key",
                found=f"aliases standing for more than {EXPANDED:,} values"))
        walking.discard(id(node))
        sizes[id(node)] = size
        return size

    walk(root, "")
    if problems:
        raise InputError(problems)
