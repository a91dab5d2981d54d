"""`make bench`: our renderer against the plain papermill + nbconvert loop, on the same notebooks.

Measured in one run, the two sides alternating, medians of at least three runs
(shared, noisy machines: read medians and ratios, not single timings):

- the plain loop a user would write: for each notebook and params file, the
  `papermill` command line, then `jupyter nbconvert --to html --no-input`;
- `make reports FORCE=1` on the same notebooks and params;
- a no-op `make reports` (nothing changed);
- scaling: 4, 16 and 64 synthetic sites generated into a temporary DATA and PARAMS;
- the bytes of each HTML report.

The last line printed is the ratio plain loop / make reports.
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
    command = ["make", "--no-print-directory", "-C", str(ROOT), "reports", f"OUT={out}",
               f"DATA={data}", f"PARAMS={params}"] + (["FORCE=1"] if force else [])
    return timed(command)


def synthetic_sites(count: int, folder: Path, seed: int = 7) -> tuple[Path, Path]:
    """Writes a synthetic respondent-level dataset of `count` sites (devtools/make_synthetic.py)
    and an empty params folder; returns both."""
    from make_synthetic import write

    data, params = folder / "data", folder / "params"
    write(data, count, seed, dataset_id=f"bench-{count}")
    params.mkdir(parents=True, exist_ok=True)
    return data, params


def median(values: list[float]) -> float:
    return statistics.median(values)


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmark and prints its table; the last line is the ratio."""
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each side (median)")
    parser.add_argument("--scale", default="4,16,64", help="synthetic site counts")
    args = parser.parse_args(argv)
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
        scaling = {}
        for count in [int(c) for c in args.scale.split(",") if c]:
            folder = scratch / f"sites-{count}"
            data, params = synthetic_sites(count, folder)
            seconds = make_reports(folder / "out", True, data, params)
            scaling[count] = seconds
            print(f"{count} sites: {seconds:.1f} s", file=sys.stderr)

    rows = [
        ("plain loop (papermill + nbconvert CLI), 6 reports", f"{median(plain):.1f} s",
         "median of " + ", ".join(f"{s:.1f}" for s in plain)),
        ("make reports FORCE=1, 6 reports", f"{median(ours):.1f} s",
         "median of " + ", ".join(f"{s:.1f}" for s in ours)),
        ("make reports, nothing changed", f"{median(noop):.2f} s",
         "median of " + ", ".join(f"{s:.2f}" for s in noop)),
    ]
    first = min(scaling) if scaling else None
    for count, seconds in scaling.items():
        reports = count + 2
        rows.append((f"{count} synthetic sites ({reports} reports), FORCE=1", f"{seconds:.1f} s",
                     f"{seconds / count:.2f} s a site; {seconds / scaling[first]:.1f} × the "
                     f"{first}-site time"))
    rows += [(f"size of {name}", f"{size / 1024:.0f} KB", "") for name, size in sizes.items()]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>9}  detail")
    for label, value, detail in rows:
        print(f"{label:<{width}}  {value:>9}  {detail}")
    print(f"ratio plain loop / make reports: {median(plain) / median(ours):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
