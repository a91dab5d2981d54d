"""Charts draw what they are given: a dot sits at its percentage, a bar's extent is its figure,
the highlighted site is the one asked for; every chart of every report renders, with words
that carry the numbers; the same input gives the same bytes."""

import re
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.text import Text

from helpers import analysis, charts, report, words
from helpers.context import Run
from helpers.gallery import report_charts

from .conftest import SITES, TFS, run_cli


def artists(figure, prefix: str) -> dict:
    """Returns the figure's marks whose gid starts with prefix, by gid."""
    found = {}
    for axis in figure.axes:
        for artist in [*axis.lines, *axis.patches]:
            gid = artist.get_gid() or ""
            if gid.startswith(prefix):
                found[gid] = artist
    return found


def dots_by_row(line) -> dict[int, float]:
    """Returns a dot plot's marks of one group (one line of dots), by row number: rows are a
    unit apart, a group's dots within a quarter of a unit of their row."""
    return {round(y): x for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)}


def test_each_dot_sits_at_its_percentage_and_the_focus_is_the_site_asked_for(tfs):
    data = analysis.site_shares(tfs)
    chart = report.site_comparison_chart(tfs, "dayton", 10)
    lines = artists(chart.figure, "dots:")
    assert sorted(lines) == [f"dots:{site}" for site in SITES]
    present = set(zip(data["item"], data["answer"], strict=True))
    rows = [pair for pair in analysis.indicators(tfs.codebook) if pair in present]
    assert sum(len(line.get_xdata()) for line in lines.values()) == len(data) == 20
    for row in data.itertuples():
        dots = dots_by_row(lines[f"dots:{row.site}"])
        assert dots[rows.index((row.item, row.answer))] == pytest.approx(row.percent)
    for site, line in lines.items():
        assert (to_hex(line.get_color()) == charts.FOCUS.lower()) == (site == "dots:dayton"), site


def test_a_bar_extends_to_its_figure(tfs):
    chart = next(p for p in report.who_took_part(Run(tfs, "memphis")).parts if isinstance(p, report.Chart))
    bars = artists(chart.figure, "bar:")
    counts = tfs.headcounts[(tfs.headcounts["table"] == "participants-by-site")
                            & (tfs.headcounts["site"] != "") & (tfs.headcounts["activity"] != "")]
    assert len(bars) == len(counts) == 12
    for row in counts.itertuples():
        bar = bars[f"bar:{row.site}:{row.activity}"]
        assert bar.get_width() == row.count
        assert (to_hex(bar.get_facecolor()) == charts.FOCUS.lower()) == (row.site == "memphis")


def test_gap_bars_extend_to_the_gap_and_change_colour_with_its_sign(tfs):
    chart = report.gap_chart(tfs, "memphis")
    bars = artists(chart.figure, "bar:")
    gaps = analysis.gaps_for_site(tfs, "memphis")
    assert len(bars) == len(gaps) == 5
    for row in gaps.itertuples():
        bar = bars[f"bar:improvements:{row.answer}:memphis"]
        assert bar.get_width() == pytest.approx(row.gap)
        expected = charts.POSITIVE_STRONG if row.gap >= 0 else charts.NEGATIVE_STRONG
        assert to_hex(bar.get_facecolor()) == expected.lower()


def test_dumbbell_dots_sit_at_both_groups_figures(tfs):
    rows = analysis.contrasts(tfs, "", "involvement")
    figure = charts.dumbbell(rows, list(rows["item"]), "first %", "second %", ("a", "b"),
                             text=words.chart_text())
    first, second = (dots_by_row(artists(figure, f"dots:{c}")[f"dots:{c}"])
                     for c in ("first %", "second %"))
    assert len(first) == len(second) == len(rows) > 0
    for y, row in enumerate(rows.itertuples()):
        assert first[y] == row._7
        assert second[y] == row._8


def test_charts_write_only_the_words_they_are_given(tfs):
    """helpers.charts has no words of its own: what it writes beside its marks (a withheld side,
    a gap in points) comes from the ChartText the caller passes, in the report's language."""
    rows = analysis.contrasts(tfs, "", "involvement").head(2).copy()
    rows.loc[rows.index[1], "first %"] = float("nan")  # one side withheld
    given = words.ChartText(**{name: f"<{name}> {text}" for name, text in asdict(words.chart_text()).items()})
    figure = charts.dumbbell(rows, list(rows["item"]), "first %", "second %", ("a", "b"), text=given)
    texts = [t.get_text() for t in figure.findobj(Text)]
    assert any(t.startswith("<withheld_pair>") for t in texts), texts
    assert any(t.startswith(("<gap>", "<gap_interval>")) for t in texts), texts
    assert any(t.startswith("<under_label>") for t in texts), texts
    source = (Path(charts.__file__)).read_text(encoding="utf-8")
    assert not re.search(r"\b(_|n_|gendered)\(", source), "charts.py calls the catalogue itself"


def test_likert_bars_stack_to_the_published_cells():
    data = pd.DataFrame({"item": ["a"] * 5, "group": [""] * 5,
                         "level": ["sd", "d", "n", "ag", "sa"],
                         "percent": [10.0, 20.0, 30.0, 25.0, 15.0]})
    figure = charts.likert(data, "item", "group", ["sd", "d", "n", "ag", "sa"],
                           ["negative", "negative", "neutral", "positive", "positive"], ["a"], [""],
                           {"a": "A"}, {"": "all"}, {}, text=words.chart_text())
    widths = [round(p.get_width(), 6) for p in figure.axes[0].patches]
    assert widths == [10.0, 20.0, 30.0, 25.0, 15.0]
    left = figure.axes[0].patches[0].get_x()
    assert left == pytest.approx(-(10 + 20 + 30 / 2))  # neutral split across zero
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert texts == ["30.0%", "40.0%", "A"]  # the totals at the bar's ends, then the row's label


def test_site_comparison_states_the_focal_sites_gaps(tfs):
    chart = report.site_comparison_chart(tfs, "dayton", 10)
    # Gaps to the published mean have no test: the title names none of them.
    assert chart.title == "Dayton is above the published all-sites figure on 1 of 5 figures"
    assert "groups joining the work 20.0% vs 43.0% (−23.0)" in chart.description
    assert "Dayton highlighted" in chart.alt
    assert chart.flagged  # Memphis rests on 4 inferred respondents
    assert "Fewer than 10 respondents (n inferred): Memphis." in chart.description
    dayton = chart.table[chart.table["site"] == "Dayton"].set_index("figure")
    assert dayton.loc["groups joining the work", "95% low"] == 7.0  # Wilson, 3 of 15
    assert dayton.loc["groups joining the work", "95% high"] == 45.2


def test_every_chart_of_every_report_renders_with_words_and_numbers(tfs, synthetic):
    for dataset in (tfs, synthetic):
        made = report_charts(dataset, None, 10)
        for site in dataset.site_ids[:3]:
            made += report_charts(dataset, site, 10)
        for chart in made:
            assert chart.svg().startswith(b"<?xml")
            assert chart.title
            assert chart.alt
            assert chart.description
            assert len(chart.alt) < 250, "alt text is short; the description carries the detail"
            assert not chart.table.empty


def test_the_same_input_gives_the_same_bytes(tfs):
    first = report.site_comparison_chart(tfs, "memphis", 10)
    second = report.site_comparison_chart(tfs, "memphis", 10)
    assert first.svg() == second.svg()
    assert first.png() == second.png()


def test_html_keeps_text_as_text_and_escapes_labels(tfs):
    chart = report.site_comparison_chart(tfs, None, 10)
    chart.title = "<b>bold</b> & more"
    html = report.to_html(chart)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html
    assert "<text" in html  # text stays text in the SVG (searchable, sharp)
    assert 'role="img"' in html


def test_many_sites_become_context_dots_without_a_legend_entry_each(synthetic):
    chart = report.site_comparison_chart(synthetic, None, 10)
    labels = [t.get_text() for t in chart.figure.axes[0].get_legend().get_texts()]
    # every site, the one whose figures are all withheld included
    assert labels == [f"each of {len(synthetic.site_ids)}", "all respondents"]


def test_make_gallery_renders_every_chart_for_every_site(tmp_path):
    result = run_cli("gallery", "--data", TFS, "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "gallery" / "tfs"
    for site in SITES:
        assert sorted(p.name for p in (folder / site).glob("*.png"))
    assert (folder / "network" / "site-comparison.png").read_bytes().startswith(b"\x89PNG")
    assert "charts in" in result.stdout


def test_every_chart_is_drawn_for_a_phone(tfs, synthetic):
    """Every chart of every report is drawn about charts.WIDTH wide, with no text under
    charts.SMALL points: a phone's 360 px of page show it whole at 0.9 of its size, text at
    12 px (the browser gate measures that on the rendered pages)."""
    for dataset in (tfs, synthetic):
        made = report_charts(dataset, None, 10) + report_charts(dataset, dataset.site_ids[0], 10)
        assert len(made) > 10
        for chart in made:
            svg = chart.svg().decode()
            width = float(re.search(r'<svg [^>]*width="([\d.]+)pt"', svg).group(1))
            assert width <= charts.WIDTH * 72 * 1.05, (chart.name, width)
            sizes = [float(size) for size in re.findall(r"font-size:\s*([\d.]+)px", svg)]
            assert sizes, chart.name
            assert min(sizes) >= charts.SMALL, (chart.name, sorted(set(sizes)))


def test_a_grid_wider_than_a_phone_goes_on_below_itself(synthetic):
    chart = report.gap_grid_chart(synthetic)
    figures = chart.table.shape[1] - 1  # a column per figure, after the site's name
    assert figures > 5
    grids = chart.figure.axes
    assert len(grids) > 1
    headers = [label.get_text() for grid in grids for label in grid.get_xticklabels()]
    assert headers == [str(n) for n in range(1, figures + 1)]  # every figure once, in order
    inches = chart.figure.get_figwidth()
    cell = {round(g.get_position().width * inches / len(g.get_xticks()), 3) for g in grids}
    assert len(cell) == 1  # the last, shorter grid keeps the cells' width
    dashes = sum(text.get_text() == "—" for grid in grids for text in grid.texts)
    assert dashes == chart.table.iloc[:, 1:].isna().sum().sum() > 0  # every cell labelled, as the table


def test_likert_panels_one_under_another_share_their_zero(synthetic):
    chart = next(c for c in report_charts(synthetic, synthetic.site_ids[0], 10)
                 if c.name.startswith("distribution-") and len(c.figure.axes) >= 2)
    panels = [axis for axis in chart.figure.axes if "(n" in axis.get_title(loc="left")]
    assert len(panels) >= 2
    assert len({axis.get_xlim() for axis in panels}) == 1
    assert len({round(axis.get_position().x0, 6) for axis in panels}) == 1
    tops = [axis.get_position().y0 for axis in panels]
    assert tops == sorted(tops, reverse=True)  # first panel on top
