"""Paper and the index: `make pdf` (title and page numbers on every page, tagged, the same bytes for
the same page, only what changed, nothing half-written), a site report of a large network in ten
pages before its appendix, and the index searched and filtered in Chromium from disk."""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from devtools.bench import synthetic_sites
from devtools.browser import check_reports
from helpers import pdf, render
from helpers.index import write_index
from helpers.publish import VERSIONS

from .conftest import REPORTS, SNAPSHOTS, html_of, run_cli

pytestmark = pytest.mark.browser
EPOCH = "1700000000"


@pytest.fixture(scope="module")
def printed_once(rendered, tmp_path_factory):
    """A copy of the TFS render (its links kept) with every report printed by `make pdf`, once for
    the tests that only read it."""
    out = tmp_path_factory.mktemp("printed") / "out"
    shutil.copytree(rendered[0], out, symlinks=True)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = run_cli("pdf", "--out", out)
    assert result.returncode == 0, result.stderr
    assert f"{len(REPORTS)} PDFs written, 0 failed" in result.stdout
    return out


@pytest.fixture
def printed(printed_once, tmp_path, monkeypatch):
    """A copy of the printed render, its links kept, for a test that changes it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return Path(shutil.copytree(printed_once, tmp_path / "out", symlinks=True))


def pdf_of(out, name, dataset="tfs"):
    return html_of(out, name, dataset).with_suffix(".pdf")


def flat(outline) -> list:
    """Returns the entries of a PDF's outline, the nested ones too, in order."""
    return [e for entry in outline for e in (flat(entry) if isinstance(entry, list) else [entry])]


def words(page) -> str:
    return re.sub(r"\s+", " ", page.extract_text())


@pytest.mark.parametrize("name", ["dayton", "network"])
def test_every_printed_page_has_the_title_and_its_page_number(printed_once, name):
    title = re.search(r"<title>(.*?)</title>", html_of(printed_once, name).read_text()).group(1)
    reader = PdfReader(pdf_of(printed_once, name))
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, 1):
        text = words(page)
        assert title.replace("&amp;", "&") in text, number
        assert f"Page {number} of {pages}" in text
    assert reader.metadata.title == title.replace("&amp;", "&")
    assert reader.metadata["/CreationDate"] == reader.metadata["/ModDate"] == pdf.pdf_date(int(EPOCH))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]  # tagged for screen readers
    assert "/StructTreeRoot" in root
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html_of(printed_once, name).read_text(), re.S).group(1)
    assert flat(reader.outline)[0].title == re.sub(r"<[^>]+>", "", heading).strip()  # its outline
    links = [str(note.get_object()["/A"].get("/URI", "")) for page in reader.pages
             for note in page.get("/Annots") or [] if "/A" in note.get_object()]
    assert [link for link in links if link.startswith("file:")] == []  # no address on this machine


def test_make_pdf_prints_each_family_snapshot_on_one_page(printed_once):
    for name in SNAPSHOTS:
        assert len(PdfReader(pdf_of(printed_once, name)).pages) == 1, name


def test_the_pdf_lies_in_its_reports_version_and_the_index_links_it(printed_once):
    for name in REPORTS:
        assert os.readlink(pdf_of(printed_once, name)) == f"{VERSIONS}/{name}/{name}.pdf"
    index = (printed_once / "html" / "index.html").read_text()
    assert all(f'href="tfs/{name}.pdf"' in index for name in REPORTS)


def test_the_same_page_prints_the_same_bytes_and_a_second_run_prints_nothing(printed):
    before = {name: pdf_of(printed, name).read_bytes() for name in REPORTS}
    again = run_cli("pdf", "--out", printed)
    assert again.returncode == 0
    assert "Nothing to print" in again.stdout
    pdf_of(printed, "dayton").resolve().unlink()  # printed again from the same page
    result = run_cli("pdf", "--out", printed)
    assert "1 PDFs written" in result.stdout, result.stdout + result.stderr
    assert {name: pdf_of(printed, name).read_bytes() for name in REPORTS} == before


def test_a_report_rendered_again_has_no_pdf_until_it_is_printed(printed):
    html = html_of(printed, "dayton").read_bytes()
    render.publish(printed / "html" / "tfs", "dayton", {"dayton.html": html.replace(b"Dayton", b"Dayton ")})
    assert not pdf_of(printed, "dayton").exists()  # the old PDF went with the old page
    assert not os.path.lexists(pdf_of(printed, "dayton"))
    write_index(printed)
    assert 'href="tfs/dayton.pdf"' not in (printed / "html" / "index.html").read_text()
    assert pdf.unprinted(printed) == [(pdf_of(printed, "dayton").parent / VERSIONS /
                                       os.readlink(printed / "html" / "tfs" / VERSIONS / "dayton"), "dayton")]
    result = run_cli("pdf", "--out", printed)
    assert "1 PDFs written" in result.stdout
    assert "Dayton " in words(PdfReader(pdf_of(printed, "dayton")).pages[0])


def test_a_failed_print_leaves_no_pdf_and_the_others_print(printed, monkeypatch):
    for name in ("dayton", "memphis"):
        pdf_of(printed, name).resolve().unlink()
    version = pdf_of(printed, "memphis").parent / VERSIONS / "memphis"
    (version / ".memphis.pdf.999.tmp").write_bytes(b"%PDF half")  # what a killed run left
    real = pdf.print_page

    def broken(page):
        if "Dayton" in page.title():
            raise RuntimeError("the printer jammed")
        return real(page)

    monkeypatch.setattr(pdf, "print_page", broken)
    printed_now, failed = pdf.print_reports(printed, int(EPOCH))
    assert printed_now == ["tfs/memphis"]
    assert failed == ["tfs/dayton: RuntimeError: the printer jammed"]
    assert not pdf_of(printed, "dayton").exists()
    assert not list((printed / "html" / "tfs" / VERSIONS).rglob("*.tmp"))
    assert pdf_of(printed, "memphis").read_bytes()[:5] == b"%PDF-"


def test_no_reports_is_a_clear_error(tmp_path):
    result = run_cli("pdf", "--out", tmp_path / "nothing")
    assert result.returncode == 1
    assert "run `make reports` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_site_report_of_100_sites_prints_in_ten_pages_before_its_appendix(tmp_path, monkeypatch):
    """The appendix opens with the full distributions ("Every answer") on a new page; every
    number of the tables behind the charts is printed."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    data, params = synthetic_sites(100, tmp_path)
    plan = render.plan
    site = "oakridge-community-school"
    monkeypatch.setattr(render, "plan", lambda *a, **k: [r for r in plan(*a, **k) if r.name == site])
    out = tmp_path / "out"
    assert [r.status for r in render.render_all(data, params, out, jobs=1, progress=False)] == ["ok"]
    assert run_cli("pdf", "--out", out).returncode == 0
    reader = PdfReader(pdf_of(out, site, "bench-100"))
    outline = {entry.title: reader.get_destination_page_number(entry) + 1 for entry in flat(reader.outline)}
    appendix = outline["Every answer"]
    assert appendix - 1 <= 10, outline
    assert "Every answer" in words(reader.pages[appendix - 1])
    assert "Every answer" not in words(reader.pages[appendix - 2])  # on a page of its own
    assert outline["Appendix: the long tables"] > appendix  # the spread of the sites, 40 rows
    text = " ".join(words(page) for page in reader.pages)
    html = html_of(out, site, "bench-100").read_text()
    for table in re.findall(r"<details>.*?</details>", html, re.S):
        for cell in re.findall(r"<td class=num>(.*?)</td>", table):
            assert cell in text, cell


def index_of(tmp_path, sites: int = 3):
    """Writes an index of two datasets, one of them in two languages, from their render states."""
    out = tmp_path / "out"
    (out / "state").mkdir(parents=True)
    kinds = [("network", "Network overview", "network_overview"),
             ("data-quality", "Data quality", "data_quality")]
    for dataset, title, languages in (("tfs", "Together for Students", ("en", "es")),
                                      ("synthetic", "Synthetic network (synthetic data)", ("en",))):
        for language in languages:
            names = [*kinds, *((f"site-{i}", f"Escuela Número {i}" if i == 2 else f"School {i}",
                                "site_report") for i in range(sites))]
            state = {name: {"name": name, "title": shown, "status": "ok", "kind": kind,
                            "headline": f"{shown} in {dataset}", "rendered_at": "today"}
                     for name, shown, kind in names}
            state["_dataset"] = {"id": dataset, "language": language, "title": title,
                                 "order": [n for n, _s, _k in names]}
            stem = dataset if language == "en" else f"{dataset}.{language}"
            (out / "state" / f"{stem}.json").write_text(json.dumps(state))
    write_index(out)
    return out


def test_the_index_is_searched_and_filtered_in_chromium_from_disk(tmp_path):
    from playwright.sync_api import sync_playwright

    out = index_of(tmp_path)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=pdf.chromium_path(), args=pdf.ARGS)
        try:
            context = browser.new_context(offline=True, viewport={"width": 390, "height": 844})
            page = context.new_page()
            page.goto((out / "html" / "index.html").resolve().as_uri())

            def shown() -> list[str]:
                return page.eval_on_selector_all(".card:not([hidden]) h3 a",
                                                 "links => links.map(a => a.getAttribute('href'))")

            assert len(shown()) == 15
            assert page.text_content("#shown") == "15 of 15 reports shown"
            page.fill("input[name=words]", "numero 2")  # accents and case do not matter
            assert shown() == ["synthetic/site-2.html", "tfs/site-2.html", "tfs/es/site-2.html"]
            page.select_option("select[name=language]", "es")
            assert shown() == ["tfs/es/site-2.html"]
            page.fill("input[name=words]", "")
            page.select_option("select[name=kind]", "network_overview")
            assert shown() == ["tfs/es/network.html"]
            page.select_option("select[name=language]", "")
            page.select_option("select[name=dataset]", "synthetic")
            assert shown() == ["synthetic/network.html"]
            assert page.is_hidden("section:has(> #tfs)")  # a set with no card left goes
            assert page.is_visible("section:has(> #synthetic)")
            assert page.text_content("#shown") == "1 of 15 reports shown"
            context.close()
            plain = browser.new_context(offline=True, java_script_enabled=False)
            page = plain.new_page()
            page.goto((out / "html" / "index.html").resolve().as_uri())
            assert page.is_hidden("#find")  # no form that cannot work
            assert len(page.query_selector_all(".card")) == 15
            assert all(card.is_visible() for card in page.query_selector_all(".card"))
            plain.close()
        finally:
            browser.close()


def test_the_index_passes_the_gate_on_a_phone_and_a_desktop(tmp_path):
    out = index_of(tmp_path, sites=40)
    for width in (390, 1280):
        check = check_reports(out, names=["index"], width=width)[0]
        assert check.problems == [], (width, check.problems)


def test_the_running_title_is_a_css_string_no_label_can_end():
    from helpers.export import css_content, css_string

    assert css_string('A "quoted" </style> \\ site') == '"A \\22 quoted\\22  \\3c /style\\3e  \\5c  site"'
    assert css_content("Página {page} de {pages}", page="counter(page)", pages="counter(pages)") \
        == '"Página " counter(page) " de " counter(pages)'
