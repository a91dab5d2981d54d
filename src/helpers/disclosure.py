"""Disclosure control for counted figures: primary suppression, top/bottom coding,
complementary suppression; the audit that proves nothing withheld can be worked out is
helpers.audit (the attacker's problem, its witnesses), which this module calls.

Respondent-level data can identify people once broken down by site, group and
characteristic (../methods.md, "Disclosure control"). Before anything is published, per
*cell* (one wave, item, site, group and characteristic value: its base and every answer):

1. **Primary suppression.** A cell whose base is under the minimum is withheld: its numbers
   become missing and the reports show "—" with a footnote ("fewer than 10 respondents").
2. **Top/bottom coding.** In a small group (fewer than :data:`SMALL_GROUP`), a share near
   100% or 0% would tell a reader how (nearly) everyone answered. One bound for the dataset
   (:func:`coded_bound`: 15% under a minimum base of 10) is chosen so that at least two whole
   counts (the protection interval's worth, if more) lie beyond it at the smallest base it
   applies to; wherever a small group's share passes it (above 85% or below 15%), the cell is
   withheld and the share shown only as "> 85%" or "< 15%". The mark is printed wherever the
   share passes the bound, and only there, so it means exactly what it says: an outsider learns
   that the count lies in the interval it states (and, where a small group shows no mark, that
   its shares lie within the bounds), which the audit models exactly. One bound for every base
   says nothing of the base. (A mark printed only for shares above 95%, or a bound chosen from
   each base, told more: "> 80%" on a group of 6 meant all 6.)
3. **The audit** (helpers.audit) solves the attacker's problem per wave and item and finds
   each withheld figure an outsider could pin, narrow below the protection interval, or show
   none or all of its group; and each small residual.
4. **Complementary suppression** repairs what the audit finds: for an unsafe or undecided
   cell, the shown cells of the cheapest rectangle (smallest bases) whose move certifies it;
   for a small residual, the smallest shown part of its relation; for a site's withheld
   total, another site's total and the cells a respondent moved between them needs. A round
   that protects none of its findings is undone; then, as the last resort, the network's own
   figures are used too (the smallest, last). Where a shown derived value and its other parts
   give a withheld part back, the smaller of that value and its smallest other part is
   withheld. What is still left undecided is withheld around, conservatively: every figure
   of its site in that wave and item, then the network's too, then every figure of the wave
   and item, the audit run again after each, so that a run ends safe (withholding more is
   always allowed). A cell once certified stays so: withholding more only widens what an
   outsider must allow.

Everything is per wave and item and, inside, per site and its table rows, so the cost grows
with the number of sites, not its square. Counts are the unweighted ones: a shown percentage
with its base gives the count. Tallies already public (the TFS brief) are flagged, never
suppressed.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.audit import CELL, NONE, SMALL_GROUP, Finding, Problem
from helpers.codebook import Codebook

ROUNDS = 30  # passes of complementary suppression before giving up
__all__ = ["SMALL_GROUP", "Audit", "Finding", "coded_bound", "protect"]


@dataclass
class Audit:
    """What disclosure control did, and whether anything withheld can be worked out."""

    min_base: int
    protection: int = 1
    cells: int = 0
    primary: int = 0
    coded: int = 0
    complementary: int = 0
    figures: int = 0  # withheld cells (and small remainders) audited
    witnessed: int = 0  # of which certified by witnesses
    programmed: int = 0  # of which certified by the last resort's programme
    undecided: int = 0  # cells repaired because nothing proved them either way
    findings: list = field(default_factory=list)

    @property
    def withheld(self) -> int:
        return self.primary + self.coded + self.complementary

    @property
    def recoverable(self) -> list:
        """The cells of which a figure can be narrowed too far, each once."""
        return list(dict.fromkeys(finding.key for finding in self.findings))

    @property
    def safe(self) -> bool:
        return not self.findings


def coded_bound(min_base: int, protection: int) -> int | None:
    """Returns the bound, in percent, that a small group's share is coded beyond (below it, or
    above 100 minus it): the smallest multiple of 5 that leaves at least two whole counts (the
    protection interval's worth, if more) on each side it codes, at the smallest base coding
    applies to and so at every larger one. None where no bound under 50% leaves that many: then
    every small group's figures are withheld, without a mark."""
    counts = max(2, protection + 1)
    bound = 5 * (math.floor(100 * (counts - 1) / min_base / 5) + 1)
    return bound if bound < 50 else None


class Block(Problem):
    """The attacker's problem of one wave and item, and complementary suppression of what its
    audit finds."""

    def protect(self, complementary: bool) -> list[Finding]:
        """Returns what the audit finds after complementary suppression (if on) repaired what
        it could, round after round (what is left, explained)."""
        findings = self.audit(explain=not complementary)
        for last_resort in (False, True) if complementary else ():
            self.last_resort = last_resort  # the network's figures too, for what nothing else protects
            for _ in range(ROUNDS):
                saved = self.status.copy(), self.slack.copy(), set(self.certified)
                if not findings or not self.repair(findings):
                    break
                before, findings = findings, self.audit(explain=False)
                if not last_resort and {f.key for f in before} <= {f.key for f in findings}:
                    # a round that protected none of them: undone, and on to the last resort
                    (self.status, self.slack, self.certified), findings = saved, before
                    break
        if findings and complementary:
            findings = self._around(findings)
        if findings and complementary:
            findings = self.audit(explain=True)
        return findings

    def _around(self, findings: list[Finding]) -> list[Finding]:
        """Returns what the audit finds after withholding, around what the rounds left, every
        figure of its sites in this wave and item, then the network's too, then every figure, a
        coded mark among them (withholding more is always allowed: it only widens what an
        outsider must allow; a mark, which states an interval, becomes "—")."""
        for scope in ("sites", "network", "all"):
            rows = {int(self.row_of[self.index[f.key]]) for f in findings}
            rows = rows | {0} if scope == "network" else rows
            cells = [c for c in range(self.count) if self.status[c] in ("shown", "coded")
                     and (scope == "all" or self.row_of[c] in rows)]  # a coded mark too: "—" instead
            self.set_status(cells, "complementary")
            findings = self.audit(explain=False)
            if not findings:
                break
        return findings

    def repair(self, findings: list[Finding]) -> bool:
        """Withholds, for each finding, the cheapest shown cells that protect it; returns
        whether any was withheld."""
        changed, done = False, set()
        for finding in findings:
            cell = self.index[finding.key]
            if finding.why == "remainder":
                changed |= self._widen(cell)
                continue
            if cell in done:
                continue
            done.add(cell)
            if self._combined(cell):
                changed = True
                continue
            if self.place.get(cell, (NONE,))[0] in self.derived_tables:
                changed |= self._parts(cell)  # its moves are its parts'
                continue
            whole_site = (self.margin[self.row_of[cell]] != NONE
                          and self.status[self.margin[self.row_of[cell]]] == "primary")
            if cell in self.margins or not self._complete(cell, trial_only=whole_site):
                changed |= self._partner_site(cell)  # respondents moved from another site
            else:
                changed = True
        return changed

    def _combined(self, cell: int) -> bool:
        """Where a shown derived value combines the cell and its other parts are shown (their
        sum gives the cell back), withholds the cheaper of that value and its smallest other
        part; returns whether any was withheld."""
        fresh = []
        for relation in (self.relations[number] for number in self.of_cell.get(cell, [])):
            whole, parts = relation[0][0], [c for c, _ in relation[1:]]
            if (whole == cell or self.place.get(whole, (NONE,))[0] not in self.derived_tables
                    or self.status[whole] != "shown"
                    or any(self.status[c] != "shown" for c in parts if c != cell)):
                continue
            choices = [whole, *(c for c in parts if c != cell)]
            fresh.append(min(choices, key=lambda c: (self.base[c], self.keys[c])))
        self.set_status(fresh, "complementary")
        return bool(fresh)

    def _parts(self, cell: int) -> bool:
        """Repairs a derived cell through the source cells it combines: those withheld, else
        the smallest shown one is withheld."""
        relation = next((self.relations[n] for n in self.of_cell.get(cell, [])
                         if self.relations[n][0][0] == cell), [(cell, 1)])
        parts = [c for c, _ in relation[1:]]
        if not parts:
            return False
        hidden = [c for c in parts if self.status[c] != "shown"]
        if not hidden:
            self.set_status([min(parts, key=lambda c: (self.base[c], self.keys[c]))], "complementary")
            return True
        return any([self._complete(c) for c in hidden])

    def _cost(self, cells: np.ndarray) -> np.ndarray:
        """Returns what withholding each cell costs: its base if shown, 0 if already withheld,
        infinite if absent."""
        padded = np.where(cells == NONE, 0, cells)
        cost = np.where(self.variable()[padded], 0.0, self.base[padded].astype(float))
        return np.where(cells == NONE, np.inf, cost)

    def _complete(self, cell: int, trial_only: bool = False) -> bool:
        """Withholds the shown cells of the cheapest rectangle through the cell whose move
        certifies it (else, unless only trying, the cheapest rectangle)."""
        t, r1, k1 = self.place[cell]
        grid = self.tables[t][0]
        cost = self._cost(grid)
        if r1 != 0 and not self.last_resort:  # the network's figures are not withheld for a site's
            cost[0] = np.where(self.variable()[np.where(grid[0] == NONE, 0, grid[0])] & (grid[0] != NONE),
                               0.0, np.inf)
        elif r1 != 0:  # unless nothing else protected it: then the smallest, last
            cost[0] = np.where(np.isfinite(cost[0]) & (cost[0] > 0), cost[0] + 10**6, cost[0])
        total = cost[r1][None, :] + cost[:, k1][:, None] + cost
        total[r1, :] = np.inf
        total[:, k1] = np.inf
        order = np.argsort(total, axis=None, kind="stable")
        fallback = None
        for flat in [*order[:40], *[f for f in order[40:] if f // grid.shape[1] == 0][:grid.shape[1]]]:
            r2, k2 = divmod(int(flat), grid.shape[1])
            if not np.isfinite(total[r2, k2]):
                break
            corners = [int(grid[r1, k2]), int(grid[r2, k1]), int(grid[r2, k2])]
            fresh = [c for c in corners if self.status[c] == "shown"]
            if not fresh:
                continue
            fallback = fallback or fresh
            if self._would_settle(cell, r1, r2, corners, fresh):
                self.set_status(fresh, "complementary")
                return True
        if fallback and not trial_only:
            self.set_status(fallback, "complementary")
            return True
        return False

    def _would_settle(self, cell: int, r1: int, r2: int, corners: list[int], fresh: list[int]) -> bool:
        """Returns whether withholding the fresh corners lets the rectangle's move certify the cell."""
        saved = {c: (self.status[c], self.slack[c].copy()) for c in fresh}
        self.set_status(fresh, "complementary")
        turn = -1 if (r1 == 0) != (r2 == 0) else 1  # a network row enters with its sign turned
        signs = [(cell, 1), (corners[0], -1), (corners[1], -turn), (corners[2], turn)]
        up = np.min([self.slack[c, :, 0 if s > 0 else 1] for c, s in signs], axis=0)
        down = np.min([self.slack[c, :, 1 if s > 0 else 0] for c, s in signs], axis=0)
        for c, (status, slack) in saved.items():
            self.status[c], self.slack[c] = status, slack
        reach = self.reach(np.array([cell]), np.maximum(self.up[cell], up)[None, :],
                           np.maximum(self.down[cell], down)[None, :])
        return not any(self.unsafe(f, int(lo[0]), int(hi[0]), int(rest[0]))
                       for f, (lo, hi, rest) in reach.items())

    def _partner_site(self, cell: int) -> bool:
        """Withholds another site's total and, in each table, a cell respondents moved between
        the two sites pass through: of the cheapest choices (the cheapest cells, or those with
        the most people), the first whose moves certify the cell, else the one that takes it
        furthest."""
        r1 = self.row_of[cell]
        variable = self.variable()
        own = {self.place[cell][0]: self.place[cell][2]} if cell in self.place else {}  # its own column
        picks = []  # per table: each row's cheapest and fullest column (NONE: none fits)
        for t, (grid, _) in enumerate(self.tables):
            padded = np.where(grid == NONE, 0, grid)
            fits = (grid != NONE) & ((grid[r1] != NONE) & variable[padded[r1]])[None, :]
            if t in own:
                fits &= np.arange(grid.shape[1])[None, :] == own[t]
            cost = np.where(fits, self._cost(grid), np.inf)
            full = np.where(fits, self.x[padded].sum(axis=2), -1)
            picks.append([np.where(fits.any(axis=1), np.argmin(cost, axis=1), NONE),
                          np.where(fits.any(axis=1), np.argmax(full, axis=1), NONE)])
        rows = np.array([r for r in range(1, len(self.margin)) if r != r1 and self.margin[r] != NONE],
                        dtype=np.int64)
        keys, fresh_of = [], []
        for rule in (0, 1):  # the cheapest cells, or those with the most people
            ks = np.column_stack([pick[rule][rows] for pick in picks]) if picks else np.zeros(
                (len(rows), 0), dtype=np.int64)  # rows x tables
            fits = (ks != NONE).all(axis=1)
            cand = np.column_stack([self.margin[rows]] + [  # the margin, then each table's pick
                np.where(fits, grid[rows, np.where(fits, ks[:, t], 0)], 0)
                for t, (grid, _) in enumerate(self.tables)])
            fresh = ~variable[cand] & fits[:, None]
            number = fresh.sum(axis=1)
            cost = (self.base[cand] * fresh).sum(axis=1).astype(float)
            for i in np.flatnonzero(number > 0):
                keys.append((cost[i], int(number[i]), int(rows[i]), rule))
                fresh_of.append(cand[i][fresh[i]])
        cheapest = sorted(range(len(keys)), key=lambda i: keys[i])[:12]
        choices = [(keys[i][:3], [int(c) for c in fresh_of[i]]) for i in cheapest]
        best = None
        for order, ((_, _, r2), fresh) in enumerate(choices):
            saved = {c: (self.status[c], self.slack[c].copy()) for c in fresh}
            self.set_status(fresh, "complementary")
            # the moves with the other sites are already in the cell's up and down: with a
            # protection interval of 1 (one partner at a time), those with r2 are all that is new
            opened = self.variable()  # with the fresh cells
            open_rows = [r2] if self.protection == 1 else [
                r for r in range(1, len(self.margin)) if self.margin[r] != NONE and opened[self.margin[r]]]
            cells, ups, downs = self._profiles(r1, open_rows)
            up = np.vstack([self.up[cell][None, :], ups[cells == cell]]).max(axis=0)
            down = np.vstack([self.down[cell][None, :], downs[cells == cell]]).max(axis=0)
            for c, (status, slack) in saved.items():
                self.status[c], self.slack[c] = status, slack
            short = self.shortfall(cell, up, down)
            if best is None or (short, order) < best[:2]:
                best = (short, order, fresh)
            if short == 0:
                break
        if best is None:
            return False
        self.set_status(best[2], "complementary")
        return True

    def shortfall(self, cell: int, up: np.ndarray, down: np.ndarray) -> int:
        """Returns how far the moves leave the cell's figures from safe, in counts (0: safe)."""
        short = 0
        for f, (lo, hi, rest) in self.reach(np.array([cell]), up[None, :], down[None, :]).items():
            short += max(0, self.protection - int(hi[0] - lo[0]))
            if f != "base":
                short += max(0, 1 - int(hi[0])) + max(0, 1 - int(rest[0]))
        return short

    def _widen(self, cell: int) -> bool:
        """Withholds the smallest shown part of a relation whose withheld parts are too few people."""
        variable = self.variable()
        for number in self.of_cell.get(cell, []):
            relation = self.relations[number]
            whole, parts = relation[0][0], [c for c, _ in relation[1:]]
            if cell not in parts or variable[whole]:
                continue
            hidden = [c for c in parts if variable[c]]
            shown = [c for c in parts if not variable[c]]
            if len(hidden) >= 2 and 0 < int(self.base[hidden].sum()) < self.min_base and shown:
                self.set_status([min(shown, key=lambda c: (self.base[c], self.keys[c]))], "complementary")
                return True
        return False


def _coded(figures: pd.DataFrame, codebook: Codebook, bound: int | None) -> dict[tuple, dict]:
    """Returns, for each cell of a small group where a compared answer's share (weighted, or its
    count's share) passes the bound, each such answer's id and whether it passes above; every
    small group's cell where there is no bound."""
    compared = set()
    for item in codebook.items:
        if item.kind == "choose-any":
            compared |= {(item.id, o.id) for o in item.options}
        else:
            compared.add((item.id, "positive"))
    keep = np.array([(i, a) in compared for i, a in zip(figures["item"], figures["answer"], strict=True)],
                    dtype=bool)
    rows = figures[keep]  # a mask even when empty: figures[[]] would select no columns
    rows = rows[rows["n"].astype(float) < SMALL_GROUP]
    keys = list(map(tuple, rows[CELL].to_numpy().tolist()))
    if bound is None:
        return {key: {} for key in keys}
    coded: dict[tuple, dict] = {}
    share = (100 * rows["count"].astype(float) / rows["n"].astype(float)).to_numpy()
    percent = rows["percent"].astype(float).to_numpy()
    above, below = (percent > 100 - bound) | (share > 100 - bound), (percent < bound) | (share < bound)
    for key, answer, up, down in zip(keys, rows["answer"], above, below, strict=True):
        if up or down:
            coded.setdefault(key, {})[answer] = bool(up)
    return coded


def protect(figures: pd.DataFrame, codebook: Codebook, min_base: int, coding: bool = True,
            complementary: bool = True, protection: int = 1) -> tuple[pd.DataFrame, Audit]:
    """Returns the figures with every withheld cell's numbers missing, column "suppressed"
    ("primary", "coded", "complementary" or "") and column "shown" (what a report shows in
    place of a withheld figure: "—", or a coded share's bound such as "< 25%"), and the audit."""
    figures = figures.copy()
    figures["suppressed"], figures["shown"] = "", ""
    audit = Audit(min_base=min_base, protection=protection)
    counted = (figures["exact"].astype(bool) & (figures["file"] != "figures.csv")).to_numpy()
    if not counted.any():
        return figures, audit
    rows = figures[counted]
    sizes = rows.groupby(CELL, sort=False)["n"].min().astype(float).to_dict()  # the smallest base in a cell
    large = rows[rows["n"].astype(float) >= min_base]
    bound = coded_bound(min_base, protection) if coding else None
    coded = _coded(large, codebook, bound) if coding else {}
    kinds: dict[tuple, str] = {}
    shown_as: dict[tuple, str] = {}
    for _, block_rows in rows.groupby(["wave", "item"], sort=False):
        block = Block(block_rows, codebook, min_base, protection)
        block.coding_bound = bound
        block.set_status([c for c in range(len(block.keys)) if block.status[c] == "remainder"], "remainder")
        primary = [c for c, key in enumerate(block.keys[:block.count]) if sizes[key] < min_base]
        block.set_status(primary, "primary")
        for cell, key in enumerate(block.keys[:block.count]):
            if key in coded and block.status[cell] == "shown":
                for answer, above in coded[key].items():
                    figure = "positive" if "positive" in block.figures else answer
                    block.bound.setdefault(cell, {})[figure] = above
                    shown_as[(key, answer)] = f"> {100 - bound}%" if above else f"< {bound}%"
                block.set_status([cell], "coded")
        audit.cells += block.count
        audit.findings += block.protect(complementary)
        audit.witnessed += len(block.certified) - block.programmes
        audit.programmed += block.programmes
        audit.undecided += len(block.undecided)
        audit.figures += len(block.protected())
        for cell, key in enumerate(block.keys[:block.count]):
            if block.status[cell] != "shown":
                kinds[key] = str(block.status[cell])
    audit.primary = sum(kind == "primary" for kind in kinds.values())
    audit.coded = sum(kind == "coded" for kind in kinds.values())
    audit.complementary = sum(kind == "complementary" for kind in kinds.values())
    keys = pd.Series(list(map(tuple, figures[CELL].to_numpy().tolist())), index=figures.index)
    marks = keys.map(kinds).fillna("").where(counted, "")
    figures["suppressed"] = marks
    hide = marks != ""
    figures.loc[hide, "shown"] = "—"
    for position in figures.index[(marks == "coded").to_numpy()]:
        text = shown_as.get((keys[position], figures.at[position, "answer"]))
        if text:
            figures.at[position, "shown"] = text
    figures.loc[hide, "percent"] = np.nan
    for column in ("count", "n", "n_eff", "weight", "weight2", "chosen"):
        figures.loc[hide, column] = pd.NA
    return figures, audit
