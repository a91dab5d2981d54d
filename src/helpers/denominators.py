"""How many people each published percentage rests on, inferred from its rounding.

Where a publication gives percentages without their denominators, each group of
figures that share one set of respondents (one table's cells for one wave, site and
group) is kept with the n for which every percentage is a whole number of people,
the smallest such n. Where a published head-count bounds n (the site's survey
participants, or the survey's total), an n above it does not count: if one figure
alone stands in the way, it is named; if none fits, the smallest n is kept and
flagged. Figures whose n was published or counted are never inferred.
"""

import pandas as pd

from helpers.codebook import DERIVED_ANSWERS
from helpers.load import Dataset, once
from helpers.stats import candidate_denominators

LARGEST = 1000  # with one decimal, every percentage fits some n below 1000
RESPONDENT_KEYS = ["table", "wave", "site", "group", "breakdown", "value"]


def table_decimals(figures: pd.DataFrame, table: str) -> int:
    """Returns the precision a table is printed to: its figures' most decimals.

    Publications drop trailing zeros ("75%" in a column of "54.5%"), so a whole
    number in a one-decimal table is read as 75.0.
    """
    return int(figures.loc[figures["table"] == table, "decimals"].max())


def survey_count(dataset: Dataset, wave: str, site: str) -> int | None:
    """Returns the published number of survey participants at a site (blank: in all), or None."""
    surveys = [a.id for a in dataset.codebook.activities if a.survey]
    table = dataset.headcounts
    if table.empty or not surveys:
        return None
    hit = table[(table["wave"] == wave) & (table["site"] == site) & (table["characteristic"] == "")
                & table["activity"].isin(surveys)]
    counts = [int(c) for c in hit["count"]]
    return counts[0] if counts and counts[0] > 0 else None


def inferable_cells(figures: pd.DataFrame) -> pd.DataFrame:
    """Returns the published cells whose n must be inferred: not aggregates, not sums of other
    cells (positive, negative), and without a published n."""
    return figures[(figures["aggregate"] == "") & ~figures["answer"].isin(DERIVED_ANSWERS)
                   & ~figures["exact"].astype(bool)]


def _infer(cells: pd.DataFrame, decimals: int, bound: int | None) -> dict:
    """Returns n, its candidates, the status and the one figure left out, if any."""
    limit = bound or LARGEST
    candidates = candidate_denominators(cells["percent"], decimals, LARGEST)
    if candidates and candidates[0] <= limit:
        return {"n": candidates[0], "candidates": candidates[:6], "status": "fits", "left_out": None}
    for index in cells.index:
        rest = candidate_denominators(cells["percent"].drop(index), decimals, LARGEST)
        if rest and rest[0] <= limit:
            return {"n": rest[0], "candidates": rest[:6], "status": "one figure does not fit",
                    "left_out": index}
    if candidates:
        return {"n": candidates[0], "candidates": candidates[:6],
                "status": "more than published", "left_out": None}
    return {"n": None, "candidates": [], "status": "no fit", "left_out": None}


@once
def respondents(dataset: Dataset) -> pd.DataFrame:
    """Returns one row per group of figures with an inferred n: its keys (table, wave, site,
    group, breakdown, value), n, candidates, the published bound, the status and the index
    (into dataset.figures) of a figure that does not fit.

    Status is "fits", "one figure does not fit", "more than published" (every n that
    fits exceeds the published head-count) or "no fit".
    """
    cells = inferable_cells(dataset.figures)
    rows = []
    for keys, group in cells.groupby(RESPONDENT_KEYS, sort=False):
        decimals = table_decimals(dataset.figures, keys[0])
        bound = survey_count(dataset, keys[1], keys[2])
        inferred = _infer(group, decimals, bound) if decimals > 0 else {
            # Whole percentages fit almost every n above 50: they pin down no base.
            "n": None, "candidates": [], "status": "whole percentages: not inferred", "left_out": None}
        rows.append({**dict(zip(RESPONDENT_KEYS, keys, strict=True)), "bound": bound, **inferred})
    table = pd.DataFrame(rows, columns=[*RESPONDENT_KEYS, "n", "candidates", "bound", "status",
                                        "left_out"])
    for column in ("n", "bound", "left_out"):
        table[column] = table[column].astype("Int64")
    return table


def with_bases(dataset: Dataset) -> pd.DataFrame:
    """Returns dataset.figures with every figure's n: as published or counted where known, else
    inferred from its group's rounding (column "inferred" says which)."""
    figures = dataset.figures.copy()
    figures["inferred"] = False
    inferred = respondents(dataset)
    if inferred.empty:
        return figures
    keyed = inferred.set_index(RESPONDENT_KEYS)["n"]
    unknown = figures["n"].isna()
    # Derived figures (positive, negative) rest on the same people as the table's cells.
    keys = pd.MultiIndex.from_frame(figures[RESPONDENT_KEYS])
    guesses = pd.Series(keyed.reindex(keys).to_numpy(), index=figures.index, dtype="Float64")
    fill = unknown & guesses.notna()
    figures.loc[fill, "n"] = guesses[fill]
    figures.loc[fill, "n_eff"] = guesses[fill]
    figures.loc[fill, "inferred"] = True
    # A table that only repeats sums (positive, negative) rests on the people of the table
    # whose cells it sums: the same wave, site and group in exactly one other table.
    people = inferred.drop_duplicates(RESPONDENT_KEYS[1:], keep=False).set_index(RESPONDENT_KEYS[1:])
    keys = pd.MultiIndex.from_frame(figures[RESPONDENT_KEYS[1:]])
    guesses = pd.Series(people["n"].reindex(keys).to_numpy(), index=figures.index, dtype="Float64")
    fill = figures["n"].isna() & guesses.notna() & (figures["aggregate"] == "")
    figures.loc[fill, "n"] = guesses[fill]
    figures.loc[fill, "n_eff"] = guesses[fill]
    figures.loc[fill, "inferred"] = True
    return figures
