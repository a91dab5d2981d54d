"""Shared fixtures: the real data, a scratch copy of it, and the command line as a user runs it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.load import load_all
from helpers.paths import DATA, PARAMS

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def tallies():
    """The published tallies of data/."""
    return load_all(DATA)


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
