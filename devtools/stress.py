"""`make stress`: forced renders in a row and two runs at once, counting failures."""

import argparse
import subprocess
import sys
import time
from pathlib import Path

from helpers.paths import PARAMS, default_dataset
from helpers.render import render_all


def main(argv: list[str] | None = None) -> int:
    """Renders every report `--runs` times with FORCE at `--jobs`, then starts two runs at once;
    returns 0 when nothing failed and every render gave the same bytes."""
    parser = argparse.ArgumentParser(prog="stress", description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=4)
    args = parser.parse_args(argv)
    failures, pages, seconds = 0, None, []
    for run in range(1, args.runs + 1):
        started = time.perf_counter()
        results = render_all(default_dataset(), PARAMS / default_dataset().name, args.out, args.jobs,
                             force=True, progress=False)
        seconds.append(time.perf_counter() - started)
        bad = [f"{r.name}: {r.error}" for r in results if r.status != "ok"]
        now = {p.name: p.read_bytes() for p in sorted((args.out / "html").rglob("*.html"))}
        changed = pages is not None and now != pages
        pages = now
        failures += bool(bad) or changed
        print(f"run {run:>2}: {len(results) - len(bad)}/{len(results)} ok in {seconds[-1]:.1f} s"
              + (f"; failed: {bad}" if bad else "") + ("; bytes changed" if changed else ""))
    command = [sys.executable, "-m", "helpers.cli", "reports", "--out", str(args.out), "--force",
               "--jobs", str(args.jobs)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    codes = sorted(run.wait() for run in runs)
    together = codes in ([0, 0], [0, 3])
    print(f"two runs at once: exit codes {codes} ({'fine' if together else 'FAILED'})")
    seconds.sort()
    print(f"{args.runs} forced renders at JOBS={args.jobs}: {failures} failed; "
          f"median {seconds[len(seconds) // 2]:.1f} s a run")
    return 0 if failures == 0 and together else 1


if __name__ == "__main__":
    sys.exit(main())
