"""Finding-first, accessible charts for disparity and stakeholder involvement.

Every chart function takes tidy DataFrames (never a file) and returns a
:class:`Chart`: the matplotlib figure, a title that states the finding, short alt
text, a longer description with the numbers, and the table behind the chart. The
same input gives the same bytes (fixed SVG ids, no dates in metadata).

Practice follows the project's methods (README, "Methods"): diverging stacked bars
for Likert items with "n/a or not sure" in its own grey panel; dot plots with
Wilson whiskers for site comparisons; dumbbells with Newcombe intervals for the
two partner groups; Okabe–Ito colours, a brown–teal pair for disagree/agree, and
direct labels so colour never carries meaning alone (WCAG 1.4.1).
"""

import html
import io
import math
import re
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from helpers.load import AGREE, ALL_SITES, DISAGREE, GROUP_NAMES, LEVELS, TOTAL
from helpers.stats import count_from_percent, newcombe, wilson

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#999999"]
CATEGORY = [c for c in OKABE_ITO if c != "#E69F00"]  # no yellow-orange on white for marks
FOCUS = "#0072B2"  # the focal site: Okabe–Ito blue
CONTEXT = "#8A8A8A"  # other sites
LIKERT_COLOURS = {
    "strongly disagree": "#8C510A",
    "disagree": "#D8B365",
    "neutral": "#E3E3E3",
    "agree": "#5AB4AC",
    "strongly agree": "#01665E",
    "n/a or not sure": "#B0B0B0",
}
GROUP_COLOURS = {"organizational": "#D55E00", "community": "#0072B2"}
GROUP_MARKERS = {"organizational": "s", "community": "o"}
SITE_MARKERS = ["o", "s", "D", "^", "v", "P", "X", "h"]
TEXT = "#222222"
FLAG = "†"
MANY_SITES = 8  # beyond this, charts show other sites as context rather than one by one


def use_house_style() -> None:
    """Sets the matplotlib style every chart shares: readable at 100% zoom, text kept as text."""
    plt.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "sans-serif"],
        "font.size": 10.5,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 10.5,
        "axes.edgecolor": "#666666",
        "axes.labelcolor": TEXT,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "legend.frameon": False,
        "legend.fontsize": 10,
        "figure.dpi": 100,
        "savefig.dpi": 200,  # PNG at 2x
        "svg.fonttype": "none",  # text stays text: small, sharp, searchable
        "svg.hashsalt": "tfs-reports",  # fixed ids: the same input gives the same bytes
        "figure.facecolor": "white",
    })


@dataclass
class Chart:
    """A figure with what a reader needs beside it."""

    name: str
    title: str
    alt: str
    description: str
    table: pd.DataFrame
    figure: Figure = field(repr=False)
    flagged: bool = False

    def svg(self) -> bytes:
        """Returns the figure as SVG with text as text and no date: identical for identical input."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="svg", bbox_inches="tight",
                            metadata={"Date": None, "Creator": None})
        return buffer.getvalue()

    def png(self) -> bytes:
        """Returns the figure as PNG at twice the screen resolution, without metadata."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", bbox_inches="tight",
                            metadata={"Software": None})
        return buffer.getvalue()

    def _repr_html_(self) -> str:
        """Returns the figure for a notebook or HTML report: inline SVG with a title for
        screen readers, the finding as caption and the table behind it, collapsed."""
        svg = self.svg().decode("utf-8")
        svg = svg[svg.index("<svg"):]
        label = html.escape(self.alt, quote=True)
        svg = re.sub(r"<svg ", f'<svg role="img" aria-label="{label}" ', svg, count=1)
        svg = svg.replace(">", f"><title>{html.escape(self.alt)}</title>", 1)
        table = html_table(self.table)
        return (
            f'<figure class="chart" id="chart-{self.name}">'
            f'<div class="chart-image">{svg}</div>'
            f"<figcaption><strong>{html.escape(self.title.rstrip('.'))}.</strong> "
            f"{html.escape(self.description)}</figcaption>"
            f"<details><summary>The numbers behind this chart</summary>{table}</details>"
            "</figure>"
        )


def html_table(frame: pd.DataFrame, caption: str = "", digits: int = 1) -> str:
    """Returns a DataFrame as an HTML table: escaped labels, numbers rounded and right-aligned
    (class "num"), text left-aligned, no index."""
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]

    def cell(value, is_number: bool) -> str:
        if pd.isna(value):
            return "–"
        if is_number and isinstance(value, float):
            return "not defined" if math.isinf(value) else f"{value:,.{digits}f}"
        return html.escape(str(value))

    head = "".join(f'<th scope="col"{" class=num" if n else ""}>{html.escape(str(c))}</th>'
                   for c, n in zip(frame.columns, numeric, strict=True))
    body = "".join(
        "<tr>" + "".join(f'<td{" class=num" if n else ""}>{cell(v, n)}</td>'
                         for v, n in zip(row, numeric, strict=True)) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="data-table">{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _figure(width: float, height: float, **kwargs) -> tuple[Figure, np.ndarray]:
    use_house_style()
    figure = Figure(figsize=(width, height))  # not pyplot's: nothing global to close or leak
    return figure, figure.subplots(squeeze=False, **kwargs)


def _wrap(text: str, width: int = 34) -> str:
    """Returns a label broken into lines of at most `width` characters."""
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def _points(value: float) -> str:
    return f"{value:+.1f}".replace("-", "−")


def _whole(value: float) -> str:
    """Returns a signed whole number of points, with no sign on zero."""
    return "0" if round(value) == 0 else f"{value:+.0f}"


def _n_note(n: int | None, inferred: bool = True) -> str:
    if n is None:
        return "n unknown"
    return f"n = {n}" + (", inferred" if inferred else "")


# --- Likert ---------------------------------------------------------------------------------------


def likert_table(likert: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """Returns one row per group and topic: the six levels' %, % disagree, % agree, the label."""
    wide = likert.pivot_table(index=["group", "topic"], columns="level", values="percent",
                              observed=True).reindex(columns=LEVELS)
    wide = wide.reset_index()
    wide.columns.name = None
    wide["disagree_total"] = wide[DISAGREE].sum(axis=1)
    wide["agree_total"] = wide[AGREE].sum(axis=1)
    labels = statements.drop_duplicates("topic").set_index("topic")["label"]
    wide["label"] = wide["topic"].astype(str).map(labels).fillna(wide["topic"].astype(str))
    texts = statements.set_index(["group", "topic"])["statement"]
    wide["statement"] = [texts.get((g, t), t) for g, t in zip(wide["group"], wide["topic"],
                                                              strict=True)]
    return wide


def likert_chart(
    likert: pd.DataFrame,
    statements: pd.DataFrame,
    respondents: dict[str, int | None],
    title: str,
    min_n: int = 10,
    name: str = "likert",
) -> Chart:
    """Returns diverging stacked bars for one or two partner groups side by side.

    Disagree runs left of zero, agree right, neutral is split across zero; rows are
    sorted by the first group's % agree; "n/a or not sure" has its own grey panel.
    Percentages are of all responses, n/a included, as the brief publishes them.

    Args:
        likert: tidy Likert rows (group, topic, level, percent) of one section.
        statements: statements.csv, for the short labels and the wording.
        respondents: each group's n (inferred), or None where unknown.
        title: the section's title, used in the alt text.
        min_n: groups with fewer respondents are flagged.
        name: the chart's id in a report.
    """
    table = likert_table(likert, statements)
    groups = [g for g in GROUP_NAMES if g in set(table["group"].astype(str))]
    first = table[table["group"] == groups[0]].sort_values("agree_total", ascending=False)
    order = list(first["topic"].astype(str))
    order += [t for t in dict.fromkeys(table["topic"].astype(str)) if t not in order]
    rows = len(order)
    has_na = table["n/a or not sure"].fillna(0).gt(0).any()
    widths = [1.0, 0.2] * len(groups) if has_na else [1.0] * len(groups)
    figure, axes = _figure(4.3 * len(groups) + 2.4, 0.62 * rows + 1.7, ncols=len(widths),
                           sharey=True, gridspec_kw={"width_ratios": widths, "wspace": 0.08})
    axes = axes[0]
    labels = table.drop_duplicates("topic").set_index(table.drop_duplicates("topic")["topic"]
                                                      .astype(str))["label"]
    flagged = False
    for index, group in enumerate(groups):
        axis = axes[index * (2 if has_na else 1)]
        rows_of_group = table[table["group"] == group].set_index(table[table["group"] == group]
                                                                 ["topic"].astype(str))
        n = respondents.get(group)
        small = n is not None and n < min_n
        flagged |= small
        for y, topic in enumerate(order):
            if topic not in rows_of_group.index:
                axis.text(0, y, "not asked", ha="center", va="center", color=CONTEXT)
                continue
            row = rows_of_group.loc[topic]
            half = row["neutral"] / 2
            left = -(row["strongly disagree"] + row["disagree"] + half)
            for level in LEVELS[:-1]:
                width = row[level]
                axis.barh(y, width, left=left, height=0.62, color=LIKERT_COLOURS[level],
                          edgecolor="white", linewidth=0.6)
                left += width
            disagree_end = -(row["strongly disagree"] + row["disagree"] + half)
            agree_end = row["agree"] + row["strongly agree"] + half
            axis.text(disagree_end - 2, y, f"{row['disagree_total']:.1f}%", ha="right",
                      va="center", fontsize=9.5, color=LIKERT_COLOURS["strongly disagree"])
            axis.text(agree_end + 2, y, f"{row['agree_total']:.1f}%", ha="left", va="center",
                      fontsize=9.5, color=LIKERT_COLOURS["strongly agree"], fontweight="bold")
        axis.axvline(0, color="#444444", linewidth=0.9)
        axis.set_xlim(-60, 118)
        axis.set_xticks([-50, -25, 0, 25, 50, 75, 100])
        axis.set_xticklabels(["50%", "25%", "0", "25%", "50%", "75%", "100%"])
        axis.set_title(f"{GROUP_NAMES[group].capitalize()} ({_n_note(n)}){' ' + FLAG if small else ''}",
                       fontsize=10.5, loc="left")
        axis.spines["left"].set_visible(False)
        axis.tick_params(axis="y", length=0)
        axis.grid(axis="x", color="#EEEEEE", linewidth=0.8)
        axis.set_axisbelow(True)
        if has_na:
            panel = axes[index * 2 + 1]
            for y, topic in enumerate(order):
                if topic in rows_of_group.index:
                    value = rows_of_group.loc[topic, "n/a or not sure"]
                    panel.barh(y, value, height=0.62, color=LIKERT_COLOURS["n/a or not sure"])
                    panel.text(value + 1.5, y, f"{value:.1f}%", va="center", fontsize=9)
            panel.set_xlim(0, 50)
            panel.set_xticks([])
            panel.set_title("n/a,\nnot sure", fontsize=9, loc="left", color="#555555")
            for side in ("left", "bottom"):
                panel.spines[side].set_visible(False)
            panel.tick_params(axis="y", length=0)
    axes[0].set_yticks(range(rows))
    axes[0].set_yticklabels([_wrap(labels.get(t, t), 30) for t in order])
    axes[0].set_ylim(rows - 0.5, -0.8)
    handles = [Rectangle((0, 0), 1, 1, color=LIKERT_COLOURS[level]) for level in LEVELS[:-1]]
    figure.legend(handles, LEVELS[:-1], loc="lower center", ncol=5, bbox_to_anchor=(0.55, -0.02),
                  handlelength=1.2, columnspacing=1.2)
    figure.subplots_adjust(bottom=0.1 + 0.3 / rows)

    agree = table.set_index(["group", table["topic"].astype(str)])["agree_total"]
    headline, description = _likert_finding(table, groups, labels, agree)
    n_text = "; ".join(f"{GROUP_NAMES[g]} {_n_note(respondents.get(g))}" for g in groups)
    description += (f" Percentages are of all responses including “n/a or not sure” ({n_text}); "
                    "disagree is drawn left of zero, agree right, neutral split across zero.")
    if flagged:
        description += f" {FLAG} Fewer than {min_n} respondents: read with care."
    shown_table = table.assign(group=table["group"].astype(str).map(GROUP_NAMES))[
        ["label", "group", *LEVELS, "agree_total"]
    ].rename(columns={"label": "statement", "agree_total": "agree or strongly agree"})
    alt = (f"Diverging bar chart of {title}: {rows} statements, {', '.join(GROUP_NAMES[g] for g in groups)}, "
           "from strongly disagree to strongly agree.")
    return Chart(name, headline, alt, description, shown_table.reset_index(drop=True), figure,
                 flagged)


def _likert_finding(table, groups, labels, agree) -> tuple[str, str]:
    """Returns the headline and the description's first sentences for a Likert chart."""
    first = agree.loc[groups[0]]
    low, high = first.idxmin(), first.idxmax()
    if len(groups) == 2:
        both = agree.unstack(0).dropna()
        gaps = both[groups[1]] - both[groups[0]]
        widest = gaps.abs().idxmax()
        more = int((gaps > 0).sum())
        leader = groups[1] if more * 2 >= len(gaps) else groups[0]
        more = more if leader == groups[1] else int((gaps < 0).sum())
        headline = (f"{GROUP_NAMES[leader].capitalize()} agree more often on {more} of "
                    f"{len(gaps)} statements; the widest gap is “{labels[widest]}” "
                    f"({_points(gaps[widest])} points)")
        description = (
            f"Among {GROUP_NAMES[groups[0]]}, agreement ranges from {first[low]:.1f}% "
            f"(“{labels[low]}”) to {first[high]:.1f}% (“{labels[high]}”). "
            f"For “{labels[widest]}”, {both.loc[widest, groups[0]]:.1f}% of {GROUP_NAMES[groups[0]]} "
            f"agree against {both.loc[widest, groups[1]]:.1f}% of {GROUP_NAMES[groups[1]]}."
        )
    else:
        headline = (f"Agreement among {GROUP_NAMES[groups[0]]} runs from {first[low]:.1f}% "
                    f"(“{labels[low]}”) to {first[high]:.1f}% (“{labels[high]}”)")
        description = f"{len(first)} statements, sorted by the share who agree or strongly agree."
    return headline, description


# --- Sites ----------------------------------------------------------------------------------------


def site_intervals(improvements: pd.DataFrame, respondents: dict[str, int | None]) -> pd.DataFrame:
    """Returns each site's figure per area with its Wilson 95% interval (from the inferred n),
    the published all-sites figure and the gap to it in points."""
    sites = improvements[improvements["site"] != ALL_SITES]
    reference = improvements[improvements["site"] == ALL_SITES].set_index("area")["percent"]
    rows = []
    for record in sites.itertuples():
        n = respondents.get(str(record.site))
        low = high = math.nan
        if n:
            low, high = wilson(count_from_percent(record.percent, n), n)
        all_sites = reference.get(record.area, math.nan)
        rows.append({"area": str(record.area), "site": str(record.site), "percent": record.percent,
                     "low": 100 * low, "high": 100 * high, "n": n,
                     "all_sites": all_sites, "gap": record.percent - all_sites})
    return pd.DataFrame(rows)


def site_comparison(
    improvements: pd.DataFrame,
    respondents: dict[str, int | None],
    site_names: dict[str, str],
    site: str | None = None,
    min_n: int = 10,
) -> Chart:
    """Returns an equiplot: per area, one dot per site with Wilson whiskers and a line at the
    published all-sites figure; the focal site, when given, is highlighted and labelled."""
    data = site_intervals(improvements, respondents)
    areas = list(dict.fromkeys(data["area"]))
    sites = list(dict.fromkeys(data["site"]))
    figure, axes = _figure(9.2, 0.95 * len(areas) + 1.6)
    axis = axes[0, 0]
    many = len(sites) > MANY_SITES  # then: other sites as small grey dots, no whiskers, no legend
    offsets = np.linspace(-0.22, 0.22, len(sites)) if len(sites) > 1 and not many else [0.0] * len(sites)
    flagged_sites = []
    for index, code in enumerate(sites):
        rows = data[data["site"] == code].set_index("area")
        focal = code == site
        colour = FOCUS if focal else CONTEXT
        if site is None and not many:
            colour = CATEGORY[index % len(CATEGORY)]
        n = respondents.get(code)
        small = n is None or n < min_n
        if small:
            flagged_sites.append(code)
        for y, area in enumerate(areas):
            if area not in rows.index:
                continue
            row = rows.loc[area]
            yy = y + offsets[index] + (0.25 if many and focal else 0)
            if not many or focal:
                axis.plot([row["low"], row["high"]], [yy, yy], color=colour,
                          linewidth=2.2 if focal else 1.3, alpha=1 if focal or site is None else 0.8,
                          solid_capstyle="butt")
            axis.plot(row["percent"], yy, marker="o" if many else SITE_MARKERS[index % len(SITE_MARKERS)],
                      markersize=9 if focal else (4 if many else 7), color=colour,
                      alpha=0.6 if many and not focal else 1,
                      markerfacecolor="white" if small and not many else colour, markeredgewidth=1.6)
            if focal:
                axis.text(max(row["high"], row["percent"]) + 1.5, yy,
                          f"{row['percent']:.1f}% ({_points(row['gap'])} pts)", va="center",
                          fontsize=9.5, color=FOCUS, fontweight="bold")
    reference = data.drop_duplicates("area").set_index("area")["all_sites"]
    for y, area in enumerate(areas):
        value = reference.get(area)
        if value is not None and not math.isnan(value):
            axis.plot([value, value], [y - 0.38, y + 0.38], color=TEXT, linewidth=1.4,
                      linestyle=(0, (2, 1.5)))
    axis.set_yticks(range(len(areas)))
    axis.set_yticklabels([_wrap(a.removeprefix("the amount of "), 30).capitalize() for a in areas])
    axis.set_ylim(len(areas) - 0.5, -0.6)
    axis.set_xlim(0, 105)
    axis.set_xlabel("% of partners who see an improvement since year one (95% Wilson interval)")
    axis.grid(axis="x", color="#EEEEEE")
    axis.set_axisbelow(True)
    handles = [
        Line2D([], [], marker="o", linestyle="", color=CONTEXT, markersize=5,
               label=f"each of {len(sites)} sites")
    ] if many else [
        Line2D([], [], marker=SITE_MARKERS[i % len(SITE_MARKERS)], linestyle="",
               color=(FOCUS if code == site else CONTEXT) if site else CATEGORY[i % len(CATEGORY)],
               markerfacecolor="white" if code in flagged_sites else None, markeredgewidth=1.6,
               markersize=8, label=site_names.get(code, code)
               + (f" {FLAG}" if code in flagged_sites else ""))
        for i, code in enumerate(sites)
    ]
    if many and site:
        handles.append(Line2D([], [], marker="o", linestyle="", color=FOCUS, markersize=8,
                              label=site_names.get(site, site)))
    handles.append(Line2D([], [], color=TEXT, linestyle=(0, (2, 1.5)), label="all TFS sites (published)"))
    axis.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.45, 1.0 + 0.55 / len(areas)),
                ncol=len(handles), handletextpad=0.3, columnspacing=1.0, fontsize=9.5)

    table = data.assign(site=data["site"].map(site_names).fillna(data["site"]))
    table = table.rename(columns={"percent": "%", "low": "95% low", "high": "95% high",
                                  "n": "n (inferred)", "all_sites": "all sites %",
                                  "gap": "gap (points)"}).round(1)
    title, description = _site_finding(data, site_names, site)
    note = (f" {FLAG} Fewer than {min_n} respondents (n inferred from rounding): "
            + ", ".join(site_names.get(s, s) for s in flagged_sites[:MANY_SITES])
            + (f" and {len(flagged_sites) - MANY_SITES} more" if len(flagged_sites) > MANY_SITES else "")
            + ".") if flagged_sites else ""
    description += (" Whiskers are 95% Wilson intervals from the number of respondents inferred "
                    "from each site's rounding; the dashed line is the published all-sites figure."
                    + note)
    alt = (f"Dot plot of the share of partners who see improvements in {len(areas)} areas at "
           f"{len(sites)} sites, with 95% intervals and the all-sites figure"
           + (f"; {site_names.get(site, site)} highlighted." if site else "."))
    return Chart("site-comparison", title, alt, description, table, figure, bool(flagged_sites))


def short_area(area: str) -> str:
    """Returns an improvement area without its "the amount of" prefix."""
    return str(area).removeprefix("the amount of ")


def widest_spread(intervals: pd.DataFrame, names: dict[str, str]) -> str:
    """Returns, in words, the area where the sites' figures are furthest apart, with the lowest
    and highest site (from :func:`site_intervals`)."""
    ranges = intervals.groupby("area", sort=False)["percent"].agg(lambda v: v.max() - v.min())
    rows = intervals[intervals["area"] == ranges.idxmax()]
    low, high = rows.loc[rows["percent"].idxmin()], rows.loc[rows["percent"].idxmax()]
    return (f"Sites differ most on {short_area(ranges.idxmax())}: from {low['percent']:.1f}% "
            f"({names.get(low['site'], low['site'])}) to {high['percent']:.1f}% "
            f"({names.get(high['site'], high['site'])})")


def _site_finding(data: pd.DataFrame, names: dict, site: str | None) -> tuple[str, str]:
    if site:
        rows = data[data["site"] == site].dropna(subset=["gap"])
        name = names.get(site, site)
        if rows.empty:
            return f"{name} has no improvement figures", "The brief publishes none for this site."
        above = int((rows["gap"] > 0).sum())
        widest = rows.loc[rows["gap"].abs().idxmax()]
        title = (f"{name} is above the all-sites figure in {above} of {len(rows)} areas; "
                 f"its largest gap is {_points(widest['gap'])} points on {short_area(widest['area'])}")
        description = (f"{name}: " + "; ".join(
            f"{short_area(r.area)} {r.percent:.1f}% vs {r.all_sites:.1f}% ({_points(r.gap)})"
            for r in rows.itertuples()) + ".")
        return title, description
    spread = data.groupby("area", sort=False)["percent"].agg(["min", "max"])
    title = widest_spread(data, names)
    description = "Range across sites by area: " + "; ".join(
        f"{short_area(a)} {r['min']:.1f}–{r['max']:.1f}%" for a, r in spread.iterrows()) + "."
    return title, description


def gap_chart(improvements: pd.DataFrame, site_names: dict[str, str], site: str | None = None) -> Chart:
    """Returns each site's gap to the all-sites figure per area, as bars diverging from zero:
    one panel per site (or only the focal site's panel when a site is given)."""
    data = site_intervals(improvements, {})
    sites = [site] if site else list(dict.fromkeys(data["site"]))
    data = data[data["site"].isin(sites)].dropna(subset=["gap"])
    areas = list(dict.fromkeys(data["area"]))
    figure, axes = _figure(3.0 * len(sites) + 2.6, 0.55 * len(areas) + 1.5, ncols=len(sites),
                           sharey=True, gridspec_kw={"wspace": 0.12})
    limit = max(10.0, math.ceil(data["gap"].abs().max() / 10 + 0.6) * 10) if len(data) else 10
    for axis, code in zip(axes[0], sites, strict=True):
        rows = data[data["site"] == code].set_index("area")
        for y, area in enumerate(areas):
            if area not in rows.index:
                axis.text(0, y, "not published", ha="center", va="center", color=CONTEXT, fontsize=9)
                continue
            gap = rows.loc[area, "gap"]
            colour = LIKERT_COLOURS["strongly agree"] if gap >= 0 else LIKERT_COLOURS["strongly disagree"]
            axis.barh(y, gap, height=0.6, color=colour)
            axis.text(gap + (1 if gap >= 0 else -1), y, _points(gap), va="center",
                      ha="left" if gap >= 0 else "right", fontsize=9.5, color=TEXT)
        axis.axvline(0, color="#444444", linewidth=0.9)
        axis.set_xlim(-limit, limit)
        axis.set_title(site_names.get(code, code), fontsize=10.5)
        axis.set_xlabel("points vs all sites")
        axis.tick_params(axis="y", length=0)
        axis.spines["left"].set_visible(False)
    axes[0, 0].set_yticks(range(len(areas)))
    axes[0, 0].set_yticklabels([_wrap(short_area(a), 28).capitalize() for a in areas])
    axes[0, 0].set_ylim(len(areas) - 0.5, -0.5)
    table = data.assign(site=data["site"].map(site_names).fillna(data["site"]))[
        ["site", "area", "percent", "all_sites", "gap"]
    ].rename(columns={"percent": "%", "all_sites": "all sites %", "gap": "gap (points)"}).round(1)
    if len(data):
        widest = data.loc[data["gap"].abs().idxmax()]
        title = (f"Largest gap to the all-sites figure: {site_names.get(widest['site'], widest['site'])}, "
                 f"{short_area(widest['area'])}, {_points(widest['gap'])} points")
        above = int((data["gap"] > 0).sum())
        description = (f"{above} of {len(data)} site figures are above the published all-sites "
                       "figure. Bars show site minus all-sites figure in percentage points; teal "
                       "bars are above, brown below, and each bar is labelled.")
    else:
        title, description = "No site figures to compare", "The brief publishes none."
    alt = (f"Bar chart of gaps to the all-sites figure in percentage points, {len(areas)} areas, "
           f"for {', '.join(site_names.get(s, s) for s in sites)}.")
    return Chart("gaps" if site is None else "site-gaps", title, alt, description, table, figure)


def gap_heatmap(improvements: pd.DataFrame, site_names: dict[str, str]) -> Chart:
    """Returns a grid of gaps to the all-sites figure, each cell labelled: areas by sites, or
    sites by areas when there are too many sites for one column each."""
    from matplotlib.colors import LinearSegmentedColormap

    data = site_intervals(improvements, {}).dropna(subset=["gap"])
    grid = data.pivot(index="area", columns="site", values="gap")
    grid = grid.reindex(index=list(dict.fromkeys(data["area"])), columns=list(dict.fromkeys(data["site"])))
    many = grid.shape[1] > MANY_SITES
    shown = grid.T if many else grid
    area_labels = [_wrap(short_area(a), 16 if many else 30).capitalize() for a in grid.index]
    site_labels = [site_names.get(s, s) for s in grid.columns]
    columns, rows = (area_labels, site_labels) if many else (site_labels, area_labels)
    figure, axes = _figure(1.5 * len(columns) + 3.2, (0.26 if many else 0.62) * len(rows) + 1.4)
    axis = axes[0, 0]
    values = shown.to_numpy(dtype=float)
    limit = max(10.0, float(np.nanmax(np.abs(values)))) if values.size else 10.0
    cmap = LinearSegmentedColormap.from_list("brown-teal", [LIKERT_COLOURS["strongly disagree"], "#F5F5F5",
                                                            LIKERT_COLOURS["strongly agree"]])
    axis.imshow(values, cmap=cmap, vmin=-limit, vmax=limit, aspect="auto")
    for (y, x), value in np.ndenumerate(values):
        if not math.isnan(value):
            axis.text(x, y, _points(value), ha="center", va="center", fontsize=7.5 if many else 10,
                      color="white" if abs(value) > 0.6 * limit else TEXT)
    axis.set_xticks(range(len(columns)))
    axis.set_xticklabels(columns, fontsize=8.5 if many else 10)
    axis.xaxis.tick_top()
    axis.set_yticks(range(len(rows)))
    axis.set_yticklabels(rows, fontsize=8 if many else 10)
    axis.tick_params(length=0)
    for side in axis.spines.values():
        side.set_visible(False)
    table = (grid.T.round(1).rename(index=site_names).reset_index(names="site") if many
             else grid.round(1).rename(columns=site_names).reset_index())
    table.columns.name = None
    area, code = grid.abs().stack().idxmax()
    title = (f"The largest gap to the all-sites figure is {site_names.get(code, code)} on "
             f"{short_area(area)} ({_points(grid.at[area, code])} points)")
    if grid.shape[1] > 1:
        spread = grid.max(axis=1) - grid.min(axis=1)
        title += (f"; sites differ most on {short_area(spread.idxmax())} ({spread.max():.1f} points "
                  "from lowest to highest)")
    description = ("Each cell is a site's figure minus the published all-sites figure, in "
                   "percentage points; teal is above, brown below, and every cell is labelled.")
    alt = (f"Grid of gaps to the all-sites figure: {grid.shape[1]} site"
           f"{'s' if grid.shape[1] != 1 else ''} by {grid.shape[0]} areas.")
    return Chart("gap-grid", title, alt, description, table, figure)


# --- Two partner groups ---------------------------------------------------------------------------


def partner_gaps(agree: pd.DataFrame, respondents: dict[str, int | None]) -> pd.DataFrame:
    """Returns per statement the two groups' % agree, the gap (community − organizational) from the
    published figures, and its Newcombe 95% interval from the inferred respondents."""
    rows = []
    n_org, n_com = respondents.get("organizational"), respondents.get("community")
    for record in agree.itertuples():
        low = high = math.nan
        if n_org and n_com:
            _, low, high = newcombe(count_from_percent(record.community, n_com), n_com,
                                    count_from_percent(record.organizational, n_org), n_org)
        rows.append({"label": record.label, "organizational": record.organizational,
                     "community": record.community, "gap": record.community - record.organizational,
                     "low": 100 * low, "high": 100 * high})
    return pd.DataFrame(rows)


def dumbbell(
    agree: pd.DataFrame,
    respondents: dict[str, int | None],
    min_n: int = 10,
    name: str = "partner-gap",
) -> Chart:
    """Returns a dumbbell per statement: organizational vs community partners' % agree, the gap
    labelled in points with its Newcombe 95% interval.

    Args:
        agree: one row per statement: label, organizational, community (percent agree).
        respondents: each group's n (inferred).
        min_n: groups with fewer respondents are flagged.
        name: the chart's id in a report.
    """
    data = partner_gaps(agree, respondents)
    figure, axes = _figure(9.2, 0.7 * len(data) + 1.5)
    axis = axes[0, 0]
    for y, row in enumerate(data.itertuples()):
        axis.plot([row.organizational, row.community], [y, y], color="#BBBBBB", linewidth=3, zorder=1)
        for group in ("organizational", "community"):
            axis.plot(getattr(row, group), y, marker=GROUP_MARKERS[group], markersize=10,
                      color=GROUP_COLOURS[group], zorder=2, linestyle="")
        interval = "" if math.isnan(row.low) else f" (95% CI {_whole(row.low)} to {_whole(row.high)})"
        axis.text(103, y, f"{_points(row.gap)} pts{interval}".replace("-", "−"), va="center",
                  fontsize=9.5, color=TEXT)
    axis.set_yticks(range(len(data)))
    axis.set_yticklabels([_wrap(label, 30) for label in data["label"]])
    axis.set_ylim(len(data) - 0.5, -0.9)
    axis.set_xlim(0, 100)
    axis.set_xlabel("% who agree or strongly agree")
    axis.grid(axis="x", color="#EEEEEE")
    axis.set_axisbelow(True)
    flagged = [g for g in ("organizational", "community")
               if respondents.get(g) is None or respondents[g] < min_n]
    handles = [Line2D([], [], marker=GROUP_MARKERS[g], linestyle="", color=GROUP_COLOURS[g],
                      markersize=9, label=f"{GROUP_NAMES[g]} ({_n_note(respondents.get(g))})"
                      + (f" {FLAG}" if g in flagged else ""))
               for g in ("organizational", "community")]
    axis.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 1.0 + 0.5 / len(data)), ncol=2)
    axis.text(103, -0.75, "gap, community − org.", fontsize=9, color="#555555")
    widest = data.loc[data["gap"].abs().idxmax()]
    title = (f"The widest gap between partner groups is on “{widest['label']}”: "
             f"{widest['organizational']:.1f}% of organizational vs {widest['community']:.1f}% of "
             "community partners agree")
    description = "Gaps (community minus organizational, percentage points): " + "; ".join(
        f"{r.label} {_points(r.gap)}" + ("" if math.isnan(r.low) else
                                         f" (95% CI {r.low:.1f} to {r.high:.1f})")
        for r in data.itertuples()) + (
        ". Intervals are Newcombe's hybrid score intervals from the number of respondents "
        "inferred from the rounding of the percentages.")
    if flagged:
        description += f" {FLAG} Fewer than {min_n} respondents or n unknown: read with care."
    table = data.rename(columns={"label": "statement", "organizational": "organizational %",
                                 "community": "community %", "gap": "gap (points)",
                                 "low": "95% low", "high": "95% high"}).round(1)
    alt = (f"Dumbbell chart comparing organizational and community partners' agreement on "
           f"{len(data)} statements, with the gap in points.")
    return Chart(name, title, alt, description, table, figure, bool(flagged))


# --- Participation --------------------------------------------------------------------------------


ROUND_NAMES = {"R1": "Interviews (round 1)", "R2": "Focus groups (round 2)", "survey": "Survey"}


def participation_chart(
    participants: pd.DataFrame,
    row_key: str,
    names: dict[str, str],
    focus: str | None = None,
    name: str = "participation",
) -> Chart:
    """Returns participants by row (site or partnership level) and round, one panel per round,
    bars labelled with their counts; the focal row highlighted. Published TOTALs are left out
    of the bars and shown in the table."""
    data = participants.copy()
    data[row_key] = data[row_key].astype(str)
    data["round"] = data["round"].astype(str)
    parts = data[(data[row_key] != TOTAL) & (data["round"] != TOTAL)]
    rounds = list(dict.fromkeys(parts["round"]))
    rows = list(dict.fromkeys(parts[row_key]))
    row_height = 0.5 if len(rows) <= MANY_SITES else 0.22
    figure, axes = _figure(2.9 * len(rounds) + 2.2, row_height * len(rows) + 1.5, ncols=len(rounds),
                           sharey=True, gridspec_kw={"wspace": 0.15})
    largest = max(1, int(parts["participants"].max()))
    for axis, round_ in zip(axes[0], rounds, strict=True):
        values = parts[parts["round"] == round_].set_index(row_key)["participants"]
        for y, row in enumerate(rows):
            value = int(values.get(row, 0))
            colour = FOCUS if row == focus or not focus else CONTEXT
            axis.barh(y, value, height=0.62, color=colour)
            axis.text(value + largest * 0.03, y, str(value), va="center", fontsize=9.5,
                      fontweight="bold" if row == focus else "normal")
        axis.set_xlim(0, largest * 1.25)
        axis.set_title(ROUND_NAMES.get(round_, round_), fontsize=10.5)
        axis.set_xticks([])
        for side in ("left", "bottom"):
            axis.spines[side].set_visible(False)
        axis.tick_params(axis="y", length=0)
    axes[0, 0].set_yticks(range(len(rows)))
    axes[0, 0].set_yticklabels([names.get(r, r) for r in rows])
    axes[0, 0].set_ylim(len(rows) - 0.5, -0.5)
    wide = data.pivot(index=row_key, columns="round", values="participants")
    wide = wide.reindex(index=[*rows, TOTAL] if TOTAL in wide.index else rows,
                        columns=[*rounds, TOTAL] if TOTAL in wide.columns else rounds)
    table = wide.rename(index=names, columns=ROUND_NAMES).reset_index()
    table.columns.name = None
    sums = parts.groupby("round", sort=False)["participants"].sum()
    if focus and focus in rows:
        own = parts[parts[row_key] == focus].set_index("round")["participants"]
        title = (f"{names.get(focus, focus)}: " + ", ".join(
            f"{int(own.get(r, 0))} in {ROUND_NAMES.get(r, r).split(' (')[0].lower()}" for r in rounds))
    else:
        biggest = parts.loc[parts["participants"].idxmax()]
        largest = sums.idxmax()
        title = (f"The largest round is the {ROUND_NAMES.get(largest, largest).lower()}, with "
                 f"{int(sums[largest])} participants; the largest single count is "
                 f"{names.get(biggest[row_key], biggest[row_key])} in the "
                 f"{ROUND_NAMES.get(biggest['round'], biggest['round']).lower()} "
                 f"({int(biggest['participants'])})")
    description = ("Participants per round: " + "; ".join(
        f"{ROUND_NAMES.get(r, r)} {int(sums[r])}" for r in rounds)
        + ". Counts as published; the table also shows the published totals, which the data "
        "notes check.")
    alt = (f"Bar charts of participants by {row_key.replace('_', ' ')} in {len(rounds)} rounds"
           + (f"; {names.get(focus, focus)} highlighted." if focus else "."))
    return Chart(name, title, alt, description, table, figure)
