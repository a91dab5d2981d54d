"""An outsider's attack on a run's published figures, sharing no model with the disclosure code.

It reads only a run's output folder for one dataset (``<out>/html/<dataset>/``): the CSV files of
every report, and the HTML for the minimum base ("fewer than N respondents") and for whether the
shares are weighted. From the tables it recognises by their headers it writes every relation an
outsider can infer, and bounds each withheld count and base with SciPy's HiGHS (LP, then an
integer programme where the LP says a figure might be pinned):

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
are decomposed per figure (question) of the last wave, plus one programme for the respondents.
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
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

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
        scope = NET if report == "network" else report
        if scope != NET:
            pub.sites.append(scope)
        for path in sorted(csvdir.glob("*.csv")):
            rows = _read(path)
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

    def arrays(self):
        n = len(self.lo)
        a = np.zeros((len(self.rows), n))
        lo = np.empty(len(self.rows))
        hi = np.empty(len(self.rows))
        for r, (coeffs, lo_r, hi_r) in enumerate(self.rows):
            for k, c in coeffs.items():
                a[r, self.index[k]] += c
            lo[r], hi[r] = lo_r, hi_r
        return a, lo, hi

    def bounds(self, objectives: dict):
        """Min and max of each objective (a dict of coefficients): LP, then MILP where tight."""
        n = len(self.lo)
        a, lo, hi = self.arrays()
        a_ub = np.vstack([a[np.isfinite(hi)], -a[np.isfinite(lo)]])
        b_ub = np.concatenate([hi[np.isfinite(hi)], -lo[np.isfinite(lo)]])
        bnds = list(zip(self.lo, self.hi, strict=False))
        out = {}
        cons = LinearConstraint(a, lo, hi) if len(self.rows) else None
        feasible = milp(np.zeros(n), constraints=cons, integrality=np.ones(n),
                        bounds=Bounds(self.lo, self.hi), options={"time_limit": 30})
        if feasible.status == 2:
            raise ValueError("no whole numbers fit the published figures under the outsider's model")
        self.intervals = out
        for name, coeffs in objectives.items():
            c = np.zeros(n)
            for k, v in coeffs.items():
                c[self.index[k]] += v
            res = []
            for sign in (1, -1):
                r = linprog(sign * c, A_ub=a_ub if len(b_ub) else None, b_ub=b_ub if len(b_ub) else None,
                            bounds=bnds, method="highs")
                if r.status == 2:
                    raise ValueError("the published figures are inconsistent with the outsider's model")
                res.append(sign * r.fun if r.status == 0 else sign * -np.inf)
            lo_v, hi_v = math.ceil(res[0] - 1e-6), math.floor(res[1] + 1e-6)
            if hi_v - lo_v < 2:   # might be pinned or narrow: the integer programme decides
                got = []
                for sign in (1, -1):
                    r = milp(sign * c, constraints=cons, integrality=np.ones(n),
                             bounds=Bounds(self.lo, self.hi), options={"time_limit": 20})
                    got.append(sign * r.fun if r.status == 0 else None)
                if None not in got:
                    lo_v, hi_v = round(got[0]), round(got[1])
            out[name] = (lo_v, hi_v)
        return out


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


def _fix_or_var(p, key, value):
    if value is None:
        return p.var(key)
    return p.var(key, value, value)


def attack(folder: Path, counts: bool | None = None) -> Result:
    """Bounds every withheld figure of one dataset's output folder. counts: whether shares are
    exact ratios of whole counts (unweighted); None: assume so unless the figures contradict it
    (weighted shares), then attack the bases alone."""
    if counts is None:
        first = attack(folder, True)
        if not any(x.kind == "model" for x in first.leaks):
            return first
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
    for name, (lo, hi) in p.bounds(objectives).items():
        _judge_base(result, name, lo, hi, pub.minimum_base, "sites add up to the network")

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
            found = p.bounds(objectives)
        except ValueError as e:
            result.leaks.append(Finding(f, "model", (None, None), str(e)))
            continue
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
        print(f"{folder}: {r.withheld} withheld, {r.relations} relations, {len(r.leaks)} leaks, "
              f"{len(r.narrow)} narrower than 2" + (" (weighted: bases only)" if r.weighted else ""))
        for x in r.leaks[:20]:
            print("  LEAK", x.figure, x.kind, x.interval, x.why)
        for x in r.narrow[:10]:
            print("  narrow", x.figure, x.interval, x.why)


if __name__ == "__main__":
    main(sys.argv[1:])
