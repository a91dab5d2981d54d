"""The browser tests of tests/test_browser.py on the other shipped datasets (synthetic and
Tacoma, in English), in a file of their own so that `make test`'s two processes share the visits:
every page at both widths, the gate, the first screen and the printed family snapshots."""

import pytest

from .test_browser import (  # noqa: F401 (collected here too, with this file's runs)
    Expected,
    seen,
    test_every_family_snapshot_prints_on_one_page_in_both_languages,
    test_every_page_of_every_shipped_dataset_is_opened,
    test_the_gate_every_page_at_both_widths_has_no_problem,
    test_the_headline_and_a_key_finding_are_on_the_first_screen,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def runs(other_datasets):
    return ((other_datasets[0], "other index"),)


@pytest.fixture(scope="module")
def expected(other_datasets):
    others = sorted(p.relative_to(other_datasets[0] / "html").with_suffix("").as_posix()
                    for p in (other_datasets[0] / "html").glob("*/*.html"))
    assert len(others) == 28
    return Expected(sorted([*others, "other index"]), reports=28, sites=2 * 12, snapshots=12)
