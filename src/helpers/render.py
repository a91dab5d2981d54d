"""`make reports`: execute every notebook with papermill, export it with nbconvert, keep it current.

The renderer knows notebooks, parameters and files, not survey questions. For each
report it hashes what the HTML depends on (the notebook, its parameters, the data
files, the helper package and requirements.txt) and renders only what changed.
Reports run in parallel on an executor compatible with concurrent.futures (local
processes by default, a Dask cluster on request). A report that fails leaves its
previous HTML in place, keeps the executed notebook with the error under
OUT/notebooks/, and is marked failed in the index. A report's files (HTML, workbook, CSV
files) are written into a new folder and switched in together by one rename (:func:`publish`),
so that a reader, or a run killed at any moment, finds them all old or all new.

This module imports only the standard library at the top: a run with nothing to do
must finish in well under a second.
"""

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from helpers import language as languages
from helpers.errors import InputError, Problem
from helpers.language import N_, _
from helpers.paths import NOTEBOOKS, PACKAGE, ROOT, SNAPSHOT_PAGE

LOCK = ".render.lock"
VERSIONS = "_reports"  # beside the reports: each report's files, one folder per version (publish)
SITE_NOTEBOOK = "site_report.ipynb"
# a page per site for its families (helpers.snapshot)
SNAPSHOT = (SNAPSHOT_PAGE, "family_snapshot.ipynb", N_("{site}: family snapshot"))
NETWORK = ("network", "network_overview.ipynb", N_("Network overview"))
QUALITY = ("data-quality", "data_quality.ipynb", N_("Data quality"))
KINDS = {Path(SITE_NOTEBOOK).stem: N_("Site report"), Path(SNAPSHOT[1]).stem: N_("Family snapshot"),
         Path(NETWORK[1]).stem: N_("Network overview"),
         Path(QUALITY[1]).stem: N_("Data quality")}  # the index's filter; other notebooks by their name


@dataclass(frozen=True)
class Report:
    """One HTML report to render: which notebook, with which parameters, into which file."""

    name: str
    title: str
    notebook: Path
    parameters: dict
    inputs: tuple[Path, ...] = ()  # files beside the notebook that the report depends on

    def fingerprint(self, shared: str) -> str:
        """Returns a hash of everything this report's HTML depends on."""
        digest = hashlib.sha256(shared.encode())
        digest.update(self.notebook.read_bytes())
        digest.update(json.dumps(self.parameters, sort_keys=True).encode())
        for path in self.inputs:
            digest.update(path.read_bytes())
        return digest.hexdigest()


class Stopped(BaseException):
    """The run was asked to stop (SIGTERM): no more reports start, those under way finish, and the
    run ends as a finished one does (index, state, no leftover file or process). Like
    KeyboardInterrupt, no `except Exception` catches it. Carries the run's results once known."""

    results: tuple = ()


class LanguageMissing(Exception):
    """The dataset has no codebook.<language>.yaml at all: it is not rendered in that language
    (the run says so and succeeds). A translation file that lacks some texts is bad input."""

    def __init__(self, dataset: str, language: str, path: Path):
        super().__init__(dataset, language, path)
        self.dataset, self.language, self.path = dataset, language, path

    def __str__(self) -> str:
        from helpers.paths import shown

        return (f"skipped {self.language!r} for {self.dataset}: it has no {shown(self.path)} (the "
                f"codebook's texts in {self.language!r}), so its reports are rendered only in the "
                f"languages it has; write that file to render them in {self.language!r} (see "
                "data/README.md)")


STOPS: list[int] = []  # the stop signals received; the run looks at them only at its safe points


def _stop(signum, frame) -> None:
    """Notes a stop. Raising here instead could land inside the pool's own locks or half-way
    through starting it, and leave a process that never exits."""
    signal.signal(signum, signal.SIG_DFL)  # a second signal ends the run at once
    STOPS.append(signum)


def _check_stop() -> None:
    if STOPS:
        raise Stopped(STOPS[0])


def _finished(futures) -> Iterator:
    """Yields the futures as they finish, looking for a stop between waits."""
    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
        yield from done
        _check_stop()


@dataclass
class Result:
    """What became of one report."""

    name: str
    title: str
    status: str  # "ok", "failed" or "unchanged"
    seconds: float = 0.0
    headline: str = ""
    error: str = ""
    fingerprint: str = ""
    rendered_at: str = ""
    kind: str = ""  # the notebook's name: which kind of report (KINDS)


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


def plan(data: Path, params: Path, notebooks: Path = NOTEBOOKS, language: str = "en") -> list[Report]:
    """Returns the reports of one dataset: the network overview, data quality, and for each site
    of its codebook its report and its family snapshot (a params/<site>.yaml, where there is one,
    sets both reports' options). A snapshot's name is the site's id and "_family", which no id of
    the codebook (a slug) can be.

    Reads only the codebook here; the data are validated in :func:`validate`.
    """
    from helpers.codebook import read_codebook

    codebook = read_codebook(data)
    folder = str(Path(data).resolve())
    shared = {"dataset": folder, "language": language}
    reports = [
        Report(NETWORK[0], _(NETWORK[2]), notebooks / NETWORK[1], shared),
        Report(QUALITY[0], _(QUALITY[2]), notebooks / QUALITY[1], shared),
    ]
    for site in codebook.sites:
        path = Path(params) / f"{site.id}.yaml"
        inputs = (path,) if path.exists() else ()
        reports.append(Report(site.id, site.name, notebooks / SITE_NOTEBOOK, {**shared, "site": site.id},
                              inputs=inputs))
        reports.append(Report(site.id + SNAPSHOT[0], _(SNAPSHOT[2]).format(site=site.name),
                              notebooks / SNAPSHOT[1], {**shared, "site": site.id}, inputs=inputs))
    return reports


def validate(reports: list[Report], data: Path, params: Path, allow_unsafe: bool = False,
             shared: Path | None = None) -> tuple[list[Report], list[Result]]:
    """Returns the reports ready to render, with their parameters checked, and a failed Result
    for each site whose own params file is bad: that site fails alone, the others render.

    Loads and validates the dataset first: bad shared data (or a params file that belongs
    to no site of the codebook) raises InputError before any report starts. So does a
    dataset whose disclosure audit finds a withheld figure that the published ones
    determine, unless allow_unsafe. A shared file (:func:`share_dataset`) of an earlier run
    with the same data and code holds the dataset as loaded, validated and protected then.
    """
    from helpers.load import load_dataset, read_shared
    from helpers.params import check_folder, read_params
    from helpers.paths import shown

    dataset = read_shared(shared) if shared and shared.exists() else load_dataset(data, shared=False)
    if dataset.audit is not None and not dataset.audit.safe and not allow_unsafe:
        first = dataset.audit.findings[0]
        raise InputError(Problem(
            shown(Path(data) / "codebook.yaml"),
            "disclosure control under which no withheld figure can be worked out from the published "
            "ones (dataset: disclosure: complementary_suppression: true)", column="dataset.disclosure",
            column_word="key",
            found=f"{len(dataset.audit.recoverable)} withheld figures can be worked out, the first: "
                  + first.words()),
            hint="Nothing was rendered. To publish anyway (only to see the leak), run with UNSAFE=1 "
                 "(--allow-unsafe).")
    check_folder(params, dataset.site_ids)
    default = dataset.codebook.dataset.min_n
    checked, failed = [], []
    for report in reports:
        parameters = report.parameters
        if report.notebook.name in (SITE_NOTEBOOK, SNAPSHOT[1]):
            path = Path(params) / f"{parameters['site']}.yaml"
            try:
                min_n = read_params(path).min_n if path.exists() else default
            except InputError as error:
                message = str(error).replace("\n", "; ")
                failed.append(Result(report.name, report.title, "failed", error=message,
                                     kind=report.notebook.stem))
                continue
            parameters = {**parameters, "min_n": min_n}
        elif report.name == NETWORK[0]:
            parameters = {**parameters, "min_n": default}
        checked.append(Report(report.name, report.title, report.notebook, parameters, report.inputs))
    return checked, failed, dataset


def shared_file(out: Path, dataset: str, fingerprint: str) -> Path:
    """Returns where a run shares its dataset (:func:`share_dataset`), by data and code."""
    name = f"{dataset}-{hashlib.sha256(fingerprint.encode()).hexdigest()[:16]}.pickle"
    return (Path(out) / "cache" / name).resolve()


def share_dataset(dataset, path: Path) -> Path:
    """Computes the network-wide statistics once, pickles the dataset with them into the file
    every report of the run reads (helpers.load.SHARED), unless it is there already, and
    removes the dataset's older ones; returns the file."""
    import pickle

    from helpers.report.layout import prepare

    if not path.exists():
        dataset = dataset.relabelled(folder=Path(dataset.folder).resolve())
        prepare(dataset)
        write_atomically(path, pickle.dumps(dataset, protocol=pickle.HIGHEST_PROTOCOL))
    for old in path.parent.glob(f"{dataset.id}-*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def read_state(path: Path) -> dict:
    """Returns what the last runs of a dataset recorded about each report, by name."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def write_atomically(path: Path, content: bytes) -> None:
    """Writes to a temporary file beside the target and renames it over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)


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


def folders(out: Path, dataset: str, language: str = "en") -> dict[str, Path]:
    """Returns where a dataset's outputs go in a language: its HTML, executed notebooks and render
    state. English reports lie in the dataset's folder, another language's in a folder of that
    language's code inside it (html/tfs/es/), so that the English addresses never change."""
    out = Path(out)
    below = () if language == "en" else (language,)
    state = f"{dataset}.json" if language == "en" else f"{dataset}.{language}.json"
    return {"html": out.joinpath("html", dataset, *below),
            "notebooks": out.joinpath("notebooks", dataset, *below), "state": out / "state" / state,
            "index": out / "html" / "index.html"}


def render_one(report: Report, out: Path, facts: dict, fingerprint: str,
               engine: str = "warm") -> Result:
    """Executes one notebook and exports it; returns the outcome. Runs in a worker process.

    engine "warm" runs the cells in this process (see helpers.engine); "kernel" starts a
    Jupyter kernel as papermill does by default.
    """
    import nbformat
    import papermill

    from helpers import spreadsheet
    from helpers.engine import ENGINE_NAME
    from helpers.export import about_rows, export_html, headline_of, tables_of
    from helpers.load import SHARED, read_shared
    from helpers.report.layout import files_beside

    out = Path(out)
    started = time.perf_counter()
    where = folders(out, facts["dataset"], facts["language"])
    executed = where["notebooks"] / f"{report.name}.ipynb"
    failed = where["notebooks"] / f"{report.name}.failed.ipynb"
    result = Result(report.name, report.title, "ok", fingerprint=fingerprint,
                    rendered_at=facts["generated"], kind=report.notebook.stem)
    if facts.get("shared"):
        os.environ[SHARED] = facts["shared"]
    try:
        notebook = papermill.execute_notebook(
            str(report.notebook), None, parameters=report.parameters,
            engine_name=ENGINE_NAME if engine == "warm" else None,
            kernel_name="python3", progress_bar=False, log_output=False,
            cwd=str(report.notebook.parent),
        )
        # An output that raised while its cell went on (a kernel lets it) fails the report too.
        errors = [output for cell in notebook.cells for output in cell.get("outputs", [])
                  if output.get("output_type") == "error"]
        if errors:
            result.status, result.error = "failed", f"{errors[0].ename}: {errors[0].evalue}".strip()
            write_atomically(failed, nbformat.writes(notebook).encode("utf-8"))
            return result
        sheets = tables_of(notebook)
        created = datetime.fromtimestamp(facts["epoch"], UTC) if facts.get("epoch") is not None else None
        files = spreadsheet.files(report.name, sheets, about_rows(report, facts), created)
        files[f"{report.name}.html"] = export_html(notebook, report, facts, sheets).encode("utf-8")
        if facts.get("shared"):  # the tables a report writes beside its page (helpers.report.layout)
            beside = files_beside(report.notebook.stem, read_shared(Path(facts["shared"])))
            files |= {name: spreadsheet.csv_bytes(sheet) for name, sheet in beside.items()}
        publish(where["html"], report.name, files)
        write_atomically(executed, nbformat.writes(notebook).encode("utf-8"))
        failed.unlink(missing_ok=True)
        result.headline = headline_of(notebook)
    except papermill.PapermillExecutionError as error:
        result.status, result.error = "failed", f"{error.ename}: {error.evalue}".strip()
        _keep_failed(failed, error)
    except Exception as error:  # a report must not take the others down; the summary says why
        result.status, result.error = "failed", f"{type(error).__name__}: {error}"
    finally:
        result.seconds = time.perf_counter() - started
    return result


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
    _link(pointer, new.name)  # the switch
    entries = sorted({Path(relative).parts[0] for relative in files})
    for entry in entries:
        _link(folder / entry, f"{VERSIONS}/{name}/{entry}")
    for entry in set(before) - set(entries):  # what the new version no longer has
        if (folder / entry).is_symlink() and os.readlink(folder / entry) == f"{VERSIONS}/{name}/{entry}":
            (folder / entry).unlink()
    for old in versions.glob(f"{name}.*"):
        if old != new:
            shutil.rmtree(old, ignore_errors=True)


def _link(path: Path, target: str) -> None:
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
    Runs only where no other run is writing (render.main holds the output folder's lock)."""
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


def _keep_failed(path: Path, error) -> None:
    """Writes the executed notebook with the error where the summary says it is."""
    import nbformat

    from helpers.engine import last_notebook

    notebook = last_notebook()
    text = nbformat.writes(notebook) if notebook is not None else str(error)
    write_atomically(path, text.encode("utf-8"))


def local_executor(jobs: int, shared: Path | None = None) -> Executor:
    """Returns a pool of local worker processes, each forked from a warm server and used for one
    report only: no imports paid twice, no state shared between reports. The server starts
    now, with the run's shared dataset in memory when its file is given (helpers.preload)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import forkserver

    from helpers.load import SHARED

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["helpers.preload"])
    before = os.environ.get(SHARED)
    os.environ[SHARED] = str(shared or "")
    try:
        # Starts the server, which inherits this environment, and returns at once: the server
        # imports and warms up while this process goes on (the first worker waits for it).
        forkserver.ensure_running()
    finally:
        if before is None:
            del os.environ[SHARED]
        else:
            os.environ[SHARED] = before
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, max_tasks_per_child=1,
                               initializer=end_with_parent)


def end_with_parent() -> None:
    """Ends this process when the one that started it ends, so that no warm server or worker
    outlives the run, or the Dask worker, that started it: Linux's PR_SET_PDEATHSIG (SIGKILL,
    since Dask workers ignore SIGTERM and their children inherit that; it fires when the
    starting *thread* ends), and a watch on the parent's pid for whatever that misses."""
    import contextlib
    import ctypes
    import multiprocessing
    import signal
    import threading

    parent = os.getppid()
    if parent == 1:  # orphaned already, before this could be set up
        os._exit(0)
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the watch has to do
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))
    owner = multiprocessing.parent_process()  # a pool worker's: the process that made the pool

    def watch() -> None:
        while os.getppid() == parent and (owner is None or owner.is_alive()):
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def close_isolated() -> None:
    """Shuts down this process's pool for isolated renders, if it started one."""
    global _ISOLATED
    if _ISOLATED is not None:
        _ISOLATED.shutdown(wait=True, cancel_futures=True)
        _ISOLATED = None


_ISOLATED: Executor | None = None


def render_isolated(report: Report, out: Path, facts: dict, fingerprint: str,
                    engine: str = "warm") -> Result:
    """Renders one report in a fresh warm process of this machine: what a Dask worker runs, so
    that reports on a cluster are as isolated as local ones."""
    import multiprocessing

    if multiprocessing.current_process().daemon:
        # Dask's nanny starts workers as daemons, which may not start a process pool; start a
        # fresh interpreter instead (set DASK_DISTRIBUTED__WORKER__DAEMON=False for warm ones).
        return _render_in_subprocess(report, out, facts, fingerprint, engine)
    from concurrent.futures.process import BrokenProcessPool

    task = (render_one, report, out, facts, fingerprint, engine)
    shared = Path(facts["shared"]) if facts.get("shared") else None
    try:
        return _isolated_pool(shared).submit(*task).result()
    except BrokenProcessPool:  # its server ended with the thread that started it: start anew
        close_isolated()
        return _isolated_pool(shared).submit(*task).result()


def _isolated_pool(shared: Path | None) -> Executor:
    """Returns this process's warm pool for isolated renders, started on first use (with the
    run's shared dataset in its server's memory) and shut down when the process exits."""
    import atexit

    global _ISOLATED
    if _ISOLATED is None:
        _ISOLATED = local_executor(os.cpu_count() or 1, shared)
        atexit.register(close_isolated)
    return _ISOLATED


def _render_in_subprocess(report: Report, out: Path, facts: dict, fingerprint: str,
                          engine: str) -> Result:
    """Renders one report in a new Python process and returns its Result."""
    import pickle
    import tempfile

    with tempfile.TemporaryDirectory(prefix="report-render-") as scratch:
        task, answer = Path(scratch) / "task.pickle", Path(scratch) / "result.pickle"
        task.write_bytes(pickle.dumps((report, out, facts, fingerprint, engine)))
        code = ("import pickle, sys; from pathlib import Path; from helpers.render import render_one; "
                "task, answer = map(Path, sys.argv[1:]); "
                "answer.write_bytes(pickle.dumps(render_one(*pickle.loads(task.read_bytes()))))")
        finished = subprocess.run([sys.executable, "-c", code, str(task), str(answer)],
                                  capture_output=True, text=True, check=False)
        if finished.returncode != 0 or not answer.exists():
            lines = finished.stderr.strip().splitlines() or ["no message"]
            return Result(report.name, report.title, "failed", error=lines[-1],
                          fingerprint=fingerprint, kind=report.notebook.stem)
        return pickle.loads(answer.read_bytes())


def executor_for(address: str, jobs: int) -> Executor:
    """Returns the executor to render on: local processes, or a Dask cluster's client when an
    address such as tcp://host:8786 is given (its futures are concurrent.futures-compatible)."""
    if not address:
        return local_executor(jobs)
    from distributed import Client

    return Client(address).get_executor(pure=False)


def render_all(data: Path, params: Path, out: Path, *args, language: str = "en", **kwargs) -> list[Result]:
    """Renders every report that changed (every report with force) in the language, and writes
    the index; the process speaks its own language again afterwards. See :func:`_render_all`."""
    with languages.speaking(language):
        return _render_all(data, params, out, *args, language=language, **kwargs)


def _render_all(
    data: Path,
    params: Path,
    out: Path,
    jobs: int | None = None,
    force: bool = False,
    executor: Executor | None = None,
    notebooks: Path = NOTEBOOKS,
    progress: bool = True,
    engine: str = "warm",
    allow_unsafe: bool = False,
    language: str = "en",
) -> list[Result]:
    """Renders every report that changed (every report with force) in the language, and writes
    the index.

    Returns one Result per report, "unchanged" for those skipped. Raises InputError,
    before any kernel starts, when the data or parameters are bad, or when the codebook's
    texts lack a translation into the language; LanguageMissing, rendering nothing, when the
    dataset has no translation into the language at all.
    """
    from helpers.codebook import read_codebook, translated, translation_file

    out = Path(out)
    reports = plan(data, params, notebooks, language)
    codebook = read_codebook(data)
    if language != "en" and not translation_file(data, language).exists():
        raise LanguageMissing(codebook.dataset.id, language, translation_file(data, language))
    translated(codebook, data, language)  # every text of the codebook translated...
    languages.check(language)  # ...and every message, or nothing renders
    dataset_id = codebook.dataset.id
    where = folders(out, dataset_id, language)
    for folder in (where["html"], where["notebooks"], where["state"].parent, out / "cache"):
        writable(folder)
    shared = data_fingerprint(data) + code_fingerprint()
    state = read_state(where["state"])
    prints = {r.name: r.fingerprint(shared) for r in reports}
    stale = [r for r in reports if force or _needs_render(r, prints[r.name], state, where["html"])]
    results = {r.name: Result(**_known(state[r.name], r)) for r in reports
               if r not in stale and r.name in state}
    if stale:
        from helpers.load import forget_shared

        owned = executor is None
        cache = shared_file(out, dataset_id, shared)
        if owned and cache.exists():
            # Start the warm server now, with the dataset of an earlier run of the same data and
            # code in memory: it imports and reads while this process checks the parameters.
            executor = local_executor(jobs or os.cpu_count() or 1, cache)
        try:
            ready, refused, dataset = validate(stale, data, params, allow_unsafe, cache)
            _check_stop()
            stale = {r.name: r for r in ready}
            facts = provenance(data, language) | {"shared": str(share_dataset(dataset, cache))}
            _check_stop()
            if owned and executor is None:
                executor = local_executor(jobs or os.cpu_count() or 1, cache)
            for folder in (where["html"], where["notebooks"]):
                tidy(folder)  # what a run killed before left behind
        except (InputError, Stopped):  # bad input, or a stop before any report started
            if owned and executor is not None:
                executor.shutdown(cancel_futures=True)
            raise
        del dataset  # the reports have it from the server or the shared file, not from here
        forget_shared()  # (helpers.load is imported by now: validate used it)
        for result in refused:  # a site whose own params are bad fails alone; its HTML is kept
            result.fingerprint = ""
            results[result.name] = result
        futures, stopped = {}, None
        try:
            # A pool of ours runs each report in its own warm process already; any other
            # executor (a Dask cluster) hands each report to such a process on its worker.
            task = render_one if owned else render_isolated
            for name, report in stale.items():
                futures[executor.submit(task, report, out.resolve(), facts, prints[name], engine)] = name
            for result in _with_progress(_finished(futures), len(futures), progress):
                results[result.name] = result
        except Stopped as stop:  # no report starts; those under way finish and are recorded
            stopped = stop
            for future in futures:
                future.cancel()
        finally:
            if owned:
                executor.shutdown()
        if stopped is not None:
            for future, name in futures.items():
                if future.done() and not future.cancelled() and future.exception() is None:
                    results[name] = future.result()
            for folder in (where["html"], where["notebooks"]):
                tidy(folder)
        for name, result in results.items():
            if result.status == "unchanged":
                continue
            record = asdict(result)
            if result.status == "failed" and name in state:  # the index describes the HTML kept
                record |= {k: state[name][k] for k in ("headline", "rendered_at") if state[name].get(k)}
            state[name] = record
        state = {name: state[name] for name in prints if name in state}
        state["_dataset"] = {"id": dataset_id, "language": language, "order": [r.name for r in reports],
                             "title": facts["partnership"] + (_(" (synthetic data)") if facts["synthetic"]
                                                              else "")}
        write_atomically(where["state"], json.dumps(state, indent=1, sort_keys=True).encode())
        write_index(out)
        if stopped is not None:
            stopped.results = [results[r.name] for r in reports if r.name in results]
            raise stopped
    return [results[r.name] for r in reports if r.name in results]


def writable(folder: Path) -> None:
    """Raises InputError, naming the folder and why, unless it is a folder that takes a new file
    or can be made in one: checked before anything renders, making nothing."""
    from helpers.paths import shown

    folder = Path(folder)
    nearest = next(path for path in (folder, *folder.parents) if path.exists())
    try:
        if not nearest.is_dir():
            raise NotADirectoryError(nearest)
        tempfile.TemporaryFile(dir=nearest).close()
    except OSError as error:
        raise InputError(Problem(shown(folder), "a folder the reports can be written into (make it "
                                 "writable, or choose another OUT=)",
                                 found="a file where the folder (or one above it) should be"
                                 if isinstance(error, FileExistsError | NotADirectoryError)
                                 else error.strerror or type(error).__name__)) from None


def write_index(out: Path) -> None:
    """Writes OUT/html/index.html, in English: every report of every dataset rendered into OUT in
    each language, as a card with its kind, status, date, headline (in the report's language) and
    PDF where `make pdf` made one (helpers.pdf). With scripts on, a small script in the page finds
    and filters the cards (by words of the name or headline, dataset, language and kind), opened
    straight from disk; with scripts off the page is the complete list."""
    import jinja2

    from helpers.paths import TEMPLATES

    sets, datasets, kinds = [], {}, {}
    for path in (Path(out) / "state").glob("*.json"):
        state = read_state(path)
        dataset, _dot, language = path.stem.partition(".")
        about = state.pop("_dataset", {"title": path.stem, "order": sorted(state)})
        language = about.get("language", language or "en")
        folder = dataset if language == "en" else f"{dataset}/{language}"
        records = [state[name] | {"kind": kind_of(state[name]),
                                  "kind_label": kind_label(kind_of(state[name])),
                                  "pdf": (Path(out) / "html" / folder / f"{name}.pdf").is_file()}
                   for name in about["order"] if name in state]
        kinds |= {record["kind"]: kind_label(record["kind"]) for record in records}
        if language == "en" or dataset not in datasets:
            datasets[dataset] = about["title"]
        sets.append({"id": path.stem.replace(".", "-"), "title": about["title"], "records": records,
                     "dataset": dataset, "language": language,
                     "language_name": languages.NAMES.get(language, language), "folder": folder})
    sets.sort(key=lambda s: (s["folder"].split("/")[0], s["language"] != "en", s["language"]))
    with languages.speaking("en"):
        environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                                         autoescape=True, keep_trailing_newline=True)
        environment.globals["_"] = _
        css = (TEMPLATES / "staff" / "report.css").read_text(encoding="utf-8")
        page = environment.get_template("index.html.j2").render(
            datasets=sets, css=css, dataset_names=sorted(datasets.items(), key=lambda kv: kv[1]),
            languages=sorted({(s["language"], s["language_name"]) for s in sets}),
            kinds=sorted(kinds.items(), key=lambda kv: list(KINDS).index(kv[0]) if kv[0] in KINDS else 99),
            total=sum(len(s["records"]) for s in sets))
    write_atomically(Path(out) / "html" / "index.html", page.encode("utf-8"))


def kind_of(record: dict) -> str:
    """Returns which kind of report a record of the state is: its notebook's name (recorded since
    the index filters by kind; guessed from the report's name for a state written before)."""
    if record.get("kind"):
        return record["kind"]
    known = {NETWORK[0]: NETWORK[1], QUALITY[0]: QUALITY[1]}
    return Path(known.get(record.get("name", ""), SITE_NOTEBOOK)).stem


def kind_label(kind: str) -> str:
    """Returns the index's word for a kind of report: its own, or the notebook's name in words."""
    return _(KINDS[kind]) if kind in KINDS else kind.replace("_", " ").capitalize()


def _needs_render(report: Report, fingerprint: str, state: dict, html_folder: Path) -> bool:
    known = state.get(report.name, {})
    html = html_folder / f"{report.name}.html"
    return known.get("fingerprint") != fingerprint or known.get("status") != "ok" or not html.exists()


def _known(record: dict, report: Report) -> dict:
    fields = {k: v for k, v in record.items() if k in Result.__dataclass_fields__}
    return {**fields, "name": report.name, "status": "unchanged", "seconds": 0.0}


def _with_progress(futures, total: int, show: bool):
    """Yields each finished report's Result, showing a progress bar on a terminal."""
    if not show:
        for future in futures:
            yield future.result()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("Rendering reports"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("{task.description}"))
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("", total=total)
        for future in futures:
            result = future.result()
            bar.update(task, advance=1, description=f"{result.name}: {result.status}")
            yield result


def print_summary(results: list[Result], out: Path) -> None:
    """Prints a table of reports with their status and seconds."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=None, show_edge=False)
    for column in ("report", "status", "seconds", "detail"):
        table.add_column(column, justify="right" if column == "seconds" else "left")
    for result in results:
        detail = result.error if result.status == "failed" else result.headline
        style = {"failed": "bold red", "ok": "green"}.get(result.status, "dim")
        table.add_row(result.name, f"[{style}]{result.status}[/]",
                      f"{result.seconds:.1f}" if result.status != "unchanged" else "–",
                      detail[:90])
    console = Console(width=140)
    console.print(table)
    console.print(f"Open {Path(out) / 'html' / 'index.html'}")


def main(args) -> int:
    """Runs `impact-reports reports`; returns 0, 1 if any report failed, 2 for bad input, 3 if busy."""
    from filelock import FileLock, Timeout

    out = Path(args.out)
    writable(out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        lock = FileLock(str(out / LOCK), timeout=0)
        lock.acquire()
    except Timeout:
        print(f"error: another `make reports` is rendering into {out}/; wait for it to finish.",
              file=sys.stderr)
        return 3
    STOPS.clear()
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        started = time.perf_counter()
        executor = executor_for(args.executor, args.jobs) if args.executor else None
        results = []
        try:
            results = render_all(Path(args.data), Path(args.params), out, args.jobs, args.force,
                                 executor, notebooks=Path(args.notebooks), progress=sys.stderr.isatty(),
                                 allow_unsafe=args.allow_unsafe, language=args.language)
            if STOPS:  # a stop after the last safe point: the work is done, but the run was stopped
                raise Stopped(STOPS[0]) from None
        except LanguageMissing as missing:
            print(missing)
            return 0
        except Stopped as stop:
            done = [r for r in stop.results or results if r.status != "unchanged"]
            print(f"error: stopped (SIGTERM) after {len(done)} reports; the others keep their previous "
                  f"files. Run `make reports` again to render them. {out / 'html' / 'index.html'}",
                  file=sys.stderr)
            return 128 + signal.SIGTERM
        rendered = [r for r in results if r.status != "unchanged"]
        if not rendered:
            print(f"Nothing to render: all {len(results)} reports are up to date "
                  f"(FORCE=1 renders them again). {out / 'html' / 'index.html'}")
            return 0
        print_summary(results, out)
        failed = [r for r in results if r.status == "failed"]
        print(f"{len(rendered) - len(failed)} rendered, {len(failed)} failed, "
              f"{len(results) - len(rendered)} unchanged in {time.perf_counter() - started:.1f} s.")
        for result in failed:
            notebooks = sorted(out.glob(f"notebooks/*/{result.name}.failed.ipynb"))
            print(f"error: {result.name} failed: {result.error}\n  its previous HTML, if any, is kept"
                  + (f"; the notebook with the error is {notebooks[0]}" if notebooks else ""),
                  file=sys.stderr)
        return 1 if failed else 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        lock.release()
