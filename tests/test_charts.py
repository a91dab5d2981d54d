"""Every chart with the real data and with awkward data; alt text and descriptions carry the
numbers; the same input renders to the same bytes."""

import pandas as pd
import pytest

from helpers import analysis, charts
from helpers.load import ALL_SITES, LEVELS


@pytest.fixture(scope="module")
def names(tallies):
    return analysis.site_names(tallies)


@pytest.fixture(scope="module")
def site_n(tallies):
    return analysis.respondent_counts(tallies, "improvements")


def rendered(chart: charts.Chart) -> charts.Chart:
    """Draws the chart both ways, as the reports and the gallery do."""
    assert chart.svg().startswith(b"<?xml")
    assert chart.png().startswith(b"\x89PNG")
    return chart


def test_every_network_and_site_chart_renders(tallies):
    made = analysis.network_charts(tallies, 10)
    assert [c.name for c in made] == [
        "participation-levels", "participation", "site-comparison", "gaps", "gap-grid",
        "involvement", "likert-gaps", "likert-purposeful-engagement", "likert-students-at"]
    for site in tallies.sites["site"]:
        made += analysis.site_charts(tallies, site, 10)
    for chart in made:
        rendered(chart)
        assert chart.title
        assert chart.alt
        assert chart.description
        assert len(chart.alt) < 250, "alt text is short; the description carries the detail"
        assert not chart.table.empty


def test_site_comparison_states_the_focal_sites_gaps(tallies, names, site_n):
    chart = rendered(charts.site_comparison(tallies.improvements, site_n, names, "dayton", 10))
    assert chart.title == ("Dayton is above the all-sites figure in 1 of 5 areas; its largest "
                           "gap is −23.0 points on groups joining the work")
    assert "groups joining the work 20.0% vs 43.0% (−23.0)" in chart.description
    assert "Dayton highlighted" in chart.alt
    # Memphis rests on 4 inferred respondents: flagged under min_n = 10.
    assert chart.flagged
    assert "Fewer than 10 respondents (n inferred from rounding): Memphis." in chart.description
    dayton = chart.table[chart.table["site"] == "Dayton"].set_index("area")
    assert dayton.loc["groups joining the work", "95% low"] == 7.0  # Wilson, 3 of 15
    assert dayton.loc["groups joining the work", "95% high"] == 45.2


def test_likert_chart_reports_agreement_with_its_base(tallies):
    chart = rendered(analysis.likert_chart(
        tallies, "purposeful engagement and cross-sector partnerships", 10))
    assert "Community partners agree more often on 5 of 5 statements" in chart.title
    assert "from 45.5% (“Parents involved”) to 75.7% (“Community members involved”)" in \
        chart.description
    assert "organizational partners n = 66, inferred; community partners n = 38, inferred" in \
        chart.description
    assert list(chart.table.columns) == ["statement", "group", *LEVELS, "agree or strongly agree"]


def test_dumbbell_labels_gaps_with_newcombe_intervals(tallies):
    chart = rendered(charts.dumbbell(analysis.involvement_agree(tallies),
                                     analysis.respondent_counts(tallies, "likert")))
    assert "Parents are involved +25.9 (95% CI 5.8 to 42.1)" in chart.description
    parents = chart.table.set_index("statement").loc["Parents are involved"]
    assert parents["organizational %"] == 45.2
    assert parents["community %"] == 71.1
    assert parents["95% low"] < 25.9 < parents["95% high"]


def test_participation_names_the_focal_sites_counts(tallies, names):
    chart = rendered(charts.participation_chart(tallies.participants_by_site, "site", names,
                                                "lehigh-valley"))
    assert chart.title == "Lehigh Valley: 2 in interviews, 6 in focus groups, 40 in survey"
    assert chart.table.iloc[-1].tolist() == ["TOTAL", 6, 22, 104, 132]


@pytest.mark.parametrize("render", ["svg", "png"])
def test_the_same_input_gives_the_same_bytes(tallies, names, site_n, render):
    def draw():
        chart = charts.site_comparison(tallies.improvements, site_n, names, "memphis", 10)
        return getattr(chart, render)()

    assert draw() == draw()


def test_html_keeps_text_as_text_and_escapes_labels(tallies, names):
    data = tallies.participants_by_site.copy()
    names = {**names, "memphis": "<script>alert(1)</script>"}
    chart = charts.participation_chart(data, "site", names, "memphis")
    page = chart._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'role="img" aria-label="' in page
    assert "<text" in page or "font-family" in page  # SVG text, not outlined glyphs


# --- awkward data ---------------------------------------------------------------------------------


def test_one_site(tallies, names):
    one = tallies.improvements[tallies.improvements["site"].isin(["memphis", ALL_SITES])]
    for chart in (charts.site_comparison(one, {"memphis": 4}, names, "memphis", 10),
                  charts.site_comparison(one, {"memphis": 4}, names, None, 10),
                  charts.gap_chart(one, names), charts.gap_heatmap(one, names)):
        rendered(chart)
        assert "Memphis" in chart.title + chart.alt + chart.description


def test_zero_and_hundred_percent(tallies, names):
    extreme = tallies.improvements.copy()
    extreme.loc[extreme["site"] == "dayton", "percent"] = 0.0
    extreme.loc[extreme["site"] == "memphis", "percent"] = 100.0
    chart = rendered(charts.site_comparison(extreme, {"dayton": 15, "memphis": 4}, names,
                                            "dayton", 10))
    assert "groups joining the work 0.0% vs 43.0% (−43.0)" in chart.description
    table = chart.table.set_index(["site", "area"])
    assert table.loc[("Dayton", "groups joining the work"), "95% low"] == 0.0
    assert table.loc[("Memphis", "groups joining the work"), "95% high"] == 100.0
    rendered(charts.gap_chart(extreme, names))
    measures = analysis.disparity(extreme[extreme["site"] != ALL_SITES]
                                  .query("area == 'groups joining the work'")
                                  .set_index("site")["percent"], reference=43.0)
    assert measures.range_ratio == float("inf")


def test_likert_without_na_and_with_a_long_label(tallies):
    likert = tallies.likert[tallies.likert["level"] != "n/a or not sure"]
    likert = likert[likert["section"] == "students at the center"]
    statements = tallies.statements.copy()
    statements["label"] = statements["label"].astype(object)
    statements.loc[statements["topic"] == "whole-student", "label"] = (
        "This project supports the needs of the whole student: health, well-being, housing, "
        "safety and academic — and more words than any label should carry")
    chart = rendered(charts.likert_chart(likert, statements, {"organizational": 66,
                                                              "community": None}, "test"))
    assert "n/a" not in " ".join(a.get_title() for a in chart.figure.axes)
    assert "community partners n unknown" in chart.description
    assert chart.flagged is False or "n unknown" in chart.description


def test_likert_of_one_group(tallies):
    likert = tallies.likert[tallies.likert["group"] == "organizational"]
    chart = rendered(charts.likert_chart(likert, tallies.statements, {"organizational": 6},
                                         "one group", min_n=10))
    assert chart.title.startswith("Agreement among organizational partners runs from 45.5%")
    assert chart.flagged
    assert "† Fewer than 10 respondents" in chart.description


def test_dumbbell_with_unknown_n_has_no_intervals():
    agree = pd.DataFrame({"label": ["A statement"], "organizational": [50.0],
                          "community": [100.0]})
    chart = rendered(charts.dumbbell(agree, {"organizational": None, "community": None}))
    assert chart.table["95% low"].isna().all()
    assert chart.flagged
    assert "A statement +50.0" in chart.description


def test_make_gallery_renders_every_chart_for_every_site(tmp_path):
    from .conftest import SITES, run_tfs

    result = run_tfs("gallery", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    gallery = tmp_path / "gallery"
    assert len(list((gallery / "network").glob("*.png"))) == 9
    for site in SITES:
        assert sorted(p.stem for p in (gallery / site).glob("*.png")) == [
            "involvement", "participation", "site-comparison", "site-gaps"]
    page = (gallery / "index.html").read_text()
    assert page.count("<img ") == 25
    assert "25 charts in" in result.stdout
