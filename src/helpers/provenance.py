"""What a report depends on and what its footer states: the fingerprints of the data and the code,
the git commit and the time. The renderer renders again only what these changed; the same inputs
give the same bytes (SOURCE_DATE_EPOCH, else the commit's time). Imports only the standard library
and the package's language at the top.
"""

import hashlib
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from helpers import language as languages
from helpers.language import _
from helpers.paths import PACKAGE, ROOT


def files_hash(paths, root: Path) -> str:
    """Returns one hash over the files' names relative to root and their contents, in a stable
    order; each name and content is prefixed by its length, so no two sets of files hash alike."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        name, content = Path(path).relative_to(root).as_posix().encode(), Path(path).read_bytes()
        digest.update(b"%d:%s%d:" % (len(name), name, len(content)))
        digest.update(content)
    return digest.hexdigest()


def dataset_files(data: Path) -> list[Path]:
    """Returns every file of the dataset folder that a run reads: its own files (the codebook, its
    translations, the published tables) and every export its codebook names with the tool's
    definition beside it (a REDCap data dictionary, a .qsf, an XLSForm), in a subfolder too.
    An export named outside the folder is refused when the data are read (helpers.tabulate)."""
    from helpers.codebook import read_codebook
    from helpers.paths import inside

    folder = Path(data)
    files = {p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}
    named = [name for export in read_codebook(folder).exports for name in (export.file, export.dictionary)
             if name]  # the export, and the tool's definition its codes are read by
    files |= {folder / name for name in named if inside(folder, name) and (folder / name).is_file()}
    return sorted(files)


def data_fingerprint(data: Path) -> str:
    """Returns the hash of every file of the dataset a run reads (:func:`dataset_files`), as shown in
    each report's footer; the run's cache is keyed on it, so no changed input is served from it."""
    return files_hash(dataset_files(data), Path(data))


def code_fingerprint() -> str:
    """Returns the hash of the helper package and the pinned requirements."""
    package = [p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    requirements = ROOT / "requirements.txt"
    return files_hash(package + ([requirements] if requirements.exists() else []), ROOT)


def last_commit() -> tuple[str, int | None]:
    """Returns the git commit of the code (short hash) and its time, or "not under git"."""
    try:
        line = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %ct"],
                              capture_output=True, text=True, timeout=10, check=True).stdout.split()
        return line[0], int(line[1])
    except (OSError, subprocess.SubprocessError, IndexError, ValueError):
        return "not under git", None


def source_time(committed: int | None = None) -> int | None:
    """Returns the time a run writes into what it makes: SOURCE_DATE_EPOCH when set, else the
    commit's time, so that the same inputs give the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return int(epoch)
    return committed if committed is not None else last_commit()[1]


def provenance(data: Path, language: str = "en") -> dict:
    """Returns what every report's footer states: data fingerprint, git commit and the time.

    The time is SOURCE_DATE_EPOCH when set, else the commit's time, so that the same
    inputs give the same bytes.
    """
    commit, committed = last_commit()
    stamp = source_time(committed)
    when = (languages.when(datetime.fromtimestamp(stamp, UTC)) if stamp is not None
            else _("not recorded"))
    from helpers.codebook import read_codebook, translated

    about = translated(read_codebook(data), data, language).dataset
    return {"data": data_fingerprint(data)[:12], "commit": commit, "generated": when,
            "dataset": about.id, "partnership": about.partnership, "source": about.source,
            "synthetic": about.synthetic, "language": language,
            "translation_note": about.translation_note, "epoch": stamp}


def inputs_stamp(data: Path, params: Path, notebooks: Path, language: str, files: list[Path]) -> str:
    """Returns one hash of everything a run's reports depend on, given the dataset files its
    codebook names (:func:`dataset_files`): those files, the names of the dataset folder's own
    files (a new translation counts), the params folder's files, the notebooks, the code and the
    language. The same stamp as the last run's means the same reports with the same fingerprints;
    a run with nothing to do knows so without reading the codebook (helpers.render)."""
    data, params, notebooks = Path(data).absolute(), Path(params).absolute(), Path(notebooks).absolute()
    files = [Path(file).absolute() for file in files]
    own = sorted(p.name for p in data.iterdir() if p.is_file() and not p.name.startswith("."))
    options = sorted(p for p in params.iterdir() if p.is_file()) if params.is_dir() else []
    digest = hashlib.sha256(repr((str(data), str(params), str(notebooks), language, own)).encode())
    for part in (files_hash(files, data), files_hash(options, params),
                 files_hash(sorted(notebooks.glob("*.ipynb")), notebooks), code_fingerprint()):
        digest.update(part.encode())
    return digest.hexdigest()
