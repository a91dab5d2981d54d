"""Comparisons that do not mislead: a site against the rest of the network, each group of a
breakdown against the other respondents, and a gap called clear only when it survives the false
discovery rate across every comparison of the run's reports (one family, one verdict)."""

import pandas as pd
import pytest

from devtools.make_synthetic import write
from helpers import analysis, report
from helpers.context import Run
from helpers.load import load_dataset


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """Ten schools alike but for one real gap: at the fifth, far fewer feel kept informed."""
    folder = tmp_path_factory.mktemp("planted")
    write(folder, 10, 3, dataset_id="planted", spread=0.0, family_gap=0.0,
          plant={4: ("Q3_informed", -0.4)})
    return load_dataset(folder)


def test_the_planted_gap_is_found_and_the_noise_is_not(planted):
    compared = analysis.verdicts(planted)
    found = compared[compared["clear"]]
    fifth = planted.site_ids[4]
    assert [(r.kind, r.site, r.item, r.answer) for r in found.itertuples()] == [
        ("site", fifth, "informed", "positive")]
    assert found["gap"].iloc[0] < -30
    # Every site's figures, the contrasts, the changes and the breakdowns, at every site and in
    # the network: one family for the run.
    assert set(compared["kind"]) == {"site", "contrast", "change", "breakdown"}
    assert "" in set(compared["site"])
    assert len(set(compared["site"]) - {""}) >= 6  # the smallest sites have every figure withheld
    assert len(compared) > 300  # 355 under the attacker's-problem audit (420 under the bridge audit)
    # Without the control, noise would pass for findings too.
    assert (compared["p"] < 0.05).sum() > 1


def test_key_findings_name_only_clear_gaps(planted):
    fifth = planted.site_ids[4]
    # Any other site whose figures are published (the smallest have theirs withheld).
    other = next(s for s in planted.site_ids if s != fifth and len(analysis.gaps_for_site(planted, s)))
    head, _ = report.site_key_findings(Run(planted, fifth))
    assert "below the rest of the network on Kept informed" in head
    head, items = report.site_key_findings(Run(planted, other))
    name = planted.codebook.site_name(other)
    assert head.startswith(f"At {name}, people answered much like the rest of the network: none of its")
    assert not any("a clear gap" in item for item in items)
    _, items = report.network_key_findings(Run(planted))
    assert any(item.startswith("1 of ") and "Kept informed" in item for item in items)


SEEDS = range(1, 21)


@pytest.fixture(scope="module")
def many_runs(tmp_path_factory):
    """The run's family at each of 20 seeds: six schools alike (no spread, no family gap) but
    for one real breakdown gap, respondents from Spanish-speaking homes agreeing less that
    adults listen; at the statistics layer, nothing rendered."""
    families = []
    for seed in SEEDS:
        folder = tmp_path_factory.mktemp(f"seed{seed}")
        write(folder, 6, seed, dataset_id="planted", spread=0.0, family_gap=0.0,
              plant_breakdown={("Home_language", "Spanish"): ("Q2_listen", -0.5)})
        families.append(analysis.verdicts(load_dataset(folder, shared=False)))
    return families


def false_discoveries(families: list, clear: str) -> tuple[float, float, list]:
    """Returns the mean over the runs of the share of breakdown gaps called clear (column
    `clear`) that are noise, its standard error, and whether each run found the planted gap
    in the network (None where disclosure control withheld it)."""
    proportions, found = [], []
    for family in families:
        breakdowns = family[family["kind"] == "breakdown"]
        real = (breakdowns["breakdown"] == "home-language") & (breakdowns["item"] == "listen")
        called = breakdowns[breakdowns[clear]]
        proportions.append((~real[called.index]).sum() / max(len(called), 1))
        planted = breakdowns[real & (breakdowns["site"] == "") & (breakdowns["value"] == "spanish")]
        found.append(bool(planted[clear].iloc[0]) if len(planted) else None)  # None: withheld
    mean = sum(proportions) / len(proportions)
    error = (sum((p - mean) ** 2 for p in proportions) / (len(proportions) - 1) / len(proportions)) ** 0.5
    return mean, error, found


def test_breakdown_gaps_keep_the_false_discovery_rate_and_find_the_planted_gap(many_runs):
    """What Benjamini–Hochberg promises: on average over runs, at most q of the breakdown gaps
    called clear are noise (here q plus twice its standard error over the seeds; a single run
    may show one, as seed 4 of the rendered test below does), and a real gap is found. Calling
    clear every p under 0.05, the same runs fail the same check."""
    mean, error, found = false_discoveries(many_runs, "clear")
    assert mean <= analysis.FDR + 2 * error, (mean, error)
    published = [f for f in found if f is not None]
    assert len(published) >= 0.75 * len(found), found
    assert sum(published) >= 0.9 * len(published), found
    for family in many_runs:
        family["uncorrected"] = family["p"] < 0.05
    noise = pd.concat([f[(f["kind"] == "breakdown") & (f["item"] != "listen")] for f in many_runs])
    assert (noise["p"] < 0.05).sum() > 0.02 * len(noise)  # chance alone gives small p-values
    mean, error, found = false_discoveries(many_runs, "uncorrected")
    assert mean > analysis.FDR + 2 * error, (mean, error)
    assert all(f is not False for f in found)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_planted_breakdown_gap_is_a_key_finding(tmp_path, seed):
    """Respondents from Spanish-speaking homes, at every school, agree less that adults listen:
    the network's key findings name that gap, and every breakdown a key finding names is clear."""
    write(tmp_path, 12, seed, dataset_id="planted", family_gap=0.0,
          plant_breakdown={("Home_language", "Spanish"): ("Q2_listen", -0.25)})
    dataset = load_dataset(tmp_path)
    family = analysis.verdicts(dataset)
    breakdowns = family[family["kind"] == "breakdown"]
    assert len(breakdowns) > 150  # every group at every site and in the network, but those withheld
    planted = breakdowns[(breakdowns["site"] == "") & (breakdowns["value"] == "spanish")
                         & (breakdowns["item"] == "listen")].iloc[0]
    assert planted["clear"]
    assert planted["gap"] < -15
    clear = breakdowns[breakdowns["clear"]]
    _, items = report.network_key_findings(Run(dataset))
    named = [i for i in items if ", by " in i]
    assert any(i.startswith("Adults listen, by home language: ") and "of the Spanish group" in i
               and "a clear gap of −" in i for i in named)
    labels = {f"{dataset.codebook.item(i).label}, by " for i in clear["item"]}
    assert all(any(i.startswith(label) for label in labels) for i in named)
    for site in dataset.site_ids:
        _, items = report.site_key_findings(Run(dataset, site))
        assert all(any(i.startswith(label) for label in labels) for i in items if ", by " in i)


def test_a_site_is_compared_with_the_rest_of_the_network(synthetic):
    shares = analysis.site_shares(synthetic)
    site = synthetic.site_ids[0]
    row = shares[(shares["site"] == site) & (shares["item"] == "belong")].iloc[0]
    figures = synthetic.figures
    cut = figures[(figures["wave"] == "2025") & (figures["group"] == "") & (figures["breakdown"] == "")
                  & (figures["item"] == "belong") & (figures["answer"] == "positive")]
    network, own = cut[cut["site"] == ""].iloc[0], cut[cut["site"] == site].iloc[0]
    rest = 100 * (network["chosen"] - own["chosen"]) / (network["weight"] - own["weight"])
    assert row["reference"] == pytest.approx(rest)
    assert row["reference n"] == network["n"] - own["n"]
    assert row["gap"] == pytest.approx(own["percent"] - rest)
    assert row["gap low"] < row["gap"] < row["gap high"]


def test_the_disparity_between_sites_is_measured_against_the_whole_network(synthetic):
    """One reference for every site: the network's share of all respondents, not the first site's
    rest of the network (a new user's Qualtrics trial showed 62.15 = Alder's rest of the network
    where all respondents gave 63.59)."""
    table = analysis.disparity_by_indicator(synthetic).set_index(["item", "answer"])
    figures = synthetic.figures
    cut = figures[(figures["wave"] == "2025") & (figures["group"] == "") & (figures["breakdown"] == "")
                  & (figures["site"] == "") & (figures["item"] == "belong")]
    network = cut[cut["answer"] == "positive"].iloc[0]
    assert table.loc[("belong", "positive"), "reference"] == pytest.approx(
        100 * network["chosen"] / network["weight"])
    shares = analysis.site_shares(synthetic)
    first = shares[(shares["item"] == "belong") & (shares["answer"] == "positive")].iloc[0]
    assert table.loc[("belong", "positive"), "reference"] != pytest.approx(first["reference"])


def test_published_tallies_keep_the_published_mean_and_say_why(tfs):
    shares = analysis.site_shares(tfs)
    assert set(shares["reference"]) == {58.3, 43.0, 25.9, 20.3, 25.1}
    assert shares["p"].isna().all()  # no site counts to test against
    methods = report.methods(Run(tfs)).shown.data
    assert "gives no site counts from which to form the rest of the network" in methods


def test_precision_flags_follow_the_nchs_rules():
    from helpers.stats import imprecise

    assert imprecise(50.0, 40.0, 60.0, 29.0)          # effective n under 30
    assert imprecise(50.0, 35.0, 65.0, 100.0)         # an interval 30 points wide
    assert imprecise(10.0, 2.0, 16.0, 100.0)          # 14 points wide, 140% of 10
    assert not imprecise(50.0, 40.0, 60.0, 100.0)     # 20 points wide, 40% of 50
    assert not imprecise(10.0, 6.0, 16.0, 100.0)      # 10 points, 100% of 10


def test_imprecise_figures_are_marked_in_the_tables_and_explained(synthetic):
    chart = report.site_comparison_chart(report.sites(Run(synthetic, synthetic.site_ids[0], 10)))
    marked = chart.table[chart.table["note"] == "‡"]
    shares = analysis.site_shares(synthetic)
    assert len(marked) == int(shares["imprecise"].sum()) > 0
    assert f"‡ {len(marked)} of {len(shares)} figures are too imprecise" in chart.description
    assert "Parker et al. 2017" in report.methods(Run(synthetic)).shown.data


def test_breakdowns_carry_disparity_measures_across_groups(synthetic):
    rows = analysis.breakdown_disparity(synthetic, "home-language")
    cells = analysis.breakdown(synthetic, "home-language")
    belong = cells[(cells["item"] == "belong") & (cells["answer"] == "positive")]
    first = rows[(rows["item"] == "belong") & (rows["answer"] == "positive")].iloc[0]
    assert first["range"] == pytest.approx(belong["percent"].max() - belong["percent"].min())
    assert first["reference"] == pytest.approx(belong["overall"].iloc[0])
    # Each group against the others who stated a value (only published groups among them).
    spanish = belong[belong["value"] == "spanish"].iloc[0]
    others = belong[belong["value"] != "spanish"]
    figures = synthetic.figures
    cut = figures[(figures["wave"] == "2025") & (figures["site"] == "") & (figures["group"] == "")
                  & (figures["breakdown"] == "home-language") & (figures["item"] == "belong")
                  & (figures["answer"] == "positive") & figures["value"].isin(others["value"])]
    assert spanish["others %"] == pytest.approx(100 * cut["chosen"].sum() / cut["weight"].sum())
    assert spanish["gap"] == pytest.approx(spanish["percent"] - spanish["others %"])
    assert spanish["gap low"] < spanish["gap"] < spanish["gap high"]
    # Each share keeps its own Wilson interval: the chart's whiskers, the table's 95% low and high.
    shown = cells.dropna(subset=["percent"])
    assert (shown["low"] <= shown["percent"]).all()
    assert (shown["percent"] <= shown["high"]).all()
    section = report.breakdowns_section(Run(synthetic))
    html = report.to_html(section)
    assert "Disparity across home language groups, by figure" in html
    assert "Disparity across race/ethnicity groups, by figure" in html


def test_the_network_sets_like_beside_like(synthetic):
    """'Across all sites' compares figures of one measure: a new user's page set an agree share
    beside a choose-any option ('65.4% answer agree ... on informed, but only 7.3% on Other')."""
    from helpers.report import findings

    head, items = findings.network_key_findings(Run(synthetic))
    across = next(t for t in [head, *items] if t.startswith("Across all sites"))
    assert "answer agree or strongly agree on Feels safe, but only 56.1% on Kept informed" in across
