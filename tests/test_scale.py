"""Beyond one machine: the same render on a Dask cluster, and synthetic networks of many sites."""

import os
import signal
import sys
import time

import dask
import pandas as pd
import psutil
from distributed import Client, LocalCluster

from devtools.bench import synthetic_sites
from helpers import analysis, report
from helpers.load import load_dataset
from helpers.render import render_all

from .conftest import TACOMA, html_of, run_cli


def local_pages(tmp_path) -> dict:
    out = tmp_path / "local"
    render_all(TACOMA, tmp_path / "no-params", out, jobs=2, progress=False)
    return {n: html_of(out, n, "graduate-tacoma").read_bytes() for n in ("network", "data-quality")}


def test_a_dask_cluster_renders_the_same_reports(tmp_path):
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        result = run_cli("reports", "--data", TACOMA, "--out", tmp_path / "out",
                         "--executor", cluster.scheduler_address)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 rendered, 0 failed" in result.stdout
    pages = local_pages(tmp_path)
    for name, page in pages.items():
        assert html_of(tmp_path / "out", name, "graduate-tacoma").read_bytes() == page, name


def strays(since: float) -> list[str]:
    """Returns the processes started since then that belong to no process of this test run (the
    pytest process and everything under it) and look like ours: this environment's Python running
    multiprocessing, Dask or the helpers."""
    root = psutil.Process()
    while root.parent() is not None and "pytest" in " ".join(root.parent().cmdline()):
        root = root.parent()
    found = []
    for process in psutil.process_iter(["pid", "create_time", "cmdline"]):
        line = " ".join(process.info["cmdline"] or [])
        if not (process.info["create_time"] >= since - 1 and sys.prefix in line
                and ("multiprocessing" in line or "distributed" in line or "helpers" in line)):
            continue
        try:  # under the test run (another test's report, started a moment ago): not a stray
            if process.pid == root.pid or root.pid in {p.pid for p in process.parents()}:
                continue
        except psutil.Error:  # ended meanwhile: not left behind
            continue
        found.append(f"{process.pid}: {line[:120]}")
    return found


def test_warm_dask_workers_render_through_the_python_api(tmp_path):
    """Workers that are not daemons (DASK_DISTRIBUTED__WORKER__DAEMON=False) keep a warm pool,
    and nothing of it outlives the cluster: no forkserver, worker or resource tracker."""
    started = time.time()
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with dask.config.set({"distributed.worker.daemon": False}), LocalCluster(
            n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        results = render_all(TACOMA, tmp_path / "no-params", tmp_path / "out",
                             executor=client.get_executor(pure=False), progress=False)
        # (the resource tracker that this process starts for the cluster lives as long as it does)
        cluster_processes = [
            p for p in psutil.Process().children(recursive=True) if p.pid not in before
            and not (p.ppid() == os.getpid() and "resource_tracker" in " ".join(p.cmdline()))]
        for pid in client.run(os.getpid).values():  # a worker dying hard, as a nanny's kill or
            os.kill(pid, signal.SIGKILL)             # memory pressure ends it: nothing is left behind
    assert {r.status for r in results} == {"ok"}, [r.error for r in results]
    _, alive = psutil.wait_procs(cluster_processes, timeout=30)  # the cluster's workers end...
    assert [" ".join(p.cmdline())[:100] for p in alive] == []
    deadline = time.time() + 10  # ...and what they started ends with them
    while strays(started) and time.time() < deadline:
        time.sleep(0.5)
    assert strays(started) == []
    pages = local_pages(tmp_path)
    assert html_of(tmp_path / "out", "network", "graduate-tacoma").read_bytes() == pages["network"]


def test_a_large_network_is_summarised_in_each_site_report(tmp_path):
    data, _ = synthetic_sites(30, tmp_path)
    dataset = load_dataset(data)
    assert len(dataset.site_ids) == 30
    site = dataset.site_ids[3]
    section = report.sites_section(dataset, site, 10)
    names = [part.name for part in section.parts if isinstance(part, report.Chart)]
    assert names == ["site-summary", "site-gaps"]
    summary = section.parts[0]
    dots = [a for a in summary.figure.axes[0].lines if a.get_gid() == f"dots:{site}"]
    own = analysis.site_shares(dataset)
    own = own[own["site"] == site]
    assert sorted(dots[0].get_xdata()) == sorted(own["percent"])
    published = analysis.site_shares(dataset)["site"].nunique()  # the tiny site's are withheld
    assert published == 29
    assert "against the spread of 29 sites" in summary.title
    # The network report summarises: the spread of the sites and the furthest ones, not a row each.
    network = report.sites_section(dataset, None, 10)
    assert [part.name for part in network.parts if isinstance(part, report.Chart)] == ["network-summary"]
    spread = network.parts[0].table
    assert len(spread) == 10  # one row a figure, whatever the number of sites
    belong = own[own["item"] == "belong"]  # any site's figure lies within the spread
    row = spread[spread["figure"] == "Belonging"].iloc[0]
    assert row["lower quartile %"] <= row["median site %"] <= row["upper quartile %"]
    assert float(row["lowest site"].split()[-1].rstrip("%")) <= belong["percent"].iloc[0] \
        <= float(row["highest site"].split()[-1].rstrip("%"))
    furthest = report.to_html(network.parts[1])
    assert "The 3 sites furthest from the rest of the network on each figure" in furthest
    assert furthest.count("<tr>") == 1 + 3 * 10


def test_many_sites_render(tmp_path):
    data, params = synthetic_sites(14, tmp_path)
    results = render_all(data, params, tmp_path / "out", jobs=2, progress=False)
    assert len(results) == 2 + 2 * 14
    assert {r.status for r in results} == {"ok"}, [r.error for r in results]
    folder = tmp_path / "out" / "html" / "bench-14"
    every = pd.read_csv(folder / "network-sites.csv")
    shares = analysis.site_shares(load_dataset(data))
    assert len(every) == len(shares) > 100
    assert list(every["percent"]) == list(shares["percent"].astype(float).round(1))  # as on the page
    assert 'href="network-sites.csv"' in (folder / "network.html").read_text()
