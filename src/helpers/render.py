"""`make reports`: execute every notebook with papermill, export it with nbconvert, keep it current.

The renderer knows notebooks, parameters and files, not survey questions. For each
report it hashes what the HTML depends on (the notebook, its parameters, the data
files, the helper package and requirements.txt) and renders only what changed.
Reports run in parallel on an executor compatible with concurrent.futures (local
processes by default, a Dask cluster on request). A report that fails leaves its
previous HTML in place, keeps the executed notebook with the error under
OUT/notebooks/, and is marked failed in the index. A report's files (HTML, workbook, CSV
files) are written into a new folder and switched in together by one rename
(helpers.publish), so that a reader, or a run killed at any moment, finds them all old or all new.

The run itself is here: what to render, checking its input, the loop and its state. Below it, each
imported by this module and none importing it: helpers.provenance (the fingerprints and the
footer's facts), helpers.shared (the run's dataset, written once, read by each report for its
part), helpers.workers (the warm processes reports run in, locally or on each Dask worker),
helpers.publish (a report's files put in place) and helpers.index (the index page).

Its command line (the output folder's lock, SIGTERM, the exit status and the summary printed) is
helpers.cli's, which imports this module.

This module imports only the standard library and those at the top: a run with nothing to do
must finish in well under a second.
"""

import hashlib
import json
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from helpers import index
from helpers import language as languages
from helpers.errors import InputError, Problem
from helpers.index import NETWORK, QUALITY, SITE_NOTEBOOK, SNAPSHOT, read_state, write_index
from helpers.language import _
from helpers.paths import NOTEBOOKS
from helpers.provenance import code_fingerprint, data_fingerprint, dataset_files, inputs_stamp, provenance
from helpers.publish import publish, tidy, write_atomically
from helpers.workers import Failed, isolated, local_executor

LOCK = ".render.lock"


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


def note_stop(signum, frame) -> None:
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
    determine, unless allow_unsafe. A shared folder (:func:`share_dataset`) of an earlier run
    with the same data and code holds the dataset as loaded, validated and protected then.
    """
    from helpers import shared as sharing
    from helpers.load import load_dataset
    from helpers.params import check_folder, read_params
    from helpers.paths import shown

    dataset = (sharing.read(sharing.file_for(shared, None)) if shared and shared.is_dir()
               else load_dataset(data, shared=False))
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
    """Returns the folder where a run shares its dataset (:func:`share_dataset`), by data and code."""
    name = f"{dataset}-{hashlib.sha256(fingerprint.encode()).hexdigest()[:16]}"
    return (Path(out) / "cache" / name).resolve()


def share_dataset(dataset, path: Path) -> Path:
    """Computes the network-wide statistics once, writes the dataset with them into the folder
    every report of the run reads its part of (helpers.shared), unless it is there already, and
    removes the dataset's older ones; returns the folder."""
    import shutil

    from helpers import shared as sharing
    from helpers.report.layout import prepare

    if not path.is_dir():
        dataset = dataset.relabelled(folder=Path(dataset.folder).resolve())
        prepare(dataset)
        sharing.share(dataset, path)
    for old in path.parent.glob(f"{dataset.id}-*"):  # older ones, and the single files of before
        if old != path and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        elif old != path:
            old.unlink(missing_ok=True)
    return path


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

    from helpers import shared as sharing
    from helpers import spreadsheet
    from helpers.engine import ENGINE_NAME
    from helpers.export import about_rows, export_html, headline_of, tables_of
    from helpers.report.layout import files_beside

    out = Path(out)
    started = time.perf_counter()
    where = folders(out, facts["dataset"], facts["language"])
    executed = where["notebooks"] / f"{report.name}.ipynb"
    failed = where["notebooks"] / f"{report.name}.failed.ipynb"
    result = Result(report.name, report.title, "ok", fingerprint=fingerprint,
                    rendered_at=facts["generated"], kind=report.notebook.stem)
    own = sharing.file_for(facts["shared"], report.parameters.get("site")) if facts.get("shared") else None
    if own is not None:  # a site's report reads its site's part, any other the network's summary
        os.environ[sharing.SHARED] = str(own)
    with languages.speaking(facts["language"]):  # the page's and the workbook's own words
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
            if own is not None:  # the tables a report writes beside its page (helpers.report.layout)
                beside = files_beside(report.notebook.stem, sharing.read(own))
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


def _keep_failed(path: Path, error) -> None:
    """Writes the executed notebook with the error where the summary says it is."""
    import nbformat

    from helpers.engine import last_notebook

    notebook = last_notebook()
    text = nbformat.writes(notebook) if notebook is not None else str(error)
    write_atomically(path, text.encode("utf-8"))


def render_isolated(report: Report, out: Path, facts: dict, fingerprint: str,
                    engine: str = "warm") -> Result:
    """Renders one report in a fresh warm process of this machine (helpers.workers.isolated): what
    a Dask worker runs, so that reports on a cluster are as isolated as local ones."""
    preload = Path(facts["preload"]) if facts.get("preload") else None
    try:
        return isolated(render_one, report, out, facts, fingerprint, engine, preload=preload)
    except Failed as error:
        return Result(report.name, report.title, "failed", error=str(error), fingerprint=fingerprint,
                      kind=report.notebook.stem)


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
    out = Path(out)
    if not force and (known := _unchanged(data, params, notebooks, out, language)) is not None:
        return known  # nothing changed since the last run: the codebook is not even read
    from helpers.codebook import read_codebook, translated, translation_file

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
    files = dataset_files(data)
    stamp = inputs_stamp(data, params, notebooks, language, files)  # before anything renders
    journal = index.journal_of(where["state"])  # what a run killed half-way finished, and noted
    noted = index.read_journal(journal)
    state = read_state(where["state"]) | noted
    prints = {r.name: r.fingerprint(shared) for r in reports}
    stale = [r for r in reports if force or _needs_render(r, prints[r.name], state, where["html"])]
    results = {r.name: Result(**_known(state[r.name], r)) for r in reports
               if r not in stale and r.name in state}
    if stale:
        from helpers import shared as sharing

        owned = executor is None
        cache = shared_file(out, dataset_id, shared)
        # the warm server holds the first site's part, with the summary every site's report shares
        preload = sharing.file_for(cache, codebook.sites[0].id if codebook.sites else None)
        if owned and cache.is_dir():
            # Start the warm server now, with the dataset of an earlier run of the same data and
            # code in memory: it imports and reads while this process checks the parameters.
            executor = local_executor(jobs or os.cpu_count() or 1, preload)
        try:
            ready, refused, dataset = validate(stale, data, params, allow_unsafe, cache)
            _check_stop()
            stale = {r.name: r for r in ready}
            facts = provenance(data, language) | {"shared": str(share_dataset(dataset, cache)),
                                                  "preload": str(preload)}
            _check_stop()
            if owned and executor is None:
                executor = local_executor(jobs or os.cpu_count() or 1, preload)
            for folder in (where["html"], where["notebooks"]):
                tidy(folder)  # what a run killed before left behind
        except (InputError, Stopped):  # bad input, or a stop before any report started
            if owned and executor is not None:
                executor.shutdown(cancel_futures=True)
            raise
        del dataset  # the reports have it from the server or the shared files, not from here
        sharing.forget()
        release_memory()
        _remember(out, data, language, None)  # a run stopped half-way leaves no stamp to trust
        for result in refused:  # a site whose own params are bad fails alone; its HTML is kept
            result.fingerprint = ""
            results[result.name] = result
        futures, stopped = {}, None
        try:
            # A pool of ours runs each report in its own warm process already; any other
            # executor (a Dask cluster) hands each report to such a process on its worker.
            task = render_one if owned else render_isolated
            for name in stale:
                futures[executor.submit(task, stale[name], out.resolve(), facts, prints[name], engine)] = name
            journal.parent.mkdir(parents=True, exist_ok=True)
            with journal.open("a", encoding="utf-8") as log:
                for result in _with_progress(_finished(futures), len(futures), progress):
                    results[result.name] = result
                    if result.status == "ok":  # done, should this run be killed before its end
                        index.note(log, asdict(result))
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
        journal.unlink(missing_ok=True)
        write_index(out)
        if stopped is not None:
            stopped.results = [results[r.name] for r in reports if r.name in results]
            raise stopped
    elif noted:  # a run killed after its last report: its state and the index, now
        write_atomically(where["state"], json.dumps(state, indent=1, sort_keys=True).encode())
        journal.unlink()
        write_index(out)
    _remember(out, data, language, {"stamp": stamp, "state": str(where["state"]), "html": str(where["html"]),
                                    "files": [Path(f).relative_to(data).as_posix() for f in files]})
    return [results[r.name] for r in reports if r.name in results]


RUNS = "runs.json"  # in OUT/cache/: what the last run of each dataset and language read


def _run_key(data: Path, language: str) -> str:
    return f"{Path(data).resolve()} {language}"


def _remember(out: Path, data: Path, language: str, run: dict | None) -> None:
    """Records what this run read (:func:`helpers.provenance.inputs_stamp`), for the next; None
    forgets the last run's, before any report of this one changes."""
    runs = read_state(out / "cache" / RUNS)
    if run is None and _run_key(data, language) not in runs:
        return
    runs[_run_key(data, language)] = run
    if run is None:
        del runs[_run_key(data, language)]
    write_atomically(out / "cache" / RUNS, json.dumps(runs, indent=1, sort_keys=True).encode())


def _unchanged(data: Path, params: Path, notebooks: Path, out: Path, language: str) -> list[Result] | None:
    """Returns every report of the last run as unchanged when nothing it depends on changed since
    (the same stamp, each report rendered and its HTML there), else None: the run goes the long way."""
    run = read_state(out / "cache" / RUNS).get(_run_key(data, language))
    try:
        if not run or inputs_stamp(data, params, notebooks, language,
                                   [Path(data) / name for name in run["files"]]) != run["stamp"]:
            return None
    except OSError:  # a file the last run read is gone, or a folder: the long way says what
        return None
    state, html = read_state(Path(run["state"])), Path(run["html"])
    order = state.get("_dataset", {}).get("order")
    if not order or any(state.get(name, {}).get("status") != "ok" or not (html / f"{name}.html").exists()
                        for name in order):
        return None
    fields = Result.__dataclass_fields__
    return [Result(**{k: v for k, v in state[name].items() if k in fields} | {"status": "unchanged",
                                                                               "seconds": 0.0})
            for name in order]


def release_memory() -> None:
    """Gives the memory this process freed back to the system (glibc's malloc_trim), so that
    loading the dataset does not weigh on the machine for the rest of the run."""
    import contextlib
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: the memory stays reserved
        ctypes.CDLL(None).malloc_trim(0)


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
