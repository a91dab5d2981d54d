"""Disclosure control on a hand-made case: primary suppression alone leaks through a published
total, the audit says so, complementary suppression closes the leak, and an adversary solving
the published relations cannot recover what is hidden."""

import itertools

import pandas as pd
import pytest

from helpers.codebook import Codebook
from helpers.disclosure import protect

CODEBOOK = Codebook.model_validate({
    "dataset": {"id": "hand-made", "title": "t", "partnership": "p", "source": "s", "published": False},
    "sites": [{"id": s, "name": s.upper()} for s in ("a", "b", "c")],
    "scales": [{"id": "yes-no", "levels": [{"id": "no", "label": "No", "side": "negative"},
                                           {"id": "yes", "label": "Yes", "side": "positive"}]}],
    "items": [{"id": "q", "label": "Q", "kind": "yes-no", "scale": "yes-no"}],
    "waves": [{"id": "w", "label": "W"}],
})
# Yes and no answers at three sites and in the whole network; site c has 3 respondents.
COUNTS = {"a": (20, 14), "b": (15, 11), "c": (3, 2)}


def figures() -> pd.DataFrame:
    rows = []
    total = {"no": 0, "yes": 0}
    for site, (n, yes) in COUNTS.items():
        for answer, count in (("no", n - yes), ("yes", yes)):
            rows.append({"site": site, "answer": answer, "count": count, "n": n})
            total[answer] += count
    for answer, count in total.items():
        rows.append({"site": "", "answer": answer, "count": count, "n": sum(n for n, _ in COUNTS.values())})
    frame = pd.DataFrame(rows).assign(wave="w", group="", breakdown="", value="", item="q",
                                      exact=True, file="exports", weight=1.0, weight2=1.0, chosen=0.0,
                                      n_eff=1.0)
    frame["percent"] = 100 * frame["count"] / frame["n"]
    return frame.astype({"count": "Float64", "n": "Float64"})


def hidden(protected: pd.DataFrame) -> set:
    return set(protected.loc[protected["suppressed"] != "", "site"])


def test_primary_suppression_alone_leaks_through_the_total_and_the_audit_says_so():
    protected, audit = protect(figures(), CODEBOOK, min_base=10, complementary=False)
    assert hidden(protected) == {"c"}
    assert not audit.safe
    assert {key[1] for key in audit.recoverable} == {"c"}  # network minus a minus b


def test_complementary_suppression_hides_the_next_smallest_and_the_audit_passes():
    protected, audit = protect(figures(), CODEBOOK, min_base=10)
    assert hidden(protected) == {"c", "b"}  # b: the smallest published site
    assert audit.safe
    assert (audit.primary, audit.complementary) == (1, 1)
    shown = protected[protected["suppressed"] == ""]
    assert shown["n"].notna().all()
    assert protected.loc[protected["suppressed"] != "", ["percent", "count", "n"]].isna().all().all()


def test_an_adversary_cannot_recover_a_hidden_count():
    """From everything shown, try every whole-number answer for the hidden cells that fits the
    published relations: more than one fits each hidden count, so none is recovered."""
    protected, _ = protect(figures(), CODEBOOK, min_base=10)
    shown = protected[protected["suppressed"] == ""].set_index(["site", "answer"])["count"]
    network = {a: int(shown[("", a)]) for a in ("no", "yes")}
    known = {a: sum(int(shown[(s, a)]) for s in "a" if (s, a) in shown) for a in ("no", "yes")}
    for answer in ("no", "yes"):
        rest = network[answer] - known[answer]  # what b and c share between them
        fits = [(b, c) for b, c in itertools.product(range(rest + 1), repeat=2) if b + c == rest]
        assert len({c for _, c in fits}) > 1
        assert len({b for b, _ in fits}) > 1


@pytest.mark.parametrize("min_base", [5, 10, 16, 30])
def test_every_figure_under_the_minimum_base_is_suppressed(min_base):
    protected, audit = protect(figures(), CODEBOOK, min_base=min_base)
    small = {s for s, (n, _) in COUNTS.items() if n < min_base}
    assert small <= hidden(protected)
    assert audit.safe
