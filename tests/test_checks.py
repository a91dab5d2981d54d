"""The consistency checks find every slip in the published tables, and nothing else."""

import json
import re

from helpers.checks import findings_for_site, run_checks
from helpers.denominators import respondents
from helpers.load import load_dataset
from helpers.report import contrast_tables_used
from helpers.words import describe

from .conftest import FIXTURES, run_cli

# Worked out by hand from the brief (data/README.md, "Known slips"): (check, file, row).
EXPECTED = {
    ("parts against totals", "headcounts.csv", 17),       # Chicago 1 + 6 + 7 = 14, not 34
    ("parts against totals", "headcounts.csv", 32),       # survey 7 + 26 + 40 + 11 = 84, not 104
    ("distribution sums to 100", "figures.csv", 90),      # community "different groups": 99.0
    ("share against its parts", "figures.csv", 30),       # parents, org.: 45.2 vs 36.4 + 9.1
    ("published difference", "figures.csv", 32),          # 71.1 - 45.2 = 25.9, not 25.6
    ("text against table", "quotes.csv", 6),              # text 45.5% vs table 45.2%
    ("published average", "figures.csv", 6),              # five averages: neither mean
    ("published average", "figures.csv", 11),
    ("published average", "figures.csv", 16),
    ("published average", "figures.csv", 21),
    ("published average", "figures.csv", 26),
    ("whole numbers of people", "figures.csv", 2),        # Chicago needs n >= 11, 7 surveyed
    ("whole numbers of people", "figures.csv", 94),       # 41.1% is 15.6 of 38 people
}


def test_the_published_tables_give_exactly_the_known_findings(tfs):
    found = {(f.check, f.file, f.row) for f in run_checks(tfs)}
    assert found == EXPECTED


def test_the_findings_are_those_found_before_the_codebook(tfs):
    """The same 13 findings, each with the same published and implied figures, as the checks
    gave on the brief's tables before the data took the codebook form."""
    before = json.loads((FIXTURES / "tfs_before_codebook.json").read_text())["findings"]
    now = sorted([describe(f, tfs.codebook).published, describe(f, tfs.codebook).implied]
                 for f in run_checks(tfs))
    tables = re.compile(r"in the (\w+) table")  # the reports now name a table by its title

    def titled(implied: str) -> str:
        implied = implied.replace("Likert table", "likert table")
        return tables.sub(lambda m: f"in the table “{tfs.codebook.table_title(m.group(1))}”", implied)

    old = sorted([published, titled(implied)] for _, _, _, _, published, implied in before)
    assert now == old


def test_findings_carry_the_published_figure_and_what_the_others_imply(tfs):
    findings = {(f.check, f.row): f for f in run_checks(tfs)}
    chicago = findings[("parts against totals", 17)]
    assert (chicago.published, chicago.implied, chicago.parts) == (34, 14, (1, 6, 7))
    assert (chicago.detail("slip_from"), chicago.detail("slip_to")) == (7, 27)
    words = describe(chicago, tfs.codebook)
    assert "if Chicago's survey figure were 27 instead of 7" in words.explanation
    parents = describe(findings[("share against its parts", 30)], tfs.codebook)
    likert = tfs.codebook.table_title("likert")
    assert (parents.published, parents.implied) == ("45.2%", f"36.4% + 9.1% = 45.5% in the table “{likert}”")
    slip = findings[("whole numbers of people", 94)]
    assert slip.published == 41.1
    assert "15 would be 39.5%, 16 would be 42.1%" in describe(slip, tfs.codebook).implied
    assert {f.severity for f in findings.values()} == {"inconsistent", "unexplained"}


def mend(path, pairs) -> None:
    text = path.read_text()
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text)


def test_consistent_tables_give_no_findings(data_copy):
    """Mend each slip by hand in a copy, and the checks fall silent."""
    mend(data_copy / "headcounts.csv", [("participants-by-site,year-2,chicago,,,survey,7,",
                                         "participants-by-site,year-2,chicago,,,survey,27,")])
    mend(data_copy / "figures.csv", [
        ("likert,year-2,,community,sectors,strongly-agree,41.1,",
         "likert,year-2,,community,sectors,strongly-agree,42.1,"),
        ("involvement,year-2,,organizational,parents,positive,45.2,",
         "involvement,year-2,,organizational,parents,positive,45.5,")])
    dataset = load_dataset(data_copy)
    figures = dataset.figures
    cells = figures[(figures["table"] == "improvements") & (figures["site"] != "")]
    means = cells.groupby("answer")["percent"].mean().round(1)
    text = (data_copy / "figures.csv").read_text().splitlines()
    for number, line in enumerate(text):
        parts = line.split(",")
        if parts[0] == "improvements" and parts[-1] == "mean":
            parts[6] = f"{means[parts[5]]}"
            text[number] = ",".join(parts)
    (data_copy / "figures.csv").write_text("\n".join(text) + "\n")
    quotes = (data_copy / "quotes.csv").read_text()
    for option, published in (("groups-joining", "43.0"), ("input-diverse", "25.9")):
        quotes = quotes.replace(f"improvements,{option},{published}",
                                f"improvements,{option},{means[option]}")
    (data_copy / "quotes.csv").write_text(quotes)
    assert run_checks(load_dataset(data_copy)) == []


def test_respondents_are_inferred_from_rounding(tfs):
    table = respondents(tfs)
    n = {(r.table, r.site or r.group): int(r.n) for r in table.itertuples()}
    assert n == {
        ("improvements", "chicago"): 11, ("improvements", "dayton"): 15,
        ("improvements", "lehigh-valley"): 22, ("improvements", "memphis"): 4,
        ("likert", "organizational"): 66, ("likert", "community"): 38,
    }
    status = {r.site or r.group: r.status for r in table.itertuples()}
    assert status["community"] == "one figure does not fit"
    assert status["chicago"] == "more than published"


def test_site_findings_include_the_sites_own_and_the_network_figures_it_uses(tfs):
    findings = run_checks(tfs)
    own, shared = findings_for_site(findings, "chicago", contrast_tables_used(tfs, "chicago"))
    assert {(f.check, f.row) for f in own} == {
        ("parts against totals", 17), ("whole numbers of people", 2)}
    network = {("parts against totals", 32), ("share against its parts", 30),
               ("published difference", 32), ("text against table", 6),
               *{("published average", r) for r in (6, 11, 16, 21, 26)}}
    assert {(f.check, f.row) for f in shared} == network
    own, shared = findings_for_site(findings, "memphis", contrast_tables_used(tfs, "memphis"))
    assert own == []
    assert {(f.check, f.row) for f in shared} == network


def test_check_data_prints_the_findings_and_exits_0():
    result = run_cli("check-data")
    assert result.returncode == 0, result.stderr
    assert "13 findings about the published figures (8 inconsistent, 5 unexplained)" in result.stdout
    assert ("[inconsistent] headcounts.csv row 17 (participants-by-site): Chicago row total"
            in result.stdout)
    assert "likert        community        n = 38" in result.stdout


def test_a_single_site_dataset_is_checked_without_failing(data_copy):
    """A dataset with one site still loads and checks: its parts no longer meet the totals."""
    codebook = (data_copy / "codebook.yaml").read_text()
    for site in ("chicago", "dayton", "lehigh-valley"):
        codebook = "\n".join(line for line in codebook.splitlines() if f"id: {site}," not in line)
    (data_copy / "codebook.yaml").write_text(codebook + "\n")
    for name in ("headcounts.csv", "figures.csv"):
        lines = (data_copy / name).read_text().splitlines()
        keep = [lines[0]] + [line for line in lines[1:] if line.split(",")[2] in ("memphis", "")]
        (data_copy / name).write_text("\n".join(keep) + "\n")
    findings = run_checks(load_dataset(data_copy))
    assert {f.check for f in findings if f.table in ("participants-by-site", "improvements")} == {
        "parts against totals", "published average"}
    assert all(f.sites in ((), ("memphis",)) for f in findings)
