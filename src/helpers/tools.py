"""Survey tools' exports as they come, read into the plain shape :mod:`helpers.tabulate` counts.

The plain shape: one header row of column names, one row per respondent (per wave, in a long
export), answers as text. Each tool's own shape (an export's ``format``, or recognised from the
file when the codebook does not say):

- ``qualtrics``: CSV with the names row, the question-text row and, since 2017, the
  ``{"ImportId": ...}`` row (the legacy export: ``V1...`` names, then the names and texts). The
  second and third rows are read as the survey's definition, never as answers. Responses the tool
  marks unfinished (``Finished``) or as a preview, test or spam (``Status``) are left out, and
  counted. A numeric export's codes become answers through the survey's ``.qsf``.
- ``surveymonkey``: CSV with two header rows, the question (only above the first column of a
  question with several) and, below it, ``Response``, ``Open-Ended Response`` or an option's text:
  a column of a question with several is named ``question | option``.
- ``google-forms``: CSV, ``Timestamp`` first; a checkbox question's choices in one cell joined
  with ", " (matched against the known options longest first, so an option holding ", " stays
  whole).
- ``redcap``: a raw (codes) or labelled CSV export; codes through the data dictionary
  (``dictionary:``); a checkbox field as one column per choice, ``field___code`` (1/0, or
  Checked/Unchecked; any other mark is refused); ``redcap_event_name`` a long export's wave.
- ``kobo``: a KoboToolbox/ODK export (.xlsx or CSV); a ``select_multiple`` as ``q/choice`` columns
  of 1/0 beside the ``q`` cell of choice names; names become labels through the XLSForm's
  ``choices`` sheet.
- ``spss`` and ``stata``: .sav and .dta through pyreadstat, only the codebook's columns read, their
  value labels applied.

Only the columns the codebook names are kept (repeated names elsewhere do no harm), and a .sav
or .dta file reads no other. The tool's definition of the survey (:class:`Definition`: question
texts, answer codes and labels in the tool's order, which columns make one choose-any question)
comes from its own file (:func:`definition`), for reading codes and for drafting a codebook
(:mod:`helpers.draft`).
"""

import codecs
import csv
import io
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from helpers.errors import InputError, Problem
from helpers.files import EXPORT_TYPES, csv_lines, frame_of, read_csv_columns, read_export
from helpers.paths import shown

UNCHECKED = {"", "0", "unchecked", "false", "no", "not selected", "not checked"}  # an option column
QUALTRICS_LEFT_OUT = {  # Status as a numeric or a choice-text export writes it
    "1": "preview", "survey preview": "preview", "9": "preview", "17": "preview",
    "2": "test", "survey test": "test", "8": "spam", "spam": "spam", "12": "spam",
}
UNFINISHED = {"0", "false"}
# What a tool writes in an option's own column when it writes nothing else: REDCap's checkbox
# columns (field___code) hold 1 or 0, or Checked and Unchecked in a labelled export.
MARKS = {"redcap": ({"", "0", "1", "checked", "unchecked"},
                    "a checkbox mark: 1 or Checked (chosen), 0, Unchecked or blank (not chosen)")}
DICHOTOMY = {"selected", "not selected", "checked", "unchecked", "not checked", "chosen", "not chosen"}
SURVEYMONKEY_SINGLE = {"", "response", "open-ended response"}
ONE_HEADER_ROW = ("plain", "google-forms", "redcap", "kobo")  # read fast where the rows allow


def each(cells, function):
    """Returns the function of each cell (a pandas Series of text, or of categories), computed once
    for each distinct text: an export of a million rows holds a few hundred."""
    import numpy as np
    import pandas as pd

    if isinstance(cells.dtype, pd.CategoricalDtype):
        done = np.array([function(text) for text in cells.cat.categories] + [None], dtype=object)
        return pd.Series(done[cells.cat.codes.to_numpy()], index=cells.index, dtype=object)
    return cells.map({text: function(text) for text in cells.unique()})


def checked(cell: str) -> bool:
    """Returns whether an option's own column says the option was chosen (1, Checked, its text)."""
    return cell.strip().casefold() not in UNCHECKED


def marked(cell: str, fmt: str) -> bool:
    """Returns whether a cell of an option's own column holds a mark the tool writes there (any
    text, for a tool that may write the option's text or its own marks)."""
    return fmt not in MARKS or cell.strip().casefold() in MARKS[fmt][0]


@dataclass(frozen=True)
class Question:
    """One question as the tool defines it.

    name: its column (one cell) or its stem; text: as asked; kind: one (one answer of choices),
    many (any of them), text (free text), other (anything else); choices: (code, label) in the
    tool's order; columns: for many, each choice's own column ("" where the choices share a cell);
    spanish: the text and the choices' labels in Spanish, where the tool carries them.
    """

    name: str
    text: str
    kind: str
    choices: tuple[tuple[str, str], ...] = ()
    columns: tuple[str, ...] = ()
    spanish: str = ""
    spanish_choices: tuple[str, ...] = ()
    matrix: str = ""  # the stem shared by the rows of a matrix (separate items on one scale)


@dataclass(frozen=True)
class Definition:
    """A survey as its tool defines it: its questions, in the tool's order."""

    questions: tuple[Question, ...] = ()
    source: str = ""  # the file it was read from, or "" for an export's own header rows
    title: str = ""  # the survey's own title, where its definition gives one (an XLSForm's form_title)

    def codes(self) -> dict[str, dict[str, str]]:
        """Returns, by column, each answer code's label (one-answer questions)."""
        return {q.name: dict(q.choices) for q in self.questions if q.kind == "one" and q.choices}

    def by_name(self) -> dict[str, Question]:
        return {q.name: q for q in self.questions}


@dataclass
class Export:
    """An export as read: text cells by the row a person sees, and what reading left out."""

    cells: "object"  # a pandas DataFrame of text
    left_out: dict[str, int] = field(default_factory=dict)  # e.g. {"unfinished": 3, "preview": 1}
    texts: dict[str, str] = field(default_factory=dict)  # each column's question text (header rows)
    format: str = "plain"
    parts: dict[str, str] = field(default_factory=dict)  # a question's column: its row or option
    questions: dict[str, list] = field(default_factory=dict)  # a question with several: its columns
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # a coded column: code -> label


# --- recognising a tool's export -------------------------------------------------------------------

def recognise(path: Path, header: list[str], second: list[str] | None = None) -> str:
    """Returns the tool whose export this is, from its file type and its first two rows."""
    suffix = Path(path).suffix.lower()
    if suffix == ".sav":
        return "spss"
    if suffix == ".dta":
        return "stata"
    names = set(header)
    if (second and any(c.startswith('{"ImportId"') for c in second)) or {"ResponseId", "Finished"} <= names:
        return "qualtrics"
    if second is not None and {"V1", "V10"} <= names and "ResponseID" in second:
        return "qualtrics"
    if "redcap_event_name" in names or "redcap_survey_identifier" in names or (
            header and header[0] == "record_id"):
        return "redcap"
    if {"_uuid", "_submission_time"} & names:
        return "kobo"
    if "Respondent ID" in names and "Collector ID" in names:
        return "surveymonkey"
    if header and header[0] == "Timestamp":
        return "google-forms"
    return "plain"


# --- reading an export -----------------------------------------------------------------------------

def read(path: Path, columns: list[str] | None, fmt: str | None = None, sheet: str | int = 0,
         dictionary: Path | None = None) -> Export:
    """Returns an export in the plain shape with only the given columns, or raises InputError.

    Args:
        path: the export.
        columns: the columns the codebook names (each must be there); None: every column named once.
        fmt: the tool (Export.format); recognised from the file when None.
        sheet: an Excel export's sheet.
        dictionary: the tool's definition of the survey, whose codes become answers.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    codes = definition(dictionary).codes() if dictionary else {}
    if suffix in (".sav", ".dta"):
        result = Export(_statistics_file(path, columns), format=fmt or recognise(path, []))
    elif suffix == ".csv":
        result = _csv(path, columns, fmt)
    else:
        cells = read_export(path, columns, sheet)
        result = Export(cells, format=fmt or recognise(path, list(cells.columns)))
    for column, labels in codes.items():
        if column in result.cells:
            result.cells[column] = each(result.cells[column], lambda cell, by=labels: by.get(cell, cell))
            result.codes[column] = labels
    return result


def _csv(path: Path, columns: list[str] | None, fmt: str | None) -> Export:
    """Returns a CSV export of any tool, its extra header rows read as its definition."""
    where = shown(path)
    if fmt is None and path.is_file():
        fmt = recognise(path, *_first_rows(path))
    if fmt in ONE_HEADER_ROW and columns and (fast := read_csv_columns(path, columns)) is not None:
        return Export(fast, format=fmt)
    lines = csv_lines(path, columns or [])
    if not lines:
        raise InputError(Problem(where, f"a header row: {', '.join(columns or [])}", found="an empty file"))
    header = lines[0][1]
    second = lines[1][1] if len(lines) > 1 else None
    fmt = fmt or recognise(path, header, second)
    left_out: dict[str, int] = {}
    texts: dict[str, str] = {}
    body = lines[1:]
    header_row = lines[0][0]
    if fmt == "qualtrics":
        header, texts, body = _qualtrics_header(lines)
        body, left_out = _qualtrics_responses(header, body)
    elif fmt == "surveymonkey" and second is not None:
        header, texts = _surveymonkey_names(header, second)
        body = lines[2:]
    result = Export(frame_of(where, header_row, header, body, columns), left_out, texts, fmt)
    for name in header:
        if " | " in name and texts.get(name):
            result.parts[name] = name.removeprefix(f"{texts[name]} | ")
            result.questions.setdefault(texts[name], []).append(name)
    return result


def _first_rows(path: Path) -> tuple[list[str], list[str] | None]:
    """Returns a CSV file's first two rows as far as its first 64 KB show them (to recognise it)."""
    with Path(path).open("rb") as file:
        start = file.read(2**16)
    utf16 = start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    start = start.decode("utf-16" if utf16 else "utf-8-sig", errors="replace")
    separator = max(",;\t", key=lambda s: start.split("\n", 1)[0].count(s))
    try:
        rows = list(itertools.islice(csv.reader(io.StringIO(start, newline=""), delimiter=separator), 2))
    except csv.Error:  # the reader proper names the row
        rows = []
    return ([c.strip() for c in rows[0]] if rows else [],
            [c.strip() for c in rows[1]] if len(rows) > 1 else None)


def _qualtrics_header(lines: list) -> tuple[list[str], dict[str, str], list]:
    """Returns a Qualtrics CSV's column names, each column's question text and its responses."""
    names, texts = lines[0][1], lines[1][1] if len(lines) > 1 else []
    skip = 2
    if len(lines) > 2 and any(cell.startswith('{"ImportId"') for cell in lines[2][1]):
        skip = 3
    elif {"V1", "V10"} <= set(names) and "ResponseID" in texts:  # legacy: V1...V10 for the metadata
        names = [text if name.startswith("V") and name[1:].isdigit() else name
                 for name, text in zip(names, texts, strict=False)]
    return names, dict(zip(names, texts, strict=False)), lines[skip:]


def _qualtrics_responses(header: list[str], body: list) -> tuple[list, dict[str, int]]:
    """Returns the responses Qualtrics marks finished and real, and how many of the others."""
    finished = header.index("Finished") if "Finished" in header else None
    status = header.index("Status") if "Status" in header else None
    kept, left_out = [], {}
    for number, cells in body:
        why = None
        if status is not None and status < len(cells):
            why = QUALTRICS_LEFT_OUT.get(cells[status].casefold())
        if why is None and finished is not None and finished < len(cells) \
                and cells[finished].casefold() in UNFINISHED:
            why = "unfinished"
        if why:
            left_out[why] = left_out.get(why, 0) + 1
        else:
            kept.append((number, cells))
    return kept, left_out


def _surveymonkey_names(first: list[str], second: list[str]) -> tuple[list[str], dict[str, str]]:
    """Returns SurveyMonkey's column names from its two header rows, and each one's question."""
    names, texts, question = [], {}, ""
    for number, top in enumerate(first):
        below = second[number] if number < len(second) else ""
        question = top or question
        name = question if below.casefold() in SURVEYMONKEY_SINGLE else f"{question} | {below}"
        names.append(name)
        texts[name] = question
    return names, texts


def _statistics_file(path: Path, columns: list[str] | None):
    """Returns only the named columns of a .sav or .dta file as text, value labels applied."""
    import pandas as pd
    import pyreadstat

    where = shown(path)
    if not path.is_file():
        raise InputError(Problem(where, f"a survey export with the columns {', '.join(columns or [])}"))
    read = pyreadstat.read_sav if path.suffix.lower() == ".sav" else pyreadstat.read_dta
    kind = "an SPSS data file (.sav)" if path.suffix.lower() == ".sav" else "a Stata data file (.dta)"
    try:
        _, meta = read(str(path), metadataonly=True)
        columns = meta.column_names if columns is None else columns
        missing = [c for c in columns if c not in meta.column_names]
        if missing:
            raise InputError([Problem(where, f"a column named '{c}'", row=0) for c in missing])
        raw, _ = read(str(path), usecols=columns, apply_value_formats=True, formats_as_category=True)
    except InputError:
        raise
    except Exception as error:  # a damaged or mislabelled file: say so, do not crash
        raise InputError(Problem(where, kind, found=f"a file that will not open ({error})")) from None
    frame = pd.DataFrame(index=range(1, len(raw) + 1))
    for column in columns:
        values = raw[column]
        if isinstance(values.dtype, pd.CategoricalDtype):  # each label turned to text once
            values = values.cat.rename_categories([_text(c) for c in values.cat.categories])
            frame[column] = values.astype(object).where(values.notna(), "").to_numpy()
        else:
            frame[column] = [("" if pd.isna(v) else _text(v)) for v in values]
        frame[column] = frame[column].str.strip()
    return frame


def _text(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


# --- the tool's definition of the survey -----------------------------------------------------------

def definition(path: Path | None, export: Path | None = None) -> Definition:
    """Returns the survey's definition from the tool's own file: a REDCap data dictionary (CSV),
    a Qualtrics .qsf, an XLSForm (.xlsx), or an SPSS/Stata file's labels; empty for None."""
    if path is None:
        return Definition()
    path = Path(path)
    where = shown(path)
    if not path.is_file():
        raise InputError(Problem(where, "the survey's definition: a REDCap data dictionary (.csv), "
                                 "a Qualtrics .qsf, an XLSForm (.xlsx), or a .sav/.dta file",
                                 found="no such file"))
    suffix = path.suffix.lower()
    if suffix == ".qsf":
        return _qsf(path)
    if suffix in (".sav", ".dta"):
        return _labels(path)
    if suffix == ".xlsx":
        return _xlsform(path)
    if suffix == ".csv":
        return _redcap_dictionary(path)
    raise InputError(Problem(where, "a REDCap data dictionary (.csv), a Qualtrics .qsf, an XLSForm "
                             "(.xlsx) or a .sav/.dta file", found=f"a {suffix or 'extensionless'} file"))


REDCAP_FIELD, REDCAP_TYPE, REDCAP_LABEL = "Variable / Field Name", "Field Type", "Field Label"
REDCAP_CHOICES = "Choices, Calculations, OR Slider Labels"
REDCAP_FIXED = {"yesno": (("1", "Yes"), ("0", "No")), "truefalse": (("1", "True"), ("0", "False"))}


def _redcap_dictionary(path: Path) -> Definition:
    """Returns a REDCap data dictionary's fields: radio and dropdown (one), checkbox (many, one
    column field___code per choice), yesno and truefalse (one, their fixed codes), the rest text."""
    lines = csv_lines(path, [REDCAP_FIELD, REDCAP_TYPE, REDCAP_LABEL, REDCAP_CHOICES])
    table = frame_of(shown(path), lines[0][0], lines[0][1], lines[1:],
                     [REDCAP_FIELD, REDCAP_TYPE, REDCAP_LABEL, REDCAP_CHOICES])
    questions = []
    for row, line in table.iterrows():
        name, kind, text = line[REDCAP_FIELD], line[REDCAP_TYPE], _plain(line[REDCAP_LABEL])
        if kind in REDCAP_FIXED:
            questions.append(Question(name, text, "one", REDCAP_FIXED[kind]))
        elif kind in ("radio", "dropdown", "checkbox"):
            choices = _redcap_choices(line[REDCAP_CHOICES], shown(path), row)
            columns = (tuple(f"{name}___{_redcap_code(code)}" for code, _ in choices)
                       if kind == "checkbox" else ())
            questions.append(Question(name, text, "many" if kind == "checkbox" else "one", choices, columns))
        elif kind in ("text", "notes"):
            questions.append(Question(name, text, "text"))
        else:
            questions.append(Question(name, text, "other"))
    return Definition(tuple(questions), shown(path))


def _redcap_choices(text: str, where: str, row: int) -> tuple[tuple[str, str], ...]:
    """Returns "1, Yes | 2, No" as ((1, Yes), (2, No))."""
    choices = []
    for part in (p.strip() for p in text.split("|") if p.strip()):
        code, comma, label = part.partition(",")
        if not comma:
            raise InputError(Problem(where, "choices written 'code, label | code, label'", row=row,
                                     column=REDCAP_CHOICES, found=part))
        choices.append((code.strip(), label.strip()))
    return tuple(choices)


def _redcap_code(code: str) -> str:
    """Returns a choice code as REDCap writes it in a checkbox column's name (-1 as _1, 1.5 as 1_5)."""
    return re.sub(r"[^0-9A-Za-z_]", "_", code).lower()


def _plain(text: str) -> str:
    """Returns a question text without HTML tags and with single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", text or "").split())


def _qsf(path: Path) -> Definition:
    """Returns a Qualtrics .qsf's questions: multiple choice (one: SAVR, SAHR, DL...; many: MAVR,
    MAHR, MACOL), each row of a Likert matrix a question of its own on the matrix's answers
    (column Tag_row), text entry, the rest other; codes as the export writes them (RecodeValues)."""
    where = shown(path)
    try:
        survey = json.loads(path.read_text(encoding="utf-8-sig"))
        elements = [e for e in survey["SurveyElements"] if e.get("Element") == "SQ"]
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(Problem(where, "a Qualtrics survey file (.qsf, JSON with SurveyElements)",
                                 found=f"a file that will not read ({error})")) from None
    questions = []
    for element in elements:
        q = element.get("Payload") or {}
        tag, text = q.get("DataExportTag", ""), _plain(q.get("QuestionText", ""))
        kind, selector = q.get("QuestionType"), q.get("Selector", "")
        choices = q.get("Choices") or {}
        order = [str(c) for c in q.get("ChoiceOrder") or choices]
        recode = q.get("RecodeValues") or {}
        spanish = ((q.get("Language") or {}) if isinstance(q.get("Language"), dict) else {}).get("ES", {})
        if kind == "MC":
            pairs = tuple((str(recode.get(c, c)), _plain(choices[c]["Display"]))
                          for c in order if c in choices)
            many = selector in ("MAVR", "MAHR", "MACOL", "MSB")
            columns = tuple(f"{tag}_{c}" for c in order if c in choices) if many else ()
            questions.append(Question(tag, text, "many" if many else "one", pairs, columns,
                                      _plain(spanish.get("QuestionText", "")),
                                      _spanish_choices(spanish, order)))
        elif kind == "Matrix" and q.get("SubSelector") == "SingleAnswer":
            answers = q.get("Answers") or {}
            answer_order = [str(a) for a in q.get("AnswerOrder") or answers]
            pairs = tuple((str(recode.get(a, a)), _plain(answers[a]["Display"])) for a in answer_order
                          if a in answers)
            names = q.get("ChoiceDataExportTags") or {}
            for c in order:
                if c in choices:
                    column = f"{tag}_{names.get(c, c)}" if not names.get(c) else names[c]
                    questions.append(Question(column, _plain(choices[c]["Display"]), "one", pairs,
                                              matrix=text))
        elif kind == "TE":
            questions.append(Question(tag, text, "text"))
        else:
            questions.append(Question(tag, text, "other"))
    return Definition(tuple(questions), where)


def _spanish_choices(spanish: dict, order: list[str]) -> tuple[str, ...]:
    choices = spanish.get("Choices") or {}
    return tuple(_plain((choices.get(c) or {}).get("Display", "")) for c in order) if choices else ()


def _xlsform(path: Path) -> Definition:
    """Returns an XLSForm's questions from its survey and choices sheets: select_one (one),
    select_multiple (many, columns q/choice), text; label::Spanish (es) as the Spanish text (of a
    question, and of each choice from the choices sheet's own such column); the settings sheet's
    form_title, where there is one, as the survey's title."""
    import pandas as pd

    from helpers.files import check_workbook

    where = shown(path)
    check_workbook(path)
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, engine="calamine")
        survey, choices = (sheets[s].fillna("") for s in ("survey", "choices"))
    except Exception as error:  # no such sheet, or not a workbook
        raise InputError(Problem(where, "an XLSForm: a workbook with the sheets survey and choices",
                                 found=f"a file that will not read ({error})")) from None
    settings = sheets.get("settings", pd.DataFrame()).fillna("")
    title = _plain(settings["form_title"].iloc[0]) if "form_title" in settings and len(settings) else ""

    def spanish_of(sheet):
        return next((c for c in sheet.columns if c.lower().startswith("label::spanish")
                     or c.lower() == "label::es"), None)

    spanish, spanish_choice = spanish_of(survey), spanish_of(choices)
    lists: dict[str, list] = {}
    for _, choice in choices.iterrows():
        lists.setdefault(choice["list_name"].strip(), []).append(choice)
    questions, groups = [], []
    for _, row in survey.iterrows():
        kind, name = row["type"].strip().split(), row["name"].strip()
        if not kind:
            continue
        if kind[0] in ("begin_group", "begin", "begin_repeat"):
            groups.append(name)
            continue
        if kind[0] in ("end_group", "end", "end_repeat"):
            groups = groups[:-1]
            continue
        column = "/".join([*groups, name])
        label = _plain(row.get("label", "") or row.get("label::English (en)", ""))
        es = _plain(row[spanish]) if spanish else ""
        if kind[0] in ("select_one", "select_multiple") and len(kind) > 1:
            options = lists.get(kind[1], [])
            pairs = tuple((o["name"].strip(), _plain(o.get("label", "") or o.get("label::English (en)", "")))
                          for o in options)
            es_choices = tuple(_plain(o.get(spanish_choice, "")) for o in options) if spanish_choice else ()
            many = kind[0] == "select_multiple"
            columns = tuple(f"{column}/{code}" for code, _ in pairs) if many else ()
            questions.append(Question(column, label, "many" if many else "one", pairs, columns, es,
                                      es_choices))
        elif kind[0] == "text":
            questions.append(Question(column, label, "text", spanish=es))
        else:
            questions.append(Question(column, label, "other", spanish=es))
    return Definition(tuple(questions), where, title)


def _labels(path: Path) -> Definition:
    """Returns an SPSS or Stata file's variables: those with value labels (one, codes in order),
    multiple-response sets of dichotomies (many), the rest text; their labels as question texts."""
    import pyreadstat

    read = pyreadstat.read_sav if path.suffix.lower() == ".sav" else pyreadstat.read_dta
    try:
        _, meta = read(str(path), metadataonly=True)
    except Exception as error:
        raise InputError(Problem(shown(path), "an SPSS (.sav) or Stata (.dta) data file",
                                 found=f"a file that will not open ({error})")) from None
    labels = meta.variable_value_labels or {}
    texts = dict(zip(meta.column_names, meta.column_labels or [""] * len(meta.column_names), strict=False))
    questions, in_sets = [], set()
    sets = {name: (mr.get("label") or name, tuple(mr["variable_list"]))
            for name, mr in (getattr(meta, "mr_sets", None) or {}).items() if mr.get("type") == "D"}
    if not sets:  # no multiple-response sets: dichotomies labelled "Stem: option" make one
        stems: dict[str, list[str]] = {}
        for name in meta.column_names:
            marks = {label.casefold() for label in (labels.get(name) or {}).values()}
            if marks and marks <= DICHOTOMY and ": " in (texts.get(name) or ""):
                stems.setdefault(texts[name].partition(": ")[0], []).append(name)
        sets = {variables[0]: (stem, tuple(variables)) for stem, variables in stems.items()
                if len(variables) > 1}
    for name, (text, variables) in sets.items():
        in_sets |= set(variables)
        options = tuple((v, (texts.get(v) or v).partition(": ")[2] or v) for v in variables)
        questions.append(Question(name, text, "many", options, variables))
    for name in meta.column_names:
        if name in in_sets:
            continue
        if labels.get(name):
            pairs = tuple((_text(code), label) for code, label in sorted(labels[name].items()))
            questions.append(Question(name, texts.get(name) or name, "one", pairs))
        else:
            questions.append(Question(name, texts.get(name) or name, "text"))
    return Definition(tuple(questions), shown(path))


EXPORTS = (*EXPORT_TYPES, ".dta")
