"""The layout of each report is data (helpers.report.layout): the notebooks, the gallery and the
renderer's warm-up follow that one list."""

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers.context import Run
from helpers.gallery import report_charts
from helpers.paths import NOTEBOOKS
from helpers.report.layout import LAYOUTS, SITE_REPORT, Part
from tests.conftest import SITES, html_of

SETUP = 2  # the parameters cell and the cell that makes the run come before the layout's parts


def out_of_step(path: Path, parts: tuple[Part, ...]) -> list[tuple]:
    """Returns where a notebook's code cells (after its parameters and setup) and the layout's
    parts differ: (position, the cell's code, the part's code)."""
    notebook = nbformat.read(path, as_version=4)
    assert "parameters" in next(c for c in notebook.cells if c.cell_type == "code").metadata.tags
    cells = [c.source.strip() for c in notebook.cells if c.cell_type == "code"][SETUP:]
    wanted = [part.code() for part in parts]
    differ = [(n, cell, want) for n, (cell, want) in enumerate(zip(cells, wanted, strict=False))
              if cell != want]
    return differ + ([("length", len(cells), len(wanted))] if len(cells) != len(wanted) else [])


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_notebook_shows_its_layout_cell_by_cell(name):
    assert out_of_step(NOTEBOOKS / f"{name}.ipynb", LAYOUTS[name]) == []


def test_a_notebook_out_of_step_with_its_layout_is_caught(tmp_path):
    """Two sections swapped, or one left out, in a copy of the site report: the check says where."""
    notebook = nbformat.read(NOTEBOOKS / "site_report.ipynb", as_version=4)
    code = [n for n, c in enumerate(notebook.cells) if c.cell_type == "code"]
    first, second = code[SETUP + 5], code[SETUP + 6]
    notebook.cells[first], notebook.cells[second] = notebook.cells[second], notebook.cells[first]
    nbformat.write(notebook, tmp_path / "swapped.ipynb")
    assert [n for n, *_ in out_of_step(tmp_path / "swapped.ipynb", SITE_REPORT)] == [5, 6]
    del notebook.cells[first]
    nbformat.write(notebook, tmp_path / "short.ipynb")
    assert out_of_step(tmp_path / "short.ipynb", SITE_REPORT)[-1] == ("length", len(SITE_REPORT) - 1,
                                                                     len(SITE_REPORT))


def test_every_notebook_has_a_layout():
    """Every report's notebook; explore.ipynb is the analyst's walk-through of the API, no report."""
    assert {p.stem for p in NOTEBOOKS.glob("*.ipynb")} - {"explore"} == set(LAYOUTS)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["network", SITES[0]])
def test_the_gallery_draws_the_charts_of_the_page_in_its_order(rendered, tfs, name):
    """The gallery (and so the warm-up, which draws a site's charts through it) follows the layout:
    the charts it draws are those the rendered page shows, in the page's order."""
    page = html_of(rendered[0], name).read_text(encoding="utf-8")
    on_page = re.findall(r'<figure class="chart" id="chart-([^"]+)"', page)
    drawn = [chart.name for chart in report_charts(tfs, None if name == "network" else name,
                                                   tfs.codebook.dataset.min_n)]
    assert on_page
    assert drawn == on_page


def test_a_section_cell_leaves_the_frames_behind_its_charts_and_tables_to_look_into(tfs):
    part = next(p for p in LAYOUTS["site_report"] if p.call == "sites")
    exhibit = part.build({"run": Run(tfs, SITES[0], 10)})
    assert set(exhibit.frame["site"]) == set(tfs.site_ids)
    section = exhibit.shown
    charts = [p for p in section.parts if hasattr(p, "figure")]
    assert charts
    assert all(section.frames[chart.name] is chart.table for chart in charts)
    assert any(name.startswith("disparity") for name in section.frames), list(section.frames)


@pytest.mark.slow
def test_the_analyst_s_notes_are_tagged_and_left_out_of_the_page(rendered):
    """Every markdown cell of a notebook is a note for the analyst (tagged "analyst"); the page
    template leaves them out, so a page's words all come from the catalogue."""
    for name in LAYOUTS:
        notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        notes = [c for c in notebook.cells if c.cell_type == "markdown"]
        assert notes
        assert all("analyst" in c.metadata.get("tags", []) for c in notes), name
    page = html_of(rendered[0], "network").read_text(encoding="utf-8")
    assert "markdown cells tagged" not in page
    assert '<section class="prose">' not in page


def test_the_breakdowns_cell_builds_an_exhibit_of_numbers_and_keys_shown_as_the_page_shows_it(synthetic):
    """The exhibit holds ids and numbers (its frame), the section its presenter makes from them
    holds the words; each chart's table shows the exhibit's figures, and the page's HTML is the
    section's, in the run's language."""
    from helpers import report

    codebook = synthetic.codebook
    site = next(s for s in synthetic.site_ids  # a school with a breakdown shown
                if any(isinstance(p, report.Chart) for p in report.breakdowns(Run(synthetic, s)).shown.parts))
    exhibit = report.breakdowns(Run(synthetic, site))
    frame = exhibit.frame
    assert set(frame["breakdown"]) <= {c.id for c in codebook.characteristics}
    assert set(frame["value"]) <= {v.id for c in codebook.characteristics for v in c.values}
    assert "clear" in frame
    for chart in (p for p in exhibit.shown.parts if isinstance(p, report.Chart)):
        figures = frame[frame["breakdown"] == chart.name.removeprefix("breakdown-")]
        assert chart.table["%"].fillna(-1).tolist() == figures["percent"].round(1).fillna(-1).tolist()
        assert figures["percent"].notna().any()
    assert report.to_html(exhibit) == report.to_html(report.breakdowns_section(Run(synthetic, site)))
    assert repr(exhibit) == f"<Breakdowns: {len(frame)} rows in .frame>"


def test_the_participation_cell_builds_an_exhibit_of_the_counts_it_shows(tfs, synthetic):
    """Head-counts as published (TFS) and respondents counted from the exports (synthetic): the
    exhibit's frame holds ids and counts, each chart's table the same counts under their labels."""
    from helpers import report

    exhibit = report.participation(Run(tfs))
    frame = exhibit.frame
    assert set(frame["unit"]) & set(tfs.site_ids)
    chart = next(p for p in exhibit.shown.parts if p.name == "participation-participants-by-site")
    by_site = frame[frame["table"] == "participants-by-site"]
    assert int(by_site["count"].sum()) == int(chart.table.drop(columns="site").iloc[:-1, :-1].sum().sum())
    school = Run(synthetic, synthetic.site_ids[0])
    counted = report.participation(school)
    rows = counted.frame[counted.frame["table"] == "respondents"]
    assert set(rows["group"]) == {g.id for g in synthetic.codebook.groups}
    shown = counted.shown.parts[-1].table["respondents"]
    assert shown.tolist() == rows["respondents"].astype("Int64").tolist()
    assert report.to_html(counted) == report.to_html(report.who_took_part(school))


def test_the_contrasts_and_waves_cells_build_exhibits_whose_charts_show_their_figures(synthetic):
    """Each contrast's and the waves' figures are ids and numbers in the exhibit's frame, shown
    withheld ones included; the charts' tables show the same numbers under their labels."""
    from helpers import report

    codebook = synthetic.codebook
    run = Run(synthetic, synthetic.site_ids[0])
    contrasts = report.contrasts(run)
    assert contrasts.each
    assert set(contrasts.frame["first"]) | set(contrasts.frame["second"]) <= {g.id for g in codebook.groups}
    for contrast, chart in zip(contrasts.each, contrasts.shown.parts, strict=True):
        assert chart.name == contrast.name
        first = chart.table[f"{codebook.group_label(contrast.first)} %"]
        figures = pd.concat([contrast.rows["first %"], contrast.held["first %"]], ignore_index=True)
        assert first.fillna(-1).tolist() == figures.round(1).fillna(-1).tolist()
    waves = report.waves(run)
    assert waves.before in {w.id for w in codebook.waves}
    assert waves.after in {w.id for w in codebook.waves}
    (chart,) = waves.shown.parts
    after = chart.table[f"{codebook.wave_label(waves.after)} %"]
    assert after.fillna(-1).tolist() == waves.frame["after %"].round(1).fillna(-1).tolist()
    assert waves.frame["change"].notna().any()
    assert repr(waves) == f"<Waves: {len(waves.frame)} rows in .frame>"


def test_the_distributions_and_choose_any_cells_build_exhibits_of_shares_by_level(synthetic):
    from helpers import report
    from helpers.load import load_dataset
    from tests.conftest import TACOMA

    tacoma = load_dataset(TACOMA)

    codebook = synthetic.codebook
    exhibit = report.distributions(Run(synthetic, synthetic.site_ids[0]))
    levels = {lv.id for s in codebook.scales for lv in s.levels}
    assert exhibit.each
    assert set(exhibit.frame["level"]) <= levels
    for shown, chart in zip(exhibit.each, exhibit.shown.parts, strict=True):
        scale = next(s for s in codebook.scales if s.id == shown.scale)
        level = scale.levels[0]
        drawn = shown.cells[shown.cells["level"] == level.id]["percent"].round(1)
        assert sorted(chart.table[level.label].dropna().tolist()) == sorted(drawn.tolist())
    assert report.choose_any(Run(synthetic)).each == ()  # sites: the shares are in the other sections
    options = report.choose_any(Run(tacoma))
    (item, rows), = options.each
    (chart,) = options.shown.parts
    assert chart.table["%"].tolist() == rows["percent"].tolist()
    assert set(options.frame["answer"]) == {o.id for o in tacoma.codebook.item(item).options}


def test_the_data_notes_and_methods_cells_build_exhibits_of_keys_and_facts(tfs, synthetic):
    """The data notes hold the checks' findings (keys and numbers), the site's own apart from the
    network-wide ones, each a note on the page; the methods hold which methods apply, each fact
    a paragraph of the page or none."""
    from helpers import report

    site = Run(tfs, SITES[0])
    notes = report.data_notes(site, gather=False)
    frame = notes.frame
    assert set(frame["about"]) == {"site", "network"}
    assert (frame["about"] == "site").sum() == len(notes.own)
    assert set(frame.loc[frame["about"] == "site", "sites"]) == {(SITES[0],)}
    assert report.to_html(notes).count("<li") == len(frame)
    assert len(report.data_notes(Run(tfs)).frame) == len(Run(tfs).findings)
    published, counted = report.methods(Run(tfs)), report.methods(Run(synthetic))
    assert published.frame[["published", "inferred", "counted", "audited"]].iloc[0].tolist() == [
        True, True, False, False]
    assert counted.frame[["published", "inferred", "counted", "audited"]].iloc[0].tolist() == [
        False, False, True, True]
    assert "<strong>Counting.</strong>" in report.to_html(counted)
    assert "<strong>Counting.</strong>" not in report.to_html(published)
    assert f"family of {counted.comparisons:,} tested comparisons" in report.to_html(counted)
