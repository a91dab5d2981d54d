"""Each site's one-page family snapshot (issue 24, item 2), read from the rendered pages: every
figure the same as the full report's, the links both ways and from the index, withheld figures
never given, the figures the codebook names (or its defaults), and a codebook that names what it
does not have refused with the key at fault."""

import dataclasses
import re

import pytest
from bs4 import BeautifulSoup

from helpers import analysis, report, snapshot, words
from helpers.codebook import Snapshot, read_codebook, translated
from helpers.render import SNAPSHOT
from helpers.tabulate import tabulate_exports

from .conftest import SYNTHETIC, TFS, run_cli


def soup(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def rows(table) -> list[dict]:
    """Returns a rendered table's rows as {header: cell text}, in the table's order of columns."""
    head = [th.get_text() for th in table.select("thead th")]
    return [dict(zip(head, [td.get_text() for td in tr.find_all("td")], strict=True))
            for tr in table.select("tbody tr")]


def folders(rendered, other_datasets, spanish_reports):
    """(dataset folder, language, folder of pages) for every shipped dataset with sites."""
    return [(TFS, "en", rendered[0] / "html" / "tfs"),
            (SYNTHETIC, "en", other_datasets[0] / "html" / "synthetic"),
            (TFS, "es", spanish_reports[0] / "html" / "tfs" / "es"),
            (SYNTHETIC, "es", spanish_reports[0] / "html" / "synthetic" / "es")]


@pytest.fixture(scope="module")
def snapshots(rendered, other_datasets, spanish_reports):
    """(codebook in the page's language, site, snapshot page, site report page) for every site."""
    found = []
    for data, language, folder in folders(rendered, other_datasets, spanish_reports):
        codebook = translated(read_codebook(data), data, language)
        for site in codebook.sites:
            found.append((codebook, site.id, soup(folder / f"{site.id}{SNAPSHOT[0]}.html"),
                          soup(folder / f"{site.id}.html")))
    return found


def test_every_site_has_a_snapshot_in_each_of_its_languages(snapshots):
    assert len(snapshots) == 2 * (4 + 12)
    assert {len(codebook.sites) for codebook, *_ in snapshots} == {4, 12}


def test_every_figure_of_a_snapshot_is_the_full_reports(snapshots):
    """The snapshot's table against the site report's chart of the site against the reference:
    the same share, reference, gap and verdict (or the same withheld mark) for every figure; each
    finding gives its row's numbers; the families' shares are the site report's contrast table's."""
    compared = withheld = families = partly = 0
    for codebook, site, page, full in snapshots:
        name = codebook.site_name(site)
        ours = rows(page.select_one("table.data-table"))
        chart = full.select_one("#chart-site-comparison table")  # its columns: site, figure, ...
        if chart is None:  # every figure of the site is withheld: the full report says so
            assert full.select_one("p#site-comparison").get_text().count(report.WITHHELD) == 1
            assert {tuple(row.values())[1] for row in ours} == {report.WITHHELD}
            withheld += len(ours)
            continue
        theirs = {tuple(row.values())[:2]: row for row in rows(chart)}
        findings = {li.strong.get_text(): li.get_text() for li in page.select("ul.findings li") if li.strong}
        assert ours, (site, codebook.dataset.id)
        for row in ours:
            figure, share, reference = tuple(row.values())[:3]
            same = theirs[(name, figure)]
            for column in list(row)[1:-1]:  # %, reference %, gap (and clear): all but the note
                assert row[column] == same[column], (site, figure, column)
            if share == report.WITHHELD:
                withheld += 1
                assert figure in page.select_one("ul.findings").get_text()  # named, not given
                continue
            compared += 1
            said = findings[words.capital(figure)]
            assert f"{share}%" in said, said
            assert f"{reference}%" in said, said
        group = codebook.group_label(codebook.snapshot.families) if codebook.snapshot.families else ""
        listed = page.select("ul.family-figures li")
        named = [li for li in listed if li.strong]
        # Where only some of the families' figures are withheld, one last item says so and gives none.
        sentence = listed[len(named):]
        assert named == listed[:len(named)], (site, [li.get_text() for li in listed])
        assert len(sentence) <= 1, (site, sentence)
        assert not any(re.search(r"\d", li.get_text()) for li in sentence), (site, sentence)
        partly += len(sentence)
        for li in named:
            label = li.strong.get_text()
            share = re.search(r"(\d+\.\d)%", li.get_text()).group(1)
            # The full report's chart of every answer prints the families' share at the end of their
            # bar, and its table gives each answer: the same share, within the rounding of its cells.
            item = next(i for i in codebook.items if words.capital(i.label) == label)
            scale = codebook.scale_of(item)
            chart = next(f for f in full.select("figure.chart[id^=chart-distribution-]")
                         if any(tuple(r.values())[:2] == (item.label, group) for r in rows(f.find("table"))))
            assert f"{share}%" in [t.get_text() for t in chart.select("svg text")], (site, label)
            row = next(r for r in rows(chart.find("table")) if tuple(r.values())[:2] == (item.label, group))
            cells = [float(row[level.label]) for level in scale.levels if level.side == "positive"]
            assert abs(sum(cells) - float(share)) <= 0.05 * len(cells) + 1e-9, (site, label)
            families += 1
    assert compared > 50  # each kind was checked
    assert withheld > 5
    assert families >= 6  # Northside's three of five (their figures are withheld at the other schools)
    assert partly >= 2  # and its sentence for the other two, in each language


def test_the_snapshot_and_the_site_report_link_each_other_and_the_index_lists_snapshots(
        snapshots, rendered, other_datasets):
    for _codebook, site, page, full in snapshots:
        assert full.select_one(f'a[href="{site}{SNAPSHOT[0]}.html"]'), site
        assert page.select_one(f'a[href="{site}.html"]'), site
    for out, dataset, sites in ((rendered[0], "tfs", 4), (other_datasets[0], "synthetic", 12)):
        index = soup(out / "html" / "index.html")
        cards = index.select('li.card[data-kind="family_snapshot"]')
        assert len([c for c in cards if c["data-dataset"] == dataset]) == sites
        for card in cards:
            assert (out / "html" / card.a["href"]).is_file()
        assert index.select_one('select[name="kind"] option[value="family_snapshot"]').get_text() == \
            "Family snapshot"


def test_a_withheld_family_figure_is_never_given(snapshots, synthetic):
    """At most synthetic schools the families' own figures are withheld: the snapshot says that
    too few answered, gives none of their shares (as counted before disclosure control), and
    leads with the school's own figures that are shown."""
    raw = tabulate_exports(SYNTHETIC, synthetic.codebook)
    wave = analysis.latest_wave(synthetic)
    raw = raw[(raw["wave"] == wave) & (raw["group"] == "families") & (raw["breakdown"] == "")]
    positive = {level.id for scale in synthetic.codebook.scales for level in scale.levels
                if level.side == "positive"}
    said = 0
    for codebook, site, page, _full in snapshots:
        if codebook.dataset.id != "synthetic":
            continue
        hidden = report.withheld(synthetic, site=site, group="families", breakdown="")
        hidden = hidden[hidden["item"].isin(codebook.snapshot.items)]
        text = page.select_one("main").get_text(" ")
        given = {f"{cell}%" for row in rows(page.select_one("table.data-table")) for cell in row.values()}
        others = set(re.findall(r"\d+\.\d%", text)) - given  # shares the page gives but its table's
        for item in hidden["item"]:
            cells = raw[(raw["site"] == site) & (raw["item"] == item) & raw["answer"].isin(positive)]
            assert f"{cells['percent'].astype(float).sum():.1f}%" not in others, (site, item)
        if len(hidden) == len(codebook.snapshot.items):  # every one of the families' figures
            notes = [p.get_text() for p in page.select("p.note")]
            assert any(n.startswith("Too few families at") or "respondieron muy pocas familias" in n
                       for n in notes), notes
            assert not page.select("ul.family-figures")
            said += 1
        first = page.select_one("ul.findings li").get_text()
        assert re.search(r"\d+\.\d%", first) or "Withheld" in first or "Reservado" in first
    assert said >= 12  # most schools, in both languages


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
    ("snapshot: {families: parents}", "key 'snapshot.families': found 'parents'; expected a group: "
                                      "community, organizational"),
    ("snapshot: {items: [parents, budget]}", "key 'snapshot.items': found 'budget'; expected an item: "),
    ("snapshot: {items: [parents, parents]}",
     "key 'snapshot.items': found 'parents'; expected each item once"),
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


@pytest.mark.parametrize(("language_id", "gaps", "expected"), [
    ("en", [4.0, -2.0, -1.0], "At Dayton, 1 of 3 figures is above the published all-sites figure."),
    ("en", [4.0, 2.0, -1.0], "At Dayton, 2 of 3 figures are above the published all-sites figure."),
    ("en", [4.0], "At Dayton, the one figure here is above the published all-sites figure."),
    ("es", [4.0, -2.0, -1.0], "En Dayton, 1 de 3 cifras está por encima de"),
    ("es", [4.0, 2.0, -1.0], "En Dayton, 2 de 3 cifras están por encima de"),
])
def test_how_many_figures_are_above_agrees_with_how_many_are(tfs, language_id, gaps, expected):
    from helpers import language

    figures = [snapshot.Figure("parents", "positive", percent=50 + gap, reference=50, gap=gap)
               for gap in gaps]
    with language.speaking(language_id):
        said = snapshot.headline(tfs, snapshot.Facts("dayton", figures))
    assert said.startswith(expected), said
