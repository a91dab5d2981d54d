"""The analyses the reports show, built from the validated tallies: what a notebook cell calls.

Each function takes :class:`~helpers.load.Tallies` and returns tables or
:class:`~helpers.charts.Chart` objects; none reads a file or knows about HTML.
"""

import pandas as pd

from helpers import charts
from helpers.denominators import respondents
from helpers.load import AGREE, ALL_SITES, Tallies
from helpers.stats import disparity


def site_names(tallies: Tallies) -> dict[str, str]:
    """Returns each site's published name by slug."""
    return dict(zip(tallies.sites["site"], tallies.sites["name"], strict=True))


def respondent_counts(tallies: Tallies, table: str) -> dict[str, int | None]:
    """Returns the inferred n of each respondent group of a table ("improvements": by site,
    "likert": by partner group)."""
    counts = respondents(tallies)
    counts = counts[counts["table"] == table]
    return {g: (None if pd.isna(n) else int(n)) for g, n in zip(counts["group"], counts["n"],
                                                               strict=True)}


def involvement_agree(tallies: Tallies) -> pd.DataFrame:
    """Returns the published stakeholder-involvement table: label, organizational, community."""
    table = tallies.involvement
    wide = table.pivot(index="topic", columns="group", values="percent").dropna(
        subset=["organizational", "community"])
    labels = tallies.involvement.drop_duplicates("topic").set_index("topic")["statement"]
    wide = wide.reset_index()
    wide["label"] = wide["topic"].map(labels).str.rstrip(".")
    return wide[["label", "organizational", "community"]]


def likert_agree(tallies: Tallies) -> pd.DataFrame:
    """Returns % agree or strongly agree (the sum of the two published cells) for every
    statement both partner groups answered: label, organizational, community."""
    likert = tallies.likert[tallies.likert["level"].isin(AGREE)]
    sums = likert.groupby(["topic", "group"], observed=True)["percent"].sum().unstack("group")
    sums = sums.dropna(subset=["organizational", "community"]).reset_index()
    labels = tallies.statements.drop_duplicates("topic").set_index("topic")["label"]
    sums["label"] = sums["topic"].astype(str).map(labels)
    return sums[["label", "organizational", "community"]]


def disparity_by_area(tallies: Tallies) -> pd.DataFrame:
    """Returns, per improvement area, the disparity among sites against the published all-sites
    figure: range difference and ratio, index of disparity and the weighted measures
    (weights: the inferred respondents of each site)."""
    names = site_names(tallies)
    weights = pd.Series(respondent_counts(tallies, "improvements"), dtype="float")
    rows = []
    improvements = tallies.improvements
    for area, cells in improvements.groupby("area", observed=True, sort=False):
        values = cells[cells["site"] != ALL_SITES].set_index("site")["percent"]
        values.index = values.index.astype(str)
        reference = cells[cells["site"] == ALL_SITES]["percent"]
        if len(values) < 2 or reference.empty:
            continue
        usable = weights.reindex(values.index)
        measures = disparity(values, reference=float(reference.iloc[0]),
                             reference_label="published all-sites figure",
                             weights=usable if usable.notna().all() else None)
        rows.append({
            "area": str(area),
            "all sites %": measures.reference,
            "highest": f"{names.get(measures.highest, measures.highest)} "
                       f"{values.max():.1f}%",
            "lowest": f"{names.get(measures.lowest, measures.lowest)} {values.min():.1f}%",
            "range (points)": measures.range_difference,
            "range ratio": measures.range_ratio,
            "index of disparity (%)": measures.index_of_disparity,
            "between-group variance": measures.between_group_variance,
            "Theil ×1000": measures.theil,
            "MLD ×1000": measures.mean_log_deviation,
        })
    return pd.DataFrame(rows).round(2)


def site_gaps(tallies: Tallies, site: str) -> pd.DataFrame:
    """Returns the site's figure, the all-sites figure and the gap per area, largest gap first."""
    intervals = charts.site_intervals(tallies.improvements,
                                      respondent_counts(tallies, "improvements"))
    rows = intervals[intervals["site"] == site].dropna(subset=["gap"])
    return rows.reindex(rows["gap"].abs().sort_values(ascending=False).index)


def likert_sections(tallies: Tallies) -> list[str]:
    """Returns the titles of the Likert sections, in the brief's order."""
    return [str(s) for s in tallies.likert["section"].cat.categories
            if (tallies.likert["section"] == s).any()]


def likert_chart(tallies: Tallies, section: str, min_n: int) -> charts.Chart:
    """Returns the diverging Likert chart of one section, both partner groups side by side."""
    rows = tallies.likert[tallies.likert["section"] == section]
    name = "likert-" + "-".join(section.split()[:2]).lower()
    return charts.likert_chart(rows, tallies.statements, respondent_counts(tallies, "likert"),
                               section, min_n=min_n, name=name)


def participation_chart(tallies: Tallies, site: str | None = None) -> charts.Chart | None:
    """Returns participants by site and round, the site highlighted; None without counts for it."""
    table = tallies.participants_by_site
    if site is not None and not (table["site"] == site).any():
        return None
    return charts.participation_chart(table, "site", site_names(tallies), site)


def site_comparison_chart(tallies: Tallies, site: str | None, min_n: int) -> charts.Chart | None:
    """Returns the sites' improvement figures with intervals; None without figures for the site."""
    improvements = tallies.improvements
    if site is not None and not (improvements["site"] == site).any():
        return None
    return charts.site_comparison(improvements, respondent_counts(tallies, "improvements"),
                                  site_names(tallies), site, min_n)


def gap_chart(tallies: Tallies, site: str | None = None) -> charts.Chart | None:
    """Returns the gaps to the all-sites figure (the site's only, when given); None without them."""
    if site is not None and not (tallies.improvements["site"] == site).any():
        return None
    return charts.gap_chart(tallies.improvements, site_names(tallies), site)


def involvement_chart(tallies: Tallies, min_n: int) -> charts.Chart | None:
    """Returns the network-wide stakeholder-involvement dumbbell; None if it is not published."""
    agree = involvement_agree(tallies)
    if agree.empty:
        return None
    return charts.dumbbell(agree, respondent_counts(tallies, "likert"), min_n, "involvement")


def site_charts(tallies: Tallies, site: str, min_n: int) -> list[charts.Chart]:
    """Returns every chart of a site's report."""
    made = [participation_chart(tallies, site), site_comparison_chart(tallies, site, min_n),
            gap_chart(tallies, site), involvement_chart(tallies, min_n)]
    return [chart for chart in made if chart is not None]


def network_charts(tallies: Tallies, min_n: int) -> list[charts.Chart]:
    """Returns every chart of the network overview."""
    counts = respondent_counts(tallies, "likert")
    made = [
        charts.participation_chart(tallies.participants_by_level, "stakeholder_group", {},
                                   name="participation-levels"),
        participation_chart(tallies),
        site_comparison_chart(tallies, None, min_n),
        gap_chart(tallies) if len(tallies.sites) <= charts.MANY_SITES else None,
        charts.gap_heatmap(tallies.improvements, site_names(tallies)),
        involvement_chart(tallies, min_n),
        charts.dumbbell(likert_agree(tallies), counts, min_n, "likert-gaps"),
        *(likert_chart(tallies, section, min_n) for section in likert_sections(tallies)),
    ]
    return [chart for chart in made if chart is not None]


def main_disparity_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Returns the disparity table without the appendix measures, for a site's report."""
    return table[["area", "all sites %", "highest", "lowest", "range (points)", "range ratio",
                  "index of disparity (%)"]]
