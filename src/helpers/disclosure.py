"""Disclosure control for counted figures: primary suppression, top/bottom coding,
complementary suppression, and an audit that solves the attacker's problem.

Respondent-level data can identify people once broken down by site, group and
characteristic (../methods.md, "Disclosure control"). Before anything is published, per
*cell* (one wave, item, site, group and characteristic value: its base and every answer):

1. **Primary suppression.** A cell whose base is under the minimum is withheld: its numbers
   become missing and the reports show "—" with a footnote ("fewer than 10 respondents").
2. **Top/bottom coding.** In a small group (fewer than :data:`SMALL_GROUP`), a share above
   95% or below 5% would tell a reader how (nearly) everyone answered; the cell is withheld
   and the share is shown only as a bound ("> 75%", "< 10%"), chosen from the base so that
   the protection interval's worth of counts fits under it: the bound itself pins nothing.
3. **The attacker's problem.** Per wave and item, the cells form tables with their margins:
   sites by groups, and for each characteristic sites by its values and the *not stated*
   remainder (all respondents minus those who stated a value, a cell nobody publishes),
   each with a network row; every answer's count adds up along every row and column. An
   outsider knows the shown cells, that counts are whole numbers, none negative, and what
   the printed reasons say: "fewer than 10" (base at most 9), "to protect another" (base
   at least 10), a coded bound (the share under or over it, base under 30), and that an
   option's choosers are between none and all who answered. For each withheld cell (and
   each not stated remainder of fewer than the minimum, which is a figure too) the figures
   protected are its base and each compared count (a scale's positive side, each option):
   a figure is safe when its feasible values span at least the **protection interval**
   (a dataset setting, in counts), the compared count can be above 0 and below its base
   (no one, or everyone, is never shown), and no relation's withheld remainder (its whole
   minus its shown parts, for instance "all respondents - students - staff") rests on 1 to
   fewer than the minimum respondents.
4. **Certified exactly.** A figure is certified by integer witnesses: from the true counts
   (one solution), chains of moves keep every published relation (each move is checked
   against them) and every bound of the cells moved, so the values reached solve the
   attacker's problem. A move is ±δ of one answer (or one answer for another) around a
   rectangle of withheld cells of one table (two rows, two columns; a network row enters
   with its sign), or one whole respondent added to every withheld cell it counts in, or
   moved between two schools. What the witnesses leave undecided goes to exact programmes
   (SciPy's HiGHS) over the connected withheld cells of its wave and item: the linear
   relaxation first (if even it is too narrow, the figure is unsafe; if its optimal vertex
   is whole, that is the integer optimum), else the integer programme of reaching the
   protection interval. Nothing is certified by a heuristic or by fixing other cells at
   their true values; a cell once certified stays so, since withholding more only widens
   what an outsider must allow.
5. **Complementary suppression** repairs what the audit finds: for an unsafe cell, the
   cheapest rectangle of shown cells (smallest bases) whose moves certify it; for a small
   remainder, the smallest shown part of its relation. Rounds first repair every cell the
   witnesses leave uncertified (unproved: it costs suppression, never safety), then the
   exact audit runs, and rounds again while it finds more.

Counts are the unweighted ones: a shown percentage with its base gives the count. Tallies
already public (the TFS brief) are flagged, never suppressed.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from helpers.codebook import Codebook

CELL = ["wave", "site", "group", "breakdown", "value", "item"]
SMALL_GROUP = 30  # top/bottom coding applies below this many respondents
TOP, BOTTOM = 95.0, 5.0
UNSTATED = "(not stated)"  # the value of a breakdown's remainder: all respondents minus those who stated one
MARGIN = "*"  # a table's column of all groups (all respondents)
ROUNDS = 60  # passes of complementary suppression before giving up
SECONDS = 20.0  # time limit of one integer programme; a programme that runs out leaves its figure unsafe


@dataclass
class Finding:
    """A withheld figure an outsider can narrow too far: its cell, which figure ("base" or an
    answer), what is true, and the interval (or remainder) the published figures allow."""

    key: tuple
    figure: str
    true: int
    low: int
    high: int
    base: int
    why: str  # "pinned", "none", "all", "narrow" or "remainder"

    def words(self) -> str:
        where = " / ".join(part for part in self.key if part)
        if self.why == "remainder":
            return f"{where}: the withheld parts of a published total add up to {self.true} respondents"
        if self.why in ("pinned", "narrow"):
            span = (f"is {self.true}" if self.low == self.high else f"is between {self.low} and {self.high}")
        else:
            span = "is 0" if self.why == "none" else f"is all {self.base}"
        return f"{where}: the {self.figure} count {span} (of {self.base})"


@dataclass
class Audit:
    """What disclosure control did, and whether anything withheld can be worked out."""

    min_base: int
    protection: int = 2
    cells: int = 0
    primary: int = 0
    coded: int = 0
    complementary: int = 0
    figures: int = 0  # withheld cells (and small remainders) audited
    witnessed: int = 0  # of which certified by integer witnesses
    programmed: int = 0  # of which certified by integer programmes
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
        scale = codebook.scale_of(item)
        self.min_base, self.protection = min_base, protection
        if item.kind == "choose-any":
            self.atoms = [o.id for o in item.options] + ["n"]
            self.base_w = np.eye(len(self.atoms), dtype=np.int64)[-1]
            figures = {o: np.eye(len(self.atoms), dtype=np.int64)[i] for i, o in enumerate(self.atoms[:-1])}
        else:
            self.atoms = [level.id for level in scale.levels]
            self.base_w = np.array([level.side != "apart" for level in scale.levels], dtype=np.int64)
            figures = {"positive": np.array([level.side == "positive" for level in scale.levels],
                                            dtype=np.int64)}
        self.choose_any = item.kind == "choose-any"
        self.figures = {**figures, "base": self.base_w}  # the protected figures, as weights on the atoms
        keys = list(dict.fromkeys(map(tuple, rows[CELL].to_numpy().tolist())))
        index = {key: i for i, key in enumerate(keys)}
        counts = np.zeros((len(keys), len(self.atoms)), dtype=np.int64)
        position = {a: i for i, a in enumerate(self.atoms)}
        cells = [index[tuple(k)] for k in rows[CELL].to_numpy().tolist()]
        for cell, answer, count, n in zip(cells, rows["answer"], rows["count"].astype(float),
                                          rows["n"].astype(float), strict=True):
            if answer in position:
                counts[cell, position[answer]] = round(count)
            if self.choose_any:
                counts[cell, -1] = round(n)
        self.count = len(keys)  # cells that are published figures (not the remainders)
        self.keys, self.index = keys, index
        wave, item_id = keys[0][0], keys[0][5]
        sites = sorted({k[1] for k in keys if k[1]})
        groups = list(dict.fromkeys(k[2] for k in keys if k[2]))
        self.sites, self.groups = sites, groups
        breakdowns: dict[str, list] = {}
        for k in keys:
            if k[3] and k[4] not in breakdowns.setdefault(k[3], []):
                breakdowns[k[3]].append(k[4])
        extra = []
        for breakdown in breakdowns:
            for site in ["", *sites]:
                whole = index.get((wave, site, "", "", "", item_id))
                if whole is None:
                    continue
                parts = [index[p] for v in breakdowns[breakdown]
                         if (p := (wave, site, "", breakdown, v, item_id)) in index]
                rest = counts[whole] - counts[parts].sum(axis=0)  # every atom adds up
                assert (rest >= 0).all(), (site, breakdown, rest)
                key = (wave, site, "", breakdown, UNSTATED, item_id)
                index[key] = len(keys) + len(extra)
                extra.append((key, rest))
        self.keys = keys + [key for key, _ in extra]
        self.breakdowns = list(breakdowns)
        self.x = np.vstack([counts, *[rest[None, :] for _, rest in extra]]) if extra else counts
        self.base = self.x @ self.base_w
        self.status = np.array(["shown"] * len(keys) + ["unstated"] * len(extra), dtype=object)
        self.bound = {}  # cell: {figure: (bound, above)} of a coded cell
        self.tables = []  # (rows, columns, entry: (row, column) -> cell)
        columns_of = [("", groups)] + [(b, [*values, UNSTATED]) for b, values in breakdowns.items()]
        for breakdown, columns in columns_of:
            if not columns:
                continue
            entry = {}
            for site in ["", *sites]:
                for column in columns:
                    key = ((wave, site, column, "", "", item_id) if not breakdown
                           else (wave, site, "", breakdown, column, item_id))
                    if key in index:
                        entry[(site, column)] = index[key]
                if (whole := index.get((wave, site, "", "", "", item_id))) is not None:
                    entry[(site, MARGIN)] = whole
            self.tables.append((["", *sites], columns, entry))
        self.places = [{e: (r, c) for (r, c), e in entry.items() if c != MARGIN}  # each cell's place
                       for _, _, entry in self.tables]
        self.relations = self._relations()
        self.certified: dict[int, str] = {}  # cell: how its figures were certified
        self.of_cell = defaultdict(list)
        self.coefficients = defaultdict(dict)  # cell: {relation: its coefficient there}
        for r, relation in enumerate(self.relations):
            for cell, coef in relation:
                self.of_cell[cell].append(r)
                self.coefficients[cell][r] = coef
        self._limits: dict = {}

    def _relations(self) -> list[list[tuple[int, int]]]:
        """Returns every published relation as (cell, coefficient) pairs summing to 0, for every
        atom alike: each row of each table (its margin minus its parts), each column (the
        network minus the sites), and the margin column once."""
        relations, seen = [], set()
        wave, item = self.keys[0][0], self.keys[0][5]
        sites = sorted({k[1] for k in self.keys if k[1] and k[2:5] == ("", "", "")})
        whole = self.index.get((wave, "", "", "", "", item))
        parts = [self.index[(wave, s, "", "", "", item)] for s in sites]
        if whole is not None and parts:
            relations.append([(whole, 1)] + [(p, -1) for p in parts])
            seen.add(frozenset(relations[0]))
        for rows, columns, entry in self.tables:
            for column in [*columns, MARGIN]:
                if ("", column) in entry:
                    relation = [(entry[("", column)], 1)] + [(entry[(s, column)], -1) for s in rows[1:]
                                                              if (s, column) in entry]
                    if len(relation) > 1 and frozenset(relation) not in seen:
                        seen.add(frozenset(relation))
                        relations.append(relation)
            for site in rows:
                if (site, MARGIN) in entry:
                    relation = [(entry[(site, MARGIN)], 1)] + [(entry[(site, c)], -1) for c in columns
                                                               if (site, c) in entry]
                    if len(relation) > 1:
                        relations.append(relation)
        return relations

    # -- what an outsider knows of one withheld cell: G x <= h on its atoms ------------------
    def constraints(self, cell: int, status: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        status = status or self.status[cell]
        if (cell, status) not in self._limits:
            self._limits[(cell, status)] = self._constraints(cell, status)
        return self._limits[(cell, status)]

    def _constraints(self, cell: int, status: str) -> tuple[np.ndarray, np.ndarray]:
        size = len(self.atoms)
        rows, limits = [-np.eye(size, dtype=np.int64)], [np.zeros(size, dtype=np.int64)]  # none negative
        b = self.base_w
        if self.choose_any:
            options = np.eye(size, dtype=np.int64)[:-1] - b  # each option at most who answered
            rows.append(options)
            limits.append(np.zeros(size - 1, dtype=np.int64))
            rows.append((b - (1 - b))[None, :])  # who answered chose at least one option
            limits.append(np.zeros(1, dtype=np.int64))
        if status == "primary":
            rows += [b[None, :], -np.ones((1, size), dtype=np.int64)]  # under the minimum; exists
            limits += [np.array([self.min_base - 1]), np.array([-1])]
        elif status in ("complementary", "coded"):
            rows.append(-b[None, :])
            limits.append(np.array([-self.min_base]))
        if status == "coded":
            rows.append(b[None, :])
            limits.append(np.array([SMALL_GROUP - 1]))
            for figure, (bound, above) in self.bound.get(cell, {}).items():
                w = self.figures[figure]
                # 100 w < bound * base (under), or 100 w > bound * base (over); whole numbers
                g = (100 * w - round(bound) * b) * (-1 if above else 1)
                rows.append(g[None, :])
                limits.append(np.array([-1]))
        return np.vstack(rows), np.concatenate(limits)

    def variable(self) -> np.ndarray:
        return self.status != "shown"

    def protected(self) -> list[int]:
        """Returns the cells whose figures must be protected: every withheld cell, and every
        not stated remainder of 1 to fewer than the minimum respondents."""
        withheld = self.status != "shown"
        large = (self.status == "unstated") & ((self.base == 0) | (self.base >= self.min_base))
        return list(np.flatnonzero(withheld & ~large))

    # -- integer witnesses ------------------------------------------------------------------
    def moves(self) -> list[np.ndarray]:
        """Returns the atom patterns a move shifts: one atom, or one up and another down."""
        size = len(self.atoms)
        eye = np.eye(size, dtype=np.int64)
        if self.choose_any:
            return ([eye[i] for i in range(size)] + [eye[i] + eye[-1] for i in range(size - 1)]
                    + [eye[i] - eye[j] for i in range(size - 1) for j in range(i + 1, size - 1)])
        counted = [i for i in range(size) if self.base_w[i]]
        positive = [i for i in counted if self.figures["positive"][i]]
        rest = [i for i in counted if i not in positive]
        return [eye[i] for i in counted] + [eye[p] - eye[q] for p in positive for q in rest]

    def rectangles(self, cell: int, variable: np.ndarray):
        """Yields, for each table the cell is inside of, the other three cells of each rectangle
        of withheld cells through it, with the signs a move gives them."""
        for t, (rows, columns, entry) in enumerate(self.tables):
            place = self.places[t].get(cell)
            if place is None:
                continue
            r1, k1 = place
            sign1 = -1 if r1 == "" else 1
            others = [k for k in columns if k != k1 and (e := entry.get((r1, k))) is not None and variable[e]]
            for r2 in rows:
                down = entry.get((r2, k1))
                if r2 == r1 or down is None or not variable[down]:
                    continue
                flip = sign1 * (-1 if r2 == "" else 1)
                for k2 in others:
                    corner = entry.get((r2, k2))
                    if corner is not None and variable[corner]:
                        yield (entry[(r1, k2)], -1), (down, -flip), (corner, flip)

    def _profile(self, site: str, group: str | None, values: dict) -> list[int] | None:
        """Returns the cells one respondent counts in (at a site, in a group, with a value or
        none stated of each characteristic), network ones included; None if one is not there."""
        wave, item = self.keys[0][0], self.keys[0][5]
        keys = []
        for where in (site, ""):
            keys.append((wave, where, "", "", "", item))
            if group:
                keys.append((wave, where, group, "", "", item))
            keys += [(wave, where, "", b, v, item) for b, v in values.items()]
        cells = [self.index.get(k) for k in keys]
        return None if any(c is None for c in cells) else cells

    def respondents(self, cell: int, variable: np.ndarray, limit: int = 12):
        """Yields moves of one whole respondent through the cell: added (every cell it counts
        in, network ones too), or moved from another site (the network's cells unchanged); each
        as (cell, sign) pairs, the cell first with +1."""
        _, site, group, breakdown, value, _ = self.keys[cell]
        groups = [group] if group else (self.groups or [None])
        sites = [site] if site else self.sites
        for g in groups:
            values = {b: (value if b == breakdown else UNSTATED) for b in self.breakdowns}
            for s in sites[:limit]:
                here = self._profile(s, g, values)
                if here is None:
                    continue
                if all(variable[c] for c in here):
                    yield [(cell, 1)] + [(c, 1) for c in here if c != cell]
                if not site:
                    continue
                local = here[:len(here) // 2]
                if not all(variable[c] for c in local):
                    continue
                for other in [o for o in self.sites if o != s][:limit]:
                    there = self._profile(other, g, values)
                    if there is not None and all(variable[c] for c in there[:len(there) // 2]):
                        yield [(cell, 1)] + [(c, 1) for c in local if c != cell] + [
                            (c, -1) for c in there[:len(there) // 2]]

    def witness(self, cell: int, variable: np.ndarray, status: np.ndarray, limit: int = 40) -> dict:
        """Returns, for each protected figure of the cell, the [low, high] that chains of moves
        reach and the highest its complement (base minus it) reaches. Each chain starts at the
        true counts and takes, step by step, the rectangle move that goes furthest, checking
        every bound of the cells it moves: each point it reaches solves the attacker's problem."""
        truth = self.x[cell]
        reach = {f: [int(w @ truth)] * 2 + [int((self.base_w - w) @ truth)] for f, w in self.figures.items()}
        if self._settled(cell, reach):
            return reach
        rectangles = [[(cell, 1), *corners] for corners in self.rectangles(cell, variable)][:limit]
        rectangles += list(self.respondents(cell, variable))
        rectangles = [moved for moved in rectangles if self._keeps(moved)]
        if not rectangles:
            return reach
        involved = sorted({c for moved in rectangles for c, _ in moved})
        where = {c: i for i, c in enumerate(involved)}
        limits = [self.constraints(c, status[c]) for c in involved]
        depth = max(len(h) for _, h in limits)
        g = np.zeros((len(involved) + 1, depth, len(self.atoms)), dtype=np.int64)  # the last: no cell
        h = np.full((len(involved) + 1, depth), 10**9, dtype=np.int64)
        for i, (gi, hi) in enumerate(limits):
            g[i, :len(hi)], h[i, :len(hi)] = gi, hi
        width = max(len(moved) for moved in rectangles)
        corners = np.full((len(rectangles), width), len(involved))  # moves x cells, padded with no cell
        signs = np.zeros((len(rectangles), width), dtype=np.int64)
        for r, moved in enumerate(rectangles):
            corners[r, :len(moved)] = [where[c] for c, _ in moved]
            signs[r, :len(moved)] = [sign for _, sign in moved]
        patterns = np.array(self.moves())  # patterns x atoms
        # each corner's bounds along each pattern: rectangles x 4 x patterns x constraints
        along = signs[:, :, None, None] * np.einsum("rjka,pa->rjpk", g[corners], patterns)
        for f, w in self.figures.items():
            for slot, weights, sign in ((1, w, 1), (0, w, -1), (2, self.base_w - w, 1)):
                if self._figure_settled(f, reach[f], slot):
                    continue
                reach[f][slot] = self._chain(corners, signs, along, patterns, g, h, involved,
                                             weights * sign, f, reach[f], slot, sign)
            if not self._figure_settled(f, reach[f], None):
                break  # one figure left unsafe is enough to send the cell on
        return reach

    def _keeps(self, moved: list[tuple[int, int]]) -> bool:
        """Returns whether a move keeps every published relation (a check of the moves' making:
        a witness that broke one would prove nothing)."""
        balance = defaultdict(int)
        for c, sign in moved:
            for r, coef in self.coefficients[c].items():
                balance[r] += coef * sign
        return not any(balance.values())

    def _figure_settled(self, f: str, value: list, slot: int | None) -> bool:
        """Returns whether a figure's reach so far is enough: for slot 0 or 1 (how low, how
        high) a span of the protection interval (which, counts being at least 0, also puts the
        high end at 1 or more), for slot 2 a complement of 1 or more; for None, both."""
        low, high, rest = value
        if slot == 2:
            return f == "base" or rest >= 1
        wide = high - low >= self.protection
        return wide if slot is not None else wide and (f == "base" or rest >= 1)

    def _chain(self, corners, signs, along, patterns, g, h, involved, weights, f, value, slot, sign) -> int:
        """Returns the furthest the weighted figure goes (in the sign's direction) along a chain of
        moves from the true counts; every point on the way is checked against every bound."""
        current = np.vstack([self.x[involved], np.zeros((1, len(self.atoms)), dtype=np.int64)])
        gains = patterns @ weights  # patterns
        useful = gains != 0
        target = list(value)
        cell = corners[0, 0]  # the cell itself is the first corner of every rectangle
        here = int(weights @ current[cell]) * sign
        for _ in range(4 * self.protection + 4):
            slack = h - np.einsum("cka,ca->ck", g, current)  # cells x constraints
            room = slack[corners][:, :, None, :]  # rectangles x 4 x 1 x constraints
            with np.errstate(divide="ignore", invalid="ignore"):
                up = np.where(along > 0, room // np.where(along > 0, along, 1), 10**9).min(axis=(1, 3))
                down = np.where(along < 0, -(room // np.where(along < 0, -along, 1)), -10**9).max(axis=(1, 3))
            step = np.where(gains > 0, up, down)  # rectangles x patterns
            step = np.where((up >= down) & useful[None, :], step, 0)
            total = step * gains[None, :]
            if total.max() <= 0:
                break
            r, p = np.unravel_index(int(total.argmax()), total.shape)
            moved = step[r, p] * patterns[p]
            for j in range(corners.shape[1]):
                current[corners[r, j]] += signs[r, j] * moved
            here = int(weights @ current[cell]) * sign
            target[slot] = here
            if self._figure_settled(f, target, slot):
                break
        return here

    def _settled(self, cell: int, reach: dict) -> bool:
        return not self._unsafe(cell, reach)

    def _unsafe(self, cell: int, reach: dict) -> list[tuple]:
        """Returns the figures the reach leaves unprotected: (figure, why)."""
        out = []
        for f, (low, high, rest) in reach.items():
            if high - low < self.protection:
                out.append((f, "pinned" if high == low else "narrow"))
            elif f != "base" and high < 1:
                out.append((f, "none"))
            elif f != "base" and rest < 1:
                out.append((f, "all"))
        return out

    # -- exact programmes -------------------------------------------------------------------
    def component(self, cell: int, variable: np.ndarray) -> list[int]:
        """Returns the withheld cells tied to this one by relations with other withheld cells."""
        seen, stack = {cell}, [cell]
        while stack:
            c = stack.pop()
            for r in self.of_cell[c]:
                for other, _ in self.relations[r]:
                    if variable[other] and other not in seen:
                        seen.add(other)
                        stack.append(other)
        return sorted(seen)

    def programme(self, cells: list[int], status: np.ndarray):
        """Returns the attacker's problem over some withheld cells: A_eq x = b_eq, A_ub x <= b_ub
        (x: each cell's atoms in turn), every relation the cells take part in written out."""
        size = len(self.atoms)
        column = {c: i * size for i, c in enumerate(cells)}
        variable = self.variable()
        eq_rows, eq_cols, eq_vals, b_eq = [], [], [], []
        relations = sorted({r for c in cells for r in self.of_cell[c]})
        row = 0
        for r in relations:
            relation = self.relations[r]
            constant = sum(coef * self.x[c] for c, coef in relation if not variable[c])
            for a in range(size):
                for c, coef in relation:
                    if variable[c]:
                        eq_rows.append(row)
                        eq_cols.append(column[c] + a)
                        eq_vals.append(coef)
                b_eq.append(-constant[a] if not isinstance(constant, int) else 0)
                row += 1
        ub_rows, ub_cols, ub_vals, b_ub = [], [], [], []
        row_ub = 0
        for c in cells:
            g, h = self.constraints(c, status[c])
            for j in range(len(h)):
                for a in np.flatnonzero(g[j]):
                    ub_rows.append(row_ub)
                    ub_cols.append(column[c] + a)
                    ub_vals.append(g[j, a])
                b_ub.append(h[j])
                row_ub += 1
        n = len(cells) * size
        a_eq = sparse.csr_array((eq_vals, (eq_rows, eq_cols)), shape=(row, n))
        a_ub = sparse.csr_array((ub_vals, (ub_rows, ub_cols)), shape=(row_ub, n))
        return column, a_eq, np.array(b_eq, dtype=float), a_ub, np.array(b_ub, dtype=float)

    def solve(self, cell: int, status: np.ndarray) -> dict:
        """Returns the figures' exact reach by programmes over the cell's connected block: the
        relaxation first (enough to show a figure unsafe), then the integer programme."""
        variable = status != "shown"
        cells = self.component(cell, variable)
        column, a_eq, b_eq, a_ub, b_ub = self.programme(cells, status)
        size, n = len(self.atoms), len(cells) * len(self.atoms)
        start = column[cell]

        def extreme(weights: np.ndarray, sign: int) -> tuple[float, bool]:
            """Returns the relaxation's highest (sign 1) or lowest (sign -1) value of the weighted
            figure, as a signed maximum, and whether its optimal vertex is whole (then it is
            also the integer programme's optimum)."""
            cost = np.zeros(n)
            cost[start:start + size] = -sign * weights
            result = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None),
                             method="highs")
            if result.status != 0:
                return math.nan, False
            return -result.fun, bool(np.all(np.abs(result.x - np.round(result.x)) < 1e-9))

        def reaches(weights: np.ndarray, sign: int, target: float) -> bool:
            """Returns whether a whole solution takes the figure to the target (at least, sign 1;
            at most, sign -1): the integer programme of finding one, proved either way."""
            row = np.zeros((1, n))
            row[0, start:start + size] = sign * weights
            constraints = [LinearConstraint(a_eq, b_eq, b_eq), LinearConstraint(a_ub, -np.inf, b_ub),
                           LinearConstraint(row, sign * target, np.inf)]
            result = milp(np.zeros(n), constraints=constraints, integrality=np.ones(n),
                          bounds=Bounds(0, np.inf), options={"time_limit": SECONDS})
            return result.status == 0

        reach = {}
        for f, w in self.figures.items():
            here, rest = int(w @ self.x[cell]), int((self.base_w - w) @ self.x[cell])
            low, whole_low = extreme(w, -1)
            high, whole_high = extreme(w, 1)
            top, whole_top = extreme(self.base_w - w, 1) if f != "base" else (0.0, True)
            reach[f] = _whole([-low, high, top], False)
            if self._unsafe(cell, {f: reach[f]}):
                return reach  # even the relaxation is too narrow: so is every whole solution
            outer = reach[f]
            # whole solutions: the relaxation's own where whole, else the truth moved as far as needed
            high = outer[1] if whole_high else here + max(0, self.protection - (here - outer[0]))
            if not whole_high and high > here and not reaches(w, 1, high):
                high = here
            low = outer[0] if whole_low else max(outer[0], high - self.protection)
            if not whole_low and low < here and not reaches(w, -1, low):
                low = here
            top = outer[2] if whole_top or rest >= 1 or f == "base" else (1 if reaches(self.base_w - w, 1, 1)
                                                                          else rest)
            reach[f] = [int(low), int(high), int(max(top, rest))]
            if self._unsafe(cell, {f: reach[f]}):
                return reach
        return reach

    # -- the audit and its repair ---------------------------------------------------------
    def audit(self, exact: bool = True) -> list[Finding]:
        """Returns what the attacker's problem finds. Cells the witnesses or the programmes
        certify stay certified (withholding more only widens what an outsider must allow).
        When exact, the programmes decide what the witnesses leave open; else such a cell
        comes back as a finding at what the witnesses reached (unproved: repairing it costs
        suppression, never safety)."""
        findings = []
        variable = self.variable()
        for cell in self.protected():
            if cell in self.certified:
                continue
            reach = self.witness(cell, variable, self.status)
            if self._settled(cell, reach):
                self.certified[cell] = "witness"
                continue
            if exact:
                reach = self.solve(cell, self.status)
                if self._settled(cell, reach):
                    self.certified[cell] = "programme"
                    continue
            for figure, why in self._unsafe(cell, reach):
                low, high, _ = reach[figure]
                w = self.figures[figure]
                findings.append(Finding(self.keys[cell], figure, int(w @ self.x[cell]), int(low), int(high),
                                        int(self.base[cell]), why))
        return findings + self.remainders()

    def protect(self, complementary: bool) -> list[Finding]:
        """Returns what the audit finds after complementary suppression (if on) repaired what
        it could: rounds of witnesses and repairs first, then the exact audit, and rounds of
        it while it finds more."""
        for exact in (False, True) if complementary else (True,):
            findings = self.audit(exact)
            for _ in range(ROUNDS):
                if not findings or not complementary or not self.repair(findings):
                    break
                findings = self.audit(exact)
        return findings

    def remainders(self) -> list[Finding]:
        """Returns each published relation whose withheld parts add up to 1 to fewer than the
        minimum respondents (the whole and the other parts shown: the sum is exact)."""
        found = []
        for relation in self.relations:
            whole, parts = relation[0][0], [c for c, _ in relation[1:]]
            if self.status[whole] != "shown":
                continue
            hidden = [c for c in parts if self.status[c] != "shown"]
            if len(hidden) < 2:
                continue  # one part alone is a cell of its own
            size = int(self.base[hidden].sum())
            if 0 < size < self.min_base:
                found.append(Finding(self.keys[hidden[0]], "base", size, size, size, size, "remainder"))
        return found

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
            if changed and self._settled(cell, self.witness(cell, self.variable(), self.status)):
                continue  # protected by a cell withheld for another finding this pass
            changed |= self._complete(cell)
        return changed

    def _widen(self, cell: int) -> bool:
        for r in self.of_cell[cell]:
            relation = self.relations[r]
            if relation[0][0] == cell or self.status[relation[0][0]] != "shown":
                continue
            parts = [c for c, _ in relation[1:]]
            hidden = [c for c in parts if self.status[c] != "shown"]
            size = int(self.base[hidden].sum())
            shown = [c for c in parts if self.status[c] == "shown"]
            if 0 < size < self.min_base and shown:
                chosen = min(shown, key=lambda c: (self.base[c], self.keys[c]))
                self.status[chosen] = "complementary"
                return True
        return False

    def _complete(self, cell: int) -> bool:
        """Withholds the shown cells of the cheapest rectangle through the cell whose moves
        protect it (else the cheapest rectangle at all)."""
        candidates = []
        for t, (rows, columns, entry) in enumerate(self.tables):
            place = self.places[t].get(cell)
            if place is None:
                continue
            r1, k1 = place
            for r2 in rows:
                for k2 in columns:
                    if r2 == r1 or k2 == k1:
                        continue
                    corners = [entry.get((r1, k2)), entry.get((r2, k1)), entry.get((r2, k2))]
                    if any(c is None for c in corners):
                        continue
                    fresh = [c for c in corners if self.status[c] == "shown"]
                    if not fresh:
                        continue
                    cost = sum(int(self.base[c]) for c in fresh)
                    candidates.append((cost, len(fresh), [self.keys[c] for c in fresh], fresh))
        if not candidates:
            return self._widen_any(cell)
        candidates.sort(key=lambda c: c[:3])
        for _, _, _, fresh in candidates[:60]:
            trial = self.status.copy()
            trial[fresh] = "complementary"
            if self._settled(cell, self.witness(cell, trial != "shown", trial)):
                self.status[fresh] = "complementary"
                return True
        self.status[candidates[0][3]] = "complementary"
        return True

    def _widen_any(self, cell: int) -> bool:
        """Withholds the smallest shown cell of any relation the cell takes part in."""
        shown = [c for r in self.of_cell[cell] for c, _ in self.relations[r] if self.status[c] == "shown"]
        if not shown:
            return False
        self.status[min(shown, key=lambda c: (self.base[c], self.keys[c]))] = "complementary"
        return True


def _whole(reach: list[float], integer: bool) -> list[int]:
    """Returns a figure's [low, high, highest complement] in whole numbers: a relaxation's
    rounded inwards (whole solutions lie inside it); an unproved bound as no room at all."""
    if any(math.isnan(v) for v in reach):
        return [0, 0, 0]
    low, high, rest = reach
    if integer:
        return [round(low), round(high), round(rest)]
    return [math.ceil(low - 1e-6), math.floor(high + 1e-6), math.floor(rest + 1e-6)]


def _coded(figures: pd.DataFrame, codebook: Codebook) -> dict[tuple, dict]:
    """Returns, for each cell of a small group where (nearly) everyone or no one gave a compared
    answer, that answer's id and its share (weighted) and count share (unweighted)."""
    compared = set()
    for item in codebook.items:
        if item.kind == "choose-any":
            compared |= {(item.id, o.id) for o in item.options}
        else:
            compared.add((item.id, "positive"))
    keep = np.array([(i, a) in compared for i, a in zip(figures["item"], figures["answer"], strict=True)],
                    dtype=bool)
    rows = figures[keep] if len(figures) else figures
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
            complementary: bool = True, protection: int = 2) -> tuple[pd.DataFrame, Audit]:
    """Returns the figures with every withheld cell's numbers missing, column "suppressed"
    ("primary", "coded", "complementary" or "") and column "shown" (what a report shows in
    place of a withheld figure: "—", or a coded share's bound such as "< 10%"), and the audit."""
    figures = figures.copy()
    figures["suppressed"], figures["shown"] = "", ""
    audit = Audit(min_base=min_base, protection=protection)
    counted = (figures["exact"].astype(bool) & (figures["file"] != "figures.csv")).to_numpy()
    if not counted.any():
        return figures, audit
    rows = figures[counted]
    sizes = rows.groupby(CELL, sort=False)["n"].min().astype(float).to_dict()  # the smallest base in a cell
    large = rows[rows["n"].astype(float) >= min_base]
    coded = _coded(large, codebook) if coding and len(large) else {}
    kinds: dict[tuple, str] = {}
    shown_as: dict[tuple, str] = {}
    for _, block_rows in rows.groupby(["wave", "item"], sort=False):
        block = Block(block_rows, codebook, min_base, protection)
        for cell, key in enumerate(block.keys[:block.count]):
            if sizes[key] < min_base:
                block.status[cell] = "primary"
            elif key in coded:
                block.status[cell] = "coded"
                marks = {}
                for answer, (percent, extreme, n) in coded[key].items():
                    bound = coded_bound(extreme, n, protection)
                    figure = "positive" if "positive" in block.figures else answer
                    block.bound.setdefault(cell, {})[figure] = (bound, percent > 50)
                    marks[(key, answer)] = f"> {bound:.0f}%" if percent > 50 else f"< {bound:.0f}%"
                shown_as.update(marks)
        audit.cells += block.count
        audit.findings += block.protect(complementary)
        ways = list(block.certified.values())
        audit.witnessed += ways.count("witness")
        audit.programmed += ways.count("programme")
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
