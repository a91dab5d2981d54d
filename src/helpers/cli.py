"""The command line behind the Makefile: `impact-reports check-data`, `draft`, `gallery`, `reports` and `pdf`.

Bad input ends with its message and exit status 2, never a traceback; a
traceback is left for bugs.
"""

import argparse
import signal
import sys
import textwrap
import time
from pathlib import Path

from helpers.errors import InputError, Problem
from helpers.paths import NOTEBOOKS, OUTPUTS, PARAMS, default_dataset

EXIT_BAD_INPUT = 2
SHOWN = 20  # problems printed on screen; more go to OUT/problems.txt


def check_data(args: argparse.Namespace) -> int:
    """Prints the findings about the published figures; returns 0 when the data are valid."""
    from helpers.checks import run_checks
    from helpers.denominators import respondents
    from helpers.load import load_dataset
    from helpers.paths import shown
    from helpers.words import describe

    dataset = load_dataset(args.data)
    codebook = dataset.codebook
    findings = run_checks(dataset)
    print(f"{shown(args.data)}: the codebook and every file are valid "
          f"({len(dataset.figures)} figures).\n")
    for file, reasons in dataset.left_out.items():
        print(f"{file}: left out as its survey tool marks them, "
              + ", ".join(f"{count} {reason}" for reason, count in reasons.items()) + ".\n")
    severities = pd_counts([f.severity for f in findings])
    print(f"{len(findings)} findings about the published figures"
          + (f" ({severities})" if findings else "") + ":\n")
    for finding in findings:
        words = describe(finding, codebook)
        row = f" row {finding.row}" if finding.row is not None else ""
        print(f"[{finding.severity}] {finding.file}{row} ({finding.table}): {words.where}")
        print(f"    published: {words.published}")
        print(f"    the other figures give: {words.implied}")
        print(textwrap.fill(words.explanation, width=96, initial_indent="    ",
                            subsequent_indent="    "))
        print()
    inferred = respondents(dataset)
    if len(inferred):
        print("Respondents inferred from the rounding of the percentages (not published):")
    for record in inferred.itertuples():
        n = "none" if record.n is None or str(record.n) == "<NA>" else record.n
        whose = record.site or record.group or "all"
        print(f"    {record.table:<13} {whose:<16} n = {n!s:<5} {record.status}")
    return 0


def draft_codebook(args: argparse.Namespace) -> int:
    """Writes a draft codebook.yaml (and codebook.es.yaml where the tool carries Spanish) beside
    the export; refuses to overwrite one unless --force."""
    from helpers.draft import draft
    from helpers.paths import shown

    export = args.export
    if not export.is_file():
        raise InputError(Problem(shown(export), "a survey tool's export (.csv, .xlsx, .sav, .dta)",
                                 found="no such file"))
    target = args.out or export.parent / "codebook.yaml"
    if target.exists() and not args.force:
        raise InputError(Problem(shown(target), "no codebook there yet (--force replaces it, "
                                 "--out writes elsewhere)", found="a codebook already"))
    text, spanish, guesses = draft(export, args.dictionary, args.format)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {shown(target)}: {text.count(chr(10))} lines, {guesses} of them guesses to review "
          "(marked 'guess:')")
    if spanish:
        es = target.with_name("codebook.es.yaml")
        es.write_text(spanish, encoding="utf-8")
        print(f"wrote {shown(es)}: the Spanish texts the tool carries")
    return 0


def pd_counts(values: list[str]) -> str:
    """Returns "8 inconsistent, 5 unexplained": how often each value occurs, most first."""
    counts = {value: values.count(value) for value in dict.fromkeys(values)}
    return ", ".join(f"{n} {value}" for value, n in sorted(counts.items(), key=lambda kv: -kv[1]))


def print_summary(results: list, out: Path) -> None:
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


def render_reports(args) -> int:
    """Runs `impact-reports reports` (helpers.render); returns 0, 1 if any report failed, 2 for bad
    input, 3 if busy."""
    from filelock import FileLock, Timeout

    from helpers.render import LOCK, STOPS, LanguageMissing, Stopped, note_stop, render_all, writable
    from helpers.workers import executor_for

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
    previous = signal.signal(signal.SIGTERM, note_stop)
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


def parser() -> argparse.ArgumentParser:
    """Returns the argument parser of every subcommand."""
    main = argparse.ArgumentParser(prog="impact-reports", description=__doc__.splitlines()[0])
    commands = main.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check-data", help="validate data/ and print the findings")
    check.add_argument("--data", type=Path, default=None, help="the dataset folder")
    check.set_defaults(run=check_data)

    drafting = commands.add_parser("draft", help="write a draft codebook from a survey tool's export")
    drafting.add_argument("export", type=Path, help="the export, as the tool wrote it")
    drafting.add_argument("--dictionary", type=Path, default=None,
                          help="the tool's definition: REDCap data dictionary, Qualtrics .qsf, XLSForm")
    drafting.add_argument("--format", default=None, help="the tool, where it is not recognised: "
                          "qualtrics, surveymonkey, google-forms, redcap, kobo, spss, stata, plain")
    drafting.add_argument("--out", type=Path, default=None, help="default: codebook.yaml beside the export")
    drafting.add_argument("--force", action="store_true", help="replace a codebook already there")
    drafting.set_defaults(run=draft_codebook)

    gallery = commands.add_parser("gallery", help="render every chart for every site as PNG")
    gallery.add_argument("--data", type=Path, default=None)
    gallery.add_argument("--out", type=Path, default=OUTPUTS)
    gallery.set_defaults(run=lambda args: _lazy("helpers.gallery", "main")(args))

    reports = commands.add_parser("reports", help="render every report to HTML")
    reports.add_argument("--data", type=Path, default=None, help="the dataset folder")
    reports.add_argument("--params", type=Path, default=None,
                         help="its params folder (default: params/<dataset id>)")
    reports.add_argument("--out", type=Path, default=OUTPUTS)
    reports.add_argument("--jobs", type=int, default=None, help="reports at once (default: cores)")
    reports.add_argument("--force", action="store_true", help="render even if nothing changed")
    reports.add_argument("--language", default="en", help="the reports' language: en (default) or es")
    reports.add_argument("--executor", default="", help="a dask scheduler address, or empty")
    reports.add_argument("--allow-unsafe", action="store_true",
                         help="publish even if the disclosure audit finds a recoverable figure")
    reports.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help=argparse.SUPPRESS)
    reports.set_defaults(run=render_reports)

    pdf = commands.add_parser("pdf", help="print every rendered report to PDF beside its HTML")
    pdf.add_argument("--out", type=Path, default=OUTPUTS)
    pdf.set_defaults(run=lambda args: _lazy("helpers.pdf", "main")(args))
    return main


def _lazy(module: str, name: str):
    """Returns a function from a module imported only when its command runs."""
    import importlib

    return getattr(importlib.import_module(module), name)


def main(argv: list[str] | None = None) -> int:
    """Runs one subcommand and returns its exit status."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `impact-reports check-data | head` ends quietly
    args = parser().parse_args(argv)
    try:
        if hasattr(args, "data"):
            args.data = args.data or default_dataset()
            if not args.data.is_dir():
                raise InputError(Problem(str(args.data), "a dataset folder with a codebook.yaml",
                                         found="no such folder"))
        if hasattr(args, "params") and args.params is None:
            from helpers.codebook import read_codebook

            args.params = PARAMS / read_codebook(args.data).dataset.id
        return args.run(args)
    except InputError as error:
        problems = len(error.problems)
        print(f"error: {problems} problem{'s' if problems > 1 else ''} with the input:",
              file=sys.stderr)
        print(textwrap.indent(str(error), "  "), file=sys.stderr)
        if problems > SHOWN:
            listed = _list_problems(error, getattr(args, "out", None) or OUTPUTS)
            print(f"  Every one of the {problems:,} is listed in {listed}.", file=sys.stderr)
        return EXIT_BAD_INPUT


def _list_problems(error: InputError, out: Path) -> str:
    """Writes every problem, one a line, to OUT/problems.txt; returns where (or why not)."""
    from helpers.paths import shown

    path = Path(out) / "problems.txt"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{problem}\n" for problem in error.problems), encoding="utf-8")
    except OSError as failure:
        return f"no file: {path} could not be written ({failure.strerror})"
    return shown(path)


if __name__ == "__main__":
    sys.exit(main())
