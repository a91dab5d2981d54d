"""One verdict per comparison per run, read from the rendered pages as a reader sees them.

Every report of a run is walked: each chart's table (the numbers behind it) and each key
finding that gives a verdict, and each family snapshot's table and findings. A comparison has
the same verdict wherever it appears, and that verdict is the run's one Benjamini–Hochberg
family's (analysis.verdicts). No chart title or headline names a gap that is not clear.
"""

import re
from collections import defaultdict

import pytest
from bs4 import BeautifulSoup

from devtools.make_synthetic import write
from helpers import analysis
from helpers.load import load_dataset
from helpers.render import SNAPSHOT, render_all

from .conftest import TFS

RANKING = re.compile(r"widest|largest gap|largest change|differ most|highest figure", re.IGNORECASE)


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory):
    """Twelve schools alike but for two real gaps: at the fifth, far fewer feel kept informed (a
    gap clear in the run's family whose share, 21.9% of 25, stays above the bottom-coding bound:
    planted 0.4 deep, this seed's 6.6% was shown only as "< 15%", with no verdict to compare);
    everywhere, respondents from Spanish-speaking homes agree less that adults listen. Rendered
    as `make reports` renders them."""
    folder = tmp_path_factory.mktemp("planted-data")
    write(folder, 12, 6, dataset_id="planted", spread=0.0, family_gap=0.0,
          plant={4: ("Q3_informed", -0.3)},
          plant_breakdown={("Home_language", "Spanish"): ("Q2_listen", -0.25)})
    out = tmp_path_factory.mktemp("planted-out")
    results = render_all(folder, out / "no-params", out, jobs=2, progress=False)
    assert all(r.status == "ok" for r in results), [r.error for r in results if r.error]
    return load_dataset(folder), out / "html" / "planted"


class Reader:
    """What a page says about comparisons, keyed as analysis.comparison_key keys them."""

    def __init__(self, dataset):
        codebook = dataset.codebook
        self.dataset = dataset
        self.figures = {}
        for item, answer in analysis.indicators(codebook):
            found = codebook.item(item)
            label = codebook.answer_label(item, answer) if found.kind == "choose-any" else found.label
            self.figures[label] = (item, answer)
        self.sites = {s.name: s.id for s in codebook.sites}
        self.values = {c.label: (c.id, {v.label: v.id for v in c.values}) for c in codebook.characteristics}
        self.groups = {g.id: codebook.group_label(g.id) for g in codebook.groups}
        family = analysis.verdicts(dataset)
        self.family = set(map(tuple, family[analysis.COMPARISON].to_numpy().tolist()))

    def charts(self, page: BeautifulSoup, site: str):
        """Yields (chart name, title, {comparison key: verdict}) for every chart of a page."""
        for figure in page.select("figure.chart"):
            name = figure["id"].removeprefix("chart-")
            title = figure.figcaption.strong.get_text().rstrip(".")
            caption = figure.figcaption.get_text()
            table = figure.find("table")
            head = [th.get_text() for th in table.find("thead").find_all("th")]
            verdicts = {}
            if "clear" in head:
                for row in table.find("tbody").find_all("tr"):
                    cells = dict(zip(head, [c.get_text() for c in row.find_all(["td", "th"])], strict=True))
                    if cells["clear"] in ("yes", "no"):
                        verdicts[self.key(name, cells, site, caption)] = cells["clear"] == "yes"
            yield name, title, verdicts

    def key(self, name: str, cells: dict, site: str, caption: str) -> tuple:
        item, answer = self.figures[cells["figure"]]
        if name == "site-comparison":
            return analysis.comparison_key("site", self.sites[cells["site"]], item, answer)
        if name == "waves":
            return analysis.comparison_key("change", site, item, answer)
        if name.startswith("breakdown-"):
            label = next(label for label in self.values if label in cells)
            characteristic, values = self.values[label]
            return analysis.comparison_key("breakdown", site, item, answer, breakdown=characteristic,
                                           value=values[cells[label]])
        contrast = next(c for c in self.dataset.codebook.contrasts if name.startswith(f"contrast-{c.id}-"))
        table = name.removeprefix(f"contrast-{contrast.id}-")
        where = "" if "network-wide" in caption else site
        return analysis.comparison_key("contrast", where, item, answer, contrast.id, table)

    def findings(self, page: BeautifulSoup, site: str) -> dict:
        """Returns {comparison key: verdict} for every key finding that gives a verdict."""
        heading = page.find(id="key-findings")
        found = {}
        for item in heading.find_next("ul").find_all("li"):
            text = item.get_text()
            clear = "a clear gap" in text or "a clear change" in text
            if not clear and "is not clear" not in text:
                continue
            label, _, rest = text.partition(": ")
            if ", by " in label:  # a breakdown gap
                label, _, characteristic = label.partition(", by ")
                key_id, values = self.values[characteristic]
                value = re.search(r"of the (.+?) group against", rest).group(1)
                found[analysis.comparison_key("breakdown", site, *self.figures[label], breakdown=key_id,
                                              value=values[value])] = clear
            elif "change" in text:
                found[analysis.comparison_key("change", site, *self.figures[label])] = clear
            elif label in self.figures and " and " in rest:  # a contrast, at the site or network-wide
                where = rest[rest.index("(") + 1:rest.index(")")]
                contrast = next(c for c in self.dataset.codebook.contrasts
                                if f"of {self.groups[c.first]} and" in rest
                                and f"of {self.groups[c.second]}" in rest)
                scope = "" if where == "all sites" or where.startswith("network-wide") else site
                tables = {k[2] for k in self.family if k[0] == "contrast" and k[1] == scope
                          and k[5] == contrast.id and k[3:5] == self.figures[label]}
                for table in tables:  # the words name no table: an item in two tables is both
                    found[analysis.comparison_key("contrast", scope, *self.figures[label], contrast.id,
                                                  table)] = clear
            else:  # a site's own gap, named in bold
                found[analysis.comparison_key("site", site, *self.figures[label])] = clear
        return found

    def snapshot(self, page: BeautifulSoup, site: str) -> tuple[dict, dict]:
        """Returns {comparison key: verdict} from a family snapshot's table (its clear column) and
        from its findings ("Clearly higher here.", "No clear difference."), each a site's gap."""
        table = page.find("table")
        head = [th.get_text() for th in table.find("thead").find_all("th")]
        rows = [dict(zip(head, [c.get_text() for c in row.find_all("td")], strict=True))
                for row in table.find("tbody").find_all("tr")]
        tabled = {analysis.comparison_key("site", site, *self.figures[row["figure"]]): row["clear"] == "yes"
                  for row in rows if row.get("clear") in ("yes", "no")}
        said = {}
        for item in page.find(id="key-findings").find_next("ul").find_all("li"):
            text = item.get_text()
            clear = "Clearly higher here." in text or "Clearly lower here." in text
            if clear or "No clear difference." in text:
                label = text.partition(" (")[0]
                said[analysis.comparison_key("site", site, *self.figures[label])] = clear
        return tabled, said


def walk(dataset, folder):
    """Returns every verdict every page of a run gives, {key: {page: verdict}}, and the titles
    and headlines, [(page, chart name or "headline", text, {key: verdict} of its table)]."""
    reader = Reader(dataset)
    seen, titles = defaultdict(dict), []
    for path in sorted(folder.glob("*.html")):
        if path.stem == "data-quality":
            continue
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        site = "" if path.stem == "network" else path.stem.removesuffix(SNAPSHOT[0])
        if path.stem.endswith(SNAPSHOT[0]):  # a family snapshot: its table and findings
            for where, verdicts in zip(("snapshot table", "snapshot findings"), reader.snapshot(page, site),
                                       strict=True):
                for key, verdict in verdicts.items():
                    seen[key][f"{path.stem}: {where}"] = verdict
            titles.append((path.stem, "headline", page.select_one("p.headline").get_text(), {}))
            continue
        for name, title, verdicts in reader.charts(page, site):
            titles.append((path.stem, name, title, verdicts))
            for key, verdict in verdicts.items():
                seen[key][f"{path.stem}: {name}"] = verdict
        for key, verdict in reader.findings(page, site).items():
            seen[key][f"{path.stem}: key findings"] = verdict
        titles.append((path.stem, "headline", page.select_one("p.headline").get_text(), {}))
    return seen, titles


def test_every_report_gives_each_comparison_the_runs_one_verdict(planted_run):
    dataset, folder = planted_run
    seen, _ = walk(dataset, folder)
    family = analysis.verdicts(dataset)
    expected = dict(zip(map(tuple, family[analysis.COMPARISON].to_numpy().tolist()), family["clear"],
                        strict=True))
    contradictions = {k: v for k, v in seen.items() if len(set(v.values())) > 1}
    assert not contradictions
    wrong = {k: v for k, v in seen.items() if set(v.values()) != {expected[k]}}
    assert not wrong
    # The walk saw every kind, both verdicts, and comparisons shown in more than one report.
    assert {k[0] for k in seen} == {"site", "contrast", "change", "breakdown"}
    assert {v for verdicts in seen.values() for v in verdicts.values()} == {True, False}
    assert sum(len({p.split(":")[0] for p in v}) > 1 for v in seen.values()) > 50
    # Both planted gaps are clear wherever they appear, in a chart and in the key findings.
    fifth = dataset.site_ids[4]
    informed = seen[analysis.comparison_key("site", fifth, "informed", "positive")]
    assert {"network: site-comparison", f"{fifth}: site-comparison", f"{fifth}: key findings",
            f"{fifth}_family: snapshot table", f"{fifth}_family: snapshot findings"} <= set(informed)
    assert all(informed.values())
    listen = seen[analysis.comparison_key("breakdown", "", "listen", "positive", breakdown="home-language",
                                          value="spanish")]
    assert {"network: breakdown-home-language", "network: key findings"} <= set(listen)
    assert all(listen.values())


def test_no_title_or_headline_names_a_gap_that_is_not_clear(planted_run):
    dataset, folder = planted_run
    _, titles = walk(dataset, folder)
    reader = Reader(dataset)
    clear = analysis.clear_keys(dataset)
    for page, name, title, verdicts in titles:
        assert not RANKING.search(title), (page, name, title)
        if name == "headline":
            named = [label for label in reader.figures if label in title]
            if named and not title.startswith("No "):  # a gap named in a headline is a clear one
                site = {"network": ""}.get(page, page).removesuffix(SNAPSHOT[0])
                keys = {k for k in clear if k[0] == "site" and reader.figures[named[0]] == k[3:5]
                        and (k[1] == site or page == "network")}
                assert keys, (page, title)
            continue
        if name == "site-comparison" and page != "network":  # its title is the focal site's
            verdicts = {k: v for k, v in verdicts.items() if k[1] == page}
        if any(verdicts.values()):
            named = [label for label in reader.figures if f" {label}" in title or f"“{label}”" in title]
            assert "clear" in title, (page, name, title)
            assert any(verdicts[k] for k in verdicts if k[3:5] in {reader.figures[n] for n in named}), \
                (page, name, title)
        elif verdicts:  # tested, none clear: the title says so, or what the chart shows
            assert title.startswith(("No ", "How ")), (page, name, title)
    assert any(t.startswith("No ") for _, _, t, _ in titles)
    assert sum("clear" in t and not t.startswith("No ") for _, _, t, _ in titles) >= 3


def test_tfs_reports_give_the_same_verdict_on_parents_involved(rendered):
    """Dayton's page once called the partner groups' gap on "Parents involved" clear and the
    network page did not: one family for the run gives it one verdict on every page."""
    out, _, _ = rendered
    dataset = load_dataset(TFS)
    seen, titles = walk(dataset, out / "html" / "tfs")
    key = next(k for k in seen if k[0] == "contrast" and k[3] == "parents")
    assert {p.split(":")[0] for p in seen[key]} == {"network", "chicago", "dayton", "lehigh-valley",
                                                    "memphis"}
    assert len(set(seen[key].values())) == 1
    assert not any(RANKING.search(t) for _, _, t, _ in titles)
