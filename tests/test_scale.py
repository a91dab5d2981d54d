"""Beyond one machine: the same render on a Dask cluster, and synthetic networks of many sites."""

import os
import signal
import subprocess
import sys
import time
import tracemalloc
import uuid

import dask
import pandas as pd
import psutil
import pytest
from distributed import Client, LocalCluster

from devtools.bench import synthetic_sites
from helpers import analysis, report, snapshot
from helpers.context import Run
from helpers.load import load_dataset
from helpers.render import render_all
from helpers.report.layout import (
    DATA_QUALITY,
    FAMILY_SNAPSHOT,
    NETWORK_OVERVIEW,
    SITE_REPORT,
    files_beside,
    prepare,
)
from helpers.shared import file_for, forget, read, share
from helpers.workers import WORKER_CONFIG, worker_environment

from .conftest import SYNTHETIC, TACOMA, TFS, html_of, run_cli


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


RUN = "IMPACT_REPORTS_TEST_RUN"  # set to a token by a test whose processes strays() looks for


def strays(since: float, run: str) -> list[str]:
    """Returns the processes started since then by this test, those whose environment carries RUN
    set to run (which every process they start inherits), that belong to no process of this test
    run (the pytest process and everything under it): left behind. Another pytest of the same
    environment at the same time starts processes just like them, without that token."""
    root = psutil.Process()
    while root.parent() is not None and "pytest" in " ".join(root.parent().cmdline()):
        root = root.parent()
    found = []
    for process in psutil.process_iter(["pid", "create_time", "cmdline"]):
        if process.info["create_time"] < since - 1:
            continue
        try:  # under the test run (the cluster's resource tracker lives as long as it): not a stray
            if process.environ().get(RUN) != run:
                continue
            if process.pid == root.pid or root.pid in {p.pid for p in process.parents()}:
                continue
        except psutil.Error:  # ended meanwhile, or another user's: not ours left behind
            continue
        found.append(f"{process.pid}: {' '.join(process.info['cmdline'] or [])[:120]}")
    return found


def detached(run: str | None) -> int:
    """Starts a Python of this environment that outlives its parent, as a process left behind (or
    another run's) is: no longer under the test run; RUN set to run, or unset. Returns its pid."""
    env = {k: v for k, v in os.environ.items() if k != RUN} | ({RUN: run} if run else {})
    code = ("import subprocess, sys; print(subprocess.Popen([sys.executable, '-c', 'import time; "
            "time.sleep(60)  # multiprocessing helpers'], stdout=subprocess.DEVNULL, "
            "stderr=subprocess.DEVNULL).pid)")
    return int(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                              check=True).stdout)


def test_a_worker_started_by_hand_reads_the_worker_config_from_its_environment():
    """`dask worker` on a machine of a cluster takes WORKER_CONFIG as DASK_ variables (README)."""
    config = dask.config.collect_env(worker_environment())
    assert {key: dask.config.get(key, config=config) for key in WORKER_CONFIG} == WORKER_CONFIG


def test_a_process_of_another_run_is_no_stray_of_this_one(monkeypatch):
    run = uuid.uuid4().hex
    monkeypatch.setenv(RUN, run)
    started = time.time()
    others, ours = detached(None), detached(run)
    try:
        found = strays(started, run)
        assert not any(line.startswith(f"{others}:") for line in found)  # another pytest's, say
        assert any(line.startswith(f"{ours}:") for line in found)  # the check still finds ours
    finally:
        for pid in (others, ours):
            os.kill(pid, signal.SIGKILL)


def test_warm_dask_workers_render_through_the_python_api(tmp_path, monkeypatch):
    """Workers configured as helpers.workers.WORKER_CONFIG says (not daemons, no sampling for the
    dashboard) keep a warm pool, and nothing of it outlives the cluster: no forkserver, worker or
    resource tracker."""
    run = uuid.uuid4().hex
    monkeypatch.setenv(RUN, run)  # every process the cluster starts carries it
    started = time.time()
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with dask.config.set(WORKER_CONFIG), LocalCluster(
            n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        configured = client.run(lambda: [dask.config.get(key) for key in WORKER_CONFIG])
        assert list(configured.values()) == [list(WORKER_CONFIG.values())]  # the nanny passes it on
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
    while strays(started, run) and time.time() < deadline:
        time.sleep(0.5)
    assert strays(started, run) == []
    pages = local_pages(tmp_path)
    assert html_of(tmp_path / "out", "network", "graduate-tacoma").read_bytes() == pages["network"]


def test_a_large_network_is_summarised_in_each_site_report(tmp_path):
    data, _ = synthetic_sites(30, tmp_path)
    dataset = load_dataset(data)
    assert len(dataset.site_ids) == 30
    site = dataset.site_ids[3]
    section = report.sites_section(Run(dataset, site))
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
    network = report.sites_section(Run(dataset))
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


def shown(value) -> str:
    """Returns what a notebook shows of a part's value: a headline and findings as words, an
    exhibit as its section."""
    if isinstance(value, tuple | str):
        return repr(value)
    return report.to_html(value.shown if isinstance(value, report.Exhibit) else value)


def site_pages(dataset, site: str | None) -> dict[str, str]:
    """Returns the HTML of every part of a site's report and family snapshot, by part; for no site,
    of the network overview and the data-quality report, and the network's table of every site."""
    names = {"run": Run(dataset, site, 10), "snapshot.SUBTITLE": snapshot.SUBTITLE}
    layouts = ((("site", SITE_REPORT), ("snapshot", FAMILY_SNAPSHOT)) if site is not None else
               (("network", NETWORK_OVERVIEW), ("data-quality", DATA_QUALITY)))
    pages = {f"{layout}:{number}:{part.call}": shown(part.build(names))
             for layout, parts in layouts for number, part in enumerate(parts)}
    if site is None:
        pages |= {name: repr(sheet) for name, sheet in files_beside("network_overview", dataset).items()}
    return pages


@pytest.mark.parametrize("folder", [TFS, SYNTHETIC, TACOMA, 30],
                         ids=["tfs", "synthetic", "tacoma", "30-sites"])
def test_each_report_from_its_part_is_the_report_from_the_whole_dataset(folder, tmp_path):
    """Each site's report reads the run's summary and its own site's file (helpers.shared), and the
    network overview and data-quality report the summary alone, not every site's tables: what each
    shows is what it shows from the whole dataset (the 30 sites: beyond 12, the spread of the sites)."""
    if folder == 30:
        folder, _ = synthetic_sites(30, tmp_path / "data")
    whole = load_dataset(folder, shared=False)
    prepare(whole)
    share(whole, tmp_path / "share")
    sites = whole.site_ids
    forget()
    network = read(file_for(tmp_path / "share", None))
    assert set(network.figures["site"]) == {""}
    assert site_pages(network, None) == site_pages(whole, None)
    for site in dict.fromkeys([*sites[:1], *sites[len(sites) // 2:][:1], *sites[-1:]]):  # Tacoma has none
        part = read(file_for(tmp_path / "share", site))
        assert len(part.figures) < len(whole.figures)
        assert set(part.figures["site"]) == {site, ""}
        assert site_pages(part, site) == site_pages(whole, site), site


def held(path) -> int:
    """Returns the bytes a process holds once it has read a shared file (tracemalloc)."""
    forget()
    tracemalloc.start()
    try:
        read(path)
        return tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
        forget()


def test_a_reports_memory_does_not_grow_with_the_number_of_sites(tmp_path):
    """What a report reads of the run's shared dataset stays nearly the same from 8 to 48 sites,
    while the dataset itself grows with them: a site's report (the summary and its site's rows) and
    the reports on the whole network (the summary alone)."""
    sizes = {}
    for count in (8, 48):
        data, _ = synthetic_sites(count, tmp_path / str(count))
        dataset = load_dataset(data, shared=False)
        prepare(dataset)
        folder = share(dataset, tmp_path / str(count) / "share")
        whole = sum(len(t) for t in (dataset.figures, *dataset.cache.values()) if isinstance(t, pd.DataFrame))
        sizes[count] = held(file_for(folder, dataset.site_ids[1])), held(file_for(folder, None)), whole
    (site_small, network_small, whole_small), (site_large, network_large, whole_large) = sizes[8], sizes[48]
    assert whole_large > 4 * whole_small  # the network's tables grow with the sites...
    assert site_large < 1.3 * site_small  # ...what a report reads hardly does
    assert network_large < 1.3 * network_small
