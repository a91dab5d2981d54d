"""What the notebooks show: a report's sections with their words, charts and tables, as HTML.

A package by section, each module in its room, the data flowing one way
(analysis -> facts -> sections -> blocks -> notebook):

- :mod:`.facts`: what several sections share, computed once below them (what is withheld,
  which comparisons are clear, the widest of them, which contrasts a report shows): numbers and
  keys, no words, no drawing;
- one module per section: :mod:`.participation` (who took part), :mod:`.sites` (the sites
  against one another), :mod:`.groups` (respondent groups and waves), :mod:`.breakdowns`,
  :mod:`.distributions` (every answer, choose-any), :mod:`.findings` (the key findings) and
  :mod:`.notes` (data notes, data quality, methods); each is a function of a run
  (:class:`helpers.context.Run`) returning a Section of charts, tables and sentences, its figures
  drawn by :mod:`helpers.charts` and its phrases from :mod:`helpers.words`. :mod:`.breakdowns`
  and :mod:`.participation` are in two steps, as each section is to be: :func:`breakdowns` and
  :func:`participation` build the section's exhibit (numbers and keys, ``.frame`` to look into),
  which its presenter turns into the Section (``.shown``);
- :mod:`.blocks`: the HTML building blocks (Exhibit, Chart, DataTable, Fragment, Section, headings);
- :mod:`.layout`: the sections of each report, in page order, as data.

A section whose data the dataset lacks shows nothing (the report says which sections it left
out). The names below are the ones notebooks and other modules call; those that moved to
helpers.words and helpers.marks when report.py became this package are named here too.
"""

from helpers.marks import PRECISION, WITHHELD
from helpers.report.blocks import (
    HEADINGS,
    HEADLINE_KEY,
    LONG_TABLE,
    SUBTITLES,
    TABLES_KEY,
    Chart,
    DataTable,
    Exhibit,
    Fragment,
    Section,
    anchor,
    bullets,
    compose,
    esc,
    heading,
    headline,
    paragraph,
    table,
    title,
    to_html,
    with_sheets,
)
from helpers.report.breakdowns import (
    Breakdown,
    Breakdowns,
    breakdown,
    breakdown_chart,
    breakdown_disparity_table,
    breakdowns,
    breakdowns_section,
)
from helpers.report.distributions import choose_any_section, distribution_charts, distributions_section
from helpers.report.facts import (
    MANY_SITES,
    contrast_tables_used,
    judged,
    largest_first,
    shown_contrasts,
    withheld,
)
from helpers.report.findings import network_key_findings, site_key_findings
from helpers.report.groups import contrast_chart, contrast_tables, contrasts_section, waves_section
from helpers.report.notes import (
    checks_list,
    data_notes,
    disclosure_section,
    disclosure_words,
    finding_items,
    findings_summary,
    lead,
    methods,
    missing_note,
    quality_headline,
    respondents_table,
)
from helpers.report.participation import (
    Headcount,
    Participation,
    Respondents,
    headcount,
    participants_sentence,
    participation,
    participation_chart,
    respondents,
    respondents_chart,
    who_took_part,
)
from helpers.report.sites import (
    SITE_TABLE,
    disparity_frame,
    disparity_table,
    furthest_sites_table,
    gap_chart,
    gap_grid_chart,
    network_summary_chart,
    site_comparison_chart,
    site_sheet,
    site_summary_chart,
    sites_section,
)
from helpers.words import (
    all_respondents,
    among,
    measure_words,
    n_words,
    of_group,
    of_respondents,
    reference_words,
    share_label,
    share_labels,
    signed_number,
    verdict_cells,
    withheld_count,
    withheld_sentence,
    yes_no,
)

__all__ = [
    "HEADINGS",
    "HEADLINE_KEY",
    "LONG_TABLE",
    "MANY_SITES",
    "PRECISION",
    "SITE_TABLE",
    "SUBTITLES",
    "TABLES_KEY",
    "WITHHELD",
    "Breakdown",
    "Breakdowns",
    "Chart",
    "DataTable",
    "Exhibit",
    "Fragment",
    "Headcount",
    "Participation",
    "Respondents",
    "Section",
    "all_respondents",
    "among",
    "anchor",
    "breakdown",
    "breakdown_chart",
    "breakdown_disparity_table",
    "breakdowns",
    "breakdowns_section",
    "bullets",
    "checks_list",
    "choose_any_section",
    "compose",
    "contrast_chart",
    "contrast_tables",
    "contrast_tables_used",
    "contrasts_section",
    "data_notes",
    "disclosure_section",
    "disclosure_words",
    "disparity_frame",
    "disparity_table",
    "distribution_charts",
    "distributions_section",
    "esc",
    "finding_items",
    "findings_summary",
    "furthest_sites_table",
    "gap_chart",
    "gap_grid_chart",
    "headcount",
    "heading",
    "headline",
    "judged",
    "largest_first",
    "lead",
    "measure_words",
    "methods",
    "missing_note",
    "n_words",
    "network_key_findings",
    "network_summary_chart",
    "of_group",
    "of_respondents",
    "paragraph",
    "participants_sentence",
    "participation",
    "participation_chart",
    "quality_headline",
    "reference_words",
    "respondents",
    "respondents_chart",
    "respondents_table",
    "share_label",
    "share_labels",
    "shown_contrasts",
    "signed_number",
    "site_comparison_chart",
    "site_key_findings",
    "site_sheet",
    "site_summary_chart",
    "sites_section",
    "table",
    "title",
    "to_html",
    "verdict_cells",
    "waves_section",
    "who_took_part",
    "with_sheets",
    "withheld",
    "withheld_count",
    "withheld_sentence",
    "yes_no",
]
