"""The TFS figures are the same after the move to the codebook form: every inferred n, interval
and disparity measure equals what the reports showed before (fixtures/tfs_before_codebook.json,
written from the last render of the old tables)."""

import json

import pytest

from helpers import analysis

from .conftest import FIXTURES

BEFORE = json.loads((FIXTURES / "tfs_before_codebook.json").read_text())


def test_site_figures_intervals_and_gaps(tfs):
    now = analysis.site_shares(tfs)
    options = {o.label: o.id for o in tfs.codebook.item("improvements").options}
    assert len(now) == len(BEFORE["site_intervals"]) == 20
    indexed = now.set_index(["answer", "site"])
    for old in BEFORE["site_intervals"]:
        row = indexed.loc[(options[old["area"]], old["site"])]
        assert row["percent"] == old["percent"]
        assert row["n"] == old["n"]
        assert row["low"] == pytest.approx(old["low"], abs=1e-6)
        assert row["high"] == pytest.approx(old["high"], abs=1e-6)
        assert row["reference"] == old["all_sites"]
        assert row["gap"] == pytest.approx(old["gap"], abs=1e-9)


def test_disparity_measures(tfs):
    now = analysis.disparity_by_indicator(tfs).round(2)
    assert len(now) == len(BEFORE["disparity"]) == 5
    pairs = {"reference": "all sites %", "range": "range (points)", "range ratio": "range ratio",
             "index of disparity": "index of disparity (%)",
             "between-group variance": "between-group variance", "theil": "Theil ×1000",
             "mld": "MLD ×1000"}
    for (_, new), old in zip(now.iterrows(), BEFORE["disparity"], strict=True):
        assert {k: new[k] for k in pairs} == {k: old[v] for k, v in pairs.items()}


@pytest.mark.parametrize(("table", "key"), [("involvement", "involvement_gaps"),
                                            ("likert", "likert_gaps")])
def test_partner_group_gaps_and_newcombe_intervals(tfs, table, key):
    now = analysis.contrasts(tfs, "", table)
    assert len(now) == len(BEFORE[key])
    labels = {i.label: i.id for i in tfs.codebook.items}
    labels |= {i.wording_for("organizational").rstrip("."): i.id for i in tfs.codebook.items}
    indexed = now.set_index("item")
    for old in BEFORE[key]:
        row = indexed.loc[labels[old["label"]]]
        assert row["first %"] == pytest.approx(old["community"], abs=1e-9)
        assert row["second %"] == pytest.approx(old["organizational"], abs=1e-9)
        assert row["gap"] == pytest.approx(old["gap"], abs=1e-9)
        assert row["low"] == pytest.approx(old["low"], abs=1e-6)
        assert row["high"] == pytest.approx(old["high"], abs=1e-6)
