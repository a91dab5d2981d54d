"""Any partnership's survey: respondent-level exports tabulated exactly, in every file format,
and every shipped dataset rendered, with nothing about one partnership in the code."""

import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from helpers.load import load_dataset
from helpers.paths import ROOT

from .conftest import SYNTHETIC, TFS, html_of, run_cli


def test_the_synthetic_dataset_is_what_its_seeded_script_writes(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "devtools" / "make_synthetic.py"), "--out",
                    str(tmp_path)], check=True, capture_output=True)
    for name in ("codebook.yaml", "codebook.es.yaml", "responses-2024.csv"):
        assert (tmp_path / name).read_bytes() == (SYNTHETIC / name).read_bytes(), name
    fresh = pd.read_excel(tmp_path / "responses-2025.xlsx", dtype=str, engine="calamine")
    shipped = pd.read_excel(SYNTHETIC / "responses-2025.xlsx", dtype=str, engine="calamine")
    pd.testing.assert_frame_equal(fresh, shipped)
    assert "synthetic: true" in (SYNTHETIC / "codebook.yaml").read_text()


def answers_by_hand(column: str) -> pd.DataFrame:
    """Returns the 2024 export's answers to one question, read without the package."""
    raw = pd.read_csv(SYNTHETIC / "responses-2024.csv", dtype=str, keep_default_na=False,
                      encoding="utf-8-sig")
    raw["answer"] = raw[column].str.strip().str.lower()
    raw["site"] = raw["School"].str.strip().str.lower()
    raw["weight"] = raw["Weight"].astype(float)
    return raw


def test_counts_and_bases_are_exact_and_dont_know_and_skips_leave_the_base(synthetic):
    raw = answers_by_hand("Q2_listen")
    site = raw["site"].iloc[0]
    mine = raw[raw["site"] == site]
    agree = mine["answer"].isin(["agree", "strongly agree"]).sum()
    disagree = mine["answer"].isin(["disagree", "strongly disagree"]).sum()
    dont_know = mine["answer"].isin(["don't know", "dk"]).sum()
    skipped = (mine["answer"] == "").sum()
    assert skipped > 0 or dont_know > 0  # the export exercises both somewhere
    figures = synthetic.figures
    site_id = next(s.id for s in synthetic.codebook.sites if s.name.lower() == site)
    cut = figures[(figures["wave"] == "2024") & (figures["site"] == site_id) & (figures["group"] == "")
                  & (figures["breakdown"] == "") & (figures["item"] == "listen")].set_index("answer")
    assert cut.loc["positive", "count"] == agree
    assert cut.loc["negative", "count"] == disagree
    assert cut.loc["positive", "n"] == agree + disagree  # don't know and skips leave the base
    assert cut.loc["dont-know", "count"] == dont_know
    assert cut.loc["dont-know", "n"] == agree + disagree + dont_know
    levels = ["strongly-disagree", "disagree", "agree", "strongly-agree"]
    assert cut.loc[levels, "count"].sum() == cut.loc["positive", "n"]
    assert cut.loc[levels, "percent"].sum() == pytest.approx(100)


def test_weighted_percentages_and_kish_effective_n(synthetic):
    raw = answers_by_hand("Q1_belong")
    base = raw[raw["answer"].isin(["agree", "strongly agree", "disagree", "strongly disagree"])]
    positive = base["answer"].isin(["agree", "strongly agree"])
    weights = base["weight"]
    figures = synthetic.figures
    row = figures[(figures["wave"] == "2024") & (figures["site"] == "") & (figures["group"] == "")
                  & (figures["breakdown"] == "") & (figures["item"] == "belong")
                  & (figures["answer"] == "positive")].iloc[0]
    assert row["percent"] == pytest.approx(100 * weights[positive].sum() / weights.sum())
    assert row["n_eff"] == pytest.approx(weights.sum() ** 2 / (weights**2).sum())
    assert row["n"] == len(base)
    assert row["n_eff"] < row["n"]


def test_choose_any_options_are_shares_of_those_who_answered(synthetic):
    raw = answers_by_hand("Q6_supports")
    answered = raw[raw["answer"] != ""]
    tutoring = answered["answer"].str.split(";").map(lambda chosen: "tutoring" in chosen)
    figures = synthetic.figures
    row = figures[(figures["wave"] == "2024") & (figures["site"] == "") & (figures["group"] == "")
                  & (figures["breakdown"] == "") & (figures["item"] == "supports")
                  & (figures["answer"] == "tutoring")].iloc[0]
    assert (row["count"], row["n"]) == (tutoring.sum(), len(answered))


@pytest.mark.parametrize("kind", ["xlsx", "sav"])
def test_an_excel_or_spss_export_gives_the_same_figures_as_its_csv(tmp_path, synthetic, kind):
    folder = shutil.copytree(SYNTHETIC, tmp_path / "data")
    raw = pd.read_csv(folder / "responses-2024.csv", dtype=str, keep_default_na=False,
                      encoding="utf-8-sig")
    if kind == "xlsx":
        raw.to_excel(folder / "responses-2024.xlsx", index=False)
    else:
        import pyreadstat

        pyreadstat.write_sav(raw, str(folder / "responses-2024.sav"))
    codebook = folder / "codebook.yaml"
    codebook.write_text(codebook.read_text().replace("file: responses-2024.csv",
                                                     f"file: responses-2024.{kind}"))
    (folder / "responses-2024.csv").unlink()
    again = load_dataset(folder).figures
    columns = ["wave", "site", "group", "breakdown", "value", "item", "answer", "count", "n", "percent"]
    pd.testing.assert_frame_equal(again[columns], synthetic.figures[columns])


def test_the_synthetic_and_tacoma_datasets_render(other_datasets):
    out, synthetic, tacoma = other_datasets
    assert len(synthetic) == 2 + 2 * 12  # a report and a family snapshot per school
    assert {r.status for r in synthetic} == {"ok"}
    assert len(tacoma) == 2
    assert {r.status for r in tacoma} == {"ok"}
    index = (out / "html" / "index.html").read_text()
    assert 'href="synthetic/network.html"' in index
    assert 'href="graduate-tacoma/network.html"' in index
    assert "(synthetic data)" in index
    assert "(synthetic) (synthetic data)" not in index


def test_every_synthetic_page_says_synthetic(other_datasets):
    out = other_datasets[0]
    for page in (out / "html" / "synthetic").glob("*.html"):
        html = page.read_text()
        assert "<strong>Synthetic data.</strong>" in html or page.stem == "data-quality", page.name
        assert "(synthetic data)</title>" in html
        assert "(synthetic)" not in html.split("</title>")[0]  # said once
        assert "<dt>Synthetic data</dt>" in html


def test_synthetic_pages_show_exact_n_bases_waves_and_breakdowns(other_datasets):
    out = other_datasets[0]
    site = html_of(out, "westfield-community-school", "synthetic").read_text()
    for words in ("Changes between waves", "spring 2024", "spring 2025", "95% CI",
                  "Who answered what", "Each figure by race/ethnicity", "Each figure by home language",
                  "separate samples", "Every answer", "shown apart"):
        assert words in site, words
    assert "inferred" not in site.split("Methods and sources")[0]
    network = html_of(out, "network", "synthetic").read_text()
    assert "families (n = " in network
    assert "staff (n = " in network
    quality = html_of(out, "data-quality", "synthetic").read_text()
    assert "Respondents counted in the exports (exact)" in quality


def test_the_tacoma_priorities_are_shown_as_published_without_an_interval(other_datasets):
    out = other_datasets[0]
    network = html_of(out, "network", "graduate-tacoma").read_text()
    for share in ("21%", "19%", "18%"):
        assert share in network
    assert "need not add up to 100%" in network
    assert "no number of respondents, so no interval can be given" in network


def test_no_partnership_is_named_in_the_code():
    found = subprocess.run(
        ["git", "-C", str(ROOT), "grep", "-n", "-i", "-E",
         "chicago|dayton|memphis|lehigh|organizational|community partners|four sites|year two|year one",
         "--", "src", "notebooks"], capture_output=True, text=True, check=False)
    assert found.stdout == ""
    assert found.returncode == 1  # git grep: nothing found


def test_make_reports_takes_a_dataset(tmp_path):
    result = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "reports",
                             "DATASET=graduate-tacoma", f"OUT={tmp_path}"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "html" / "graduate-tacoma" / "network.html").exists()


def test_check_data_on_exports_says_there_is_nothing_to_infer():
    result = run_cli("check-data", "--data", SYNTHETIC)
    assert result.returncode == 0, result.stderr
    assert "0 findings about the published figures" in result.stdout


def test_the_readme_counts_the_tfs_reports_a_run_makes():
    from helpers.render import plan

    made = len(plan(TFS, TFS / "no-params"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    said = [int(n) for n in re.findall(r"\b(\d+) TFS reports", readme)]
    assert said, "the README says how many TFS reports a run makes"
    assert set(said) == {made}, (said, made)



def test_who_we_heard_from_says_what_its_number_counts(tmp_path):
    """12 people answered only the first question and 12 only the second: 24 answered one at least,
    and the chart's number, the largest base of any one question, is 12; its words say so."""
    import yaml

    from helpers import report
    from helpers.context import Run

    rows = ["id,school,role,q1,q2"]
    rows += [f"{n},Lincoln,Student,{'Agree' if n % 3 else 'Disagree'}," for n in range(12)]
    rows += [f"{n},Lincoln,Student,,{'Agree' if n % 2 else 'Disagree'}" for n in range(12, 24)]
    (tmp_path / "export.csv").write_text("\n".join(rows) + "\n")
    levels = [{"id": "no", "label": "Disagree", "side": "negative"},
              {"id": "yes", "label": "Agree", "side": "positive"}]
    book = {"dataset": {"id": "x", "title": "x", "partnership": "x", "source": "x", "published": False,
                        "disclosure": {"minimum_base": 5, "top_bottom_coding": False}},
            "sites": [{"id": "lincoln", "name": "Lincoln"}],
            "groups": [{"id": "students", "label": "students", "answers": ["Student"]}],
            "waves": [{"id": "1", "label": "the survey"}], "scales": [{"id": "a", "levels": levels}],
            "items": [{"id": f"q{n}", "kind": "scale", "scale": "a", "label": f"Q{n}", "column": f"q{n}"}
                      for n in (1, 2)],
            "exports": [{"file": "export.csv", "wave": "1", "id_column": "id", "site_column": "school",
                         "group_column": "role"}]}
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(book))
    shown = report.participation(Run(load_dataset(tmp_path, shared=False), "lincoln")).shown
    [chart] = [part for part in shown.parts if getattr(part, "name", "") == "respondents"]
    assert chart.title == "Lincoln: 12 students answered in the survey"
    assert "at least one question" not in chart.description
    assert chart.description.startswith("For each group, the most respondents who answered any one question")
