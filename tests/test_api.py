"""The analyst's API (helpers.api): the issue's three tasks in a few lines each, their figures
checked against the export counted here by hand; names as well as ids; withheld figures marked
with their reason; charts that show inline; no result from a cache of other data; and the
explore notebook run under papermill (and never rendered as a report)."""

import dataclasses
import json
import re

import nbformat
import numpy as np
import pandas as pd
import papermill
import pytest

from helpers import analysis, language, words
from helpers.api import chart, derive, figures, open_dataset
from helpers.codebook import translated
from helpers.errors import InputError
from helpers.load import load_dataset
from helpers.paths import NOTEBOOKS
from helpers.render import plan
from tests.conftest import SYNTHETIC, TFS

POSITIVE, NEGATIVE = {"agree", "strongly agree"}, {"disagree", "strongly disagree"}
OF_COLOUR = ["Black", "Hispanic or Latino", "Asian", "Multiracial or other"]


@pytest.fixture(scope="module")
def data():
    return open_dataset("synthetic")


@pytest.fixture(scope="module")
def export():
    """The 2024 export as it came, its texts matched as the codebook matches them."""
    rows = pd.read_csv(SYNTHETIC / "responses-2024.csv", dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")
    rows["belong"] = rows["Q1_belong"].map(lambda text: " ".join(text.split()).casefold())
    rows["weight"] = rows["Weight"].astype(float)
    rows["School"] = rows["School"].str.strip().str.title()
    return rows[rows["belong"].isin(POSITIVE | NEGATIVE)]  # the base: substantive answers only


def agreeing(rows: pd.DataFrame) -> float:
    """Returns the weighted share agreeing, counted here from the export's own rows."""
    return 100 * rows.loc[rows["belong"].isin(POSITIVE), "weight"].sum() / rows["weight"].sum()


def test_a_the_share_agreeing_by_site_and_wave(data, export):
    """Task (a), three lines: every school and all sites, each wave, names not ids; the
    withheld ones keep their row, with the reason."""
    table = figures(data, item="Belonging", group="all respondents")
    wide = table.pivot(index="site", columns="wave", values="percent")
    withheld = table[table["withheld"] != ""]

    assert list(wide.columns) == ["spring 2024", "spring 2025"]
    assert list(wide.index) == ["all sites", *(s.name for s in data.codebook.sites)]
    assert wide.loc["all sites", "spring 2024"] == pytest.approx(agreeing(export), abs=1e-9)
    for school, rows in export.groupby("School"):
        shown = table[(table["site"] == school) & (table["wave"] == "spring 2024")]
        assert len(shown) == 1
        if shown["withheld"].iloc[0]:
            assert np.isnan(shown["percent"].iloc[0])
        else:
            assert shown["percent"].iloc[0] == pytest.approx(agreeing(rows), abs=1e-9)
            assert shown["n"].iloc[0] == len(rows)
    assert len(withheld) >= 2
    assert withheld["percent"].isna().all()
    coded = "fewer than 30 respondents, and a share above 85% or below 15%, which is shown only as that bound"
    assert set(withheld["withheld"]) <= {"so that another withheld figure cannot be worked out from it",
                                         "fewer than 10 respondents", f"{coded} (> 85%)", f"{coded} (< 15%)"}
    hidden = analysis.suppressed_shares(data)
    hidden = hidden[(hidden["item"] == "belong") & (hidden["group"] == "") & (hidden["breakdown"] == "")]
    assert len(withheld) == len(hidden)
    assert (table["site"] != "").all()
    assert (table["group"] == "all respondents").all()


def test_a_coded_figures_reason_says_what_its_mark_means(data):
    """A coded figure's reason states the dataset's bound (not "nearly all" of a group, which a
    share of 86% of 29 is not), and where no bound can protect a small group, that none can."""
    def reason(min_base, protection):
        rules = data.codebook.dataset.disclosure.model_copy(
            update={"minimum_base": min_base, "protection_interval": protection})
        codebook = data.codebook.model_copy(
            update={"dataset": data.codebook.dataset.model_copy(update={"disclosure": rules})})
        return words.withheld_reasons(dataclasses.replace(data, codebook=codebook))["coded"]

    assert reason(10, 1) == ("fewer than 30 respondents, and a share above 85% or below 15%, which is "
                             "shown only as that bound")
    assert "above 75% or below 25%" in reason(5, 1)
    assert reason(10, 5) == "fewer than 30 respondents, too few for any bound on a share to protect them"


def test_names_and_ids_give_the_same_figures_and_an_unknown_name_is_named(data):
    by_name = figures(data, item="belonging", site=["Northside Community School", "ALL SITES"],
                      wave="Spring 2025")
    by_id = figures(data, item="belong", site=["northside-community-school", "all sites"], wave="2025")
    assert len(by_name) == 7
    assert by_name.equals(by_id)
    assert list(by_name["group"][:4]) == ["all respondents", "students", "families", "staff"]
    with pytest.raises(InputError, match="argument 'site': found ''"):
        figures(data, site="")  # "all sites" says it
    with pytest.raises(InputError) as error:
        figures(data, site="Northside")
    message = str(error.value)
    assert message.startswith("the analyst API, argument 'site': found 'Northside'; expected an id or a "
                              "label of the dataset's sites: all sites, Northside Community School")
    assert message.endswith("and 2 more")
    assert len(message) < 600


def test_published_tallies_come_as_printed_with_their_n_marked_inferred():
    tfs = open_dataset("tfs")
    chicago = figures(tfs, site="Chicago")
    printed = pd.read_csv(TFS / "figures.csv", dtype=str, keep_default_na=False)
    printed = printed[printed["site"] == "chicago"]
    assert chicago["percent"].tolist() == [float(p) for p in printed["percent"]]
    assert chicago["inferred"].all()
    assert chicago["n"].tolist() == [11] * 5  # elevenths (data/README.md, the TFS brief's slips)
    assert set(chicago["table"]) == {tfs.codebook.table_title("improvements")}
    mean = figures(tfs, site="the published all-sites figure", item="improvements")
    assert len(mean) == 5
    assert mean["percent"].iloc[0] == 58.3


def test_in_spanish_the_labels_and_reasons_are_spanish(data):
    """A dataset opened in Spanish speaks Spanish in its figures and charts, an English one
    English, one after the other in the same session: opening switches nothing."""
    spanish = open_dataset("synthetic", language="es")
    assert language.current() == "en"
    table = figures(spanish, item="Pertenencia", site="todos los sitios", group="all respondents")
    assert set(table["site"]) == {"todos los sitios"}
    assert set(table["wave"]) == {"primavera de 2024", "primavera de 2025"}
    english = figures(data, item="Belonging", site="all sites", group="all respondents")
    assert set(english["site"]) == {"all sites"}
    withheld = figures(spanish, item="belong", site="Hillcrest Community School", wave="2024",
                       group="all respondents")["withheld"]
    assert withheld.tolist() == ["para que no se pueda deducir de ella otra cifra reservada"]
    plot = chart(spanish, item="belong", site=["Hillcrest Community School", "todos los sitios"],
                 wave="2025", group="all respondents")
    chart(data, item="belong", site="all sites", wave="2025")._repr_svg_()  # drawn between the two
    assert "Proporción (%)" in plot._repr_svg_()
    assert language.current() == "en"


def test_b_one_chart_for_a_chosen_subset_shows_inline_with_what_it_draws(data):
    """Task (b), one line: the chart displays itself in Jupyter (SVG), its dots at the figures."""
    plot = chart(data, item=["Belonging", "Feels safe"], site=["Oakridge Community School", "all sites"],
                 wave="spring 2025", group="all respondents")
    svg = plot._repr_svg_()
    assert "<svg" in svg[:300]
    assert svg.rstrip().endswith("</svg>")
    assert "Figure size" not in repr(plot)
    chosen = figures(data, item=["Belonging", "Feels safe"], site=["Oakridge Community School", "all sites"],
                     wave="spring 2025", group="all respondents")
    drawn = {line.get_gid(): list(line.get_xdata()) for line in plot.figure.axes[0].lines
             if (line.get_gid() or "").startswith("dots:")}
    for site, rows in chosen.groupby("site", observed=True):
        shown = rows[rows["withheld"] == ""]["percent"].tolist()
        assert drawn.get(f"dots:{site}", []) == pytest.approx(shown)
    oakridge = chosen[(chosen["site"] == "Oakridge Community School") & (chosen["item"] == "Belonging")]
    assert oakridge["withheld"].iloc[0]  # withheld (top coded): marked where its dot would be
    marks = {line.get_gid() for line in plot.figure.axes[0].lines}
    assert "withheld:Belonging:Oakridge Community School" in marks
    texts = [t.get_text() for t in plot.figure.axes[0].texts]
    assert any("withheld" in t for t in texts)
    assert [
        t for t in texts if t in ("Belonging", "Feels safe")] == ["Belonging", "Feels safe"]


def test_c_a_new_breakdown_declared_as_a_derived_characteristic(data, export):
    """Task (c), two lines: white against of colour, counted from the exports and protected."""
    colour = derive(data, "race/ethnicity", "white or of colour",
                    {"White": ["White"], "of colour": OF_COLOUR})
    table = figures(colour, item="Belonging", breakdown="white or of colour", site="all sites",
                    wave="spring 2024")

    assert list(table["value"]) == ["White", "of colour"]
    for value, races in (("White", ["White"]), ("of colour", OF_COLOUR)):
        rows = export[export["Race_ethnicity"].isin(races)]
        row = table[table["value"] == value].iloc[0]
        assert row["percent"] == pytest.approx(agreeing(rows), abs=1e-9)
        assert row["n"] == len(rows)
    parts = figures(colour, item="Belonging", breakdown="race/ethnicity", site="all sites",
                    wave="spring 2024")
    of_colour = parts.loc[parts["value"].isin(OF_COLOUR), "n"]  # its parts, where all are shown
    if of_colour.notna().all():
        assert of_colour.sum() == table.loc[1, "n"]
    else:  # some withheld: those shown are fewer
        assert of_colour.sum() < table.loc[1, "n"]
    assert chart(colour, item="Belonging", breakdown="white or of colour", site="all sites")._repr_svg_()
    at_schools = figures(colour, breakdown="white or of colour", site=[s.id for s in data.codebook.sites])
    assert (at_schools["withheld"] != "").any()
    assert (at_schools["withheld"] == "").any()
    language_too = derive(colour, "home language", "English at home", {"English": ["English"],
                                                                        "another": ["Spanish", "Other"]})
    labels = {c.label for c in language_too.codebook.characteristics}
    assert {"white or of colour", "English at home"} <= labels
    assert len(figures(language_too, breakdown="white or of colour")) == len(
        figures(colour, breakdown="white or of colour"))
    expected = ("key 'characteristics.odd.values.odd.combines': found 'Purple'; "
                "expected a value of race-ethnicity")
    with pytest.raises(InputError, match=re.escape(expected)):
        derive(data, "race/ethnicity", "odd", {"Odd": ["Purple"]})


def test_a_copy_with_other_figures_is_never_answered_from_the_cache_of_the_original(data):
    """Forgetting cache={} in dataclasses.replace used to return the original's results (0 rows
    of the copy's data); now a copy starts empty, and a cache cannot be handed over."""
    analysis.shares(data)
    northside = data.figures[data.figures["site"] == "northside-community-school"]
    one = dataclasses.replace(data, figures=northside)
    assert set(analysis.shares(one)["site"]) == {"northside-community-school"}
    assert len(analysis.shares(one)) < len(analysis.shares(data))
    with pytest.raises(ValueError, match="init=False"):
        dataclasses.replace(data, cache={})


def test_only_the_same_data_under_other_texts_shares_the_cache(data):
    spanish = data.relabelled(codebook=translated(data.codebook, SYNTHETIC, "es"))
    assert spanish.cache is data.cache
    assert spanish.codebook.items[0].label != data.codebook.items[0].label
    other = load_dataset(TFS, shared=False)
    with pytest.raises(ValueError, match="same codebook with other texts only"):
        data.relabelled(codebook=other.codebook)


def test_the_explore_notebook_runs_under_papermill_and_is_no_report(tmp_path):
    notebook = NOTEBOOKS / "explore.ipynb"
    stored = nbformat.read(notebook, as_version=4)
    assert all(not cell.get("outputs") and not cell.get("execution_count") for cell in stored.cells
               if cell.cell_type == "code")
    assert sum(cell.cell_type == "markdown" for cell in stored.cells) >= 5
    papermill.execute_notebook(str(notebook), str(tmp_path / "explore.ipynb"), kernel_name="python3",
                               progress_bar=False, cwd=str(NOTEBOOKS))
    ran = nbformat.read(tmp_path / "explore.ipynb", as_version=4)
    outputs = json.dumps([cell.get("outputs", []) for cell in ran.cells])
    assert "image/svg+xml" in outputs
    assert "Figure size" not in outputs
    assert "Traceback" not in outputs
    assert "notebooks/explore.ipynb" not in {str(r.notebook.relative_to(NOTEBOOKS.parent))
                                             for r in plan(SYNTHETIC, SYNTHETIC / "no-params")}


def test_the_api_uses_only_the_public_names_of_other_modules():
    import ast
    import inspect

    from helpers import api

    private = [f"{node.module}.{alias.name}" for node in ast.walk(ast.parse(inspect.getsource(api)))
               if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers")
               for alias in node.names if alias.name.startswith("_") and alias.name != "_"]
    assert private == []


def test_a_derived_characteristic_the_codebook_refuses_is_named_by_its_key_path(data):
    with pytest.raises(InputError) as error:
        derive(data, "race/ethnicity", "Of colour", {"of colour": ["Black", "Martian"]})
    assert "Traceback" not in str(error.value)
    assert "key 'characteristics.of-colour.values.of-colour.combines': found 'Martian'" in str(error.value)
