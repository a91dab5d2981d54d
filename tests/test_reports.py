"""make reports, for real: every notebook executed for every params file, HTML checked."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.paths import DATA, NOTEBOOKS, PARAMS, ROOT
from helpers.render import render_all

from .conftest import REPORTS, SITES, run_tfs


def page(rendered, name: str) -> str:
    return rendered[2][name].decode("utf-8")


def test_every_report_renders(rendered):
    out, results, _ = rendered
    assert {r.name: r.status for r in results} == dict.fromkeys(REPORTS, "ok")
    assert sorted(p.name for p in (out / "html").glob("*.html")) == sorted(
        [f"{name}.html" for name in REPORTS] + ["index.html"])
    for name in REPORTS:
        executed = nbformat.read(out / "notebooks" / f"{name}.ipynb", as_version=4)
        assert any(cell.get("outputs") for cell in executed.cells)


@pytest.mark.parametrize("site", SITES)
def test_site_reports_show_the_site_and_its_published_figures(rendered, tallies, site):
    html = page(rendered, site)
    name = tallies.site_name(site)
    assert f"<h1>Together for Students: {name}</h1>" in html
    improvements = tallies.improvements[tallies.improvements["site"] == site]
    for figure in improvements.itertuples():
        assert f"{figure.percent:.1f}%" in html, figure.area
    participants = tallies.participants_by_site
    survey = participants[(participants["site"] == site) & (participants["round"] == "survey")]
    assert f"{int(survey['participants'].iloc[0])} in the survey" in html
    assert "45.2% of organizational partners and 71.1% of community partners" in html


def test_network_and_quality_reports_carry_the_brief_figures(rendered):
    network, quality = page(rendered, "network"), page(rendered, "data-quality")
    for figure in ("93.9%", "81.5%", "45.5%", "71.0%", "58.3", "43.0", "25.9"):
        assert figure in network, figure
    assert "13 places where the brief" in quality
    assert "if Chicago's survey figure were 27 instead of 7" in quality


@pytest.mark.parametrize("name", REPORTS)
def test_staff_html_has_no_code_and_no_paths(rendered, name):
    html = page(rendered, name)
    for code in ("import ", "load_all(", "report.headline", "tallies =", "In&nbsp;[", "Traceback",
                 "<script", "injected-parameters", "data_dir", str(ROOT), str(rendered[0])):
        assert code not in html, code
    assert re.search(r'<nav[^>]*class="toc"', html)
    assert "About this report" in html


@pytest.mark.parametrize("name", REPORTS)
def test_every_image_has_alt_text_and_every_heading_a_contents_link(rendered, name):
    html = page(rendered, name)
    svgs = re.findall(r"<svg\b[^>]*>", html)
    assert svgs or name == "data-quality"
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
    html = (rendered[0] / "html" / f"{name}.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href|action)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", html, re.I)
    assert "@import" not in html


def test_index_lists_every_report_with_status_and_headline(rendered):
    out, results, _ = rendered
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    for result in results:
        assert f'href="{result.name}.html"' in index
        assert result.headline
        assert result.headline.replace("'", "&#39;") in index
    assert index.count("up to date") == len(REPORTS)


def test_a_second_run_renders_nothing(rendered):
    out, _, pages = rendered
    results = render_all(DATA, PARAMS, out, jobs=2, progress=False)
    assert {r.status for r in results} == {"unchanged"}
    assert all((out / "html" / f"{n}.html").read_bytes() == pages[n] for n in REPORTS)


def test_the_no_op_says_so(rendered):
    result = run_tfs("reports", "--out", rendered[0])
    assert result.returncode == 0, result.stderr
    assert "Nothing to render: all 6 reports are up to date" in result.stdout


def test_changed_params_render_only_their_site(rendered, params_copy):
    out = rendered[0]
    text = (params_copy / "memphis.yaml").read_text().replace("min_n: 10", "min_n: 5")
    (params_copy / "memphis.yaml").write_text(text)
    results = render_all(DATA, params_copy, out, jobs=2, progress=False)
    assert {r.name: r.status for r in results} == {**dict.fromkeys(REPORTS, "unchanged"),
                                                   "memphis": "ok"}
    assert "min_n</th><td>5</td>" in (out / "html" / "memphis.html").read_text()
    render_all(DATA, PARAMS, out, jobs=2, progress=False)  # put memphis back as it was


def test_forced_render_is_byte_identical(rendered):
    out, _, pages = rendered
    results = render_all(DATA, PARAMS, out, jobs=2, force=True, progress=False)
    assert {r.status for r in results} == {"ok"}
    for name in REPORTS:
        assert (out / "html" / f"{name}.html").read_bytes() == pages[name], name


def broken_notebooks(folder: Path, code: str) -> Path:
    """Returns a copy of notebooks/ whose site report runs `code` right after its setup cell."""
    target = Path(shutil.copytree(NOTEBOOKS, folder / "notebooks"))
    notebook = nbformat.read(target / "site_report.ipynb", as_version=4)
    notebook.cells.insert(2, nbformat.v4.new_code_cell(code))
    nbformat.write(notebook, target / "site_report.ipynb")
    return target


def test_a_failing_report_keeps_its_old_html_and_the_others_render(rendered, tmp_path):
    out = Path(shutil.copytree(rendered[0], tmp_path / "out"))
    before = (out / "html" / "dayton.html").read_bytes()
    notebooks = broken_notebooks(tmp_path, 'if site == "dayton":\n'
                                           '    raise RuntimeError("the Dayton cell broke")')
    result = run_tfs("reports", "--out", out, "--notebooks", notebooks, "--force", "--jobs", "2")
    assert result.returncode == 1
    assert "error: dayton failed: RuntimeError: the Dayton cell broke" in result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "html" / "dayton.html").read_bytes() == before
    failed = nbformat.read(out / "notebooks" / "dayton.failed.ipynb", as_version=4)
    errors = [o for c in failed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors[0].evalue == "the Dayton cell broke"
    state = json.loads((out / "state.json").read_text())
    assert state["dayton"]["status"] == "failed"
    assert {state[n]["status"] for n in REPORTS if n != "dayton"} == {"ok"}
    index = (out / "html" / "index.html").read_text()
    assert "failed: the previous version is shown" in index
    # Fixed, it renders again and the failed notebook goes.
    fixed = run_tfs("reports", "--out", out, "--jobs", "2")
    assert fixed.returncode == 0, fixed.stderr
    assert not (out / "notebooks" / "dayton.failed.ipynb").exists()


def test_no_state_leaks_from_one_report_into_the_next(tmp_path):
    """With one worker, every report would see the last one's module state if processes were
    reused; each report must start clean."""
    notebooks = broken_notebooks(tmp_path, (
        "import helpers\n"
        "left_over = getattr(helpers, 'left_over_from', None)\n"
        "helpers.left_over_from = site\n"
        "assert left_over is None, f'state left over from {left_over}'\n"
        "assert 'left_over' not in globals() or left_over is None"))
    results = render_all(DATA, PARAMS, tmp_path / "out", jobs=1, notebooks=notebooks,
                         progress=False)
    assert {r.name: r.status for r in results} == dict.fromkeys(REPORTS, "ok"), [
        r.error for r in results]


def test_the_warm_engine_gives_the_same_html_as_a_jupyter_kernel(tmp_path):
    params = tmp_path / "params"
    params.mkdir()
    shutil.copy(PARAMS / "memphis.yaml", params)
    pages = {}
    for engine in ("warm", "kernel"):
        out = tmp_path / engine
        results = render_all(DATA, params, out, jobs=2, progress=False, engine=engine)
        assert {r.status for r in results} == {"ok"}, [r.error for r in results]
        pages[engine] = {n: (out / "html" / f"{n}.html").read_bytes()
                         for n in ("memphis", "data-quality")}
    assert pages["warm"] == pages["kernel"]


def test_a_new_site_with_only_some_tables_gets_the_sections_its_data_support(
        data_copy, params_copy, tmp_path):
    with (data_copy / "sites.csv").open("a") as sites:
        sites.write("tacoma,Tacoma\n")
    with (data_copy / "participants_by_site.csv").open("a") as participants:
        participants.write("tacoma,R1,2\ntacoma,R2,4\ntacoma,survey,9\ntacoma,TOTAL,15\n")
    (params_copy / "tacoma.yaml").write_text(
        "site: tacoma\nname: Tacoma\nplace: Tacoma, Wash.\nfocus: graduation\nmin_n: 10\n")
    results = render_all(data_copy, params_copy, tmp_path / "out", jobs=2, progress=False)
    assert {r.name: r.status for r in results}["tacoma"] == "ok", [r.error for r in results]
    html = (tmp_path / "out" / "html" / "tacoma.html").read_text()
    assert "This report leaves out: improvements since year one (no improvement figures)" in html
    assert "At Tacoma, 2 people took part in first-round interviews" in html
    assert 'id="chart-site-comparison"' not in html
    assert "the brief publishes no improvement figures for this site" in html


def test_notebooks_in_git_carry_no_outputs_and_one_parameters_cell():
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "notebooks/*.ipynb"],
                             capture_output=True, text=True, check=True).stdout.split()
    assert sorted(Path(p).name for p in tracked) == [
        "data_quality.ipynb", "network_overview.ipynb", "site_report.ipynb"]
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
    assert 'site: str (default "chicago")' in shown
    assert "site slug, one of params/*.yaml" in shown
    assert "min_n: int (default 10)" in shown
