"""The disclosure audit: the attacker's problem of one wave and item, and the certificates
that a withheld figure cannot be worked out (helpers.disclosure withholds; this module
proves). Per *cell* (one wave, item, site, group and characteristic value: its base and
every answer):

1. **The attacker's problem.** Per wave and item, the cells form tables: sites (and the
   network, the first row) by groups, and sites by each characteristic's values, each row
   with its all-respondents margin; a characteristic that someone left blank gets a *not
   stated* column (the margin minus the values, which nobody publishes). Every answer's
   count adds up along every row and column. An outsider knows the shown cells, that counts
   are whole numbers, none negative, and what the printed reasons say: "fewer than 10"
   (base 1 to 9), "to protect another" (base at least 10), a coded bound (base under 30, the
   share under or over the bound); an option's choosers are between none and all who
   answered, and who answered chose one at least. The figures protected in each withheld
   cell are its base and each compared count (a scale's positive side, each option); a
   not-stated remainder is protected as part of the residuals below, not on its own.
2. **The protection rule.** A figure is SAFE when two whole-number solutions of everything
   published differ in it by at least the **protection interval** (a dataset setting, in
   counts), one shows it above 0 and one below its base. It is proved so, never guessed:

   *Witnesses.* From the true counts (one solution), a move of ±t of one answer (or one
   answer for another) around a rectangle of withheld cells of one table (two rows, two
   columns; the network row enters with its sign turned), or one whole respondent moved
   between two sites whose totals are withheld, keeps every published relation; where it
   also keeps every cell's bounds, the counts it reaches are another solution. A witness is
   a restriction of the attacker's problem (every cell outside its move held at its true
   value), so what it reaches is a real solution and certifies safety soundly; it can only
   under-state what an outsider must allow, never over-state it. The largest t of each
   move is computed for all cells of a table at once (arrays over the sites); respondents'
   moves only for the sites of cells the rectangles leave unsettled. *A site's programme*,
   the last resort's (what rounds of repair leave): an integer programme over the cell's
   site and a few partner sites (SciPy's HiGHS), every other cell at its true value; a
   restriction too, so each of its whole solutions, checked exactly, certifies soundly.

   A figure is UNSAFE where the only withheld cell of a row or column of shown figures is
   their difference. The residual of a published relation (its whole minus the parts shown,
   such as "all respondents - students - staff", or a withheld value and the not stated
   together) is a figure too: made of two or more withheld parts, it may not rest on 1 to
   fewer than the minimum respondents. A figure that no witness certifies is *undecided*:
   repaired like an unsafe one, and counted. (On the synthetic dataset the first round
   leaves 100 cells undecided; the whole wave-and-item integer programme shows 94 of them
   unsafe, 61 pinned and 33 all of their group, and 6 safe.) Where a report is made without
   complementary suppression, a linear relaxation (the site's relations, each network
   relation as bounds from the other sites' printed reasons; SciPy's HiGHS) says how far an
   outsider gets with what is left.

Everything is per wave and item and, inside, per site and its table rows, so the cost grows
with the number of sites, not its square.
"""

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from helpers.codebook import Codebook

CELL = ["wave", "site", "group", "breakdown", "value", "item"]
SMALL_GROUP = 30  # top/bottom coding applies below this many respondents
UNSTATED = "(not stated)"  # a table's remainder column: the margin minus the parts published
PARTNERS = 6  # sites the last resort's programme lets move with the cell's
SECONDS = 0.5  # time limit of one such integer programme; one that runs out leaves its figure undecided
WITHHELD = ("primary", "coded", "complementary")
NONE = -1


@dataclass
class Finding:
    """A withheld figure an outsider can narrow too far: its cell, which figure ("base" or an
    answer), what is true, and the interval (or residual) the published figures allow."""

    key: tuple
    figure: str
    true: int
    low: int
    high: int
    base: int
    why: str  # "pinned", "narrow", "none", "all", "remainder" or "undecided"

    def words(self) -> str:
        where = " / ".join(part for part in self.key if part)
        if self.why == "remainder":
            return f"{where}: the withheld parts of a published total add up to {self.true} respondents"
        if self.why == "undecided":
            return (f"{where}: the {self.figure} count could not be proved safe "
                    f"(between {self.low} and {self.high})")
        if self.why in ("pinned", "narrow"):
            span = f"is {self.true}" if self.low == self.high else f"is between {self.low} and {self.high}"
        else:
            span = "is 0" if self.why == "none" else f"is all {self.base}"
        return f"{where}: the {self.figure} count {span} (of {self.base})"


class Problem:
    """The attacker's problem of one wave and item: their true counts by atom (each answer level, or each
    option and the number who answered), the tables they form and what is withheld."""

    def __init__(self, rows: pd.DataFrame, codebook: Codebook, min_base: int, protection: int):
        item = codebook.item(rows["item"].iloc[0])
        self.min_base, self.protection = min_base, protection
        self.choose_any = item.kind == "choose-any"
        if self.choose_any:
            self.atoms = [o.id for o in item.options] + ["n"]
            eye = np.eye(len(self.atoms), dtype=np.int64)
            self.base_w = eye[-1]
            self.figures = {o: eye[i] for i, o in enumerate(self.atoms[:-1])}
            options = range(len(self.atoms) - 1)
            patterns = ([eye[i] + eye[-1] for i in options] + [eye[i] for i in options]
                        + [eye[i] - eye[j] for i in options for j in options if i < j])
        else:
            levels = codebook.scale_of(item).levels
            self.atoms = [level.id for level in levels]
            eye = np.eye(len(self.atoms), dtype=np.int64)
            self.base_w = np.array([level.side != "apart" for level in levels], dtype=np.int64)
            positive = [level.side == "positive" for level in levels]
            self.figures = {"positive": np.array(positive, dtype=np.int64)}
            patterns = [eye[i] for i in range(len(levels))] + [
                eye[i] - eye[j] for i in range(len(levels)) for j in range(len(levels)) if i < j]
        self.figures["base"] = self.base_w
        self.patterns = np.array(patterns, dtype=np.int64)  # the answers a move shifts: patterns x atoms
        keys = list(dict.fromkeys(map(tuple, rows[CELL].to_numpy().tolist())))
        index = {key: i for i, key in enumerate(keys)}
        position = {a: i for i, a in enumerate(self.atoms)}
        counts = np.zeros((len(keys), len(self.atoms)), dtype=np.int64)
        for key, answer, count, n in zip(map(tuple, rows[CELL].to_numpy().tolist()), rows["answer"],
                                         rows["count"].astype(float), rows["n"].astype(float), strict=True):
            if answer in position:
                counts[index[key], position[answer]] = round(count)
            if self.choose_any:
                counts[index[key], -1] = round(n)
        self.count = len(keys)  # cells that are published figures (the rest: remainders)
        wave, item_id = keys[0][0], keys[0][5]
        self.sites = sorted({k[1] for k in keys if k[1]})
        rows_of = ["", *self.sites]  # a table's rows: the network first
        columns_of = [("", list(dict.fromkeys(k[2] for k in keys if k[2])))]
        breakdowns: dict[str, list] = {}
        for k in keys:
            if k[3] and k[4] not in breakdowns.setdefault(k[3], []):
                breakdowns[k[3]].append(k[4])
        columns_of += list(breakdowns.items())
        extra_keys, extra = [], []
        self.margin = np.array([index.get((wave, s, "", "", "", item_id), NONE) for s in rows_of],
                               dtype=np.int64)  # each row's all-respondents cell
        self.tables = []  # (grid: rows x columns of cell numbers, margin: each row's cell), NONE if absent
        for breakdown, columns in columns_of:
            if not columns:
                continue

            def cell_key(site, column, breakdown=breakdown):
                return ((wave, site, column, "", "", item_id) if not breakdown
                        else (wave, site, "", breakdown, column, item_id))

            grid = np.array([[index.get(cell_key(s, c), NONE) for c in columns] for s in rows_of],
                            dtype=np.int64)
            margin = self.margin
            rest = {r: counts[margin[r]] - counts[[c for c in grid[r] if c != NONE]].sum(axis=0)
                    for r in range(len(rows_of)) if margin[r] != NONE}
            assert all((v >= 0).all() for v in rest.values()), (breakdown, rest)
            if any(v.any() for v in rest.values()):  # someone left it blank: a not stated column
                column = np.full(len(rows_of), NONE, dtype=np.int64)
                for r, v in rest.items():
                    column[r] = len(keys) + len(extra)
                    extra_keys.append(cell_key(rows_of[r], UNSTATED))
                    extra.append(v)
                grid = np.hstack([grid, column[:, None]])
            self.tables.append((grid, margin))
        self.keys = keys + extra_keys
        self.index = {key: i for i, key in enumerate(self.keys)}
        self.x = np.vstack([counts, *[v[None, :] for v in extra]]) if extra else counts
        self.base = self.x @ self.base_w
        self.status = np.array(["shown"] * len(keys) + ["remainder"] * len(extra),
                               dtype="<U13")  # compared often: fixed-width text, not objects
        self.row_of = np.full(len(self.keys), NONE, dtype=np.int64)  # each cell's row (0: the network)
        self.place = {}  # a non-margin cell: (table, row, column)
        self.margins = set()
        for t, (grid, _) in enumerate(self.tables):
            for (r, k), c in np.ndenumerate(grid):
                if c != NONE:
                    self.place[int(c)] = (t, r, k)
                    self.row_of[c] = r
        for r, c in enumerate(self.margin):
            if c != NONE:
                self.row_of[c] = r
                self.margins.add(int(c))
        self.relations = self._relations()
        self.of_cell: dict[int, list[int]] = {}
        for number, relation in enumerate(self.relations):
            for c, _ in relation:
                self.of_cell.setdefault(c, []).append(number)
        self.bound: dict[int, dict] = {}  # a coded cell: {figure: (bound, above)}
        self.slack = np.zeros((len(self.keys) + 1, len(self.patterns), 2), dtype=np.int64)  # last: no cell
        self.up = np.zeros((len(self.keys), len(self.patterns)), dtype=np.int64)
        self.down = np.zeros_like(self.up)
        self.certified: set[int] = set()  # cells the witnesses (or a programme) certified
        self.programmes = 0  # of them, certified by the last resort's programme
        self.undecided: set[int] = set()
        self.last_resort = False

    def _relations(self) -> list[list[tuple[int, int]]]:
        """Returns every published relation as (cell, coefficient) pairs summing to 0 for every
        answer: each table row (its margin minus its parts), each column (the network minus the
        sites) and the margins' column once."""
        relations = []
        for grid, margin in self.tables:
            for r in range(grid.shape[0]):
                parts = [int(c) for c in grid[r] if c != NONE]
                if margin[r] != NONE and parts:
                    relations.append([(int(margin[r]), 1)] + [(c, -1) for c in parts])
            for k in range(grid.shape[1]):
                parts = [int(c) for c in grid[1:, k] if c != NONE]
                if grid[0, k] != NONE and parts:
                    relations.append([(int(grid[0, k]), 1)] + [(c, -1) for c in parts])
        margin = self.margin
        parts = [int(c) for c in margin[1:] if c != NONE]
        if margin[0] != NONE and parts:
            relations.append([(int(margin[0]), 1)] + [(c, -1) for c in parts])
        return relations

    # -- what an outsider knows of one withheld cell: G x <= h on its atoms ---------------
    def constraints(self, cell: int, status: str) -> tuple[np.ndarray, np.ndarray]:
        """Returns the cell's bounds as G x <= h, each loosened to the truth where the truth
        would break it (a cell of no substantive answers, say): the true counts always fit."""
        size = len(self.atoms)
        b = self.base_w
        rows, limits = [-np.eye(size, dtype=np.int64)], [np.zeros(size, dtype=np.int64)]  # none negative
        if self.choose_any:
            rows += [np.eye(size, dtype=np.int64)[:-1] - b, (b - (1 - b))[None, :]]  # within who answered;
            limits += [np.zeros(size - 1, dtype=np.int64), np.zeros(1, dtype=np.int64)]  # one chosen at least
        if status == "primary":
            rows += [b[None, :], -b[None, :]]  # fewer than the minimum, one at least
            limits += [np.array([self.min_base - 1]), np.array([-1])]
        elif status in ("complementary", "coded"):
            rows.append(-b[None, :])
            limits.append(np.array([-self.min_base]))
        if status == "coded":
            rows.append(b[None, :])
            limits.append(np.array([SMALL_GROUP - 1]))
            for figure, (bound, above) in self.bound.get(cell, {}).items():
                w = self.figures[figure]
                rows.append(((100 * w - round(bound) * b) * (-1 if above else 1))[None, :])
                limits.append(np.array([-1]))  # under the bound (or over it), whole numbers
        g, h = np.vstack(rows), np.concatenate(limits)
        return g, np.maximum(h, g @ self.x[cell])

    def set_status(self, cells, status: str) -> None:
        """Withholds the cells (or marks them), and works out how far each move may take them."""
        for cell in cells:
            self.status[cell] = status
            g, h = self.constraints(cell, status)
            room = h - g @ self.x[cell]  # constraints
            along = g @ self.patterns.T  # constraints x patterns
            with np.errstate(divide="ignore"):
                up = np.where(along > 0, room[:, None] // np.maximum(along, 1), self.protection).min(axis=0)
                down = np.where(along < 0, room[:, None] // np.maximum(-along, 1),
                                self.protection).min(axis=0)
            self.slack[cell, :, 0] = np.minimum(up, self.protection)
            self.slack[cell, :, 1] = np.minimum(down, self.protection)

    def variable(self) -> np.ndarray:
        return self.status != "shown"

    def protected(self) -> list[int]:
        """Returns the cells whose figures must be protected: every withheld cell. (A not stated
        remainder counts in the residuals of its row; on its own it is not protected.)"""
        return [int(c) for c in np.flatnonzero(np.isin(self.status, WITHHELD))]

    # -- witnesses ------------------------------------------------------------------------
    def witness(self, cells: list[int]) -> np.ndarray:
        """Records, for every cell, the furthest each pattern moves it up and down by a
        rectangle of one table, then by a respondent moved between two sites (only into or
        out of the sites of cells the rectangles left unsettled: a move between two sites is
        also one of each of them); returns, for the cells, whether that certifies them."""
        self.up[:], self.down[:] = 0, 0
        for grid, _ in self.tables:
            self._rectangles(grid)
        ok = self.settled(cells)
        rows = {int(self.row_of[c]) for c, fine in zip(cells, ok, strict=True) if not fine}
        if rows:
            self._respondents(rows)
            ok = self.settled(cells)
        return ok

    def _rectangles(self, grid: np.ndarray) -> None:
        padded = np.where(grid == NONE, len(self.keys), grid)
        s = self.slack[padded]  # rows x columns x patterns x (up, down)
        rows, columns = grid.shape
        best_up = np.zeros((rows, columns, len(self.patterns)), dtype=np.int64)
        best_down = np.zeros_like(best_up)
        for k1 in range(columns):
            for k2 in range(columns):
                if k1 == k2:
                    continue
                # the other row's corners, for a site's move up (a) and down (b); the network's signs turned
                a = np.minimum(s[:, k1, :, 1], s[:, k2, :, 0])
                b = np.minimum(s[:, k1, :, 0], s[:, k2, :, 1])
                a_net, b_net = a.copy(), b.copy()
                a_net[0], b_net[0] = b[0], a[0]
                for out, other, same, flip in ((best_up, a_net, 0, 1), (best_down, b_net, 1, 0)):
                    partner = _top(other, self.protection)
                    reach = np.minimum(np.minimum(s[:, k1, :, same], s[:, k2, :, flip]), partner)
                    if rows > 1:  # the network row itself: its partners are the sites, their signs its own
                        net_other = _top((b if same == 0 else a)[1:], self.protection, exclude=False)[0]
                        reach[0] = np.minimum(np.minimum(s[0, k1, :, same], s[0, k2, :, flip]), net_other)
                    out[:, k1] = np.maximum(out[:, k1], reach)
        cells = grid != NONE
        _raise(self.up, grid[cells], best_up[cells])
        _raise(self.down, grid[cells], best_down[cells])

    def _respondents(self, rows: set[int]) -> None:
        """Moves of whole respondents between sites whose totals are withheld, into or out of
        the rows given."""
        variable = self.variable()
        open_rows = [r for r in range(1, len(self.margin))
                     if self.margin[r] != NONE and variable[self.margin[r]]]
        for r1 in (r for r in open_rows if r in rows):
            cells, up, down = self._profiles(r1, open_rows)
            _raise(self.up, cells, up)
            _raise(self.down, cells, down)

    def _profiles(self, r1: int, open_rows: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Returns how far respondents of one profile (a column of each table: a group, a value
        or none stated of each characteristic) moved into site r1 from other sites (up), or out
        of it (down), move each of r1's cells they pass through: cells, and up and down by
        pattern. Several sites may each give a few: r1's cells move by the sum. (A partner's
        cells move as much when its own moves are computed: the same move, seen from the other
        site, with r1 among its partners.)"""
        variable = self.variable()
        partners = [r for r in open_rows if r != r1]
        size = len(self.patterns)
        nothing = (np.zeros(0, dtype=np.int64), np.zeros((0, size), dtype=np.int64),
                   np.zeros((0, size), dtype=np.int64))
        columns = [[k for k in range(grid.shape[1]) if grid[r1, k] != NONE and variable[grid[r1, k]]]
                   for grid, _ in self.tables]
        profiles = list(itertools.islice(itertools.product(*columns), 60))
        if not partners or not profiles:
            return nothing
        padded = [np.where(grid == NONE, len(self.keys), grid) for grid, _ in self.tables]
        picks = np.array(profiles, dtype=np.int64).reshape(len(profiles), len(self.tables))
        mine = np.column_stack([np.full(len(profiles), self.margin[r1])]
                               + [padded[t][r1, picks[:, t]] for t in range(len(self.tables))])
        rows = np.array(partners)
        totals = np.where(self.margin[rows] == NONE, len(self.keys), self.margin[rows])
        theirs = np.concatenate([totals[None, :, None].repeat(len(profiles), axis=0)]
                                + [padded[t][rows][:, picks[:, t]].T[:, :, None]
                                   for t in range(len(self.tables))], axis=2)  # profiles x partners x cells
        cells, ups, downs = [], [], []
        flat = mine.reshape(-1)
        keep = flat < len(self.keys)
        for direction in (0, 1):
            own = self.slack[mine, :, direction].min(axis=1)  # profiles x patterns
            each = self.slack[theirs, :, 1 - direction].min(axis=2)  # profiles x partners x patterns
            most = min(self.protection, each.shape[1])
            total = -np.partition(-each, most - 1, axis=1)[:, :most].sum(axis=1)
            moved = np.broadcast_to(np.minimum(own, total)[:, None, :], (*mine.shape, size))
            moved = moved.reshape(-1, size)[keep]
            cells.append(flat[keep])
            ups.append(moved if direction == 0 else np.zeros_like(moved))
            downs.append(np.zeros_like(moved) if direction == 0 else moved)
        return np.concatenate(cells), np.concatenate(ups), np.concatenate(downs)

    def reach(self, cells: np.ndarray, up: np.ndarray, down: np.ndarray) -> dict:
        """Returns, for each figure, its lowest and highest value and its complement's highest
        (base minus it) over the witnesses recorded: arrays over the cells."""
        out = {}
        for f, w in self.figures.items():
            gain, rest_gain = self.patterns @ w, self.patterns @ (self.base_w - w)
            here, rest = self.x[cells] @ w, self.x[cells] @ (self.base_w - w)
            moved_up, moved_down = up * gain[None, :], -down * gain[None, :]
            high = here + np.maximum(0, np.maximum(moved_up, moved_down).max(axis=1))
            low = here + np.minimum(0, np.minimum(moved_up, moved_down).min(axis=1))
            rest_high = rest + np.maximum(0, np.maximum(up * rest_gain, -down * rest_gain).max(axis=1))
            out[f] = (low, high, rest_high)
        return out

    def unsafe(self, f: str, low: int, high: int, rest_high: int) -> str:
        """Returns why a figure's reach leaves it unprotected ("" when it does not)."""
        if high - low < self.protection:
            return "pinned" if high == low else "narrow"
        if f != "base" and high < 1:
            return "none"
        if f != "base" and rest_high < 1:
            return "all"
        return ""

    def settled(self, cells: list[int]) -> np.ndarray:
        """Returns, for each cell, whether its witnesses certify every figure."""
        cells = np.array(cells, dtype=np.int64)
        if not len(cells):
            return np.zeros(0, dtype=bool)
        ok = np.ones(len(cells), dtype=bool)
        for f, (low, high, rest_high) in self.reach(cells, self.up[cells], self.down[cells]).items():
            wide = high - low >= self.protection
            ok &= wide if f == "base" else wide & (high >= 1) & (rest_high >= 1)
        return ok

    # -- the relaxation, to explain what is left ------------------------------------------
    def _programme(self, free: list[int], boxed: list[int]):
        """Returns the attacker's problem over the free cells' answers (with their bounds) and
        the boxed cells' (only none negative, and at most what their reasons allow): every
        relation a free cell takes part in, every cell outside both lists at its true value."""
        size = len(self.atoms)
        cells = free + boxed
        column = {c: i * size for i, c in enumerate(cells)}
        wanted = set(free)
        eq_r, eq_c, eq_v, b_eq, row = [], [], [], [], 0
        for relation in self.relations:
            if not any(c in wanted for c, _ in relation):
                continue
            constant = sum((coef * self.x[c] for c, coef in relation if c not in column),
                           np.zeros(size, dtype=np.int64))
            for a in range(size):
                for c, coef in relation:
                    if c in column:
                        eq_r.append(row)
                        eq_c.append(column[c] + a)
                        eq_v.append(coef)
                b_eq.append(-constant[a])
                row += 1
        ub_r, ub_c, ub_v, b_ub, row_ub = [], [], [], [], 0
        for c in free:
            g, h = self.constraints(c, self.status[c])
            for j in range(len(h)):
                for a in np.flatnonzero(g[j]):
                    ub_r.append(row_ub)
                    ub_c.append(column[c] + a)
                    ub_v.append(g[j, a])
                b_ub.append(h[j])
                row_ub += 1
        upper = np.full(len(cells) * size, np.inf)
        for c in boxed:
            if self.status[c] == "primary":
                upper[column[c]:column[c] + size] = self.min_base - 1 if self.choose_any else np.where(
                    self.base_w > 0, self.min_base - 1, np.inf)
            margin = self.margin[self.row_of[c]]
            if margin != NONE and self.status[margin] == "shown":
                upper[column[c]:column[c] + size] = np.minimum(upper[column[c]:column[c] + size],
                                                               self.x[margin])
        n = len(cells) * size
        a_eq = sparse.csr_array((eq_v, (eq_r, eq_c)), shape=(row, n))
        a_ub = sparse.csr_array((ub_v, (ub_r, ub_c)), shape=(row_ub, n))
        return column, a_eq, np.array(b_eq, dtype=float), a_ub, np.array(b_ub, dtype=float), upper

    def relaxed(self, cell: int) -> dict:
        """Returns each figure's [low, high, rest high] over the site's relaxation: the
        cell's row of cells free, the rest of each column only boxed; rounded inwards, every
        whole solution lies inside."""
        variable = self.variable()
        r = self.row_of[cell]
        free = [c for c in np.flatnonzero(variable) if self.row_of[c] == r]
        columns = {(self.place[c][0], self.place[c][2]) for c in free if c in self.place}
        boxed = sorted({int(grid[q, k]) for t, k in columns for grid in [self.tables[t][0]]
                        for q in range(grid.shape[0])
                        if q != r and grid[q, k] != NONE and variable[grid[q, k]]})
        if any(c in self.margins for c in free):
            boxed += [int(c) for q, c in enumerate(self.margin) if q != r and c != NONE and variable[c]]
        column, a_eq, b_eq, a_ub, b_ub, upper = self._programme([int(c) for c in free], boxed)
        size, n = len(self.atoms), len(column) * len(self.atoms)
        start = column[cell]
        out = {}
        for f, w in self.figures.items():
            values = []
            for weights, sign in ((w, 1), (w, -1), (self.base_w - w, 1)):
                cost = np.zeros(n)
                cost[start:start + size] = -sign * weights
                inequalities = {"A_ub": a_ub, "b_ub": b_ub} if a_ub.shape[0] else {}
                equalities = {"A_eq": a_eq, "b_eq": b_eq} if a_eq.shape[0] else {}
                result = linprog(cost, **inequalities, **equalities,
                                 bounds=list(zip(np.zeros(n), upper, strict=True)), method="highs")
                values.append(sign * -result.fun if result.status == 0 else sign * 10**9)
            high, low, rest = values
            out[f] = (math.ceil(low - 1e-6), math.floor(high + 1e-6), math.floor(rest + 1e-6))
        return out

    def programmed(self, cell: int) -> bool:
        """Returns whether the programme of the cell's site and a few partner sites (everything
        else at its true value) has whole solutions that certify every figure of the cell."""
        variable = self.variable()
        r = self.row_of[cell]
        mine = [c for c in np.flatnonzero(variable) if self.row_of[c] == r]
        shared = {}
        for c in mine:
            if c in self.place:
                t, _, k = self.place[c]
                grid = self.tables[t][0]
                for q in np.flatnonzero((grid[:, k] != NONE) & (np.arange(grid.shape[0]) != r)):
                    if variable[grid[q, k]] and q != 0:  # the partners with the most people to move
                        shared[q] = shared.get(q, 0) + int(self.x[grid[q, k]].sum())
        if self.margin[r] != NONE and variable[self.margin[r]]:  # a respondent moved between sites
            for q in range(1, len(self.margin)):
                if q != r and self.margin[q] != NONE and variable[self.margin[q]]:
                    shared[q] = shared.get(q, 0) + 10**6
        partners = sorted(shared, key=lambda q: (-shared[q], q))[:PARTNERS]
        free = [int(c) for c in np.flatnonzero(variable) if self.row_of[c] in {0, r, *partners}]
        column, a_eq, b_eq, a_ub, b_ub, _ = self._programme(free, [])
        size, n = len(self.atoms), len(free) * len(self.atoms)
        start = column[cell]
        constraints = [LinearConstraint(a, low, high) for a, low, high in
                       ((a_eq, b_eq, b_eq), (a_ub, np.full(len(b_ub), -np.inf), b_ub)) if a.shape[0]]
        truth = np.concatenate([self.x[c] for c in free]).astype(float)
        found = [truth]

        def solved(cost: np.ndarray) -> None:
            result = milp(cost, constraints=constraints, integrality=np.ones(n), bounds=Bounds(0, np.inf),
                          options={"time_limit": SECONDS})
            if result.x is None:
                return
            x = np.round(result.x)  # a whole solution, checked exactly before it counts
            if (np.abs(a_eq @ x - b_eq) < 1e-9).all() and (a_ub @ x <= b_ub + 1e-9).all() and (x >= 0).all():
                found.append(x)

        for f, w in self.figures.items():
            for sign in (1, -1):
                cost = np.zeros(n)
                cost[start:start + size] = -sign * w
                solved(cost)
            values = [x[start:start + size] for x in found]
            counts = [round(v @ w) for v in values]
            rests = [round(v @ (self.base_w - w)) for v in values]
            if f != "base" and max(rests) < 1:
                cost = np.zeros(n)
                cost[start:start + size] = -(self.base_w - w)
                solved(cost)
                rests.append(round(found[-1][start:start + size] @ (self.base_w - w)))
            if self.unsafe(f, min(counts), max(counts), max(rests)):
                return False
        return True

    # -- the audit and its repair --------------------------------------------------------
    def pinned_linearly(self, cell: int) -> bool:
        """Returns whether the cell is the only withheld one of a row or column of shown figures."""
        variable = self.variable()
        return any(sum(variable[c] for c, _ in self.relations[r]) == 1 for r in self.of_cell.get(cell, []))

    def audit(self, explain: bool) -> list[Finding]:
        """Returns what the attacker's problem finds. Each protected cell is certified by the
        witnesses, else shown unsafe by a relation, else (as the last resort) certified by a
        programme over its site and a few partners, else left undecided; explaining, the
        relaxation then says how far an outsider gets (and shows the cell unsafe where it pins
        it)."""
        findings = []
        protected = [c for c in self.protected() if c not in self.certified]
        for cell, ok in zip(protected, self.witness(protected), strict=True):
            if ok:
                self.certified.add(cell)
            elif self.pinned_linearly(cell):
                findings += self._findings(cell, None)
            elif (self.last_resort or explain) and self.programmed(cell):
                self.certified.add(cell)
                self.programmes += 1
            elif not explain:
                self.undecided.add(cell)
                findings.append(Finding(self.keys[cell], "base", int(self.base[cell]), 0, 0,
                                        int(self.base[cell]), "undecided"))
            else:
                relaxed = self.relaxed(cell)
                if any(self.unsafe(f, *reach) for f, reach in relaxed.items()):
                    findings += self._findings(cell, relaxed)
                    continue
                self.undecided.add(cell)
                f, (low, high, _) = min(relaxed.items(), key=lambda item: item[1][1] - item[1][0])
                findings.append(Finding(self.keys[cell], f, int(self.x[cell] @ self.figures[f]), low, high,
                                        int(self.base[cell]), "undecided"))
        return findings + self.residuals()

    def _findings(self, cell: int, relaxed: dict | None) -> list[Finding]:
        out = []
        for f, w in self.figures.items():
            true = int(self.x[cell] @ w)
            low, high, rest = relaxed[f] if relaxed else (true, true, int(self.x[cell] @ (self.base_w - w)))
            why = self.unsafe(f, low, high, rest)
            if why:
                out.append(Finding(self.keys[cell], f, true, low, high, int(self.base[cell]), why))
        return out

    def residuals(self) -> list[Finding]:
        """Returns each published relation whose withheld parts (two or more) add up to 1 to
        fewer than the minimum respondents (the whole shown: their sum is exact)."""
        found = []
        variable = self.variable()
        for relation in self.relations:
            whole, parts = relation[0][0], [c for c, _ in relation[1:]]
            hidden = [c for c in parts if variable[c]]
            if variable[whole] or len(hidden) < 2:
                continue
            size = int(self.base[hidden].sum())
            if 0 < size < self.min_base:
                found.append(Finding(self.keys[hidden[0]], "base", size, size, size, size, "remainder"))
        return found


def _raise(target: np.ndarray, cells: np.ndarray, values: np.ndarray) -> None:
    """Raises each cell's row of the target to the largest of its values (np.maximum.at, faster)."""
    if not len(cells):
        return
    order = np.argsort(cells, kind="stable")
    cells, values = cells[order], values[order]
    starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])
    target[cells[starts]] = np.maximum(target[cells[starts]], np.maximum.reduceat(values, starts, axis=0))


def _top(values: np.ndarray, count: int, exclude: bool = True) -> np.ndarray:
    """Returns, for each row, the sum of the `count` largest values of the other rows (every row's
    when not excluding), column by column: rectangles through different rows move one cell by the
    sum of their moves, each other row's corners by its own."""
    rows = values.shape[0]
    top = -np.sort(-values, axis=0)[:count + 1]  # the largest first
    total = top[:count].sum(axis=0)
    if not exclude:
        return np.broadcast_to(total, values.shape)
    threshold = top[min(count, rows) - 1]  # a row among the largest gives its place to the next
    following = top[count] if rows > count else np.zeros_like(total)
    among = values >= threshold[None, :]
    return np.where(among, total[None, :] - values + following[None, :], total[None, :])
