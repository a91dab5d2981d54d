"""Disclosure control for counted figures: primary and complementary suppression, with a proof.

Respondent-level data can identify people once broken down by site, group and
characteristic (../methods.md, "Disclosure control"). Before anything is published:

1. **Primary suppression.** Every cell (one wave, item, site, group and characteristic
   value: its base and all its answers together) whose base is under the minimum is
   suppressed: its numbers become missing and the reports show "—" with a footnote.
2. **Complementary suppression.** The published figures are tied by linear relations: a
   network figure is the sum of its sites, an all-groups figure the sum of its groups, an
   all-respondents figure the sum of the characteristic's values and the respondents who
   did not state it, a base the sum of its answers. While a suppressed count can be worked
   out from those relations, the smallest published cell that shares a relation with it is
   suppressed too, and the check runs again.
3. **Audit.** For each wave and item, the relations are written as a matrix; the suppressed
   (and never-published) counts are the unknowns. A count is recoverable exactly when the
   null space of the unknowns' columns is zero at it (scipy's null_space). The audit lists
   every recoverable count; none must remain.

Counts are the unweighted ones: a published percentage with its base gives the count, so
the audit treats a shown percentage as a shown count. Published tallies that are already
public (the TFS brief) are not suppressed, only flagged.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.codebook import DERIVED_ANSWERS, Codebook

CELL = ["wave", "site", "group", "breakdown", "value", "item"]
TOLERANCE = 1e-9


@dataclass
class Audit:
    """What disclosure control did, and whether anything suppressed can be worked out."""

    min_base: int
    primary: int = 0
    complementary: int = 0
    cells: int = 0
    relations: int = 0
    recoverable: list = field(default_factory=list)  # (cell key, what) of every recoverable count

    @property
    def safe(self) -> bool:
        return not self.recoverable


def _variables(block: pd.DataFrame, codebook: Codebook) -> tuple[list, list]:
    """Returns the block's cells (keys) and, per cell, its variables: the base "n" and one
    count per answer (levels or options; sums such as "positive" are implied by them)."""
    item = codebook.item(block["item"].iloc[0])
    answers = ([o.id for o in item.options] if item.kind == "choose-any"
               else [level.id for level in codebook.scale_of(item).levels])
    keys = list(dict.fromkeys(map(tuple, block[CELL].to_numpy().tolist())))
    return keys, ["n", *answers]


def _relations(keys: list, names: list, item, codebook: Codebook) -> tuple[np.ndarray, list]:
    """Returns the relations among a block's variables as rows of a matrix (each row sums to 0),
    and the variables' labels; hidden variables (respondents who did not state a
    characteristic) are added as columns of their own."""
    index, labels = {}, []

    def column(key, name) -> int:
        if (key, name) not in index:
            index[(key, name)] = len(labels)
            labels.append((key, name))
        return index[(key, name)]

    for key in keys:
        for name in names:
            column(key, name)
    rows = []
    present = set(keys)
    scale = codebook.scale_of(item)
    substantive = [lv.id for lv in scale.levels if lv.side != "apart"] if scale else []
    for key in keys:  # a scale's base is the sum of its substantive answers
        if scale:
            rows.append({column(key, "n"): 1.0, **{column(key, a): -1.0 for a in substantive}})
    by_rest: dict = {}
    for key in keys:
        wave, site, group, breakdown, value, _ = key
        if site:  # the network is the sum of its sites
            by_rest.setdefault(("site", wave, group, breakdown, value), []).append(key)
        if group and not breakdown:  # all groups are the sum of the groups
            by_rest.setdefault(("group", wave, site, breakdown, value), []).append(key)
        if breakdown:  # all respondents: the values and those who did not say
            by_rest.setdefault(("breakdown", wave, site, group, breakdown), []).append(key)
    for (kind, wave, a, b, c), parts in by_rest.items():
        if kind == "site":
            whole = (wave, "", a, b, c, item.id)
        elif kind == "group":
            whole = (wave, a, "", b, c, item.id)
        else:
            whole = (wave, a, b, "", "", item.id)
        if whole not in present:
            continue
        for name in names:
            row = {column(whole, name): 1.0}
            for part in parts:
                row[column(part, name)] = -1.0
            if kind == "breakdown":
                row[column(("unstated", wave, a, b, c, item.id), name)] = -1.0
            rows.append(row)
    matrix = np.zeros((len(rows), len(labels)))
    for number, row in enumerate(rows):
        for position, value in row.items():
            matrix[number, position] = value
    return matrix, labels


def _recoverable(matrix: np.ndarray, labels: list, hidden: set) -> list:
    """Returns the hidden variables whose value the relations determine from the shown ones."""
    from scipy.linalg import null_space

    unknown = [i for i, (key, _) in enumerate(labels) if key in hidden or key[0] == "unstated"]
    if not unknown or not len(matrix):
        return []
    columns = matrix[:, unknown]
    used = np.abs(columns).sum(axis=0) > 0
    basis = null_space(columns) if columns.size else np.zeros((len(unknown), 0))
    found = []
    for position, variable in enumerate(unknown):
        key, name = labels[variable]
        if key[0] == "unstated" or not used[position]:
            continue
        if basis.shape[1] == 0 or np.abs(basis[position]).max() < 1e-8:
            found.append((key, name))
    return found


def _partners(matrix: np.ndarray, labels: list, variable: tuple, hidden: set) -> list:
    """Returns the shown cells tied to a recoverable variable, nearest first: those sharing a
    relation with it, then those sharing one with the hidden cells it is tied to, and so on."""
    keys = [key for key, _ in labels]
    seen, frontier, found = {variable[0]}, {variable[0]}, []
    while frontier:
        columns = [i for i, key in enumerate(keys) if key in frontier]
        rows = matrix[np.abs(matrix[:, columns]).sum(axis=1) > 0]
        touched = {keys[i] for i in np.nonzero(np.abs(rows).sum(axis=0) > 0)[0]} - seen
        seen |= touched
        found += sorted(k for k in touched if k[0] != "unstated" and k not in hidden)
        frontier = {k for k in touched if k in hidden or k[0] == "unstated"}
    return found


def protect(figures: pd.DataFrame, codebook: Codebook, min_base: int,
            complementary: bool = True) -> tuple[pd.DataFrame, Audit]:
    """Returns the figures with every suppressed cell's numbers missing (column "suppressed":
    "primary", "complementary" or ""), and the audit of what remains published."""
    figures = figures.copy()
    figures["suppressed"] = ""
    audit = Audit(min_base=min_base)
    counted = figures["exact"].astype(bool) & (figures["file"] != "figures.csv")
    if not counted.any():
        return figures, audit
    bases = figures[counted & ~figures["answer"].isin(DERIVED_ANSWERS)]
    for _, block in bases.groupby(["wave", "item"], sort=False):
        item = codebook.item(block["item"].iloc[0])
        keys, names = _variables(block, codebook)
        size = block.groupby(CELL, sort=False)["n"].min()
        hidden = {k for k in keys if pd.isna(size.get(k)) or size.get(k) < min_base}
        audit.primary += len(hidden)
        matrix, labels = _relations(keys, names, item, codebook)
        audit.cells += len(keys)
        audit.relations += len(matrix)
        found = _recoverable(matrix, labels, hidden)
        while complementary and found:
            # One cell at a time: for the smallest recoverable cell, hide the smallest nearby
            # shown cell that protects it (the smallest nearby one if none does alone); check again.
            smallest = min(found, key=lambda v: (float(size.get(v[0], np.inf)), v[0]))
            partners = _partners(matrix, labels, smallest, hidden)
            if not partners:
                break
            ranked = sorted(partners[:40], key=lambda k: (float(size.get(k, np.inf)), k))
            chosen = next((k for k in ranked[:8]
                           if smallest not in _recoverable(matrix, labels, hidden | {k})), ranked[0])
            hidden.add(chosen)
            audit.complementary += 1
            found = _recoverable(matrix, labels, hidden)
        audit.recoverable += found
        kinds = {k: "primary" if pd.isna(size.get(k)) or size.get(k) < min_base else "complementary"
                 for k in hidden}
        marks = pd.Series([kinds.get(k, "") for k in map(tuple, figures[CELL].to_numpy().tolist())],
                          index=figures.index)
        figures.loc[counted & (marks != ""), "suppressed"] = marks[counted & (marks != "")]
    hide = figures["suppressed"] != ""
    figures.loc[hide, "percent"] = np.nan
    for column in ("count", "n", "n_eff", "weight", "weight2", "chosen"):
        figures.loc[hide, column] = pd.NA
    return figures, audit
