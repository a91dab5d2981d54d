"""The HTML building blocks of a page: a chart with its caption and table, a table (shown, and a
sheet of the report's workbook), a section, the fixed headings and the title. Every label that
comes from data is escaped, so a label containing markup shows as text."""

import functools
import html
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd
from IPython.display import HTML, display

from helpers import svg
from helpers.context import of_run
from helpers.language import N_, Language, _, speaker
from helpers.load import Dataset
from helpers.marks import WITHHELD
from helpers.report.facts import withheld
from helpers.words import name_list, share_labels

if TYPE_CHECKING:  # a chart's figure, drawn by helpers.charts: this module writes it, never draws
    from matplotlib.figure import Figure

HEADLINE_KEY = "report-headline"


TABLES_KEY = "report-tables"  # output metadata: the tables a cell shows, as sheets


LONG_TABLE = 30  # rows: on paper, the table behind a chart longer than this is in the appendix


def esc(value) -> str:
    """Returns text safe to put inside HTML and double-quoted attributes (an apostrophe stays
    one, as in every sentence the reports write)."""
    return html.escape(str(value), quote=False).replace('"', "&quot;")


def anchor(text: str) -> str:
    """Returns an id for HTML: lower-case letters and digits joined by hyphens, accents dropped."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


@dataclass
class Chart:
    """A figure with what a reader needs beside it: a title stating the finding, short alt
    text, a description with the numbers, and the table behind it."""

    name: str
    title: str
    alt: str
    description: str
    table: pd.DataFrame
    figure: "Figure" = field(repr=False)
    flagged: bool = False
    language: Language = field(default_factory=speaker, repr=False)  # the run's, where it was made

    def svg(self) -> bytes:
        return svg.svg(self.figure)

    def png(self) -> bytes:
        return svg.png(self.figure)

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
        behind = DataTable(self.table, name=f"chart-{self.name}", title=self.title.rstrip("."),
                           language=self.language)
        sheet, long = behind.sheet(), len(self.table) > LONG_TABLE
        if long:  # printed in the appendix, under the chart's title (helpers.export.appendix)
            sheet["appendix"] = behind.html(css="appendix-table")
        _ = self.language._
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
class DataTable:
    """A table of figures: shown on the page, and a sheet of the report's workbook and a CSV
    file (helpers.spreadsheet), with the numbers as the page shows them."""

    frame: pd.DataFrame
    caption: str = ""
    digits: int = 1
    name: str = ""  # the sheet's name; the caption's anchor when empty
    title: str = ""  # what the workbook's contents say the sheet is; the caption when empty
    language: Language = field(default_factory=speaker, repr=False)  # the run's, where it was made

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
                    return self.language._("not defined")
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


class Fragment:
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

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        """Returns the frame behind each chart and table of the section, by its sheet's name: what
        an analyst looks into after a notebook's section cell (``_.frames``)."""
        tables = [part for part in self.parts if isinstance(part, DataTable)]
        return ({part.name: part.table for part in self.parts if isinstance(part, Chart)}
                | {table.sheet()["name"]: table.frame for table in tables})

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


class Exhibit:
    """A section's exhibit: built from a run (``run``), the tidy frame it shows (``frame``) and the
    facts its sentences need, numbers and keys; no words, no drawing. ``shown`` is the section as
    the page shows it (made once, in the run's language, by the exhibit's ``present``), and a
    notebook displays an exhibit so."""

    @functools.cached_property
    def shown(self) -> Section:
        with self.run.speaking():
            return self.present()

    def _repr_html_(self) -> str | tuple[str, dict]:
        return self.shown._repr_html_()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {len(self.frame)} rows in .frame>"

    @staticmethod
    def stacked(frames: list[pd.DataFrame], first: str) -> pd.DataFrame:
        """Returns the frames one under the other; none, an empty frame with the first column."""
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[first])


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


@of_run()
def heading(key: str) -> HTML:
    """Returns one of the notebooks' fixed headings (HEADINGS) with its introduction, in the
    report's language; its anchor is the key, the same in every language."""
    text, intro = HEADINGS[key]
    key = {"all-data-notes": "data-notes"}.get(key, key)
    return HTML(f'<h2 id="{key}">{esc(_(text))}</h2>' + (f"<p>{esc(_(intro))}</p>" if intro else ""))


def paragraph(text: str, css: str = "") -> HTML:
    return HTML(f'<p{f" class={css!r}" if css else ""}>{esc(text)}</p>')


def bullets(items: list, css: str = "findings") -> Fragment:
    """Returns already-escaped HTML items (or blocks holding tables) as a list."""
    return Fragment(f'<ul class="{css}">', *(Fragment("<li>", item, "</li>") for item in items), "</ul>")


def table(frame: pd.DataFrame, caption: str = "", digits: int = 1) -> DataTable:
    return DataTable(frame, caption, digits)


def headline(text: str) -> None:
    """Displays the report's one-line headline and marks it for the index page."""
    display(HTML(f'<p class="headline">{esc(text)}</p>'), metadata={HEADLINE_KEY: text})


@of_run("dataset", "site")
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


def all_withheld(dataset: Dataset, name: str, what: str, hidden: pd.DataFrame,
                  site: str | None) -> HTML:
    """Returns, where every figure of an exhibit is withheld, a paragraph saying so."""
    where = dataset.codebook.site_name(site) if site else _("all sites")
    labels = share_labels(dataset, hidden)
    text = _("{what} ({where}): every figure is withheld ({mark}) to protect the people behind small "
             "numbers: {figures}.").format(what=what, where=where, mark=WITHHELD,
                                           figures=name_list(list(dict.fromkeys(labels))))
    return HTML(f'<p class="note" id="{esc(name)}">{esc(text)}</p>')


def withheld_section(dataset: Dataset, heading: str, site: str | None, **where) -> Section:
    """Returns a section that says its figures are all withheld, or an empty one if none are."""
    hidden = withheld(dataset, site=site or "", breakdown="", **where)
    return Section(heading, "", [all_withheld(dataset, anchor(heading), _("Figures"), hidden, site)]
                   if len(hidden) else [])
