"""Consistency checks on the published tallies: where the brief's figures do not add up.

Each finding is a record a person can trace: the table and row, the figure as
published, what the other published figures imply, and how serious it is:

- "inconsistent": the figure contradicts other published figures beyond rounding;
- "unexplained": the figure cannot be reproduced from the published ones.

Findings are about the brief, not errors in our data: data/ keeps every figure as
published and the reports show these findings instead of silently correcting.
"""

import itertools
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from helpers.denominators import respondents, survey_count, table_decimals
from helpers.load import AGREE, ALL_SITES, GROUP_NAMES, TOTAL, Tallies
from helpers.stats import candidate_denominators, half_unit

SLACK = 1e-6  # "plus a little": floating-point noise, not rounding


@dataclass(frozen=True)
class Finding:
    """One place where published figures disagree."""

    check: str
    table: str
    row: int | None
    where: str
    published: str
    implied: str
    severity: str
    explanation: str
    sites: tuple[str, ...] = field(default=())


def _figure(value: float) -> str:
    return f"{value:g}"


def _percent(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}%"


def parts_against_totals(table: pd.DataFrame, name: str, row_key: str, names: dict) -> list:
    """Returns findings where a row or column of a count table misses its TOTAL.

    When one row and one column miss by the same amount, a single mistyped cell at
    their crossing explains both, and the findings say which value would.
    """
    wide = table.pivot(index=row_key, columns="round", values="participants")
    lines = table.set_index([row_key, "round"]).index
    rows_in_file = dict(zip(lines, table.index, strict=True))
    parts_rows = [r for r in wide.index if r != TOTAL]
    parts_cols = [c for c in wide.columns if c != TOTAL]
    misses = []
    if TOTAL in wide.columns:
        for row in wide.index:
            cells = wide.loc[row, parts_cols]
            if cells.notna().all() and pd.notna(wide.at[row, TOTAL]):
                misses.append(("row", row, TOTAL, int(wide.at[row, TOTAL]), cells))
    if TOTAL in wide.index:
        for column in wide.columns:
            cells = wide.loc[parts_rows, column]
            if cells.notna().all() and pd.notna(wide.at[TOTAL, column]):
                misses.append(("column", TOTAL, column, int(wide.at[TOTAL, column]), cells))
    misses = [m for m in misses if int(m[4].sum()) != m[3]]
    row_gaps = {m[1]: m[3] - int(m[4].sum()) for m in misses if m[0] == "row"}
    col_gaps = {m[2]: m[3] - int(m[4].sum()) for m in misses if m[0] == "column"}
    findings = []
    for kind, row, column, total, cells in misses:
        label = names.get(row, row)
        implied = " + ".join(str(int(v)) for v in cells) + f" = {int(cells.sum())}"
        explanation = (
            f"The {label} parts add up to {int(cells.sum())}, but the published total is {total}."
            if kind == "row" else
            f"The sites' {column} figures add up to {int(cells.sum())}, "
            f"but the published total is {total}."
        )
        for r, c in itertools.product(row_gaps, col_gaps):
            if row_gaps[r] == col_gaps[c] and (r == row or c == column):
                cell = int(wide.at[r, c])
                explanation += (
                    f" One typing slip would explain this: if {names.get(r, r)}'s {c} figure were "
                    f"{cell + row_gaps[r]} instead of {cell}, both its row and the {c} column "
                    "would add up."
                )
        where = f"{label} row total" if kind == "row" else f"{column} column total"
        findings.append(Finding(
            check="parts against totals", table=name, row=rows_in_file[(row, column)], where=where,
            published=str(total), implied=implied, severity="inconsistent",
            explanation=explanation,
            sites=tuple(s for s in [row, *cells.index] if s in names and s != TOTAL),
        ))
    return findings


def likert_sums(tallies: Tallies) -> list:
    """Returns findings where a Likert row does not sum to 100 within its cells' rounding."""
    likert = tallies.likert
    decimals = table_decimals(likert)
    findings = []
    for (group, topic), cells in likert.groupby(["group", "topic"], observed=True):
        total = cells["percent"].sum()
        tolerance = half_unit(decimals) * len(cells) + SLACK
        if abs(total - 100) > tolerance:
            statement = _statement(tallies, group, topic)
            findings.append(Finding(
                check="distribution sums to 100", table="likert", row=int(cells.index[0]),
                where=f"{GROUP_NAMES[group]}: “{statement}”",
                published=" + ".join(_figure(v) for v in cells["percent"]),
                implied=f"sum {total:.1f}%, expected 100% ± {tolerance:.2f}",
                severity="inconsistent",
                explanation=(
                    f"The {len(cells)} answers for “{statement}” ({GROUP_NAMES[group]}) add up to "
                    f"{total:.1f}%, more than rounding can explain (each cell is rounded to "
                    f"{decimals} decimal, so at most {tolerance:.2f} points off 100)."
                ),
            ))
    return findings


def _statement(tallies: Tallies, group: str, topic: str) -> str:
    table = tallies.statements
    hit = table[(table["group"] == group) & (table["topic"] == topic)]["statement"]
    return str(hit.iloc[0]) if len(hit) else topic


def _agree(tallies: Tallies, group: str, topic: str) -> tuple[float, pd.DataFrame]:
    likert = tallies.likert
    cells = likert[(likert["group"] == group) & (likert["topic"] == topic)
                   & likert["level"].isin(AGREE)]
    return float(cells["percent"].sum()), cells


def agree_against_parts(tallies: Tallies) -> list:
    """Returns findings where a published "agree or strongly agree" figure misses the sum of
    its two Likert cells, and where a published difference misses its parts."""
    involvement = tallies.involvement
    decimals = max(table_decimals(involvement), table_decimals(tallies.likert))
    findings = []
    for row, figure in involvement[involvement["group"] != "difference"].iterrows():
        total, cells = _agree(tallies, figure["group"], figure["topic"])
        if len(cells) != len(AGREE):
            continue
        tolerance = half_unit(decimals) * (len(cells) + 1) + SLACK
        if abs(total - figure["percent"]) > tolerance:
            findings.append(Finding(
                check="agree or strongly agree", table="involvement", row=int(row),
                where=f"{figure['statement']} — {GROUP_NAMES[figure['group']]}",
                published=_percent(figure["percent"], decimals),
                implied=" + ".join(_percent(v, decimals) for v in cells["percent"])
                + f" = {_percent(total, decimals)} in the Likert table",
                severity="inconsistent",
                explanation=(
                    f"The stakeholder-involvement table gives {_percent(figure['percent'])} of "
                    f"{GROUP_NAMES[figure['group']]} agreeing that “{figure['statement']}”, but the "
                    f"full Likert table's agree ({_percent(cells['percent'].iloc[0])}) and strongly "
                    f"agree ({_percent(cells['percent'].iloc[1])}) add up to {_percent(total)}."
                ),
            ))
    wide = involvement.pivot(index="topic", columns="group", values="percent")
    for topic, figures in wide.dropna().iterrows():
        row = involvement[(involvement["topic"] == topic)
                          & (involvement["group"] == "difference")].index[0]
        implied = figures["community"] - figures["organizational"]
        tolerance = 3 * half_unit(decimals) + SLACK
        if abs(implied - figures["difference"]) > tolerance:
            statement = involvement.loc[row, "statement"]
            findings.append(Finding(
                check="published difference", table="involvement", row=int(row),
                where=f"{statement} — difference",
                published=_percent(figures["difference"], decimals),
                implied=f"{_percent(figures['community'])} − {_percent(figures['organizational'])}"
                f" = {_percent(implied)}",
                severity="inconsistent",
                explanation=(
                    f"For “{statement}” the published difference is "
                    f"{_percent(figures['difference'])}, but the two published figures differ by "
                    f"{_percent(implied)}."
                ),
            ))
    return findings


def narrative_against_tables(tallies: Tallies) -> list:
    """Returns findings where a figure quoted in the brief's text misses its table."""
    findings = []
    for row, quote in tallies.narrative.iterrows():
        if quote["table"] == "likert":
            value, cells = _agree(tallies, quote["column"], quote["row"])
            decimals = table_decimals(tallies.likert)
            tolerance = half_unit(decimals) * len(cells) + half_unit(int(quote["decimals"]))
            source = "agree + strongly agree in the Likert table"
        else:
            table = getattr(tallies, quote["table"])
            keys = ("area", "site") if quote["table"] == "improvements" else ("topic", "group")
            hit = table[(table[keys[0]].astype(str) == quote["row"])
                        & (table[keys[1]].astype(str) == quote["column"])]
            value = float(hit["percent"].iloc[0])
            tolerance = half_unit(int(hit["decimals"].iloc[0])) + half_unit(int(quote["decimals"]))
            source = f"the {quote['table']} table"
        if abs(value - quote["percent"]) > tolerance + SLACK:
            findings.append(Finding(
                check="text against table", table="narrative", row=int(row),
                where=f"“{quote['quote']}”",
                published=_percent(quote["percent"], int(quote["decimals"])),
                implied=f"{_percent(value)} in {source}", severity="inconsistent",
                explanation=(
                    f"The brief's text quotes {_percent(quote['percent'])}, but {source} "
                    f"gives {_percent(value)}."
                ),
            ))
    return findings


def published_averages(tallies: Tallies) -> list:
    """Returns findings for each published all-sites average that is neither the unweighted
    mean of the sites nor a weighted mean with plausible weights.

    Plausible weights are the same for every area: the sites' survey participants,
    or any whole numbers of respondents that fit each site's rounded percentages
    (multiples of its smallest inferred n) adding up to no more than the survey's
    published total.
    """
    improvements = tallies.improvements
    wide = improvements.pivot(index="area", columns="site", values="percent")
    if ALL_SITES not in wide.columns:
        return []
    sites = [s for s in wide.columns if s != ALL_SITES]
    wide = wide.dropna(subset=[*sites, ALL_SITES])
    if wide.empty or not sites:
        return []
    decimals = table_decimals(improvements)
    tolerance = 2 * half_unit(decimals) + SLACK
    values, published = wide[sites].to_numpy(), wide[ALL_SITES].to_numpy()
    unweighted = values.mean(axis=1)
    survey = {s: survey_count(tallies, s) for s in sites}
    by_survey = (
        values @ np.array([survey[s] for s in sites]) / sum(survey.values())
        if all(survey.values()) else None
    )
    best, best_weights = _closest_weighting(tallies, sites, values, published, decimals)
    fitted = np.abs(best - published) <= tolerance if best is not None else None
    findings = []
    for i, area in enumerate(wide.index):
        if abs(unweighted[i] - published[i]) <= tolerance:
            continue
        if by_survey is not None and abs(by_survey[i] - published[i]) <= tolerance:
            continue
        if fitted is not None and fitted.all():
            continue
        row = improvements[(improvements["area"] == area)
                           & (improvements["site"] == ALL_SITES)].index[0]
        implied = f"unweighted mean {unweighted[i]:.1f}%"
        if by_survey is not None:
            implied += f"; weighted by survey participants {by_survey[i]:.1f}%"
        if best is not None:
            implied += f"; closest plausible weighting {best[i]:.1f}%"
        findings.append(Finding(
            check="published average", table="improvements", row=int(row),
            where=f"average: all TFS sites — {area}",
            published=_percent(published[i], decimals), implied=implied, severity="unexplained",
            explanation=(
                f"The published all-sites figure for “{area}” ({_percent(published[i])}) is "
                f"neither the plain average of the four sites ({unweighted[i]:.1f}%) nor a "
                "weighted average with weights that fit the data"
                + (f" (the closest, weights {best_weights}, gives {best[i]:.1f}%)"
                   if best is not None else "")
                + ". It may include respondents not assigned to a site; the brief does not say."
            ),
        ))
    return findings


def _closest_weighting(tallies, sites, values, published, decimals):
    """Returns the weighted means closest to the published ones over plausible weights
    (the worst area as close as possible), and those weights; (None, None) if none.

    Plausible: each site's n fits its rounded percentages, and together the sites
    have no more respondents than the survey's published total (200 if none).
    """
    largest = survey_count(tallies, TOTAL) or 200
    grids = []
    for site in sites:
        cells = tallies.improvements[tallies.improvements["site"] == site]["percent"]
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


def denominators(tallies: Tallies) -> list:
    """Returns findings where the rounded percentages cannot come from a whole number of
    people within the published head-counts."""
    findings = []
    for record in respondents(tallies).itertuples():
        table = getattr(tallies, record.table)
        cells = table[table["group" if record.table == "likert" else "site"] == record.group]
        who = GROUP_NAMES.get(record.group) or tallies.site_name(record.group)
        sites = () if record.table == "likert" else (record.group,)
        if record.status == "one figure does not fit":
            row = int(record.left_out)
            value = float(table.at[row, "percent"])
            n = int(record.n)
            low, high = int(np.floor(value * n / 100)), int(np.ceil(value * n / 100))
            place = ", ".join(str(table.at[row, c]) for c in ("topic", "level")
                              if c in table) or str(table.at[row, "area"])
            findings.append(Finding(
                check="whole numbers of people", table=record.table, row=row,
                where=f"{who}: {place}", published=_percent(value),
                implied=(f"{value * n / 100:.1f} of {n} people; {low} would be "
                         f"{100 * low / n:.1f}%, {high} would be {100 * high / n:.1f}%"),
                severity="inconsistent", sites=sites,
                explanation=(
                    f"Every other figure for {who} is a whole number of {n} respondents "
                    f"(inferred, not published), but {_percent(value)} would be "
                    f"{value * n / 100:.1f} people: probably a typing slip for "
                    f"{100 * low / n:.1f}% or {100 * high / n:.1f}%."
                ),
            ))
        elif record.status in ("more than published", "no fit"):
            bound = record.bound
            findings.append(Finding(
                check="whole numbers of people", table=record.table, row=int(cells.index[0]),
                where=f"{who}: all figures",
                published=", ".join(_percent(v) for v in cells["percent"]),
                implied=(f"at least {record.n} respondents (inferred), but {bound} published "
                         f"as {record.bound_source}" if record.n is not pd.NA
                         else "no whole number of respondents fits"),
                severity="inconsistent", sites=sites,
                explanation=(
                    f"The rounded percentages for {who} need at least {record.n} respondents "
                    f"(inferred from their rounding: multiples of {record.n} fit), but the brief "
                    f"lists {bound} {record.bound_source}."
                ),
            ))
    return findings


def run_checks(tallies: Tallies) -> list[Finding]:
    """Returns every finding about the published figures, table by table."""
    site_names = dict(zip(tallies.sites["site"], tallies.sites["name"], strict=True))
    return [
        *parts_against_totals(tallies.participants_by_level, "participants_by_level",
                              "stakeholder_group", {}),
        *parts_against_totals(tallies.participants_by_site, "participants_by_site", "site",
                              site_names),
        *likert_sums(tallies),
        *agree_against_parts(tallies),
        *narrative_against_tables(tallies),
        *published_averages(tallies),
        *denominators(tallies),
    ]


def findings_table(findings: list[Finding]) -> pd.DataFrame:
    """Returns the findings as a DataFrame, one row each."""
    columns = list(Finding.__dataclass_fields__)
    return pd.DataFrame([asdict(f) for f in findings], columns=columns)


SHOWN_IN_SITE_REPORTS = ("improvements", "involvement", "narrative")


def findings_for_site(findings: list[Finding], site: str) -> tuple[list[Finding], list[Finding]]:
    """Returns the findings a site's report shows: those about the site alone, and those about
    figures shared by several sites or by the network that the report uses."""
    own = [f for f in findings if f.sites == (site,)]
    shared = [f for f in findings if f not in own and (
        site in f.sites or (not f.sites and f.table in SHOWN_IN_SITE_REPORTS))]
    return own, shared
