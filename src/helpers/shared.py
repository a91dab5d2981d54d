"""A run's shared dataset: loaded and computed once, written once, read by each report for its part.

The renderer loads, validates and protects a dataset once for its whole run, computes what every
report asks for (helpers.report.layout.prepare), and writes it into a folder of the run's cache
(:func:`share`), which each report's notebook then reuses through helpers.load.load_dataset:

- ``summary.pickle``: what every report reads of the network: the codebook, the head-counts and
  quotes, the disclosure audit, the network-wide results (each site against the rest, the spread of
  the sites, the run's verdicts, the checks, the respondents), and of the figures and the tables a
  report reads by site (:data:`BY_SITE`) only the network's own rows (blank site);
- ``sites/<site>.pickle``: one site's rows of the figures and of those tables.

The reports on the whole network (the network overview, data quality) read the summary alone, and
a site's report the summary and its site's file, so that what a report holds does not grow with
the number of sites (the summary grows only by the few rows a site has in the network-wide
results). The renderer's warm server reads the summary once, and every report forked from it
shares those pages. The environment variable :data:`SHARED` names the file a process reuses. This
module imports only the standard library at the top.
"""

import dataclasses
import os
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path

SHARED = "IMPACT_REPORTS_SHARED_DATASET"
SUMMARY, SITES = "summary.pickle", "sites"
# The results (helpers.load.once, by function name) that have rows at every site and that a site's
# report reads only by its site (analysis.at_site, contrasts, wave_changes, breakdown, ...) or
# through results computed from them once (site_shares, verdicts): a site's report is given its
# site's rows and the network's. Any other result goes whole into the summary.
BY_SITE = frozenset({"published_figures", "shares", "suppressed_shares", "_contrasts_everywhere",
                     "_changes_everywhere", "_breakdowns_everywhere"})
SPLIT = "_by_site"  # analysis._by_site: a table split by site, {site: rows}


@dataclass(frozen=True)
class SitePart:
    """One site's rows (blank: the network's) of the figures and of each BY_SITE result: each
    table as its rows and their positions in the whole table, a split table as its one entry."""

    site: str
    figures: tuple  # (DataFrame, positions)
    cache: dict


def file_for(folder: Path, site: str | None) -> Path:
    """Returns the file a report reads: its site's, or the summary (site None: the network's)."""
    return Path(folder) / (SUMMARY if site is None else f"{SITES}/{site}.pickle")


def share(dataset, folder: Path) -> Path:
    """Writes the dataset, with what is computed in its cache, into the folder (see the module),
    unless it is there already; returns the folder. Written into a temporary folder beside it and
    renamed into place, so that a run killed half-way leaves no half-written share."""
    folder = Path(folder)
    if folder.is_dir():
        return folder
    temporary = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    (temporary / SITES).mkdir(parents=True)
    split = {key: value for key, value in dataset.cache.items() if _by_site(key)}
    summary = dataclasses.replace(dataset, figures=dataset.figures.iloc[:0])
    object.__setattr__(summary, "cache", {k: v for k, v in dataset.cache.items() if k not in split})
    tables = {key: value for key, value in split.items() if key[0] != SPLIT}
    positions = {key: _positions(table) for key, table in tables.items()}
    figures = _positions(dataset.figures)

    def part(site: str) -> SitePart:
        cache = {key: _rows(table, positions[key], site) for key, table in tables.items()}
        cache |= {key: {site: parts[site]} if site in parts else {}
                  for key, parts in split.items() if key[0] == SPLIT}
        return SitePart(site, _rows(dataset.figures, figures, site), cache)

    _write(temporary / SUMMARY, (summary, part("")))
    for site in dataset.site_ids:
        _write(file_for(temporary, site), part(site))
    try:
        os.replace(temporary, folder)
    except OSError:  # another run shared the same data and code meanwhile: theirs is as good
        shutil.rmtree(temporary, ignore_errors=True)
    return folder


def _by_site(key: tuple) -> bool:
    return (key[0] in BY_SITE and len(key) == 1) or key[0] == SPLIT


def _positions(table) -> dict:
    """Returns the positions of each site's rows in a table, by site."""
    return table.groupby("site", sort=False).indices if len(table) else {}


def _rows(table, positions: dict, site: str) -> tuple:
    """Returns the site's rows of a table (index kept) and their positions in it."""
    import numpy as np

    chosen = positions.get(site, np.array([], dtype=np.int64))
    return table.iloc[chosen], chosen


def _merged(first: tuple, second: tuple):
    """Returns the rows of two parts of a table together, in the whole table's order."""
    import numpy as np
    import pandas as pd

    rows = pd.concat([first[0], second[0]])
    return rows.iloc[np.argsort(np.concatenate([first[1], second[1]]), kind="stable")]


def _write(path: Path, value) -> None:
    with path.open("wb") as file:  # streamed: never the whole pickle in memory at once
        pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)


def _load(path: Path):
    with path.open("rb") as file:  # streamed, as written
        return pickle.load(file)


_SUMMARY: dict[str, tuple] = {}  # the summary, by file, once read here
_READ: dict[str, object] = {}  # the last dataset read here, by file


def read(path: Path):
    """Returns the dataset of a shared file, read once per process (the summary once for all):
    the network's (the summary: the results of the whole network and the network's own rows), or
    a site's (the network's with the site's rows)."""
    path = Path(path)
    if str(path) not in _READ:
        summary = path if path.name == SUMMARY else path.parent.parent / SUMMARY
        if str(summary) not in _SUMMARY:
            forget()
            _SUMMARY[str(summary)] = _load(summary)
        whole, network = _SUMMARY[str(summary)]
        dataset = _dataset(whole, network, None if path == summary else _load(path))
        _READ.clear()
        _READ[str(path)] = dataset
    return _READ[str(path)]


def _dataset(whole, network: SitePart, part: SitePart | None):
    """Returns the dataset of the summary with the network's rows, and the site's where given."""
    if part is None:
        figures = network.figures[0]
        cache = {key: rows if key[0] == SPLIT else rows[0] for key, rows in network.cache.items()}
    else:
        figures = _merged(part.figures, network.figures)
        cache = {key: {**rows, **network.cache[key]} if key[0] == SPLIT else _merged(rows, network.cache[key])
                 for key, rows in part.cache.items()}
    dataset = dataclasses.replace(whole, figures=figures)
    object.__setattr__(dataset, "cache", {**whole.cache, **cache})
    return dataset


def preload():
    """Reads the run's shared file (:data:`SHARED`), if one is named, into this process and
    returns its dataset: the renderer's forkserver calls it, so that every report forked from it
    starts with the summary in memory rather than reading it again."""
    path = os.environ.get(SHARED, "")
    return read(Path(path)) if path and Path(path).is_file() else None


def site_of(path: Path) -> str | None:
    """Returns the site whose file this is, None for the whole network's."""
    path = Path(path)
    return path.stem if path.parent.name == SITES else None


def forget() -> None:
    """Lets this process free what it read (the renderer, once it has handed the data on)."""
    _READ.clear()
    _SUMMARY.clear()


def reused(folder: Path):
    """Returns the run's shared dataset (:data:`SHARED`) if there is one and it is this folder's."""
    path = os.environ.get(SHARED, "")
    if not path or (path not in _READ and not Path(path).is_file()):
        return None
    dataset = read(Path(path))
    return dataset if Path(dataset.folder).resolve() == Path(folder).resolve() else None
