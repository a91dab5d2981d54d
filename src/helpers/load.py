"""Published TFS tallies as validated, tidy DataFrames: one function per table.

Every file in data/ is read as text first, so the loader can say which row and
column is wrong and can keep the number of decimals each figure was published
with (the checks need it to know the rounding). pandera then coerces types and
checks ranges, known categories and duplicate keys; its findings are rewritten
as :class:`~helpers.errors.InputError` problems a person can act on.

Spreadsheet exports are normalized, not rejected: a UTF-8 byte-order mark is
dropped, blank lines (trailing or not) are skipped, cells are trimmed and a
trailing "%" on a percentage is removed.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from helpers.errors import InputError, Problem
from helpers.paths import DATA, ROOT

LEVELS = ["strongly disagree", "disagree", "neutral", "agree", "strongly agree", "n/a or not sure"]
AGREE = ["agree", "strongly agree"]
DISAGREE = ["strongly disagree", "disagree"]
GROUPS = ["organizational", "community"]
GROUP_NAMES = {
    "organizational": "organizational partners",
    "community": "community partners",
}
TOTAL = "TOTAL"
ALL_SITES = "all"
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"

# The kind of each column: "text", "count" (whole number >= 0) or "percent" (0 to 100).
COLUMNS = {
    "sites": {"site": "text", "name": "text"},
    "statements": {
        "section": "text", "group": "text", "topic": "text", "label": "text", "statement": "text",
    },
    "participants_by_level": {"stakeholder_group": "text", "round": "text", "participants": "count"},
    "participants_by_site": {"site": "text", "round": "text", "participants": "count"},
    "improvements": {"area": "text", "site": "text", "percent": "percent"},
    "involvement": {"topic": "text", "statement": "text", "group": "text", "percent": "percent"},
    "likert": {"section": "text", "group": "text", "topic": "text", "level": "text", "percent": "percent"},
    "narrative": {"table": "text", "row": "text", "column": "text", "percent": "percent", "quote": "text"},
}
KEYS = {
    "sites": ["site"],
    "statements": ["group", "topic"],
    "participants_by_level": ["stakeholder_group", "round"],
    "participants_by_site": ["site", "round"],
    "improvements": ["area", "site"],
    "involvement": ["topic", "group"],
    "likert": ["group", "topic", "level"],
    "narrative": ["table", "row", "column"],
}
ROUNDS = {
    "participants_by_level": ["R1", "R2", TOTAL],
    "participants_by_site": ["R1", "R2", "survey", TOTAL],
}


@dataclass(frozen=True)
class Tallies:
    """Every published table, loaded and validated together."""

    sites: pd.DataFrame
    statements: pd.DataFrame
    participants_by_level: pd.DataFrame
    participants_by_site: pd.DataFrame
    improvements: pd.DataFrame
    involvement: pd.DataFrame
    likert: pd.DataFrame
    narrative: pd.DataFrame
    folder: Path

    def site_name(self, site: str) -> str:
        """Returns the site's published name, e.g. "Lehigh Valley" for "lehigh-valley"."""
        return self.sites.set_index("site").loc[site, "name"]


def shown(path: Path) -> str:
    """Returns the path as a user should see it: relative to the project where it lies inside."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def read_table(folder: Path, name: str) -> pd.DataFrame:
    """Returns the file's cells as trimmed text, indexed by spreadsheet row (the header is row 1)."""
    path = Path(folder) / f"{name}.csv"
    where, expected = shown(path), ", ".join(COLUMNS[name])
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
    problems = [
        Problem(where, f"a column named '{column}' ({expected})", row=header_row)
        for column in COLUMNS[name] if column not in header
    ] + [
        Problem(where, f"only the columns {expected}", row=header_row, column=column, found=column)
        for column in header if column not in COLUMNS[name]
    ]
    if not problems:
        problems = [
            Problem(where, f"{len(header)} values, one for each column of the header",
                    row=number, found=f"{len(cells)} values")
            for number, cells in body if len(cells) != len(header)
        ]
    if not problems and not body:
        problems.append(Problem(where, "at least one row of figures below the header",
                                row=header_row + 1))
    if problems:
        raise InputError(problems)
    raw = pd.DataFrame([cells for _, cells in body], columns=header, dtype=str,
                       index=[number for number, _ in body])
    return raw[list(COLUMNS[name])]


def _expected(check: str, name: str, column: str | None, categories: dict) -> str:
    """Returns, in words, what a pandera check wanted."""
    if check.startswith("coerce_dtype") or check.startswith("dtype"):
        kind = COLUMNS[name].get(column, "text")
        return "a whole number (no decimals)" if kind == "count" else "a number such as 54.5"
    if check.startswith("in_range"):
        return "a percentage from 0 to 100"
    if check.startswith("greater_than_or_equal_to"):
        return "a count of 0 or more"
    if check.startswith("isin"):
        return "one of: " + ", ".join(categories[column])
    if check.startswith("str_matches"):
        return "a slug of lower-case letters, digits and single hyphens, such as lehigh-valley"
    if "uniqueness" in check or check.startswith("unique"):
        return "one row for each " + " and ".join(KEYS[name]) + " (this one is repeated)"
    if check.startswith("not_nullable"):
        return "a value"
    return check


def validate(raw: pd.DataFrame, name: str, folder: Path, categories: dict) -> pd.DataFrame:
    """Returns the table with proper dtypes, or raises InputError naming every bad cell.

    Args:
        raw: the text cells from :func:`read_table`.
        name: the table's name, the file's stem.
        folder: where the file lies, for the messages.
        categories: the allowed values of the columns that have a fixed set.
    """
    where = shown(Path(folder) / f"{name}.csv")
    table = raw.copy()
    decimals = None
    if "percent" in table:
        table["percent"] = table["percent"].str.removesuffix("%").str.strip()
        decimals = table["percent"].str.partition(".")[2].str.len()
    dtypes = {"count": "int64", "percent": "float64", "text": str}
    types = pa.DataFrameSchema(
        {column: pa.Column(dtypes[kind], coerce=True) for column, kind in COLUMNS[name].items()}
    )
    cases = []
    try:
        table = types.validate(table, lazy=True)
    except SchemaErrors as errors:
        cases.append(errors.failure_cases)
        table = types.validate(table.drop(index=errors.failure_cases["index"].dropna().unique()))
    try:
        _values_schema(name, categories).validate(table, lazy=True)
    except SchemaErrors as errors:
        cases.append(errors.failure_cases)
    if cases:
        raise InputError(_problems(pd.concat(cases), raw, name, where, categories))
    if decimals is not None:
        table["decimals"] = decimals.astype("int64")
    return table


def _values_schema(name: str, categories: dict) -> pa.DataFrameSchema:
    """Returns the checks on values: ranges, known categories, slugs and unique keys."""
    checks = {
        "count": [pa.Check.ge(0)],
        "percent": [pa.Check.in_range(0, 100)],
        "text": [pa.Check.str_length(min_value=1)],
    }
    columns = {}
    for column, kind in COLUMNS[name].items():
        column_checks = list(checks[kind])
        if column in categories:
            column_checks.append(pa.Check.isin(categories[column]))
        if column == "site" and name == "sites":
            column_checks.append(pa.Check.str_matches(SLUG))
        columns[column] = pa.Column(checks=column_checks)
    return pa.DataFrameSchema(columns, unique=KEYS[name], strict=True, report_duplicates="all")


def _problems(cases: pd.DataFrame, raw: pd.DataFrame, name: str, where: str, categories) -> list:
    """Returns one Problem per failing cell, in file order."""
    problems = []
    for case in cases.itertuples():
        column = case.column if isinstance(case.column, str) and case.column in raw else None
        row = int(case.index) if pd.notna(case.index) else None
        found = raw.at[row, column] if row in raw.index and column else case.failure_case
        check = str(case.check)
        if "uniqueness" in check or "unique" in check:
            column = None
            found = ", ".join(raw.loc[row, KEYS[name]]) if row in raw.index else None
        problems.append(
            Problem(where, _expected(check, name, column, categories), row=row, column=column,
                    found=None if found is None else str(found))
        )
    unique = {(p.row, p.column, p.expected): p for p in problems}
    return sorted(unique.values(), key=lambda p: (p.row or 0, p.column or ""))


def _load(folder: Path, name: str, categories: dict) -> pd.DataFrame:
    return validate(read_table(folder, name), name, folder, categories)


def _ordered(table: pd.DataFrame, column: str, order: list) -> pd.DataFrame:
    table[column] = pd.Categorical(table[column], categories=order, ordered=True)
    return table


def _first_seen(values: pd.Series) -> list:
    return list(dict.fromkeys(values))


def load_sites(folder: Path = DATA) -> pd.DataFrame:
    """Returns the sites in the brief's order: slug (`site`) and published `name`."""
    return _load(folder, "sites", {})


def load_statements(folder: Path = DATA) -> pd.DataFrame:
    """Returns the survey statements as published, with our short `topic` key and `label`."""
    table = _load(folder, "statements", {"group": GROUPS})
    return _ordered(table, "group", GROUPS)


def load_participants_by_level(folder: Path = DATA) -> pd.DataFrame:
    """Returns interview and focus-group participants by partnership level and round."""
    table = _load(folder, "participants_by_level", {"round": ROUNDS["participants_by_level"]})
    table = _ordered(table, "round", ROUNDS["participants_by_level"])
    groups = [g for g in _first_seen(table["stakeholder_group"]) if g != TOTAL] + [TOTAL]
    return _ordered(table, "stakeholder_group", groups)


def load_participants_by_site(folder: Path = DATA, sites: pd.DataFrame | None = None) -> pd.DataFrame:
    """Returns participants by site and round (interviews R1, focus groups R2, survey, TOTAL)."""
    order = [*_site_order(folder, sites), TOTAL]
    rounds = ROUNDS["participants_by_site"]
    table = _load(folder, "participants_by_site", {"site": order, "round": rounds})
    return _ordered(_ordered(table, "site", order), "round", rounds)


def load_improvements(folder: Path = DATA, sites: pd.DataFrame | None = None) -> pd.DataFrame:
    """Returns % of partners seeing an improvement, by area and site; site "all" is the
    published "average: all TFS sites"."""
    order = [*_site_order(folder, sites), ALL_SITES]
    table = _load(folder, "improvements", {"site": order})
    table = _ordered(table, "area", _first_seen(table["area"]))
    return _ordered(table, "site", order)


def load_involvement(folder: Path = DATA, statements: pd.DataFrame | None = None) -> pd.DataFrame:
    """Returns % agree or strongly agree by topic for each partner group, and the published
    difference (group "difference")."""
    topics = _topics(folder, statements)
    groups = [*GROUPS, "difference"]
    table = _load(folder, "involvement", {"topic": topics, "group": groups})
    return _ordered(_ordered(table, "topic", topics), "group", groups)


def load_likert(folder: Path = DATA, statements: pd.DataFrame | None = None) -> pd.DataFrame:
    """Returns the full Likert distributions, one row per statement and level.

    Each (group, topic) must be a statement of statements.csv and have all six levels.
    """
    statements = load_statements(folder) if statements is None else statements
    topics = _topics(folder, statements)
    categories = {"group": GROUPS, "topic": topics, "level": LEVELS}
    raw = read_table(folder, "likert")
    table = validate(raw, "likert", folder, categories)
    where = shown(Path(folder) / "likert.csv")
    known = statements.set_index(["section", "group", "topic"]).index
    keys = pd.MultiIndex.from_frame(table[["section", "group", "topic"]].astype(str))
    problems = [
        Problem(where, "a section, group and topic listed together in statements.csv",
                row=row, column="topic", found=" / ".join(key))
        for row, key in zip(table.index, keys, strict=True) if key not in known
    ]
    counts = table.groupby(["group", "topic"], observed=True)["level"].nunique()
    problems += [
        Problem(where, f"a row for each of the {len(LEVELS)} levels: " + ", ".join(LEVELS),
                column="level", found=f"{n} levels for {group} / {topic}")
        for (group, topic), n in counts.items() if n != len(LEVELS)
    ]
    if problems:
        raise InputError(problems)
    table = _ordered(table, "section", _first_seen(table["section"]))
    return _ordered(_ordered(_ordered(table, "group", GROUPS), "topic", topics), "level", LEVELS)


def load_narrative(folder: Path = DATA) -> pd.DataFrame:
    """Returns the figures the brief's text quotes, each pointing at a table, row and column."""
    tables = ["improvements", "involvement", "likert"]
    return _load(folder, "narrative", {"table": tables})


def _site_order(folder: Path, sites: pd.DataFrame | None) -> list:
    sites = load_sites(folder) if sites is None else sites
    return list(sites["site"])


def _topics(folder: Path, statements: pd.DataFrame | None) -> list:
    statements = load_statements(folder) if statements is None else statements
    return _first_seen(statements["topic"])


def load_all(folder: Path = DATA) -> Tallies:
    """Returns every table of the folder, or raises one InputError listing the problems of all."""
    folder = Path(folder)
    problems, loaded = [], {}

    def attempt(name, load, *args):
        try:
            loaded[name] = load(folder, *args)
        except InputError as error:
            problems.extend(error.problems)

    attempt("sites", load_sites)
    attempt("statements", load_statements)
    if problems:
        raise InputError(problems)
    attempt("participants_by_level", load_participants_by_level)
    attempt("participants_by_site", load_participants_by_site, loaded["sites"])
    attempt("improvements", load_improvements, loaded["sites"])
    attempt("involvement", load_involvement, loaded["statements"])
    attempt("likert", load_likert, loaded["statements"])
    attempt("narrative", load_narrative)
    if not problems:
        problems = _unresolved_quotes(loaded, folder)
    if problems:
        raise InputError(problems)
    return Tallies(folder=folder, **loaded)


def _unresolved_quotes(loaded: dict, folder: Path) -> list:
    """Returns a Problem for each narrative figure whose table, row and column name no figure."""
    where = shown(folder / "narrative.csv")
    columns = {
        "improvements": ("area", "site"),
        "involvement": ("topic", "group"),
        "likert": ("topic", "group"),
    }
    problems = []
    for row, quote in loaded["narrative"].iterrows():
        table = loaded[quote["table"]]
        row_column, column_column = columns[quote["table"]]
        hits = (table[row_column].astype(str) == quote["row"]) & (
            table[column_column].astype(str) == quote["column"]
        )
        if not hits.any():
            problems.append(
                Problem(where, f"{row_column} and {column_column} values that name a figure of "
                        f"{quote['table']}.csv",
                        row=row, found=f"{quote['row']} / {quote['column']}")
            )
    return problems
