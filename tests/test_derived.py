"""Derived characteristics (codebook: derived_from, combines): validated with the key at fault,
tabulated from the exports like any other, and protected so that a combined group minus the
groups shown never gives back a withheld one (its sums are among the relations helpers.audit
solves)."""

import shutil

import pandas as pd
import pytest
import yaml

from helpers.codebook import Codebook
from helpers.disclosure import protect
from helpers.errors import InputError
from helpers.load import load_dataset
from tests.adversary import recover
from tests.conftest import SYNTHETIC
from tests.test_disclosure import CODEBOOK

OF_COLOUR = {"id": "white-or-of-colour", "label": "white or of colour", "derived_from": "race-ethnicity",
             "values": [{"id": "white", "label": "White", "combines": ["white"]},
                        {"id": "of-colour", "label": "of colour",
                         "combines": ["black", "hispanic-or-latino", "asian", "multiracial-or-other"]}]}

HAND_MADE = Codebook.model_validate(CODEBOOK.model_dump() | {"characteristics": [  # by race, and combined
    {"id": "race", "label": "race", "column": "Race",
     "values": [{"id": v, "label": v.upper()} for v in "xyz"]},
    {"id": "combined", "label": "combined", "derived_from": "race",
     "values": [{"id": "xy", "label": "X or Y", "combines": ["x", "y"]},
                {"id": "z-again", "label": "Z", "combines": ["z"]}]}]})
# (respondents, yes) by site and race; site a's y has 3 respondents, under the minimum base of 10.
PEOPLE = {"a": {"x": (20, 12), "y": (3, 1), "z": (15, 9)}, "b": {"x": (25, 10), "y": (11, 6), "z": (18, 9)},
          "c": {"x": (30, 20), "y": (16, 8), "z": (12, 5)}}


def hand_made_figures() -> pd.DataFrame:
    """Returns the counted figures of the hand-made case: race and its combinations, at each
    site and in the network, as helpers.tabulate would give them."""
    cells = {}
    for site, values in PEOPLE.items():
        for value, (n, yes) in values.items():
            for where in (site, ""):
                for breakdown, group in (("race", value), ("combined", "xy" if value in "xy" else "z-again")):
                    total = cells.setdefault((where, breakdown, group), [0, 0])
                    total[0] += n
                    total[1] += yes
    rows = [{"site": site, "breakdown": breakdown, "value": value, "answer": answer, "count": count, "n": n}
            for (site, breakdown, value), (n, yes) in cells.items()
            for answer, count in (("no", n - yes), ("yes", yes))]
    frame = pd.DataFrame(rows).assign(wave="w", group="", item="q", exact=True, file="exports",
                                      weight=1.0, weight2=1.0, chosen=0.0, n_eff=1.0)
    frame["percent"] = 100 * frame["count"] / frame["n"]
    return frame.astype({"count": "Float64", "n": "Float64"})


def withheld(figures: pd.DataFrame, breakdown: str) -> set:
    rows = figures[(figures["suppressed"] != "") & (figures["breakdown"] == breakdown)]
    return set(zip(rows["site"], rows["value"], strict=True))


def test_the_audit_knows_a_combined_group_is_the_sum_of_its_parts():
    """X or Y at a minus X at a is Y at a: the audit holds that relation among the published ones
    (without it, the sites-and-groups audit passed and the adversary recovered Y at a)."""
    protected, audit = protect(hand_made_figures(), HAND_MADE, min_base=10)
    assert audit.safe
    assert ("a", "y") in withheld(protected, "race")
    assert recover(protected, HAND_MADE) == []
    rows = protected[(protected["suppressed"] != "") & (protected["breakdown"] == "combined")]
    assert len(rows)
    assert rows[["percent", "count", "n"]].isna().all().all()
    assert set(rows["shown"]) == {"—"}


def test_a_combined_group_shown_beside_all_its_parts_but_one_is_refused_naming_the_part():
    """Withheld by hand where only the part is: the audit (complementary suppression off) finds
    it pinned through the combination."""
    figures = hand_made_figures()
    figures = figures[~((figures["site"] == "a") & (figures["breakdown"] == "race")
                        & (figures["value"] == "z"))]  # a's race row no longer gives y away
    _, audit = protect(figures, HAND_MADE, min_base=10, complementary=False)
    assert ("w", "a", "", "race", "y", "q") in audit.recoverable


def synthetic_with(tmp_path, characteristic: dict):
    """Returns a copy of the synthetic dataset whose codebook declares one more characteristic."""
    folder = shutil.copytree(SYNTHETIC, tmp_path / "synthetic")
    path = folder / "codebook.yaml"
    codebook = yaml.safe_load(path.read_text(encoding="utf-8"))
    codebook["characteristics"].append(characteristic)
    path.write_text(yaml.safe_dump(codebook, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def of_colour(tmp_path_factory):
    return load_dataset(synthetic_with(tmp_path_factory.mktemp("derived"), OF_COLOUR), shared=False)


def test_a_derived_characteristic_is_tabulated_from_its_source_values(of_colour, synthetic):
    """Where every part is shown, a combined group's counts and base are its parts' sums."""
    figures = of_colour.figures
    race = figures[figures["breakdown"] == "race-ethnicity"].assign(
        value=lambda rows: rows["value"].map(of_colour.codebook.characteristic(OF_COLOUR["id"]).recoding()),
    )
    cell = ["wave", "site", "item", "answer", "value"]
    summed = race.groupby(cell, observed=True)[["count", "n"]].agg(lambda v: v.sum(min_count=len(v)))
    derived = figures[figures["breakdown"] == OF_COLOUR["id"]].set_index(cell)[["count", "n"]]
    both = derived.join(summed.add_suffix(" parts")).dropna()
    assert len(both) > 100  # 113 answers of cells where a combined group and all its parts are shown
    assert (both["count"] == both["count parts"]).all()
    assert (both["n"] == both["n parts"]).all()
    cell = ["wave", "site", "group", "breakdown", "value", "item", "answer"]
    same = figures[figures["breakdown"] != OF_COLOUR["id"]].merge(synthetic.figures, on=cell)
    assert len(same) == len(synthetic.figures)  # the same figures, some withheld otherwise
    both = same[(same["suppressed_x"] == "") & (same["suppressed_y"] == "")]
    assert len(both) > len(same) / 5  # a fifth shown in both (top/bottom coding past 15% withholds more)
    assert (both["count_x"] == both["count_y"]).all()
    assert (both["n_x"] == both["n_y"]).all()


def test_no_withheld_figure_can_be_worked_out_with_a_derived_characteristic(of_colour):
    figures = of_colour.figures
    assert of_colour.audit.safe
    latest = figures[figures["wave"] == "2025"]
    assert recover(latest, of_colour.codebook) == []
    assert withheld(latest, "race-ethnicity")  # the case arises: some groups are withheld at some school
    assert withheld(latest, OF_COLOUR["id"])


@pytest.mark.parametrize(("change", "expected"), [
    ({"derived_from": "religion"}, "key 'characteristics.white-or-of-colour.derived_from': found 'religion'; "
     "expected a characteristic read from an export's column: race-ethnicity, home-language"),
    ({"values": [{"id": "white", "label": "White", "combines": ["whyte"]}]},
     "key 'characteristics.white-or-of-colour.values.white.combines': found 'whyte'; expected a value of "
     "race-ethnicity: black, hispanic-or-latino, white"),
    ({"values": [{"id": "white", "label": "White", "combines": ["white"]},
                 {"id": "both", "label": "Both", "combines": ["black", "white"]}]},
     "key 'characteristics.white-or-of-colour': expected each value of race-ethnicity in one combination "
     "at most "
     "('white' is in both 'white' and 'both')"),
    ({"values": [{"id": "white", "label": "White"}]},
     "key 'characteristics.white-or-of-colour': expected combines on every value of a derived "
     "characteristic "
     "(missing on white)"),
    ({"column": "Race_ethnicity"}, "expected derived_from or column, not both"),
])
def test_a_mistaken_derived_characteristic_is_named_by_file_and_key(tmp_path, change, expected):
    folder = synthetic_with(tmp_path, OF_COLOUR | change)
    with pytest.raises(InputError) as error:
        load_dataset(folder, shared=False)
    assert str(error.value).startswith(f"{folder / 'codebook.yaml'}")
    assert expected in str(error.value)
    assert "Traceback" not in str(error.value)
    assert len(str(error.value)) < 1000


def test_combines_without_derived_from_is_refused(tmp_path):
    folder = synthetic_with(tmp_path, {"id": "x", "label": "x", "column": "Home_language",
                                       "values": [{"id": "english", "label": "English", "combines": ["a"]}]})
    with pytest.raises(InputError, match="expected derived_from naming the characteristic whose values "
                                         "'english' combines"):
        load_dataset(folder, shared=False)


def test_a_derived_characteristic_is_broken_down_like_any_other(of_colour):
    """The reports' breakdowns take it as they take race/ethnicity: each group against the other."""
    from helpers import analysis

    rows = analysis.breakdown(of_colour, OF_COLOUR["id"], "")
    belong = rows[rows["item"] == "belong"].set_index("value")
    assert list(belong.index) == ["white", "of-colour"]
    assert belong.loc["white", "others %"] == pytest.approx(belong.loc["of-colour", "percent"])
    white, of_colour_share = belong.loc["white", "percent"], belong.loc["of-colour", "percent"]
    assert belong.loc["white", "gap"] == pytest.approx(white - of_colour_share)


def test_data_readme_declares_the_characteristic_these_tests_load():
    readme = (SYNTHETIC.parent / "README.md").read_text(encoding="utf-8")
    text = readme.split("### Derived characteristics")[1]
    block = text.split("```yaml\n")[1].split("```")[0]
    assert yaml.safe_load(block) == [OF_COLOUR]
