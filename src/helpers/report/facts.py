"""Facts several sections share, computed once below them: what is withheld, which comparisons
are clear in the run's one family, the widest of them, which contrasts a report shows. Numbers and
keys only: no words, no drawing."""

import math

import pandas as pd

from helpers import analysis
from helpers.load import Dataset

MANY_SITES = 12  # beyond this, a site's charts show the network as a summary, not site by site


def withheld(dataset: Dataset, **where) -> pd.DataFrame:
    """Returns the compared shares disclosure control withholds (latest wave unless a wave is
    given) matching every given column, e.g. site="x", group=""; none for published tallies.
    Without a site: the sites' own, for all respondents and not broken down."""
    rows = (analysis.at_site(dataset, "withheld", where.pop("site")) if "site" in where
            else analysis.suppressed_site_shares(dataset))
    where.setdefault("wave", analysis.latest_wave(dataset))
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return rows.reset_index(drop=True)


def withheld_pairs(dataset: Dataset, site: str,
                   pairs: list[tuple[str, dict]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Returns, for figures compared in pairs (two groups, or two waves) where one side or both
    are withheld, a row per figure with each side's share (missing where withheld) and mark;
    and the withheld shares themselves. pairs: (column prefix, filter) for each side."""
    shares = analysis.at_site(dataset, "shares", site)
    sides, hidden = [], []
    for prefix, where in pairs:
        chosen = shares[(shares["breakdown"] == "") & (shares["aggregate"] == "")]
        for column, value in where.items():
            chosen = chosen[chosen[column] == value]
        cut = withheld(dataset, site=site, breakdown="", **where)
        hidden.append(cut)
        sides.append((prefix, chosen.set_index(["item", "answer"])["percent"],
                      cut.set_index(["item", "answer"])["shown"]))
    keys = [k for k in analysis.indicators(dataset.codebook)
            if any(k in marks.index for _, _, marks in sides)
            and all(k in values.index or k in marks.index for _, values, marks in sides)]
    rows = pd.DataFrame({"item": [k[0] for k in keys], "answer": [k[1] for k in keys]})
    for prefix, values, marks in sides:
        rows[f"{prefix} %"] = [values.get(k, math.nan) for k in keys]
        rows[f"{prefix} % shown"] = [marks.get(k, "") for k in keys]
    return rows, pd.concat(hidden, ignore_index=True)


def shown_contrasts(dataset: Dataset, site: str) -> tuple[pd.DataFrame, str]:
    """Returns the contrasts a report shows and where they come from: "site" (the site's own, or
    all sites' without a site), "network-withheld" (network-wide, the site's by group withheld)
    or "network" (network-wide, the data hold none by site)."""
    rows, network_wide = analysis.shown_contrasts(dataset, site)
    if not network_wide:
        return rows, "site"
    hidden = withheld(dataset, site=site, breakdown="")
    return rows, "network-withheld" if (hidden["group"] != "").any() else "network"


def contrast_tables_used(dataset: Dataset, site: str) -> set[str]:
    """Returns the tables whose figures a site's report shows."""
    used = set(dataset.figures.loc[dataset.figures["site"] == site, "table"])
    used |= set(dataset.figures.loc[dataset.figures["aggregate"] == "mean", "table"])
    rows = shown_contrasts(dataset, site)[0]
    if len(rows):
        used |= set(rows["table"])
    return used


def judged(dataset: Dataset, rows: pd.DataFrame, kind: str, site: str | None = None) -> pd.DataFrame:
    """Returns rows of one kind of comparison (at a site, when given; else each row's own) with
    their verdict in the run's one family: a clear column."""
    keys = rows.assign(kind=kind, **({} if site is None else {"site": site}))
    return rows.assign(clear=analysis.is_clear(dataset, keys))


def largest_first(rows: pd.DataFrame, gap: str = "gap") -> pd.DataFrame:
    return rows.reindex(rows[gap].abs().sort_values(ascending=False, kind="stable").index)


def clear_rows(dataset: Dataset, rows: pd.DataFrame, kind: str, site: str | None = None,
               gap: str = "gap") -> pd.DataFrame:
    """Returns the rows whose comparison is clear in the run's family, the largest gap first."""
    rows = judged(dataset, rows, kind, site)
    return largest_first(rows[rows["clear"]], gap)


def widest_comparison(dataset: Dataset, rows: pd.DataFrame, kind: str, site: str,
                      gap: str = "gap") -> tuple:
    """Returns the largest clear comparison of the rows (or, where none is clear, the largest
    gap) and whether it is clear."""
    found = clear_rows(dataset, rows, kind, site, gap)
    if len(found):
        return found.iloc[0], True
    return rows.loc[rows[gap].abs().idxmax()], False

