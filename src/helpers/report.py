"""What the notebooks show: sections with their words, charts and tables, as HTML.

Each function takes a :class:`~helpers.load.Dataset` and returns something a
notebook cell displays. Numbers come from :mod:`helpers.analysis`, drawings from
:mod:`helpers.charts`; the words are made here, from the codebook's labels, and
formatted only here. Every label that comes from data is escaped, so a label
containing markup shows as text. A section whose data the dataset lacks shows
nothing (the report says which sections it left out).
"""

import html
import math
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd
from IPython.display import HTML, display
from matplotlib.figure import Figure

from helpers import analysis, charts, language, words
from helpers.charts import FLAG, points
from helpers.checks import Finding, findings_for_site
from helpers.disclosure import SMALL_GROUP
from helpers.language import N_, NP_, _, gendered, n_, number, percent
from helpers.load import Dataset
from helpers.words import CHECK_EXPLANATIONS, CHECK_NAMES, capital, describe, severity

HEADLINE_KEY = "report-headline"
PRECISION = "‡"  # too imprecise to read much into (NCHS), apart from privacy
WITHHELD = "—"  # withheld by disclosure control, never 0 or blank
MANY_SITES = 12  # beyond this, a site's charts show the network as a summary, not site by site
TABLES_KEY = "report-tables"  # output metadata: the tables a cell shows, as sheets
SITE_TABLE = "network-sites.csv"  # beside the network report: every site's figures, for a spreadsheet
LONG_TABLE = 30  # rows: on paper, the table behind a chart longer than this is in the appendix


def esc(value) -> str:
    """Returns text safe to put inside HTML and double-quoted attributes (an apostrophe stays
    one, as in every sentence the reports write)."""
    return html.escape(str(value), quote=False).replace('"', "&quot;")


def anchor(text: str) -> str:
    """Returns an id for HTML: lower-case letters and digits joined by hyphens, accents dropped."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


# --- building blocks --------------------------------------------------------------------------------


@dataclass
class Chart:
    """A figure with what a reader needs beside it: a title stating the finding, short alt
    text, a description with the numbers, and the table behind it."""

    name: str
    title: str
    alt: str
    description: str
    table: pd.DataFrame
    figure: Figure = field(repr=False)
    flagged: bool = False

    def svg(self) -> bytes:
        return charts.svg(self.figure)

    def png(self) -> bytes:
        return charts.png(self.figure)

    def _repr_html_(self) -> tuple[str, dict]:
        """Returns inline SVG with a title for screen readers, the finding as caption and the
        table behind it, collapsed (printed unfolded), with that table as a sheet for the
        report's workbook. Charts are drawn narrow (charts.WIDTH): a phone shows them whole,
        their text at 12 px or more."""
        svg = self.svg().decode("utf-8")
        svg = svg[svg.index("<svg"):]
        label = esc(self.alt)
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
        svg = svg.replace(">", f"><title>{html.escape(self.alt)}</title>", 1)
        behind = Table(self.table, name=f"chart-{self.name}", title=self.title.rstrip("."))
        sheet, long = behind.sheet(), len(self.table) > LONG_TABLE
        if long:  # printed in the appendix, under the chart's title (helpers.export.appendix)
            sheet["appendix"] = behind.html(css="appendix-table")
        moved = ('<p class="print-only">' + esc(_("On paper, the numbers behind this chart are in the "
                                                   "appendix, under its title.")) + "</p>") if long else ""
        return (
            f'<figure class="chart" id="chart-{esc(self.name)}">'
            f'<div class="chart-image">{svg}</div>'
            f"<figcaption><strong>{esc(self.title.rstrip('.'))}.</strong> {esc(self.description)}"
            f"{moved}</figcaption>"
            f"<details{' class=in-appendix' if long else ''}><summary>"
            + esc(_("The numbers behind this chart")) + f"</summary>{behind.html()}"
            "</details></figure>"
        ), {TABLES_KEY: [sheet]}


@dataclass
class Table:
    """A table of figures: shown on the page, and a sheet of the report's workbook and a CSV
    file (helpers.spreadsheet), with the numbers as the page shows them."""

    frame: pd.DataFrame
    caption: str = ""
    digits: int = 1
    name: str = ""  # the sheet's name; the caption's anchor when empty
    title: str = ""  # what the workbook's contents say the sheet is; the caption when empty

    def _numeric(self) -> list[bool]:
        return [pd.api.types.is_numeric_dtype(self.frame[c]) and not pd.api.types.is_bool_dtype(self.frame[c])
                for c in self.frame.columns]

    def cells(self) -> list[list]:
        """Returns the rows as the page shows them: numbers rounded to the table's digits (whole
        numbers, such as counts, as whole numbers), withheld or missing cells as WITHHELD, infinite
        ratios as words; labels as text."""
        numeric = self._numeric()

        def cell(value, is_number: bool):
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                return WITHHELD
            if hasattr(value, "item"):
                value = value.item()
            if is_number and isinstance(value, float):
                if math.isinf(value):
                    return _("not defined")
                return round(value) if self.digits == 0 else round(value, self.digits)
            return value if isinstance(value, int | float | bool) else str(value)

        return [[cell(v, n) for v, n in zip(row, numeric, strict=True)]
                for row in self.frame.itertuples(index=False)]

    def html(self, css: str = "data-table") -> str:
        """Returns the table as HTML: escaped labels, numbers right-aligned (class "num"), text
        left-aligned, no index; in a box that scrolls sideways where the table is wider than the
        screen, and that the keyboard can reach to scroll it (tabindex)."""
        numeric = self._numeric()

        def cell(value, is_number: bool) -> str:
            if is_number and isinstance(value, float):
                return f"{value:,.{self.digits}f}"
            if is_number and isinstance(value, int) and not isinstance(value, bool):
                return f"{value:,}"  # a count: 19, never 19.0
            return esc(value)

        head = "".join(f'<th scope="col"{" class=num" if n else ""}>{esc(c)}</th>'
                       for c, n in zip(self.frame.columns, numeric, strict=True))
        body = "".join(
            "<tr>" + "".join(f'<td{" class=num" if n else ""}>{cell(v, n)}</td>'
                             for v, n in zip(row, numeric, strict=True)) + "</tr>"
            for row in self.cells()
        )
        title = f"<caption>{esc(self.caption)}</caption>" if self.caption else ""
        return (f'<div class="table-wrap" tabindex="0"><table class="{css}">{title}'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")

    def sheet(self) -> dict:
        """Returns the table as the workbook takes it: name, title, columns and cells."""
        return {"name": self.name or anchor(self.caption) or "table",
                "title": self.title or self.caption,
                "columns": [str(c) for c in self.frame.columns], "rows": self.cells()}

    def _repr_html_(self) -> tuple[str, dict]:
        return self.html(), {TABLES_KEY: [self.sheet()]}


def compose(parts) -> tuple[str, list[dict]]:
    """Returns the parts' HTML joined, and the tables they hold as sheets, in page order."""
    pieces, sheets = [], []
    for part in parts:
        shown = part._repr_html_() if hasattr(part, "_repr_html_") else part
        if isinstance(shown, tuple):
            shown, metadata = shown
            sheets += metadata.get(TABLES_KEY, [])
        pieces.append(shown or "")
    return "".join(pieces), sheets


def to_html(part) -> str:
    """Returns what a notebook shows of a part (a chart, table, section or block) as HTML."""
    return compose([part])[0]


def with_sheets(page: str, sheets: list[dict]) -> str | tuple[str, dict]:
    """Returns what _repr_html_ returns: the HTML, with the tables in its metadata if any."""
    return (page, {TABLES_KEY: sheets}) if sheets else page


class Block:
    """HTML made of parts, some of which are tables or charts (their sheets are kept)."""

    def __init__(self, *parts):
        self.parts = parts

    def _repr_html_(self) -> str | tuple[str, dict]:
        return with_sheets(*compose(self.parts))


class Section:
    """A report section: a heading, a few sentences and its exhibits; nothing when empty. An
    appendix section begins a new printed page, and so does what follows it on paper."""

    def __init__(self, heading: str, intro: str = "", parts: list | None = None, level: int = 2,
                 appendix: bool = False):
        self.heading, self.intro, self.parts, self.level = heading, intro, parts or [], level
        self.appendix = appendix

    def __bool__(self) -> bool:
        return bool(self.parts)

    def _repr_html_(self) -> str | tuple[str, dict]:
        if not self.parts:
            return ""
        first, sheets = compose(self.parts[:1])
        rest, more = compose(self.parts[1:])
        intro = f"<p>{esc(self.intro)}</p>" if self.intro else ""
        tag = f"h{self.level}"
        css = ' class="appendix"' if self.appendix else ""
        # On paper the heading, its sentence and the first exhibit stay on one page (report.css).
        return with_sheets(f'<div class="section-start"><{tag} id="{anchor(self.heading)}"{css}>'
                           f"{esc(self.heading)}</{tag}>{intro}{first}</div>{rest}", sheets + more)


HEADINGS = {  # the notebooks' fixed headings and what each introduces (report.heading)
    "key-findings": (N_("Key findings"), ""),  # the headline comes first, on a phone's first screen
    "data-notes": (N_("Data notes"), N_(
        "Where the published figures this report uses do not add up, or cannot be reproduced. "
        "We show the figures as published and flag them here rather than correcting them.")),
    "all-data-notes": (N_("Data notes"), N_(
        "Every place where the published figures disagree; the data-quality report explains each.")),
    "methods-and-sources": (N_("Methods and sources"), ""),
    "summary": (N_("Summary"), N_(
        "Every figure is kept exactly as it was published or exported and never corrected by "
        "hand. These checks compare published figures with each other. A finding is about the "
        "publication, not about a site's work.")),
    "every-finding": (N_("Every finding"), N_(
        "\u201cDoes not add up\u201d: the figure contradicts other published figures by more than "
        "rounding can explain. \u201cCannot be reproduced\u201d: the figure may be right, but the "
        "publication does not give what is needed to reproduce it.")),
    "how-many-people": (N_("How many people the percentages rest on"), N_(
        "Where a publication gives no denominators: for each group of respondents, the smallest "
        "number of people for which every published percentage is a whole number of people. "
        "These are inferences, used for the intervals in the other reports. Figures counted "
        "from survey exports need no inference.")),
    "what-each-check-does": (N_("What each check does"), ""),
}


def heading(key: str) -> HTML:
    """Returns one of the notebooks' fixed headings (HEADINGS) with its introduction, in the
    report's language; its anchor is the key, the same in every language."""
    text, intro = HEADINGS[key]
    key = {"all-data-notes": "data-notes"}.get(key, key)
    return HTML(f'<h2 id="{key}">{esc(_(text))}</h2>' + (f"<p>{esc(_(intro))}</p>" if intro else ""))


def paragraph(text: str, css: str = "") -> HTML:
    return HTML(f'<p{f" class={css!r}" if css else ""}>{esc(text)}</p>')


def bullets(items: list, css: str = "findings") -> Block:
    """Returns already-escaped HTML items (or blocks holding tables) as a list."""
    return Block(f'<ul class="{css}">', *(Block("<li>", item, "</li>") for item in items), "</ul>")


def table(frame: pd.DataFrame, caption: str = "", digits: int = 1) -> Table:
    return Table(frame, caption, digits)


def headline(text: str) -> None:
    """Displays the report's one-line headline and marks it for the index page."""
    display(HTML(f'<p class="headline">{esc(text)}</p>'), metadata={HEADLINE_KEY: text})


def title(dataset: Dataset, site: str | None = None, subtitle: str = "") -> HTML:
    """Returns the report's title block, with a banner on synthetic data."""
    about = dataset.codebook.dataset
    subtitle = _(subtitle) if subtitle else ""
    if site:
        facts = dataset.codebook.site(site)
        heading = f"{about.partnership}: {facts.name}"
        details = [facts.place, _("Focus: {focus}").format(focus=facts.focus) if facts.focus else "",
                   subtitle]
    else:
        heading = f"{about.partnership}: {subtitle}"
        details = [about.title if about.title != about.partnership else ""]
    line = " · ".join(d for d in details if d)
    banner = ('<p class="synthetic" role="note"><strong>' + esc(_("Synthetic data.")) + "</strong> "
              + esc(_("Every figure on this page comes from made-up respondents, for demonstration and "
                      "testing; no real person answered this survey.")) + "</p>") if about.synthetic else ""
    translation = (f'<p class="note">{esc(about.translation_note)}</p>' if about.translation_note else "")
    return HTML(f'<header class="report-title"><h1>{esc(heading)}</h1>'
                f'<p class="subtitle">{esc(line)}</p>{banner}{translation}</header>')


SUBTITLES = (N_("Disparity and involvement report"), N_("network overview"), N_("data quality"))


# --- labels ------------------------------------------------------------------------------------------


def share_label(dataset: Dataset, item: str, answer: str) -> str:
    """Returns a share's short label: an option's short label, or the item's label."""
    found = dataset.codebook.item(item)
    return dataset.codebook.answer_label(item, answer) if found.kind == "choose-any" else found.label


def site_sheet(dataset: Dataset) -> dict:
    """Returns every site's compared figures (SITE_TABLE, beside the network report) as the workbook
    and CSV files take a table: percentages and gaps rounded as on the page, counts whole, p to
    three significant digits, a missing figure WITHHELD."""
    rows = analysis.site_shares(dataset)
    frame = rows.assign(**{"site name": rows["site"].map(dataset.codebook.site_name),
                           "figure": share_labels(dataset, rows),
                           "clear": analysis.is_clear(dataset, rows.assign(kind="site")).astype(object)
                           .where(rows["p"].notna(), "")})  # a gap without a test has no verdict
    rounded = ["percent", "low", "high", "reference", "gap", "gap low", "gap high"]
    frame[rounded] = frame[rounded].astype(float).round(1)
    frame["p"] = [float(f"{p:.3g}") if pd.notna(p) else p for p in frame["p"]]
    frame[["n", "reference n"]] = frame[["n", "reference n"]].astype(float).astype("Int64")
    columns = ["site", "site name", "item", "answer", "figure", "percent", "low", "high", "n",
               "reference", "reference n", "gap", "gap low", "gap high", "p", "clear", "imprecise"]

    def cell(value):
        return WITHHELD if pd.isna(value) else value.item() if hasattr(value, "item") else value

    return {"name": "sites", "title": SITE_TABLE, "columns": columns,
            "rows": [[cell(v) for v in row] for row in frame[columns].itertuples(index=False)]}


def share_labels(dataset: Dataset, rows: pd.DataFrame) -> list[str]:
    return [share_label(dataset, i, a) for i, a in zip(rows["item"], rows["answer"], strict=True)]


def measure_words(dataset: Dataset, item: str, answer: str) -> str:
    """Returns what a share counts, e.g. "agree or strongly agree" or "chose it"."""
    found = dataset.codebook.item(item)
    if found.kind == "choose-any":
        return found.measure or _("chose it")
    return _("answer {answer}").format(answer=dataset.codebook.answer_label(item, answer))


def reference_words(dataset: Dataset) -> str:
    return (_("the published all-sites figure") if dataset.codebook.dataset.reference == "published mean"
            else _("the rest of the network"))


def n_words(n, inferred: bool) -> str:
    if n is None or pd.isna(n):
        return _("n unknown")
    return (_("n = {n}, inferred") if inferred else _("n = {n}")).format(n=round(float(n)))


# --- who took part -----------------------------------------------------------------------------------


def participation_charts(dataset: Dataset, site: str | None = None) -> list[Chart]:
    """Returns a bar chart per head-count table (the site highlighted where it is a row)."""
    made = []
    for table_id in dict.fromkeys(dataset.headcounts["table"]):
        counts = analysis.headcounts(dataset, table_id)
        by_value = (counts["characteristic"] != "").any()
        if site is not None and (by_value or not (counts["unit"] == site).any()):
            continue
        parts = counts[(counts["unit"] != "") & (counts["activity"] != "")]
        units = list(dict.fromkeys(parts["unit"]))
        activities = list(dict.fromkeys(parts["activity"]))
        codebook = dataset.codebook
        characteristic = counts["characteristic"].iloc[0] if by_value else ""
        labels = ({u: codebook.value_label(characteristic, u) for u in units} if by_value
                  else codebook.site_names())
        if site is not None and len(units) > MANY_SITES:
            parts = parts[parts["unit"] == site]
            units = [site]
        activity_labels = {a: codebook.activity_label(a) for a in activities}
        figure = charts.bars(parts, "unit", "count", units, labels, panel="activity",
                             panel_order=activities, panel_titles=activity_labels,
                             focus=site if site is not None and len(units) > 1 else None)
        wide = counts.pivot(index="unit", columns="activity", values="count")
        wide = wide.reindex(index=[*units, ""] if "" in wide.index else units,
                            columns=[*activities, ""] if "" in wide.columns else activities)
        total = _("published total")
        shown = wide.rename(index={**labels, "": total}, columns={**activity_labels, "": total}).reset_index(
            names=codebook.characteristic(characteristic).label if by_value else _("site"))
        shown.columns.name = None
        sums = parts.groupby("activity", sort=False)["count"].sum()
        if site is not None:
            own = parts[parts["unit"] == site].set_index("activity")["count"]
            heading = f"{labels.get(site, site)}: " + ", ".join(
                _("{count} in {activity}").format(count=int(own.get(a, 0)),
                                                  activity=activity_labels[a].split(" (")[0].lower())
                for a in activities)
        else:
            largest = sums.idxmax()
            heading = _("The largest activity is {activity}, with {count} participants").format(
                activity=activity_labels[largest].lower(), count=int(sums[largest]))
        description = (_("Participants: {counts}.").format(counts="; ".join(
            f"{activity_labels[a]} {int(sums[a])}" for a in activities)) + " "
            + _("Counts as published; the table also shows the published totals, which the data notes "
                "check."))
        by = codebook.characteristic(characteristic).label if by_value else _("site")
        alt = (_("Bar charts of participants in {count} activities, by {by}; {site} highlighted.").format(
            count=len(activities), by=by, site=labels.get(site, site)) if site else
            _("Bar charts of participants in {count} activities, by {by}.").format(
                count=len(activities), by=by))
        made.append(Chart(f"participation-{table_id}", heading, alt, description, shown, figure))
    return made


def respondents_chart(dataset: Dataset, site: str = "") -> Chart | None:
    """Returns, for exports, how many people answered in each wave and group at a site."""
    counts = analysis.respondent_counts(dataset, site)
    counts = counts[counts["group"] != ""]
    figures = analysis.at_site(dataset, "all figures", site)
    present = figures[(figures["breakdown"] == "") & (figures["group"] != "")
                      & (figures["file"] != "figures.csv")].drop_duplicates(["wave", "group"])
    if present.empty:
        return None
    counts = present[["wave", "group"]].merge(counts, how="left", on=["wave", "group"])
    counts["respondents"] = counts["respondents"].astype(float)
    codebook = dataset.codebook
    groups = [g.id for g in codebook.groups if g.id in set(counts["group"])]
    waves = [w.id for w in codebook.waves if w.id in set(counts["wave"])]
    figure = charts.bars(counts, "group", "respondents", groups,
                         {g.id: g.label for g in codebook.groups}, panel="wave", panel_order=waves,
                         panel_titles={w: codebook.wave_label(w) for w in waves})
    where = codebook.site_name(site) if site else _("all sites")
    latest = counts[counts["wave"] == waves[-1]].set_index("group")["respondents"]
    known = [g for g in groups if pd.notna(latest.get(g, 0))]  # a withheld count is no number to say
    answered = ", ".join(f"{int(latest.get(g, 0))} {codebook.group_label(g)}" for g in known)
    unknown = language.conjunction([codebook.group_label(g) for g in groups if g not in known])
    wave = codebook.wave_label(waves[-1])
    if not known:
        heading = _("{where}: how many answered in {wave} is withheld to protect small numbers").format(
            where=where, wave=wave)
    elif unknown:
        heading = _("{where}: {counts} answered in {wave}; the number of {withheld} is withheld").format(
            where=where, counts=answered, wave=wave, withheld=unknown)
    else:
        heading = _("{where}: {counts} answered in {wave}").format(where=where, counts=answered, wave=wave)
    hidden = counts[counts["respondents"].isna()]
    shown = counts.assign(wave=counts["wave"].map(codebook.wave_label),
                          group=counts["group"].map(codebook.group_label),
                          respondents=counts["respondents"].astype("Int64"),
                          note=[_("withheld") if pd.isna(n) else "" for n in counts["respondents"]])
    shown = shown.rename(columns={"wave": _("wave"), "group": _("group"), "respondents": _("respondents"),
                                  "note": _("note")})
    description = _("Respondents who answered at least one question, counted from the survey exports.")
    if len(hidden):
        description += " " + _("{mark} Withheld to protect the people behind small numbers: {names} (fewer "
                               "than {base} respondents answered any question, or so that another withheld "
                               "figure cannot be worked out).").format(
            mark=WITHHELD, base=codebook.dataset.disclosure.minimum_base,
            names=_names([_("{group} in {wave}").format(group=codebook.group_label(g),
                                                         wave=codebook.wave_label(w))
                          for w, g in zip(hidden["wave"], hidden["group"], strict=True)]))
    alt = n_("Bar charts of respondents by group in {count} wave, {where}",
             "Bar charts of respondents by group in {count} waves, {where}", len(waves)).format(
        count=len(waves), where=where)
    return Chart("respondents", heading, alt + (withheld_count(len(hidden)) if len(hidden) else "."),
                 description, shown, figure)


def withheld_count(count: int) -> str:
    """Returns "; N withheld (—)." for a chart's alt text."""
    return "; " + _("{count} withheld ({mark}).").format(count=count, mark=WITHHELD)


def who_took_part(dataset: Dataset, site: str | None = None) -> Section:
    """Returns the "who we heard from" section: head-counts as published, or respondents counted."""
    parts: list = [*participation_charts(dataset, site)]
    counted = respondents_chart(dataset, site or "")
    if counted is not None:
        parts.append(counted)
    if site is not None and parts and not dataset.headcounts.empty:
        parts.insert(0, participants_sentence(dataset, site))
    return Section(_("Who we heard from"), "", parts)


def participants_sentence(dataset: Dataset, site: str) -> HTML:
    """Returns who took part at a site as published, and whether the parts meet the total."""
    counts = dataset.headcounts
    rows = counts[(counts["site"] == site) & (counts["characteristic"] == "")]
    name = dataset.codebook.site_name(site)
    if rows.empty:
        return paragraph(_("The publication gives no participant counts for {site}.").format(site=name))
    parts = rows[rows["activity"] != ""]
    took_part = language.conjunction([
        n_("{count} person took part in the {activity}", "{count} people took part in the {activity}",
           int(c)).format(count=int(c), activity=dataset.codebook.activity_label(a).split(" (")[0].lower())
        for a, c in zip(parts["activity"], parts["count"], strict=True)])
    total = rows[rows["activity"] == ""]["count"]
    if not len(total):
        return paragraph(_("At {site}, {took_part}.").format(site=name, took_part=took_part))
    added = int(parts["count"].sum())
    if added == int(total.iloc[0]):
        text = _("At {site}, {took_part}; the publication gives a total of {total}.")
    else:
        text = _("At {site}, {took_part}; the publication gives a total of {total}, though these add up "
                 "to {added} (see the data notes).")
    return paragraph(text.format(site=name, took_part=took_part, total=int(total.iloc[0]), added=added))


# --- sites against the network --------------------------------------------------------------------


def site_comparison_chart(dataset: Dataset, site: str | None, min_n: int,
                          data: pd.DataFrame | None = None) -> Chart | None:
    """Returns the equiplot of the sites' shares with Wilson whiskers and the reference marked;
    the site, when given, highlighted and labelled. None when there are no site figures."""
    data = analysis.site_shares(dataset) if data is None else data
    hidden = withheld(dataset, **({"site": site} if site else {}), group="", breakdown="")
    hidden = hidden[hidden["site"] != ""]
    small = {s for s, n in zip(data["site"], data["n"], strict=True) if pd.isna(n) or n < min_n}
    data = pd.concat([data, hidden[["site", "item", "answer", "shown"]]], ignore_index=True)
    if data.empty or (site is not None and not (data["site"] == site).any()):
        return None
    codebook = dataset.codebook
    data = data.assign(key=data["item"] + ":" + data["answer"])
    hidden = hidden.assign(key=hidden["item"] + ":" + hidden["answer"])
    keys = [f"{i}:{a}" for i, a in analysis.indicators(codebook) if f"{i}:{a}" in set(data["key"])]
    labels = dict(zip(data["key"], share_labels(dataset, data), strict=True))
    sites = [s for s in dataset.site_ids if s in set(data["site"])]
    small = sorted(small, key=sites.index)
    inferred = bool(data["inferred"].fillna(False).astype(bool).any())
    # The dashed mark: the focal site's reference (the rest of the network, or the published
    # mean); without a focal site, the figure for all respondents (or the published mean).
    if site is not None:
        marks = data[data["site"] == site].set_index("key")["reference"]
        mark_label = reference_words(dataset)
    else:
        marks = data.drop_duplicates("key").set_index("key")["network"]
        mark_label = (all_respondents() if codebook.dataset.reference == "network"
                      else reference_words(dataset))
    data = data.assign(mark=data["key"].map(marks))
    figure = charts.dot_plot(data, "key", "site", keys, sites, labels, codebook.site_names(),
                             xlabel=_("% {of_respondents} (95% interval)").format(
                                 of_respondents=of_respondents(dataset)),
                             reference="mark", reference_label=mark_label, focus=site, hollow=small)
    name = codebook.site_name(site) if site else ""
    if site and data[data["site"] == site]["gap"].isna().all():
        heading = _("{site}: no figure can be compared with {reference}").format(
            site=name, reference=reference_words(dataset))
        description = _("{site}: no figure has both its own value and {reference}.").format(
            site=name, reference=reference_words(dataset))
    elif site:
        rows = data[data["site"] == site].dropna(subset=["gap"])
        found = _clear_rows(dataset, rows, "site")
        widest = found.iloc[0] if len(found) else None
        heading = words.site_title(name, reference_words(dataset), len(rows), rows["p"].notna().any(),
                                   int((rows["gap"] > 0).sum()), len(found),
                                   *((labels[widest["key"]], points(widest["gap"])) if len(found) else ()))
        description = f"{name}: " + "; ".join(
            _("{figure} {percent} vs {reference} ({gap})").format(
                figure=labels[r.key], percent=percent(r.percent), reference=percent(r.reference),
                gap=points(r.gap))
            for r in rows.itertuples()) + "."
    else:
        known = data.dropna(subset=["gap"])
        found = _clear_rows(dataset, known, "site")
        heading = words.gaps_title(reference_words(dataset), known["p"].notna().any(), *(
            (codebook.site_name(found["site"].iloc[0]), labels[found["key"].iloc[0]],
             points(found["gap"].iloc[0])) if len(found) else ()), shares=True,
            sites=len(set(data["site"])))
        spread = data.groupby("key", sort=False)["percent"].agg(["min", "max"])
        description = _("Range across sites: {ranges}.").format(ranges="; ".join(
            f"{labels[k]} {number(r['min'])}–{percent(r['max'])}" for k, r in spread.iterrows()))
    description += " " + (_("The thin lines show where each figure likely lies (95% interval), from the "
                            "number of respondents inferred from each site's rounding; the dashed line is "
                            "{mark}.") if inferred else
                          _("The thin lines show where each figure likely lies (95% interval); the dashed "
                            "line is {mark}.")).format(
        mark=mark_label)
    if small:
        names = _names([codebook.site_name(s) for s in small], most=8)
        description += " " + (_("{flag} Fewer than {min_n} respondents (n inferred): {sites}.") if inferred
                              else _("{flag} Fewer than {min_n} respondents: {sites}.")).format(
            flag=FLAG, min_n=min_n, sites=names)
    description += _precision_note(data.dropna(subset=["percent"]))
    description += withheld_sentence(dataset, hidden, [
        labels[k] if site else _("{figure} at {site}").format(figure=labels[k], site=codebook.site_name(st))
        for k, st in zip(hidden["key"], hidden["site"], strict=True)])
    shown = pd.DataFrame({
        _("site"): data["site"].map(codebook.site_name), _("figure"): [labels[k] for k in data["key"]],
        "%": data["percent"], _("95% low"): data["low"], _("95% high"): data["high"],
        _("n (inferred)") if inferred else "n": data["n"].astype("Int64"),
        _("reference %"): data["reference"], _("gap (points)"): data["gap"],
        _("clear"): verdict_cells(judged(dataset, data, "site")),
        _("note"): notes(data)}).round(1)
    if not data["p"].notna().any():  # gaps without a test: no verdicts to show
        shown = shown.drop(columns=_("clear"))
    alt = (_("Dot plot of {figures} figures at {sites} sites with 95% intervals and {reference}; {site} "
             "highlighted") if site else
           _("Dot plot of {figures} figures at {sites} sites with 95% intervals and {reference}")).format(
        figures=len(keys), sites=len(sites), reference=reference_words(dataset), site=name)
    alt += withheld_count(len(hidden)) if len(hidden) else "."
    return Chart("site-comparison", heading, alt, description, shown, figure, bool(small))


def withheld(dataset: Dataset, **where) -> pd.DataFrame:
    """Returns the compared shares disclosure control withholds (latest wave unless a wave is
    given) matching every given column, e.g. site="x", group=""; none for published tallies."""
    rows = (analysis.at_site(dataset, "withheld", where.pop("site")) if "site" in where
            else analysis.suppressed_shares(dataset))
    where.setdefault("wave", analysis.latest_wave(dataset))
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return rows.reset_index(drop=True)


def _names(names: list[str], most: int = 6) -> str:
    """Returns the names as a list in words, the first few and how many more."""
    if len(names) <= most:
        return language.conjunction(names)
    return _("{names} and {count} more").format(names=", ".join(names[:most]), count=len(names) - most)


def withheld_sentence(dataset: Dataset, rows: pd.DataFrame, names: list[str]) -> str:
    """Returns, for a chart's withheld figures (rows, each with a name), why each is withheld."""
    if rows.empty:
        return ""
    base = dataset.codebook.dataset.disclosure.minimum_base
    reasons = {"primary": _("fewer than {base} respondents").format(base=base),
               "complementary": _("so that another withheld figure cannot be worked out from it"),
               "coded": _("nearly all of a small group gave one answer, so only the bound is shown")}
    parts = []
    for kind, why in reasons.items():
        chosen = [name + (f" {shown}" if kind == "coded" and shown != WITHHELD else "")
                  for name, k, shown in zip(names, rows["suppressed"], rows["shown"], strict=True)
                  if k == kind]
        if chosen:
            parts.append(f"{_names(chosen)} ({why})")
    return " " + _("{mark} Withheld to protect the people behind small numbers: {reasons}.").format(
        mark=WITHHELD, reasons="; ".join(parts))


def notes(rows: pd.DataFrame) -> list[str]:
    """Returns each row's note for a table: withheld (or its coded bound), or the precision flag."""
    shown = rows["shown"] if "shown" in rows else pd.Series("", index=rows.index)
    flags = rows["imprecise"] if "imprecise" in rows else pd.Series(False, index=rows.index)
    return [(_("withheld") if text == WITHHELD else _("{mark} (withheld)").format(mark=text))
            if isinstance(text, str) and text else PRECISION if flag is True else ""
            for text, flag in zip(shown, flags, strict=True)]


def _all_withheld(dataset: Dataset, name: str, what: str, hidden: pd.DataFrame,
                  site: str | None) -> HTML:
    """Returns, where every figure of an exhibit is withheld, a paragraph saying so."""
    where = dataset.codebook.site_name(site) if site else _("all sites")
    labels = share_labels(dataset, hidden)
    text = _("{what} ({where}): every figure is withheld ({mark}) to protect the people behind small "
             "numbers: {figures}.").format(what=what, where=where, mark=WITHHELD,
                                           figures=_names(list(dict.fromkeys(labels))))
    return HTML(f'<p class="note" id="{esc(name)}">{esc(text)}</p>')


def _precision_note(rows: pd.DataFrame) -> str:
    """Returns how many of the figures are too imprecise to read much into, or nothing."""
    count = int(rows["imprecise"].sum())
    if not count:
        return ""
    return " " + n_("{mark} {count} of {total} figure is too imprecise to read much into (marked in the "
                    "table; see Methods).",
                    "{mark} {count} of {total} figures are too imprecise to read much into (marked in the "
                    "table; see Methods).", len(rows)).format(mark=PRECISION, count=count, total=len(rows))


def gap_chart(dataset: Dataset, site: str, data: pd.DataFrame | None = None) -> Chart | None:
    """Returns a site's gaps to the reference as bars (the network report shows every site's in
    one grid, gap_grid_chart)."""
    data = analysis.site_shares(dataset) if data is None else data
    data = data.dropna(subset=["gap"])
    sites = [site]
    if not (data["site"] == site).any():
        return None
    data = data[data["site"].isin(sites)].assign(key=lambda d: d["item"] + ":" + d["answer"])
    keys = list(dict.fromkeys(data["key"]))
    labels = dict(zip(data["key"], share_labels(dataset, data), strict=True))
    names = dataset.codebook.site_names()
    figure = charts.gap_bars(data, "key", keys, labels, "site", sites, names,
                             xlabel=(_("points vs published all-sites figure")
                                     if dataset.codebook.dataset.reference == "published mean"
                                     else _("points vs rest of the network")))
    found = _clear_rows(dataset, data, "site")
    heading = words.gaps_title(reference_words(dataset), data["p"].notna().any(), *(
        (names.get(found["site"].iloc[0]), labels[found["key"].iloc[0]], points(found["gap"].iloc[0]))
        if len(found) else ()))
    above = int((data["gap"] > 0).sum())
    description = n_("{above} of {count} site figure is above {reference}.",
                     "{above} of {count} site figures are above {reference}.", len(data)).format(
        above=above, count=len(data), reference=reference_words(dataset)) + " " + _(
        "Bars show the site's figure minus the reference in percentage points; teal bars are above, brown "
        "below, and each bar is labelled.")
    shown = pd.DataFrame({_("site"): data["site"].map(names), _("figure"): [labels[k] for k in data["key"]],
                          "%": data["percent"], _("reference %"): data["reference"],
                          _("gap (points)"): data["gap"]}).round(1)
    alt = _("Bar chart of gaps to {reference} in points, {count} figures, for {sites}.").format(
        reference=reference_words(dataset), count=len(keys), sites=", ".join(names.get(s, s) for s in sites))
    return Chart("site-gaps", heading, alt, description, shown, figure)


def gap_grid_chart(dataset: Dataset, data: pd.DataFrame | None = None) -> Chart | None:
    """Returns a grid of every site's gap on every figure, each cell labelled."""
    data = analysis.site_shares(dataset) if data is None else data
    data = data.dropna(subset=["gap"])
    if data.empty:
        return None
    data = data.assign(key=data["item"] + ":" + data["answer"])
    labels = dict(zip(data["key"], share_labels(dataset, data), strict=True))
    names = dataset.codebook.site_names()
    grid = data.pivot(index="site", columns="key", values="gap")
    grid = grid.reindex(index=[s for s in dataset.site_ids if s in grid.index],
                        columns=list(dict.fromkeys(data["key"])))
    figure = charts.gap_grid(grid, names, labels)
    found = _clear_rows(dataset, data, "site")
    heading = words.gaps_title(reference_words(dataset), data["p"].notna().any(), *(
        (names.get(found["site"].iloc[0]), labels[found["key"].iloc[0]], points(found["gap"].iloc[0]))
        if len(found) else ()))
    shown = grid.round(1).rename(index=names, columns=labels).reset_index(names=_("site"))
    shown.columns.name = None
    alt = _("Grid of gaps to {reference}: {sites} sites by {figures} figures.").format(
        reference=reference_words(dataset), sites=grid.shape[0], figures=grid.shape[1])
    return Chart("gap-grid", heading, alt,
                 _("Each cell is a site's figure minus the reference, in percentage points; teal is above, "
                   "brown below, and every cell is labelled."), shown, figure)


def disparity_frame(dataset: Dataset, rows: pd.DataFrame, name, reference: str) -> pd.DataFrame:
    """Returns the disparity measures per figure as the tables show them: the highest and lowest
    (named by name()), the range, the range ratio and the index of disparity."""
    return pd.DataFrame({
        _("figure"): share_labels(dataset, rows), reference: rows["reference"],
        _("highest"): [f"{name(s)} {percent(v)}"
                       for s, v in zip(rows["highest"], rows["highest %"], strict=True)],
        _("lowest"): [f"{name(s)} {percent(v)}"
                      for s, v in zip(rows["lowest"], rows["lowest %"], strict=True)],
        _("range (points)"): rows["range"], _("range ratio"): rows["range ratio"],
        _("index of disparity (%)"): rows["index of disparity"],
    })


def disparity_table(dataset: Dataset, appendix: bool = True) -> HTML:
    """Returns the disparity between sites per figure, as a table (appendix measures optional)."""
    table_ = analysis.disparity_by_indicator(dataset)
    if table_.empty:
        return HTML("")
    shown = disparity_frame(dataset, table_, dataset.codebook.site_name, _("reference %"))
    if appendix:
        shown[_("spread between groups (variance)")] = table_["between-group variance"]
        shown[_("inequality (Theil index ×1000)")] = table_["theil"]
        shown[_("inequality (mean log deviation ×1000)")] = table_["mld"]
    return table(shown.round(2), _("Disparity between sites, by figure"), digits=2)


def sites_section(dataset: Dataset, site: str | None, min_n: int) -> Section:
    """Returns the section comparing sites (the site, when given, against the reference)."""
    data = analysis.site_shares(dataset)
    if site is not None and not (data["site"] == site).any():
        hidden = withheld(dataset, site=site, group="", breakdown="")
        return Section(_("{site} against the other sites").format(site=dataset.codebook.site_name(site)), "",
                       [_all_withheld(dataset, "site-comparison", _("Figures"), hidden, site)]
                       if len(hidden) else [])
    if data.empty:
        return Section(_("How the sites compare"))
    many = analysis.compared_sites(dataset) > MANY_SITES
    parts: list = []
    if site is not None and many:
        parts.append(site_summary_chart(dataset, site, data))
    elif site is None and many:
        parts += [network_summary_chart(dataset, data), furthest_sites_table(dataset, data),
                  HTML('<p class="note">' + esc(_("Every site's figures, with their intervals and gaps: "
                                                  "{file} "
                                                  "({rows} rows, CSV for a spreadsheet).")).format(
                      file=f'<a href="{SITE_TABLE}" download>{SITE_TABLE}</a>', rows=number(len(data), 0))
                      + "</p>")]
    else:
        parts.append(site_comparison_chart(dataset, site, min_n, data))
    if site is not None:
        parts.append(gap_chart(dataset, site, data))
    elif not many:  # every site's gaps in one grid (as bars, they would be the same chart again)
        parts.append(gap_grid_chart(dataset, data))
    parts.append(disparity_table(dataset, appendix=site is None))
    wave = dataset.codebook.wave_label(analysis.latest_wave(dataset))
    intro = _("Each figure is the share {of_respondents} giving that answer in {wave}, with a 95% interval, "
              "against {reference}.").format(of_respondents=of_respondents(dataset), wave=wave,
                                             reference=reference_words(dataset))
    heading = (_("{site} against the other sites").format(site=dataset.codebook.site_name(site)) if site
               else _("How the sites compare"))
    return Section(heading, intro, [p for p in parts if p is not None])


def network_summary_chart(dataset: Dataset, data: pd.DataFrame) -> Chart:
    """Returns, for a large network, the spread of the sites on each figure: lowest, quartiles and
    highest site as marks on one line per figure, with all respondents dashed."""
    data = data.assign(key=data["item"] + ":" + data["answer"])
    names = dataset.codebook.site_name
    marks = ["lowest site", "lower quartile", "median site", "upper quartile", "highest site"]
    words = {m: _(m) for m in marks}
    rows, table_rows = [], []
    for key, cells in data.groupby("key", sort=False):
        q1, median, q3 = analysis.quartiles(cells["percent"])
        low, high = cells.loc[cells["percent"].idxmin()], cells.loc[cells["percent"].idxmax()]
        network = cells["network"].iloc[0]
        for who, value in zip(marks, (low["percent"], q1, median, q3, high["percent"]), strict=True):
            rows.append({"key": key, "who": who, "percent": value, "network": network})
        table_rows.append({_("figure"): share_label(dataset, cells["item"].iloc[0], cells["answer"].iloc[0]),
                           _("lowest site"): f"{names(low['site'])} {percent(low['percent'])}",
                           _("lower quartile %"): q1, _("median site %"): median, _("upper quartile %"): q3,
                           _("highest site"): f"{names(high['site'])} {percent(high['percent'])}",
                           _("all respondents %"): network, _("sites"): len(cells)})
    frame = pd.DataFrame(rows)
    keys = list(dict.fromkeys(frame["key"]))
    labels = dict(zip(data["key"], share_labels(dataset, data), strict=True))
    figure = charts.dot_plot(frame, "key", "who", keys, marks, labels, words,
                             xlabel=_("% {of_respondents}").format(of_respondents=of_respondents(dataset)),
                             low=None, high=None, reference="network",
                             reference_label=all_respondents())
    sites = data["site"].nunique()
    return Chart("network-summary", _("The spread of {sites} sites on each figure").format(
                     sites=data["site"].nunique()),
                 _("Dot plot of the spread of {sites} sites on {figures} figures.").format(
                     sites=sites, figures=len(keys)),
                 _("For each figure, the lowest site, the quartiles, the median and the highest of the "
                   "{sites} "
                   "sites with published figures; the dashed line is all respondents. The sites furthest "
                   "from the rest are in the next table, every site in the CSV file.").format(sites=sites),
                 pd.DataFrame(table_rows).round(1), figure)


NETWORK_MARKS = (N_("lowest site"), N_("lower quartile"), N_("median site"), N_("upper quartile"),
                 N_("highest site"))


def furthest_sites_table(dataset: Dataset, data: pd.DataFrame, most: int = 3) -> HTML:
    """Returns, per figure, the sites furthest from the rest of the network, with the gap's
    interval and whether it is clear once chance across the run's comparisons is allowed for."""
    names = dataset.codebook.site_name
    data = data.dropna(subset=["gap"])
    data = judged(dataset, data, "site")
    rows = []
    for (item, answer), cells in data.groupby(["item", "answer"], sort=False):
        furthest = cells.reindex(cells["gap"].abs().sort_values(ascending=False, kind="stable").index)
        for row in furthest.head(most).to_dict("records"):
            rows.append({_("figure"): share_label(dataset, item, answer), _("site"): names(row["site"]),
                         "%": row["percent"], _("rest of the network %"): row["reference"],
                         _("gap (points)"): row["gap"], _("95% low"): row["gap low"],
                         _("95% high"): row["gap high"],
                         _("clear"): yes_no(row["clear"])})
    if not rows:
        return HTML("")
    return table(pd.DataFrame(rows).round(1),
                 _("The {count} sites furthest from the rest of the network on each figure").format(
                     count=most))


def site_summary_chart(dataset: Dataset, site: str, data: pd.DataFrame) -> Chart:
    """Returns, for a large network, the site against the spread of the sites: the quartiles
    as a band and the site's dot with its interval (drawn as an equiplot of three marks)."""
    spread = analysis.site_spread(dataset)
    own = data[data["site"] == site].set_index(["item", "answer"])
    labels = {f"{i}:{a}": share_label(dataset, i, a)
              for i, a in zip(spread["item"], spread["answer"], strict=True)}
    rows = []
    for item, answer, q1, median, q3 in spread.itertuples(index=False):
        key = f"{item}:{answer}"
        rows += [{"key": key, "who": _("lower quartile"), "percent": q1, "low": None, "high": None},
                 {"key": key, "who": _("median site"), "percent": median, "low": None, "high": None},
                 {"key": key, "who": _("upper quartile"), "percent": q3, "low": None, "high": None}]
        if (item, answer) in own.index:
            mine = own.loc[(item, answer)]
            rows.append({"key": key, "who": site, "percent": mine["percent"],
                         "low": mine["low"], "high": mine["high"]})
    hidden = withheld(dataset, site=site, group="", breakdown="")
    for key, mark in zip(hidden["item"] + ":" + hidden["answer"], hidden["shown"], strict=True):
        if key in labels:
            rows.append({"key": key, "who": site, "percent": None, "low": None, "high": None,
                         "shown": mark})
    frame = pd.DataFrame(rows).astype({"percent": float, "low": float, "high": float})
    keys = list(dict.fromkeys(frame["key"]))
    name = dataset.codebook.site_name(site)
    who = [_("lower quartile"), _("median site"), _("upper quartile"), site]
    figure = charts.dot_plot(frame, "key", "who", keys, who, labels,
                             {site: name, _("median site"): _("median site")}, focus=site,
                             xlabel=_("% {of_respondents}").format(of_respondents=of_respondents(dataset)))
    shown = frame.assign(figure=[labels[k] for k in frame["key"]],
                         who=frame["who"].replace({site: name}))[["figure", "who", "percent", "low", "high"]]
    shown = shown.assign(note=notes(frame)).round(1).rename(columns={
        "figure": _("figure"), "who": _("who"), "percent": "%", "low": _("95% low"), "high": _("95% high"),
        "note": _("note")})
    sites = analysis.compared_sites(dataset)
    return Chart("site-summary",
                 _("{site} against the spread of {sites} sites").format(site=name, sites=sites),
                 _("Dot plot of {site}'s figures with the quartiles of {sites} sites.").format(
                     site=name, sites=sites),
                 _("For each figure, {site}'s share with its 95% interval, and the lower quartile, "
                   "median and "
                   "upper quartile of the {sites} sites' shares.").format(site=name, sites=sites)
                 + withheld_sentence(dataset, hidden, share_labels(dataset, hidden)), shown, figure)


# --- groups, waves, breakdowns, distributions ------------------------------------------------------


def _withheld_pairs(dataset: Dataset, site: str,
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


def contrast_chart(dataset: Dataset, rows: pd.DataFrame, name: str, where: str, min_n: int,
                   site: str = "", table_of: tuple[int, int] = (1, 1)) -> Chart:
    """Returns a dumbbell of one contrast: both groups' shares and the gap with its interval; when
    the contrast's figures come from several published tables (table_of: this one's number and
    how many), its title says which and its caption why they differ."""
    codebook = dataset.codebook
    first, second = rows["first"].iloc[0], rows["second"].iloc[0]
    wave = analysis.latest_wave(dataset)
    held, hidden = _withheld_pairs(dataset, site, [("first", {"group": first, "wave": wave}),
                                                   ("second", {"group": second, "wave": wave})])
    first_label, second_label = codebook.group_label(first), codebook.group_label(second)
    inferred = bool(rows["inferred"].any())
    small = [g for g, column in ((first, "first n"), (second, "second n"))
             if rows[column].isna().any() or (rows[column].astype(float) < min_n).any()]
    labels = share_labels(dataset, rows)
    legend = tuple(f"{codebook.group_label(g)} ({n_words(rows[c].max(), inferred)})"
                   + (f" {FLAG}" if g in small else "")
                   for g, c in ((first, "first n"), (second, "second n")))
    measures = {i if codebook.item(i).kind == "choose-any" else "" for i in rows["item"]}
    answers = {codebook.answer_label(i, a) for i, a in zip(rows["item"], rows["answer"], strict=True)}
    if measures == {""} and len(answers) == 1:
        xlabel = _("% who answer {answer}").format(answer=answers.pop())
    elif len(measures) == 1 and "" not in measures:
        xlabel = _("% who {measure}").format(measure=measure_words(dataset, rows["item"].iloc[0], ""))
    else:
        xlabel = _("% {of_respondents} (each row's answer)").format(of_respondents=of_respondents(dataset))
    drawn = pd.concat([rows, held.assign(gap=math.nan, low=math.nan, high=math.nan)], ignore_index=True)
    figure = charts.dumbbell(drawn, [*labels, *share_labels(dataset, held)], "first %", "second %",
                             legend, xlabel=xlabel, gap_label=_("gap, {first} − {second}").format(
                                 first=first_label, second=second_label))
    rows = judged(dataset, rows, "contrast", site)
    found = largest_first(rows[rows["clear"]])
    widest = found.iloc[0] if len(found) else None
    heading = words.contrast_title(first_label, second_label, rows["p"].notna().any(), *(
        (labels[list(rows.index).index(widest.name)], percent(widest["first %"]), of_group(dataset, first),
         percent(widest["second %"]), of_group(dataset, second)) if widest is not None else ()))
    gaps = "; ".join(
        f"{label} {points(r.gap)}" + ("" if math.isnan(r.low) else f" ({_interval(r.low, r.high)})")
        for label, r in zip(labels, rows.itertuples(), strict=True))
    number, tables = table_of
    if tables > 1:  # the same statements in another table: two charts, told apart
        heading = _("{title} (table {number} of {count})").format(title=heading, number=number, count=tables)
    description = ("" if tables == 1 else _(
        "The publication gives these figures in {count} tables, each rounded on its own, so they differ "
        "a little; this one is its table of {table}.").format(
            count=tables, table=codebook.table_title(rows["table"].iloc[0])) + " ")
    description += _("Gaps ({first} minus {second}, percentage points, {where}): {gaps}.").format(
        first=first_label, second=second_label, where=where, gaps=gaps) + " " + (
        _("The ranges in brackets show where each gap likely lies (95% interval), from the numbers of "
          "respondents inferred from the rounding.") if inferred else
        _("The ranges in brackets show where each gap likely lies (95% interval)."))
    if small:
        description += " " + _("{flag} Fewer than {min_n} respondents or n unknown: read with care.").format(
            flag=FLAG, min_n=min_n)
    description += withheld_sentence(dataset, hidden, [
        _("{figure} among {group}").format(figure=label, group=codebook.group_label(g))
        for label, g in zip(share_labels(dataset, hidden), hidden["group"], strict=True)])
    shown = pd.DataFrame({_("figure"): [*labels, *share_labels(dataset, held)],
                          f"{first_label} %": drawn["first %"].to_numpy(),
                          f"{second_label} %": drawn["second %"].to_numpy(),
                          _("gap (points)"): drawn["gap"].to_numpy(), _("95% low"): drawn["low"].to_numpy(),
                          _("95% high"): drawn["high"].to_numpy(),
                          _("clear"): verdict_cells(rows, len(held)),
                          _("note"): [""] * len(labels) + [_("withheld")] * len(held)}).round(1)
    alt = n_("Dumbbell chart comparing {first} and {second} on {count} figure, with the gap in points",
             "Dumbbell chart comparing {first} and {second} on {count} figures, with the gap in points",
             len(drawn)).format(first=first_label, second=second_label, count=len(drawn))
    alt += withheld_count(len(held)) if len(held) else "."
    return Chart(name, heading, alt, description, shown, figure, bool(small))


def contrast_tables(dataset: Dataset, site: str) -> tuple[pd.DataFrame, str]:
    """Returns the contrasts a report shows and, in words, where they come from."""
    rows, network_wide = analysis.shown_contrasts(dataset, site)
    if network_wide:
        hidden = withheld(dataset, site=site, breakdown="")
        if (hidden["group"] != "").any():
            return rows, _("network-wide; this site's figures by group are withheld to protect small numbers")
        return rows, _("network-wide; the data hold no such figures by site")
    return rows, dataset.codebook.site_name(site) if site else _("all sites")


def contrasts_section(dataset: Dataset, site: str | None, min_n: int) -> Section:
    """Returns the section comparing respondent groups (the codebook's contrasts)."""
    rows, where = contrast_tables(dataset, site or "")
    network_wide = analysis.shown_contrasts(dataset, site or "")[1]
    if len(rows) == 0:
        return Section(_("Respondent groups"))
    made = []
    for (contrast, table_id), cells in rows.groupby(["contrast", "table"], sort=False):
        same = list(dict.fromkeys(rows.loc[rows["contrast"] == contrast, "table"]))  # its tables
        made.append(contrast_chart(dataset, cells.reset_index(drop=True),
                                   f"contrast-{contrast}-{table_id}", where, min_n,
                                   "" if network_wide else site or "",
                                   (same.index(table_id) + 1, len(same))))
    labels = [dataset.codebook.group_label(g.id) for g in dataset.codebook.groups]
    intro = (_("How {groups} answered ({where}).").format(groups=language.conjunction(labels), where=where)
             if len(labels) > 1 else _("How the groups answered ({where}).").format(where=where))
    return Section(_("Respondent groups"), intro, made)


def contrast_tables_used(dataset: Dataset, site: str) -> set[str]:
    """Returns the tables whose figures a site's report shows."""
    used = set(dataset.figures.loc[dataset.figures["site"] == site, "table"])
    used |= set(dataset.figures.loc[dataset.figures["aggregate"] == "mean", "table"])
    rows = contrast_tables(dataset, site)[0]
    if len(rows):
        used |= set(rows["table"])
    return used


def waves_section(dataset: Dataset, site: str | None, min_n: int) -> Section:
    """Returns the changes between the last two waves, as a dumbbell per figure."""
    rows = analysis.wave_changes(dataset, site or "")
    if rows.empty:
        return _withheld_section(dataset, _("Changes between waves"), site, group="")
    codebook = dataset.codebook
    held, hidden = _withheld_pairs(dataset, site or "", [
        ("before", {"wave": rows["before"].iloc[0], "group": ""}),
        ("after", {"wave": rows["after"].iloc[0], "group": ""})])
    held = held.assign(change=math.nan, low=math.nan, high=math.nan)
    before, after = codebook.wave_label(rows["before"].iloc[0]), codebook.wave_label(rows["after"].iloc[0])
    labels = share_labels(dataset, rows)
    figure = charts.dumbbell(pd.concat([rows, held], ignore_index=True),
                             [*labels, *share_labels(dataset, held)], "after %", "before %",
                             (_("{wave} (n up to {n})").format(wave=after, n=int(rows["after n"].max())),
                              _("{wave} (n up to {n})").format(wave=before, n=int(rows["before n"].max()))),
                             gap="change",
                             xlabel=_("% {of_respondents}").format(of_respondents=of_respondents(dataset)),
                             gap_label=_("change, {after} − {before}").format(after=after, before=before))
    rows = judged(dataset, rows, "change", site or "")
    found = largest_first(rows[rows["clear"]], "change")
    widest = found.iloc[0] if len(found) else None
    where = codebook.site_name(site) if site else _("all sites")
    heading = words.change_title(before, after, rows["p"].notna().any(), *(
        (labels[list(rows.index).index(widest.name)], percent(widest["before %"]), percent(widest["after %"]),
         points(widest["change"])) if widest is not None else ()))
    changes = "; ".join(
        f"{label} {points(r.change)}" + ("" if math.isnan(r.low) else f" ({_interval(r.low, r.high)})")
        for label, r in zip(labels, rows.itertuples(), strict=True))
    description = (_("Changes ({where}, {after} minus {before}, percentage points): {changes}.").format(
        where=where, after=after, before=before, changes=changes) + " "
        + _("The ranges in brackets show where each change likely lies (95% interval), with the two waves "
            "treated as separate samples, since respondents are not linked between them.")
        + withheld_sentence(dataset, hidden, [
            _("{figure} in {wave}").format(figure=label, wave=codebook.wave_label(w))
            for label, w in zip(share_labels(dataset, hidden), hidden["wave"], strict=True)]))
    shown = pd.DataFrame({_("figure"): labels, f"{before} %": rows["before %"], f"{after} %": rows["after %"],
                          _("change (points)"): rows["change"], _("95% low"): rows["low"],
                          _("95% high"): rows["high"], _("clear"): verdict_cells(rows),
                          f"{before} n": rows["before n"].astype("Int64"),
                          f"{after} n": rows["after n"].astype("Int64")})
    shown = pd.concat([shown, pd.DataFrame({
        _("figure"): share_labels(dataset, held), f"{before} %": held["before %"],
        f"{after} %": held["after %"], _("note"): _("withheld")})], ignore_index=True).round(1)
    alt = _("Dumbbell chart of {count} figures in {before} and {after}").format(
        count=len(rows) + len(held), before=before, after=after)
    chart = Chart("waves", heading, alt + (withheld_count(len(held)) if len(held) else "."),
                  description, shown, figure)
    return Section(_("Changes between waves"), _("Each figure in {before} and {after}, {where}.").format(
        before=before, after=after, where=where), [chart])


def breakdown_charts(dataset: Dataset, site: str | None, min_n: int) -> list[Chart | HTML]:
    """Returns a dot plot per respondent characteristic: each figure by the characteristic's
    values, with Wilson whiskers and the all-respondents figure marked."""
    made = []
    for characteristic in dataset.codebook.characteristics:
        rows = analysis.breakdown(dataset, characteristic.id, site or "")
        small = {v for v, n in zip(rows["value"], rows["n"], strict=True) if n < min_n}
        hidden = withheld(dataset, site=site or "", group="", breakdown=characteristic.id)
        overall = rows.drop_duplicates(["item", "answer"]).set_index(["item", "answer"])["overall"]
        hidden = hidden.assign(overall=overall.reindex(
            pd.MultiIndex.from_frame(hidden[["item", "answer"]])).to_numpy())
        rows = pd.concat([rows, hidden[["item", "answer", "value", "shown", "overall"]]],
                         ignore_index=True)
        if rows.empty or rows["percent"].isna().all():
            if len(hidden):
                made.append(_all_withheld(dataset, f"breakdown-{characteristic.id}",
                                          _("By {characteristic}").format(
                                              characteristic=characteristic.label),
                                          hidden, site))
            continue
        order = {f"{i}:{a}": n for n, (i, a) in enumerate(analysis.indicators(dataset.codebook))}
        rows = rows.assign(key=rows["item"] + ":" + rows["answer"])
        rows = rows.sort_values("key", key=lambda k: k.map(order), kind="stable").reset_index(drop=True)
        labels = dict(zip(rows["key"], share_labels(dataset, rows), strict=True))
        values = [v.id for v in characteristic.values if v.id in set(rows["value"])]
        value_labels = {v.id: v.label for v in characteristic.values}
        small = sorted(small, key=values.index)
        figure = charts.dot_plot(rows, "key", "value", list(dict.fromkeys(rows["key"])), values,
                                 labels, value_labels,
                                 xlabel=_("% {of_respondents} (95% interval)").format(
                                     of_respondents=of_respondents(dataset)),
                                 reference="overall", reference_label=all_respondents(), hollow=small)
        where = dataset.codebook.site_name(site) if site else _("all sites")
        rows = judged(dataset, rows, "breakdown", site or "")
        found = largest_first(rows[rows["clear"]])
        widest = found.iloc[0] if len(found) else None
        heading = words.breakdown_title(characteristic.label, rows["p"].notna().any(), *(
            (value_labels[widest["value"]], labels[widest["key"]], percent(widest["percent"]),
             percent(widest["others %"])) if widest is not None else ()))
        description = _("Each figure by {characteristic} ({where}), with 95% intervals; the "
                        "dashed mark "
                        "is all respondents. Respondents who did not state their {characteristic} are left "
                        "out of this breakdown.").format(characteristic=characteristic.label, where=where)
        if small:
            description += " " + _("{flag} Fewer than {min_n} respondents: {values}.").format(
                flag=FLAG, min_n=min_n, values=language.conjunction([value_labels[v] for v in small]))
        description += _precision_note(rows.dropna(subset=["percent"]))
        description += withheld_sentence(dataset, hidden, [
            _("{figure} among {group}").format(figure=labels[f"{i}:{a}"], group=value_labels[v])
            for i, a, v in zip(hidden["item"], hidden["answer"], hidden["value"], strict=True)])
        shown = pd.DataFrame({_("figure"): [labels[k] for k in rows["key"]],
                              characteristic.label: rows["value"].map(value_labels),
                              "%": rows["percent"], _("95% low"): rows["low"], _("95% high"): rows["high"],
                              "n": rows["n"].astype("Int64"), _("all respondents %"): rows["overall"],
                              _("other respondents %"): rows["others %"],
                              _("gap to the others (points)"): rows["gap"], _("gap 95% low"): rows["gap low"],
                              _("gap 95% high"): rows["gap high"], _("clear"): verdict_cells(rows),
                              _("note"): notes(rows)}).round(1)
        alt = _("Dot plot of {count} figures by {characteristic}, {where}").format(
            count=len(labels), characteristic=characteristic.label, where=where)
        made.append(Chart(f"breakdown-{characteristic.id}", heading,
                          alt + (withheld_count(len(hidden)) if len(hidden) else "."),
                          description, shown, figure, bool(small)))
    return made


def breakdown_disparity_table(dataset: Dataset, characteristic, site: str | None) -> HTML | None:
    """Returns the disparity across a characteristic's groups, per figure, as a table."""
    rows = analysis.breakdown_disparity(dataset, characteristic.id, site or "")
    if rows.empty:
        return None
    label = {v.id: v.label for v in characteristic.values}
    shown = disparity_frame(dataset, rows, lambda v: label.get(v, v), _("all respondents %"))
    shown = shown.assign(**{_("between-group variance"): rows["between-group variance"]}).round(2)
    return table(shown, _("Disparity across {characteristic} groups, by figure").format(
        characteristic=characteristic.label), digits=2)


def breakdowns_section(dataset: Dataset, site: str | None, min_n: int) -> Section:
    names = language.conjunction([c.label for c in dataset.codebook.characteristics])
    parts: list = []
    for chart in breakdown_charts(dataset, site, min_n):
        parts.append(chart)
        if not isinstance(chart, Chart):
            continue
        characteristic = dataset.codebook.characteristic(chart.name.removeprefix("breakdown-"))
        disparity_rows = breakdown_disparity_table(dataset, characteristic, site)
        if disparity_rows is not None:
            parts.append(disparity_rows)
    return Section(_("Who answered what"), _(
        "Results broken down by {characteristics}, in the codebook's order; the tables give the gap between "
        "the highest and lowest group and the index of disparity against all respondents.").format(
        characteristics=names), parts)


def distribution_charts(dataset: Dataset, site: str | None, min_n: int) -> list[Chart]:
    """Returns a diverging bar chart per section of scale items (groups side by side)."""
    rows = analysis.distributions(dataset, site or "")
    codebook = dataset.codebook
    made = []
    if rows.empty:
        return made
    if (rows["group"] != "").any():
        rows = rows[rows["group"] != ""]
    for scale in codebook.scales:
        items = [i for i in codebook.items if i.scale == scale.id]
        for section in dict.fromkeys(i.section for i in items):
            members = [i.id for i in items if i.section == section]
            cells = rows[rows["item"].isin(members)].rename(columns={"answer": "level"})
            if cells.empty:
                continue
            groups = [g.id for g in codebook.groups if g.id in set(cells["group"])] or [""]
            n = cells.groupby("group")["n"].max()
            inferred = bool(cells["inferred"].any())
            small = [g for g in groups if pd.isna(n.get(g)) or n.get(g) < min_n]
            titles = {g: f"{capital(codebook.group_label(g) if g else all_respondents())} "
                         f"({n_words(n.get(g), inferred)})" + (f" {FLAG}" if g in small else "")
                      for g in groups}
            positive = cells[cells["level"].isin(scale.side("positive"))].groupby(
                ["group", "item"])["percent"].sum()
            has_first = groups[0] in positive.index.get_level_values(0)
            first = positive.loc[groups[0]] if has_first else pd.Series()
            order = [*first.sort_values(ascending=False).index, *(m for m in members if m not in first.index)]
            order = [m for m in order if m in set(cells["item"])]
            labels = {i.id: i.label for i in items}
            figure = charts.likert(cells, "item", "group", [lv.id for lv in scale.levels],
                                   [lv.side for lv in scale.levels], order, groups, labels, titles,
                                   {lv.id: lv.label for lv in scale.levels})
            agree = positive.unstack(0) if len(positive) else pd.DataFrame()
            top = agree[groups[0]].idxmax() if groups[0] in agree else order[0]
            if groups[0] not in agree:
                heading = _("{section}: every answer").format(section=section)
            elif agree[groups[0]].dropna().size == 1:  # one statement: no range from it to itself
                heading = _("{answer}: {percent} (“{statement}”) {among}").format(
                    answer=capital(scale.positive_label), percent=percent(agree[groups[0]].max()),
                    statement=labels[top], among=among(dataset, groups[0]))
            else:
                heading = _("{answer}: from {low} (“{low_statement}”) to {high} (“{high_statement}”) "
                            "{among}").format(
                    answer=capital(scale.positive_label), low=percent(agree[groups[0]].min()),
                    low_statement=labels[agree[groups[0]].idxmin()], high=percent(agree[groups[0]].max()),
                    high_statement=labels[top], among=among(dataset, groups[0]))
            apart = " / ".join(lv.label for lv in scale.levels if lv.side == "apart")
            if not apart:  # a scale without "don't know" answers: nothing is shown apart
                base = (_("Percentages are of all responses") if dataset.codebook.dataset.published
                        else _("Percentages are of those who gave an answer on the scale"))
            else:
                base = (_("Percentages are of all responses, including {apart}")
                        if dataset.codebook.dataset.published
                        else _("Percentages are of those who gave an answer on the scale; {apart} is shown "
                               "apart, as a share of everyone who answered")).format(apart=apart)
            description = (f"{base} ({'; '.join(titles[g] for g in groups)}). " + _(
                "Negative answers run left of zero, positive right, neutral answers are split across zero."))
            if small:
                description += " " + _("{flag} Fewer than {min_n} respondents: read with care.").format(
                    flag=FLAG, min_n=min_n)
            hidden = withheld(dataset, site=site or "", breakdown="")
            drawn = set(zip(cells["item"], cells["group"], strict=True))
            hidden = hidden[[i in members and g != "" and (i, g) not in drawn
                             for i, g in zip(hidden["item"], hidden["group"], strict=True)]]
            if len(hidden):
                description += withheld_sentence(dataset, hidden.assign(shown=WITHHELD), [
                    _("every answer {of_group} to “{statement}”").format(of_group=of_group(dataset, g),
                                                                         statement=labels[i])
                    for i, g in zip(hidden["item"], hidden["group"], strict=True)])
            wide = cells.pivot_table(index=["item", "group"], columns="level", values="percent",
                                     aggfunc="first").reindex(columns=[lv.id for lv in scale.levels])
            wide = wide.reset_index()
            shown = wide.assign(item=wide["item"].map(labels),
                                group=wide["group"].map(lambda g: codebook.group_label(g) if g else _("all")))
            shown = pd.concat([shown, pd.DataFrame({
                "item": [labels[i] for i in hidden["item"]],
                "group": [codebook.group_label(g) for g in hidden["group"]], "note": _("withheld")})],
                ignore_index=True) if len(hidden) else shown
            shown = shown.rename(columns={lv.id: lv.label for lv in scale.levels}
                                 | {"item": _("statement"), "group": _("group"), "note": _("note")})
            shown.columns.name = None
            alt = n_("Diverging bar chart of {section}: {count} statements, {groups} group.",
                     "Diverging bar chart of {section}: {count} statements, {groups} groups.",
                     len(groups)).format(
                section=section or scale.id, count=len(order), groups=len(groups))
            made.append(Chart(f"distribution-{anchor(section or scale.id)}", heading, alt,
                              description, shown.round(1), figure, bool(small)))
    return made


def _withheld_section(dataset: Dataset, heading: str, site: str | None, **where) -> Section:
    """Returns a section that says its figures are all withheld, or an empty one if none are."""
    hidden = withheld(dataset, site=site or "", breakdown="", **where)
    return Section(heading, "", [_all_withheld(dataset, anchor(heading), _("Figures"), hidden, site)]
                   if len(hidden) else [])


def distributions_section(dataset: Dataset, site: str | None, min_n: int) -> Section:
    made = distribution_charts(dataset, site, min_n)
    if not made:
        return _withheld_section(dataset, _("Every answer"), site)
    return Section(_("Every answer"), _("The full distribution of answers to each statement."), made,
                   appendix=True)


def choose_any_section(dataset: Dataset, min_n: int) -> Section:
    """Returns, for network-wide choose-any figures with no sites, a bar chart per item."""
    made = []
    data = analysis.shares(dataset)
    for item in dataset.codebook.items:
        if item.kind != "choose-any":
            continue
        rows = data[(data["item"] == item.id) & (data["site"] == "") & (data["group"] == "")
                    & (data["breakdown"] == "") & (data["wave"] == analysis.latest_wave(dataset))]
        if rows.empty or (data["site"] != "").any():
            continue
        options = [o.id for o in item.options]
        labels = {o.id: o.label for o in item.options}
        figure = charts.bars(rows, "answer", "percent", options, labels, percentages=True,
                             xmax=100)
        top = rows.loc[rows["percent"].idxmax()]
        n = rows["n"].dropna()
        description = (f"“{item.wording_for(None) or item.label}” " + _(
            "Respondents could choose more than one, so the shares need not add up to 100%: here they add up "
            "to {total}.").format(total=percent(rows["percent"].sum(), 0)) + " "
            + (_("Based on {n} respondents.").format(n=int(n.max())) if len(n) else
               _("The publication gives no number of respondents, so no interval can be given.")))
        shown = pd.DataFrame({_("option"): rows["answer"].map(labels), "%": rows["percent"],
                              "n": rows["n"].astype("Int64")})
        heading = (_("{option} leads, with {percent}").format(option=capital(labels[top["answer"]]),
                                                             percent=percent(top["percent"], 0)) if len(n)
                   else _("Each option was chosen by {low} to {high} {of_respondents}").format(
                       low=percent(rows["percent"].min(), 0), high=percent(rows["percent"].max(), 0),
                       of_respondents=of_respondents(dataset)))
        alt = _("Bar chart of {count} options of “{item}”.").format(count=len(options), item=item.label)
        made.append(Chart(f"choose-any-{item.id}", heading, alt, description, shown, figure))
    about = dataset.codebook.dataset
    return Section(gendered(about.respondents_gender, "What {respondents} chose").format(
        respondents=about.respondents_word), "", made)


# --- key findings ----------------------------------------------------------------------------------


def judged(dataset: Dataset, rows: pd.DataFrame, kind: str, site: str | None = None) -> pd.DataFrame:
    """Returns rows of one kind of comparison (at a site, when given; else each row's own) with
    their verdict in the run's one family: a clear column."""
    keys = rows.assign(kind=kind, **({} if site is None else {"site": site}))
    return rows.assign(clear=analysis.is_clear(dataset, keys))


def largest_first(rows: pd.DataFrame, gap: str = "gap") -> pd.DataFrame:
    return rows.reindex(rows[gap].abs().sort_values(ascending=False, kind="stable").index)


def _clear_rows(dataset: Dataset, rows: pd.DataFrame, kind: str, site: str | None = None,
                gap: str = "gap") -> pd.DataFrame:
    """Returns the rows whose comparison is clear in the run's family, the largest gap first."""
    rows = judged(dataset, rows, kind, site)
    return largest_first(rows[rows["clear"]], gap)


def yes_no(clear: bool) -> str:
    """Returns a comparison's verdict as a table shows it."""
    return _("yes") if clear else _("no")


def verdict_cells(rows: pd.DataFrame, withheld_rows: int = 0) -> list:
    """Returns a table's column of verdicts: yes or no for each tested comparison (rows with a
    p-value and a clear column), blank for an untested one, missing for withheld rows after them."""
    return [yes_no(c) if p == p else "" for c, p in zip(rows["clear"], rows["p"], strict=True)] \
        + [None] * withheld_rows


def _interval(low: float, high: float) -> str:
    return _("95% CI {low} to {high}").format(low=signed_number(low), high=signed_number(high))


def signed_number(value: float) -> str:
    """Returns a number with a true minus sign where negative, and no plus sign."""
    return ("−" if value < 0 else "") + number(abs(value))


def site_key_findings(dataset: Dataset, site: str, min_n: int) -> tuple[str, list[str]]:
    """Returns a site's headline and its key findings (escaped HTML), each with its numbers.

    Where the comparisons can be tested (n known), a gap is a finding only when it stays clear
    after the false discovery rate is controlled across all the comparisons of the run's reports
    (analysis.verdicts); the others are left to the charts, with their intervals.
    """
    name = dataset.codebook.site_name(site)
    gaps = analysis.gaps_for_site(dataset, site)
    items = []
    head = _("{site}: the data hold no figures by site for {site}.").format(site=name)
    if not gaps.empty and gaps["p"].notna().any():
        found = _clear_rows(dataset, gaps, "site")
        if found.empty:
            count = int(gaps["p"].notna().sum())
            head = n_("At {site}, people answered much like {reference}: its {count} figure does not "
                      "differ clearly.",
                      "At {site}, people answered much like {reference}: none of its {count} figures "
                      "differs clearly.", count).format(
                site=name, reference=reference_words(dataset), count=number(count, 0))
        else:
            head = _gap_headline(dataset, name, found.iloc[0])
        for row in found.head(3).to_dict("records"):
            items.append(_gap_item(dataset, name, row, clear=True))
    elif not gaps.empty:  # gaps without a test: no gap is named in the headline
        head = words.site_title(name, reference_words(dataset), len(gaps), False,
                                int((gaps["gap"] > 0).sum()), 0) + "."
        for row in gaps.head(2).to_dict("records"):
            items.append(_gap_item(dataset, name, row))
        if dataset.codebook.dataset.reference == "published mean":
            items.append(esc(_("These gaps are not tested for chance: {reference} includes {site}, and the "
                               "publication gives no site counts.").format(
                reference=reference_words(dataset), site=name)))
    if not gaps.empty:
        n = gaps["n"].min()
        if pd.notna(n) and n < min_n:
            text = (_("{site}'s percentages rest on about {n} respondents (inferred from their rounding); "
                      "one person moves a figure by {points} points.") if bool(gaps["inferred"].any())
                    else _("{site}'s percentages rest on about {n} respondents; one person moves a "
                           "figure by {points} points."))
            items.append("<strong>" + esc(_("Read with care")) + "</strong>: "
                         + esc(text.format(site=name, n=int(n), points=number(100 / n, 0))))
    items.append(_contrast_finding(dataset, site))
    items.append(_change_finding(dataset, site))
    items += _breakdown_findings(dataset, site)
    hidden = withheld(dataset, site=site)
    if len(hidden):
        if gaps.empty:
            head = _("{site}: too few people answered for its figures to be shown safely, so each one "
                     "is withheld.").format(site=name)
        items.append("<strong>" + esc(_("Withheld")) + "</strong>: " + esc(n_(
            "{count} of {site}'s figures is shown as {mark} to protect the people behind small numbers "
            "(groups of fewer than {base}); each chart says which.",
            "{count} of {site}'s figures are shown as {mark} to protect the people behind small numbers "
            "(groups of fewer than {base}); each chart says which.", len(hidden)).format(
            count=len(hidden), site=name, mark=WITHHELD,
            base=dataset.codebook.dataset.disclosure.minimum_base)))
    return head, [i for i in items if i]


def _gap_headline(dataset: Dataset, name: str, top) -> str:
    """Returns "<site> is N points above/below the reference on <figure> (x% vs y%)."."""
    words = (_("{site} is {points} points above {reference} on {figure} ({percent} vs {reference_percent}).")
             if top["gap"] > 0 else
             _("{site} is {points} points below {reference} on {figure} ({percent} vs {reference_percent})."))
    return words.format(site=name, points=number(abs(top["gap"])), reference=reference_words(dataset),
                        figure=share_label(dataset, top["item"], top["answer"]),
                        percent=percent(top["percent"]),
                        reference_percent=percent(top["reference"]))


def _gap_item(dataset: Dataset, name: str, row: dict, clear: bool = False) -> str:
    """Returns a key finding on one of a site's gaps (escaped HTML): its share, the reference and,
    for a gap that stays clear across the run's comparisons, that it is clear."""
    label = share_label(dataset, row["item"], row["answer"])
    about = dataset.codebook.dataset
    if clear:
        words = (_("{percent} {of_whom} {measure}, {points} points above {reference} ({reference_percent}); "
                   "a clear gap.") if row["gap"] > 0 else
                 _("{percent} {of_whom} {measure}, {points} points below {reference} ({reference_percent}); "
                   "a clear gap."))
    else:
        words = (_("{percent} {of_whom} {measure}, {points} points above {reference} of {reference_percent}.")
                 if row["gap"] > 0 else
                 _("{percent} {of_whom} {measure}, {points} points below {reference} of "
                   "{reference_percent}."))
    text = words.format(percent=percent(row["percent"]),
                        of_whom=gendered(about.respondents_gender, "of {site}'s {respondents}").format(
                            site=name, respondents=about.respondents_word),
                        measure=measure_words(dataset, row["item"], row["answer"]),
                        points=number(abs(row["gap"])), reference=reference_words(dataset),
                        reference_percent=percent(row["reference"]))
    if not clear and row.get("imprecise"):  # a caption would flag it: the finding does too
        text += " " + _("{mark} Too imprecise to read much into.").format(mark=PRECISION)
    return f"<strong>{esc(capital(label))}</strong>: {esc(text)}"


def _verdict(clear: bool, gap: float, low: float, high: float, change: bool = False) -> str:
    """Returns whether a tested gap (or change) is clear, in words (its interval is in the chart's
    table)."""
    if math.isnan(low):
        return ""
    values = {"points": points(gap)}
    if change:
        return ("; " + (_("a clear change of {points} points") if clear else
                        _("the change of {points} points is not clear: with this many comparisons, "
                          "chance alone could give one this size")).format(**values))
    return ("; " + (_("a clear gap of {points} points") if clear else
                    _("the gap of {points} points is not clear: with this many comparisons, chance "
                      "alone could give one this size")).format(**values))


GENDERED = (  # the phrases that agree with the gender of a group's label or of the respondents' word
    NP_("masculine", "of {group}"), NP_("feminine", "of {group}"),
    NP_("masculine", "among {group}"), NP_("feminine", "among {group}"),
    NP_("masculine", "of {respondents}"), NP_("feminine", "of {respondents}"),
    NP_("masculine", "of {site}'s {respondents}"), NP_("feminine", "of {site}'s {respondents}"),
    NP_("masculine", "What {respondents} chose"), NP_("feminine", "What {respondents} chose"),
)


def all_respondents() -> str:
    return _("all respondents")


def among(dataset: Dataset, group: str) -> str:
    """Returns "among <group>" ("entre las familias"), or among all respondents."""
    if not group:
        return _("among all respondents")
    found = {g.id: g for g in dataset.codebook.groups}.get(group)
    return gendered(found.gender if found else "", "among {group}").format(
        group=dataset.codebook.group_label(group))


def of_group(dataset: Dataset, group: str) -> str:
    """Returns "of <group>", as the language joins it to a share ("de las familias")."""
    found = {g.id: g for g in dataset.codebook.groups}.get(group)
    label = dataset.codebook.group_label(group)
    return gendered(found.gender if found else "", "of {group}").format(group=label)


def of_respondents(dataset: Dataset) -> str:
    """Returns "of <the respondents' word>", as the language joins it to a share."""
    about = dataset.codebook.dataset
    return gendered(about.respondents_gender, "of {respondents}").format(respondents=about.respondents_word)


def _largest(dataset: Dataset, rows: pd.DataFrame, kind: str, site: str, gap: str = "gap") -> tuple:
    """Returns the largest clear comparison of the rows (or, where none is clear, the largest
    gap) and whether it is clear."""
    found = _clear_rows(dataset, rows, kind, site, gap)
    if len(found):
        return found.iloc[0], True
    return rows.loc[rows[gap].abs().idxmax()], False


def _contrast_finding(dataset: Dataset, site: str) -> str:
    rows, where = contrast_tables(dataset, site)
    if len(rows) == 0:
        return ""
    network_wide = analysis.shown_contrasts(dataset, site)[1]
    widest, is_clear = _largest(dataset, rows, "contrast", "" if network_wide else site)
    label = share_label(dataset, widest["item"], widest["answer"])
    text = _("{figure}: {first} {of_first} and {second} {of_second} {measure} ({where})").format(
        figure=label, first=percent(widest["first %"]), of_first=of_group(dataset, widest["first"]),
        second=percent(widest["second %"]), of_second=of_group(dataset, widest["second"]),
        measure=measure_words(dataset, widest["item"], widest["answer"]), where=where)
    return esc(text + _verdict(is_clear, widest["gap"], widest["low"], widest["high"]) + ".")


def _change_finding(dataset: Dataset, site: str) -> str:
    rows = analysis.wave_changes(dataset, site)
    if rows.empty:
        return ""
    widest, is_clear = _largest(dataset, rows, "change", site, "change")
    codebook = dataset.codebook
    text = _("{figure}: from {before} in {first_wave} to {after} in {last_wave}").format(
        figure=share_label(dataset, widest["item"], widest["answer"]), before=percent(widest["before %"]),
        first_wave=codebook.wave_label(widest["before"]), after=percent(widest["after %"]),
        last_wave=codebook.wave_label(widest["after"]))
    return esc(text + _verdict(is_clear, widest["change"], widest["low"], widest["high"], change=True) + ".")


def _breakdown_findings(dataset: Dataset, site: str, most: int = 2) -> list[str]:
    """Returns the largest clear gaps between a group of a breakdown and the other respondents (at
    most `most`), as key findings (escaped HTML); none where no breakdown gap is clear."""
    frames = [analysis.breakdown(dataset, c.id, site) for c in dataset.codebook.characteristics]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if rows.empty:
        return []
    found = _clear_rows(dataset, rows, "breakdown")
    codebook = dataset.codebook
    return [esc(words.breakdown_finding(
        share_label(dataset, r["item"], r["answer"]), codebook.characteristic(r["breakdown"]).label,
        {v.id: v.label for v in codebook.characteristic(r["breakdown"]).values}[r["value"]],
        percent(r["percent"]), percent(r["others %"]), points(r["gap"])))
        for r in found.head(most).to_dict("records")]


def network_key_findings(dataset: Dataset) -> tuple[str, list[str]]:
    """Returns the network overview's headline and key findings (escaped HTML)."""
    about = dataset.codebook.dataset
    data = analysis.site_shares(dataset)
    items = []
    head = _("{partnership}: what {respondents} report.").format(partnership=about.partnership,
                                                                 respondents=about.respondents_word)
    if not data.empty:
        reference = data.drop_duplicates(["item", "answer"]).dropna(subset=["network"])
        whose = all_respondents() if about.reference == "network" else reference_words(dataset)
        if len(reference) > 1:
            top = reference.loc[reference["network"].idxmax()]
            bottom = reference.loc[reference["network"].idxmin()]
            across = _("Across all sites, {top} {measure} on {top_figure}, but only {bottom} on "
                       "{bottom_figure} ({whose}).").format(
                top=percent(top["network"]), measure=measure_words(dataset, top["item"], top["answer"]),
                top_figure=share_label(dataset, top["item"], top["answer"]),
                bottom=percent(bottom["network"]),
                bottom_figure=share_label(dataset, bottom["item"], bottom["answer"]), whose=whose)
            if data["p"].notna().any():
                items.append(esc(across))
            else:  # gaps without a test: the network's own figures lead, no gap is named
                head = across
    else:
        chosen = _choose_any_finding(dataset)
        if chosen:
            head, items = chosen, []
    tested = data.dropna(subset=["p"])
    if len(tested):
        found = _clear_rows(dataset, tested, "site")
        names = dataset.codebook.site_name
        head = (_gap_headline(dataset, names(found["site"].iloc[0]), found.iloc[0]) if len(found) else
                _("No site differs clearly from the rest of the network on any figure."))
        if len(found):  # where none is clear, the headline says so
            text = n_("{count} of {tested} site figure differs clearly from the rest of the network, more "
                      "than chance would explain",
                      "{count} of {tested} site figures differ clearly from the rest of the network, more "
                      "than chance would explain",
                      len(tested)).format(count=len(found), tested=len(tested))
            items.append(esc(text + ": " + "; ".join(
                _("{site}, {figure} {gap} points").format(
                    site=names(r["site"]), figure=share_label(dataset, r["item"], r["answer"]),
                    gap=points(r["gap"]))
                for r in found.head(3).to_dict("records")) + "."))
    items.append(_contrast_finding(dataset, ""))
    items.append(_change_finding(dataset, ""))
    items += _breakdown_findings(dataset, "")
    return head, [i for i in items if i]


def _choose_any_finding(dataset: Dataset) -> str:
    """Returns the network's first choose-any item in one sentence, options by share."""
    data = analysis.shares(dataset)
    for item in dataset.codebook.items:
        rows = data[(data["item"] == item.id) & (data["site"] == "") & (data["group"] == "")
                    & (data["breakdown"] == "")]
        if item.kind == "choose-any" and len(rows):
            rows = rows.sort_values("percent", ascending=False)
            return (f"{item.label}: " + ", ".join(
                f"{dataset.codebook.answer_label(item.id, a)} {percent(p, 0)}"
                for a, p in zip(rows["answer"], rows["percent"], strict=True)) + ".")
    return ""


# --- data notes, quality, methods ----------------------------------------------------------------


def finding_items(dataset: Dataset, findings: list[Finding], gather: bool = True) -> list:
    """Returns each finding as escaped HTML: what, where, as published and what others imply.
    The published means, which fail together, are gathered into one item."""
    averages = [f for f in findings if gather and f.check == "published average"]
    others = [f for f in findings if f not in averages]
    items = [_averages_item(dataset, averages)] if averages else []
    for finding in others:
        words = describe(finding, dataset.codebook)
        source = (_("(source: {file}, row {row}; published {published}; the other figures give {implied})")
                  if finding.row is not None else
                  _("(source: {file}; published {published}; the other figures give {implied})")).format(
            file=finding.file, row=finding.row, published=words.published, implied=words.implied)
        items.append(f'<span class="severity {esc(finding.severity)}">'
                     f'{esc(severity(finding.severity))}</span> '
                     f'{esc(words.explanation)} <span class="source">{esc(source)}</span>')
    return items


def _averages_item(dataset: Dataset, findings: list[Finding]) -> Block:
    averages = pd.DataFrame({
        _("figure"): [share_label(dataset, f.item, f.answer) for f in findings],
        _("published %"): [f.published for f in findings],
        _("plain average of the sites %"): [f.detail("unweighted") for f in findings]})
    sites = findings[0].detail("sites")
    text = n_("The published mean over the sites is not the plain average of the {sites} sites, nor a "
              "weighted "
              "average with respondent numbers that fit the sites' figures.",
              "None of the {count} published means over the sites is the plain average of the {sites} sites, "
              "nor a weighted average with respondent numbers that fit the sites' figures.",
              len(findings)).format(count=len(findings), sites=sites)
    source = _("(source: figures.csv, rows {rows}; the data-quality report gives the weighted averages "
               "tried)").format(rows=", ".join(str(f.row) for f in findings))
    return Block(
        f'<span class="severity unexplained">{esc(severity("unexplained"))}</span> {esc(text)} '
        + esc(_("The publication may count respondents not assigned to a site; it does not say.")) + " ",
        Table(averages, _("Published means and plain averages of the sites"),
              digits=max(1, *(f.decimals for f in findings))),
        f'<span class="source">{esc(source)}</span>')


def data_notes(dataset: Dataset, findings: list[Finding], site: str | None = None,
               gather: bool = True) -> HTML | Block:
    """Returns the findings that concern a report: the site's own first, then the network-wide
    figures it shows. Without a site, every finding."""
    if not dataset.codebook.dataset.published and not findings:
        return HTML("<p>" + esc(_("The figures are counted from the survey exports, so their parts "
                                  "always add "
                                  "up to their totals; there is no published figure to check.")) + "</p>")
    if site is None:
        own, shared = findings, []
    else:
        own, shared = findings_for_site(findings, site, contrast_tables_used(dataset, site))
    parts = []
    if own:
        parts.append("<h3>" + esc(_("About this site's figures")) + "</h3>" if site else "")
        parts.append(bullets(finding_items(dataset, own, gather), "notes"))
    if shared:
        parts.append("<h3>" + esc(_("About the network-wide figures this report uses")) + "</h3>")
        parts.append(bullets(finding_items(dataset, shared, gather), "notes"))
    if not parts:
        parts.append("<p>" + esc(_("The published figures this report uses add up.")) + "</p>")
    return Block(*parts)


def quality_headline(findings: list[Finding]) -> str:
    """Returns the data-quality report's headline: how many findings of each kind."""
    if not findings:
        return _("Every published figure we check adds up.")
    counts = pd.Series([f.severity for f in findings]).value_counts()
    phrases = {"inconsistent": lambda n: n_("{count} does not add up", "{count} do not add up", n),
               "unexplained": lambda n: n_("{count} cannot be reproduced", "{count} cannot be reproduced", n)}
    kinds = ", ".join(phrases[s](n).format(count=n) if s in phrases else f"{n} {s}"
                      for s, n in counts.items())
    return n_("{count} place where the published figures disagree: {kinds}.",
              "{count} places where the published figures disagree: {kinds}.", len(findings)).format(
        count=len(findings), kinds=kinds)


def findings_summary(findings: list[Finding]) -> HTML:
    if not findings:
        return HTML("")
    frame = pd.DataFrame([{_("check"): _(CHECK_NAMES.get(f.check, f.check)),
                           _("severity"): severity(f.severity)} for f in findings])
    counts = frame.groupby([_("check"), _("severity")], sort=False).size().rename(_("findings")).reset_index()
    return table(counts, _("Findings by check"), digits=0)


def checks_list() -> HTML:
    return bullets([f"<strong>{esc(capital(_(CHECK_NAMES[name])))}</strong>: {esc(_(text))}"
                    for name, text in CHECK_EXPLANATIONS.items()], "notes")


def respondents_table(dataset: Dataset) -> HTML:
    """Returns the inferred respondents of each group of figures, or the counted bases."""
    from helpers.denominators import respondents

    inferred = respondents(dataset)
    codebook = dataset.codebook
    if inferred.empty:
        counts = analysis.respondent_counts(dataset)
        if counts.empty:
            return paragraph(_("The data give no percentages whose base must be inferred."))
        shown = counts.assign(wave=counts["wave"].map(codebook.wave_label),
                              group=counts["group"].map(lambda g: codebook.group_label(g) if g else _("all")))
        shown = shown.rename(columns={"wave": _("wave"), "group": _("group"),
                                      "respondents": _("respondents")})
        return table(shown, _("Respondents counted in the exports (exact)"), digits=0)
    shown = pd.DataFrame({
        _("table"): inferred["table"].map(codebook.table_title),
        _("respondents"): [", ".join(p for p in (codebook.site_name(s) if s else "", codebook.group_label(g)
                                                 if g else "") if p) or _("all")
                           for s, g in zip(inferred["site"], inferred["group"], strict=True)],
        _("n (inferred)"): inferred["n"],
        _("other numbers that fit"): inferred["candidates"].map(lambda c: ", ".join(map(str, c[1:4]))),
        _("published head-count"): inferred["bound"].astype(object),
        _("result"): inferred["status"].map(lambda status: _(INFERENCE_RESULTS.get(status, status))),
    })
    return table(shown, _("Respondents inferred from rounding"), digits=0)


INFERENCE_RESULTS = {  # helpers.denominators' statuses, as the data-quality report words them
    "fits": N_("fits"), "one figure does not fit": N_("one figure does not fit"),
    "more than published": N_("more than published"), "no fit": N_("no fit"),
    "whole percentages: not inferred": N_("whole percentages: not inferred"),
}


def missing_note(dataset: Dataset, site: str) -> HTML:
    """Returns a note naming the sections a site's report leaves out for lack of data."""
    missing = []
    counted = not dataset.headcounts.empty and (dataset.headcounts["site"] == site).any()
    figures = analysis.at_site(dataset, "all figures", site)
    exported = (figures["file"] != "figures.csv").any()
    if not counted and not exported:  # (counts withheld to protect small groups are shown as such)
        missing.append(_("who took part (no counts for this site)"))
    if figures.empty:
        missing.append(_("the comparison with other sites (no figures for this site)"))
    if not missing:
        return HTML("")
    return HTML('<p class="note">' + esc(_("This report leaves out: {sections}. The data hold no figures "
                                           "for them.").format(sections="; ".join(missing))) + "</p>")


def lead(title: str, text: str) -> str:
    """Returns a paragraph's text (HTML) after its title in bold."""
    return f"<strong>{esc(title)}</strong> {text}"


def disclosure_words(dataset: Dataset) -> str:
    """Returns what disclosure control did and what its audit found, as one paragraph (HTML)."""
    audit = dataset.audit
    rules = dataset.codebook.dataset.disclosure
    coding = (_("Where nearly everyone or nearly no one in a group of fewer than {size} gave an answer, that "
                "group's figures are withheld and the share is shown only as a bound chosen from the "
                "group's size, such as “> 85%” or “< 15%”, so that the bound itself gives no count "
                "away.").format(size=SMALL_GROUP)
              if rules.top_bottom_coding else _("Top/bottom coding is off."))
    verdict = (lead(_("Audit: passed."), esc(_(
        "From everything this run publishes (every site report and the network report together) and the "
        "relations between the figures, no withheld figure can be worked out."))) if audit.safe else
        lead(_("Audit: NOT SAFE."), esc(n_(
            "{count} withheld figure can be worked out from the published ones (complementary suppression "
            "is off); this report was published only because the run was told to.",
            "{count} withheld figures can be worked out from the published ones (complementary suppression "
            "is off); this report was published only because the run was told to.",
            len(audit.recoverable)).format(count=len(audit.recoverable)))))
    text = [_("A figure resting on fewer than {base} respondents is withheld and shown as {mark}, never as 0 "
              "or a blank.").format(base=audit.min_base, mark=WITHHELD), coding]
    if rules.complementary_suppression:
        text.append(_("Other figures are withheld too wherever a withheld one could otherwise be worked out "
                      "from what is shown: totals, all-groups figures, the network (complementary "
                      "suppression)."))
    text.append(_("Of {cells} groups of figures, {withheld} are withheld ({primary} for their size, "
                  "{coded} by "
                  "top/bottom coding, {complementary} to protect others).").format(
        cells=number(audit.cells, 0), withheld=number(audit.withheld, 0), primary=number(audit.primary, 0),
        coded=number(audit.coded, 0), complementary=number(audit.complementary, 0)))
    return (lead(_("Protecting small numbers."), esc(" ".join(text))) + " " + verdict + " " + esc(_(
        "The audit takes an outsider's part: for each withheld count and base, it looks for other whole "
        "numbers that fit everything the run publishes (parts and their totals, sites and the network, "
        "those who did not state a characteristic, the reasons printed, and that counts are whole "
        "numbers, none below 0 and none above its group). A withheld figure passes only if it is shown "
        "to take values at least {interval} apart, and no one can tell that none or all of a group gave "
        "an answer; where that cannot be shown, more figures are withheld.").format(
            interval=number(rules.protection_interval, 0))))


def disclosure_section(dataset: Dataset) -> Section:
    """Returns, for counted data, what disclosure control withheld and the audit's verdict."""
    if dataset.audit is None:
        return Section(_("Protecting small numbers"))
    return Section(_("Protecting small numbers"), "", [HTML(f"<p>{disclosure_words(dataset)}</p>")])


def methods(dataset: Dataset, min_n: int) -> HTML:
    """Returns the methods and sources, as they apply to this dataset."""
    from helpers.denominators import respondents

    about = dataset.codebook.dataset
    counted = not analysis.respondent_counts(dataset).empty
    guessed = respondents(dataset)
    paragraphs = [lead(_("Source."), esc(about.source))]
    if about.translation_note:
        paragraphs.append(lead(_("Translation."), esc(about.translation_note)))
    if about.published:
        paragraphs.append(lead(_("As published."), esc(_(
            "Every figure is transcribed exactly as published, slips included; the checks say where figures "
            "do not add up, and no figure is corrected."))))
    if guessed["n"].notna().any():
        paragraphs.append(lead(_("How many people a figure rests on."), esc(_(
            "Where the publication gives percentages without their base, we infer it from the rounding: the "
            "smallest whole number of respondents for which every percentage of a group is a whole number of "
            "people (the GRIM idea). These numbers are inferences, marked “inferred” wherever they "
            "appear."))))
    elif len(guessed):
        paragraphs.append(lead(_("How many people a figure rests on."), esc(_(
            "The publication gives no number of respondents, and its whole percentages fit almost any "
            "number, "
            "so none is inferred and no interval is drawn."))))
    if counted:
        paragraphs.append(lead(_("Counting."), esc(_(
            "Figures are counted from the survey exports, one row per respondent. The base of a "
            "percentage is "
            "those who gave an answer on the scale: skipped questions leave the base, and answers such as "
            "“don't know” are shown apart and leave the base of the others. A blank choose-any answer counts "
            "as skipped. Where the export has weights, percentages are weighted and intervals use Kish's "
            "effective sample size."))))
    left = sum(count for reasons in dataset.left_out.values() for count in reasons.values())
    if left:  # the survey tool's own marks (Qualtrics' Finished and Status)
        paragraphs.append(lead(_("Responses left out."), esc(n_(
            "{count} response that the survey tool marks as unfinished, a preview, a test or spam is left "
            "out.", "{count} responses that the survey tool marks as unfinished, a preview, a test or spam "
            "are left out.", left).format(count=number(left, 0)))))
    paragraphs.append(lead(_("Uncertainty."), esc(_(
        "Intervals are 95% Wilson score intervals for one percentage and Newcombe's hybrid score intervals "
        "for a difference between two groups or two waves (Brown, Cai & DasGupta 2001; Newcombe 1998), "
        "computed with statsmodels. Waves are treated as independent samples."))))
    if dataset.site_ids:
        compared = (_("A site is compared with {reference} as the publication gives it; the publication "
                      "gives "
                      "no site counts from which to form the rest of the network, so the site is part of its "
                      "own reference.") if about.reference == "published mean" else
                    _("A site is compared with {reference} (all respondents but the site's, so that no "
                      "one is "
                      "counted on both sides), with Newcombe intervals.")).format(
            reference=reference_words(dataset))
        paragraphs.append(lead(_("Comparisons."), esc(compared + " " + _(
            "The range ratio is the highest site over the lowest; the index of disparity is the mean "
            "absolute "
            "gap as a percentage of the reference (NCI HD*Calc)."))))
    count = len(analysis.verdicts(dataset))
    paragraphs.append(lead(_("Many comparisons."), esc(n_(
        "The reports compare many figures (sites, groups, waves, and each group of a breakdown against the "
        "other respondents who stated a value), and some gaps look large by chance alone. A gap is called "
        "clear only when it survives Benjamini–Hochberg control of the false discovery rate at 5% "
        "across all the comparisons that the reports of this run publish, as one "
        "family of {count} tested comparison (statsmodels' multipletests, with score-test p-values), so a "
        "comparison has the same verdict in every report; the others are shown with their intervals, not "
        "as findings.",
        "The reports compare many figures (sites, groups, waves, and each group of a breakdown against the "
        "other respondents who stated a value), and some gaps look large by chance alone. A gap is called "
        "clear only when it survives Benjamini–Hochberg control of the false discovery rate at 5% "
        "across all the comparisons that the reports of this run publish, as one "
        "family of {count} tested comparisons (statsmodels' multipletests, with score-test p-values), so a "
        "comparison has the same verdict in every report; the others are shown with their intervals, not "
        "as findings.", count).format(count=number(count, 0))
        + (" " + _("Gaps to the published mean have no test, since the mean includes the site: they are "
                   "outside that family and never called clear.")
           if about.reference == "published mean" else ""))))
    if dataset.audit is not None:
        paragraphs.append(disclosure_words(dataset))
    paragraphs.append(lead(_("Small numbers."), esc(_(
        "A figure resting on fewer than {min_n} respondents is marked {flag}: one person more or less "
        "moves it "
        "by many points.").format(min_n=min_n, flag=FLAG))))
    paragraphs.append(lead(_("Precision."), esc(_(
        "Apart from privacy, a figure is marked {mark} when it is too imprecise to read much into, after the "
        "NCHS data presentation standards for proportions (Parker et al. 2017): an effective sample size "
        "under 30, a 95% interval 30 points wide or more, or an interval wider than 130% of the figure. The "
        "mark informs; it hides nothing.").format(mark=PRECISION))))
    return HTML("".join(f"<p>{p}</p>" for p in paragraphs))
