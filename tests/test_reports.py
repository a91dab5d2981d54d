"""make reports, for real: every notebook executed for every params file, HTML checked."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.paths import NOTEBOOKS, ROOT
from helpers.render import render_all

from .conftest import REPORTS, SITES, TACOMA, TFS, TFS_PARAMS, html_of, run_cli


def page(rendered, name: str) -> str:
    return rendered[2][name].decode("utf-8")


def test_every_report_renders(rendered):
    out, results, _ = rendered
    assert {r.name: r.status for r in results} == dict.fromkeys(REPORTS, "ok")
    assert sorted(p.name for p in (out / "html" / "tfs").glob("*.html")) == sorted(
        f"{name}.html" for name in REPORTS)
    assert (out / "html" / "index.html").exists()
    for name in REPORTS:
        executed = nbformat.read(out / "notebooks" / "tfs" / f"{name}.ipynb", as_version=4)
        assert any(cell.get("outputs") for cell in executed.cells)


@pytest.mark.parametrize("site", SITES)
def test_site_reports_show_the_site_and_its_published_figures(rendered, tfs, site):
    html = page(rendered, site)
    facts = tfs.codebook.site(site)
    assert f"<h1>Together for Students: {facts.name}</h1>" in html
    assert facts.place in html
    assert facts.focus in html
    figures = tfs.figures[tfs.figures["site"] == site]
    for figure in figures.itertuples():
        assert f"{figure.percent:.1f}%" in html, figure.answer
    counts = tfs.headcounts[(tfs.headcounts["site"] == site) & (tfs.headcounts["activity"] == "survey")]
    assert f"{int(counts['count'].iloc[0])} people took part in the survey" in html
    assert ("Parents involved: 71.1% of community partners and 45.2% of organizational partners "
            "answer agree or strongly agree (network-wide; the data hold no such figures by site)") in html


def test_network_and_quality_reports_carry_the_brief_figures(rendered):
    network, quality = page(rendered, "network"), page(rendered, "data-quality")
    for figure in ("93.9%", "81.5%", "45.5%", "71.0%", "58.3", "43.0", "25.9"):
        assert figure in network, figure
    assert "13 places where the published figures disagree" in quality
    assert "if Chicago's survey figure were 27 instead of 7" in quality


@pytest.mark.parametrize("name", REPORTS)
def test_staff_html_has_no_code_and_no_paths(rendered, name):
    html = page(rendered, name)
    for code in ("import ", "load_dataset(", "report.headline", "data =", "In&nbsp;[", "Traceback",
                 "<script", "injected-parameters", str(ROOT), str(rendered[0])):
        assert code not in html, code
    assert re.search(r'<nav[^>]*class="toc"', html)
    assert "About this report" in html


@pytest.mark.parametrize("name", REPORTS)
def test_every_image_has_alt_text_and_every_heading_a_contents_link(rendered, name):
    html = page(rendered, name)
    svgs = re.findall(r"<svg\b[^>]*>", html)
    assert svgs or name == "data-quality" or name.endswith("_family")  # a snapshot is words and a table
    for svg in svgs:
        label = re.search(r'aria-label="([^"]+)"', svg)
        assert 'role="img"' in svg
        assert label
        assert len(label.group(1)) > 20
    for image in re.findall(r"<img\b[^>]*>", html):
        assert re.search(r'alt="[^"]+"', image)
    anchors = re.findall(r'<h2 id="([^"]+)"', html)
    links = re.findall(r'<nav[^>]*class="toc".*?</nav>', html, re.S)[0]
    assert anchors
    assert all(f'href="#{anchor}"' in links for anchor in anchors)


@pytest.mark.parametrize("name", [*REPORTS, "index"])
def test_no_resource_from_another_host(rendered, name):
    path = rendered[0] / "html" / "index.html" if name == "index" else html_of(rendered[0], name)
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href|action)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", html, re.I)
    assert "@import" not in html


def test_index_lists_every_report_with_status_and_headline(rendered):
    out, results, _ = rendered
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    for result in results:
        assert f'href="tfs/{result.name}.html"' in index
        assert result.headline
        assert result.headline.replace("'", "&#39;") in index
    assert index.count("up to date") == len(REPORTS)


def test_a_second_run_renders_nothing(rendered):
    out, _, pages = rendered
    results = render_all(TFS, TFS_PARAMS, out, jobs=2, progress=False)
    assert {r.status for r in results} == {"unchanged"}
    assert all(html_of(out, n).read_bytes() == pages[n] for n in REPORTS)


def test_a_second_run_imports_no_data_library(rendered):
    """A run with nothing to do stays well under a second: it hashes the files the last run read
    and finds the same stamp (helpers.provenance.inputs_stamp), and never imports pandas,
    matplotlib, nbformat or even the codebook's models (pydantic; the renderer imports only the
    standard library at the top)."""
    out, _, _ = rendered
    code = ("import sys; from pathlib import Path; from helpers.render import render_all; "
            f"results = render_all(Path({str(TFS)!r}), Path({str(TFS_PARAMS)!r}), Path({str(out)!r}), "
            "jobs=2, progress=False); "
            "print({r.status for r in results}, sorted(m for m in ('pandas', 'matplotlib', 'nbformat', "
            "'pydantic', 'helpers.codebook') "
            "if m in sys.modules))")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout.strip()
    assert printed == "{'unchanged'} []"


def test_the_no_op_says_so(rendered):
    result = run_cli("reports", "--out", rendered[0])
    assert result.returncode == 0, result.stderr
    assert "Nothing to render: all 10 reports are up to date" in result.stdout


def test_changed_params_render_only_their_site(rendered, params_copy):
    out = rendered[0]
    text = (params_copy / "memphis.yaml").read_text().replace("min_n: 10", "min_n: 5")
    (params_copy / "memphis.yaml").write_text(text)
    results = render_all(TFS, params_copy, out, jobs=2, progress=False)
    assert {r.name: r.status for r in results} == {**dict.fromkeys(REPORTS, "unchanged"),
                                                   "memphis": "ok", "memphis_family": "ok"}
    assert "min_n</code></th><td><code>5</code>" in html_of(out, "memphis").read_text()
    render_all(TFS, TFS_PARAMS, out, jobs=2, progress=False)  # put memphis back as it was


def test_forced_render_is_byte_identical(rendered):
    out, _, pages = rendered
    results = render_all(TFS, TFS_PARAMS, out, jobs=2, force=True, progress=False)
    assert {r.status for r in results} == {"ok"}
    for name in REPORTS:
        assert html_of(out, name).read_bytes() == pages[name], name


def broken_notebooks(folder: Path, code: str) -> Path:
    """Returns a copy of notebooks/ whose site report runs `code` right after its setup cell."""
    target = Path(shutil.copytree(NOTEBOOKS, folder / "notebooks"))
    notebook = nbformat.read(target / "site_report.ipynb", as_version=4)
    notebook.cells.insert(2, nbformat.v4.new_code_cell(code))
    nbformat.write(notebook, target / "site_report.ipynb")
    return target


def test_a_failing_report_keeps_its_old_html_and_the_others_render(rendered, tmp_path):
    out = Path(shutil.copytree(rendered[0], tmp_path / "out"))
    before = html_of(out, "dayton").read_bytes()
    notebooks = broken_notebooks(tmp_path, 'if site == "dayton":\n'
                                           '    raise RuntimeError("the Dayton cell broke")')
    result = run_cli("reports", "--out", out, "--notebooks", notebooks, "--force", "--jobs", "2")
    assert result.returncode == 1
    assert "error: dayton failed: RuntimeError: the Dayton cell broke" in result.stderr
    assert "Traceback" not in result.stderr
    assert html_of(out, "dayton").read_bytes() == before
    failed = nbformat.read(out / "notebooks" / "tfs" / "dayton.failed.ipynb", as_version=4)
    errors = [o for c in failed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors[0].evalue == "the Dayton cell broke"
    state = json.loads((out / "state" / "tfs.json").read_text())
    assert state["dayton"]["status"] == "failed"
    assert {state[n]["status"] for n in REPORTS if n != "dayton"} == {"ok"}
    index = (out / "html" / "index.html").read_text()
    assert "failed: the previous version is shown" in index
    # Fixed, it renders again and the failed notebook goes.
    fixed = run_cli("reports", "--out", out, "--jobs", "2")
    assert fixed.returncode == 0, fixed.stderr
    assert not (out / "notebooks" / "tfs" / "dayton.failed.ipynb").exists()


def test_no_state_leaks_from_one_report_into_the_next(tmp_path):
    """With one worker, every report would see the last one's module state if processes were
    reused; each report must start clean."""
    notebooks = broken_notebooks(tmp_path, (
        "import helpers\n"
        "left_over = getattr(helpers, 'left_over_from', None)\n"
        "helpers.left_over_from = site\n"
        "assert left_over is None, f'state left over from {left_over}'\n"
        "assert 'left_over' not in globals() or left_over is None"))
    results = render_all(TFS, TFS_PARAMS, tmp_path / "out", jobs=1, notebooks=notebooks,
                         progress=False)
    assert {r.name: r.status for r in results} == dict.fromkeys(REPORTS, "ok"), [
        r.error for r in results]


def test_the_warm_engine_gives_the_same_html_as_a_jupyter_kernel(tmp_path):
    pages = {}
    for engine in ("warm", "kernel"):
        out = tmp_path / engine
        results = render_all(TACOMA, tmp_path / "no-params", out, jobs=2, progress=False, engine=engine)
        assert {r.status for r in results} == {"ok"}, [r.error for r in results]
        pages[engine] = {n: html_of(out, n, "graduate-tacoma").read_bytes()
                         for n in ("network", "data-quality")}
    assert pages["warm"] == pages["kernel"]


def test_a_new_site_with_only_some_figures_gets_the_sections_its_data_support(data_copy, tmp_path):
    codebook = data_copy / "codebook.yaml"
    codebook.write_text(codebook.read_text().replace(
        "  - {id: memphis,",
        "  - {id: tacoma, name: Tacoma, place: \"Tacoma, Wash.\", focus: graduation}\n  - {id: memphis,"))
    with (data_copy / "headcounts.csv").open("a") as counts:
        counts.write("participants-by-site,year-2,tacoma,,,r1,2,\n"
                     "participants-by-site,year-2,tacoma,,,r2,4,\n"
                     "participants-by-site,year-2,tacoma,,,survey,9,\n"
                     "participants-by-site,year-2,tacoma,,,,15,total\n")
    results = render_all(data_copy, tmp_path / "no-params", tmp_path / "out", jobs=2, progress=False)
    assert {r.name: r.status for r in results}["tacoma"] == "ok", [r.error for r in results]
    html = html_of(tmp_path / "out", "tacoma").read_text()
    assert ("This report leaves out: the comparison with other sites (no figures for this site)"
            in html)
    assert "At Tacoma, 2 people took part in the interviews" in html
    assert 'id="chart-site-comparison"' not in html
    assert "Tacoma: the data hold no figures by site for Tacoma." in html


def test_notebooks_in_git_carry_no_outputs_and_one_parameters_cell():
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "notebooks/*.ipynb"],
                             capture_output=True, text=True, check=True).stdout.split()
    assert sorted(Path(p).name for p in tracked) == [
        "data_quality.ipynb", "explore.ipynb", "family_snapshot.ipynb", "network_overview.ipynb",
        "site_report.ipynb"]
    for path in tracked:
        notebook = nbformat.read(ROOT / path, as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert all(c.outputs == [] and c.execution_count is None for c in code), path
        tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path
        assert tagged[0] is code[0], path


def test_papermill_documents_the_parameters():
    papermill = Path(sys.executable).parent / "papermill"
    shown = subprocess.run([str(papermill), "--help-notebook", str(NOTEBOOKS / "site_report.ipynb")],
                           capture_output=True, text=True, check=True).stdout
    assert 'site: str (default "")' in shown
    assert "site id from the dataset's codebook" in shown
    assert "min_n: int (default 10)" in shown
