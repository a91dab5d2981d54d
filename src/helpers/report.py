"""The words around the charts: findings in plain language, with their numbers.

Each function returns an IPython display object (HTML) for a notebook cell. Every
label that comes from data or parameters is escaped, so a statement containing
markup shows as text.
"""

import html

import pandas as pd
from IPython.display import HTML, display

from helpers.analysis import respondent_counts, site_gaps, site_names
from helpers.charts import html_table, short_area, site_intervals, widest_spread
from helpers.checks import Finding, findings_for_site
from helpers.load import GROUP_NAMES, TOTAL, Tallies

HEADLINE_KEY = "tfs-headline"
SEVERITY_WORDS = {
    "inconsistent": "Does not add up",
    "unexplained": "Cannot be reproduced",
}


def esc(value) -> str:
    """Returns text safe to put inside HTML."""
    return html.escape(str(value), quote=True)


def _above_below(value: float) -> str:
    return f"{abs(value):.1f} points {'above' if value > 0 else 'below'}"


def headline(text: str) -> None:
    """Displays the report's one-line headline and marks it for the index page."""
    display(HTML(f'<p class="headline">{esc(text)}</p>'), metadata={HEADLINE_KEY: text})


def title(heading: str, subtitle: str) -> HTML:
    """Returns the report's title block."""
    return HTML(f'<header class="report-title"><h1>{esc(heading)}</h1>'
                f'<p class="subtitle">{esc(subtitle)}</p></header>')


def bullets(items: list[str], css: str = "findings") -> HTML:
    """Returns already-escaped HTML items as a list."""
    return HTML(f'<ul class="{css}">' + "".join(f"<li>{item}</li>" for item in items) + "</ul>")


def paragraph(text: str) -> HTML:
    """Returns plain text as an escaped paragraph."""
    return HTML(f"<p>{esc(text)}</p>")


def site_key_findings(tallies: Tallies, site: str, min_n: int) -> tuple[str, list[str]]:
    """Returns a site's headline and its key findings (escaped HTML), each with its numbers."""
    name = site_names(tallies).get(site, site)
    gaps = site_gaps(tallies, site)
    items, head = [], f"{name}: the brief publishes no improvement figures for this site."
    if not gaps.empty:
        top = gaps.iloc[0]
        head = (f"{name} is {_above_below(top['gap'])} the all-sites figure on "
                f"{short_area(top['area'])} ({top['percent']:.1f}% vs {top['all_sites']:.1f}%).")
        for row in gaps.head(2).itertuples():
            items.append(
                f"<strong>{esc(short_area(row.area)).capitalize()}</strong>: {row.percent:.1f}% of "
                f"{esc(name)}'s partners see an improvement, {_above_below(row.gap)} the all-sites "
                f"figure of {row.all_sites:.1f}%."
            )
        voice = gaps[gaps["area"].str.contains("parents|students", regex=True)]
        voice = voice[~voice["area"].isin(gaps.head(2)["area"])]
        for row in voice.itertuples():
            items.append(
                f"{esc(short_area(row.area)).capitalize()}: {row.percent:.1f}% at {esc(name)} against "
                f"{row.all_sites:.1f}% across all sites ({_above_below(row.gap)})."
            )
        n = respondent_counts(tallies, "improvements").get(site)
        if n is not None and n < min_n:
            items.append(
                f"<strong>Read with care</strong>: {esc(name)}'s percentages rest on about {n} "
                f"respondents (inferred from their rounding); one person moves a figure by "
                f"{100 / n:.0f} points."
            )
    items.append(_parents_gap(tallies))
    return head, [i for i in items if i]


def _parents_gap(tallies: Tallies) -> str:
    """Returns the network-wide finding on parent involvement by partner group, if published."""
    table = tallies.involvement
    wide = table.pivot(index="topic", columns="group", values="percent")
    if "parents" not in wide.index or wide.loc["parents"].isna().any():
        return ""
    row = wide.loc["parents"]
    return (f"Across the network, {row['organizational']:.1f}% of organizational partners and "
            f"{row['community']:.1f}% of community partners agree that parents are involved "
            f"(network-wide figures; the brief publishes none by site).")


def participants_sentence(tallies: Tallies, site: str) -> HTML:
    """Returns who took part at a site, as published, and how that compares with the others."""
    table = tallies.participants_by_site
    rows = table[table["site"] == site].set_index(table[table["site"] == site]["round"]
                                                  .astype(str))["participants"]
    name = site_names(tallies).get(site, site)
    if rows.empty:
        return paragraph(f"The brief publishes no participant counts for {name}.")
    parts = {r: int(rows[r]) for r in ("R1", "R2", "survey") if r in rows}
    first = parts.get("R1", 0)
    text = (f"At {name}, {first} {'person' if first == 1 else 'people'} took part in first-round "
            f"interviews, {parts.get('R2', 0)} in second-round focus groups and "
            f"{parts.get('survey', 0)} in the survey")
    if TOTAL in rows:
        added = sum(parts.values())
        text += (f"; the brief gives a total of {int(rows[TOTAL])}"
                 + ("." if added == int(rows[TOTAL]) else
                    f", though these add up to {added} (see the data notes)."))
    else:
        text += "."
    return paragraph(text)


def missing_sections(tallies: Tallies, site: str) -> list[str]:
    """Returns the names of the report sections a site's data do not support."""
    missing = []
    if not (tallies.participants_by_site["site"] == site).any():
        missing.append("who we heard from (no participant counts)")
    if not (tallies.improvements["site"] == site).any():
        missing.append("improvements since year one (no improvement figures)")
    return missing


def missing_note(tallies: Tallies, site: str) -> HTML:
    """Returns a note naming the sections left out for lack of data, or nothing."""
    missing = missing_sections(tallies, site)
    if not missing:
        return HTML("")
    return HTML('<p class="note">This report leaves out: '
                + "; ".join(esc(m) for m in missing) + ". The data hold no figures for them.</p>")


def table(frame: pd.DataFrame, caption: str = "", digits: int = 1) -> HTML:
    """Returns a DataFrame as an accessible HTML table: no index, labels escaped, numbers rounded."""
    return HTML(html_table(frame, caption, digits))


def _averages_item(findings: list[Finding]) -> str:
    """Returns the published-average findings as one item with a small table."""
    rows = "".join(
        f"<tr><td>{esc(f.where.split(' — ', 1)[-1])}</td><td>{esc(f.published)}</td>"
        f"<td>{esc(f.implied.split(';')[0].removeprefix('unweighted mean '))}</td></tr>"
        for f in findings
    )
    return (
        f'<span class="severity unexplained">{SEVERITY_WORDS["unexplained"]}</span> '
        f"None of the {len(findings)} published “average: all TFS sites” figures is the plain "
        "average of the four sites, nor a weighted average with respondent numbers that fit the "
        "sites' figures. The brief may count respondents not assigned to a site; it does not say. "
        "<table><thead><tr><th>area</th><th>published</th><th>plain average of the sites</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
        '<span class="source">(source: improvements.csv, rows '
        + ", ".join(str(f.row) for f in findings) + "; the data-quality report gives the "
        "weighted averages tried)</span>"
    )


def finding_items(findings: list[Finding], gather: bool = True) -> list[str]:
    """Returns each finding as escaped HTML: what, where, as published and what others imply.

    The all-sites averages, which fail together, are gathered into one item.
    """
    averages = [f for f in findings if gather and f.check == "published average"]
    others = [f for f in findings if f not in averages]
    return ([_averages_item(averages)] if averages else []) + [
        f'<span class="severity {esc(f.severity)}">{esc(SEVERITY_WORDS.get(f.severity, f.severity))}'
        f"</span> {esc(f.explanation)} <span class=\"source\">(source: {esc(f.table)}.csv"
        + (f", row {f.row}" if f.row is not None else "")
        + f"; published {esc(f.published)}; the other figures give {esc(f.implied)})</span>"
        for f in others
    ]


def data_notes(findings: list[Finding], site: str | None = None, gather: bool = True) -> HTML:
    """Returns the findings that concern a report: the site's own first, then the network-wide
    figures it shows. Without a site, every finding; with gather, the all-sites averages as one."""
    if site is None:
        own, shared = findings, []
    else:
        own, shared = findings_for_site(findings, site)
    parts = []
    if own:
        parts.append("<h3>About this site's figures</h3>" if site else "")
        parts.append(bullets(finding_items(own, gather), "notes").data)
    if shared:
        parts.append("<h3>About the network-wide figures this report uses</h3>")
        parts.append(bullets(finding_items(shared, gather), "notes").data)
    if not parts:
        parts.append("<p>The published figures this report uses add up.</p>")
    return HTML("".join(parts))


def findings_summary(findings: list[Finding]) -> pd.DataFrame:
    """Returns how many findings each check produced, by severity, for an overview table."""
    if not findings:
        return pd.DataFrame(columns=["check", "findings"])
    table = pd.DataFrame([{"check": f.check, "severity": f.severity} for f in findings])
    return (table.groupby(["check", "severity"], sort=False).size().rename("findings")
            .reset_index())


def group_name(group: str) -> str:
    """Returns a partner group's name for prose."""
    return GROUP_NAMES.get(group, group)


def network_key_findings(tallies: Tallies) -> tuple[str, list[str]]:
    """Returns the network overview's headline and key findings (escaped HTML)."""
    names = site_names(tallies)
    intervals = site_intervals(tallies.improvements, {})
    items, head = [], "Together for Students: what partners at the four sites report."
    if not intervals.empty:
        head = widest_spread(intervals, names) + "."
        averages = intervals.drop_duplicates("area").set_index("area")["all_sites"].dropna()
        if len(averages) > 1:
            items.append(
                f"Across all sites, {averages.max():.1f}% of partners see improvement in "
                f"{esc(short_area(averages.idxmax()))}, but only {averages.min():.1f}% in "
                f"{esc(short_area(averages.idxmin()))} (the brief's all-sites figures)."
            )
    parents = _parents_gap(tallies)
    if parents:
        items.append(parents)
    return head, items


def quality_headline(findings: list[Finding]) -> str:
    """Returns the data-quality report's headline: how many findings of each kind."""
    counts = pd.Series([f.severity for f in findings]).value_counts()
    if counts.empty:
        return "Every published figure we check adds up."
    phrases = {"inconsistent": ("does not add up", "do not add up"),
               "unexplained": ("cannot be reproduced", "cannot be reproduced")}
    return (f"{len(findings)} places where the brief's figures disagree: " + ", ".join(
        f"{n} {phrases.get(s, (s, s))[n != 1]}" for s, n in counts.items()) + ".")


def respondents_table(tallies: Tallies) -> pd.DataFrame:
    """Returns the inferred respondents of each group, for a reader."""
    from helpers.denominators import respondents

    table = respondents(tallies)
    names = {**site_names(tallies), **GROUP_NAMES}
    return pd.DataFrame({
        "figures": table["table"].map({"improvements": "improvements by site",
                                       "likert": "survey statements"}),
        "respondents": table["group"].map(names).fillna(table["group"]),
        "n (inferred)": table["n"],
        "other numbers that fit": table["candidates"].map(lambda c: ", ".join(map(str, c[1:4]))),
        "published head-count": table["bound"].astype(str) + " " + table["bound_source"],
        "result": table["status"],
    })
