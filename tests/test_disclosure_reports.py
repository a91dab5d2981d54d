"""Disclosure control on the synthetic dataset, end to end: every figure under the minimum
base is withheld, complementary cells are chosen, an independent adversary recovers nothing
from what the reports publish, rendered pages show "—" with the reason in the chart, its
table, its description and its alt text, and a leaky configuration is refused."""

import html
import re
import shutil

import pandas as pd
import pytest

from helpers import analysis, report
from helpers.load import load_dataset
from helpers.render import render_all
from helpers.tabulate import tabulate_exports

from .adversary import recover
from .conftest import SYNTHETIC, html_of, run_cli

CELL = ["wave", "site", "group", "breakdown", "value", "item"]


@pytest.fixture(scope="module")
def raw(synthetic) -> pd.DataFrame:
    """The synthetic figures as counted, before disclosure control."""
    return tabulate_exports(SYNTHETIC, synthetic.codebook)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    results = render_all(SYNTHETIC, out / "no-params", out, jobs=2, progress=False)
    assert {r.status for r in results} == {"ok"}
    return out


def cells(figures: pd.DataFrame) -> pd.Series:
    return pd.Series(list(map(tuple, figures[CELL].to_numpy().tolist())), index=figures.index)


def test_every_figure_under_the_minimum_base_is_withheld_and_complementary_cells_are_chosen(synthetic, raw):
    base = synthetic.codebook.dataset.disclosure.minimum_base
    small = set(cells(raw)[raw["n"].astype(float) < base])
    marks = dict(zip(cells(synthetic.figures), synthetic.figures["suppressed"], strict=True))
    assert small
    assert all(marks[key] == "primary" for key in small)
    shown = synthetic.figures[synthetic.figures["suppressed"] == ""]
    assert (shown["n"].astype(float) >= base).all()
    withheld = synthetic.figures[synthetic.figures["suppressed"] != ""]
    assert withheld[["percent", "count", "n"]].isna().all().all()
    coded = set(withheld["shown"]) - {"—"}
    assert coded
    assert all(re.fullmatch(r"[<>] \d{1,2}%", text) for text in coded), coded
    audit = synthetic.audit
    assert audit.safe
    assert audit.primary == len(small)
    assert audit.complementary > 0  # primary suppression alone would leak (next test)
    assert set(withheld.loc[withheld["suppressed"] == "complementary", "n"].isna()) == {True}


def test_an_adversary_solving_the_published_relations_recovers_nothing(synthetic):
    """Dense linear algebra over every answer and base (and, for the last wave, linear
    programmes that also know no count is negative): no withheld count is determined."""
    assert recover(synthetic.figures, synthetic.codebook) == []
    latest = synthetic.figures[synthetic.figures["wave"] == analysis.latest_wave(synthetic)]
    assert recover(latest, synthetic.codebook, bounds=True) == []


def test_without_complementary_suppression_the_audit_names_what_the_adversary_recovers(tmp_path):
    """Every cell the adversary's linear algebra pins is among the audit's findings (the audit,
    knowing also whole numbers and bounds, finds more)."""
    folder = leaky_copy(tmp_path)
    dataset = load_dataset(folder)
    assert not dataset.audit.safe
    recovered = {key for key, _ in recover(dataset.figures, dataset.codebook)}
    assert recovered
    assert recovered <= set(dataset.audit.recoverable)


def leaky_copy(tmp_path):
    """A small synthetic network (four schools, seeded) with complementary suppression off."""
    from devtools.make_synthetic import write

    folder = tmp_path / "data"
    write(folder, 4, 2026, "synthetic")
    codebook = folder / "codebook.yaml"
    codebook.write_text(codebook.read_text().replace(
        "  min_n: 10\n", "  min_n: 10\n  disclosure: {complementary_suppression: false}\n"))
    return folder


def test_make_reports_refuses_a_leaky_configuration_unless_told(tmp_path):
    folder = leaky_copy(tmp_path)
    out = tmp_path / "out"
    refused = run_cli("reports", "--data", folder, "--params", tmp_path / "none", "--out", out)
    assert refused.returncode == 2
    assert "withheld figures can be worked out, the first: 2024 / " in refused.stderr
    assert re.search(r": the [a-z-]+ count|add up to", refused.stderr), refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (out / "html" / "synthetic").exists()
    allowed = run_cli("reports", "--data", folder, "--params", tmp_path / "none", "--out", out,
                      "--allow-unsafe")
    assert allowed.returncode == 0, allowed.stderr
    assert "Audit: NOT SAFE." in html_of(out, "network", "synthetic").read_text()


def chart(page: str, name: str) -> str:
    """Returns one chart's figure element from a page."""
    found = re.search(rf'<figure class="chart" id="chart-{name}">.*?</figure>', page, re.S)
    assert found, name
    return found.group(0)


def test_withheld_figures_show_as_a_dash_in_chart_table_description_and_alt(pages, synthetic, raw):
    """For every site, each withheld figure of the site comparison and of the breakdowns: a
    "—" drawn where its dot would be, a table row marked withheld with no number, its name in
    the description's withheld sentence, and the count in the alt text; never its true value."""
    wave = analysis.latest_wave(synthetic)
    truth = raw.set_index([*CELL, "answer"])["percent"]
    checked = 0
    for site in synthetic.site_ids:
        page = html_of(pages, site, "synthetic").read_text()
        hidden = report.withheld(synthetic, site=site, group="", breakdown="")
        if len(hidden) and (analysis.site_shares(synthetic)["site"] == site).any():
            figure = chart(page, "site-comparison")
            alt = re.search(r'aria-label="([^"]*)"', figure).group(1)
            assert f"{len(hidden)} withheld (—)" in html.unescape(alt)
            caption = html.unescape(re.search(r"<figcaption>(.*?)</figcaption>", figure, re.S).group(1))
            assert "Withheld to protect the people behind small numbers" in caption
            for row in hidden.itertuples():
                label = report.share_label(synthetic, row.item, row.answer)
                assert f'id="withheld:{row.item}:{row.answer}:{site}"' in figure
                listed = caption.split("Withheld")[1]  # a long list names six and says how many more
                assert html.escape(label) in listed or label in listed or re.search(r" and \d+ more ", listed)
                cells_ = [r for r in re.findall(r"<tr>(.*?)</tr>", figure)
                          if f"<td>{html.escape(label)}</td>" in r and "withheld" in r]
                assert len(cells_) == 1
                numbers = re.findall(r"<td class=\"?num\"?>([^<]*)</td>", cells_[0])
                assert numbers[0] == "—"  # the percentage: never 0, never blank
                value = truth.get((wave, site, "", "", "", row.item, row.answer))
                assert f"{value:.1f}" not in numbers
                checked += 1
        for characteristic in synthetic.codebook.characteristics:
            hidden = report.withheld(synthetic, site=site, group="", breakdown=characteristic.id)
            if hidden.empty or f'id="chart-breakdown-{characteristic.id}"' not in page:
                continue
            figure = chart(page, f"breakdown-{characteristic.id}")
            assert f"{len(hidden)} withheld (—)" in html.unescape(figure)
            for row in hidden.itertuples():
                assert f'id="withheld:{row.item}:{row.answer}:{row.value}"' in figure
                checked += 1
    assert checked > 100


def test_a_site_with_every_figure_withheld_says_so(pages, synthetic):
    site = next(s for s in synthetic.site_ids
                if not (analysis.site_shares(synthetic)["site"] == s).any())
    page = html_of(pages, site, "synthetic").read_text()
    assert "too few people answered for its figures to be shown safely, so each one is withheld" in page
    assert "the data hold no figures" not in page
    assert "This report leaves out" not in page  # its sections are there, withheld


def test_methods_and_the_data_quality_page_state_the_audit(pages, synthetic):
    audit = synthetic.audit
    expected = (f"Of {audit.cells:,} groups of figures, {audit.withheld:,} are withheld "
                f"({audit.primary:,} for their size, {audit.coded:,} by top/bottom coding, "
                f"{audit.complementary:,} to protect others).")
    for name in ("network", "data-quality", synthetic.site_ids[0]):
        page = html_of(pages, name, "synthetic").read_text()
        assert expected in page, name
        assert "Audit: passed." in page, name


def test_a_pilot_where_every_base_is_under_the_minimum_renders_with_every_figure_withheld(tmp_path):
    """Issue 21, item 9: a pilot of a few respondents crashed check-data and make reports with
    KeyError 'n'; it renders every report, says on the first screen that every figure is withheld,
    and prints no percentage."""
    import openpyxl

    data = shutil.copytree(SYNTHETIC, tmp_path / "pilot")
    first = (data / "responses-2024.csv").read_text(encoding="utf-8-sig").splitlines()
    (data / "responses-2024.csv").write_text("\n".join(first[:4]) + "\n", encoding="utf-8")
    book = openpyxl.load_workbook(data / "responses-2025.xlsx")
    sheet = book.active
    sheet.delete_rows(4, sheet.max_row)  # the header and two respondents
    book.save(data / "responses-2025.xlsx")
    checked = run_cli("check-data", "--data", data)
    assert checked.returncode == 0, checked.stderr
    assert "Traceback" not in checked.stderr + checked.stdout
    out = tmp_path / "out"
    rendered = run_cli("reports", "--data", data, "--params", tmp_path / "none", "--out", out, "--jobs", "2")
    assert rendered.returncode == 0, rendered.stderr
    pages = sorted((out / "html" / "synthetic").glob("*.html"))
    assert len(pages) == 2 + 2 * 12
    site = html_of(out, "northside-community-school", "synthetic").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(style|svg)\b.*?</\1>", "", site, flags=re.S)))
    start = text.index("Key findings")
    findings = text[start:text.index("Who we heard from", start + 20)]
    assert "too few people answered for its figures to be shown safely, so each one is withheld" in findings
    assert not re.search(r"\d%", text.split("Methods and sources")[0])  # no share shown anywhere


@pytest.mark.parametrize("shape", ["everyone-states", "synthetic", "other"])
def test_on_other_shapes_the_audit_passes_and_the_adversary_recovers_nothing(tmp_path, shape):
    """Seeded datasets of other shapes (everyone states every characteristic; some leave it
    blank; four groups and other characteristics): after complementary suppression the
    audit passes, and the adversary, knowing that no count (not even of those who left a
    characteristic blank) is negative, pins no withheld count."""
    from devtools.make_synthetic import write

    write(tmp_path / shape, 4, 11, f"shape-{shape}", shape=shape)
    dataset = load_dataset(tmp_path / shape)
    assert dataset.audit.safe, [f.words() for f in dataset.audit.findings[:3]]
    assert dataset.audit.withheld > 0
    latest = dataset.figures[dataset.figures["wave"] == analysis.latest_wave(dataset)]
    assert recover(latest, dataset.codebook, bounds=True) == []
