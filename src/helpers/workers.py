"""The processes reports run in: a warm server per machine, forked once per report.

A local pool forks each report's process from a forkserver that has imported the package and
read the run's shared summary (helpers.preload), and uses it for one report only: no imports paid
twice, no state shared between reports. On a Dask cluster each worker keeps such a pool of its
own (:func:`isolated`). No process of these outlives the run that started it (:func:`end_with_parent`).
Imports only the standard library at the top.
"""

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import Executor
from pathlib import Path


def local_executor(jobs: int, shared: Path | None = None) -> Executor:
    """Returns a pool of local worker processes, each forked from a warm server and used for one
    report only: no imports paid twice, no state shared between reports. The server starts
    now, with the run's shared dataset in memory when its file is given (helpers.preload): a
    site's file, whose summary of the network every site's report shares."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import forkserver

    from helpers.shared import SHARED

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
_STARTING = threading.Lock()


def isolated(task, *args, preload: Path | None = None):
    """Runs task(*args) in a fresh warm process of this machine and returns what it returns: what
    a Dask worker runs, so that reports on a cluster are as isolated as local ones. The warm
    server starts on first use, with the run's shared file in memory (helpers.shared); a pickled
    task and its answer pass through files where the process is a daemon. Raises Failed, with
    the last line of its error, when that fresh interpreter fails."""
    import multiprocessing

    if multiprocessing.current_process().daemon:
        # Dask's nanny starts workers as daemons, which may not start a process pool; start a
        # fresh interpreter instead (set DASK_DISTRIBUTED__WORKER__DAEMON=False for warm ones).
        return _in_subprocess(task, *args)
    from concurrent.futures.process import BrokenProcessPool

    try:
        return _isolated_pool(preload).submit(task, *args).result()
    except BrokenProcessPool:  # its server ended with the thread that started it: start anew
        close_isolated()
        return _isolated_pool(preload).submit(task, *args).result()


# How a Dask worker that renders reports is configured (`dask worker` takes it as the DASK_...
# variables of worker_environment()): not a daemon, so that it may keep a warm server (isolated),
# and without the sampling Dask does every few milliseconds for its dashboard (the profiler every
# 10 ms, the event loop's tick every 20 ms, the system monitor every 0.5 s, the nanny's look at
# the worker's memory every 0.1 s): a LocalCluster of two workers at rest took 0.12 s of CPU a
# second with Dask's defaults and 0.02 s with these, measured on the project's 2-core machine.
WORKER_CONFIG = {
    "distributed.worker.daemon": False,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


def worker_environment() -> dict[str, str]:
    """Returns WORKER_CONFIG as the environment variables Dask reads its configuration from."""
    return {"DASK_" + key.upper().replace(".", "__").replace("-", "_"): str(value)
            for key, value in WORKER_CONFIG.items()}


class Failed(Exception):
    """A task run in a new interpreter (:func:`isolated`) ended without an answer."""


def _isolated_pool(shared: Path | None) -> Executor:
    """Returns this process's warm pool for isolated renders, started on first use (with the
    run's shared dataset in its server's memory) and shut down when the process exits."""
    import atexit

    global _ISOLATED
    with _STARTING:  # a worker's threads share its one server
        if _ISOLATED is None:
            _ISOLATED = local_executor(os.cpu_count() or 1, shared)
            atexit.register(close_isolated)
        return _ISOLATED


def _in_subprocess(task, *args):
    """Runs task(*args) in a new Python process and returns what it returns."""
    import pickle
    import tempfile

    with tempfile.TemporaryDirectory(prefix="report-render-") as scratch:
        given, answer = Path(scratch) / "task.pickle", Path(scratch) / "result.pickle"
        given.write_bytes(pickle.dumps((task, args)))
        code = ("import pickle, sys; from pathlib import Path; "
                "given, answer = map(Path, sys.argv[1:]); task, args = pickle.loads(given.read_bytes()); "
                "answer.write_bytes(pickle.dumps(task(*args)))")
        finished = subprocess.run([sys.executable, "-c", code, str(given), str(answer)],
                                  capture_output=True, text=True, check=False)
        if finished.returncode != 0 or not answer.exists():
            lines = finished.stderr.strip().splitlines() or ["no message"]
            raise Failed(lines[-1])
        return pickle.loads(answer.read_bytes())


def executor_for(address: str, jobs: int) -> Executor:
    """Returns the executor to render on: local processes, or a Dask cluster's client when an
    address such as tcp://host:8786 is given (its futures are concurrent.futures-compatible)."""
    if not address:
        return local_executor(jobs)
    from distributed import Client

    return Client(address).get_executor(pure=False)
