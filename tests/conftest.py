"""Shared fixtures: the shipped datasets, scratch copies to break, one full render, the command line."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.load import load_dataset
from helpers.paths import DATA, PARAMS
from helpers.render import render_all

FIXTURES = Path(__file__).parent / "fixtures"
TFS, SYNTHETIC, TACOMA = DATA / "tfs", DATA / "synthetic", DATA / "graduate-tacoma"
TFS_PARAMS = PARAMS / "tfs"
SITES = ["chicago", "dayton", "lehigh-valley", "memphis"]
SNAPSHOTS = [f"{site}_family" for site in SITES]  # each site's one-page family snapshot
REPORTS = ["network", "data-quality", *SITES, *SNAPSHOTS]


@pytest.fixture(scope="session")
def tfs():
    """The TFS brief's published tallies."""
    return load_dataset(TFS)


@pytest.fixture(scope="session")
def synthetic():
    """The synthetic respondent-level dataset."""
    return load_dataset(SYNTHETIC)


def html_of(out: Path, name: str, dataset: str = "tfs") -> Path:
    """Returns where a report's HTML lies in an output folder."""
    return Path(out) / "html" / dataset / f"{name}.html"


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """One full render of the TFS reports into a fresh folder, as `make reports` does:
    (the output folder, the results, each report's HTML bytes)."""
    out = tmp_path_factory.mktemp("out")
    results = render_all(TFS, TFS_PARAMS, out, jobs=2, progress=False)
    pages = {name: html_of(out, name).read_bytes() for name in REPORTS}
    return out, results, pages


@pytest.fixture(scope="session")
def other_datasets(tmp_path_factory):
    """One full render of the other shipped datasets (synthetic, Tacoma) into a fresh folder:
    (the output folder, the synthetic results, the Tacoma results)."""
    out = tmp_path_factory.mktemp("out")
    synthetic = render_all(SYNTHETIC, out / "no-params", out, jobs=2, progress=False)
    tacoma = render_all(TACOMA, out / "no-params", out, jobs=2, progress=False)
    return out, synthetic, tacoma


@pytest.fixture(scope="session")
def spanish_reports(tmp_path_factory):
    """The TFS and synthetic reports rendered in Spanish into a fresh folder, as
    `make reports REPORT_LANGUAGE=es` does: (the output folder, the TFS results, the synthetic ones)."""
    out = tmp_path_factory.mktemp("out")
    tfs = render_all(TFS, TFS_PARAMS, out, jobs=2, progress=False, language="es")
    synthetic = render_all(SYNTHETIC, out / "no-params", out, jobs=2, progress=False, language="es")
    return out, tfs, synthetic


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A copy of the TFS dataset that a test may break."""
    return Path(shutil.copytree(TFS, tmp_path / "data"))


@pytest.fixture
def params_copy(tmp_path) -> Path:
    """A copy of the TFS params that a test may break."""
    return Path(shutil.copytree(TFS_PARAMS, tmp_path / "params"))


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Runs the command line as make does, and returns what it printed and its status."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    return subprocess.run(
        [sys.executable, "-m", "helpers.cli", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, env=env, check=False,
    )


def pytest_terminal_summary(terminalreporter):
    """After the run: the reading grade of each report's key findings (tests/test_plain_words.py)."""
    from .test_plain_words import print_grades

    print_grades(terminalreporter)
