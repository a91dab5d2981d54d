"""Faults of a run (issue 21): nothing stale after a change to any input, no section dropped
without the report failing, no spreadsheet formula in a CSV file or workbook, a report's files
never out of step with each other (kill -9 or SIGTERM at any moment), and the smaller ones:
whole counts, rounded and marked network-sites.csv, texts too long for an Excel cell, a Makefile
that quotes its variables, byte-identical workbooks and CSV files from the same inputs.
"""

import csv
import html
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import openpyxl
import psutil
import pytest
import yaml

from helpers import spreadsheet
from helpers.engine import run_cell
from helpers.paths import ROOT
from helpers.publish import VERSIONS, publish, tidy
from helpers.render import data_fingerprint, render_all

from .conftest import REPORTS, SNAPSHOTS, SYNTHETIC, TACOMA, TFS, html_of, run_cli
from .test_reports import broken_notebooks

HOSTILE = {  # codebook text: what it becomes
    "name: Memphis,": r"name: 'North\1side \g<0> {0} %s $& School',",
    "name: Chicago,": "name: '=HYPERLINK(\"http://x\",\"click\")',",
    "label: Parents involved": "label: '+Parents {0} involved %s'",
    "label: organizational partners": r"label: '-organizational \1 partners'",
    "label: agree, side": r"label: '@agree $& \g<0>', side",
    "short: input from parents": "short: '=1+1 parents'",
    "short: input from students": "short: 'students, $5 to $10'",
}


def files_of(folder: Path, name: str) -> dict[str, bytes]:
    """Returns one report's files, by their names beside its HTML (read through the links)."""
    folder = Path(folder)
    found = {f"{name}.html": folder / f"{name}.html", f"{name}.xlsx": folder / f"{name}.xlsx",
             "network-sites.csv": folder / "network-sites.csv" if name == "network" else None}
    found |= {f"{name}-csv/{p.name}": p for p in sorted((folder / f"{name}-csv").glob("*.csv"))}
    return {key: path.read_bytes() for key, path in found.items() if path is not None and path.exists()}


def csv_cells(path: Path) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))) for cell in row]


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- 1. nothing stale: every file a run reads is in the fingerprint -----------------------------


def small_synthetic(folder: Path) -> Path:
    """Returns a two-site copy of the synthetic dataset whose export lies in a subfolder,
    exports/responses-2024.csv, as a codebook may name it."""
    book = yaml.safe_load((SYNTHETIC / "codebook.yaml").read_text(encoding="utf-8"))
    book["sites"] = book["sites"][:2]
    book["waves"] = [w for w in book["waves"] if w["id"] == "2024"]
    book["exports"] = [dict(book["exports"][0], file="exports/responses-2024.csv")]
    names = {site["name"] for site in book["sites"]}
    with open(SYNTHETIC / "responses-2024.csv", encoding="utf-8-sig", newline="") as file:
        header, *rows = list(csv.reader(file))
    (folder / "exports").mkdir(parents=True)
    with open(folder / "exports" / "responses-2024.csv", "w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([header, *(r for r in rows if r[1] in names)])
    (folder / "codebook.yaml").write_text(yaml.safe_dump(book, sort_keys=False, allow_unicode=True))
    return folder


def test_an_export_in_a_subfolder_and_the_translations_are_in_the_data_fingerprint(tmp_path):
    data = Path(shutil.copytree(TFS, tmp_path / "tfs"))
    small = small_synthetic(tmp_path / "small")
    before = data_fingerprint(data), data_fingerprint(small)
    with open(small / "exports" / "responses-2024.csv", "a", encoding="utf-8") as file:
        file.write("\n")  # one byte more in the export of a subfolder
    (data / "codebook.es.yaml").write_text((data / "codebook.es.yaml").read_text() + "\n")
    assert data_fingerprint(data) != before[0]
    assert data_fingerprint(small) != before[1]


def _event_rows(page: str) -> list[str]:
    """Returns the page's table rows of "Came to an event" (its figures, as shown)."""
    return [row for row in re.findall(r"<tr>.*?</tr>", page, flags=re.S) if "Came to an event" in row]


def test_a_changed_export_in_a_subfolder_shows_in_the_next_run(tmp_path):
    """Every "Came to an event" answer set to Yes: the next run (not forced) renders every report
    again and the network's page says so (its rows of that question change), not what the run's cache
    of the old export held, nor what the last run's stamp of its inputs said was up to date."""
    data = small_synthetic(tmp_path / "small")
    out = tmp_path / "out"
    render_all(data, tmp_path / "no-params", out, jobs=2, progress=False)
    before = _event_rows(html_of(out, "network", "synthetic").read_text(encoding="utf-8"))
    assert before
    export = data / "exports" / "responses-2024.csv"
    header, *rows = list(csv.reader(io.StringIO(export.read_text(encoding="utf-8"))))
    column = header.index("Q5_event")
    rows = [[*r[:column], "Yes", *r[column + 1:]] if r and r[column] else r for r in rows]
    with open(export, "w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([header, *rows])
    results = render_all(data, tmp_path / "no-params", out, jobs=2, progress=False)
    assert {r.status for r in results} == {"ok"}, [r.error for r in results]
    assert _event_rows(html_of(out, "network", "synthetic").read_text(encoding="utf-8")) != before
    cached = sorted(p.name for p in (out / "cache").iterdir() if p.is_dir())  # helpers.shared
    assert len(cached) == 1  # the run cache of the old content went with it


def test_an_export_outside_the_dataset_folder_is_refused(tmp_path):
    data = small_synthetic(tmp_path / "small")
    shutil.move(data / "exports" / "responses-2024.csv", tmp_path / "elsewhere.csv")
    codebook = data / "codebook.yaml"
    codebook.write_text(codebook.read_text().replace("exports/responses-2024.csv", "../elsewhere.csv"))
    result = run_cli("check-data", "--data", data)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert ("codebook.yaml, key 'exports.0.file': found '../elsewhere.csv'; expected a file inside "
            "the dataset's folder") in result.stderr
    assert len(result.stderr) < 1000


# --- 2. no section dropped: any error in any cell fails its report ------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The TFS reports rendered from a codebook whose labels are full of regular-expression,
    format-string and formula metacharacters: the output folder."""
    folder = tmp_path_factory.mktemp("hostile")
    data = Path(shutil.copytree(TFS, folder / "data"))
    text = (data / "codebook.yaml").read_text(encoding="utf-8")
    for plain, hostile_text in HOSTILE.items():
        assert plain in text, plain
        text = text.replace(plain, hostile_text)
    (data / "codebook.yaml").write_text(text, encoding="utf-8")
    results = render_all(data, folder / "no-params", folder / "out", jobs=2, progress=False)
    assert {r.name: r.status for r in results} == dict.fromkeys(REPORTS, "ok"), [r.error for r in results]
    return folder / "out"


def exhibits(page: str) -> tuple[int, int, int]:
    """Returns how many sections, charts and tables a page shows."""
    return page.count("<h2 "), page.count('<figure class="chart"'), page.count('<table class="data-table"')


def test_labels_full_of_metacharacters_lose_no_section(hostile, rendered):
    for name in REPORTS:
        page = html_of(hostile, name).read_text(encoding="utf-8")
        assert exhibits(page) == exhibits(rendered[2][name].decode("utf-8")), name
    memphis = html_of(hostile, "memphis").read_text(encoding="utf-8")
    name = html.escape(r"North\1side \g<0> {0} %s $& School", quote=False)
    assert f"<h1>Together for Students: {name}</h1>" in memphis
    assert f'aria-label="Bar charts of participants in 3 activities, by site; {name} highlighted."' in memphis
    network = html_of(hostile, "network").read_text(encoding="utf-8")
    assert "students, $5 to $10</text>" in network  # drawn as text, not as TeX


def test_a_representation_that_raises_is_an_error_of_its_cell():
    """IPython only prints what a _repr_html_ raises; here the cell fails, as its code would."""
    outputs, failed = run_cell(
        "class Broken:\n    def _repr_html_(self):\n        raise ValueError('no picture')\nBroken()", 1)
    assert failed
    errors = [o for o in outputs if o.output_type == "error"]
    assert [(e.ename, e.evalue) for e in errors] == [("ValueError", "no picture")]
    assert not [o for o in outputs if o.output_type == "stream"]  # not printed as well


def test_a_section_that_raises_as_it_is_shown_fails_its_report_and_keeps_the_old_page(rendered, tmp_path):
    out = Path(shutil.copytree(rendered[0], tmp_path / "out", symlinks=True))
    before = files_of(out / "html" / "tfs", "dayton")
    notebooks = broken_notebooks(tmp_path, (
        "class Shown:\n    def _repr_html_(self):\n        raise ValueError(f'{site}: no section')\n"
        "Shown() if site == 'dayton' else None"))
    result = run_cli("reports", "--out", out, "--notebooks", notebooks, "--force", "--jobs", "2")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error: dayton failed: ValueError: dayton: no section" in result.stderr
    assert "Traceback" not in result.stderr
    assert "9 rendered, 1 failed" in result.stdout  # the others and the four family snapshots
    assert files_of(out / "html" / "tfs", "dayton") == before
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    assert "ValueError: dayton: no section" in index


# --- 3. no formula in a CSV file or a workbook ------------------------------------------------


def test_no_csv_cell_of_a_hostile_run_reads_as_a_formula(hostile):
    files = sorted((hostile / "html").rglob("*.csv"))
    neutralised, negative = 0, 0
    for path in files:
        for cell in csv_cells(path):
            if cell.startswith(spreadsheet.FORMULA_SIGNS):
                assert is_number(cell), (path.name, cell)  # a negative gap, stored as a number
                negative += 1
            neutralised += cell.startswith("'") and cell[1:].startswith(spreadsheet.FORMULA_SIGNS)
    assert neutralised > 100
    assert negative > 20
    assert len(files) > 30
    sites = csv_cells(hostile / "html" / "tfs" / "network-sites.csv")
    assert "'=HYPERLINK(\"http://x\",\"click\")" in sites


def test_workbook_text_that_looks_like_a_formula_stays_text_and_numbers_stay_numbers(hostile):
    books = sorted((hostile / "html" / "tfs").glob("*.xlsx"))
    assert len(books) == len(REPORTS)
    marked = numbers = 0
    for path in books:
        with zipfile.ZipFile(path) as archive:
            assert not any(b"<f>" in archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, cell.coordinate)
                    if isinstance(cell.value, str) and cell.value.startswith(spreadsheet.FORMULA_SIGNS):
                        assert cell.quotePrefix, (path.name, sheet.title, cell.coordinate, cell.value)
                        marked += 1
                    numbers += isinstance(cell.value, int | float) and cell.value < 0
    assert marked > 50
    assert numbers > 20


def test_csv_and_workbook_neutralise_formulas_and_keep_numbers():
    sheet = {"name": "t", "title": "t", "columns": ["=label", "gap"],
             "rows": [["@SUM(A1)", -3.5], ["-2", 19], ["\tx", 0.0], ["plain", -0.1]]}
    assert spreadsheet.csv_bytes(sheet).decode("utf-8-sig").splitlines() == [
        "'=label,gap", "'@SUM(A1),-3.5", "'-2,19", "'\tx,0.0", "plain,-0.1"]
    page = openpyxl.load_workbook(io.BytesIO(spreadsheet.workbook([sheet], []))).worksheets[1]
    assert [(c.value, c.quotePrefix) for c in page["A"]] == [
        ("=label", True), ("@SUM(A1)", True), ("-2", True), ("\tx", True), ("plain", False)]
    assert [c.value for c in page["B"]][1:] == [-3.5, 19, 0, -0.1]


# --- 8. a report's files all old or all new -------------------------------------------------


def test_publish_switches_a_report_s_files_together_and_drops_what_the_new_one_lacks(tmp_path):
    publish(tmp_path, "r", {"r.html": b"old", "r.xlsx": b"old", "r-csv/table-1.csv": b"old"})
    publish(tmp_path, "r", {"r.html": b"new", "r.xlsx": b"new"})
    assert (tmp_path / "r.html").read_bytes() == (tmp_path / "r.xlsx").read_bytes() == b"new"
    assert not (tmp_path / "r-csv").exists()
    assert not (tmp_path / "r-csv").is_symlink()
    assert sorted(p.name for p in (tmp_path / VERSIONS).iterdir() if not p.is_symlink()) == [
        os.readlink(tmp_path / VERSIONS / "r")]


def test_a_report_of_the_layout_before_versions_is_taken_over(tmp_path):
    (tmp_path / "r-csv").mkdir()
    (tmp_path / "r-csv" / "table-1.csv").write_bytes(b"old")
    (tmp_path / "r.html").write_bytes(b"old")
    publish(tmp_path, "r", {"r.html": b"new", "r-csv/table-1.csv": b"new"})
    assert (tmp_path / "r.html").is_symlink()
    assert (tmp_path / "r-csv").is_symlink()
    assert (tmp_path / "r-csv" / "table-1.csv").read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [VERSIONS, "r-csv", "r.html"]  # none aside


def test_tidy_removes_what_a_killed_run_left_and_nothing_else(tmp_path):
    publish(tmp_path, "r", {"r.html": b"kept"})
    half = tmp_path / VERSIONS / "r.0123456789ab"  # a version a killed run did not switch in
    half.mkdir()
    (half / "r.html").write_bytes(b"half")
    (tmp_path / ".r.html.99.tmp").write_bytes(b"x")
    os.symlink("nowhere", tmp_path / ".r.html.99.link")
    tidy(tmp_path)
    assert not half.exists()
    assert not list(tmp_path.glob(".*"))
    assert (tmp_path / "r.html").read_bytes() == b"kept"


def start(out: Path, data: Path, epoch: int) -> subprocess.Popen:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch), "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    return subprocess.Popen([sys.executable, "-m", "helpers.cli", "reports", "--data", str(data),
                             "--params", str(out / "no-params"), "--out", str(out), "--jobs", "2",
                             "--force"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def wait_for(condition, seconds: float = 120) -> None:
    ends = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < ends, "the run never got there"
        time.sleep(0.005)


def tacoma_versions(folder: Path) -> tuple[Path, Path]:
    """Returns the Tacoma dataset and a copy whose label changed (every table says it)."""
    new = Path(shutil.copytree(TACOMA, folder / "tacoma-new"))
    codebook = new / "codebook.yaml"
    codebook.write_text(codebook.read_text().replace("professional development and training",
                                                     "professional development and coaching"))
    return TACOMA, new


def test_a_run_killed_at_any_point_leaves_each_report_all_old_or_all_new(tmp_path):
    """Killed (kill -9) at its start, as soon as any file of any report has changed, and as soon as
    a report's page has: each report's page, workbook and CSV files are all as they were or all
    new; the next run cleans up and renders them all."""
    old_data, new_data = tacoma_versions(tmp_path)
    old = tmp_path / "old"
    assert start(old, old_data, 1_700_000_000).wait(timeout=300) == 0
    folder = Path("html") / "graduate-tacoma"
    names = ["network", "data-quality"]
    before = {name: files_of(old / folder, name) for name in names}

    def changed(out: Path, only: str = "") -> bool:
        return any(file != before[name].get(key) for name in names
                   for key, file in files_of(out / folder, name).items() if key.endswith(only))

    points = {"at start": lambda out: True, "at the first changed file": changed,
              "at the first changed page": lambda out: changed(out, ".html")}
    killed = {}
    for point, reached in points.items():
        out = Path(shutil.copytree(old, tmp_path / point.replace(" ", "-"), symlinks=True))
        run = start(out, new_data, 1_800_000_000)
        wait_for(lambda out=out, reached=reached, run=run: reached(out) or run.poll() is not None)
        children = psutil.Process(run.pid).children(recursive=True)
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
        psutil.wait_procs(children, timeout=30)
        assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
        killed[point] = (out, {name: files_of(out / folder, name) for name in names})
    recovered = killed["at the first changed file"][0]
    assert start(recovered, new_data, 1_800_000_000).wait(timeout=300) == 0
    after = {name: files_of(recovered / folder, name) for name in names}
    for name in names:
        assert before[name].keys() == after[name].keys()
        for kind in (f"{name}.html", f"{name}.xlsx"):  # each dated, so a mix would show
            assert before[name][kind] != after[name][kind]
    assert any(before["network"][k] != after["network"][k] for k in before["network"] if k.endswith(".csv"))
    for point, (_out, found) in killed.items():
        for name in names:
            assert found[name] in (before[name], after[name]), (point, name)
    versions = recovered / folder / VERSIONS
    assert len([p for p in versions.iterdir() if not p.is_symlink()]) == len(names)  # no half-written one


def test_sigterm_ends_a_run_as_cleanly_as_a_finished_one(tmp_path):
    old_data, new_data = tacoma_versions(tmp_path)
    out = tmp_path / "out"
    assert start(out, old_data, 1_700_000_000).wait(timeout=300) == 0
    folder = out / "html" / "graduate-tacoma"
    versions = folder / VERSIONS
    switched_in = {p.name for p in versions.iterdir() if not p.is_symlink()}
    run = start(out, new_data, 1_800_000_000)
    # A report's new version being written: the run is under way and has work left to finish.
    wait_for(lambda: {p.name for p in versions.iterdir() if not p.is_symlink()} - switched_in)
    assert run.poll() is None
    children = psutil.Process(run.pid).children(recursive=True)
    run.send_signal(signal.SIGTERM)
    _stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 128 + signal.SIGTERM, stderr
    assert "error: stopped (SIGTERM) after " in stderr
    done = int(re.search(r"stopped \(SIGTERM\) after (\d+) reports", stderr).group(1))
    assert done >= 1  # the report being written when the stop came finished, and is recorded
    assert "Traceback" not in stderr
    assert len(stderr) < 500
    _gone, alive = psutil.wait_procs(children, timeout=30)
    assert not [c for c in alive if c.status() != psutil.STATUS_ZOMBIE]
    assert len([p for p in versions.iterdir() if not p.is_symlink()]) == 2  # nothing half-written
    assert not list(out.rglob("*.tmp"))
    assert not list(out.rglob(".*.link"))
    again = run_cli("reports", "--data", new_data, "--params", out / "no-params", "--out", out)
    assert again.returncode == 0, again.stderr  # not busy: the lock went with the run
    # The next run resumes where the stopped one stopped: what it finished is up to date.
    assert (f"{2 - done} rendered, 0 failed, {done} unchanged" if done < 2 else "Nothing to render") \
        in again.stdout, again.stdout



@pytest.mark.parametrize("executor", ["local pool", "dask"])
def test_a_run_killed_half_way_resumes_where_it_stopped(tmp_path, executor):
    """Killed (kill -9) once a few reports are done, a run never writes its state; its journal
    (helpers.index.note) holds what it finished, and the next run, locally or on a Dask
    cluster, renders only the others."""
    import contextlib

    import dask
    from distributed import Client, LocalCluster

    from devtools.bench import synthetic_sites

    data, params = synthetic_sites(2, tmp_path)  # six reports: two left when the run is killed at least
    out, total = tmp_path / "out", 2 + 2 * 2
    journal = out / "state" / "bench-2.journal"
    with contextlib.ExitStack() as stack:
        where = []
        if executor == "dask":
            stack.enter_context(dask.config.set({"distributed.worker.daemon": False}))
            cluster = stack.enter_context(LocalCluster(n_workers=1, threads_per_worker=2,
                                                       dashboard_address=None))
            client = stack.enter_context(Client(cluster))
            where = ["--executor", cluster.scheduler_address]
        command = [sys.executable, "-m", "helpers.cli", "reports", "--data", str(data), "--params",
                   str(params), "--out", str(out), "--jobs", "2", *where]
        run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for(lambda: (journal.exists() and journal.read_text().count("\n") >= 2)
                 or run.poll() is not None, seconds=240)
        assert run.poll() is None, "the run ended before it noted two finished reports"
        children = psutil.Process(run.pid).children(recursive=True)
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
        psutil.wait_procs(children, timeout=30)
        if executor == "dask":  # what the killed run's worker had under way finishes or is dropped
            wait_for(lambda: not client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)))
        done = journal.read_text().count("\n")
        assert not (out / "state" / "bench-2.json").exists()  # the killed run wrote no state
        assert 2 <= done < total, run.stderr.read()
        again = run_cli("reports", "--data", data, "--params", params, "--out", out, *where)
    assert again.returncode == 0, again.stderr
    assert f"{total - done} rendered, 0 failed, {done} unchanged" in again.stdout, again.stdout
    assert not journal.exists()  # the state holds it all now
    assert run_cli("reports", "--data", data, "--params", params, "--out", out).stdout.startswith(
        f"Nothing to render: all {total} reports")

# --- the smaller items, and byte-identical runs --------------------------------------------------


def test_two_runs_give_byte_identical_html_workbooks_and_csv_files(rendered, tmp_path):
    again = tmp_path / "again"
    render_all(TFS, tmp_path / "no-params", again, jobs=2, progress=False)
    for name in REPORTS:
        first, second = files_of(rendered[0] / "html" / "tfs", name), files_of(again / "html" / "tfs", name)
        assert first.keys() == second.keys()
        assert len(first) > 2
        for file in first:
            assert first[file] == second[file], (name, file)


def test_a_workbook_s_time_is_the_report_s_not_the_clock():
    created = spreadsheet.EPOCH.replace(year=2025)
    first = spreadsheet.workbook([], [("Report", "x")], created)
    time.sleep(1.1)
    assert spreadsheet.workbook([], [("Report", "x")], created) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert b"<dcterms:created xsi:type=\"dcterms:W3CDTF\">2025-01-01T00:00:00Z" in archive.read(
            "docProps/core.xml")


def test_a_text_too_long_for_an_excel_cell_says_where_it_was_cut():
    text = "word " * 8_000  # 40,000 characters
    sheet = {"name": "t", "title": "t", "columns": ["note"], "rows": [[text]]}
    cell = openpyxl.load_workbook(io.BytesIO(spreadsheet.workbook([sheet], []))).worksheets[1]["A2"].value
    assert len(cell) <= spreadsheet.CELL_LIMIT
    assert cell.startswith("word word")
    assert cell.endswith("[Cut here: an Excel cell holds at most 32,767 characters. The CSV file holds "
                         "the whole text.]")
    assert text.strip() in spreadsheet.csv_bytes(sheet).decode("utf-8-sig")


def test_counts_are_whole_numbers_in_csv_files_and_tables(rendered, other_datasets):
    tfs = rendered[0] / "html" / "tfs"
    text = (tfs / "network-csv" / "table-03.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    column = rows[0].index("n (inferred)")
    assert [row[column] for row in rows[1:6]] == ["11", "15", "22", "4", "11"]
    assert "<td class=num>11</td><td class=num>58.3</td>" in html_of(rendered[0], "chicago").read_text()
    counted = 0
    for path in (other_datasets[0] / "html" / "synthetic").rglob("*.csv"):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        for index, title in enumerate(rows[0]):
            if title in ("n", "respondents", "reference n") or title.endswith(" n"):
                values = [row[index] for row in rows[1:] if row[index] != "—"]
                assert all(value.isdigit() for value in values), (path.name, title, values[:5])
                counted += len(values)
    assert counted > 500


def test_network_sites_csv_has_a_byte_order_mark_and_rounded_numbers(other_datasets):
    path = other_datasets[0] / "html" / "synthetic" / "network-sites.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(rows) >= 80  # the shown site figures: 89 of 12 sites' 120 since coding passes at 15%
    for row in rows:
        record = dict(zip(header, row, strict=True))
        for column in ("percent", "low", "high", "reference", "gap", "gap low", "gap high"):
            value = record[column]
            assert value == "—" or len(value.partition(".")[2]) <= 1, (column, value)
        assert record["n"].isdigit()
        assert record["reference n"].isdigit()
        assert record["p"] == "—" or len(record["p"].replace("0.", "").lstrip("0").split("e")[0]) <= 4


def test_the_makefile_quotes_its_variables(tmp_path):
    """DATA alone is enough: its params folder is params/<the codebook's dataset id> (a new user's
    `make reports DATA=...` stopped on params/tfs/chicago.yaml, the default dataset's params)."""
    marker = tmp_path / "ran"
    out = tmp_path / "my outputs"
    result = subprocess.run(["make", "-s", "reports", f"DATA={TACOMA}", f"OUT={out}", "JOBS=2"],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "html" / "graduate-tacoma" / "network.html").is_file()
    bad = subprocess.run(["make", "-s", "check-data", f"DATA=nowhere; touch {marker}"], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    assert f"nowhere; touch {marker}: found 'no such folder'" in bad.stderr
    assert not marker.exists()


def test_a_failed_notebook_names_its_error_once(rendered, tmp_path):
    """The executed notebook kept for a failed report holds the error as its cell's error output,
    once, not again as printed text."""
    notebooks = broken_notebooks(tmp_path, "raise RuntimeError('broken on purpose')")
    out = tmp_path / "out"
    results = render_all(TFS, tmp_path / "no-params", out, jobs=2, notebooks=notebooks, progress=False)
    assert {r.name: r.status for r in results} == {**dict.fromkeys(REPORTS, "failed"),
                                                   "network": "ok", "data-quality": "ok",
                                                   **dict.fromkeys(SNAPSHOTS, "ok")}  # not broken
    failed = nbformat.read(out / "notebooks" / "tfs" / "memphis.failed.ipynb", as_version=4)
    outputs = [o for c in failed.cells for o in c.get("outputs", [])]
    assert [o.evalue for o in outputs if o.output_type == "error"] == ["broken on purpose"]
    assert not [o for o in outputs if o.output_type == "stream" and "broken on purpose" in o.text]
