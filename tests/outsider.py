"""An outsider's attack on a run's published figures, sharing no model with the disclosure code.

It reads only a run's output folder for one dataset (``<out>/html/<dataset>/``): the CSV files of
every site's report and the network's (a report with no respondents table, such as a site's family
snapshot, is no site: it repeats its site's shares), and the HTML for the minimum base ("fewer
than N respondents") and for whether the shares are weighted. From the tables it recognises by
their headers it writes every relation an outsider can infer, and bounds each withheld count and
base over the whole-number solutions of them with SciPy's HiGHS (``milp``):

- respondents (``wave,group,respondents``): each the largest base of any item, so the sites add up
  to at least the network; whole, none negative;
- breakdowns (``figure,<characteristic>,%,...,n,...``): a count and a base per value; the sites
  add up to the network; the values of a characteristic plus an unknown "not stated" remainder
  make the figure's all-respondents base and positive count (the same for every characteristic);
- distributions (``statement,group,<levels>,note``): a count per level and the group's base (every
  level of a withheld group bounded, none to be 0 or all of it); the
  groups add up to the all-respondents base and positive count; a group's base is at most its
  respondents; the sites add up to the network;
- every shown percentage as the interval its one-decimal rounding allows (unweighted runs only:
  a weighted share says nothing exact about a count); coded "< x%" / "> x%" as bounds, on a base
  of the minimum to the methods note's small group (fewer than 30); counts
  whole, between 0 and their base. Choose-any options of one item (the breakdown figures no
  distribution shows) share their base.

A withheld figure is LEAKED if its count is pinned to one value, or shown to be 0 or all of its
base, or its base (or a withheld respondents count) is pinned below the minimum base. Relations
are decomposed per figure (question) of the last wave, plus one programme for the respondents,
and each into its independent parts (unknowns joined by a relation). In a part, every whole
solution found is checked exactly and kept as a witness: one to show the part feasible, two at
the extremes of a seeded direction, then each objective's most (and, unless the witnesses then
show it free, its least). A figure two kept witnesses show free (a count three values apart, one
above 0; a base three apart; a count below its base once) needs no programme of its own; every
other one gets its exact least and most (where a programme stops at its time limit, its proven
bound, which can only make a figure look freer than it is; counted as ``stopped``).
"""

from __future__ import annotations

import csv
import math
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

NET = "~network"
BIG = 10**6


def _num(text: str):
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        return None


def _read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


@dataclass
class Published:
    """Everything read from one dataset's output folder."""

    sites: list[str] = field(default_factory=list)
    respondents: dict = field(default_factory=dict)      # (scope, wave, group) -> value | None
    breakdown: dict = field(default_factory=dict)        # (scope, fig, char, value) -> (pct, n, code)
    distribution: dict = field(default_factory=dict)     # (scope, fig, group) -> {level: pct} | None
    levels: dict = field(default_factory=dict)           # fig -> (levels in base, positive levels)
    minimum_base: int = 10
    small: int = 30  # top/bottom coding marks groups of fewer than this many
    weighted: bool = False


def _code(note: str):
    m = re.match(r"\s*([<>])\s*([0-9.]+)\s*%", note)
    return (m.group(1), float(m.group(2))) if m else None


def read_published(folder: Path) -> Published:
    pub = Published()
    folder = Path(folder)
    html = " ".join(p.read_text(encoding="utf-8") for p in folder.glob("*.html"))
    m = re.search(r"resting on fewer than (\d+) respondents", html)
    pub.minimum_base = int(m.group(1)) if m else 10
    m = re.search(r"In a group of fewer than (\d+), a share above", html)
    pub.small = int(m.group(1)) if m else 30
    for csvdir in sorted(folder.glob("*-csv")):
        report = csvdir.name[:-4]
        if report == "data-quality":
            continue
        tables = [_read(path) for path in sorted(csvdir.glob("*.csv"))]
        if not any(rows and rows[0][:3] == ["wave", "group", "respondents"] for rows in tables):
            continue  # not a site's report (a family snapshot repeats its site's shares)
        scope = NET if report == "network" else report
        if scope != NET:
            pub.sites.append(scope)
        for rows in tables:
            if not rows:
                continue
            head = rows[0]
            if head[:3] == ["wave", "group", "respondents"]:
                for r in rows[1:]:
                    pub.respondents[(scope, r[0], r[1])] = _num(r[2])
            elif head[0] == "figure" and len(head) > 6 and head[2] == "%" and head[5] == "n":
                char = head[1]
                for r in rows[1:]:
                    pub.breakdown[(scope, r[0], char, r[1])] = (_num(r[2]), _num(r[5]), _code(r[-1]))
            elif head[:2] == ["statement", "group"]:
                lv = head[2:-1]
                for r in rows[1:]:
                    vals = [_num(x) for x in r[2:2 + len(lv)]]
                    pub.distribution[(scope, r[0], r[1])] = (
                        None if any(v is None for v in vals) else dict(zip(lv, vals, strict=False)))
                    if r[0] not in pub.levels and all(v is not None for v in vals):
                        # the levels of the base: the first ones adding up to 100; apart: the rest
                        acc, k = 0.0, len(lv)
                        for i, v in enumerate(vals):
                            acc += v
                            if abs(acc - 100) <= 0.3:
                                k = i + 1
                                break
                        base = lv[:k]
                        pub.levels[r[0]] = (base, base[len(base) // 2:])
    return pub


class Programme:
    """Integer variables with bounds and linear relations (lo <= a.x <= hi)."""

    def __init__(self):
        self.index: dict = {}
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.rows: list[tuple[dict, float, float]] = []
        self.solved = 0  # integer programmes solved
        self.parts = 0  # independent parts solved
        self.stopped = 0  # least or most programmes stopped by their time limit

    def var(self, key, lo=0.0, hi=BIG):
        if key not in self.index:
            self.index[key] = len(self.lo)
            self.lo.append(lo)
            self.hi.append(hi)
        else:
            i = self.index[key]
            self.lo[i] = max(self.lo[i], lo)
            self.hi[i] = min(self.hi[i], hi)
        return key

    def rel(self, coeffs: dict, lo=-np.inf, hi=np.inf):
        self.rows.append((coeffs, lo, hi))

    def _parts(self, objectives: dict):
        """The independent parts of the programme: unknowns (those not fixed by their bounds)
        joined by a relation or an objective. Returns each part's unknowns and relations; a
        relation of fixed figures alone is checked here."""
        fixed = np.array(self.lo) == np.array(self.hi)
        parent = list(range(len(self.lo)))

        def root(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        def join(coeffs):
            free = [self.index[k] for k in coeffs if not fixed[self.index[k]]]
            for j in free[1:]:
                parent[root(j)] = root(free[0])
            return free

        rows = defaultdict(list)
        for coeffs, lo, hi in self.rows:
            if not join(coeffs):
                value = sum(c * self.lo[self.index[k]] for k, c in coeffs.items())
                if not lo - 1e-7 <= value <= hi + 1e-7:
                    raise ValueError("the published figures are inconsistent with the outsider's model")
        for coeffs in objectives.values():
            join(coeffs)
        for r, (coeffs, _, _) in enumerate(self.rows):
            free = [self.index[k] for k in coeffs if not fixed[self.index[k]]]
            if free:
                rows[root(free[0])].append(r)
        members = defaultdict(list)
        for i in np.flatnonzero(~fixed):
            members[root(int(i))].append(int(i))
        return [(members[k], rows.get(k, [])) for k in members]

    def bounds(self, objectives: dict, needs: dict):
        """Returns the smallest and largest whole value of each objective (a dict of
        coefficients) over every whole-number solution of the relations, part by part. An
        objective is FREE once two exact whole solutions found so far differ in it by
        needs[name] = (at least this much, the largest at least 1 or not): its interval is then
        the range those witnesses span (enough to show it unprotected by nothing); every other
        objective is solved exactly, least and most, each solution kept as a witness."""
        out = {}
        lo_all, hi_all = np.array(self.lo), np.array(self.hi)
        for name, coeffs in objectives.items():
            if all(lo_all[self.index[k]] == hi_all[self.index[k]] for k in coeffs):
                v = round(sum(c * lo_all[self.index[k]] for k, c in coeffs.items()))
                out[name] = (v, v)
        for cols, rows in self._parts(objectives):
            where = {c: j for j, c in enumerate(cols)}
            a = sparse.lil_matrix((len(rows), len(cols)))
            rlo, rhi = np.empty(len(rows)), np.empty(len(rows))
            for i, r in enumerate(rows):
                coeffs, lo, hi = self.rows[r]
                shift = 0.0
                for k, c in coeffs.items():
                    j = self.index[k]
                    if j in where:
                        a[i, where[j]] += c
                    else:
                        shift += c * self.lo[j]
                rlo[i], rhi[i] = lo - shift, hi - shift
            a = a.tocsr()
            part = _Part(a, rlo, rhi, lo_all[cols], hi_all[cols], self)
            mine = {}
            for name, coeffs in objectives.items():
                c, const, inside = np.zeros(len(cols)), 0.0, False
                for k, v in coeffs.items():
                    j = self.index[k]
                    if j in where:
                        c[where[j]] += v
                        inside = True
                    else:
                        const += v * self.lo[j]
                if inside:
                    mine[name] = (c, const)
            if not mine and not rows:
                continue
            self.parts += 1
            part.witness(np.zeros(len(cols)))
            if mine:  # witnesses far apart in many figures at once: extremes of seeded directions
                spread = np.random.default_rng(len(cols)).uniform(0.5, 1.5, len(cols))
                for sign in (1, -1):
                    part.witness(sign * spread)
            for name, (c, const) in mine.items():
                free = part.free(c, const, *needs[name])
                if free:
                    out[name] = free
                    continue
                high = part.extreme(c, -1)  # its most, then (unless that witness frees it) its least
                free = part.free(c, const, *needs[name])
                out[name] = free or (math.ceil(part.extreme(c, 1) + const - 1e-6),
                                     math.floor(high + const + 1e-6))
        return out


class _Part:
    """One independent part of a programme, with the exact whole solutions found in it."""

    def __init__(self, a, rlo, rhi, lb, ub, owner):
        self.a, self.rlo, self.rhi, self.lb, self.ub, self.owner = a, rlo, rhi, lb, ub, owner
        self.cons = LinearConstraint(a, rlo, rhi) if a.shape[0] else None
        self.pool: list[np.ndarray] = []

    def _keep(self, x):
        """Keeps x rounded if it is an exact whole solution (checked here, not trusted)."""
        x = np.round(x)
        ax = self.a @ x
        if (np.all(x >= self.lb) and np.all(x <= self.ub) and np.all(ax >= self.rlo - 1e-7)
                and np.all(ax <= self.rhi + 1e-7)):
            self.pool.append(x)

    def free(self, c, const, at_least, positive):
        """Returns the range two kept witnesses span in c.x + const if it is free by that
        need (else None)."""
        values = [x @ c + const for x in self.pool]
        if values and max(values) - min(values) >= at_least and (max(values) >= 1 or not positive):
            return round(min(values)), round(max(values))
        return None

    def _solve(self, c, integral=True):
        self.owner.solved += integral
        return milp(c, constraints=self.cons, integrality=np.full(len(c), int(integral)),
                    bounds=Bounds(self.lb, self.ub), options={"time_limit": 20})

    def witness(self, c):
        r = self._solve(c)
        if r.status == 2:
            raise ValueError("no whole numbers fit the published figures under the outsider's model")
        if r.x is not None:
            self._keep(r.x)
        return r

    def extreme(self, c, sign):
        """The least (sign 1) or most (sign -1) of c.x over whole solutions; where the integer
        programme stops early, its proven bound (else the linear relaxation's): never tighter
        than the truth."""
        r = self.witness(sign * c)
        if r.status == 0:
            return sign * r.fun
        self.owner.stopped += 1
        bound = getattr(r, "mip_dual_bound", None)
        if bound is not None and np.isfinite(bound):
            return sign * bound
        r = self._solve(sign * c, integral=False)
        return sign * r.fun if r.status == 0 else sign * -np.inf


def _rounding(p: Programme, count, base, pct):
    """A share shown to one decimal: 100 count / base within pct +- 0.05."""
    e = 0.05 + 1e-9
    p.rel({count: 100.0, base: -(pct + e)}, hi=0.0)
    p.rel({count: 100.0, base: -(pct - e)}, lo=0.0)


def _coded(p: Programme, count, base, code):
    sign, pct = code
    if sign == "<":
        p.rel({count: 100.0, base: -pct}, hi=0.0)
    else:
        p.rel({count: 100.0, base: -pct}, lo=0.0)


@dataclass
class Finding:
    figure: str
    kind: str
    interval: tuple
    why: str


@dataclass
class Result:
    withheld: int = 0
    relations: int = 0
    leaks: list = field(default_factory=list)
    narrow: list = field(default_factory=list)
    weighted: bool = False
    programmes: int = 0  # integer programmes solved
    parts: int = 0  # independent parts solved alone
    stopped: int = 0  # least or most programmes stopped by their time limit (a proven bound used)


def _needs(names) -> dict:
    """What two witnesses must show of each objective for it to be free: a count three values
    apart at least, one above 0; a base three apart; a rest (base minus count) above 0 once."""
    def need(name):
        if name.startswith(("rest", "group rest")):
            return (0, True)
        if name.startswith(("count", "group count")):
            return (2, True)
        return (2, False)
    return {name: need(name) for name in names}


def _fix_or_var(p, key, value):
    if value is None:
        return p.var(key)
    return p.var(key, value, value)


def attack(folder: Path, counts: bool | None = None, probe: bool = False) -> Result:
    """Bounds every withheld figure of one dataset's output folder. counts: whether shares are
    exact ratios of whole counts (unweighted); None: assume so unless the figures contradict it
    (weighted shares: a probe finds no whole solution), then attack the bases alone. probe:
    only whether whole numbers fit each figure's relations."""
    if counts is None:
        first = attack(folder, True, probe=True)
        if not any(x.kind == "model" for x in first.leaks):
            return attack(folder, True)
        second = attack(folder, False)
        second.weighted = True
        return second
    pub = read_published(folder)
    pub.weighted = not counts
    result = Result()
    scopes = [*pub.sites, NET]
    waves = sorted({w for (_, w, _) in pub.respondents})
    last = waves[-1] if waves else None
    groups = sorted({g for (_, _, g) in pub.respondents})
    count_rel = not pub.weighted

    def respondents(p: Programme):
        for w in waves:
            for g in groups:
                keys = []
                for s in scopes:
                    v = pub.respondents.get((s, w, g), "absent")
                    k = ("R", s, w, g)
                    keys.append(k)
                    _fix_or_var(p, k, None if v == "absent" else v)
                if all(pub.respondents.get((s, w, g), "absent") == "absent" for s in scopes):
                    continue
                # a report's respondents are the largest base of any item, so the network's is at
                # most the sites' sum (each site's largest base may come from another item)
                p.rel({**{k: 1.0 for k in keys[:-1]}, keys[-1]: -1.0}, lo=0.0)

    # the respondents alone
    p = Programme()
    respondents(p)
    objectives = {}
    for (s, w, g), v in pub.respondents.items():
        if v is None:
            objectives[f"respondents {s} {w} {g}"] = {("R", s, w, g): 1.0}
    result.withheld += len(objectives)
    result.relations += len(p.rows)
    for name, (lo, hi) in ({} if probe else p.bounds(objectives, _needs(objectives))).items():
        _judge_base(result, name, lo, hi, pub.minimum_base, "sites add up to the network")
    result.programmes, result.parts, result.stopped = p.solved, p.parts, p.stopped

    figures = sorted({f for (_, f, _, _) in pub.breakdown} | {f for (_, f, _) in pub.distribution})
    chars = sorted({c for (_, _, c, _) in pub.breakdown})
    values = defaultdict(set)
    for (_, _f, c, v) in pub.breakdown:
        values[c].add(v)
    for f in figures:
        p = Programme()
        respondents(p)
        objectives = {}
        for s in scopes:
            p.var(("T", s, f))
            if last:   # a figure's base: at most the people who answered any question
                p.rel({("T", s, f): 1.0, **{("R", s, last, g): -1.0 for g in groups}}, hi=0.0)
            if count_rel:
                p.var(("P", s, f))
                p.rel({("P", s, f): 1.0, ("T", s, f): -1.0}, hi=0.0)
            for c in chars:
                sb, sc = {}, {}
                for v in values[c]:
                    got = pub.breakdown.get((s, f, c, v))
                    kb, kc = ("B", s, f, c, v), ("C", s, f, c, v)
                    p.var(kb)
                    sb[kb] = 1.0
                    if count_rel:
                        p.var(kc)
                        sc[kc] = 1.0
                        p.rel({kc: 1.0, kb: -1.0}, hi=0.0)
                    if got is None:
                        continue
                    pct, n, code = got
                    if n is not None:
                        p.var(kb, n, n)
                        if count_rel and pct is not None:
                            _rounding(p, kc, kb, pct)
                    else:
                        result.withheld += 1
                        objectives[f"base {s} | {f} | {c}={v}"] = {kb: 1.0}
                        if count_rel:
                            objectives[f"count {s} | {f} | {c}={v}"] = {kc: 1.0}
                            objectives[f"rest {s} | {f} | {c}={v}"] = {kb: 1.0, kc: -1.0}
                        if code:  # the mark is printed for small groups only, at or above the minimum
                            p.var(kb, pub.minimum_base, pub.small - 1)
                            if count_rel:
                                _coded(p, kc, kb, code)
                # a characteristic's values plus the not-stated remainder
                p.rel({**sb, ("T", s, f): -1.0}, hi=0.0)
                if count_rel:
                    p.rel({**sc, ("P", s, f): -1.0}, hi=0.0)
                    p.rel({**sc, ("P", s, f): -1.0, ("T", s, f): 1.0, **{k: -1.0 for k in sb}}, lo=0.0)
            # distributions by group
            if f in pub.levels:
                base_lv, pos_lv = pub.levels[f]
                tb, tp = {}, {}
                for g in groups:
                    kg = ("Bg", s, f, g)
                    p.var(kg)
                    tb[kg] = 1.0
                    if last and ("R", s, last, g) in p.index:
                        p.rel({kg: 1.0, ("R", s, last, g): -1.0}, hi=0.0)
                    if count_rel:
                        lvk = {("D", s, f, g, lv): 1.0 for lv in base_lv}
                        for k in lvk:
                            p.var(k)
                        p.rel({**lvk, kg: -1.0}, 0.0, 0.0)
                        for lv in pos_lv:
                            tp[("D", s, f, g, lv)] = 1.0
                    got = pub.distribution.get((s, f, g), "absent")
                    if got == "absent":
                        continue
                    if got is None:
                        result.withheld += 1
                        objectives[f"group base {s} | {f} | {g}"] = {kg: 1.0}
                        if count_rel:  # every answer, as the table shows every answer
                            for lv in base_lv:
                                objectives[f"group count {s} | {f} | {g} | {lv}"] = {("D", s, f, g, lv): 1.0}
                                objectives[f"group rest {s} | {f} | {g} | {lv}"] = {
                                    kg: 1.0, ("D", s, f, g, lv): -1.0}
                    elif count_rel:
                        for lv in base_lv:
                            if lv in got:  # a table of the same statement may show other levels
                                _rounding(p, ("D", s, f, g, lv), kg, got[lv])
                p.rel({**tb, ("T", s, f): -1.0}, 0.0, 0.0)
                if count_rel:
                    p.rel({**tp, ("P", s, f): -1.0}, 0.0, 0.0)
        # sites add up to the network
        keys = defaultdict(list)
        for k in list(p.index):
            if k[0] in ("T", "P", "B", "C", "Bg", "D"):
                keys[(k[0], *k[2:])].append(k)
        for _tail, ks in keys.items():
            parts = [k for k in ks if k[1] != NET]
            net = [k for k in ks if k[1] == NET]
            if net and parts:
                p.rel({**{k: 1.0 for k in parts}, net[0]: -1.0}, 0.0, 0.0)
        result.relations += len(p.rows)
        try:
            found = p.bounds({} if probe else objectives, _needs(objectives))
        except ValueError as e:
            result.leaks.append(Finding(f, "model", (None, None), str(e)))
            continue
        finally:
            result.programmes += p.solved
            result.parts += p.parts
            result.stopped += p.stopped
        for name, (lo, hi) in found.items():
            kind = name.split(" ")[0]
            if kind in ("base", "group") and not name.startswith("group rest"):
                if name.startswith("group count"):
                    _judge_count(result, name, lo, hi,
                                 "rounded shares of the group's levels, groups and sites add up")
                else:
                    _judge_base(result, name, lo, hi, pub.minimum_base, "values + not stated, sites add up")
            elif kind == "count":
                _judge_count(result, name, lo, hi, "rounding, values + not stated, sites add up")
            elif kind in ("rest", "group") and name.startswith(("rest", "group rest")) and hi <= 0:
                result.leaks.append(Finding(name, "all of its base", (lo, hi),
                                            "base minus count is 0: everyone gave the answer"))
    return result


def _judge_base(result, name, lo, hi, minimum, why):
    if lo == hi and lo < minimum:
        result.leaks.append(Finding(name, "base pinned below the minimum base", (lo, hi), why))
    elif hi - lo < 2:
        result.narrow.append(Finding(name, "narrow", (lo, hi), why))


def _judge_count(result, name, lo, hi, why):
    if lo == hi:
        result.leaks.append(Finding(name, "count pinned", (lo, hi), why))
    elif hi <= 0:
        result.leaks.append(Finding(name, "shown to be 0", (lo, hi), why))
    elif hi - lo < 2:
        result.narrow.append(Finding(name, "narrow", (lo, hi), why))


def main(argv):
    for folder in argv:
        r = attack(Path(folder))
        print(f"{folder}: {r.withheld} withheld, {r.relations} relations, {r.programmes} integer "
              f"programmes in {r.parts} parts, {len(r.leaks)} leaks, "
              f"{len(r.narrow)} narrower than 2" + (" (weighted: bases only)" if r.weighted else ""))
        for x in r.leaks[:20]:
            print("  LEAK", x.figure, x.kind, x.interval, x.why)
        for x in r.narrow[:10]:
            print("  narrow", x.figure, x.interval, x.why)


if __name__ == "__main__":
    main(sys.argv[1:])
