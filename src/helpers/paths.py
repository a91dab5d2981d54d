"""The project's folders, built from this file's location and never from the working directory."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parents[1]
DATA = ROOT / "data"
PARAMS = ROOT / "params"
NOTEBOOKS = ROOT / "notebooks"
OUTPUTS = ROOT / "outputs"
TEMPLATES = PACKAGE / "templates"
