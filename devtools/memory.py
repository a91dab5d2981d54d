"""A command's memory as the machine feels it, for `make bench` (issue 25).

Three measures of one run, the command and every process under it:

- **cgroup peak**: the kernel's own high-water mark of the run's memory cgroup
  (v2 `memory.peak`, v1 `memory.max_usage_in_bytes`), read once at the end. Not sampled, so
  no short peak is missed; it counts what the run's processes hold once (shared pages
  once), plus the page cache the run itself fills (files it writes or is first to read).
  Only where the bench may make a cgroup (root, or a delegated v2 tree); otherwise None.
- **PSS, added up**: every quarter second, the proportional set size of each process
  (`/proc/<pid>/smaps_rollup`: a page shared by k processes counts 1/k in each), summed;
  the largest sum. This is the share of memory the run holds, with nothing counted twice,
  and it is what `make bench` quotes as "peak memory": it works on any Linux machine.
- **RSS, added up**: the same sampling of resident sets, as the bench quoted before: pages
  shared by forked workers (the warm server's modules) count once in every process, so it
  overstates what the machine gives the run.

Sampled peaks can miss a spike shorter than the interval; the cgroup peak cannot, which is
why both are given where the machine allows it.
"""

import contextlib
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

V2, V1 = Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/memory")


@dataclass(frozen=True)
class Memory:
    """Peaks of one run, in bytes; cgroup is None where no cgroup could be made."""

    pss: int
    rss: int
    cgroup: int | None

    def __str__(self) -> str:
        kernel = f"{self.cgroup / 2**30:.2f} GB" if self.cgroup is not None else "not available"
        return (f"peak memory {self.pss / 2**30:.2f} GB (PSS added up; RSS added up "
                f"{self.rss / 2**30:.2f} GB; cgroup high-water {kernel})")


def _cgroup() -> tuple[Path, str] | None:
    """Makes a memory cgroup for one run; returns it and the file of its peak, or None."""
    name = f"impact-bench-{os.getpid()}-{time.monotonic_ns()}"
    for root, peak in ((V2, "memory.peak"), (V1, "memory.max_usage_in_bytes")):
        if root == V2 and not (root / "cgroup.controllers").exists():
            continue  # a v1 machine: /sys/fs/cgroup holds the controllers' folders
        with contextlib.suppress(OSError):
            folder = root / name
            folder.mkdir()
            if (folder / peak).exists():
                return folder, peak
            folder.rmdir()
    return None


def _proc_sum(pids: list[int]) -> tuple[int, int]:
    """Returns the PSS and RSS of the given processes, added up, in bytes."""
    pss = rss = 0
    for pid in pids:
        with contextlib.suppress(OSError):  # ended between listing and reading
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                field, _, value = line.partition(":")
                if field in ("Pss", "Rss"):
                    kilobytes = int(value.split()[0]) * 1024
                    pss += kilobytes if field == "Pss" else 0
                    rss += kilobytes if field == "Rss" else 0
    return pss, rss


def run(command: list[str], interval: float = 0.25, **popen) -> tuple[int, Memory]:
    """Runs a command to its end; returns its exit status and its memory peaks."""
    import psutil

    group = _cgroup()

    def join() -> None:  # in the child, before it runs the command: every descendant inherits it
        if group:
            (group[0] / "cgroup.procs").write_text(str(os.getpid()))

    process = subprocess.Popen(command, preexec_fn=join, **popen)
    root, pss, rss = psutil.Process(process.pid), 0, 0
    while process.poll() is None:
        with contextlib.suppress(psutil.Error):
            pids = [root.pid, *(child.pid for child in root.children(recursive=True))]
            now = _proc_sum(pids)
            pss, rss = max(pss, now[0]), max(rss, now[1])
        time.sleep(interval)
    kernel = None
    if group:
        folder, peak = group
        kernel = int((folder / peak).read_text().split()[0])
        for _attempt in range(20):  # a process may still be leaving the group
            with contextlib.suppress(OSError):
                folder.rmdir()
                break
            time.sleep(0.05)
    return process.returncode, Memory(pss, rss, kernel)
