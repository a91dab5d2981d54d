"""The disclosure audit: the attacker's problem of one wave and item, and the certificates
that a withheld figure cannot be worked out (helpers.disclosure withholds; this module
proves). Per *cell* (one wave, item, site, group and characteristic value: its base and
every answer):

1. **The attacker's problem.** Per wave and item, the cells form tables: sites (and the
   network, the first row) by groups, and sites by each characteristic's values, each row
   with its all-respondents margin; a characteristic that someone left blank gets a *not
   stated* column (the margin minus the values, which nobody publishes). Every answer's
   count adds up along every row and column; a derived characteristic's table (codebook
   ``derived_from``) adds up too, each combined value of a row the sum of the source values it
   combines. An outsider knows the shown cells, that counts
   are whole numbers, none negative, and what the printed reasons say: "fewer than 10"
   (base 1 to 9), "to protect another" (base at least 10), a coded mark (base under 30, the
   count past the bound it states, the cell's other compared shares within the bounds); an
   option's choosers are between none and all who answered, and who answered chose one at
   least. (That a withheld cell without a mark has its shares within the bounds or a base of
   30 at least is not modelled: an either-or, which made the synthetic run end NOT SAFE.) The
   figures protected in each withheld cell are its base and each compared count (a scale's
   positive side, each option); a not-stated remainder is protected as part of the residuals
   below, not on its own.
2. **The protection rule.** A figure is SAFE when two whole-number solutions of everything
   published differ in it by at least the **protection interval** (a dataset setting, in
   counts), one shows it above 0 and one below its base. It is proved so, never guessed:

   *Witnesses.* From the true counts (one solution), a move of ±t of one answer (or one
   answer for another) around a rectangle of withheld cells of one table (two rows, two
   columns; the network row enters with its sign turned), or one whole respondent moved
   between two sites whose totals are withheld, keeps every published relation; where it
   also keeps every cell's bounds, the counts it reaches are another solution. A derived
   table has no rectangles of its own: a rectangle of its source between values that
   different combined values hold moves the combined cells too (the same rectangle, kept
   within their bounds), and a moved respondent passes through the combined value of the
   source value chosen. Where the network's total is withheld too, one respondent's answer
   may change at a site and in the network alike (a column of each table at both; only
   withholding around, below, withholds that total). A witness is a restriction of the
   attacker's problem (every cell outside its move held at its true value), so what it
   reaches is a real solution and certifies safety soundly; it can only under-state what an
   outsider must allow, never over-state it. The largest t of each move is computed for all
   cells of a table at once (arrays over the sites); respondents' moves only for the sites of
   cells the rectangles leave unsettled. *A site's programme* (helpers.programmes), the last
   resort's (what rounds of repair leave): an integer programme over the cell's site and a
   few partner sites (SciPy's HiGHS), every other cell at its true value; a restriction too,
   so each of its whole solutions, checked exactly, certifies soundly.

   A figure is UNSAFE where the only withheld cell of a row or column of shown figures is
   their difference. The residual of a published relation (its whole minus the parts shown,
   such as "all respondents - students - staff", or a withheld value and the not stated
   together) is a figure too: made of two or more withheld parts, it may not rest on 1 to
   fewer than the minimum respondents. A figure that no witness certifies is *undecided*:
   repaired like an unsafe one, and counted; what rounds of repair leave undecided is withheld
   around (helpers.disclosure) until the audit passes. (On the synthetic dataset the first round
   leaves 100 cells undecided; the whole wave-and-item integer programme shows 94 of them
   unsafe, 61 pinned and 33 all of their group, and 6 safe.) Where a report is made without
   complementary suppression, a linear relaxation (the site's relations, each network
   relation as bounds from the other sites' printed reasons; SciPy's HiGHS) says how far an
   outsider gets with what is left.

Everything is per wave and item and, inside, per site and its table rows, so the cost grows
with the number of sites, not its square.
"""

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.codebook import Codebook
from helpers.moves import furthest, largest_others
from helpers.programmes import NONE, programmed, relaxed

CELL = ["wave", "site", "group", "breakdown", "value", "item"]
SMALL_GROUP = 30  # top/bottom coding applies below this many respondents
UNSTATED = "(not stated)"  # a table's remainder column: the margin minus the parts published
WITHHELD = ("primary", "coded", "complementary")


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
        self.compared = list(self.figures)  # the figures top/bottom coding compares
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
        names = {}  # a breakdown's table: its number and its columns' values
        for breakdown, columns in columns_of:
            if not columns:
                continue
            names[breakdown] = (len(self.tables), list(columns))

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
                names[breakdown][1].append(UNSTATED)
            self.tables.append((grid, margin))
        self.links = self._links(codebook, names)
        self.derived_tables = {t for links in self.links.values() for t, _ in links}
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
        self.bound: dict[int, dict] = {}  # a coded cell: {figure marked: whether above the bound}
        self.coding_bound = None  # top/bottom coding's bound, in percent (None: off, or no mark)
        self.slack = np.zeros((len(self.keys) + 1, len(self.patterns), 2), dtype=np.int64)  # last: no cell
        self.up = np.zeros((len(self.keys), len(self.patterns)), dtype=np.int64)
        self.down = np.zeros_like(self.up)
        self.certified: set[int] = set()  # cells the witnesses (or a programme) certified
        self.programmes = 0  # of them, certified by the last resort's programme
        self.undecided: set[int] = set()
        self.last_resort = False

    @staticmethod
    def _links(codebook: Codebook, names: dict) -> dict[int, list[tuple[int, np.ndarray]]]:
        """Returns, for each table of a characteristic that another is derived from, each derived
        table with the column of it that holds each of the source's columns (the derived table's
        not stated for a value it does not combine; NONE where that column is absent)."""
        links: dict[int, list[tuple[int, np.ndarray]]] = {}
        for characteristic in codebook.characteristics:
            source = characteristic.derived_from
            if not source or source not in names or characteristic.id not in names:
                continue
            (ts, values), (td, combined) = names[source], names[characteristic.id]
            recoding = characteristic.recoding()
            column = {value: k for k, value in enumerate(combined)}
            unstated = column.get(UNSTATED, NONE)
            holds = [column.get(recoding[v], NONE) if v in recoding else unstated for v in values]
            links.setdefault(ts, []).append((td, np.array(holds, dtype=np.int64)))
        return links

    def _relations(self) -> list[list[tuple[int, int]]]:
        """Returns every published relation as (cell, coefficient) pairs summing to 0 for every
        answer: each table row (its margin minus its parts), each column (the network minus the
        sites), the margins' column once, and each derived value of a row as the sum of the
        source values it combines."""
        relations = []
        for ts, links in self.links.items():
            source = self.tables[ts][0]
            for td, columns in links:
                grid = self.tables[td][0]
                for (r, k), whole in np.ndenumerate(grid):
                    parts = [int(c) for c in source[r, columns == k] if c != NONE]
                    if whole != NONE and self.status[whole] != "remainder" and parts:
                        relations.append([(int(whole), 1)] + [(c, -1) for c in parts])
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
        marks = self.bound.get(cell, {}) if status == "coded" else {}
        within = [f for f in self.compared if f not in marks]
        if status == "coded":
            rows.append(b[None, :])
            limits.append(np.array([SMALL_GROUP - 1]))
        if status != "coded" or self.coding_bound is None:
            within = []
        bound = self.coding_bound
        for figure in within:  # a coded cell's other compared shares: unmarked, so within the bounds
            w = self.figures[figure]
            rows += [(bound * b - 100 * w)[None, :], (100 * w - (100 - bound) * b)[None, :]]
            limits += [np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)]
        for figure, above in marks.items():
            w = self.figures[figure]
            edge = 100 - bound if above else bound
            rows.append(((100 * w - edge * b) * (-1 if above else 1))[None, :])
            limits.append(np.array([-1]))  # past the bound, strictly: whole numbers
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
        for t in range(len(self.tables)):
            if t not in self.derived_tables:  # a derived table moves with its source's
                self._rectangles(t)
        ok = self.settled(cells)
        rows = {int(self.row_of[c]) for c, fine in zip(cells, ok, strict=True) if not fine}
        if rows:
            self._respondents(rows)
            ok = self.settled(cells)
        rows = {int(self.row_of[c]) for c, fine in zip(cells, ok, strict=True) if not fine}
        if rows and self.margin[0] != NONE and self.variable()[self.margin[0]]:
            self._answers(rows)
            ok = self.settled(cells)
        return ok

    def _answers(self, rows: set[int]) -> None:
        """Moves of one respondent's answer (a pattern: one answer more or fewer, or one for
        another), at a site and in the network alike, through a column of each table (a
        profile): every relation keeps, each cell within its bounds. Only where the site's and
        the network's totals are withheld."""
        variable = self.variable()
        for r1 in (r for r in rows if r != 0 and self.margin[r] != NONE and variable[self.margin[r]]):
            columns = [[0] if t in self.derived_tables else
                       [k for k in range(grid.shape[1]) if all(grid[r, k] != NONE and variable[grid[r, k]]
                                                               for r in (0, r1))]
                       for t, (grid, _) in enumerate(self.tables)]
            picks = np.array(list(itertools.islice(itertools.product(*columns), 60)), dtype=np.int64)
            if not len(picks):
                continue
            picks = picks.reshape(len(picks), len(self.tables))
            fits = np.ones(len(picks), dtype=bool)
            for ts, links in self.links.items():
                for td, combined in links:
                    picks[:, td] = combined[picks[:, ts]]
                    for r in (0, r1):
                        cell = np.where(picks[:, td] == NONE, NONE, self.tables[td][0][r, picks[:, td]])
                        fits &= (cell != NONE) & variable[np.where(cell == NONE, 0, cell)]
            picks = picks[fits]
            if not len(picks):
                continue
            moved = np.column_stack([np.full(len(picks), self.margin[r]) for r in (0, r1)] + [
                self.tables[t][0][r, picks[:, t]] for t in range(len(self.tables)) for r in (0, r1)])
            for direction, target in ((0, self.up), (1, self.down)):
                reach = self.slack[moved, :, direction].min(axis=1)  # profiles x patterns
                furthest(target, moved.reshape(-1), np.repeat(reach, moved.shape[1], axis=0))

    def _rectangles(self, t: int) -> None:
        """Records the rectangles' moves of one table: where a characteristic is derived from
        it, a rectangle between two columns that different derived values combine moves the
        derived table's cells along (the same rectangle there), within their bounds too."""
        grid = self.tables[t][0]
        padded = np.where(grid == NONE, len(self.keys), grid)
        s = self.slack[padded]  # rows x columns x patterns x (up, down)
        rows, columns = grid.shape
        best_up = np.zeros((rows, columns, len(self.patterns)), dtype=np.int64)
        best_down = np.zeros_like(best_up)
        derived = []  # per derived table: its grid, slack (a last column of none: NONE) and best moves
        for td, combined in self.links.get(t, []):
            other = self.tables[td][0]
            blank = np.hstack([np.where(other == NONE, len(self.keys), other),
                               np.full((rows, 1), len(self.keys))])
            derived.append((other, combined, self.slack[blank],
                            np.zeros((rows, other.shape[1] + 1, len(self.patterns)), dtype=np.int64),
                            np.zeros((rows, other.shape[1] + 1, len(self.patterns)), dtype=np.int64)))
        for k1 in range(columns):
            for k2 in range(columns):
                if k1 == k2:
                    continue
                s1, s2, along = s[:, k1], s[:, k2], []
                for _, combined, slack, up, down in derived:
                    if combined[k1] != combined[k2]:  # the derived cells move too
                        s1 = np.minimum(s1, slack[:, combined[k1]])
                        s2 = np.minimum(s2, slack[:, combined[k2]])
                        along.append((combined[k1], up, down))
                # the other row's corners, for a site's move up (a) and down (b); the network's signs turned
                a = np.minimum(s1[:, :, 1], s2[:, :, 0])
                b = np.minimum(s1[:, :, 0], s2[:, :, 1])
                a_net, b_net = a.copy(), b.copy()
                a_net[0], b_net[0] = b[0], a[0]
                for out, other, same, flip in ((best_up, a_net, 0, 1), (best_down, b_net, 1, 0)):
                    partner = largest_others(other, self.protection)
                    reach = np.minimum(np.minimum(s1[:, :, same], s2[:, :, flip]), partner)
                    if rows > 1:  # the network row itself: its partners are the sites, their signs its own
                        net_other = largest_others((b if same == 0 else a)[1:], self.protection,
                                                   exclude=False)[0]
                        reach[0] = np.minimum(np.minimum(s1[0, :, same], s2[0, :, flip]), net_other)
                    out[:, k1] = np.maximum(out[:, k1], reach)
                    for k, up, down in along:
                        moved = up if out is best_up else down
                        moved[:, k] = np.maximum(moved[:, k], reach)
        for cells_of, up, down in [(grid, best_up, best_down)] + [
                (other, up[:, :-1], down[:, :-1]) for other, _, _, up, down in derived]:
            cells = cells_of != NONE
            furthest(self.up, cells_of[cells], up[cells])
            furthest(self.down, cells_of[cells], down[cells])

    def _respondents(self, rows: set[int]) -> None:
        """Moves of whole respondents between sites whose totals are withheld, into or out of
        the rows given."""
        variable = self.variable()
        open_rows = [r for r in range(1, len(self.margin))
                     if self.margin[r] != NONE and variable[self.margin[r]]]
        for r1 in (r for r in open_rows if r in rows):
            cells, up, down = self._profiles(r1, open_rows)
            furthest(self.up, cells, up)
            furthest(self.down, cells, down)

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
        columns = [[0] if t in self.derived_tables else  # a derived table's column: its source's image
                   [k for k in range(grid.shape[1]) if grid[r1, k] != NONE and variable[grid[r1, k]]]
                   for t, (grid, _) in enumerate(self.tables)]
        profiles = list(itertools.islice(itertools.product(*columns), 60))
        if not partners or not profiles:
            return nothing
        padded = [np.where(grid == NONE, len(self.keys), grid) for grid, _ in self.tables]
        picks = np.array(profiles, dtype=np.int64).reshape(len(profiles), len(self.tables))
        fits = np.ones(len(picks), dtype=bool)
        for ts, links in self.links.items():
            for td, combined in links:
                picks[:, td] = combined[picks[:, ts]]
                cell = np.where(picks[:, td] == NONE, NONE, self.tables[td][0][r1, picks[:, td]])
                fits &= (cell != NONE) & variable[np.where(cell == NONE, 0, cell)]
        picks = picks[fits]
        if not len(picks):
            return nothing
        profiles = picks
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
            elif (self.last_resort or explain) and programmed(self, cell):
                self.certified.add(cell)
                self.programmes += 1
            elif not explain:
                self.undecided.add(cell)
                findings.append(Finding(self.keys[cell], "base", int(self.base[cell]), 0, 0,
                                        int(self.base[cell]), "undecided"))
            else:
                reaches = relaxed(self, cell)
                if any(self.unsafe(f, *reach) for f, reach in reaches.items()):
                    findings += self._findings(cell, reaches)
                    continue
                self.undecided.add(cell)
                f, (low, high, _) = min(reaches.items(), key=lambda item: item[1][1] - item[1][0])
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

