"""A dataset folder as validated, tidy tables: its codebook, figures, head-counts and quotes.

A dataset is a folder with a ``codebook.yaml`` and either or both of:

- published tallies: ``figures.csv`` (percentages as printed, with the publication's
  own totals, averages and differences marked in ``aggregate``), ``headcounts.csv``
  (who took part, by site or characteristic and activity) and ``quotes.csv``
  (figures the publication's text repeats);
- respondent-level exports named in the codebook, tabulated by :mod:`helpers.tabulate`.

Both become one table of figures (:data:`helpers.codebook.FIGURE_COLUMNS`), so that everything
downstream works the same whether n was published, counted or must be inferred.
Every file is read as text first, so that a message can name the row and column
and the checks can know each figure's printed decimals; pandera then coerces and
checks types and ranges.
"""

import dataclasses
import functools
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import shared as sharing
from helpers.codebook import FIGURE_COLUMNS, Codebook, read_codebook, structure
from helpers.disclosure import Audit, protect
from helpers.errors import InputError, Problem
from helpers.files import read_csv_text
from helpers.paths import shown

FIGURES, HEADCOUNTS, QUOTES = "figures.csv", "headcounts.csv", "quotes.csv"
AGGREGATES = ("total", "mean", "difference")
# One row per figure. Blank site: not broken down by site; blank group: all groups;
KINDS = {
    FIGURES: {"table": "text", "wave": "text", "site": "text", "group": "text", "item": "text",
              "answer": "text", "percent": "percent", "count": "count", "n": "count",
              "aggregate": "text"},
    HEADCOUNTS: {"table": "text", "wave": "text", "site": "text", "characteristic": "text",
                 "value": "text", "activity": "text", "count": "count", "aggregate": "text"},
    QUOTES: {"table": "text", "wave": "text", "site": "text", "group": "text", "item": "text",
             "answer": "text", "percent": "percent", "quote": "text"},
}
OPTIONAL = {FIGURES: ("count", "n", "aggregate"), HEADCOUNTS: ("aggregate",), QUOTES: ()}
KEYS = {
    FIGURES: ["table", "wave", "site", "group", "item", "answer", "aggregate"],
    HEADCOUNTS: ["table", "wave", "site", "characteristic", "value", "activity"],
    QUOTES: ["table", "wave", "site", "group", "item", "answer"],
}


@dataclass(frozen=True)
class Dataset:
    """A dataset, loaded and validated: the codebook and its figures."""

    codebook: Codebook
    figures: pd.DataFrame
    headcounts: pd.DataFrame
    quotes: pd.DataFrame
    folder: Path
    audit: Audit | None = None  # disclosure control of counted figures; None for published tallies
    left_out: dict = field(default_factory=dict)  # by export, responses its tool marks unfinished...
    language: str = "en"  # the language of the codebook's texts (helpers.language.LANGUAGES)
    # What :func:`once` computed from these figures. Not taken over by a copy: a copy made with
    # dataclasses.replace() (other figures, another codebook) starts empty, and cannot be given
    # another's (replace refuses an init=False field), so no result comes from a cache of other
    # data; :meth:`relabelled`, the same data under other texts, is the one copy that shares it.
    cache: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def id(self) -> str:
        return self.codebook.dataset.id

    @property
    def site_ids(self) -> list[str]:
        return [site.id for site in self.codebook.sites]

    def relabelled(self, codebook: Codebook | None = None, folder: Path | None = None,
                   language: str | None = None) -> "Dataset":
        """Returns the same data under the codebook's texts in another language, or with its
        folder named another way, sharing what was computed from them (ids and numbers, never
        texts). Raises ValueError for a codebook that differs in more than its texts: other
        data need a dataset of their own (dataclasses.replace gives one, with an empty cache)."""
        if codebook is not None and structure(codebook) != structure(self.codebook):
            raise ValueError("relabelled() takes the same codebook with other texts only; "
                             "for other data use dataclasses.replace(), which starts a new cache")
        given = (("codebook", codebook), ("folder", folder), ("language", language))
        copy = dataclasses.replace(self, **{k: v for k, v in given if v is not None})
        object.__setattr__(copy, "cache", self.cache)
        return copy


def once(compute):
    """Keeps a function's result for a dataset (and hashable arguments) in the dataset's cache:
    what the renderer computes once for a run, every report of the run reuses, and what a
    report asks for twice is computed once. Tables come back as shallow copies (pandas'
    copy-on-write): a caller that adds a column changes its own copy, never the kept one."""
    @functools.wraps(compute)
    def cached(dataset: Dataset, *args):
        key = (compute.__qualname__, *args)
        if key not in dataset.cache:
            dataset.cache[key] = compute(dataset, *args)
        return _own_copy(dataset.cache[key])
    return cached


def _own_copy(value):
    if isinstance(value, pd.DataFrame):
        return value.copy(deep=False)
    if isinstance(value, tuple):
        return tuple(_own_copy(v) for v in value)
    return value


def _validate(raw: pd.DataFrame, name: str, where: str, categories: dict) -> pd.DataFrame:
    """Returns the table with proper dtypes, or raises InputError naming every bad cell."""
    import pandera.pandas as pa  # here, not at the top: a report reads a dataset validated once
    from pandera.errors import SchemaErrors

    kinds = {c: k for c, k in KINDS[name].items() if c in raw}
    table = raw.copy()
    if "percent" in table:
        table["percent"] = table["percent"].str.removesuffix("%").str.strip()
    dtypes = {"count": "Int64", "percent": "float64", "text": str}
    nullable = {"count": name == FIGURES, "percent": False, "text": False}
    for column, kind in kinds.items():
        if kind == "count" and nullable[kind]:
            table[column] = table[column].replace("", None)
    schema = pa.DataFrameSchema({
        column: pa.Column(dtypes[kind], coerce=True, nullable=nullable[kind], checks=[
            *([pa.Check.ge(0)] if kind == "count" else []),
            *([pa.Check.in_range(0, 100)] if kind == "percent" else []),
            *([pa.Check.isin(categories[column])] if column in categories else []),
        ]) for column, kind in kinds.items()
    }, unique=[k for k in KEYS[name] if k in table], report_duplicates="all")
    try:
        return schema.validate(table, lazy=True)
    except SchemaErrors as errors:
        raise InputError(_problems(errors.failure_cases, raw, name, where, categories)) from None


def _expected(check: str, name: str, column: str | None, categories: dict) -> str:
    """Returns, in words, what a pandera check wanted."""
    kind = KINDS[name].get(column or "", "text")
    if check.startswith(("coerce_dtype", "dtype")):
        return "a whole number (no decimals)" if kind == "count" else "a number such as 54.5"
    if check.startswith("in_range"):
        return "a percentage from 0 to 100"
    if check.startswith("greater_than_or_equal_to"):
        return "a count of 0 or more"
    if check.startswith("isin"):
        allowed = [value or "(blank)" for value in categories[column]]
        return "one of: " + ", ".join(allowed[:12]) + (f" and {len(allowed) - 12} more"
                                                       if len(allowed) > 12 else "")
    if "unique" in check:
        return "one row for each " + ", ".join(k for k in KEYS[name]) + " (this one is repeated)"
    if check.startswith("not_nullable"):
        return "a value"
    return check


def _problems(cases: pd.DataFrame, raw: pd.DataFrame, name: str, where: str, categories) -> list:
    """Returns one Problem per failing cell, in file order."""
    problems = []
    for case in cases.itertuples():
        column = case.column if isinstance(case.column, str) and case.column in raw else None
        row = int(case.index) if pd.notna(case.index) else None
        found = raw.at[row, column] if row in raw.index and column else case.failure_case
        check = str(case.check)
        if "unique" in check:
            column = None
            found = ", ".join(v for v in raw.loc[row, [k for k in KEYS[name] if k in raw]] if v) \
                if row in raw.index else None
        problems.append(Problem(where, _expected(check, name, column, categories), row=row,
                                column=column, found=None if found is None else str(found)))
    unique = {(p.row, p.column, p.expected): p for p in problems}
    return sorted(unique.values(), key=lambda p: (p.row or 0, p.column or ""))


def _read(folder: Path, name: str) -> pd.DataFrame:
    """Returns a published file's text cells, with the optional columns filled in as blanks."""
    columns = [c for c in KINDS[name] if c not in OPTIONAL[name]]
    raw = read_csv_text(Path(folder) / name, columns, OPTIONAL[name])
    for column in OPTIONAL[name]:
        if column not in raw:
            raw[column] = ""
    return raw


def _common_categories(codebook: Codebook) -> dict:
    return {
        "table": [t.id for t in codebook.tables],
        "wave": [w.id for w in codebook.waves],
        "site": ["", *(s.id for s in codebook.sites)],
        "item": [i.id for i in codebook.items],
        "aggregate": ["", *AGGREGATES],
    }


def load_figures(folder: Path, codebook: Codebook) -> pd.DataFrame:
    """Returns figures.csv: one published percentage per row, validated against the codebook."""
    where = shown(Path(folder) / FIGURES)
    raw = _read(folder, FIGURES)
    categories = _common_categories(codebook) | {
        "group": ["", *(g.id for g in codebook.groups), *(c.id for c in codebook.contrasts)],
    }
    table = _validate(raw, FIGURES, where, categories)
    problems = []
    contrasts = {c.id for c in codebook.contrasts}
    for row, figure in table.iterrows():
        allowed = codebook.answers_of(figure["item"])
        if figure["answer"] not in allowed:
            problems.append(Problem(where, f"an answer of item {figure['item']}: " + ", ".join(allowed),
                                    row=row, column="answer", found=figure["answer"]))
        if figure["aggregate"] == "mean" and figure["site"]:
            problems.append(Problem(where, "a blank site on a published mean over the sites",
                                    row=row, column="site", found=figure["site"]))
        if (figure["aggregate"] == "difference") != (figure["group"] in contrasts):
            problems.append(Problem(
                where, "a contrast of the codebook as group on a published difference, and on "
                "no other row", row=row, column="group", found=figure["group"] or "(blank)"))
    problems += _incomplete_distributions(table, codebook, where)
    if problems:
        raise InputError(problems)
    decimals = raw["percent"].str.removesuffix("%").str.strip().str.partition(".")[2].str.len()
    return pd.DataFrame({
        **{c: table[c] for c in ("table", "wave", "site", "group", "item", "answer", "aggregate")},
        "breakdown": "", "value": "",
        "percent": table["percent"], "count": table["count"].astype("Float64"),
        "n": table["n"].astype("Float64"), "n_eff": table["n"].astype("Float64"),
        "weight": table["n"].astype("Float64"), "weight2": table["n"].astype("Float64"),
        "chosen": table["count"].astype("Float64"),
        "decimals": decimals.astype("int64"), "exact": table["n"].notna(),
        "file": FIGURES, "row": table.index,
    })[FIGURE_COLUMNS].reset_index(drop=True)


def _incomplete_distributions(table: pd.DataFrame, codebook: Codebook, where: str) -> list:
    """Returns a Problem for each published distribution that lacks some of its scale's levels."""
    problems = []
    cells = table[table["aggregate"] == ""]
    for key, rows in cells.groupby(["table", "wave", "site", "group", "item"], sort=False):
        scale = codebook.scale_of(codebook.item(key[4]))
        if scale is None:
            continue
        levels = [level.id for level in scale.levels]
        present = set(rows["answer"]) & set(levels)
        if present and present != set(levels):
            missing = [level for level in levels if level not in present]
            problems.append(Problem(
                where, f"a row for each of the {len(levels)} levels of scale {scale.id}: "
                + ", ".join(levels), row=int(rows.index[0]), column="answer",
                found=f"no row for {', '.join(missing)} ({' / '.join(k for k in key if k)})"))
    return problems


def load_headcounts(folder: Path, codebook: Codebook) -> pd.DataFrame:
    """Returns headcounts.csv: how many people took part, by site or characteristic and activity."""
    where = shown(Path(folder) / HEADCOUNTS)
    raw = _read(folder, HEADCOUNTS)
    values = sorted({v.id for c in codebook.characteristics for v in c.values})
    categories = _common_categories(codebook) | {
        "characteristic": ["", *(c.id for c in codebook.characteristics)],
        "value": ["", *values],
        "activity": ["", *(a.id for a in codebook.activities)],
    }
    table = _validate(raw, HEADCOUNTS, where, categories)
    problems = []
    for row, line in table.iterrows():
        unit = line["value"] if line["characteristic"] else line["site"]
        if (not unit or not line["activity"]) and line["aggregate"] != "total":
            problems.append(Problem(where, "aggregate: total on a row whose site, value or activity "
                                    "is blank", row=row, column="aggregate",
                                    found=line["aggregate"] or "(blank)"))
        if line["characteristic"] and line["value"]:
            known = [v.id for v in codebook.characteristic(line["characteristic"]).values]
            if line["value"] not in known:
                problems.append(Problem(where, f"a value of {line['characteristic']}: "
                                        + ", ".join(known), row=row, column="value",
                                        found=line["value"]))
    if problems:
        raise InputError(problems)
    table["count"] = table["count"].astype("int64")
    table["row"] = table.index
    return table.reset_index(drop=True)


def load_quotes(folder: Path, codebook: Codebook, figures: pd.DataFrame) -> pd.DataFrame:
    """Returns quotes.csv: each figure the text repeats, pointing at the figure it repeats."""
    where = shown(Path(folder) / QUOTES)
    raw = _read(folder, QUOTES)
    categories = _common_categories(codebook) | {
        "group": ["", *(g.id for g in codebook.groups)],
    }
    table = _validate(raw, QUOTES, where, categories)
    table["decimals"] = raw["percent"].str.removesuffix("%").str.partition(".")[2].str.len()
    problems = []
    for row, quote in table.iterrows():
        if quoted_figures(figures, quote, codebook).empty:
            problems.append(Problem(
                where, "table, wave, site, group, item and answer naming a figure of figures.csv "
                "(or, for positive or negative, a published distribution)", row=row,
                found=" / ".join(str(quote[k]) for k in KEYS[QUOTES] if quote[k])))
    if problems:
        raise InputError(problems)
    table["row"] = table.index
    return table.reset_index(drop=True)


def quoted_figures(figures: pd.DataFrame, quote, codebook: Codebook) -> pd.DataFrame:
    """Returns the figure a quote repeats, or the level cells whose sum it repeats."""
    same = figures[(figures["table"] == quote["table"]) & (figures["wave"] == quote["wave"])
                   & (figures["site"] == quote["site"]) & (figures["group"] == quote["group"])
                   & (figures["item"] == quote["item"])]
    exact = same[same["answer"] == quote["answer"]]
    if len(exact) or quote["answer"] not in ("positive", "negative"):
        return exact
    scale = codebook.scale_of(codebook.item(quote["item"]))
    return same[same["answer"].isin(scale.side(quote["answer"]))] if scale else exact



def load_dataset(folder: Path, shared: bool = True, language: str | None = None,
                 codebook: Codebook | None = None) -> Dataset:
    """Returns the dataset of a folder, or raises one InputError listing the problems of all files.

    A folder holds published tallies (figures.csv and, where published, headcounts.csv
    and quotes.csv), respondent-level exports named in its codebook, or both. Within a
    render (and with shared), the run's already loaded dataset is reused (helpers.shared).
    Given a language other than English, the codebook's texts are its translations
    (helpers.codebook.translated); loading never changes the language the reports speak. Given a
    codebook, it stands for the folder's codebook.yaml (helpers.api.derive declares a
    characteristic so).
    """
    dataset = _load_dataset(folder, shared and codebook is None, codebook)
    if language is None or language == "en":
        return dataset
    from helpers.codebook import translated

    return dataset.relabelled(codebook=translated(dataset.codebook, folder, language), language=language)


def _load_dataset(folder: Path, shared: bool, codebook: Codebook | None = None) -> Dataset:
    if shared and (reused := sharing.reused(folder)) is not None:
        return reused
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(Problem(shown(folder), "a dataset folder with a codebook.yaml",
                                 found="no such folder"))
    codebook = codebook or read_codebook(folder)
    problems, parts = [], []
    if (folder / FIGURES).exists() or not codebook.exports:
        try:
            parts.append(load_figures(folder, codebook))
        except InputError as error:
            problems.extend(error.problems)
    left_out = {}
    if codebook.exports:
        from helpers.tabulate import read_exports, tabulate

        try:
            answers, left_out = read_exports(folder, codebook)
            parts.append(tabulate(answers, codebook))
        except InputError as error:
            problems.extend(error.problems)
    headcounts = pd.DataFrame(columns=[*KINDS[HEADCOUNTS], "row"])
    if (folder / HEADCOUNTS).exists():
        try:
            headcounts = load_headcounts(folder, codebook)
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    figures = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    audit = None
    if codebook.exports and not codebook.dataset.published:
        rules = codebook.dataset.disclosure
        figures, audit = protect(figures, codebook, rules.minimum_base, rules.top_bottom_coding,
                                 rules.complementary_suppression, rules.protection_interval)
    quotes = pd.DataFrame(columns=[*KINDS[QUOTES], "decimals", "row"])
    if (folder / QUOTES).exists():
        quotes = load_quotes(folder, codebook, figures)
    return Dataset(codebook=codebook, figures=figures, headcounts=headcounts, quotes=quotes,
                   folder=folder, audit=audit, left_out=left_out)
