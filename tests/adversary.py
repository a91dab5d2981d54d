"""An adversary for the disclosure tests: from the figures a run publishes, it writes every
linear relation it knows between the counts (bases are the sums of their answers; networks
the sums of their sites; all groups the sums of the groups; all respondents the sums of a
characteristic's values and an unknown count of those who did not state it; a derived
characteristic's values the sums of the values they combine) and solves them,
independently of helpers.disclosure: dense linear algebra over all answers at once, and,
where asked, linear programmes that also use that no count is negative."""

import numpy as np
import pandas as pd
from scipy.linalg import null_space
from scipy.optimize import linprog

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


def recover(published: pd.DataFrame, codebook, bounds: bool = False) -> list:
    """Returns the (cell, answer) counts the published figures determine though withheld: by the
    null space of the relations (and, with bounds, by linear programmes with counts >= 0)."""
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
        basis = null_space(a)
        for position, variable in enumerate(unknown):
            key, name = labels[variable]
            if key[0] == "unstated":
                continue
            if basis.shape[1] == 0 or np.abs(basis[position]).max() < 1e-8:
                found.append((key, name))
            elif bounds:
                cost = np.zeros(len(unknown))
                cost[position] = 1
                low = linprog(cost, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
                high = linprog(-cost, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
                if low.status == 0 and high.status == 0 and abs(low.fun + high.fun) < 1e-6:
                    found.append((key, name))
    return found
