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

Beside the totals, the PSS by kind of process (:func:`kind`): the renderer's own process (which
loads and shares the dataset), the warm server, the report processes forked from it (their sum, and
the largest one), and the rest (make, the resource tracker): each kind's peak of its sum, and its
largest process's peak, so that what grows with the network can be found. And the CPU seconds
of the run, every process under it counted (the cgroup's own account, v2 `cpu.stat` or v1
`cpuacct.usage`): on a machine shared with other work, wall seconds grow with its load, CPU
seconds hardly do.
"""

import contextlib
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

V2, V1 = Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/memory")
CPU_V1 = Path("/sys/fs/cgroup/cpuacct")


@dataclass(frozen=True)
class Memory:
    """Peaks of one run, in bytes; cgroup is None where no cgroup could be made."""

    pss: int
    rss: int
    cgroup: int | None
    kinds: dict = field(default_factory=dict)  # kind: (peak PSS of its processes added up, of the largest)
    cpu: float | None = None  # CPU seconds of every process of the run, where a cgroup counted them
    load: float = 0.0  # the machine's load average (1 minute) during the run, the mean of its samples

    def __str__(self) -> str:
        kernel = f"{self.cgroup / 2**30:.2f} GB" if self.cgroup is not None else "not available"
        return (f"peak memory {self.pss / 2**30:.2f} GB (PSS added up; RSS added up "
                f"{self.rss / 2**30:.2f} GB; cgroup high-water {kernel})")

    def by_kind(self) -> str:
        """Returns each kind's peak PSS (its processes added up / its largest process), in MB."""
        return "; ".join(f"{name} {total / 2**20:.0f} / {largest / 2**20:.0f} MB"
                         for name, (total, largest) in sorted(self.kinds.items()))


def _cgroup(name: str) -> tuple[Path, str] | None:
    """Makes a memory cgroup for one run; returns it and the file of its peak, or None."""
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


def _cpu_group(name: str, memory: tuple[Path, str] | None) -> tuple[Path, str] | None:
    """Returns the cgroup that counts the run's CPU time and its file: the memory cgroup itself on
    v2 (cpu.stat), or a cpuacct cgroup of its own on v1; None where neither can be had."""
    if memory and (memory[0] / "cpu.stat").exists():
        return memory[0], "cpu.stat"
    with contextlib.suppress(OSError):
        folder = CPU_V1 / name
        folder.mkdir()
        if (folder / "cpuacct.usage").exists():
            return folder, "cpuacct.usage"
        folder.rmdir()
    return None


def _cpu_seconds(group: tuple[Path, str]) -> float:
    text = (group[0] / group[1]).read_text()
    if group[1] == "cpu.stat":  # usage_usec, in microseconds
        return int(next(line.split()[1] for line in text.splitlines() if line.startswith("usage_usec"))) / 1e6
    return int(text.split()[0]) / 1e9  # nanoseconds


def _remove(folder: Path) -> None:
    for _attempt in range(20):  # a process may still be leaving the group
        with contextlib.suppress(OSError):
            folder.rmdir()
            return
        time.sleep(0.05)


def kind(process) -> str:
    """Returns a process's kind: "renderer" (the Python that runs the render), "warm server" (the
    multiprocessing forkserver), "report" (a process forked from it), or "other"."""
    import psutil

    try:
        line = " ".join(process.cmdline())
        parent = " ".join(process.parent().cmdline()) if process.parent() else ""
    except psutil.Error:
        return "other"
    if "forkserver" in line:
        return "report" if "forkserver" in parent else "warm server"
    if "resource_tracker" in line or "python" not in line.split(" ")[0]:
        return "other"
    return "renderer"


def _proc_sum(pids: list[int]) -> tuple[int, int, dict[int, int]]:
    """Returns the PSS and RSS of the given processes, added up, in bytes, and each one's PSS."""
    pss = rss = 0
    each = {}
    for pid in pids:
        with contextlib.suppress(OSError):  # ended between listing and reading
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                name, _, value = line.partition(":")
                if name in ("Pss", "Rss"):
                    kilobytes = int(value.split()[0]) * 1024
                    pss += kilobytes if name == "Pss" else 0
                    rss += kilobytes if name == "Rss" else 0
                    each[pid] = each.get(pid, 0) + (kilobytes if name == "Pss" else 0)
    return pss, rss, each


def run(command: list[str], interval: float = 0.25, **popen) -> tuple[int, Memory]:
    """Runs a command to its end; returns its exit status and its memory peaks."""
    import psutil

    name = f"impact-bench-{os.getpid()}-{time.monotonic_ns()}"
    group = _cgroup(name)
    cpu_group = _cpu_group(name, group)

    def join() -> None:  # in the child, before it runs the command: every descendant inherits it
        for each in {group, cpu_group} - {None}:
            (each[0] / "cgroup.procs").write_text(str(os.getpid()))

    process = subprocess.Popen(command, preexec_fn=join, **popen)
    root, pss, rss = psutil.Process(process.pid), 0, 0
    loads = []
    kinds: dict[str, tuple[int, int]] = {}
    known: dict[int, str] = {}  # a process's kind, once found (its command line does not change)
    while process.poll() is None:
        loads.append(os.getloadavg()[0])
        with contextlib.suppress(psutil.Error):
            processes = [root, *root.children(recursive=True)]
            now = _proc_sum([p.pid for p in processes])
            pss, rss = max(pss, now[0]), max(rss, now[1])
            summed: dict[str, tuple[int, int]] = {}
            for each in processes:
                if each.pid not in known:
                    known[each.pid] = kind(each)
                total, largest = summed.get(known[each.pid], (0, 0))
                size = now[2].get(each.pid, 0)
                summed[known[each.pid]] = total + size, max(largest, size)
            for name, (total, largest) in summed.items():
                before = kinds.get(name, (0, 0))
                kinds[name] = max(before[0], total), max(before[1], largest)
        time.sleep(interval)
    kernel = cpu = None
    if cpu_group:
        cpu = _cpu_seconds(cpu_group)
    if group:
        folder, peak = group
        kernel = int((folder / peak).read_text().split()[0])
    for each in {group, cpu_group} - {None}:
        _remove(each[0])
    return process.returncode, Memory(pss, rss, kernel, kinds, cpu, sum(loads) / max(len(loads), 1))
