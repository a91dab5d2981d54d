"""The numbers behind the reports: shares with intervals, gaps, contrasts, changes, breakdowns.

Every function takes a :class:`~helpers.load.Dataset` and returns a DataFrame of keys
and unrounded numbers; none draws, formats or reads a file. The same functions
serve published tallies (n published or inferred from rounding) and tabulated
exports (n counted, weighted where the export has weights).

A *share* is what a report compares: for a scale item, the share answering on its
positive side (agree or strongly agree, yes); for a choose-any item, the share
choosing each option.
"""

import math

import numpy as np
import pandas as pd

from helpers.codebook import Codebook
from helpers.denominators import with_bases
from helpers.load import Dataset, once
from helpers.stats import difference_p_value, disparity, imprecise, newcombe, wilson

KEYS = ["table", "wave", "site", "group", "breakdown", "value", "item", "answer"]
SHARE_COLUMNS = [*KEYS, "percent", "n", "n_eff", "weight", "weight2", "chosen", "inferred", "exact",
                 "aggregate", "low", "high", "imprecise"]
FDR = 0.05  # Benjamini–Hochberg false discovery rate across the comparisons of one report


def indicators(codebook: Codebook) -> list[tuple[str, str]]:
    """Returns the (item, answer) pairs a report compares, in the codebook's order."""
    pairs = []
    for item in codebook.items:
        if item.kind == "choose-any":
            pairs += [(item.id, option.id) for option in item.options]
        else:
            pairs.append((item.id, "positive"))
    return pairs


def _count(percent: float, n_eff: float, inferred: bool) -> float:
    """Returns the number of respondents a share stands for: whole where n is inferred from
    rounding (the published figure is a rounded whole count), else p × effective n."""
    return round(percent * n_eff / 100) if inferred else percent * n_eff / 100


@once
def shares(dataset: Dataset) -> pd.DataFrame:
    """Returns every share with its n and 95% Wilson interval (low, high in percent).

    Published shares are taken as published; where a table publishes a full
    distribution but not the positive share, the share is the sum of its positive
    cells (as the publication's own "agree or strongly agree" would be).
    """
    figures = published_figures(dataset)
    wanted = pd.DataFrame(indicators(dataset.codebook), columns=["item", "answer"])
    direct = figures.merge(wanted, on=["item", "answer"])
    direct = direct[direct["aggregate"].isin(["", "mean"])]
    derived = []
    published_positive = set(map(tuple, direct[KEYS[:-1]].to_numpy().tolist()))
    for item in dataset.codebook.items:
        scale = dataset.codebook.scale_of(item)
        if scale is None:
            continue
        cells = figures[(figures["item"] == item.id) & figures["answer"].isin(scale.side("positive"))
                        & (figures["aggregate"] == "")]
        if cells.empty:
            continue
        summed = cells.groupby(KEYS[:-1], sort=False).agg(
            percent=("percent", "sum"), n=("n", "first"), n_eff=("n_eff", "first"),
            inferred=("inferred", "first"), exact=("exact", "first")).reset_index()
        summed[["weight", "weight2", "chosen"]] = math.nan
        keep = [tuple(k) not in published_positive for k in summed[KEYS[:-1]].to_numpy().tolist()]
        derived.append(summed[keep].assign(answer="positive", aggregate=""))
    table = pd.concat([direct, *derived], ignore_index=True) if derived else direct
    n_eff = table["n_eff"].astype(float).fillna(0).to_numpy()
    counted = table["percent"].to_numpy(dtype=float) * n_eff / 100
    inferred = table["inferred"].astype(bool).to_numpy()
    counted[inferred] = np.round(counted[inferred])  # a rounded whole count (see _count)
    known = n_eff > 0
    lows, highs = np.full(len(table), math.nan), np.full(len(table), math.nan)
    if known.any():
        low, high = wilson(counted[known], n_eff[known])
        lows[known], highs[known] = 100 * low, 100 * high
    table["low"], table["high"] = lows, highs
    table["imprecise"] = [imprecise(p, lo, hi, float(n) if pd.notna(n) else math.nan)
                          for p, lo, hi, n in zip(table["percent"], lows, highs, table["n_eff"],
                                                  strict=True)]
    return table[SHARE_COLUMNS].reset_index(drop=True)


@once
def published_figures(dataset: Dataset) -> pd.DataFrame:
    """Returns the figures a report may show, each with its n (denominators.with_bases)."""
    return published(with_bases(dataset))


SITE_TABLES = {"shares": lambda d: shares(d), "figures": lambda d: published_figures(d),
               "withheld": lambda d: suppressed_shares(d), "all figures": lambda d: d.figures}


@once
def _by_site(dataset: Dataset, name: str) -> dict[str, pd.DataFrame]:
    table = SITE_TABLES[name](dataset)
    return {site: rows for site, rows in table.groupby("site", sort=False)}


def at_site(dataset: Dataset, name: str, site: str) -> pd.DataFrame:
    """Returns the rows of one site (blank: the network's own) of a table of SITE_TABLES,
    index kept: split once per dataset, so that a report's cost does not grow with the
    number of sites."""
    parts = _by_site(dataset, name)
    return parts[site] if site in parts else SITE_TABLES[name](dataset).iloc[:0]


def published(figures: pd.DataFrame) -> pd.DataFrame:
    """Returns the figures that disclosure control lets a report show."""
    if "suppressed" not in figures:
        return figures
    return figures[figures["suppressed"] == ""]


@once
def suppressed_shares(dataset: Dataset) -> pd.DataFrame:
    """Returns the keys of the shares disclosure control hides (none for published tallies)."""
    figures = dataset.figures
    if "suppressed" not in figures:
        return pd.DataFrame(columns=[*KEYS, "suppressed", "shown"])
    hidden = figures[figures["suppressed"] != ""]
    wanted = pd.DataFrame(indicators(dataset.codebook), columns=["item", "answer"])
    return hidden.merge(wanted, on=["item", "answer"])[[*KEYS, "suppressed", "shown"]]


@once
def waves(dataset: Dataset) -> list[str]:
    """Returns the waves (in the codebook's order) that have any figures."""
    present = set(dataset.figures["wave"])
    return [w.id for w in dataset.codebook.waves if w.id in present]


def latest_wave(dataset: Dataset) -> str:
    """Returns the last wave (in the codebook's order) that has any figures."""
    return waves(dataset)[-1]


@once
def site_shares(dataset: Dataset) -> pd.DataFrame:
    """Returns each site's shares (all groups, latest wave) against the reference: the published
    mean over the sites, or the network's figure. Columns: item, answer, site, percent, low,
    high, n, inferred, reference, gap."""
    table = shares(dataset)
    wave = latest_wave(dataset)
    table = table[(table["wave"] == wave) & (table["group"] == "") & (table["breakdown"] == "")]
    sites = table[(table["site"] != "") & (table["aggregate"] == "")]
    if dataset.codebook.dataset.reference == "published mean":
        reference = table[(table["site"] == "") & (table["aggregate"] == "mean")]
    else:
        reference = table[(table["site"] == "") & (table["aggregate"] == "")]
    reference = reference.drop_duplicates(["item", "answer"]).set_index(["item", "answer"])["percent"]
    keys = pd.MultiIndex.from_frame(sites[["item", "answer"]])
    sites = sites.assign(reference=reference.reindex(keys).to_numpy())
    sites["gap"] = sites["percent"] - sites["reference"]
    sites["network"] = sites["reference"]
    sites[["reference n", "gap low", "gap high", "p"]] = math.nan
    if dataset.codebook.dataset.reference == "network":
        sites = _against_complement(sites, table[(table["site"] == "") & (table["aggregate"] == "")])
    order = {pair: i for i, pair in enumerate(indicators(dataset.codebook))}
    site_order = {s: i for i, s in enumerate(dataset.site_ids)}
    pairs = zip(sites["item"], sites["answer"], strict=True)
    sites = sites.assign(_o=[order.get(pair, 0) for pair in pairs], _s=sites["site"].map(site_order))
    return sites.sort_values(["_o", "_s"]).drop(columns=["_o", "_s"]).reset_index(drop=True)


def _against_complement(sites: pd.DataFrame, network: pd.DataFrame) -> pd.DataFrame:
    """Returns the sites' rows with the rest of the network (all respondents but the site's) as
    the reference: its share and n, the gap, its Newcombe interval and a score-test p-value.

    The complement comes from subtracting the site's sums of weights from the network's, so it
    is exact, weights included; a site compared with a whole that contains it would count its
    own respondents twice (../methods.md, "Comparisons that do not mislead").
    """
    whole = network.drop_duplicates(["item", "answer"]).set_index(["item", "answer"])
    keys = pd.MultiIndex.from_frame(sites[["item", "answer"]])
    for column in ("n", "weight", "weight2", "chosen"):
        sites[f"rest {column}"] = whole[column].astype(float).reindex(keys).to_numpy() \
            - sites[column].astype(float).to_numpy()
    rest_n_eff = sites["rest weight"] ** 2 / sites["rest weight2"]
    sites["network"] = whole["percent"].reindex(keys).to_numpy()
    sites["reference"] = 100 * sites["rest chosen"] / sites["rest weight"]
    sites["reference n"] = sites["rest n"]
    sites["gap"] = sites["percent"] - sites["reference"]
    n_eff = sites["n_eff"].astype(float).to_numpy()
    other, other_n = sites["reference"].to_numpy(dtype=float), rest_n_eff.to_numpy(dtype=float)
    known = ~np.isnan(other) & (np.nan_to_num(other_n) > 0) & (np.nan_to_num(n_eff) > 0)
    lows, highs, ps = (np.full(len(sites), math.nan) for _ in range(3))
    if known.any():
        a = sites["percent"].to_numpy(dtype=float)[known] * n_eff[known] / 100
        b = other[known] * other_n[known] / 100
        _, low, high = newcombe(a, n_eff[known], b, other_n[known])
        lows[known], highs[known] = 100 * low, 100 * high
        ps[known] = difference_p_value(a, n_eff[known], b, other_n[known])
    sites["gap low"], sites["gap high"], sites["p"] = lows, highs, ps
    return sites.drop(columns=[c for c in sites.columns if c.startswith("rest ")])


def clear(p_values: pd.Series, rate: float = FDR) -> pd.Series:
    """Returns which comparisons survive Benjamini–Hochberg control of the false discovery rate
    (statsmodels' multipletests); a comparison without a p-value is never clear."""
    from statsmodels.stats.multitest import multipletests

    survives = pd.Series(False, index=p_values.index)
    known = p_values.notna()
    if known.any():
        survives[known] = multipletests(p_values[known].astype(float), alpha=rate, method="fdr_bh")[0]
    return survives


@once
def comparisons(dataset: Dataset, site: str | None) -> pd.DataFrame:
    """Returns every comparison a report makes, with which are clear after the false discovery
    rate is controlled across all of them: a site's figures against the rest of the network
    (every site's, for the network report), the group contrasts and the changes between waves.

    Columns: kind ("site", "contrast", "change"), site, item, answer, label keys (contrast,
    first, second), gap, low, high, p, clear.
    """
    frames = []
    sites = site_shares(dataset)
    if site is not None:
        sites = sites[sites["site"] == site]
    frames.append(pd.DataFrame({"kind": "site", "site": sites["site"], "item": sites["item"],
                                "answer": sites["answer"], "contrast": "", "gap": sites["gap"],
                                "low": sites["gap low"], "high": sites["gap high"], "p": sites["p"]}))
    rows, _ = shown_contrasts(dataset, site or "")
    frames.append(pd.DataFrame({"kind": "contrast", "site": site or "", "item": rows["item"],
                                "answer": rows["answer"], "contrast": rows["contrast"],
                                "gap": rows["gap"], "low": rows["low"], "high": rows["high"],
                                "p": rows["p"]}))
    rows = wave_changes(dataset, site or "")
    frames.append(pd.DataFrame({"kind": "change", "site": site or "", "item": rows["item"],
                                "answer": rows["answer"], "contrast": "", "gap": rows["change"],
                                "low": rows["low"], "high": rows["high"], "p": rows["p"]}))
    frames = [f for f in frames if len(f)]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["kind", "site", "item", "answer", "contrast", "gap", "low", "high", "p"])
    table["p"] = table["p"].astype(float)
    table["clear"] = clear(table["p"])
    return table


def gaps_for_site(dataset: Dataset, site: str) -> pd.DataFrame:
    """Returns the site's shares and gaps to the reference, largest gap first."""
    rows = site_shares(dataset)
    rows = rows[rows["site"] == site].dropna(subset=["gap"])
    return rows.reindex(rows["gap"].abs().sort_values(ascending=False, kind="stable").index)


@once
def disparity_by_indicator(dataset: Dataset) -> pd.DataFrame:
    """Returns, per share, the disparity among sites against the reference: range difference
    and ratio, index of disparity, and the measures weighted by each site's n."""
    rows = []
    data = site_shares(dataset)
    for (item, answer), cells in data.groupby(["item", "answer"], sort=False):
        values = cells.set_index("site")["percent"]
        reference = cells["reference"].iloc[0]
        if len(values) < 2 or pd.isna(reference):
            continue
        weights = cells.set_index("site")["n"].astype(float)
        measures = disparity(values, reference=float(reference),
                             weights=weights if weights.notna().all() else None)
        rows.append({
            "item": item, "answer": answer, "reference": measures.reference,
            "highest": measures.highest, "highest %": float(values.max()),
            "lowest": measures.lowest, "lowest %": float(values.min()),
            "range": measures.range_difference, "range ratio": measures.range_ratio,
            "index of disparity": measures.index_of_disparity,
            "between-group variance": measures.between_group_variance,
            "theil": measures.theil, "mld": measures.mean_log_deviation,
        })
    return pd.DataFrame(rows)


@once
def contrasts(dataset: Dataset, site: str = "", table: str | None = None) -> pd.DataFrame:
    """Returns, for each contrast of the codebook and share, the two groups' figures, the gap
    (first minus second) and its Newcombe 95% interval, at a site (blank: the network).

    Columns: contrast, first, second, table, item, answer, first %, second %, gap, low, high,
    first n, second n, inferred.
    """
    data = at_site(dataset, "shares", site)
    wave = latest_wave(dataset)
    data = data[(data["wave"] == wave) & (data["breakdown"] == "") & (data["aggregate"] == "")]
    if table is not None:
        data = data[data["table"] == table]
    rows = []
    for contrast in dataset.codebook.contrasts:
        first = data[data["group"] == contrast.first].set_index(["table", "item", "answer"])
        second = data[data["group"] == contrast.second].set_index(["table", "item", "answer"])
        order = {pair: i for i, pair in enumerate(indicators(dataset.codebook))}
        shared = sorted((k for k in first.index if k in second.index),
                        key=lambda k: (k[0], order.get((k[1], k[2]), 0)))
        for key in shared:
            a, b = first.loc[key], second.loc[key]
            low = high = p = math.nan
            if pd.notna(a["n_eff"]) and pd.notna(b["n_eff"]):
                counts = (_count(a["percent"], float(a["n_eff"]), bool(a["inferred"])), float(a["n_eff"]),
                          _count(b["percent"], float(b["n_eff"]), bool(b["inferred"])), float(b["n_eff"]))
                _, low, high = newcombe(*counts)
                p = difference_p_value(*counts)
            rows.append({"contrast": contrast.id, "first": contrast.first, "second": contrast.second,
                         "table": key[0], "item": key[1], "answer": key[2],
                         "first %": a["percent"], "second %": b["percent"],
                         "gap": a["percent"] - b["percent"], "low": 100 * low, "high": 100 * high,
                         "first n": a["n"], "second n": b["n"],
                         "inferred": bool(a["inferred"] or b["inferred"]), "p": p})
    return pd.DataFrame(rows, columns=["contrast", "first", "second", "table", "item", "answer",
                                       "first %", "second %", "gap", "low", "high", "first n",
                                       "second n", "inferred", "p"])


@once
def shown_contrasts(dataset: Dataset, site: str) -> tuple[pd.DataFrame, bool]:
    """Returns the contrasts a report shows: the site's, or where the data have none by site,
    the network's from the first table that has them; and whether they are network-wide."""
    rows = contrasts(dataset, site)
    if rows.empty and site:
        rows = contrasts(dataset, "")
        if len(rows):
            return rows[rows["table"] == rows["table"].iloc[0]], True
    return rows, False


@once
def wave_changes(dataset: Dataset, site: str = "") -> pd.DataFrame:
    """Returns each share's change between the last two waves at a site (blank: the network), all
    groups, with a Newcombe 95% interval (the waves taken as independent samples).

    Columns: item, answer, before, after, before %, after %, change, low, high, before n, after n.
    """
    present = waves(dataset)
    columns = ["item", "answer", "before", "after", "before %", "after %", "change", "low", "high",
               "before n", "after n", "p"]
    if len(present) < 2:
        return pd.DataFrame(columns=columns)
    before, after = present[-2:]
    data = at_site(dataset, "shares", site)
    data = data[(data["group"] == "") & (data["breakdown"] == "") & (data["aggregate"] == "")]
    first = data[data["wave"] == before].set_index(["item", "answer"])
    second = data[data["wave"] == after].set_index(["item", "answer"])
    rows = []
    for key in [k for k in indicators(dataset.codebook) if k in first.index and k in second.index]:
        a, b = first.loc[key], second.loc[key]
        low = high = p = math.nan
        if pd.notna(a["n_eff"]) and pd.notna(b["n_eff"]):
            counts = (b["percent"] * float(b["n_eff"]) / 100, float(b["n_eff"]),
                      a["percent"] * float(a["n_eff"]) / 100, float(a["n_eff"]))
            _, low, high = newcombe(*counts)
            p = difference_p_value(*counts)
        rows.append({"item": key[0], "answer": key[1], "before": before, "after": after,
                     "before %": a["percent"], "after %": b["percent"],
                     "change": b["percent"] - a["percent"], "low": 100 * low, "high": 100 * high,
                     "before n": a["n"], "after n": b["n"], "p": p})
    return pd.DataFrame(rows, columns=columns)


@once
def breakdown(dataset: Dataset, characteristic: str, site: str = "") -> pd.DataFrame:
    """Returns each share by the values of a respondent characteristic at a site (blank: the
    network), latest wave, all groups, in the codebook's order of values, with Wilson intervals
    and each share's gap to the all-respondents figure."""
    data = at_site(dataset, "shares", site)
    wave = latest_wave(dataset)
    data = data[(data["wave"] == wave) & (data["group"] == "") & (data["aggregate"] == "")]
    overall = data[data["breakdown"] == ""].set_index(["item", "answer"])["percent"]
    rows = data[data["breakdown"] == characteristic].copy()
    keys = pd.MultiIndex.from_frame(rows[["item", "answer"]])
    rows["overall"] = overall.reindex(keys).to_numpy()
    rows["gap"] = rows["percent"] - rows["overall"]
    order = {v.id: i for i, v in enumerate(dataset.codebook.characteristic(characteristic).values)}
    pairs = {pair: i for i, pair in enumerate(indicators(dataset.codebook))}
    rows["_o"] = [pairs.get((i, a), 0) for i, a in zip(rows["item"], rows["answer"], strict=True)]
    rows["_v"] = rows["value"].map(order)
    return rows.sort_values(["_o", "_v"]).drop(columns=["_o", "_v"]).reset_index(drop=True)


@once
def breakdown_disparity(dataset: Dataset, characteristic: str, site: str = "") -> pd.DataFrame:
    """Returns, per share, the disparity across a characteristic's groups against all
    respondents: highest and lowest group, range, range ratio and index of disparity, the
    between-group variance weighted by each group's n."""
    rows = []
    for (item, answer), cells in breakdown(dataset, characteristic, site).groupby(["item", "answer"],
                                                                                 sort=False):
        values = cells.set_index("value")["percent"]
        reference = cells["overall"].iloc[0]
        if len(values) < 2 or pd.isna(reference):
            continue
        measures = disparity(values, reference=float(reference),
                             weights=cells.set_index("value")["n"].astype(float))
        rows.append({"item": item, "answer": answer, "reference": measures.reference,
                     "highest": measures.highest, "highest %": float(values.max()),
                     "lowest": measures.lowest, "lowest %": float(values.min()),
                     "range": measures.range_difference, "range ratio": measures.range_ratio,
                     "index of disparity": measures.index_of_disparity,
                     "between-group variance": measures.between_group_variance})
    return pd.DataFrame(rows)


@once
def distributions(dataset: Dataset, site: str = "") -> pd.DataFrame:
    """Returns the full answer distributions of the scale items at a site (blank: the network),
    latest wave, per group: one row per table, group, item and level."""
    figures = at_site(dataset, "figures", site)
    wave = latest_wave(dataset)
    levels = {(item.id, level.id) for item in dataset.codebook.items
              if (scale := dataset.codebook.scale_of(item)) for level in scale.levels}
    rows = figures[(figures["wave"] == wave) & (figures["breakdown"] == "")
                   & (figures["aggregate"] == "")]
    keep = [(i, a) in levels for i, a in zip(rows["item"], rows["answer"], strict=True)]
    return rows[keep].reset_index(drop=True)


def headcounts(dataset: Dataset, table: str) -> pd.DataFrame:
    """Returns one head-count table's parts (no totals): unit, activity, count, in order."""
    counts = dataset.headcounts[dataset.headcounts["table"] == table]
    by_value = (counts["characteristic"] != "").any()
    return counts.assign(unit=counts["value"] if by_value else counts["site"])


def respondent_counts(dataset: Dataset, site: str = "") -> pd.DataFrame:
    """Returns, for exports, how many people answered per wave and group at a site (blank: all):
    the largest base of any item, which is everyone who answered anything."""
    figures = at_site(dataset, "figures", site)
    rows = figures[(figures["exact"].astype(bool)) & (figures["breakdown"] == "")
                   & (figures["file"] != "figures.csv")]
    if rows.empty:
        return pd.DataFrame(columns=["wave", "group", "respondents"])
    counts = rows.groupby(["wave", "group"], sort=False)["n"].max().rename("respondents")
    return counts.reset_index()


@once
def site_spread(dataset: Dataset) -> pd.DataFrame:
    """Returns, per compared share (in site_shares' order), the spread of the sites' figures:
    lower quartile, median and upper quartile; computed once for every report of a run."""
    rows = []
    for (item, answer), cells in site_shares(dataset).groupby(["item", "answer"], sort=False):
        q1, median, q3 = quartiles(cells["percent"])
        rows.append({"item": item, "answer": answer, "q1": q1, "median": median, "q3": q3})
    return pd.DataFrame(rows, columns=["item", "answer", "q1", "median", "q3"])


@once
def compared_sites(dataset: Dataset) -> int:
    """Returns how many sites have compared shares."""
    return int(site_shares(dataset)["site"].nunique())


def quartiles(values: pd.Series) -> tuple[float, float, float]:
    """Returns the lower quartile, median and upper quartile."""
    return tuple(float(v) for v in np.nanpercentile(values.astype(float), [25, 50, 75]))
