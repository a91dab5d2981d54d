"""`make bench`: our renderer against the plain papermill + nbconvert loop, on the same notebooks.

Measured in one run, the two sides alternating, medians of at least three runs
(shared, noisy machines: read medians and ratios, not single timings):

- the plain loop a user would write: for each notebook and params file, the
  `papermill` command line, then `jupyter nbconvert --to html --no-input`;
- `make reports FORCE=1` on the same notebooks and params;
- a no-op `make reports` (nothing changed);
- scaling: 4, 16 and 64 synthetic sites (or SITES=...) generated into a temporary DATA
  and PARAMS: seconds a site, peak memory of the whole run (devtools/memory.py: PSS added up,
  beside the resident sets added up and the kernel's cgroup high-water), the largest report and the
  network report in bytes, a no-op run at that size, and the index page of that run (its
  bytes, and the seconds writing it takes, median of three); with --dask (DASK=1), the
  largest size again on a Dask LocalCluster laid out as on a machine of a cluster: one worker
  process with a thread per core, whose one warm server forks every report of that machine;
- the bytes of each HTML report;
- the disclosure audit alone at each scale (tabulating the exports, then protection and
  its audit), in seconds and seconds a site; with --audit (AUDIT=1), only that.

The last line printed is the ratio plain loop / make reports. With --rows N (make bench
ROWS=1500000) it measures only a large export instead: the synthetic survey's export grown to N
rows (its rows drawn again, seeded), loaded and tabulated in a process of its own, with that
process's seconds and peak resident memory.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers.paths import NOTEBOOKS, PARAMS, ROOT, default_dataset

sys.path.insert(0, str(Path(__file__).parent))  # devtools/ is a folder of scripts
from memory import Memory
from memory import run as memory_run

DATA = default_dataset()
PARAMS = PARAMS / DATA.name

BIN = Path(sys.executable).parent


def timed(command: list[str], **kwargs) -> float:
    """Returns the seconds a command took; raises if it failed."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   **kwargs)
    return time.perf_counter() - started


def plain_loop(out: Path) -> float:
    """Runs the loop a user would write and returns its seconds."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    runs = [(NOTEBOOKS / "network_overview.ipynb", None, "network"),
            (NOTEBOOKS / "data_quality.ipynb", None, "data-quality")]
    runs += [(NOTEBOOKS / "site_report.ipynb", p, p.stem) for p in sorted(PARAMS.glob("*.yaml"))]
    started = time.perf_counter()
    for notebook, params, name in runs:
        executed = out / f"{name}.ipynb"
        command = [str(BIN / "papermill"), str(notebook), str(executed), "-k", "python3",
                   "--no-progress-bar"]
        subprocess.run(command + (["-f", str(params)] if params else []), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=NOTEBOOKS)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                        str(executed)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def make_reports(out: Path, force: bool, data: Path = DATA, params: Path = PARAMS) -> float:
    """Runs `make reports` as a user does and returns its seconds."""
    return measured(out, force, data, params)[0]


def measured(out: Path, force: bool, data: Path = DATA, params: Path = PARAMS) -> tuple[float, Memory]:
    """Runs `make reports` and returns its seconds and memory peaks (devtools/memory.py: PSS and
    RSS of make and every process under it added up, and the kernel's cgroup high-water)."""
    command = ["make", "--no-print-directory", "-C", str(ROOT), "reports", f"OUT={out}",
               f"DATA={data}", f"PARAMS={params}"] + (["FORCE=1"] if force else [])
    started = time.perf_counter()
    status, memory = memory_run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if status != 0:
        raise subprocess.CalledProcessError(status, command)
    return time.perf_counter() - started, memory


def dask_render(data: Path, params: Path, out: Path) -> float:
    """Renders on a Dask LocalCluster of one non-daemon worker with a thread per core (a machine of
    a cluster: one warm server, helpers.workers.isolated, shared by its threads); returns seconds.
    Two single-threaded workers would start a warm server each, with a pool as large as the
    machine, and run twice as many report processes as there are cores."""
    import dask
    from distributed import Client, LocalCluster

    from helpers.render import render_all

    started = time.perf_counter()
    with dask.config.set({"distributed.worker.daemon": False}), LocalCluster(
            n_workers=1, threads_per_worker=os.cpu_count() or 1, processes=True,
            dashboard_address=None) as cluster, \
            Client(cluster) as client:
        results = render_all(data, params, out, force=True, progress=False,
                             executor=client.get_executor(pure=False))
    assert {r.status for r in results} == {"ok"}, [r.error for r in results if r.status != "ok"]
    return time.perf_counter() - started


def synthetic_sites(count: int, folder: Path, seed: int = 7) -> tuple[Path, Path]:
    """Writes a synthetic respondent-level dataset of `count` sites (devtools/make_synthetic.py)
    and an empty params folder; returns both."""
    from make_synthetic import write

    data, params = folder / "data", folder / "params"
    write(data, count, seed, dataset_id=f"bench-{count}")
    params.mkdir(parents=True, exist_ok=True)
    return data, params


def audit_seconds(data: Path) -> tuple[float, object]:
    """Returns the seconds disclosure control and its audit take on a dataset's tabulated
    exports (the tabulation not counted), and the audit."""
    from helpers.disclosure import protect
    from helpers.load import read_codebook
    from helpers.tabulate import tabulate_exports

    codebook = read_codebook(data)
    figures = tabulate_exports(data, codebook)
    rules = codebook.dataset.disclosure
    start, cpu = time.perf_counter(), time.process_time()
    _, audit = protect(figures, codebook, rules.minimum_base, rules.top_bottom_coding,
                       rules.complementary_suppression, rules.protection_interval)
    audit.cpu_seconds = time.process_time() - cpu  # a shared machine's wall clock says little alone
    return time.perf_counter() - start, audit


def audit_only(counts: list[int]) -> int:
    """Prints the audit's time at each scale (make bench AUDIT=1 SITES=100,1000)."""
    with tempfile.TemporaryDirectory(prefix="tfs-bench-") as scratch:
        for count in counts:
            data, _ = synthetic_sites(count, Path(scratch) / f"sites-{count}")
            seconds, audit = audit_seconds(data)
            print(f"audit of {count} synthetic sites: {seconds:.1f} s, {seconds / count:.2f} s a site "
                  f"({audit.cpu_seconds:.1f} s of CPU, {audit.cpu_seconds / count:.2f} a site); "
                  f"{audit.cells:,} cells, {audit.withheld:,} withheld ({audit.primary:,} primary, "
                  f"{audit.coded:,} coded, {audit.complementary:,} complementary); "
                  f"{audit.witnessed:,} certified by witnesses, {audit.programmed:,} by programmes, "
                  f"{audit.undecided:,} repaired undecided; "
                  f"{'safe' if audit.safe else 'NOT SAFE'}", flush=True)


def index_timing(out: Path) -> tuple[float, int]:
    """Returns the seconds writing a run's index takes (median of three) and the index's bytes."""
    from helpers.index import write_index

    seconds = []
    for _run in range(3):
        started = time.perf_counter()
        write_index(out)
        seconds.append(time.perf_counter() - started)
    return median(seconds), (out / "html" / "index.html").stat().st_size


def large_export(rows: int, folder: Path, seed: int = 7) -> Path:
    """Returns a copy of the synthetic dataset whose export holds the given number of rows."""
    import pandas as pd
    import yaml

    source = ROOT / "data" / "synthetic"
    folder.mkdir(parents=True)
    book = yaml.safe_load((source / "codebook.yaml").read_text(encoding="utf-8"))
    export = book["exports"][0]
    book["exports"] = [export]
    (folder / "codebook.yaml").write_text(yaml.safe_dump(book, sort_keys=False), encoding="utf-8")
    table = pd.read_csv(source / export["file"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    grown = table.sample(n=rows, replace=True, random_state=seed).reset_index(drop=True)
    grown[export["id_column"]] = [f"R{number:08d}" for number in range(1, rows + 1)]
    grown.to_csv(folder / export["file"], index=False)
    return folder


def load_measured(folder: Path) -> tuple[float, int]:
    """Returns the seconds and peak resident bytes of loading and tabulating a dataset in a
    process of its own."""
    code = "import sys; from helpers.load import load_dataset; load_dataset(sys.argv[1], shared=False)"
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code, str(folder)])
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"loading {folder} failed")
    return seconds, usage.ru_maxrss * 1024  # kilobytes on Linux


def rows_bench(rows: int) -> int:
    """Prints the time and peak memory of loading a synthetic export of that many rows."""
    with tempfile.TemporaryDirectory(prefix="tfs-bench-rows-") as scratch:
        folder = large_export(rows, Path(scratch) / "large")
        size = (folder / "responses-2024.csv").stat().st_size
        seconds, peak = load_measured(folder)
    print(f"{rows:,}-row export ({size / 2**20:.0f} MB CSV): loaded and tabulated in {seconds:.1f} s, "
          f"peak memory {peak / 2**30:.2f} GB ({peak / size:.1f} times the file)")
    return 0


def median(values: list[float]) -> float:
    return statistics.median(values)


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmark and prints its table; the last line is the ratio."""
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each side (median)")
    parser.add_argument("--scale", default=os.environ.get("SITES") or "4,16,64",
                        help="synthetic site counts (make bench SITES=100,1000)")
    parser.add_argument("--dask", action="store_true",
                        help="render the largest size again on a Dask LocalCluster (a machine's worth)")
    parser.add_argument("--audit", action="store_true", default=bool(os.environ.get("AUDIT")),
                        help="time only the disclosure audit at each scale")
    parser.add_argument("--rows", type=int, default=0,
                        help="measure only loading an export of this many rows (make bench ROWS=1500000)")
    args = parser.parse_args(argv)
    if args.rows:
        return rows_bench(args.rows)
    if args.audit:
        return audit_only([int(c) for c in args.scale.split(",") if c])
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    with tempfile.TemporaryDirectory(prefix="tfs-bench-") as scratch:
        scratch = Path(scratch)
        plain, ours = [], []
        for run in range(args.runs):
            ours.append(make_reports(scratch / "ours", force=True))
            plain.append(plain_loop(scratch / "plain"))
            print(f"run {run + 1}: plain loop {plain[-1]:.1f} s, make reports FORCE=1 "
                  f"{ours[-1]:.1f} s", file=sys.stderr)
        noop = [make_reports(scratch / "ours", force=False) for _ in range(max(5, args.runs))]
        sizes = {p.name: p.stat().st_size for p in sorted((scratch / "ours" / "html").rglob("*.html"))}
        scaling, dask_seconds = {}, None
        counts = [int(c) for c in args.scale.split(",") if c]
        for count in counts:
            folder = scratch / f"sites-{count}"
            data, params = synthetic_sites(count, folder)
            audit_time = audit_seconds(data)[0]
            seconds, peak = measured(folder / "out", True, data, params)
            unchanged = make_reports(folder / "out", False, data, params)
            pages = [p.stat().st_size for p in (folder / "out" / "html" / f"bench-{count}").glob("*.html")]
            network = (folder / "out" / "html" / f"bench-{count}" / "network.html").stat().st_size
            index = index_timing(folder / "out")
            scaling[count] = (seconds, peak, max(pages), network, unchanged, index, audit_time)
            print(f"{count} sites: {seconds:.1f} s, {peak}", file=sys.stderr)
            if args.dask and count == max(counts):
                dask_seconds = dask_render(data, params, folder / "dask")
            shutil.rmtree(folder)

    rows = [
        ("plain loop (papermill + nbconvert CLI), 6 reports", f"{median(plain):.1f} s",
         "median of " + ", ".join(f"{s:.1f}" for s in plain)),
        ("make reports FORCE=1, 6 reports", f"{median(ours):.1f} s",
         "median of " + ", ".join(f"{s:.1f}" for s in ours)),
        ("make reports, nothing changed", f"{median(noop):.2f} s",
         "median of " + ", ".join(f"{s:.2f}" for s in noop)),
    ]
    first = min(scaling) if scaling else None
    for count, (seconds, peak, largest, network, unchanged, (index_seconds, index_bytes),
                audit_time) in scaling.items():
        reports = 2 * count + 2  # a report and a family snapshot a site, the network, data quality
        per_site, first_per_site = seconds / count, scaling[first][0] / first
        rows.append((f"{count} synthetic sites ({reports} reports), FORCE=1", f"{seconds:.1f} s",
                     f"{per_site:.2f} s a site ({per_site / first_per_site:.2f} × at {first}); "
                     f"{peak}; largest report {largest / 1024:.0f} KB, "
                     f"network {network / 1024:.0f} KB; nothing changed {unchanged:.2f} s; "
                     f"index {index_bytes / 1024:.0f} KB written in {index_seconds:.2f} s"))
        rows.append((f"{count} synthetic sites, disclosure audit alone", f"{audit_time:.1f} s",
                     f"{audit_time / count:.2f} s a site"))
    if dask_seconds is not None:
        rows.append((f"{max(scaling)} synthetic sites on a Dask LocalCluster (1 worker, "
                     f"{os.cpu_count()} threads)",
                     f"{dask_seconds:.1f} s", f"{dask_seconds / max(scaling):.2f} s a site"))
    rows += [(f"size of {name}", f"{size / 1024:.0f} KB", "") for name, size in sizes.items()]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>9}  detail")
    for label, value, detail in rows:
        print(f"{label:<{width}}  {value:>9}  {detail}")
    print(f"ratio plain loop / make reports: {median(plain) / median(ours):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
