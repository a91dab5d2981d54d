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
  network report in bytes, the shared files under OUT/cache/, the CPU seconds of the run (a
  cgroup's count, fair on a loaded machine) and the load average during it, a no-op run at that
  size, and the index page of that run (its bytes, and the seconds writing it takes, median of
  three); on standard error, the peak PSS by kind of process (devtools/memory.py);
- the bytes of each HTML report;
- the disclosure audit alone at each scale (tabulating the exports, then protection and
  its audit), in seconds and seconds a site; with --audit (AUDIT=1), only that.

With --dask (make bench DASK=1 SITES=100) it measures only the Dask comparison instead: the largest
size rendered on the local pool and on a Dask LocalCluster of a single-threaded worker per core,
alternating (--runs times each), with seconds, CPU seconds of the whole process tree (a cgroup's
count) and the load average, and the ratios Dask / local pool of the alternated pairs.

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


def render_side(side: str, data: str, params: str, out: str) -> None:
    """Renders every report of a dataset (FORCE) on one side of the Dask comparison, in this
    process: "local" on the local pool, "dask" on a Dask LocalCluster of a single-threaded worker
    per core, configured as helpers.workers.WORKER_CONFIG says (each worker keeps a warm server);
    raises unless every report renders."""
    from helpers.render import render_all

    jobs = os.cpu_count() or 1
    if side == "local":
        results = render_all(Path(data), Path(params), Path(out), jobs, force=True, progress=False)
    else:
        import dask
        from distributed import Client, LocalCluster

        from helpers.workers import WORKER_CONFIG

        with dask.config.set(WORKER_CONFIG), LocalCluster(
                n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            results = render_all(Path(data), Path(params), Path(out), force=True, progress=False,
                                 executor=client.get_executor(pure=False))
    failed = [r.error for r in results if r.status != "ok"]
    if failed:
        raise SystemExit(f"{len(failed)} reports failed, the first: {failed[0]}")


def cpu_run(command: list[str]) -> tuple[float, float | None]:
    """Runs a command to its end (raising if it fails); returns its seconds and the CPU seconds
    (user and system) of it and every process under it, the kernel's count for a cgroup made for
    the run (v1 cpuacct.usage, v2 cpu.stat), or None where the bench may make none. On a machine
    others share, CPU seconds are the fair measure: time waiting for a core is not in them."""
    import contextlib

    root, name = Path("/sys/fs/cgroup"), f"impact-bench-cpu-{os.getpid()}-{time.monotonic_ns()}"
    group = None
    if (root / "cgroup.controllers").exists():
        group = root / name, lambda folder: int(
            (folder / "cpu.stat").read_text().split("usage_usec")[1].split()[0]) / 1e6
    elif (root / "cpuacct" / "cpuacct.usage").exists():
        group = root / "cpuacct" / name, lambda folder: int((folder / "cpuacct.usage").read_text()) / 1e9
    if group:
        try:
            group[0].mkdir()
        except OSError:
            group = None

    def join() -> None:  # in the child, before it runs the command: every descendant inherits it
        if group:
            (group[0] / "cgroup.procs").write_text(str(os.getpid()))

    started = time.perf_counter()
    status = subprocess.run(command, preexec_fn=join, stdout=subprocess.DEVNULL, check=False).returncode
    seconds = time.perf_counter() - started
    cpu = None
    if group:
        cpu = group[1](group[0])
        for _attempt in range(40):  # a process may still be leaving the group
            with contextlib.suppress(OSError):
                group[0].rmdir()
                break
            time.sleep(0.05)
    if status != 0:
        raise subprocess.CalledProcessError(status, command)
    return seconds, cpu


def dask_bench(count: int, runs: int) -> int:
    """Prints the Dask comparison: `count` synthetic sites rendered on the local pool and on a Dask
    LocalCluster (render_side), alternating, `runs` times each, with seconds, CPU seconds of the
    whole process tree and the load average before each run; the ratios are medians of the
    alternated pairs' ratios."""
    side = ("import sys; sys.path.insert(0, sys.argv[1]); from bench import render_side; "
            "render_side(*sys.argv[2:])")
    sides = {"local pool": "local", "Dask LocalCluster": "dask"}
    found = {name: [] for name in sides}
    with tempfile.TemporaryDirectory(prefix="tfs-bench-dask-") as scratch:
        data, params = synthetic_sites(count, Path(scratch))
        for run in range(runs):
            for name, which in sides.items():
                out = Path(scratch) / which
                shutil.rmtree(out, ignore_errors=True)
                load = os.getloadavg()[0]
                seconds, cpu = cpu_run([sys.executable, "-c", side, str(Path(__file__).parent), which,
                                        str(data), str(params), str(out)])
                found[name].append((seconds, cpu, load))
                print(f"run {run + 1}: {name} {seconds:.1f} s, CPU "
                      + (f"{cpu:.1f} s" if cpu is not None else "not available") + f", load {load:.1f}",
                      file=sys.stderr)
    workers = os.cpu_count() or 1
    print(f"{count} synthetic sites ({2 * count + 2} reports), FORCE=1, alternating, {runs} runs each; "
          f"Dask: {workers} workers of one thread, helpers.workers.WORKER_CONFIG")
    for name, measures in found.items():
        cpus = [c for _s, c, _l in measures if c is not None]
        print(f"{name:<18}  {median([s for s, _c, _l in measures]):7.1f} s  "
              + (f"CPU {median(cpus):7.1f} s  " if cpus else "")
              + "loads " + ", ".join(f"{load:.1f}" for _s, _c, load in measures))
    pairs = list(zip(*found.values(), strict=True))
    print(f"ratio Dask / local pool: {median([d[0] / local[0] for local, d in pairs]):.2f} (seconds)"
          + (f", {median([d[1] / local[1] for local, d in pairs]):.2f} (CPU seconds)"
             if all(local[1] and d[1] for local, d in pairs) else ""))
    return 0


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
                        help="only the largest size, on the local pool and a Dask LocalCluster, alternating")
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
    counts = [int(c) for c in args.scale.split(",") if c]
    if args.dask:
        return dask_bench(max(counts), args.runs)
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
        scaling = {}
        for count in counts:
            folder = scratch / f"sites-{count}"
            data, params = synthetic_sites(count, folder)
            audit_time = audit_seconds(data)[0]
            seconds, peak = measured(folder / "out", True, data, params)
            unchanged = make_reports(folder / "out", False, data, params)
            pages = [p.stat().st_size for p in (folder / "out" / "html" / f"bench-{count}").glob("*.html")]
            network = (folder / "out" / "html" / f"bench-{count}" / "network.html").stat().st_size
            index = index_timing(folder / "out")
            cache = sum(f.stat().st_size for f in (folder / "out" / "cache").rglob("*") if f.is_file())
            scaling[count] = (seconds, peak, max(pages), network, unchanged, index, cache, audit_time)
            print(f"{count} sites: {seconds:.1f} s, {peak}; by kind of process (added up / largest): "
                  f"{peak.by_kind()}", file=sys.stderr)
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
                cache, audit_time) in scaling.items():
        reports = 2 * count + 2  # a report and a family snapshot a site, the network, data quality
        per_site, first_per_site = seconds / count, scaling[first][0] / first
        cpu, first_cpu = peak.cpu, scaling[first][1].cpu
        cpu = (f"{cpu / count:.2f} CPU s a site ({cpu / count / (first_cpu / first):.2f} × at {first}); "
               if cpu is not None and first_cpu else "")
        rows.append((f"{count} synthetic sites ({reports} reports), FORCE=1", f"{seconds:.1f} s",
                     f"{per_site:.2f} s a site ({per_site / first_per_site:.2f} × at {first}); {cpu}"
                     f"load average {peak.load:.1f}; {peak}; largest report {largest / 1024:.0f} KB, "
                     f"network {network / 1024:.0f} KB; shared files {cache / 2**20:.0f} MB; "
                     f"nothing changed {unchanged:.2f} s; "
                     f"index {index_bytes / 1024:.0f} KB written in {index_seconds:.2f} s"))
        rows.append((f"{count} synthetic sites, disclosure audit alone", f"{audit_time:.1f} s",
                     f"{audit_time / count:.2f} s a site"))
    rows += [(f"size of {name}", f"{size / 1024:.0f} KB", "") for name, size in sizes.items()]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>9}  detail")
    for label, value, detail in rows:
        print(f"{label:<{width}}  {value:>9}  {detail}")
    print(f"ratio plain loop / make reports: {median(plain) / median(ours):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
