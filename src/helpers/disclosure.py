"""Disclosure control for counted figures: primary suppression, top/bottom coding,
complementary suppression, and an audit that solves the attacker's problem, site by site.

Respondent-level data can identify people once broken down by site, group and
characteristic (../methods.md, "Disclosure control"). Before anything is published, per
*cell* (one wave, item, site, group and characteristic value: its base and every answer):

1. **Primary suppression.** A cell whose base is under the minimum is withheld: its numbers
   become missing and the reports show "—" with a footnote ("fewer than 10 respondents").
2. **Top/bottom coding.** In a small group (fewer than :data:`SMALL_GROUP`), a share above
   95% or below 5% would tell a reader how (nearly) everyone answered; the cell is withheld
   and the share is shown only as a bound ("< 25%" for a group of 10), chosen from the base
   so that the protection interval's worth of counts fits under it.
3. **The attacker's problem.** Per wave and item, the cells form tables: sites (and the
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
4. **The protection rule.** A figure is SAFE when two whole-number solutions of everything
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
   moves only for the sites of cells the rectangles leave unsettled.

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
5. **Complementary suppression** repairs what the audit finds: for an unsafe or undecided
   cell, the shown cells of the cheapest rectangle (smallest bases) whose move certifies it;
   for a small residual, the smallest shown part of its relation; for a site's withheld
   total, another site's total and the cells a respondent moved between them needs. A round
   that protects none of its findings is undone; then, as the last resort, the network's own
   figures are used too (the smallest, last). A cell once certified stays so: withholding
   more only widens what an outsider must allow.

Everything is per wave and item and, inside, per site and its table rows, so the cost grows
with the number of sites, not its square. Counts are the unweighted ones: a shown percentage
with its base gives the count. Tallies already public (the TFS brief) are flagged, never
suppressed.
"""

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from helpers.codebook import Codebook

CELL = ["wave", "site", "group", "breakdown", "value", "item"]
SMALL_GROUP = 30  # top/bottom coding applies below this many respondents
TOP, BOTTOM = 95.0, 5.0
UNSTATED = "(not stated)"  # a table's remainder column: the margin minus the parts published
ROUNDS = 30  # passes of complementary suppression before giving up
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


def coded_bound(share: float, base: int, protection: int) -> float:
    """Returns the bound a coded share is shown under (or, above 50, over): the smallest
    multiple of 5 above the share that the protection interval's counts also fit under."""
    low = min(share, 100 - share)
    bound = 5 * (math.floor(max(low, 100 * protection / base) / 5) + 1)
    return float(bound if share < 50 else 100 - bound)


class Block:
    """The cells of one wave and item: their true counts by atom (each answer level, or each
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
        self.status = np.array(["shown"] * len(keys) + ["remainder"] * len(extra), dtype=object)
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
        of it (down), move each cell they pass through: cells, and up and down by pattern.
        Several sites may each give a few: r1's cells move by the sum, each other site's by its
        own (at most by the sum)."""
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
        for direction in (0, 1):
            own = self.slack[mine, :, direction].min(axis=1)  # profiles x patterns
            each = self.slack[theirs, :, 1 - direction].min(axis=2)  # profiles x partners x patterns
            total = -np.sort(-each, axis=1)[:, :self.protection].sum(axis=1)
            moved = np.minimum(own, total)  # profiles x patterns
            value = np.minimum(each, moved[:, None, :])
            for group, amount in ((mine, moved), (theirs, value)):
                wide = np.broadcast_to(amount[..., None, :], (*group.shape, size)).reshape(-1, size)
                flat = group.reshape(-1)
                keep = flat < len(self.keys)
                mover = group is mine
                up_part = wide if (direction == 0) == mover else np.zeros_like(wide)
                down_part = np.zeros_like(wide) if (direction == 0) == mover else wide
                cells.append(flat[keep])
                ups.append(up_part[keep])
                downs.append(down_part[keep])
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
            findings = self.audit(explain=True)
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
            whole_site = (self.margin[self.row_of[cell]] != NONE
                          and self.status[self.margin[self.row_of[cell]]] == "primary")
            if cell in self.margins or not self._complete(cell, trial_only=whole_site):
                changed |= self._partner_site(cell)  # respondents moved from another site
            else:
                changed = True
        return changed

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
        choices = []
        for r2 in range(1, len(self.margin)):
            if r2 == r1 or self.margin[r2] == NONE:
                continue
            for rule in (0, 1):  # the cheapest cells, or those with the most people
                fresh = [int(self.margin[r2])] if not variable[self.margin[r2]] else []
                for (grid, _), pick in zip(self.tables, picks, strict=True):
                    k = int(pick[rule][r2])
                    if k == NONE:
                        fresh = None
                        break
                    if not variable[grid[r2, k]]:
                        fresh.append(int(grid[r2, k]))
                if fresh:
                    choices.append(((float(self.base[fresh].sum()), len(fresh), r2), fresh))
        choices.sort(key=lambda choice: choice[0])
        best = None
        for order, ((_, _, r2), fresh) in enumerate(choices[:12]):
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


def _coded(figures: pd.DataFrame, codebook: Codebook) -> dict[tuple, dict]:
    """Returns, for each cell of a small group where (nearly) everyone or no one gave a compared
    answer, that answer's id and its share (weighted), the nearer bound of it and its count
    share (unweighted), and its base."""
    compared = set()
    for item in codebook.items:
        if item.kind == "choose-any":
            compared |= {(item.id, o.id) for o in item.options}
        else:
            compared.add((item.id, "positive"))
    keep = np.array([(i, a) in compared for i, a in zip(figures["item"], figures["answer"], strict=True)],
                    dtype=bool)
    rows = figures[keep]  # a mask even when empty: figures[[]] would select no columns
    rows = rows[(rows["n"].astype(float) < SMALL_GROUP)
                & ((rows["percent"] > TOP) | (rows["percent"] < BOTTOM))]
    coded = {}
    for key, answer, percent, count, n in zip(map(tuple, rows[CELL].to_numpy().tolist()), rows["answer"],
                                              rows["percent"], rows["count"].astype(float),
                                              rows["n"].astype(float), strict=True):
        share = 100 * count / n
        extreme = min(percent, share) if percent > 50 else max(percent, share)  # both under the bound
        coded.setdefault(key, {})[answer] = (float(percent), float(extreme), int(n))
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
    coded = _coded(large, codebook) if coding else {}
    kinds: dict[tuple, str] = {}
    shown_as: dict[tuple, str] = {}
    for _, block_rows in rows.groupby(["wave", "item"], sort=False):
        block = Block(block_rows, codebook, min_base, protection)
        block.set_status([c for c in range(len(block.keys)) if block.status[c] == "remainder"], "remainder")
        primary = [c for c, key in enumerate(block.keys[:block.count]) if sizes[key] < min_base]
        block.set_status(primary, "primary")
        for cell, key in enumerate(block.keys[:block.count]):
            if key in coded and block.status[cell] == "shown":
                for answer, (percent, extreme, n) in coded[key].items():
                    bound = coded_bound(extreme, n, protection)
                    figure = "positive" if "positive" in block.figures else answer
                    block.bound.setdefault(cell, {})[figure] = (bound, percent > 50)
                    shown_as[(key, answer)] = f"> {bound:.0f}%" if percent > 50 else f"< {bound:.0f}%"
                block.set_status([cell], "coded")
        audit.cells += block.count
        audit.findings += block.protect(complementary)
        audit.witnessed += len(block.certified) - block.programmes
        audit.programmed += block.programmes
        audit.undecided += len(block.undecided)
        audit.figures += len(block.protected())
        for cell, key in enumerate(block.keys[:block.count]):
            if block.status[cell] != "shown":
                kinds[key] = block.status[cell]
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
