"""How many people each published percentage rests on, inferred from its rounding.

The brief publishes percentages without their denominators. For each respondent
group (one site's improvement figures; one partner group's Likert answers) we
keep the n for which every percentage is a whole number of people, and take the
smallest. Where a published head-count bounds n (a site's survey participants,
the survey's total), an n above it does not count: if one figure alone stands in
the way, it is named; if none fits, the smallest n is kept and flagged.
"""

import pandas as pd

from helpers.load import ALL_SITES, TOTAL, Tallies
from helpers.stats import candidate_denominators

LARGEST = 1000  # with one decimal, every percentage fits some n below 1000


def table_decimals(table: pd.DataFrame) -> int:
    """Returns the precision a table is printed to: its figures' most decimals.

    The brief drops trailing zeros ("75%" in a column of "54.5%"), so a whole
    number in a one-decimal table is read as 75.0.
    """
    return int(table["decimals"].max())


def survey_count(tallies: Tallies, site: str) -> int | None:
    """Returns a site's (or TOTAL's) published survey participants; None if missing or 0."""
    table = tallies.participants_by_site
    hit = table[(table["site"] == site) & (table["round"] == "survey")]["participants"]
    return int(hit.iloc[0]) if len(hit) and int(hit.iloc[0]) > 0 else None


def _infer(cells: pd.DataFrame, decimals: int, bound: int | None) -> dict:
    """Returns n, its candidates, the status and the one figure left out, if any."""
    limit = bound or LARGEST
    candidates = candidate_denominators(cells["percent"], decimals, LARGEST)
    if candidates and candidates[0] <= limit:
        return {"n": candidates[0], "candidates": candidates[:6], "status": "fits", "left_out": None}
    for row in cells.index:
        rest = candidate_denominators(cells["percent"].drop(row), decimals, LARGEST)
        if rest and rest[0] <= limit:
            return {"n": rest[0], "candidates": rest[:6], "status": "one figure does not fit",
                    "left_out": row}
    if candidates:
        return {"n": candidates[0], "candidates": candidates[:6],
                "status": "more than published", "left_out": None}
    return {"n": None, "candidates": [], "status": "no fit", "left_out": None}


def respondents(tallies: Tallies) -> pd.DataFrame:
    """Returns one row per respondent group: table, group, inferred n, its candidates,
    the published bound, the status and the row of a figure that does not fit.

    Status is "fits", "one figure does not fit", "more than published" (every n that
    fits exceeds the published head-count) or "no fit".
    """
    rows = []
    improvements = tallies.improvements
    decimals = table_decimals(improvements)
    for site, cells in improvements[improvements["site"] != ALL_SITES].groupby("site", observed=True):
        bound = survey_count(tallies, site)
        rows.append({"table": "improvements", "group": site, "bound": bound,
                     "bound_source": f"{tallies.site_name(site)} survey participants",
                     **_infer(cells, decimals, bound)})
    likert = tallies.likert
    decimals = table_decimals(likert)
    bound = survey_count(tallies, TOTAL)
    for group, cells in likert.groupby("group", observed=True):
        rows.append({"table": "likert", "group": group, "bound": bound,
                     "bound_source": "total survey participants",
                     **_infer(cells, decimals, bound)})
    table = pd.DataFrame(rows, columns=["table", "group", "n", "candidates", "bound",
                                        "bound_source", "status", "left_out"])
    table["n"] = table["n"].astype("Int64")
    table["bound"] = table["bound"].astype("Int64")
    table["left_out"] = table["left_out"].astype("Int64")
    return table
