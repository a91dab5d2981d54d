"""The disclosure audit's programmes over a withheld cell's neighbourhood (SciPy's HiGHS): the
last resort's integer programme, whose whole solutions certify a cell soundly, and the linear
relaxation that says how far an outsider gets with what is left. Each takes the attacker's
problem of one wave and item (helpers.audit.Problem), which calls them; this module imports
nothing of it."""

import math

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

PARTNERS = 6  # sites the last resort's programme lets move with the cell's
NODES = 200  # branch-and-bound nodes one such integer programme may take: a limit that does not
# depend on how busy the machine is, so the same data give the same figures withheld
SECONDS = 10  # and a time limit only as a safety net; one that runs out leaves its figure undecided
NONE = -1


def _programme(problem, free: list[int], boxed: list[int]):
    """Returns the attacker's problem over the free cells' answers (with their bounds) and
    the boxed cells' (only none negative, and at most what their reasons allow): every
    relation a free cell takes part in, every cell outside both lists at its true value."""
    size = len(problem.atoms)
    cells = free + boxed
    column = {c: i * size for i, c in enumerate(cells)}
    wanted = set(free)
    eq_r, eq_c, eq_v, b_eq, row = [], [], [], [], 0
    for relation in problem.relations:
        if not any(c in wanted for c, _ in relation):
            continue
        constant = sum((coef * problem.x[c] for c, coef in relation if c not in column),
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
        g, h = problem.constraints(c, problem.status[c])
        for j in range(len(h)):
            for a in np.flatnonzero(g[j]):
                ub_r.append(row_ub)
                ub_c.append(column[c] + a)
                ub_v.append(g[j, a])
            b_ub.append(h[j])
            row_ub += 1
    upper = np.full(len(cells) * size, np.inf)
    for c in boxed:
        if problem.status[c] == "primary":
            upper[column[c]:column[c] + size] = problem.min_base - 1 if problem.choose_any else np.where(
                problem.base_w > 0, problem.min_base - 1, np.inf)
        margin = problem.margin[problem.row_of[c]]
        if margin != NONE and problem.status[margin] == "shown":
            upper[column[c]:column[c] + size] = np.minimum(upper[column[c]:column[c] + size],
                                                           problem.x[margin])
    n = len(cells) * size
    a_eq = sparse.csr_array((eq_v, (eq_r, eq_c)), shape=(row, n))
    a_ub = sparse.csr_array((ub_v, (ub_r, ub_c)), shape=(row_ub, n))
    return column, a_eq, np.array(b_eq, dtype=float), a_ub, np.array(b_ub, dtype=float), upper

def relaxed(problem, cell: int) -> dict:
    """Returns each figure's [low, high, rest high] over the site's relaxation: the
    cell's row of cells free, the rest of each column only boxed; rounded inwards, every
    whole solution lies inside."""
    variable = problem.variable()
    r = problem.row_of[cell]
    free = [c for c in np.flatnonzero(variable) if problem.row_of[c] == r]
    columns = {(problem.place[c][0], problem.place[c][2]) for c in free if c in problem.place}
    boxed = sorted({int(grid[q, k]) for t, k in columns for grid in [problem.tables[t][0]]
                    for q in range(grid.shape[0])
                    if q != r and grid[q, k] != NONE and variable[grid[q, k]]})
    if any(c in problem.margins for c in free):
        boxed += [int(c) for q, c in enumerate(problem.margin) if q != r and c != NONE and variable[c]]
    column, a_eq, b_eq, a_ub, b_ub, upper = _programme(problem, [int(c) for c in free], boxed)
    size, n = len(problem.atoms), len(column) * len(problem.atoms)
    start = column[cell]
    out = {}
    for f, w in problem.figures.items():
        values = []
        for weights, sign in ((w, 1), (w, -1), (problem.base_w - w, 1)):
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

def programmed(problem, cell: int) -> bool:
    """Returns whether the programme of the cell's site and a few partner sites (everything
    else at its true value) has whole solutions that certify every figure of the cell."""
    variable = problem.variable()
    r = problem.row_of[cell]
    mine = [c for c in np.flatnonzero(variable) if problem.row_of[c] == r]
    shared = {}
    for c in mine:
        if c in problem.place:
            t, _, k = problem.place[c]
            grid = problem.tables[t][0]
            for q in np.flatnonzero((grid[:, k] != NONE) & (np.arange(grid.shape[0]) != r)):
                if variable[grid[q, k]] and q != 0:  # the partners with the most people to move
                    shared[q] = shared.get(q, 0) + int(problem.x[grid[q, k]].sum())
    if problem.margin[r] != NONE and variable[problem.margin[r]]:  # a respondent moved between sites
        for q in range(1, len(problem.margin)):
            if q != r and problem.margin[q] != NONE and variable[problem.margin[q]]:
                shared[q] = shared.get(q, 0) + 10**6
    partners = sorted(shared, key=lambda q: (-shared[q], q))[:PARTNERS]
    free = [int(c) for c in np.flatnonzero(variable) if problem.row_of[c] in {0, r, *partners}]
    column, a_eq, b_eq, a_ub, b_ub, _ = _programme(problem, free, [])
    size, n = len(problem.atoms), len(free) * len(problem.atoms)
    start = column[cell]
    constraints = [LinearConstraint(a, low, high) for a, low, high in
                   ((a_eq, b_eq, b_eq), (a_ub, np.full(len(b_ub), -np.inf), b_ub)) if a.shape[0]]
    truth = np.concatenate([problem.x[c] for c in free]).astype(float)
    found = [truth]

    def reach(w: np.ndarray, low: float, high: float) -> None:
        """Looks for a whole solution whose figure w lies in [low, high]: a question of
        feasibility, which HiGHS answers at its first solution (no optimum sought)."""
        row = np.zeros((1, n))
        row[0, start:start + size] = w
        result = milp(np.zeros(n), constraints=[*constraints, LinearConstraint(row, low, high)],
                      integrality=np.ones(n), bounds=Bounds(0, np.inf),
                      options={"time_limit": SECONDS, "node_limit": NODES})
        if result.x is None:
            return
        x = np.round(result.x)  # a whole solution, checked exactly before it counts
        if (np.abs(a_eq @ x - b_eq) < 1e-9).all() and (a_ub @ x <= b_ub + 1e-9).all() and (x >= 0).all():
            found.append(x)

    for f, w in problem.figures.items():
        whole = problem.base_w - w
        true = round(truth[start:start + size] @ w)
        for low, high in ((true + problem.protection, np.inf), (-np.inf, true - problem.protection)):
            counts = [round(x[start:start + size] @ w) for x in found]
            if max(counts) - min(counts) < problem.protection and (high >= 0):
                reach(w, low, high)
        if f != "base":
            if max(round(x[start:start + size] @ w) for x in found) < 1:
                reach(w, 1, np.inf)
            if max(round(x[start:start + size] @ whole) for x in found) < 1:
                reach(whole, 1, np.inf)
        counts = [round(x[start:start + size] @ w) for x in found]
        rests = [round(x[start:start + size] @ whole) for x in found]
        if problem.unsafe(f, min(counts), max(counts), max(rests)):
            return False
    return True
