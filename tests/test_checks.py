"""The consistency checks find every slip in the published tables, and nothing else."""

from helpers.checks import findings_for_site, run_checks
from helpers.denominators import respondents
from helpers.load import load_all

from .conftest import run_tfs

# Worked out by hand from the brief (see data/README.md, "Known slips"): (check, table, row).
EXPECTED = {
    ("parts against totals", "participants_by_site", 5),   # Chicago 1 + 6 + 7 = 14, not 34
    ("parts against totals", "participants_by_site", 20),  # survey 7 + 26 + 40 + 11 = 84, not 104
    ("distribution sums to 100", "likert", 56),            # community "different groups": 99.0
    ("agree or strongly agree", "involvement", 5),         # parents, org.: 45.2 vs 36.4 + 9.1
    ("published difference", "involvement", 7),            # 71.1 - 45.2 = 25.9, not 25.6
    ("text against table", "narrative", 6),                # text 45.5% vs table 45.2%
    ("published average", "improvements", 6),              # five averages: neither mean
    ("published average", "improvements", 11),
    ("published average", "improvements", 16),
    ("published average", "improvements", 21),
    ("published average", "improvements", 26),
    ("whole numbers of people", "improvements", 2),        # Chicago needs n >= 11, 7 surveyed
    ("whole numbers of people", "likert", 60),             # 41.1% is 15.6 of 38 people
}


def test_the_published_tables_give_exactly_the_known_findings(tallies):
    found = {(f.check, f.table, f.row) for f in run_checks(tallies)}
    assert found == EXPECTED


def test_findings_carry_the_published_figure_and_what_the_others_imply(tallies):
    findings = {(f.check, f.table, f.row): f for f in run_checks(tallies)}
    chicago = findings[("parts against totals", "participants_by_site", 5)]
    assert (chicago.published, chicago.implied) == ("34", "1 + 6 + 7 = 14")
    assert "if Chicago's survey figure were 27 instead of 7" in chicago.explanation
    parents = findings[("agree or strongly agree", "involvement", 5)]
    assert (parents.published, parents.implied) == (
        "45.2%", "36.4% + 9.1% = 45.5% in the Likert table")
    slip = findings[("whole numbers of people", "likert", 60)]
    assert slip.published == "41.1%"
    assert "15 would be 39.5%, 16 would be 42.1%" in slip.implied
    assert {f.severity for f in findings.values()} == {"inconsistent", "unexplained"}


def test_consistent_tables_give_no_findings(data_copy):
    """Mend each slip by hand in a copy, and the checks fall silent."""
    edits = {
        "participants_by_site.csv": [("chicago,survey,7", "chicago,survey,27")],
        "likert.csv": [("community,sectors,strongly agree,41.1", "community,sectors,strongly agree,42.1")],
        "involvement.csv": [("parents,Parents are involved.,organizational,45.2",
                             "parents,Parents are involved.,organizational,45.5")],
    }
    for name, pairs in edits.items():
        text = (data_copy / name).read_text()
        for old, new in pairs:
            assert old in text
            text = text.replace(old, new)
        (data_copy / name).write_text(text)
    averages = load_all(data_copy).improvements
    wide = averages.pivot(index="area", columns="site", values="percent")
    means = wide.drop(columns="all").mean(axis=1).round(1)
    text = (data_copy / "improvements.csv").read_text()
    for area, mean in means.items():
        old = f"{area},all,{averages[(averages.area == area) & (averages.site == 'all')].iloc[0].percent:g}"
        assert old in text
        text = text.replace(old, f"{area},all,{mean}")
    (data_copy / "improvements.csv").write_text(text)
    narrative = (data_copy / "narrative.csv").read_text()
    for area, published in (("groups joining the work", "43.0"),
                            ("the amount of input from diverse stakeholder groups", "25.9")):
        narrative = narrative.replace(f"{area},all,{published}", f"{area},all,{means[area]}")
    (data_copy / "narrative.csv").write_text(narrative)
    assert run_checks(load_all(data_copy)) == []


def test_respondents_are_inferred_from_rounding(tallies):
    table = respondents(tallies).set_index(["table", "group"])
    assert table["n"].to_dict() == {
        ("improvements", "chicago"): 11, ("improvements", "dayton"): 15,
        ("improvements", "lehigh-valley"): 22, ("improvements", "memphis"): 4,
        ("likert", "organizational"): 66, ("likert", "community"): 38,
    }
    assert table.loc[("likert", "community"), "status"] == "one figure does not fit"
    assert table.loc[("improvements", "chicago"), "status"] == "more than published"


def test_site_findings_include_the_sites_own_and_the_network_figures_it_uses(tallies):
    own, shared = findings_for_site(run_checks(tallies), "chicago")
    assert {(f.check, f.row) for f in own} == {
        ("parts against totals", 5), ("whole numbers of people", 2)}
    network = {("parts against totals", 20), ("agree or strongly agree", 5),
               ("published difference", 7), ("text against table", 6),
               *{("published average", r) for r in (6, 11, 16, 21, 26)}}
    assert {(f.check, f.row) for f in shared} == network
    own, shared = findings_for_site(run_checks(tallies), "memphis")
    assert own == []
    assert {(f.check, f.row) for f in shared} == network


def test_check_data_prints_the_findings_and_exits_0():
    result = run_tfs("check-data")
    assert result.returncode == 0, result.stderr
    assert "13 findings about the published figures (8 inconsistent, 5 unexplained)" in result.stdout
    assert "[inconsistent] participants_by_site.csv row 5: Chicago row total" in result.stdout
    assert "community        n = 38" in result.stdout


def test_a_single_site_folder_is_checked_without_failing(data_copy):
    """A folder with one site still loads and checks: its parts no longer meet the totals."""
    (data_copy / "sites.csv").write_text("site,name\nmemphis,Memphis\n")
    for name in ("participants_by_site.csv", "improvements.csv"):
        lines = (data_copy / name).read_text().splitlines()
        site = 0 if name.startswith("participants") else 1
        keep = [lines[0]] + [line for line in lines[1:]
                             if line.split(",")[site] in ("memphis", "all", "TOTAL")]
        (data_copy / name).write_text("\n".join(keep) + "\n")
    findings = run_checks(load_all(data_copy))
    site_tables = ("participants_by_site", "improvements")
    assert {f.check for f in findings if f.table in site_tables} == {
        "parts against totals", "published average"}
    assert all(f.sites in ((), ("memphis",)) for f in findings)
