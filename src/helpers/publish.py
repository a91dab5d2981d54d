"""A report's files put in place all together, and what a run killed half-way leaves tidied away.

A report's files (HTML, workbook, CSV files) are written into a new folder and switched in together
by one rename (:func:`publish`), so that a reader, or a run killed at any moment, finds them all old
or all new; a file of the run's own (its state, its index) is written beside its target and renamed
over it (:func:`write_atomically`). Imports only the standard library.
"""

import os
from pathlib import Path

VERSIONS = "_reports"  # beside the reports: each report's files, one folder per version (publish)


def write_atomically(path: Path, content: bytes) -> None:
    """Writes to a temporary file beside the target and renames it over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def publish(folder: Path, name: str, files: dict[str, bytes]) -> None:
    """Puts a report's files (by their names beside its HTML: NAME.html, NAME.xlsx, NAME-csv/...)
    in place all together, so that a reader, or a run killed at any moment, finds all of them
    old or all of them new, never some of each.

    They are written into a new folder, VERSIONS/NAME.<random>, and switched in by one rename: a
    link VERSIONS/NAME, pointing to the report's current folder, is replaced by one pointing to
    the new one. Each name beside the HTML is a fixed link through that pointer (NAME.html ->
    VERSIONS/NAME/NAME.html), made once, so a reader's addresses never change. The old folder
    goes after the switch; one left behind by a killed run goes at the next (:func:`tidy`)."""
    import contextlib
    import secrets
    import shutil

    folder = Path(folder)
    versions = folder / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    while True:  # a folder of its own, never one already there
        new = versions / f"{name}.{secrets.token_hex(6)}"
        with contextlib.suppress(FileExistsError):
            new.mkdir()
            break
    for relative, content in files.items():
        (new / relative).parent.mkdir(parents=True, exist_ok=True)
        (new / relative).write_bytes(content)
    pointer = versions / name
    before = sorted(p.name for p in pointer.iterdir()) if pointer.is_dir() else []
    point(pointer, new.name)  # the switch
    entries = sorted({Path(relative).parts[0] for relative in files})
    for entry in entries:
        point(folder / entry, f"{VERSIONS}/{name}/{entry}")
    for entry in set(before) - set(entries):  # what the new version no longer has
        if (folder / entry).is_symlink() and os.readlink(folder / entry) == f"{VERSIONS}/{name}/{entry}":
            (folder / entry).unlink()
    for old in versions.glob(f"{name}.*"):
        if old != new:
            shutil.rmtree(old, ignore_errors=True)


def point(path: Path, target: str) -> None:
    """Makes path a link to target by one rename over it, unless it is that link already. A
    folder there (the layout before versions, or a copy that followed the links) is moved aside
    first and removed after (by tidy, if this process is killed in between)."""
    import shutil

    if path.is_symlink() and os.readlink(path) == target:
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.link")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    aside = path.with_name(f".{path.name}.{os.getpid()}.old")
    if path.is_dir() and not path.is_symlink():
        path.rename(aside)
    os.replace(temporary, path)
    shutil.rmtree(aside, ignore_errors=True)


def tidy(folder: Path) -> None:
    """Removes what a run killed in the middle left in a folder of reports: report folders no
    pointer points to, temporary links and files, folders moved aside (publish, write_atomically).
    Runs only where no other run is writing (helpers.cli.render_reports holds the output folder's lock)."""
    import shutil

    versions = Path(folder) / VERSIONS
    current = ({os.readlink(p) for p in versions.iterdir() if p.is_symlink()}
               if versions.is_dir() else set())
    leftovers = [*Path(folder).glob(".*.link"), *Path(folder).glob(".*.tmp"), *Path(folder).glob(".*.old")]
    if versions.is_dir():
        leftovers += [p for p in versions.iterdir() if "." in p.name and p.name not in current]
    for leftover in leftovers:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
