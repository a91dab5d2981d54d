"""Byte-identical pages before and after a change of structure, and paired timings of two trees.

A refactoring should change how the code reads, not what it writes. This script renders every
report of every shipped dataset (tfs, synthetic, graduate-tacoma) in every language the dataset
has, from a copy of a source tree, with a fixed SOURCE_DATE_EPOCH, and compares every file a
report writes (HTML pages, workbooks, CSV files, the index) with a reference render:

    python devtools/same_pages.py render main /tmp/house-before     # the reference, from a commit
    python devtools/same_pages.py render worktree /tmp/house-after  # this worktree as it is now
    python devtools/same_pages.py compare /tmp/house-before /tmp/house-after
    python devtools/same_pages.py check /tmp/house-before           # render the worktree, compare

Each tree is copied outside git (a commit by `git archive`; the worktree as its tracked and
untracked, not ignored, files), so the footers say "not under git" on both sides and the commit
hash makes no difference; the copy's `src/` comes first on PYTHONPATH, so its package is the one
that runs, whatever .venv has installed. `compare` exits 1 and lists each file that differs (with
the first differing text of a page or CSV), and each file only one side has.

    python devtools/same_pages.py time main worktree --sites 100 --pairs 3

renders a synthetic network of that many sites (devtools/make_synthetic.py, seeded) with each
tree's `make reports FORCE=1`, alternating old and new, and prints each run and the medians.
Where the machine is too loaded for that (each run of 102 reports took 13 minutes at a load
average of 8 on two cores), `sections` times only what a report's cells do, in CPU seconds of
one process: every section of the network report and of `--reports` site reports built and shown
as HTML (charts drawn as SVG), after one untimed site, old and new alternating:

    python devtools/same_pages.py sections 0320499 worktree --sites 100 --reports 5 --pairs 3
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ("tfs", "synthetic", "graduate-tacoma")
LANGUAGES = ("en", "es")
EPOCH = "1764547200"  # 2025-12-01 00:00 UTC: every date a page writes
COMPARED = (".html", ".xlsx", ".csv")


def copy_tree(source: str, into: Path) -> Path:
    """Returns a copy of the source tree (a git revision, or "worktree" for this worktree's files
    as they are now) in the folder, outside git."""
    into.mkdir(parents=True, exist_ok=True)
    if source == "worktree":
        listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others",
                                 "--exclude-standard"], capture_output=True, check=True).stdout
        for name in filter(None, listed.decode().split("\0")):
            path = ROOT / name
            if path.is_file():
                (into / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, into / name)
        return into
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", source],
                             capture_output=True, check=True).stdout
    with tempfile.TemporaryFile() as file:
        file.write(archive)
        file.seek(0)
        with tarfile.open(fileobj=file) as tar:
            tar.extractall(into, filter="data")
    return into


def environment(tree: Path) -> dict:
    """Returns the environment that runs the tree's own package with fixed dates."""
    return {**os.environ, "PYTHONPATH": str(tree / "src"), "SOURCE_DATE_EPOCH": EPOCH,
            "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def reports(tree: Path, data: Path, params: Path, out: Path, language: str, jobs: int = 2) -> None:
    """Renders a dataset's reports in a language with the tree's code (FORCE=1); raises on failure."""
    command = [sys.executable, "-m", "helpers.cli", "reports", "--data", str(data), "--params",
               str(params), "--out", str(out), "--jobs", str(jobs), "--language", language, "--force",
               "--notebooks", str(tree / "notebooks")]
    done = subprocess.run(command, env=environment(tree), cwd=tree, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-3000:]}"
                         f"\n{done.stderr[-3000:]}")


def render(source: str, out: Path) -> None:
    """Renders every shipped dataset in every language from a copy of the source into out/."""
    if out.exists():
        shutil.rmtree(out)
    tree = copy_tree(source, out / "tree")
    for dataset in DATASETS:
        for language in LANGUAGES:
            started = time.perf_counter()
            reports(tree, tree / "data" / dataset, tree / "params" / dataset, out / "outputs", language)
            print(f"{source}: {dataset} {language} in {time.perf_counter() - started:.1f} s")


def pages(out: Path) -> dict[str, Path]:
    """Returns every compared file of a render by its address under html/ (links followed, the
    versioned folders behind them skipped, so that a file counts once under its address)."""
    html = out / "outputs" / "html"
    found = {}
    for folder, names, files in os.walk(html, followlinks=True):
        names[:] = sorted(n for n in names if n != "_reports")
        for name in files:
            path = Path(folder) / name
            if path.suffix in COMPARED:
                found[str(path.relative_to(html))] = path
    return found


def first_difference(old: bytes, new: bytes, around: int = 160) -> str:
    """Returns where two texts first differ, a little of each around it."""
    at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    start = max(0, at - around // 2)
    show = lambda text: text[start:at + around].decode("utf-8", "replace")  # noqa: E731
    return f"    at byte {at}:\n    before: {show(old)!r}\n    after:  {show(new)!r}"


def compare(before: Path, after: Path) -> int:
    """Prints every file that differs between two renders; returns how many do."""
    old, new = pages(before), pages(after)
    differ = 0
    for name in sorted(old.keys() | new.keys()):
        if name not in new or name not in old:
            print(f"only {'before' if name in old else 'after'}: {name}")
            differ += 1
            continue
        a, b = old[name].read_bytes(), new[name].read_bytes()
        if a != b:
            differ += 1
            print(f"differs: {name}")
            if not name.endswith(".xlsx"):
                print(first_difference(a, b))
    same = len(old.keys() & new.keys()) - sum(1 for n in old.keys() & new.keys()
                                              if old[n].read_bytes() != new[n].read_bytes())
    kinds = {s: sum(1 for n in old if n.endswith(s)) for s in COMPARED}
    print(f"{same} of {len(old)} files byte-identical ({', '.join(f'{c} {s}' for s, c in kinds.items())}); "
          f"{differ} differ")
    return differ


def paired_times(old: str, new: str, sites: int, pairs: int, folder: Path) -> None:
    """Times each tree's forced render of one synthetic network, old and new alternating."""
    sys.path.insert(0, str(ROOT / "devtools"))
    from make_synthetic import write

    trees = {label: copy_tree(source, folder / label) for label, source in (("old", old), ("new", new))}
    data, params = folder / "data", folder / "params"
    write(data, sites, 7, dataset_id=f"bench-{sites}")
    params.mkdir(exist_ok=True)
    times: dict[str, list[float]] = {"old": [], "new": []}
    for run in range(pairs):
        for label in ("old", "new") if run % 2 == 0 else ("new", "old"):
            out = folder / f"out-{label}"
            shutil.rmtree(out, ignore_errors=True)
            started = time.perf_counter()
            reports(trees[label], data, params, out, "en")
            times[label].append(time.perf_counter() - started)
            print(f"pair {run + 1}: {label} {times[label][-1]:.1f} s", flush=True)
    old_median, new_median = (statistics.median(times[k]) for k in ("old", "new"))
    print(f"{sites} sites, {pairs} pairs: old median {old_median:.1f} s, new median {new_median:.1f} s, "
          f"new/old {new_median / old_median:.3f}")


def section_seconds(data: Path, count: int) -> tuple[float, int]:
    """Returns the CPU seconds that building and showing every section of the network report and
    of `count` site reports takes (after one untimed site), and the HTML's length; run in a
    process whose PYTHONPATH is the tree's (see paired_sections)."""
    from helpers import report
    from helpers.checks import run_checks
    from helpers.load import load_dataset

    dataset = load_dataset(data, shared=False)
    findings = run_checks(dataset)
    try:  # a tree whose sections take a run (helpers.context), or one whose take the dataset
        from helpers.context import Run
    except ImportError:
        Run = None

    def shown(site: str | None) -> int:
        if Run is not None:
            run = Run(dataset, site, 10)
            parts = [report.who_took_part(run), report.sites_section(run), report.contrasts_section(run),
                     report.waves_section(run), report.breakdowns_section(run),
                     report.distributions_section(run), report.data_notes(run), report.methods(run)]
            parts += [report.choose_any_section(run)] if site is None else []
            found = report.network_key_findings(run) if site is None else report.site_key_findings(run)
            return sum(len(report.to_html(part)) for part in [*parts, report.bullets(found[1])])
        parts = [report.who_took_part(dataset, site), report.sites_section(dataset, site, 10),
                 report.contrasts_section(dataset, site, 10), report.waves_section(dataset, site, 10),
                 report.breakdowns_section(dataset, site, 10),
                 report.distributions_section(dataset, site, 10),
                 report.data_notes(dataset, findings, site), report.methods(dataset, 10)]
        if site is None:
            parts.append(report.choose_any_section(dataset, 10))
        found = report.network_key_findings(dataset) if site is None else report.site_key_findings(
            dataset, site, 10)
        return sum(len(report.to_html(part)) for part in [*parts, report.bullets(found[1])])

    shown(dataset.site_ids[0])
    started = time.process_time()
    size = sum(shown(site) for site in [None, *dataset.site_ids[1:count + 1]])
    return time.process_time() - started, size


def paired_sections(old: str, new: str, sites: int, count: int, pairs: int, folder: Path) -> None:
    """Times each tree's section_seconds on one synthetic network, old and new alternating."""
    sys.path.insert(0, str(ROOT / "devtools"))
    from make_synthetic import write

    trees = {label: copy_tree(source, folder / label) for label, source in (("old", old), ("new", new))}
    write(folder / "data", sites, 7, dataset_id=f"bench-{sites}")
    times: dict[str, list[float]] = {"old": [], "new": []}
    for run in range(pairs):
        for label in ("old", "new") if run % 2 == 0 else ("new", "old"):
            done = subprocess.run([sys.executable, __file__, "_sections", str(folder / "data"), str(count)],
                                  env=environment(trees[label]), capture_output=True, text=True, check=True)
            seconds, size = done.stdout.split()
            times[label].append(float(seconds))
            print(f"pair {run + 1}: {label} {float(seconds):.2f} s of CPU ({size} characters of HTML)",
                  flush=True)
    old_median, new_median = (statistics.median(times[k]) for k in ("old", "new"))
    print(f"{sites} sites, {count} site reports and the network's, {pairs} pairs: old median "
          f"{old_median:.2f} s, new median {new_median:.2f} s, new/old {new_median / old_median:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    rendering = commands.add_parser("render", help="render every shipped report from a source tree")
    rendering.add_argument("source", help="a git revision, or 'worktree'")
    rendering.add_argument("out", type=Path)
    comparing = commands.add_parser("compare", help="compare two renders")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    checking = commands.add_parser("check", help="render the worktree and compare it with a reference")
    checking.add_argument("reference", type=Path)
    checking.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "same-pages-after")
    timing = commands.add_parser("time", help="paired, alternating timings of two trees")
    timing.add_argument("old")
    timing.add_argument("new")
    timing.add_argument("--sites", type=int, default=100)
    timing.add_argument("--pairs", type=int, default=3)
    timing.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "same-pages-time")
    sectioning = commands.add_parser("sections", help="paired CPU seconds of the reports' sections")
    sectioning.add_argument("old")
    sectioning.add_argument("new")
    sectioning.add_argument("--sites", type=int, default=100)
    sectioning.add_argument("--reports", type=int, default=5)
    sectioning.add_argument("--pairs", type=int, default=3)
    sectioning.add_argument("--folder", type=Path,
                            default=Path(tempfile.gettempdir()) / "same-pages-sections")
    inner = commands.add_parser("_sections")  # one timed process, run by `sections`
    inner.add_argument("data", type=Path)
    inner.add_argument("count", type=int)
    args = parser.parse_args()
    if args.command == "_sections":
        seconds, size = section_seconds(args.data, args.count)
        print(f"{seconds:.3f} {size}")
    elif args.command == "sections":
        shutil.rmtree(args.folder, ignore_errors=True)
        paired_sections(args.old, args.new, args.sites, args.reports, args.pairs, args.folder)
    elif args.command == "render":
        render(args.source, args.out)
    elif args.command == "compare":
        return 1 if compare(args.before, args.after) else 0
    elif args.command == "check":
        render("worktree", args.out)
        return 1 if compare(args.reference, args.out) else 0
    else:
        shutil.rmtree(args.folder, ignore_errors=True)
        paired_times(args.old, args.new, args.sites, args.pairs, args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
