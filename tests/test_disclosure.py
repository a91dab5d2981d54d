"""Disclosure control on a hand-made case: primary suppression alone leaks through a published
total, the audit says so, complementary suppression closes the leak, and an adversary solving
the published relations cannot recover what is hidden."""

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.signal import fftconvolve

from helpers.audit import SMALL_GROUP
from helpers.codebook import Codebook
from helpers.disclosure import coded_bound, protect

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


# Today's leak, planted: every respondent states a home language, so a school's "not stated"
# remainder is 0 and a withheld language group is all respondents minus the groups shown.
# Both schools' "other" groups are withheld, so no sum along the schools gives either away.
LANGUAGES = Codebook.model_validate({
    "dataset": {"id": "hand-made", "title": "t", "partnership": "p", "source": "s", "published": False},
    "sites": [{"id": s, "name": s.upper()} for s in ("a", "b")],
    "scales": [{"id": "yes-no", "levels": [{"id": "no", "label": "No", "side": "negative"},
                                           {"id": "yes", "label": "Yes", "side": "positive"}]}],
    "items": [{"id": "q", "label": "Q", "kind": "yes-no", "scale": "yes-no", "column": "Q"}],
    "waves": [{"id": "w", "label": "W"}],
    "exports": [{"file": "export.csv", "wave": "w", "site_column": "S"}],  # the answers' file, a category
    "characteristics": [{"id": "language", "label": "home language", "column": "L",
                         "values": [{"id": v, "label": v} for v in ("english", "spanish", "other")]}],
})
# (site, language): (respondents, of whom yes)
PEOPLE = {("a", "english"): (30, 20), ("a", "spanish"): (12, 6), ("a", "other"): (5, 1),
          ("b", "english"): (25, 15), ("b", "spanish"): (15, 9), ("b", "other"): (6, 3)}


def everyone_states(people: dict = PEOPLE) -> pd.DataFrame:
    from helpers.tabulate import tabulate

    rows = [{"site": site, "language": language, "answer": "yes" if k < yes else "no"}
            for (site, language), (n, yes) in people.items() for k in range(n)]
    answers = pd.DataFrame(rows).assign(file="export.csv", wave="w", group="", weight=1.0, item="q")
    answers["row"] = range(len(answers))
    return tabulate(answers, LANGUAGES)


def test_the_audit_refuses_a_withheld_group_that_is_all_respondents_minus_the_groups_shown():
    protected, audit = protect(everyone_states(), LANGUAGES, min_base=10, complementary=False)
    withheld = set(protected.loc[protected["suppressed"] != "", "value"])
    assert withheld == {"other"}
    assert not audit.safe
    found = {(f.key[1], f.key[4], f.figure): f for f in audit.findings}
    leak = found[("a", "other", "positive")]
    assert (leak.low, leak.high, leak.true, leak.base) == (1, 1, 1, 5)
    assert leak.words() == "w / a / language / other / q: the positive count is 1 (of 5)"
    assert ("b", "other", "positive") in found


def test_complementary_suppression_repairs_the_planted_leak_and_the_audit_passes():
    protected, audit = protect(everyone_states(), LANGUAGES, min_base=10)
    assert audit.safe
    assert audit.complementary > 0
    shown = protected[protected["suppressed"] == ""]
    assert (shown["n"].astype(float) >= 10).all()


def test_a_withheld_remainder_of_fewer_than_the_minimum_is_refused():
    """Two groups withheld at one school: together they are all respondents minus the group
    shown, and they add up to fewer than the minimum (6 + 3), a small figure in itself."""
    people = {**PEOPLE, ("a", "spanish"): (6, 2), ("a", "other"): (3, 1), ("b", "spanish"): (15, 9),
              ("b", "other"): (12, 6)}
    _, audit = protect(everyone_states(people), LANGUAGES, min_base=10, complementary=False)
    remainders = [f for f in audit.findings if f.why == "remainder"]
    assert [(f.key[1], f.true) for f in remainders] == [("a", 9)]
    assert remainders[0].words().endswith("the withheld parts of a published total add up to 9 respondents")
    _, audit = protect(everyone_states(people), LANGUAGES, min_base=10)
    assert audit.safe


def test_what_rounds_of_repair_leave_undecided_is_withheld_around_it_until_the_audit_passes():
    """Under a protection interval of 2 counts, the rounds of repair on the synthetic exports
    leave one cell undecided (2025, Oakridge, Asian, Supports: a base of 1 not proved movable
    by 2), which ended the audit NOT SAFE; withholding more around it (its site's figures of that
    wave and question, then the network's, whose total withheld lets one answer change at the
    school and in the network alike) settles it, and the audit passes."""
    from helpers.load import read_codebook
    from helpers.tabulate import tabulate_exports
    from tests.conftest import SYNTHETIC

    codebook = read_codebook(SYNTHETIC)
    protected, audit = protect(tabulate_exports(SYNTHETIC, codebook), codebook, min_base=10, protection=2)
    assert audit.undecided > 0
    assert audit.safe
    oakridge = protected[(protected["wave"] == "2025") & (protected["site"] == "oakridge-community-school")
                         & (protected["item"] == "supports")]
    assert (oakridge["suppressed"] != "").all()


# Top/bottom coding: small groups (fewer than 30) at four sites, one of them large.
SMALL = {"a": (40, 30), "b": (12, 11), "c": (10, 10), "d": (20, 10), "e": (14, 1)}


def small_groups() -> pd.DataFrame:
    rows = []
    for site, (n, yes) in SMALL.items():
        rows += [{"site": site, "answer": "no", "count": n - yes, "n": n},
                 {"site": site, "answer": "yes", "count": yes, "n": n},
                 {"site": site, "answer": "positive", "count": yes, "n": n}]  # as tabulate adds it
    rows += [{"site": "", "answer": a, "count": sum(r["count"] for r in rows if r["answer"] == a),
              "n": sum(n for n, _ in SMALL.values())} for a in ("no", "yes", "positive")]
    frame = pd.DataFrame(rows).assign(wave="w", group="", breakdown="", value="", item="q", exact=True,
                                      file="exports", weight=1.0, weight2=1.0, chosen=0.0, n_eff=1.0)
    frame["percent"] = 100 * frame["count"] / frame["n"]
    return frame.astype({"count": "Float64", "n": "Float64"})


FIVE = Codebook.model_validate({**CODEBOOK.model_dump(), "sites": [{"id": s, "name": s.upper()}
                                                                   for s in SMALL]})


@pytest.mark.parametrize("min_base", [5, 10, 11, 16])
@pytest.mark.parametrize("protection", [1, 2, 3])
def test_the_coded_bound_leaves_two_counts_at_least_beyond_it_at_every_small_base(min_base, protection):
    """The mark "> x%" (or "< y%") leaves the count one of at least two whole numbers (the
    protection interval's worth, if more) at every base it may rest on, and one bound for all
    bases says nothing of the base."""
    bound = coded_bound(min_base, protection)
    if bound is None:  # none under 50% leaves that many at the minimum base: no mark at all
        fewest = [sum(100 * k < b * min_base for k in range(min_base + 1)) for b in range(5, 50, 5)]
        assert max(fewest) <= protection
        return
    for n in range(min_base, SMALL_GROUP):
        below = [k for k in range(n + 1) if 100 * k < bound * n]
        above = [k for k in range(n + 1) if 100 * k > (100 - bound) * n]
        assert len(below) >= max(2, protection + 1), n
        assert len(above) >= max(2, protection + 1), n
    assert bound == {5: 25, 10: 15, 11: 10, 16: 10}[min_base] or protection > 1


def test_a_small_groups_share_is_marked_wherever_it_passes_the_bound_and_only_there():
    """The mark means what it says: a small group's share above 85% or below 15% (the bound under
    a minimum base of 10) is always coded, so "> 85%" tells an outsider only that the count lies
    above 85% of a base of 10 to 29. (The mark printed only above 95% made "> 85%" on a group of
    10 mean all 10, and left 11 of 12 shown as 91.7%.)"""
    protected, _ = protect(small_groups(), FIVE, min_base=10)
    yes = protected[protected["answer"] == "positive"].set_index("site")
    assert yes.loc["b", "shown"] == "> 85%"  # 11 of 12
    assert yes.loc["c", "shown"] == "> 85%"  # 10 of 10
    assert yes.loc["e", "shown"] == "< 15%"  # 1 of 14
    assert "coded" not in {yes.loc["d", "suppressed"], yes.loc["a", "suppressed"]}
    assert set(yes.loc[yes["suppressed"] == "coded"].index) == {"b", "c", "e"}


def test_an_outsider_who_knows_the_coding_rule_recovers_no_coded_figure():
    """Every whole-number answer that fits what is shown, the marks read as the rule prints them
    (a small group's share past the bound marked, within it not; a mark's base 10 to 29): each
    withheld count takes two values at least, and none is shown none or all of its group."""
    protected, audit = protect(small_groups(), FIVE, min_base=10)
    assert audit.safe
    rows = protected[protected["answer"] == "positive"].set_index("site")
    bound = coded_bound(10, 1)
    total_n, total_yes = int(rows.loc["", "n"]), int(rows.loc["", "count"])
    hidden_sites = [s for s in SMALL if rows.loc[s, "suppressed"]]
    shown_n = sum(int(rows.loc[s, "n"]) for s in SMALL if s not in hidden_sites)
    shown_yes = sum(int(rows.loc[s, "count"]) for s in SMALL if s not in hidden_sites)

    def fits(site, n, yes):
        mark, kind = rows.loc[site, "shown"], rows.loc[site, "suppressed"]
        if kind == "primary":
            return 1 <= n < 10
        if kind == "coded":
            past = 100 * yes > (100 - bound) * n if mark.startswith(">") else 100 * yes < bound * n
            return 10 <= n < SMALL_GROUP and past
        return n >= SMALL_GROUP or bound * n <= 100 * yes <= (100 - bound) * n  # no mark

    size = total_n - shown_n + 1
    grids = {}  # each withheld site's possible (base, count), as a grid
    for site in hidden_sites:
        grid = np.zeros((size, size), dtype=bool)
        for n in range(1, size):
            grid[n, :n + 1] = [fits(site, n, y) for y in range(n + 1)]
        grids[site] = grid
    for site in hidden_sites:  # the others' sums, then what is left for the site
        others = np.zeros((size, size), dtype=bool)
        others[0, 0] = True
        for other in (o for o in hidden_sites if o != site):
            others = fftconvolve(others.astype(float), grids[other].astype(float))[:size, :size] > 0.5
        left_n, left_y = total_n - shown_n, total_yes - shown_yes
        possible = [(n, y) for n, y in zip(*np.nonzero(grids[site]), strict=True)
                    if left_y - y >= 0 and others[left_n - n, left_y - y]]
        assert (SMALL[site][0], SMALL[site][1]) in possible
        assert len({y for _, y in possible}) >= 2, site
        assert any(y > 0 for _, y in possible), site  # not none of the group
        assert any(y < n for n, y in possible), site  # not all of it
        assert len({n for n, _ in possible}) >= 2, site

