"""Each site's one-page family snapshot (issue 24, item 2): the figures the codebook names (or its
defaults), and a codebook that names what it does not have refused with the key at fault."""

import dataclasses

import pytest

from helpers import analysis, snapshot
from helpers.codebook import Snapshot

from .conftest import run_cli


def test_the_figures_the_codebook_names_and_its_defaults(synthetic, tfs):
    codebook = synthetic.codebook
    assert snapshot.pairs_of(synthetic, "oakridge-community-school") == [
        (item, "positive") for item in ("belong", "safe", "informed", "listen", "event")]  # as named
    families = dataclasses.replace(synthetic, codebook=codebook.model_copy(
        update={"snapshot": Snapshot(families="families")}))  # the items the families answered
    assert snapshot.pairs_of(families, "oakridge-community-school") == analysis.indicators(codebook)
    # No families' group (TFS): the figures the site's key findings lead with, largest gap first.
    gaps = analysis.gaps_for_site(tfs, "dayton")
    largest = list(zip(gaps["item"], gaps["answer"], strict=True))[:snapshot.HEADLINE_FIGURES]
    assert set(snapshot.pairs_of(tfs, "dayton")) == set(largest)  # in the codebook's order
    assert len(snapshot.pairs_of(tfs, "dayton")) == snapshot.HEADLINE_FIGURES


@pytest.mark.parametrize(("snapshot_key", "expected"), [
    ("snapshot: {families: parents}", "snapshot: families is 'parents', expected a group: community, "
                                      "organizational"),
    ("snapshot: {items: [parents, budget]}", "snapshot: items names 'budget', expected an item: "),
    ("snapshot: {items: [parents, parents]}", "snapshot: items: each item once"),
    ("snapshot: {family: community}", "key 'snapshot.family': found \"'community'\"; expected no such key"),
])
def test_a_snapshot_key_the_codebook_cannot_meet_is_refused_by_key(data_copy, snapshot_key, expected):
    codebook = data_copy / "codebook.yaml"
    codebook.write_text(codebook.read_text() + f"\n{snapshot_key}\n")
    result = run_cli("check-data", "--data", data_copy)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) < 10
