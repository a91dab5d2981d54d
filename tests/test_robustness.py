"""Bad input, hostile labels and simultaneous runs through `tfs reports`, as `make reports` runs it.

Every bad input ends with exit status 2 (a site whose own params are bad: status 1, that site
failing alone while the others render), a message naming the file and the key, row
or column, no traceback, and every previously rendered file exactly as it was.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.render import render_all

from .conftest import TFS, TFS_PARAMS, html_of, run_cli


def snapshot(out: Path) -> dict:
    return {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".render.lock"}


@pytest.fixture
def earlier(rendered, tmp_path) -> Path:
    """A copy of a complete earlier render that a bad run must leave untouched."""
    return Path(shutil.copytree(rendered[0], tmp_path / "out"))


PARAMS_CASES = {
    # case: (file name, its text, words the message must contain)
    "unknown key": ("memphis.yaml", "colour: blue\n", "key 'colour'", "only the keys site, min_n"),
    "missing key": ("memphis.yaml", None, "key 'min_n'", "this key to be given"),
    "wrong type": ("memphis.yaml", "min_n: ten\n", "key 'min_n'", "valid integer"),
    "out of range": ("memphis.yaml", "min_n: 0\n", "key 'min_n'", "greater than or equal to 1"),
    "slug not the file's name": ("memphis.yaml", "site: dayton\n", "key 'site'",
                                 "site: memphis, the same as the file's name"),
    "site not in the data": ("boston.yaml", "site: boston\n", "boston.yaml, key 'site'",
                             "a site of the dataset's codebook: chicago"),
    "not a slug": ("Memphis City.yaml", "site: Memphis City\n", "key 'site'", "a slug of lower-case"),
    "invalid YAML": ("memphis.yaml", "site: [memphis\n", "memphis.yaml", "valid YAML"),
    "empty file": ("memphis.yaml", "", "found 'an empty file'", "key: value lines"),
}


def write_params(params: Path, name: str, text: str | None) -> None:
    base = (TFS_PARAMS / "memphis.yaml").read_text()
    if text is None:  # drop the min_n line
        body = "".join(line for line in base.splitlines(True) if not line.startswith("min_n"))
    elif text in ("", "site: [memphis\n"):
        body = text
    else:
        key = text.split(":")[0]
        body = "".join(line for line in base.splitlines(True)
                       if not line.startswith(f"{key}:")) + text
    (params / name).write_text(body)


FOLDER_CASES = ("site not in the data", "not a slug")  # a file that belongs to no site's report


@pytest.mark.parametrize("case", [c for c in PARAMS_CASES if c not in FOLDER_CASES])
def test_a_site_with_bad_params_fails_alone_and_the_others_render(earlier, params_copy, case):
    """The site's earlier HTML is kept byte for byte, the other reports render, the index says
    which failed and why, and the exit status is 1."""
    name, text, where, expected = PARAMS_CASES[case]
    write_params(params_copy, name, text)
    before = snapshot(earlier)
    result = run_cli("reports", "--out", earlier, "--params", params_copy, "--force")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: memphis failed: ")
    assert name in result.stderr
    assert where in result.stderr, result.stderr
    assert expected in result.stderr, result.stderr
    assert "error: memphis_family failed: " in result.stderr  # the site's params are its snapshot's too
    assert "8 rendered, 2 failed" in result.stdout
    memphis = Path("html") / "tfs" / "memphis.html"
    assert snapshot(earlier)[memphis] == before[memphis]
    index = (earlier / "html" / "index.html").read_text()
    assert "failed" in index
    assert expected.split()[0] in index


@pytest.mark.parametrize("case", FOLDER_CASES)
def test_a_params_file_of_no_site_stops_the_run_before_any_report(earlier, params_copy, case):
    name, text = PARAMS_CASES[case][:2]
    write_params(params_copy, name, text)
    before = snapshot(earlier)
    result = run_cli("reports", "--out", earlier, "--params", params_copy, "--force")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    assert name in result.stderr
    assert "a file named after a site of the dataset's codebook" in result.stderr
    assert snapshot(earlier) == before


DATA_CASES = {
    "bad percentage": ("figures.csv", "improvements,year-2,dayton,,improvements,groups-joining,20,",
                       "improvements,year-2,dayton,,improvements,groups-joining,2O,",
                       "row 8, column 'percent'"),
    "unknown site": ("headcounts.csv", "participants-by-site,year-2,dayton,,,r1,2,",
                     "participants-by-site,year-2,daytona,,,r1,2,", "row 18, column 'site'"),
    "missing file": ("figures.csv", None, None, "figures.csv: expected a CSV file"),
}


@pytest.mark.parametrize("case", DATA_CASES)
def test_bad_data_stop_the_run_before_any_report(earlier, data_copy, case):
    name, old, new, expected = DATA_CASES[case]
    if old is None:
        (data_copy / name).unlink()
    else:
        (data_copy / name).write_text((data_copy / name).read_text().replace(old, new, 1))
    before = snapshot(earlier)
    result = run_cli("reports", "--out", earlier, "--data", data_copy, "--force")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert expected in result.stderr
    assert snapshot(earlier) == before


def test_a_missing_dataset_folder_is_named(earlier, tmp_path):
    result = run_cli("reports", "--out", earlier, "--data", tmp_path / "nowhere")
    assert result.returncode == 2
    assert "nowhere: found 'no such folder'; expected a dataset folder with a codebook.yaml" in result.stderr


def test_without_params_every_site_gets_the_datasets_defaults(tmp_path):
    results = render_all(TFS, tmp_path / "no-params", tmp_path / "fresh", jobs=2, progress=False)
    assert {r.status for r in results} == {"ok"}
    assert "min_n</code></th><td><code>10</code>" in html_of(tmp_path / "fresh", "memphis").read_text()


def test_labels_from_the_codebook_are_shown_as_text(data_copy, tmp_path):
    codebook = data_copy / "codebook.yaml"
    text = codebook.read_text()
    text = text.replace("label: Parents involved", "label: '<script>alert(\"parents\")</script>'")
    text = text.replace("{id: memphis, name: Memphis,",
                        "{id: memphis, name: 'Memphis <img src=x onerror=alert(1)>',")
    text = text.replace("focus: community schooling models}", "focus: '<script>x()</script> schools'}")
    codebook.write_text(text)
    results = render_all(data_copy, tmp_path / "no-params", tmp_path / "out", jobs=2, progress=False)
    assert {r.status for r in results} == {"ok"}, [r.error for r in results]
    for name in ("network", "memphis"):
        html = html_of(tmp_path / "out", name).read_text()
        assert "<script" not in html
        assert "<img src=x" not in html
    network = html_of(tmp_path / "out", "network").read_text()
    assert "<td>&lt;script&gt;alert(&quot;parents&quot;)&lt;/script&gt;</td>" in network  # a chart's table
    memphis_html = html_of(tmp_path / "out", "memphis").read_text()
    assert "&lt;script&gt;x()&lt;/script&gt; schools" in memphis_html


def test_two_runs_at_once_neither_crash_nor_corrupt(rendered, tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "helpers.cli", "reports", "--out", str(out), "--jobs", "2"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    finished = [(run.wait(timeout=600), *run.communicate()) for run in runs]
    codes = sorted(code for code, _, _ in finished)
    assert codes in ([0, 0], [0, 3]), finished
    if codes == [0, 3]:
        busy = next(err for code, _, err in finished if code == 3)
        assert "another `make reports` is rendering into" in busy
    for name, page in rendered[2].items():
        assert html_of(out, name).read_bytes() == page
    assert not list(out.rglob("*.tmp"))


def test_forced_renders_in_a_row_at_four_jobs_never_fail(rendered, tmp_path):
    """The short form of `make stress` (twenty in a row)."""
    out = tmp_path / "out"
    for _ in range(2):
        results = render_all(TFS, TFS_PARAMS, out, jobs=4, force=True, progress=False)
        assert {r.status for r in results} == {"ok"}, [r.error for r in results]
    for name, page in rendered[2].items():
        assert html_of(out, name).read_bytes() == page
