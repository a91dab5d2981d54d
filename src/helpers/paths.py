"""The project's folders, built from this file's location and never from the working directory."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parents[1]
DATA = ROOT / "data"
PARAMS = ROOT / "params"
NOTEBOOKS = ROOT / "notebooks"
OUTPUTS = ROOT / "outputs"
TEMPLATES = PACKAGE / "templates"
SNAPSHOT_PAGE = "_family"  # a site's family snapshot is <site>_family.html (ids hold no "_")


def default_dataset() -> Path:
    """Returns the dataset folder used when none is named: data/<the id in data/default-dataset.txt>."""
    return DATA / (DATA / "default-dataset.txt").read_text(encoding="utf-8").strip()


def dataset_folder(name: str) -> Path:
    """Returns a dataset folder from a notebook parameter: a path, an id under data/, or the default."""
    if not name:
        return default_dataset()
    path = Path(name)
    return path if path.is_absolute() or path.exists() else DATA / name


def shown(path: Path) -> str:
    """Returns the path as a user should see it: relative to the project where it lies inside."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def inside(folder: Path, name: str) -> bool:
    """Returns whether a file a dataset names (a codebook's export) lies inside the dataset's folder,
    in a subfolder or not: a name such as ../elsewhere.csv or an absolute path does not."""
    return (Path(folder) / name).resolve().is_relative_to(Path(folder).resolve())
