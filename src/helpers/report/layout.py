"""The layout of each report as data: its parts in page order, one notebook cell each.

The notebooks are written from this list (a test checks that each notebook's cells are its parts,
in order), the gallery draws the charts of its sections, and the renderer's warm-up draws a
site's charts ahead through the gallery. A part names the function of helpers.report that its
cell calls and what the cell gives it: the notebook's run (``run``, a helpers.context.Run: the
dataset, site, language and options) and literals. What a run of reports shares is computed
here too, once, before the renderer forks its workers (:func:`prepare`), and the files a report
writes beside its page (:func:`files_beside`), so that the renderer knows notebooks and parameters,
not survey questions.
"""

import ast
from dataclasses import dataclass

from helpers.load import Dataset


@dataclass(frozen=True)
class Part:
    """One cell of a report: the helpers.report function it calls, with what."""

    call: str
    takes: tuple[str, ...] = ("run",)  # names of the notebook, literals, or keyword=literal
    section: bool = False  # a section of charts (the gallery draws them)
    shown: str = ""  # "headline": the call returns the report's headline; "findings": a headline and a list
    module: str = "report"  # the helpers module of the function: report, or snapshot (the family's page)

    def code(self) -> str:
        """Returns the cell's code, as the notebook has it."""
        called = f"{self.module}.{self.call}({', '.join(self.takes)})"
        if self.shown == "findings":
            return (f"headline, key_findings = {called}\n"
                    "report.headline(headline)\nreport.bullets(key_findings)")
        return f"report.headline({called})" if self.shown == "headline" else called

    def build(self, names: dict):
        """Returns what the part's function returns, given the notebook's names."""
        import importlib

        args, kwargs = [], {}
        for take in self.takes:
            key, _, value = take.partition("=")
            if value:
                kwargs[key] = ast.literal_eval(value)
            else:
                args.append(ast.literal_eval(take) if take[0] in "\"'" else names[take])
        return getattr(importlib.import_module(f"helpers.{self.module}"), self.call)(*args, **kwargs)


SECTIONS = tuple(Part(call, ("run",), section=True) for call in (
    "sites", "contrasts", "waves", "breakdowns",
    "distributions"))
SITE_REPORT = (
    Part("title", ("run", '"Disparity and involvement report"')),
    Part("heading", ("run", '"key-findings"')),
    Part("site_key_findings", ("run",), shown="findings"),
    Part("snapshot_link", ("run",), module="snapshot"),
    Part("missing_note", ("run",)),
    Part("participation", ("run",), section=True),
    *SECTIONS,
    Part("heading", ("run", '"data-notes"')),
    Part("data_notes", ("run",)),
    Part("heading", ("run", '"methods-and-sources"')),
    Part("methods", ("run",)),
)
NETWORK_OVERVIEW = (
    Part("title", ("run", '"network overview"')),
    Part("heading", ("run", '"key-findings"')),
    Part("network_key_findings", ("run",), shown="findings"),
    Part("participation", ("run",), section=True),
    SECTIONS[0],
    Part("choose_any", ("run",), section=True),
    *SECTIONS[1:],
    Part("heading", ("run", '"all-data-notes"')),
    Part("data_notes", ("run",)),
    Part("heading", ("run", '"methods-and-sources"')),
    Part("methods", ("run",)),
)
DATA_QUALITY = (
    Part("title", ("run", '"data quality"')),
    Part("heading", ("run", '"summary"')),
    Part("quality_headline", ("run",), shown="headline"),
    Part("findings_summary", ("run",)),
    Part("heading", ("run", '"every-finding"')),
    Part("data_notes", ("run", "gather=False")),
    Part("heading", ("run", '"how-many-people"')),
    Part("respondents_table", ("run",)),
    Part("disclosure_section", ("run",)),
    Part("heading", ("run", '"what-each-check-does"')),
    Part("checks_list", ("run",)),
)
FAMILY_SNAPSHOT = (  # one printed page per site for families (helpers.snapshot)
    Part("title", ("run", "snapshot.SUBTITLE")),
    Part("heading", ("run", '"key-findings"')),
    Part("key_findings", ("run",), shown="findings", module="snapshot"),
    Part("families_section", ("run",), module="snapshot"),
    Part("numbers_section", ("run",), module="snapshot"),
    Part("full_report_link", ("run",), module="snapshot"),
)
LAYOUTS = {"site_report": SITE_REPORT, "network_overview": NETWORK_OVERVIEW, "data_quality": DATA_QUALITY,
           "family_snapshot": FAMILY_SNAPSHOT}


def sections(notebook: str, dataset: Dataset, site: str | None, min_n: int) -> list:
    """Returns the sections of charts that a report (its notebook's name) shows, in page order,
    in the dataset's language."""
    from helpers.context import Run
    from helpers.report.blocks import Exhibit

    names = {"run": Run(dataset, site, min_n)}
    built = [part.build(names) for part in LAYOUTS[notebook] if part.section]
    return [b.shown if isinstance(b, Exhibit) else b for b in built]


def prepare(dataset: Dataset) -> None:
    """Computes what every report of a run asks for (shares and intervals, every site against the
    rest, the spread of the sites, the verdicts, the sites' withheld figures, the inferred bases,
    the checks, the tables split by site), once, into the dataset's cache, before the renderer
    shares the dataset: the reports on the whole network read these and the network's own rows."""
    from helpers import analysis, checks, denominators

    for compute in (analysis.waves, analysis.site_shares, analysis.site_spread,
                    analysis.compared_sites, analysis.disparity_by_indicator, analysis.clear_keys,
                    analysis.suppressed_site_shares, analysis.any_site_shares,
                    denominators.respondents, checks.run_checks):
        compute(dataset)
    for table in analysis.SITE_TABLES:
        analysis.at_site(dataset, table, "")


def files_beside(notebook: str, dataset: Dataset) -> dict[str, dict]:
    """Returns the tables a report writes beside its page as CSV files, by file name: for the
    network overview, every site's figures."""
    from helpers.report.sites import SITE_TABLE, site_sheet

    return {SITE_TABLE: site_sheet(dataset)} if notebook == "network_overview" else {}
