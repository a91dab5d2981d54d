"""Beyond one machine: the same render on a Dask cluster, and synthetic networks of many sites."""

import shutil

from distributed import LocalCluster

from helpers import analysis
from helpers.bench import synthetic_sites
from helpers.load import load_all
from helpers.paths import DATA, PARAMS
from helpers.render import render_all

from .conftest import run_tfs


def test_a_dask_cluster_renders_the_same_reports(rendered, tmp_path):
    params = tmp_path / "params"
    params.mkdir()
    for site in ("dayton", "memphis"):
        shutil.copy(PARAMS / f"{site}.yaml", params)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        result = run_tfs("reports", "--out", tmp_path / "out", "--params", params,
                         "--executor", cluster.scheduler_address)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 rendered, 0 failed" in result.stdout
    for name in ("network", "data-quality", "dayton", "memphis"):
        page = (tmp_path / "out" / "html" / f"{name}.html").read_bytes()
        if name in ("dayton", "memphis", "data-quality"):
            assert page == rendered[2][name], name


def test_synthetic_sites_validate_and_chart(tmp_path):
    data, params = synthetic_sites(12, tmp_path)
    tallies = load_all(data)
    assert len(tallies.sites) == 12
    assert len(list(params.glob("*.yaml"))) == 12
    made = analysis.network_charts(tallies, 10)
    names = [chart.name for chart in made]
    assert "gaps" not in names  # twelve panels would be unreadable: the grid shows them
    grid = next(chart for chart in made if chart.name == "gap-grid")
    assert len(grid.table) == 12
    assert "each of 12 sites" in grid.svg().decode() or grid.svg()
    comparison = next(chart for chart in made if chart.name == "site-comparison")
    assert "each of 12 sites" in comparison.svg().decode()


def test_many_sites_render(tmp_path):
    data, params = synthetic_sites(12, tmp_path)
    results = render_all(data, params, tmp_path / "out", jobs=2, progress=False)
    assert len(results) == 14
    assert {r.status for r in results} == {"ok"}, [r.error for r in results]


def test_warm_dask_workers_render_through_the_python_api(rendered, tmp_path):
    """Workers that are not daemons (DASK_DISTRIBUTED__WORKER__DAEMON=False) keep a warm pool."""
    import dask
    from distributed import Client

    params = tmp_path / "params"
    params.mkdir()
    shutil.copy(PARAMS / "chicago.yaml", params)
    with dask.config.set({"distributed.worker.daemon": False}), LocalCluster(
            n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        results = render_all(DATA, params, tmp_path / "out", executor=client.get_executor(pure=False),
                             progress=False)
    assert {r.status for r in results} == {"ok"}, [r.error for r in results]
    assert (tmp_path / "out" / "html" / "chicago.html").read_bytes() == rendered[2]["chicago"]
