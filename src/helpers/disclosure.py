"""Disclosure control for counted figures: primary and complementary suppression, top/bottom
coding, and an audit that proves nothing withheld can be worked out.

Respondent-level data can identify people once broken down by site, group and
characteristic (../methods.md, "Disclosure control"). Before anything is published, per
*cell* (one wave, item, site, group and characteristic value: its base and every answer):

1. **Primary suppression.** A cell whose base is under the minimum is withheld: its numbers
   become missing and the reports show "—" with a footnote.
2. **Top/bottom coding.** In a small group (fewer than :data:`SMALL_GROUP`), a share above
   95% or below 5% would tell a reader how (nearly) everyone answered; the cell is withheld
   and the share is shown only as "> 95%" or "< 5%".
3. **Complementary suppression.** Published cells are tied by linear relations: a network
   figure is the sum of its sites' (for each group and characteristic value), an all-groups
   figure the sum of its groups'. A withheld cell that these relations determine is
   protected by withholding the smallest published cell that puts it on a cycle of withheld
   cells; repeated until none is determined.
4. **Audit.** Proves it for everything the run publishes (site and network reports draw on
   the same protected table). Each relation is a vertex and each cell an edge between the
   two relations it takes part in (along sites, along groups; a relation whose whole is not
   published, and a breakdown's all-respondents relation, which holds the unpublished count
   of those who did not state the characteristic, constrain nothing and join a free vertex).
   Shown cells are constants; the withheld cells' possible values differ by exactly the
   flows on the graph of withheld edges, so a withheld cell is determined exactly when its
   edge is a bridge of that graph. The same holds for every answer and the base at once,
   because a cell is withheld whole. Bridges are found in linear time, so the audit costs
   the same per cell however many sites a network has.

Counts are the unweighted ones: a shown percentage with its base gives the count. Tallies
already public (the TFS brief) are flagged, never suppressed.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.codebook import Codebook

CELL = ["wave", "site", "group", "breakdown", "value", "item"]
SMALL_GROUP = 30  # top/bottom coding applies below this many respondents
TOP, BOTTOM = 95.0, 5.0
FREE = 0  # the vertex of every relation that constrains nothing


@dataclass
class Audit:
    """What disclosure control did, and whether anything withheld can be worked out."""

    min_base: int
    cells: int = 0
    primary: int = 0
    coded: int = 0
    complementary: int = 0
    recoverable: list = field(default_factory=list)  # cell keys the published figures determine

    @property
    def withheld(self) -> int:
        return self.primary + self.coded + self.complementary

    @property
    def safe(self) -> bool:
        return not self.recoverable


def _bridges(edges: list[tuple[int, int]], active) -> tuple[dict[int, int], dict, dict, dict]:
    """Returns the active edges that are bridges (on no cycle) of the multigraph they form, each
    with the vertex below it in the depth-first search, and that search's numbering: each
    vertex's order, the last order in its subtree and its tree's root (Tarjan's algorithm)."""
    adjacency = defaultdict(list)
    for e in active:
        u, v = edges[e]
        if u == v:
            continue  # a loop is its own cycle
        adjacency[u].append((v, e))
        adjacency[v].append((u, e))
    order, low, last, roots, found, counter = {}, {}, {}, {}, {}, 0
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = counter
        roots[root] = root
        counter += 1
        stack = [(root, -1, iter(adjacency[root]))]
        while stack:
            vertex, via, neighbours = stack[-1]
            for other, e in neighbours:
                if e == via:
                    continue
                if other in order:
                    low[vertex] = min(low[vertex], order[other])
                else:
                    order[other] = low[other] = counter
                    roots[other] = root
                    counter += 1
                    stack.append((other, e, iter(adjacency[other])))
                    break
            else:
                stack.pop()
                last[vertex] = counter - 1
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[vertex])
                    if low[vertex] > order[parent]:
                        found[via] = vertex
    return found, order, last, roots


def _crosses(search: list, child: int, a: int, b: int) -> bool:
    """Returns whether an edge from a to b would put the bridge above `child` on a cycle: both
    ends in the bridge's tree, one below the bridge and one not."""
    order, last, roots = search
    if a not in order or b not in order or not roots[a] == roots[b] == roots[child]:
        return False
    return (order[child] <= order[a] <= last[child]) != (order[child] <= order[b] <= last[child])


class Block:
    """The cells of one wave and item as a graph: relations are vertices, cells are edges."""

    def __init__(self, keys: list[tuple], sizes: np.ndarray):
        self.keys, self.sizes = keys, sizes
        present = set(keys)
        with_parts = {("sites", g, b, v) for _, s, g, b, v, _ in keys if s}
        with_parts |= {("groups", s, b, v) for _, s, g, b, v, _ in keys if g}
        vertices: dict = {}

        def vertex(name: tuple, whole: tuple) -> int:
            if whole not in present or name not in with_parts:
                return FREE
            return vertices.setdefault(name, len(vertices) + 1)

        self.edges = []
        for wave, site, group, breakdown, value, item in keys:
            along_sites = vertex(("sites", group, breakdown, value),
                                 (wave, "", group, breakdown, value, item))
            along_groups = vertex(("groups", site, breakdown, value),
                                  (wave, site, "", breakdown, value, item))
            self.edges.append((along_sites, along_groups))
        self.touching = defaultdict(list)
        for e, (u, v) in enumerate(self.edges):
            self.touching[u].append(e)
            self.touching[v].append(e)
        self.ends = np.array(self.edges, dtype=np.int64).reshape(-1, 2)
        self.beside = {x: np.array(edges, dtype=np.int64) for x, edges in self.touching.items()}

    def determined(self, hidden: set[int]) -> set[int]:
        return set(_bridges(self.edges, sorted(hidden))[0])

    def complement(self, hidden: set[int]) -> set[int]:
        """Withholds, pass by pass, a shown cell for each determined one (smallest first) until
        none is determined or none can be protected; returns the cells it withheld.

        Within a pass, a cell crosses a bridge when its two ends lie on the two sides of it
        in the depth-first search; bridges a cell chosen earlier in the pass already crosses
        are left alone. Candidates are the shown cells near the bridge; only where none of
        them crosses it are all shown cells searched. The crossing test runs on arrays, a
        vertex's thousand cells at once (a relation over a thousand sites has that many)."""
        added: set[int] = set()
        while True:
            bridges, *search = _bridges(self.edges, sorted(hidden))
            numbering = self._numbering(search)
            withheld = np.zeros(len(self.edges), dtype=bool)
            withheld[list(hidden)] = True
            fresh, progress = [], False
            for bridge in sorted(bridges, key=lambda e: (self.sizes[e], self.keys[e])):
                child = bridges[bridge]
                if any(_crosses(search, child, a, b) for a, b in fresh):
                    continue
                u, v = self.edges[bridge]
                near = {u, v} | {x for end in (u, v) for e in self.touching[end] if e in hidden
                                 for x in self.edges[e]}
                pool = np.unique(np.concatenate([self.beside[x] for x in near]))
                pool = pool[~withheld[pool]]
                candidates = pool[self._crossing(numbering, child, pool)]
                if not len(candidates):  # any shown cell across it; else one beside it, to grow from
                    shown = np.flatnonzero(~withheld)
                    candidates = shown[self._crossing(numbering, child, shown)]
                    if not len(candidates):
                        candidates = np.array([e for end in (u, v) for e in self.touching[end]
                                               if e not in hidden], dtype=np.int64)
                    if not len(candidates):
                        roots = numbering[2][self.ends[shown]]
                        candidates = shown[(roots == numbering[2][child]).any(axis=1)]
                if not len(candidates):
                    continue
                chosen = min(candidates.tolist(), key=lambda e: (self.sizes[e], self.keys[e]))
                hidden.add(chosen)
                withheld[chosen] = True
                added.add(chosen)
                fresh.append(self.edges[chosen])
                progress = True
            if not progress:
                return added

    def _numbering(self, search: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Returns the depth-first numbering as arrays by vertex: order and last (-1 where the
        vertex is in no tree) and root (-1 likewise)."""
        order, last, roots = search
        size = int(self.ends.max()) + 1 if len(self.ends) else 1
        arrays = tuple(np.full(size, -1, dtype=np.int64) for _ in range(3))
        for target, values in zip(arrays, (order, last, roots), strict=True):
            if values:
                target[list(values)] = list(values.values())
        return arrays

    def _crossing(self, numbering: tuple, child: int, cells: np.ndarray) -> np.ndarray:
        """Returns, for each cell, :func:`_crosses` for the bridge above `child`, at once."""
        order, last, roots = numbering
        a, b = self.ends[cells, 0], self.ends[cells, 1]
        tree = roots[child]
        same = (order[a] >= 0) & (order[b] >= 0) & (roots[a] == tree) & (roots[b] == tree)
        below_a = (order[child] <= order[a]) & (order[a] <= last[child])
        below_b = (order[child] <= order[b]) & (order[b] <= last[child])
        return same & (below_a != below_b)


def _coded(figures: pd.DataFrame, codebook: Codebook) -> dict[tuple, str]:
    """Returns, for each cell of a small group where (nearly) everyone or no one gave a compared
    answer, what may be shown of that answer: its answer id and "> 95%" or "< 5%"."""
    compared = set()
    for item in codebook.items:
        if item.kind == "choose-any":
            compared |= {(item.id, o.id) for o in item.options}
        else:
            compared.add((item.id, "positive"))
    chosen = [(i, a) in compared for i, a in zip(figures["item"], figures["answer"], strict=True)]
    rows = figures[np.array(chosen, dtype=bool)]  # a mask even when empty: figures[[]] selects no columns
    rows = rows[(rows["n"].astype(float) < SMALL_GROUP)
                & ((rows["percent"] > TOP) | (rows["percent"] < BOTTOM))]
    coded = {}
    for key, answer, percent in zip(map(tuple, rows[CELL].to_numpy().tolist()), rows["answer"],
                                    rows["percent"], strict=True):
        coded.setdefault(key, {})[answer] = f"> {TOP:.0f}%" if percent > TOP else f"< {BOTTOM:.0f}%"
    return coded


def protect(figures: pd.DataFrame, codebook: Codebook, min_base: int, coding: bool = True,
            complementary: bool = True) -> tuple[pd.DataFrame, Audit]:
    """Returns the figures with every withheld cell's numbers missing, column "suppressed"
    ("primary", "coded", "complementary" or "") and column "shown" (what a report shows in
    place of a withheld figure: "—", or "> 95%" / "< 5%" for a coded share), and the audit."""
    figures = figures.copy()
    figures["suppressed"], figures["shown"] = "", ""
    audit = Audit(min_base=min_base)
    counted = (figures["exact"].astype(bool) & (figures["file"] != "figures.csv")).to_numpy()
    if not counted.any():
        return figures, audit
    rows = figures[counted]
    cells = rows.groupby(CELL, sort=False)["n"].min().astype(float)  # the smallest base in the cell
    coded = _coded(rows[rows["n"].astype(float) >= min_base], codebook) if coding else {}
    kinds: dict[tuple, str] = {}
    for (_, _), block_cells in cells.groupby(level=["wave", "item"], sort=False):
        keys = list(block_cells.index)
        sizes = block_cells.fillna(0).to_numpy()
        block = Block(keys, sizes)
        hidden = {e for e, key in enumerate(keys) if sizes[e] < min_base}
        hidden |= {e for e, key in enumerate(keys) if key in coded}
        audit.cells += len(keys)
        added = block.complement(hidden) if complementary else set()
        found = block.determined(hidden)
        audit.recoverable += sorted(keys[e] for e in found)
        for e in hidden:
            kinds[keys[e]] = ("complementary" if e in added else "primary" if sizes[e] < min_base
                              else "coded")
    audit.primary = sum(kind == "primary" for kind in kinds.values())
    audit.coded = sum(kind == "coded" for kind in kinds.values())
    audit.complementary = sum(kind == "complementary" for kind in kinds.values())
    keys = pd.Series(list(map(tuple, figures[CELL].to_numpy().tolist())), index=figures.index)
    marks = keys.map(kinds).fillna("").where(counted, "")
    figures["suppressed"] = marks
    hide = marks != ""
    figures.loc[hide, "shown"] = "—"
    for position in figures.index[hide & keys.isin(list(coded)).to_numpy()]:
        if marks[position] == "coded":
            figures.at[position, "shown"] = coded[keys[position]].get(figures.at[position, "answer"], "—")
    figures.loc[hide, "percent"] = np.nan
    for column in ("count", "n", "n_eff", "weight", "weight2", "chosen"):
        figures.loc[hide, column] = pd.NA
    return figures, audit
