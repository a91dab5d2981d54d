"""Shared fixtures: the real data, a scratch copy of it, and the command line as a user runs it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.load import load_all
from helpers.paths import DATA, PARAMS
from helpers.render import render_all

FIXTURES = Path(__file__).parent / "fixtures"
SITES = ["chicago", "dayton", "lehigh-valley", "memphis"]
REPORTS = ["network", "data-quality", *SITES]


@pytest.fixture(scope="session")
def tallies():
    """The published tallies of data/."""
    return load_all(DATA)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """One full render of every report into a fresh folder, as `make reports` does:
    (the output folder, the results, each report's HTML bytes)."""
    out = tmp_path_factory.mktemp("out")
    results = render_all(DATA, PARAMS, out, jobs=2, progress=False)
    pages = {name: (out / "html" / f"{name}.html").read_bytes() for name in REPORTS}
    return out, results, pages


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A copy of data/ that a test may break."""
    return Path(shutil.copytree(DATA, tmp_path / "data"))


@pytest.fixture
def params_copy(tmp_path) -> Path:
    """A copy of params/ that a test may break."""
    return Path(shutil.copytree(PARAMS, tmp_path / "params"))


def run_tfs(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Runs the `tfs` command line as make does, and returns what it printed and its status."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    return subprocess.run(
        [sys.executable, "-m", "helpers.cli", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, env=env, check=False,
    )
