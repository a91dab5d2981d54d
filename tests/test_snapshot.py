"""Each site's one-page family snapshot (issue 24, item 2): a codebook that names what it does
not have is refused with the key at fault."""

import pytest

from .conftest import run_cli


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
