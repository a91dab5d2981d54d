"""Executed notebooks to staff HTML with nbconvert and the package's `staff` template."""

import functools
import html
import re

import nbformat
from nbconvert import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

from helpers import language as languages
from helpers import spreadsheet
from helpers.language import _, n_
from helpers.paths import TEMPLATES
from helpers.report import HEADLINE_KEY, TABLES_KEY

HEADING = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)
TAGS = re.compile(r"<[^>]+>")
SVG_STYLE = re.compile(r'<style type="text/css">([^<]*)</style>')
ANCHOR_LINK = re.compile(r'<a class="anchor-link" href="#[^"]*"\s*(?:/>|></a>)')


class StaffExporter(HTMLExporter):
    """nbconvert's HTML exporter without its last step, which parses the whole page again with
    BeautifulSoup only to give <img> tags without alt text a placeholder and JupyterLab's cell
    classes a tabindex. The staff template has neither (charts are inline SVG with their own
    text alternative), and the pass cost about a tenth of each report's time."""

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = self._init_resources(resources)
        self.register_filter("highlight_code", self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer="ipython3", parent=self)))
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@functools.cache
def exporter() -> HTMLExporter:
    """Returns an HTML exporter that shows outputs and markdown only, through the staff template."""
    made = StaffExporter(
        template_name="staff",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )
    made.environment.globals["_"] = _  # the template's words, in the report's language
    return made


def headline_of(notebook: nbformat.NotebookNode) -> str:
    """Returns the headline the notebook displayed for the index page, or ""."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("metadata", {}).get(HEADLINE_KEY)
            if text:
                return str(text)
    return ""


def tables_of(notebook: nbformat.NotebookNode) -> list[dict]:
    """Returns the tables the notebook showed, as sheets (helpers.report.DataTable), in page order.
    IPython files what a _repr_html_ returns beside its HTML under the HTML's MIME type."""
    return [sheet for cell in notebook.cells for output in cell.get("outputs", [])
            for sheet in output.get("metadata", {}).get("text/html", {}).get(TABLES_KEY, [])]


def provenance_rows(facts: dict) -> list[tuple[str, str]]:
    """Returns the report's provenance, as the footer and the workbook's first sheet give it."""
    rows = [(_("Source"), facts["source"])]
    if facts.get("synthetic"):
        rows.append((_("Synthetic data"), _("Made-up respondents, for demonstration and testing.")))
    if facts.get("translation_note"):
        rows.append((_("Translation"), facts["translation_note"]))
    return [*rows, (_("Data fingerprint"), _("{fingerprint} (SHA-256 of the data files)").format(
                fingerprint=facts["data"])),
            (_("Code version"), _("git commit {commit}").format(commit=facts["commit"])),
            (_("Generated"), facts["generated"])]


def about_rows(report, facts: dict) -> list[tuple[str, str]]:
    """Returns what the workbook's first sheet says of the report: what it is, its provenance and
    how its numbers are given."""
    return [(_("Report"), f"{facts['partnership']}: {report.title}"), *provenance_rows(facts),
            (_("Numbers"), _("As the report shows them: rounded as on the page; percentages in "
                             "percent, gaps in percentage points."))]


def downloads(report, sheets: list[dict]) -> str:
    """Returns the section linking the report's workbook and CSV files (helpers.spreadsheet)."""
    if not sheets:
        return ""
    (workbook, _title), *files = spreadsheet.links(report.name, sheets)
    items = "".join(f'<li><a href="{html.escape(address)}" download>{html.escape(title)}</a></li>'
                    for address, title in files)
    link = f'<a href="{html.escape(workbook)}" download>{html.escape(workbook)}</a>'
    return (
        '<section class="downloads"><h2 id="the-numbers-in-a-spreadsheet">'
        + html.escape(_("The numbers in a spreadsheet")) + "</h2><p>"
        + html.escape(n_("Every table in this report as one Excel workbook, {workbook} ({count} table, "
                         "a sheet each; its first sheet says what the signs mean), or each table as a "
                         "CSV file:",
                         "Every table in this report as one Excel workbook, {workbook} ({count} tables, "
                         "a sheet each; its first sheet says what the signs mean), or each table as a "
                         "CSV file:", len(sheets))).format(workbook=link, count=len(sheets))
        + f"</p><ol>{items}</ol></section>"
    )


def appendix(sheets: list[dict]) -> str:
    """Returns the printed appendix of long tables: the table behind each chart that is too long to
    print beside it (helpers.report.LONG_TABLE), under the chart's title. Only paper shows it
    (report.css); on screen each table is under its chart."""
    tables = [sheet for sheet in sheets if sheet.get("appendix")]
    if not tables:
        return ""
    return ('<section class="print-appendix"><h2>' + html.escape(_("Appendix: the long tables"))
            + "</h2>" + "".join(f"<h3>{html.escape(sheet['title'])}</h3>{sheet['appendix']}"
                                for sheet in tables) + "</section>")


def footer(report, facts: dict) -> str:
    """Returns the provenance footer: parameters, data fingerprint, commit and time."""
    parameters = "".join(  # the notebook's own names and values: code, shown as such
        f"<tr><th scope='row'><code>{html.escape(str(k))}</code></th>"
        f"<td><code>{html.escape(str(v))}</code></td></tr>"
        for k, v in report.parameters.items() if k != "dataset"
    )
    return "<dl>" + "".join(
        f"<dt>{html.escape(term)}</dt><dd>{html.escape(value)}</dd>"
        for term, value in provenance_rows(facts)
    ) + "</dl>" + ("<table class='parameters'><caption>" + html.escape(_("Parameters"))
                   + f"</caption>{parameters}</table>" if parameters else "")


def table_of_contents(page: str) -> str:
    """Returns the page with its <!--TOC--> marker replaced by links to every h2."""
    links = "".join(
        f'<li><a href="#{anchor}">{TAGS.sub("", text).strip()}</a></li>'
        for anchor, text in HEADING.findall(page)
    )
    return page.replace("<!--TOC-->", f"<ol>{links}</ol>", 1)


def export_html(notebook: nbformat.NotebookNode, report, facts: dict,
                sheets: list[dict] | None = None) -> str:
    """Returns the executed notebook as one self-contained HTML page, linking its tables'
    workbook and CSV files when given their sheets."""
    title = f"{facts['partnership']}: {report.title}" + (_(" (synthetic data)") if facts.get("synthetic")
                                                           else "")
    resources = {"staff": {"title": title, "footer": footer(report, facts),
                           "downloads": downloads(report, sheets or []), "language": languages.current(),
                           "appendix": appendix(sheets or []),
                           "running_title": css_string(title),
                           "page_numbers": css_content(_("Page {page} of {pages}"),
                                                       page="counter(page)", pages="counter(pages)")}}
    page, _resources = exporter().from_notebook_node(notebook, resources=resources)
    return table_of_contents(ANCHOR_LINK.sub("", shared_chart_styles(page)))


def css_string(text: str) -> str:
    """Returns text as a quoted CSS string: backslashes, quotes, line ends and "<" escaped, so that
    no label can end the string or the page's <style>."""
    escaped = "".join(f"\\{ord(c):x} " if c in '\\"<>\n\r' else c for c in text)
    return f'"{escaped}"'


def css_content(sentence: str, **counters: str) -> str:
    """Returns a CSS content value: the sentence's words as strings, each {name} as the CSS
    counter given for it ("Page {page} of {pages}" -> "Page " counter(page) " of " counter(pages))."""
    parts = re.split(r"\{(\w+)\}", sentence)
    return " ".join(counters[part] if odd else css_string(part)
                    for odd, part in ((i % 2, p) for i, p in enumerate(parts)) if odd or part)


def shared_chart_styles(page: str) -> str:
    """Returns the page with its charts' style rules stated once, in the head: the charts' classes
    are named by their content (helpers.svg.compact_svg), so charts share most of them."""
    rules: dict[str, None] = {}
    for block in SVG_STYLE.findall(page):
        rules.update(dict.fromkeys(rule + "}" for rule in block.split("}") if rule.strip()))
    if not rules:
        return page
    page = SVG_STYLE.sub("", page).replace("<defs></defs>", "")
    return page.replace("</head>", f"<style>{''.join(rules)}</style>\n</head>", 1)
