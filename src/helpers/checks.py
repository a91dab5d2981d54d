"""Consistency checks on published tallies: where a publication's figures do not add up.

Each finding is a record of keys and numbers, traceable to a file and row: the
figure as published, what the other published figures imply, the tolerance that
rounding allows, and how serious it is:

- "inconsistent": the figure contradicts other published figures beyond rounding;
- "unexplained": the figure cannot be reproduced from the published ones.

Words are made only when a finding is shown (:mod:`helpers.words`). Findings are
about the publication, not errors in our data: data/ keeps every figure as published
and the reports show these findings instead of silently correcting.
"""

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.codebook import DERIVED_ANSWERS
from helpers.denominators import respondents, survey_count, table_decimals
from helpers.load import FIGURES, HEADCOUNTS, QUOTES, Dataset, once, quoted_figures
from helpers.stats import candidate_denominators, half_unit

SLACK = 1e-6  # "plus a little": floating-point noise, not rounding


@dataclass(frozen=True)
class Finding:
    """One place where published figures disagree: keys and numbers, no words."""

    check: str
    severity: str
    table: str
    file: str
    row: int | None
    wave: str = ""
    site: str = ""
    group: str = ""
    item: str = ""
    answer: str = ""
    published: float = float("nan")
    decimals: int = 1
    implied: float = float("nan")
    parts: tuple[float, ...] = ()
    tolerance: float = 0.0
    details: tuple[tuple[str, object], ...] = ()
    sites: tuple[str, ...] = field(default=())

    def detail(self, key: str, default=None):
        """Returns one of the check's own numbers or keys."""
        return dict(self.details).get(key, default)


def parts_against_totals(dataset: Dataset) -> list[Finding]:
    """Returns findings where a row or column of a head-count table misses its published total.

    When one row and one column miss by the same amount, a single mistyped cell at
    their crossing explains both, and the findings say which value would.
    """
    findings = []
    for (table, wave), counts in dataset.headcounts.groupby(["table", "wave"], sort=False):
        by_value = (counts["characteristic"] != "").any()
        unit = counts["value"] if by_value else counts["site"]
        frame = counts.assign(unit=unit)
        wide = frame.pivot(index="unit", columns="activity", values="count")
        rows_in_file = dict(zip(zip(frame["unit"], frame["activity"], strict=True), frame["row"],
                                strict=True))
        units = [u for u in dict.fromkeys(frame["unit"]) if u]
        activities = [a for a in dict.fromkeys(frame["activity"]) if a]
        misses = []
        if "" in wide.columns:
            for u in units:
                cells = wide.loc[u, activities]
                if cells.notna().all() and pd.notna(wide.at[u, ""]):
                    misses.append(("row", u, "", int(wide.at[u, ""]), cells))
        if "" in wide.index:
            for a in activities:
                cells = wide.loc[units, a]
                if cells.notna().all() and pd.notna(wide.at["", a]):
                    misses.append(("column", "", a, int(wide.at["", a]), cells))
        misses = [m for m in misses if int(m[4].sum()) != m[3]]
        row_gaps = {m[1]: m[3] - int(m[4].sum()) for m in misses if m[0] == "row"}
        col_gaps = {m[2]: m[3] - int(m[4].sum()) for m in misses if m[0] == "column"}
        for kind, u, a, total, cells in misses:
            details = [("kind", kind), ("unit", u), ("activity", a), ("by_value", bool(by_value)),
                       ("labels", tuple(str(i) for i in cells.index))]
            for r, c in itertools.product(row_gaps, col_gaps):
                if row_gaps[r] == col_gaps[c] and (r == u or c == a):
                    cell = int(wide.at[r, c])
                    details += [("slip_unit", r), ("slip_activity", c), ("slip_from", cell),
                                ("slip_to", cell + row_gaps[r])]
            site_ids = set(dataset.site_ids)
            sites = () if by_value else tuple(s for s in [u, *cells.index] if s in site_ids)
            findings.append(Finding(
                check="parts against totals", severity="inconsistent", table=table,
                file=HEADCOUNTS, row=int(rows_in_file[(u, a)]), wave=wave, site="" if by_value else u,
                published=float(total), decimals=0, implied=float(cells.sum()),
                parts=tuple(float(v) for v in cells), details=tuple(details), sites=sites,
            ))
    return findings


def _cells(figures: pd.DataFrame) -> pd.DataFrame:
    """Returns the published cells that are neither aggregates nor sums of other cells."""
    return figures[(figures["aggregate"] == "") & ~figures["answer"].isin(DERIVED_ANSWERS)
                   & (figures["file"] == FIGURES)]


DISTRIBUTION = ["table", "wave", "site", "group", "breakdown", "value", "item"]


def distribution_sums(dataset: Dataset) -> list[Finding]:
    """Returns findings where a published distribution does not sum to 100 within its rounding."""
    codebook, figures = dataset.codebook, dataset.figures
    findings = []
    cells = _cells(figures)
    for keys, rows in cells.groupby(DISTRIBUTION, sort=False):
        item = codebook.item(keys[-1])
        if item.kind == "choose-any":  # a choose-any item's options need not sum to 100
            continue
        decimals = table_decimals(figures, keys[0])
        total = float(rows["percent"].sum())
        tolerance = half_unit(decimals) * len(rows) + SLACK
        if abs(total - 100) > tolerance:
            findings.append(Finding(
                check="distribution sums to 100", severity="inconsistent", table=keys[0],
                file=FIGURES, row=int(rows["row"].iloc[0]), wave=keys[1], site=keys[2],
                group=keys[3], item=keys[-1], published=total, decimals=decimals, implied=100.0,
                parts=tuple(rows["percent"]), tolerance=tolerance - SLACK,
                sites=(keys[2],) if keys[2] else (),
            ))
    return findings


def _side_cells(dataset: Dataset, figure) -> pd.DataFrame:
    """Returns the published level cells whose sum a positive or negative figure repeats."""
    scale = dataset.codebook.scale_of(dataset.codebook.item(figure["item"]))
    if scale is None:
        return dataset.figures.iloc[0:0]
    cells = _cells(dataset.figures)
    return cells[(cells["wave"] == figure["wave"]) & (cells["site"] == figure["site"])
                 & (cells["group"] == figure["group"]) & (cells["item"] == figure["item"])
                 & (cells["breakdown"] == figure["breakdown"]) & (cells["value"] == figure["value"])
                 & cells["answer"].isin(scale.side(figure["answer"]))]


def sums_against_parts(dataset: Dataset) -> list[Finding]:
    """Returns findings where a published share (agree or strongly agree, say) misses the sum of
    its level cells published elsewhere."""
    figures = dataset.figures
    findings = []
    derived = figures[(figures["aggregate"] == "") & figures["answer"].isin(DERIVED_ANSWERS)
                      & (figures["file"] == FIGURES)]
    for _, figure in derived.iterrows():
        cells = _side_cells(dataset, figure)
        scale = dataset.codebook.scale_of(dataset.codebook.item(figure["item"]))
        if cells.empty or len(cells) != len(scale.side(figure["answer"])):
            continue
        decimals = max(table_decimals(figures, figure["table"]),
                       table_decimals(figures, cells["table"].iloc[0]))
        total = float(cells["percent"].sum())
        tolerance = half_unit(decimals) * (len(cells) + 1) + SLACK
        if abs(total - figure["percent"]) > tolerance:
            findings.append(Finding(
                check="share against its parts", severity="inconsistent", table=figure["table"],
                file=FIGURES, row=int(figure["row"]), wave=figure["wave"], site=figure["site"],
                group=figure["group"], item=figure["item"], answer=figure["answer"],
                published=float(figure["percent"]), decimals=decimals, implied=total,
                parts=tuple(cells["percent"]), tolerance=tolerance - SLACK,
                details=(("parts_table", cells["table"].iloc[0]),
                         ("parts_answers", tuple(cells["answer"]))),
                sites=(figure["site"],) if figure["site"] else (),
            ))
    return findings


def published_differences(dataset: Dataset) -> list[Finding]:
    """Returns findings where a published difference between two groups misses its two parts."""
    figures, codebook = dataset.figures, dataset.codebook
    contrasts = {c.id: c for c in codebook.contrasts}
    findings = []
    for _, figure in figures[figures["aggregate"] == "difference"].iterrows():
        contrast = contrasts[figure["group"]]
        same = figures[(figures["table"] == figure["table"]) & (figures["wave"] == figure["wave"])
                       & (figures["site"] == figure["site"]) & (figures["item"] == figure["item"])
                       & (figures["answer"] == figure["answer"]) & (figures["aggregate"] == "")]
        parts = same.set_index("group")["percent"]
        if contrast.first not in parts or contrast.second not in parts:
            continue
        decimals = table_decimals(figures, figure["table"])
        implied = float(parts[contrast.first] - parts[contrast.second])
        tolerance = 3 * half_unit(decimals) + SLACK
        if abs(implied - figure["percent"]) > tolerance:
            findings.append(Finding(
                check="published difference", severity="inconsistent", table=figure["table"],
                file=FIGURES, row=int(figure["row"]), wave=figure["wave"], site=figure["site"],
                group=figure["group"], item=figure["item"], answer=figure["answer"],
                published=float(figure["percent"]), decimals=decimals, implied=implied,
                parts=(float(parts[contrast.first]), float(parts[contrast.second])),
                tolerance=tolerance - SLACK, sites=(figure["site"],) if figure["site"] else (),
            ))
    return findings


def quotes_against_tables(dataset: Dataset) -> list[Finding]:
    """Returns findings where a figure quoted in the publication's text misses its table."""
    figures = dataset.figures
    findings = []
    for _, quote in dataset.quotes.iterrows():
        cells = quoted_figures(figures, quote, dataset.codebook)
        decimals = table_decimals(figures, quote["table"])
        exact = len(cells) == 1 and cells["answer"].iloc[0] == quote["answer"]
        value = float(cells["percent"].sum())
        rounding = half_unit(int(cells["decimals"].iloc[0])) if exact else half_unit(decimals) * len(cells)
        tolerance = rounding + half_unit(int(quote["decimals"]))
        if abs(value - quote["percent"]) > tolerance + SLACK:
            findings.append(Finding(
                check="text against table", severity="inconsistent", table=quote["table"],
                file=QUOTES, row=int(quote["row"]), wave=quote["wave"], site=quote["site"],
                group=quote["group"], item=quote["item"], answer=quote["answer"],
                published=float(quote["percent"]), decimals=int(quote["decimals"]), implied=value,
                parts=() if exact else tuple(cells["percent"]), tolerance=tolerance,
                details=(("quote", quote["quote"]),), sites=(quote["site"],) if quote["site"] else (),
            ))
    return findings


def published_means(dataset: Dataset) -> list[Finding]:
    """Returns findings for each published mean over the sites that is neither the unweighted
    mean of the sites nor a weighted mean with plausible weights.

    Plausible weights are the same for every figure of one table: the sites' survey
    participants, or any whole numbers of respondents that fit each site's rounded
    percentages (multiples of its smallest inferred n) adding up to no more than the
    survey's published total.
    """
    figures = dataset.figures
    means = figures[figures["aggregate"] == "mean"]
    findings = []
    for (table, wave, group), published_rows in means.groupby(["table", "wave", "group"], sort=False):
        sites_rows = figures[(figures["table"] == table) & (figures["wave"] == wave)
                             & (figures["group"] == group) & (figures["site"] != "")
                             & (figures["aggregate"] == "")]
        wide = sites_rows.pivot_table(index=["item", "answer"], columns="site", values="percent",
                                      sort=False)
        sites = [s for s in dataset.site_ids if s in wide.columns]
        keyed = published_rows.set_index(["item", "answer"])
        wide = wide.reindex(keyed.index).dropna(subset=sites)
        if wide.empty or not sites:
            continue
        keyed = keyed.loc[wide.index]
        decimals = table_decimals(figures, table)
        tolerance = 2 * half_unit(decimals) + SLACK
        values, published = wide[sites].to_numpy(), keyed["percent"].to_numpy()
        unweighted = values.mean(axis=1)
        survey = {s: survey_count(dataset, wave, s) for s in sites}
        by_survey = (values @ np.array([survey[s] for s in sites]) / sum(survey.values())
                     if all(survey.values()) else None)
        best, weights = _closest_weighting(dataset, sites_rows, sites, values, published, decimals,
                                           survey_count(dataset, wave, ""))
        fitted = best is not None and bool((np.abs(best - published) <= tolerance).all())
        for i, (key, row) in enumerate(keyed.iterrows()):
            if abs(unweighted[i] - published[i]) <= tolerance:
                continue
            if by_survey is not None and abs(by_survey[i] - published[i]) <= tolerance:
                continue
            if fitted:
                continue
            details = [("unweighted", float(unweighted[i])), ("sites", len(sites))]
            if by_survey is not None:
                details.append(("by_survey", float(by_survey[i])))
            if best is not None:
                details += [("closest", float(best[i])), ("weights", weights)]
            findings.append(Finding(
                check="published average", severity="unexplained", table=table, file=FIGURES,
                row=int(row["row"]), wave=wave, group=group, item=key[0], answer=key[1],
                published=float(published[i]), decimals=decimals, implied=float(unweighted[i]),
                tolerance=tolerance - SLACK, details=tuple(details),
            ))
    return findings


def _closest_weighting(dataset, sites_rows, sites, values, published, decimals, largest):
    """Returns the weighted means closest to the published ones over plausible weights
    (the worst figure as close as possible), and those weights; (None, None) if none.

    Plausible: each site's n fits its rounded percentages, and together the sites
    have no more respondents than the survey's published total (200 if none).
    """
    largest = largest or 200
    grids = []
    for site in sites:
        cells = sites_rows[sites_rows["site"] == site]["percent"]
        candidates = candidate_denominators(cells, decimals, largest)
        if not candidates:
            return None, None
        grids.append(np.array(candidates, dtype=float))
    if np.prod([len(g) for g in grids], dtype=float) > 2_000_000:
        return None, None
    weights = np.stack(np.meshgrid(*grids, indexing="ij"), axis=-1).reshape(-1, len(sites))
    weights = weights[weights.sum(axis=1) <= largest]
    if not len(weights):
        return None, None
    means = weights @ values.T / weights.sum(axis=1, keepdims=True)
    worst = np.abs(means - published).max(axis=1)
    best = int(worst.argmin())
    return means[best], tuple(int(w) for w in weights[best])


def whole_numbers(dataset: Dataset) -> list[Finding]:
    """Returns findings where rounded percentages cannot come from a whole number of people
    within the published head-counts."""
    figures = dataset.figures
    findings = []
    for record in respondents(dataset).itertuples():
        sites = (record.site,) if record.site else ()
        keys = {"wave": record.wave, "site": record.site, "group": record.group}
        if record.status == "one figure does not fit":
            figure = figures.loc[int(record.left_out)]
            findings.append(Finding(
                check="whole numbers of people", severity="inconsistent", table=record.table,
                file=FIGURES, row=int(figure["row"]), **keys, item=figure["item"],
                answer=figure["answer"], published=float(figure["percent"]),
                decimals=int(figure["decimals"]), implied=float(figure["percent"]) * int(record.n) / 100,
                details=(("n", int(record.n)), ("status", record.status)), sites=sites,
            ))
        elif record.status in ("more than published", "no fit"):
            cells = figures[(figures["table"] == record.table) & (figures["wave"] == record.wave)
                            & (figures["site"] == record.site) & (figures["group"] == record.group)
                            & (figures["aggregate"] == "")]
            findings.append(Finding(
                check="whole numbers of people", severity="inconsistent", table=record.table,
                file=FIGURES, row=int(cells["row"].iloc[0]), **keys,
                published=float("nan"), parts=tuple(cells["percent"]),
                implied=float(record.n) if record.n is not pd.NA else float("nan"),
                details=(("n", None if record.n is pd.NA else int(record.n)),
                         ("bound", None if record.bound is pd.NA else int(record.bound)),
                         ("status", record.status)),
                sites=sites,
            ))
    return findings


@once
def run_checks(dataset: Dataset) -> list[Finding]:
    """Returns every finding about the published figures, check by check."""
    return [
        *parts_against_totals(dataset),
        *distribution_sums(dataset),
        *sums_against_parts(dataset),
        *published_differences(dataset),
        *quotes_against_tables(dataset),
        *published_means(dataset),
        *whole_numbers(dataset),
    ]



def findings_for_site(findings: list[Finding], site: str, tables: set[str]) -> tuple[list, list]:
    """Returns the findings a site's report shows: those about the site alone, and those about
    figures shared by several sites or by the network, in the tables the report uses."""
    own = [f for f in findings if f.sites == (site,)]
    shared = [f for f in findings if f not in own and (
        site in f.sites or (not f.sites and f.table in tables))]
    return own, shared
