"""An adversary for the disclosure tests: from the figures a run publishes, it writes every
linear relation it knows between the counts (bases are the sums of their answers; networks
the sums of their sites; all groups the sums of the groups; all respondents the sums of a
characteristic's values and an unknown count of those who did not state it; a derived
characteristic's values the sums of the values they combine) and solves them,
independently of helpers.disclosure: dense linear algebra over all answers, and,
where asked, linear programmes that also use that no count is negative; each independent part of
the relations (unknowns joined by one) alone, which gives the same answers at a fraction of the
cost."""

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.linalg import null_space
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

CELL = ["wave", "site", "group", "breakdown", "value", "item"]


def _system(block: pd.DataFrame, codebook):
    item = codebook.item(block["item"].iloc[0])
    scale = codebook.scale_of(item)
    answers = ([o.id for o in item.options] if item.kind == "choose-any"
               else [level.id for level in scale.levels])
    substantive = [lv.id for lv in scale.levels if lv.side != "apart"] if scale else []
    cells = block.drop_duplicates(CELL)
    keys = list(map(tuple, cells[CELL].to_numpy().tolist()))
    present = set(keys)
    values = {}
    for key, answer, count, n in zip(map(tuple, block[CELL].to_numpy().tolist()), block["answer"],
                                     block["count"], block["n"], strict=True):
        values[(key, answer)] = count
        values[(key, "n")] = n
    names = ["n", *answers]
    columns = {(key, name): i for i, (key, name) in enumerate((k, m) for k in keys for m in names)}

    def column(label):
        return columns.setdefault(label, len(columns))

    derivations: dict = {}
    for characteristic in codebook.characteristics:
        if characteristic.derived_from:
            derivations.setdefault(characteristic.derived_from, []).append(characteristic)
    rows = []
    if scale:
        for key in keys:
            rows.append({column((key, "n")): 1, **{column((key, a)): -1 for a in substantive}})
    groups: dict = {}
    for key in keys:
        wave, site, group, breakdown, value, item_id = key
        if site:
            groups.setdefault(((wave, "", group, breakdown, value, item_id), None), []).append(key)
        if group:
            groups.setdefault(((wave, site, "", breakdown, value, item_id), None), []).append(key)
        if breakdown:
            whole = (wave, site, group, "", "", item_id)
            groups.setdefault((whole, ("unstated", site, group, breakdown)), []).append(key)
        for derived in derivations.get(breakdown, ()):  # a combined group is the sum of its parts
            if value in derived.recoding():
                whole = (wave, site, group, derived.id, derived.recoding()[value], item_id)
                groups.setdefault((whole, ("combines",)), []).append(key)  # not the sites' relation
    for (whole, unstated), parts in groups.items():
        if whole not in present:
            continue
        for name in names:
            row = {column((whole, name)): 1, **{column((p, name)): -1 for p in parts}}
            if unstated and unstated[0] == "unstated":
                row[column((unstated, name))] = -1
            rows.append(row)
    matrix = np.zeros((len(rows), len(columns)))
    for r, row in enumerate(rows):
        for c, v in row.items():
            matrix[r, c] = v
    labels = list(columns)
    known = np.array([not (isinstance(k, tuple) and k[0] == "unstated")
                      and pd.notna(values.get((k, m), np.nan)) for k, m in labels])
    shown = np.array([float(values[(k, m)]) if kn else 0.0 for (k, m), kn in zip(labels, known, strict=True)])
    return matrix, labels, known, shown


def _parts(a: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Returns the independent parts of a system (its rows and unknowns joined by a relation):
    the null space and the bounds of an unknown are those of its part alone."""
    m = a.shape[0]
    links = sparse.csr_matrix(a != 0)
    count, labels = connected_components(sparse.bmat([[None, links], [links.T, None]]), directed=False)
    rows, cols = labels[:m], labels[m:]
    return [(np.flatnonzero(rows == k), np.flatnonzero(cols == k)) for k in range(count)]


def _pinned(a: np.ndarray, b: np.ndarray, bounds: bool) -> list[int]:
    """Returns the unknowns of one part that its relations determine: by its null space (and,
    with bounds, by linear programmes with counts >= 0: each unknown's most, and its least unless
    two feasible solutions found, checked here, already differ in it)."""
    if not a.size:  # no relation, or no unknown: nothing determined
        return []
    basis = null_space(a)
    fixed = [i for i in range(a.shape[1]) if basis.shape[1] == 0 or np.abs(basis[i]).max() < 1e-8]
    if not bounds:
        return fixed
    seen = np.full((2, a.shape[1]), np.nan)  # the least and most of each unknown over the solutions

    def solve(cost):
        r = linprog(cost, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        if r.status == 0 and r.x.min() >= -1e-7 and np.abs(a @ r.x - b).max() <= 1e-6:
            seen[0], seen[1] = np.fmin(seen[0], r.x), np.fmax(seen[1], r.x)
        return r

    def moved():
        return seen[1] - seen[0] > 1e-6  # two feasible solutions differ in it: not determined

    fixed = set(fixed)
    solve(np.ones(a.shape[1]))  # a feasible solution to start from
    for i in range(a.shape[1]):
        if i in fixed or moved()[i]:
            continue
        cost = np.zeros(a.shape[1])
        cost[i] = 1
        high = solve(-cost)  # its most, then (unless that solution and another differ in it) its least
        if high.status != 0 or moved()[i]:
            continue
        low = solve(cost)
        if low.status == 0 and abs(low.fun + high.fun) < 1e-6:
            fixed.add(i)
    return sorted(fixed)


def recover(published: pd.DataFrame, codebook, bounds: bool = False) -> list:
    """Returns the (cell, answer) counts the published figures determine though withheld: by the
    null space of the relations (and, with bounds, by linear programmes with counts >= 0), part
    by independent part."""
    counted = published[published["exact"].astype(bool) & (published["file"] != "figures.csv")
                        & ~published["answer"].isin(["positive", "negative"])]
    found = []
    for _, block in counted.groupby(["wave", "item"], sort=False):
        matrix, labels, known, shown = _system(block, codebook)
        unknown = np.flatnonzero(~known)
        if not len(unknown) or not len(matrix):
            continue
        a = matrix[:, unknown]
        b = -matrix[:, known] @ shown[known]
        for rows, cols in _parts(a):
            for position in _pinned(a[np.ix_(rows, cols)], b[rows], bounds):
                key, name = labels[unknown[cols[position]]]
                if key[0] != "unstated":
                    found.append((key, name))
    return found
